"""The audit reports the documents' own inconsistencies (truth/ISSUES.md), and nothing else."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.audit import audit_disclosure
from sitegen.audit.checks import audit_tables
from sitegen.cli import cli


def _errors(findings):
    return [f for f in findings if f.severity == "error"]


@pytest.mark.parametrize("style", ["A", "B", "C"])
def test_002_findings(parsed, style):
    findings, checks = audit_disclosure(parsed("002", style))
    assert checks > 300
    got = {(f.table.split(" ")[0], f.row_code, f.column, f.expected, f.found) for f in _errors(findings)}
    assert got == {
        ("表2", "20801", "general_budget", "257.53", "260.53"),   # A1: 款 ≠ Σ 项
        ("表2", "20801", "fiscal_subtotal", "263.53", "260.53"),  # A2: row ≠ Σ parts
        ("表2", "208", "general_budget", "5927.37", "5924.37"),   # A3: 类 ≠ Σ 款
    }
    names = {f.row_code for f in findings if f.check == "same_code_names"}
    assert names == {"2080199", "2080601", "2080699", "2082602"}  # A4–A7


@pytest.mark.parametrize("style", ["A", "B", "C"])
def test_004_findings(parsed, style):
    findings, _ = audit_disclosure(parsed("004", style))
    got = {(f.table.split(" ")[0], f.row_code, f.column, f.expected, f.found) for f in _errors(findings)}
    assert got == {
        ("表6", "301", "total", "408.40", "408.42"),
        ("表6", "301", "personnel", "408.40", "408.42"),
    }
    assert {f.check for f in findings if f.severity == "warning"} == {
        "narrative_reason", "narrative_persons", "narrative_staff"}


def test_003_project_name_differs(parsed):
    findings, checks = audit_disclosure(parsed("003", "A"))
    assert checks > 200
    assert [(f.check, f.expected, f.found) for f in findings] == [
        ("project_name", "自治区社会保障信息化建设和管理维护项目", "自治区社会保障信息化建设和管理服务项目")
    ]


def test_002_narrative_unit_misprint(parsed):
    findings, _ = audit_disclosure(parsed("002", "B"))
    slips = [f for f in findings if f.check == "narrative_unit" and f.row_code]
    assert [(f.row_code, f.found) for f in slips] == [("2210201", "26.23元")]


def test_narrative_figures_are_checked(parsed):
    d = parsed("004", "A")
    import copy

    broken = copy.deepcopy(d)
    row = next(r for r in broken.records["narrative_changes"] if r["section"] == "支出预算/基本支出")
    row["amount"] = row["amount"] + 1
    findings, _ = audit_disclosure(broken)
    assert any(f.check == "narrative_total" and f.row_name == "" or "基本支出" in f.message for f in findings)


def _clean_tables(parsed):
    d = parsed("003", "A")
    tables = {name: copy.deepcopy(t.rows) for name, t in d.tables.items()}
    tables.update(copy.deepcopy(d.records))
    titles = {name: f"{t.table_number} {t.title}" for name, t in d.tables.items()}
    units = {name: t.unit for name, t in d.tables.items()}
    return tables, titles, units


PERTURBED = [
    (resource, i, column)
    for resource, columns in {
        "expenditure_summary": ("total", "basic", "project"),
        "general_budget_expenditure": ("total", "basic"),
        "general_basic_expenditure": ("total", "personnel", "public"),
        "income_summary": ("total", "general_budget"),
        "general_project_expenditure": ("total", "goods_services"),
    }.items()
    for i in range(0, 12, 3)
    for column in columns
]


@pytest.mark.parametrize("resource,index,column", PERTURBED)
def test_one_changed_cell_fires_its_checks(parsed, resource, index, column):
    tables, titles, units = _clean_tables(parsed)
    rows = tables[resource]
    if index >= len(rows) or rows[index].get(column) is None:
        pytest.skip("no printed value there")
    baseline = {(f.check, f.resource, f.row_code, f.column) for f in audit_tables(tables, titles, units)[0]}
    row = rows[index]
    row[column] = row[column] + Decimal("1.00")
    findings = [f for f in audit_tables(tables, titles, units)[0]
                if (f.check, f.resource, f.row_code, f.column) not in baseline]
    assert findings, "a changed cell must break at least one identity"
    code = row.get("code") or ""
    for f in findings:
        if f.resource == resource:
            related = f.row_code == code or code.startswith(f.row_code) or f.row_code == ""
            assert related, f"unrelated finding {f}"
        else:
            # only cross-table checks may fire elsewhere, and only for totals or the same code
            assert f.check in ("cross_table", "narrative_total", "narrative_item"), f"unrelated finding {f}"
            assert f.row_code in ("", code), f"unrelated finding {f}"
        # the change, give or take the document's own rounding (0.01)
        assert abs(abs(Decimal(f.found or "0") - Decimal(f.expected or "0")) - Decimal("1.00")) <= Decimal("0.01")


def test_validate_json_and_exit_code(tmp_path):
    from conftest import pdf_path

    CliRunner().invoke(cli, ["parse", str(pdf_path("004", "A")), "--out", str(tmp_path)])
    result = CliRunner().invoke(cli, ["validate", "--json", str(tmp_path)])
    assert result.exit_code == 1  # 表6 301 does not add up
    import json

    report = json.loads(result.output)
    pkg = report["packages"][0]
    assert set(pkg) >= {"unit_id", "year", "kind", "path", "checks_run", "findings"}
    assert pkg["checks_run"] > 200
    assert {f["check"] for f in pkg["findings"] if f["severity"] == "error"} == {"hierarchy"}
    contract = {"resource", "row_code", "column", "check", "severity", "expected", "found", "source_page",
                "message", "suspect"}  # DATA-CONTRACT: combined datasets and audit findings
    assert all(set(f) >= contract for f in pkg["findings"])
    assert all(f["message"] and not f["message"].isascii() for f in pkg["findings"])  # plain Chinese


def test_002_narrative_names_differ_from_tables(parsed):
    findings, _ = audit_disclosure(parsed("002", "C"))
    names = {(f.row_code, f.found) for f in findings if f.check == "narrative_name"}
    assert names == {
        ("2080505", "机关事业单位基本养老保险基金缴费支出"),
        ("2080507", "对机关事业单位基本养老保险基金的补助支出"),
        ("2082602", "财政对城乡居民养老保险的补助"),
    }


def test_002_units_misprinted_in_the_text(parsed):
    """ISSUES.md 002 C: 26.23元 for 万元, 人均0.05元, 6271.97人/月 and 211人/月 for 元/人/月."""
    findings, _ = audit_disclosure(parsed("002", "A"))
    slips = sorted(f.found for f in findings if f.check == "narrative_unit")
    assert slips == sorted(["26.23元", "0.05元", "6271.97人/月", "211人/月"])


def test_004_reason_contradicts_the_amount(parsed):
    """ISSUES.md 004 #2: 公务用车运行费 3.60 万元 budgeted, the reason says there is none."""
    findings, _ = audit_disclosure(parsed("004", "A"))
    reasons = [f for f in findings if f.check == "narrative_reason"]
    assert [(f.row_name, f.expected) for f in reasons] == [("三公经费/公务用车运行费", "3.60万元")]


