"""Render the static site from the data packages the writer produced."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import code_digest
from ..audit.declared import CHECKS
from ..contract import table_resources
from ..fsutil import make_temp_dir, swap_in
from . import strings
from .downloads import dictionary, write_combined, write_xlsx, write_zip
from .findings import finding_views
from .glossary import BY_TERM, GLOSSARY
from .notes import reading_notes
from .search import SYNONYMS, document_texts, index_entry, search_text
from .tables import signed_word, table_view, trend, wan_exact, wan_round, wan_text
from .views import PackageView, load_packages, money, outturn


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


def _digest_tree(root: Path) -> str:
    """Templates and the rendering code: a change to either re-renders every page."""
    h = hashlib.sha256(code_digest().encode())
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


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _link_tree(src: Path, dst: Path) -> None:
    for path in sorted(src.rglob("*")):
        if path.is_file():
            _link_or_copy(path, dst / path.relative_to(src))


def _keep_identical(new: Path, old: Path) -> None:
    """Where a freshly rendered file equals last build's, keep the old file (same inode, mtime)."""
    if old.is_file() and new.is_file() and old.read_bytes() == new.read_bytes():
        new.unlink()
        _link_or_copy(old, new)


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


def _render_unit(env: Environment, pkg: PackageView, page_dir: Path, source: Path | None,
                 siblings: list[PackageView]) -> None:
    data_dir = page_dir / "data"
    data_dir.mkdir(parents=True)
    for path in sorted(pkg.folder.iterdir()):
        if path.is_file():
            shutil.copyfile(path, data_dir / path.name)
    zip_name = f"{pkg.unit_id}-{pkg.slug}.zip"
    write_zip(pkg.folder, data_dir / zip_name, f"{pkg.unit_id}-{pkg.slug}")
    xlsx_name = f"{pkg.unit_id}-{pkg.slug}.xlsx"
    write_xlsx(pkg, data_dir / xlsx_name)
    pdf_name = None
    if source and Path(source).exists():
        pdf_name = "source" + Path(source).suffix.lower()
        shutil.copyfile(source, data_dir / pdf_name)
    html = env.get_template("disclosure.html").render(
        pkg=pkg,
        unit=pkg.unit,
        resources=pkg.descriptor.get("resources", []),
        zip_name=zip_name,
        xlsx_name=xlsx_name,
        pdf_name=pdf_name,
        root="../../",
        **unit_context(pkg, siblings),
    )
    (page_dir / "index.html").write_text(html, encoding="utf-8")


def _summary_row(pkg: PackageView) -> dict:
    """Scalars for the home, comparison, catalog and quality pages (the package itself is released)."""
    total = pkg.summary_total()
    project = pkg.total("expenditure_summary", "project")
    staff, staff_basis = pkg.head_count()
    share = per_staff = ""
    try:
        if total and project and Decimal(total):
            share = f"{Decimal(project) / Decimal(total):.1%}"
        if total and staff:
            per_staff = f"{Decimal(total) / staff:.2f}"
    except InvalidOperation:
        pass
    return {
        "pkg": pkg,
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
        "title": pkg.descriptor.get("title", ""),
        "search": search_text(pkg.unit.get("name", ""), pkg.unit.get("region", ""), str(pkg.unit.get("year") or "")),
        "classes": {label.split(" ")[0]: [label, wan_exact(str(v))] for label, v in pkg.series("expenditure_summary", 1)},
    }


def _headline(rows: list[dict]) -> list[dict]:
    """Totals over like with like: one line per (year, kind), newest first."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        if r["total"] and r["year"]:
            groups.setdefault((str(r["year"]), r["kind"]), []).append(r)
    return [{"year": y, "kind": k, "count": len(g), "total": format(sum(Decimal(r["total"]) for r in g), "f")}
            for (y, k), g in sorted(groups.items(), reverse=True)]


def _quality_row(row: dict, pkg: PackageView) -> dict:
    audit = pkg.audit()
    errors = sum(1 for f in audit["findings"] if f.get("severity") == "error")
    checks = audit.get("checks_run", 0)
    coverage = pkg.coverage()
    rate = f"{(checks - errors) / checks:.1%}" if checks and coverage["complete"] else ""
    return {**row, "checks": checks, "errors": errors, "warnings": len(audit["findings"]) - errors,
            "rate": rate, "coverage": coverage, "notes": (pkg.descriptor.get("sitegen") or {}).get("warnings", [])}


def _compare_entry(row: dict) -> dict:
    keys = ("name", "year", "kind", "region", "total", "basic", "project", "three_public", "staff",
            "staff_basis", "per_staff", "project_share", "classes")
    return {"url": row["pkg"].url + "index.html", **{k: row[k] for k in keys}}


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _unit_pages(env, pkg, views, tmp: Path, out: Path, sources, unchanged: bool, report: SiteReport):
    """One package's pages (rendered, or hard-linked when unchanged); its index and quality rows."""
    rel = f"{pkg.unit_id}/{pkg.slug}"
    row = _summary_row(pkg)
    if unchanged and (out / rel / "index.html").exists():
        _link_tree(out / rel, tmp / rel)
        report.reused.append(rel)
    else:
        siblings = [v for v in views if v.unit_id == pkg.unit_id and v.slug != pkg.slug]
        _render_unit(env, pkg, tmp / rel, sources.get(pkg.folder.resolve()), siblings)
        report.rendered.append(rel)
    return row, _quality_row(row, pkg)


