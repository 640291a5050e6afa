"""Independent reading of the official plan's appendix table, to compare services.yaml against."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CHAPTER_NUMERALS = "一二三四五六七八"


@dataclass
class SeedService:
    """A service as the appendix table prints it."""

    number: int
    name: str
    provisions: list[dict[str, str]]
    departments: list[str]
    chapter: int
    departments_text: str  # the 主责单位 cell as printed


def normalize(text: str) -> str:
    """Text with all whitespace and the known stray characters removed, for comparison."""
    return re.sub(r"\s+", "", text).replace("`", "")


def table_cells(path: Path) -> list[str]:
    """The appendix table's cells: tab-started lines, with wrapped continuation lines joined."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("\t序号"))
    cells: list[str] = []
    for line in lines[start:]:
        if line.startswith("\t"):
            cells.append(line[1:])
        elif line.strip():
            cells[-1] += line.strip()
    return cells[6:]


def read_appendix(path: Path) -> list[SeedService]:
    """The seed file → the 85 services of its appendix, in order."""
    cells, services, chapter, i = table_cells(path), [], 0, 0
    while i < len(cells):
        cell = cells[i].strip()
        if cell[:1] in CHAPTER_NUMERALS and cell[1:2] == "、":
            chapter, i = CHAPTER_NUMERALS.index(cell[0]) + 1, i + 1
        elif cell.isdigit():
            name, recipients, standard, funding, depts = cells[i + 1:i + 6]
            services.append(SeedService(int(cell), name, [dict(recipients=recipients, standard=standard, funding=funding)],
                                        [d for d in depts.split("、") if d.strip()], chapter, depts))
            i += 6
        else:  # an unnumbered row continues the previous service with another provision
            recipients, standard, funding = cells[i + 2:i + 5]
            services[-1].provisions.append(dict(recipients=recipients, standard=standard, funding=funding))
            i += 6
    return services
