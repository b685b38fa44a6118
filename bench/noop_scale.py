"""The no-op rebuild at national N without rendering N pages first.

    python bench/noop_scale.py --n 20000 100000

Makes N package folders (a demo datapackage.json hard-linked under new unit ids), records the
build state a finished build would have left (`state.json`, the manifest, an index page), then
times `sitegen build` with nothing changed: the path a real no-op takes (stat every
datapackage.json, compare with the state, stop). CPU seconds and wall seconds per N.
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
sys.path.insert(0, str(ROOT))

from sitegen.site import render  # noqa: E402


def prepare(work: Path, n: int, template: Path) -> None:
    if work.exists():
        shutil.rmtree(work)
    dp, site, cache = work / "dp", work / "site", work / "c-site"  # `--cache c` keeps the site's in c-site
    for i in range(n):
        folder = dp / f"bench-{i:06d}" / "2024-budget"
        folder.mkdir(parents=True)
        try:
            os.link(template, folder / "datapackage.json")
        except OSError:  # past the file system's link limit
            shutil.copyfile(template, folder / "datapackage.json")
    templates = render.default_templates()
    state = render.build_state(dp, {}, render._digest_tree(templates), "", "", str(site.resolve()))
    site.mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html>", encoding="utf-8")
    (site / render.MANIFEST).write_text(json.dumps({rel: "x" for rel in state["files"]}), encoding="utf-8")
    cache.mkdir()
    (cache / render.STATE).write_text(json.dumps(state, separators=(",", ":")), encoding="utf-8")
    (work / "empty").mkdir()


def noop(work: Path) -> tuple[float, float]:
    code = ("import resource, runpy, sys\nsys.argv = ['sitegen'] + sys.argv[1:]\n"
            "try:\n    runpy.run_module('sitegen.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "me = resource.getrusage(resource.RUSAGE_SELF)\nprint('BENCH', me.ru_utime + me.ru_stime, file=sys.stderr)\n")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, "build", "--content", str(work / "empty"), "--data",
                           str(work / "dp"), "--out", str(work / "site"), "--cache", str(work / "c")],
                          cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    line = next((x for x in proc.stderr.splitlines() if x.startswith("BENCH")), None)
    if proc.returncode or line is None or "(0 rendered" not in " ".join(proc.stderr.split()):  # the report is on stderr
        raise SystemExit(proc.stdout + proc.stderr)
    return float(line.split()[1]), wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, nargs="+", default=[20000])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "noop")
    parser.add_argument("--template", type=Path, required=True, help="a built package's datapackage.json")
    args = parser.parse_args()
    print("| N | no-op rebuild (CPU) | wall |")
    print("|---|---|---|")
    for n in args.n:
        work = args.out / f"n{n}"
        prepare(work, n, args.template)
        cpu, wall = min(noop(work) for _ in range(3))
        print(f"| {n:,} | {cpu:.2f} s | {wall:.2f} s |", flush=True)


if __name__ == "__main__":
    main()
