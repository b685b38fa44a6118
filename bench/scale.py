"""Site build at national scale: N copies of the demo packages under new unit ids and regions.

    python bench/scale.py --n 1000 10000 [--out bench/out/scale] [--seed-content content]

For each N: `sitegen build --content <empty> --data <N packages>` cold, then after editing one
package, then with nothing changed; peak memory (RSS of the build), the largest HTML page and
the size of _site. Prints a Markdown table (the README carries it) and writes results.json.
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
# 31 provinces × 4 prefectures × 3 counties: regions as a national deployment has them (names are labels only)
PROVINCES = ["北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市",
             "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省",
             "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省",
             "青海省", "宁夏回族自治区", "新疆维吾尔自治区"]
PREFECTURES = ["第一市", "第二市", "第三市", "第四市"]
COUNTIES = ["", "甲县", "乙县", "丙区"]  # "" : a prefecture-level unit


def seed_packages(seed_content: Path, work: Path) -> list[Path]:
    """Build the demo content once; its packages are the templates of every copy."""
    seed = work / "seed"
    if not (seed / "dp").exists():
        subprocess.run([sys.executable, "-m", "sitegen.cli", "build", "--content", str(seed_content),
                        "--data", str(seed / "dp"), "--out", str(seed / "site"), "--cache", str(seed / "cache")],
                       check=True, cwd=ROOT, capture_output=True)
    return sorted(p.parent for p in (seed / "dp").glob("*/*/datapackage.json"))


def make_copies(packages: list[Path], target: Path, n: int) -> None:
    """n packages: the seed packages in turn, each under its own unit id and region."""
    if target.exists():
        shutil.rmtree(target)
    for i in range(n):
        src = packages[i % len(packages)]
        dst = target / f"bench-{i:06d}" / src.name
        shutil.copytree(src, dst, copy_function=os.link)  # tables shared on disk; the descriptor is rewritten
        dp = json.loads((src / "datapackage.json").read_text(encoding="utf-8"))
        (dst / "datapackage.json").unlink()
        dp["unit"]["name"] = f"{dp['unit'].get('name', '')}·{i:06d}"
        dp["unit"]["region"] = (PROVINCES[i % len(PROVINCES)] + PREFECTURES[(i // len(PROVINCES)) % len(PREFECTURES)]
                                + COUNTIES[(i // (len(PROVINCES) * len(PREFECTURES))) % len(COUNTIES)])
        (dst / "datapackage.json").write_text(json.dumps(dp, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def timed_build(work: Path) -> tuple[float, float, float]:
    """`sitegen build` as a child process: (wall s, CPU s, peak RSS MB of it and its children).
    CPU seconds are what to compare on a shared machine; wall time includes waiting for a core."""
    code = ("import resource, runpy, sys\nsys.argv = ['sitegen'] + sys.argv[1:]\n"
            "try:\n    runpy.run_module('sitegen.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime\n"
            "print('BENCH', max(me.ru_maxrss, kids.ru_maxrss), cpu, file=sys.stderr)\n")
    (work / "empty").mkdir(exist_ok=True)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, "build", "--content", str(work / "empty"),
                           "--data", str(work / "dp"), "--out", str(work / "site"), "--cache", str(work / "cache")],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    line = next((x for x in proc.stderr.splitlines() if x.startswith("BENCH")), None)
    if proc.returncode or line is None:
        raise SystemExit(proc.stdout + proc.stderr)
    _, rss, cpu = line.split()
    return seconds, float(cpu), int(rss) / 1024


def edit_one(work: Path) -> None:
    """Change one package's content the way a corrected source would: a number and its hash."""
    import hashlib

    folder = sorted((work / "dp").glob("bench-000000/*"))[0]
    path = folder / "expenditure_summary.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    data = "".join([*lines, lines[-1]]).encode("utf-8")  # one more row
    path.unlink()  # a new file, as the package writer makes: the copies share the old one
    path.write_bytes(data)
    dp = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for res in dp["resources"]:
        if res["name"] == "expenditure_summary":
            res["hash"], res["bytes"] = "sha256:" + hashlib.sha256(data).hexdigest(), len(data)
    (folder / "datapackage.json").write_text(json.dumps(dp, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def site_facts(site: Path) -> tuple[int, str, int, int]:
    """The largest HTML page, the bytes of every file (what a static host uploads) and the
    bytes on disk (hard-linked files counted once)."""
    largest, name, total, seen, disk = 0, "", 0, set(), 0
    for root, _, files in os.walk(site):
        for f in files:
            st = os.stat(os.path.join(root, f))
            total += st.st_size
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                disk += st.st_blocks * 512
            if f.endswith(".html") and st.st_size > largest:
                largest, name = st.st_size, os.path.relpath(os.path.join(root, f), site)
    return largest, name, total, disk


def run(n: int, packages: list[Path], out: Path) -> dict:
    work = out / f"n{n}"
    for old in ("site", "cache", "cache-site"):  # sitegen build --cache X keeps the site's cache in X-site
        if (work / old).exists():
            shutil.rmtree(work / old)
    make_copies(packages, work / "dp", n)
    cold_wall, cold, cold_rss = timed_build(work)
    edit_one(work)
    edit_wall, edit, _ = timed_build(work)
    noop_wall, noop, _ = timed_build(work)
    largest, page, total, disk = site_facts(work / "site")
    return {"n": n, "cold_s": cold, "edit_s": edit, "noop_s": noop, "cold_wall_s": cold_wall,
            "edit_wall_s": edit_wall, "noop_wall_s": noop_wall, "peak_rss_mb": cold_rss,
            "largest_page_kb": largest / 1024, "largest_page": page, "site_mb": total / 2**20,
            "site_disk_mb": disk / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, nargs="+", default=[1000])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scale")
    parser.add_argument("--seed-content", type=Path, default=ROOT / "content")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    packages = seed_packages(args.seed_content, args.out)
    results = []
    print("| N | cold build (CPU) | one-edit rebuild (CPU) | no-op rebuild (CPU) | peak memory | largest page | _site (files / on disk) |")
    print("|---|---|---|---|---|---|---|")
    for n in args.n:
        r = run(n, packages, args.out)
        results.append(r)
        (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")  # as it goes
        print(f"| {n:,} | {r['cold_s']:.0f} s | {r['edit_s']:.1f} s | {r['noop_s']:.1f} s | "
              f"{r['peak_rss_mb']:.0f} MB | {r['largest_page_kb']:.0f} KB ({r['largest_page']}) | "
              f"{r['site_mb']:.0f} / {r['site_disk_mb']:.0f} MB |", flush=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
