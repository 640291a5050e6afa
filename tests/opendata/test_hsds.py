"""HSDS 3.0.0 Tabular Data Packages (generator/opendata/hsds.py), validated against the Open Referral specification.

HSDS_3_0 below is written from the HSDS 3.0.0 schema reference (openreferral/specification, datapackage.json and
docs/hsds/schema_reference.md): for each table we publish, its file name and every column as name, type, format and
whether it is required. The validator checks the package against it, then every row against the package: required
values, UUIDs, numbers, dates, URIs, unique ids and foreign keys."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from generator.data.load import load_project
from generator.data.model import ChildRule, Eligibility, RuleSet, Years
from generator.opendata.hsds import ages, render_hsds

from ..conftest import ROOT, TEST_SITE_URL, write_project
from ..tiny_contacts import ACT_SERVICES

HSDS_3_0 = {  # table → (file, "column:type[:format][:required]" …), deprecated columns left out
    "organization": ("organizations.csv", "id:string:uuid:required name:string::required alternate_name:string "
                     "description:string::required email:string:email website:string:uri year_incorporated:number "
                     "legal_status:string logo:string uri:string:uri parent_organization_id:string:uuid"),
    "service": ("services.csv", "id:string:uuid:required organization_id:string:uuid:required program_id:string:uuid "
                "name:string::required alternate_name:string description:string url:string:uri email:string:email "
                "status:string::required interpretation_services:string application_process:string fees_description:string "
                "accreditations:string eligibility_description:string minimum_age:number maximum_age:number "
                "assured_date:date assurer_email:string:email alert:string last_modified:datetime"),
    "funding": ("funding.csv", "id:string:uuid:required organization_id:string:uuid service_id:string:uuid source:string"),
    "service_area": ("service_areas.csv", "id:string:uuid:required service_id:string:uuid name:string description:string "
                     "extent:string extent_type:string uri:string"),
    "taxonomy": ("taxonomies.csv", "id:string:uuid:required name:string::required description:string::required "
                 "uri:string:uri version:string"),
    "taxonomy_term": ("taxonomy_terms.csv", "id:string:uuid:required code:string name:string::required "
                      "description:string::required parent_id:string:uuid taxonomy:string language:string "
                      "taxonomy_id:string:uuid term_uri:string:uri"),
    "location": ("locations.csv", "id:string:uuid:required location_type:string::required url:string:uri "
                 "organization_id:string:uuid name:string alternate_name:string description:string transportation:string "
                 "latitude:number longitude:number external_identifier:string external_identifier_type:string"),
    "phone": ("phones.csv", "id:string:uuid:required location_id:string:uuid service_id:string:uuid "
              "organization_id:string:uuid contact_id:string:uuid service_at_location_id:string:uuid "
              "number:string::required extension:number type:string description:string"),
    "attribute": ("attributes.csv", "id:string:uuid:required link_id:string:uuid:required "
                  "taxonomy_term_id:string:uuid:required link_type:string link_entity:string::required value:string"),
}
STATUSES = {"active", "inactive", "defunct", "temporarily closed"}  # HSDS 3.0 service.status


def spec_fields(table: str) -> list[tuple[str, str, str, bool]]:
    """A table → its columns in HSDS 3.0.0 as (name, type, format, required)."""
    return [(p[0], p[1], p[2] if len(p) > 2 else "", len(p) > 3) for p in (c.split(":") for c in HSDS_3_0[table][1].split())]


@pytest.fixture(scope="module")
def packages() -> dict[str, dict[str, str]]:
    config, handbook = load_project(ROOT)
    return {lang: render_hsds(handbook, config, lang) for lang in config.codes}


def read_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def valid(value: str, field: dict[str, Any]) -> bool:
    """A non-empty CSV value → whether it has its Table Schema type and format."""
    kind, fmt = field["type"], field.get("format", "")
    checks = {
        "number": lambda: float(value) == float(value),
        "date": lambda: date.fromisoformat(value) is not None and len(value) == 10,
        "datetime": lambda: datetime.fromisoformat(value).tzinfo is not None,
    }
    if kind in checks:
        return bool(checks[kind]())
    if fmt == "uuid":
        return str(uuid.UUID(value)) == value
    if fmt == "uri":
        return re.match(r"^https?://[^\s]+$", value) is not None
    if fmt == "email":
        return re.match(r"^[^@\s]+@[^@\s]+$", value) is not None
    return kind == "string"


def validate(files: dict[str, str]) -> list[str]:
    """A package's files → every way it breaks HSDS 3.0.0 or its own schema (empty when valid)."""
    package = json.loads(files["datapackage.json"])
    problems = [] if package["profile"] == "tabular-data-package" else ["profile"]
    ids: dict[str, set[str]] = {}
    for res in package["resources"]:
        name, schema = res["name"], res["schema"]
        path, _ = HSDS_3_0[name]
        problems += [f"{name}: path {res['path']}"] if res["path"] != path else []
        spec = {f[0]: f for f in spec_fields(name)}
        declared = [(f["name"], f["type"], f.get("format", ""), f.get("constraints", {}).get("required", False))
                    for f in schema["fields"]]
        problems += [f"{name}.{f[0]}: {f} is not HSDS 3.0 {spec.get(f[0])}" for f in declared if spec.get(f[0]) != f]
        columns = {d[0] for d in declared}
        problems += [f"{name}.{n}: required column missing" for n, f in spec.items() if f[3] and n not in columns]
        rows = read_rows(files[res["path"]])
        header = next(csv.reader(io.StringIO(files[res["path"]])))
        problems += [f"{name}: header {header}"] if header != [f["name"] for f in schema["fields"]] else []
        for i, row in enumerate(rows, 2):
            for f in schema["fields"]:
                value = row[f["name"]]
                if not value and f.get("constraints", {}).get("required"):
                    problems.append(f"{path}:{i}: {f['name']} is required")
                elif value and not valid(value, f):
                    problems.append(f"{path}:{i}: {f['name']} {value!r} is not {f['type']} {f.get('format', '')}")
        ids[name] = {r["id"] for r in rows}
        problems += [f"{name}: duplicate ids"] if len(ids[name]) != len(rows) else []
    for res in package["resources"]:
        for key in res["schema"].get("foreignKeys", []):
            target = ids[key["reference"]["resource"]]
            rows = read_rows(files[res["path"]])
            problems += [f"{res['path']}: {key['fields']} {r[key['fields']]} not found" for r in rows
                         if r[key["fields"]] and r[key["fields"]] not in target]
    return problems


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_package_is_valid_hsds_3_0(packages, lang: str) -> None:
    assert validate(packages[lang]) == []


