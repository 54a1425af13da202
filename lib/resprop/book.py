"""Build steps of the book: execute a chapter, write the scorecard, check the HTML is offline.

Command line (what the Makefile calls)::

    python -m resprop.book execute chapters/01_mean_field.py build/notebooks --profile quick
    python -m resprop.book scorecard build/claims build/book/scorecard.md
    python -m resprop.book pin build/claims tests/fixtures/verdicts_quick.json
    python -m resprop.book check-offline build/html
    python -m resprop.book summary build/claims build/book/summary.md
    python -m resprop.book api build/book/api_modules.md
    python -m resprop.book check-html build/html
    python -m resprop.book check-layout build/html --chromium /usr/bin/chromium

``execute`` converts the Jupytext script to a notebook, runs it with papermill (parameters
``profile``, ``device``, ``seed``) and moves the result into place only when every cell ran; on
failure it exits non-zero naming the chapter and the failing cell, and keeps the partial
notebook as ``<name>.failed.ipynb`` for inspection.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from .claims import PAPERS, VERDICTS, Claim, _md, anchor, load_claims, read_claims, verdict_class

__all__ = [
    "ChapterFailed",
    "changed_verdicts",
    "check_html",
    "check_layout",
    "check_offline",
    "clean_stale",
    "collect_claims",
    "execute_chapter",
    "paper_summary",
    "pin_verdicts",
    "public_modules",
    "toc_chapters",
    "write_api_modules",
    "write_scorecard",
    "write_summary",
]

_REMOTE = re.compile(
    r"<script[^>]*\bsrc=[\"']((?:https?:)?//[^\"']+)|<link[^>]*\bhref=[\"']((?:https?:)?//[^\"']+)",
    re.IGNORECASE,
)


class ChapterFailed(RuntimeError):
    """A chapter raised an error; the message names the chapter and the cell."""


STAGING_ENV = "RESPROP_STAGING"  # the same name as resprop.chapter.STAGING_ENV
_CHAPTER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def execute_chapter(
    source: str | os.PathLike[str],
    outdir: str | os.PathLike[str],
    *,
    profile: str = "quick",
    device: str = "auto",
    seed: int = 0,
    cwd: str | os.PathLike[str] = ".",
    progress: bool = True,
) -> Path:
    """Execute a Jupytext chapter into ``<outdir>/<name>.ipynb`` with papermill.

    The chapter runs with ``cwd`` as its root and writes its figures and claims into the
    staging directory ``<cwd>/build/staging/<name>/``. Only when every cell ran are they moved
    into place: ``figures/<chapter>/`` is replaced as a whole, ``build/claims/<chapter>.json``
    by one rename, and the notebook last (make's sign that the chapter is done). A failure, or
    a kernel that died, raises :class:`ChapterFailed` naming the chapter and the cell and leaves
    the previous outputs untouched; leftovers of a killed run are removed at the next run. With
    ``progress``, one line per cell goes to stdout. The run time goes to ``build/timings.json``.
    """
    import jupytext
    import nbformat
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    source, outdir, root = Path(source), Path(outdir), Path(cwd).resolve()
    if not source.is_file():
        raise ValueError(f"source: no chapter file {source}")
    name = source.stem
    if not _CHAPTER_NAME.match(name):
        raise ValueError(f"source: a chapter file name is letters, digits, _ . -; got {name!r}")
    outdir.mkdir(parents=True, exist_ok=True)
    staging = root / "build" / "staging" / name
    final, failed = outdir / f"{name}.ipynb", outdir / f"{name}.failed.ipynb"
    partial = outdir / f".{name}.running.ipynb"
    removed = clean_stale(root, name, outdir)
    if removed:
        print(f"{name}: removed {len(removed)} leftovers of an interrupted run", flush=True)
    staging.mkdir(parents=True)

    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    total = len(_code_cells(notebook))
    state = {"cell": 0, "source": ""}
    start = time.perf_counter()

    def on_cell_start(cell: Any, cell_index: int) -> None:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or not cell.source.strip() or "injected-parameters" in tags:
            return
        state["cell"] += 1
        state["source"] = _first_line(cell)
        if progress:
            elapsed = time.perf_counter() - start
            print(
                f"{name}: cell {state['cell']}/{total} ({elapsed:4.0f} s) {state['source']}",
                flush=True,
            )

    saved_env = os.environ.get(STAGING_ENV)
    os.environ[STAGING_ENV] = str(staging)
    try:
        result = papermill.execute_notebook(
            notebook,
            str(partial),
            parameters={"profile": profile, "device": device, "seed": seed},
            kernel_name="python3",
            cwd=str(root),
            progress_bar=False,
            on_cell_start=on_cell_start,
        )
    except PapermillExecutionError as err:
        _discard(staging)
        os.replace(partial, failed)
        cell = _failed_cell(failed)
        raise ChapterFailed(
            f"chapter {name} failed in cell {cell} ({err.ename}: {err.evalue}); "
            f"the partial notebook is {failed}"
        ) from None
    except DeadKernelError:
        _discard(staging)
        kept = _keep_partial(partial, failed)
        raise ChapterFailed(
            f"chapter {name} failed in cell {state['cell']} of {total} (`{state['source']}`) "
            f"(kernel died){kept}"
        ) from None
    except Exception as err:
        _discard(staging)
        kept = _keep_partial(partial, failed)
        raise ChapterFailed(
            f"chapter {name} failed in cell {state['cell']} of {total} (`{state['source']}`) "
            f"({type(err).__name__}: {err}){kept}"
        ) from None
    finally:
        if saved_env is None:
            os.environ.pop(STAGING_ENV, None)
        else:
            os.environ[STAGING_ENV] = saved_env
    elapsed = time.perf_counter() - start
    run = _run_record(staging, root, name, profile=profile, device=device, seed=seed)
    run["seconds"] = round(elapsed, 1)
    for cell in result.cells:  # hide papermill's injected parameters in the book
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
    _insert_provenance(result, name, run)
    nbformat.write(result, partial)
    _publish(staging, root)
    os.replace(partial, final)
    failed.unlink(missing_ok=True)
    _record_timing(root / "build" / "timings.json", name, run)
    print(f"executed {name} [{profile}, {run['device']}] in {elapsed:.1f} s", flush=True)
    return final


def clean_stale(
    root: str | os.PathLike[str], name: str, outdir: str | os.PathLike[str] | None = None
) -> list[Path]:
    """Remove what a killed run of chapter ``name`` left behind; return the removed paths.

    That is the chapter's staging directory, a half-written notebook, temporary files of
    figure and claim writers, and a figure directory swap interrupted between its two renames
    (the previous complete set is restored when the new one is not yet in place).
    """
    from .figures import clean_temporaries

    root = Path(root)
    removed: list[Path] = []
    staging = root / "build" / "staging" / name
    if staging.exists():
        shutil.rmtree(staging)
        removed.append(staging)
    if outdir is not None:
        partial = Path(outdir) / f".{name}.running.ipynb"
        if partial.exists():
            partial.unlink()
            removed.append(partial)
    figdir = root / "figures"
    if figdir.is_dir():
        for old in figdir.glob(".*.old"):
            current = figdir / old.name[1:-4]
            if current.exists():
                shutil.rmtree(old)
            else:
                os.replace(old, current)
            removed.append(old)
        for sub in [p for p in figdir.iterdir() if p.is_dir()]:
            removed += clean_temporaries(sub)
    claims_dir = root / "build" / "claims"
    if claims_dir.is_dir():
        for tmp in claims_dir.glob("*.tmp"):
            tmp.unlink()
            removed.append(tmp)
        removed += clean_temporaries(claims_dir)
    return removed


def _publish(staging: Path, root: Path) -> None:
    """Move a successful chapter's staged figures and claims into place, then drop staging."""
    figdir = root / "figures"
    staged_figures = staging / "figures"
    if staged_figures.is_dir():
        figdir.mkdir(exist_ok=True)
        for new in sorted(p for p in staged_figures.iterdir() if p.is_dir()):
            target, old = figdir / new.name, figdir / f".{new.name}.old"
            if old.exists():
                shutil.rmtree(old)
            if target.exists():
                os.replace(target, old)
            os.replace(new, target)
            if old.exists():
                shutil.rmtree(old)
    staged_claims = staging / "claims"
    if staged_claims.is_dir():
        claims_dir = root / "build" / "claims"
        claims_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(staged_claims.glob("*.json")):
            os.replace(path, claims_dir / path.name)
    shutil.rmtree(staging)


def _discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def _keep_partial(partial: Path, failed: Path) -> str:
    if partial.exists():
        os.replace(partial, failed)
        return f"; the partial notebook is {failed}"
    return ""


def _run_record(
    staging: Path, root: Path, name: str, *, profile: str, device: str, seed: int
) -> dict[str, Any]:
    """How the chapter ran: the provenance its Chapter staged, else the execute arguments."""
    from .figures import git_commit

    path = staging / "provenance.json"
    if path.is_file():
        run = json.loads(path.read_text())
    else:
        run = {"commit": git_commit(root), "profile": profile, "device": device, "seed": seed}
    run.pop("chapter", None)
    return run


def _insert_provenance(nb: Any, name: str, run: dict[str, Any]) -> None:
    """A small 'how this page was made' box after the first Markdown cell, with downloads."""
    import nbformat

    text = (
        "```{admonition} How this page was made\n:class: provenance\n"
        f"Executed at commit `{run.get('commit', 'unknown')}`, profile `{run.get('profile')}`, "
        f"device `{run.get('device')}`, seed `{run.get('seed')}`, in {run['seconds']:.0f} s. "
        f"Download the source {{download}}`{name}.py <chapters/{name}.py>` (Jupytext) or the "
        f"executed {{download}}`{name}.ipynb <{name}.ipynb>`; to rerun it locally, see "
        "{ref}`how-to-run`.\n```"
    )
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = ["provenance"]
    if nb.nbformat_minor < 5:
        cell.pop("id", None)
    first = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), -1)
    nb.cells.insert(first + 1, cell)


