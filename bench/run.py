"""Benchmark: parse vs the bare pdfplumber floor, cold vs no-op build, render time, peak memory.

    python bench/run.py [--n 200] [--small 50] [--out bench/out]

Builds a scale corpus from the test fixtures (each PDF copied under distinct unit ids), then
prints a table and writes bench/out/results.json. Ratios are what matter; seconds depend on
the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def corpus_pdfs() -> list[Path]:
    return sorted(FIXTURES.glob("*/pdf/style-*.pdf"))


def make_corpus(folder: Path, n: int) -> Path:
    """n disclosures: the corpus PDFs replicated, each with its own unit id in metadata.toml."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    pdfs = corpus_pdfs()
    meta = ["[files]"]
    for i in range(n):
        src = pdfs[i % len(pdfs)]
        name = f"d{i:04d}-{src.parent.parent.name}-{src.stem}.pdf"
        data = src.read_bytes() + f"\n% copy {i}\n".encode()  # distinct sha256 per copy
        (folder / name).write_bytes(data)
        meta.append(f'"{name}" = {{ unit_id = "bench-unit-{i:04d}" }}')
    (folder / "metadata.toml").write_text("\n".join(meta) + "\n", encoding="utf-8")
    return folder


def floor_seconds(paths: list[Path]) -> float:
    """CPU seconds of bare pdfplumber: open, `extract_words()` on every page (bench/parse_floor.py)."""
    from parse_floor import floor

    start = time.process_time()
    for path in paths:
        floor(path)
    return time.process_time() - start


def ours_seconds(paths: list[Path]) -> float:
    """CPU seconds of the parse from PDF to the disclosure model (bench/parse_floor.py)."""
    from parse_floor import ours

    start = time.process_time()
    for path in paths:
        ours(path)
    return time.process_time() - start


def timed_build(content: Path, work: Path, *extra: str) -> tuple[float, int, str]:
    """Run `sitegen build` as a child; return seconds, peak RSS of it and its workers (KB), output."""
    code = (
        "import resource, runpy, sys, time\n"
        "sys.argv = ['sitegen'] + sys.argv[1:]\n"
        "t = time.perf_counter()\n"
        "try:\n    runpy.run_module('sitegen.cli', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print('BENCH', time.perf_counter() - t, max(own, kids), file=sys.stderr)\n"
    )
    args = [sys.executable, "-c", code, "build", "--content", str(content), "--data", str(work / "dp"),
            "--out", str(work / "site"), "--cache", str(work / "cache"), *extra]
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    line = next(line for line in proc.stderr.splitlines() if line.startswith("BENCH"))
    _, seconds, rss = line.split()
    return float(seconds), int(rss), proc.stderr


def render_ms_per_page(work: Path) -> tuple[float, float]:
    """(HTML page render, downloads: ZIP + XLSX + copies) in ms per unit page."""
    from sitegen.site import render
    from sitegen.site.views import load_packages

    views = load_packages(work / "dp")
    env = render.environment(render.default_templates())
    start = time.perf_counter()
    for pkg in views:
        env.get_template("disclosure.html").render(
            pkg=pkg, unit=pkg.unit, resources=pkg.descriptor.get("resources", []), zip_name="z", xlsx_name="x",
            pdf_name="source.pdf", findings=pkg.findings(), root="../../", **render.unit_context(pkg, []))
        pkg.forget()
    html = (time.perf_counter() - start) * 1000 / max(len(views), 1)
    out = work / "render-site"
    if out.exists():
        shutil.rmtree(out)
    start = time.perf_counter()
    report = render.render_site(work / "dp", out)
    total = (time.perf_counter() - start) * 1000 / max(len(report.rendered), 1)
    return html, max(total - html, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict = {"cpus": os.cpu_count(), "n": args.n, "small": args.small}

    pdfs = corpus_pdfs()
    floor = min(floor_seconds(pdfs) for _ in range(2))
    ours = min(ours_seconds(pdfs) for _ in range(2))
    pages = sum(1 for _ in pdfs)  # per file
    results["parse"] = {"files": len(pdfs), "floor_s": floor, "ours_s": ours, "ratio": ours / floor}

    memory = {}
    for n in (args.small, args.n):
        work = args.out / f"n{n}"
        if work.exists():
            shutil.rmtree(work)
        content = make_corpus(work / "content", n)
        cold, rss, _ = timed_build(content, work)
        noop, _, _ = timed_build(content, work)
        memory[n] = rss
        results[f"build_{n}"] = {"cold_s": cold, "noop_s": noop, "peak_rss_mb": rss / 1024}
    big = args.out / f"n{args.n}"
    results["render_ms_per_page"], results["downloads_ms_per_page"] = render_ms_per_page(big)
    results["memory_ratio"] = memory[args.n] / memory[args.small]

    rows = [
        ("parse vs pdfplumber floor (CPU)", f"{ours:.2f}s vs {floor:.2f}s", f"{ours / floor:.2f}×", "≤ 1.0×"),
        (f"cold build, N={args.n}", f"{results[f'build_{args.n}']['cold_s']:.1f}s", "", ""),
        (f"no-op rebuild, N={args.n}", f"{results[f'build_{args.n}']['noop_s']:.2f}s", "", "≤ 2 s"),
        ("render per unit page (HTML)", f"{results['render_ms_per_page']:.1f} ms", "", "≤ 10 ms"),
        ("downloads per unit page (ZIP, XLSX)", f"{results['downloads_ms_per_page']:.1f} ms", "", ""),
        (f"peak memory N={args.small} / N={args.n}",
         f"{memory[args.small] / 1024:.0f} MB / {memory[args.n] / 1024:.0f} MB",
         f"{results['memory_ratio']:.2f}×", "within 20%"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, ratio, goal in rows:
        print(f"{name:<{width}}  {value:>22}  {ratio:>7}  {goal}")
    (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    del pages


if __name__ == "__main__":
    main()