def test_the_validator_catches_broken_packages(packages) -> None:
    files = dict(packages["en"])
    files["services.csv"] = files["services.csv"].replace(",active,", ",,", 1)
    files["funding.csv"] = files["funding.csv"].replace(read_rows(files["funding.csv"])[0]["service_id"], str(uuid.uuid4()), 1)
    problems = validate(files)
    assert "services.csv:2: status is required" in problems
    assert any(p.startswith("funding.csv: service_id") for p in problems)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rows_hold_the_handbook(packages, lang: str) -> None:
    config, handbook = load_project(ROOT)
    files = packages[lang]
    services = read_rows(files["services.csv"])
    organizations = read_rows(files["organizations.csv"])
    assert (len(services), len(organizations)) == (85, len(handbook.departments))
    assert len(read_rows(files["funding.csv"])) == sum(len(s.provisions) for s in handbook.services)
    assert {r["status"] for r in services} == {"active"} <= STATUSES
    org_names = {r["id"]: r["name"] for r in organizations}
    listed = read_rows(files["attributes.csv"])
    for service, row in zip(handbook.services, services, strict=True):
        assert row["name"] == service.name[lang]
        assert org_names[row["organization_id"]] == handbook.department(service.departments[0]).name[lang]
        assert [org_names[a["value"]] for a in listed if a["link_id"] == row["id"] and a["link_type"] == "listed-department"] \
            == [handbook.department(d).name[lang] for d in service.departments]
        assert service.provisions[0].recipients[lang] in row["eligibility_description"]
    assert "active" in json.loads(files["datapackage.json"])["description"]


