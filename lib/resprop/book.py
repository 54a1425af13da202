"""Build steps of the book: execute a chapter, write the scorecard, check the HTML is offline.

Command line (what the Makefile calls)::

    python -m resprop.book execute chapters/01_mean_field.py build/notebooks --profile quick
    python -m resprop.book scorecard build/claims build/book/scorecard.md
    python -m resprop.book pin build/claims tests/fixtures/verdicts_quick.json
    python -m resprop.book check-offline build/html

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
import sys
import time
from pathlib import Path

from .claims import PAPERS, VERDICTS, Claim, _md, anchor, load_claims, read_claims, verdict_class

__all__ = [
    "changed_verdicts",
    "check_offline",
    "collect_claims",
    "execute_chapter",
    "paper_summary",
    "pin_verdicts",
    "toc_chapters",
    "write_scorecard",
]

_REMOTE = re.compile(
    r"<script[^>]*\bsrc=[\"']((?:https?:)?//[^\"']+)|<link[^>]*\bhref=[\"']((?:https?:)?//[^\"']+)",
    re.IGNORECASE,
)


class ChapterFailed(RuntimeError):
    """A chapter raised an error; the message names the chapter and the cell."""


def execute_chapter(
    source: str | os.PathLike[str],
    outdir: str | os.PathLike[str],
    *,
    profile: str = "quick",
    device: str = "auto",
    seed: int = 0,
    cwd: str | os.PathLike[str] = ".",
) -> Path:
    """Execute a Jupytext chapter into ``<outdir>/<name>.ipynb`` with papermill."""
    import jupytext
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source, outdir = Path(source), Path(outdir)
    if not source.is_file():
        raise ValueError(f"source: no chapter file {source}")
    outdir.mkdir(parents=True, exist_ok=True)
    name = source.stem
    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    final, failed = outdir / f"{name}.ipynb", outdir / f"{name}.failed.ipynb"
    partial = outdir / f".{name}.running.ipynb"
    start = time.perf_counter()
    try:
        result = papermill.execute_notebook(
            notebook,
            str(partial),
            parameters={"profile": profile, "device": device, "seed": seed},
            kernel_name="python3",
            cwd=str(cwd),
            progress_bar=False,
        )
    except PapermillExecutionError as err:
        os.replace(partial, failed)
        cell = _failed_cell(failed)
        raise ChapterFailed(
            f"chapter {name} failed in cell {cell} ({err.ename}: {err.evalue}); "
            f"the partial notebook is {failed}"
        ) from None
    for cell in result.cells:  # hide papermill's injected parameters in the book
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
    nbformat.write(result, partial)
    os.replace(partial, final)
    failed.unlink(missing_ok=True)
    print(f"executed {name} [{profile}, {device}] in {time.perf_counter() - start:.1f} s")
    return final


def _failed_cell(path: Path) -> str:
    """'N of M (first line)' for the first failing code cell, counted as in the chapter's source."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    code_cells = [
        c
        for c in nb.cells
        if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])
    ]
    for i, cell in enumerate(code_cells, start=1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            return f"{i} of {len(code_cells)} (`{first[:60]}`)"
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
        else:
            print(f"offline check passed: {check_offline(args.html_dir)} pages, no remote assets")
    except (ChapterFailed, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
