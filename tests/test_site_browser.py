"""The built site in real headless Chromium (Debian's chromium + Playwright), served on localhost."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser]


def _page(browser, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors, foreign = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: foreign.append(r.url) if urlparse(r.url).hostname not in ("127.0.0.1", None) else None)
    return page, errors, foreign


def _listing(page, url):
    """Home → the year → the region's listing page (the home page holds navigation only)."""
    page.goto(url)
    page.locator("#browse ul.regions a").first.click()
    page.wait_for_load_state()


def test_home_navigates_to_a_listing_of_every_unit(site, browser):
    url, _ = site
    page, errors, foreign = _page(browser)
    page.goto(url)
    assert page.locator("#browse h3").all_inner_texts() == ["2024 年度 2 份公开文件"]
    assert page.locator("table").count() == 0  # headline figures and navigation, no list of everything
    _listing(page, url)
    names = page.locator("table.units tbody tr td:first-child").all_inner_texts()
    assert sorted(names) == ["新疆维吾尔自治区社会保险中心", "焉耆县社会保险中心"]
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert not errors and not foreign


def test_search_finds_a_unit_by_chinese_substring(site, browser):
    url, _ = site
    page, errors, foreign = _page(browser)
    _listing(page, url)
    page.fill("#q", "焉耆")
    visible = page.locator("table.units tbody tr:not([hidden]) td:first-child").all_inner_texts()
    assert visible == ["焉耆县社会保险中心"]
    assert page.locator("#count").inner_text() == "1"
    page.fill("#q", "")
    page.get_by_role("button", name="收支总预算（万元）").click()
    first = page.locator("table.units tbody tr td:first-child").first.inner_text()
    assert first == "新疆维吾尔自治区社会保险中心"  # 3,788.76 < 7,376.85
    assert not errors and not foreign


@pytest.mark.parametrize("query", ["焉耆", "YanQi", "yqx", "社保中心"])
def test_home_search_finds_a_unit_by_name_pinyin_initials_and_abbreviation(site, browser, query):
    """The home page's search box reads the sharded index (search/): one key file, one docs chunk."""
    url, _ = site
    page, errors, foreign = _page(browser)
    asked = []
    page.on("request", lambda r: asked.append(urlparse(r.url).path))
    page.goto(url)
    page.fill("#q", query)
    found = page.locator("#found ul li a")
    found.first.wait_for()
    names = found.all_inner_texts()
    if query == "社保中心":  # 社保 → 社会保险: both units' names say 社会保险中心
        assert sorted(names) == ["新疆维吾尔自治区社会保险中心", "焉耆县社会保险中心"]
    else:
        assert names == ["焉耆县社会保险中心"]
    found.filter(has_text="焉耆县").click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text().startswith("焉耆县社会保险中心")
    fetched = [a for a in asked if "/search/" in a]
    assert fetched and all(a.endswith(".json") for a in fetched) and not any("search.json" in a for a in asked)
    assert not errors and not foreign


def test_compare_picker_loads_a_region_and_compares_units(site, browser):
    url, _ = site
    page, errors, foreign = _page(browser)
    page.goto(url + "compare.html")
    page.locator("#side table").wait_for()
    assert page.locator("#pick-year option").all_inner_texts() == ["2024"]
    regions = page.locator("#pick-region option").all_inner_texts()
    assert regions  # this site's metadata names no region: one "未注明地区" group
    boxes = page.locator("#pick ul input[type=checkbox]")
    total = 0
    for i in range(len(regions)):  # every unit is reachable through its region
        page.select_option("#pick-region", index=i)
        page.wait_for_timeout(200)
        total += boxes.count()
        for j in range(boxes.count()):
            if not boxes.nth(j).is_checked():
                boxes.nth(j).check()
    heads = page.locator("#side thead th a").all_inner_texts()
    assert total == 2 and sorted(heads) == ["新疆维吾尔自治区社会保险中心 2024预算", "焉耆县社会保险中心 2024预算"]
    totals = page.locator("#side tbody tr").first.locator("td").all_inner_texts()
    assert sorted(totals) == ["3,788.76", "7,376.85"]
    assert not errors and not foreign


def test_every_page_loads_cleanly(site, browser):
    url, root = site
    page, errors, foreign = _page(browser)
    for name in ("index.html", "compare.html", "catalog.html", "dictionary.html", "quality.html"):
        response = page.goto(url + name)
        assert response.status == 200
    links = page.goto(url + "catalog.html") and page.locator("a[href$='.csv'], a[href$='.json'], a[href$='.zip']")
    for href in links.evaluate_all("els => els.map(e => e.href)"):
        assert page.request.get(href).status == 200, href
    combined = page.request.get(url + "data/combined/expenditure_summary.csv").text()
    assert combined.splitlines()[0].startswith("unit_id,unit_name,region,year,kind,code")
    assert not errors and not foreign


def test_unit_page_tables_and_downloads(site, browser):
    url, root = site
    page, errors, foreign = _page(browser)
    _listing(page, url)
    page.get_by_role("link", name="新疆维吾尔自治区社会保险中心").click()
    page.wait_for_load_state()
    sections = page.locator("details.table h3").all_text_contents()
    assert len(sections) == 11
    total = page.locator("#expenditure_summary tr.level-0 td.num").first.text_content()
    assert total == "3,788.76"
    assert page.locator("#general_basic_expenditure tr.level-0 td.num").first.text_content() == "2,105.76"
    assert page.locator("#general_project_expenditure tr.level-0 td.num").first.text_content() == "1,683.00"
    assert page.locator("#fund_budget_expenditure .empty").text_content().endswith("为空表。")
    assert page.locator("figure.chart svg").count() >= 4
    assert "社会保障和就业支出" in page.locator("figure.chart").first.text_content()
    assert page.locator("#changes tbody tr").count() == 27
    assert page.locator("#targets tbody tr").count() == 37
    links = page.locator("#downloads a").evaluate_all("els => els.map(e => e.href)")
    assert any(h.endswith(".zip") for h in links) and any(h.endswith("source.pdf") for h in links)
    assert any(h.endswith(".xlsx") for h in links)
    page_links = page.locator("details.table a[href*='#page=']").evaluate_all("els => els.map(e => e.href)")
    assert page_links and all("source.pdf#page=" in h for h in page_links)
    for href in links:
        response = page.request.get(href)
        assert response.status == 200, href
    csv_url = next(h for h in links if h.endswith("/expenditure_summary.csv"))
    pkg = next((root / "dp").glob("xin-jiang*/2024-budget/expenditure_summary.csv"))
    assert page.request.get(csv_url).body() == pkg.read_bytes()
    assert not errors and not foreign


@pytest.mark.parametrize("width", [390, 1280])
def test_no_horizontal_overflow(site, browser, width, tmp_path):
    url, _ = site
    page, _, _ = _page(browser, width)
    _listing(page, url)
    page.get_by_role("link", name="焉耆县社会保险中心").click()
    page.wait_for_load_state()
    page.screenshot(path=str(tmp_path / f"unit-{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


def test_unit_page_weight(site):
    _, root = site
    for page in (root / "site").glob("*/2024-budget/index.html"):
        assets = sum(p.stat().st_size for p in (root / "site" / "static").iterdir())
        assert page.stat().st_size + assets < 300_000
