"""Combined all-unit data: one CSV per resource plus findings, disclosures and units tables,
written in one pass over the packages (each package read once), then loaded into SQLite
(sqlite-utils) and Parquet partitioned by year (pyarrow) from those CSVs, streaming.

Every combined row starts with unit_id, unit_name, region, year, kind. Money is in 万元:
a table printed in 元 is shifted by an exact decimal shift, and `printed_unit` says so.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import orjson

from ..contract import BY_NAME, SOURCE_PAGE, Resource
from ..fsutil import link_or_copy
from .database import write_parquet
from .partitions import BOM_DIR, PARQUET_DIR, PartitionStore, _bom_copy, partition_of
from .views import PackageView

PREFIX = ["unit_id", "unit_name", "region", "year", "kind"]
PREFIX_FIELDS = [
    {"name": "unit_id", "type": "string", "title": "单位标识", "description": "stable unit id (see README: unit ids)"},
    {"name": "unit_name", "type": "string", "title": "单位名称", "description": "unit name as printed"},
    {"name": "region", "type": "string", "title": "地区", "description": "region from the publisher's metadata"},
    {"name": "year", "type": "integer", "title": "年度", "description": "fiscal year"},
    {"name": "kind", "type": "string", "title": "类型", "description": "budget (预算) or final (决算)"},
]
PRINTED_UNIT = {"name": "printed_unit", "type": "string", "title": "原文金额单位",
                "description": "unit the source printed this table in (元 amounts were shifted to 万元)"}
EXTRA_TABLE = "extra_tables"
EXTRA_FIELDS = [
    ("resource", "string", "资源名", "the package's extra_ resource name"),
    ("table_title", "string", "表名", "table title as printed"),
    ("row", "integer", "行号", "1-based row within the table"),
    ("code", "string", "科目编码", "classification code when the table has one"),
    ("label", "string", "科目名称/项目", "row label as printed"),
    ("field", "string", "列名", "column name in the package (value_N, text_N)"),
    ("field_title", "string", "列标题", "column header as printed"),
    ("value", "string", "值", "cell as printed (text)"),
    ("amount", "number", "金额（万元）", "numeric cells in 万元 (元 shifted exactly); empty for text"),
    ("printed_unit", "string", "原文金额单位", "unit the source printed this table in"),
    ("source_page", "integer", "来源页码", "1-based page of the source"),
]
FINDING_FIELDS = [
    ("resource", "string"), ("table", "string"), ("row_code", "string"), ("row_name", "string"),
    ("column", "string"), ("check", "string"), ("severity", "string"), ("expected", "string"),
    ("found", "string"), ("source_page", "integer"), ("message", "string"), ("suspect", "string"),
]
DISCLOSURE_FIELDS = [
    ("title", "string"), ("url", "string"), ("version", "string"), ("total", "number"),
    ("basic", "number"), ("project", "number"), ("three_public", "number"), ("staff", "integer"),
    ("findings", "integer"), ("source_url", "string"), ("source_sha256", "string"),
]
UNIT_FIELDS = [("unit_id", "string"), ("unit_name", "string"), ("region", "string"),
               ("first_year", "integer"), ("last_year", "integer"), ("disclosures", "integer"),
               ("url", "string")]  # url: the latest disclosure's page
UNITS_STATE = "units.json"  # in the store: the facts of whole/units.csv as last written
CODE_COLUMNS = ("code", "class_code", "section_code", "item_code", "row_code")
# the documented pandas call (dictionary page, README): codes stay strings ("01", "30101")
PANDAS_DTYPE = {name: str for name in ("unit_id", *CODE_COLUMNS)}
_PANDAS_TYPES = ", ".join(f'"{n}": str' for n in PANDAS_DTYPE)
PANDAS_CALL = f"pd.read_csv(path, dtype={{{_PANDAS_TYPES}}})"
_R_TYPES = ", ".join(f"{n} = readr::col_character()" for n in PANDAS_DTYPE)
R_CALL = f"readr::read_csv(path, col_types = readr::cols({_R_TYPES}, .default = readr::col_guess()))"
EXAMPLE_SQL = ("select unit_name, region, basic from expenditure_summary\n"
               "where year = 2024 and code = '208' order by basic desc")


def loading_guide() -> dict:
    """How to read each format; shown on the dictionary page."""
    return {"pandas": PANDAS_CALL, "r": R_CALL, "sql": EXAMPLE_SQL, "dtype": f"{{{_PANDAS_TYPES}}}"}


def wan(value: str, unit: str) -> str:
    """Exact decimal shift 元 → 万元; anything else is kept as printed."""
    if not value or unit != "元":
        return value
    try:
        return format(Decimal(value).scaleb(-4).normalize(), "f")
    except InvalidOperation:
        return value


def contract_resources() -> list[Resource]:
    """The contract's resources, read through the schemas API (one place declares them)."""
    return list(BY_NAME.values())  # budget and final-accounts resources


