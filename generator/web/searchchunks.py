"""A language's search index → a small manifest and chunks, so that a search loads only what its query touches (as
Pagefind does); and the reference of that loading, which the browser client (templates/theme/assets/handbook.js)
mirrors.

The files, in the language's search/ folder, are scripts (fetch() is refused from file://, a <script> is not); each
registers its data in window.handbookSearch under its own name:
- index.<lang>.js, the manifest (registered under the language's code): the query rules (pinyin or not, the
  confidence line, the pinyin syllables, spellings, traditional characters), `chunks` ([first bucket, name] in key
  order: a term lives in the last chunk whose first bucket is not after it), `docs` (the names of the blocks of
  `block` documents, in order) and `words` (the name of the word list);
- terms-<hash>.js: the postings of consecutive buckets of terms (a bucket holds the terms that begin with the same
  Chinese character, or with the same two letters or digits, so a word's prefix matches are in one chunk), and the
  pinyin readings of the characters that fall in its range (a pair the index lacks reads its characters there);
- words-<hash>.js: the words a typo is matched against, loaded only when a query word begins no term;
- docs-<hash>.js: `block` documents' [url, title, summary], from document `start`, loaded for the results shown.
A name carries a hash of its content, so a browser may keep it for ever; the manifest changes with every index.

A query finds what it needs by running the query side on what is loaded (`plan`): every term it looks up, and every
term its units match (with their prefix range), names a chunk; a query word that begins no term asks for the word
list. Loading those and planning again until nothing new is asked for gives exactly the data a search of the whole
index would read, so results, order and scores are the same (tests/web/test_searchchunks.py)."""
from __future__ import annotations

import bisect
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..data.model import Handbook, SiteConfig
from .search import CJK_RUN, language_index, query_units, rank

CHUNK_BYTES = 12_000  # a chunk's postings and readings as JSON: about 4 KB gzipped, a few per query
DOC_BLOCK = 16  # documents per block: a query's ten results load at most ten small blocks

Postings = dict[str, list[list[float]]]


def bucket(term: str) -> str:
    """A term → its bucket: its first character if Chinese, else its first two letters or digits."""
    return term[:1] if CJK_RUN.match(term) else term[:2]


def named(kind: str, payload: str) -> str:
    """A kind of file and its JSON → its name, with a hash of the content."""
    return f"{kind}-{hashlib.sha256(payload.encode('utf-8')).hexdigest()[:12]}"


def script(key: str, payload: str) -> str:
    """A name and JSON → a script that registers the JSON under that name."""
    return f"(window.handbookSearch=window.handbookSearch||{{}})[{json.dumps(key)}]={payload};\n"


def as_json(data: object) -> str:
    """Data → compact JSON, characters as they are."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def buckets(terms: Postings) -> list[tuple[str, Postings]]:
    """Postings (keys in order) → (bucket, its postings), in order."""
    grouped: dict[str, Postings] = {}
    for term in sorted(terms):
        grouped.setdefault(bucket(term), {})[term] = terms[term]
    return list(grouped.items())


def chunk_terms(terms: Postings) -> list[tuple[str, Postings]]:
    """Postings → (first bucket, postings) of consecutive buckets, each chunk about CHUNK_BYTES (a bucket is never split);
    the first chunk's first bucket is "", so every string falls in a chunk."""
    chunks: list[tuple[str, Postings]] = []
    size = CHUNK_BYTES
    for key, postings in buckets(terms):
        if size >= CHUNK_BYTES:
            chunks.append(("" if not chunks else key, {}))
            size = 0
        chunks[-1][1].update(postings)
        size += len(as_json(postings))
    return chunks or [("", {})]


def chunk_readings(firsts: list[str], readings: Mapping[str, str]) -> list[dict[str, str]]:
    """The chunks' first buckets and {syllable: characters} → per chunk, the readings of the characters in its range."""
    split: list[dict[str, str]] = [defaultdict(str) for _ in firsts]
    for syllable, chars in readings.items():
        for char in chars:
            split[bisect.bisect_right(firsts, char) - 1][syllable] += char
    return [dict(sorted(r.items())) for r in split]


def split_index(index: Mapping[str, Any]) -> dict[str, str]:
    """A whole index (search.build_index, with its lang) → {file name: script}: the manifest and its chunks."""
    files: dict[str, str] = {}

    def add(kind: str, data: object) -> str:
        payload = as_json(data)
        name = named(kind, payload)
        files[f"{name}.js"] = script(name, payload)
        return name

    chunks = chunk_terms(index["terms"])
    firsts = [first for first, _ in chunks]
    rules = {k: v for k, v in index["rules"].items() if k not in ("words", "readings")}
    readings = chunk_readings(firsts, index["rules"]["readings"])
    docs = index["docs"]
    manifest = {"lang": index["lang"], "rules": rules,
                "chunks": [[first, add("terms", {"terms": terms, "readings": r})]
                           for (first, terms), r in zip(chunks, readings, strict=True)],
                "words": add("words", {"words": index["rules"]["words"]}), "block": DOC_BLOCK,
                "docs": [add("docs", {"start": i, "docs": docs[i:i + DOC_BLOCK]}) for i in range(0, len(docs), DOC_BLOCK)]}
    files[f"index.{index['lang']}.js"] = script(index["lang"], as_json(manifest))
    return files


