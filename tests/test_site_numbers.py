"""Numbers for reading, findings for citizens, coverage told honestly: the site's helpers,
and a page rendered from a package printed in 元 (the 万元/元 switch in a real browser)."""

from __future__ import annotations

import csv
import functools
import http.server
import json
import threading

import pytest

from sitegen.site.findings import plain
from sitegen.site.notes import reading_notes
from sitegen.site.render import _coverage_summary, _headline, render_site
from sitegen.site.search import pinyin_keys
from sitegen.site.tables import NOT_FOUND_MARK, table_view, trend, wan_exact, wan_round, wan_text
from sitegen.site.views import PackageView


@pytest.mark.parametrize("printed,unit,shown", [
    ("6641", "万元", "6,641.00"),  # one column mixed 6,641 and 1,683.00: now both two decimals
    ("1683.00", "万元", "1,683.00"),
    ("0.024", "万元", "0.024"),  # printed precision is never cut
    ("363454098.35", "元", "36,345.41"),  # 元 → 万元 rounded for display only
    ("91016775", "元", "9,101.68"),
    ("-534.17", "万元", "-534.17"),
    ("", "万元", ""),
])
def test_wan_text_shows_printed_precision(printed, unit, shown):
    assert wan_text(printed, unit) == shown


def test_exact_values_stay_exact():
    assert wan_exact("363454098.35", "元") == "36345.409835"
    assert wan_exact("1683.00", "万元") == "1683.00"
    assert wan_round("36345.409835") == "36,345.41"


@pytest.mark.parametrize("value,cls", [("0", ""), ("0.00", ""), ("", ""), ("15.36", "up"), ("-4.86", "down")])
def test_a_change_of_zero_is_not_an_increase(value, cls):
    assert trend(value) == cls


def test_messages_in_english_or_formulas_are_said_again_in_chinese():
    english = {"message": "fiscal_subtotal ≠ general_budget + …: expected 263.53, printed 260.53",
               "expected": "263.53", "found": "260.53"}
    assert plain(english) == "按表内其他数字推算应为 263.53 万元，原文印为 260.53 万元。"
    assert plain({**english, "expected": "2635300", "found": "2605300"}, "元").startswith("按表内其他数字推算应为 263.53 万元")
    chinese = {"message": "科目 2080199 在各表中名称不一致：甲（表2）；乙（表7）。"}
    assert plain(chinese) == chinese["message"]


def test_pinyin_and_initials():
    assert pinyin_keys("焉耆县社会保险中心") == "yanqixianshehuibaoxianzhongxin yqxshbxzx"


def test_headline_adds_only_one_year_and_kind():
    rows = [{"year": 2024, "kind": "budget", "total": "1.5"}, {"year": 2024, "kind": "budget", "total": "2"},
            {"year": 2019, "kind": "budget", "total": "100"}, {"year": 2024, "kind": "final", "total": "7"}]
    assert _headline(rows) == [
        {"year": "2024", "kind": "final", "count": 1, "total": "7"},
        {"year": "2024", "kind": "budget", "count": 2, "total": "3.5"},
        {"year": "2019", "kind": "budget", "count": 1, "total": "100"},
    ]


def _package(root, resources: list[dict], rows: dict[str, list[dict]], unit: dict | None = None,
             warnings: tuple[str, ...] = ("table not found: income_summary",)) -> PackageView:
    folder = root / "unit-x" / "2025-budget"
    folder.mkdir(parents=True)
    for name, table in rows.items():
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(table[0]))
            writer.writeheader()
            writer.writerows(table)
    descriptor = {"name": "unit-x-2025-budget", "title": "某单位2025年部门预算", "resources": resources,
                  "unit": unit or {"name": "某单位", "year": 2025, "kind": "budget"},
                  "sitegen": {"tables": len(resources), "warnings": list(warnings)}}
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return PackageView(folder, "unit-x", "2025-budget")


YUAN_ROWS = [
    {"code": "", "class_code": "", "section_code": "", "item_code": "", "level": "0", "name": "合计",
     "total": "156211123.00", "basic": "99706020.00", "project": "56505103.00", "source_page": "12"},
    {"code": "201", "class_code": "201", "section_code": "", "item_code": "", "level": "1", "name": "一般公共服务支出",
     "total": "2932700.55", "basic": "2932700.55", "project": "", "source_page": "12"},
]


