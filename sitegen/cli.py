"""The sitegen command line: thin commands over the pipeline."""

from __future__ import annotations

import functools
import http.server
import json
import re
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .build import BuildReport, Cache, PackageSink, parse_many
from .content import discover, load_metadata, resolve_parts, scan
from .executors import inline_limits
from .extract import SUFFIXES

console = Console(stderr=True, soft_wrap=True)
FAIL_LEVELS = ("invalid", "errors", "warnings")
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: object) -> str:
    """Untrusted text (file names, cells) made safe for the log: terminal escapes and control
    characters removed, Rich markup shown as typed."""
    return escape(_CONTROL.sub("", str(text)).replace("\n", "⏎"))


def say(kind: str, text: object) -> None:
    colour = {"error": "red", "warning": "yellow", "skipped": "yellow", "note": "cyan"}.get(kind, "white")
    console.print(f"[{colour}]{kind}[/{colour}] {printable(text)}")


def _progress(total: int, label: str):
    progress = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=total == 0,
    )
    return progress


def _expand(files: tuple[str, ...], report: BuildReport) -> list[Path]:
    out: list[Path] = []
    for f in files:
        p = Path(f)
        out.extend(discover(p, report.errors, report.skipped) if p.is_dir() else [p])
    return out


@click.group()
@click.version_option(__version__, prog_name="sitegen")
def cli() -> None:
    """Turn budget disclosures (部门预算公开) into open data packages and a static site."""


