"""The built site of the tiny project with a contact, apply details, a history entry and a help line: what a resident
sees on service and department pages in both languages, and a build without site_url."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.data.load import load_config

from ..conftest import ROOT, TEST_SITE_URL
from ..tiny_contacts import ACT_SERVICES

pytestmark = pytest.mark.slow


def make_project(root: Path) -> Path:
    """The real templates/ and site_config.yml with the tiny services.yaml that has contacts."""
    root.mkdir(parents=True)
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copy(ROOT / "site_config.yml", root / "site_config.yml")
    (root / "services.yaml").write_text(ACT_SERVICES, encoding="utf-8")
    return root


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`handbook --root ROOT build ARGS…`, which must succeed."""
    done = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "build", *args], capture_output=True,
                          text=True, timeout=600, cwd=root)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def act_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("act") / "project")
    run_build(root, "--site-url", TEST_SITE_URL)
    return root / "site"


def text_of(site: Path, rel: str) -> str:
    """A page's article text (not its navigation), tags removed and whitespace squeezed."""
    html = (site / rel).read_text(encoding="utf-8")
    html = html[html.index("<article"):html.index("</article>")]
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    html = re.sub(r"</?(p|li|ul|ol|h[1-6]|div|details|summary|br)\b[^>]*>", " ", html)  # blocks end a phrase
    return " ".join(re.sub(r"<[^>]+>", "", html).replace("&#39;", "'").replace("&amp;", "&").split())


def in_order(text: str, *parts: str) -> bool:
    """Whether the parts occur in text one after another, in this order."""
    at = 0
    for part in parts:
        at = text.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True


def test_service_page_in_chinese_shows_contact_apply_history_and_help_line(act_site: Path) -> None:
    text = text_of(act_site, "services/school-meals/index.html")
    assert "本页标准出自2021年3月1日的测教发〔2021〕2号，此后可能已经调整。办理前请先向负责部门核实。" in text
    assert in_order(text, "营养改善", "本页标准出自", "能得到什么 （服务内容和保障标准）", "谁可以享受 （服务对象）",
                    "负责部门 （主责单位）", "谁出钱 （支出责任）")
    assert in_order(text, "测试县财政局", "地址：测试县城南路1号", "电话：0812-8600000", "办公时间：工作日9:00—17:00",
                    "网站：https://example.org/finance/", "来源：测试县财政局公告。核实日期：2026年1月15日。")
    assert in_order(text, "怎么办理", "办理地点：孩子就读的学校", "所需材料", "户口簿", "学生证", "办理步骤", "向学校提出申请",
                    "学校审核", "网上办理：https://example.org/apply/",
                    "来源：测试县教育体育局办事指南。核实日期：2026年2月1日。")
    assert "政务服务便民热线：12345" in text and "依据：测试文件。" in text
    assert "2021年3月1日：补助提高到每生每天5元。 （测教发〔2021〕2号）" in text
    assert "本手册暂未收录" not in text
    html = (act_site / "services/school-meals/index.html").read_text(encoding="utf-8")
    assert '<a href="tel:0812-8600000">0812-8600000</a>' in html and '<a href="tel:12345">12345</a>' in html


def test_service_page_in_english_shows_them_with_the_official_chinese(act_site: Path) -> None:
    text = text_of(act_site, "en/services/school-meals/index.html")
    assert ("The standard on this page comes from Test Education Bureau document No. 2 of 2021, dated 1 March 2021. "
            "It may have changed since: check with the responsible department before you apply.") in text
    assert in_order(text, "What you get (服务内容和保障标准)", "Who can get it (服务对象)", "Responsible departments (主责单位)",
                    "Who pays (支出责任)")
    assert in_order(text, "Finance Bureau", "Address: 1 South Road, Test County", "Phone: 0812-8600000",
                    "Opening hours: Working days, 9:00 to 17:00",
                    "Source: Test County Finance Bureau notice. Checked on 15 January 2026.")
    assert in_order(text, "How to apply", "Where to go: Your child's school", "What to bring", "Household register",
                    "Student card", "Steps", "Apply to the school", "The school checks the application",
                    "Apply online: https://example.org/apply/")
    assert "Government service hotline: 12345" in text and "Established by: Test document." in text
    assert in_order(text, "Official Chinese text", "服务对象", "服务内容和保障标准", "支出责任",
                    "主责单位 县教育体育局、县财政局")


