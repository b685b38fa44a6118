"""Site-wide pages and files that grow with the number of disclosures, each kept bounded:
listing pages by year and region (paginated), the machine catalogue (catalog.json, DCAT-like,
in parts), the sitemap (an index of parts) and the data changelog."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from ..package.writer import build_time
from .memo import PageMemo
from .regions import region_levels, region_slug

PAGE_ROWS = 200  # disclosures per listing page (≈ 150 KB of HTML)
PART_SIZE = 5000  # datasets per catalog part, URLs per sitemap part
CHANGELOG_LINES = 500  # package lines listed per build in CHANGELOG.md; the rest counted
UNKNOWN_REGION = "未注明地区"


@dataclass
class Listing:
    """One listing page: the disclosures of one year and region (a path province → prefecture
    → county) printed at exactly that level, one page of them, and the regions below it."""

    year: str
    levels: tuple[str, ...]
    page: int
    pages: int
    rows: list[dict]
    children: list[dict] = field(default_factory=list)  # {region, count, url} (url relative to this folder)
    count: int = 0  # disclosures here and below

    @property
    def region(self) -> str:
        return self.levels[-1] if self.levels else UNKNOWN_REGION

    @property
    def folder(self) -> str:
        return region_folder(self.year, self.levels)

    @property
    def path(self) -> str:
        return f"{self.folder}/{page_file(self.page)}"

    @property
    def crumbs(self) -> list[dict]:
        """The regions above this one, each with its page relative to this page's folder."""
        return [{"region": level, "url": "../" * (len(self.levels) - i - 1) + "index.html"}
                for i, level in enumerate(self.levels[:-1])]


def region_folder(year: str, levels: tuple[str, ...]) -> str:
    parts = [region_slug(level) for level in levels or (UNKNOWN_REGION,)]
    return "/".join(["browse", year or "unknown", *parts])


def page_file(page: int) -> str:
    return "index.html" if page == 1 else f"{page}.html"


