"""Model → one search index per language, built for how residents type.

Chinese text is indexed as single characters and overlapping character pairs (as search engines'
CJK analysers do), so any two-character query finds words anywhere inside longer words; Chinese
names and keywords also get pinyin (full and initials), so `yanglaojin` or `ylj` find 养老金. Latin
text is indexed as lightly stemmed words. The client (templates/theme/assets/handbook.js) tokenises
queries with the same rules; tests/test_search.py keeps the two in step.
"""
from __future__ import annotations

import bisect
import json
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

from .model import Handbook, SiteConfig
from .views import Views, first_line

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_RUN = re.compile(r"[a-z0-9]+")
SUFFIXES = (("ations", ""), ("ation", ""), ("ings", ""), ("ing", ""), ("ies", "y"), ("ied", "y"), ("sses", "ss"),
            ("es", ""), ("ed", ""), ("ly", ""), ("s", ""), ("e", ""))
STOP_WORDS = frozenset("a an and are at be by can do for from get how i in is it me my of on or the to want what "
                       "where who with need".split())

# field → weight: a match in a name or keyword outranks one in the small print
WEIGHTS = {"name": 10.0, "keywords": 8.0, "number": 10.0, "audiences": 3.0, "recipients": 3.0, "chapter": 1.5,
           "departments": 1.5, "standard": 1.0, "funding": 0.5, "pinyin": 6.0}


def normalize(text: str) -> str:
    """Full-width forms folded, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def stem(word: str) -> str:
    """An English word → its light stem (one suffix removed, at least 3 letters kept)."""
    if word.isdigit() or word.endswith("ss") and not word.endswith("sses"):
        return word
    for suffix, replacement in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= 3:
            return word[: len(word) - len(suffix)] + replacement
    return word


def tokens(text: str) -> list[str]:
    """Text → index terms: CJK characters and character pairs; stemmed Latin words without stop words."""
    text = normalize(text)
    out: list[str] = []
    for run in CJK_RUN.findall(text):
        out.extend(run)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    out.extend(stem(w) for w in LATIN_RUN.findall(text) if w not in STOP_WORDS)
    return out


def pinyin_tokens(text: str) -> list[str]:
    """Chinese text → pinyin terms: each syllable, each word's syllables joined, and its initials."""
    out: list[str] = []
    for run in CJK_RUN.findall(text):
        syllables = lazy_pinyin(run, style=Style.NORMAL, errors="ignore")
        out.extend(syllables)
        out.append("".join(syllables))
        out.append("".join(s[0] for s in syllables if s))
    return out


@dataclass(frozen=True)
class Document:
    """A page as search sees it."""

    url: str  # relative to the language root, e.g. "services/x/"
    title: str  # result title
    summary: str  # one line under the title
    fields: dict[str, list[str]]  # field name → texts
    boost: float  # pages other than services rank a little lower


def service_documents(handbook: Handbook, views: Views) -> list[Document]:
    """Services → search documents."""
    lang = views.lang
    docs = []
    for s in handbook.services:
        fields = {
            "name": [s.name[lang]],
            "keywords": list(s.keywords.get(lang, ())),
            "number": [str(s.number)],
            "audiences": [handbook.audience(a).name[lang] for a in s.audiences],
            "recipients": [p.recipients[lang] for p in s.provisions],
            "standard": [p.standard[lang] for p in s.provisions],
            "funding": [p.funding[lang] for p in s.provisions],
            "departments": [handbook.department(d).name[lang] for d in s.departments],
            "chapter": [handbook.chapter(s.chapter).title[lang]],
        }
        title = f"{views.t('service_label', number=s.number)} {s.name[lang]}"
        docs.append(Document(f"services/{s.id}/", title, s.summary[lang], fields, 1.0))
    return docs


def other_documents(handbook: Handbook, views: Views) -> list[Document]:
    """Chapters, audiences and departments → search documents."""
    lang = views.lang
    docs = [Document(f"chapters/{c.id}/", c.title[lang], views.t("services_count", count=len(c.services)),
                     {"name": [c.title[lang]], "standard": [c.intro[lang]]}, 0.6) for c in handbook.chapters]
    docs += [Document(f"audiences/{a.id}/", a.name[lang], first_line(a.description[lang]),
                      {"name": [a.name[lang]], "recipients": [a.description[lang]]}, 0.6) for a in handbook.audiences]
    docs += [Document(f"departments/{d.id}/", d.name[lang], d.short_name[lang],
                      {"name": [d.name[lang], d.short_name[lang], *d.aliases]}, 0.5) for d in handbook.departments]
    return docs


