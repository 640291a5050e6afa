"""Model → one search index per language, built for how residents type.

Chinese text is indexed as single characters and overlapping character pairs (as search engines'
CJK analysers do), so any two-character query finds words anywhere inside longer words. Chinese names,
keywords and synonyms also get pinyin: syllable pairs (so spaces between syllables do not matter), each
whole word (an exact pinyin keyword ranks its service first) and initials (`ylj` finds 养老金, ranked
below full pinyin). Latin text is indexed as words with one spelling (British → American) and a light
stem (disabled and disability share one, as do pregnant and pregnancy).

Queries: traditional characters become simplified, tone marks and tone numbers go, question and filler
words are dropped; a Latin word nothing in the index starts with matches words one or two edits away
(ranked below exact words); a Chinese pair the index lacks also matches its pinyin (a character typed with
the wrong homophone, 养老宝险), a little. Each query part is a unit; a document scores the sum over units of its best
match (field weights × BM25 saturation × idf, computed here), times the square of the share of units it
matches, so long questions rank what covers most of them. A first result is an answer only if it matches the query
firmly (strength(): parts found only in the small print, or a short word the handbook never uses, do not count) and
that strength reaches CONFIDENT; otherwise the page says the handbook has no answer and offers the finder. The tables
the query side needs, and those lines, ship in the index (`rules`). The client (templates/theme/assets/handbook.js)
implements query_units(), rank() and strength() with the same rules; tests/whole/test_browser.py compares scores, order
and verdicts for the whole ranking test set.
"""
from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..data.model import Handbook, SiteConfig, Synonym
from ..present.views import Views, first_line, plain_pinyin
from .searchtables import american, readings, spelling_table, traditional_table

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_RUN = re.compile(r"[a-z0-9]+")
LETTERS = re.compile(r"[a-z]+")
COMBINING = re.compile("[\u0300-\u036f]")
TONE_NUMBER = re.compile(r"([a-z])[1-5](?![0-9])")
# suffix → replacement, longest first; the forms people type share a stem with the nouns services are named by
SUFFIXES = (("bilities", "bl"), ("bility", "bl"), ("ations", ""), ("ation", ""), ("ancies", "ant"), ("ancy", "ant"),
            ("encies", "ent"), ("ency", "ent"), ("ated", ""), ("ates", ""), ("ate", ""), ("ings", ""), ("ing", ""),
            ("ies", "y"), ("ied", "y"), ("sses", "ss"), ("es", ""), ("ed", ""), ("ly", ""), ("s", ""), ("e", ""))
# language rules, not per-query lists: English question and filler words, Chinese ones (longest first)
STOP_WORDS = frozenset("a about am an and any are at be by can could do does for from get got have how i if in is it me "
                       "my no of on or our please s should the there to want we what when where which who will with would "
                       "you your need was were been t cannot them they their he she his her him".split())
FILLERS = re.compile("第(?=[0-9])|(?<=[0-9])项|"
                     "怎么办|怎么样|怎么|怎样|如何|哪里|哪儿|哪些|什么|请问|我想|我要|我家|我们|我的|能不能|有没有|"
                     "可不可以|可以|是不是|吗|呢|吧|啊|的|了|我")
FILLER_CHARACTERS = frozenset("".join(CJK_RUN.findall(FILLERS.pattern)))

# field → weight: a match in a name or keyword outranks one in the small print
WEIGHTS = {"name": 10.0, "keywords": 8.0, "situations": 8.0, "synonyms": 7.0, "number": 10.0, "audiences": 3.0, "recipients": 3.0,
           "chapter": 1.5, "departments": 1.5, "standard": 1.0, "funding": 0.5,
           "pinyin_word": 10.0, "pinyin": 6.0, "initials": 5.0}
