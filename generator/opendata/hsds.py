"""Model → an Open Referral HSDS 3.0 Tabular Data Package per language: datapackage.json and one CSV per table.

Tables filled (HSDS 3.0.0 names): organizations (the departments), services, funding (支出责任), service_areas (the
county), taxonomies, taxonomy_terms and attributes (each service's chapter, and every department the appendix lists
for it); locations and phones only from departments' `contact` data (with its source), when there is some. Schedules
and contacts are left out: the plan gives none, and none are invented. `minimum_age`/`maximum_age` come from
`eligibility` (the age of whoever a rule set serves: the person, or its child) only when every alternative rule set
bounds it; `assured_date` is the `apply` check date and
`last_modified` the latest `history` date.

Ids are UUIDv5 from our own ids (present/ids.py), so they are the same in every build and every language.
`services.organization_id` is the first department the appendix lists, which is not necessarily the lead: every listed
department is an `attributes` row (term `listed-department`, value = the organization's id), in the appendix's order."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..data.model import Contact, Department, Eligibility, Handbook, Service, SiteConfig
from ..data.plurals import counted
from ..present.ids import uid
from ..present.urls import lang_root
from ..present.views import page_path

HSDS_VERSION = "3.0.0"
LISTED = "listed-department"  # the taxonomy term that links a service to each department listed for it

Row = dict[str, str]


@dataclass(frozen=True)
class Field:
    """A column of an HSDS table, as the specification types it."""

    name: str  # column name
    type: str  # Table Schema type: string, number, date, datetime
    format: str = ""  # Table Schema format: uuid, uri, email
    required: bool = False  # whether every row must have a value


ID = Field("id", "string", "uuid", True)
TABLES: dict[str, tuple[Field, ...]] = {  # HSDS 3.0.0 tables we fill; deprecated columns left out
    "organization": (ID, Field("name", "string", required=True), Field("alternate_name", "string"),
                     Field("description", "string", required=True), Field("email", "string", "email"),
                     Field("website", "string", "uri"), Field("year_incorporated", "number"), Field("legal_status", "string"),
                     Field("logo", "string"), Field("uri", "string", "uri"), Field("parent_organization_id", "string", "uuid")),
    "service": (ID, Field("organization_id", "string", "uuid", True), Field("program_id", "string", "uuid"),
                Field("name", "string", required=True), Field("alternate_name", "string"), Field("description", "string"),
                Field("url", "string", "uri"), Field("email", "string", "email"), Field("status", "string", required=True),
                Field("interpretation_services", "string"), Field("application_process", "string"),
                Field("fees_description", "string"), Field("accreditations", "string"),
                Field("eligibility_description", "string"),
                Field("minimum_age", "number"), Field("maximum_age", "number"), Field("assured_date", "date"),
                Field("assurer_email", "string", "email"), Field("alert", "string"), Field("last_modified", "datetime")),
    "funding": (ID, Field("organization_id", "string", "uuid"), Field("service_id", "string", "uuid"), Field("source", "string")),
    "service_area": (ID, Field("service_id", "string", "uuid"), Field("name", "string"), Field("description", "string"),
                     Field("extent", "string"), Field("extent_type", "string"), Field("uri", "string")),
    "taxonomy": (ID, Field("name", "string", required=True), Field("description", "string", required=True),
                 Field("uri", "string", "uri"), Field("version", "string")),
    "taxonomy_term": (ID, Field("code", "string"), Field("name", "string", required=True),
                      Field("description", "string", required=True), Field("parent_id", "string", "uuid"),
                      Field("taxonomy", "string"), Field("language", "string"), Field("taxonomy_id", "string", "uuid"),
                      Field("term_uri", "string", "uri")),
    "location": (ID, Field("location_type", "string", required=True), Field("url", "string", "uri"),
                 Field("organization_id", "string", "uuid"), Field("name", "string"), Field("alternate_name", "string"),
                 Field("description", "string"), Field("transportation", "string"), Field("latitude", "number"),
                 Field("longitude", "number"), Field("external_identifier", "string"),
                 Field("external_identifier_type", "string")),
    "phone": (ID, Field("location_id", "string", "uuid"), Field("service_id", "string", "uuid"),
              Field("organization_id", "string", "uuid"), Field("contact_id", "string", "uuid"),
              Field("service_at_location_id", "string", "uuid"), Field("number", "string", required=True),
              Field("extension", "number"), Field("type", "string"), Field("description", "string")),
    "attribute": (ID, Field("link_id", "string", "uuid", True), Field("taxonomy_term_id", "string", "uuid", True),
                  Field("link_type", "string"), Field("link_entity", "string", required=True), Field("value", "string")),
}
FILES = {"organization": "organizations.csv", "service": "services.csv", "funding": "funding.csv",
         "service_area": "service_areas.csv", "taxonomy": "taxonomies.csv", "taxonomy_term": "taxonomy_terms.csv",
         "location": "locations.csv", "phone": "phones.csv", "attribute": "attributes.csv"}
CONTACT_TABLES = ("location", "phone")  # written only when some department has contact data (never invented)
FOREIGN_KEYS = {  # table → (column, referenced table)
    "service": (("organization_id", "organization"),),
    "funding": (("service_id", "service"),),
    "service_area": (("service_id", "service"),),
    "taxonomy_term": (("taxonomy_id", "taxonomy"),),
    "attribute": (("taxonomy_term_id", "taxonomy_term"),),
    "location": (("organization_id", "organization"),),
    "phone": (("organization_id", "organization"), ("location_id", "location")),
}


def render_hsds(handbook: Handbook, config: SiteConfig, lang: str) -> dict[str, str]:
    """One language → {file name: text} of its HSDS package (datapackage.json and the CSVs)."""
    rows = hsds_rows(handbook, config, lang)
    tables = [table for table in TABLES if table not in CONTACT_TABLES or rows[table]]
    files = {FILES[table]: render_table(table, rows[table]) for table in tables}
    files["datapackage.json"] = json.dumps(datapackage(config, lang, tables), ensure_ascii=False, indent=1) + "\n"
    return files


def render_hsds_languages(handbook: Handbook, config: SiteConfig) -> dict[str, str | bytes]:
    """Every language → {site path: text} under data/hsds/<lang>/."""
    return {f"data/hsds/{lang}/{name}": text
            for lang in config.codes for name, text in render_hsds(handbook, config, lang).items()}


def hsds_rows(handbook: Handbook, config: SiteConfig, lang: str) -> dict[str, list[Row]]:
    """The handbook in one language → rows per HSDS table."""
    t = config.strings[lang]
    return {
        "organization": [organization_row(handbook, lang, t, d.id) for d in handbook.departments],
        "service": [service_row(handbook, config, lang, s) for s in handbook.services],
        "funding": [{"id": uid("funding", s.id, i), "service_id": uid("service", s.id), "source": p.funding[lang]}
                    for s in handbook.services for i, p in enumerate(s.provisions, 1)],
        "service_area": [{"id": uid("service_area", s.id), "service_id": uid("service", s.id), "name": t["county"]}
                         for s in handbook.services],
        "taxonomy": [{"id": uid("taxonomy", "handbook"), "name": t["hsds_taxonomy"],
                      "description": t["hsds_taxonomy_description"]}],
        "taxonomy_term": list(taxonomy_terms(handbook, lang, t)),
        "attribute": list(attributes(handbook)),
        "location": [location_row(lang, t, d) for d in handbook.departments if d.contact and d.contact.address],
        "phone": [phone_row(lang, t, d) for d in handbook.departments if d.contact and d.contact.phone],
    }


def organization_row(handbook: Handbook, lang: str, t: Mapping[str, str], department_id: str) -> Row:
    """A department → its organizations row, described by the services the appendix lists it for."""
    department = handbook.department(department_id)
    services = [s.name[lang] for s in handbook.services if department_id in s.departments]
    description = counted(t, lang, "hsds_organization_description", len(services), services=t["list_separator"].join(services))
    website = department.contact.website if department.contact and department.contact.website else ""
    return {"id": uid("organization", department_id), "name": department.name[lang],
            "alternate_name": department.short_name[lang], "description": description, "website": website}


def sourced(lang: str, t: Mapping[str, str], contact: Contact) -> str:
    """A contact → where it was read and when it was checked, in words."""
    return t["hsds_sourced"].format(source=contact.source[lang], date=contact.verified)


def location_row(lang: str, t: Mapping[str, str], department: Department) -> Row:
    """A department with an address → its locations row (the address as text, with its source)."""
    contact = department.contact
    assert contact and contact.address
    return {"id": uid("location", department.id), "location_type": "physical",
            "organization_id": uid("organization", department.id), "name": department.name[lang],
            "description": f"{contact.address[lang]} {sourced(lang, t, contact)}"}


def phone_row(lang: str, t: Mapping[str, str], department: Department) -> Row:
    """A department with a phone number → its phones row (with its opening hours and source)."""
    contact = department.contact
    assert contact and contact.phone
    hours = f"{contact.hours[lang]} " if contact.hours else ""
    return {"id": uid("phone", department.id), "organization_id": uid("organization", department.id),
            "location_id": uid("location", department.id) if contact.address else "", "number": contact.phone,
            "type": "voice", "description": hours + sourced(lang, t, contact)}


def service_row(handbook: Handbook, config: SiteConfig, lang: str, service: Service) -> Row:
    """A service → its services row."""
    def joined(texts: list[str]) -> str:
        return texts[0] if len(texts) == 1 else "\n\n".join(f"({i}) {x}" for i, x in enumerate(texts, 1))
    url = f"{config.site_url}{lang_root(config, lang)}{page_path('services', service.id).removesuffix('index.md')}"
    return {
        "id": uid("service", service.id),
        "organization_id": uid("organization", service.departments[0]),  # first listed, not necessarily the lead
        "name": service.name[lang],
        "alternate_name": service.name[config.codes[0]] if lang != config.codes[0] else "",
        "description": joined([p.standard[lang] for p in service.provisions]),
        "url": url if config.site_url else "",
        "status": "active",  # listed in the 2018 plan; not a check that it operates today (see datapackage.json)
        "eligibility_description": joined([p.recipients[lang] for p in service.provisions]),
        **ages(service.eligibility),
        "assured_date": service.apply.verified if service.apply else "",
        "last_modified": f"{service.history[0].date}T00:00:00+08:00" if service.history else "",
    }


def ages(eligibility: Eligibility) -> Row:
    """Eligibility → minimum_age / maximum_age of whoever is served (the person, or the child a rule set is about),
    only where every alternative way to qualify sets that bound."""
    rules = eligibility.any
    served = [r.age if r.age or not r.child else r.child.age for r in rules]
    lows = [a.min for a in served if a and a.min is not None]
    highs = [a.max for a in served if a and a.max is not None]
    return {"minimum_age": str(min(lows)) if rules and len(lows) == len(rules) else "",
            "maximum_age": str(max(highs)) if rules and len(highs) == len(rules) else ""}


def taxonomy_terms(handbook: Handbook, lang: str, t: Mapping[str, str]) -> Iterator[Row]:
    """The chapters and the listed-department term, as taxonomy_terms rows."""
    taxonomy = uid("taxonomy", "handbook")
    for chapter in handbook.chapters:
        yield {"id": uid("taxonomy_term", "chapter", chapter.id), "code": chapter.id, "name": chapter.title[lang],
               "description": chapter.intro[lang], "taxonomy_id": taxonomy, "language": lang}
    yield {"id": uid("taxonomy_term", LISTED), "code": LISTED, "name": t["hsds_listed"],
           "description": t["hsds_listed_description"], "taxonomy_id": taxonomy, "language": lang}


def attributes(handbook: Handbook) -> Iterator[Row]:
    """Each service's chapter, and each department listed for it (in the appendix's order), as attributes rows."""
    for s in handbook.services:
        service = uid("service", s.id)
        yield {"id": uid("attribute", s.id, "chapter"), "link_id": service, "link_entity": "service",
               "taxonomy_term_id": uid("taxonomy_term", "chapter", s.chapter), "link_type": "service_type"}
        for d in s.departments:
            yield {"id": uid("attribute", s.id, LISTED, d), "link_id": service, "link_entity": "service",
                   "taxonomy_term_id": uid("taxonomy_term", LISTED), "link_type": LISTED, "value": uid("organization", d)}


def render_table(table: str, rows: list[Row]) -> str:
    """Rows → CSV text (UTF-8, header of every column, CRLF line ends as RFC 4180 has them)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[f.name for f in TABLES[table]], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def datapackage(config: SiteConfig, lang: str, tables: list[str]) -> dict[str, Any]:
    """One language → its datapackage.json: what the package is, and each table's schema."""
    t = config.strings[lang]
    return {
        "profile": "tabular-data-package",
        "name": f"yanbian-handbook-hsds-{lang}",
        "title": t["hsds_title"],
        "description": t["hsds_description"],
        "language": lang,
        "hsds_version": HSDS_VERSION,
        "resources": [resource(table, tables) for table in tables],
    }


def resource(table: str, tables: list[str]) -> dict[str, Any]:
    """An HSDS table → its Tabular Data Resource entry."""
    def field(f: Field) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": f.name, "type": f.type}
        if f.format:
            entry["format"] = f.format
        if f.required:
            entry["constraints"] = {"required": True}
        return entry
    schema: dict[str, Any] = {"fields": [field(f) for f in TABLES[table]], "primaryKey": "id"}
    keys = [(column, ref) for column, ref in FOREIGN_KEYS.get(table, ()) if ref in tables]
    if keys:
        schema["foreignKeys"] = [{"fields": column, "reference": {"resource": ref, "fields": "id"}} for column, ref in keys]
    return {"name": table, "path": FILES[table], "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "schema": schema}
