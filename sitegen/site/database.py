"""The combined CSVs as one SQLite database (datasette opens it as is) and as Parquet files
partitioned by year. Both are loaded from the CSVs a table at a time, never all in memory."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .combined import EXTRA_TABLE, typed_rows

DB_NAME = "budget.sqlite"
PARQUET_DIR = "parquet"
SQL_TYPES = {"string": str, "integer": int, "number": float}
INDEXED = ("unit_id", "year", "code", "kind", "region")
SEARCHABLE = ("unit_name", "name", "item", "project_name", "label", "title", "table_title", "region")
BATCH = 2000


def write_sqlite(folder: Path, tables: dict[str, list[dict]], target: Path, metadata: dict) -> None:
    """One table per combined CSV, indexes on unit_id/year/code, trigram full-text on names."""
    import sqlite_utils

    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite_utils.Database(tmp)
    try:
        for name, fields in tables.items():
            columns = {f["name"]: SQL_TYPES.get(f["type"], str) for f in fields}
            table = db.table(name)
            table.create(columns, pk="unit_id" if name == "units" else None)
            table.insert_all(typed_rows(folder / f"{name}.csv", fields), batch_size=BATCH)
            for column in INDEXED:
                if column in columns and not (name == "units" and column == "unit_id"):
                    table.create_index([column], if_not_exists=True)
            searchable = [c for c in SEARCHABLE if c in columns and c != "region"]
            if name in ("units", "disclosures", EXTRA_TABLE) or "name" in searchable:
                table.enable_fts(searchable, fts_version="FTS5", tokenize="trigram", create_triggers=False)
        db.vacuum()
    finally:
        db.close()
    os.replace(tmp, target)
    target.with_name("metadata.json").write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def arrow_schema(fields: list[dict]):
    import pyarrow as pa

    kinds = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64()}
    return pa.schema([(f["name"], kinds.get(f["type"], pa.string())) for f in fields])


def write_parquet(folder: Path, tables: dict[str, list[dict]], target: Path) -> list[str]:
    """<table>/year=<year>/<table>-0.parquet (hive partitioning); returns the tables written."""
    import pyarrow.csv as pacsv
    import pyarrow.dataset as ds

    if target.exists():
        shutil.rmtree(target)
    written = []
    for name, fields in tables.items():
        schema = arrow_schema(fields)
        reader = pacsv.open_csv(
            folder / f"{name}.csv",
            convert_options=pacsv.ConvertOptions(column_types=schema, strings_can_be_null=True),
        )
        partitioned = "year" in schema.names
        ds.write_dataset(
            reader, target / name, format="parquet",
            partitioning=["year"] if partitioned else None, partitioning_flavor="hive" if partitioned else None,
            basename_template=f"{name}-{{i}}.parquet", existing_data_behavior="overwrite_or_ignore",
        )
        written.append(name)
    return written
