"""Downloads beside the pages: package ZIPs, XLSX workbooks, combined all-unit datasets."""

from __future__ import annotations

import datetime
import io
import json
import shutil
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..contract import BY_NAME, SOURCE_PAGE
from ..package.writer import build_time, source_file_name
from .combined import FINDING_FIELDS, PANDAS_CALL, CombinedWriter
from .database import DB_NAME, SiteDatabase, write_metadata
from .partitions import BOM_DIR
from .views import PackageView

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
XLSX_DATE = datetime.datetime(1980, 1, 1)
PUBLISHER = "sitegen 开放数据（据各单位公开的部门预算、决算文件整理）"


def write_zip(folder: Path, target: Path, prefix: str, source: Path | None = None) -> None:
    """The package folder, with its source document as sources[].path names it, as a ZIP
    with fixed timestamps (reproducible)."""
    files = [(path.name, path) for path in sorted(folder.iterdir()) if path.is_file()]
    if source is not None and Path(source).is_file():
        files.append((source_file_name(Path(source).name), Path(source)))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, path in files:
            info = zipfile.ZipInfo(f"{prefix}/{name}", ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as fin, zf.open(info, "w") as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)


EXCEL_DIGITS = 15  # significant digits an Excel number holds exactly


def _number(value: str):
    """An amount as an int/float when Excel keeps every digit; otherwise None."""
    try:
        d = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not d.is_finite() or len(d.as_tuple().digits) > EXCEL_DIGITS:
        return None
    return int(d) if d == d.to_integral_value() and "." not in value else float(d)


def safe_cell(value, numeric: bool = False) -> tuple[str, object] | None:
    """How one XLSX cell is written, never executing and never rounding: ("number", value)
    only when Excel holds the amount exactly, else ("string", text) — a leading "=" stays
    characters, never a formula; None for an empty cell."""
    if value is None or value == "":
        return None
    number = _number(value) if numeric and isinstance(value, str) else None
    if number is not None:
        return "number", number
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "number", value
    return "string", str(value)


def _write_row(sheet, row: int, values: list, numeric: list[bool] | None = None) -> None:
    for col, value in enumerate(values):
        cell = safe_cell(value, numeric[col] if numeric else False)
        if cell is None:
            continue
        if cell[0] == "number":
            sheet.write_number(row, col, cell[1])
        else:
            sheet.write_string(row, col, cell[1])


XLSX_MAX_WIDTH = 60  # characters; wider text wraps in Excel anyway
XLSX_MIN_WIDTH = 6


def _sheet_name(title: str, taken: set[str]) -> str:
    base = "".join("-" if c in "[]:*?/\\" else c for c in title).strip()[:31] or "sheet"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base[:28]}~{n}"
    taken.add(name)
    return name


def _width(value) -> int:
    """Display width: CJK and other wide characters count double."""
    text = value if isinstance(value, str) else str(value if value is not None else "")
    return len(text) if text.isascii() else len(text) + sum(1 for c in text if ord(c) > 0x2E80)


def _widths(sheet, header_rows: list[list[str]], rows: list[list]) -> None:
    """Column widths from the longest cell, within bounds."""
    longest: list[int] = []
    for row in [*header_rows, *rows]:
        if len(row) > len(longest):
            longest += [0] * (len(row) - len(longest))
        for i, value in enumerate(row):
            w = _width(value)
            if w > longest[i]:
                longest[i] = w
    for i, w in enumerate(longest):
        sheet.set_column(i, i, max(XLSX_MIN_WIDTH, min(XLSX_MAX_WIDTH, w + 2)))


