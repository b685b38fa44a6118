"""Snapshot what parsing makes of each PDF, to check that a speed change changes no output.

    python bench/parse_snapshot.py OUT [PDF ...]
    diff -r before/ after/

For every PDF (default: the same set as bench/parse_floor.py) writes OUT/<name>/: the package's
CSVs and datapackage.json as `assemble` makes them, the audit findings, and the whole serialized
disclosure model (tables, readings, warnings, narrative). `created` is pinned by SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from parse_floor import ROOT, default_pdfs

from sitegen.build import _worker
from sitegen.package.writer import assemble
from sitegen.serial import disclosure_to_data


def snapshot(path: Path, out: Path) -> None:
    folder = out / path.relative_to(ROOT).as_posix().replace("/", "__")
    folder.mkdir(parents=True, exist_ok=True)
    _, parsed, error, _ = _worker((str(path),))
    if error:
        (folder / "error.txt").write_text(error.replace(str(ROOT), "ROOT") + "\n", encoding="utf-8")
        return
    files, dp = assemble(parsed.disclosure, "unit")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "datapackage.json").write_text(json.dumps(dp, ensure_ascii=False, indent=1, sort_keys=True),
                                             encoding="utf-8")
    (folder / "audit.json").write_text(json.dumps(parsed.audit, ensure_ascii=False, indent=1), encoding="utf-8")
    model = disclosure_to_data(parsed.disclosure)
    (folder / "model.json").write_text(json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True,
                                                  default=str), encoding="utf-8")


def main() -> None:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # `created` must not differ between runs
    out = Path(sys.argv[1])
    paths = [Path(p).resolve() for p in sys.argv[2:]] or default_pdfs()
    for path in paths:
        snapshot(path, out)
        print(path.name, flush=True)


if __name__ == "__main__":
    main()