def money_unit(res: Resource) -> bool:
    return bool(res.value_fields)


def resource_columns(res: Resource) -> list[dict]:
    """Field descriptors of a combined resource: prefix, the contract fields, printed_unit, page."""
    fields = []
    for f in res.fields:
        desc = {"name": f.name, "type": f.type, "title": f.title}
        if f.money:
            desc["description"] = f"{f.title_en}; in 万元 (元 tables shifted exactly, see printed_unit)"
        else:
            desc["description"] = f.title_en
        fields.append(desc)
    tail = [PRINTED_UNIT] if money_unit(res) else []
    if res.per_row_page:
        tail.append(SOURCE_PAGE.descriptor())
    return [*PREFIX_FIELDS, *fields, *tail]


def table_names() -> dict[str, list[str]]:
    """Column names of every combined table, in file order."""
    return {name: [f["name"] for f in fields] for name, fields in table_fields().items()}


class Fragment:
    """One package's rows of every combined table, as CSV text (cacheable, reused unchanged)."""

    def __init__(self) -> None:
        self._buffers: dict[str, io.StringIO] = {}
        self._writers: dict[str, object] = {}

    def write(self, table: str, row: list) -> None:
        if table not in self._writers:
            self._buffers[table] = io.StringIO()
            self._writers[table] = csv.writer(self._buffers[table], lineterminator="\n")
        self._writers[table].writerow(row)

    def text(self) -> dict[str, str]:
        return {name: buf.getvalue() for name, buf in self._buffers.items()}


def package_fragment(pkg: PackageView, summary: dict) -> dict[str, str]:
    """Every combined row of one package: {table: CSV text without header}."""
    unit = pkg.unit
    prefix = [pkg.unit_id, unit.get("name", ""), unit.get("region", ""), pkg.year, unit.get("kind", "")]
    out = Fragment()
    for desc in pkg.descriptor.get("resources", []):
        name = desc.get("name", "")
        if name in BY_NAME:
            _contract_rows(out, pkg, BY_NAME[name], desc, prefix)
        elif name.startswith("extra_"):
            _extra_rows(out, pkg, desc, prefix)
    for f in pkg.findings():
        out.write("findings", [*prefix, *(_text(f.get(n)) for n, _ in FINDING_FIELDS)])
    out.write("disclosures", [*prefix, *(_text(summary.get(n)) for n, _ in DISCLOSURE_FIELDS)])
    return out.text()


def _contract_rows(out: Fragment, pkg: PackageView, res: Resource, desc: dict, prefix: list) -> None:
    printed = desc.get("unit", "")  # narrative statements have no printed table unit
    money = {f.name for f in res.value_fields}
    names = [c["name"] for c in resource_columns(res)][len(PREFIX):]
    for row in pkg.rows(res.name):
        out.write(res.name, [*prefix, *(printed if n == "printed_unit" else wan(row.get(n, ""), printed)
                                        if n in money else row.get(n, "") for n in names)])


