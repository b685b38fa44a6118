"""Disclosure → Frictionless data package on disk, written atomically."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from .. import __version__
from ..contract import (
    BY_NAME,
    PROFILE_VERSION,
    RECORD_RESOURCES,
    SOURCE_PAGE,
    Resource,
    extra_resource,
    table_resources,
    with_extra_fields,
)
from ..disclosure.model import Disclosure, Table
from ..fsutil import make_temp_dir, swap_in

_SLUG_BAD = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lowercase ASCII, hyphen-separated; Chinese becomes pinyin. Never empty."""
    from pypinyin import (
        lazy_pinyin,  # 0.5 s to import: only when a slug is made (a no-op build makes none)
    )

    parts = lazy_pinyin(text or "")
    slug = _SLUG_BAD.sub("-", "-".join(parts).lower()).strip("-")
    slug = re.sub(r"-{2,}", "-", slug)[:80].strip("-")
    return slug or "unit"


def safe_id(value: str) -> str:
    """Sanitise a user-supplied id so it is one safe path segment."""
    slug = _SLUG_BAD.sub("-", (value or "").lower()).strip("-")
    return re.sub(r"-{2,}", "-", slug)[:80] or "unit"


def _json_number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    raise TypeError(type(value).__name__)


def build_time() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_bytes(resource: Resource, rows: list[dict], with_page: bool = True) -> bytes:
    names = resource.field_names + ([SOURCE_PAGE.name] if with_page else [])
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row.get(n)) for n in names])
    return buf.getvalue().encode("utf-8")


def schema(resource: Resource, unit: str | None, with_page: bool = True) -> dict:
    fields = [f.descriptor(unit) for f in resource.fields]
    if with_page:
        fields.append(SOURCE_PAGE.descriptor())
    return {"fields": fields, "missingValues": [""]}


def resource_descriptor(resource: Resource, table: Table | None, data: bytes) -> dict:
    # a printed table has a printed unit; narrative statements and targets have none of their own
    unit = table.unit if table else ("万元" if resource.table is not None else None)
    title = (table.title if table and table.title else resource.title)
    desc = {
        "name": resource.name,
        "path": f"{resource.name}.csv",
        "title": title,
        "description": (table.note if table and table.note else resource.title_en),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "unit": unit,
        "table_number": table.table_number if table else "",
        "unprinted_fields": list(table.unprinted) if table else [],
        "schema": schema(resource, unit, resource.per_row_page),
    }
    if unit is None:
        del desc["unit"]
    if table is None and resource.table is not None:
        desc["description"] = "本文件未印出此表 (table not printed in the source document)"
    if table is not None and table.reading is not None:
        desc["reading"] = table.reading.descriptor()
    return desc


def package_dir(out: Path, unit_id: str, year: int | None, kind: str) -> Path:
    return Path(out) / safe_id(unit_id) / f"{year or 'unknown'}-{kind}"


def descriptor(disclosure: Disclosure, unit_id: str, resources: list[dict], meta: dict) -> dict:
    year = disclosure.year
    kind_cn = "决算" if disclosure.kind == "final" else "预算"
    unit = json.loads(json.dumps(disclosure.unit, default=_json_number))
    if meta.get("region"):
        unit["region"] = meta["region"]
    source_name = Path(disclosure.source.path).name
    source = {
        "title": source_name,
        "path": source_file_name(source_name),  # where the site and the ZIP publish it
        "sha256": disclosure.source.sha256,
        "pages": disclosure.source.pages,
        "mediatype": disclosure.source.media_type,
    }
    if meta.get("source_url"):
        source["url"] = meta["source_url"]
    out = {
        "profile": "data-package",
        "name": f"{safe_id(unit_id)}-{year or 'unknown'}-{disclosure.kind}",
        "title": f"{disclosure.name}{year or ''}年部门{kind_cn}",
        "version": content_version(resources),
        "licenses": [meta.get("license") or {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}],
        "sources": [source],
        "created": build_time(),
        "sitegen": {"version": __version__, "warnings": [str(w) for w in disclosure.warnings]},
        "unit": unit,
        "resources": resources,
    }
    if year:
        out["fiscalPeriod"] = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    out["contributors"] = [{"title": disclosure.name, "role": "publisher"},
                           {"title": "sitegen", "role": "wrangler"}]
    if meta.get("site_url"):
        out["homepage"] = f"{str(meta['site_url']).rstrip('/')}/{safe_id(unit_id)}/{year or 'unknown'}-{disclosure.kind}/"
    out["citation"] = citation(out)
    return out


def source_file_name(name: str) -> str:
    """The published name of a package's source document: source.pdf, source.txt, …"""
    return "source" + Path(name).suffix.lower()


def content_version(resources: list[dict]) -> str:
    """A version that changes exactly when the published content changes: the profile
    version plus a digest of every resource's sha256 (build metadata in SemVer terms)."""
    h = hashlib.sha256()
    for res in sorted(resources, key=lambda r: r["name"]):
        h.update(f"{res['name']}={res.get('hash', res.get('sitegen_digest', ''))}\n".encode())
    return f"{PROFILE_VERSION}+{h.hexdigest()[:12]}"


