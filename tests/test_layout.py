"""The folders are the layers (README, Layout): data ← present ← web, printing, opendata (never each other) ← output;
only build.py and cli.py, at the top, see everything. Checked by parsing every module's imports."""
from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

GENERATOR = ROOT / "generator"
MAY_IMPORT = {  # a subpackage → the subpackages its modules may import (besides its own)
    "data": set(),
    "present": {"data"},
    "web": {"data", "present"},
    "printing": {"data", "present"},
    "opendata": {"data", "present"},
    "output": {"data"},
    "schema": set(),
}
TOP = {"build", "cli", "launch", "preview", "__main__", "__init__"}  # modules at the top of the package: they may import anything


def generator_imports(module: Path, root: Path) -> set[str]:
    """A module of the generator (whose package folder is `root`) → the generator modules it imports, as dotted names
    below `generator`."""
    package = module.relative_to(root).parent.parts
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                if node.module:
                    found.add(".".join([*base, *node.module.split(".")]))
                else:  # from .. import build: each name is a module
                    found |= {".".join([*base, a.name]) for a in node.names}
            elif node.module and node.module.startswith("generator."):
                found.add(node.module.removeprefix("generator."))
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("generator.") for a in node.names if a.name.startswith("generator.")}
    return found


def layer_of(name: str) -> str:
    """'web.site' → 'web'; 'build' → 'build' (a top module)."""
    return name.split(".")[0]


def forbidden_imports(root: Path = GENERATOR) -> list[str]:
    """Every import that goes against MAY_IMPORT, as 'generator/web/site.py imports opendata.export'."""
    wrong = []
    for module in sorted(root.rglob("*.py")):
        layer = module.relative_to(root).parts[0] if len(module.relative_to(root).parts) > 1 else None
        if layer is None:
            continue  # build.py, cli.py, launch.py, preview.py, __main__.py, __init__.py
        for name in sorted(generator_imports(module, root)):
            target = layer_of(name)
            if target != layer and (target in TOP or target not in MAY_IMPORT[layer]):
                wrong.append(f"generator/{module.relative_to(root).as_posix()} imports {name}")
    return wrong


def test_every_subpackage_imports_only_the_layers_below_it() -> None:
    assert forbidden_imports() == []


def test_a_forbidden_import_is_found(tmp_path: Path) -> None:
    """The check itself: a printing module that reaches into the website, and one into build.py, are both reported."""
    for layer in MAY_IMPORT:
        (tmp_path / layer).mkdir()
        (tmp_path / layer / "__init__.py").write_text('"""A layer."""\n', encoding="utf-8")
    (tmp_path / "printing" / "booklets.py").write_text("from ..web.mkdocs_config import lang_root\nfrom .. import build\n",
                                                      encoding="utf-8")
    (tmp_path / "web" / "site.py").write_text("from generator.printing.typesetting import qr_svg\nfrom ..present import views\n",
                                             encoding="utf-8")
    assert forbidden_imports(tmp_path) == ["generator/printing/booklets.py imports build",
                                           "generator/printing/booklets.py imports web.mkdocs_config",
                                           "generator/web/site.py imports printing.typesetting"]


def test_every_subpackage_says_what_it_is_for_and_what_it_may_import() -> None:
    for layer in MAY_IMPORT.keys() - {"schema"}:
        doc = ast.get_docstring(ast.parse((GENERATOR / layer / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "May import:" in doc, layer


def test_no_module_is_named_utils() -> None:
    assert not [p for p in GENERATOR.rglob("*.py") if p.stem in {"utils", "util", "helpers", "misc"}]
