"""The tiny project with what residents act on: a department contact, a service's apply details and history, a help line.

Made from TINY_SERVICES by insertions, so the line numbers the tests name can be read off ACT_SERVICES itself.
"""
from __future__ import annotations

from .conftest import TINY_SERVICES

CONTACT = """\
    aliases: [县财政局]
    contact:
      address: {zh: 测试县城南路1号, en: "1 South Road, Test County"}
      phone: "0812-8600000"
      hours: {zh: 工作日9:00—17:00, en: "Working days, 9:00 to 17:00"}
      website: https://example.org/finance/
      source: {zh: 测试县财政局公告, en: Test County Finance Bureau notice}
      verified: "2026-01-15"
"""

APPLY = """\
    departments: [education-sports, 县财政局]
    appendix_departments: 县教育体育局、县财政局
    history:
      - date: "2021-03-01"
        summary: {zh: 补助提高到每生每天5元。, en: The subsidy rose to CNY 5 per student per day.}
        source: {zh: 测教发〔2021〕2号, en: Test Education Bureau document No. 2 of 2021}
    apply:
      where: {zh: 孩子就读的学校, en: "Your child's school"}
      documents: {zh: [户口簿, 学生证], en: [Household register, Student card]}
      steps: {zh: [向学校提出申请, 学校审核], en: [Apply to the school, The school checks the application]}
      online: https://example.org/apply/
      source: {zh: 测试县教育体育局办事指南, en: Test County Education Bureau service guide}
      verified: "2026-02-01"
"""

CHANNELS = """\
channels:
  - id: hotline
    name: {zh: 政务服务便民热线, en: Government service hotline}
    phone: "12345"
    scope: all
    source: {zh: 测试文件, en: Test document}
    verified: "2026-03-01"
glossary:
"""

ACT_SERVICES = (TINY_SERVICES.replace("    aliases: [县财政局]\n", CONTACT)
                .replace("    departments: [education-sports, 县财政局]\n", APPLY)
                .replace("glossary:\n", CHANNELS))
