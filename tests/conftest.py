"""Shared fixtures: the corpus copied into tests/fixtures (never ../shared)."""

from __future__ import annotations

import csv
import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = ("002", "003", "004")
STYLES = ("A", "B", "C")


def truth_rows(doc: str, resource: str) -> list[dict]:
    with open(FIXTURES / doc / "truth" / f"{resource}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def truth_unit(doc: str) -> dict:
    return json.loads((FIXTURES / doc / "truth" / "unit.json").read_text(encoding="utf-8"))


def pdf_path(doc: str, style: str) -> Path:
    return FIXTURES / doc / "pdf" / f"style-{style}.pdf"


@pytest.fixture(scope="session")
def parsed():
    """Parse each corpus PDF once per session."""
    from sitegen.disclosure import parse_document
    from sitegen.extract import read_document

    cache: dict[tuple[str, str], object] = {}

    def get(doc: str, style: str):
        key = (doc, style)
        if key not in cache:
            cache[key] = parse_document(read_document(pdf_path(doc, style)))
        return cache[key]

    return get


def make_content(root: Path, files: dict[str, tuple[str, str]]) -> Path:
    """A content folder under root holding corpus PDFs: {file name: (document, style)}."""
    import shutil

    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    for name, (doc, style) in files.items():
        shutil.copy(pdf_path(doc, style), content / name)
    return content


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium: Debian's `chromium` when installed, else Playwright's own build.

    With SITEGEN_REQUIRE_BROWSER=1 (GitHub CI) a missing browser fails the tests instead of
    skipping them, so browser tests never pass by not running.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    required = os.environ.get("SITEGEN_REQUIRE_BROWSER") == "1"
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        except Exception as exc:
            if required:
                pytest.fail(f"no Chromium could be started: {exc}")
            pytest.skip(f"no Chromium (install Debian's chromium or `playwright install chromium`): {exc}")
        yield b
        b.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site built from two corpus PDFs by `sitegen build`, served on localhost: (url, root)."""
    from click.testing import CliRunner

    from sitegen.cli import cli

    root = tmp_path_factory.mktemp("site")
    content = make_content(root, {"yanqi.pdf": ("002", "A"), "xinjiang.pdf": ("003", "B")})
    result = CliRunner().invoke(
        cli, ["build", "--content", str(content), "--data", str(root / "dp"), "--out", str(root / "site"), "--cache", ""]
    )
    assert result.exit_code == 0, result.output
    handler = functools.partial(_QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", root
    server.shutdown()


REAL_DIRS = (Path(__file__).resolve().parents[1] / "content" / "real", FIXTURES / "real2")


def real_pdf(name: str) -> Path:
    """A real disclosure by file stem: content/real/<name>.pdf or tests/fixtures/real2/<name>.pdf."""
    return next(d / f"{name}.pdf" for d in REAL_DIRS if (d / f"{name}.pdf").exists())


@pytest.fixture(scope="session")
def real_parsed():
    """Parse each real PDF once per session."""
    from sitegen.disclosure import parse_document
    from sitegen.extract import read_document

    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = parse_document(read_document(real_pdf(name)))
        return cache[name]

    return get


REAL2 = FIXTURES / "real2"


_PARSED: dict[Path, object] = {}


def parse_once(path: Path):
    """Parse a real PDF once per test session (the real2 shapes and the inventory share them)."""
    from sitegen.disclosure import parse_document
    from sitegen.extract import read_document

    path = Path(path).resolve()
    if path not in _PARSED:
        _PARSED[path] = parse_document(read_document(path))
    return _PARSED[path]


@pytest.fixture(scope="session")
def real2():
    """Parse each real PDF of tests/fixtures/real2 once per session."""
    return lambda name: parse_once(REAL2 / f"{name}.pdf")
