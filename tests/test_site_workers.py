"""Unit pages rendered in worker processes: the same site as in one process, failures reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sitegen.site.render import render_site


def _packages(site_root: Path, target: Path, copies: int) -> list[Path]:
    """The demo packages under `copies` unit ids each (more pages than a pool needs to start)."""
    folders = []
    for unit in sorted((site_root / "dp").iterdir()):
        for i in range(copies):
            dst = target / f"{unit.name}-{i}"
            shutil.copytree(unit, dst)
            for dp_file in dst.glob("*/datapackage.json"):
                dp = json.loads(dp_file.read_text(encoding="utf-8"))
                dp["unit"]["name"] = f"{dp['unit']['name']}{i}"
                dp_file.write_text(json.dumps(dp, ensure_ascii=False), encoding="utf-8")
                folders.append(dp_file.parent)
    return folders


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_pool_renders_the_same_site_as_one_process(site, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folders = _packages(site[1], tmp_path / "dp", 3)
    assert len(folders) >= 6
    one = render_site(tmp_path / "dp", tmp_path / "one", jobs=1)
    two = render_site(tmp_path / "dp", tmp_path / "two", jobs=2)
    assert sorted(one.rendered) == sorted(two.rendered) and len(one.rendered) == len(folders)
    a, b = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_a_page_that_fails_in_a_worker_is_reported_and_the_rest_are_published(site, tmp_path):
    folders = _packages(site[1], tmp_path / "dp", 3)
    broken = folders[2]
    csv = next(broken.glob("expenditure_summary.csv"))
    csv.write_bytes(b"\xff\xfe not utf-8 \xc3\x28\n" + csv.read_bytes())
    reports = [render_site(tmp_path / "dp", tmp_path / f"site{jobs}", jobs=jobs) for jobs in (1, 2)]
    for report in reports:
        assert [line.split(":")[0] for line in report.left_out] == [str(broken)]
        assert "UnicodeDecodeError" in report.left_out[0]  # why, as the worker met it
        assert len(report.rendered) == len(folders) - 1
    rel = f"{broken.parent.name}/{broken.name}"
    assert not (tmp_path / "site2" / rel).exists()
    assert all((tmp_path / "site2" / r / "index.html").is_file() for r in reports[1].rendered)


def _square_or_die(n: int) -> int:
    if n == 3:
        import os

        os._exit(1)  # a worker killed (out of memory, a signal): the pool is broken from here on
    return n * n


def test_a_killed_worker_fails_its_jobs_and_the_walk_goes_on():
    from sitegen.site.workers import ordered, pool

    jobs = [(n,) if n != 1 else None for n in range(8)]
    outcomes = []
    with pool(2, len(jobs), lambda: None, ()) as executor:
        for future in ordered(executor, _square_or_die, jobs, ahead=2):
            if future is None:
                outcomes.append("skip")
                continue
            try:
                outcomes.append(future.result())
            except Exception as exc:
                outcomes.append(type(exc).__name__)
    assert outcomes[:3] == [0, "skip", 4] and len(outcomes) == 8
    assert outcomes[3] == outcomes[-1] == "BrokenProcessPool"  # job 7 was submitted to a broken pool
    assert all(o in (n * n, "BrokenProcessPool") for n, o in enumerate(outcomes) if n > 3)
