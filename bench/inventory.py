"""Scoreboard: the parser against the hand-read inventory truth of the real PDFs.

    python bench/inventory.py

The checks are the tests' own (`tests/test_inventory.py: table_checks`): for every inventory
table whose resource the contract has, found in that resource, the printed row count, the total
row and the sample rows exact. Prints one line per file and each failing table with what it saw;
writes bench/out/inventory.json.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_inventory import _cases, table_checks  # noqa: E402


def main() -> None:
    results = []
    by_file: dict[str, list[dict]] = defaultdict(list)
    for name, index, title in _cases():
        checks = table_checks(name, index)
        entry = {"file": name, "table": title, "checks": {k: v is True or v for k, v in checks.items()},
                 "ok": all(v is True for v in checks.values())}
        results.append(entry)
        by_file[name].append(entry)
    for name, entries in by_file.items():
        print(f"{name:22} {sum(e['ok'] for e in entries):3}/{len(entries):<3} tables right")
        for e in entries:
            if not e["ok"]:
                failed = {k: v for k, v in e["checks"].items() if v is not True}
                print(f"    ✗ {e['table'][:40]:42} {str(failed)[:160]}")
    print(f"TOTAL {sum(e['ok'] for e in results)}/{len(results)} contract tables right")
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "inventory.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
