"""Render the static site from the data packages the writer produced."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import orjson
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape

from .. import code_digest
from ..audit.declared import CHECKS
from ..contract import BY_NAME, table_resources
from ..fsutil import link_or_copy, make_temp_dir, swap_in
from ..package.writer import citation, content_version, source_file_name
from . import strings
from .combined import (
    CombinedWriter,
    DownloadCache,
    PartitionStore,
    RowCache,
    loading_guide,
    package_fragment,
    table_fields,
)
from .database import DB_NAME, SiteDatabase
from .downloads import dictionary, finish_combined, write_xlsx, write_zip
from .findings import finding_views
from .glossary import BY_TERM, GLOSSARY
from .listing import (
    listings,
    navigation,
    page_file,
    update_changelog,
    write_catalog,
    write_compare_data,
    write_sitemap,
)
from .memo import PageMemo
from .notes import reading_notes
from .search import name_doc, package_texts, pinyin_keys, search_text, text_doc
from .search_index import SearchIndex
from .tables import signed_word, table_view, trend, wan_exact, wan_round, wan_text
from .views import PackageView, money, outturn, readable
from .workers import AHEAD_PER_WORKER, ordered, pool


def default_templates() -> Path:
    here = Path.cwd() / "templates"
    if (here / "base.html").exists():
        return here
    return Path(__file__).resolve().parents[2] / "templates"


def environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = money
    env.filters["wan"] = wan_text
    env.filters["wan_exact"] = wan_exact
    env.filters["wan_round"] = wan_round
    env.filters["trend"] = trend
    env.filters["signed_word"] = signed_word
    env.globals["t"] = strings.ZH
    env.globals["terms"] = BY_TERM
    return env


@dataclass
class SiteReport:
    pages: list[Path]
    rendered: list[str]  # unit pages rendered anew
    reused: list[str]  # unit pages whose inputs did not change (hard-linked from the last build)
    left_out: list[str] = field(default_factory=list)  # packages that could not be shown, with why


MANIFEST = ".sitegen-manifest.json"
STATE = "state.json"  # in the cache: what a no-op build compares (file stats, not contents)


def build_state(packages_root: Path, sources: dict[Path, Path], templates_digest: str, *params: str) -> dict:
    """Each package's datapackage.json (inode, mtime, size) and its source's name and size, with
    the templates and options: equal to the last build's state means nothing to do. Package
    files are replaced by rename, so a changed package always shows a new inode or mtime."""
    root = Path(packages_root).resolve()
    files: dict[str, list] = {}
    for unit in os.scandir(root) if root.is_dir() else []:
        if not unit.is_dir() or unit.name.startswith("."):
            continue
        for entry in os.scandir(unit.path):
            if entry.name.startswith("."):  # a writer's temp folder, never a package
                continue
            try:
                st = os.stat(f"{entry.path}/datapackage.json")
            except (NotADirectoryError, FileNotFoundError):
                continue
            source = sources.get(root / unit.name / entry.name) if sources else None
            size = source.stat().st_size if source and source.exists() else ""
            files[f"{unit.name}/{entry.name}"] = [st.st_ino, st.st_mtime_ns, st.st_size, source.name if source else "", size]
    return {"inputs": [templates_digest, *params], "files": files}


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _digest_tree(root: Path, site_url: str) -> str:
    """Templates, the rendering code and the site's URL (in every page's citation and
    canonical link): a change to any re-renders every page."""
    h = hashlib.sha256(f"{code_digest()}|{site_url}".encode())
    for path in sorted(Path(root).rglob("*")):
        if path.is_file():
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _fingerprint(pkg: PackageView, source: Path | None, templates_digest: str, siblings: list[str]) -> str:
    """datapackage.json lists every file's sha256, so its bytes stand for the whole package."""
    h = hashlib.sha256(templates_digest.encode())
    h.update((pkg.folder / "datapackage.json").read_bytes())
    h.update(str(source.name if source else "").encode())
    h.update(str(source.stat().st_size if source and source.exists() else "").encode())
    h.update("|".join(siblings).encode())
    return h.hexdigest()



def _keep_identical(new: Path, old: Path) -> None:
    """Where a freshly rendered file equals last build's, keep the old file (same inode, mtime);
    a file hard-linked from the cache as it was last time is the same inode: nothing to read."""
    try:
        if os.path.samefile(new, old):
            return
    except OSError:
        return
    if (old.is_file() and new.is_file() and old.stat().st_size == new.stat().st_size
            and _same_bytes(old, new)):
        new.unlink()
        link_or_copy(old, new)


def _same_bytes(a: Path, b: Path, chunk: int = 1 << 20) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(chunk), fb.read(chunk)
            if x != y:
                return False
            if not x:
                return True


CHART_BARS = 12  # a chart shows the largest items; the rest stay in the tables


def _chart(title: str, items: list[tuple[str, Decimal]], unit: str = "万元") -> dict | None:
    """Bars sorted by size, largest first, labels in full (drawn as HTML + SVG, no JavaScript)."""
    items = sorted(((label, value) for label, value in items if value is not None), key=lambda i: -abs(i[1]))
    if not items:
        return None
    top = max(abs(v) for _, v in items) or Decimal(1)
    bars = [{"label": label, "value": value, "width": float(abs(value) / top) * 100}
            for label, value in items[:CHART_BARS]]
    return {"title": title, "unit": unit, "bars": bars, "more": max(0, len(items) - CHART_BARS)}


