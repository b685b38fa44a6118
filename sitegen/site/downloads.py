"""Downloads beside the pages: package ZIPs, XLSX workbooks, combined all-unit datasets."""

from __future__ import annotations

import codecs
import io
import json
import shutil
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..package.schemas import BY_NAME, RESOURCES, SOURCE_PAGE
from ..package.writer import build_time
from .combined import PANDAS_CALL, CombinedWriter, file_sha256
from .database import DB_NAME, PARQUET_DIR, write_parquet, write_sqlite
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


def _number(value: str):
    try:
        d = Decimal(value)
    except (InvalidOperation, TypeError):
        return value
    return int(d) if d == d.to_integral_value() and "." not in value else float(d)


def write_xlsx(pkg: PackageView, target: Path) -> None:
    """One sheet per resource; money as numbers, headers as printed (Chinese)."""
    from openpyxl import Workbook  # only when a page is rendered

    wb = Workbook(write_only=True)
    for res in RESOURCES:
        rows = pkg.rows(res.name)
        title = (pkg.resource(res.name) or {}).get("table_number") or ""
        sheet = wb.create_sheet(f"{title} {res.title}".strip()[:31].replace("/", "-"))
        fields = [*res.fields, SOURCE_PAGE]
        sheet.append([f.title for f in fields])
        for row in rows:
            sheet.append([_number(row.get(f.name, "")) if f.type in ("number", "integer") else row.get(f.name, "")
                          for f in fields])
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


COMBINED_TITLES = {
    "extra_tables": "其他表（长格式：每个单元格一行）",
    "findings": "数据核对发现",
    "disclosures": "公开文件一览（每份一行）",
    "units": "单位一览",
}
BOM_DIR = "excel"  # UTF-8 with BOM copies for Excel on Chinese Windows; the canonical CSV has none


def _combined_resource(folder: Path, name: str, fields: list[dict]) -> dict:
    digest, size = file_sha256(folder / f"{name}.csv")
    spec = BY_NAME.get(name)
    return {
        "name": name,
        "path": f"{name}.csv",
        "title": f"{spec.title}（全部单位）" if spec else COMBINED_TITLES.get(name, name),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": size,
        "hash": "sha256:" + digest,
        "schema": {"fields": fields, "missingValues": [""]},
        **({"unit": "万元"} if spec and spec.value_fields else {}),
    }


def _bom_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        fout.write(codecs.BOM_UTF8)
        shutil.copyfileobj(fin, fout, 1 << 20)


def finish_combined(writer: CombinedWriter, licenses: list[dict], sources: list[dict]) -> list[dict]:
    """Close the combined CSVs, describe them, and derive the Excel copies, SQLite and Parquet."""
    folder = writer.folder
    tables = writer.close()
    resources = [_combined_resource(folder, name, fields) for name, fields in tables.items()]
    for res in resources:
        _bom_copy(folder / res["path"], folder / BOM_DIR / res["path"])
    descriptor = {
        "profile": "data-package",
        "name": "sitegen-combined",
        "title": "全部单位合并数据（万元）",
        "description": ("Every published package combined, one CSV per resource; rows start with "
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
    write_sqlite(folder, tables, folder / DB_NAME, metadata)
    write_parquet(folder, tables, folder / PARQUET_DIR)
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


__all__ = ["write_zip", "write_xlsx", "finish_combined", "dictionary", "BY_NAME"]
