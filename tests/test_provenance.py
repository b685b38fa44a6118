"""Provenance, versions and researcher downloads of a real build: footer on every page,
source in the ZIP, content-derived versions and the changelog, XLSX layout, catalogue, sitemap,
bounded listing pages."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_content, pdf_path
from openpyxl import load_workbook

from sitegen.cli import cli
from sitegen.package.writer import content_version
from sitegen.site import listing
from sitegen.site.render import render_site

SITE_URL = "https://budget.example.org/open/"
SOURCE_URL = "https://www.example.gov.cn/yanqi-2024.pdf"


def _build(root: Path, content: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--content", str(content), "--data", str(root / "dp"),
                                      "--out", str(root / "site"), "--cache", str(root / "cache"), "-j", "1"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("prov")
    content = make_content(root, {"yanqi.pdf": ("002", "B")})
    (content / "metadata.toml").write_text(
        f'[defaults]\nregion = "新疆维吾尔自治区"\nsite_url = "{SITE_URL}"\n\n'
        f'[files."yanqi.pdf"]\nunit_id = "yanqi-shebao"\nsource_url = "{SOURCE_URL}"\n', encoding="utf-8")
    _build(root, content)
    return root


def _package(root: Path) -> Path:
    return root / "dp" / "yanqi-shebao" / "2024-budget"


def test_every_page_shows_licence_source_and_citation(built):
    pages = sorted((built / "site").rglob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        html = page.read_text(encoding="utf-8")
        footer = html[html.index('<footer class="site">'):]
        assert 'rel="license" href="https://creativecommons.org/licenses/by/4.0/"' in footer, page
        assert "数据来源" in footer and "引用" in footer, page
        assert re.search(r"版本 1\.0\.0\+[0-9a-f]{12}", footer), page
    unit = (built / "site" / "yanqi-shebao" / "2024-budget" / "index.html").read_text(encoding="utf-8")
    footer = unit[unit.index('<footer class="site">'):]
    assert f'href="{SOURCE_URL}"' in footer and 'href="data/source.pdf"' in footer
    assert f"{SITE_URL}yanqi-shebao/2024-budget/" in footer


def test_package_carries_provenance(built):
    dp = json.loads((_package(built) / "datapackage.json").read_text(encoding="utf-8"))
    assert dp["sources"][0] | {"sha256": ""} == {
        "title": "yanqi.pdf", "path": "source.pdf", "sha256": "", "pages": dp["sources"][0]["pages"],
        "mediatype": "application/pdf", "url": SOURCE_URL}
    assert dp["version"] == content_version(dp["resources"])
    assert dp["homepage"] == f"{SITE_URL}yanqi-shebao/2024-budget/"
    assert {"title": "焉耆县社会保险中心", "role": "publisher"} in dp["contributors"]
    for part in (dp["version"], dp["homepage"], SOURCE_URL, dp["sources"][0]["sha256"], "焉耆县社会保险中心"):
        assert part in dp["citation"]
    by_name = {r["name"]: r for r in dp["resources"]}
    assert "unit" not in by_name["narrative_changes"] and "unit" not in by_name["performance_targets"]
    for f in by_name["narrative_changes"]["schema"]["fields"]:
        assert f["type"] != "number" or "as printed" not in f["description"], f
    combined = json.loads((built / "site" / "data" / "combined" / "datapackage.json").read_text(encoding="utf-8"))
    for res in combined["resources"]:
        for f in res["schema"]["fields"]:
            assert "as printed" not in f.get("description", "") or f["type"] != "number", (res["name"], f)


def test_zip_holds_the_source_document(built):
    data = built / "site" / "yanqi-shebao" / "2024-budget" / "data"
    with zipfile.ZipFile(data / "yanqi-shebao-2024-budget.zip") as zf:
        names = zf.namelist()
        assert "yanqi-shebao-2024-budget/source.pdf" in names
        assert zf.read("yanqi-shebao-2024-budget/source.pdf") == pdf_path("002", "B").read_bytes()
        assert "yanqi-shebao-2024-budget/datapackage.json" in names
    assert (data / "source.pdf").read_bytes() == pdf_path("002", "B").read_bytes()


def test_xlsx_layout(built):
    data = built / "site" / "yanqi-shebao" / "2024-budget" / "data"
    wb = load_workbook(io.BytesIO((data / "yanqi-shebao-2024-budget.xlsx").read_bytes()))
    assert wb.sheetnames[0] == "说明" and wb.sheetnames[-2:] == ["单位概况", "核对发现"]
    sheet = wb["表3 部门支出总体情况表"]
    assert [c.value for c in sheet[2]] == ["code", "class_code", "section_code", "item_code", "level", "name",
                                           "total", "basic", "project", "source_page"]
    assert sheet.freeze_panes == "B3"
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["E"].width
    row_208 = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "208")
    assert row_208[5:9] == ("社会保障和就业支出", 7330.08, 324.37, 7005.71)
    about = {r[0]: r[1] for r in wb["说明"].iter_rows(values_only=True)}
    assert about["原文地址 source_url"] == SOURCE_URL and "CC-BY-4.0" in about["许可 licence"]
    assert about["版本 version"] in about["引用 citation"]
    audit = json.loads((data / "audit.json").read_text(encoding="utf-8"))
    assert wb["核对发现"].max_row == 2 + len(audit["findings"])
    facts = {r[0]: r[1] for r in wb["单位概况"].iter_rows(values_only=True)}
    assert facts["region"] == "新疆维吾尔自治区"


def test_catalog_and_sitemap_list_every_page(built):
    site = built / "site"
    catalog = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    part = json.loads((site / "catalog" / "part-0001.json").read_text(encoding="utf-8"))
    assert catalog["catalog"] == [{"@type": "dcat:Catalog", "@id": f"{SITE_URL}catalog/part-0001.json"}]
    (dataset,) = part["dataset"]
    assert dataset["landingPage"] == f"{SITE_URL}yanqi-shebao/2024-budget/index.html"
    assert dataset["source"] == SOURCE_URL and dataset["spatial"] == "新疆维吾尔自治区"
    assert {d["mediaType"] for d in dataset["distribution"]} >= {"application/zip", "application/json"}
    urls = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemaps" / "part-0001.xml").read_text(encoding="utf-8"))
    assert f"{SITE_URL}yanqi-shebao/2024-budget/index.html" in urls and f"{SITE_URL}index.html" in urls
    html = {f"{SITE_URL}{p.relative_to(site).as_posix()}" for p in site.rglob("*.html")}
    assert set(urls) == html


def test_version_and_changelog_follow_content(built, tmp_path):
    root = tmp_path / "again"
    shutil.copytree(built, root)
    first = json.loads((_package(root) / "datapackage.json").read_text(encoding="utf-8"))["version"]
    shutil.copy(pdf_path("003", "A"), root / "content" / "yanqi.pdf")  # other numbers, same unit id
    _build(root, root / "content")
    second = json.loads((_package(root) / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert second != first
    log = (root / "site" / "data" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"更新 `yanqi-shebao/2024-budget` {first} → {second}" in log
    assert log.index("更新 `yanqi-shebao") < log.index("首次发布 1 个数据包")
    _build(root, root / "content")  # nothing changed: same version, no new section
    assert (root / "site" / "data" / "CHANGELOG.md").read_text(encoding="utf-8") == log


def test_listing_pages_are_bounded(built, tmp_path, monkeypatch):
    """Thirteen disclosures in one region and year, five per page: three listing pages."""
    monkeypatch.setattr(listing, "PAGE_ROWS", 5)
    data = tmp_path / "dp"
    for i in range(13):
        shutil.copytree(_package(built), data / f"copy-{i:02d}" / "2024-budget")
    render_site(data, tmp_path / "site")
    folder = tmp_path / "site" / "browse" / "2024" / "xin-jiang-wei-wu-er-zi-zhi-qu-5283"
    assert sorted(p.name for p in folder.iterdir()) == ["2.html", "3.html", "index.html"]
    counts = [len(re.findall(r"<tr data-search=", (folder / n).read_text(encoding="utf-8")))
              for n in ("index.html", "2.html", "3.html")]
    assert counts == [5, 5, 3]
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "copy-00" not in home and 'href="browse/2024/xin-jiang-wei-wu-er-zi-zhi-qu-5283/index.html"' in home