def _table_sheet(wb, taken: set[str], title: str, fields: list, rows: list[dict]) -> None:
    """Row 1 the Chinese titles, row 2 the field names (as in the CSV), frozen above the data."""
    sheet = wb.add_worksheet(_sheet_name(title, taken))
    header = [[f.title for f in fields], [f.name for f in fields]]
    body = [[row.get(f.name, "") for f in fields] for row in rows]
    _widths(sheet, header, body)
    sheet.freeze_panes(2, 1 if len(fields) > 1 else 0)
    numeric = [f.type in ("number", "integer") for f in fields]
    for i, line in enumerate(header):
        _write_row(sheet, i, line)
    for i, line in enumerate(body, start=len(header)):
        _write_row(sheet, i, line, numeric)


def _pairs_sheet(wb, taken: set[str], title: str, pairs: list[tuple[str, object]]) -> None:
    sheet = wb.add_worksheet(_sheet_name(title, taken))
    rows = [[k, _text(v)] for k, v in pairs]
    _widths(sheet, [], rows)
    for i, row in enumerate(rows):
        _write_row(sheet, i, row)


def _text(value) -> str:
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    return "" if value is None else str(value)


def _flatten(prefix: str, value) -> list[tuple[str, object]]:
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _flatten(f"{prefix}.{k}" if prefix else k, v)]
    return [(prefix, value)]


def about_pairs(pkg: PackageView, citation: str) -> list[tuple[str, object]]:
    """What a reader of a downloaded file needs to know of where it came from."""
    dp = pkg.descriptor
    source = (dp.get("sources") or [{}])[0]
    lic = (dp.get("licenses") or [{}])[0]
    return [
        ("标题 title", dp.get("title", "")), ("单位 unit", pkg.unit.get("name", "")),
        ("地区 region", pkg.unit.get("region", "")), ("年度 year", pkg.year),
        ("类型 kind", pkg.unit.get("kind", "")), ("数据包 package", dp.get("name", "")),
        ("版本 version", dp.get("version", "")), ("许可 licence", f"{lic.get('name', '')} {lic.get('path', '')}".strip()),
        ("发布 publisher", PUBLISHER), ("引用 citation", citation),
        ("原始文件 source", source.get("title", "")), ("原文地址 source_url", source.get("url", "")),
        ("原文 sha256", source.get("sha256", "")),
        ("说明 note", "金额按原文照录（单位见各表）；核对发现只报告、不修正。Amounts as printed; findings are reported, never fixed."),
    ]


def write_xlsx(pkg: PackageView, target: Path, citation: str = "") -> None:
    """A workbook for Excel users: 说明 (provenance, licence), one sheet per table with the
    field-name row and a frozen header, 单位概况 (unit facts), 核对发现 (findings)."""
    import xlsxwriter  # only when a download is made

    buf = io.BytesIO()
    # in memory, xlsxwriter dates every zip entry 1980-01-01 and the document `created`: reproducible
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    wb.set_properties({"created": XLSX_DATE})  # reproducible: no build time inside
    taken: set[str] = set()
    _pairs_sheet(wb, taken, "说明", about_pairs(pkg, citation))
    for desc in pkg.descriptor.get("resources", []):
        spec = BY_NAME.get(desc.get("name", ""))
        if spec is None and not desc.get("name", "").startswith("extra_"):
            continue
        fields = [*spec.fields, SOURCE_PAGE] if spec else [_SchemaField(f) for f in desc["schema"]["fields"]]
        title = f"{desc.get('table_number') or ''} {desc.get('title') or (spec.title if spec else '')}"
        _table_sheet(wb, taken, title, fields, pkg.rows(desc["name"]))
    facts = [pair for key, value in pkg.unit.items() if key not in ("name", "year", "kind")
             for pair in _flatten(key, value)]
    _pairs_sheet(wb, taken, "单位概况", facts)
    _table_sheet(wb, taken, "核对发现", [_SchemaField({"name": n, "type": t, "title": FINDING_TITLES.get(n, n)})
                                      for n, t in FINDING_FIELDS], pkg.findings())
    wb.close()
    target.write_bytes(buf.getvalue())


