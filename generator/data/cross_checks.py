"""Validation of the data, phase 2: across items — unique ids, references that exist, every language present,
synonyms and glossary terms that lead somewhere, dates in order and not stale (phase 1, field by field against the
JSON Schema, is schema_checks.py).

Each check takes plain data (and the node tree for positions) and returns problems; none raises, so one run reports
everything that is wrong."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from .errors import Problem
from .rule_basis import check_rule_basis
from .schema_checks import Path, describe, problem_at
from .wording import check_audiences, check_part_labels, check_qualifiers, service_words
from .yamlnodes import Node, find


def items(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    """(index, item) for each well-formed mapping in a top-level list."""
    value = data.get(key)
    return [(i, x) for i, x in enumerate(value) if isinstance(x, dict)] if isinstance(value, list) else []


def check_unique(data: dict[str, Any], root: Node, key: str, field: str) -> list[Problem]:
    """Items of `key` must not share a value of `field`."""
    seen: dict[object, int] = {}
    problems = []
    for i, item in items(data, key):
        value = item.get(field)
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            continue
        if value in seen:
            first = find(root, (key, seen[value], field))[1]
            shown = describe(value) if isinstance(value, str) else value
            problems.append(problem_at(root, (key, i, field),
                                       f"duplicate {field} {shown}; already used by {key}[{seen[value]}] at line {first.line}"))
        else:
            seen[value] = i
    return problems


def check_contiguous(data: dict[str, Any], root: Node, key: str) -> list[Problem]:
    """Numbers of `key` must run 1, 2, … N (N items) with no gaps: point at each number out of range."""
    numbered = [(i, item["number"]) for i, item in items(data, key)
                if isinstance(item.get("number"), int) and not isinstance(item.get("number"), bool)]
    count = len(numbered)
    return [problem_at(root, (key, i, "number"),
                       f"expected a number from 1 to {count} (numbers run from 1 without gaps), got {n}")
            for i, n in numbered if n > count]


def department_names(data: dict[str, Any]) -> dict[str, str]:
    """Every id and alias of every department → the department id."""
    names = {}
    for _, dept in items(data, "departments"):
        if isinstance(dept.get("id"), str):
            names[dept["id"]] = dept["id"]
            names.update({alias: dept["id"] for alias in dept.get("aliases") or [] if isinstance(alias, str)})
    return names


def check_aliases(data: dict[str, Any], root: Node) -> list[Problem]:
    """No id or alias may name two departments."""
    owner: dict[str, str] = {d["id"]: d["id"] for _, d in items(data, "departments") if isinstance(d.get("id"), str)}
    problems = []
    for i, dept in items(data, "departments"):
        for j, alias in enumerate(dept.get("aliases") or []):
            if not isinstance(alias, str):
                continue
            if owner.setdefault(alias, str(dept.get("id"))) != dept.get("id"):
                problems.append(problem_at(root, ("departments", i, "aliases", j),
                                           f"alias {describe(alias)} already names department '{owner[alias]}'"))
    return problems


def check_refs(data: dict[str, Any], root: Node, key: str, field: str, known: dict[str, str], what: str) -> list[Problem]:
    """Every reference in `key[*].field` (a name or a list of names) must be a known `what`."""
    problems = []
    for i, item in items(data, key):
        value = item.get(field)
        refs = [(None, value)] if isinstance(value, str) else list(enumerate(value)) if isinstance(value, list) else []
        for j, ref in refs:
            if isinstance(ref, str) and ref not in known:
                path = (key, i, field) if j is None else (key, i, field, j)
                problems.append(problem_at(root, path, f"unknown {what} {describe(ref)}"))
    return problems


def ids(data: dict[str, Any], key: str) -> dict[str, str]:
    """Ids of a top-level list, each mapped to itself."""
    return {item["id"]: item["id"] for _, item in items(data, key) if isinstance(item.get("id"), str)}


def check_glossary(data: dict[str, Any], root: Node, codes: Sequence[str]) -> list[Problem]:
    """Where a source-language text uses a glossary term, every other language must use its rendering."""
    terms = [term_forms(term, codes) for _, term in items(data, "glossary")]
    problems = []
    for path, text in text_fields(data):
        for forms in terms:
            source = forms[codes[0]]
            if not any(f in text.get(codes[0], "") for f in source):
                continue
            for code in codes[1:]:
                target = text.get(code)
                if isinstance(target, str) and forms[code] and not any(f.lower() in target.lower() for f in forms[code]):
                    quoted = " or ".join(f"'{f}'" for f in forms[code][:3])
                    message = f"the {codes[0]} text uses glossary term '{source[0]}', so this text must use {quoted}"
                    problems.append(problem_at(root, path + (code,), message))
    return problems


def term_forms(term: dict[str, Any], codes: Sequence[str]) -> dict[str, list[str]]:
    """A glossary entry → every accepted spelling per language."""
    names: dict[str, Any] = term["term"] if isinstance(term.get("term"), dict) else {}
    forms: dict[str, Any] = term["forms"] if isinstance(term.get("forms"), dict) else {}
    result = {}
    for code in codes:
        main = [names[code]] if isinstance(names.get(code), str) and names[code] else []
        result[code] = main + [f for f in forms.get(code) or [] if isinstance(f, str) and f]
    return result


def text_fields(data: object, path: Path = ()) -> Iterator[tuple[Path, dict[str, Any]]]:  # noqa: C901  (a walk over the shapes)
    """Every localized text in services and chapters, with its path."""
    if path == ():
        for key in ("chapters", "services"):
            for i, item in items(data if isinstance(data, dict) else {}, key):
                yield from text_fields(item, (key, i))
        return
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("keywords", "situations"):  # residents' words, not the handbook's: no glossary rule
                continue
            if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
                yield path + (key,), value
            elif isinstance(value, (dict, list)):
                yield from text_fields(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from text_fields(value, path + (i,))


def listed_by(data: dict[str, Any], names: dict[str, str]) -> dict[str, set[str]]:
    """Every service id → the ids of the departments it lists."""
    return {svc["id"]: {names.get(d, d) for d in svc.get("departments") or [] if isinstance(d, str)}
            for _, svc in items(data, "services") if isinstance(svc.get("id"), str)}


def check_reorganised(data: dict[str, Any], root: Node, names: dict[str, str]) -> list[Problem]:
    """Each service a department's reorganisation names exists and lists that department."""
    listed, problems = listed_by(data, names), []
    for i, dept in items(data, "departments"):
        for k, change in enumerate(dept.get("reorganised") or []):
            for m, service in enumerate(change.get("services") or [] if isinstance(change, dict) else []):
                path = ("departments", i, "reorganised", k, "services", m)
                if isinstance(service, str) and service not in listed:
                    problems.append(problem_at(root, path, f"unknown service {describe(service)}"))
                elif isinstance(service, str) and dept.get("id") not in listed[service]:
                    problems.append(problem_at(root, path, f"expected a service that lists department "
                                                           f"'{dept.get('id')}', got {describe(service)}"))
    return problems