def render_index(handbook: Handbook, config: SiteConfig, lang: str) -> dict[str, str]:
    """Handbook → the language's search files {name in search/: script}."""
    return split_index(language_index(handbook, config, lang))


# --- the query side: which files a query needs (mirrored in handbook.js) ---------------------------------------

def read_files(files: Mapping[str, str]) -> dict[str, Any]:
    """{file name: script} → {registered name: data}."""
    found = {}
    for text in files.values():
        key, _, payload = text.partition("]=")
        found[json.loads(key[key.index("[") + 1:])] = json.loads(payload.rstrip().removesuffix(";"))
    return found


def chunk_of(manifest: Mapping[str, Any], term: str) -> int:
    """A term → the position of the chunk that holds it (or would)."""
    return bisect.bisect_right([first for first, _ in manifest["chunks"]], term) - 1


def chunks_for(manifest: Mapping[str, Any], term: str, prefix: bool) -> list[str]:
    """A term a query matches → the names of the chunks that hold it and, if it matches as a prefix, every term it begins."""
    chunks = manifest["chunks"]
    i = chunk_of(manifest, term)
    names = [chunks[i][1]]
    while prefix and i + 1 < len(chunks) and chunks[i + 1][0].startswith(term):
        i += 1
        names.append(chunks[i][1])
    return names


class Noting(Mapping[str, list[list[float]]]):
    """Loaded postings that tell `note` of every term looked up in them."""

    def __init__(self, postings: Postings, note: Callable[[str], None]) -> None:
        self.postings = postings
        self.note = note

    def __getitem__(self, term: str) -> list[list[float]]:
        self.note(term)
        return self.postings[term]

    def __iter__(self) -> Iterator[str]:
        return iter(self.postings)

    def __len__(self) -> int:
        return len(self.postings)


class Unloaded:
    """The word list before it is loaded: reading it tells `note`."""

    def __init__(self, note: Callable[[], None]) -> None:
        self.note = note

    def __iter__(self) -> Iterator[str]:
        self.note()
        return iter(())


def loaded_index(pieces: Mapping[str, Any], manifest: Mapping[str, Any], loaded: set[str],
                 note: Callable[[str], None] | None = None) -> dict[str, Any]:
    """The files loaded → an index for search.rank() holding what they hold; with `note`, one that tells it of every
    term and file looked up (a term by the name of its chunk)."""
    chunks = [pieces[name] for _, name in manifest["chunks"] if name in loaded]
    terms = {term: p for chunk in chunks for term, p in chunk["terms"].items()}
    readings: dict[str, str] = defaultdict(str)
    for chunk in chunks:
        for syllable, chars in chunk["readings"].items():
            readings[syllable] += chars
    words: object = pieces[manifest["words"]]["words"] if manifest["words"] in loaded else []
    if note is not None and manifest["words"] not in loaded:
        words = Unloaded(lambda: note(manifest["words"]))
    docs = {block["start"] + i: doc for name in manifest["docs"] if name in loaded
            for block in [pieces[name]] for i, doc in enumerate(block["docs"])}
    noted = terms if note is None else Noting(terms, lambda term: note(manifest["chunks"][chunk_of(manifest, term)][1]))
    return {"lang": manifest["lang"], "terms": noted, "docs": docs,
            "rules": {**manifest["rules"], "readings": dict(readings), "words": words}}


def plan(pieces: Mapping[str, Any], manifest: Mapping[str, Any], loaded: set[str], text: str) -> set[str]:
    """A query and the files loaded → the files it touches that are not loaded yet. The word list only once no chunk
    is missing: until a word's chunk is loaded, the query side cannot tell that the word begins no term."""
    wanted: set[str] = set()
    index = loaded_index(pieces, manifest, loaded, wanted.add)
    for _, alts in query_units(index, text):
        for term, _, prefix in alts:
            wanted.update(chunks_for(manifest, term, prefix))
    wanted -= loaded
    return wanted - {manifest["words"]} if len(wanted) > 1 else wanted


def load_for(pieces: Mapping[str, Any], lang: str, text: str, limit: int = 10) -> tuple[dict[str, Any], list[str]]:
    """A language's files (read_files) and a query → the index a browser holds after searching it on a fresh page,
    and the files it loaded, in order (the manifest, then each round of planning, then the results' documents)."""
    manifest = pieces[lang]
    loaded: set[str] = set()
    order = [f"index.{lang}.js"]
    while wanted := plan(pieces, manifest, loaded, text):
        loaded |= wanted
        order += [f"{name}.js" for name in sorted(wanted)]
    blocks = {manifest["docs"][doc // manifest["block"]] for doc, _ in rank(loaded_index(pieces, manifest, loaded), text, limit)}
    loaded |= blocks
    order += [f"{name}.js" for name in sorted(blocks)]
    return loaded_index(pieces, manifest, loaded), order


def whole_index(pieces: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A language's files (read_files) → the whole index they hold, as search.build_index made it."""
    manifest = pieces[lang]
    names = {name for _, name in manifest["chunks"]} | set(manifest["docs"]) | {manifest["words"]}
    index = loaded_index(pieces, manifest, names)
    return {**index, "docs": [index["docs"][i] for i in range(len(index["docs"]))]}
