"""A built page and its stylesheets → the rules the page needs on screen, inlined in the page, so that no stylesheet
blocks rendering and none arrives later to make the browser style the whole page again (on a slow phone, a long task
just after the first paint: it kept Lighthouse's score under 100 on the home page).

A rule is kept when every compound selector in it (`li.md-nav__item`, `#hb-q`, `[dir=rtl]`) matches some element of
the page, ignoring how they nest: more than the page strictly needs, never less. What can change once the page is
shown is assumed present: pseudo-classes (a pointer over a link, focus, a ticked box), functional selectors,
attributes scripts switch (the dark scheme), and what any of the page's scripts may add (larger text, search
results, the finder's answers): as classes, every word of their text; as elements, the words in quotes their calls
begin with (createElement("ol")). Left out: custom properties no kept rule reads, and print rules: the stylesheets
themselves are linked as print stylesheets (and, without scripts, as usual)."""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import tinycss2
from tinycss2.ast import AtRule, Declaration, QualifiedRule

from .unusedcss import FUNCTION, GROUPS, WORD, split_selectors

FIXED_ATTRIBUTES = ("dir", "data-md-color-primary", "data-md-color-accent")  # no script changes these
ATTRIBUTE = re.compile(r"\[\s*([\w-]+)\s*(?:([~|^$*]?=)\s*(\"[^\"]*\"|'[^']*'|[^\]\s]+)\s*)?\]")
PSEUDO = re.compile(r"::?[\w-]+")
COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")
COMPOUND = re.compile(r"(?P<tag>[a-zA-Z][\w-]*|\*)?(?P<rest>.*)", re.DOTALL)
NAME = re.compile(r"([.#])(-?[_a-zA-Z][\w-]*)")
VARIABLE = re.compile(r"--[\w-]+")
# a word in quotes that a call begins with may name an element a script makes: createElement("ol"), element("li", …)
QUOTED_WORD = re.compile(r"""\(\s*["']([a-z][a-z0-9]*)["']""")


Declarations = tuple[tuple[str, frozenset[str], str], ...]  # (custom property or '', variables read, text)


@dataclass(frozen=True)
class Compound:
    """One compound selector's requirements of a single element."""

    tag: str  # "" for any
    classes: frozenset[str]
    id: str
    attributes: frozenset[tuple[str, str]]  # (fixed attribute, value) pairs


@dataclass(frozen=True)
class Rule:
    """A style rule: its selectors (text, and its compounds as numbers in Sheet.compounds) and declarations (custom
    property or '', the variables it reads, text)."""

    selectors: tuple[tuple[str, tuple[int, ...]], ...]
    declarations: Declarations


@dataclass(frozen=True)
class Group:
    """A conditional at-rule (@media, @supports) and the rules inside it."""

    head: str
    children: tuple[Rule | Group | str, ...]