def _extra_rows(out: Fragment, pkg: PackageView, desc: dict, prefix: list) -> None:
    printed = desc.get("unit", "万元")
    fields = desc.get("schema", {}).get("fields", [])
    columns = [f for f in fields if f["name"].startswith(("value_", "text_"))]
    for number, row in enumerate(pkg.rows(desc["name"]), start=1):
        label = row.get("name") or row.get("item") or ""
        for col in columns:
            value = row.get(col["name"], "")
            if value == "":
                continue
            amount = wan(value, printed) if col["name"].startswith("value_") else ""
            out.write(EXTRA_TABLE, [*prefix, desc["name"], desc.get("title", ""), number, row.get("code", ""),
                                    label, col["name"], col.get("title", ""), value, amount, printed,
                                    row.get("source_page", "")])


@dataclass
class CombinedWriter:
    """Files each package's combined rows under its partition (year, province) in the store,
    keeps only the units index; close() publishes the tables into folder (hard links)."""

    folder: Path
    store: PartitionStore
    units: dict[str, dict] = field(default_factory=dict)

    def add(self, key: str, summary: dict) -> None:
        """The package whose row-cache entry is `key` (its fragment) and summary row."""
        self.store.add(partition_of(summary.get("year"), summary.get("region", "")), key)
        self._unit(summary)

    def _unit(self, summary: dict) -> None:
        year = str(summary.get("year") or "")
        known = self.units.setdefault(summary["unit_id"], {
            "unit_id": summary["unit_id"], "unit_name": summary["name"], "region": summary["region"],
            "first_year": year, "last_year": year, "disclosures": 0, "url": summary["url"]})
        known["disclosures"] += 1
        if year and (not known["first_year"] or year < known["first_year"]):
            known["first_year"] = year
        if year and year >= (known["last_year"] or ""):
            known["last_year"], known["unit_name"] = year, summary["name"] or known["unit_name"]
            known["region"], known["url"] = summary["region"] or known["region"], summary["url"]

    def close(self) -> tuple[dict[str, list[dict]], dict[str, dict]]:
        """Bring the partitions and units.csv up to date, link them and the whole tables into
        folder; return {table: field descriptors} and {table: whole file's bytes, sha256}."""
        parts, wholes = self.store.finish()
        root = self.store.root
        wholes["units"] = self._units_file(root)
        link_or_copy(root / "whole" / "units.csv", self.folder / "units.csv")
        link_or_copy(root / BOM_DIR / "whole" / "units.csv", self.folder / BOM_DIR / "units.csv")
        for name, files in parts.items():
            if not wholes[name].get("multipart"):
                link_or_copy(root / "whole" / f"{name}.csv", self.folder / f"{name}.csv")
            if wholes[name].get("excel"):
                link_or_copy(root / BOM_DIR / "whole" / f"{name}.csv", self.folder / BOM_DIR / f"{name}.csv")
            for rel in files:
                link_or_copy(root / rel, self.folder / rel)
                link_or_copy(root / BOM_DIR / rel, self.folder / BOM_DIR / rel)
        for path in (root / PARQUET_DIR).rglob("*.parquet") if (root / PARQUET_DIR).is_dir() else []:
            link_or_copy(path, self.folder / path.relative_to(root))
        return table_fields(), wholes

    def _units_file(self, root: Path) -> dict:
        """whole/units.csv in the store, its Excel copy and Parquet file, written only when the
        units changed (an edit seldom changes a unit's name, region or years)."""
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow([n for n, _ in UNIT_FIELDS])
        for unit in sorted(self.units.values(), key=lambda u: u["unit_id"]):
            writer.writerow([_text(unit[n]) for n, _ in UNIT_FIELDS])
        data = text.getvalue().encode("utf-8")
        facts = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "excel": True}
        target, parquet = root / "whole" / "units.csv", root / PARQUET_DIR / "units" / "units-0.parquet"
        try:
            if json.loads((root / UNITS_STATE).read_text(encoding="utf-8")) == facts and target.is_file() \
                    and parquet.is_file() and (root / BOM_DIR / "whole" / "units.csv").is_file():
                return facts
        except (OSError, json.JSONDecodeError):
            pass
        (root / UNITS_STATE).unlink(missing_ok=True)
        tmp = target.with_name("units.csv.tmp")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(target)
        _bom_copy(target, root / BOM_DIR / "whole" / "units.csv")
        write_parquet(target, table_fields()["units"], parquet)
        (root / UNITS_STATE).write_text(json.dumps(facts), encoding="utf-8")
        return facts



