"""Combined tables cut by year and province, kept in the site cache so that a build rewrites
only the partitions whose packages changed.

A partition `<year>/<province>` holds, for every combined table, the rows of the packages of
that year and province: `<table>/<year>/<province>.csv` (with its header), its Excel copy with
a BOM and its Parquet file (`parquet/<table>/year=<year>/<province>.parquet`). Its digest is
the list of its packages' row-cache keys (each the sha256 of the package's datapackage.json):
when that list is unchanged the files are reused as they are; when it changed, each table's
file is kept as it was (same inode, no Excel or Parquet copy made) where its bytes did not
change. The whole-table CSVs (`<table>.csv`, as documented) are the concatenation of a table's
partitions, made again only when one of them changed, and only while they stay within
WHOLE_LIMIT: a larger table is published as its partitions (a Frictionless multipart
resource), which is what a national deployment reads anyway. Files are replaced by rename, so
a published hard link keeps the content it was published with.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import IO

import orjson

from .database import write_parquet
from .regions import province, region_slug

UNKNOWN = "unknown"
BOM_DIR = "excel"  # UTF-8 with BOM copies for Excel on Chinese Windows; the canonical CSV has none
PARQUET_DIR = "parquet"
STATE = "partitions.json"
WHOLE_LIMIT = 100 * 2**20  # bytes: the largest file GitHub accepts; beyond it a table is its partitions
EXCEL_ROWS = 1_048_575  # data rows an Excel worksheet holds under its header


def partition_of(year: object, region: str) -> str:
    """`<year>/<province folder>`: where a package's combined rows go; the province's folder is
    its listing pages' (pinyin and a digest of the name: 山西省 and 陕西省 never share a file)."""
    top = province(region)
    return f"{year or UNKNOWN}/{region_slug(top) if top else UNKNOWN}"


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
    return hashlib.sha256(orjson.dumps(items, option=orjson.OPT_SORT_KEYS)).hexdigest()


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
        partition files (relative to the store)} and {table: its whole file's facts (see _whole)}."""
        (self.root / STATE).unlink(missing_ok=True)  # saved last: a killed build redoes its work
        old = self.old.get("partitions", {})
        parts: dict[str, dict] = {}
        for partition in sorted(self.members):
            digest = _digest([self.tables, self.members[partition]])
            before = old.get(partition)
            if before and before["digest"] == digest and "tables" in before and all(
                    (self.root / f).is_file() for f in before["files"]):
                parts[partition] = before
            else:
                parts[partition] = {"digest": digest, **self._write(partition, (before or {}).get("tables", {}))}
                self.rewritten.append(partition)
        keep = {f for p in parts.values() for f in p["files"]}
        for p in old.values():
            for f in p["files"]:
                if f not in keep:
                    (self.root / f).unlink(missing_ok=True)
        by_table: dict[str, list[tuple[str, dict]]] = {name: [] for name in self.tables}
        for p in parts.values():
            for rel, facts in p.get("tables", {}).items():
                by_table[rel.split("/")[0]].append((rel, facts))
        wholes = {name: self._whole(name, sorted(files), self.old.get("wholes", {}).get(name))
                  for name, files in sorted(by_table.items())}
        state = {"partitions": parts, "wholes": wholes}
        (self.root / STATE).write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
        return {name: [f for f, _ in sorted(files)] for name, files in by_table.items()}, wholes

    def _write(self, partition: str, before: dict[str, dict]) -> dict:
        """One partition's files for every table, from its packages' cached fragments; a table
        whose bytes equal last build's keeps its files. Returns its files and, per table CSV,
        its sha256, bytes, lines (≥ rows: a quoted cell may hold a line break) and fields' digest."""
        handles: dict[str, IO[bytes]] = {}
        paths: dict[str, Path] = {}
        facts: dict[str, dict] = {}
        try:
            for key in self.members[partition]:
                entry = self.read(key) or {}
                for name, text in entry.get("tables", {}).items():
                    if name not in handles:
                        paths[name] = self.root / name / f"{partition}.csv.tmp"
                        paths[name].parent.mkdir(parents=True, exist_ok=True)
                        handles[name] = open(paths[name], "wb")
                        facts[name] = {"sha": hashlib.sha256(), "bytes": 0, "lines": 0}
                        text = ",".join(f["name"] for f in self.tables[name]) + "\n" + text
                    data = text.encode("utf-8")
                    handles[name].write(data)
                    facts[name]["sha"].update(data)
                    facts[name]["bytes"] += len(data)
                    facts[name]["lines"] += text.count("\n")
        finally:
            for handle in handles.values():
                handle.close()
        files, tables = [], {}
        for name, tmp in sorted(paths.items()):
            rel = f"{name}/{partition}.csv"
            fact = facts[name]
            tables[rel] = {"sha256": fact["sha"].hexdigest(), "bytes": fact["bytes"], "lines": fact["lines"],
                           "fields": _digest(self.tables[name])}  # a type change remakes the Parquet file
            parquet = f"{PARQUET_DIR}/{name}/year={partition.split('/')[0]}/{partition.split('/')[1]}.parquet"
            mine = [rel, f"{BOM_DIR}/{rel}", parquet]
            if {k: before.get(rel, {}).get(k) for k in ("sha256", "fields")} == {
                    k: tables[rel][k] for k in ("sha256", "fields")} and all(
                    (self.root / f).is_file() for f in mine):
                tmp.unlink()  # the same bytes: the published files stay as they are
            else:
                _replace(tmp, self.root / rel)
                _bom_copy(self.root / rel, self.root / BOM_DIR / rel)
                write_parquet(self.root / rel, self.tables[name], self.root / parquet, drop=("year",))  # hive: year=…
            files += mine
        return {"files": files, "tables": tables}

    def _whole(self, name: str, files: list[tuple[str, dict]], before: dict | None) -> dict:
        """whole/<table>.csv: the header once, then each partition's rows; made again only when
        one of its partitions changed, and its Excel copy only while Excel can open it. Returns
        its digest, bytes and sha256, and `excel` (whether the copy exists); a table over
        WHOLE_LIMIT gets no whole file (`multipart`: published as its partitions)."""
        digest = _digest([self.tables[name], [(rel, f["sha256"]) for rel, f in files]])
        header = (",".join(f["name"] for f in self.tables[name]) + "\n").encode()
        size = len(header) + sum(f["bytes"] - len(header) for _, f in files)
        rows = sum(f["lines"] - 1 for _, f in files)
        target = self.root / "whole" / f"{name}.csv"
        excel = self.root / BOM_DIR / "whole" / f"{name}.csv"
        if size > WHOLE_LIMIT:
            target.unlink(missing_ok=True)
            excel.unlink(missing_ok=True)
            return {"digest": digest, "bytes": size, "multipart": True, "excel": False}
        fits = rows <= EXCEL_ROWS
        if before and before["digest"] == digest and target.is_file() and before.get("excel") == fits and (
                excel.is_file() or not fits):
            return before
        tmp = target.with_name(target.name + ".tmp")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        sha = hashlib.sha256(header)
        with open(tmp, "wb") as out:
            out.write(header)
            for rel, _ in files:
                with open(self.root / rel, "rb") as part:
                    part.readline()
                    while chunk := part.read(1 << 20):
                        out.write(chunk)
                        sha.update(chunk)
        _replace(tmp, target)
        if fits:
            _bom_copy(target, excel)
        else:
            excel.unlink(missing_ok=True)
        return {"digest": digest, "bytes": target.stat().st_size, "sha256": sha.hexdigest(), "excel": fits}