def _three_public(pkg: PackageView, siblings: list[PackageView]) -> dict:
    """三公: this year's items, the narrative's reasons and changes, and the other years' totals."""
    said = [r for r in pkg.rows("narrative_changes") if r.get("section", "").startswith("三公")]
    years = [{"slug": p.slug, "total": p.three_public(), "current": p is pkg}
             for p in sorted([pkg, *siblings], key=lambda p: p.slug)]
    return {"total": pkg.three_public(), "items": pkg.three_public_series(), "said": said, "years": years}


def unit_context(pkg: PackageView, siblings: list[PackageView]) -> dict:
    charts = [
        _chart("支出功能分类（类）", pkg.series("expenditure_summary", 1)),
        _chart("支出功能分类（款）", pkg.series("expenditure_summary", 2)),
        _chart("基本支出与项目支出", pkg.basic_project()),
        _chart("基本支出经济分类（类）", pkg.series("general_basic_expenditure", 1)),
        _chart("“三公”经费构成", pkg.three_public_series()),
    ]
    findings, flags = finding_views(pkg)
    extra = [r["name"] for r in pkg.descriptor.get("resources", []) if r["name"].startswith("extra_")]
    tables = [table_view(pkg, name, flags) for name in [r.name for r in table_resources(pkg.kind)] + extra]
    units = {t["unit"] for t in tables if t["rows"]}
    notes, other_notes = reading_notes((pkg.descriptor.get("sitegen") or {}).get("warnings", []))
    for tbl in tables:
        tbl["notes"] = [n for n in notes if n.table and n.table == tbl["title"]]
    anchors = {c.anchor for t in tables for r in t["rows"] for c in r.cells if c.anchor}
    for f in findings:
        f.anchor = f.anchor if f.anchor in anchors else ""  # only link cells the page shows
    return {
        "tables": [t for t in tables if not t["not_found"]],
        "missing": [t for t in tables if t["not_found"] and pkg.expects(t["name"])],
        "coverage": pkg.coverage(),
        "notes": notes,
        "other_notes": other_notes,
        "charts": [c for c in charts if c],
        "changes": pkg.rows("narrative_changes"),
        "targets": pkg.rows("performance_targets"),
        "siblings": sorted(siblings, key=lambda p: p.slug),
        "findings": findings,
        "yuan_printed": "元" in units,
        "three_public": _three_public(pkg, siblings),
        "outturn": _outturn(pkg, siblings),
    }


def _outturn(pkg: PackageView, siblings: list[PackageView]) -> dict | None:
    """Budget against outturn, on the page of a 决算 whose unit's budget for that year is present."""
    if pkg.kind != "final":
        return None
    budget = next((s for s in siblings if s.slug == f"{pkg.year}-budget"), None)
    return outturn(pkg, budget) if budget is not None else None


def page_footer(licenses: list[dict], citation: str, source_url: str = "", source_file: str = "") -> dict:
    """What base.html's footer shows on every page: licence, publisher, source, citation."""
    return {"licenses": licenses, "citation": citation, "source_url": source_url, "source_file": source_file}


def _downloads(pkg: PackageView, data_dir: Path, source: Path | None, cite: str, cache: DownloadCache,
               zip_name: str, xlsx_name: str) -> str:
    """ZIP and XLSX: made once per input (package, source, citation), then hard-linked; the
    cache key they were made under."""
    origin = (pkg.descriptor.get("sources") or [{}])[0]
    key = cache.key(pkg, cite, str(origin.get("sha256", "")), str(source.stat().st_size if source and source.exists() else ""))
    cached = cache.files(key, [zip_name, xlsx_name])
    if cached is None:
        folder = cache.folder(key) if cache.root else data_dir
        write_zip(pkg.folder, folder / zip_name, f"{pkg.unit_id}-{pkg.slug}", source)
        write_xlsx(pkg, folder / xlsx_name, cite)
        cached = cache.files(key, [zip_name, xlsx_name])
    for path in cached or []:
        link_or_copy(path, data_dir / path.name)
    return key