@pytest.mark.parametrize("source", ["pdf", "text"])
def test_wording_slips(parsed, source):
    """ISSUES.md 002 C (names in the text) and 004 #3, #4 (head counts)."""
    from conftest import FIXTURES

    from sitegen.audit.wording import WORDING_CHECKS
    from sitegen.disclosure import parse_document
    from sitegen.extract import read_document

    def wording(doc):
        d = parsed(doc, "A") if source == "pdf" else parse_document(read_document(FIXTURES / doc / "source.txt"))
        return sorted((f.check, f.found) for f in audit_disclosure(d)[0]
                      if f.check in WORDING_CHECKS - {"narrative_unit"})  # units: test_002_units_…

    assert wording("002") == [
        ("narrative_component", "公务员医疗补助缴费"),
        ("narrative_term", "国有资产经营预算"),
        ("narrative_title", "结转结余预算支出情况表"),
        ("narrative_transfer", ""),
    ]
    assert wording("003") == []
    assert wording("004") == [("narrative_persons", "84"), ("narrative_staff", "-1")]


def test_one_misprint_is_explained_once(parsed):
    """ISSUES.md 002 A1–A3: one cell (表2 20801 一般公共预算 260.53) breaks three identities; 257.53 fits all."""
    findings, _ = audit_disclosure(parsed("002", "A"))
    errors = _errors(findings)
    assert len(errors) == 3
    suspects = {(f.suspect["resource"], f.suspect["row_code"], f.suspect["column"], f.suspect["printed"],
                 f.suspect["likely"], f.suspect["explains"]) for f in errors}
    assert suspects == {("income_summary", "20801", "general_budget", "260.53", "257.53", 3)}
    assert "257.53" in errors[0].suspect["message"] and errors[0].suspect["source_page"]


