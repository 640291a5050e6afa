"""Errors the handbook reports to editors: each names file, line, column and field."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Position:
    """Where a value stands in a source file (line and column are 1-based)."""

    file: str  # file name as shown to the editor, e.g. "services.yaml"
    line: int  # 1-based line
    col: int  # 1-based column

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, at one place."""

    position: Position  # where the bad value stands
    field: str  # dotted path to the field, e.g. "services[3].name.en"; "" for the whole file
    message: str  # what was expected and what was found

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.position}: {where}{self.message}"


class HandbookError(Exception):
    """Base of every error the CLI reports without a traceback."""


class DataError(HandbookError):
    """The data files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class TemplateError(HandbookError):
    """A template failed to render; names the template file and line."""


class BuildError(HandbookError):
    """A build stage (MkDocs, PDF, writing site/) failed."""


@dataclass(frozen=True, order=True)
class CellProblem:
    """One thing wrong with a workbook given to `handbook import`, at one cell, range or sheet (or the whole file)."""

    order: tuple[int, int, int]  # (sheet's place in the workbook, row, column): problems are listed in this order
    where: str  # 'departments!F12', 'services!B3:C4', or the file's name for the whole file
    field: str  # the column's key, e.g. 'contact.phone'; '' when no one column is meant
    message: str  # what was expected and what was found

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}" if self.field else f"{self.where}: {self.message}"


class WorkbookError(HandbookError):
    """A workbook cannot be imported; carries every problem found, each at its cell."""

    def __init__(self, problems: list[CellProblem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
