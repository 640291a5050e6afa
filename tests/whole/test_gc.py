"""A build runs with Python's garbage collector set to collect less often (generator/build.py: fewer_collections)."""
from __future__ import annotations

import gc
from pathlib import Path

import pytest

import generator.build as build_module
from generator.build import GC_THRESHOLDS, build


class Stop(Exception):
    """Raised by the stand-in loader: the build goes no further."""


def test_a_build_runs_with_fewer_collections_and_leaves_the_thresholds_as_they_were(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While a build runs, a collection starts only after GC_THRESHOLDS[0] more objects (Python's default: 700); a
    build that ends, even by an error, leaves the thresholds as they were (the preview builds again in its process)."""
    seen = []

    def load(root: Path) -> None:
        seen.append(gc.get_threshold())
        raise Stop
    monkeypatch.setattr(build_module, "load_project", load)
    before = gc.get_threshold()
    with pytest.raises(Stop):
        build(tmp_path, tmp_path / "site")
    assert seen == [GC_THRESHOLDS] and GC_THRESHOLDS[0] >= 10_000
    assert gc.get_threshold() == before


def test_a_build_that_ends_its_process_leaves_the_thresholds_raised(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """`handbook build` ends its process with the build (then_exit): putting the thresholds back would set off a
    collection of most of what the build made, for nothing, so they are left as the build set them."""
    def load(root: Path) -> None:
        raise Stop
    monkeypatch.setattr(build_module, "load_project", load)
    before = gc.get_threshold()
    try:
        with pytest.raises(Stop):
            build(tmp_path, tmp_path / "site", then_exit=True)
        assert gc.get_threshold() == GC_THRESHOLDS != before
    finally:
        gc.set_threshold(*before)