PINYIN_FIELDS = ("name", "keywords", "synonyms")
LENGTH_NORMALISED = {"recipients": 0.75, "standard": 0.75, "funding": 0.75}  # BM25's b for long fields
K1 = 1.2  # BM25 saturation: the 2nd mention of a word adds less than the 1st
PREFIX = 0.6  # a query word that begins an index word
TYPO = {1: 0.6, 2: 0.45}  # one or two edits away
HOMOPHONE = 0.5  # a Chinese pair the index lacks, read as pinyin: a character typed with the wrong homophone
CHAR_FACTOR = 0.2  # single characters of a longer Chinese query help rank, a little
# How sure the first result is (strength(): its score counting only the query's parts it matches firmly) must reach this
# line, per script of the index's language: every query of the ranking test set reaches it and every query of the
# off-topic set stays below (tests/search_queries.yaml; `python bench/ranking.py` prints both sides and the margin).
# Each is the geometric mean of the highest off-topic and the lowest ranking-set strength.
CONFIDENT = {"Hans": 18.7, "Latn": 21.5}
# A query part counts as found, for that sureness, only where it matches at least this much: a word that occurs only in
# the small print (train: "training" in one line of the free museums' standard, whose name matched tickets) does not make
# a service an answer to "train tickets". The geometric mean of the strongest such part of an off-topic query (1.7, that
# one) and the weakest part a ranking-set query needs (3.0: 民政 of 民政局 in "民政局 低保"); any value between works.
FIRM = 2.3
SHORT_WORD = 4  # in a query of several words, a shorter English word the handbook never uses (car: stem of care) is not found
EXPANSIONS = 40  # prefix matches looked at per query word
MAX_SYLLABLE = 6  # letters in the longest pinyin syllable (zhuang)

Unit = tuple[float, tuple[tuple[str, float, bool], ...]]  # (share of the query, ((term, factor, prefix?), …))


def normalize(text: str) -> str:
    """Full-width forms folded, lower case, accents and tone marks removed."""
    text = unicodedata.normalize("NFKC", text).lower()
    return unicodedata.normalize("NFC", COMBINING.sub("", unicodedata.normalize("NFD", text)))


@cache  # a handbook's words repeat: each is stemmed once
def stem(word: str) -> str:
    """An English word → its light stem (one suffix removed, at least 3 letters kept)."""
    if word.isdigit() or word.endswith("ss") and not word.endswith("sses"):
        return word
    for suffix, replacement in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= 3:
            return word[: len(word) - len(suffix)] + replacement
    return word


def latin_words(text: str) -> list[str]:
    """Normalized text → its Latin words in one spelling, without stop words."""
    return [american(w) for w in LATIN_RUN.findall(text) if w not in STOP_WORDS]


def tokens(text: str) -> list[str]:
    """Text → index terms: CJK characters and character pairs; stemmed Latin words without stop words."""
    text = normalize(text)
    out: list[str] = []
    for run in CJK_RUN.findall(text):
        out.extend(run)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    out.extend(stem(w) for w in latin_words(text))
    return out


@cache
def syllables_of(run: str) -> tuple[str, ...]:
    """A run of Chinese characters → its pinyin syllables, ü written u."""
    return tuple(s.replace("v", "u") for s in plain_pinyin(run, errors="ignore") if s.isalpha())


def pinyin_tokens(text: str) -> list[tuple[str, str]]:
    """Chinese text → (field, term): syllables and syllable pairs, each word whole, and its initials."""
    out: list[tuple[str, str]] = []
    for run in CJK_RUN.findall(normalize(text)):
        syllables = syllables_of(run)
        out.extend(("pinyin", s) for s in syllables)
        out.extend(("pinyin", a + b) for a, b in zip(syllables, syllables[1:], strict=False))
        initials = "".join(s[0] for s in syllables)
        if len(syllables) > 1:
            out.append(("pinyin_word", "".join(syllables)))
        # the initials of the word and of its endings of 3+ characters (ylbx finds 基本养老保险); the query
        # side also matches the beginnings of these, so any part of a name spelled by initials is found
        out.extend(("initials", initials[i:]) for i in range(len(initials) - 1) if i == 0 or len(initials) - i >= 3)
    return out


@dataclass(frozen=True)
class Document:
    """A page as search sees it."""

    url: str  # relative to the language root, e.g. "services/x/"
    title: str  # result title
    summary: str  # one line under the title
    fields: dict[str, list[str]]  # field name → texts
    boost: float  # pages other than services rank a little lower