def _render_unit(env: Environment, pkg: PackageView, page_dir: Path, source: Path | None,
                 siblings: list[PackageView], site_url: str = "",
                 downloads: DownloadCache | None = None) -> str:
    """One package's page with its data folder and downloads; the download cache key used."""
    data_dir = page_dir / "data"
    data_dir.mkdir(parents=True)
    for path in sorted(pkg.folder.iterdir()):
        if path.is_file():  # the package writer replaces whole folders, never a file in place: links are safe
            link_or_copy(path, data_dir / path.name)
    cite = pkg.descriptor.get("citation") or citation(pkg.descriptor)
    if site_url and not pkg.descriptor.get("homepage"):
        cite = citation(pkg.descriptor, f"{site_url.rstrip('/')}/{pkg.url}")
    zip_name = f"{pkg.unit_id}-{pkg.slug}.zip"
    xlsx_name = f"{pkg.unit_id}-{pkg.slug}.xlsx"
    key = _downloads(pkg, data_dir, source, cite, downloads or DownloadCache(None), zip_name, xlsx_name)
    pdf_name = None
    if source and Path(source).exists():
        pdf_name = source_file_name(Path(source).name)
        shutil.copyfile(source, data_dir / pdf_name)
    origin = (pkg.descriptor.get("sources") or [{}])[0]
    html = env.get_template("disclosure.html").render(
        pkg=pkg,
        unit=pkg.unit,
        resources=pkg.descriptor.get("resources", []),
        zip_name=zip_name,
        xlsx_name=xlsx_name,
        pdf_name=pdf_name,
        root="../../",
        citation=cite,
        footer=page_footer(pkg.descriptor.get("licenses", []), cite, origin.get("url", ""),
                           f"data/{pdf_name}" if pdf_name else ""),
        **unit_context(pkg, siblings),
    )
    (page_dir / "index.html").write_text(html, encoding="utf-8")
    return key


_WORKER: dict = {}  # what a page worker keeps between jobs: the template environment, options, download cache


def _start_page_worker(templates: str, site_url: str, downloads_root: str | None) -> None:
    _WORKER.update(env=environment(Path(templates)), site_url=site_url,
                   downloads=DownloadCache(Path(downloads_root) if downloads_root else None))


def _page_job(folder: str, unit_id: str, slug: str, siblings: list[tuple[str, str, str]], page_dir: str,
              source: str | None) -> str:
    """A unit page rendered in a worker (see workers.py): plain arguments in, the download key out."""
    pkg = PackageView(Path(folder), unit_id, slug)
    others = [PackageView(Path(f), u, s) for f, u, s in siblings]
    return _render_unit(_WORKER["env"], pkg, Path(page_dir), Path(source) if source else None, others,
                        _WORKER["site_url"], _WORKER["downloads"])


def _summary_row(pkg: PackageView) -> dict:
    """Scalars for the home, comparison, catalog and quality pages (the package itself is released)."""
    total = pkg.summary_total()
    project = pkg.total("expenditure_summary", "project")
    staff, staff_basis = pkg.head_count()
    source = (pkg.descriptor.get("sources") or [{}])[0]
    share = per_staff = ""
    try:
        if total and project and Decimal(total):
            share = f"{Decimal(project) / Decimal(total):.1%}"
        if total and staff:
            per_staff = f"{Decimal(total) / staff:.2f}"
    except InvalidOperation:
        pass
    lic = (pkg.descriptor.get("licenses") or [{}])[0]
    return {
        "unit_id": pkg.unit_id,
        "package": pkg.descriptor.get("name", ""),
        "license": lic.get("path") or lic.get("name", ""),
        "licenses": pkg.descriptor.get("licenses", []),
        "name": pkg.unit.get("name", ""),
        "region": pkg.unit.get("region", ""),
        "year": pkg.unit.get("year") or "",
        "kind": pkg.unit.get("kind", ""),
        "total": total,
        "basic": pkg.total("expenditure_summary", "basic"),
        "project": project,
        "three_public": pkg.three_public(),
        "staff": staff or "",
        "staff_basis": staff_basis,
        "project_share": share,
        "per_staff": per_staff,
        "findings": len(finding_views(pkg)[0]),  # as the unit page counts them: one per suspect cell
        "errors": sum(1 for f in pkg.findings() if f.get("severity") == "error"),
        "checks": pkg.audit().get("checks_run", 0),
        "title": pkg.descriptor.get("title", ""),
        "url": pkg.url,
        "version": pkg.descriptor.get("version", ""),
        "source_url": source.get("url", ""),
        "source_sha256": source.get("sha256", ""),
        "search": search_text(pkg.unit.get("name", ""), pkg.unit.get("region", ""), str(pkg.unit.get("year") or "")),
        "pinyin": pinyin_keys(pkg.unit.get("name", "")),
        "classes": {label.split(" ")[0]: [label, wan_exact(str(v))] for label, v in pkg.series("expenditure_summary", 1)},
        "coverage": _coverage_summary(pkg),
    }


def _coverage_summary(pkg: PackageView) -> dict:
    coverage = pkg.coverage()
    return {"recognised": coverage["recognised"], "printed": coverage["printed"], "complete": coverage["complete"]}


