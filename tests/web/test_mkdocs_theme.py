"""The theme's files as MkDocs lists them (generator/web/mkdocs_docs.py: ThemeLoader): without walking hidden folders,
the same files are copied and the same templates load."""
from __future__ import annotations

from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from generator.web import mkdocs_docs
from generator.web.mkdocs_docs import ThemeLoader

from ..conftest import ROOT


def material_config(tmp_path: Path) -> MkDocsConfig:
    """A validated MkDocs configuration with Material and the handbook's theme folder over it."""
    (tmp_path / "docs").mkdir()
    config = MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    config.load_dict({"site_name": "x", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "out"),
                      "theme": {"name": "material", "custom_dir": str(ROOT / "templates" / "theme")}})
    failed, warnings = config.validate()
    assert not failed and not warnings, (failed, warnings)
    return config


def theme_files(config: MkDocsConfig, env: jinja2.Environment) -> list[str]:
    """The theme's files MkDocs copies into the site with the template environment `env`."""
    files = Files([])
    files.add_files_from_theme(env, config)
    return sorted(f.src_uri for f in files)


def test_the_theme_is_listed_without_hidden_folders_and_mkdocs_copies_the_same_files(tmp_path: Path) -> None:
    config = material_config(tmp_path)
    plain = config.theme.get_env()
    assert type(plain.loader) is jinja2.FileSystemLoader  # (what ThemeLoader stands in for)
    mkdocs_docs.on_config(config)
    ours = config.theme.get_env()
    assert isinstance(ours.loader, ThemeLoader) and ours.loader.searchpath == plain.loader.searchpath
    listed, walked = ours.list_templates(), plain.list_templates()
    assert listed == [t for t in walked if not any(part.startswith(".") for part in t.split("/"))]
    assert len(walked) - len(listed) > 10_000  # Material's icons, no longer walked
    assert theme_files(config, ours) == theme_files(config, plain) != []
    for name in ("main.html", "partials/hb-nav.html", "partials/nav.html"):  # the handbook's over Material's, as before
        assert ours.get_template(name).filename == plain.get_template(name).filename


def test_hidden_files_and_folders_are_left_out_at_every_level(tmp_path: Path) -> None:
    for path in ["a.html", ".b.html", "c/d.css", "c/.e.css", ".f/g.svg", "c/.h/i.svg", "c/j/k.js"]:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("x", encoding="utf-8")
    assert ThemeLoader([str(tmp_path)]).list_templates() == ["a.html", "c/d.css", "c/j/k.js"]
    assert len(jinja2.FileSystemLoader([str(tmp_path)]).list_templates()) == 7
