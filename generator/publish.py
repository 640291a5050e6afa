"""The only code that writes site/: a complete new tree replaces the old one, or nothing changes."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import BuildError


def staging_dir(site_dir: Path) -> Path:
    """A fresh folder beside site/ (same file system, so the final rename is atomic)."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-build-", dir=site_dir.parent))


def write_files(base: Path, files: dict[str, str | bytes]) -> None:
    """{relative path: text or bytes} → files under base, refusing to write a path twice."""
    for rel, content in files.items():
        target = base / rel
        if target.exists():
            raise BuildError(f"two outputs would be written to {rel}")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")


def rewrite_file(target: Path, text: str) -> None:
    """A file already written in the staging site → new text (a figure known only after it was written)."""
    target.write_text(text, encoding="utf-8", newline="")


def replace_site(new: Path, site_dir: Path) -> None:
    """Swap a finished build in for site/: two renames; the old tree is removed only afterwards."""
    old = None
    if site_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-old-", dir=site_dir.parent))
        os.rename(site_dir, old / "site")
    os.rename(new, site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