def test_a_lone_failure_names_no_suspect(parsed):
    """004 表6 301: one identity per column fails; no single cell can be singled out."""
    findings, _ = audit_disclosure(parsed("004", "A"))
    assert all(f.suspect is None for f in _errors(findings))


def test_every_finding_is_a_declared_check_with_a_chinese_message(parsed):
    from sitegen.audit import CHECKS

    for doc in ("002", "003", "004"):
        for f in audit_disclosure(parsed(doc, "B"))[0]:
            spec = CHECKS[f.check]
            assert f.severity == spec.severity
            assert f.message and "{" not in f.message and not f.message.isascii()
            if f.severity == "error":
                assert f.source_page, f


REAL = sorted((Path(__file__).parents[1] / "content" / "real").glob("*.pdf"))


@pytest.mark.parametrize("doc,style", [("002", "A"), ("003", "B"), ("004", "C"), *((p.name, "real") for p in REAL)])
def test_build_and_validate_report_the_same_findings(tmp_path, doc, style):
    """One audit path: what the build publishes in audit.json is what `validate --json` reports."""
    import json
    import shutil

    from conftest import make_content

    if style == "real":
        content = tmp_path / "content"
        content.mkdir()
        shutil.copy(Path(__file__).parents[1] / "content" / "real" / doc, content / doc)
    else:
        content = make_content(tmp_path, {f"{doc}.pdf": (doc, style)})
    result = CliRunner().invoke(cli, ["build", "--content", str(content), "--data", str(tmp_path / "dp"),
                                      "--out", str(tmp_path / "site"), "--cache", ""])
    assert result.exit_code == 0, result.output
    report = json.loads(CliRunner().invoke(cli, ["validate", "--json", str(tmp_path / "dp")]).output)
    (pkg,) = report["packages"]
    built = json.loads((Path(pkg["path"]) / "audit.json").read_text(encoding="utf-8"))
    assert pkg["findings"] == built["findings"]
    assert pkg["checks_run"] == built["checks_run"]
    assert f"{len(built['findings'])} findings" in result.output


def test_validate_fail_on_levels(tmp_path):
    from conftest import pdf_path

    CliRunner().invoke(cli, ["parse", str(pdf_path("004", "A")), "--out", str(tmp_path)])
    codes = {level: CliRunner().invoke(cli, ["validate", "--fail-on", level, str(tmp_path)]).exit_code
             for level in ("invalid", "errors", "warnings")}
    assert codes == {"invalid": 0, "errors": 1, "warnings": 1}
    csv_path = next(tmp_path.rglob("income_summary.csv"))
    csv_path.write_text(csv_path.read_text(encoding="utf-8") + "x\n", encoding="utf-8")  # breaks the hash
    assert CliRunner().invoke(cli, ["validate", "--fail-on", "invalid", str(tmp_path)]).exit_code == 1


@pytest.mark.parametrize("name,carried", [("renwu-07", "上年结余、结转"), ("renwu-18", "上年结转结余"),
                                          ("renwu-22", "上年结转")])
def test_income_total_counts_the_carry_over_after_the_subtotal(real_parsed, name, carried):
    """收入总计 = 本年收入合计 + 上年结转 (unnumbered) — renwu-07 p15–16, renwu-18 p1, renwu-22 p5 add up."""
    d = copy.deepcopy(real_parsed(name))
    assert not [f for f in audit_disclosure(d)[0] if f.check == "side_sum"]
    row = next(r for r in d.tables["income_expenditure_summary"].rows if r["item"] == carried)
    row["amount"] += 1
    broken = [f for f in audit_disclosure(d)[0] if f.check == "side_sum"]
    assert [(f.row_name, f.resource) for f in broken] == [("收入总计", "income_expenditure_summary")]


def test_a_component_printed_as_a_subject_is_no_slip():
    """open-budget-01 p29–30 lists 人员经费 as 「…住房公积金、提租补贴」; 提租补贴 is 2210202 in its
    function tables, not a misprint of 表6's 津贴补贴 (two of four characters apart)."""
    from sitegen.audit.wording import check_components

    text = "（一）人员经费 13,452.12 万元。主要包括：基本工资、津贴补贴、奖金、住房公积金、提租补贴。"
    names = {"基本工资", "津贴补贴", "奖金", "住房公积金"}
    assert list(check_components(text, names, frozenset({"提租补贴", "住房公积金"}))) == []
    assert list(check_components(text, names)) == []  # short names: one character apart at most
    slip = list(check_components(text.replace("基本工资", "基本工姿"), names))
    assert [(f.found, f.expected) for f in slip] == [("基本工姿", "基本工资")]