TAG = re.compile(r"<([a-zA-Z][\w-]*)((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>")  # possessive: no backtracking
ATTRIBUTE_VALUE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
ASKED = re.compile(r"""(?<![\w-])(class|id|dir|data-md-color-primary|data-md-color-accent)\s*=\s*"""
                   r"""(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.IGNORECASE)  # what selectors may ask of an element
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>|<!--.*?-->", re.DOTALL | re.IGNORECASE)


@dataclass
class Elements:
    """A page's elements, by what selectors ask of them, and its scripts."""

    tags: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    by_class: dict[str, set[tuple[str, frozenset[str], frozenset[tuple[str, str]]]]] = field(default_factory=dict)
    attributes: set[tuple[str, str]] = field(default_factory=set)  # (fixed attribute, value) on some element
    inline_scripts: list[str] = field(default_factory=list)
    # src of the page's script files (run at once, deferred or async), and of those a page's script loads once it is
    # painted (named by its data-hb-loads, as the finder's)
    script_sources: list[str] = field(default_factory=list)

    def add(self, tag: str, attribute_text: str) -> None:
        """One start tag → recorded."""
        self.tags.add(tag)
        classes, fixed, id_ = asked(attribute_text)
        self.ids.add(id_)
        self.attributes.update(fixed)
        for name in classes:
            self.by_class.setdefault(name, set()).add((tag, classes, fixed))


@functools.lru_cache(maxsize=1 << 16)  # the theme's tags repeat on every page
def asked(attribute_text: str) -> tuple[frozenset[str], frozenset[tuple[str, str]], str]:
    """A start tag's attribute text → what selectors may ask of it: its classes, fixed attributes and id."""
    a = {m[1].lower(): m[2] or m[3] or m[4] or "" for m in ASKED.finditer(attribute_text)}
    return frozenset(a.get("class", "").split()), frozenset((k, a[k]) for k in FIXED_ATTRIBUTES if k in a), a.get("id", "")


def attributes(text: str) -> dict[str, str]:
    """A start tag's attribute text → {name: value}."""
    return {m[1].lower(): m[2] or m[3] or m[4] or "" for m in ATTRIBUTE_VALUE.finditer(text)}


def page_elements(html: str) -> Elements:
    """A page's HTML → its elements and its scripts (not data), with the files they load once it is painted."""
    elements = Elements()
    for match in SCRIPT.finditer(html):
        a = attributes(match[1] or "")
        if match[0].startswith("<!--") or a.get("type", "text/javascript") != "text/javascript":
            continue
        (elements.script_sources if "src" in a else elements.inline_scripts).append(a.get("src") or match[2])
        if "data-hb-loads" in a:
            elements.script_sources.append(a["data-hb-loads"])
    for tag in {(m[1].lower(), m[2]) for m in TAG.finditer(SCRIPT.sub("<script>", html))}:  # each distinct tag once
        elements.add(*tag)
    return elements


def compounds(selector: str) -> tuple[Compound, ...]:
    """One selector → what each of its compound selectors requires of an element (nesting ignored)."""
    fixed: list[list[tuple[str, str]]] = []

    def mark(match: re.Match[str]) -> str:  # fixed attributes with a value stay as requirements, the rest go
        if match[1] in FIXED_ATTRIBUTES and match[2] == "=":
            fixed.append([(match[1], match[3].strip("\"'"))])
            return f"[{len(fixed) - 1}]"
        return ""

    bare = PSEUDO.sub("", ATTRIBUTE.sub(mark, FUNCTION.sub("", selector))).strip()
    result = []
    for part in (p for p in COMBINATOR.split(bare) if p):
        m = COMPOUND.fullmatch(part)
        assert m is not None  # the pattern matches any text
        names = NAME.findall(m["rest"])
        indices = [int(i) for i in re.findall(r"\[(\d+)\]", m["rest"])]
        result.append(Compound((m["tag"] or "*").lower().replace("*", ""), frozenset(n for k, n in names if k == "."),
                               next((n for k, n in names if k == "#"), ""),
                               frozenset(pair for i in indices for pair in fixed[i])))
    return tuple(result)


def parse_declarations(content: list[tinycss2.ast.Node]) -> Declarations:
    """A rule's body → its declarations: (custom property's name or '', the variables it reads, its text)."""
    result = []
    for d in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if isinstance(d, Declaration):
            value = tinycss2.serialize(d.value).strip()
            text = f"{d.name}:{value}{'!important' if d.important else ''}"
            result.append((d.name if d.name.startswith("--") else "", frozenset(VARIABLE.findall(value)), text))
    return tuple(result)


def parse_rules(rules: Iterable[tinycss2.ast.Node], numbers: dict[Compound, int]) -> tuple[Rule | Group | str, ...]:
    """Parsed CSS and the compounds numbered so far → rules with their selectors' requirements (new compounds numbered);
    @media print left out; other at-rules kept as text."""
    result: list[Rule | Group | str] = []
    for rule in rules:
        if isinstance(rule, QualifiedRule):
            selectors = [(s.strip(), tuple(numbers.setdefault(c, len(numbers)) for c in compounds(s)))
                         for s in split_selectors(tinycss2.serialize(rule.prelude))]
            result.append(Rule(tuple(selectors), parse_declarations(rule.content)))
        elif isinstance(rule, AtRule) and rule.lower_at_keyword in GROUPS and rule.content is not None:
            head = f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}"
            if not (rule.lower_at_keyword == "media" and re.fullmatch(r"\s*print\s*", tinycss2.serialize(rule.prelude))):
                result.append(Group(head.strip(), parse_rules(tinycss2.parse_rule_list(rule.content, True, True), numbers)))
        elif isinstance(rule, AtRule) and rule.lower_at_keyword != "charset":  # ignored in a <style>
            result.append(tinycss2.serialize([rule]))
    return tuple(result)


@dataclass
class Sheet:
    """Stylesheets parsed once for every page, and the CSS made so far for each kind of page."""

    rules: tuple[Rule | Group | str, ...]
    compounds: tuple[Compound, ...]  # every distinct compound selector, numbered
    made: dict[tuple[bytes, frozenset[str]], str] = field(default_factory=dict)  # (matches, variables) → CSS
    # a script's text → its words (any may be a class it adds) and the words in quotes its calls begin with (any may
    # name an element it makes); pages share scripts
    words: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)


def parse_stylesheet(css: str) -> Sheet:
    """Stylesheets' text → parsed once for every page."""
    numbers: dict[Compound, int] = {}
    rules = parse_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), numbers)
    return Sheet(rules, tuple(numbers))