def citation(dp: dict, url: str | None = None) -> str:
    """How to cite a package: publisher, title, version, where to find it, the source."""
    unit = dp.get("unit", {})
    source = (dp.get("sources") or [{}])[0]
    where = url or dp.get("homepage") or ""
    parts = [f"{unit.get('name', '')}. 《{dp.get('title', '')}》",
             f"数据包 {dp.get('name', '')}，版本 {dp.get('version', '')}",
             "sitegen 开放数据" + (f"，{where}" if where else "")]
    if unit.get("published_on"):
        parts.append(f"原文发布日期 {unit['published_on']}")
    original = source.get("url") or source.get("title", "")
    if original:
        parts.append(f"原文 {original}" + (f"（sha256 {source['sha256']}）" if source.get("sha256") else ""))
    return ". ".join(p for p in parts if p) + "."


def audit_bytes(findings: list[dict], checks_run: int, text_checks_run: int = 0) -> bytes:
    doc = {"checks_run": checks_run, "text_checks_run": text_checks_run, "findings": findings}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def audit_descriptor(data: bytes) -> dict:
    return {
        "name": "audit",
        "path": "audit.json",
        "title": "数据核对发现",
        "description": "Accounting identities checked by sitegen; each finding names table, row, expected and printed values",
        "format": "json",
        "mediatype": "application/json",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
    }


# (files, descriptor) → (findings, checks run, text checks run): the audit, supplied by the build
Audit = Callable[[dict[str, bytes], dict], tuple[list[dict], int, int]]


def assemble(disclosure: Disclosure, unit_id: str, meta: dict | None = None) -> tuple[dict[str, bytes], dict]:
    """The package in memory: {file name: bytes} for every resource, and its descriptor."""
    meta = meta or {}
    files: dict[str, bytes] = {}
    resources = []
    extras = [extra_resource(t.resource, t.title, t.fields, t.classification, t.two_sided)
              for t in disclosure.tables.values() if t.resource not in BY_NAME]
    for res in [*table_resources(disclosure.kind), *RECORD_RESOURCES, *extras]:
        table = disclosure.tables.get(res.name)
        res = with_extra_fields(res, table.x_fields, table.x_text) if table else res
        rows = table.rows if table else disclosure.records.get(res.name, [])
        data = csv_bytes(res, rows, res.per_row_page)
        files[f"{res.name}.csv"] = data
        resources.append(resource_descriptor(res, table, data))
    dp = descriptor(disclosure, unit_id, resources, meta)
    dp["sitegen"]["findings"] = 0
    dp["sitegen"]["tables"] = len(disclosure.tables)
    return files, dp


def write_package(
    disclosure: Disclosure,
    out: Path,
    unit_id: str,
    meta: dict | None = None,
    audit: Audit | None = None,
    input_key: str | None = None,
) -> tuple[Path, bool]:
    """Write the package to out/<unit-id>/<year>-<kind>/ atomically.

    `audit` reads the assembled CSVs (exactly what `validate` will read) and its findings are
    written as `audit.json`. Returns (folder, changed). An unchanged package is left untouched
    (same bytes, same `created`), so rebuilds are incremental and reproducible.
    """
    target = package_dir(out, unit_id, disclosure.year, disclosure.kind)
    files, dp = assemble(disclosure, unit_id, meta)
    if audit is not None:
        findings, checks_run, text_checks_run = audit(files, dp)
        data = audit_bytes(findings, checks_run, text_checks_run)
        files["audit.json"] = data
        dp["resources"].append(audit_descriptor(data))
        dp["version"] = content_version(dp["resources"])  # the findings are content too
        dp["citation"] = citation(dp)
        dp["sitegen"]["findings"] = len(findings)
    if input_key:
        dp["sitegen"]["input"] = input_key
    old = _existing(target)
    if old is not None and old.get("created"):
        if {**dp, "created": old["created"]} == old and _same_files(target, files):
            return target, False
    files["datapackage.json"] = (json.dumps(dp, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = make_temp_dir(target.parent, ".tmp-")
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        swap_in(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target, True


def _existing(target: Path) -> dict | None:
    try:
        return json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def _same_files(target: Path, files: dict[str, bytes]) -> bool:
    present = {p.name for p in target.iterdir() if p.is_file()} - {"datapackage.json"}
    if present != set(files):
        return False
    return all((target / name).read_bytes() == data for name, data in files.items())


def clean_stale(out: Path) -> None:
    """Remove temp folders an interrupted build left behind (never finished data)."""
    out = Path(out)
    if not out.is_dir():
        return
    stale = (".tmp-", ".old-")
    for entry in os.scandir(out):  # one pass over out/ and its unit folders (cheap at 100k units)
        if not entry.is_dir():
            continue
        if entry.name.startswith(stale):
            shutil.rmtree(entry.path, ignore_errors=True)
            continue
        for inner in os.scandir(entry.path):
            if inner.name.startswith(stale) and inner.is_dir():
                shutil.rmtree(inner.path, ignore_errors=True)
