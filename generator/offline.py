"""A built site → a ZIP that works from file:// after unzipping (directory links point at index.html)."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

FIXED_TIME = (2018, 12, 29, 0, 0, 0)  # the source document's date: identical input, identical zip
RELATIVE_LINK = re.compile(r'(\s(?:href|src)=")((?![a-z][a-z0-9+.-]*:|#|/)[^"#?]+)(["#?])', re.IGNORECASE)


def offline_html(html: str) -> str:
    """Relative links to folders → links to their index.html (browsers do not do this on file://)."""
    def fix(m: re.Match[str]) -> str:
        target = m.group(2)
        last = target.rsplit("/", 1)[-1]
        if last not in ("", ".", ".."):
            return m.group(0)  # a file
        return f"{m.group(1)}{target if target.endswith('/') else target + '/'}index.html{m.group(3)}"
    return RELATIVE_LINK.sub(fix, html)


def render_offline_zip(site: Path) -> bytes:
    """Every file of the site (rewritten where HTML) → deterministic ZIP bytes under handbook/."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for file in sorted(p for p in site.rglob("*") if p.is_file()):
            rel = file.relative_to(site).as_posix()
            data = file.read_bytes()
            if rel.endswith(".html"):
                data = offline_html(data.decode("utf-8")).encode("utf-8")
            info = zipfile.ZipInfo(f"handbook/{rel}", FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if rel.endswith(".pdf") else zipfile.ZIP_DEFLATED  # PDFs are compressed already
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()