def department_names(handbook: Handbook, department_id: str, lang: str) -> list[str]:
    """A department → its name, and the names it had or has since, in a language."""
    d = handbook.department(department_id)
    return [d.name[lang], *(f.name[lang] for f in d.formerly), *([d.now.name[lang]] if d.now else [])]


def synonym_terms(synonyms: Iterable[Synonym], fields: Mapping[str, list[str]], lang: str) -> list[str]:
    """Synonyms of a language → the terms of those whose meaning the document's name or keywords contain."""
    text = normalize("\n".join([*fields["name"], *fields["keywords"]]))
    return [term for s in synonyms if s.lang == lang and any(normalize(m) in text for m in s.means) for term in s.terms]


def service_documents(handbook: Handbook, views: Views) -> list[Document]:
    """Services → search documents."""
    lang = views.lang
    docs = []
    for s in handbook.services:
        fields = {
            "name": [s.name[lang]],
            "keywords": list(s.keywords.get(lang, ())),
            "situations": [phrase for situation in s.situations for phrase in situation.says.get(lang, ())],
            "number": [str(s.number)],
            "audiences": [handbook.audience(a).name[lang] for a in s.audiences],
            "recipients": [p.recipients[lang] for p in s.provisions],
            "standard": [p.standard[lang] for p in s.provisions],
            "funding": [p.funding[lang] for p in s.provisions],
            "departments": [n for d in s.departments for n in department_names(handbook, d, lang)],
            "chapter": [handbook.chapter(s.chapter).title[lang]],
        }
        fields["synonyms"] = synonym_terms(handbook.synonyms, fields, lang)
        title = f"{views.t('service_label', number=s.number)} {s.name[lang]}"
        docs.append(Document(f"services/{s.id}/", title, s.summary[lang], fields, 1.0))
    return docs


def other_documents(handbook: Handbook, views: Views) -> list[Document]:
    """Chapters, audiences and departments → search documents."""
    lang = views.lang
    docs = [Document(f"chapters/{c.id}/", c.title[lang], views.count("services_count", len(c.services)),
                     {"name": [c.title[lang]], "standard": [c.intro[lang]]}, 0.6) for c in handbook.chapters]
    docs += [Document(f"audiences/{a.id}/", a.name[lang], first_line(a.description[lang]),
                      {"name": [a.name[lang]], "recipients": [a.description[lang]]}, 0.6) for a in handbook.audiences]
    docs += [Document(f"departments/{d.id}/", d.name[lang], d.short_name[lang],
                      {"name": [*department_names(handbook, d.id, lang), d.short_name[lang], *d.aliases]}, 0.5)
             for d in handbook.departments]
    return docs


def field_counts(doc: Document, with_pinyin: bool) -> dict[str, dict[str, int]]:
    """A document → field → term → how often it occurs there."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for field, texts in doc.fields.items():
        for text in texts:
            for term in (["#" + text] if field == "number" else tokens(text)):  # only a query that is just the number
                counts[field][term] += 1
            if with_pinyin and field in PINYIN_FIELDS:
                for pinyin_field, term in pinyin_tokens(text):
                    counts[pinyin_field][term] += 1
    return counts


def saturated(n: int, field: str, length: int, average: float) -> float:
    """BM25's term-frequency saturation, with length normalisation for the long fields."""
    b = LENGTH_NORMALISED.get(field, 0.0)
    return n * (K1 + 1) / (n + K1 * (1 - b + b * length / average))


def document_weights(docs: list[Document], with_pinyin: bool) -> list[dict[str, float]]:
    """Documents → per document, term → field-weighted, saturated frequency."""
    counts = [field_counts(d, with_pinyin) for d in docs]
    lengths: dict[str, list[int]] = defaultdict(list)
    for c in counts:
        for field, terms in c.items():
            lengths[field].append(sum(terms.values()))
    average = {field: sum(ls) / len(ls) for field, ls in lengths.items()}
    weights = []
    for doc, c in zip(docs, counts, strict=True):
        w: dict[str, float] = defaultdict(float)
        for field, terms in c.items():
            length = sum(terms.values())
            for term, n in terms.items():
                w[term] += doc.boost * WEIGHTS[field] * saturated(n, field, length, average[field])
        weights.append(w)
    return weights