def field_terms(doc: Document, with_pinyin: bool) -> dict[str, float]:
    """A document → term → weight (each field counts once per term, dampened by repeats)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for field, texts in doc.fields.items():
        for text in texts:
            for term in tokens(text):
                counts[term][field] += 1
            if with_pinyin and field in ("name", "keywords"):
                for term in pinyin_tokens(text):
                    counts[term]["pinyin"] += 1
    return {term: doc.boost * sum(WEIGHTS[f] * (1 + math.log(n)) for f, n in per_field.items())
            for term, per_field in counts.items()}


def build_index(docs: Iterable[Document], with_pinyin: bool) -> dict[str, object]:
    """Documents → {docs: [[url, title, summary]], terms: {term: [[doc, score], …]}}, scores × idf."""
    docs = list(docs)
    weights = [field_terms(d, with_pinyin) for d in docs]
    postings: dict[str, list[list[float]]] = defaultdict(list)
    for i, doc_terms in enumerate(weights):
        for term, weight in doc_terms.items():
            postings[term].append([i, weight])
    n = len(docs)
    terms: dict[str, list[list[float]]] = {}
    for term in sorted(postings):
        idf = math.log(1 + n / len(postings[term]))
        terms[term] = [[int(i), round(w * idf, 1)] for i, w in postings[term]]
    return {"docs": [[d.url, d.title, d.summary] for d in docs], "terms": terms}


def render_index(handbook: Handbook, config: SiteConfig, lang: str) -> str:
    """Handbook → the language's index as a script (loadable from file:// where fetch is not)."""
    views = Views(handbook, config, lang)
    script = next(lang_.script for lang_ in config.languages if lang_.code == lang)
    index = build_index(service_documents(handbook, views) + other_documents(handbook, views), script == "Hans")
    index["lang"] = lang
    payload = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    return f"(window.handbookSearch=window.handbookSearch||{{}})[{json.dumps(lang)}]={payload};\n"


QUESTION_WORDS = re.compile(r"怎么|怎样|如何|哪里|哪儿|什么|请问|我想|我要|可以|能不能|吗|呢|的|了")


def query_terms(text: str) -> tuple[list[str], list[str]]:
    """A query → (terms that must match, CJK single characters that help rank)."""
    text = QUESTION_WORDS.sub(" ", normalize(text))
    terms: list[str] = []
    chars: list[str] = []
    for run in CJK_RUN.findall(text):
        terms.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
        chars.extend(run if len(run) > 1 else "")
    terms.extend(stem(w) for w in LATIN_RUN.findall(text) if w not in STOP_WORDS)
    return list(dict.fromkeys(terms)), list(dict.fromkeys(chars))


def search(index: dict[str, object], text: str, limit: int = 10) -> list[str]:
    """An index and a query → URLs of the best documents (the reference for the browser client)."""
    terms, chars = query_terms(text)
    postings: dict[str, list[list[float]]] = index["terms"]  # type: ignore[assignment]
    keys = sorted(postings)
    score: dict[int, float] = defaultdict(float)
    hits: dict[int, float] = defaultdict(float)  # query terms matched (CJK characters count a fraction)
    for term in terms:
        for doc, value in term_matches(postings, keys, term).items():
            score[doc] += value
            hits[doc] += 1
    for char in chars:
        for doc, value in ((int(d), v) for d, v in postings.get(char, [])):
            score[doc] += 0.2 * value
            hits[doc] += 0.25 / max(len(chars), 1)
    wanted = len(terms) or 1
    ranked = sorted(score, key=lambda d: (-score[d] * (min(hits[d], wanted) / wanted) ** 2, d))
    docs: list[list[str]] = index["docs"]  # type: ignore[assignment]
    return [docs[d][0] for d in ranked[:limit]]


def term_matches(postings: dict[str, list[list[float]]], keys: list[str], term: str) -> dict[int, float]:
    """A query term → doc → score: exact match, or (Latin, 2+ letters) terms it begins, a little lower."""
    found: dict[int, float] = {int(d): v for d, v in postings.get(term, [])}
    if not term.isascii() or len(term) < 2:
        return found
    i = bisect.bisect_left(keys, term)
    expansions = 0
    while i < len(keys) and keys[i].startswith(term) and expansions < 40:
        if keys[i] != term:
            for d, v in postings[keys[i]]:
                found[int(d)] = max(found.get(int(d), 0.0), 0.6 * v)
            expansions += 1
        i += 1
    return found
