"""Orchestration: discover content, parse in parallel (cached), write packages, render the site."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, parser_version
from .audit import audit_for_build
from .content import discover, file_meta, load_metadata  # noqa: F401 (discover: re-exported)
from .disclosure import Disclosure, ParseError, parse_document
from .executors import run_dask, run_inline, run_local
from .extract import ExtractError, preload, read_document
from .extract.files import file_sha256
from .package.writer import assemble, clean_stale, package_dir, safe_id, slugify, write_package
from .serial import disclosure_from_data, disclosure_to_data, dumps, loads

MAX_PAGES = 400


AuditResult = tuple[list[dict], int, int]  # findings, checks run, text checks run


@dataclass
class Parsed:
    """A file's whole work, done in its worker: the disclosure, and the audit of the CSVs it
    makes with the digest of what was audited (`audited_inputs`)."""

    disclosure: Disclosure
    audit: AuditResult
    audited: str
    problems: list[str] = field(default_factory=list)  # parts that could not be read


@dataclass
class Outcome:
    path: Path
    disclosure: Disclosure | None = None
    error: str | None = None
    seconds: float = 0.0
    cached: bool = False
    audit: tuple[AuditResult, str] | None = None  # the worker's audit and what it audited
    problems: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    packages: list[Path] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    tables: int = 0
    findings: int = 0
    seconds: float = 0.0
    parsed: int = 0
    cached: int = 0


def parse_file(path: str, max_pages: int | None = MAX_PAGES, parts: tuple[str, ...] = (),
               problems: list[str] | None = None) -> Disclosure:
    """Read and parse one source file, with the files declared as its parts (runs in a worker).

    With `problems`, a part that cannot be read is named there and left out (its main file is
    still published, its tables reported missing); without, it stops the parse."""
    doc = read_document(path, max_pages=max_pages)
    for part in parts:
        try:
            more = read_document(part, max_pages=max_pages)
        except (ExtractError, OSError) as exc:
            if problems is None:
                raise
            reason = str(exc) if isinstance(exc, ExtractError) else f"{part}: cannot read the file ({exc})"
            problems.append(f"{reason}; part of {path}, left out of it")
            doc.sha256 = hashlib.sha256((doc.sha256 + file_sha256(part)).encode()).hexdigest()
            continue
        offset = doc.page_count
        for page in more.pages:
            page.number += offset
        doc.pages.extend(more.pages)
        doc.sha256 = hashlib.sha256((doc.sha256 + more.sha256).encode()).hexdigest()
        if max_pages and doc.page_count > max_pages:
            raise ExtractError(path, f"{doc.page_count} pages with its parts, more than the limit of {max_pages}")
    return parse_document(doc)


def _worker(job: tuple[str, ...], max_pages: int | None = MAX_PAGES) -> tuple[str, Parsed | None, str | None, float]:
    """job: the main file, then its parts. Parse and audit, so both run under the worker's limits."""
    path, *parts = job
    start = time.perf_counter()
    try:
        problems: list[str] = []
        disclosure = parse_file(path, max_pages, tuple(parts), problems)
        files, dp = assemble(disclosure, "unit")
        parsed = Parsed(disclosure, audit_for_build(files, dp, disclosure), audited_inputs(files, dp), problems)
        return path, parsed, None, time.perf_counter() - start
    except (ExtractError, ParseError) as exc:
        return path, None, str(exc), time.perf_counter() - start
    except OSError as exc:
        return path, None, f"{path}: cannot read the file ({exc.strerror or exc})", time.perf_counter() - start
    except Exception as exc:  # never let one file stop the build
        return path, None, f"{path}: unexpected parser failure ({type(exc).__name__}: {exc})", time.perf_counter() - start