def build_index(docs: Iterable[Document], with_pinyin: bool) -> dict[str, Any]:
    """Documents → {docs: [[url, title, summary]], terms: {term: [[doc, score], …]}, rules}, scores × idf."""
    docs = list(docs)
    postings: dict[str, list[list[float]]] = defaultdict(list)
    for i, doc_terms in enumerate(document_weights(docs, with_pinyin)):
        for term, weight in doc_terms.items():
            postings[term].append([i, weight])
    n = len(docs)
    terms: dict[str, list[list[float]]] = {}
    for term in sorted(postings):
        idf = math.log(1 + n / len(postings[term]))
        terms[term] = [[int(i), round(w * idf, 1)] for i, w in postings[term]]
    return {"docs": [[d.url, d.title, d.summary] for d in docs], "terms": terms, "rules": index_rules(docs, terms, with_pinyin)}


def index_rules(docs: list[Document], terms: Mapping[str, object], with_pinyin: bool) -> dict[str, Any]:
    """What the query side needs: pinyin syllables, words for typos, spelling and character tables, the confidence line."""
    raw = {w for d in docs for texts in d.fields.values() for t in texts for w in LATIN_RUN.findall(normalize(t))}
    words = sorted({american(w) for w in raw if w.isalpha() and w not in STOP_WORDS})
    short = [w for w in words if len(w) < SHORT_WORD] if not with_pinyin else []  # strength() asks if a short word is ours
    words = [w for w in words if len(w) >= SHORT_WORD]  # for typos
    syllables = sorted({s for d in docs for f in PINYIN_FIELDS for t in d.fields.get(f, ()) for run in CJK_RUN.findall(t)
                        for s in syllables_of(run)}) if with_pinyin else []
    characters = {t for t in terms if len(t) == 1 and CJK_RUN.fullmatch(t)} | FILLER_CHARACTERS
    return {"pinyin": with_pinyin, "confident": CONFIDENT["Hans" if with_pinyin else "Latn"], "firm": FIRM,
            "short_word": SHORT_WORD, "short_words": short, "syllables": syllables,
            "words": words, "spelling": spelling_table(raw), "traditional": traditional_table(characters),
            "readings": readings(characters) if with_pinyin else {}}


def language_index(handbook: Handbook, config: SiteConfig, lang: str) -> dict[str, Any]:
    """Handbook → the language's whole index (searchchunks.py splits it into the files the site loads)."""
    views = Views(handbook, config, lang)
    with_pinyin = config.language(lang).script == "Hans"
    index = build_index(service_documents(handbook, views) + other_documents(handbook, views), with_pinyin)
    index["lang"] = lang
    return index


# --- the query side (mirrored in handbook.js) -------------------------------------------------------------

def segment(word: str, syllables: frozenset[str]) -> list[str] | None:
    """Letters → the fewest pinyin syllables that spell them exactly, or None."""
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for i in range(1, len(word) + 1):
        for j in range(max(0, i - MAX_SYLLABLE), i):
            before = best[j]
            if before is not None and word[j:i] in syllables and (best[i] is None or len(before) + 1 < len(best[i] or ())):
                best[i] = [*before, word[j:i]]
    return best[len(word)]


def pinyin_of(word: str, syllables: frozenset[str]) -> list[str] | None:
    """A query word → its pinyin syllables (tone numbers dropped, v read as ü), or None if it is not pinyin."""
    plain = TONE_NUMBER.sub(r"\1", word).replace("v", "u")
    return segment(plain, syllables) if plain.isalpha() else None


def pinyin_units(syllables: list[str]) -> list[Unit]:
    """Pinyin syllables typed together → units: one per syllable pair, and the whole as a bonus."""
    if len(syllables) == 1:
        return [(1.0, ((syllables[0], 1.0, True),))]
    pairs = [(1.0, ((a + b, 1.0, False),)) for a, b in zip(syllables, syllables[1:], strict=False)]
    return [*dict.fromkeys(pairs), (0.0, (("".join(syllables), 1.0, True),))]


