"""One matplotlib style for the whole book, and atomic figure files with provenance.

``save(fig, name, chapter=..., caption=...)`` writes ``figures/<chapter>/<name>.png``, ``.pdf``
and a ``.json`` sidecar (provenance and caption). All three are drawn into temporary files first
and renamed into place only when all succeeded, so a failure while drawing never replaces a good
figure by a half-written one. It returns a :class:`SavedFigure`, whose notebook display is a
numbered MyST figure with the caption. While a chapter executes through ``resprop.book``,
``root`` is the chapter's staging directory, moved into place only when the whole chapter ran.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from . import __version__

__all__ = [
    "STYLE",
    "SavedFigure",
    "alt_from_caption",
    "band",
    "clean_temporaries",
    "git_commit",
    "save",
    "use_style",
]

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
TMP_SUFFIX = ".resprop-tmp"  # temporary files of save(), removed by clean_temporaries()


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


@dataclass(frozen=True)
class SavedFigure:
    """A saved figure; its notebook display is a numbered MyST ``{figure}`` with its caption.

    ``path`` is where the PNG was written (a staging directory while a chapter executes);
    ``src`` is the path the book uses, relative to the chapter's page:
    ``figures/<chapter>/<name>.png``.
    """

    path: Path
    chapter: str
    name: str
    caption: str
    alt: str

    @property
    def label(self) -> str:
        """The MyST label, for ``{numref}`fig-<chapter>-<name>``` references in prose."""
        return f"fig-{self.chapter}-{self.name}"

    @property
    def src(self) -> str:
        return f"figures/{self.chapter}/{self.name}.png"

    def __fspath__(self) -> str:
        return os.fspath(self.path)

    def __repr__(self) -> str:
        return f"<figure {self.label}: {self.caption[:60]}>"

    def _repr_markdown_(self) -> str:
        return (
            f"```{{figure}} {self.src}\n:name: {self.label}\n:alt: {self.alt}\n\n"
            f"{self.caption}\n```\n"
        )


def alt_from_caption(caption: str, limit: int = 150) -> str:
    """Alt text from a caption: its first sentence on one line, without Markdown or TeX markup."""
    text = re.sub(r"\{[a-z]+\}`([^`]*)`", r"\1", caption)  # {numref}`x` -> x
    text = re.sub(r"[`*_$\\{}]", "", text)
    text = " ".join(text.split())
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def save(
    fig: Figure,
    name: str,
    *,
    chapter: str,
    caption: str,
    alt: str | None = None,
    provenance: Mapping[str, Any] | None = None,
    root: str | os.PathLike[str] = ".",
) -> SavedFigure:
    """Write ``fig`` to ``<root>/figures/<chapter>/<name>.{png,pdf,json}`` atomically, close it.

    ``caption`` (required, written from the run: what is plotted, n, L, networks, sampler,
    profile) and ``alt`` (default: the caption's first sentence) go into the JSON sidecar with
    the provenance (git commit, profile, device, seed, library version), which is also stamped
    into the PNG's text metadata and the PDF's ``Keywords``. Each file is drawn into a temporary
    file and renamed into place only when all three succeeded; files are mode 0644.
    """
    for label, value in (("name", name), ("chapter", chapter)):
        if not isinstance(value, str) or not _NAME.match(value):
            raise ValueError(f"{label}: expected a plain file name, got {value!r}")
    if not isinstance(fig, Figure):
        raise ValueError(f"fig: expected a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(caption, str) or not caption.strip():
        raise ValueError("caption: a figure needs a non-empty caption written from the run")
    if alt is not None and (not isinstance(alt, str) or not alt.strip()):
        raise ValueError("alt: expected non-empty alt text, or None to derive it from the caption")
    caption = caption.strip()
    alt = " ".join(alt.split()) if alt is not None else alt_from_caption(caption)
    meta: dict[str, Any] = {"resprop": __version__, **dict(provenance or {})}
    meta.setdefault("commit", git_commit(root))
    text = json.dumps(meta, sort_keys=True, default=str)
    outdir = Path(root) / "figures" / chapter
    outdir.mkdir(parents=True, exist_ok=True)
    targets = {
        ".png": {"resprop:provenance": text, "Software": f"resprop {__version__}"},
        ".pdf": {"Keywords": text, "Creator": f"resprop {__version__}"},
    }
    sidecar = {**meta, "caption": caption, "alt": alt, "label": f"fig-{chapter}-{name}"}
    written: list[tuple[Path, Path]] = []
    try:
        for suffix, metadata in targets.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=suffix + TMP_SUFFIX, dir=outdir)
            os.close(fd)
            written.append((Path(tmp), outdir / f"{name}{suffix}"))
            fig.savefig(tmp, format=suffix[1:], metadata=metadata)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".json" + TMP_SUFFIX, dir=outdir)
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(sidecar, indent=2, sort_keys=True, default=str) + "\n")
        written.append((Path(tmp), outdir / f"{name}.json"))
        for tmp, _ in written:
            os.chmod(tmp, 0o644)
    except BaseException:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, final in written:
        os.replace(tmp, final)
    plt.close(fig)
    return SavedFigure(outdir / f"{name}.png", chapter, name, caption, alt)


def clean_temporaries(directory: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files a killed :func:`save` left in ``directory``; return them."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    stale = [p for p in directory.glob(f".*{TMP_SUFFIX}") if p.is_file()]
    for p in stale:
        p.unlink(missing_ok=True)
    return stale
