"""Benchmark: `sitegen parse` against the bare pdfplumber floor, file by file.

    python bench/parse_floor.py [--runs 3] [--audit] [--json bench/out/parse_floor.json] [PDF ...]

The floor is what any pdfplumber reader pays: open the PDF and call `page.extract_words()` on
every page. Ours is the whole pipeline from PDF to the disclosure model (`parse_file`, what a
`sitegen parse` worker runs before writing; `--audit` adds package assembly and the audit).
Both run in this one process on a warm page cache; each figure is the median of `--runs` CPU
times (`time.process_time`), floor and ours interleaved so that load on the machine hits both.
Without arguments it reads the real PDFs (content/, content/real/, tests/fixtures/real2/) and
the corpus documents (tests/fixtures/*/pdf/). Ratios are what matter; seconds depend on the machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def default_pdfs() -> list[Path]:
    """The real PDFs, then the corpus documents."""
    groups = [
        ROOT.glob("content/*.pdf"),
        ROOT.glob("content/real/*.pdf"),
        ROOT.glob("tests/fixtures/real2/*.pdf"),
        ROOT.glob("tests/fixtures/*/pdf/*.pdf"),
    ]
    return [p for group in groups for p in sorted(group)]


def floor(path: Path) -> int:
    """Bare pdfplumber: open, extract the words of every page. Returns the page count."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.close()
        return len(pdf.pages)


def ours(path: Path, audit: bool = False) -> None:
    """The parse a `sitegen parse` worker runs: PDF → Document → Disclosure (→ package + audit).
    A file refused with a clear error (a scanned PDF) is timed up to the refusal."""
    from sitegen.build import _worker, parse_file
    from sitegen.disclosure import ParseError
    from sitegen.extract import ExtractError

    if audit:
        _worker((str(path),))
        return
    try:
        parse_file(str(path))
    except (ExtractError, ParseError):  # a file we refuse (a scanned PDF) costs what it costs
        pass


def cpu_seconds(run: Callable[[], object]) -> float:
    gc.collect()
    start = time.process_time()
    run()
    return time.process_time() - start


def measure(paths: list[Path], runs: int, audit: bool) -> list[dict]:
    """Per file: pages, median floor and ours CPU seconds, their ratio."""
    rows = []
    for path in paths:
        path.read_bytes()  # warm the page cache
        pages = floor(path)
        ours(path, audit)  # warm imports and caches once, untimed
        floors, ourss = [], []
        for _ in range(runs):
            floors.append(cpu_seconds(partial(floor, path)))
            ourss.append(cpu_seconds(partial(ours, path, audit)))
        f, o = statistics.median(floors), statistics.median(ourss)
        rows.append({"file": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
                     "pages": pages, "floor_s": f, "ours_s": o, "ratio": o / f if f else float("nan")})
        print(f"{rows[-1]['file']:<44} {pages:>4} {f:>8.3f} {o:>8.3f} {rows[-1]['ratio']:>6.2f}×", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per file (median)")
    parser.add_argument("--audit", action="store_true", help="include package assembly and the audit")
    parser.add_argument("--json", type=Path, default=None, help="write the rows here")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.pdfs] or default_pdfs()
    print(f"{'file':<44} {'pages':>4} {'floor s':>8} {'ours s':>8} {'ratio':>7}")
    rows = measure(paths, max(args.runs, 1), args.audit)
    total_floor = sum(r["floor_s"] for r in rows)
    total_ours = sum(r["ours_s"] for r in rows)
    pages = sum(r["pages"] for r in rows)
    print(f"{'all ' + str(len(rows)) + ' files':<44} {pages:>4} {total_floor:>8.3f} {total_ours:>8.3f} "
          f"{total_ours / total_floor:>6.2f}×")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"runs": args.runs, "audit": args.audit, "files": rows,
                                         "floor_s": total_floor, "ours_s": total_ours,
                                         "ratio": total_ours / total_floor}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
