"""Who may get what: a household's answers checked against each service's `eligibility` rules, with the reasons.

The answers use the finder's URL keys. A key that is absent was not answered, so a criterion on it is unknown; a key
that is present was answered (an empty list, `False`, disability 0, study or work "none" mean "none"). Every criterion
is about the person the finder is for, except `status` (the household's) and `child` (one child of the household must
meet its age, stage and certificate together; a child's stage or certificate left out is unknown for that child).
A rule set holds when every criterion in it is met, fails when any is contradicted, and is otherwise open;
`residence: ask` and `other` are always open, because only the department can tell.
A service is "likely" when one of its rule sets holds, "maybe" when none holds but one is open, "everyone" when it is
for all residents, and None when every rule set fails. templates/theme/assets/finder.js is the same evaluator in the
browser (tests/web/test_finder_browser.py compares them on every persona).
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

from .model import ChildRule, Eligibility, Handbook, RuleSet, Text, Years

Verdict = Literal["likely", "maybe", "everyone"] | None
Fit = bool | None  # a criterion is met (True), contradicted (False) or unknown (None)

# The finder's URL keys in the order the address writes them (README, "The finder").
KEYS = ("age", "sex", "residence", "status", "disability", "study", "work", "child", "family-planning", "pregnant",
        "veteran")

class Child(TypedDict, total=False):
    """One child of the household as answered (a stage or certificate left out was not answered)."""

    age: int  # years, 0–25
    study: str  # stage at school, or "none"
    disability: int  # certificate grade 1–4, 0 = none

Answers = TypedDict("Answers", {
    "age": int,  # the person's age in years
    "sex": str,  # male | female
    "residence": str,  # urban | rural: the household registration
    "status": Collection[str],  # the household's: dibao, tekun, registered-poor, low-income (empty: none of these)
    "disability": int,  # the person's own certificate grade 1–4 (0: no disability certificate)
    "study": str,  # the person's own stage at school, or "none"
    "work": str,  # unemployed | graduate | employee | flexible | none
    "child": Sequence[Child],  # each child of the household (empty: no children)
    "family-planning": str,  # only-child | two-daughters | child-died-or-disabled | none
    "pregnant": bool,
    "veteran": bool,
}, total=False)


@dataclass(frozen=True)
class Judged:
    """One rule set judged: whether it holds, and what it rests on or still waits for."""

    fit: Fit  # holds, fails, or open
    score: int  # how many stated criteria it met (each of a child rule's age, stage and certificate counts)
    because: tuple[tuple[str, Any], ...]  # (URL key, the answer it rests on) for each criterion met, in KEYS order
    questions: tuple[str, ...]  # URL keys of unanswered questions that would decide it
    conditions: tuple[Any, ...]  # its `other` (as given to judge) and "ask" when it depends on where one lives
    basis: str = ""  # the source's words the rule set encodes


@dataclass(frozen=True)
class Result:
    """A service's verdict for the answers, with its reasons and its place in the list."""

    verdict: Verdict
    because: tuple[tuple[str, Any], ...]  # likely: the answers the best rule set met rests on
    questions: tuple[str, ...]  # maybe: the unanswered questions that would decide it (KEYS order)
    conditions: tuple[Any, ...]  # maybe: the source's own conditions still open (`other` texts, "ask")
    rank: tuple[int, ...]  # sort key within its group: better fit first
    basis: str = ""  # likely: the source's words the best rule set encodes


def judge(eligibility: dict[str, Any], answers: Answers) -> Result:
    """A service's eligibility data (criteria() shape) and the answers → its verdict, reasons and rank."""
    if eligibility.get("everyone"):
        return Result("everyone", (), (), (), (0,))
    judged = [judge_rules(rules, answers) for rules in eligibility.get("any", [])]
    met = [j for j in judged if j.fit is True]
    if met:
        best = max(met, key=lambda j: j.score)  # the first of the best: max() keeps the first of equals
        return Result("likely", best.because, (), (), (-best.score,), best.basis)
    open_ = [j for j in judged if j.fit is None]
    if not open_:
        return Result(None, (), (), (), ())
    best = min(open_, key=open_rank)
    questions = tuple(k for k in KEYS if any(k in j.questions for j in open_))
    conditions: list[Any] = []
    for condition in (c for j in open_ for c in j.conditions):
        if condition not in conditions:  # several rule sets may quote the same words
            conditions.append(condition)
    return Result("maybe", (), questions, tuple(conditions), open_rank(best))


def open_rank(judged: Judged) -> tuple[int, ...]:
    """An open rule set → its sort key: only the source's own conditions left before unanswered questions, then more
    criteria met, then fewer questions left."""
    return (1 if judged.questions else 0, -judged.score, len(judged.questions))


def judge_rules(rules: dict[str, Any], answers: Answers) -> Judged:
    """One rule set (criteria() shape) → met when all its criteria are, contradicted when one is, else open."""
    because: list[tuple[str, Any]] = []
    questions: list[str] = []
    conditions: list[Any] = []
    fits = []
    score = 0
    for key in (*KEYS, "other"):
        if key not in rules:
            continue
        fit, rests_on = judge_criterion(key, rules[key], answers)
        fits.append(fit)
        if fit is True:
            because.append((key, rests_on))
            score += len(rules[key]) if key == "child" else 1
        elif fit is None and (key == "other" or rules[key] == "ask"):
            conditions.append(rules[key])
        elif fit is None:
            questions.append(key)
    if False in fits:
        return Judged(False, 0, (), (), ())
    return Judged(None if None in fits else True, score, tuple(because), tuple(questions), tuple(conditions),
                  rules.get("basis", ""))


