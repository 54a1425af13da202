"""The figures of the synthesis chapter, drawn from the grids of ``resprop.synthesis_experiments``.

Each function takes computed results (no sampling here) and returns a matplotlib Figure; the
chapter saves it with its caption. Maps are ``plots.category_map`` panels over (a, β), one per
width; Monte Carlo elsewhere is points with ± 2 SE, theory lines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import plots
from .synthesis_experiments import ACTIVATIONS, KERNEL_NAMES, NAMES, FieldTheorySpread, Point
from .theory import log_gaussian, synthesis

__all__ = [
    "COLORS",
    "KERNEL_COLORS",
    "MARKERS",
    "collapse_figure",
    "dist_text",
    "kernel_map_figure",
    "law_map_figure",
    "rho_text",
    "tanh_spread_figure",
]

#: Colours of ``NAMES`` (mean field, log-Gaussian, ODE limit, none).
COLORS = ["#E69F00", "#0072B2", "#009E73", "#BBBBBB"]
#: Colours of ``KERNEL_NAMES`` (mean field, ODE limit, none), the same as on the law map.
KERNEL_COLORS = [COLORS[0], COLORS[2], COLORS[3]]
#: Marker of each width, in order, on the collapse figure.
MARKERS = "os^D"


def dist_text(p: Point) -> str:
    """A law-map cell's text: each theory's W₂ distance (``n/a`` where it has no prediction)."""
    return "\n".join(
        f"{t[:3]} {p['dist'][t]:.2g}" if t in p["dist"] else f"{t[:3]} n/a"
        for t in synthesis.THEORIES
    )


def rho_text(p: Point) -> str:
    """A kernel-map cell's text: measured ρ_L ± SE and each theory's ρ_L."""
    return f"ρ {p['rho']:.3f}±{p['se_rho']:.3f}\n" + "\n".join(
        f"{t[:3]} {p['pred'][t][0]:+.3f}" for t in synthesis.KERNEL_THEORIES
    )


def _draw_map(
    ax: Axes,
    cells: Mapping[tuple[float, float], Point],
    exponents: Sequence[float],
    betas: Sequence[float],
    names: Sequence[str],
    colors: Sequence[str],
    cell_text: Callable[[Point], str],
    title: str,
    fontsize: float = 6,
) -> None:
    """One panel over (a, β): colour = the winning theory of each cell, text = its numbers."""
    rows = [[cells[a, b] for b in betas] for a in exponents]
    plots.category_map(ax, [[p["best"] for p in r] for r in rows], names, colors,
                       text=[[cell_text(p) for p in r] for r in rows],
                       x_labels=[f"{b:g}" for b in betas],
                       y_labels=[f"{a:g}" for a in exponents], fontsize=fontsize)  # fmt: skip
    ax.set(xlabel=r"$\beta = L/n$", ylabel="branch exponent $a$")
    ax.set_title(title, fontsize=9)


def _grid_axes(cells: Mapping[tuple, Point], first: int = 0) -> list[list]:
    """A grid's (exponents, widths, betas), in the order they were run (from its keys
    (a, n, β), or (act, a, n, β) with ``first`` = 1)."""
    if not cells:
        raise ValueError("cells: the grid is empty")
    return [list(dict.fromkeys(k[first + i] for k in cells)) for i in range(3)]


def _map_axes(n_widths: int) -> tuple[Figure, np.ndarray]:
    return plt.subplots(
        2, n_widths, figsize=(4.4 * n_widths, 8.4), gridspec_kw=dict(wspace=0.3, hspace=0.35)
    )


def _legend_and_title(
    fig: Figure, names: Sequence[str], colors: Sequence[str], title: str
) -> Figure:
    """The maps' shared legend of categories and their title, above the panels."""
    plots.category_legend(fig, names, colors)
    fig.suptitle(title, y=0.995)
    return fig


def law_map_figure(
    grid: Mapping[tuple, Point], tgrid: Mapping[tuple, Point], n_networks: int, kernel_networks: int
) -> Figure:
    """Which theory wins the law of ln(q_L/q_0): ReLU (top row) and tanh (bottom), one column
    per width, each cell listing every theory's W₂ distance."""
    exponents, widths, betas = _grid_axes(grid)
    fig, axes = _map_axes(len(widths))
    for col, n in enumerate(widths):
        for row, cells, title in (
            (0, grid, f"ReLU, n = {n}, {n_networks} networks per point"),
            (1, tgrid, f"tanh, n = {n}, {kernel_networks} networks/point (log-Gaussian n/a)"),
        ):
            cells_n = {(a, b): cells[a, n, b] for a in exponents for b in betas}
            _draw_map(axes[row, col], cells_n, exponents, betas, NAMES, COLORS, dist_text, title)
    title = r"Which theory predicts the law of $\ln(q_L/q_0)$ best (W$_2$ distance, nats, per "
    title += "theory)"
    return _legend_and_title(fig, NAMES, COLORS, title)


