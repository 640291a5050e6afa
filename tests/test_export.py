"""`handbook export`: JSON with the structure of services.yaml, CSV with one row per service; tiny and real project."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from .conftest import ROOT

TOP_LEVEL = ["source", "chapters", "departments", "audiences", "services", "glossary", "channels"]
CSV_COLUMNS = ["name_zh", "name_en", "recipients_zh", "recipients_en", "standard_zh", "standard_en", "funding_zh", "funding_en"]
SERVICE_COUNTS = {"tiny": 2, "real": 85}


@pytest.fixture(params=["tiny", "real"])
def project(request: pytest.FixtureRequest, tiny_handbook: Path) -> tuple[str, Path]:
    """(name, root) of the tiny project and of the real one."""
    return request.param, tiny_handbook if request.param == "tiny" else ROOT


def export(run_cli, root: Path, fmt: str) -> str:
    """`handbook export --format FMT` on stdout, asserting success."""
    code, out, err = run_cli("--root", str(root), "export", "--format", fmt)
    assert (code, err) == (0, ""), err
    return out


def csv_rows(text: str) -> list[dict[str, str]]:
    """CSV export text → rows, after checking and stripping the BOM."""
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_json_has_the_top_level_of_services_yaml(project, run_cli) -> None:
    data = json.loads(export(run_cli, project[1], "json"))
    assert list(data) == TOP_LEVEL
    assert len(data["services"]) == SERVICE_COUNTS[project[0]]


def test_json_services_refer_to_departments_chapters_and_audiences_by_id(project, run_cli) -> None:
    data = json.loads(export(run_cli, project[1], "json"))
    departments = {d["id"] for d in data["departments"]}
    chapters = {c["id"] for c in data["chapters"]}
    audiences = {a["id"] for a in data["audiences"]}
    for service in data["services"]:
        assert service["departments"] and set(service["departments"]) <= departments, service["id"]
        assert service["chapter"] in chapters, service["id"]
        assert set(service["audiences"]) <= audiences, service["id"]
    for chapter in data["chapters"]:
        assert set(chapter["lead_departments"]) <= departments, chapter["id"]
    listed = sorted(n for chapter in data["chapters"] for n in chapter["services"])
    assert listed == [s["number"] for s in data["services"]] == list(range(1, SERVICE_COUNTS[project[0]] + 1))


def test_json_resolves_the_tiny_projects_aliases(tiny_handbook: Path, run_cli) -> None:
    data = json.loads(export(run_cli, tiny_handbook, "json"))
    assert [(s["id"], s["departments"]) for s in data["services"]] == [
        ("school-meals", ["education-sports", "finance"]),  # written [education-sports, 县财政局]
        ("fee-exemptions", ["education-sports"]),  # written [县教体局]
    ]
    assert data["chapters"][0]["services"] == [1, 2]


def test_json_round_trips(project, run_cli) -> None:
    text = export(run_cli, project[1], "json")
    data = json.loads(text)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert json.loads(json.dumps(data)) == data


def test_csv_has_one_row_per_service(project, run_cli) -> None:
    text = export(run_cli, project[1], "csv")
    rows = csv_rows(text)
    header = next(csv.reader(io.StringIO(text[1:], newline="")))
    assert set(CSV_COLUMNS) <= set(header)
    assert header[:5] == ["number", "id", "chapter", "department_ids", "audiences"]
    assert [row["number"] for row in rows] == [str(n) for n in range(1, SERVICE_COUNTS[project[0]] + 1)]
    assert all(row[column] for row in rows for column in CSV_COLUMNS)
    assert text.endswith("\r\n")


def test_csv_tiny_project_rows(tiny_handbook: Path, run_cli) -> None:
    rows = csv_rows(export(run_cli, tiny_handbook, "csv"))
    assert [(r["id"], r["department_ids"], r["recipients_en"]) for r in rows] == [
        ("school-meals", "education-sports;finance", "Students in compulsory education"),
        ("fee-exemptions", "education-sports", "Students"),
    ]
    assert rows[0]["departments_zh"] == "测试县教育体育局;测试县财政局"


def test_csv_real_project_numbers_several_provisions(run_cli) -> None:
    rows = csv_rows(export(run_cli, ROOT, "csv"))
    assert len(rows) == 85
    row = rows[72]
    assert row["number"] == "73"
    assert "(1) " in row["recipients_zh"] and "(2) " in row["recipients_zh"]
    assert row["recipients_zh"].index("(1) ") < row["recipients_zh"].index("\n\n(2) ")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_output_option_writes_the_file_and_prints_nothing(project, run_cli, tmp_path: Path, fmt: str) -> None:
    expected = export(run_cli, project[1], fmt)
    target = tmp_path / f"services.{fmt}"
    assert run_cli("--root", str(project[1]), "export", "--format", fmt, "--output", str(target)) == (0, "", "")
    assert target.read_bytes() == expected.encode("utf-8")
