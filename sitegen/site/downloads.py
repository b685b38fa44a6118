"""Downloads beside the pages: package ZIPs, XLSX workbooks, combined all-unit datasets."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..contract import BY_NAME, RESOURCES, SOURCE_PAGE
from ..package.writer import build_time, schema
from .views import PackageView

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def write_zip(folder: Path, target: Path, prefix: str) -> None:
    """The package folder as a ZIP with fixed timestamps (reproducible)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                info = zipfile.ZipInfo(f"{prefix}/{path.name}", ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes())


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


def safe_cell(sheet, value, numeric: bool = False):
    """One XLSX cell that never executes and never rounds: text is stored as text (a leading
    "=" stays characters, never a formula); an amount is a number only when Excel holds it
    exactly, else its printed digits as text."""
    from openpyxl.cell import WriteOnlyCell

    if value is None or value == "":
        return None
    number = _number(value) if numeric and isinstance(value, str) else None
    if number is not None:
        return number
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"
    return cell


def write_xlsx(pkg: PackageView, target: Path) -> None:
    """One sheet per resource; money as numbers, headers as printed (Chinese)."""
    from openpyxl import Workbook  # only when a page is rendered

    wb = Workbook(write_only=True)
    for res in RESOURCES:
        rows = pkg.rows(res.name)
        title = (pkg.resource(res.name) or {}).get("table_number") or ""
        sheet = wb.create_sheet(f"{title} {res.title}".strip()[:31].replace("/", "-"))
        fields = [*res.fields, SOURCE_PAGE]
        sheet.append([safe_cell(sheet, f.title) for f in fields])
        for row in rows:
            sheet.append([safe_cell(sheet, row.get(f.name, ""), f.type in ("number", "integer")) for f in fields])
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps the current time into docProps/core.xml: rewrite with a fixed date
    _normalise_zip(buf.getvalue(), target)


def _normalise_zip(data: bytes, target: Path) -> None:
    src = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                import re

                content = re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*<",
                                 rb"<dcterms:\1\2>1980-01-01T00:00:00Z<", content)
            info = zipfile.ZipInfo(item.filename, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, content)


def _wan(value: str, unit: str) -> str:
    """Exact decimal shift 元 → 万元."""
    if not value or unit != "元":
        return value
    try:
        return format(Decimal(value).scaleb(-4).normalize(), "f")
    except InvalidOperation:
        return value


def write_combined(views: list[PackageView], folder: Path) -> list[dict]:
    """One CSV per resource across all packages (unit_id, year, kind first; money in 万元)."""
    folder.mkdir(parents=True, exist_ok=True)
    resources = []
    for res in RESOURCES:
        money = {f.name for f in res.value_fields}
        names = ["unit_id", "year", "kind", *res.field_names, SOURCE_PAGE.name]
        digest, size = hashlib.sha256(), 0
        path = folder / f"{res.name}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(names)
            for pkg in sorted(views, key=lambda p: (p.unit_id, p.slug)):
                unit = (pkg.resource(res.name) or {}).get("unit", "万元")
                for row in pkg.rows(res.name):
                    values = [_wan(row.get(n, ""), unit) if n in money else row.get(n, "") for n in names[3:]]
                    writer.writerow([pkg.unit_id, pkg.year, pkg.unit.get("kind", ""), *values])
                pkg.forget()
        data = path.read_bytes()
        digest.update(data)
        size = len(data)
        desc_schema = schema(res, "万元", True)
        desc_schema["fields"] = [
            {"name": "unit_id", "type": "string", "title": "单位标识"},
            {"name": "year", "type": "integer", "title": "年度"},
            {"name": "kind", "type": "string", "title": "类型 (budget/final)"},
            *desc_schema["fields"],
        ]
        resources.append({
            "name": res.name,
            "path": f"{res.name}.csv",
            "title": f"{res.title}（全部单位）",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": size,
            "hash": "sha256:" + digest.hexdigest(),
            "unit": "万元",
            "schema": desc_schema,
        })
    descriptor = {
        "profile": "data-package",
        "name": "sitegen-combined",
        "title": "全部单位合并数据（万元）",
        "description": "Every published package combined, one CSV per resource; 元 converted to 万元 by an exact decimal shift.",
        "created": build_time(),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "sources": [{"title": p.descriptor.get("title", ""), "path": f"../../{p.unit_id}/{p.slug}/data/datapackage.json"}
                    for p in sorted(views, key=lambda p: (p.unit_id, p.slug))],
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return resources


def dictionary() -> list[dict]:
    """Every resource and field of the contract, for the data dictionary page."""
    out = []
    for res in RESOURCES:
        out.append({
            "name": res.name, "title": res.title, "title_en": res.title_en,
            "table": f"表{res.table}" if res.table else "",
            "fields": [*res.fields, SOURCE_PAGE],
        })
    return out


__all__ = ["write_zip", "write_xlsx", "write_combined", "dictionary", "BY_NAME"]
