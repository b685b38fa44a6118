"""Hostile and broken input, atomic output, incremental and reproducible builds, Dask."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pdfgen
import pytest
from click.testing import CliRunner
from conftest import make_content, pdf_path

from sitegen.cli import cli

SITEGEN = [sys.executable, "-m", "sitegen.cli"]


def _build(content: Path, root: Path, *extra: str, env: dict | None = None):
    args = ["build", "--content", str(content), "--data", str(root / "dp"), "--out", str(root / "site"),
            "--cache", str(root / "cache"), *extra]
    return CliRunner(env=env).invoke(cli, args)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def bad_content(tmp_path):
    content = make_content(tmp_path, {"good.pdf": ("004", "B")})
    good = pdf_path("003", "C").read_bytes()
    (content / "truncated.pdf").write_bytes(good[: len(good) // 3])
    (content / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    (content / "encrypted.pdf").write_bytes(pdfgen.encrypted_pdf())
    (content / "scanned.pdf").write_bytes(pdfgen.image_pdf())
    (content / "zero-pages.pdf").write_bytes(pdfgen.empty_pdf())
    (content / "other-report.pdf").write_bytes(pdfgen.text_pdf(["Annual report of a company", "Revenue 100"]))
    (content / "huge.pdf").write_bytes(pdfgen.text_pdf(["page"], pages=500))
    return content


def test_bad_inputs_are_reported_and_good_files_built(bad_content, tmp_path):
    result = _build(bad_content, tmp_path, "--max-pages", "400")
    assert result.exit_code == 0, result.output
    out = result.output
    expected = {
        "truncated.pdf": "not a readable PDF",
        "garbage.pdf": "not a readable PDF",
        "encrypted.pdf": "encrypted",
        "scanned.pdf": "needs OCR",
        "zero-pages.pdf": "no pages",
        "other-report.pdf": "no budget table found",
        "huge.pdf": "500 pages, more than the limit of 400",
    }
    lines = [line for line in out.splitlines() if line.startswith("error")]
    for name, reason in expected.items():
        assert any(name in line and reason in line for line in lines), (name, out)
    assert "page 1" in next(line for line in lines if "scanned.pdf" in line)
    assert len(list((tmp_path / "dp").glob("*/*/datapackage.json"))) == 1
    assert (tmp_path / "site" / "index.html").exists()
    strict = _build(bad_content, tmp_path, "--strict")
    assert strict.exit_code == 1


def test_time_limit_stops_a_slow_parse(tmp_path):
    content = make_content(tmp_path, {"slow.pdf": ("002", "A")})
    result = _build(content, tmp_path, "--timeout", "0.3", "--cache", "")
    assert "stopped after" in result.output and "time limit" in result.output


def test_unit_id_cannot_escape_the_output_folder(tmp_path):
    content = make_content(tmp_path, {"a.pdf": ("004", "A")})
    (content / "metadata.toml").write_text('[files."a.pdf"]\nunit_id = "../../../etc/passwd"\n', encoding="utf-8")
    result = _build(content, tmp_path)
    assert result.exit_code == 0, result.output
    written = list((tmp_path / "dp").glob("*/*/datapackage.json"))
    assert [p.parent.parent.name for p in written] == ["etc-passwd"]
    assert not (tmp_path.parent / "etc").exists()


def test_two_files_claiming_one_unit_and_year(tmp_path):
    content = make_content(tmp_path, {"first.pdf": ("004", "A"), "second.pdf": ("004", "B")})
    result = _build(content, tmp_path)
    assert "same unit-id and year" in result.output
    assert "first.pdf" in result.output and "second.pdf" in result.output


def test_untrusted_text_is_escaped(tmp_path):
    from sitegen.disclosure.model import Disclosure, Source, Table
    from sitegen.package.writer import write_package
    from sitegen.site.render import render_site

    evil = '<script>alert(1)</script>'
    d = Disclosure(unit={"name": evil, "year": 2025, "kind": "budget", "functions": [evil]},
                   source=Source(path="x.pdf", sha256="0" * 64, pages=1, media_type="application/pdf"))
    d.tables["expenditure_summary"] = Table(
        "expenditure_summary", title=f"部门支出总体情况表{evil}", table_number="表3",
        rows=[{"code": "", "class_code": "", "section_code": "", "item_code": "", "level": 0,
               "name": '总计"><img src=x onerror=alert(2)>', "total": Decimal("1"), "basic": Decimal("1"),
               "project": None, "source_page": 1}],
    )
    write_package(d, tmp_path / "dp", "evil-unit")
    render_site(tmp_path / "dp", tmp_path / "site")
    pages = [p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html")]
    assert pages
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in html for html in pages)
    assert all("Content-Security-Policy" in html and "script-src 'self'" in html for html in pages)


def test_builds_are_byte_identical(tmp_path):
    content = make_content(tmp_path, {"a.pdf": ("002", "B"), "b.pdf": ("003", "A")})
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    first, second = tmp_path / "one", tmp_path / "two"
    assert _build(content, first, "--cache", "", env=env).exit_code == 0
    assert _build(content, second, "--cache", "", env=env).exit_code == 0
    for sub in ("dp", "site"):
        a, b = _tree(first / sub), _tree(second / sub)
        assert a.keys() == b.keys()
        assert [k for k in a if a[k] != b[k]] == []


def test_incremental_rebuild_touches_only_what_changed(tmp_path):
    content = make_content(tmp_path, {"yanqi.pdf": ("002", "C"), "xinjiang.pdf": ("003", "C")})
    assert _build(content, tmp_path).exit_code == 0
    site, dp = tmp_path / "site", tmp_path / "dp"
    before = {p: p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    dp_before = {p: p.stat().st_mtime_ns for p in dp.rglob("*") if p.is_file()}
    time.sleep(0.05)
    noop = _build(content, tmp_path)
    assert "(0 rendered, 2 unchanged)" in noop.output
    assert {p: p.stat().st_mtime_ns for p in dp.rglob("*") if p.is_file()} == dp_before
    (content / "metadata.toml").write_text('[files."yanqi.pdf"]\nregion = "巴音郭楞蒙古自治州"\n', encoding="utf-8")
    result = _build(content, tmp_path)
    assert "(2 from cache)" in result.output and "(1 rendered, 1 unchanged)" in result.output
    changed_dp = {p for p in dp.rglob("*") if p.is_file() and dp_before.get(p) != p.stat().st_mtime_ns}
    assert {p.parent.parent.name for p in changed_dp} == {"yan-qi-xian-she-hui-bao-xian-zhong-xin"}
    after = {p: p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    rewritten = {p.relative_to(site).as_posix() for p in after if before.get(p) != after[p]}
    assert "index.html" in rewritten
    assert any(r.startswith("yan-qi") for r in rewritten)
    assert not any(r.startswith("xin-jiang") for r in rewritten)


def test_killed_build_leaves_previous_output_intact(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    for doc, style in (("002", "A"), ("003", "B"), ("004", "C")):
        shutil.copy(pdf_path(doc, style), content / f"{doc}.pdf")
    assert _build(content, tmp_path, "--cache", "").exit_code == 0
    snapshot = {sub: _tree(tmp_path / sub) for sub in ("dp", "site")}
    (content / "metadata.toml").write_text('[defaults]\nregion = "changed"\n', encoding="utf-8")
    args = [*SITEGEN, "build", "--content", str(content), "--data", str(tmp_path / "dp"),
            "--out", str(tmp_path / "site"), "--cache", ""]
    for delay in (0.8, 1.6, 2.4, 3.2):
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for sub in ("dp", "site"):
            now = _tree(tmp_path / sub)
            visible = {k: v for k, v in now.items() if not any(part.startswith((".tmp-", ".old-")) for part in k.split("/"))}
            # every package is either the old one or a complete new one
            for dp_json in [k for k in visible if k.endswith("datapackage.json")]:
                desc = json.loads(visible[dp_json])
                folder = dp_json.rsplit("/", 1)[0]
                for res in desc["resources"]:
                    data = visible[f"{folder}/{res['path']}"]
                    assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            if sub == "site":
                assert "index.html" in visible
    result = _build(content, tmp_path, "--cache", "")
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob("dp/**/.tmp-*")) and not list(tmp_path.glob(".site-*"))
    assert _tree(tmp_path / "dp").keys() == snapshot["dp"].keys()


def test_dask_executor_gives_identical_output(tmp_path):
    pytest.importorskip("dask.distributed")
    content = make_content(tmp_path, {"a.pdf": ("004", "B"), "b.pdf": ("002", "C")})
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert _build(content, local, "--cache", "", env=env).exit_code == 0
    result = _build(content, dask, "--cache", "", "--executor", "dask", env=env)
    assert result.exit_code == 0, result.output
    assert _tree(local / "dp") == _tree(dask / "dp")


def test_renamed_unit_replaces_its_old_package(tmp_path):
    """Changing a unit_id moves the package; the old folder (same source) goes, others stay."""
    content = make_content(tmp_path, {"a.pdf": ("004", "A")})
    assert _build(content, tmp_path).exit_code == 0
    keep = tmp_path / "dp" / "kept-by-hand" / "2020-budget"
    keep.mkdir(parents=True)
    (keep / "datapackage.json").write_text('{"sources": [{"sha256": "0000"}], "resources": []}', encoding="utf-8")
    (content / "metadata.toml").write_text('[files."a.pdf"]\nunit_id = "akaotao"\n', encoding="utf-8")
    assert _build(content, tmp_path).exit_code == 0
    folders = sorted(p.parent.relative_to(tmp_path / "dp").as_posix() for p in (tmp_path / "dp").glob("*/*/datapackage.json"))
    assert folders == ["akaotao/2025-budget", "kept-by-hand/2020-budget"]


def test_a_killed_writer_s_temp_folders_are_removed_and_never_read_as_packages(tmp_path):
    """The data folder is listed for stale temp folders only when the last writer did not
    finish (it left `.sitegen-writing`; at N = 100,000 that listing is 100,000 folders), and a
    temp folder holding a datapackage.json is never taken for a package."""
    content = make_content(tmp_path, {"a.pdf": ("003", "A")})
    assert _build(content, tmp_path).exit_code == 0
    dp = tmp_path / "dp"
    assert not (dp / ".sitegen-writing").exists()
    package = next(dp.glob("*/*/datapackage.json")).parent
    leftover = package.parent / ".tmp-killed"
    shutil.copytree(package, leftover)
    descriptor = json.loads((leftover / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["unit"]["name"] = "半写的包"
    (leftover / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    result = _build(content, tmp_path)
    assert result.exit_code == 0 and "1 pages (0 rendered, 1 unchanged)" in result.output, result.output
    assert leftover.exists()  # the last writer finished: nothing is listed
    assert not any("半写的包" in p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html"))
    (dp / ".sitegen-writing").touch()  # as a build killed while writing leaves it
    result = _build(content, tmp_path)
    assert result.exit_code == 0 and "1 pages" in result.output, result.output
    assert not leftover.exists() and not (dp / ".sitegen-writing").exists()
