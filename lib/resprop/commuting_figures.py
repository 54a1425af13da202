"""The figures of chapter 03 (commuting limits), drawn from the results of ``resprop.commuting``.

Each function takes computed results (no sampling here) and returns a matplotlib Figure; the
chapter saves it with its caption. Monte Carlo appears as points or bands with ± 2 SE, theory
as lines, built from the idioms of ``resprop.plots``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .commuting import MLP, RESNET, DepthFirst, GPData, record_kernels
from .plots import (
    annotated_heatmaps,
    band_with_spread,
    errorbar_estimates,
    law_vs_histogram,
    qq_against_normal,
    width_axis,
)
from .simulate import Record
from .theory import depth_limit as dl

__all__ = [
    "branch_exponent_figure",
    "error_heatmaps_figure",
    "gaussianity_figure",
    "gp_figure",
    "kernel_flow_figure",
    "linear_depth_first_figure",
    "order_of_limits_figure",
    "paths_figure",
    "recursion_figure",
    "sde_convergence_figure",
]

_ENTRIES = [(0, 0), (0, 1)]


def kernel_flow_figure(
    flow: Mapping[tuple[int, int], Record], t_fine: np.ndarray, Q_ode: np.ndarray
) -> Figure:
    """q_t(a,a) and q_t(a,b) against t = l/L for each (n, L) (bands), with the ODE (dashed)."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for (n, L), rec in flow.items():
        K = record_kernels(rec)
        for ax, (a, b) in zip(axes, _ENTRIES, strict=True):
            band_with_spread(ax, dl.time_grid(L), K[:, :, a, b], label=f"n = {n}, L = {L}")
    for ax, (a, b), name in zip(axes, _ENTRIES, ["$q_t(a,a)$", "$q_t(a,b)$"], strict=True):
        ax.plot(t_fine, Q_ode[:, a, b], "k--", lw=1.5, label="ODE (DOP853)")
        ax.set(xlabel="$t = l/L$", ylabel=name)
    axes[0].legend()
    axes[0].set_title("squared length")
    axes[1].set_title("covariance of the two inputs")
    fig.tight_layout()
    return fig


def recursion_figure(errors: Mapping[str, dl.EulerErrors]) -> Figure:
    """Log-log error of the infinite-width recursion against depth, per activation, and 1/L."""
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for act, e in errors.items():
        ax.loglog(e.depths, e.errors, "o-", ms=3, label=act)
    depths = next(iter(errors.values())).depths
    ax.loglog(depths, 0.3 / depths, "k:", label="$\\propto 1/L$")
    ax.set(
        xlabel="depth $L$",
        ylabel="$\\max_{ab} |K^{(L)}_{ab} - Q_1(a,b)|$",
        title="Width first, then depth: infinite-width recursion vs ODE",
    )
    ax.legend()
    return fig


def error_heatmaps_figure(
    errors: Mapping[str, np.ndarray], widths: Sequence[int], depths: Sequence[int]
) -> Figure:
    """One heat map of the RMS kernel error over (n, L) per network family, one colour scale."""
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.4), sharey=True)
    im = annotated_heatmaps(axes, errors, depths, widths, vmax=100.0)
    for ax in axes:
        ax.set(xlabel="depth $L$")
    axes[0].set_ylabel("width $n$")
    fig.colorbar(im, ax=axes, label="RMS kernel error $d(K^{n,L}, K^{\\infty})$", shrink=0.9)
    return fig