class _SchemaField:
    """A field of a package's own schema (extra_ tables), shaped like a contract Field."""

    def __init__(self, desc: dict):
        self.name, self.type = desc["name"], desc.get("type", "string")
        self.title = desc.get("title") or desc["name"]


FINDING_TITLES = {"resource": "资源", "table": "表", "row_code": "科目编码", "row_name": "科目名称",
                  "column": "列", "check": "核对项", "severity": "级别", "expected": "应为", "found": "原文",
                  "source_page": "页码", "message": "说明", "suspect": "可疑单元格"}


COMBINED_TITLES = {
    "extra_tables": "其他表（长格式：每个单元格一行）",
    "findings": "数据核对发现",
    "disclosures": "公开文件一览（每份一行）",
    "units": "单位一览",
}
def _combined_resource(name: str, fields: list[dict], whole: dict, parts: list[str]) -> dict:
    """A combined table: its whole CSV, or — over the size limit — its partitions as one
    Frictionless multipart resource (each part has the header; readers skip it after the first)."""
    spec = BY_NAME.get(name)
    files = {"path": parts, "sitegen_digest": whole["digest"], "sitegen_bytes": whole["bytes"]} if whole.get("multipart") else {
        "path": f"{name}.csv", "bytes": whole["bytes"], "hash": "sha256:" + whole["sha256"]}
    return {
        "name": name,
        **files,
        "title": f"{spec.title}（全部单位）" if spec else COMBINED_TITLES.get(name, name),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": fields, "missingValues": [""]},
        **({"unit": "万元"} if spec and spec.value_fields else {}),
        "sitegen_partitions": parts,  # the same rows by year and province: <table>/<year>/<province>.csv
        **({"sitegen_excel": f"{BOM_DIR}/{name}.csv"} if whole.get("excel") else {}),
    }


def finish_combined(writer: CombinedWriter, database: SiteDatabase, licenses: list[dict],
                    sources: list[dict]) -> list[dict]:
    """Close the combined tables (partitions, whole CSVs, Excel copies, Parquet), describe them,
    finish the database."""
    folder = writer.folder
    tables, wholes = writer.close()
    parts = {name: sorted(str(p.relative_to(folder)) for p in (folder / name).rglob("*.csv"))
             if (folder / name).is_dir() else [] for name in tables}
    resources = [_combined_resource(name, fields, wholes[name], parts[name]) for name, fields in tables.items()]
    descriptor = {
        "profile": "data-package",
        "name": "sitegen-combined",
        "title": "全部单位合并数据（万元）",
        "description": ("Every published package combined, one CSV per resource (also cut by year and "
                        "province: <table>/<year>/<province>.csv, see sitegen_partitions); rows start with "
                        "unit_id, unit_name, region, year, kind; money in 万元 (元 shifted exactly, "
                        "see printed_unit). Read codes as strings: " + PANDAS_CALL),
        "created": build_time(),
        "licenses": licenses,
        "sources": sources,
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                                             encoding="utf-8")
    metadata = {"title": descriptor["title"], "license": licenses[0].get("name", "") if licenses else "",
                "license_url": licenses[0].get("path", "") if licenses else "",
                "description": descriptor["description"]}
    database.finish(folder / "units.csv", wholes["units"]["sha256"], folder / DB_NAME)
    write_metadata(folder / "metadata.json", metadata)
    return resources


def dictionary() -> list[dict]:
    """Every resource and field of the contract, for the data dictionary page."""
    out = []
    for res in BY_NAME.values():  # budget, then final-accounts resources
        out.append({
            "name": res.name, "title": res.title, "title_en": res.title_en,
            "table": (f"公开{res.table:02d}表" if res.name.startswith("final_") else f"表{res.table}")
            if res.table else "",
            "fields": [*res.fields, SOURCE_PAGE],
        })
    return out


__all__ = ["write_zip", "write_xlsx", "finish_combined", "dictionary", "BY_NAME"]
