"""Site-wide files at scale: region hierarchy, sharded search index, per-region comparison data."""

from __future__ import annotations

import json

from sitegen.site.listing import PAGE_ROWS, listings, write_compare_data
from sitegen.site.regions import region_levels, region_slug
from sitegen.site.search import han_pairs, key_hash, name_doc, name_keys, text_doc
from sitegen.site.search_index import NAMES, TEXT, SearchIndex, chunk_of, size_for


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


def test_a_doubled_suffix_character_starts_the_next_region():
    """市中区, 市北区: county-level 区 whose names begin with 市, inside the 市 before them."""
    assert region_levels("山东省济南市市中区") == ("山东省", "济南市", "市中区")
    assert region_levels("山东省青岛市市北区") == ("山东省", "青岛市", "市北区")
    assert region_levels("四川省内江市市中区") == ("四川省", "内江市", "市中区")
    assert region_levels("浙江省杭州市") == ("浙江省", "杭州市")  # 州 then 市: one name
    assert region_levels("湖北省荆州市沙市区") == ("湖北省", "荆州市", "沙市区")


def test_regions_that_read_alike_get_their_own_stable_folders():
    assert region_slug("山西省") == "shan-xi-sheng-0b38"
    assert region_slug("陕西省") == "shan-xi-sheng-f4aa"  # same pinyin without tones, another folder
    rows = [{"name": f"单位{i}", "year": 2024, "kind": "budget", "region": region, "url": f"u{i}/2024-budget/"}
            for i, region in enumerate(["山西省太原市", "陕西省西安市"])]
    pages = listings(rows)
    assert len({p.path for p in pages}) == len(pages) == 4
    shanxi = next(p for p in pages if p.levels == ("山西省",))
    assert shanxi.folder == "browse/2024/shan-xi-sheng-0b38"
    assert shanxi.children == [{"region": "太原市", "count": 1, "url": f"{region_slug('太原市')}/index.html"}]


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


def _docs(rows: list[dict], texts: dict[str, list[list[str]]]) -> dict[str, dict[str, list]]:
    return {r["url"] + "index.html": {"names": name_doc(r), "text": text_doc(r, texts.get(r["url"], []))}
            for r in rows}


def _find(folder, layer: str, query: str) -> list[list]:
    """What the browser does: the buckets of the query's Han pairs (or first two letters), the
    chunks every key lists, then the documents of those chunks that contain the query."""
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))[layer]
    keys = sorted(han_pairs(query)) or [query[:2]]
    chunks = None
    for key in keys:
        table = json.loads((folder / layer / "keys" / f"{key_hash(key) % meta['buckets']}.json").read_text(encoding="utf-8"))
        chunks = set(table.get(key, [])) if chunks is None else chunks & set(table.get(key, []))
    docs = [d for c in sorted(chunks or ()) for d in json.loads((folder / layer / "docs" / f"{c}.json").read_text(encoding="utf-8"))]
    if layer == "names":
        return [d for d in docs if query in d[0] or query in d[5]]
    return [d for d in docs if any(query in t for t, _ in d[5])]


def _texts(n: int) -> dict[str, list[list[str]]]:
    return {f"u{i}/2024-budget/": [[f"第{i:05d}号机关养老周转金", "targets"], ["社会保险经办服务", "general_project_expenditure"]]
            for i in range(n)}


def test_search_index_is_sharded_and_finds_every_name_and_text(tmp_path):
    rows = _rows(3000)
    rows.append({"name": "焉耆县社会保险中心", "year": 2024, "kind": "budget", "region": "", "url": "yanqi/2024-budget/"})
    texts = {**_texts(3000), "yanqi/2024-budget/": [["城乡居民养老保险稽核", "targets"]]}
    docs = _docs(rows, texts)
    index = SearchIndex(None, tmp_path / "search", None)
    index.write(list(docs), docs, lambda page, layer: docs[page][layer])
    meta = json.loads((tmp_path / "search" / "meta.json").read_text(encoding="utf-8"))
    assert meta["names"]["chunks"] == size_for(len(rows), NAMES.per_chunk) > 1
    assert meta["text"]["chunks"] == size_for(len(rows), TEXT.per_chunk) > meta["names"]["chunks"]
    for query in ("焉耆", "yanqi", "yqx"):
        assert [d[0] for d in _find(tmp_path / "search", "names", query)] == ["焉耆县社会保险中心"]
    found = _find(tmp_path / "search", "text", "居民养老")
    assert [(d[0], d[1]) for d in found] == [("焉耆县社会保险中心", "yanqi/2024-budget/index.html")]
    assert [d[1] for d in _find(tmp_path / "search", "text", "第01234号机关")] == ["u1234/2024-budget/index.html"]
    assert len(_find(tmp_path / "search", "text", "周转金")) == 3000  # every copy says it
    assert {"焉耆", "耆县", "yq", "ya", "qi", "sh"} <= name_keys("焉耆县社会保险中心")
    biggest = max((tmp_path / "search").rglob("*.json"), key=lambda p: p.stat().st_size)
    assert biggest.stat().st_size < 300_000


