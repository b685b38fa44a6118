"""Whole builds under hostile input (issue 16): the demo content plus every hostile case gives
the full site for the good files; random bytes, metadata and cell text never stop a build."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import zipfile
from pathlib import Path

from click.testing import CliRunner
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SECRET = "SITEGEN_TEST_SECRET_TOKEN=51d2e0"
TEXT = {doc: (FIXTURES / doc / "source.txt").read_text(encoding="utf-8") for doc in ("002", "004")}
ROW_T2 = "208\t05\t01\t行政单位离退休\t19.90\t19.90\t19.90\t"


def build(content: Path, root: Path, cache: Path, *extra: str):
    return CliRunner().invoke(cli, ["build", "--content", str(content), "--data", str(root / "dp"),
                                    "--out", str(root / "site"), "--cache", str(cache), *extra])


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("error", "skipped"))]


def packages(root: Path) -> dict[str, dict[str, bytes]]:
    """{unit/year-kind: {file: bytes}} of every package (audit and descriptor aside: their
    `created` and input key legitimately differ)."""
    out = {}
    for dp in sorted((root / "dp").glob("*/*/datapackage.json")):
        rel = dp.parent.relative_to(root / "dp").as_posix()
        out[rel] = {p.name: p.read_bytes() for p in sorted(dp.parent.glob("*.csv"))}
    return out


def leaked(*folders: Path) -> bool:
    return any(SECRET.encode() in p.read_bytes() for f in folders if f.exists() for p in f.rglob("*") if p.is_file())


def add_hostile_inputs(content: Path, outside: Path) -> list[str]:
    """Every hostile case of the issue dropped into content/; returns the names the build must report."""
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "environ").write_text(SECRET + "\n", encoding="utf-8")
    (outside / "other.txt").write_text(TEXT["002"], encoding="utf-8")
    (content / "hostile").mkdir()
    h = content / "hostile"
    (h / "secret-part.txt").symlink_to(outside / "environ")
    (h / "linked.txt").symlink_to(outside / "other.txt")
    (h / "outside-folder").symlink_to(outside, target_is_directory=True)
    (h / "nan.txt").write_text(TEXT["004"].replace("19.90", "sNaN").replace("3.60", "Infinity"), encoding="utf-8")
    (h / "new\nline.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(500))
    (h / "[").mkdir()
    (h / "[" / "bold]x.pdf").write_bytes(b"not a pdf")
    (h / "\x1b[2Jclear.txt").write_text("", encoding="utf-8")
    (h / "feeds.txt").write_text(TEXT["002"] + "\f" * 500, encoding="utf-8")
    (h / "budget.xlsx").write_bytes(b"PK\x03\x04")
    os.mkfifo(h / "pipe.pdf")
    metadata = (content / "metadata.toml").read_text(encoding="utf-8")
    metadata += (
        '\n[files."hostile/secret-part.txt"]\npart_of = "hostile/nan.txt"\n'
        '[files."hostile/nan.txt"]\nunit_id = 123\nyear = "../../2024"\nregion = 42\n'
        'part_of = "../../outside/environ"\n'
        '[files."hostile/feeds.txt"]\npart_of = "hostile/feeds.txt"\nlicense = 7\n'
    )
    (content / "metadata.toml").write_text(metadata, encoding="utf-8")
    return ["secret-part.txt", "linked.txt", "outside-folder", "line.pdf", "bold]x.pdf", "clear.txt",
            "feeds.txt", "budget.xlsx", "pipe.pdf", "metadata.toml"]


def test_demo_plus_every_hostile_input_builds_the_full_site(tmp_path):
    cache = tmp_path / "cache"
    clean_content = tmp_path / "clean" / "content"
    shutil.copytree(ROOT / "content", clean_content)
    clean = build(clean_content, tmp_path / "clean", cache)
    assert clean.exit_code == 0, clean.output

    content = tmp_path / "hostile" / "content"
    shutil.copytree(ROOT / "content", content)
    names = add_hostile_inputs(content, tmp_path / "outside")
    result = build(content, tmp_path / "hostile", cache, "--max-pages", "400")
    assert result.exit_code == 0, result.output
    reported = error_lines(result.output)
    for name in names:
        assert any(name in line for line in reported), (name, result.output)
    assert "\x1b" not in result.output

    good, hostile = packages(tmp_path / "clean"), packages(tmp_path / "hostile")
    assert len(good) == 8
    assert {rel: hostile.get(rel) for rel in good} == good  # every demo package, byte for byte
    site = tmp_path / "hostile" / "site"
    for rel in good:
        assert (site / rel / "index.html").exists(), rel
    assert not leaked(tmp_path / "hostile" / "dp", site, cache)
    data = b"".join(p.read_bytes() for p in (tmp_path / "hostile" / "dp").rglob("*.csv"))
    assert b"NaN" not in data and b"Infinity" not in data
    assert_no_formula(site)


def assert_no_formula(site: Path) -> None:
    """No workbook of the site holds a formula cell; strings starting with '=' stay strings."""
    from openpyxl import load_workbook

    workbooks = sorted(site.rglob("*.xlsx"))
    assert workbooks
    texts_with_equals = 0
    for path in workbooks:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/"):
                    assert not re.search(rb"<f[ >]", zf.read(name)), (path, name)
        for sheet in load_workbook(path):
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path, sheet.title, cell.coordinate, cell.value)
                    texts_with_equals += isinstance(cell.value, str) and cell.value.startswith("=")
    assert texts_with_equals > 0  # the demo's targets "=100%", "=4次" are there, as text


# ---------------------------------------------------------------- random input


OPENED: list[str] = []
_RECORD = [False]


def _audit(event: str, args) -> None:
    if _RECORD[0] and event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)

KEYS = st.sampled_from(["unit_id", "year", "region", "source_url", "part_of", "license", "kind", "x"])
VALUES = st.one_of(st.integers(-10**20, 10**20), st.text(max_size=30), st.booleans(), st.floats(allow_nan=True),
                   st.sampled_from(["../secret.txt", "leak.txt", "good.txt", "bad.pdf", "cell.txt", "/etc/passwd"]))


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(value), repr(value))
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # a TOML basic string


def metadata_text(data) -> bytes:
    if data.draw(st.integers(0, 5)) == 0:
        return data.draw(st.binary(max_size=200))
    sections = []
    for header in ("[defaults]", '[files."cell.txt"]', '[files."bad.pdf"]', '[files."leak.txt"]'):
        entries = data.draw(st.dictionaries(KEYS, VALUES, max_size=3))
        sections.append(header + "\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in entries.items()))
    return "\n".join(sections).encode("utf-8")


def part_of(content: Path, name: str):
    import tomllib

    try:
        return tomllib.loads((content / "metadata.toml").read_text(encoding="utf-8"))["files"][name]["part_of"]
    except (ValueError, KeyError, TypeError):
        return None


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(data=st.data())
def test_random_bytes_metadata_and_cells_never_stop_the_build(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("random")
    content = root / "content"
    content.mkdir()
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    (content / "good.txt").write_text(TEXT["002"], encoding="utf-8")
    (content / "leak.txt").symlink_to(root / "secret.txt")
    (content / "bad.pdf").write_bytes(data.draw(st.binary(min_size=0, max_size=3000)))
    cell = data.draw(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\n\r\f"),
                             max_size=20))
    (content / "cell.txt").write_text(TEXT["004"].replace(ROW_T2, ROW_T2.replace("\t19.90\t", f"\t{cell}\t", 1)),
                                      encoding="utf-8")
    (content / "metadata.toml").write_bytes(metadata_text(data))
    OPENED.clear()
    _RECORD[0] = True
    try:
        result = build(content, root, root.parent / "random-cache", "--executor", "inline")
    finally:
        _RECORD[0] = False
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    reported = error_lines(result.output)
    assert any("bad.pdf" in line for line in reported), result.output
    assert any("leak.txt" in line for line in reported), result.output
    built = [json.loads(p.read_text(encoding="utf-8")) for p in (root / "dp").glob("*/*/datapackage.json")]
    titles = {s["title"] for dp in built for s in dp["sources"]}
    assert "good.txt" in titles, result.output
    # cell.txt is built, or read as a declared part of good.txt, or named (a part of bad.pdf)
    assert "cell.txt" in titles or part_of(content, "cell.txt") == "good.txt" or any(
        "cell.txt" in line for line in reported), result.output
    secret = (root / "secret.txt").resolve()
    assert not [p for p in OPENED if Path(p).resolve() == secret]
    assert not leaked(root / "dp", root / "site")
