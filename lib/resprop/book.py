"""Build steps of the book: execute a chapter, write the scorecard, check the HTML is offline.

Command line (what the Makefile calls)::

    python -m resprop.book execute chapters/01_mean_field.py build/notebooks --profile quick
    python -m resprop.book scorecard build/claims build/book/scorecard.md
    python -m resprop.book check-offline build/html

``execute`` converts the Jupytext script to a notebook, runs it with papermill (parameters
``profile``, ``device``, ``seed``) and moves the result into place only when every cell ran; on
failure it exits non-zero naming the chapter and the failing cell, and keeps the partial
notebook as ``<name>.failed.ipynb`` for inspection.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

from .claims import VERDICTS, load_claims

__all__ = ["check_offline", "execute_chapter", "write_scorecard"]

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


def write_scorecard(claims_dir: str | os.PathLike[str], target: str | os.PathLike[str]) -> Path:
    """Write the scorecard page (Markdown) listing every claim of every chapter."""
    chapters = load_claims(claims_dir)
    if not chapters:
        raise ValueError(f"claims_dir: no claim files in {claims_dir}")
    lines = [
        "# Scorecard",
        "",
        "Every claim of every chapter, generated from `build/claims/*.json` when the book is",
        "built. *Theory* and *measured* are the two independent routes; the verdict compares",
        "them within the stated tolerance (usually four standard errors). The profile says at",
        "which size the chapter ran: `quick` numbers are CPU-sized, not paper-scale.",
        "",
    ]
    total = dict.fromkeys(VERDICTS, 0)
    for chapter, payload in chapters.items():
        lines += [
            f"## {chapter} (profile `{payload['profile']}`)",
            "",
            "| claim | statement | theory | measured ± SE | verdict |",
            "|---|---|---|---|---|",
        ]
        for c in payload["claims"]:
            total[c["verdict"]] += 1
            c = {**next(k for k in c["checks"] if k["label"] == c["decided_by"]), **c}
            measured = _fmt(c["measured"]) + (f" ± {_fmt(c['se'])}" if c.get("se") else "")
            if c.get("tolerance") is not None:
                measured += f" (tolerance {_fmt(c['tolerance'])})"
            figure = f" Figure: `{c['figure']}`." if c.get("figure") else ""
            verdict = f"**{c['verdict']}**" if c["verdict"] == VERDICTS[1] else c["verdict"]
            cells = [
                f"{c['id']} ({c['paper']})",
                c["statement"] + figure,
                _fmt(c["theory"]),
                measured,
                verdict,
            ]
            lines.append("| " + " | ".join(s.replace("|", "\\|") for s in cells) + " |")
        lines.append("")
    summary = ", ".join(f"{n} {v}" for v, n in total.items())
    lines.insert(2, f"**{sum(total.values())} claims: {summary}.**\n")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n")
    return target


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


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
    off = sub.add_parser("check-offline", help="assert the HTML loads nothing from the network")
    off.add_argument("html_dir")
    args = parser.parse_args(argv)
    try:
        if args.command == "execute":
            execute_chapter(
                args.source, args.outdir, profile=args.profile, device=args.device, seed=args.seed
            )
        elif args.command == "scorecard":
            print(f"wrote {write_scorecard(args.claims_dir, args.target)}")
        else:
            print(f"offline check passed: {check_offline(args.html_dir)} pages, no remote assets")
    except (ChapterFailed, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
