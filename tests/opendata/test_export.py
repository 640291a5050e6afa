"""`handbook export`: JSON with the structure of services.yaml, CSV with one row per service; tiny and real project."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from generator.data.yamlnodes import load_nodes, to_plain

from ..conftest import ROOT

TOP_LEVEL = ["source", "chapters", "departments", "audiences", "services", "glossary", "synonyms", "channels", "qualifiers"]
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


def test_json_services_carry_their_eligibility_as_written_in_services_yaml(run_cli) -> None:
    services = {s["number"]: s for s in json.loads(export(run_cli, ROOT, "json"))["services"]}
    assert services[25]["eligibility"] == {"everyone": True}
    # each rule set with its basis, the words of the source it encodes
    assert services[36]["eligibility"] == {"any": [{"age": {"min": 65}, "basis": "65岁以上老人"},
                                                   {"child": {"age": {"max": 3}}, "basis": "0-3岁儿童"}]}
    disabled_pupil = {"study": ["primary", "junior"], "disability": [1, 2, 3, 4]}  # one child, all together
    pupils = "义务教育阶段的残疾学生"
    assert services[81]["eligibility"] == {"any": [{**disabled_pupil, "basis": pupils},
                                                   {"child": disabled_pupil, "basis": pupils}]}
    couples = "男性年满60周岁，女性年满58周岁，现存一个子女或两个女孩的农村计划生育家庭夫妇"
    assert services[43]["eligibility"] == {"any": [
        {"sex": "male", "age": {"min": 60}, "residence": "rural", "family-planning": ["only-child", "two-daughters"],
         "basis": couples},
        {"sex": "female", "age": {"min": 58}, "residence": "rural", "family-planning": ["only-child", "two-daughters"],
         "basis": couples}]}
    assert services[53]["eligibility"]["any"] == [{"age": {"min": 80}, "basis": "80-89周岁以上的老人",
                                                    "other": {"zh": "符合条件的老年人口", "en": "Eligible older people."}}]
    graduates = {"zh": "有求职愿望的高校毕业生和青年人才", "en": "College graduates and young talent who want to find a job."}
    assert services[13]["eligibility"]["any"][1] == {"other": graduates, "basis": graduates["zh"]}
    assert all("everyone" in s["eligibility"] or s["eligibility"]["any"] for s in services.values())


def test_json_resolves_the_tiny_projects_aliases(tiny_handbook: Path, run_cli) -> None:
    data = json.loads(export(run_cli, tiny_handbook, "json"))
    assert [(s["id"], s["departments"]) for s in data["services"]] == [
        ("school-meals", ["education-sports", "finance"]),  # written [education-sports, 县财政局]
        ("fee-exemptions", ["education-sports"]),  # written [县教体局]
    ]
    assert data["chapters"][0]["services"] == [1, 2]


def contained(source: object, exported: object, path: str = "") -> list[str]:
    """Where a value of the source data is missing or different in the export (mappings may have more keys there)."""
    if isinstance(source, dict) and isinstance(exported, dict):
        return [p for key, value in source.items() for p in
                (contained(value, exported[key], f"{path}.{key}") if key in exported else [f"{path}.{key}: missing"])]
    if isinstance(source, list) and isinstance(exported, list) and len(source) == len(exported):
        return [p for i, (a, b) in enumerate(zip(source, exported, strict=True)) for p in contained(a, b, f"{path}[{i}]")]
    return [] if source == exported else [f"{path}: {source!r} became {exported!r}"]


def test_json_holds_every_value_of_services_yaml(project, run_cli) -> None:
    """The export read back equals the YAML as written, department names resolved to ids (issue: a round trip of
    already-parsed JSON could never fail)."""
    data = json.loads(export(run_cli, project[1], "json"))
    source = to_plain(load_nodes(project[1] / "services.yaml", "services.yaml"))
    assert isinstance(source, dict)
    ids = {name: d["id"] for d in source["departments"] for name in [d["id"], *d["aliases"]]}
    for service in source["services"]:
        service["departments"] = list(dict.fromkeys(ids[name] for name in service["departments"]))
    for chapter in source["chapters"]:
        chapter["lead_departments"] = [ids[name] for name in chapter["lead_departments"]]
    for channel in source.get("channels", []):
        if channel["scope"] == "all":  # spelled out as every chapter's id
            channel["scope"] = [c["id"] for c in source["chapters"]]
    source["services"].sort(key=lambda s: s["number"])
    assert contained(source, data) == []


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


def test_exports_carry_the_summary_and_the_document_number_per_language(tiny_handbook: Path, run_cli) -> None:
    rows = csv_rows(export(run_cli, tiny_handbook, "csv"))
    assert [(r["summary_zh"], r["summary_en"]) for r in rows][1] == ("学生免学费。", "Students pay no tuition fees.")
    data = json.loads(export(run_cli, tiny_handbook, "json"))
    assert data["services"][1]["summary"] == {"zh": "学生免学费。", "en": "Students pay no tuition fees."}
    assert data["source"]["number"] == {"zh": "测府发〔2018〕1号", "en": "Ce Fu Fa [2018] No. 1"}
