"""Which allocator the build's processes preload (generator/printing/allocator.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.printing import allocator


def test_jemalloc_is_found_in_the_library_folders_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allocator, "LIBRARY_DIRS", (str(tmp_path / "a"), str(tmp_path / "b")))
    assert allocator.allocator() is None
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / allocator.JEMALLOC).write_bytes(b"")
    assert allocator.allocator() == str(tmp_path / "b" / allocator.JEMALLOC)


def test_the_library_is_preloaded_before_what_the_user_preloads_and_only_once() -> None:
    lib = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
    assert allocator.preloading(lib, {"PATH": "/bin"}) == {"PATH": "/bin", "LD_PRELOAD": lib}
    assert allocator.preloading(lib, {"LD_PRELOAD": "/opt/libmine.so"}) == {"LD_PRELOAD": f"{lib} /opt/libmine.so"}
    assert allocator.preloading(lib, {"LD_PRELOAD": f"/opt/libmine.so:{lib}"}) is None
    assert allocator.preloading(lib, {"LD_PRELOAD": lib}) is None
