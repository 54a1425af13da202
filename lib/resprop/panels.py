"""Plot idioms shared by chapters: small functions that draw onto a given matplotlib Axes.

Each draws one recurring element the same way everywhere (Monte Carlo as mean ± 2 SE, theory as
lines) and returns what it drew, so a chapter's figure cell is a few calls.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.stats
from matplotlib.colors import LogNorm
from matplotlib.ticker import NullLocator
from numpy.typing import ArrayLike

from .figures import band

__all__ = [
    "annotated_heatmaps",
    "band_with_spread",
    "errorbar_estimates",
    "law_vs_histogram",
    "qq_against_normal",
    "width_axis",
]


def width_axis(ax: Any, widths: Sequence[int]) -> None:
    """Log x axis with one labelled tick per width and no minor ticks."""
    ax.set_xscale("log")
    ax.set_xticks(widths, [str(n) for n in widths])
    ax.xaxis.set_minor_locator(NullLocator())


def band_with_spread(ax: Any, x: ArrayLike, samples: np.ndarray, *, label: str) -> None:
    """Mean over samples (axis 0) as a ± 2 SE band, and thin lines at mean ± 1 sd.

    SE = sd/√B: the band is where the mean is, the thin lines where single samples are.
    """
    samples = np.asarray(samples, dtype=float)
    if samples.ndim != 2 or samples.shape[0] < 2:
        raise ValueError(f"samples: expected shape (B ≥ 2, len(x)), got {samples.shape}")
    m, sd = samples.mean(0), samples.std(0, ddof=1)
    band(ax, x, m, sd / math.sqrt(len(samples)), label=label)
    color = ax.lines[-1].get_color()
    for edge in (m - sd, m + sd):
        ax.plot(x, edge, lw=0.5, color=color, alpha=0.6)


def errorbar_estimates(ax: Any, x: ArrayLike, estimates: ArrayLike, **kw: Any) -> Any:
    """Points (x, mean) with ± 2 SE bars; ``estimates`` is (len(x), 2) of (mean, SE)."""
    est = np.asarray(estimates, dtype=float).reshape(-1, 2)
    kw.setdefault("capsize", 2)
    return ax.errorbar(x, est[:, 0], yerr=2 * est[:, 1], **kw)


def annotated_heatmaps(
    axes: Sequence[Any],
    grids: Mapping[str, np.ndarray],
    xticks: Sequence[Any],
    yticks: Sequence[Any],
    *,
    vmax: float = math.inf,
    note: str = "dead",
) -> Any:
    """Heat maps of ``grids`` {title: (rows, cols, 3) of (value, SE, count)} on one log colour
    scale (clipped at ``vmax``), each cell labelled with its value and, if > 0, its count.

    Returns the last image (for a shared colour bar).
    """
    values = np.concatenate([g[..., 0].ravel() for g in grids.values()])
    norm = LogNorm(vmin=values.min(), vmax=min(values.max(), vmax))
    mid = np.sqrt(norm.vmin * norm.vmax)
    for ax, (title, g) in zip(axes, grids.items(), strict=True):
        im = ax.imshow(g[..., 0], origin="lower", norm=norm, cmap="viridis", aspect="auto")
        for (i, j), v in np.ndenumerate(g[..., 0]):
            count = int(g[i, j, 2])
            text = f"{v:.2g}" + (f"\n{count} {note}" if count else "")
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color="w" if v < mid else "k")
        ax.set_xticks(range(len(xticks)), xticks)
        ax.set_yticks(range(len(yticks)), yticks)
        ax.set(title=title)
        ax.grid(False)
    return im


def qq_against_normal(
    ax: Any, samples: Mapping[str, np.ndarray], n_quantiles: int = 2000
) -> np.ndarray:
    """QQ lines of each sample {label: values} against the standard normal, plus the diagonal
    (``N(0, q) (limit)``); returns the normal quantiles used."""
    probs = (np.arange(1, n_quantiles + 1) - 0.5) / n_quantiles
    normal_q = scipy.stats.norm.ppf(probs)
    for label, x in samples.items():
        ax.plot(normal_q, np.quantile(x, probs), lw=1.2, label=label)
    ax.plot(normal_q, normal_q, "k--", lw=1, label="N(0, q) (limit)")
    return normal_q


def law_vs_histogram(ax: Any, law: Any, samples: ArrayLike, *, label: str, bins: int = 60) -> None:
    """A frozen ``scipy.stats`` law's pdf (line, on its 10⁻⁴…1 − 10⁻⁴ quantile range) and the
    samples' density histogram in the same colour."""
    grid = np.linspace(law.ppf(1e-4), law.ppf(1 - 1e-4), 200)
    (line,) = ax.plot(grid, law.pdf(grid), label=label)
    ax.hist(samples, bins=bins, density=True, histtype="step", color=line.get_color())