EVERYONE = "everyone"  # the audience id that lists the services for all residents


def check_everyone(data: dict[str, Any], root: Node) -> list[Problem]:
    """The audience 'everyone' (when defined) lists exactly the services whose eligibility is everyone: true."""
    if EVERYONE not in ids(data, "audiences"):
        return []
    problems = []
    for i, service in items(data, "services"):
        eligibility, audiences = service.get("eligibility"), service.get("audiences")
        if not isinstance(eligibility, dict) or not isinstance(audiences, list):
            continue
        for_all = eligibility.get("everyone") is True
        if EVERYONE in audiences and not for_all:
            problems.append(problem_at(root, ("services", i, "audiences", audiences.index(EVERYONE)),
                                       f"audience '{EVERYONE}' is only for services whose eligibility is everyone: true"))
        elif for_all and EVERYONE not in audiences:
            problems.append(problem_at(root, ("services", i, "eligibility", "everyone"),
                                       f"a service for everyone must list audience '{EVERYONE}' in audiences"))
    return problems


def check_across(data: object, root: Node, codes: Sequence[str]) -> list[Problem]:
    """Plain data → problems that involve more than one item."""
    if not isinstance(data, dict):
        return []
    depts, chapters, audiences = department_names(data), ids(data, "chapters"), ids(data, "audiences")
    problems = [p for key in ("chapters", "departments", "audiences", "services")
                for p in check_unique(data, root, key, "id")]
    problems += check_unique(data, root, "chapters", "number") + check_unique(data, root, "services", "number")
    problems += check_contiguous(data, root, "chapters") + check_contiguous(data, root, "services")
    problems += check_aliases(data, root)
    problems += check_refs(data, root, "chapters", "lead_departments", depts, "department")
    problems += check_refs(data, root, "services", "departments", depts, "department")
    problems += check_refs(data, root, "services", "chapter", chapters, "chapter")
    problems += check_refs(data, root, "services", "audiences", audiences, "audience")
    problems += check_unique(data, root, "channels", "id") + check_scopes(data, root, chapters)
    problems += check_appendix_departments(data, root, depts) + check_history_order(data, root)
    problems += check_apply_lines(data, root, codes) + check_says_something(data, root)
    problems += check_everyone(data, root) + check_rule_basis(data, root, codes)
    problems += check_synonyms(data, root, codes) + check_situations(data, root, codes)
    problems += check_synonyms(data, root, codes)
    problems += check_qualifiers(data, root, codes) + check_audiences(data, root, codes)
    problems += check_reorganised(data, root, depts) + check_part_labels(data, root, codes)
    return problems + check_glossary(data, root, codes)


