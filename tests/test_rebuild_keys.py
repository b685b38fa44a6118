"""Cache and fingerprint keys cover every module whose change alters their output."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import make_content

import sitegen

TEMPLATES = Path(sitegen.__file__).resolve().parents[1] / "templates"


def _copy_package(dest: Path) -> Path:
    shutil.copytree(Path(sitegen.__file__).parent, dest / "sitegen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return dest / "sitegen"


def _build(code: Path, root: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(code.parent)}
    done = subprocess.run(
        [sys.executable, "-m", "sitegen.cli", "build", "--content", str(root / "content"), "--data",
         str(root / "dp"), "--out", str(root / "site"), "--cache", str(root / "cache"),
         "--templates", str(TEMPLATES), "-j", "1"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_a_site_code_change_re_renders_the_pages(tmp_path):
    make_content(tmp_path, {"yanqi.pdf": ("002", "A")})
    code = _copy_package(tmp_path / "code")
    first = _build(code, tmp_path)
    assert "1 rendered" in first
    assert "(1 from cache)" in _build(code, tmp_path) and "0 rendered" in _build(code, tmp_path)

    strings = code / "site" / "strings.py"
    strings.write_text(strings.read_text(encoding="utf-8").replace("数据核对发现", "核对结果（改）"),
                       encoding="utf-8")
    again = _build(code, tmp_path)
    assert "1 rendered" in again and "(1 from cache)" in again  # pages anew, parse still cached
    page = next((tmp_path / "site").glob("*/2024-budget/index.html")).read_text(encoding="utf-8")
    assert "核对结果（改）" in page


def test_a_schema_change_misses_the_parse_cache(tmp_path):
    make_content(tmp_path, {"yanqi.pdf": ("002", "A")})
    code = _copy_package(tmp_path / "code")
    _build(code, tmp_path)
    schemas = code / "package" / "schemas.py"
    schemas.write_text(schemas.read_text(encoding="utf-8") + "\n# a change\n", encoding="utf-8")
    out = _build(code, tmp_path)
    assert re.search(r"\(0 from cache\)", out), out