def listings(rows: list[dict]) -> list[Listing]:
    """Rows grouped by year (newest first) and region level; every region that has disclosures
    at or below it has a page, cut into pages of PAGE_ROWS rows printed at exactly its level."""
    here: dict[tuple[str, tuple[str, ...]], list[dict]] = {}
    below: dict[tuple[str, tuple[str, ...]], int] = {}
    kids: dict[tuple[str, tuple[str, ...]], set[tuple[str, ...]]] = {}
    for row in rows:
        year, levels = str(row["year"]), region_levels(row["region"]) or (UNKNOWN_REGION,)
        here.setdefault((year, levels), []).append(row)
        for depth in range(1, len(levels) + 1):
            node = (year, levels[:depth])
            below[node] = below.get(node, 0) + 1
            if depth > 1:
                kids.setdefault((year, levels[:depth - 1]), set()).add(levels[:depth])
    out = []
    for node in sorted(below, key=lambda n: (-_year(n[0]), n[1])):
        year, levels = node
        group = sorted(here.get(node, []), key=lambda r: (str(r["name"]), str(r["kind"])))
        children = [{"region": child[-1], "count": below[(year, child)], "url": f"{region_slug(child[-1])}/index.html"}
                    for child in sorted(kids.get(node, ()))]
        pages = max(1, (len(group) + PAGE_ROWS - 1) // PAGE_ROWS)
        for i in range(pages):
            out.append(Listing(year, levels, i + 1, pages, group[i * PAGE_ROWS:(i + 1) * PAGE_ROWS],
                               children if i == 0 else [], below[node]))
    return out


def _year(value: str) -> int:
    return int(value) if value.isdigit() else 0


def navigation(pages: list[Listing]) -> list[dict]:
    """Years → top-level regions (provinces) with their disclosure counts, for the home page."""
    years: dict[str, dict[str, dict]] = {}
    for listing in pages:
        regions = years.setdefault(listing.year, {})
        if len(listing.levels) == 1 and listing.page == 1:
            regions[listing.region] = {"region": listing.region, "count": listing.count,
                                       "url": f"{listing.folder}/index.html"}
    return [{"year": year, "count": sum(r["count"] for r in regions.values()),
             "regions": list(regions.values()), "url": f"browse/{year or 'unknown'}.html"}
            for year, regions in years.items()]


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def write_compare_data(out: Path, pages: list[Listing], entry, memo: PageMemo | None = None) -> list[str]:
    """compare/<year>.json lists the year's regions; compare/<year>/<region…>/<page>.json holds
    the comparison entries (entry(row)) of one listing page: no file grows with N. With a
    memo, a file whose entries did not change is taken from the last site."""
    memo = memo or PageMemo(None, out, out, "")
    years: dict[str, list[dict]] = {}
    written = []
    for listing in pages:
        if not listing.rows:
            continue
        rel = f"compare/{listing.folder.removeprefix('browse/')}/{listing.page}.json"
        entries = [entry(r) for r in listing.rows]
        memo.write(rel, entries, lambda entries=entries: _dumps(entries))
        written.append(rel)
        regions = years.setdefault(listing.year or "unknown", [])
        if listing.page == 1:
            regions.append({"region": " / ".join(listing.levels), "files": []})
        regions[-1]["files"].append(rel)
    for year, regions in years.items():
        memo.write(f"compare/{year}.json", regions, lambda regions=regions: json.dumps(regions, ensure_ascii=False))
        written.append(f"compare/{year}.json")
    return written


def _absolute(site_url: str, rel: str) -> str:
    return f"{site_url.rstrip('/')}/{rel}" if site_url else rel


def _urlset(urls: list[str], site_url: str) -> str:
    body = "".join(f"<url><loc>{escape(_absolute(site_url, u))}</loc></url>\n" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{body}</urlset>\n")


def write_sitemap(out: Path, urls: list[str], site_url: str, memo: PageMemo | None = None) -> list[str]:
    """sitemap.xml: a sitemap index over parts of PART_SIZE URLs (the protocol allows 50,000)."""
    memo = memo or PageMemo(None, out, out, "")
    parts = [urls[i:i + PART_SIZE] for i in range(0, len(urls), PART_SIZE)] or [[]]
    (out / "sitemaps").mkdir(parents=True, exist_ok=True)
    names = []
    for n, part in enumerate(parts, start=1):
        name = f"sitemaps/part-{n:04d}.xml"
        memo.write(name, [site_url, part], lambda part=part: _urlset(part, site_url))
        names.append(name)
    index = "".join(f"<sitemap><loc>{escape(_absolute(site_url, n))}</loc></sitemap>\n" for n in names)
    (out / "sitemap.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                                     '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                                     f"{index}</sitemapindex>\n", encoding="utf-8")
    return names


def dataset_entry(row: dict, site_url: str) -> dict:
    """One package as a DCAT dataset with its distributions."""
    pkg = row["pkg"]
    base = _absolute(site_url, row["url"])
    year = str(row["year"])
    return {
        "@type": "dcat:Dataset",
        "identifier": row["package"],
        "title": row["title"],
        "publisher": {"@type": "foaf:Agent", "name": row["name"]},
        "spatial": row["region"],
        "temporal": {"startDate": f"{year}-01-01", "endDate": f"{year}-12-31"} if year.isdigit() else None,
        "version": row["version"],
        "license": row["license"],
        "landingPage": f"{base}index.html",
        "source": row["source_url"],
        "distribution": [
            {"@type": "dcat:Distribution", "title": "Frictionless data package",
             "downloadURL": f"{base}data/datapackage.json", "mediaType": "application/json"},
            {"@type": "dcat:Distribution", "title": "ZIP (CSV, JSON, source document)",
             "downloadURL": f"{base}data/{pkg.unit_id}-{pkg.slug}.zip", "mediaType": "application/zip"},
            {"@type": "dcat:Distribution", "title": "Excel workbook",
             "downloadURL": f"{base}data/{pkg.unit_id}-{pkg.slug}.xlsx",
             "mediaType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        ],
    }


def write_catalog(out: Path, rows: list[dict], combined: list[dict], site_url: str,
                  licenses: list[dict], version: str, memo: PageMemo | None = None) -> None:
    """catalog.json (DCAT-like, JSON-LD shaped): the combined dataset and sub-catalogues of
    PART_SIZE package datasets each under catalog/ (so no file grows with N without bound)."""
    memo = memo or PageMemo(None, out, out, "")
    (out / "catalog").mkdir(parents=True, exist_ok=True)
    parts = []
    for n, start in enumerate(range(0, len(rows), PART_SIZE), start=1):
        name = f"catalog/part-{n:04d}.json"
        doc = {"@context": "https://www.w3.org/ns/dcat2.jsonld", "@type": "dcat:Catalog",
               "dataset": [dataset_entry(r, site_url) for r in rows[start:start + PART_SIZE]]}
        memo.write(name, doc, lambda doc=doc: json.dumps(doc, ensure_ascii=False) + "\n")
        parts.append({"@type": "dcat:Catalog", "@id": _absolute(site_url, name)})
    combined_base = _absolute(site_url, "data/combined/")
    catalog = {
        "@context": "https://www.w3.org/ns/dcat2.jsonld",
        "@type": "dcat:Catalog",
        "title": "部门预算、决算公开开放数据",
        "publisher": {"@type": "foaf:Agent", "name": "sitegen"},
        "homepage": site_url or "index.html",
        "license": [lic.get("path") or lic.get("name", "") for lic in licenses],
        "modified": build_time(),
        "dataset": [{
            "@type": "dcat:Dataset", "identifier": "sitegen-combined", "title": "全部单位合并数据（万元）",
            "version": version,
            "distribution": [d for r in combined for d in _distributions(r, combined_base)]
            + [{"@type": "dcat:Distribution", "title": "SQLite", "downloadURL": combined_base + "budget.sqlite",
                "mediaType": "application/vnd.sqlite3"}],
        }],
        "catalog": parts,
    }
    (out / "catalog.json").write_text(json.dumps(catalog, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _distributions(resource: dict, base: str) -> list[dict]:
    """A combined table's files: its whole CSV, or each of its partitions (a multipart table)."""
    if isinstance(resource["path"], list):
        return [{"@type": "dcat:Distribution", "title": f"{resource['title']} · {part}",
                 "downloadURL": base + part, "mediaType": "text/csv"} for part in resource["path"]]
    return [{"@type": "dcat:Distribution", "title": resource["title"], "downloadURL": base + resource["path"],
             "mediaType": "text/csv", "byteSize": resource["bytes"]}]


def update_changelog(out: Path, old: Path, versions: dict[str, str]) -> dict:
    """data/versions.json (package → version now) and data/CHANGELOG.md, to which each build
    that changed anything adds one section: packages added, changed, removed (from versions)."""
    try:
        before = json.loads((old / "data" / "versions.json").read_text(encoding="utf-8"))
        history = (old / "data" / "CHANGELOG.md").read_text(encoding="utf-8")
    except (OSError, json.JSONDecodeError):
        before, history = None, ""
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "data" / "versions.json").write_text(json.dumps(versions, indent=0, sort_keys=True) + "\n",
                                                encoding="utf-8")
    changes = {"added": sorted(set(versions) - set(before or {})),
               "removed": sorted(set(before or {}) - set(versions)),
               "changed": sorted(k for k in set(versions) & set(before or {}) if versions[k] != before[k])}
    head = "# 数据变更记录 · data changelog\n\n"
    body = history[len(head):] if history.startswith(head) else history
    if before is None:
        section = f"## {build_time()}\n\n首次发布 {len(versions)} 个数据包 (initial release).\n\n"
    elif any(changes.values()):
        section = _section(changes, versions, before)
    else:
        section = ""
    (out / "data" / "CHANGELOG.md").write_text(head + section + body, encoding="utf-8")
    return changes


def _section(changes: dict, versions: dict, before: dict) -> str:
    lines = [f"## {build_time()}", "",
             f"新增 {len(changes['added'])}、更新 {len(changes['changed'])}、删除 {len(changes['removed'])} 个数据包。", ""]
    listed = 0
    for kind, label in (("added", "新增"), ("changed", "更新"), ("removed", "删除")):
        for rel in changes[kind]:
            if listed == CHANGELOG_LINES:
                break
            old, new = before.get(rel, ""), versions.get(rel, "")
            lines.append(f"- {label} `{rel}` {old} → {new}".replace("  ", " "))
            listed += 1
    total = sum(len(v) for v in changes.values())
    if total > listed:
        lines.append(f"- … 另有 {total - listed} 个（见 versions.json）")
    return "\n".join(lines) + "\n\n"