def service_names(data: dict[str, Any], lang: str) -> str:
    """The names and keywords of the services in one language, one a line (lower case)."""
    texts: list[str] = []
    for _, service in items(data, "services"):
        name, words = service.get("name"), service.get("keywords")
        texts += [name[lang]] if isinstance(name, dict) and isinstance(name.get(lang), str) else []
        texts += [w for w in (words.get(lang) or [] if isinstance(words, dict) else []) if isinstance(w, str)]
    return "\n".join(texts).lower()


def check_synonyms(data: dict[str, Any], root: Node, codes: Sequence[str]) -> list[Problem]:
    """A synonym's language is the handbook's, and each thing it means is in some service's name or keywords in it."""
    problems = []
    texts: dict[str, str] = {}
    for i, synonym in items(data, "synonyms"):
        lang = synonym.get("lang")
        if not isinstance(lang, str):
            continue
        if lang not in codes:
            wanted = ", ".join(f"'{c}'" for c in codes)
            message = f"expected one of the languages {wanted}, got {describe(lang)}"
            problems.append(problem_at(root, ("synonyms", i, "lang"), message))
            continue
        text = texts.setdefault(lang, service_names(data, lang))
        for j, means in enumerate(synonym.get("means") or []):
            if isinstance(means, str) and means.strip() and means.lower() not in text:
                message = f"expected words of a service's name or keywords in '{lang}', got {describe(means)}"
                problems.append(problem_at(root, ("synonyms", i, "means", j), message))
    return problems
def own_text(service: dict[str, Any], lang: str) -> str:
    """A service's own words in one language: name, summary, and its provisions' recipients and standard (lower case)."""
    return service_words(service, lang, ("name", "summary"), ("recipients", "standard")).lower()


def check_situations(data: dict[str, Any], root: Node, codes: Sequence[str]) -> list[Problem]:
    """A situation phrase leads to a service whose own text covers it: its `covers` words are in that text."""
    problems = []
    for i, service in items(data, "services"):
        for j, situation in enumerate(service.get("situations") or []):
            covers = situation.get("covers") if isinstance(situation, dict) else None
            for code, words in covers.items() if isinstance(covers, dict) else ():
                if code in codes and isinstance(words, str) and words.strip() and words.lower() not in own_text(service, code):
                    message = (f"expected words of this service's own name, summary, recipients or standard in '{code}', "
                               f"got {describe(words)}")
                    problems.append(problem_at(root, ("services", i, "situations", j, "covers", code), message))
    return problems


# --- phase 2, continued: where to go, whom to call, and how current it is --------------------------

def check_scopes(data: dict[str, Any], root: Node, chapters: dict[str, str]) -> list[Problem]:
    """A channel's scope lists known chapters (or is 'all')."""
    return [problem_at(root, ("channels", i, "scope", j), f"unknown chapter {describe(ref)}")
            for i, channel in items(data, "channels") if isinstance(channel.get("scope"), list)
            for j, ref in enumerate(channel["scope"]) if isinstance(ref, str) and ref not in chapters]