def edits(a: str, b: str, limit: int) -> int:
    """Damerau–Levenshtein distance (optimal string alignment) of two words, or limit + 1 if more than limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[len(b)]


def begins_a_key(keys: list[str], term: str) -> bool:
    """Whether an index term begins with `term`."""
    i = bisect.bisect_left(keys, term)
    return i < len(keys) and keys[i].startswith(term)


def typo_limit(word: str) -> int:
    """A word → how many letters of it may be wrong for a typo match: none below 5 letters, one below 8, else two."""
    return 0 if len(word) < 5 else 1 if len(word) < 8 else 2


def word_unit(word: str, index: Mapping[str, Any], keys: list[str]) -> Unit:
    """A Latin query word → its unit: the stem (and words it begins), the word as typed, or words a typo away."""
    term = stem(word)
    alts = [(term, 1.0, len(term) >= 2)] + ([(word, 1.0, False)] if word != term else [])
    limit = typo_limit(word)
    stem_limit = min(limit, typo_limit(term))
    if limit and not begins_a_key(keys, term):
        for candidate in index["rules"]["words"]:
            found = stem(candidate)  # a typo may be in the word or in its stem (textbok: textbook, vaccinaton: vaccin),
            # as many letters off as the stem's own length allows (driving is not a typo of private: driv, priv)
            in_stem = edits(term, found, stem_limit)
            distance = min(edits(word, candidate, limit), in_stem if in_stem <= stem_limit else limit + 1)
            if distance <= limit:
                alts.append((found, TYPO[distance], False))
    return 1.0, tuple(dict.fromkeys(alts))


def query_units(index: Mapping[str, Any], text: str, keys: list[str] | None = None) -> list[Unit]:
    """A query → its units, in order: Chinese pairs (or a lone character), pinyin, Latin words, then characters."""
    rules = index["rules"]
    keys = keys if keys is not None else sorted(index["terms"])
    text = "".join(rules["traditional"].get(c, c) for c in normalize(text))
    text = FILLERS.sub(" ", text)
    runs = CJK_RUN.findall(text)
    pairs = [run[i:i + 2] for run in runs for i in range(len(run) - 1)] + [run for run in runs if len(run) == 1]
    chars = list(dict.fromkeys(c for run in runs if len(run) > 1 for c in run))
    reading = {c: syllable for syllable, chars in rules["readings"].items() for c in chars}
    units: list[Unit] = [pair_unit(p, index["terms"], reading) for p in dict.fromkeys(pairs)]
    units += latin_units(index, text, keys)
    units += [(0.25 / len(chars), ((c, CHAR_FACTOR, False),)) for c in chars]
    return number_unit(units)


def pair_unit(pair: str, postings: Mapping[str, object], reading: Mapping[str, str]) -> Unit:
    """A Chinese pair (or lone character) → its unit; a pair the index lacks also matches its pinyin, a little."""
    if len(pair) == 2 and pair not in postings and pair[0] in reading and pair[1] in reading:
        return 1.0, ((pair, 1.0, False), (reading[pair[0]] + reading[pair[1]], HOMOPHONE, False))
    return 1.0, ((pair, 1.0, False),)


def latin_units(index: Mapping[str, Any], text: str, keys: list[str]) -> list[Unit]:
    """Latin words of a normalized query → units; consecutive pinyin words are read as one (spaces optional), and two
    words that the index has written together also match that word (wheel chair: wheelchair)."""
    rules = index["rules"]
    syllables = frozenset(rules["syllables"])
    units: list[Unit] = []
    group: list[str] = []
    previous = ""  # the last word, if it was not pinyin
    words = [rules["spelling"].get(w, w) for w in LATIN_RUN.findall(text) if w not in STOP_WORDS]
    for word in dict.fromkeys(words):
        pinyin = pinyin_of(word, syllables) if rules["pinyin"] else None
        if pinyin:
            group += pinyin
            previous = ""
            continue
        if group:
            units += pinyin_units(group)
            group = []
        unit = word_unit(word, index, keys)
        joined = stem(previous + word)
        if previous and joined in index["terms"]:
            units[-1] = with_alternative(units[-1], joined)
            unit = with_alternative(unit, joined)
        units.append(unit)
        previous = word
    return units + (pinyin_units(group) if group else [])


def with_alternative(unit: Unit, term: str) -> Unit:
    """A unit that also matches `term` exactly."""
    return unit[0], (*unit[1], (term, 1.0, False))


def number_unit(units: list[Unit]) -> list[Unit]:
    """A query that is only a number also finds the service with that number."""
    main = [u for u in units if u[0] == 1.0]
    if len(main) == 1 and len(units) == 1 and main[0][1][0][0].isdigit():
        return [with_alternative(units[0], "#" + main[0][1][0][0])]
    return units


def unit_matches(postings: Mapping[str, list[list[float]]], keys: list[str], alts: Iterable[tuple[str, float, bool]]
                 ) -> dict[int, float]:
    """A unit's alternatives → doc → its best score among them (prefix matches count PREFIX of an exact one)."""
    found: dict[int, float] = {}
    for term, factor, prefix in alts:
        for d, v in postings.get(term, []):
            found[int(d)] = max(found.get(int(d), 0.0), factor * v)
        i = bisect.bisect_left(keys, term)
        expansions = 0
        while prefix and i < len(keys) and keys[i].startswith(term) and expansions < EXPANSIONS:
            if keys[i] != term:
                for d, v in postings[keys[i]]:
                    found[int(d)] = max(found.get(int(d), 0.0), PREFIX * factor * v)
                expansions += 1
            i += 1
    return found