def _headline(rows: list[dict]) -> list[dict]:
    """Totals over like with like: one line per (year, kind), newest first."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        if r["total"] and r["year"]:
            groups.setdefault((str(r["year"]), r["kind"]), []).append(r)
    return [{"year": y, "kind": k, "count": len(g), "total": format(sum(Decimal(r["total"]) for r in g), "f")}
            for (y, k), g in sorted(groups.items(), reverse=True)]


def _compare_entry(row: dict) -> dict:
    keys = ("name", "year", "kind", "region", "total", "basic", "project", "three_public", "staff",
            "staff_basis", "per_staff", "project_share", "classes")
    return {"url": row["url"] + "index.html", **{k: row.get(k, "") for k in keys}}


def _package_rows(pkg: PackageView, row_cache: RowCache, combined: CombinedWriter,
                  database: SiteDatabase, known: dict | None = None) -> tuple[dict, str]:
    """The package's summary row (for listing pages) after adding its combined rows, and its
    row-cache key. `known`: last build's key and summary of an unchanged package (nothing read)."""
    if known is not None:
        key, summary = known["key"], known["summary"]
        row_cache.used.add(key)  # its entry stays: a changed partition re-reads it
        ident = (pkg.unit_id, str(summary.get("year") or ""), summary.get("kind", ""))
        combined.add(key, summary)
        database.add(key, ident, lambda: (row_cache.get(key) or _entry(pkg, row_cache, key))["tables"])
        return {**summary, "pkg": pkg}, key
    key = row_cache.key(pkg)
    entry = row_cache.get(key) or _entry(pkg, row_cache, key)
    combined.add(key, entry["summary"])
    database.add(key, (pkg.unit_id, pkg.year, pkg.unit.get("kind", "")), lambda: entry["tables"])
    return {**entry["summary"], "pkg": pkg, "texts": entry["texts"]}, key


def _entry(pkg: PackageView, row_cache: RowCache, key: str) -> dict:
    row = _summary_row(pkg)
    texts = package_texts(pkg.rows("general_project_expenditure"), pkg.rows("performance_targets"))
    entry = {"summary": row, "tables": package_fragment(pkg, row), "texts": texts}
    row_cache.put(key, entry)
    return entry


COMPARE_ROWS = 100  # units per year on the comparison page (largest budgets); the rest via browse/
HOME_REGIONS = 30  # regions listed per year on the home page; the year's page lists all
QUALITY_ROWS = 100  # disclosures with most errors on the quality page


def site_citation(version: str, site_url: str, scope: str = "") -> str:
    where = f"，{site_url}" if site_url else ""
    return f"sitegen 开放数据. 《部门预算、决算公开合并数据》{scope}，版本 {version}{where}. 原文为各单位公开的部门预算、决算文件."


LISTED = ("name", "url", "kind", "year", "region", "search", "total", "basic", "project", "three_public", "staff",
          "per_staff", "project_share", "findings", "version")  # what a listing page shows of a row


def _own_footer(licenses: list[dict], site_url: str, items: list[tuple[str, str]]) -> dict:
    """A listing page's footer: the version of what it lists (not the site-wide version, so an
    edit elsewhere leaves the page as it is)."""
    version = content_version([{"name": name, "hash": digest} for name, digest in items])
    return page_footer(licenses, site_citation(version, site_url, "本页所列部分"))


def _listing_pages(env: Environment, memo: PageMemo, pages: list, nav: list[dict], licenses: list[dict],
                   site_url: str) -> list[str]:
    """browse/: each listing page and year page, rendered only when what it shows changed."""
    written = []
    for listing in pages:
        shown = [[r.get(k, "") for k in LISTED] for r in listing.rows]
        footer = _own_footer(licenses, site_url, [(r[1], r[-1]) for r in shown])
        inputs = [listing.year, listing.levels, listing.page, listing.pages, listing.count, listing.children,
                  shown, footer]
        depth = "../" * (listing.folder.count("/") + 1)
        memo.write(listing.path, inputs, lambda listing=listing, footer=footer, depth=depth: env.get_template(
            "listing.html").render(listing=listing, root=depth, footer=footer, page_file=page_file))
        written.append(listing.path)
    for year in nav:
        footer = _own_footer(licenses, site_url, [(r["url"], str(r["count"])) for r in year["regions"]])
        memo.write(year["url"], [year, footer], lambda year=year, footer=footer: env.get_template(
            "browse.html").render(year=year, root="../", footer=footer))
        written.append(year["url"])
    return written


