"""Real disclosures from other templates (Shanghai 9 tables in 元, Jiangsu 12 tables, a 决算).

Table counts per file, cells checked by eye against the rendered pages, and the audit's
row-sum and hierarchy identities on what was read.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from sitegen.audit import audit_disclosure
from sitegen.contract import FINAL_RESOURCES

REAL = Path(__file__).resolve().parents[1] / "content" / "real"


@pytest.fixture(scope="module")
def real(real_parsed):
    """The session's parse of each real PDF (shared with the other real-PDF tests)."""
    return real_parsed


@pytest.mark.parametrize(
    "name,unit,year,kind,count",
    [
        ("govbudgetchecker-01", "上海市普陀区人民政府万里街道办事处", 2024, "budget", 9),
        ("govbudgetchecker-02", "上海市普陀区人民政府办公室", 2025, "budget", 9),
        ("govbudgetchecker-06", "上海市普陀区财政局", 2024, "final", 9),
        ("open-budget-01", "江苏省人民检察院", 2019, "budget", 12),
        ("open-budget-05", "中共江苏省委办公厅", 2019, "budget", 12),
    ],
)
def test_every_printed_table_is_recognised(real, name, unit, year, kind, count):
    d = real(name)
    assert (d.unit["name"], d.unit["year"], d.unit["kind"]) == (unit, year, kind)
    assert len(d.tables) == count, sorted(d.tables)


def _row(table, **match):
    return next(r for r in table.rows if all(r.get(k) == v for k, v in match.items()))


def test_shanghai_cells_in_yuan(real):
    d = real("govbudgetchecker-02")
    summary = d.tables["income_expenditure_summary"]
    assert summary.unit == "元"
    assert _row(summary, side="income", item="收入总计")["amount"] == Decimal("91016775.35")
    assert _row(summary, side="expenditure", item="一、一般公共服务支出")["amount"] == Decimal("82096797.42")
    gb = d.tables["general_budget_expenditure"]  # page 14
    row = _row(gb, code="2010301")
    assert (row["name"], row["total"], row["basic"], row["project"]) == (
        "行政运行", Decimal("12029501.84"), Decimal("11919501.84"), Decimal("110000.00"))
    row = _row(gb, code="2010302")
    assert row["basic"] is None and row["project"] == Decimal("46140000.00")
    assert gb.pages == [14, 15]  # continues on a page without a title


def test_jiangsu_cells_and_extra_tables(real):
    d = real("open-budget-01")
    gb = d.tables["general_budget_expenditure"]  # 公开07表, page 18
    assert gb.table_number == "公开07表"
    assert _row(gb, level=0)["total"] == Decimal("24169.74")
    assert _row(gb, code="2040410")["total"] == Decimal("1185.60")
    assert _row(gb, code="2210202")["name"] == "提租补贴"
    extras = [name for name in d.tables if name.startswith("extra_")]
    titles = {d.tables[n].title for n in extras}
    assert "一般公共预算机关运行经费支出预算表" in titles and "政府采购支出预算表" in titles


def test_final_accounts_map_to_final_resources(real):
    d = real("govbudgetchecker-06")
    assert sorted(d.tables) == sorted(r.name for r in FINAL_RESOURCES)
    assert d.tables["final_general_budget_expenditure"].title == "一般公共预算财政拨款支出决算表"
    assert d.tables["final_general_budget_expenditure"].unprinted == []


@pytest.mark.parametrize("name", ["govbudgetchecker-01", "govbudgetchecker-02", "govbudgetchecker-06",
                                  "open-budget-01", "open-budget-05"])
def test_identities_hold(real, name):
    findings, checks = audit_disclosure(real(name))
    errors = [f for f in findings if f.severity == "error"]
    assert checks >= 20
    assert (checks - len(errors)) / checks >= 0.99, [f.message for f in errors]


