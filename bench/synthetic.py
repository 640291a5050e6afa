"""Synthetic data: a copy of the project, services.yaml multiplied, limits raised to admit it, an edit to watch for."""
from __future__ import annotations

import functools
import re
import shutil
import sys
from pathlib import Path

from . import ROOT

PROJECT_FILES = ("services.yaml", "site_config.yml", "content", "templates")


def copy_project(dest: Path, services_text: str | None = None) -> Path:
    """The project's inputs → a fresh folder (optionally with another services.yaml)."""
    dest.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)
    if services_text is not None:
        (dest / "services.yaml").write_text(services_text, encoding="utf-8")
    return dest


def first_service_id(services: Path) -> str:
    m = re.search(r"^services:\n(?:\s*#.*\n)*  - id: (\S+)", services.read_text(encoding="utf-8"), re.MULTILINE)
    assert m, "no service in services.yaml"
    return m[1]


def mark_english_name(services: Path, service_id: str, marker: str) -> None:
    """Append a marker to one service's English name, editing the text (the file stays as written)."""
    text = services.read_text(encoding="utf-8")
    pattern = re.compile(rf'(^  - id: {re.escape(service_id)}\n(?:    .*\n)*?    name:\n(?:      .*\n)*?      en: ")([^"\n]*)(")',
                         re.MULTILINE)
    new, count = pattern.subn(lambda m: f"{m[1]}{m[2]} {marker}{m[3]}", text, count=1)
    if count != 1:
        sys.exit(f"bench: could not find the English name of service {service_id} in {services}")
    services.write_text(new, encoding="utf-8")


def shift_number(m: re.Match[str], by: int) -> str:
    """A match of (prefix)(number) → the same with the number raised by `by`."""
    return f"{m[1]}{int(m[2]) + by}"


def multiply_services(text: str, factor: int) -> str:
    """services.yaml → the same with every service copied factor-1 times (ids <id>-x<k>, numbers after the last)."""
    head, rest = text.split("\nservices:\n", 1)
    body, glossary = rest.split("\nglossary:", 1)
    blocks = re.split(r"(?m)^(?=  - id: )", body)
    intro, services = blocks[0], blocks[1:]
    count = len(services)
    copies = []
    for k in range(1, factor):
        for block in services:
            block = re.sub(r"(?m)^(  - id: )(\S+)", rf"\g<1>\g<2>-x{k}", block, count=1)
            shifted = functools.partial(shift_number, by=k * count)
            block = re.sub(r"(?m)^(    number: )(\d+)", shifted, block, count=1)
            block = re.sub(r"(?m)^(  # ── No\. )(\d+)", shifted, block)
            copies.append(block if block.endswith("\n") else block + "\n")
    last = services[-1] if services[-1].endswith("\n") else services[-1] + "\n"
    return head + "\nservices:\n" + intro + "".join(services[:-1]) + last + "".join(copies) + "\nglossary:" + glossary


def raise_limits(config_text: str, services_text: str) -> tuple[str, bool]:
    """site_config.yml → the same with limits: that admit `services_text` (twice its size and pieces), and whether
    the project's own limits would have refused it (the real handbook is ~0.2 MB; the limits guard against mistakes)."""
    from generator.data.errors import DataError
    from generator.data.yamlnodes import decode_source, parse_nodes

    size, pieces = len(services_text.encode("utf-8")), services_text.count("\n") + services_text.count(",")
    raised = re.sub(r"(?m)^  services_megabytes: .*$", f"  services_megabytes: {2 * size // 1024 ** 2 + 1}", config_text)
    raised = re.sub(r"(?m)^  services_values: .*$", f"  services_values: {2 * pieces}", raised)
    assert raised != config_text, "site_config.yml has no limits: block to raise"
    try:  # with the default limits (the project's own are the same)
        parse_nodes(decode_source(services_text.encode("utf-8"), "services.yaml"), "services.yaml")
        over = False
    except DataError:
        over = True
    return raised, over
