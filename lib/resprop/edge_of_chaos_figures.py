"""The figures of chapter 01 (mean-field residual networks), drawn from the results of
``resprop.edge_of_chaos``.

Each function takes computed results (no sampling here) and returns a matplotlib Figure; the
chapter saves it with its caption. Monte Carlo appears as points or bands with ± 2 SE, theory
(the mean-field recursion, the closed forms, the level sets) as lines.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .edge_of_chaos import (
    ACTIVATIONS,
    ARCHITECTURES,
    KernelRoutes,
    ReluBoundary,
    TanhBoundary,
    chi_samples,
    cosine,
)
from .estimators import log_mean_exp
from .figures import band
from .theory import mean_field as mf
from .training import Dataset, chance

__all__ = [
    "STYLE",
    "boundary_band",
    "dynamics_figure",
    "kernel_routes_figure",
    "log_cell_edges",
    "trainability_figure",
]

STYLE = {
    "feedforward": dict(color="#D55E00"),
    "reduced": dict(color="#0072B2"),
    "full": dict(color="#009E73"),
}
"""Colour of each architecture."""


def dynamics_figure(
    sim: Mapping[tuple[str, str], Any], theory: Mapping[tuple[str, str], Any]
) -> Figure:
    """3 × 3 panels: p^l, the cosine e^l (1 − e^l for ReLU) and χ⁰/χ^l against l per
    activation (rows) and architecture (colours): recursion (lines) against Monte Carlo
    (circles at a dozen log-spaced layers, bands ± 2 SE). ``sim``, ``theory``: the results of
    ``edge_of_chaos.simulate_families``."""
    if not sim or set(sim) != set(theory):
        raise ValueError("sim, theory: expected the two results of simulate_families")
    rec0 = next(iter(sim.values()))
    B, L = rec0.log_sq_norm.shape[:2]
    L -= 1
    n = rec0.network.width
    layers = np.arange(L + 1)
    x = layers[1:]
    marks = np.unique(np.geomspace(1, L, 12).astype(int)) - 1  # Monte Carlo means as circles
    fig, axes = plt.subplots(3, 3, figsize=(13, 10.5))
    for i, act_label in enumerate(ACTIVATIONS):
        ax_p, ax_e, ax_chi = axes[i]
        for arch in ARCHITECTURES:
            rec, th, st = sim[act_label, arch], theory[act_label, arch], STYLE[arch]
            lp, se = log_mean_exp(rec.log_sq_norm[:, :, 0], axis=0)
            ax_p.fill_between(
                x, np.exp(lp - 2 * se)[1:], np.exp(lp + 2 * se)[1:], alpha=0.3, lw=0, **st
            )
            ax_p.plot(x[marks], np.exp(lp[1:])[marks], "o", ms=3, mfc="none", **st)
            ax_p.plot(x, th.p[1:, 0], label=f"{arch}", **st)
            lc, se = log_mean_exp(chi_samples(rec), axis=0)
            ax_chi.fill_between(
                x, np.exp(lc - 2 * se)[1:], np.exp(lc + 2 * se)[1:], alpha=0.3, lw=0, **st
            )
            ax_chi.plot(x[marks], np.exp(lc[1:])[marks], "o", ms=3, mfc="none", **st)
            ax_chi.plot(x, th.chi_ratio[1:, 0], **st)
            e, se = cosine(rec)
            if act_label == "ReLU":
                ax_e.fill_between(
                    x, (1 - e - 2 * se)[1:], (1 - e + 2 * se)[1:], alpha=0.3, lw=0, **st
                )
                ax_e.plot(x, th.epsilon[1:, 0], **st)
            else:
                band(ax_e, x, e[1:], se[1:], label=None, lw=0, **st)
                ax_e.plot(x, th.e[1:, 0], **st)
        ax_p.set(xscale="log", yscale="log", ylabel=f"{act_label}\n$p^{{(l)}}$", title="length $p$")
        ylab = "$1 - e^{(l)}$" if act_label == "ReLU" else "$e^{(l)}$"
        ax_e.set(
            xscale="log",
            yscale="log" if act_label == "ReLU" else "linear",
            ylabel=ylab,
            title="cosine of two inputs ($e^{(0)} = 0.8$)",
        )
        ax_chi.set(
            xscale="log",
            yscale="log",
            ylabel=r"$\chi^{(0)}/\chi^{(l)}$",
            title="gradient explosion",
        )
        ax_p.legend(title="line: recursion; ○ and band:\nMonte Carlo mean ± 2 SE", loc="upper left")
    for ax in axes[-1]:
        ax.set_xlabel("layer $l$")
    fig.suptitle(f"Mean field vs Monte Carlo: n = {n}, {B} networks per curve")
    fig.tight_layout()
    return fig


def kernel_routes_figure(kr: KernelRoutes) -> Figure:
    """The α-ReLU kernel by its routes (left), each route's deviation from the closed form
    (middle) and the Monte Carlo z-scores with the ±4 band (right)."""
    if not isinstance(kr, KernelRoutes):
        raise TypeError(f"kr: expected KernelRoutes, got {type(kr).__name__}")
    cs = kr.cs
    fig, (ax_k, ax_err, ax_z) = plt.subplots(1, 3, figsize=(14, 4))
    for a, r in kr.routes.items():
        (line,) = ax_k.plot(cs, r["closed"], label=f"α = {a:g}")
        col = line.get_color()
        ax_k.plot(cs, r["bessel"], "s", mfc="none", color=col, ms=6)
        ax_k.plot(cs, r["quad"], "x", color=col, ms=5)
        ax_k.errorbar(cs, r["mc"], yerr=2 * r["mc_se"], fmt="o", ms=2.5, color=col, lw=0.8)
        for key, mark in (("bessel", "s"), ("quad", "x"), ("hyp", "^")):
            dev = np.abs(r[key] - r["closed"])
            ax_err.semilogy(cs, np.maximum(dev, 1e-18), mark, color=col, mfc="none", ms=5)
        ax_z.plot(cs, r["z"], "o-", color=col, ms=3, lw=0.8)
    ax_k.set(
        xlabel="correlation $c$",
        ylabel=r"$F_\alpha(c)$",
        title="line: closed form; □ Bessel $K_0$; × quadrature; ● MC ±2 SE",
    )
    ax_k.legend()
    ax_err.set(
        xlabel="correlation $c$",
        ylabel="|route − closed form|",
        title="□ Bessel, × quadrature, △ ₂F₁ in $c^2$",
        ylim=(1e-18, 1e-8),
    )
    ax_z.axhspan(-4, 4, color="0.9")
    ax_z.set(
        xlabel="correlation $c$",
        ylabel="(MC − closed form) / SE",
        title="Monte Carlo, in standard errors",
    )
    fig.tight_layout()
    return fig


def log_cell_edges(v: np.ndarray) -> np.ndarray:
    """Cell edges of log-spaced centres ``v``: geometric midpoints, extended by half a step."""
    lv = np.log(v)
    mid = (lv[1:] + lv[:-1]) / 2
    return np.exp(np.concatenate([[2 * lv[0] - mid[0]], mid, [2 * lv[-1] - mid[-1]]]))


def boundary_band(
    ax: Axes, fit: Any, grid_step: float, y: np.ndarray, color: str, label: str
) -> None:
    """Seed-mean boundary with ±2 SE (bootstrap and grid resolution Δ/√12) as a shaded band."""
    se = np.hypot(fit.mean_se, grid_step / math.sqrt(12))
    ax.fill_betweenx(
        y, np.exp(fit.mean - 2 * se), np.exp(fit.mean + 2 * se), color=color, alpha=0.35, lw=0
    )
    ax.plot(np.exp(fit.mean), y, "o-", color=color, ms=4, label=label)


def trainability_figure(data: Dataset, tanh: TanhBoundary, relu: ReluBoundary) -> Figure:
    """Heat maps of the seed-mean test accuracy: tanh over (σ_w², L), α-ReLU over (σ_w², σ_v²),
    with the measured boundary (band ± 2 SE), the exact recursion's level set through it
    (solid), the asymptotic law (dashed) and σ_w² = 1 (dotted)."""
    if not isinstance(tanh, TanhBoundary) or not isinstance(relu, ReluBoundary):
        raise TypeError("tanh, relu: expected a TanhBoundary and a ReluBoundary")
    depths, sw2L, acc, fit, log_L = tanh.depths, tanh.sw2L, tanh.acc, tanh.fit, tanh.log_L
    level = tanh.level
    alpha, sv_grid, kappa, relu_fit = relu.alpha, relu.sv_grid, relu.kappa, relu.fit
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 5.4), layout="constrained")
    L_edge = log_cell_edges(depths.astype(float))
    mesh = ax.pcolormesh(
        log_cell_edges(sw2L)[None, :] / L_edge[:, None],
        np.broadcast_to(L_edge[:, None], (len(L_edge), len(sw2L) + 1)),
        acc.mean(0),
        cmap="magma",
        vmin=chance(data),
        vmax=1,
    )
    ll = np.unique(np.geomspace(L_edge[0], L_edge[-1], 40).astype(int))
    ax.plot(
        mf.sigma_w2_level_set("log_chi", level, ll, sigma_v2=1.0, p0=data.mean_sq_norm),
        ll,
        "k-",
        lw=1.4,
        label=f"exact recursion: ln χ⁰/χ^L = {level:.1f}",
    )
    ax.plot(
        np.exp(np.mean(fit.mean + log_L)) / ll,
        ll,
        "k--",
        lw=1.2,
        label=f"asymptotic law: σ_w²·L = {np.exp(np.mean(fit.mean + log_L)):.0f}",
    )
    boundary_band(ax, fit, np.log(sw2L[1] / sw2L[0]), depths, "#56B4E9", "measured boundary ±2 SE")
    ax.axvline(1.0, color="#009E73", ls=":", lw=1.5, label="Xavier σ_w² = 1")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel=r"$\sigma_w^2$",
        ylabel="depth $L$",
        title=f"tanh FRN, {data.name}: accuracy over $(\\sigma_w^2, L)$",
    )
    ax.set_yticks(depths, [str(L) for L in depths], minor=False)
    ax.set_yticks([], minor=True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=7)
    sv_edge = log_cell_edges(sv_grid)
    bx.pcolormesh(
        (log_cell_edges(kappa)[None, :] / sv_edge[:, None]) ** (1 / alpha),
        np.broadcast_to(sv_edge[:, None], (len(sv_edge), len(kappa) + 1)),
        relu.acc.mean(0),
        cmap="magma",
        vmin=chance(data),
        vmax=1,
    )
    vv = np.geomspace(sv_edge[0], sv_edge[-1], 30)
    bx.plot(
        mf.sigma_w2_level_set(
            "log_s", relu.s_level, relu.depth, sigma_v2=vv, sigma_w2_range=(1e-5, 1e4), **relu.mf_kw
        ),
        vv,
        "k-",
        lw=1.4,
        label=f"exact recursion: $\\ln s^{{(L)}}$ = {relu.s_level:.1f}",
    )
    k_mid = np.exp(np.mean(alpha * relu_fit.mean + relu.log_sv))
    bx.plot(
        (k_mid / vv) ** (1 / alpha),
        vv,
        "k--",
        lw=1.2,
        label=f"asymptotic law: $\\sigma_v^2\\sigma_w^{{2\\alpha}}$ = {k_mid:.2f}",
    )
    boundary_band(
        bx,
        relu_fit,
        np.log(kappa[1] / kappa[0]) / alpha,
        sv_grid,
        "#56B4E9",
        "measured boundary ±2 SE",
    )
    bx.axvline(1.0, color="#009E73", ls=":", lw=1.5, label="σ_w² = 1")
    bx.set(
        xscale="log",
        yscale="log",
        xlabel=r"$\sigma_w^2$",
        ylabel=r"$\sigma_v^2$",
        title=f"α-ReLU (α = {alpha:g}) FRN, L = {relu.depth}, {data.name}",
    )
    bx.set_yticks(sv_grid, [f"{v:g}" for v in sv_grid], minor=False)
    bx.set_yticks([], minor=True)
    bx.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=7)
    fig.colorbar(mesh, ax=[ax, bx], label="test accuracy (mean over seeds)", fraction=0.04)
    return fig
