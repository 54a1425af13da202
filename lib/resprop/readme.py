"""Rewrite the README's measured sections from the build, so that they cannot go stale.

    python -m resprop.readme README.md          # what `make readme` runs

Two sections are generated between ``<!-- begin: NAME -->`` and ``<!-- end: NAME -->`` markers:

* ``timings``: one row per chapter from ``build/timings.json`` (written by
  ``resprop.book execute`` after each chapter: wall seconds including kernel start, profile,
  device, CPU count), and the CI steps from ``build/ci-times.json`` (written by ``.ci/run``);
* ``headline``: the headline figure (a copy in ``book/images/``) and its caption, read from the
  figure's JSON sidecar, i.e. the caption the chapter wrote from its run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

__all__ = ["headline_section", "replace_section", "timings_section", "update_readme"]

HEADLINE = "00_introduction/kernel_vs_depth"


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.is_file() else {}


def _seconds(s: float) -> str:
    return f"{s:.0f} s" if s < 120 else f"{s:.0f} s ({s / 60:.1f} min)"


def timings_section(root: str | os.PathLike[str] = ".") -> str:
    """The Markdown of the timings section, from the measurements under ``build/``."""
    root = Path(root)
    chapters = _load(root / "build" / "timings.json")
    ci = _load(root / "build" / "ci-times.json")
    if not chapters and not ci:
        return (
            "No measurement in this checkout yet: `.ci/run` (or `make figures`) records them in\n"
            "`build/timings.json` and `build/ci-times.json`, and `make readme` writes them here.\n"
        )
    lines: list[str] = []
    if chapters:
        runs = {(r.get("profile"), r.get("device"), r.get("cpus")) for r in chapters.values()}
        where = "; ".join(f"profile `{p}` on `{d}` with {c} CPU cores" for p, d, c in sorted(runs))
        lines += [
            f"Measured by `make figures` ({where}), one chapter at a time; wall time of each",
            "chapter's execution including the kernel start:",
            "",
            "| chapter | seconds | finished (UTC) | commit |",
            "|---|---:|---|---|",
        ]
        for name in sorted(chapters):
            r = chapters[name]
            lines.append(
                f"| {name} | {r['seconds']:.0f} | {r.get('finished', '?')} | "
                f"`{r.get('commit', '?')}` |"
            )
        total = sum(r["seconds"] for r in chapters.values())
        lines += ["", f"All chapters together: {_seconds(total)}.", ""]
    if ci:
        lines += [
            f"`.ci/run` on {ci.get('cpus', '?')} CPU cores, finished {ci.get('finished', '?')}:",
            "",
            "| step | seconds |",
            "|---|---:|",
        ]
        lines += [f"| {step} | {s:.0f} |" for step, s in ci.get("steps", {}).items()]
        if "total" in ci:
            lines.append(f"| **total** | **{ci['total']:.0f}** |")
        lines.append("")
    return "\n".join(lines)


def headline_section(root: str | os.PathLike[str] = ".", figure: str = HEADLINE) -> str:
    """The headline figure and its caption, copied from ``figures/<figure>.png`` and its JSON."""
    root = Path(root)
    png, sidecar = root / "figures" / f"{figure}.png", root / "figures" / f"{figure}.json"
    if not png.is_file() or not sidecar.is_file():
        raise ValueError(f"figure: no {png} with its JSON sidecar; run `make figures` first")
    meta = json.loads(sidecar.read_text())
    caption = " ".join(str(meta.get("caption", "")).split())
    if not caption:
        raise ValueError(f"figure: {sidecar} has no caption")
    copy = root / "book" / "images" / png.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, copy)
    os.chmod(copy, 0o644)
    chapter = figure.split("/")[0]
    alt = meta.get("alt") or caption
    return (
        f"![{alt}](book/images/{png.name})\n\n*{caption}* From [`chapters/{chapter}.py`]"
        f"(chapters/{chapter}.py) at commit `{meta.get('commit', '?')}`, profile "
        f"`{meta.get('profile', '?')}`, seed {meta.get('seed', '?')}; `make readme` regenerates "
        "this copy and caption.\n"
    )


def replace_section(text: str, name: str, body: str) -> str:
    """Replace what lies between the ``begin: name`` and ``end: name`` markers of ``text``."""
    pattern = re.compile(
        rf"(<!-- begin: {re.escape(name)} [^>]*-->\n)(.*?)(<!-- end: {re.escape(name)} -->)",
        re.DOTALL,
    )
    if not pattern.search(text):
        raise ValueError(f"name: no '<!-- begin: {name} ... -->' marker in the README")
    return pattern.sub(lambda m: m.group(1) + body.rstrip("\n") + "\n" + m.group(3), text, count=1)


def update_readme(
    readme: str | os.PathLike[str] = "README.md",
    *,
    root: str | os.PathLike[str] = ".",
    figure: str = HEADLINE,
) -> Path:
    """Rewrite the ``timings`` and ``headline`` sections of ``readme`` in place."""
    readme = Path(readme)
    text = readme.read_text()
    text = replace_section(text, "timings", timings_section(root))
    text = replace_section(text, "headline", headline_section(root, figure))
    readme.write_text(text)
    return readme


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m resprop.readme", description=__doc__)
    parser.add_argument("readme", nargs="?", default="README.md")
    parser.add_argument("--figure", default=HEADLINE, help="the headline figure, chapter/name")
    args = parser.parse_args(argv)
    try:
        print(f"updated {update_readme(args.readme, figure=args.figure)}")
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
