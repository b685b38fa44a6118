"""The unit's 三公 figure is the printed 三公 total, never a 合计 that also covers other lines.

Expected values read by eye from the rendered 三公 page of each PDF (pdfplumber `to_image`,
110 dpi; 300 dpi crop for renwu-13), not from the parser.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import DOCS, truth_rows

from sitegen.disclosure.three_public import three_public_total

PRINTED = {
    # file: (page, printed 三公 total in 万元, what the page shows)
    "govbudgetchecker-01": (31, "47.91", "三公 合计 beside 2024年机关运行经费预算数 443.18"),
    "govbudgetchecker-02": (20, "867.50", "三公 合计 beside 机关运行经费预算数 213.28"),
    "open-budget-01": (20, "418.26", "合计 1276.7 covers 会议费 158.44 and 培训费 700; 三公 小计 418.26"),
    "open-budget-05": (9, "508.20", "合计 1,471.70 covers 会议费 933.50 and 培训费 30.00; 三公 小计 508.20"),
    "renwu-01": (20, "8.00", "a 合计 line plus one unit line, 小计 8.00"),
    "renwu-04": (20, "394.49", "2025年预算数 396.97 and 2026年预算数 394.49 side by side"),
    "renwu-06": (15, "4.80", "行政经费 444.39 printed above “三公”经费 4.80"),
    "renwu-07": (31, "5.58", "rows per year (2025年, 2026年, 增减变化金额), columns per source; 2026 总计 5.58+0+0"),
    "renwu-08": (21, "24.02", "合计 line plus two unit lines; “三公”经费合计 24.02"),
    "renwu-13": (41, "6.51", "in 元: 2021年 三公 小计 65,100.00 beside 会议费 320,000.00 and 培训费 1,096,000.00"),
    "renwu-18": (9, "244.848000", "“三公”经费财政拨款预算总额 244.848000"),
    "renwu-20": (16, "3.48", "三公 合计 beside an empty 机关运行经费预算数"),
    "renwu-22": (16, "112.61", "one row under 2026年预算数: 合计 112.61 = 68.50 + 38.60 + 5.51"),
    "renwu-14": (21, "0.16", "决算: 预算数 columns all 0.00, 决算数 合计 0.16 (公务接待费 0.16)"),
}


@pytest.mark.parametrize("name", sorted(PRINTED))
def test_three_public_total_is_the_printed_three_public_figure(real_parsed, name):
    page, printed, _ = PRINTED[name]
    d = real_parsed(name)
    assert d.unit["other"]["three_public_total"] == Decimal(printed)
    resource = "final_three_public_expenses" if d.kind == "final" else "three_public_expenses"
    assert page in d.tables[resource].pages


@pytest.mark.parametrize("doc", DOCS)
def test_seed_three_public_total(parsed, doc):
    rows = truth_rows(doc, "three_public_expenses")
    printed = Decimal(next(r["total"] for r in rows if r["item"] == "合计"))
    for style in ("A", "B", "C"):
        assert parsed(doc, style).unit["other"]["three_public_total"] == printed


def test_lines_beyond_three_public_are_kept_as_rows_never_summed(real_parsed):
    """open-budget-01 公开09表: 会议费 and 培训费 stay rows with their printed labels."""
    rows = {r["item"]: r["total"] for r in real_parsed("open-budget-01").tables["three_public_expenses"].rows}
    assert rows["合计"] == Decimal("1276.7") and rows["会议费"] == Decimal("158.44") and rows["培训费"] == Decimal("700")
    assert rows['"三公"经费（小计）'] == Decimal("418.26")
    assert rows["公务用车购置费"] is None  # printed blank, kept as a row


def test_two_years_side_by_side_keep_the_prior_year_as_x_field(real_parsed):
    """renwu-04 表八: 2026 fills `total`; the printed 2025年预算数 is kept, titled as printed."""
    table = real_parsed("renwu-04").tables["three_public_expenses"]
    assert table.x_fields == [("x_2025_nian_yu_suan_shu", "2025年预算数")]
    total = next(r for r in table.rows if r["item"] == "合计")
    assert (total["total"], total["x_2025_nian_yu_suan_shu"]) == (Decimal("394.49"), Decimal("396.97"))
    cars = next(r for r in table.rows if r["item"] == "公务用车购置及运行费（小计）")
    assert (cars["total"], cars["x_2025_nian_yu_suan_shu"]) == (Decimal("200.00"), Decimal("202.48"))


def test_total_plus_unit_lines(real_parsed):
    """renwu-08 表7: the 合计 line fills the table; each unit line is an x_ field titled with its name."""
    table = real_parsed("renwu-08").tables["three_public_expenses"]
    titles = [t for _, t in table.x_fields]
    assert titles == ["杭州市气象局", "杭州市气象服务中心(杭州市预警信息发布中心)"]
    reception = next(r for r in table.rows if r["item"] == "公务接待费")
    name = table.x_fields[1][0]
    assert (reception["total"], reception[table.x_fields[0][0]], reception[name]) == (
        Decimal("6.02"), Decimal("5.93"), Decimal("0.09"))


@pytest.mark.parametrize("rows,expected", [
    ([{"item": "合计", "total": Decimal("9")}, {"item": "会议费", "total": Decimal("4")},
      {"item": "因公出国(境)费", "total": Decimal("2")}, {"item": "公务接待费", "total": Decimal("1")},
      {"item": "购置费", "total": Decimal("1")}, {"item": "运行费", "total": Decimal("1")}], Decimal("5")),
    ([{"item": "合计", "total": Decimal("3")}, {"item": "公务接待费", "total": Decimal("3")}], Decimal("3")),
    ([{"item": "总计", "total": None, "general_budget": Decimal("5.58"), "fund_budget": Decimal("0")}],
     Decimal("5.58")),
    ([{"item": "机关运行经费", "total": Decimal("7")}], None),
])
def test_three_public_rules(rows, expected):
    assert three_public_total(rows) == expected


def test_cards_and_chart_show_the_three_public_lines(real_parsed, tmp_path):
    """The unit card / comparison figure and the 三公 chart, from the written package."""
    from sitegen.package.writer import write_package
    from sitegen.site.views import PackageView

    folder, _ = write_package(real_parsed("open-budget-01"), tmp_path, "jsjcy")
    view = PackageView(folder, "jsjcy", folder.name)
    assert view.three_public() == "418.26"
    assert dict(view.three_public_series()) == {
        "因公出国(境)费": Decimal("80"), "公务用车购置费": Decimal("0"), "公务用车运行维护费": Decimal("237"),
        "公务接待费": Decimal("101.26")}


def test_combined_data_and_comparison_carry_the_three_public_lines_figure(real_parsed, tmp_path):
    """The all-unit `disclosures` table and the comparison page show 418.26 / 508.20, not the 合计
    1276.7 / 1,471.70 that also covers 会议费 and 培训费."""
    import csv

    from sitegen.package.writer import write_package
    from sitegen.site.render import render_site

    dp = tmp_path / "dp"
    for name, unit_id in (("open-budget-01", "jsjcy"), ("open-budget-05", "jswbgt")):
        write_package(real_parsed(name), dp, unit_id)
    render_site(dp, tmp_path / "site")
    with open(tmp_path / "site" / "data" / "combined" / "disclosures.csv", encoding="utf-8") as fh:
        got = {r["unit_id"]: r["three_public"] for r in csv.DictReader(fh)}
    assert got == {"jsjcy": "418.26", "jswbgt": "508.20"}
    compare = (tmp_path / "site" / "compare.html").read_text(encoding="utf-8")
    assert 'data-value="418.26"' in compare and 'data-value="508.20"' in compare
    assert "1276.7" not in compare and "1471.70" not in compare


def test_x_fields_are_written_after_the_contract_fields(real_parsed, tmp_path):
    import json

    from sitegen.package.writer import write_package

    folder, _ = write_package(real_parsed("renwu-04"), tmp_path, "cq")
    dp = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in dp["resources"] if r["name"] == "three_public_expenses")
    names = [f["name"] for f in res["schema"]["fields"]]
    assert names[-2:] == ["x_2025_nian_yu_suan_shu", "source_page"]
    assert res["schema"]["fields"][-2]["title"] == "2025年预算数"
    assert res["unprinted_fields"] == ["general_budget", "fund_budget", "state_capital_budget"]
    header = (folder / "three_public_expenses.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "item,total,general_budget,fund_budget,state_capital_budget,x_2025_nian_yu_suan_shu,source_page"