def paths_figure(paths: Mapping[tuple[str, float], np.ndarray], widths: Sequence[int]) -> Figure:
    """√n · RMS error along the paths L = n^a (rows of ``commuting.path_errors``), ResNet left,
    MLP right; flat lines mean an n^(−1/2) decay."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for (name, a), rows in paths.items():
        ax = axes[[RESNET, MLP].index(name)]
        n, L, e, s = rows.T
        ax.errorbar(
            n, np.sqrt(n) * e, yerr=2 * np.sqrt(n) * s, fmt="o-", ms=4, capsize=2,
            label=f"$L = n^{{{a:g}}}$ (L up to {int(L.max())})",
        )  # fmt: skip
    for ax, name in zip(axes, [RESNET, MLP], strict=True):
        ax.set(
            yscale="log", xlabel="width $n$", ylabel="$\\sqrt{n}\\,\\cdot$ RMS error", title=name
        )
        width_axis(ax, widths)
        ax.legend()
    fig.tight_layout()
    return fig


def branch_exponent_figure(
    sweep: Mapping[tuple[float, int], np.ndarray],
    exponents: Sequence[float],
    depths: Sequence[int],
    width: int,
) -> Figure:
    """ln(q_L/q_0) against the branch exponent a (recursion lines, networks ± 2 SE) and
    √n · its spread over networks."""
    a_fine = np.linspace(0, 1, 201)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for L in depths:
        th = [dl.relu_log_sq_norm(1.0, L, branch_exponent=a) for a in a_fine]
        (line,) = ax1.plot(a_fine, th, label=f"L = {L}: recursion")
        m = np.array([sweep[(a, L)].mean() for a in exponents])
        sd = np.array([sweep[(a, L)].std(ddof=1) for a in exponents])
        n_networks = len(sweep[(exponents[0], L)])
        s = sd / math.sqrt(n_networks)
        ax1.errorbar(exponents, m, yerr=2 * s, fmt="o", ms=4, color=line.get_color())
        ax2.plot(
            exponents, math.sqrt(width) * sd, "o-", ms=4, color=line.get_color(), label=f"L = {L}"
        )
    th_inf = [dl.relu_log_sq_norm(1.0, 2**20, branch_exponent=a) for a in a_fine]
    ax1.plot(a_fine, th_inf, "k--", lw=1, label="L = 2²⁰: recursion")
    ax1.axvline(0.5, color="grey", lw=0.8)
    ax1.set(
        yscale="log",
        ylim=(1e-3, 300),
        xlabel="branch exponent $a$ (branch multiplier $\\tau L^{-a}$, $\\tau = 1$)",
        ylabel="$\\ln(q_L/q_0)$",
        title="infinite-width theory (lines) vs networks (dots ±2 SE)",
    )
    ax1.legend(fontsize=7)
    ax2.axvline(0.5, color="grey", lw=0.8)
    ax2.set(
        yscale="log",
        xlabel="branch exponent $a$",
        ylabel="$\\sqrt{n}\\cdot\\mathrm{sd}\\,\\ln(q_L/q_0)$",
        title="finite-width fluctuations ∝ $L^{(1-2a)/2}$",
    )
    ax2.legend()
    fig.tight_layout()
    return fig


def gaussianity_figure(
    neurons: Mapping[int, np.ndarray],
    kurtosis: np.ndarray,
    fit: tuple[float, float],
    amplitude: float,
    depth: int,
) -> Figure:
    """QQ plot of single neurons (every other width, first 200 000 values) and the excess
    kurtosis against n (± 2 SE) with the fitted power law and an n^(−1/2) guide."""
    widths = list(neurons)
    fig, (ax_qq, ax_k) = plt.subplots(1, 2, figsize=(11, 4.2))
    qq_against_normal(ax_qq, {f"n = {n}": neurons[n].ravel()[:200_000] for n in widths[::2]})
    ax_qq.set(
        xlabel="standard normal quantile",
        ylabel="quantile of $h_i^{(L)}/\\sqrt{q_L}$",
        title=f"QQ plot of single neurons, L = {depth}",
    )
    ax_qq.legend()
    errorbar_estimates(ax_k, widths, kurtosis, fmt="o", ms=4, label=f"L = {depth}")
    n_line = np.geomspace(widths[0], widths[-1], 50)
    p = fit[0]
    ax_k.plot(n_line, amplitude * n_line**p, "k-", lw=1, label=f"fit $n^{{{p:.2f}}}$")
    ax_k.plot(
        n_line,
        kurtosis[0, 0] * (widths[0] / n_line) ** 0.5,
        "k:",
        lw=1,
        label="$\\propto n^{-1/2}$",
    )
    ax_k.set(
        xlabel="width $n$",
        ylabel="excess kurtosis",
        title="non-Gaussianity of a neuron vs width (±2 SE)",
    )
    ax_k.set_yscale("symlog", linthresh=1e-2)
    width_axis(ax_k, widths)
    ax_k.legend()
    fig.tight_layout()
    return fig


def linear_depth_first_figure(samples: Mapping[int, np.ndarray]) -> Figure:
    """Histograms of ln(q_L/q_0) per width against the depth-first SDE law N(1 − 2/n, 4/n)."""
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for n, v in samples.items():
        law_vs_histogram(ax, dl.linear_depth_first_law(n), v, label=f"n = {n}: SDE law")
    ax.set(xlabel="$\\ln(q_L/q_0)$", ylabel="density")
    ax.legend()
    return fig


def sde_convergence_figure(conv: Mapping[str, dict[str, Any]], width: int) -> Figure:
    """Change of E q_1 when the step is halved (Euler–Maruyama and extrapolated, at ``width``
    ± 2 SE and at n = ∞ dashed) against the step, one panel per activation."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, (act, c) in zip(axes, conv.items(), strict=True):
        dts = 1 / np.array(c["steps"])
        em, ext = np.abs(c["em"]), np.abs(c["ext"])
        ax.errorbar(
            dts,
            em[:, 0],
            yerr=2 * em[:, 1],
            fmt="o",
            capsize=2,
            label=f"Euler–Maruyama, n = {width}",
        )
        # Ext(2N) → Ext(4N): the finer of its two levels has step 1/(2N)
        ax.errorbar(
            dts[:-1] / 2,
            ext[:, 0],
            yerr=2 * ext[:, 1],
            fmt="s",
            capsize=2,
            label=f"extrapolated, n = {width}",
        )
        ax.loglog(dts, c["rec_em"], "C0--", lw=1, label="Euler, n = ∞ (recursion)")
        ax.loglog(dts[:-1] / 2, c["rec_ext"], "C1--", lw=1, label="extrapolated, n = ∞")
        ax.set(
            xscale="log",
            yscale="log",
            xlabel="step $\\Delta = 1/N$",
            title=f"{act}: weak order {c['order'][0]:.2f} ± {c['order'][1]:.2f}",
        )
    axes[0].set_ylabel("$|\\mathbb{E}\\,q_1^{\\Delta} - \\mathbb{E}\\,q_1^{\\Delta/2}|$")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def order_of_limits_figure(
    depth_first: Mapping[str, DepthFirst],
    recursion: Mapping[str, dl.EulerErrors],
    joint: tuple[Sequence[int], np.ndarray],
    net: tuple[int, int, tuple[float, float]],
) -> Figure:
    """Left: E q_1(x,x) of ReLU by width first (recursion at L), depth first (SDE at n), jointly
    (L = n) and one simulator ensemble, against the ODE's Q_1. Right: |SDE − ODE| for ReLU and
    tanh (filled: positive deviations) with |recursion − ODE| at L and 1/n, n^(−1/2) guides."""
    fig, (ax_l, ax_r) = plt.subplots(1, 2, figsize=(11.5, 4.3))
    Q1_relu, rows_relu = depth_first["relu"].Q1, depth_first["relu"].rows
    widths = depth_first["relu"].widths
    Ls = np.array([2**j for j in range(2, 13)])
    ax_l.plot(
        1 / Ls,
        [(1 + 1 / (2 * L)) ** L for L in Ls],
        "C0-",
        label="width first: recursion at L (1/L)",
    )
    ws = np.array(widths, dtype=float)
    errorbar_estimates(
        ax_l,
        1 / ws,
        rows_relu[:, :2],
        fmt="o",
        color="C1",
        label="depth first: SDE at width n (1/n)",
    )
    jw = np.array(joint[0], dtype=float)
    errorbar_estimates(
        ax_l, 1 / jw, joint[1], fmt="s", color="C2", label="joint: network at L = n (1/n)"
    )
    n_k, L_k, net_q = net
    ax_l.errorbar(
        [1 / n_k], [net_q[0]], yerr=[2 * net_q[1]], fmt="D", color="C3", capsize=2,
        label=f"simulator, n = {n_k}, L = {L_k} (1/n)",
    )  # fmt: skip
    ax_l.axhline(Q1_relu[0, 0], color="k", ls="--", lw=1, label="ODE limit $Q_1$")
    ax_l.set(
        xscale="log",
        xlabel="1/L (width first) or 1/n (depth first, joint)",
        ylabel="$\\mathbb{E}\\, q_1(x,x)$",
        title="ReLU: three orders of the limits",
    )
    ax_l.legend(fontsize=7)
    for act, color in [("relu", "C1"), ("tanh", "C4")]:
        Q1_act, rows, fit = depth_first[act].Q1, depth_first[act].rows, depth_first[act].fit
        dev = rows[:, 0] - Q1_act[0, 0]
        pos = dev > 0
        ax_r.errorbar(
            ws, np.abs(dev), yerr=2 * rows[:, 1], fmt="o", color=color, capsize=2, mfc="none",
            label=f"{act}: |SDE − ODE|, p = {fit[0]:.2f} ± {fit[1]:.2f}",
        )  # fmt: skip
        ax_r.plot(ws[pos], dev[pos], "o", color=color, ms=5)
        rec_dev = [abs(recursion[act].kernels[int(L)][0, 0] - Q1_act[0, 0]) for L in ws]
        ax_r.plot(ws, rec_dev, "--", color=color, lw=1, label=f"{act}: |recursion − ODE| at L")
    ax_r.plot(ws, 0.15 / ws, "k:", lw=1, label="∝ 1/n")
    ax_r.plot(ws, 0.02 / np.sqrt(ws), "k-.", lw=1, label="∝ $n^{-1/2}$")
    ax_r.set(
        yscale="log",
        ylim=(1e-5, 0.3),
        xlabel="n (depth first) or L (width first)",
        ylabel="$|\\mathbb{E}\\, q_1(x,x) - Q_1(x,x)|$",
        title="rates: both routes ∝ 1/size",
    )
    width_axis(ax_r, widths)
    ax_r.legend(fontsize=7)
    fig.tight_layout()
    return fig