def kernel_map_figure(kgrid: Mapping[tuple, Point], n_networks: int, rho0: float) -> Figure:
    """The closer kernel theory for the final correlation ρ_L: ReLU (top) and tanh (bottom),
    one column per width, each cell with the measured ρ_L ± SE and each theory's value."""
    exponents, widths, betas = _grid_axes(kgrid, first=1)
    fig, axes = _map_axes(len(widths))
    for row, act in enumerate(ACTIVATIONS):
        for col, n in enumerate(widths):
            cells_n = {(a, b): kgrid[act, a, n, b] for a in exponents for b in betas}
            title = f"{act}, n = {n}, {n_networks} networks per point"
            _draw_map(axes[row, col], cells_n, exponents, betas, KERNEL_NAMES, KERNEL_COLORS,
                      rho_text, title, fontsize=5.5)  # fmt: skip
    title = (
        rf"Final-layer correlation $\rho_L$ from $\rho_0$ = {rho0:g}: measured mean ± SE, and each "
        "theory's value; colour = closer theory"
    )
    return _legend_and_title(fig, KERNEL_NAMES, KERNEL_COLORS, title)


def collapse_figure(
    grid: Mapping[tuple, Point], n_networks: int, *, branch_scale: float, sigma_w2: float
) -> Figure:
    """n·Var ln(q_L/q_0)/(C L^(1−2a)), C = τ²σ_w², against L: the measured points (± 2 SE) and
    the leading-order log-Gaussian variance (lines) per exponent, with its three limiting
    constants (dashed: a < ½, a = ½, a > ½)."""
    exponents, widths, betas = _grid_axes(grid)
    total = branch_scale**2 * sigma_w2
    slope = synthesis.small_c_slope()
    crit = synthesis.critical_variance(total) / total
    depths_th = np.unique(np.geomspace(8, 4096, 40).astype(int))
    fig, ax = plt.subplots(figsize=(6.8, 4.4))
    for i, a in enumerate(exponents):
        color = f"C{i}"
        th = [
            log_gaussian.log_norm_moments(
                synthesis.branch_variance(
                    L, branch_scale=branch_scale, branch_exponent=a, sigma_w2=sigma_w2
                ),
                1,
                L,
            )[1]
            / (total * L ** (1 - 2 * a))
            for L in depths_th
        ]
        ax.plot(depths_th, th, color=color, lw=1.2, label=f"a = {a:g}, leading-order theory")
        for n, marker in zip(widths, MARKERS, strict=False):
            pts = [grid[a, n, b] for b in betas]
            L = np.array([p["L"] for p in pts])
            scale = n / (total * L ** (1 - 2 * a))
            y = np.array([p["var"] for p in pts]) * scale
            e = np.array([p["se_var"] for p in pts]) * scale
            ax.errorbar(L, y, 2 * e, color=color, marker=marker, ls="none", ms=4, capsize=2)
    for val, lab in [(slope, "a < ½ limit"), (crit, "a = ½ limit"), (2.0, "a > ½ limit")]:
        ax.axhline(val, color="k", ls="--", lw=0.8)
        ax.text(4096, val, f"{lab}: {val:.2f}", va="bottom", ha="right", fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("depth $L$")
    ax.set_ylabel(r"$n\,\mathrm{Var}\ln(q_L/q_0)\; / \;(\tau^2\sigma_w^2 L^{1-2a})$")
    ax.set_title(
        f"Collapse test, ReLU, $\\tau^2\\sigma_w^2$ = {total:g}; points: "
        + ", ".join(f"n = {n} ({m})" for n, m in zip(widths, MARKERS, strict=False))
        + f", {n_networks} nets, ±2 SE",
        fontsize=8,
    )
    ax.legend(fontsize=7, loc="upper left")
    return fig


def tanh_spread_figure(ft: FieldTheorySpread) -> Figure:
    """N·Var ln q_L (± 2 SE) against 1/N with its fit a + b/N and the extrapolated value
    (square), against the field theory's closures and the Gaussian-process value (levels)."""
    fig, ax = plt.subplots(figsize=(6, 4))
    ext = ft.fit
    plots.extrapolation_panel(ax, ft.widths, ft.y, ft.se, label="Monte Carlo", fit=ext)
    ax.errorbar([0], [ext.value], [2 * ext.se], fmt="s", color="C0", capsize=3)
    for (name, val), st in zip(ft.theory.items(), ["-", ":", "--"], strict=True):
        ax.axhline(val, color="k", ls=st, lw=1, label=f"{name}: {val:.3f}")
    ax.set(xlabel="1/N", ylabel=r"$N\,\mathrm{Var}\ln q_L$", xlim=(-0.0005, None))
    ax.legend(fontsize=7)
    return fig
