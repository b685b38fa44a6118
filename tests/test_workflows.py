"""The GitHub workflows run here first: their `run:` steps, in order, in a scratch copy of the repo.

A broken deploy or CI workflow (a failing command, a validate that rejects the demo) fails this
test instead of GitHub's run. Steps named "System: …" install operating-system parts and are
skipped; `uses:` steps are GitHub's own actions. The inner `pytest` only collects the tests (the
outer run is the real test run), so the suite does not run itself recursively.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"


def run_steps(workflow: Path) -> list[str]:
    """The `run:` scripts of every job of a workflow, in order, without "System:" steps."""
    spec = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    scripts = []
    for job in spec["jobs"].values():
        for step in job.get("steps", []):
            if "run" in step and not str(step.get("name", "")).startswith("System:"):
                scripts.append(step["run"])
    return scripts


def scratch_clone(dest: Path) -> Path:
    """The files git tracks (as they are in the work tree), committed in a fresh repository."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "scratch"]):
        subprocess.run(cmd, cwd=dest, check=True, env=env, capture_output=True)
    return dest


def test_every_workflow_step_is_checked():
    names = sorted(p.name for p in WORKFLOWS.glob("*.yml"))
    assert names == ["ci.yml", "pages.yml"]
    assert any("sitegen validate" in s for s in run_steps(WORKFLOWS / "pages.yml"))
    assert any("pytest" in s for s in run_steps(WORKFLOWS / "ci.yml"))


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_workflows_run_in_a_scratch_clone(tmp_path):
    clone = scratch_clone(tmp_path / "repo")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTEST"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(Path(sys.prefix))))
    env["PYTEST_ADDOPTS"] = "--collect-only -q"
    for workflow in ("pages.yml", "ci.yml"):  # deploy first: a plain install, then the test extra
        for script in run_steps(WORKFLOWS / workflow):
            done = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=clone, env=env,
                                  capture_output=True, text=True, timeout=900)
            assert done.returncode == 0, f"{workflow} step failed:\n{script}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert (clone / "_site" / "index.html").is_file()
