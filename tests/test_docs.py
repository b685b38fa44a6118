"""Docs that cannot drift: every command and option is in the README, every linked file exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import click
import pytest

from sitegen.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _blocks() -> list[str]:
    """README paragraphs, with each table row a block of its own."""
    blocks = []
    for para in re.split(r"\n\s*\n", README):
        rows = [line for line in para.splitlines() if line.startswith("|")]
        blocks.extend(rows if rows else [para])
    return blocks


def _commands() -> list[tuple[str, click.Command]]:
    return sorted(cli.commands.items())


@pytest.mark.parametrize("name", [name for name, _ in _commands()])
def test_every_command_is_documented(name):
    assert f"sitegen {name}" in README


@pytest.mark.parametrize(
    "name,option",
    [(name, opt) for name, command in _commands() for param in command.params
     if isinstance(param, click.Option) for opt in param.opts if opt.startswith("--")],
)
def test_every_option_is_documented(name, option):
    """The option is on the command's own README line, or in the paragraph of shared options."""
    found = [block for block in _blocks() if f"`sitegen {name}" in block
             and re.search(rf"{re.escape(option)}\b", block)]
    assert found, f"sitegen {name} {option} is not in README.md"


def _markdown_files() -> list[Path]:
    tracked = subprocess.run(["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    return [ROOT / name for name in tracked] or sorted(ROOT.glob("*.md"))


@pytest.mark.parametrize("doc", _markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_linked_documents_exist_in_a_clone(doc):
    text = doc.read_text(encoding="utf-8")
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        assert (doc.parent / target).exists(), f"{doc.relative_to(ROOT)} links to {target}, which a clone lacks"
    assert "../shared" not in text, f"{doc.relative_to(ROOT)} points outside the repository"
