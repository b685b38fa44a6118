"""The parse worker pool: the progress bar counts disclosures (a file declared `part_of` another
is read with its main file, not as a task of its own), and the PDF reader is imported once
before the workers fork, never when nothing needs it."""

from __future__ import annotations

import shutil
import subprocess
import sys

from click.testing import CliRunner

from sitegen import cli as cli_module
from tests.conftest import FIXTURES


def test_bar_total_leaves_out_parts_and_is_reached(tmp_path, monkeypatch):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(FIXTURES / "004" / "source.txt", content / "main.txt")
    shutil.copy(FIXTURES / "002" / "source.txt", content / "other.txt")
    (content / "annex.txt").write_text("附件\n单位名称：附件\n", encoding="utf-8")
    (content / "metadata.toml").write_text('[files."annex.txt"]\npart_of = "main.txt"\n', encoding="utf-8")
    bars = []

    def recording(total, label):
        bars.append(real(total, label))
        return bars[-1]

    real = cli_module._progress
    monkeypatch.setattr(cli_module, "_progress", recording)
    result = CliRunner().invoke(cli_module.cli, ["parse", str(content), "--out", str(tmp_path / "dp"),
                                                 "--executor", "inline"])
    assert result.exit_code == 0, result.output
    (task,) = bars[0].tasks
    assert (task.total, task.completed) == (2, 2)


def test_pdf_reader_is_imported_before_forking_and_only_when_needed(tmp_path):
    text = tmp_path / "a.txt"
    shutil.copy(FIXTURES / "004" / "source.txt", text)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sitegen.build import parse_many\n"
        "text, pdf = map(Path, sys.argv[1:])\n"
        "assert not parse_many([text], jobs=1)[0].error\n"
        "print('pdfplumber' in sys.modules)\n"
        "assert not parse_many([pdf], jobs=1)[0].error\n"
        "print('pdfplumber' in sys.modules)\n"
    )
    pdf = FIXTURES / "002" / "pdf" / "style-A.pdf"
    run = subprocess.run([sys.executable, "-c", code, str(text), str(pdf)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "True"]
