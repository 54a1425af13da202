"""The build steps: executing a chapter (staged, atomic, with progress and clear failures),
the index summary, the API page, the HTML checks and the Makefile's dry run.

Every chapter here is a tiny fake written under ``tmp_path``; none of the real chapters runs.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from resprop import book

ROOT = Path(__file__).resolve().parents[1]

HEADER = """# %% [markdown]
# # A fake chapter

# %% tags=["parameters"]
profile = "quick"
device = "auto"
seed = 0

# %%
import json
import matplotlib.pyplot as plt
from resprop.chapter import Chapter
ch = Chapter("00_introduction", profile=profile, device=device, seed=seed)
"""

FIGURE = """
# %%
fig, ax = plt.subplots()
ax.plot([0, 1], [0, {slope}])
ch.save(fig, "{name}", caption="A line of slope {slope}.")
"""

CLAIMS = """
# %%
ch.claims_dir.mkdir(parents=True, exist_ok=True)
(ch.claims_dir / "00_introduction.json").write_text(json.dumps({payload!r}))
"""

RAISE = """
# %%
raise RuntimeError("deliberate failure")
"""

GOOD_CLAIMS = {
    "chapter": "00_introduction",
    "profile": "quick",
    "claims": [{"id": "x-1", "paper": "book", "statement": "s", "verdict": "reproduced"}],
}


def _chapter(tmp: Path, name: str, body: str) -> Path:
    path = tmp / "chapters" / f"{name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + body)
    return path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for sub in ("figures", "build/claims")
        for p in sorted((root / sub).rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """One successful run of a fake chapter with two figures and a claim file."""
    root = tmp_path_factory.mktemp("book")
    body = FIGURE.format(slope=1, name="a") + FIGURE.format(slope=2, name="b")
    source = _chapter(root, "09_fake", body + CLAIMS.format(payload=GOOD_CLAIMS))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        notebook = book.execute_chapter(source, root / "build" / "notebooks", cwd=root)
    return root, notebook, out.getvalue()


def test_success_publishes_figures_claims_and_notebook(good):
    root, notebook, _ = good
    figs = root / "figures" / "00_introduction"
    assert sorted(p.name for p in figs.iterdir()) == [
        "a.json", "a.pdf", "a.png", "b.json", "b.pdf", "b.png",
    ]  # fmt: skip
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in figs.iterdir())
    assert json.loads((root / "build/claims/00_introduction.json").read_text()) == GOOD_CLAIMS
    assert notebook == root / "build" / "notebooks" / "09_fake.ipynb" and notebook.is_file()
    assert not (root / "build" / "staging" / "09_fake").exists()
    assert not list((root / "build" / "notebooks").glob(".*"))


def test_notebook_shows_captioned_figures_and_a_provenance_box(good):
    import nbformat

    _, notebook, _ = good
    nb = nbformat.read(notebook, as_version=4)
    box = [c for c in nb.cells if "provenance" in c.metadata.get("tags", [])]
    assert len(box) == 1 and nb.cells.index(box[0]) == 1  # right after the title cell
    assert "profile `quick`" in box[0].source and "seed `0`" in box[0].source
    assert "{download}`09_fake.py <chapters/09_fake.py>`" in box[0].source
    markdown = [
        o["data"]["text/markdown"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    ]
    assert any(":name: fig-00_introduction-a" in m for m in markdown)
    assert not any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


def test_progress_lines_and_recorded_timing(good):
    root, _, printed = good
    lines = [ln for ln in printed.splitlines() if ln.startswith("09_fake: cell ")]
    assert [ln.split()[2] for ln in lines] == ["1/5", "2/5", "3/5", "4/5", "5/5"]
    timing = json.loads((root / "build" / "timings.json").read_text())["09_fake"]
    assert timing["seconds"] > 0 and timing["profile"] == "quick" and timing["device"] == "cpu"


def test_failing_chapter_leaves_the_previous_outputs_untouched(good):
    root, _, _ = good
    before = _snapshot(root)
    body = FIGURE.format(slope=5, name="a") + FIGURE.format(slope=5, name="new") + RAISE
    source = _chapter(root, "09_fake", body)
    with pytest.raises(book.ChapterFailed, match=r"09_fake failed in cell 5 of 5 .*deliberate"):
        book.execute_chapter(source, root / "build" / "notebooks", cwd=root, progress=False)
    assert _snapshot(root) == before
    assert not (root / "build" / "staging" / "09_fake").exists()
    assert (root / "build" / "notebooks" / "09_fake.failed.ipynb").exists()
    assert book.main(["execute", str(source), str(root / "nb")]) == 1


def test_dead_kernel_names_chapter_and_cell(tmp_path):
    body = "\n# %%\nimport os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"
    source = _chapter(tmp_path, "09_dies", body)
    with pytest.raises(book.ChapterFailed) as err:
        book.execute_chapter(source, tmp_path / "nb", cwd=tmp_path, progress=False)
    message = str(err.value)
    assert "chapter 09_dies failed in cell 3 of 3" in message and "(kernel died)" in message
    assert "import os, signal" in message
    assert not (tmp_path / "build" / "staging" / "09_dies").exists()


def test_sigkill_leftovers_are_cleaned_at_the_next_run(tmp_path):
    """Kill `resprop.book execute` mid-chapter: the staging directory holds the new figure, the
    published set is untouched, and the next run's clean-up removes the litter."""
    (tmp_path / "figures" / "00_introduction").mkdir(parents=True)
    (tmp_path / "figures" / "00_introduction" / "old.png").write_bytes(b"previous")
    body = FIGURE.format(slope=1, name="a") + "\n# %%\nimport time\ntime.sleep(120)\n"
    source = _chapter(tmp_path, "09_slow", body)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "resprop.book", "execute", str(source), "nb"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    staged = tmp_path / "build" / "staging" / "09_slow" / "figures" / "00_introduction" / "a.png"
    try:
        deadline = time.monotonic() + 120
        while not staged.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert staged.exists(), "the chapter never reached its figure"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert [p.name for p in (tmp_path / "figures" / "00_introduction").iterdir()] == ["old.png"]
    removed = book.clean_stale(tmp_path, "09_slow", tmp_path / "nb")
    assert tmp_path / "build" / "staging" / "09_slow" in removed
    assert not (tmp_path / "build" / "staging" / "09_slow").exists()
    assert not (tmp_path / "nb" / ".09_slow.running.ipynb").exists()