def matches(c: Compound, e: Elements, maybe: frozenset[str], made: frozenset[str]) -> bool:
    """A compound selector, a page's elements, the classes its scripts may add and the elements they may make → whether
    some element may match it."""
    needed = c.classes - maybe
    if (c.id and c.id not in e.ids) or (c.tag and c.tag not in e.tags and c.tag not in made) \
            or not c.attributes <= e.attributes:
        return False
    return not needed or any((not c.tag or tag == c.tag) and needed <= classes and c.attributes <= fixed
                             for tag, classes, fixed in e.by_class.get(min(needed), []))


Kept = list[str | tuple[str, Declarations]]  # CSS text as it is (at-rules, a group's head and end), or (selectors, body)


def kept_rules(rules: tuple[Rule | Group | str, ...], present: bytes) -> Kept:
    """Parsed rules and which compounds a page may match → the rules kept, each with its selectors kept, in order."""
    out: Kept = []
    for rule in rules:
        if isinstance(rule, Rule):
            selectors = [text for text, parts in rule.selectors if all(present[i] for i in parts)]
            if selectors:
                out.append((",".join(selectors), rule.declarations))
        elif isinstance(rule, Group):
            inner = kept_rules(rule.children, present)
            if any(isinstance(x, tuple) for x in inner):
                out += [f"{rule.head}{{", *inner, "}"]
        else:
            out.append(rule)
    return out


def read_variables(kept: Kept, in_page: frozenset[str]) -> set[str]:
    """Kept rules and the custom properties the page names → those something reads (the page, its rules, the
    properties they read)."""
    declarations = [d for x in kept if isinstance(x, tuple) for d in x[1]]
    read = set(in_page) | {v for name, uses, _ in declarations if not name for v in uses}
    while True:
        more = {v for name, uses, _ in declarations if name in read for v in uses} - read
        if not more:
            return read
        read |= more


def serialize(kept: Kept, read: set[str]) -> str:
    """Kept rules → CSS text, without the custom properties nothing reads (and rules left empty by that)."""
    parts = []
    for x in kept:
        if isinstance(x, tuple):
            body = ";".join(text for name, _, text in x[1] if not name or name in read)
            parts.append(f"{x[0]}{{{body}}}" if body else "")
        else:
            parts.append(x)
    return re.sub(r"@[^{}]*\{\}", "", "".join(parts))  # a group whose rules all went


def critical_css(sheet: Sheet, html: str, elements: Elements, scripts: Iterable[str]) -> str:
    """Parsed stylesheets, a page, its elements and the text of its script files → the CSS it needs on screen (made
    once for all the pages that match the same selectors)."""
    for script in [*elements.inline_scripts, *scripts]:
        if script not in sheet.words:
            sheet.words[script] = frozenset(WORD.findall(script)), frozenset(QUOTED_WORD.findall(script))
    words = [sheet.words[script] for script in [*elements.inline_scripts, *scripts]]
    maybe, made = frozenset().union(*(w for w, _ in words)), frozenset().union(*(q for _, q in words))
    key = (bytes(matches(c, elements, maybe, made) for c in sheet.compounds), frozenset(VARIABLE.findall(html)))
    if key not in sheet.made:
        kept = kept_rules(sheet.rules, key[0])
        sheet.made[key] = serialize(kept, read_variables(kept, key[1]))
    return sheet.made[key]


LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">')


def first_paint_html(html: str, fetch: Callable[[str], str], parsed: dict[str, Sheet]) -> str:
    """A page, a reader of the files it names (URL → text) and parsed stylesheets so far (CSS → rules) → the page with
    the CSS it needs on screen inlined and its stylesheets linked for print (and, without scripts, as before)."""
    links = list(LINK.finditer(html, 0, html.find("</head>")))
    if not links:
        return html
    css = "".join(fetch(link[1]) for link in links)
    if css not in parsed:
        parsed[css] = parse_stylesheet(css)
    elements = page_elements(html)
    critical = critical_css(parsed[css], html, elements, [fetch(src) for src in elements.script_sources])
    critical = critical.replace("</", "<\\/")  # cannot end the element (CSS reads the escaped '/' as '/')
    block = (f'<style data-hb-critical>{critical}</style>'
             + "".join(f'<link rel="stylesheet" href="{link[1]}" media="print" data-hb-rest>' for link in links)
             + "<noscript>" + "".join(link[0] for link in links) + "</noscript>")
    start, end = links[0].start(), links[-1].end()
    between = LINK.sub("", html[start:end]).strip()
    return html[:start] + block + between + html[end:]
