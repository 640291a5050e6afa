"""templates/theme/assets → the site's own CSS and JavaScript, minified, each named by a hash of its content
(`handbook.1a2b3c4d.min.css`), so hosts can cache them for a long time. The readable files stay in templates/theme/."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import rcssmin
import rjsmin

MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}


@dataclass(frozen=True)
class Assets:
    """The minified assets: their files, and which theme path each one replaces."""

    files: dict[str, str]  # hashed path under the language root, e.g. "assets/handbook.1a2b3c4d.min.js" → text
    names: dict[str, str]  # readable theme path, e.g. "assets/handbook.js" → hashed path


def render_assets(theme_dir: Path) -> Assets:
    """The theme's own CSS and JS (assets/*.css, assets/*.js) → minified, content-hashed files."""
    files, names = {}, {}
    for source in sorted(p for p in (theme_dir / "assets").iterdir() if p.suffix in MINIFIERS):
        text = MINIFIERS[source.suffix](source.read_text(encoding="utf-8"))
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        readable = f"assets/{source.name}"
        names[readable] = f"assets/{source.stem}.{digest}.min{source.suffix}"
        files[names[readable]] = text
    return Assets(files, names)