def render_site(
    packages_root: Path,
    out: Path,
    sources: dict[Path, Path] | None = None,
    templates: Path | None = None,
) -> SiteReport:
    """Render every package under packages_root into out/, swapped in atomically.

    Unit pages whose inputs (package files, source, templates, sibling years) did not change
    since the last build are hard-linked from it instead of rendered again.
    """
    sources = {Path(k).resolve(): Path(v) for k, v in (sources or {}).items()}
    templates = templates or default_templates()
    env = environment(templates)
    views = load_packages(packages_root)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in [*out.parent.glob(f".{out.name}-*"), *out.parent.glob(f".old-{out.name}-*")]:
        if stale.is_dir():  # left by an interrupted build
            shutil.rmtree(stale, ignore_errors=True)
    try:
        old_manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        old_manifest = {}
    templates_digest = _digest_tree(templates)
    by_unit: dict[str, list[str]] = {}
    for pkg in views:
        by_unit.setdefault(pkg.unit_id, []).append(pkg.slug)
    fingerprints = {
        f"{pkg.unit_id}/{pkg.slug}": _fingerprint(pkg, sources.get(pkg.folder.resolve()), templates_digest,
                                                  by_unit[pkg.unit_id])
        for pkg in views
    }
    if fingerprints and fingerprints == old_manifest and (out / "index.html").exists():
        # nothing changed since the last build: the site on disk is the site
        return SiteReport([out / rel / "index.html" for rel in fingerprints], [], list(fingerprints))
    tmp = make_temp_dir(out.parent, f".{out.name}-")
    report = SiteReport([], [], [])
    try:
        static = templates / "static"
        if static.exists():
            shutil.copytree(static, tmp / "static")
        (tmp / ".nojekyll").write_text("")
        manifest: dict[str, str] = {}
        rows, quality, index = [], [], []
        shown = []
        for pkg in views:
            rel = f"{pkg.unit_id}/{pkg.slug}"
            try:
                row, quality_row = _unit_pages(env, pkg, views, tmp, out, sources, old_manifest.get(rel) == fingerprints[rel], report)
                texts = document_texts(pkg)
            except Exception as exc:  # one unusable package never stops the site
                shutil.rmtree(tmp / rel, ignore_errors=True)
                report.left_out.append(f"{pkg.folder}: not shown ({exc})")
                pkg.forget()
                continue
            manifest[rel] = fingerprints[rel]
            report.pages.append(out / rel / "index.html")
            rows.append(row)
            quality.append(quality_row)
            index.append(index_entry(row, texts))
            shown.append(pkg)
            pkg.forget()  # keep memory flat: rows are read again only where needed
        views = shown
        rows.sort(key=lambda r: (str(r["name"]), str(r["year"])))
        quality.sort(key=lambda r: (str(r["name"]), str(r["year"])))
        years = sorted({str(r["year"]) for r in rows if r["year"]}, reverse=True)
        regions = sorted({r["region"] for r in rows if r["region"]})
        headline = {
            "units": len({r["pkg"].unit_id for r in rows}),
            "disclosures": len(rows),
            "totals": _headline(rows),
            "findings": sum(r["findings"] for r in rows),
        }
        _write_json(tmp / "search.json", {"synonyms": SYNONYMS, "docs": index})
        _write_json(tmp / "compare.json", [_compare_entry(r) for r in rows])
        combined = write_combined(views, tmp / "data" / "combined")
        pages = {
            "index.html": env.get_template("index.html").render(rows=rows, years=years, regions=regions,
                                                                headline=headline, synonyms=SYNONYMS, root=""),
            "quality.html": env.get_template("quality.html").render(rows=quality, checks=CHECKS.values(), root=""),
            "compare.html": env.get_template("compare.html").render(rows=rows, root=""),
            "glossary.html": env.get_template("glossary.html").render(glossary=GLOSSARY, root=""),
            "catalog.html": env.get_template("catalog.html").render(rows=rows, combined=combined, root=""),
            "dictionary.html": env.get_template("dictionary.html").render(resources=dictionary(), root=""),
        }
        for name, html in pages.items():
            (tmp / name).write_text(html, encoding="utf-8")
            report.pages.append(out / name)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        for path in [*tmp.glob("*.*"), *(tmp / "static").rglob("*"), *(tmp / "data" / "combined").rglob("*")]:
            if path.is_file():
                _keep_identical(path, out / path.relative_to(tmp))
        swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return report