def _site_pages(env: Environment, tmp: Path, out: Path, rows: list[dict], combined: list[dict],
                licenses: list[dict], site_url: str, memo: PageMemo, siblings: dict[str, list[str]]) -> list[str]:
    """Home, listing, comparison, quality, catalog and dictionary pages, catalog.json, sitemap,
    changelog; every HTML page bounded whatever the number of disclosures. Listing pages and
    the files cut in parts are made only where their inputs changed (memo). `siblings`: each
    unit's package slugs (`2024-budget`), for the outturn links of compared 决算 rows."""
    version = content_version(combined)
    footer = page_footer(licenses, site_citation(version, site_url))
    pages = listings(rows)
    nav = navigation(pages)
    headline = {
        "units": len({r["unit_id"] for r in rows}),
        "disclosures": len(rows),
        "totals": _headline(rows),
        "findings": sum(r["findings"] for r in rows),
        "errors": sum(r["errors"] for r in rows),
    }
    written = _listing_pages(env, memo, pages, nav, licenses, site_url)
    by_year: dict[str, list[dict]] = {}
    for r in sorted(rows, key=lambda r: -float(Decimal(r["total"] or 0))):
        if len(by_year.setdefault(str(r["year"]), [])) < COMPARE_ROWS:
            by_year[str(r["year"])].append(r)
    # a 决算 whose unit's budget for that year is published: the comparison links its outturn table
    by_year = {year: [{**r, "outturn": r["kind"] == "final" and f"{year}-budget" in siblings.get(r["pkg"].unit_id, ())}
                      for r in top] for year, top in by_year.items()}
    worst = sorted((r for r in rows if r["errors"]), key=lambda r: -r["errors"])[:QUALITY_ROWS]
    partial = [r for r in rows if not r.get("coverage", {}).get("complete", True)][:QUALITY_ROWS]
    write_compare_data(tmp, pages, _compare_entry, memo)
    root = {"root": "", "footer": footer}
    html = {
        "index.html": env.get_template("index.html").render(nav=nav, headline=headline,
                                                            home_regions=HOME_REGIONS, **root),
        "quality.html": env.get_template("quality.html").render(rows=worst, partial=partial, headline=headline,
                                                                checks=CHECKS.values(), **root),
        "glossary.html": env.get_template("glossary.html").render(glossary=GLOSSARY, **root),
        "compare.html": env.get_template("compare.html").render(
            by_year={y: by_year[y] for y in sorted(by_year, reverse=True)}, limit=COMPARE_ROWS,
            years=[y["year"] or "unknown" for y in nav], **root),
        "catalog.html": env.get_template("catalog.html").render(nav=nav, combined=combined, version=version, **root),
        "dictionary.html": env.get_template("dictionary.html").render(
            resources=dictionary(), guide=loading_guide(),
            combined_tables={k: v for k, v in table_fields().items() if k not in BY_NAME}, **root),
    }
    for rel, text in html.items():  # bounded pages: made every time
        (tmp / rel).write_text(text, encoding="utf-8")
        written.append(rel)
    write_catalog(tmp, rows, combined, site_url, licenses, version, memo)
    write_sitemap(tmp, [*written, *(r["url"] + "index.html" for r in rows)], site_url, memo)
    update_changelog(tmp, out, {r["url"].rstrip("/"): r["version"] for r in rows})
    return written


MERGED = ("browse", "compare", "catalog", "sitemaps", "search")  # site-wide folders updated file by file


def _publish(site: Path, units: Path, out: Path, rendered: list[str], gone: set[str],
             keep: set[str], stale: set[str] | None) -> None:
    """Move what this build made into out/, each unit page and each site-wide folder or file
    replaced by a rename (a reader or a killed build sees the old one or the new one, whole);
    unchanged unit pages are not touched at all, so the cost follows what changed. The MERGED
    folders hold only the files this build made anew: each is renamed into place, then the
    `stale` files are removed (None: every file of those folders not in `keep`)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)  # written again last: a killed build rebuilds
    for rel in rendered:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        swap_in(units / rel, out / rel)
    for rel in gone:
        shutil.rmtree(out / rel, ignore_errors=True)
        if (out / rel).parent.is_dir() and not any((out / rel).parent.iterdir()):
            (out / rel).parent.rmdir()
    for path in sorted(site.rglob("*")):
        if path.is_file():
            _keep_identical(path, out / path.relative_to(site))
    for name in MERGED:
        _merge(site / name, out / name)
    _drop_stale(out, keep, stale)
    for entry in sorted(site.iterdir()):
        if entry.is_dir():
            swap_in(entry, out / entry.name)
        else:
            os.replace(entry, out / entry.name)


def _merged_files(memo: PageMemo, search: SearchIndex) -> tuple[set[str], set[str] | None]:
    """The files the MERGED folders hold after this build, and the last build's files to
    remove from them (None: not known, found by listing the folders)."""
    keep = {*memo.after, *(f"search/{rel}" for rel in search.files)}
    stale, more = memo.stale(), search.stale()
    return keep, None if stale is None or more is None else stale | {f"search/{rel}" for rel in more}


def _merge(src: Path, dst: Path) -> None:
    """Rename each file of src into dst (a whole new folder in one rename)."""
    if not src.is_dir():
        return
    if not dst.is_dir():
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
        return
    for path in sorted(src.rglob("*")):
        if path.is_file():
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    shutil.rmtree(src)


def _drop_stale(out: Path, keep: set[str], stale: set[str] | None) -> None:
    if stale is None:
        stale = {rel for name in MERGED for p in (out / name).rglob("*")
                 if p.is_file() and (rel := p.relative_to(out).as_posix()) not in keep}
    for rel in sorted(stale):
        path = out / rel
        path.unlink(missing_ok=True)
        for parent in path.parents:  # folders left empty (a region gone) go too
            if (parent == out or not parent.is_dir() or (parent.name in MERGED and parent.parent == out)
                    or any(parent.iterdir())):
                break
            parent.rmdir()


def _page_done(page, rel: str, downloads: DownloadCache, report: SiteReport) -> None:
    """Take a page job's outcome (its error raises here); None: the page was left as it is."""
    if page is None:
        report.reused.append(rel)
    else:
        downloads.used.add(page.result())
        report.rendered.append(rel)