def gp_figure(
    data: GPData,
    limit: tuple[np.ndarray, np.ndarray],
    errors: Mapping[tuple[int, int], tuple[float, float]],
    examples: Mapping[tuple[int, int], np.ndarray],
) -> Figure:
    """Left: GP posterior means with the limiting kernel (± 2 sd band) and single networks'
    kernels; right: their RMS distance at the test points against n, per depth (± 2 SE).
    ``errors`` and ``examples`` are keyed by (n, L), as :func:`resprop.commuting.gp_errors`
    returns them."""
    mu, var = limit
    widths, depths = (list(dict.fromkeys(key[k] for key in errors)) for k in (0, 1))
    test, theta = data.test, data.theta
    fig, (ax_f, ax_e) = plt.subplots(1, 2, figsize=(11, 4))
    ax_f.plot(theta[test], mu[test], "k-", lw=2, label="limiting kernel $Q_1$")
    sd = np.sqrt(var[test])
    ax_f.fill_between(theta[test], mu[test] - 2 * sd, mu[test] + 2 * sd, color="k", alpha=0.1, lw=0)
    for n, L in [(widths[0], depths[-1]), (widths[-1], depths[-1]), (widths[-1], depths[0])]:
        ax_f.plot(theta[test], examples[(n, L)][test], lw=1, label=f"one network, n = {n}, L = {L}")
    ax_f.plot(theta[data.train], data.y_train, "ko", ms=5, label="training data")
    ax_f.set(
        xlabel="$\\theta$", ylabel="posterior mean", title="GP posterior mean (band: ±2 sd, limit)"
    )
    ax_f.legend(fontsize=7)
    ns = np.array(widths, dtype=float)
    for L in depths:
        e = np.array([errors[(int(n), L)] for n in ns])
        errorbar_estimates(ax_e, ns, e, fmt="o-", ms=4, label=f"L = {L}")
    ax_e.plot(
        ns, errors[(widths[0], depths[0])][0] * np.sqrt(ns[0] / ns), "k:", label="∝ $n^{-1/2}$"
    )
    ax_e.set(
        xscale="log",
        yscale="log",
        xlabel="width $n$",
        ylabel="RMS $|\\mu(K^{n,L}) - \\mu(Q_1)|$ (test points)",
        title="finite networks → limit, at every depth",
    )
    width_axis(ax_e, widths)
    ax_e.legend()
    fig.tight_layout()
    return fig
