"""The theme's stylesheets → only the rules whose classes and ids the built pages or our scripts can use (Material's
CSS styles many components the handbook never shows: about 116 KB of its 138 KB on these pages)."""
from __future__ import annotations

import re
from collections.abc import Iterable

import tinycss2
from tinycss2.ast import AtRule, Node, QualifiedRule

# (no \b in front: a search that asks at every character is three times slower; a match inside a longer name, as in
# data-id=, is skipped by used_names)
CLASS_ATTRIBUTE = re.compile(r"""(?:class|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
WORD = re.compile(r"[A-Za-z_][\w-]*")
# a script written into the page (no src), and JavaScript (no type: not JSON data)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\b(?:src|type)\s*=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
FUNCTION = re.compile(r":[\w-]+\((?:[^()]|\([^()]*\))*\)")  # :not(…), :is(…), :has(…): not required to match
ATTRIBUTE = re.compile(r"\[[^\]]*\]")
REQUIRED = re.compile(r"[.#](-?[_a-zA-Z][\w-]*)")  # a class or id the element must carry
GROUPS = {"media", "supports", "layer", "container"}  # at-rules holding rules, pruned inside


def used_names(pages: Iterable[str], scripts: Iterable[str]) -> set[str]:
    """Built HTML pages and the scripts that change them → every class and id they may use (for scripts, every word:
    a class they add is a string in them; a page's inline scripts, as the finder's, count as scripts)."""
    names: set[str] = set()
    for page in pages:
        for match in CLASS_ATTRIBUTE.finditer(page):
            before = page[match.start() - 1:match.start()]
            if not (before.isalnum() or before in ("-", "_")):  # (empty at the very start)
                names.update((match[1] or match[2] or match[3] or "").split())
        for match in INLINE_SCRIPT.finditer(page):
            names.update(WORD.findall(match[1]))
    for script in scripts:
        names.update(WORD.findall(script))
    return names


def selector_used(selector: str, names: set[str]) -> bool:
    """One selector → whether every class and id it requires is in `names` (what functional pseudo-classes and
    attribute selectors hold is not required, so they never remove a selector)."""
    required = REQUIRED.findall(ATTRIBUTE.sub("", FUNCTION.sub("", selector)))
    return all(name in names for name in required)


def split_selectors(prelude: str) -> list[str]:
    """A rule's selector list → its selectors (commas inside parentheses or brackets do not split)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(prelude):
        depth += char in "([" and 1 or char in ")]" and -1 or 0
        if char == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    return [*parts, prelude[start:]]


def prune_rules(rules: list[Node], names: set[str]) -> list[Node]:
    """Parsed rules → those still used, each with only its used selectors; group at-rules pruned inside, dropped
    when empty; every other at-rule (fonts, keyframes) kept."""
    kept: list[Node] = []
    for rule in rules:
        if isinstance(rule, QualifiedRule):
            selectors = [s for s in split_selectors(tinycss2.serialize(rule.prelude)) if selector_used(s, names)]
            if selectors:
                rule.prelude = tinycss2.parse_component_value_list(",".join(s.strip() for s in selectors))
                kept.append(rule)
        elif isinstance(rule, AtRule) and rule.lower_at_keyword in GROUPS and rule.content is not None:
            inner = prune_rules(tinycss2.parse_rule_list(rule.content), names)
            if inner:
                rule.content = inner
                kept.append(rule)
        elif isinstance(rule, (AtRule, QualifiedRule)):
            kept.append(rule)
    return kept


def reduce_stylesheet(css: str, names: set[str]) -> str:
    """A stylesheet and the names in use → the stylesheet without the rules no page can match."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "".join(tinycss2.serialize([rule]) for rule in prune_rules(rules, names))
