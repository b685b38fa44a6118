"""Layout generator (tests/layouts.py), long run: pass rates of the parser on randomized layouts.

    python bench/layouts.py [--seeds 1000] [--front pdf|text] [--one-factor] [--jobs 2]

Random mode renders seeds 0..N-1 (tests/layouts.py `variant`) and prints the pass rate per
option value, per document and per table, plus one failing seed per option value.
One-factor mode starts from the plain baseline layout and changes a single option (or a
single header wording) at a time, so each failure is owed to that one choice.
Writes bench/out/layouts-<front>.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import layouts  # noqa: E402

CHANGES_SEEDS = range(11)  # with 3 tables a seed, seeds 0..10 show every table of the corpus


def _run(job: tuple[int, dict | None, dict | None, str]) -> tuple[int, list[str]]:
    seed, change, words, front = job
    v = layouts.variant(seed) if change is None else layouts.baseline(seed, **change)
    if words:
        v.words.update(words)
    with tempfile.TemporaryDirectory() as folder:
        return seed, layouts.check(v, Path(folder), front)


def random_mode(seeds: int, front: str, jobs: int) -> dict:
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    example: dict[str, int] = {}
    failures = {}
    with ProcessPoolExecutor(jobs) as pool:
        for seed, diffs in pool.map(_run, [(s, None, None, front) for s in range(seeds)]):
            v = layouts.variant(seed)
            keys = [f"{k}={val}" for k, val in v.options.items()] + [f"doc={v.doc}"]
            keys += [f"font={int(v.font_size)}pt"]
            for r in v.resources:  # a table passes when none of the differences are its own
                tally[f"table={r}"][0] += not any(d.startswith(r) for d in diffs)
                tally[f"table={r}"][1] += 1
            for key in keys:
                tally[key][0] += not diffs
                tally[key][1] += 1
                if diffs:
                    example.setdefault(key, seed)
            if diffs:
                failures[seed] = {"layout": v.describe(), "cells": len(diffs), "first": diffs[:3]}
    rows = {k: {"pass": p, "of": n, "example_failure": example.get(k)} for k, (p, n) in sorted(tally.items())}
    return {"passed": seeds - len(failures), "of": seeds, "by_option": rows, "failures": failures}


def one_factor_jobs(front: str) -> list[tuple[str, tuple]]:
    jobs = [("baseline", (s, {}, None, front)) for s in CHANGES_SEEDS]
    for name, values in layouts.OPTIONS.items():
        for value in values:
            if value != layouts.BASELINE[name]:
                jobs += [(f"{name}={value}", (s, {name: value}, None, front)) for s in CHANGES_SEEDS]
    for key, choices in layouts.WORDS.items():
        for word in choices[1:]:
            jobs += [(f"word {key}={word}", (s, {}, {key: word}, front)) for s in CHANGES_SEEDS]
    return jobs


def one_factor_mode(front: str, jobs: int) -> dict:
    labelled = one_factor_jobs(front)
    out: dict[str, dict] = {}
    with ProcessPoolExecutor(jobs) as pool:
        for (label, _), (seed, diffs) in zip(labelled, pool.map(_run, [j for _, j in labelled]), strict=True):
            row = out.setdefault(label, {"pass": 0, "of": 0, "failing_seeds": [], "first": []})
            row["of"] += 1
            row["pass"] += not diffs
            if diffs:
                row["failing_seeds"].append(seed)
                row["first"] = row["first"] or diffs[:2]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=1000)
    ap.add_argument("--front", choices=("pdf", "text"), default="pdf")
    ap.add_argument("--one-factor", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    start = time.time()
    if args.one_factor:
        result = {"one_factor": one_factor_mode(args.front, args.jobs)}
        for label, row in result["one_factor"].items():
            print(f"{row['pass']:3}/{row['of']:<3} {label}  {row['failing_seeds'] or ''} {row['first'][:1] or ''}")
    else:
        result = random_mode(args.seeds, args.front, args.jobs)
        for key, row in result["by_option"].items():
            print(f"{row['pass']:5}/{row['of']:<5} {key}  e.g. seed {row['example_failure']}")
        print(f"passed {result['passed']} of {result['of']} variants ({args.front})")
    result["seconds"] = round(time.time() - start, 1)
    print(f"{result['seconds']} s")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    suffix = "-one-factor" if args.one_factor else ""
    (out / f"layouts-{args.front}{suffix}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
