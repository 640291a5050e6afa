"""publish.py: site/ is always a whole tree, the old one or the new one, whatever step fails."""
from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.output import publish
from generator.output.publish import replace_site


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder → its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def make_tree(folder: Path, label: str) -> Path:
    for rel in ("index.html", "en/index.html", "booklets/all.pdf", "downloads/handbook-offline.zip"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(f"{label} {rel}", encoding="utf-8")
    return folder


@pytest.fixture
def sites(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes], dict[str, bytes]]:
    """(new tree in a staging folder, site/, the old tree's files, the new tree's files)."""
    site = make_tree(tmp_path / "site", "old")
    new = make_tree(tmp_path / ".site-build-x" / "site", "new")
    return new, site, tree(site), tree(new)


def beside(site: Path) -> list[str]:
    """What is left beside site/ besides the staging folder."""
    return sorted(p.name for p in site.parent.iterdir() if p.name not in ("site", ".site-build-x"))


def fail_on_call(real: Callable[..., Any], failing: int) -> Callable[..., Any]:
    """A stand-in for `real` that raises OSError on its `failing`-th call (1-based) and works otherwise."""
    calls = [0]

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == failing:
            raise OSError(5, "injected failure")
        return real(*args, **kwargs)
    return stand_in


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_on_linux_the_two_folders_are_exchanged_in_one_step(sites, monkeypatch: pytest.MonkeyPatch) -> None:
    new, site, _, new_files = sites
    monkeypatch.setattr(publish.os, "rename", fail_on_call(os.rename, 1))  # a rename would fail: the exchange is used
    replace_site(new, site)
    assert tree(site) == new_files
    assert not new.exists() and beside(site) == []


def test_a_failed_exchange_changes_nothing(sites, monkeypatch: pytest.MonkeyPatch) -> None:
    new, site, old_files, _ = sites

    def failing(a: Path, b: Path) -> bool:
        raise OSError(5, "injected failure")
    monkeypatch.setattr(publish, "exchange", failing)
    with pytest.raises(OSError, match="injected"):
        replace_site(new, site)
    assert tree(site) == old_files and beside(site) == []


@pytest.mark.parametrize("step", ["make the holder", "move site/ aside", "move the new tree in"])
def test_without_exchange_a_failure_at_any_step_leaves_site_as_it_was(sites, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    new, site, old_files, _ = sites
    monkeypatch.setattr(publish, "exchange", lambda a, b: False)
    if step == "make the holder":
        monkeypatch.setattr(publish.tempfile, "mkdtemp", fail_on_call(tempfile.mkdtemp, 1))
    else:
        monkeypatch.setattr(publish.os, "rename", fail_on_call(os.rename, 1 if step == "move site/ aside" else 2))
    with pytest.raises(OSError, match="injected"):
        replace_site(new, site)
    assert tree(site) == old_files and beside(site) == []


def test_without_exchange_the_renames_replace_the_site(sites, monkeypatch: pytest.MonkeyPatch) -> None:
    new, site, _, new_files = sites
    monkeypatch.setattr(publish, "exchange", lambda a, b: False)
    replace_site(new, site)
    assert tree(site) == new_files and beside(site) == []


def test_an_interrupt_between_the_renames_puts_the_old_site_back(sites, monkeypatch: pytest.MonkeyPatch) -> None:
    new, site, old_files, _ = sites
    monkeypatch.setattr(publish, "exchange", lambda a, b: False)
    real, calls = os.rename, []

    def interrupted(a: Any, b: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(a, b)
    monkeypatch.setattr(publish.os, "rename", interrupted)
    with pytest.raises(KeyboardInterrupt):
        replace_site(new, site)
    assert tree(site) == old_files and beside(site) == []


def test_the_first_publish_is_a_rename(tmp_path: Path) -> None:
    new = make_tree(tmp_path / ".site-build-x" / "site", "new")
    files = tree(new)
    replace_site(new, tmp_path / "site")
    assert tree(tmp_path / "site") == files
