"""Every chapter executes in the quick profile (through ``make figures``, so that ``make book``
afterwards reuses the executed notebooks), records a verdict for every claim, and makes figures."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import nbformat
import pytest

from resprop.claims import VERDICTS

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("*.py"))


@pytest.fixture(scope="session")
def executed():
    """Run ``make figures PROFILE=quick`` once; make skips chapters that are up to date."""
    run = subprocess.run(
        ["make", "--no-print-directory", "figures", "PROFILE=quick", "DEVICE=auto", "SEED=0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    print(run.stdout)
    return run


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_executes_with_claims_and_figures(executed, chapter):
    notebook = ROOT / "build" / "notebooks" / f"{chapter}.ipynb"
    assert notebook.exists(), f"{chapter} did not execute:\n{executed.stderr[-3000:]}"
    nb = nbformat.read(notebook, as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "remove-cell" in injected[0].metadata["tags"]
    assert 'profile = "quick"' in injected[0].source
    payload = json.loads((ROOT / "build" / "claims" / f"{chapter}.json").read_text())
    assert payload["profile"] == "quick" and payload["claims"]
    assert all(c["verdict"] in VERDICTS for c in payload["claims"])
    assert list((ROOT / "figures" / chapter).glob("*.png"))


def test_make_figures_succeeded(executed):
    assert executed.returncode == 0, executed.stderr[-3000:]
