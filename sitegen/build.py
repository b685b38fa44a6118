"""Orchestration: discover content, parse in parallel (cached), write packages, render the site."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import shutil
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, parser_version
from .audit import audit_for_build
from .disclosure import Disclosure, ParseError, parse_document
from .executors import run_dask, run_local
from .extract import SUFFIXES, ExtractError, read_document
from .extract.files import file_sha256
from .package.writer import clean_stale, package_dir, safe_id, slugify, write_package

MAX_PAGES = 400


@dataclass
class Outcome:
    path: Path
    disclosure: Disclosure | None = None
    error: str | None = None
    seconds: float = 0.0
    cached: bool = False


@dataclass
class BuildReport:
    packages: list[Path] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tables: int = 0
    findings: int = 0
    seconds: float = 0.0
    parsed: int = 0
    cached: int = 0


def discover(content: Path) -> list[Path]:
    """Source files under content/, sorted for reproducible builds."""
    return sorted(
        p for p in Path(content).rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
        and p.name.lower() != "readme.md"
    )


def declared_parts(content: Path, paths: list[Path]) -> dict[Path, list[Path]]:
    """{main file: [its parts]} from `part_of = "main.pdf"` entries in content/metadata.toml."""
    metadata = load_metadata(content)
    out: dict[Path, list[Path]] = {}
    for path in paths:
        meta = file_meta(metadata, path, content)
        main = meta.get("part_of")
        if main:
            out.setdefault(Path(content) / main, []).append(path)
    return {k: sorted(v) for k, v in out.items()}


def load_metadata(content: Path) -> dict:
    """content/metadata.toml: [defaults] and [files."name.pdf"] tables; all optional."""
    path = Path(content) / "metadata.toml"
    if not path.exists():
        return {"defaults": {}, "files": {}}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {"defaults": data.get("defaults", {}), "files": data.get("files", {})}


def file_meta(metadata: dict, path: Path, content: Path) -> dict:
    meta = dict(metadata.get("defaults", {}))
    try:
        rel = path.relative_to(content).as_posix()
    except ValueError:
        rel = path.name
    meta.update(metadata.get("files", {}).get(rel, metadata.get("files", {}).get(path.name, {})))
    return meta


def parse_file(path: str, max_pages: int | None = MAX_PAGES, parts: tuple[str, ...] = ()) -> Disclosure:
    """Read and parse one source file, with the files declared as its parts (runs in a worker)."""
    doc = read_document(path, max_pages=max_pages)
    for part in parts:
        more = read_document(part, max_pages=max_pages)
        offset = doc.page_count
        for page in more.pages:
            page.number += offset
        doc.pages.extend(more.pages)
        doc.sha256 = hashlib.sha256((doc.sha256 + more.sha256).encode()).hexdigest()
    return parse_document(doc)


def _worker(job: str, max_pages: int | None = MAX_PAGES) -> tuple[str, Disclosure | None, str | None, float]:
    """job: the main file, then its parts, one per line."""
    path, *parts = job.split("\n")
    start = time.perf_counter()
    try:
        return path, parse_file(path, max_pages, tuple(parts)), None, time.perf_counter() - start
    except (ExtractError, ParseError) as exc:
        return path, None, str(exc), time.perf_counter() - start
    except Exception as exc:  # never let one file stop the build
        return path, None, f"{path}: unexpected parser failure ({type(exc).__name__}: {exc})", time.perf_counter() - start


class Cache:
    """Parsed disclosures keyed by the source's sha256 and the parser version."""

    def __init__(self, root: Path | None):
        self.root = Path(root) if root else None

    def _path(self, sha: str) -> Path | None:
        return self.root / f"{sha}-{parser_version()}.pickle" if self.root else None

    def get(self, sha: str) -> Disclosure | None:
        path = self._path(sha)
        if path is None or not path.exists():
            return None
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except Exception:
            return None

    def put(self, sha: str, disclosure: Disclosure) -> None:
        path = self._path(sha)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(disclosure, fh)
        os.replace(tmp, path)


