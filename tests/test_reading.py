"""A reading checks itself: per-table reading records, failed rows kept out, identities counted."""

from __future__ import annotations

import json
from decimal import Decimal as D

from sitegen.disclosure.model import Table, Warning_
from sitegen.disclosure.reading import finish


def _row(code, name, total, basic=None, project=None, page=3):
    level = {3: 1, 5: 2, 7: 3}.get(len(code), 0)
    return {"code": code, "class_code": code[:3], "section_code": code[3:5], "item_code": code[5:7],
            "level": level, "name": name, "total": total, "basic": basic, "project": project, "source_page": page}


def test_glued_row_without_numbers_is_a_failed_reading():
    """The issue's text export: codes wrapped over lines glued seven subject names into one
    row with no numbers (names from corpus 002 表3). It is reported with page and text and
    kept out of the data; the real rows stay."""
    glued = "社会保障和就业支出人力资源和社会保障管理事务行政运行其他人力资源和社会保障管理事务支出" \
            "行政事业单位养老支出行政单位离退休事业单位离退休"
    table = Table("general_budget_expenditure", "一般公共预算支出情况表", rows=[
        _row("", "合计", D("7330.08"), D("324.37"), D("7005.71")),
        _row("", glued, None),
        _row("208", "社会保障和就业支出", D("7330.08"), D("324.37"), D("7005.71")),
        _row("20805", "行政事业单位养老支出", D("5666.84"), D("66.84"), D("5600")),
        _row("2080501", "行政单位离退休", D("12.87"), D("12.87")),
        _row("2080507", "机关事业单位基本养老保险基金补助", D("5653.97"), D("53.97"), D("5600")),
    ])
    warnings: list[Warning_] = []
    finish({"general_budget_expenditure": table}, warnings)
    assert [r["name"] for r in table.rows] == ["合计", "社会保障和就业支出", "行政事业单位养老支出", "行政单位离退休",
                                               "机关事业单位基本养老保险基金补助"]
    assert table.reading.failed_rows == [{"page": 3, "text": glued, "reason": table.reading.failed_rows[0]["reason"]}]
    assert any(glued in w.message and w.page == 3 for w in warnings)
    assert table.reading.rows_read == 5


def test_label_line_between_amount_rows_is_a_failed_reading_but_a_blank_row_is_not():
    """A coded table: a label with no code and no amount between rows that have amounts found
    no row (a wrapped name); a total row printed blank is kept."""
    table = Table("general_budget_expenditure", "t", rows=[
        _row("208", "社会保障和就业支出", D("10"), D("10")),
        _row("", "老保险缴费支出", None),
        _row("20805", "行政事业单位养老支出", D("10"), D("10")),
        _row("", "合计", None),
    ])
    finish({"t": table}, [])
    assert [r["name"] for r in table.rows] == ["社会保障和就业支出", "行政事业单位养老支出", "合计"]
    assert [f["text"] for f in table.reading.failed_rows] == ["老保险缴费支出"]


def test_identities_counted_on_what_was_read():
    """Row sums (total = basic + project) and 类 = Σ款, 款 = Σ项 per column; a misprint is
    counted as checked and not holding."""
    table = Table("general_budget_expenditure", "t", rows=[
        _row("208", "社会保障和就业支出", D("30"), D("10"), D("20")),
        _row("20805", "行政事业单位养老支出", D("30"), D("10"), D("20")),
        _row("2080501", "行政单位离退休", D("10"), D("10")),
        _row("2080502", "事业单位离退休", D("21"), None, D("20")),  # 21 ≠ 0 + 20
    ])
    finish({"t": table}, [])
    # row sums: 4 checked, 3 hold; 类 = Σ款: 3 columns hold; 款 = Σ项: total fails, basic and project hold
    assert (table.reading.identities_checked, table.reading.identities_holding) == (10, 8)


def test_every_resource_says_how_it_was_read(parsed, tmp_path):
    """Corpus 003 style B (horizontal rules only) and style A (ruled grid): datapackage.json
    records per resource how columns and rows were found and the identities that hold."""
    from sitegen.package.writer import write_package

    for style, columns in (("A", "vertical rules"), ("B", "header positions and gutters between body words")):
        d = parsed("003", style)
        folder, _ = write_package(d, tmp_path / style, "u")
        desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        reading = next(r for r in desc["resources"] if r["name"] == "general_budget_expenditure")["reading"]
        assert reading["columns"] == columns
        assert reading["rows_read"] == len(d.tables["general_budget_expenditure"].rows)
        assert reading["failed_rows"] == []
        assert reading["identities"]["checked"] > 0
        assert reading["identities"]["holding"] == reading["identities"]["checked"]
        assert any(h.endswith("→ total") for h in reading["header"])


def test_the_reading_survives_the_parse_cache(parsed):
    """A cached parse (serial.py's JSON) gives back each table's reading, not a dict."""
    from sitegen.disclosure.model import Reading
    from sitegen.serial import disclosure_from_data, disclosure_to_data, dumps, loads

    d = parsed("003", "B")
    back = disclosure_from_data(loads(dumps(disclosure_to_data(d))))
    for name, table in d.tables.items():
        assert isinstance(back.tables[name].reading, Reading)
        assert back.tables[name].reading.descriptor() == table.reading.descriptor()