def rank(index: Mapping[str, Any], text: str, limit: int = 10, keys: list[str] | None = None) -> list[tuple[int, float]]:
    """An index and a query → (document, score) of the best, best first (the reference for the browser client)."""
    postings: Mapping[str, list[list[float]]] = index["terms"]
    keys = keys if keys is not None else sorted(postings)
    units = query_units(index, text, keys)
    score: dict[int, float] = defaultdict(float)
    hits: dict[int, float] = defaultdict(float)  # the share of the query each document matches
    for weight, alts in units:
        for doc, value in unit_matches(postings, keys, alts).items():
            score[doc] += value
            hits[doc] += weight
    wanted = sum(1 for weight, _ in units if weight == 1.0) or 1
    ranked = []
    for doc in score:
        if hits[doc] > 0:
            share = min(hits[doc], wanted) / wanted
            ranked.append((doc, score[doc] * share * share))
    ranked.sort(key=lambda x: (-x[1], x[0]))
    return ranked[:limit]


def strength(index: Mapping[str, Any], text: str, doc: int, keys: list[str] | None = None) -> float:
    """A query and a document → its score counting only the query parts it matches firmly: each part's best match, times
    the square of the share of the query's parts found at least FIRM (in a query of several English words, a short word
    the handbook never uses is not found)."""
    rules = index["rules"]
    postings: Mapping[str, list[list[float]]] = index["terms"]
    keys = keys if keys is not None else sorted(postings)
    units = query_units(index, text, keys)
    wanted = sum(1 for weight, _ in units if weight == 1.0) or 1
    total = hits = 0.0
    for weight, alts in units:
        word = max((term for term, _, _ in alts), key=len)  # the word as typed (the others are its stem, typos)
        unknown = (wanted > 1 and not rules["pinyin"] and LETTERS.fullmatch(word) and len(word) < rules["short_word"]
                   and word not in rules["short_words"])
        value = 0.0 if unknown else unit_matches(postings, keys, alts).get(doc, 0.0)
        total += value
        hits += weight if value >= index["rules"]["firm"] else 0.0
    share = min(hits, wanted) / wanted
    return total * share * share


def confident(index: Mapping[str, Any], text: str, ranked: list[tuple[int, float]], keys: list[str] | None = None) -> bool:
    """A query and its ranked results → whether the first is a confident match (else the page says the handbook has no
    answer)."""
    return bool(ranked) and strength(index, text, ranked[0][0], keys) >= index["rules"]["confident"]


def search(index: Mapping[str, Any], text: str, limit: int = 10) -> list[str]:
    """An index and a query → URLs of the best documents."""
    return [index["docs"][doc][0] for doc, _ in rank(index, text, limit)]