def test_text_and_tables_in_two_pdfs_are_one_disclosure(tmp_path):
    """A disclosure published as two PDFs (narrative + tables) declared with part_of."""
    import pypdfium2 as pdfium
    from click.testing import CliRunner
    from conftest import pdf_path, truth_rows

    from sitegen.cli import cli

    content = tmp_path / "content"
    content.mkdir()
    source = pdfium.PdfDocument(str(pdf_path("004", "A")))
    n = len(source)
    for name, pages in (("text.pdf", [0, 1, 2, *range(14, n)]), ("tables.pdf", list(range(3, 14)))):
        out = pdfium.PdfDocument.new()
        out.import_pages(source, pages)
        out.save(str(content / name))
    (content / "metadata.toml").write_text('[files."tables.pdf"]\npart_of = "text.pdf"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--content", str(content), "--data", str(tmp_path / "dp"),
                                      "--out", str(tmp_path / "site"), "--cache", ""])
    assert result.exit_code == 0, result.output
    assert "built 1 disclosures" in result.output
    folder = next((tmp_path / "dp").glob("*/2025-budget"))
    import csv

    with open(folder / "expenditure_summary.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["total"] for r in rows] == [r["total"] for r in truth_rows("004", "expenditure_summary")]
    with open(folder / "narrative_changes.csv", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(truth_rows("004", "narrative_changes"))


def test_sample_cells_checked_against_the_pages(real):
    """Cells read by eye from the rendered pages (pypdfium2 at 1.2×)."""
    final = real("govbudgetchecker-06")
    t = final.tables["final_general_budget_expenditure"]  # page 15, 一般公共预算财政拨款支出决算表
    row = _row(t, code="2010601")
    assert (row["name"], row["total"], row["basic"], row["project"]) == (
        "行政运行", Decimal("1511.89"), Decimal("1503.52"), Decimal("8.37"))
    assert _row(t, code="2010602")["basic"] is None
    total = _row(t, level=0)
    assert (total["name"], total["total"], total["project"]) == ("合计", Decimal("2940.05"), Decimal("603.14"))

    jiangsu = real("open-budget-01")
    three = jiangsu.tables["three_public_expenses"]  # 公开09表, printed sideways
    got = {r["item"]: r["total"] for r in three.rows}
    assert got["合计"] == Decimal("1276.7") and got["会议费"] == Decimal("158.44")
    assert got["因公出国(境)费"] == Decimal("80") and got["公务用车运行维护费"] == Decimal("237")
    assert got["公务用车购置费"] is None
    spending = jiangsu.tables["expenditure_summary"]  # 公开03表 支出预算总表, mapped by meaning
    assert spending.title == "支出预算总表" and spending.table_number == "公开03表"
    row = spending.rows[0]
    assert (row["total"], row["basic"], row["project"]) == (
        Decimal("24169.74"), Decimal("15844.04"), Decimal("4335.30"))
    assert [(title, row[name]) for name, title in spending.x_fields] == [
        ("单位预留机动经费", Decimal("3990.4")), ("结转下年资金", None)]

    shanghai = real("govbudgetchecker-02")
    three = {r["item"]: r["total"] for r in shanghai.tables["three_public_expenses"].rows}  # page 20
    assert three['"三公"经费预算数（合计）'] == Decimal("867.50")
    assert three["因公出国(境)费"] == Decimal("839.00") and three["机关运行经费预算数"] == Decimal("213.28")
    assert shanghai.tables["three_public_expenses"].unit == "万元"  # this table alone is in 万元


def test_shanghai_2024_cells(real):
    """govbudgetchecker-01, read by eye on pages 11, 21, 29 and 31."""
    d = real("govbudgetchecker-01")
    income = d.tables["income_summary"]  # page 11, 2024年部门收入预算总表 mapped by meaning
    assert income.title == "2024年部门收入预算总表"
    assert [title for _, title in income.x_fields] == ["收入预算事业收入", "收入预算事业单位经营收入", "收入预算其他收入"]
    assert income.unprinted == ["general_budget", "general_budget_transfer", "fund_budget", "fund_budget_transfer",
                                "state_capital_budget", "state_capital_transfer", "special_account", "unit_funds",
                                "fiscal_carryover", "nonfiscal_carryover"]
    row = _row(income, code="2013202")
    business = income.x_fields[0][0]
    assert (row["name"], row["total"], row["fiscal_subtotal"], row[business]) == (
        "一般行政管理事务", Decimal("888700"), Decimal("888700"), Decimal("0"))
    fiscal = d.tables["fiscal_summary"]  # page 21
    assert _row(fiscal, side="expenditure", item="八、城乡社区支出")["general_budget"] == Decimal("119385303")
    assert _row(fiscal, side="expenditure", item="支出总计")["total"] == Decimal("156211123")
    basic = d.tables["general_basic_expenditure"]  # page 29: 款 printed "2" and "7"
    row = _row(basic, name="津贴补贴")
    assert (row["code"], row["section_code"], row["total"], row["public"]) == (
        "30102", "02", Decimal("16623810"), Decimal("0"))
    assert any("one digit" in str(w) for w in d.warnings)
    three = {r["item"]: r["total"] for r in d.tables["three_public_expenses"].rows}  # page 31, in 万元
    assert three["公务接待费"] == Decimal("1.35") and three["2024年机关运行经费预算数"] == Decimal("443.18")
    assert three["购置费"] == Decimal("25") and three["运行费"] == Decimal("21.56")


def test_note_says_empty_but_amounts_are_printed(real):
    """govbudgetchecker-01 page 31: '本表为空表' printed under a 三公 table full of numbers."""
    findings, _ = audit_disclosure(real("govbudgetchecker-01"))
    notes = [f for f in findings if f.check == "empty_note"]
    assert [f.resource for f in notes] == ["three_public_expenses"]
