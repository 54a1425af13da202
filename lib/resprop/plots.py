"""Plot idioms of the book: Monte Carlo bands against theory, 1/n extrapolations, slopes, maps.

Every helper draws on a given matplotlib ``Axes`` and returns what it drew, so a chapter keeps
control of the figure (layout, titles, ``ch.save``). Monte Carlo is always shown with ±``n_se``
standard errors (2 by default) and theory as lines, as CONTRIBUTING.md asks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch
from numpy.typing import ArrayLike

from .estimators import Extrapolation, extrapolate_inverse_n
from .figures import band

__all__ = [
    "category_legend",
    "category_map",
    "extrapolation_panel",
    "heatmap",
    "histogram_panel",
    "qq_panel",
    "slope_panel",
    "theory_band",
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