def parse_options(f):
    """Options shared by parse and build: where and how each file is parsed."""
    options = [
        click.option("--jobs", "-j", type=int, default=None, help="Parallel workers (default: all cores)."),
        click.option("--executor", type=click.Choice(["local", "dask", "inline"]), default="local",
                     show_default=True, help="local worker processes, a Dask cluster, or in-process."),
        click.option("--scheduler", default=None, help="Dask scheduler address (default: a local cluster)."),
        click.option("--timeout", type=float, default=300, show_default=True, help="Seconds allowed per file."),
        click.option("--max-memory", type=int, default=4096, show_default=True, help="MB allowed per file."),
        click.option("--max-pages", type=int, default=400, show_default=True, help="Refuse longer files."),
        click.option("--verbose", "-v", is_flag=True, help="Per-file timing and every warning."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _parse_with_progress(paths: list[Path], cache: Cache, label: str, jobs=None, executor="local",
                         scheduler=None, timeout=300, max_memory=4096, max_pages=400, verbose=False, sink=None,
                         parts=None):
    members = {p for group in (parts or {}).values() for p in group}  # read with their main file
    total = sum(1 for p in paths if p not in members)
    with _progress(total, label) as progress:
        task = progress.add_task(label, total=total)

        def tick(outcome):
            if sink is not None:
                sink(outcome)
            progress.advance(task)
            if verbose:
                state = "cached" if outcome.cached else f"{outcome.seconds:.2f}s"
                console.print(f"  {printable(outcome.path)} ({state})")

        return parse_many(paths, jobs=jobs, cache=cache, progress=tick, executor=executor,
                          scheduler=scheduler, timeout=timeout, memory_mb=max_memory, max_pages=max_pages,
                          parts=parts)


def _limits_note(run: dict) -> None:
    if run.get("executor") == "inline":
        for note in inline_limits(run.get("timeout"), run.get("max_memory")):
            say("note", note)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", "out", default="datapackages", show_default=True, type=click.Path(), help="Where packages go.")
@click.option("--content", default=None, type=click.Path(), help="Folder holding metadata.toml (default: common parent).")
@parse_options
def parse(files: tuple[str, ...], out: str, content: str | None, verbose: bool, **run) -> None:
    """Parse disclosures (PDF, .txt, .md) into data packages; print each package path written."""
    report = BuildReport()
    paths = _expand(files, report)
    bad = [p for p in paths if p.suffix.lower() not in SUFFIXES]
    for p in bad:
        say("error", f"{p}: unsupported file type")
    paths = [p for p in paths if p not in bad]
    content_dir = Path(content) if content else (paths[0].parent if paths else Path("."))
    metadata = load_metadata(content_dir, report.errors)
    sink = PackageSink(Path(out), content_dir, report, metadata)
    _limits_note(run)
    _parse_with_progress(paths, Cache(None), "parsing", verbose=verbose, sink=sink,
                         parts=resolve_parts(content_dir, paths, metadata, report.errors), **run)
    sink.finish()
    for pkg in report.packages:
        click.echo(str(pkg))
    for w in report.warnings if verbose else []:
        say("warning", w)
    for s in report.skipped:
        say("skipped", s)
    for e in report.errors:
        say("error", e)
    if report.errors or bad:
        sys.exit(1)


@cli.command()
@click.argument("dirs", nargs=-1, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report on stdout.")
@click.option("--fail-on", "fail_on", type=click.Choice(FAIL_LEVELS), default="errors", show_default=True,
              help="Exit 1 on: invalid packages only; also the audit's errors; also its warnings.")
@click.option("--strict", is_flag=True, help="Same as --fail-on warnings.")
def validate(dirs: tuple[str, ...], as_json: bool, fail_on: str, strict: bool) -> None:
    """Validate packages: Frictionless (schema, types, bytes, hashes), then the audit's identities."""
    from .audit import audit_package
    from .package.validate import find_packages, validate_package

    roots = [Path(d) for d in dirs] or [Path("datapackages")]
    packages = find_packages(roots)
    if not packages:
        console.print("[red]error[/red] no datapackage.json found")
        sys.exit(2)
    report = {"packages": []}
    failed = False
    for path in packages:
        check = validate_package(path)
        findings, checks_run, descriptor = audit_package(path.parent)
        unit = descriptor.get("unit", {})
        entry = {
            "unit_id": path.parent.parent.name,
            "year": unit.get("year"),
            "kind": unit.get("kind"),
            "path": str(path.parent),
            "frictionless_valid": check.valid,
            "frictionless_errors": check.errors,
            "checks_run": checks_run,
            "findings": [f.to_dict() for f in findings],
        }
        report["packages"].append(entry)
        errors = [f for f in findings if f.severity == "error"]
        level = "warnings" if strict else fail_on
        if not check.valid or (level != "invalid" and errors) or (level == "warnings" and findings):
            failed = True
        if as_json:
            continue
        state = "valid" if check.valid else "INVALID"
        click.echo(f"{state:8} {path}  ({checks_run} identities checked, {len(errors)} errors, "
                   f"{len(findings) - len(errors)} warnings)")
        for err in check.errors:
            click.echo(f"    {err}")
        by_table: dict[str, list] = {}
        for f in findings:
            by_table.setdefault(f.table or "(across tables)", []).append(f)
        for table, items in by_table.items():
            click.echo(f"  {table}")
            explained = set()
            for f in items:
                click.echo(f"    [{f.severity}] {f.message}")
                if f.suspect and f.suspect["message"] not in explained:
                    explained.add(f.suspect["message"])
                    click.echo(f"      → {f.suspect['message']}")
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        ok = sum(1 for p in report["packages"] if p["frictionless_valid"])
        click.echo(f"{ok} of {len(packages)} packages valid (Frictionless); "
                   f"{sum(len(p['findings']) for p in report['packages'])} audit findings")
    if failed:
        sys.exit(1)


@cli.command()
@click.option("--content", default="content", show_default=True, type=click.Path(), help="Folder of source disclosures.")
@click.option("--data", "data", default="datapackages", show_default=True, type=click.Path(), help="Where packages go.")
@click.option("--out", "out", default="_site", show_default=True, type=click.Path(), help="Where the site goes.")
@click.option("--templates", default=None, type=click.Path(exists=True), help="Template folder.")
@click.option("--cache", "cache_dir", default=".sitegen-cache", show_default=True, help="Parse cache folder ('' for none).")
@click.option("--strict", is_flag=True, help="Exit non-zero when any file fails.")
@click.option("--region", default="", help="Site of one region only: disclosures whose region starts with this.")
@parse_options
def build(content: str, data: str, out: str, templates: str | None, cache_dir: str, strict: bool,
          region: str, verbose: bool, **run) -> None:
    """Build everything: content/ → datapackages/ → static site in _site/."""
    from .site.render import render_site

    start = time.perf_counter()
    content_dir = Path(content)
    if not content_dir.is_dir():
        say("error", f"content folder {content_dir} does not exist")
        sys.exit(2)
    found = scan(content_dir)
    site_url = str(found.metadata["defaults"].get("site_url", ""))
    report = BuildReport(errors=list(found.errors), skipped=list(found.skipped))
    sink = PackageSink(Path(data), content_dir, report, found.metadata)
    _limits_note(run)
    outcomes = _parse_with_progress(found.files, Cache(Path(cache_dir) if cache_dir else None), "parsing",
                                    verbose=verbose, sink=sink, parts=found.parts, **run)
    sources = sink.finish()
    site = render_site(Path(data), Path(out), sources=sources, templates=Path(templates) if templates else None,
                       site_url=site_url, cache=Path(f"{cache_dir.rstrip('/')}-site") if cache_dir else None, region=region,
                       jobs=1 if run.get("executor") == "inline" else run.get("jobs"))
    report.seconds = time.perf_counter() - start
    for s in [*report.skipped, *site.left_out]:
        say("skipped", s)
    for e in report.errors:
        say("error", e)
    if verbose:
        for w in report.warnings:
            say("warning", w)
    cached = sum(1 for o in outcomes if o.cached)
    console.print(
        f"[bold]built[/bold] {len(report.packages)} disclosures "
        f"({cached} from cache), {report.tables} tables, {report.findings} findings, "
        f"{len(report.warnings)} warnings, {len(report.errors)} errors, "
        f"{len(site.pages)} pages ({len(site.rendered)} rendered, {len(site.reused)} unchanged) "
        f"in {report.seconds:.1f}s → {printable(out)}/index.html"
    )
    if strict and report.errors:
        sys.exit(1)


@cli.command()
@click.option("--dir", "directory", default="_site", show_default=True, type=click.Path(exists=True))
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(directory: str, port: int, host: str) -> None:
    """Preview the built site on localhost."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=directory)
    with http.server.ThreadingHTTPServer((host, port), handler) as httpd:
        console.print(f"serving {directory} at http://{host}:{port}/ (Ctrl+C to stop)")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
