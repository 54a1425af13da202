"""Every chapter executes in the quick profile (through ``make figures``, so that ``make book``
afterwards reuses the executed notebooks), records a verdict for every claim, and makes figures.

After the run, every verdict must equal the pinned one in ``tests/fixtures/verdicts_quick.json``
and every check must have the power its verdict claims. Changing a verdict means regenerating the
fixture (``python -m resprop.book pin build/claims tests/fixtures/verdicts_quick.json``) in the
same commit, with the reason in the commit message."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import nbformat
import pytest

from resprop.book import changed_verdicts
from resprop.claims import NOT_DECIDABLE, OUTSIDE, REPRODUCED, VERDICTS

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("*.py"))
CLAIMS = ROOT / "build" / "claims"
FIXTURE = ROOT / "tests" / "fixtures" / "verdicts_quick.json"


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


def test_verdicts_equal_the_pinned_ones(executed):
    assert executed.returncode == 0, executed.stderr[-3000:]
    pin = f"python -m resprop.book pin build/claims {FIXTURE.relative_to(ROOT)}"
    assert FIXTURE.exists(), f"no pinned verdicts: run `{pin}`"
    changes = changed_verdicts(CLAIMS, FIXTURE)
    assert not changes, (
        "verdicts differ from tests/fixtures/verdicts_quick.json (if intended, re-pin it in the "
        "same commit and give the reason in the commit message):\n  " + "\n  ".join(changes)
    )


def _power_problems(claim_id: str, c: dict) -> list[str]:
    """What is wrong with one check's power, judged from its recorded numbers."""
    where = f"{claim_id} / {c['label']!r} ({c['verdict']})"
    out = []
    numeric = c["theory"] is not None or c["measured"] is not None
    if numeric and (c["alternative"] is None or not c["alternative_label"].strip()):
        out.append(f"{where}: a numeric check names no alternative")
    if c["verdict"] == REPRODUCED:
        t, m, tol, alt = c["theory"], c["measured"], c["tolerance"], c["alternative"]
        if None in (t, m, tol, alt):
            out.append(f"{where}: reproduced without theory, measured, tolerance and alternative")
        else:
            if abs(m - t) > tol:
                out.append(f"{where}: |measured − theory| = {abs(m - t):.4g} > tolerance {tol:.4g}")
            if abs(alt - t) <= tol:
                out.append(
                    f"{where}: no power, |alternative − theory| = {abs(alt - t):.4g} ≤ "
                    f"tolerance {tol:.4g}"
                )
    if c["verdict"] == NOT_DECIDABLE and not c["needs"].strip():
        out.append(f"{where}: not decidable without saying what size would decide it")
    if c["verdict"] == OUTSIDE and not c["reason"].strip():
        out.append(f"{where}: outside the reconstruction without a reason")
    if c.get("legacy"):  # v1 shim: remove with it
        out.append(f"{where}: a v1 claim (no declaration, no named alternative)")
    return out


def test_every_check_has_the_power_its_verdict_claims(executed):
    files = sorted(CLAIMS.glob("*.json"))
    assert files, f"no claim files in {CLAIMS}"
    problems = []
    for path in files:
        for claim in json.loads(path.read_text())["claims"]:
            for check in claim["checks"]:
                problems += _power_problems(claim["id"], check)
    assert not problems, f"{len(problems)} checks without the power they claim:\n  " + (
        "\n  ".join(problems)
    )
