"""Site-wide files at scale: region hierarchy, sharded search index, per-region comparison data."""

from __future__ import annotations

import json

from sitegen.site.listing import PAGE_ROWS, listings, write_compare_data
from sitegen.site.regions import region_levels
from sitegen.site.search import (
    DOCS_PER_CHUNK,
    MAX_POSTINGS,
    bucket_count,
    key_hash,
    name_keys,
    write_search_index,
)


def test_region_levels_cut_after_administrative_suffixes():
    assert region_levels("新疆维吾尔自治区巴音郭楞蒙古自治州焉耆回族自治县") == (
        "新疆维吾尔自治区", "巴音郭楞蒙古自治州", "焉耆回族自治县")
    assert region_levels("内蒙古自治区锡林郭勒盟正蓝旗") == ("内蒙古自治区", "锡林郭勒盟", "正蓝旗")
    assert region_levels("黑龙江省大兴安岭地区") == ("黑龙江省", "大兴安岭地区")
    assert region_levels("湖北省荆州市沙市区") == ("湖北省", "荆州市", "沙市区")  # "区" alone is no level
    assert region_levels("贵州省贵阳市") == ("贵州省", "贵阳市")  # 州 inside a name
    assert region_levels("江苏省/南京市/玄武区") == ("江苏省", "南京市", "玄武区")  # explicit levels
    assert region_levels("上海市普陀区") == ("上海市", "普陀区")
    assert region_levels("") == ()


def _rows(n: int) -> list[dict]:
    regions = ["新疆维吾尔自治区", "新疆维吾尔自治区巴音郭楞蒙古自治州", "新疆维吾尔自治区巴音郭楞蒙古自治州焉耆回族自治县",
               "上海市普陀区", ""]
    return [{"name": f"第{i:05d}号社会保险中心", "year": 2024 if i % 3 else 2025, "kind": "budget",
             "region": regions[i % len(regions)], "url": f"u{i}/2024-budget/"} for i in range(n)]


def test_listing_pages_form_a_bounded_hierarchy():
    rows = _rows(3000)
    pages = listings(rows)
    assert all(len(p.rows) <= PAGE_ROWS for p in pages)
    by_path = {(p.year, p.levels, p.page): p for p in pages}
    xinjiang = by_path[("2024", ("新疆维吾尔自治区",), 1)]
    assert [c["region"] for c in xinjiang.children] == ["巴音郭楞蒙古自治州"]
    county = ("新疆维吾尔自治区", "巴音郭楞蒙古自治州", "焉耆回族自治县")
    expected = {r["url"] for r in rows if r["region"] == "".join(county) and r["year"] == 2024}
    shown = {r["url"] for p in pages if p.year == "2024" and p.levels == county for r in p.rows}
    assert shown == expected  # every disclosure on the pages of its own region, once
    assert xinjiang.count == sum(1 for r in rows if r["year"] == 2024 and r["region"].startswith("新疆"))
    assert by_path[("2024", county, 1)].crumbs[0] == {"region": "新疆维吾尔自治区", "url": "../../index.html"}
    assert {p.region for p in pages if p.levels == ("未注明地区",)} == {"未注明地区"}
    assert sum(len(p.rows) for p in pages) == len(rows)


def test_search_index_is_sharded_and_finds_every_name(tmp_path):
    rows = _rows(3000)
    rows.append({"name": "焉耆县社会保险中心", "year": 2024, "kind": "budget", "region": "", "url": "yanqi/2024-budget/"})
    files = write_search_index(tmp_path / "search", rows)
    meta = json.loads((tmp_path / "search" / "meta.json").read_text(encoding="utf-8"))
    assert meta["buckets"] == bucket_count(len(rows)) > 1 and len(files) == meta["buckets"] + 1 + 7
    shards = [json.loads((tmp_path / "search" / "keys" / f"{b}.json").read_text(encoding="utf-8"))
              for b in range(meta["buckets"])]

    def lookup(key: str):
        return shards[key_hash(key) % meta["buckets"]].get(key)

    assert lookup("保险") == 0  # in every name: too common to narrow a search
    for key in ("焉耆", "yq", "ya", "qx"):  # the Han pair, initials, a syllable's start
        ids = lookup(key)
        assert ids and len(ids) <= MAX_POSTINGS
        docs = json.loads((tmp_path / "search" / "docs" / f"{ids[0] // DOCS_PER_CHUNK}.json").read_text(encoding="utf-8"))
        assert docs[ids[0] % DOCS_PER_CHUNK][0] == "焉耆县社会保险中心"
    assert {"焉耆", "耆县", "yq", "ya", "qi", "sh"} <= name_keys("焉耆县社会保险中心")
    biggest = max((tmp_path / "search").rglob("*.json"), key=lambda p: p.stat().st_size)
    assert biggest.stat().st_size < 200_000


def test_comparison_data_is_split_by_year_and_region(tmp_path):
    rows = _rows(1200)
    pages = listings(rows)
    write_compare_data(tmp_path, pages, lambda r: {"name": r["name"], "url": r["url"]})
    regions = json.loads((tmp_path / "compare" / "2024.json").read_text(encoding="utf-8"))
    assert [r["region"] for r in regions][:2] == ["上海市 / 普陀区", "新疆维吾尔自治区"]
    listed = [d["url"] for r in regions for f in r["files"]
              for d in json.loads((tmp_path / f).read_text(encoding="utf-8"))]
    assert sorted(listed) == sorted(r["url"] for r in rows if r["year"] == 2024)
    assert all(len(json.loads(p.read_text(encoding="utf-8"))) <= PAGE_ROWS
               for p in (tmp_path / "compare").rglob("[0-9].json"))
