"""templates/theme/assets → the site's own CSS and JavaScript, minified, each named by a hash of its content
(`handbook.1a2b3c4d.min.css`), so hosts can cache them for a long time. The readable files stay in templates/theme/.
The finder's two scripts are not files of their own: finder-load.js's minified text goes into the finder page, and
finder.js's into the finder's script file, after its data (web/finder.py)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import rcssmin
import rjsmin

MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}
INLINED = frozenset({"assets/finder.js", "assets/finder-load.js"})  # the finder page's: see web/finder.py


def digest(text: str) -> str:
    """A file's text → the 8 hex digits (of its SHA-256) that name the file after its content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Assets:
    """The minified assets: their files, which theme path each one replaces, and the scripts pages hold inline."""

    files: dict[str, str]  # hashed path under the language root, e.g. "assets/handbook.1a2b3c4d.min.js" → text
    names: dict[str, str]  # readable theme path, e.g. "assets/handbook.js" → hashed path
    inlined: dict[str, str]  # readable theme path of a script that is not a file of its own → its minified text


def render_assets(theme_dir: Path) -> Assets:
    """The theme's own CSS and JS (assets/*.css, assets/*.js) → minified, content-hashed files (and the INLINED
    scripts' minified text)."""
    files, names, inlined = {}, {}, {}
    for source in sorted(p for p in (theme_dir / "assets").iterdir() if p.suffix in MINIFIERS):
        text = MINIFIERS[source.suffix](source.read_text(encoding="utf-8"))
        readable = f"assets/{source.name}"
        if readable in INLINED:
            inlined[readable] = text
            continue
        names[readable] = f"assets/{source.stem}.{digest(text)}.min{source.suffix}"
        files[names[readable]] = text
    return Assets(files, names, inlined)
