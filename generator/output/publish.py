"""The only code that writes site/: a complete new tree replaces the old one, or nothing changes."""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path

from ..data.errors import BuildError

AT_FDCWD = -100  # <fcntl.h>: paths relative to the working directory
RENAME_EXCHANGE = 2  # <linux/fs.h>: renameat2 swaps the two paths atomically


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


def replace_file(target: Path, text: str) -> None:
    """A file of the served site → new text, replaced whole (a reader gets the old file or the new one, never half)."""
    temp = target.with_name(f".{target.name}.new")
    temp.write_text(text, encoding="utf-8", newline="")
    os.replace(temp, target)


def replace_site(new: Path, site_dir: Path) -> None:
    """Swap a finished build in for site/, so that site/ is always either the old tree or the new one, whole.

    On Linux the two folders are exchanged in one step; elsewhere two renames, the old site put back if the second
    fails. The old tree is removed only afterwards."""
    if not site_dir.exists():
        os.rename(new, site_dir)
    elif exchange(new, site_dir):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the old tree
    else:
        replace_by_renames(new, site_dir)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one system call (Linux renameat2 with RENAME_EXCHANGE) → False where that is unavailable."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None) if sys.platform == "linux" else None
    if renameat2 is None:  # not Linux, or a C library older than glibc 2.28
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # an old kernel, or a file system that cannot exchange
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def replace_by_renames(new: Path, site_dir: Path) -> None:
    """The portable swap: site/ → a folder beside it, new → site/; on any failure the old site/ is put back."""
    holder = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-old-", dir=site_dir.parent))
    old = holder / site_dir.name
    try:
        os.rename(site_dir, old)
    except BaseException:
        holder.rmdir()
        raise
    try:
        os.rename(new, site_dir)
    except BaseException:
        os.rename(old, site_dir)  # should this fail too, the old tree stays in `holder`, never deleted
        holder.rmdir()
        raise
    shutil.rmtree(holder, ignore_errors=True)
