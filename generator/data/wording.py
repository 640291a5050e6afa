"""Validation of our own words against the source: a summary keeps the limits of who gets a service (the
`qualifiers` of services.yaml), and an audience tag rests on the eligibility rules or on the service's own words.

Like cross_checks.py, each check takes plain data and the node tree and returns problems; none raises."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .errors import Problem
from .schema_checks import Path, describe, problem_at
from .yamlnodes import Node

Rule = dict[str, Any]  # one eligibility rule set, as plain data


def text_of(value: object, lang: str) -> str:
    """A localized mapping → its text in one language ('' when missing or malformed)."""
    return value.get(lang, "") if isinstance(value, dict) and isinstance(value.get(lang), str) else ""


def service_words(service: dict[str, Any], lang: str, own: Sequence[str], per_provision: Sequence[str]) -> str:
    """A service, a language and which of its fields (its own, each provision's) → their texts, one a line."""
    provisions = [p for p in service.get("provisions") or [] if isinstance(p, dict)]
    texts = [text_of(service.get(key), lang) for key in own]
    return "\n".join(texts + [text_of(p.get(key), lang) for p in provisions for key in per_provision])


def recipients(service: dict[str, Any], lang: str) -> str:
    """A service → the recipients (服务对象) of all its provisions in one language, joined."""
    provisions = service.get("provisions")
    return "\n".join(text_of(p.get("recipients"), lang) for p in provisions if isinstance(p, dict)) \
        if isinstance(provisions, list) else ""


def forms(qualifier: dict[str, Any], lang: str) -> list[str]:
    """A qualifier → its fixed forms in one language."""
    words = qualifier.get("words")
    found = words.get(lang) if isinstance(words, dict) else None
    return [w for w in found or [] if isinstance(w, str) and w]


def limits(qualifier: dict[str, Any], text: str, lang: str) -> list[str]:
    """A qualifier and a source-language text → the limits of it the text has (the pattern's matches, or its forms)."""
    pattern = qualifier.get("pattern")
    if isinstance(pattern, str):
        return list(dict.fromkeys(m.group(0) for m in re.finditer(pattern, text)))
    return [w for w in forms(qualifier, lang) if w in text]


def kept(qualifier: dict[str, Any], limit: str, summary: str, lang: str) -> bool:
    """Whether a source-language summary keeps one limit (the pattern's match itself, or any form of the words)."""
    return limit in summary if isinstance(qualifier.get("pattern"), str) else any(w in summary for w in forms(qualifier, lang))


DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
NUMERAL = re.compile(r"\d+|[零〇一二两三四五六七八九十百]+")


def arabic(numeral: str) -> str:
    """A number in Arabic digits or Chinese numerals (十六, 二十五, 一百零五) → its Arabic digits ('16')."""
    if numeral.isdigit():
        return numeral
    total, digit = 0, 0
    for char in numeral:
        if char in DIGITS:
            digit = DIGITS[char]
        else:  # 十 or 百: a lone 十 at the start means one ten (十六 = 16)
            total, digit = total + (digit or 1) * (10 if char == "十" else 100), 0
    return str(total + digit)


def said_in(qualifier: dict[str, Any], limit: str, summary: str, lang: str) -> bool:
    """Whether another language's summary says a limit: its numbers (a pattern; 十六周岁 → 16), or one of its forms."""
    if isinstance(qualifier.get("pattern"), str):
        return all(arabic(n) in summary for n in NUMERAL.findall(limit))
    return any(w.lower() in summary.lower() for w in forms(qualifier, lang))


def dropped(data: dict[str, Any], service: dict[str, Any], source: str) -> Iterator[str]:
    """The limits a service's recipients have that its source-language summary leaves out."""
    qualifiers = [q for q in data.get("qualifiers") or [] if isinstance(q, dict)]
    who, summary = recipients(service, source), text_of(service.get("summary"), source)
    if any(q.get("general") is True and kept(q, "", summary, source) for q in qualifiers):
        return  # 符合条件的: the page lists the limits
    for qualifier in qualifiers:
        yield from (limit for limit in limits(qualifier, who, source) if not kept(qualifier, limit, summary, source))


def check_summary_limits(data: dict[str, Any], root: Node, i: int, service: dict[str, Any], source: str) -> list[Problem]:
    """A service's source-language summary keeps every limit of its recipients, unless `summary_omits` gives why."""
    omits = [o for o in service.get("summary_omits") or [] if isinstance(o, dict)]
    excused = {o.get("word") for o in omits}
    missing = list(dropped(data, service, source))
    problems = [problem_at(root, ("services", i, "summary", source),
                           f"expected the limit '{limit}' that its recipients have (or a general one such as '符合条件'), "
                           "got a summary without it (leaving it out on purpose goes under summary_omits, with the reason)")
                for limit in missing if limit not in excused]
    problems += [problem_at(root, ("services", i, "summary_omits", j, "word"),
                            f"expected a limit its recipients have and its summary leaves out, got {describe(o.get('word'))}")
                 for j, o in enumerate(omits) if o.get("word") not in missing]
    return problems


def check_summary_languages(data: dict[str, Any], root: Node, i: int, service: dict[str, Any],
                            codes: Sequence[str]) -> list[Problem]:
    """Every limit the source-language summary keeps, every other language's summary says too."""
    source, summary = codes[0], text_of(service.get("summary"), codes[0])
    problems = []
    for qualifier in (q for q in data.get("qualifiers") or [] if isinstance(q, dict)):
        for limit in limits(qualifier, summary, source):
            for lang in codes[1:]:
                other = text_of(service.get("summary"), lang)
                if other and not said_in(qualifier, limit, other, lang):
                    wanted = " or ".join(f"'{w}'" for w in forms(qualifier, lang)[:3]) or "its number"
                    problems.append(problem_at(root, ("services", i, "summary", lang),
                                               f"expected the limit the {source} summary keeps ('{limit}'): {wanted}, "
                                               "got a summary without it"))
    return problems


def check_qualifiers(data: dict[str, Any], root: Node, codes: Sequence[str]) -> list[Problem]:
    """Plain data → summaries that widen who gets a service, in any language."""
    services = data.get("services")
    problems: list[Problem] = []
    for i, service in enumerate(services if isinstance(services, list) else []):
        if isinstance(service, dict):
            problems += check_summary_limits(data, root, i, service, codes[0])
            problems += check_summary_languages(data, root, i, service, codes)
    return problems


def ages(rule: Rule, key: str) -> dict[str, Any]:
    """A rule set (or a child rule) and 'age' → its {min, max} (empty when not given)."""
    value = rule.get(key)
    return value if isinstance(value, dict) else {}


def at_most(years: dict[str, Any], limit: int) -> bool:
    """Whether a {min, max} range has an upper bound no higher than `limit`."""
    return isinstance(years.get("max"), int) and years["max"] <= limit


def child_rule(rule: Rule) -> dict[str, Any]:
    """A rule set → its child rule ({age, study, disability} of one child of the household; empty when none)."""
    value = rule.get("child")
    return value if isinstance(value, dict) else {}


# What an audience's `criteria` (services.yaml) may name: a rule set with such a criterion is for that audience. A
# criterion holds for the person's own answers or, where it can describe a child, for the child rule's.
CRITERIA: dict[str, Callable[[Rule], bool]] = {
    "school": lambda r: bool(r.get("study")) or bool(child_rule(r).get("study")),
    "child": lambda r: "child" in r,
    "minor": lambda r: at_most(ages(r, "age"), 17),
    "young-child": lambda r: at_most(ages(child_rule(r), "age"), 6) or at_most(ages(r, "age"), 6),
    "pregnant": lambda r: r.get("pregnant") is True,
    "work": lambda r: bool(r.get("work")),
    "older": lambda r: isinstance(ages(r, "age").get("min"), int) and ages(r, "age")["min"] >= 60,
    "disability": lambda r: bool(r.get("disability")) or bool(child_rule(r).get("disability")),
    "status": lambda r: bool(r.get("status")),
    "rural": lambda r: r.get("residence") == "rural",
    "veteran": lambda r: r.get("veteran") is True,
}


def supported(criteria: list[str], eligibility: object) -> bool:
    """Whether a service's eligibility rules meet one of an audience's criteria ('everyone': everyone: true)."""
    if not isinstance(eligibility, dict):
        return False
    if "everyone" in criteria and eligibility.get("everyone") is True:
        return True
    rules = eligibility.get("any")
    tests = [CRITERIA[c] for c in criteria if c in CRITERIA]
    return any(test(r) for test in tests for r in rules if isinstance(r, dict)) if isinstance(rules, list) else False


def check_basis(root: Node, i: int, service: dict[str, Any], source: str) -> list[Problem]:
    """Each audience_basis entry names a listed audience and quotes the service's own source-language words."""
    basis, audiences = service.get("audience_basis"), service.get("audiences")
    listed = audiences if isinstance(audiences, list) else []
    own = service_words(service, source, ("name",), ("recipients", "standard", "funding"))
    problems = []
    for audience, words in (basis.items() if isinstance(basis, dict) else []):
        path: Path = ("services", i, "audience_basis", audience)
        if audience not in listed:
            problems.append(problem_at(root, path, f"expected an audience this service lists, got {describe(audience)}"))
        elif isinstance(words, str) and words not in own:
            problems.append(problem_at(root, path, "expected the exact words of this service's own name, recipients, "
                                                   f"standard or funding, got {describe(words)}"))
    return problems


def check_audiences(data: dict[str, Any], root: Node, codes: Sequence[str]) -> list[Problem]:
    """Plain data → tags of audiences with `criteria` that rest on neither the eligibility rules nor the source's words."""
    audiences = {a["id"]: a["criteria"] for a in data.get("audiences") or []
                 if isinstance(a, dict) and isinstance(a.get("criteria"), list)}  # only audiences that say who belongs
    services = data.get("services")
    problems: list[Problem] = []
    for i, service in enumerate(services if isinstance(services, list) else []):
        if not isinstance(service, dict) or not isinstance(service.get("audiences"), list):
            continue
        given = service.get("audience_basis")
        basis: dict[str, Any] = given if isinstance(given, dict) else {}
        for j, audience in enumerate(service["audiences"]):
            if audience in audiences and audience not in basis and not supported(audiences[audience], service.get("eligibility")):
                problems.append(problem_at(root, ("services", i, "audiences", j),
                                           f"expected audience '{audience}' to rest on the eligibility rules or on the "
                                           "service's own words under audience_basis, got neither"))
        problems += check_basis(root, i, service, codes[0])
    return problems


def check_part_labels(data: dict[str, Any], root: Node, codes: Sequence[str]) -> list[Problem]:
    """Each part of a service with several parts has a label, its Chinese words of the service's name or that part."""
    problems = []
    for i, service in enumerate(data.get("services") or []):
        provisions = service.get("provisions") if isinstance(service, dict) else None
        if not isinstance(provisions, list) or len(provisions) < 2:
            continue
        for j, part in enumerate(p for p in provisions if isinstance(p, dict)):
            label, own = part.get("label"), text_of(service.get("name"), codes[0]) + "\n" + \
                "\n".join(text_of(part.get(k), codes[0]) for k in ("recipients", "standard"))
            if label is None:
                problems.append(problem_at(root, ("services", i, "provisions", j),
                                           "expected a label saying what this part is (a service with several parts), got none"))
            elif text_of(label, codes[0]) and text_of(label, codes[0]) not in own:
                problems.append(problem_at(root, ("services", i, "provisions", j, "label", codes[0]),
                                           f"expected words of the service's own name or of this part, "
                                           f"got {describe(text_of(label, codes[0]))}"))
    return problems
