"""One matplotlib style for the whole book, and atomic figure files with provenance.

``save(fig, name, chapter=...)`` writes ``figures/<chapter>/<name>.png`` and ``.pdf``. Both are
drawn into temporary files first and renamed into place only when both succeeded, so a
failure while drawing never replaces a good figure by a half-written one. The provenance (git
commit, profile, device, seed, library version) is stamped into the PNG's text metadata, the
PDF's ``Keywords`` and a ``<name>.json`` sidecar.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from . import __version__

__all__ = ["STYLE", "band", "git_commit", "save", "use_style"]

STYLE: dict[str, Any] = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "lines.linewidth": 1.6,
    "axes.prop_cycle": mpl.cycler(
        color=["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    ),
    "pdf.fonttype": 42,
    "svg.hashsalt": "resprop",
}

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def use_style() -> None:
    """Apply the book's matplotlib style globally."""
    mpl.rcParams.update(STYLE)


def band(ax: Any, x: Any, mean: Any, sem: Any, *, label: str, n_se: float = 2.0, **kw: Any) -> None:
    """Plot a Monte Carlo mean with a shaded ±``n_se`` standard-error band."""
    (line,) = ax.plot(x, mean, label=label, **kw)
    ax.fill_between(
        x, mean - n_se * sem, mean + n_se * sem, color=line.get_color(), alpha=0.25, lw=0
    )


def git_commit(root: str | os.PathLike[str] = ".") -> str:
    """The current git commit (with ``+dirty`` if the tree has changes), or ``unknown``."""
    try:
        run = dict(cwd=root, capture_output=True, text=True, check=True, timeout=10)
        sha = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], **run).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], **run)
        return sha + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def save(
    fig: Figure,
    name: str,
    *,
    chapter: str,
    provenance: Mapping[str, Any] | None = None,
    root: str | os.PathLike[str] = ".",
    close: bool = False,
) -> Path:
    """Write ``fig`` to ``<root>/figures/<chapter>/<name>.{png,pdf,json}`` atomically.

    Returns the PNG path. ``provenance`` (profile, device, seed, …) is stamped into the files
    together with the git commit and the library version.
    """
    for label, value in (("name", name), ("chapter", chapter)):
        if not isinstance(value, str) or not _NAME.match(value):
            raise ValueError(f"{label}: expected a plain file name, got {value!r}")
    if not isinstance(fig, Figure):
        raise ValueError(f"fig: expected a matplotlib Figure, got {type(fig).__name__}")
    meta = {"commit": git_commit(root), "resprop": __version__, **dict(provenance or {})}
    text = json.dumps(meta, sort_keys=True, default=str)
    outdir = Path(root) / "figures" / chapter
    outdir.mkdir(parents=True, exist_ok=True)
    targets = {
        ".png": {"resprop:provenance": text, "Software": f"resprop {__version__}"},
        ".pdf": {"Keywords": text, "Creator": f"resprop {__version__}"},
    }
    written: list[tuple[Path, Path]] = []
    try:
        for suffix, metadata in targets.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=suffix, dir=outdir)
            os.close(fd)
            written.append((Path(tmp), outdir / f"{name}{suffix}"))
            fig.savefig(tmp, format=suffix[1:], metadata=metadata)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".json", dir=outdir)
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n")
        written.append((Path(tmp), outdir / f"{name}.json"))
    except BaseException:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, final in written:
        os.replace(tmp, final)
    if close:
        plt.close(fig)
    return outdir / f"{name}.png"