def test_ids_are_uuid5_and_the_same_in_every_language_and_build(packages) -> None:
    config, handbook = load_project(ROOT)
    again = render_hsds(handbook, config, "en")
    zh, en = (read_rows(packages[lang]["services.csv"]) for lang in ("zh", "en"))
    assert [r["id"] for r in zh] == [r["id"] for r in en] == [r["id"] for r in read_rows(again["services.csv"])]
    assert {uuid.UUID(r["id"]).version for r in zh} == {5}


def test_export_writes_the_packages(tmp_path: Path, packages, run_cli) -> None:
    code, out, err = run_cli("--root", str(ROOT), "export", "--format", "hsds", "--output", str(tmp_path / "hsds"))
    assert (code, out, err) == (0, "", "")
    for lang, files in packages.items():
        assert {p.name: p.read_bytes().decode("utf-8") for p in (tmp_path / "hsds" / lang).iterdir()} == files


def test_export_hsds_needs_a_folder(run_cli) -> None:
    assert run_cli("--root", str(ROOT), "export", "--format", "hsds") == (
        1, "", "error: --format hsds writes a folder: give it with --output DIR\n")


@pytest.mark.slow
def test_build_publishes_the_packages(built_site: Path) -> None:
    config, handbook = load_project(ROOT)
    config = dataclasses.replace(config, site_url=TEST_SITE_URL)  # the test build's
    for lang in config.codes:
        files = render_hsds(handbook, config, lang)
        assert {p.name for p in (built_site / "data/hsds" / lang).iterdir()} >= set(files)
        for name, text in files.items():
            assert (built_site / "data/hsds" / lang / name).read_bytes().decode("utf-8") == text, name
        assert read_rows(files["services.csv"])[0]["url"].startswith(TEST_SITE_URL)


def test_contact_history_and_apply_fill_phones_locations_and_dates(tmp_path: Path) -> None:
    real_config = (ROOT / "site_config.yml").read_text(encoding="utf-8")
    config, handbook = load_project(write_project(tmp_path / "act", ACT_SERVICES, real_config))
    files = render_hsds(handbook, config, "en")
    assert validate(files) == []
    assert [r["name"] for r in json.loads(files["datapackage.json"])["resources"]][-3:] == ["location", "phone", "attribute"]
    (location,), (phone,) = read_rows(files["locations.csv"]), read_rows(files["phones.csv"])
    assert location["description"] == "1 South Road, Test County (Source: Test County Finance Bureau notice, checked 2026-01-15.)"
    assert (phone["number"], phone["location_id"]) == ("0812-8600000", location["id"])
    assert phone["organization_id"] == location["organization_id"]
    meals = read_rows(files["services.csv"])[0]
    assert (meals["assured_date"], meals["last_modified"]) == ("2026-02-01", "2021-03-01T00:00:00+08:00")
    organizations = {r["name"]: r for r in read_rows(files["organizations.csv"])}
    assert organizations["Finance Bureau"]["website"] == "https://example.org/finance/"


def test_real_package_has_no_phones_or_locations(packages) -> None:
    assert not {"phones.csv", "locations.csv"} & set(packages["en"])  # no department has contact data yet


@pytest.mark.parametrize(("rules", "expected"), [
    ((), ("", "")),  # everyone
    ((RuleSet(age=Years(65, None)),), ("65", "")),
    ((RuleSet(age=Years(16, 59)), RuleSet(age=Years(18, 64))), ("16", "64")),
    ((RuleSet(age=Years(65, None)), RuleSet(child=ChildRule(age=Years(0, 3)))), ("0", "")),  # No. 36: 65+ or a child 0–3
    ((RuleSet(child=ChildRule(age=Years(None, 6))),), ("", "6")),  # the child is the one served (No. 29)
    ((RuleSet(status=("dibao",), child=ChildRule(disability=(1,))),), ("", "")),  # a child, of any age
])
def test_ages_only_where_every_way_to_qualify_bounds_them(rules, expected) -> None:
    row = ages(Eligibility(everyone=not rules, any=rules))
    assert (row["minimum_age"], row["maximum_age"]) == expected
