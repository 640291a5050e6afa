"""A built site → a ZIP that works from file:// after unzipping (directory links point at index.html)."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import IO

from zlib_ng import zlib_ng

from .compress import GZIP_LEVEL

# A relative link (href or src, in any case) to a folder: a path ending in / or a last segment . or .. (an absolute
# URL, a fragment or a path from the root is left). The pattern begins with the literal =" so that the regex engine
# skips through the page to each attribute value and checks the name behind it: four times as fast as looking for
# the name at every character (0.30 → 0.07 s for the real site's 18 MB of pages, on the build's last stage).
FOLDER_LINK = re.compile(r'="(?:(?<=(?i:\shref)=")|(?<=(?i:\ssrc)="))(?!(?i:[a-z][a-z0-9+.-]*:)|#|/)(?=[^"#?])'
                         r'((?:[^"#?]*/)?(?:\.\.?)?)(?=["#?])')


def offline_html(html: str) -> str:
    """Relative links to folders → links to their index.html (browsers do not do this on file://)."""
    def fix(m: re.Match[str]) -> str:
        target = m.group(1)
        return f'="{target if target.endswith("/") else target + "/"}index.html'
    return FOLDER_LINK.sub(fix, html)


def site_files(site: Path) -> list[Path]:
    """Every file under site/, in order."""
    return sorted(p for p in site.rglob("*") if p.is_file())


def write_offline_zip(site: Path, target: Path, date: str, files: list[Path] | None = None) -> None:
    """Every file of the site (rewritten where HTML), or those of `files` (listed before anything else was added to
    site/) → a deterministic ZIP at `target` (outside site/), under handbook/, every entry dated `date` (YYYY-MM-DD:
    the source document's, so identical input gives an identical zip). Written as it goes, one file at a time, so
    memory does not grow with the site."""
    stamp = (int(date[:4]), int(date[5:7]), int(date[8:10]), 0, 0, 0)
    # level 6, as the precompressed files: level 9 took twice the CPU (0.69 s against 0.31 s for the real handbook's
    # 21 MB of text, the build's last stage) for a zip 0.8 % smaller
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=GZIP_LEVEL) as archive:
        for file in site_files(site) if files is None else files:
            rel = file.relative_to(site).as_posix()
            info = zipfile.ZipInfo(f"handbook/{rel}", stamp)
            # PDFs are compressed already
            info.compress_type = zipfile.ZIP_STORED if rel.endswith(".pdf") else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.file_size = file.stat().st_size  # known in advance: large files get ZIP64 headers from the start
            with archive.open(info, "w") as entry:
                deflate_with_zlib_ng(entry)
                if rel.endswith(".html"):
                    entry.write(offline_html(file.read_text(encoding="utf-8")).encode("utf-8"))
                else:
                    with file.open("rb") as source:
                        shutil.copyfileobj(source, entry, 1 << 20)


def deflate_with_zlib_ng(entry: IO[bytes]) -> None:
    """A ZIP entry just opened for writing → compressed by zlib-ng instead of Python's zlib: the same deflate format
    at half the CPU (as compress.py's .gz files). zipfile has no setting for it, so its writer's compressor is replaced
    before anything is written (CPython 3.11–3.13 name it _compressor; a writer without one is left as it is: only
    slower). Stored entries (PDFs) have none."""
    if getattr(entry, "_compressor", None) is not None:
        entry._compressor = zlib_ng.compressobj(GZIP_LEVEL, zlib_ng.DEFLATED, -15)  # type: ignore[attr-defined]