def test_coverage_counts_recognised_extra_and_missing_tables(tmp_path):
    pkg = _package(tmp_path, [
        {"name": "expenditure_summary", "path": "expenditure_summary.csv", "unit": "元", "title": "支出预算总表"},
        {"name": "income_summary", "path": "income_summary.csv", "description": NOT_FOUND_MARK + " (…)"},
        {"name": "extra_x", "path": "extra_x.csv", "title": "政府采购预算表"},
    ], {"expenditure_summary": YUAN_ROWS})
    coverage = pkg.coverage()
    assert (coverage["recognised"], len(coverage["extra"]), coverage["printed"]) == (1, 1, 3)
    assert [r["name"] for r in coverage["missing"]] == ["income_summary"]
    assert not coverage["complete"]
    # the quality page lists it among the documents read only in part, never as fully checked
    assert _coverage_summary(pkg) == {"recognised": 1, "printed": 3, "complete": False}


def test_a_yuan_table_shows_wan_and_keeps_the_printed_yuan(tmp_path):
    pkg = _package(tmp_path, [{"name": "expenditure_summary", "path": "expenditure_summary.csv", "unit": "元"}],
                   {"expenditure_summary": YUAN_ROWS})
    view = table_view(pkg, "expenditure_summary")
    assert view["columns"][0].title == "合计" and view["label_title"] == "科目名称"
    total = view["rows"][0].cells[0]
    assert (total.text, total.yuan) == ("15,621.11", "156211123.00")


@pytest.mark.browser
def test_unit_switch_shows_the_printed_yuan(tmp_path, browser):
    pkg = _package(tmp_path / "dp", [{"name": "expenditure_summary", "path": "expenditure_summary.csv", "unit": "元",
                                      "title": "支出预算总表"}], {"expenditure_summary": YUAN_ROWS})
    render_site(pkg.folder.parents[1], tmp_path / "site")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/unit-x/2025-budget/index.html")
    page.evaluate("document.getElementById('expenditure_summary').open = true")
    cell = page.locator("#expenditure_summary tbody tr").first.locator("td").first
    assert cell.text_content() == "15,621.11"
    assert "15,621.1123 万元" in cell.get_attribute("title") and "156,211,123.00 元" in cell.get_attribute("title")
    cell.click()  # one tap: the exact value
    assert cell.text_content() == "15,621.1123"
    page.get_by_role("button", name="元（原文）").click()
    assert cell.text_content() == "156,211,123.00"
    assert page.locator(".cards strong").nth(1).text_content() == "99,706,020"  # 基本支出
    assert page.locator(".unitbar .u").text_content() == "元"
    page.get_by_role("button", name="万元").click()
    assert page.locator(".cards strong").nth(1).text_content() == "9,970.60"
    page.close()
    server.shutdown()


def test_parser_notes_said_in_chinese_with_their_page():
    notes, other = reading_notes([
        "收支预算总表, page 14: cell '当年支出小计' is not a number; left empty",
        "收入决算表, page 8: cell '类' under '' is not a number; left empty",
        "2024年部门收入预算总表, page 11: columns ['财政拨款收入', '事业收入'] have no contract field; "
        "published as an extra table",
        "table not found: income_summary",
        "第三部分 (情况说明) not found; no narrative_changes",
        "something new the parser says",
    ])
    assert [(n.text, n.page) for n in notes] == [
        ("「收支预算总表」中的“当年支出小计”不是数字，该格留空", "14"),
        ("「收入决算表」中的“类”不是数字，该格留空", "8"),
        ("「2024年部门收入预算总表」的列 “财政拨款收入”、“事业收入” 没有对应的统一口径字段，整表按原表列示", "11"),
        ("未找到第三部分（情况说明），因此没有增减变化及原因", ""),
    ]
    assert other == 1


def test_cell_anchors_are_distinct_for_printed_labels():
    from sitegen.site.tables import cell_anchor

    assert cell_anchor("income_summary", "20801", "total") == "c-income_summary-20801-total"
    a, b = cell_anchor("r", "一、财政拨款收入", "amount"), cell_anchor("r", "支出总计", "amount")
    assert a != b and a.isascii() and b.isascii()


def test_a_table_carries_the_notes_about_it(tmp_path):
    from sitegen.site.render import unit_context

    pkg = _package(tmp_path, [{"name": "expenditure_summary", "path": "expenditure_summary.csv", "unit": "元",
                               "title": "支出预算总表"}], {"expenditure_summary": YUAN_ROWS},
                   warnings=("支出预算总表, page 12: cell '小计' is not a number; left empty", "other note"))
    context = unit_context(pkg, [])
    table = next(t for t in context["tables"] if t["name"] == "expenditure_summary")
    assert [(n.text, n.page) for n in table["notes"]] == [("「支出预算总表」中的“小计”不是数字，该格留空", "12")]
    assert context["other_notes"] == 1
    assert context["yuan_printed"]
