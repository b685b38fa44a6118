"""Render the static site from the data packages the writer produced."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import __version__
from ..package.schemas import BY_NAME, TABLE_RESOURCES
from ..package.writer import swap_in
from . import strings

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def default_templates() -> Path:
    here = Path.cwd() / "templates"
    if (here / "base.html").exists():
        return here
    return Path(__file__).resolve().parents[2] / "templates"


@dataclass
class PackageView:
    """What a page needs of one package."""

    folder: Path
    descriptor: dict
    unit_id: str
    slug: str  # "<year>-<kind>"

    @property
    def url(self) -> str:
        return f"{self.unit_id}/{self.slug}/"

    @property
    def unit(self) -> dict:
        return self.descriptor.get("unit", {})

    def audit(self) -> dict:
        path = self.folder / "audit.json"
        if not path.exists():
            return {"checks_run": 0, "findings": []}
        return json.loads(path.read_text(encoding="utf-8"))

    def findings(self) -> list[dict]:
        return self.audit().get("findings", [])

    def rows(self, name: str) -> list[dict]:
        path = self.folder / f"{name}.csv"
        if not path.exists():
            return []
        with open(path, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    def resource(self, name: str) -> dict | None:
        return next((r for r in self.descriptor.get("resources", []) if r["name"] == name), None)

    def wan(self, name: str, value: str) -> str:
        """A printed amount in 万元: 元 tables shift the decimal point exactly."""
        res = self.resource(name) or {}
        if not value or res.get("unit") != "元":
            return value
        try:
            return format(Decimal(value).scaleb(-4).normalize(), "f")
        except InvalidOperation:
            return value

    def total(self, name: str, column: str) -> str:
        """The total row's value, in 万元."""
        for row in self.rows(name):
            if row.get("level") == "0" and row.get(column):
                return self.wan(name, row[column])
        return ""

    def summary_total(self) -> str:
        """收支总预算 (表1's income total), in 万元."""
        for row in self.rows("income_expenditure_summary"):
            if row["side"] == "income" and "总计" in row["item"]:
                return self.wan("income_expenditure_summary", row["amount"])
        return ""


def load_packages(root: Path) -> list[PackageView]:
    views = []
    for dp in sorted(Path(root).glob("*/*/datapackage.json")):
        try:
            descriptor = json.loads(dp.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        views.append(PackageView(dp.parent, descriptor, dp.parent.parent.name, dp.parent.name))
    return views


def money(value: str) -> str:
    """Thousands separators for display; the printed decimals are kept."""
    if value in ("", None):
        return ""
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    return f"{d:,}"


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


def _zip(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                info = zipfile.ZipInfo(f"{folder.parent.name}-{folder.name}/{path.name}", ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes())


def table_view(pkg: PackageView, name: str) -> dict:
    spec = BY_NAME[name]
    res = pkg.resource(name) or {}
    rows = pkg.rows(name)
    fields = [f for f in spec.fields if f.name not in ("class_code", "section_code", "item_code", "level", "side", "line")]
    pages = sorted({int(r["source_page"]) for r in rows if r.get("source_page")})
    return {
        "name": name,
        "title": res.get("title") or spec.title,
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
    h = hashlib.sha256(templates_digest.encode())
    for path in sorted(pkg.folder.iterdir()):
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
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


def _render_unit(env: Environment, pkg: PackageView, page_dir: Path, source: Path | None) -> None:
    data_dir = page_dir / "data"
    data_dir.mkdir(parents=True)
    for path in sorted(pkg.folder.iterdir()):
        if path.is_file():
            shutil.copyfile(path, data_dir / path.name)
    zip_name = f"{pkg.unit_id}-{pkg.slug}.zip"
    _zip(pkg.folder, data_dir / zip_name)
    pdf_name = None
    if source and Path(source).exists():
        pdf_name = "source" + Path(source).suffix.lower()
        shutil.copyfile(source, data_dir / pdf_name)
    tables = [table_view(pkg, r.name) for r in TABLE_RESOURCES]
    html = env.get_template("disclosure.html").render(
        pkg=pkg,
        unit=pkg.unit,
        tables=tables,
        resources=pkg.descriptor.get("resources", []),
        zip_name=zip_name,
        pdf_name=pdf_name,
        findings=pkg.findings(),
        root="../../",
    )
    (page_dir / "index.html").write_text(html, encoding="utf-8")


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
    try:
        old_manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        old_manifest = {}
    templates_digest = _digest_tree(templates)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    report = SiteReport([], [], [])
    try:
        static = templates / "static"
        if static.exists():
            shutil.copytree(static, tmp / "static")
        (tmp / ".nojekyll").write_text("")
        manifest: dict[str, str] = {}
        by_unit: dict[str, list[str]] = {}
        for pkg in views:
            by_unit.setdefault(pkg.unit_id, []).append(pkg.slug)
        for pkg in views:
            rel = f"{pkg.unit_id}/{pkg.slug}"
            source = sources.get(pkg.folder.resolve())
            fp = _fingerprint(pkg, source, templates_digest, by_unit[pkg.unit_id])
            manifest[rel] = fp
            if old_manifest.get(rel) == fp and (out / rel / "index.html").exists():
                _link_tree(out / rel, tmp / rel)
                report.reused.append(rel)
            else:
                _render_unit(env, pkg, tmp / rel, source)
                report.rendered.append(rel)
            report.pages.append(out / rel / "index.html")
        rows = [
            {
                "pkg": pkg,
                "name": pkg.unit.get("name", ""),
                "region": pkg.unit.get("region", ""),
                "year": pkg.unit.get("year") or "",
                "kind": pkg.unit.get("kind", ""),
                "total": pkg.summary_total(),
                "basic": pkg.total("expenditure_summary", "basic"),
                "project": pkg.total("expenditure_summary", "project"),
                "findings": len(pkg.findings()),
            }
            for pkg in views
        ]
        rows.sort(key=lambda r: (str(r["name"]), str(r["year"])))
        (tmp / "index.html").write_text(env.get_template("index.html").render(rows=rows, root=""), encoding="utf-8")
        quality = []
        for r in rows:
            audit = r["pkg"].audit()
            errors = sum(1 for f in audit["findings"] if f.get("severity") == "error")
            checks = audit.get("checks_run", 0)
            rate = f"{(checks - errors) / checks:.1%}" if checks else ""
            quality.append({**r, "checks": checks, "errors": errors, "warnings": len(audit["findings"]) - errors, "rate": rate})
        (tmp / "quality.html").write_text(env.get_template("quality.html").render(rows=quality, root=""), encoding="utf-8")
        report.pages += [out / "index.html", out / "quality.html"]
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        for path in [tmp / "index.html", tmp / "quality.html", tmp / MANIFEST, *(tmp / "static").rglob("*")]:
            _keep_identical(path, out / path.relative_to(tmp))
        swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return report