def _page_jobs(views: list[PackageView], views_by_unit: dict[str, list[PackageView]], units: Path,
               sources: dict[Path, Path], render: set[str]) -> Iterator[tuple | None]:
    """The page job of each package in `render` (None for a page left as it is)."""
    for pkg in views:
        rel = f"{pkg.unit_id}/{pkg.slug}"
        if rel not in render:
            yield None
            continue
        source = sources.get(pkg.folder.resolve())
        siblings = [(str(v.folder), v.unit_id, v.slug) for v in views_by_unit[pkg.unit_id] if v.slug != pkg.slug]
        yield str(pkg.folder), pkg.unit_id, pkg.slug, siblings, str(units / rel), str(source) if source else None


KNOWN = "packages.json"  # in the cache: each package's stat, fingerprint, row key and summary row


def _known_packages(cache: Path | None, state: dict) -> tuple[dict[str, dict], set[str] | None]:
    """Last build's facts of the packages whose datapackage.json has not changed since (same
    stat, same templates and options): with them a build reads nothing of those packages.
    Also the row-cache keys the last build used (None: not known)."""
    if cache is None:
        return {}, None
    try:
        saved = orjson.loads((Path(cache) / KNOWN).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}, None
    packages = saved.get("packages", {})
    keys = {k["key"] for k in packages.values() if isinstance(k.get("key"), str)}
    if saved.get("inputs") != state["inputs"]:
        return {}, keys
    files = state["files"]
    return {rel: k for rel, k in packages.items() if files.get(rel) == k.get("stat")}, keys


def _save_known(cache: Path | None, state: dict, packages: dict[str, dict]) -> None:
    if cache is not None:
        Path(cache).mkdir(parents=True, exist_ok=True)
        tmp = Path(cache) / (KNOWN + ".tmp")
        tmp.write_bytes(orjson.dumps({"inputs": state["inputs"], "packages": packages}))
        tmp.replace(Path(cache) / KNOWN)


def _views(packages_root: Path, state: dict, known: dict[str, dict]) -> list[PackageView]:
    """A view of every package, in path order; a known package's descriptor is not read, an
    unreadable new one is skipped (as load_packages does)."""
    root = Path(packages_root)
    views = []
    for rel in sorted(state["files"], key=lambda r: f"{r}/datapackage.json"):
        unit_id, slug = rel.split("/")
        view = PackageView(root / unit_id / slug, unit_id, slug)
        if rel in known or readable(view):
            views.append(view)
    return views


def _region_of(view: PackageView, known: dict[str, dict]) -> str:
    fact = known.get(f"{view.unit_id}/{view.slug}")
    return fact["summary"].get("region", "") if fact else view.unit.get("region", "")


def _save_state(state_file: Path | None, state: dict) -> None:
    if state_file is not None:
        state_file.parent.mkdir(parents=True, exist_ok=True)
        state_file.write_bytes(orjson.dumps(state))


def _unchanged_site(out: Path, state: dict, state_file: Path | None) -> SiteReport | None:
    """The report of the last build when its state equals this one (a no-op), else None."""
    if state_file is None:
        return None
    try:
        if orjson.loads(state_file.read_bytes()) != state or not (out / "index.html").exists():
            return None
        manifest = orjson.loads((out / MANIFEST).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return SiteReport([out / rel / "index.html" for rel in manifest], [], list(manifest))


def _clear_leftovers(out: Path) -> dict[str, str]:
    """Remove what an interrupted build left beside out/; return the last build's manifest."""
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in [*out.parent.glob(f".{out.name}-*"), *out.parent.glob(f".old-{out.name}-*")]:
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    try:
        return orjson.loads((out / MANIFEST).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}


def _fingerprints(views: list[PackageView], known: dict[str, dict], sources: dict[Path, Path],
                  templates_digest: str) -> tuple[dict[str, list[PackageView]], dict[str, list[str]], dict[str, str]]:
    """Views by unit, sibling slugs by unit (built once: no page scans every package) and each
    page's fingerprint (last build's, for a known package whose siblings are the same)."""
    views_by_unit: dict[str, list[PackageView]] = {}
    for pkg in views:
        views_by_unit.setdefault(pkg.unit_id, []).append(pkg)
    by_unit = {unit_id: [v.slug for v in group] for unit_id, group in views_by_unit.items()}
    fingerprints = {}
    for pkg in views:
        rel = f"{pkg.unit_id}/{pkg.slug}"
        if rel in known and known[rel]["siblings"] == by_unit[pkg.unit_id]:
            fingerprints[rel] = known[rel]["fingerprint"]
        else:
            known.pop(rel, None)
            fingerprints[rel] = _fingerprint(pkg, sources.get(pkg.folder.resolve()), templates_digest,
                                             by_unit[pkg.unit_id])
    return views_by_unit, by_unit, fingerprints


PAGES_MEMO = "pages.json"  # in the cache: the digest of each site-wide file's inputs
SEARCH_STATE = "search.json"  # in the cache: the search index's layout and chunk members


def _search_index(out: Path, site: Path, cache: Path | None, rows: list[dict], fresh: dict[str, dict[str, list]],
                  remembered: dict[str, dict], row_cache: RowCache) -> SearchIndex:
    """search/ of this build: the documents of changed packages are `fresh`; any other
    package's documents come from last build's files, or (laid out anew) its summary row and
    its row-cache entry."""
    by_page = {r["url"] + "index.html": r for r in rows}

    def load(page: str, layer: str) -> list:
        row = by_page[page]
        if layer == "names":
            return name_doc(row)
        pkg = row["pkg"]
        key = remembered[f"{pkg.unit_id}/{pkg.slug}"]["key"]
        texts = (row_cache.get(key) or {}).get("texts")
        return text_doc(row, texts if texts is not None else _entry(pkg, row_cache, key)["texts"])

    index = SearchIndex(out / "search", site / "search", Path(cache) / SEARCH_STATE if cache else None)
    index.write(list(by_page), fresh, load)  # data files, not pages: not in the sitemap
    return index


def _site_data(site: Path, cache: Path, kept: bool, most_changed: bool):
    """The row cache, its key → package map, the combined tables' writer (partitions kept in
    cache), the download cache (None when the cache is not kept) and the database."""
    row_cache = RowCache(cache / "rows")  # partitions re-read it
    by_key: dict[str, PackageView] = {}

    def entry_of(key: str) -> dict:  # a partition's package, from the row cache (or made again)
        return row_cache.get(key) or _entry(by_key[key], row_cache, key)

    store = PartitionStore(cache / "combined", {k: v for k, v in table_fields().items() if k != "units"}, entry_of)
    combined_rows = CombinedWriter(site / "data" / "combined", store)
    downloads = DownloadCache(cache / "downloads" if kept else None)
    database = SiteDatabase((cache if kept else site / "data" / "combined") / DB_NAME, table_fields(), most_changed)
    return row_cache, by_key, combined_rows, downloads, database


@dataclass
class _Plan:
    """What a build knows before it renders: the packages, the last build's facts, what changed."""

    state: dict
    state_file: Path | None
    known: dict[str, dict]
    last_keys: set[str] | None  # the row-cache entries the last build used
    views: list[PackageView]
    old_manifest: dict[str, str]
    views_by_unit: dict[str, list[PackageView]]
    by_unit: dict[str, list[str]]
    fingerprints: dict[str, str]


@dataclass
class _Walk:
    """What the walk over the packages collects for the site-wide files and the next build."""

    manifest: dict[str, str] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)
    remembered: dict[str, dict] = field(default_factory=dict)
    fresh: dict[str, dict[str, list]] = field(default_factory=dict)
    licenses: dict[str, dict] = field(default_factory=dict)


