"""Combined tables cut by year and province, kept in the site cache so that a build rewrites
only the partitions whose packages changed.

A partition `<year>/<province>` holds, for every combined table, the rows of the packages of
that year and province: `<table>/<year>/<province>.csv` (with its header), its Excel copy with
a BOM and its Parquet file (`parquet/<table>/year=<year>/<province>.parquet`). Its digest is
the list of its packages' row-cache keys (each the sha256 of the package's datapackage.json):
when that list is unchanged the files are reused as they are. The whole-table CSVs
(`<table>.csv`, as documented) are the concatenation of a table's partitions, made again only
for the tables one of whose partitions changed. Files are replaced by rename, so a published
hard link keeps the content it was published with.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import IO

from ..package.writer import slugify
from .regions import province

UNKNOWN = "unknown"
BOM_DIR = "excel"  # UTF-8 with BOM copies for Excel on Chinese Windows; the canonical CSV has none
PARQUET_DIR = "parquet"
STATE = "partitions.json"


def partition_of(year: object, region: str) -> str:
    """`<year>/<province slug>`: where a package's combined rows go."""
    top = province(region)
    return f"{year or UNKNOWN}/{_slug(top) if top else UNKNOWN}"


@functools.lru_cache(maxsize=4096)
def _slug(name: str) -> str:  # a few dozen provinces: pinyin once each, not once per package
    return slugify(name)


def _replace(tmp: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, target)


def _bom_copy(src: Path, dst: Path) -> None:
    tmp = dst.with_name(dst.name + ".tmp")
    tmp.parent.mkdir(parents=True, exist_ok=True)
    with open(src, "rb") as fin, open(tmp, "wb") as fout:
        fout.write(codecs.BOM_UTF8)
        shutil.copyfileobj(fin, fout, 1 << 20)
    _replace(tmp, dst)


def _digest(items: list) -> str:
    return hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()


class PartitionStore:
    """add() each package's row-cache key under its partition; finish() brings the store up to date."""

    def __init__(self, root: Path, tables: dict[str, list[dict]], read: Callable[[str], dict | None]):
        self.root, self.tables, self.read = Path(root), tables, read
        self.members: dict[str, list[str]] = {}
        try:
            self.old = json.loads((self.root / STATE).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            self.old = {}
        self.rewritten: list[str] = []

    def add(self, partition: str, key: str) -> None:
        self.members.setdefault(partition, []).append(key)

    def finish(self) -> tuple[dict[str, list[str]], dict[str, dict]]:
        """Write changed partitions and whole tables; drop gone ones. Returns {table: its
        partition files (relative to the store)} and {table: whole file's bytes and sha256}."""
        (self.root / STATE).unlink(missing_ok=True)  # saved last: a killed build redoes its work
        parts: dict[str, dict] = {}
        for partition in sorted(self.members):
            digest = _digest([self.tables, self.members[partition]])
            before = self.old.get("partitions", {}).get(partition)
            if before and before["digest"] == digest and all((self.root / f).is_file() for f in before["files"]):
                parts[partition] = before
            else:
                parts[partition] = {"digest": digest, "files": self._write(partition)}
                self.rewritten.append(partition)
        keep = {f for p in parts.values() for f in p["files"]}
        for p in self.old.get("partitions", {}).values():
            for f in p["files"]:
                if f not in keep:
                    (self.root / f).unlink(missing_ok=True)
        by_table: dict[str, list[tuple[str, str]]] = {name: [] for name in self.tables}
        for p in parts.values():
            for f in p["files"]:
                if f.endswith(".csv") and not f.startswith(BOM_DIR + "/"):
                    by_table[f.split("/")[0]].append((f, p["digest"]))
        wholes = {name: self._whole(name, sorted(files), self.old.get("wholes", {}).get(name))
                  for name, files in sorted(by_table.items())}
        state = {"partitions": parts, "wholes": wholes}
        (self.root / STATE).write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
        return {name: [f for f, _ in sorted(files)] for name, files in by_table.items()}, wholes

    def _write(self, partition: str) -> list[str]:
        """One partition's files for every table, from its packages' cached fragments."""
        handles: dict[str, IO[str]] = {}
        paths: dict[str, Path] = {}
        try:
            for key in self.members[partition]:
                entry = self.read(key) or {}
                for name, text in entry.get("tables", {}).items():
                    if name not in handles:
                        paths[name] = self.root / name / f"{partition}.csv.tmp"
                        paths[name].parent.mkdir(parents=True, exist_ok=True)
                        handles[name] = open(paths[name], "w", encoding="utf-8", newline="")
                        handles[name].write(",".join(f["name"] for f in self.tables[name]) + "\n")
                    handles[name].write(text)
        finally:
            for handle in handles.values():
                handle.close()
        files = []
        for name, tmp in sorted(paths.items()):
            rel = f"{name}/{partition}.csv"
            _replace(tmp, self.root / rel)
            _bom_copy(self.root / rel, self.root / BOM_DIR / rel)
            files += [rel, f"{BOM_DIR}/{rel}", self._parquet(name, partition)]
        return files

    def _parquet(self, name: str, partition: str) -> str:
        """parquet/<table>/year=<year>/<province>.parquet (hive partitioning by year)."""
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        from .database import arrow_schema

        year, place = partition.split("/")
        schema = arrow_schema(self.tables[name])
        table = pacsv.read_csv(self.root / name / f"{partition}.csv", convert_options=pacsv.ConvertOptions(
            column_types=schema, strings_can_be_null=True))
        if "year" in table.column_names:
            table = table.drop_columns(["year"])
        rel = f"{PARQUET_DIR}/{name}/year={year}/{place}.parquet"
        tmp = self.root / (rel + ".tmp")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, tmp)
        _replace(tmp, self.root / rel)
        return rel

    def _whole(self, name: str, files: list[tuple[str, str]], before: dict | None) -> dict:
        """whole/<table>.csv: the header once, then each partition's rows; made again only when
        one of its partitions changed. Returns its digest, size and sha256 (for the descriptor)."""
        digest = _digest([self.tables[name], files])
        target = self.root / "whole" / f"{name}.csv"
        excel = self.root / BOM_DIR / "whole" / f"{name}.csv"
        if before and before["digest"] == digest and target.is_file() and excel.is_file():
            return before
        tmp = target.with_name(target.name + ".tmp")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        sha = hashlib.sha256()
        with open(tmp, "wb") as out:
            out.write(header := (",".join(f["name"] for f in self.tables[name]) + "\n").encode())
            sha.update(header)
            for rel, _ in files:
                with open(self.root / rel, "rb") as part:
                    part.readline()
                    while chunk := part.read(1 << 20):
                        out.write(chunk)
                        sha.update(chunk)
        _replace(tmp, target)
        _bom_copy(target, excel)
        return {"digest": digest, "bytes": target.stat().st_size, "sha256": sha.hexdigest()}
