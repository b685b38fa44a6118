"""The audit errors left on every real PDF after a build, for a verdict page by page.

    python bench/audit_real.py [--warnings] [--png DIR] [name ...]

Parses each real PDF (content/real/, tests/fixtures/real2/) as the build does, audits the
package it would publish (`audit.audit_disclosure`, the build's own path) and lists each
error finding: check, table, row, column, printed vs expected, source page. A finding whose
page and printed or expected amount the inventory's `printed_inconsistencies` name is marked
`printed (inventory)`; any other one needs a look at the page (`--png DIR` renders those pages
at 110 dpi) to say whether it is a printed inconsistency or a reading error. Writes bench/out/audit_real.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from sitegen.audit import audit_disclosure  # noqa: E402
from sitegen.disclosure import parse_document  # noqa: E402
from sitegen.extract import read_document  # noqa: E402
from sitegen.extract.document import ExtractError  # noqa: E402

REAL = (ROOT / "content" / "real", ROOT / "tests" / "fixtures" / "real2")
INVENTORY = ROOT / "tests" / "fixtures" / "inventory"


def _printed(name: str) -> dict[int, str]:
    """Page → what the hand-read inventory says it prints inconsistently (amounts without commas)."""
    path = INVENTORY / f"{name}.json"
    truth = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    out: dict[int, str] = {}
    for item in truth.get("printed_inconsistencies") or []:
        for page in item.get("pages", []):
            out[page] = out.get(page, "") + item.get("what", "").replace(",", "")
    return out


def _verdict(finding, printed: dict[int, str]) -> str:
    said = printed.get(finding.source_page, "")
    amounts = [a for a in (finding.found, finding.expected) if a and a not in ("0", "0.00")]
    return "printed (inventory)" if any(a.replace(",", "") in said for a in amounts) else "to check on the page"


def audit_file(pdf: Path, with_warnings: bool) -> list[dict]:
    """The audit findings of one PDF as the build would publish them (errors, or all)."""
    findings, _ = audit_disclosure(parse_document(read_document(pdf)))
    printed = _printed(pdf.stem)
    out = []
    for f in findings:
        if f.severity != "error" and not with_warnings:
            continue
        entry = {k: getattr(f, k) for k in ("check", "severity", "table", "row_code", "row_name", "column",
                                             "found", "expected", "source_page", "message")}
        entry["verdict"] = _verdict(f, printed)
        out.append(entry)
    return out


def _render(pdf: Path, pages: set[int], folder: Path) -> None:
    import pdfplumber

    folder.mkdir(parents=True, exist_ok=True)
    with pdfplumber.open(pdf) as doc:
        for n in sorted(p for p in pages if p and p <= len(doc.pages)):
            doc.pages[n - 1].to_image(resolution=110).save(folder / f"{pdf.stem}-p{n}.png")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="file stems (default: every real PDF)")
    ap.add_argument("--warnings", action="store_true", help="list warnings too")
    ap.add_argument("--png", type=Path, help="render the pages of unexplained findings here")
    args = ap.parse_args()
    pdfs = sorted((p for d in REAL for p in d.glob("*.pdf")), key=lambda p: p.stem)
    report: dict[str, object] = {}
    what = "findings" if args.warnings else "errors"
    for pdf in pdfs:
        if args.names and pdf.stem not in args.names:
            continue
        try:
            found = audit_file(pdf, args.warnings)
        except ExtractError as exc:
            print(f"{pdf.stem:22} not read: {exc}")
            report[pdf.stem] = str(exc)
            continue
        report[pdf.stem] = found
        counts = Counter(f["check"] for f in found)
        print(f"{pdf.stem:22} {len(found):3} {what}  {dict(counts)}")
        for f in found:
            where = f"p{f['source_page']}" if f["source_page"] else "p?"
            print(f"    {where:5} {f['severity'][:4]:4} {f['check']:12} {f['table'][:28]:30} {(f['row_code'] or f['row_name'])[:18]:20} "
                  f"{f['column'][:14]:16} {f['found']} vs {f['expected']}  [{f['verdict']}]")
        if args.png:
            _render(pdf, {f["source_page"] for f in found if f["verdict"] != "printed (inventory)"}, args.png)
    total = sum(len(v) for v in report.values() if isinstance(v, list))
    print(f"TOTAL {total} audit {what} over {len(report)} real PDFs")
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "audit_real.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
