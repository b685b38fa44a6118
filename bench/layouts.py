"""Longer run of the layout generator (tests/layoutgen.py): how many seeds read cell-exact.

    python bench/layouts.py [--seeds 1000] [--start 0]

Prints each failing layout with its first differing cells, then the pass count.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_layouts import cell_diffs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--start", type=int, default=0)
    args = parser.parse_args()
    passed, started = 0, time.time()
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(args.start, args.start + args.seeds):
            described, diffs = cell_diffs(seed, Path(folder))
            if diffs:
                print(f"FAIL {described}: {len(diffs)} cells, e.g. {diffs[:2]}")
            else:
                passed += 1
    print(f"{passed}/{args.seeds} layouts cell-exact in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
