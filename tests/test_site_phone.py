"""The site as a citizen reads it on a 390×844 phone and a 1280×900 desktop (real headless Chromium)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

SIZES = [(390, 844), (1280, 900)]
YANQI = "yan-qi-xian-she-hui-bao-xian-zhong-xin/2024-budget/index.html"
PAGES = ["index.html", YANQI, "compare.html", "quality.html", "glossary.html", "catalog.html", "dictionary.html"]
OPEN_ALL = "document.querySelectorAll('details').forEach(d => d.open = true)"
MIN_NAME_CHARS = 6
ENGLISH = re.compile(r"[A-Za-z_]{3,}|[≠Σ]")


def _open(browser, site, rel, size):
    url, _ = site
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(url + rel)
    return page


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}")
@pytest.mark.parametrize("rel", PAGES)
def test_page_body_never_scrolls_sideways(site, browser, rel, size):
    page = _open(browser, site, rel, size)
    page.evaluate(OPEN_ALL)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{rel} at {size[0]} px scrolls {overflow} px sideways"
    page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}")
def test_name_column_of_every_table_is_at_least_six_characters_wide(site, browser, size):
    page = _open(browser, site, YANQI, size)
    page.evaluate(OPEN_ALL)
    widths = page.evaluate("""() => Array.from(document.querySelectorAll('main table')).map(t => {
        const cell = t.tBodies[0].rows[0].cells[0], s = getComputedStyle(cell);
        const inner = cell.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
        return [t.closest('[id]').id, inner / parseFloat(s.fontSize)];
    })""")
    assert len(widths) >= 10  # the tables with rows, changes, targets
    narrow = [(name, round(chars, 1)) for name, chars in widths if chars < MIN_NAME_CHARS]
    assert not narrow, narrow
    page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}")
def test_header_row_stays_visible_inside_a_long_table(site, browser, size):
    page = _open(browser, site, YANQI, size)
    page.evaluate("document.getElementById('income_expenditure_summary').open = true")
    box = page.locator("#income_expenditure_summary .scroll")
    box.scroll_into_view_if_needed()
    row = page.locator("#income_expenditure_summary tbody tr").nth(40)
    row.scroll_into_view_if_needed()
    state = page.evaluate("""() => {
        const box = document.querySelector('#income_expenditure_summary .scroll');
        const th = box.querySelector('thead th:nth-child(2)'), r = th.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return {scrolled: box.scrollTop, top: r.top, boxTop: box.getBoundingClientRect().top,
                onTop: !!hit && hit.closest('thead') !== null, text: th.textContent.trim()};
    }""")
    assert state["scrolled"] > 200  # really inside the table, past its first rows
    assert state["top"] >= 0 and abs(state["top"] - state["boxTop"]) < 3, state
    assert state["onTop"], state  # the header is drawn over the rows, not hidden under them
    assert state["text"]
    page.close()


def test_every_finding_has_a_page_link_and_a_plain_chinese_message(site, browser):
    page = _open(browser, site, YANQI, (390, 844))
    findings = page.locator("li.finding")
    assert findings.count() >= 3
    for i in range(findings.count()):
        item = findings.nth(i)
        message = item.locator(".msg").text_content()
        assert re.search(r"[\u4e00-\u9fff]", message) and not ENGLISH.search(message), message
        href = item.locator("a.pdf").get_attribute("href")
        assert re.search(r"source\.pdf#page=\d+$", href), (message, href)
    # a finding's cell link opens its table and shows the highlighted cell
    link = page.locator("li.finding a[href^='#c-']").first
    target = link.get_attribute("href")[1:]
    link.click()
    cell = page.locator(f"[id='{target}']")
    flag = cell.get_attribute("class")
    assert cell.is_visible() and ("failing" in flag or "suspect" in flag), flag
    page.close()


def test_unread_english_notes_stay_off_the_unit_page(site, browser):
    page = _open(browser, site, YANQI, (1280, 900))
    main = page.locator("main").text_content()
    for phrase in ("not a number", "table not found", "expected", "printed"):
        assert phrase not in main
    page.close()


def test_numbers_read_in_wan_at_printed_precision_and_zero_change_uncoloured(site, browser):
    page = _open(browser, site, YANQI, (390, 844))
    cells = page.locator("#income_summary td.num").all_text_contents()
    assert all(re.fullmatch(r"-?[\d,]+\.\d{2,}", c) for c in cells if c), cells
    assert page.locator(".cards strong").first.text_content() == "7,376.85"
    zero = page.locator("#changes tbody tr", has=page.locator("th", has_text="三公经费/公务接待费"))
    change = zero.locator("td").nth(1)
    assert change.text_content() == "0.00"
    assert "up" not in change.get_attribute("class") and "down" not in change.get_attribute("class")
    page.close()


def test_three_public_card_leads_to_reasons_and_change(site, browser):
    page = _open(browser, site, YANQI, (390, 844))
    page.get_by_role("link", name="增减及原因").click()
    section = page.locator("#sangong")
    assert section.is_visible()
    text = section.text_content()
    assert "公务用车运行费" in text and "与上年持平" in text and "主要原因" in text
    assert section.locator("a[href*='#page=19']").count() >= 1  # the narrative's page, as printed
    page.close()


@pytest.mark.parametrize("query", ["yanqi", "社保", "焉耆", "yqx"])
def test_search_finds_yanqi(site, browser, query):
    page = _open(browser, site, "index.html", (390, 844))
    page.fill("#q", query)
    found = page.locator("#found li a")
    found.first.wait_for()
    names = found.all_inner_texts()
    assert "焉耆县社会保险中心" in names, (query, names)
    if query != "社保":
        assert names == ["焉耆县社会保险中心"]
    page.close()


def test_search_reads_project_and_target_text(site, browser):
    page = _open(browser, site, "index.html", (390, 844))
    page.fill("#q", "周转金")
    hits = page.locator("#hits li")
    hits.first.wait_for()
    assert any("机关养老周转金" in h for h in hits.all_text_contents())
    assert hits.count() == 1  # the other unit's projects and indicators do not say 周转金
    link = hits.first.locator("a")
    assert link.get_attribute("href") == YANQI + "#targets"
    link.click()
    page.wait_for_load_state()
    targets = page.locator("#targets")
    assert targets.get_attribute("open") is not None  # the link opens the section it points at
    assert "机关养老周转金" in targets.text_content()
    page.close()


def test_comparison_takes_any_documents(site, browser):
    page = _open(browser, site, "compare.html", (390, 844))
    page.locator("#side table").wait_for()
    heads = page.locator("#side thead th").all_text_contents()
    assert len(heads) == 3  # two documents picked by default
    page.locator("#pick input[type=checkbox]").nth(0).uncheck()
    heads = page.locator("#side thead th").all_text_contents()
    assert len(heads) == 2
    rows = page.locator("#side tbody th").all_text_contents()
    assert "收支总预算（万元）" in rows and "人均按" in rows
    assert "208 社会保障和就业支出" in rows  # one row per 类 code
    page.close()


def test_glossary_is_linked_from_the_terms(site, browser):
    page = _open(browser, site, YANQI, (390, 844))
    page.locator(".cards a.term", has_text="项目支出").click()
    page.wait_for_load_state()
    assert page.url.endswith("glossary.html#xiangmu")
    assert "按项目列示" in page.locator("#xiangmu + dd").text_content()
    page.close()


@pytest.mark.parametrize("rel", PAGES)
def test_every_page_has_licence_source_and_description(site, browser, rel):
    page = _open(browser, site, rel, (1280, 900))
    footer = page.locator("footer").text_content()
    assert "数据来源" in footer and "许可" in footer
    assert len(page.locator("meta[name=description]").get_attribute("content")) > 20
    page.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}")
@pytest.mark.parametrize("rel", PAGES)
def test_axe_finds_no_serious_or_critical_violation(site, browser, rel, size):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    page = _open(browser, site, rel, size)
    page.evaluate(OPEN_ALL)
    results = axe.Axe().run(page)
    bad = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]
           if v["impact"] in ("serious", "critical")]
    assert not bad, bad
    page.close()
