"""Plot idioms of the book: Monte Carlo bands against theory, 1/n extrapolations, slopes, maps.

Every helper draws on a given matplotlib ``Axes`` and returns what it drew, so a chapter keeps
control of the figure (layout, titles, ``ch.save``). Monte Carlo is always shown with ±``n_se``
standard errors (2 by default) and theory as lines, as CONTRIBUTING.md asks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.stats
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, LogNorm
from matplotlib.patches import Patch
from matplotlib.ticker import NullLocator
from numpy.typing import ArrayLike

from .estimators import Extrapolation, extrapolate_inverse_n
from .figures import band

__all__ = [
    "annotated_heatmaps",
    "band_with_spread",
    "category_legend",
    "category_map",
    "errorbar_estimates",
    "extrapolation_panel",
    "heatmap",
    "histogram_panel",
    "law_vs_histogram",
    "qq_against_normal",
    "qq_panel",
    "slope_panel",
    "theory_band",
    "width_axis",
]

Law = tuple[str, Callable[[np.ndarray], np.ndarray], str]  # (label, pdf or ppf, format string)


def theory_band(
    ax: Axes,
    x: ArrayLike,
    mean: ArrayLike,
    se: ArrayLike,
    *,
    label: str,
    theory: ArrayLike | None = None,
    theory_x: ArrayLike | None = None,
    theory_label: str = "theory",
    n_se: float = 2.0,
    color: str | None = None,
) -> None:
    """Monte Carlo mean with a ±n_se·SE band, and the theory y(x) as a black line.

    ``theory`` is evaluated at ``theory_x`` (default ``x``); ``None`` draws no theory line.
    """
    x, mean, se = (np.asarray(v, float) for v in (x, mean, se))
    band(ax, x, mean, se, label=label, n_se=n_se, color=color)
    if theory is not None:
        tx = x if theory_x is None else np.asarray(theory_x, float)
        ax.plot(tx, np.asarray(theory, float), "k-", lw=1, label=theory_label)


def extrapolation_panel(
    ax: Axes,
    n: ArrayLike,
    y: ArrayLike,
    se: ArrayLike,
    *,
    label: str,
    fit: Extrapolation | None = None,
    theory: float | None = None,
    theory_label: str | None = None,
    color: str = "C0",
    marker: str = "o",
    n_se: float = 2.0,
) -> Extrapolation:
    """y(n) ± n_se·SE against 1/n, the weighted fit a + b/n (dashed) and the theory (level).

    ``fit`` defaults to ``extrapolate_inverse_n(n, y, se)``; the fitted line runs from 1/n = 0
    to the smallest width, and its label gives a ± SE(a). Returns the fit.
    """
    n, y, se = (np.asarray(v, float) for v in (n, y, se))
    fit = extrapolate_inverse_n(n, y, se) if fit is None else fit
    ax.errorbar(1 / n, y, yerr=n_se * se, fmt=marker, color=color, ms=4, label=label)
    xg = np.linspace(0, 1 / n.min(), 50)
    ax.plot(
        xg,
        np.polyval(fit.coefficients[::-1], xg),
        "--",
        color=color,
        lw=1,
        label=f"fit a + b/n: a = {fit.value:.3f} ± {fit.se:.3f}",
    )
    if theory is not None:
        ax.axhline(
            theory,
            color=color,
            lw=1.5,
            alpha=0.6,
            label=theory_label or f"theory {theory:.3f}",
        )
    ax.set_xlabel("1/n")
    return fit


def slope_panel(
    ax: Axes,
    x: ArrayLike,
    y: ArrayLike,
    se: ArrayLike,
    *,
    slope: float,
    intercept: float,
    label: str,
    fit_label: str | None = None,
    color: str = "C0",
    n_se: float = 2.0,
) -> None:
    """Log-log panel: y ± n_se·SE at x (points) and the power law e^intercept·x^slope (dashed).

    Error bars are clipped at y/100 so a large SE never draws below zero on the log axis.
    """
    x, y, se = (np.asarray(v, float) for v in (x, y, se))
    lower = np.minimum(n_se * se, y * 0.99)
    ax.errorbar(x, y, yerr=[lower, n_se * se], fmt="o", color=color, ms=4, label=label)
    xg = np.geomspace(x.min(), x.max(), 50)
    ax.plot(
        xg,
        np.exp(intercept) * xg**slope,
        "--",
        color=color,
        lw=1,
        label=fit_label or f"slope {slope:.3f}",
    )
    ax.set(xscale="log", yscale="log")


def heatmap(
    ax: Axes,
    x: ArrayLike,
    y: ArrayLike,
    z: ArrayLike,
    *,
    levels: ArrayLike | None = None,
    cmap: str = "viridis",
    colorbar: str | None = None,
    contour_color: str = "w",
    **mesh_kw: Any,
) -> Any:
    """z[i, j] at (x[j], y[i]) as a colour mesh, with contour lines at ``levels`` (labelled).

    ``colorbar`` is the colour bar's label (no bar when ``None``). Returns the mesh.
    """
    x, y, z = (np.asarray(v, float) for v in (x, y, z))
    if z.shape != (y.size, x.size):
        raise ValueError(f"z: expected shape (len(y), len(x)) = {(y.size, x.size)}, got {z.shape}")
    mesh = ax.pcolormesh(x, y, z, cmap=cmap, shading="nearest", **mesh_kw)
    if levels is not None:
        lines = ax.contour(x, y, z, levels=np.asarray(levels, float), colors=contour_color)
        ax.clabel(lines, fontsize=7)
    if colorbar is not None:
        ax.figure.colorbar(mesh, ax=ax, label=colorbar)
    return mesh


def histogram_panel(
    ax: Axes,
    samples: ArrayLike,
    laws: Sequence[Law],
    *,
    bins: int = 80,
    span: tuple[float, float] | None = None,
) -> None:
    """Monte Carlo density (grey histogram) with the predicted densities as lines.

    ``laws``: (label, pdf, format) triples, each pdf drawn on 400 points. With ``span`` the
    histogram covers only that interval but stays normalised by *all* samples (so tails outside
    it are not folded in); without, it covers the samples' range with ``density=True``.
    """
    x = np.asarray(samples, float).ravel()
    if span is None:
        ax.hist(x, bins=bins, density=True, color="0.75", label="Monte Carlo")
        grid = np.linspace(x.min(), x.max(), 400)
    else:
        edges = np.linspace(*span, bins + 1)
        weights = np.full(x.size, 1 / (x.size * (edges[1] - edges[0])))
        ax.hist(x, bins=edges, weights=weights, color="0.75", label="Monte Carlo")
        grid = np.linspace(*span, 4 * bins + 1)
    for label, pdf, fmt in laws:
        ax.plot(grid, pdf(grid), fmt, label=label)


def qq_panel(ax: Axes, samples: ArrayLike, laws: Sequence[Law], q: ArrayLike) -> np.ndarray:
    """QQ plot: the samples' quantiles at levels ``q`` against each law's ppf, and the diagonal.

    ``laws``: (label, ppf, format) triples. Returns the empirical quantiles.
    """
    q = np.asarray(q, float)
    emp = np.quantile(np.asarray(samples, float), q)
    for label, ppf, fmt in laws:
        ax.plot(ppf(q), emp, fmt, ms=2.5, label=label)
    top = np.abs(emp).max()
    ax.plot([-top, top], [-top, top], "k:", lw=0.8)
    return emp


def category_map(
    ax: Axes,
    winners: Sequence[Sequence[str]],
    names: Sequence[str],
    colors: Sequence[str],
    *,
    text: Sequence[Sequence[str]] | None = None,
    x_labels: Sequence[str],
    y_labels: Sequence[str],
    fontsize: float = 6,
) -> None:
    """A grid of cells coloured by category (``winners[i][j]`` ∈ ``names``), with cell text.

    Row i is the y tick ``y_labels[i]`` (drawn bottom up), column j the x tick ``x_labels[j]``;
    ``colors[k]`` colours ``names[k]``. The legend is left to ``category_legend``.
    """
    if len(names) != len(colors):
        raise ValueError(f"colors: need one per name ({len(names)}), got {len(colors)}")
    unknown = {w for row in winners for w in row} - set(names)
    if unknown:
        raise ValueError(f"winners: categories {sorted(unknown)} are not among names {list(names)}")
    img = np.array([[list(names).index(w) for w in row] for row in winners])
    ax.imshow(
        img,
        cmap=ListedColormap(list(colors)),
        vmin=-0.5,
        vmax=len(names) - 0.5,
        origin="lower",
        aspect="auto",
    )
    for i, row in enumerate(text or []):
        for j, label in enumerate(row):
            ax.text(j, i, label, ha="center", va="center", fontsize=fontsize)
    ax.set_xticks(range(len(x_labels)), list(x_labels))
    ax.set_yticks(range(len(y_labels)), list(y_labels))
    ax.grid(False)


def category_legend(fig: Any, names: Sequence[str], colors: Sequence[str]) -> Any:
    """One legend for a figure of category maps, centred above the panels."""
    handles = [Patch(color=c, label=t) for c, t in zip(colors, names, strict=True)]
    return fig.legend(
        handles=handles, loc="upper center", ncol=len(names), bbox_to_anchor=(0.5, 0.97)
    )


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