def _plan(packages_root: Path, out: Path, sources: dict[Path, Path], templates_digest: str, site_url: str,
          region: str, cache: Path | None) -> _Plan | SiteReport:
    """The build's plan, or the report of the site on disk when nothing changed (a no-op)."""
    state_file = Path(cache) / STATE if cache else None
    state = build_state(packages_root, sources, templates_digest, site_url, region, str(out.resolve()))
    unchanged = _unchanged_site(out, state, state_file)
    if unchanged is not None:
        return unchanged
    if state_file is not None:
        state_file.unlink(missing_ok=True)  # saved again when this build is published
    known, last_keys = _known_packages(cache, state)
    views = _views(packages_root, state, known)
    if region:  # one site of a national deployment: the disclosures of one region
        views = [v for v in views if str(_region_of(v, known)).startswith(region)]
        for v in views:
            v.forget()
    old_manifest = _clear_leftovers(out)
    views_by_unit, by_unit, fingerprints = _fingerprints(views, known, sources, templates_digest)
    if fingerprints and fingerprints == old_manifest and (out / "index.html").exists():
        # nothing changed since the last build: the site on disk is the site
        _save_state(state_file, state)
        return SiteReport([out / rel / "index.html" for rel in fingerprints], [], list(fingerprints))
    return _Plan(state, state_file, known, last_keys, views, old_manifest, views_by_unit, by_unit, fingerprints)


def _walk(plan: _Plan, out: Path, units: Path, sources: dict[Path, Path], templates: Path, site_url: str,
          jobs: int | None, data: tuple, report: SiteReport) -> _Walk:
    """Every package in order: its page rendered by the workers (when it changed), its combined
    and database rows added here; one that fails is reported and left out."""
    row_cache, by_key, combined_rows, downloads, database = data
    walk = _Walk()
    render = {rel for rel, fp in plan.fingerprints.items()  # os.path: no Path object per package
              if plan.old_manifest.get(rel) != fp or not os.path.exists(f"{out}/{rel}/index.html")}
    workers = pool(jobs, len(render), _start_page_worker,
                   (str(templates), site_url, str(downloads.root) if downloads.root else None))
    with workers:
        pages = ordered(workers, _page_job, _page_jobs(plan.views, plan.views_by_unit, units, sources, render),
                        AHEAD_PER_WORKER * (jobs or os.cpu_count() or 1))
        for pkg, page in zip(plan.views, pages, strict=True):
            rel = f"{pkg.unit_id}/{pkg.slug}"
            try:
                _page_done(page, rel, downloads, report)
                row, key = _package_rows(pkg, row_cache, combined_rows, database, plan.known.get(rel))
                by_key[key] = pkg
            except Exception as exc:  # one unusable package never stops the site
                shutil.rmtree(units / rel, ignore_errors=True)
                for done in (report.rendered, report.reused):
                    if rel in done:
                        done.remove(rel)
                report.left_out.append(f"{pkg.folder}: not shown ({type(exc).__name__}: {exc})")
            else:
                _keep(walk, plan, rel, row, key)
                report.pages.append(out / rel / "index.html")
            pkg.forget()  # keep memory flat: rows are read again only where needed
    walk.rows.sort(key=lambda r: (str(r["name"]), str(r["year"])))
    return walk