def judge_criterion(key: str, wanted: Any, answers: Answers) -> tuple[Fit, Any]:
    """One criterion → (met, contradicted or unknown; the answer it rests on when met)."""
    if key == "other" or wanted == "ask" or key not in answers:
        return None, None
    given: Any = answers[key]  # type: ignore[literal-required]  # keys are the Answers keys, checked by the schema
    if key == "child":
        return judge_children(wanted, given)
    if key == "age":
        return within(wanted, given), given
    if key == "status":
        matched = [s for s in wanted if s in given]
        return bool(matched), matched
    if key in ("disability", "work", "family-planning", "study"):
        return given in wanted, given
    return bool(given == wanted), given


def judge_children(wanted: dict[str, Any], children: Sequence[Child]) -> tuple[Fit, Any]:
    """A child rule and the household's children → met by one child (that child), none can, or unknown."""
    fits = [judge_child(wanted, child) for child in children]
    for child, fit in zip(children, fits, strict=True):
        if fit is True:
            return True, {key: child[key] for key in ("age", *wanted) if key in child}  # type: ignore[literal-required]
    return (None if None in fits else False), None


def judge_child(wanted: dict[str, Any], child: Child) -> Fit:
    """A child rule and one child → met, contradicted or unknown (a stage or certificate not given)."""
    fits: list[Fit] = []
    for key, value in wanted.items():
        if key not in child:
            fits.append(None)
        elif key == "age":
            fits.append(within(value, child["age"]))
        else:
            fits.append(child[key] in value)  # type: ignore[literal-required]  # study or disability
    if False in fits:
        return False
    return None if None in fits else True


def classify(eligibility: Eligibility, answers: Answers) -> Verdict:
    """A service's eligibility and a household's answers → "likely", "maybe", "everyone" or None."""
    return judge(eligibility_rules(eligibility), answers).verdict


def within(years: dict[str, int], age: int) -> bool:
    """Whether an age lies in a {min, max} range (both ends included, either optional)."""
    return years.get("min", age) <= age <= years.get("max", age)


# --- eligibility as data: the services.yaml shape, for the finder and the open-data export ---------

def criteria(rules: RuleSet, other: Any = True) -> dict[str, Any]:
    """A rule set → its criteria and basis as written in services.yaml (`other` replaced by the given value)."""
    written: dict[str, Any] = {
        "age": years_data(rules.age), "sex": rules.sex, "residence": rules.residence, "status": list(rules.status),
        "disability": list(rules.disability), "pregnant": rules.pregnant or None, "study": list(rules.study),
        "child": child_data(rules.child), "work": list(rules.work), "veteran": rules.veteran or None,
        "family-planning": list(rules.family_planning), "other": other if rules.other else None,
        "basis": rules.basis or None,
    }
    return {key: value for key, value in written.items() if value not in (None, [])}


def child_data(rule: ChildRule | None) -> dict[str, Any] | None:
    """A child rule → {age, study, disability} with only what it asks (None stays None)."""
    if rule is None:
        return None
    written = {"age": years_data(rule.age), "study": list(rule.study), "disability": list(rule.disability)}
    return {key: value for key, value in written.items() if value not in (None, [])}


def years_data(years: Years | None) -> dict[str, int] | None:
    """Years → {min, max} with only the bounds given (None stays None)."""
    if years is None:
        return None
    return {key: value for key, value in (("min", years.min), ("max", years.max)) if value is not None}


def eligibility_rules(eligibility: Eligibility, lang: str | None = None) -> dict[str, Any]:
    """Eligibility → what judge() takes: everyone, and the rule sets with `other` as its text in `lang` (all
    languages when None)."""
    return {"everyone": eligibility.everyone,
            "any": [criteria(rules, other_in(rules.other, lang)) for rules in eligibility.any]}


def other_in(text: Text | None, lang: str | None) -> Any:
    """An `other` condition → its text in one language, or all of them."""
    if text is None:
        return None
    return text[lang] if lang else dict(text.values)


def eligibility_yaml(eligibility: Eligibility) -> dict[str, Any]:
    """Eligibility → the services.yaml mapping, `other` as its texts (for the open-data export)."""
    if eligibility.everyone:
        return {"everyone": True}
    return {"any": [criteria(rules, other_in(rules.other, None)) for rules in eligibility.any]}


def eligibility_data(handbook: Handbook, lang: str | None = None) -> list[dict[str, Any]]:
    """Handbook → what the finder's script evaluates: per service its number, everyone, and rule sets (`other` as its
    text in `lang`)."""
    return [{"number": service.number, **eligibility_rules(service.eligibility, lang)} for service in handbook.services]


def sort_results(results: dict[int, Result]) -> list[int]:
    """Service number → its result → the numbers in the order the finder lists them (by fit, then by number)."""
    return sorted(results, key=lambda n: (results[n].rank, n))