def test_service_without_details_says_so_plainly(act_site: Path) -> None:
    zh = text_of(act_site, "services/fee-exemptions/index.html")
    assert "本页标准出自2018年12月29日的县政府文件（测府发〔2018〕1号）" in zh
    assert "本手册暂未收录办理地点、时间和所需材料。请向上面列出的负责部门咨询，或拨打下面的热线。" in zh
    en = text_of(act_site, "en/services/fee-exemptions/index.html")
    assert "This handbook does not yet have the place, opening hours or documents needed to apply." in en


def test_department_pages_show_contact_services_and_spellings(act_site: Path) -> None:
    zh = text_of(act_site, "departments/finance/index.html")
    assert in_order(zh, "测试县财政局", "规划附件中的写法：县财政局", "联系方式", "地址：测试县城南路1号",
                    "来源：测试县财政局公告。核实日期：2026年1月15日。", "负责的服务", "第1项 营养改善")
    en = text_of(act_site, "en/departments/finance/index.html")
    assert in_order(en, "Contact", "Phone: 0812-8600000", "Checked on 15 January 2026", "Services it is responsible for",
                    "No. 1 School meals")
    other = text_of(act_site, "en/departments/education-sports/index.html")
    assert "This handbook does not yet have this department's address, phone number or opening hours." in other
    assert in_order(other, "Lead department for these service areas", "Basic public education services",
                    "Services it is responsible for", "No. 1 School meals", "No. 2 Free tuition")


def test_with_site_url_pages_have_canonical_links_and_a_sitemap(act_site: Path) -> None:
    html = (act_site / "en/services/school-meals/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{TEST_SITE_URL}en/services/school-meals/">' in html
    assert f'hreflang="zh-Hans" href="{TEST_SITE_URL}services/school-meals/"' in html
    sitemap = (act_site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{TEST_SITE_URL}en/services/school-meals/</loc>" in sitemap and "hreflang" in sitemap


def test_without_site_url_the_build_warns_once_and_leaves_out_what_needs_it(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    assert load_config(root).site_url is None
    done = run_build(root)
    assert [line for line in done.stderr.splitlines() if line.startswith("warning:")] == [
        "warning: no site_url in site_config.yml: built without canonical links, sitemap or QR codes "
        "(set it, or use --site-url, before publishing or printing)"]
    site = root / "site"
    assert not (site / "sitemap.xml").exists()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'rel="canonical"' not in html and '<link rel="alternate" hreflang' not in html, page
    reader = PdfReader(site / "booklets/zh/chapter-education.pdf")
    text = re.sub(r"\s", "", "".join(p.extract_text() for p in reader.pages))  # Typst spaces digits from CJK
    assert "第1项·负责部门：测试县教育体育局、测试县财政局" in text
    assert not any("/Annots" in p and any(a.get_object().get("/A", {}).get("/URI") for a in p["/Annots"])
                   for p in reader.pages)


FOOTER = {"zh": ["发布机关：盐边县人民政府", "本手册内容出自盐边县人民政府《盐边县“十三五”基本公共服务均等化规划》"
                 "（盐边府发〔2018〕104号，2018年12月29日印发）。", "开放数据（JSON）", "开放数据（CSV）", "无障碍声明",
                 "使用说明"],
          "en": ["Issued by: Yanbian County People's Government", "issued 29 December 2018).", "Open data (JSON)",
                 "Open data (CSV)", "Accessibility statement", "How to use this handbook"]}


def test_every_page_has_the_footer_in_its_language(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 280
    for page in pages:
        lang = "en" if page.relative_to(built_site).parts[0] == "en" else "zh"
        html = page.read_text(encoding="utf-8")
        footer = html[html.index('<footer class="md-footer hb-footer"'):]
        footer = " ".join(re.sub(r"<[^>]+>", " ", footer[:footer.index("</footer>")]).replace("&#39;", "'").split())
        assert in_order(footer, *FOOTER[lang]), page


def test_footer_links_lead_to_the_open_data_and_pages(built_site: Path) -> None:
    html = (built_site / "en/services/minimum-living-allowance/index.html").read_text(encoding="utf-8")
    footer = html[html.index('<footer class="md-footer hb-footer"'):]
    hrefs = re.findall(r'href="([^"]+)"', footer[:footer.index("</footer>")])
    assert hrefs == ["../../../data/services.json", "../../../data/services.csv", "../../accessibility/", "../../how-to-use/"]