def _keep(walk: _Walk, plan: _Plan, rel: str, row: dict, key: str) -> None:
    """A package that made it: its manifest line, summary row, search documents and facts for the next build."""
    walk.manifest[rel] = plan.fingerprints[rel]
    texts = row.pop("texts", None)
    if texts is not None:  # read anew: its search documents are made anew too
        walk.fresh[row["url"] + "index.html"] = {"names": name_doc(row), "text": text_doc(row, texts)}
    unit_id = rel.split("/")[0]
    known = plan.known.get(rel)
    walk.remembered[rel] = {"stat": plan.state["files"][rel], "siblings": plan.by_unit[unit_id],
                            "fingerprint": plan.fingerprints[rel], "key": key,
                            "summary": known["summary"] if known else {k: v for k, v in row.items() if k != "pkg"}}
    walk.rows.append(row)
    for lic in row["licenses"]:
        walk.licenses.setdefault(lic.get("name", ""), lic)


def _start_site(site: Path, templates: Path) -> None:
    static = templates / "static"
    if static.exists():
        shutil.copytree(static, site / "static")
    site.mkdir(exist_ok=True)
    (site / ".nojekyll").write_text("")
    (site / "data" / "combined").mkdir(parents=True)


GC_YOUNG, GC_OLDER = 50_000, (20, 20)  # allocations before a young collection (default 700), and the older ratios


@contextlib.contextmanager
def _long_lived_heap():
    """The build holds a row per package for its whole run and makes few reference cycles:
    the garbage collector runs seldom, and what the plan loaded (the last build's facts) is
    frozen out of its scans. At N = 10,000 collections took a quarter of an edit's build."""
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_YOUNG, *GC_OLDER)
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def render_site(
    packages_root: Path,
    out: Path,
    sources: dict[Path, Path] | None = None,
    templates: Path | None = None,
    site_url: str = "",
    cache: Path | None = None,
    region: str = "",
    jobs: int | None = 1,
) -> SiteReport:
    """Render every package under packages_root into out/, swapped in atomically; unit pages
    in `jobs` worker processes (None: all cores).

    Unit pages whose inputs (package files, source, templates, sibling years) did not change
    since the last build are left as they are; the others and the site-wide pages are renamed
    into place one by one (see _publish).
    """
    sources = {Path(k).resolve(): Path(v) for k, v in (sources or {}).items()}
    templates = templates or default_templates()
    env = environment(templates)
    if cache:  # compiled templates kept: an edit's build does not compile them again
        env.bytecode_cache = FileSystemBytecodeCache(str(_mkdir(Path(cache) / "templates")))
    out = Path(out)
    templates_digest = _digest_tree(templates, site_url)
    with _long_lived_heap() as freeze:
        plan = _plan(packages_root, out, sources, templates_digest, site_url, region, cache)
        if isinstance(plan, SiteReport):
            return plan
        freeze()
        return _build(plan, out, sources, templates, env, templates_digest, site_url, cache, jobs)


def _build(plan: _Plan, out: Path, sources: dict[Path, Path], templates: Path,
           env: Environment, templates_digest: str, site_url: str, cache: Path | None, jobs: int | None) -> SiteReport:
    """Render what the plan says changed, make the site-wide files, publish, save the facts."""
    tmp = make_temp_dir(out.parent, f".{out.name}-")
    report = SiteReport([], [], [])
    site, units = tmp / "site", tmp / "units"  # site-wide files; unit pages rendered anew
    try:
        _start_site(site, templates)
        data = _site_data(site, cache or tmp, cache is not None, len(plan.known) < len(plan.views) / 2)
        row_cache, _, combined_rows, downloads, database = data
        walk = _walk(plan, out, units, sources, templates, site_url, jobs, data, report)
        licenses = list(walk.licenses.values())
        search = _search_index(out, site, cache, walk.rows, walk.fresh, walk.remembered, row_cache)
        combined = finish_combined(combined_rows, database, licenses,
                                   [{"title": "每个数据包的描述见 catalog.json", "path": "../../catalog.json"}])
        memo = PageMemo(Path(cache) / PAGES_MEMO if cache else None, out, site, templates_digest)  # holds site_url
        report.pages += [out / rel for rel in _site_pages(env, site, out, walk.rows, combined, licenses,
                                                           site_url, memo, plan.by_unit)]
        _publish(site, units, out, report.rendered, set(plan.old_manifest) - set(walk.manifest),
                 *_merged_files(memo, search))
        (out / MANIFEST).write_bytes(orjson.dumps(walk.manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
        _save_known(cache, plan.state, walk.remembered)
        search.save()
        memo.save()
        _save_state(plan.state_file, plan.state)
        row_cache.prune(None if not report.reused else plan.last_keys)
        if not report.reused:  # only a build that rendered every page used every download
            downloads.prune()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return report