def test_clean_stale_restores_an_interrupted_figure_swap(tmp_path):
    figs = tmp_path / "figures"
    (figs / ".02_x.old").mkdir(parents=True)  # killed between the two renames
    (figs / ".02_x.old" / "f.png").write_bytes(b"previous")
    (figs / ".03_y.old").mkdir()  # killed after the second rename
    (figs / "03_y").mkdir()
    (figs / "03_y" / f".f.png.x{book_tmp()}").write_bytes(b"half")
    (tmp_path / "build" / "claims").mkdir(parents=True)
    (tmp_path / "build" / "claims" / "03_y.json.tmp").write_text("{")
    book.clean_stale(tmp_path, "03_y")
    assert (figs / "02_x" / "f.png").read_bytes() == b"previous"
    assert sorted(p.name for p in figs.iterdir()) == ["02_x", "03_y"]
    assert list((figs / "03_y").iterdir()) == []
    assert list((tmp_path / "build" / "claims").iterdir()) == []


def book_tmp() -> str:
    from resprop.figures import TMP_SUFFIX

    return TMP_SUFFIX


def test_bad_chapter_paths_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="source"):
        book.execute_chapter(tmp_path / "missing.py", tmp_path)
    bad = tmp_path / ".hidden.py"
    bad.write_text("")
    with pytest.raises(ValueError, match="source"):
        book.execute_chapter(bad, tmp_path)


def test_staging_variable_names_agree():
    from resprop.chapter import STAGING_ENV

    assert book.STAGING_ENV == STAGING_ENV


# ---- index summary and API page ---------------------------------------------------------


def test_summary_counts_verdicts_per_paper(tmp_path):
    from resprop.claims import Check, Claim, write_claims

    def claim(i: str, paper: str, measured: float) -> Claim:
        check = Check.compare(
            "x", theory=0.0, measured=measured, se=0.1, alternative=5.0, alternative_label="alt"
        )
        return Claim(i, "a statement", paper, tests="a test", checks=[check])

    write_claims(
        [claim("a-1", "YS17", 0.0), claim("a-2", "YS17", 0.1), claim("a-3", "YS17", 3.0)],
        "01_a",
        profile="quick",
        directory=tmp_path,
    )
    write_claims([claim("b-1", "LNR21", 0.0)], "02_b", profile="quick", directory=tmp_path)
    text = book.write_summary(tmp_path, tmp_path / "summary.md").read_text()
    rows = [ln for ln in text.splitlines() if ln.startswith("| ")]
    assert rows[0].startswith("| paper | chapters | reproduced | not reproduced | not decidable")
    assert "[01](01_a.ipynb)" in rows[1] and "| 2 | 1 |" in rows[1]
    assert "4 claims in all" in text and "scorecard" in text
    with pytest.raises(ValueError, match="claims_dir"):
        book.write_summary(tmp_path / "empty", tmp_path / "x.md")


