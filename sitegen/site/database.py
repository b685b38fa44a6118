"""The combined data as one SQLite database (datasette opens it as is) and as Parquet files
partitioned by year.

The database is kept between builds (in the cache): a build deletes the rows of packages that
changed or went away and inserts the new ones, so its cost follows what changed, not N.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from ..fsutil import link_or_copy

DB_NAME = "budget.sqlite"
PARQUET_DIR = "parquet"
SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL"}
INDEXED = ("unit_id", "year", "code", "kind", "region")
SEARCHABLE = ("unit_name", "title", "name", "project_name", "label", "table_title")  # full-text (trigram)
IDENT = "unit_id = ? AND +year IS ? AND +kind = ?"  # `+`: look rows up by unit_id, never by kind or year


def _convert(kind: str):
    def number(value: str):
        try:
            return float(value) if value != "" else None
        except ValueError:
            return value

    def integer(value: str):
        try:
            return int(value) if value != "" else None
        except ValueError:
            return value

    return {"integer": integer, "number": number}.get(kind, lambda v: v if v != "" else None)


class SiteDatabase:
    """budget.sqlite, updated package by package: add() each package of the build, then finish()."""

    def __init__(self, path: Path, tables: dict[str, list[dict]], start_over: bool = False):
        """start_over: most packages changed (a sitegen upgrade): a new database, indexed once,
        is faster than deleting and inserting every package through the full-text triggers."""
        self.path, self.tables = Path(path), tables
        self.path.parent.mkdir(parents=True, exist_ok=True)
        schema = hashlib.sha256(json.dumps(tables, sort_keys=True).encode()).hexdigest()
        self.db = sqlite3.connect(self.path)  # sqlite_utils (which imports pandas) only to create
        self.db.execute("PRAGMA synchronous = OFF")
        self.fresh = start_over or self._schema() != schema  # a new database: indexes and full text come at finish()
        if self.fresh:
            self.db.close()
            self.path.unlink(missing_ok=True)
            self.db = sqlite3.connect(self.path)
            self.db.execute("PRAGMA synchronous = OFF")
            self._create(schema)
        self.known = dict(self.db.execute("select key, ident from _packages").fetchall())
        self.present = set(self.known.values())  # disclosures with rows: only these have rows to delete
        self.seen: set[str] = set()
        self.idents: set[str] = set()
        self.converters = {n: [_convert(f["type"]) for f in fields] for n, fields in tables.items()}
        self.inserts = {n: f"INSERT INTO [{n}] VALUES ({', '.join('?' * len(fields))})"
                        for n, fields in tables.items()}

    def _schema(self) -> str | None:
        try:
            return self.db.execute("select value from _meta where key = 'schema'").fetchone()[0]
        except (sqlite3.DatabaseError, TypeError):
            return None

    def _create(self, schema: str) -> None:
        """Bare tables; the schema row is committed with the first build's rows (a build killed
        before that leaves no schema: the next build starts over)."""
        for name, fields in self.tables.items():
            columns = ", ".join(f"[{f['name']}] {SQL_TYPES.get(f['type'], 'TEXT')}" for f in fields)
            self.db.execute(f"CREATE TABLE [{name}] ({columns})")
        self.db.execute("CREATE TABLE _packages (key TEXT PRIMARY KEY, ident TEXT)")
        self.db.execute("CREATE TABLE _meta (key TEXT PRIMARY KEY, value TEXT)")
        self.db.execute("INSERT INTO _meta VALUES ('schema', ?)", [schema])

    def _index(self) -> None:
        """Indexes and the full-text index, made once over a new database's rows (inserting
        through them row by row was 6× slower), with the triggers that keep the full text
        right as later builds change rows."""
        import sqlite_utils

        for name, fields in self.tables.items():
            names = [f["name"] for f in fields]
            for column in INDEXED:
                if column in names:
                    self.db.execute(f"CREATE INDEX [idx_{name}_{column}] ON [{name}] ([{column}])")
            searchable = [c for c in SEARCHABLE if c in names and (c != "unit_name" or name in ("units", "disclosures"))]
            if searchable:
                sqlite_utils.Database(self.db).table(name).enable_fts(searchable, fts_version="FTS5", tokenize="trigram",
                                                                      create_triggers=True)

    def add(self, key: str, ident: tuple[str, str, str], fragment: Callable[[], dict[str, str]]) -> None:
        """One package's rows (fragment() gives {table: CSV text}); nothing to do (nothing
        read) when key is known."""
        text_ident = json.dumps(ident)
        self.seen.add(key)
        self.idents.add(text_ident)
        if key in self.known:
            return
        if text_ident in self.present:  # a cold build deletes nothing (a DELETE per table per package was quadratic)
            self._delete(text_ident)
        for name, text in fragment().items():
            convert = self.converters[name]
            rows = ([c(v) for c, v in zip(convert, row, strict=False)] for row in csv.reader(io.StringIO(text)))
            self.db.executemany(self.inserts[name], rows)
        self.db.execute("INSERT INTO _packages VALUES (?, ?)", [key, text_ident])

    def _delete(self, text_ident: str) -> None:
        unit_id, year, kind = json.loads(text_ident)
        params = [unit_id, int(year) if str(year).isdigit() else None, kind]
        for name in self.tables:
            if name != "units":
                self.db.execute(f"DELETE FROM [{name}] WHERE {IDENT}", params)
        self.db.execute("DELETE FROM _packages WHERE ident = ?", [text_ident])

    def _units(self, units_csv: Path, digest: str) -> None:
        """The units table as units.csv has it: only rows that changed are deleted and inserted
        (each goes through the full-text triggers; reloading 100,000 units took seconds); nothing
        read when the file's digest equals the one the table was last made from."""
        if self.db.execute("SELECT value FROM _meta WHERE key = 'units'").fetchone() == (digest,):
            return
        self.db.execute("INSERT OR REPLACE INTO _meta VALUES ('units', ?)", [digest])  # committed with the rows
        convert = self.converters["units"]
        with open(units_csv, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            new = {tuple(c(v) for c, v in zip(convert, row, strict=False)) for row in reader}
        old = set(self.db.execute("SELECT * FROM units").fetchall())
        gone = {row[0] for row in old - new}  # unit_id comes first
        self.db.executemany("DELETE FROM units WHERE unit_id = ?", ([unit_id] for unit_id in sorted(gone)))
        self.db.executemany(self.inserts["units"], sorted((row for row in new if row not in old or row[0] in gone),
                                                          key=lambda row: str(row[0])))

    def finish(self, units_csv: Path, units_sha256: str, target: Path) -> None:
        """Drop packages gone since the last build, update units, refresh search; publish at
        target as a hard link (no byte copy: the next build updates the same file in place,
        inside its transactions)."""
        for key, text_ident in self.known.items():
            if key not in self.seen and text_ident not in self.idents:
                self._delete(text_ident)
        self._units(units_csv, units_sha256)
        if self.fresh:
            self._index()
        self.db.commit()
        self.db.close()
        if Path(target).resolve() != self.path.resolve():
            link_or_copy(self.path, Path(target))


def write_metadata(target: Path, metadata: dict) -> None:
    """datasette's metadata.json beside the database: title, licence, description."""
    target.write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def arrow_schema(fields: list[dict]):
    import pyarrow as pa

    kinds = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64()}
    return pa.schema([(f["name"], kinds.get(f["type"], pa.string())) for f in fields])


def write_parquet(csv_path: Path, fields: list[dict], target: Path, drop: tuple[str, ...] = ()) -> None:
    """One CSV as one Parquet file, typed by its fields, without the `drop` columns (a hive
    partition's key); pyarrow.parquet: no dataset machinery to import for a single file."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    table = pacsv.read_csv(csv_path, convert_options=pacsv.ConvertOptions(
        column_types=arrow_schema(fields), strings_can_be_null=True))
    table = table.drop_columns([c for c in drop if c in table.column_names])
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    pq.write_table(table, tmp)
    tmp.replace(target)