def _record_timing(path: Path, name: str, run: dict[str, Any]) -> None:
    """Add this run to ``build/timings.json`` (one entry per chapter, atomically)."""
    timings = json.loads(path.read_text()) if path.is_file() else {}
    timings[name] = {
        **run,
        "cpus": os.cpu_count(),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(timings, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def _code_cells(nb: Any) -> list[Any]:
    """The code cells a chapter executes, in order (papermill's injected cell excluded)."""
    return [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and c.source.strip()
        and "injected-parameters" not in c.metadata.get("tags", [])
    ]


def _first_line(cell: Any) -> str:
    lines = [ln for ln in cell.source.strip().splitlines() if ln.strip()]
    return lines[0][:60] if lines else ""


def _failed_cell(path: Path) -> str:
    """'N of M (first line)' for the first failing code cell, counted as in the chapter's source."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    code_cells = _code_cells(nb)
    for i, cell in enumerate(code_cells, start=1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return f"{i} of {len(code_cells)} (`{_first_line(cell)}`)"
    return "unknown"


def toc_chapters(
    toc: str | os.PathLike[str] = "book/_toc.yml", chapters: str | os.PathLike[str] = "chapters"
) -> list[str]:
    """The chapters of the book, in order: files of ``toc`` that are stems of ``chapters/*.py``."""
    import yaml

    toc = Path(toc)
    try:
        tree = yaml.safe_load(toc.read_text())
    except (OSError, yaml.YAMLError) as err:
        raise ValueError(f"toc: cannot read {toc} ({err})") from None
    stems = {p.stem for p in Path(chapters).glob("*.py")}
    files: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    files.append(Path(node[key]).stem)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    listed = list(dict.fromkeys(f for f in files if f in stems))
    if not listed:
        raise ValueError(f"toc: {toc} lists none of the chapters in {chapters}/*.py")
    return listed


def _notebook_start(notebook: Path) -> float | None:
    """The papermill ``start_time`` of an executed notebook, as a POSIX timestamp."""
    from datetime import datetime, timezone

    try:
        meta = json.loads(notebook.read_text()).get("metadata", {})
        start = datetime.fromisoformat(meta["papermill"]["start_time"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    return start.timestamp()


def collect_claims(
    claims_dir: str | os.PathLike[str],
    *,
    toc: str | os.PathLike[str] = "book/_toc.yml",
    chapters: str | os.PathLike[str] = "chapters",
    notebooks: str | os.PathLike[str] | None = None,
) -> dict[str, dict]:
    """The validated claim files of every chapter in ``toc``, refusing any that cannot be trusted.

    ``ValueError`` names each missing file (a chapter in the toc without one), unknown file (no
    such chapter in the toc), stale file (written before its notebook's papermill
    ``start_time``, or without an executed notebook in ``notebooks``, by default
    ``<claims_dir>/../notebooks``), invalid file, and any claim id used twice.
    """
    claims_dir = Path(claims_dir)
    notebooks = claims_dir.parent / "notebooks" if notebooks is None else Path(notebooks)
    listed = toc_chapters(toc, chapters)
    files = {p.stem: p for p in sorted(claims_dir.glob("*.json"))}
    problems = [
        f"unknown claims file {p}: chapter {stem!r} is not in {toc}"
        for stem, p in files.items()
        if stem not in listed
    ]
    payloads: dict[str, dict] = {}
    for chapter in listed:
        path = claims_dir / f"{chapter}.json"
        if chapter not in files:
            problems.append(f"missing claims file {path}: chapter {chapter!r} is in {toc}")
            continue
        notebook = notebooks / f"{chapter}.ipynb"
        start = _notebook_start(notebook)
        if start is None:
            problems.append(f"stale claims file {path}: no executed notebook {notebook}")
            continue
        if path.stat().st_mtime < start:
            problems.append(f"stale claims file {path}: older than the run of {notebook}")
            continue
        try:
            payloads[chapter] = read_claims(path)
        except ValueError as err:
            problems.append(f"invalid claims file {err}")
    seen: dict[str, str] = {}
    for chapter, payload in payloads.items():
        for c in payload["claims"]:
            if c["id"] in seen:
                problems.append(f"claim id {c['id']!r} is in both {seen[c['id']]} and {chapter}")
            seen[c["id"]] = chapter
    profiles = {p["profile"] for p in payloads.values()}
    if len(profiles) > 1:
        problems.append(f"claims files from different profiles: {sorted(profiles)}")
    if problems:
        raise ValueError("the scorecard cannot be trusted:\n  " + "\n  ".join(problems))
    return payloads


def _id_key(claim_id: str) -> list[object]:
    """Natural order of claim ids: 02-2 before 02-10, case-insensitive."""
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", claim_id)]


def _verdict_span(verdict: str) -> str:
    return f'<span class="verdict {verdict_class(verdict)}">{verdict}</span>'


def write_scorecard(
    claims_dir: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    toc: str | os.PathLike[str] = "book/_toc.yml",
    chapters: str | os.PathLike[str] = "chapters",
    notebooks: str | os.PathLike[str] | None = None,
) -> Path:
    """Write the scorecard page (MyST) from the claim files of every chapter in ``toc``.

    Refuses (``ValueError``) missing, stale, unknown or invalid claim files: see
    :func:`collect_claims`. Rows are sorted by claim id and link to each claim's anchor.
    """
    payloads = collect_claims(claims_dir, toc=toc, chapters=chapters, notebooks=notebooks)
    claims = sorted(
        (Claim.from_dict(c) for p in payloads.values() for c in p["claims"]),
        key=lambda c: _id_key(c.id),
    )
    profile = next(iter(payloads.values()))["profile"]
    lines = ["(scorecard)=", "# Scorecard", ""]
    lines += [f"- {line}" for line in paper_summary(claims)]
    lines += [
        "",
        f"Every claim of every chapter ({len(claims)} in all), generated from "
        f"`build/claims/*.json` when the book was built, profile `{profile}`"
        + (" (CPU-sized, not paper-scale)." if profile == "quick" else "."),
        "A check is *reproduced* when |measured − theory| ≤ tolerance and the named",
        "alternative lies outside the tolerance; if the alternative lies inside, the test has",
        "no power and the check is *not decidable at this profile*. Each row shows the check",
        "that decided the claim; follow the id for all its checks.",
        "",
        "```{list-table}",
        ":header-rows: 1",
        ":widths: 36 19 45",
        ":class: scorecard",
        "",
        "* - Claim",
        "  - Verdict",
        "  - Deciding check",
    ]
    for c in claims:
        d = c.decided_by
        lines += [
            f"* - {{ref}}`{c.id} <{anchor(c.id)}>` ({c.paper}): {_md(c.statement)}",
            f"  - {_verdict_span(c.verdict)}",
            f"  - **{_md(d.label)}**: {_md(d.numbers())}",
        ]
    lines += ["```", ""]
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines))
    return target


def paper_summary(claims: list[Claim]) -> list[str]:
    """One line per paper, e.g. ``**YS17**: 4 reproduced, 1 not reproduced.`` (papers in order)."""
    lines = []
    for paper in PAPERS:
        verdicts = [c.verdict for c in claims if c.paper == paper]
        if verdicts:
            counts = ", ".join(f"{verdicts.count(v)} {v}" for v in VERDICTS if v in verdicts)
            lines.append(f"**{paper}**: {counts}.")
    return lines


def pin_verdicts(claims_dir: str | os.PathLike[str], target: str | os.PathLike[str]) -> Path:
    """Write ``{claim id: verdict}`` of every claim file in ``claims_dir`` to ``target`` (JSON)."""
    pins: dict[str, str] = {}
    for chapter, payload in load_claims(claims_dir).items():
        for c in payload["claims"]:
            if c["id"] in pins:
                raise ValueError(f"claims: id {c['id']!r} recorded twice (again in {chapter})")
            pins[c["id"]] = c["verdict"]
    if not pins:
        raise ValueError(f"claims_dir: no claim files in {claims_dir}")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    ordered = {k: pins[k] for k in sorted(pins, key=_id_key)}
    target.write_text(json.dumps(ordered, indent=2, ensure_ascii=False) + "\n")
    return target


def changed_verdicts(
    claims_dir: str | os.PathLike[str], fixture: str | os.PathLike[str]
) -> list[str]:
    """Differences between the claim files and the pinned verdicts, one line each."""
    pinned = json.loads(Path(fixture).read_text())
    current = {c["id"]: c["verdict"] for p in load_claims(claims_dir).values() for c in p["claims"]}
    out = []
    for claim_id in sorted(set(pinned) | set(current), key=_id_key):
        old, new = pinned.get(claim_id), current.get(claim_id)
        if old != new:
            out.append(f"{claim_id}: pinned {old or 'absent'!r}, now {new or 'absent'!r}")
    return out


def check_offline(html_dir: str | os.PathLike[str]) -> int:
    """Raise ``ValueError`` if any page loads a script or stylesheet over the network.

    Returns the number of pages checked; also requires the local MathJax to be present.
    """
    pages = sorted(Path(html_dir).rglob("*.html"))
    if not pages:
        raise ValueError(f"html_dir: no HTML pages under {html_dir}")
    offenders = []
    for page in pages:
        for match in _REMOTE.finditer(page.read_text(errors="replace")):
            offenders.append(f"{page}: {match.group(1) or match.group(2)}")
    if offenders:
        raise ValueError("remote assets in the built book:\n  " + "\n  ".join(offenders[:20]))
    if not list(Path(html_dir).rglob("mathjax/tex-chtml.js")):
        raise ValueError(f"html_dir: no local MathJax (mathjax/tex-chtml.js) under {html_dir}")
    return len(pages)


def write_summary(claims_dir: str | os.PathLike[str], target: str | os.PathLike[str]) -> Path:
    """Write the index page's verdict summary (Markdown): per paper, how many claims got which
    verdict, with links to the chapters and the scorecard."""
    chapters = load_claims(claims_dir)
    if not chapters:
        raise ValueError(f"claims_dir: no claim files in {claims_dir}")
    papers: dict[str, dict[str, Any]] = {}
    for chapter, payload in chapters.items():
        for c in payload["claims"]:
            entry = papers.setdefault(c["paper"], {"chapters": [], **dict.fromkeys(VERDICTS, 0)})
            entry[c["verdict"]] += 1
            if chapter not in entry["chapters"]:
                entry["chapters"].append(chapter)
    short = {
        "not decidable at this profile": "not decidable",
        "outside the reconstruction": "outside",
    }
    header = ["paper", "chapters", *(short.get(v, v) for v in VERDICTS)]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * 2 + "---:|" * len(VERDICTS),
    ]
    for paper, entry in papers.items():
        links = ", ".join(f"[{ch[:2]}]({ch}.ipynb)" for ch in entry["chapters"])
        counts = [str(entry[v]) if entry[v] else "·" for v in VERDICTS]
        lines.append(f"| {PAPERS[paper]} | {links} | " + " | ".join(counts) + " |")
    totals = {v: sum(e[v] for e in papers.values()) for v in VERDICTS}
    profiles = sorted({p.get("profile", "?") for p in chapters.values()})
    lines += [
        "",
        f"{sum(totals.values())} claims in all ("
        + ", ".join(f"{n} {v}" for v, n in totals.items() if n)
        + f"), profile {', '.join(f'`{p}`' for p in profiles)}. Every claim, with its numbers "
        "and the hypothesis it had to reject, is on the [scorecard](scorecard.md).",
    ]
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n")
    return target


_API_GROUPS = (
    ("Theory", ("resprop.activations", "resprop.gaussian", "resprop.theory")),
    ("Simulation", ("resprop.networks", "resprop.simulate", "resprop.training")),
)


def public_modules() -> list[str]:
    """Every public module of ``resprop`` (no component starting with ``_``), sorted."""
    import pkgutil

    import resprop

    names = ["resprop"]
    for info in pkgutil.walk_packages(resprop.__path__, prefix="resprop."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def write_api_modules(target: str | os.PathLike[str]) -> Path:
    """Write the autodoc directives of the API page, one section per public module."""
    groups: dict[str, list[str]] = {"Theory": [], "Simulation": [], "Book kit and tools": []}
    for name in public_modules():
        if name == "resprop":
            continue
        group = next(
            (g for g, prefixes in _API_GROUPS if any(name.startswith(p) for p in prefixes)),
            "Book kit and tools",
        )
        groups[group].append(name)
    lines: list[str] = []
    for group, names in groups.items():
        if not names:
            continue
        lines += [f"## {group}", ""]
        for name in names:
            lines += [
                f"### `{name}`",
                "",
                "```{eval-rst}",
                f".. automodule:: {name}",
                "   :members:",
                "```",
                "",
            ]
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines))
    return target


# ---- checks of the rendered HTML ------------------------------------------------------------

_PIPE_ROW = re.compile(r"\|\s*:?-{3,}:?\s*\|")
_PROGRESS = re.compile(r"\d+%\|[^|\n]{0,100}\|\s*\d+/\d+|\[\d\d:\d\d<\d\d:\d\d|\d+(\.\d+)?it/s\]")
_LATEX = re.compile(r"\\(?:frac|begin\{|end\{|sqrt|mathrm|mathbb|left[(\[|]|right[)\]|])|\$\$")
_DOLLAR_MATH = re.compile(r"\$(?=\S)[^$]*\\[A-Za-z]+[^$]*\$")
_BARE_REPR = re.compile(
    r"^\s*(PosixPath\(|WindowsPath\(|Claim\(|Check\(|SavedFigure\(|<Figure size|"
    r"<matplotlib\.|\[<matplotlib\.|Text\(\d|<figure fig-|<resprop\.)"
)
_HASH_ALT = re.compile(r"^[0-9a-f]{16,}|\.(png|svg|jpe?g)$", re.IGNORECASE)
_SKIP_PAGES = {"genindex.html", "search.html", "py-modindex.html"}


def check_html(
    html_dir: str | os.PathLike[str],
    *,
    api_page: str = "api.html",
    figures_dir: str | os.PathLike[str] | None = None,
) -> dict[str, int]:
    """Raise ``ValueError`` listing every rendering defect found in the built book.

    Defects: Markdown pipe tables rendered as paragraphs; progress-bar lines; LaTeX outside
    math containers (``\\frac``, ``\\begin``, ``$$``, ``$…\\macro…$``); figures without a
    caption or with a file name or hash for alt text, and images outside a captioned figure;
    bare reprs as outputs; an inventory (``objects.inv``) without ``py:`` objects or missing a
    public module; with ``figures_dir``, a figure saved by a chapter (``<chapter>/<name>.png``)
    but not shown on its page (``ch.save`` was not its cell's last expression). Returns counts
    of what was checked.
    """
    from bs4 import BeautifulSoup
    from docutils.nodes import make_id

    html_dir = Path(html_dir)
    pages = sorted(
        p
        for p in html_dir.glob("*.html")
        if p.name not in _SKIP_PAGES and not p.name.startswith(".")
    )
    if not pages:
        raise ValueError(f"html_dir: no HTML pages in {html_dir}")
    problems: list[str] = []
    counts = {"pages": len(pages), "figures": 0, "tables": 0, "py_objects": 0}
    for page in pages:
        soup = BeautifulSoup(page.read_text(errors="replace"), "html.parser")
        article = soup.select_one("article.bd-article") or soup.body or soup
        where = page.name
        counts["tables"] += len(article.find_all("table"))
        for p in article.find_all("p"):
            if _PIPE_ROW.search(p.get_text()):
                problems.append(
                    f"{where}: a Markdown table rendered as a paragraph: {p.get_text()[:80]!r}"
                )
        text = article.get_text("\n")
        for match in _PROGRESS.finditer(text):
            problems.append(f"{where}: a progress-bar line: {match.group(0)[:60]!r}")
        for pre in article.select("div.cell_output pre"):
            if _BARE_REPR.match(pre.get_text()):
                problems.append(f"{where}: a bare repr as output: {pre.get_text()[:60]!r}")
        for figure in article.find_all("figure"):
            counts["figures"] += 1
            caption = figure.find("figcaption")
            label = figure.get("id", "?")
            if caption is None or not caption.get_text(strip=True):
                problems.append(f"{where}: figure {label} has no caption")
            for img in figure.find_all("img"):
                alt = (img.get("alt") or "").strip()
                if not alt or _HASH_ALT.search(alt):
                    problems.append(f"{where}: figure {label} has alt text {alt!r}")
        if figures_dir is not None and (Path(figures_dir) / page.stem).is_dir():
            shown = {f.get("id") for f in article.find_all("figure")}
            for png in sorted((Path(figures_dir) / page.stem).glob("*.png")):
                if make_id(f"fig-{page.stem}-{png.stem}") not in shown:
                    problems.append(
                        f"{where}: figure {png.stem} was saved but is not shown (make "
                        "ch.save(...) the last expression of its cell)"
                    )
        for img in article.find_all("img"):
            if img.find_parent("figure") is None:
                problems.append(f"{where}: an image without a caption: {img.get('src')}")
        for el in article.select("pre, code, script, style, .math, mjx-container, .highlight"):
            el.decompose()
        prose = article.get_text(" ")
        for match in (*_LATEX.finditer(prose), *_DOLLAR_MATH.finditer(prose)):
            start = max(match.start() - 30, 0)
            snippet = " ".join(prose[start : match.end() + 30].split())
            problems.append(f"{where}: LaTeX outside math: {snippet!r}")
    counts["py_objects"], missing = _check_inventory(html_dir / "objects.inv")
    if not counts["py_objects"]:
        problems.append("objects.inv: no py: objects (the API reference did not build)")
    elif missing:
        problems.append(
            "objects.inv: public modules missing from the API reference: " + ", ".join(missing)
        )
    if not (html_dir / api_page).is_file():
        problems.append(f"{api_page}: no API reference page")
    if problems:
        more = f"\n  … and {len(problems) - 40} more" if len(problems) > 40 else ""
        raise ValueError(
            "rendering defects in the built book:\n  " + "\n  ".join(problems[:40]) + more
        )
    return counts


def _check_inventory(path: Path) -> tuple[int, list[str]]:
    """Number of ``py:`` objects in a Sphinx inventory, and the public modules it lacks."""
    import posixpath

    from sphinx.util.inventory import InventoryFile

    if not path.is_file():
        return 0, []
    with path.open("rb") as fh:
        inventory = InventoryFile.load(fh, "", posixpath.join)
    n = sum(len(v) for k, v in inventory.items() if k.startswith("py:"))
    documented = set(inventory.get("py:module", {}))
    missing = [m for m in public_modules() if m != "resprop" and m not in documented]
    return n, missing


_MEASURE_JS = """
<script>
(function () {
  function measure() {
    var art = document.querySelector('article.bd-article') || document.body;
    var col = art.getBoundingClientRect().width;
    var H = window.innerHeight;
    var out = {column: Math.round(col), width: window.innerWidth, height: H,
               tables: [], boxes: [], wide: {code: 0, output: 0, math: 0, table: 0}};
    function txt(el) { return (el.innerText || '').replace(/\\s+/g, ' ').slice(0, 60); }
    art.querySelectorAll('table').forEach(function (t) {
      var w = t.getBoundingClientRect().width;
      if (w > col + 1) { out.tables.push({width: Math.round(w), text: txt(t)}); }
    });
    art.querySelectorAll('*').forEach(function (el) {
      var cs = getComputedStyle(el);
      var scrolls = cs.overflowX == 'auto' || cs.overflowX == 'scroll';
      if (scrolls && el.scrollWidth > el.clientWidth + 1) {
        var h = el.getBoundingClientRect().height;
        var kind = el.closest('.cell_output') ? 'output'
                 : el.closest('.math, mjx-container') ? 'math'
                 : el.querySelector('table') ? 'table' : 'code';
        out.wide[kind] += 1;
        if (h > H) { out.boxes.push({tag: el.tagName, cls: String(el.className).slice(0, 60),
                                     height: Math.round(h), text: txt(el)}); }
      }
    });
    var pre = document.createElement('pre');
    pre.id = 'resprop-layout';
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  window.addEventListener('load', function () {
    setTimeout(function () {
      if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
        MathJax.startup.promise.then(measure, measure);
      } else { measure(); }
    }, 200);
  });
})();
</script>
"""


def check_layout(
    html_dir: str | os.PathLike[str],
    *,
    chromium: str = "chromium",
    width: int = 1280,
    height: int = 900,
) -> dict[str, dict[str, Any]]:
    """Measure every page in headless Chromium at ``width`` px; raise ``ValueError`` on defects.

    Defects: a table wider than the article column, and a horizontally scrolling box taller
    than the window (its scroll bar would be out of sight). A copy of each page with a small
    measuring script is loaded from the same folder, and the script writes its results into the
    DOM that ``--dump-dom`` prints. Returns the measurements per page.
    """
    import subprocess
    import tempfile

    html_dir = Path(html_dir).resolve()
    pages = sorted(
        p
        for p in html_dir.glob("*.html")
        if p.name not in _SKIP_PAGES and not p.name.startswith(".")
    )
    if not pages:
        raise ValueError(f"html_dir: no HTML pages in {html_dir}")
    results: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for page in pages:
        probe = page.with_name(f".measure-{page.name}")
        html = page.read_text(errors="replace")
        probe.write_text(html.replace("</body>", _MEASURE_JS + "</body>", 1))
        try:
            with tempfile.TemporaryDirectory() as profile_dir:
                run = subprocess.run(
                    [
                        chromium,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--hide-scrollbars",
                        "--virtual-time-budget=10000",
                        f"--window-size={width},{height}",
                        f"--user-data-dir={profile_dir}",
                        "--dump-dom",
                        probe.as_uri(),
                    ],
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
        finally:
            probe.unlink(missing_ok=True)
        match = re.search(r'<pre id="resprop-layout"[^>]*>(.*?)</pre>', run.stdout, re.DOTALL)
        if not match:
            problems.append(f"{page.name}: no measurement (chromium exit {run.returncode})")
            continue
        import html as html_module

        data = json.loads(html_module.unescape(match.group(1)))
        results[page.name] = data
        for t in data["tables"]:
            problems.append(
                f"{page.name}: table {t['width']} px wide in a {data['column']} px "
                f"column: {t['text']!r}"
            )
        for b in data["boxes"]:
            problems.append(
                f"{page.name}: a horizontally scrolling {b['tag'].lower()} "
                f"{b['height']} px tall (window {data['height']} px): {b['text']!r}"
            )
    if problems:
        raise ValueError(f"layout defects at {width} px:\n  " + "\n  ".join(problems[:40]))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m resprop.book", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("execute", help="execute a chapter with papermill")
    ex.add_argument("source")
    ex.add_argument("outdir")
    ex.add_argument("--profile", default="quick")
    ex.add_argument("--device", default="auto")
    ex.add_argument("--seed", type=int, default=0)
    sc = sub.add_parser("scorecard", help="write the scorecard page from the claim files")
    sc.add_argument("claims_dir")
    sc.add_argument("target")
    sc.add_argument("--toc", default="book/_toc.yml")
    sc.add_argument("--chapters", default="chapters")
    sc.add_argument("--notebooks", default=None, help="default: CLAIMS_DIR/../notebooks")
    pin = sub.add_parser("pin", help="write {claim id: verdict} of every claim file to FIXTURE")
    pin.add_argument("claims_dir")
    pin.add_argument("fixture")
    off = sub.add_parser("check-offline", help="assert the HTML loads nothing from the network")
    off.add_argument("html_dir")
    sm = sub.add_parser("summary", help="write the index page's verdict summary per paper")
    sm.add_argument("claims_dir")
    sm.add_argument("target")
    api = sub.add_parser("api", help="write the API page's autodoc directives")
    api.add_argument("target")
    ch = sub.add_parser("check-html", help="fail on rendering defects in the built HTML")
    ch.add_argument("html_dir")
    ch.add_argument("--figures", default=None, help="the figures/ folder: each must be shown")
    lay = sub.add_parser("check-layout", help="measure every page in headless Chromium")
    lay.add_argument("html_dir")
    lay.add_argument("--chromium", default="chromium")
    lay.add_argument("--width", type=int, default=1280)
    lay.add_argument("--height", type=int, default=900)
    args = parser.parse_args(argv)
    try:
        if args.command == "execute":
            execute_chapter(
                args.source, args.outdir, profile=args.profile, device=args.device, seed=args.seed
            )
        elif args.command == "scorecard":
            page = write_scorecard(
                args.claims_dir,
                args.target,
                toc=args.toc,
                chapters=args.chapters,
                notebooks=args.notebooks,
            )
            print(f"wrote {page}")
        elif args.command == "pin":
            print(f"wrote {pin_verdicts(args.claims_dir, args.fixture)}")
        elif args.command == "summary":
            print(f"wrote {write_summary(args.claims_dir, args.target)}")
        elif args.command == "api":
            print(f"wrote {write_api_modules(args.target)}")
        elif args.command == "check-html":
            counts = check_html(args.html_dir, figures_dir=args.figures)
            print("HTML check passed: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
        elif args.command == "check-layout":
            results = check_layout(
                args.html_dir, chromium=args.chromium, width=args.width, height=args.height
            )
            for page, data in results.items():
                wide = ", ".join(f"{n} {k}" for k, n in data["wide"].items() if n)
                print(f"  {page}: column {data['column']} px; scroll boxes: {wide or 'none'}")
            print(f"layout check passed at {args.width} px: {len(results)} pages")
        else:
            print(f"offline check passed: {check_offline(args.html_dir)} pages, no remote assets")
    except (ChapterFailed, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
