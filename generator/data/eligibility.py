"""Who may get what: a resident's answers checked against each service's `eligibility` rules.

The answers use the finder's URL keys. A key that is absent was not answered, so a criterion on it is
unknown; a key that is present was answered (an empty list, `False`, or disability 0 means "none").
A rule set holds when every criterion in it is met, fails when any is contradicted, and is otherwise
unknown; `residence: ask` and `other` are always unknown, because only the department can tell.
A service is "likely" when one of its rule sets holds, "maybe" when none holds but one is unknown,
"everyone" when it is for all residents, and None when every rule set is contradicted.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Any, Literal, TypedDict

from .model import Eligibility, Handbook, RuleSet, Text, Years

Verdict = Literal["likely", "maybe", "everyone"] | None
Fit = bool | None  # a criterion is met (True), contradicted (False) or unknown (None)

Answers = TypedDict("Answers", {
    "age": int,  # years
    "sex": str,  # male | female
    "residence": str,  # urban | rural: the household registration
    "status": Collection[str],  # dibao, tekun, registered-poor, low-income (empty: none of these)
    "disability": int,  # certificate grade 1–4 (0: no disability certificate)
    "pregnant": bool,
    "child": Collection[int],  # ages of the children in the household (empty: no children)
    "school": Collection[str],  # stages of the children at school (empty: none at school)
    "work": str,  # unemployed | graduate | employee | flexible (any other word: none of these)
    "veteran": bool,
    "family-planning": str,  # only-child | two-daughters | child-died-or-disabled (any other word: none of these)
}, total=False)


def classify(eligibility: Eligibility, answers: Answers) -> Verdict:
    """A service's eligibility and a resident's answers → "likely", "maybe", "everyone" or None."""
    if eligibility.everyone:
        return "everyone"
    fits = [fit_rules(rules, answers) for rules in eligibility.any]
    if True in fits:
        return "likely"
    return "maybe" if None in fits else None


def fit_rules(rules: RuleSet, answers: Answers) -> Fit:
    """A rule set → met when all its criteria are, contradicted when one is, else unknown."""
    fits = [fit_criterion(key, value, answers) for key, value in criteria(rules).items()]
    if False in fits:
        return False
    return None if None in fits else True


def fit_criterion(key: str, wanted: Any, answers: Answers) -> Fit:  # noqa: PLR0911  (one case per kind of criterion)
    """One criterion as written in services.yaml → met, contradicted or unknown for these answers."""
    if key == "other" or wanted == "ask" or key not in answers:
        return None
    given: Any = answers[key]  # type: ignore[literal-required]  # keys are the Answers keys, checked by the schema
    if key == "age":
        return within(wanted, given)
    if key == "child":
        return any(within(wanted, age) for age in given)
    if key in ("status", "school"):
        return not set(wanted).isdisjoint({given} if isinstance(given, str) else given)  # one value may come bare
    if key in ("disability", "work", "family-planning"):
        return given in wanted
    return bool(given == wanted)


def within(years: dict[str, int], age: int) -> bool:
    """Whether an age lies in a {min, max} range (both ends included, either optional)."""
    return years.get("min", age) <= age <= years.get("max", age)


# --- eligibility as data: the services.yaml shape, for the finder and the open-data export ---------

def criteria(rules: RuleSet, other: Any = True) -> dict[str, Any]:
    """A rule set → its criteria as written in services.yaml (`other` replaced by the given value)."""
    written: dict[str, Any] = {
        "age": years_data(rules.age), "sex": rules.sex, "residence": rules.residence, "status": list(rules.status),
        "disability": list(rules.disability), "pregnant": rules.pregnant or None, "child": years_data(rules.child),
        "school": list(rules.school), "work": list(rules.work), "veteran": rules.veteran or None,
        "family-planning": list(rules.family_planning), "other": other if rules.other else None,
    }
    return {key: value for key, value in written.items() if value not in (None, [])}


def years_data(years: Years | None) -> dict[str, int] | None:
    """Years → {min, max} with only the bounds given (None stays None)."""
    if years is None:
        return None
    return {key: value for key, value in (("min", years.min), ("max", years.max)) if value is not None}


def eligibility_yaml(eligibility: Eligibility) -> dict[str, Any]:
    """Eligibility → the services.yaml mapping, `other` as its texts (for the open-data export)."""
    if eligibility.everyone:
        return {"everyone": True}
    return {"any": [criteria(rules, other_text(rules.other)) for rules in eligibility.any]}


def other_text(text: Text | None) -> dict[str, str] | None:
    """An `other` condition → its texts by language."""
    return dict(text.values) if text else None


def eligibility_data(handbook: Handbook) -> list[dict[str, Any]]:
    """Handbook → what the finder's script evaluates: per service its number, everyone, and rule sets (`other` as true)."""
    return [{"number": service.number, "everyone": service.eligibility.everyone,
             "any": [criteria(rules) for rules in service.eligibility.any]}
            for service in handbook.services]