def test_api_page_covers_every_public_module(tmp_path):
    text = book.write_api_modules(tmp_path / "api_modules.md").read_text()
    modules = book.public_modules()
    assert "resprop.theory.log_gaussian" in modules and "resprop.simulate" in modules
    assert not any("._" in m for m in modules)
    for name in modules[1:]:
        assert f".. automodule:: {name}\n" in text
    assert "api_modules.md" in (ROOT / "book" / "api.md").read_text()
    assert "file: api" in (ROOT / "book" / "_toc.yml").read_text()


# ---- HTML checks ------------------------------------------------------------------------


def _inventory(path: Path, modules: list[str]) -> None:
    body = "".join(f"{m} py:module 0 api.html#module-$ -\n" for m in modules)
    header = "# Sphinx inventory version 2\n# Project: t\n# Version: \n"
    header += "# The remainder of this file is compressed using zlib.\n"
    path.write_bytes(header.encode() + zlib.compress(body.encode()))


GOOD_PAGE = """<html><body><article class="bd-article">
<p>Prose with <span class="math notranslate nohighlight">\\(\\frac{a}{b}\\)</span>.</p>
<div class="math notranslate nohighlight">$$\\begin{aligned} x \\end{aligned}$$</div>
<pre>code with \\frac and $$ is fine</pre>
<figure id="fig-x"><img alt="A rising line" src="_images/a.png"/>
<figcaption><p>Fig. 1 A line.</p></figcaption></figure>
<table><tr><td>| a |</td></tr></table>
</article></body></html>"""


@pytest.fixture
def site(tmp_path):
    (tmp_path / "index.html").write_text(GOOD_PAGE)
    (tmp_path / "api.html").write_text("<html><body><article class='bd-article'></article>")
    _inventory(tmp_path / "objects.inv", book.public_modules())
    return tmp_path


def test_check_html_passes_a_clean_book(site):
    counts = book.check_html(site)
    assert counts["figures"] == 1 and counts["py_objects"] == len(book.public_modules())


@pytest.mark.parametrize(
    "snippet,message",
    [
        ("<p>| a | b | | --- | --- | | 1 | 2 |</p>", "table rendered as a paragraph"),
        (
            '<div class="cell_output"><pre> 45%|████▌     | 9/20 [00:01&lt;00:02]</pre></div>',
            "progress",
        ),
        ("<p>the law \\frac{1}{2} of</p>", "LaTeX outside math"),
        ("<p>so $$x$$ here</p>", "LaTeX outside math"),
        ("<p>a $\\sigma_w^2$ unparsed</p>", "LaTeX outside math"),
        ('<figure id="f"><img alt="ok" src="a.png"/></figure>', "no caption"),
        (
            '<figure id="f"><img alt="3f2a9c0d1e2b3c4d5e6f" src="a.png"/>'
            "<figcaption>Fig. 1 x</figcaption></figure>",
            "alt text",
        ),
        ('<img alt="x" src="_images/plain.png"/>', "image without a caption"),
        ("<div class=\"cell_output\"><pre>PosixPath('/tmp/x')</pre></div>", "bare repr"),
    ],
)
def test_check_html_catches_each_defect(site, snippet, message):
    page = GOOD_PAGE.replace("</article>", snippet + "</article>")
    (site / "index.html").write_text(page)
    with pytest.raises(ValueError, match=message):
        book.check_html(site)


def test_check_html_needs_py_objects_for_every_module(site):
    _inventory(site / "objects.inv", [])
    with pytest.raises(ValueError, match="no py: objects"):
        book.check_html(site)
    _inventory(site / "objects.inv", ["resprop.gaussian"])
    with pytest.raises(ValueError, match="missing from the API reference"):
        book.check_html(site)


def test_offline_check_rejects_remote_scripts(tmp_path):
    (tmp_path / "mathjax").mkdir()
    (tmp_path / "mathjax" / "tex-chtml.js").write_text("")
    page = tmp_path / "index.html"
    page.write_text('<script src="mathjax/tex-chtml.js"></script>')
    assert book.check_offline(tmp_path) == 1
    page.write_text('<script src="https://cdn.example.org/mathjax.js"></script>')
    with pytest.raises(ValueError, match="remote"):
        book.check_offline(tmp_path)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium")