def check_appendix_departments(data: dict[str, Any], root: Node, depts: dict[str, str]) -> list[Problem]:
    """The appendix's 主责单位 text names, via aliases, exactly the service's departments in their order."""
    problems = []
    for i, service in items(data, "services"):
        text, listed = service.get("appendix_departments"), service.get("departments")
        if not isinstance(text, str) or not isinstance(listed, list):
            continue
        names = [name for name in text.split("、") if name.strip()]
        unknown = [name for name in names if name not in depts]
        path = ("services", i, "appendix_departments")
        if unknown:
            problems.append(problem_at(root, path, f"{describe(unknown[0])} is not a spelling of any department"))
            continue
        named = list(dict.fromkeys(depts[name] for name in names))
        expected = list(dict.fromkeys(depts[d] for d in listed if isinstance(d, str) and d in depts))
        if named != expected:
            problems.append(problem_at(root, path, f"names departments {', '.join(named)}; expected those under "
                                                   f"departments, in their order: {', '.join(expected)}"))
    return problems


def check_history_order(data: dict[str, Any], root: Node) -> list[Problem]:
    """History entries run newest first."""
    problems = []
    for i, service in items(data, "services"):
        history = service.get("history")
        entries = history if isinstance(history, list) else []
        dates = [(j, h["date"]) for j, h in enumerate(entries) if isinstance(h, dict) and isinstance(h.get("date"), str)]
        for (_, newer), (j, older) in zip(dates, dates[1:], strict=False):
            if older > newer:
                problems.append(problem_at(root, ("services", i, "history", j, "date"),
                                           f"expected entries newest first, got {older} after {newer}"))
    return problems


def check_apply_lines(data: dict[str, Any], root: Node, codes: Sequence[str]) -> list[Problem]:
    """apply.documents and apply.steps have as many items in every language as in the first."""
    problems = []
    for i, service in items(data, "services"):
        apply = service.get("apply")
        for key in ("documents", "steps"):
            lists = apply.get(key) if isinstance(apply, dict) else None
            if not isinstance(lists, dict) or not isinstance(lists.get(codes[0]), list):
                continue
            count = len(lists[codes[0]])
            for code in codes[1:]:
                if isinstance(lists.get(code), list) and len(lists[code]) != count:
                    problems.append(problem_at(root, ("services", i, "apply", key, code),
                                               f"expected {count} item(s), as in {codes[0]}, got {len(lists[code])}"))
    return problems


CONTACT_FIELDS = ("address", "phone", "hours", "website")
APPLY_FIELDS = ("where", "documents", "steps", "online")


def check_says_something(data: dict[str, Any], root: Node) -> list[Problem]:
    """A contact or apply block holds more than its source and date."""
    blocks = [(("departments", i, "contact"), d.get("contact"), CONTACT_FIELDS) for i, d in items(data, "departments")]
    blocks += [(("services", i, "apply"), s.get("apply"), APPLY_FIELDS) for i, s in items(data, "services")]
    return [problem_at(root, path, f"expected at least one of {', '.join(fields)}")
            for path, block, fields in blocks if isinstance(block, dict) and not any(f in block for f in fields)]


def verified_dates(data: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    """Every `verified` date in the data, with its path."""
    for i, dept in items(data, "departments"):
        contact = dept.get("contact")
        if isinstance(contact, dict) and isinstance(contact.get("verified"), str):
            yield ("departments", i, "contact", "verified"), contact["verified"]
    for i, dept in items(data, "departments"):
        for k, change in enumerate(dept.get("reorganised") or []):
            if isinstance(change, dict) and isinstance(change.get("verified"), str):
                yield ("departments", i, "reorganised", k, "verified"), change["verified"]
    for i, service in items(data, "services"):
        apply = service.get("apply")
        if isinstance(apply, dict) and isinstance(apply.get("verified"), str):
            yield ("services", i, "apply", "verified"), apply["verified"]
    for i, channel in items(data, "channels"):
        if isinstance(channel.get("verified"), str):
            yield ("channels", i, "verified"), channel["verified"]


def year_before(today: date) -> date:
    """A date → the same day a year earlier (28 February for 29 February)."""
    return today.replace(year=today.year - 1, day=min(today.day, 28 if today.month == 2 else today.day))


def check_stale(data: object, root: Node, today: date) -> list[Problem]:
    """Valid data → a warning for each `verified` date more than 12 months before today (not an error)."""
    if not isinstance(data, dict):
        return []
    limit = year_before(today).isoformat()
    return [problem_at(root, path, f"verified {value}, more than 12 months before today ({today.isoformat()}); "
                                   f"check it against its source again and update the date")
            for path, value in verified_dates(data) if value < limit]
