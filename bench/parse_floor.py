"""Benchmark: `sitegen parse` against the bare pdfplumber floor, file by file.

    python bench/parse_floor.py [--runs 3] [--audit] [--workers 1,2] [--json out.json] [PDF ...]

The floor is what any pdfplumber reader pays: open the PDF and call `page.extract_words()` on
every page. Ours is the whole pipeline from PDF to the disclosure model (`parse_file`, what a
`sitegen parse` worker runs before writing; `--audit` adds package assembly and the audit).
Both run in this one process on a warm page cache; each figure is the median of `--runs` CPU
times (`time.process_time`), floor and ours interleaved so that load on the machine hits both.
Without arguments it reads the real PDFs (content/, content/real/, tests/fixtures/real2/) and
the corpus documents (tests/fixtures/*/pdf/). Ratios are what matter; seconds depend on the machine.

`--workers 1,2` then parses all the files as `sitegen parse` does (`parse_many`: a forked
worker per file, parse + package + audit) on 1 and on 2 workers: wall and CPU seconds (this
process and its workers), and whether the progress callback saw every file once.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
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


def workers(paths: list[Path], counts: list[int]) -> list[dict]:
    """`parse_many` over all files on each worker count: wall, CPU (self + workers), ticks."""
    from sitegen.build import parse_many

    rows = []
    for jobs in counts:
        ticks: list = []
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        own, wall = time.process_time(), time.perf_counter()
        outcomes = parse_many(paths, jobs=jobs, progress=ticks.append)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = time.process_time() - own + (after.ru_utime - kids.ru_utime) + (after.ru_stime - kids.ru_stime)
        rows.append({"jobs": jobs, "files": len(paths), "wall_s": wall, "cpu_s": cpu, "ticks": len(ticks),
                     "errors": sum(1 for o in outcomes if o.error)})
        print(f"{jobs} worker(s): {len(paths)} files in {wall:.1f} s wall, {cpu:.1f} s CPU; "
              f"progress ticks {len(ticks)}, {rows[-1]['errors']} refused", flush=True)
    if len(rows) > 1:
        print(f"speed-up {rows[0]['wall_s'] / rows[-1]['wall_s']:.2f}× on {rows[-1]['jobs']} workers "
              f"({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per file (median)")
    parser.add_argument("--audit", action="store_true", help="include package assembly and the audit")
    parser.add_argument("--workers", default="", help="e.g. 1,2: also time parse_many on these worker counts")
    parser.add_argument("--no-floor", action="store_true", help="skip the per-file floor comparison")
    parser.add_argument("--json", type=Path, default=None, help="write the rows here")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.pdfs] or default_pdfs()
    report: dict = {"runs": args.runs, "audit": args.audit}
    if not args.no_floor:
        report.update(compare(paths, args.runs, args.audit))
    if args.workers:
        report["workers"] = workers(paths, [int(n) for n in args.workers.split(",")])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


def compare(paths: list[Path], runs: int, audit: bool) -> dict:
    """The per-file table and its total line."""
    print(f"{'file':<44} {'pages':>4} {'floor s':>8} {'ours s':>8} {'ratio':>7}")
    rows = measure(paths, max(runs, 1), audit)
    total_floor = sum(r["floor_s"] for r in rows)
    total_ours = sum(r["ours_s"] for r in rows)
    pages = sum(r["pages"] for r in rows)
    print(f"{'all ' + str(len(rows)) + ' files':<44} {pages:>4} {total_floor:>8.3f} {total_ours:>8.3f} "
          f"{total_ours / total_floor:>6.2f}×")
    return {"files": rows, "floor_s": total_floor, "ours_s": total_ours, "ratio": total_ours / total_floor}


if __name__ == "__main__":
    sys.exit(main())
