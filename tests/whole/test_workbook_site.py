"""A clerk's workbook, imported, reaches residents: a department's phone, a service's how to apply and a changed
standard with its history show on the built pages, the leaflets and the open data (tiny project, real templates)."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from generator.cli import main

from ..conftest import ROOT, TEST_SITE_URL, TINY_SERVICES
from ..sheets import cell, column, edit, export_xlsx
from .test_act_site import in_order, text_of

pytestmark = pytest.mark.slow

CLERK = {("departments", "finance", "contact.phone"): "0812-8612345",
         ("departments", "finance", "contact.source::zh"): "测试县财政局公告（2026年第3号）",
         ("departments", "finance", "contact.source::en"): "Test County Finance Bureau notice No. 3 of 2026",
         ("departments", "finance", "contact.verified"): "2026-12-01",
         ("services", "school-meals", "apply.where::zh"): "孩子就读的学校",
         ("services", "school-meals", "apply.where::en"): "Your child's school",
         ("services", "school-meals", "apply.documents::zh"): "户口簿\n学生证",
         ("services", "school-meals", "apply.documents::en"): "Household register\nStudent card",
         ("services", "school-meals", "apply.source::zh"): "测试县教育体育局办事指南",
         ("services", "school-meals", "apply.source::en"): "Test County Education Bureau service guide",
         ("services", "school-meals", "apply.verified"): "2026-12-01"}
HISTORY = {"id": "school-meals", "date": "2021-11-01", "summary::zh": "补助提高到每生每天5元。",
           "summary::en": "The subsidy rose to CNY 5 per student per day.", "source::zh": "测教发〔2021〕9号",
           "source::en": "Test Education Bureau document No. 9 of 2021"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny project: exported, edited as a clerk would, imported and built."""
    root = tmp_path_factory.mktemp("workbook") / "project"
    root.mkdir()
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copy(ROOT / "site_config.yml", root / "site_config.yml")
    (root / "services.yaml").write_text(TINY_SERVICES, encoding="utf-8")
    workbook = edit(export_xlsx(root, root.parent / "handbook.xlsx"), CLERK)
    book = openpyxl.load_workbook(workbook)
    cell(book["provisions"], "school-meals", "standard::zh", part=1).value = "每生每天5元。"
    cell(book["provisions"], "school-meals", "standard::en", part=1).value = "CNY 5 per student per day."
    for key, value in HISTORY.items():
        book["history"].cell(2, column(book["history"], key)).value = value
    book.save(workbook)
    assert main(["--root", str(root), "import", str(workbook)]) == 0
    assert main(["--root", str(root), "build", "--site-url", TEST_SITE_URL]) == 0
    return root / "site"


def test_the_department_page_gives_the_phone_with_its_source(site: Path) -> None:
    assert in_order(text_of(site, "departments/finance/index.html"), "联系方式", "电话：0812-8612345",
                    "来源：测试县财政局公告（2026年第3号）。核实日期：2026年12月1日。")
    assert in_order(text_of(site, "en/departments/finance/index.html"), "Phone: 0812-8612345",
                    "Source: Test County Finance Bureau notice No. 3 of 2026. Checked on 1 December 2026.")


def test_the_service_page_says_how_to_apply_and_names_the_new_standard(site: Path) -> None:
    text = text_of(site, "services/school-meals/index.html")
    assert "本页标准出自2021年11月1日的测教发〔2021〕9号" in text and "每生每天5元。" in text
    assert in_order(text, "怎么办理", "办理地点：孩子就读的学校", "所需材料", "户口簿", "学生证",
                    "来源：测试县教育体育局办事指南。核实日期：2026年12月1日。")
    assert "2021年11月1日：补助提高到每生每天5元。 （测教发〔2021〕9号）" in text


def test_the_leaflet_prints_them(site: Path) -> None:
    pdf = PdfReader(site / "booklets/zh/leaflet-school-meals.pdf")
    text = re.sub(r"\s", "", "".join(page.extract_text() for page in pdf.pages))
    assert "每生每天5元" in text and "孩子就读的学校" in text and "学生证" in text and "0812-8612345" in text


def test_the_open_data_carries_them(site: Path) -> None:
    data = json.loads((site / "data/services.json").read_text(encoding="utf-8"))
    meals = next(s for s in data["services"] if s["id"] == "school-meals")
    assert meals["provisions"][0]["standard"] == {"zh": "每生每天5元。", "en": "CNY 5 per student per day."}
    assert meals["apply"]["documents"] == [{"zh": "户口簿", "en": "Household register"}, {"zh": "学生证", "en": "Student card"}]
    assert meals["history"][0]["source"]["zh"] == "测教发〔2021〕9号"
    finance = next(d for d in data["departments"] if d["id"] == "finance")
    assert finance["contact"]["phone"] == "0812-8612345" and finance["contact"]["verified"] == "2026-12-01"
