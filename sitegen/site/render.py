"""Render the static site from the data packages the writer produced."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import __version__
from ..package.schemas import BY_NAME, TABLE_RESOURCES
from ..package.writer import swap_in
from . import strings
from .combined import CombinedWriter, loading_guide, table_fields
from .downloads import dictionary, finish_combined, write_xlsx, write_zip
from .views import PackageView, load_packages, money


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
    env.globals["t"] = strings.ZH
    return env


@dataclass
class _ShownField:
    name: str
    title: str
    money: bool


HIDDEN = ("class_code", "section_code", "item_code", "level", "side", "line", "source_page")


def table_view(pkg: PackageView, name: str) -> dict:
    res = pkg.resource(name) or {}
    spec = BY_NAME.get(name)
    rows = pkg.rows(name)
    if spec is not None:
        fields = [_ShownField(f.name, f.title, f.money) for f in spec.fields if f.name not in HIDDEN]
    else:
        fields = [_ShownField(f["name"], f.get("title", f["name"]), f.get("type") == "number")
                  for f in res.get("schema", {}).get("fields", []) if f["name"] not in HIDDEN]
    pages = sorted({int(r["source_page"]) for r in rows if r.get("source_page")})
    return {
        "name": name,
        "title": res.get("title") or (spec.title if spec else name),
        "number": res.get("table_number", ""),
        "unit": res.get("unit", "万元"),
        "note": res.get("description", "") if not rows else "",
        "fields": fields,
        "rows": rows,
        "pages": pages,
    }


@dataclass
class SiteReport:
    pages: list[Path]
    rendered: list[str]  # unit pages rendered anew
    reused: list[str]  # unit pages whose inputs did not change (hard-linked from the last build)


MANIFEST = ".sitegen-manifest.json"


def _digest_tree(root: Path) -> str:
    h = hashlib.sha256(__version__.encode())
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


def _chart(title: str, items: list[tuple[str, Decimal]], unit: str = "万元") -> dict | None:
    """A horizontal bar chart drawn as SVG at build time (no JavaScript needed)."""
    items = [(label, value) for label, value in items if value is not None]
    if not items:
        return None
    top = max((abs(v) for _, v in items), default=Decimal(1)) or Decimal(1)
    bars = [{"label": label, "value": value, "width": float(abs(value) / top) * 100} for label, value in items]
    return {"title": title, "unit": unit, "bars": bars, "height": 26 * len(bars) + 8}


def unit_context(pkg: PackageView, siblings: list[PackageView]) -> dict:
    charts = [
        _chart("支出功能分类（类）", pkg.series("expenditure_summary", 1)),
        _chart("支出功能分类（款）", pkg.series("expenditure_summary", 2)),
        _chart("基本支出与项目支出", pkg.basic_project()),
        _chart("基本支出经济分类（类）", pkg.series("general_basic_expenditure", 1)),
        _chart("“三公”经费构成", pkg.three_public_series()),
    ]
    return {
        "tables": [table_view(pkg, r.name) for r in TABLE_RESOURCES]
        + [table_view(pkg, r["name"]) for r in pkg.descriptor.get("resources", []) if r["name"].startswith("extra_")],
        "charts": [c for c in charts if c],
        "changes": pkg.rows("narrative_changes"),
        "targets": pkg.rows("performance_targets"),
        "siblings": sorted(siblings, key=lambda p: p.slug),
    }


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
        findings=pkg.findings(),
        root="../../",
        **unit_context(pkg, siblings),
    )
    (page_dir / "index.html").write_text(html, encoding="utf-8")


def _summary_row(pkg: PackageView) -> dict:
    """Scalars for the home, comparison, catalog and quality pages (the package itself is released)."""
    total = pkg.summary_total()
    project = pkg.total("expenditure_summary", "project")
    staff = pkg.staff()
    source = (pkg.descriptor.get("sources") or [{}])[0]
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
        "project_share": share,
        "per_staff": per_staff,
        "findings": len(pkg.findings()),
        "title": pkg.descriptor.get("title", ""),
        "url": pkg.url,
        "version": pkg.descriptor.get("version", ""),
        "source_url": source.get("url", ""),
        "source_sha256": source.get("sha256", ""),
    }


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
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    report = SiteReport([], [], [])
    try:
        static = templates / "static"
        if static.exists():
            shutil.copytree(static, tmp / "static")
        (tmp / ".nojekyll").write_text("")
        manifest: dict[str, str] = {}
        rows, quality = [], []
        (tmp / "data" / "combined").mkdir(parents=True)
        combined_rows = CombinedWriter(tmp / "data" / "combined")
        licenses: dict[str, dict] = {}
        for pkg in views:
            rel = f"{pkg.unit_id}/{pkg.slug}"
            source = sources.get(pkg.folder.resolve())
            fp = fingerprints[rel]
            manifest[rel] = fp
            if old_manifest.get(rel) == fp and (out / rel / "index.html").exists():
                _link_tree(out / rel, tmp / rel)
                report.reused.append(rel)
            else:
                siblings = [v for v in views if v.unit_id == pkg.unit_id and v.slug != pkg.slug]
                _render_unit(env, pkg, tmp / rel, source, siblings)
                report.rendered.append(rel)
            report.pages.append(out / rel / "index.html")
            row = _summary_row(pkg)
            rows.append(row)
            audit = pkg.audit()
            errors = sum(1 for f in audit["findings"] if f.get("severity") == "error")
            checks = audit.get("checks_run", 0)
            rate = f"{(checks - errors) / checks:.1%}" if checks else ""
            quality.append({**row, "checks": checks, "errors": errors,
                            "warnings": len(audit["findings"]) - errors, "rate": rate})
            combined_rows.add(pkg, row)
            for lic in pkg.descriptor.get("licenses", []):
                licenses.setdefault(lic.get("name", ""), lic)
            pkg.forget()  # keep memory flat: rows are read again only where needed
        rows.sort(key=lambda r: (str(r["name"]), str(r["year"])))
        quality.sort(key=lambda r: (str(r["name"]), str(r["year"])))
        years = sorted({str(r["year"]) for r in rows if r["year"]}, reverse=True)
        regions = sorted({r["region"] for r in rows if r["region"]})
        headline = {
            "units": len({r["pkg"].unit_id for r in rows}),
            "disclosures": len(rows),
            "total": sum((Decimal(r["total"]) for r in rows if r["total"]), Decimal(0)),
            "findings": sum(r["findings"] for r in rows),
        }
        combined = finish_combined(combined_rows, list(licenses.values()), [
            {"title": r["title"], "path": f"../../{r['url']}data/datapackage.json"} for r in rows])
        pages = {
            "index.html": env.get_template("index.html").render(rows=rows, years=years, regions=regions,
                                                                headline=headline, root=""),
            "quality.html": env.get_template("quality.html").render(rows=quality, root=""),
            "compare.html": env.get_template("compare.html").render(
                by_year={y: [r for r in rows if str(r["year"]) == y] for y in years}, root=""),
            "catalog.html": env.get_template("catalog.html").render(rows=rows, combined=combined, root=""),
            "dictionary.html": env.get_template("dictionary.html").render(
                resources=dictionary(), guide=loading_guide(), root="",
                combined_tables={k: v for k, v in table_fields().items() if k not in BY_NAME}),
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