def test_layout_check_measures_tables_and_scroll_boxes(tmp_path):
    wide = "<table><tr><td>" + "x" * 400 + "</td></tr></table>"
    tall = '<pre style="overflow-x:auto">' + ("y" * 400 + "\n") * 200 + "</pre>"
    page = '<html><body><article class="bd-article" style="width:600px">{}</article></body></html>'
    (tmp_path / "ok.html").write_text(page.format("<p>fine</p>"))
    assert book.check_layout(tmp_path, chromium=CHROMIUM)["ok.html"]["column"] == 600
    (tmp_path / "bad.html").write_text(page.format(wide + tall))
    with pytest.raises(ValueError, match="table .* px wide") as err:
        book.check_layout(tmp_path, chromium=CHROMIUM)
    assert "horizontally scrolling pre" in str(err.value)
    assert not list(tmp_path.glob(".measure-*"))


# ---- Makefile ---------------------------------------------------------------------------


def _make_tree(tmp: Path) -> None:
    shutil.copy(ROOT / "Makefile", tmp / "Makefile")
    for name in ("pyproject.toml", "package.json", "package-lock.json"):
        (tmp / name).write_text("")
    (tmp / ".venv").mkdir()
    (tmp / ".venv" / ".installed").write_text("")
    (tmp / "lib").mkdir()
    (tmp / "lib" / "x.py").write_text("")
    (tmp / "chapters").mkdir()
    (tmp / "chapters" / "09_x.py").write_text("")
    (tmp / "build" / "notebooks").mkdir(parents=True)
    (tmp / "build" / "run-quick-auto-0.stamp").write_text("")
    (tmp / "build" / "notebooks" / "09_x.ipynb").write_text("")
    now = time.time()
    for i, path in enumerate(
        [
            "pyproject.toml",
            "package.json",
            "package-lock.json",
            ".venv/.installed",
            "lib/x.py",
            "chapters/09_x.py",
            "build/run-quick-auto-0.stamp",
            "build/notebooks/09_x.ipynb",
        ]  # fmt: skip
    ):
        os.utime(tmp / path, (now - 100 + i, now - 100 + i))


def _dry(tmp: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONDA")}
    run = subprocess.run(
        ["make", "-n", "--no-print-directory", *args], cwd=tmp, env=env,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return run.stdout


def test_make_dry_run_tells_the_truth(tmp_path):
    _make_tree(tmp_path)
    assert "execute" not in _dry(tmp_path, "figures")
    assert "resprop.book execute chapters/09_x.py" in _dry(tmp_path, "figures", "SEED=1")
    assert "resprop.book execute" in _dry(tmp_path, "figures", "PROFILE=full")


def test_make_uses_an_active_conda_environment(tmp_path):
    _make_tree(tmp_path)
    conda = _dry(tmp_path, "setup", "CONDA_PREFIX=/opt/env", "CONDA_DEFAULT_ENV=resprop")
    assert "/opt/env/bin/python -m pip install" in conda and "-m venv" not in conda
    base = _dry(tmp_path, "lint", "CONDA_PREFIX=/opt/base", "CONDA_DEFAULT_ENV=base")
    assert ".venv/bin/ruff" in base and "/opt/base" not in base


# ---- README from measurement ------------------------------------------------------------


def test_readme_sections_come_from_the_measurements(tmp_path):
    import matplotlib.pyplot as plt

    from resprop import figures, readme

    timings = {"01_a": {"seconds": 61.4, "profile": "quick", "device": "cpu", "cpus": 2}}
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "timings.json").write_text(json.dumps(timings))
    (tmp_path / "build" / "ci-times.json").write_text(
        json.dumps({"steps": {"make test": 300}, "total": 412, "cpus": 2})
    )
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    prov = {"commit": "abc", "profile": "quick", "seed": 0}
    figures.save(fig, "k", chapter="00_x", caption="The kernel, n = 8.", provenance=prov,
                 root=tmp_path)  # fmt: skip
    text = "# x\n<!-- begin: timings (generated) -->\nold\n<!-- end: timings -->\n"
    text += "<!-- begin: headline (generated) -->\nold\n<!-- end: headline -->\n"
    (tmp_path / "README.md").write_text(text)
    readme.update_readme(tmp_path / "README.md", root=tmp_path, figure="00_x/k")
    out = (tmp_path / "README.md").read_text()
    assert "old" not in out and "| 01_a | 61 |" in out and "**412**" in out
    assert "*The kernel, n = 8.*" in out and "(book/images/k.png)" in out
    assert (tmp_path / "book" / "images" / "k.png").is_file()
    with pytest.raises(ValueError, match="marker"):
        readme.replace_section("no markers", "timings", "x")
    assert "README.md" in (ROOT / "Makefile").read_text()
    assert "<!-- begin: timings" in (ROOT / "README.md").read_text()
