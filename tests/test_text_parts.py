"""Unit facts, year-on-year statements and performance targets equal the truth, field by field."""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import pytest
from conftest import DOCS, FIXTURES, STYLES, truth_rows, truth_unit

from sitegen.disclosure.narrative import clean_lines, narrative_changes, unit_facts
from sitegen.disclosure.performance import parse_target
from sitegen.extract import read_document


def _v(value, column=""):
    """Compare numbers as numbers; text without extraction spaces (the truth keeps some)."""
    if value is None or value == "":
        return ""
    if column in ("amount", "change", "change_pct", "target_value", "weight"):
        return Decimal(str(value))
    return re.sub(r"\s", "", str(value))


def _diff(truth: list[dict], got: list[dict]) -> list[str]:
    out = []
    for i in range(max(len(truth), len(got))):
        t = truth[i] if i < len(truth) else {}
        g = got[i] if i < len(got) else {}
        for c in (truth or got)[0].keys():
            if _v(t.get(c), c) != _v(g.get(c), c):
                out.append(f"row {i + 1} {c}: expected {t.get(c)!r}, got {g.get(c)!r}")
    return out


def _unit_diff(doc: str, unit: dict) -> list[str]:
    truth = truth_unit(doc)
    out = [k for k in ("name", "year", "kind", "functions", "departments", "staffing", "published_on")
           if unit.get(k) != truth[k]]
    for k, v in truth["other"].items():
        if k == "assets":
            for a, av in v.items():
                if Decimal(str(unit["other"].get("assets", {}).get(a, "nan"))) != Decimal(str(av)):
                    out.append(f"assets.{a}")
        elif Decimal(str(unit["other"].get(k, "nan"))) != Decimal(str(v)):
            out.append(k)
    return out


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("doc", DOCS)
def test_pdf_unit_narrative_and_targets(parsed, doc, style):
    d = parsed(doc, style)
    assert _unit_diff(doc, d.unit) == []
    assert _diff(truth_rows(doc, "narrative_changes"), d.records["narrative_changes"]) == []
    assert _diff(truth_rows(doc, "performance_targets"), d.records["performance_targets"]) == []


@pytest.mark.parametrize("doc", DOCS)
def test_text_unit_and_narrative(parsed, doc):
    """source.txt shares the narrative parser; the codes come from the same document's tables."""
    lines = clean_lines(read_document(FIXTURES / doc / "source.txt"))
    warnings = []
    facts = unit_facts(lines, warnings)
    unit = {**facts, "name": truth_unit(doc)["name"], "year": truth_unit(doc)["year"], "kind": "budget"}
    assert _unit_diff(doc, unit) == []
    tables = {name: t.rows for name, t in parsed(doc, "A").tables.items()}
    rows = narrative_changes(lines, tables, warnings)
    assert _diff(truth_rows(doc, "narrative_changes"), rows) == []


def test_changes_are_signed():
    rows = truth_rows("004", "narrative_changes")
    assert any(Decimal(r["change"]) < 0 for r in rows if r["change"])


@pytest.mark.parametrize(
    "text,expected",
    [
        (">=95%", (">=", Decimal("95"), "%")),
        ("≥ 107016 人", (">=", Decimal("107016"), "人")),
        ("<=0.48 万元/个", ("<=", Decimal("0.48"), "万元/个")),
        ("＞=2批", (">=", Decimal("2"), "批")),
        ("$\\geq 95\\%$", (">=", Decimal("95"), "%")),
        ("=12 次", ("=", Decimal("12"), "次")),
        ("有效提升", ("", None, "")),
    ],
)
def test_parse_target(text, expected):
    assert parse_target(text) == expected


def test_missing_sections_warn_not_crash():
    from sitegen.extract.document import Document, Page

    doc = Document("x.txt", "0" * 64, [Page(1, lines=["第三部分 说明", "没有任何数字"])], "text/plain")
    warnings = []
    assert narrative_changes(clean_lines(doc), {}, warnings) == []
    facts = unit_facts(clean_lines(doc), warnings)
    assert "functions" not in facts
    assert any("主要职能" in str(w) for w in warnings)


def test_truth_fixture_has_performance_rows():
    with open(FIXTURES / "003" / "truth" / "performance_targets.csv", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 37


def test_narrative_wording_variants():
    """Other documents say 较2023年, 与上年相比, 编制人数, 实有人员: the same facts."""
    from sitegen.extract.document import Document, Page

    lines = [
        "第一部分 概况", "一、主要职能", "（一）负责甲。（二）负责乙。", "二、机构设置及人员情况",
        "某单位编制人数 12 人，实有人员 10 人，其中：在职 8 人，增加 1 人；退休 2 人，减少 1 人。",
        "第三部分 情况说明", "三、关于某单位支出预算情况说明",
        "基本支出 100.00 万元，占 50%，较2023年预算增加 10.00 万元，增长 11.11%，主要原因是人员增加。",
        "项目支出 100.00 万元，占 50%，与上年相比减少 5.00 万元，下降 4.76%，主要原因是项目完成。",
    ]
    doc = Document("x.txt", "0" * 64, [Page(1, lines=lines)], "text/plain")
    warnings = []
    cleaned = clean_lines(doc)
    facts = unit_facts(cleaned, warnings)
    assert facts["staffing"]["authorized"] == 12 and facts["staffing"]["actual"] == 10
    assert facts["staffing"]["retired_change"] == -1
    rows = narrative_changes(cleaned, {}, warnings)
    got = {r["section"]: (r["amount"], r["change"], r["change_pct"]) for r in rows}
    assert got["支出预算/基本支出"] == (Decimal("100.00"), Decimal("10.00"), Decimal("11.11"))
    assert got["支出预算/项目支出"] == (Decimal("100.00"), Decimal("-5.00"), Decimal("-4.76"))
