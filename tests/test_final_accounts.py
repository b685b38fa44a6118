"""部门决算 documents as packages of kind `final`: the final_* resources, their identities,
a unit page with cards and charts, and budget against outturn where both exist.

Cells read by eye from the rendered pages (pdfplumber `to_image`, 100–110 dpi).
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal

import pytest

from sitegen.audit import audit_disclosure
from sitegen.contract import FINAL_RESOURCES


def _row(table, **match):
    return next(r for r in table.rows if all(r.get(k) == v for k, v in match.items()))


@pytest.mark.parametrize("name,missing", [("govbudgetchecker-06", set()), ("renwu-14", {"final_state_capital"})])
def test_every_printed_final_table_lands_in_its_resource(real_parsed, name, missing):
    """Shanghai prints all nine 决算 tables; 佛山 prints eight (no 国有资本经营 table)."""
    d = real_parsed(name)
    assert d.kind == "final"
    assert set(d.tables) == {r.name for r in FINAL_RESOURCES} - missing
    assert not [w for w in d.warnings if "extra table" in str(w)]


def test_shanghai_final_cells(real_parsed):
    d = real_parsed("govbudgetchecker-06")
    income = d.tables["final_income"]  # page 8
    row = _row(income, code="2010601")
    assert (row["name"], row["total"], row["fiscal"], row["other"]) == (
        "行政运行", Decimal("1511.90"), Decimal("1511.89"), Decimal("0.01"))
    total = _row(income, level=0)
    assert (total["name"], total["total"], total["fiscal"], total["other"]) == (
        "合计", Decimal("2946.25"), Decimal("2940.05"), Decimal("6.20"))
    summary = d.tables["final_income_expenditure_summary"]  # page 6
    assert _row(summary, side="income", item="本年收入合计")["amount"] == Decimal("2946.25")
    assert _row(summary, side="expenditure", item="本年支出合计")["amount"] == Decimal("2940.05")
    three = {r["item"]: (r.get("budget"), r.get("final")) for r in d.tables["final_three_public_expenses"].rows}
    assert three['财政拨款"三公"经费（合计）'] == (Decimal("0.95"), None)  # page 18: 预算数 0.95, 决算数 blank
    assert three["公务接待费"] == (Decimal("0.95"), None)


def test_side_by_side_basic_lists_become_rows(real_parsed):
    """公开06 (pages 16–17): the 人员经费 list and the 公用经费 list printed side by side."""
    basic = real_parsed("govbudgetchecker-06").tables["final_general_basic_expenditure"]
    wages = _row(basic, code="301")
    assert (wages["name"], wages["total"], wages["personnel"], wages.get("public")) == (
        "工资福利支出", Decimal("2082.85"), Decimal("2082.85"), None)
    office = _row(basic, code="30201")
    assert (office["name"], office["total"], office["public"], office.get("personnel")) == (
        "办公费", Decimal("21.21"), Decimal("21.21"), None)
    assert _row(basic, name="人员经费合计")["total"] == Decimal("2152.26")


def test_foshan_final_three_public(real_parsed):
    """renwu-14 表7 (page 21): 预算数 all 0.00; 决算数 合计 0.16 = 公务接待费 0.16; 栏次 1…12 is no row."""
    d = real_parsed("renwu-14")
    rows = {r["item"]: (r.get("budget"), r.get("final")) for r in d.tables["final_three_public_expenses"].rows}
    assert rows["合计"] == (Decimal("0.00"), Decimal("0.16"))
    assert rows["公务接待费"] == (Decimal("0.00"), Decimal("0.16"))
    assert d.unit["other"]["three_public_total"] == Decimal("0.16")


@pytest.mark.parametrize("name", ["govbudgetchecker-06", "renwu-14"])
def test_final_identities_are_checked(real_parsed, name):
    """01 balance, hierarchy, row sums, 05/06 totals and 07 items run on a 决算."""
    findings, checks = audit_disclosure(real_parsed(name))
    resources = {f.resource for f in findings}
    assert checks >= 100
    assert resources <= {r.name for r in FINAL_RESOURCES}


def test_final_identity_catches_a_misprint(real_parsed):
    """Change one printed cell of 公开05: the row sum and the 05/06 check report it."""
    import copy

    d = copy.deepcopy(real_parsed("govbudgetchecker-06"))
    total = _row(d.tables["final_general_budget_expenditure"], level=0)
    total["basic"] += Decimal("1")
    checks = {(f.resource, f.check) for f in audit_disclosure(d)[0]}
    assert ("final_general_budget_expenditure", "row_sum") in checks
    assert ("final_general_basic_expenditure", "cross_table") in checks


def test_final_page_and_budget_against_outturn(real_parsed, tmp_path):
    """A 决算 beside its unit's budget for the same year: the final page has cards, charts and the
    comparison; the pair is built from the Shanghai 决算 and a budget declared as the same unit."""
    from click.testing import CliRunner
    from conftest import pdf_path, real_pdf

    from sitegen.cli import cli

    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(real_pdf("govbudgetchecker-06"), content / "final.pdf")
    shutil.copy(pdf_path("002", "A"), content / "budget.pdf")
    (content / "metadata.toml").write_text(
        '[files."final.pdf"]\nunit_id = "putuo-caizheng"\n'
        '[files."budget.pdf"]\nunit_id = "putuo-caizheng"\nunit = "上海市普陀区财政局"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--content", str(content), "--data", str(tmp_path / "dp"),
                                      "--out", str(tmp_path / "site"), "--cache", ""])
    assert result.exit_code == 0, result.output
    dp = json.loads((tmp_path / "dp" / "putuo-caizheng" / "2024-final" / "datapackage.json").read_text("utf-8"))
    assert [r["name"] for r in dp["resources"]][:9] == [r.name for r in FINAL_RESOURCES]
    html = (tmp_path / "site" / "putuo-caizheng" / "2024-final" / "index.html").read_text("utf-8")
    assert "预算与决算对比" in html and 'class="chart"' in html
    assert '<span class="code">2010601</span> 行政运行' in html  # a 决算 line of the comparison (budget side blank)
    budget_html = (tmp_path / "site" / "putuo-caizheng" / "2024-budget" / "index.html").read_text("utf-8")
    assert "预算与决算对比" not in budget_html
    compare = (tmp_path / "site" / "compare.html").read_text("utf-8")
    assert 'href="putuo-caizheng/2024-final/index.html#outturn"' in compare  # the comparison view links it


def test_side_by_side_lists_over_pages_keep_each_list_together(real_parsed):
    """renwu-14 表6 (pp.17–20, read from the rendered pages): the 人员经费 list (301, 303 and their
    items, 人员经费合计 649.20) comes first, then the 公用经费 list (302 … 399, 公用经费合计 97.19),
    although each page prints a part of both lists."""
    rows = real_parsed("renwu-14").tables["final_general_basic_expenditure"].rows
    labels = [r["code"] or r["name"] for r in rows]
    split = labels.index("人员经费合计") + 1
    assert len(rows) == 81 and labels[-1] == "公用经费合计"
    assert {c[:3] for c in labels[:split - 1]} == {"301", "303"}
    assert {c[:3] for c in labels[split:-1]} == {"302", "307", "310", "399"}
    assert all(r.get("personnel") == r["total"] and "public" not in r for r in rows[:split])
    assert all(r.get("public") == r["total"] and "personnel" not in r for r in rows[split:])
    assert (rows[split - 1]["total"], rows[-1]["total"]) == (Decimal("649.20"), Decimal("97.19"))


def test_a_two_sided_final_table_continues_on_a_page_without_header(real_parsed):
    """govbudgetchecker-06 财政拨款收入支出决算总表: p.12 has the header, p.13 goes on with
    十四、资源勘探工业信息等支出 (no title, no header) down to 总计 (read from the rendered pages)."""
    table = real_parsed("govbudgetchecker-06").tables["final_fiscal_summary"]
    assert table.pages == [12, 13]
    income = [r for r in table.rows if r["side"] == "income"]
    spending = [r for r in table.rows if r["side"] == "expenditure"]
    assert (len(income), len(spending)) == (9, 29)
    assert [(r["item"], r["total"]) for r in income[3:6]] == [
        ("本年收入合计", Decimal("2940.05")), ("年初财政拨款结转和结余", Decimal("21.63")),
        ("一、一般公共预算财政拨款", Decimal("21.63"))]
    assert (income[-1]["item"], income[-1]["total"]) == ("总计", Decimal("2961.68"))
    housing = next(r for r in spending if r["item"] == "十九、住房保障支出")
    assert (housing["total"], housing["general_budget"], housing["source_page"]) == (Decimal("445.69"), Decimal("445.69"), 13)
    assert [(r["item"], r["total"], r["general_budget"]) for r in spending[-3:]] == [
        ("本年支出合计", Decimal("2940.05"), Decimal("2940.05")),
        ("年末财政拨款结转和结余", Decimal("21.63"), Decimal("21.63")),
        ("总计", Decimal("2961.68"), Decimal("2961.68"))]
