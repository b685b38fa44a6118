"""Scoreboard: the parser against the hand-read inventory truth of real PDFs.

    python bench/inventory.py [tests/fixtures/inventory/*.json]

For every inventory table whose resource the contract has, checks: found in that resource,
row count, total row values, sample rows' values (as printed, in order). Prints one line per
table and a summary per file; writes bench/out/inventory.json.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitegen.disclosure import parse_document  # noqa: E402
from sitegen.extract import read_document  # noqa: E402


def _num(v) -> Decimal | None:
    try:
        return Decimal(str(v).replace(",", "")) if v not in (None, "") else None
    except InvalidOperation:
        return None


def _values(row: dict) -> list[Decimal]:
    skip = {"code", "class_code", "section_code", "item_code", "level", "line", "source_page", "weight",
            "target_value"}
    return [d for k, v in row.items() if k not in skip and not k.startswith("_") and (d := _num(v)) is not None]


def _contains(row: dict, values: list[str]) -> bool:
    """The printed values (blank ones skipped) appear in the row, in order."""
    want = [d for v in values if (d := _num(v)) is not None]
    have = _values(row)
    i = 0
    for d in have:
        if i < len(want) and d == want[i]:
            i += 1
    return i == len(want)


def _label(row: dict) -> str:
    return "".join(str(row.get("name") or row.get("item") or row.get("project_name") or "").split())


def _find(rows: list[dict], sample: dict) -> dict | None:
    code, label = sample.get("code") or "", "".join(str(sample.get("label") or "").split())
    for row in rows:
        if sample.get("side") and row.get("side") != sample["side"]:
            continue
        if code and str(row.get("code") or "") == code:
            return row
        if not code and label and _label(row) == label:
            return row
    return None


def score(path: Path) -> list[dict]:
    truth = json.loads(path.read_text(encoding="utf-8"))
    pdf = ROOT / truth["file"]
    try:
        d = parse_document(read_document(pdf))
    except Exception as exc:  # report, don't stop
        return [{"file": path.stem, "table": "(document)", "ok": False, "why": f"{type(exc).__name__}: {exc}"}]
    out = []
    tables = {**{n: t.rows for n, t in d.tables.items()}, **d.records}
    for t in truth.get("tables", []):
        res = t["resource"]
        if res == "extra" or res == "performance_targets":
            continue
        entry = {"file": path.stem, "table": f"{t.get('number', '')} {t['title']}"[:40], "resource": res}
        rows = tables.get(res)
        checks = {"found": bool(rows) or (t.get("empty") and res in d.tables)}
        if res.endswith("three_public_expenses"):
            # printed rows (often one sideways row) are contract item rows: compare the 三公 figure
            want = _num(t.get("three_public_total") or truth.get("three_public_total"))
            got = _num((d.unit.get("other") or {}).get("three_public_total"))
            if want is not None:
                checks["three_public_total"] = got == want
        elif rows is not None:
            checks["rows"] = len(rows) == t["rows"]
            total = t.get("total")
            if total and any(v for v in total["values"]):
                checks["total"] = any(_contains(r, total["values"]) and str(r.get("level", "0")) in ("0", "")
                                      for r in rows)
            found = [_find(rows, s) for s in t.get("samples", [])]
            checks["samples"] = all(r is not None and _contains(r, s["values"])
                                    for r, s in zip(found, t.get("samples", []), strict=True))
            entry["parsed_rows"], entry["truth_rows"] = len(rows), t["rows"]
        entry["checks"] = checks
        entry["ok"] = all(checks.values())
        out.append(entry)
    return out


def main(argv: list[str]) -> None:
    files = [Path(a) for a in argv] or sorted((ROOT / "tests" / "fixtures" / "inventory").glob("*.json"))
    results = []
    for path in files:
        rows = score(path)
        results.extend(rows)
        ok = sum(r["ok"] for r in rows)
        print(f"{path.stem:22} {ok:3}/{len(rows):<3} tables right")
        for r in rows:
            if not r["ok"]:
                print(f"    ✗ {r['table']:42} {r.get('resource', '')}: "
                      f"{ {k: v for k, v in r.get('checks', {}).items() if not v} or r.get('why')} "
                      f"rows {r.get('parsed_rows')}/{r.get('truth_rows')}")
    ok = sum(r["ok"] for r in results)
    print(f"TOTAL {ok}/{len(results)} contract tables right")
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "inventory.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
