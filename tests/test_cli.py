"""The CLI end to end on real corpus PDFs, through click's runner."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_content, pdf_path, truth_rows
from frictionless import validate

from sitegen.cli import cli
from sitegen.package.schemas import RESOURCES


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of a small content folder: two good PDFs and a broken one."""
    root = tmp_path_factory.mktemp("build")
    content = make_content(root, {"yanqi.pdf": ("002", "B"), "aketao.pdf": ("004", "C")})
    (content / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    (content / "metadata.toml").write_text(
        '[defaults]\nregion = "新疆维吾尔自治区"\n\n[files."aketao.pdf"]\nunit_id = "akaotao-xian-shehui-baoxian-zhongxin"\n'
        'source_url = "https://example.org/aketao.pdf"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["build", "--content", str(content), "--data", str(root / "dp"), "--out", str(root / "site"),
         "--cache", str(root / "cache"), "--jobs", "2"],
    )
    return root, result


def test_build_writes_packages_and_site(built):
    root, result = built
    assert result.exit_code == 0, result.output
    packages = sorted(p.relative_to(root / "dp").as_posix() for p in (root / "dp").glob("*/*/datapackage.json"))
    assert packages == [
        "akaotao-xian-shehui-baoxian-zhongxin/2025-budget/datapackage.json",
        "yan-qi-xian-she-hui-bao-xian-zhong-xin/2024-budget/datapackage.json",
    ]
    assert (root / "site" / "index.html").exists()
    for p in packages:
        page = root / "site" / Path(p).parent / "index.html"
        assert page.exists()
        html = page.read_text(encoding="utf-8")
        assert "部门收支总体情况表" in html and "data/source.pdf" in html


def test_broken_file_is_reported_and_build_goes_on(built):
    root, result = built
    assert "broken.pdf" in result.output
    assert "not a readable PDF" in result.output
    assert "built 2 disclosures" in result.output


def test_strict_fails_on_broken_file(built, tmp_path):
    root, _ = built
    content = tmp_path / "c"
    content.mkdir()
    (content / "broken.pdf").write_bytes(b"garbage")
    result = CliRunner().invoke(
        cli, ["build", "--strict", "--content", str(content), "--data", str(tmp_path / "dp"),
              "--out", str(tmp_path / "site"), "--cache", ""]
    )
    assert result.exit_code == 1


def test_every_package_passes_frictionless(built):
    root, _ = built
    for dp in (root / "dp").glob("*/*/datapackage.json"):
        report = validate(str(dp))
        assert report.valid, report.flatten(["type", "note"])


def test_package_follows_the_contract(built):
    root, _ = built
    folder = root / "dp" / "akaotao-xian-shehui-baoxian-zhongxin" / "2025-budget"
    dp = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert dp["title"] == "阿克陶县社会保险中心2025年部门预算"
    assert dp["unit"]["region"] == "新疆维吾尔自治区"
    assert dp["sources"][0]["url"] == "https://example.org/aketao.pdf"
    assert len(dp["sources"][0]["sha256"]) == 64
    assert dp["fiscalPeriod"] == {"start": "2025-01-01", "end": "2025-12-31"}
    names = [r["name"] for r in dp["resources"]]
    assert names == [r.name for r in RESOURCES] + ["audit"]
    for res in dp["resources"]:
        assert res["encoding"] == "utf-8" and res["hash"].startswith("sha256:")
        assert res["bytes"] == (folder / res["path"]).stat().st_size
        if res["name"] == "audit":
            continue
        assert all(f["title"] for f in res["schema"]["fields"])
        assert res["schema"]["fields"][-1]["name"] == "source_page"
    fund = next(r for r in dp["resources"] if r["name"] == "fund_budget_expenditure")
    assert "为空表" in fund["description"]
    with open(folder / "expenditure_summary.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    truth = truth_rows("004", "expenditure_summary")
    assert [r["total"] for r in rows] == [r["total"] for r in truth]
    assert (folder / "expenditure_summary.csv").read_bytes().count(b"\r") == 0


def test_tampered_csv_fails_validate(built, tmp_path):
    root, _ = built
    copy = tmp_path / "pkg"
    shutil.copytree(root / "dp" / "akaotao-xian-shehui-baoxian-zhongxin" / "2025-budget", copy)
    path = copy / "expenditure_summary.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("457.01", "457.02"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(copy)])
    assert result.exit_code == 1
    assert "INVALID" in result.output


def test_parse_prints_package_paths(tmp_path):
    result = CliRunner().invoke(cli, ["parse", str(pdf_path("003", "A")), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip().splitlines()[-1])
    assert path == tmp_path / "xin-jiang-wei-wu-er-zi-zhi-qu-she-hui-bao-xian-zhong-xin" / "2024-budget"
    ok = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert ok.exit_code == 0, ok.output


def test_rebuild_uses_cache(built):
    root, _ = built
    result = CliRunner().invoke(
        cli, ["build", "--content", str(root / "content"), "--data", str(root / "dp"),
              "--out", str(root / "site"), "--cache", str(root / "cache")]
    )
    assert result.exit_code == 0
    assert "(2 from cache)" in result.output