class Cache:
    """Parsed disclosures and their audits keyed by the source's sha256 and the parser version.

    Stored as JSON with its own sha256 (data, never code: a planted file cannot run anything);
    an entry that does not load or match its hash is a miss."""

    def __init__(self, root: Path | None):
        self.root = Path(root) if root else None

    def _path(self, sha: str) -> Path | None:
        return self.root / f"{sha}-{parser_version()}.json" if self.root else None

    def get(self, sha: str) -> Parsed | None:
        path = self._path(sha)
        if path is None or not path.exists():
            return None
        try:
            data = loads(path.read_bytes())
            findings, checks, text_checks = data["audit"]
            return Parsed(disclosure_from_data(data["disclosure"]), (findings, checks, text_checks), data["audited"],
                          data["problems"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, sha: str, parsed: Parsed) -> None:
        path = self._path(sha)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(dumps({"disclosure": disclosure_to_data(parsed.disclosure),
                               "audit": list(parsed.audit), "audited": parsed.audited, "problems": parsed.problems}))
        os.replace(tmp, path)


def _source_sha(path: Path, parts: list[Path]) -> str:
    sha = file_sha256(path)
    for part in parts:
        sha = hashlib.sha256((sha + file_sha256(part)).encode()).hexdigest()
    return sha


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
        try:
            hit = cache.get(_source_sha(path, parts.get(path, [])))
        except OSError as exc:
            outcomes[path] = Outcome(path, error=f"{exc.filename}: cannot read the file ({exc.strerror or exc})")
            if progress:
                progress(outcomes[path])
            continue
        if hit is not None:
            hit.disclosure.source.path = str(path)
            outcomes[path] = Outcome(path, hit.disclosure, cached=True, audit=(hit.audit, hit.audited),
                                     problems=hit.problems)
            if progress:
                progress(outcomes[path])
        else:
            todo.append(path)

    def collect(result) -> None:
        path_s, parsed, error, seconds = result
        if error and parts.get(Path(path_s)):  # its parts go down with it: name them too
            error += f" (its parts not read: {', '.join(map(str, parts[Path(path_s)]))})"
        _collect((path_s, parsed, error, seconds), outcomes, cache, progress)

    if todo:
        preload([*todo, *members])
        names = [(str(p), *map(str, parts.get(p, []))) for p in todo]
        task = functools.partial(_worker, max_pages=max_pages)
        if executor == "dask":
            run_dask(task, names, collect, scheduler, timeout=timeout, memory_mb=memory_mb)
        elif executor == "inline":
            run_inline(task, names, collect, timeout=timeout)
        else:
            run_local(task, names, collect, jobs=jobs, timeout=timeout, memory_mb=memory_mb)
    return [outcomes[p] for p in paths]


def _collect(result, outcomes: dict[Path, Outcome], cache: Cache, progress) -> None:
    path_s, parsed, error, seconds = result
    path = Path(path_s)
    outcome = Outcome(path, error=error, seconds=seconds)
    if parsed is not None:
        outcome.disclosure, outcome.audit = parsed.disclosure, (parsed.audit, parsed.audited)
        outcome.problems = parsed.problems
        cache.put(parsed.disclosure.source.sha256, parsed)
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


def audited_inputs(files: dict[str, bytes], dp: dict) -> str:
    """Digest of what the audit reads of a package: its CSV bytes, unit facts and resources."""
    blob = json.dumps([{name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
                       dp.get("unit"), dp.get("resources")], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


WRITING = ".sitegen-writing"  # in the data folder while packages are written: left there, the writer was killed


class PackageSink:
    """Writes each parsed disclosure's package as soon as it arrives, then lets it go.

    Memory stays flat with the number of files. When two files claim the same unit-id and
    year, the first in path order wins, whatever order the workers finish in.
    """

    def __init__(self, out: Path, content: Path, report: BuildReport, metadata: dict | None = None):
        self.out, self.content, self.report = Path(out), Path(content), report
        self.metadata = metadata if metadata is not None else load_metadata(self.content, report.errors)
        self.claimed: dict[Path, Path] = {}
        self._stats: dict[Path, tuple[int, int, list[str], bool]] = {}
        self._writing = self.out / WRITING
        if self._writing.exists():  # the last writer was killed: look for its temp folders
            clean_stale(self.out)

    def __call__(self, outcome: Outcome) -> None:
        try:
            self._take(outcome)
        except Exception as exc:  # one package that cannot be written never stops the build
            self.report.errors.append(f"{outcome.path}: package not written ({type(exc).__name__}: {exc})")
            outcome.disclosure = None
            for target in [t for t, p in self.claimed.items() if p == outcome.path and t not in self._stats]:
                del self.claimed[target]

    def _take(self, outcome: Outcome) -> None:
        if outcome.error:
            self.report.errors.append(outcome.error)
            return
        self.report.errors.extend(outcome.problems)
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
            # the worker audited the same CSVs unless metadata changed what they say
            ready = outcome.audit
            result = ready[0] if ready and ready[1] == audited_inputs(files, dp) else audit_for_build(files, dp, disclosure)
            counted.append(len(result[0]))
            return result

        self._started()
        _, changed = write_package(disclosure, self.out, unit_id, meta, audit=audit, input_key=key)
        warnings = [f"{outcome.path.name}: {w}" for w in disclosure.warnings]
        self._stats[target] = (counted[0], len(disclosure.tables), warnings, changed)
        outcome.disclosure = None  # written: free it

    def _started(self) -> None:
        """A kill from here on may leave temp folders: say so on disk until finish()."""
        if not self._writing.exists():
            self.out.mkdir(parents=True, exist_ok=True)
            self._writing.touch()

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
        self._writing.unlink(missing_ok=True)
        return dict(self.claimed)

    def _drop_orphans(self) -> None:
        """A package this build wrote elsewhere (its unit_id or year changed) leaves its old
        folder behind: remove it, since the same source file just produced its replacement.
        Packages whose source is gone are kept: nothing could regenerate them. Only when some
        package was not claimed are descriptors read (a no-op build reads none)."""
        if not self.claimed:
            return
        others = [dp.parent for dp in self.out.glob("*/*/datapackage.json")
                  if dp.parent not in self.claimed and not dp.parent.name.startswith(".")]  # temp folders: clean_stale
        if not others:
            return
        sources = {}
        for target in self.claimed:
            dp = _read_json(target / "datapackage.json")
            for source in (dp or {}).get("sources", []):
                sources[source.get("sha256")] = target
        for folder in others:
            dp = _read_json(folder / "datapackage.json") or {}
            shas = {s.get("sha256") for s in dp.get("sources", [])}
            if shas and all(sha in sources for sha in shas):
                self._started()
                shutil.rmtree(folder, ignore_errors=True)
                if not any(folder.parent.iterdir()):
                    folder.parent.rmdir()