def parse_many(
    paths: Iterable[Path],
    jobs: int | None = None,
    cache: Cache | None = None,
    progress: Callable[[Outcome], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    timeout: float | None = 300,
    memory_mb: int | None = 4096,
    max_pages: int | None = MAX_PAGES,
    parts: dict[Path, list[Path]] | None = None,
) -> list[Outcome]:
    """Parse files in parallel; cached results are reused. Order follows `paths`.

    `parts` declares files that belong to another (a disclosure printed as text + tables PDFs):
    they are read after their main file, as one document, and not parsed on their own.
    """
    parts = parts or {}
    members = {p for group in parts.values() for p in group}
    paths = [p for p in paths if p not in members]
    cache = cache or Cache(None)
    outcomes: dict[Path, Outcome] = {}
    todo: list[Path] = []
    for path in paths:
        sha = file_sha256(path)
        for part in parts.get(path, []):
            sha = hashlib.sha256((sha + file_sha256(part)).encode()).hexdigest()
        hit = cache.get(sha)
        if hit is not None:
            hit.source.path = str(path)
            outcomes[path] = Outcome(path, hit, cached=True)
            if progress:
                progress(outcomes[path])
        else:
            todo.append(path)

    def collect(result) -> None:
        _collect(result, outcomes, cache, progress)

    if todo:
        names = ["\n".join([str(p), *map(str, parts.get(p, []))]) for p in todo]
        task = functools.partial(_worker, max_pages=max_pages)
        if executor == "dask":
            run_dask(task, names, collect, scheduler)
        elif executor == "inline":
            for name in names:
                collect(task(name))
        else:
            run_local(task, names, collect, jobs=jobs, timeout=timeout, memory_mb=memory_mb)
    return [outcomes[p] for p in paths]


def _collect(result, outcomes: dict[Path, Outcome], cache: Cache, progress) -> None:
    path_s, disclosure, error, seconds = result
    path = Path(path_s)
    outcome = Outcome(path, disclosure, error, seconds)
    if disclosure is not None:
        cache.put(disclosure.source.sha256, disclosure)
    outcomes[path] = outcome
    if progress:
        progress(outcome)


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def unit_id_for(disclosure: Disclosure, meta: dict) -> str:
    return safe_id(meta["unit_id"]) if meta.get("unit_id") else slugify(disclosure.name)


def input_key(disclosure: Disclosure, unit_id: str, meta: dict) -> str:
    """Everything a package is made from: source bytes, parser code, metadata, unit id."""
    blob = json.dumps([disclosure.source.sha256, parser_version(), __version__, unit_id, meta],
                      sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def package_input(target: Path) -> dict | None:
    """The input key and summary a written package records, or None."""
    try:
        dp = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    meta = dp.get("sitegen", {})
    if "input" not in meta:
        return None
    return {"input": meta["input"], "findings": meta.get("findings", 0),
            "tables": meta.get("tables", 0), "warnings": meta.get("warnings", [])}


class PackageSink:
    """Writes each parsed disclosure's package as soon as it arrives, then lets it go.

    Memory stays flat with the number of files. When two files claim the same unit-id and
    year, the first in path order wins, whatever order the workers finish in.
    """

    def __init__(self, out: Path, content: Path, report: BuildReport):
        self.out, self.content, self.report = Path(out), Path(content), report
        self.metadata = load_metadata(content)
        self.claimed: dict[Path, Path] = {}
        self._stats: dict[Path, tuple[int, int, list[str], bool]] = {}
        clean_stale(self.out)

    def __call__(self, outcome: Outcome) -> None:
        if outcome.error:
            self.report.errors.append(outcome.error)
            return
        disclosure = outcome.disclosure
        assert disclosure is not None
        meta = file_meta(self.metadata, outcome.path, self.content)
        if meta.get("year"):
            disclosure.unit["year"] = int(meta["year"])
        if meta.get("unit"):  # the unit's name, for documents that do not print it (tables-only attachments)
            disclosure.unit["name"] = str(meta["unit"])
        if meta.get("kind") in ("budget", "final"):
            disclosure.unit["kind"] = meta["kind"]
        unit_id = unit_id_for(disclosure, meta)
        target = package_dir(self.out, unit_id, disclosure.year, disclosure.kind)
        holder = self.claimed.get(target)
        if holder is not None:
            loser, winner = (outcome.path, holder) if holder < outcome.path else (holder, outcome.path)
            self.report.errors.append(
                f"{loser}: same unit-id and year as {winner} ({target.relative_to(self.out)}); "
                "set a distinct unit_id in content/metadata.toml"
            )
            if loser == outcome.path:
                outcome.disclosure = None
                return
        self.claimed[target] = outcome.path
        key = input_key(disclosure, unit_id, meta)
        existing = package_input(target)
        if existing is not None and existing["input"] == key:
            # same source, parser, metadata: the package on disk is what we would write
            self._stats[target] = (existing["findings"], existing["tables"],
                                   [f"{outcome.path.name}: {w}" for w in existing["warnings"]], False)
            outcome.disclosure = None
            return
        counted: list[int] = []

        def audit(files: dict[str, bytes], dp: dict) -> tuple[list[dict], int, int]:
            result = audit_for_build(files, dp, disclosure)
            counted.append(len(result[0]))
            return result

        _, changed = write_package(disclosure, self.out, unit_id, meta, audit=audit, input_key=key)
        warnings = [f"{outcome.path.name}: {w}" for w in disclosure.warnings]
        self._stats[target] = (counted[0], len(disclosure.tables), warnings, changed)
        outcome.disclosure = None  # written: free it

    def finish(self) -> dict[Path, Path]:
        """Fill the report in a stable order; return {package folder: source file}."""
        for target in sorted(self.claimed):
            findings, tables, warnings, changed = self._stats[target]
            self.report.packages.append(target)
            self.report.findings += findings
            self.report.tables += tables
            self.report.warnings.extend(warnings)
            if changed:
                self.report.changed.append(target)
        self.report.errors.sort()
        self._drop_orphans()
        return dict(self.claimed)

    def _drop_orphans(self) -> None:
        """A package this build wrote elsewhere (its unit_id or year changed) leaves its old
        folder behind: remove it, since the same source file just produced its replacement.
        Packages whose source is gone are kept: nothing could regenerate them."""
        sources = {}
        for target in self.claimed:
            dp = _read_json(target / "datapackage.json")
            for source in (dp or {}).get("sources", []):
                sources[source.get("sha256")] = target
        for dp_path in self.out.glob("*/*/datapackage.json"):
            folder = dp_path.parent
            if folder in self.claimed:
                continue
            dp = _read_json(dp_path) or {}
            shas = {s.get("sha256") for s in dp.get("sources", [])}
            if shas and all(sha in sources for sha in shas):
                shutil.rmtree(folder, ignore_errors=True)
                if not any(folder.parent.iterdir()):
                    folder.parent.rmdir()