def test_one_edit_rewrites_only_the_search_files_it_touches(tmp_path):
    rows, texts = _rows(3000), _texts(3000)
    docs = _docs(rows, texts)
    old, new, state = tmp_path / "a", tmp_path / "b", tmp_path / "search.json"
    first = SearchIndex(old, old, state)
    first.write(list(docs), docs, lambda page, layer: docs[page][layer])
    first.save()
    inodes = {p.relative_to(old).as_posix(): p.stat().st_ino for p in old.rglob("*.json")}
    texts["u7/2024-budget/"] = [["新建智慧社保平台", "targets"]]  # one package's indicators change
    rows.append({"name": "新增单位", "year": 2024, "kind": "budget", "region": "", "url": "new/2024-budget/"})
    changed = _docs([rows[7], rows[-1]], texts)
    second = SearchIndex(old, new, state)
    second.write(list(_docs(rows[1:], texts)), changed, lambda page, layer: docs[page][layer])  # u0 removed
    second.save()
    written = sorted(p.relative_to(new).as_posix() for p in new.rglob("*.json"))
    assert written == sorted(second.rewritten)
    assert {f"text/docs/{chunk_of('u7/2024-budget/index.html', 64)}.json",
            f"names/docs/{chunk_of('new/2024-budget/index.html', 8)}.json", "meta.json"} <= set(written)
    assert len(written) < 40 < len(inodes)  # the chunks of three packages and the buckets of their keys
    for rel in written:  # published as render._publish does: renamed into place, stale files removed
        (new / rel).replace(old / rel)
    for rel in second.stale():
        (old / rel).unlink()
    assert {p.relative_to(old).as_posix() for p in old.rglob("*.json")} == second.files
    assert all((old / rel).stat().st_ino == inodes[rel] for rel in second.files - set(written))
    assert [d[1] for d in _find(old, "text", "智慧社保")] == ["u7/2024-budget/index.html"]
    assert _find(old, "text", "第00007号机关") == []  # its old text is gone from the index
    assert _find(old, "names", "第00000号社会") == []  # the removed package too
    assert [d[0] for d in _find(old, "names", "第00001号社会")] == ["第00001号社会保险中心"]  # its neighbour stays
    assert [d[1] for d in _find(old, "text", "第00008号机关")] == ["u8/2024-budget/index.html"]
    assert [d[0] for d in _find(old, "names", "新增单位")] == ["新增单位"]
    assert len(_find(old, "text", "周转金")) == 2998


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


def test_a_grown_index_is_laid_out_anew_from_unchanged_documents(tmp_path):
    """N grows past what the chunk count was sized for: every file is made again, the unchanged
    packages' documents loaded (not taken from files of the old layout), the old files stale."""
    rows, texts = _rows(3000), _texts(3000)
    docs = _docs(rows, texts)
    small = dict(list(docs.items())[:100])
    first = SearchIndex(tmp_path, tmp_path, tmp_path / "search.json")
    first.write(list(small), small, lambda page, layer: small[page][layer])
    first.save()
    loaded = []
    grown = SearchIndex(tmp_path, tmp_path / "new", tmp_path / "search.json")
    fresh = dict(list(docs.items())[100:])
    grown.write(list(docs), fresh, lambda page, layer: loaded.append(page) or docs[page][layer])
    assert sorted(set(loaded)) == sorted(small)  # the known packages, read again for the new layout
    assert grown.stale() is None  # the old layout's files are found by listing the folder
    assert sorted(p.relative_to(tmp_path / "new").as_posix() for p in (tmp_path / "new").rglob("*.json")) == sorted(grown.files)
    assert [d[1] for d in _find(tmp_path / "new", "text", "第00042号机关")] == ["u42/2024-budget/index.html"]