def table_fields() -> dict[str, list[dict]]:
    """Field descriptors of every combined table, by table name."""

    def plain(items) -> list[dict]:
        return [{"name": n, "type": t} for n, t, *_ in items]

    out = {res.name: resource_columns(res) for res in contract_resources()}
    out[EXTRA_TABLE] = [*PREFIX_FIELDS, *({"name": n, "type": t, "title": zh, "description": en}
                                          for n, t, zh, en in EXTRA_FIELDS)]
    out["findings"] = [*PREFIX_FIELDS, *plain(FINDING_FIELDS)]
    out["disclosures"] = [*PREFIX_FIELDS, *plain(DISCLOSURE_FIELDS)]
    out["units"] = plain(UNIT_FIELDS)
    return out


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class RowCache:
    """Each package's summary row and combined fragment, kept on disk by the sha256 of its
    datapackage.json (which lists every file's hash), so a rebuild reads only changed packages."""

    def __init__(self, root: Path | None):
        self.root = Path(root) if root else None
        self.used: set[str] = set()
        code = b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py")))
        self._salt = hashlib.sha256(code).hexdigest()

    def key(self, pkg: PackageView, *extra: str) -> str:
        h = hashlib.sha256(self._salt.encode())
        h.update((pkg.folder / "datapackage.json").read_bytes())
        h.update("|".join([f"{pkg.unit_id}/{pkg.slug}", *extra]).encode())
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        assert self.root is not None
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        self.used.add(key)
        if self.root is None:
            return None
        try:
            return orjson.loads(self._path(key).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None

    def put(self, key: str, entry: dict) -> None:
        if self.root is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(orjson.dumps(entry))
        tmp.replace(path)

    def prune(self, candidates: set[str] | None = None) -> None:
        """Drop the entries no package of this build used: among `candidates` (the last build's
        keys, so an edit's build lists no folder of N entries), or all (None)."""
        if self.root is None or not self.root.is_dir():
            return
        if candidates is not None:
            for key in candidates - self.used:
                if re.fullmatch(r"[0-9a-f]{64}", key):  # a sha256, never a path
                    self._path(key).unlink(missing_ok=True)
            return
        for path in self.root.glob("*/*.json"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


class DownloadCache(RowCache):
    """A package's ZIP and XLSX, made once per input (package, source document, citation) and
    hard-linked into every later site that needs them."""

    def files(self, key: str, names: list[str]) -> list[Path] | None:
        """The cached files of key, or None (then make them in folder() and call again)."""
        self.used.add(key)
        if self.root is None:
            return None
        paths = [self.folder(key) / name for name in names]
        return paths if all(p.is_file() for p in paths) else None

    def folder(self, key: str) -> Path:
        assert self.root is not None
        path = self.root / key[:2] / key
        path.mkdir(parents=True, exist_ok=True)
        return path

    def prune(self) -> None:
        if self.root is None or not self.root.is_dir():
            return
        for path in self.root.glob("*/*"):
            if path.is_dir() and path.name not in self.used:
                shutil.rmtree(path, ignore_errors=True)
