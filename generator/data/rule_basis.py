"""Every eligibility rule set carries `basis`: the exact words of the source it encodes (issue 22, "Every rule has its
words"). The words must stand in the service's own source-language name, recipients or standard, so a rule can be
read against what it rests on; a rule set with no words, or with words the service does not say, is an error.
`everyone: true` has no rule sets and needs none: it is written only where the recipients are all residents."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .errors import Problem
from .schema_checks import Path, describe, problem_at
from .wording import service_words
from .yamlnodes import Node


def rule_sets(service: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """A service → (index, rule set) for each well-formed rule set of its eligibility."""
    eligibility = service.get("eligibility")
    rules = eligibility.get("any") if isinstance(eligibility, dict) else None
    return [(k, rule) for k, rule in enumerate(rules) if isinstance(rule, dict)] if isinstance(rules, list) else []


def basis_problem(root: Node, path: Path, rule: dict[str, Any], words: str) -> Problem | None:
    """One rule set and its service's own words → what is wrong with its basis, or None."""
    basis = rule.get("basis")
    if basis is None:
        return problem_at(root, path, "expected basis: the exact words of the service's own name, recipients or "
                                      "standard this rule set encodes, got none")
    if isinstance(basis, str) and basis.strip() and basis not in words:
        return problem_at(root, path + ("basis",), "expected the exact words of this service's own name, recipients "
                                                   f"or standard, got {describe(basis)}")
    if len(rule) == 1:
        return problem_at(root, path, "expected at least one criterion besides basis, got only basis")
    return None


def check_rule_basis(data: object, root: Node, codes: Sequence[str]) -> list[Problem]:
    """Plain data → a problem for each rule set whose basis is missing or not the service's own source words."""
    services = data.get("services") if isinstance(data, dict) else None
    problems = []
    for i, service in enumerate(services if isinstance(services, list) else []):
        if not isinstance(service, dict):
            continue
        words = service_words(service, codes[0], ("name",), ("recipients", "standard"))
        for k, rule in rule_sets(service):
            problem = basis_problem(root, ("services", i, "eligibility", "any", k), rule, words)
            problems += [problem] if problem else []
    return problems
