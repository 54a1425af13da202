"""The figures of the field-theory chapter, drawn from the results of
``resprop.field_theory_experiments``.

Each function takes computed results (mean-field curves may be evaluated here, no sampling) and
returns a matplotlib Figure; the chapter saves it with its caption. Monte Carlo appears as
points or bands with ±2 SE, theory as lines.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .field_theory_experiments import (
    AlphaStarFormula,
    JacobianFiniteSize,
    KernelFiniteSize,
    ReadoutFiniteSize,
    ResponseScan,
    Setup,
    TrainingScan,
    VariantDependence,
)
from .figures import band
from .theory import field_theory as ft

__all__ = [
    "alpha_star_figure",
    "alpha_star_variants_figure",
    "finite_size_figure",
    "response_finite_size_figure",
    "response_figure",
    "training_figure",
]


def _band(band_: tuple[float, float]) -> tuple[float, float]:
    lo, hi = band_
    if not 0 < lo < hi:
        raise ValueError(f"band: expected (low, high) with 0 < low < high, got {band_}")
    return band_


def finite_size_figure(kfs: KernelFiniteSize) -> Figure:
    """Three panels against the layer: the mean kernel (gram and dense samplers), N·Var(K̂^l)
    relative to the cavity closure with the N → ∞ value, and the mean correction K₁^l with the
    cavity and naive closures."""
    fs, mc, dense, Nd, L1 = kfs.theory, kfs.mc, kfs.dense, kfs.dense_width, kfs.depth
    layers, cav, nai = kfs.layers, kfs.cavity, kfs.naive
    cov_c, cov_f, ext_var, ext_K1 = kfs.cov_cavity, kfs.cov_kernel_field, kfs.nvar, kfs.k1
    fig, (ax_q, ax_v, ax_k) = plt.subplots(1, 3, figsize=(14, 4.2))
    ax_q.plot(layers, fs.kernel[:, 0, 0], "k-", label="mean field $K^{(l)}$")
    for N, r in mc.items():
        ax_q.errorbar(layers, r["mean"], 2 * r["mean_se"], fmt="o", ms=3, label=f"gram, N = {N}")
    ax_q.errorbar(
        layers,
        dense["mean"],
        2 * dense["mean_se"],
        fmt="s",
        ms=3,
        mfc="none",
        label=f"dense, N = {Nd}",
    )
    ax_q.set(xlabel="layer $l$", ylabel=r"$\mathbb{E}\,\hat K^{(l)}$", title="mean kernel")
    ax_q.legend(fontsize=7)

    def rel(x: np.ndarray) -> np.ndarray:  # per cent, layers 1..L
        return 100 * (x[1:] / cov_c[1:] - 1)

    ax_v.axhline(0, color="k", label=f"cavity closure (ours): {cov_c[-1]:.2f} at l = {L1}")
    ax_v.plot(layers[1:], rel(cov_f), "k--", label="kernel-field closure")
    for N, r in mc.items():
        band(ax_v, layers[1:], rel(r["nvar"]), 100 * r["nvar_se"][1:] / cov_c[1:], label=f"N = {N}")
    ax_v.errorbar(
        [L1 + 0.3],
        [100 * (ext_var.value / cov_c[-1] - 1)],
        [200 * ext_var.se / cov_c[-1]],
        fmt="D",
        color="k",
        mfc="w",
        label="N → ∞ (control variates)",
    )
    ax_v.set(
        xlabel="layer $l$",
        ylabel=r"$N\,\mathrm{Var}\,\hat K^{(l)}$ / cavity $-$ 1  (%)",
        title="kernel fluctuations, relative to the cavity closure",
        ylim=(-8, 8),
    )
    ax_v.legend(fontsize=7)
    ax_k.plot(layers, cav, "k-", label="one loop, cavity (ours)")
    ax_k.plot(layers, nai, "k--", label="naive closure")
    for N, r in mc.items():
        band(ax_k, layers, r["K1_layers"], r["K1_layers_se"], label=f"N = {N}")
    ax_k.errorbar(
        [L1 + 0.3], [ext_K1.value], [2 * ext_K1.se], fmt="D", color="k", mfc="w", label="N → ∞"
    )
    ax_k.set(
        xlabel="layer $l$",
        ylabel=r"$N(\mathbb{E}\,\hat K^{(l)} - K^{(l)})$",
        title="mean correction $K_1$",
    )
    ax_k.legend(fontsize=7)
    fig.tight_layout()
    return fig


def response_figure(scan: ResponseScan, s: Setup, band_: tuple[float, float]) -> Figure:
    """Left: the readout response against τ at each depth, τ* marked (▼), Monte Carlo ±2 SE.
    Right: the four response kinds at ``scan.depth_other`` with the JVP Monte Carlo. The
    empirical band of scales shaded in both."""
    BAND = _band(band_)
    K0, PHI, SW2 = s.K0, s.phi, s.sigma_w2
    grid, chi_read, star, Lm = scan.grid, scan.chi_read, scan.star, scan.depth_other
    fig, (ax_r, ax_o) = plt.subplots(1, 2, figsize=(13, 4.5))
    for L in chi_read:
        (line,) = ax_r.plot(grid, chi_read[L], label=f"L = {L}: τ* = {star[L]:.3f}")
        ax_r.plot(
            star[L], ft.response(K0, L, star[L], PHI, sigma_w2=SW2)[-1], "v", color=line.get_color()
        )
        pts = [r for r in scan.mc if r["L"] == L]
        if pts:
            ax_r.errorbar(
                [r["a"] for r in pts],
                [r["read"] for r in pts],
                [2 * r["read_se"] for r in pts],
                fmt="o",
                ms=4,
                color=line.get_color(),
            )
    for ax in (ax_r, ax_o):
        ax.axvspan(*BAND, color="0.85", zorder=0, label="empirical 0.1–0.3")
        ax.set_xscale("log")
        ax.set_xlabel("residual scale τ")
    ax_r.set(
        ylabel=r"$\chi_{\rm readout} = \partial K^{y}_{12}/\partial K^{(0)}_{12}$",
        title="the readout response (ours)",
    )
    ax_r.legend(fontsize=8)
    for kind, chi in scan.other.items():
        ax_o.plot(grid, chi, label=f"{kind}")
    ax_o.plot(grid, chi_read[Lm] / chi_read[Lm][0], "k-", label="readout (ours) / its τ→0 value")
    pts = [r for r in scan.mc if r["L"] == Lm]
    ax_o.errorbar(
        [r["a"] for r in pts],
        [r["jac"] for r in pts],
        [2 * r["jac_se"] for r in pts],
        fmt="o",
        ms=4,
        color="C1",
        label="JVP Monte Carlo (incl. 1/d radial part)",
    )
    ax_o.set(
        yscale="log",
        ylim=(0.3, 1e4),
        ylabel="response (1 at τ = 0)",
        title=f"the four at L = {Lm}",
    )
    ax_o.legend(fontsize=8)
    fig.tight_layout()
    return fig


def response_finite_size_figure(jac: JacobianFiniteSize, read: ReadoutFiniteSize) -> Figure:
    """N(χ − χ₀) against 1/N: the Jacobian response (left) and the readout response at each
    scale (right), Monte Carlo ±2 SE, the one-loop χ₁ dashed and the N = ∞ value 0."""
    A1, L1, Lr = jac.branch_scale, jac.depth, read.depth
    fig, (ax_j, ax_r) = plt.subplots(1, 2, figsize=(12, 4.2))
    for ax, pts, lines in (
        (ax_j, {f"Jacobian, τ = {A1}, L = {L1}": jac.mc}, {jac.chi1: "χ₁ (cavity)"}),
        (
            ax_r,
            {
                f"readout, τ = {a}, L = {Lr}": {N: read.mc[a, N] for N in read.widths}
                for a in read.branch_scales
            },
            {read.theory[a][1]: f"χ₁ at τ = {a}" for a in read.branch_scales},
        ),
    ):
        for i, (label, vals) in enumerate(pts.items()):
            Ns = np.array(list(vals))
            ax.errorbar(
                1 / Ns,
                [v[0] for v in vals.values()],
                [2 * v[1] for v in vals.values()],
                fmt="o",
                color=f"C{i}",
                label=label,
            )
        for i, (value, label) in enumerate(lines.items()):
            ax.axhline(value, color=f"C{i}", ls="--", label=f"one loop: {label} = {value:+.3f}")
        ax.axhline(0, color="k", lw=0.8, label="N = ∞ (no correction)")
        ax.set(xlabel="1/N", ylabel=r"$N(\chi - \chi_0)$", xlim=(0, None))
        ax.legend(fontsize=7)
    ax_j.set_title(f"Jacobian response, {jac.n_networks:,} networks per width")
    ax_r.set_title(f"readout response, {read.n_networks[0]:,} / {read.n_networks[1]:,} networks")
    fig.tight_layout()
    return fig


def alpha_star_figure(
    formula: AlphaStarFormula,
    s: Setup,
    band_: tuple[float, float],
    correlations: tuple[float, ...] = (0.2, 0.5, 0.8),
    max_depth_other: int = 1000,
) -> Figure:
    """Left: the numerical τ*(L) for several input correlations c⁰ (those other than the
    setup's up to ``max_depth_other``) and the large-depth formula. Right: the formula's
    relative error to leading order and with c₁/L, against c₁/L and (c₁/L)²."""
    BAND = _band(band_)
    Q0, C0, PHI, SW2 = s.q0, s.c0, s.phi, s.sigma_w2
    Ls, num, expansion = formula.depths, formula.numerical, formula.expansion
    err0, err1 = formula.err0, formula.err1
    fig, (ax_l, ax_e) = plt.subplots(1, 2, figsize=(12, 4.3))
    for c in correlations:
        Kc = np.array([[Q0, c * Q0], [c * Q0, Q0]])
        Lc = Ls if c == C0 else Ls[Ls <= max_depth_other]
        vals = num if c == C0 else [ft.optimal_scale(Kc, int(L), PHI, sigma_w2=SW2) for L in Lc]
        (line,) = ax_l.plot(Lc, vals, "o", label=f"numerical optimum, c⁰ = {c}")
        if c == C0:
            ax_l.plot(
                Ls,
                expansion.scale(Ls, SW2),
                "-",
                color=line.get_color(),
                label="formula with 1 + c₁/L",
            )
    ax_l.axhspan(*BAND, color="0.85", zorder=0, label="empirical 0.1–0.3")
    ax_l.set(xscale="log", yscale="log", xlabel="depth L", ylabel="τ*", title="τ* against depth")
    ax_l.legend(fontsize=7)
    ax_e.loglog(Ls, np.abs(err0), "o-", label="leading order √(x*/σ_w²L)")
    ax_e.loglog(Ls, np.abs(err1), "s-", label="with 1 + c₁/L")
    ax_e.loglog(Ls, expansion.c1 / Ls, "k:", label="c₁/L")
    ax_e.loglog(Ls, (expansion.c1 / Ls) ** 2, "k--", label="(c₁/L)²")
    ax_e.set(xlabel="depth L", ylabel="|τ*/formula − 1|", title="error of the formula")
    ax_e.legend(fontsize=7)
    fig.tight_layout()
    return fig


def alpha_star_variants_figure(var: VariantDependence, band_: tuple[float, float]) -> Figure:
    """τ*(σ_w²) of every model variant (left) and its local log-slope (right), with the band of
    a weak dependence (|slope| ≤ ``var.weak``) and the trivial −1/2."""
    BAND, WEAK, sw_grid = _band(band_), var.weak, var.sigma_w2
    fig, (ax_a, ax_s) = plt.subplots(1, 2, figsize=(12.5, 4.3))
    for i, (v, r) in enumerate(var.rows.items()):
        ax_a.plot(sw_grid, r["alpha"], "o-", color=f"C{i}", label=v)
        ax_s.plot(sw_grid, r["local"], "o-", color=f"C{i}", label=v)
    ax_a.axhspan(*BAND, color="0.85", zorder=0, label="empirical 0.1–0.3")
    ax_a.set(
        xscale="log",
        yscale="log",
        xlabel="weight variance σ_w²",
        ylabel="τ*",
        title=f"τ* against σ_w², L = {var.depth}",
    )
    ax_s.axhspan(-WEAK, WEAK, color="0.9", zorder=0, label="weak: |slope| ≤ 1/4 (ours)")
    ax_s.axhline(-0.5, color="k", ls=":", label="τ* ∝ σ_w^(−1)")
    ax_s.set(
        xscale="log",
        xlabel="weight variance σ_w²",
        ylabel="d ln τ*/d ln σ_w²",
        title="local log-slope",
        ylim=(-1.6, 0.4),
    )
    for ax in (ax_a, ax_s):
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def training_figure(train: TrainingScan, s: Setup) -> Figure:
    """Left: seed-mean test accuracy ±2 SE against τ per depth (Langevin dashed), τ*(L) dotted,
    the best τ ±2 bootstrap SE (▼). Right: best τ against depth with τ*(L), its large-depth law
    and the 90 % response range."""
    PHI, SW2, K_data, taus = s.phi, s.sigma_w2, train.K_data, train.branch_scales
    tdepths, acc, acc_lgv, opt = train.depths, train.acc, train.acc_lgv, train.opt
    star_data, range_data = train.star, train.ranges
    fig, (ax_a, ax_s) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw=dict(width_ratios=[3, 2]))
    for L in tdepths:
        m, sd = acc[L].mean(axis=0), acc[L].std(axis=0, ddof=1) / math.sqrt(train.n_seeds)
        (line,) = ax_a.plot(taus, m, "o-", ms=3, label=f"SGD, L = {L}")
        col = line.get_color()
        ax_a.fill_between(taus, m - 2 * sd, m + 2 * sd, color=col, alpha=0.2, lw=0)
        if L in acc_lgv:
            ax_a.plot(
                taus, acc_lgv[L].mean(axis=0), "s--", ms=3, color=col, label=f"Langevin, L = {L}"
            )
        ax_a.axvline(star_data[L], color=col, ls=":", lw=1.5)
        o = opt[L]
        ax_a.errorbar(
            math.exp(o.location),
            m.max() + 0.01,
            xerr=[
                [math.exp(o.location) - math.exp(o.location - 2 * o.se)],
                [math.exp(o.location + 2 * o.se) - math.exp(o.location)],
            ],
            fmt="v",
            color=col,
            capsize=3,
        )
    ax_a.set(
        xscale="log",
        xlabel="residual scale τ",
        ylabel="test accuracy",
        title=f"{train.data.name}: accuracy against τ (dotted: τ*(L); ▼: best τ ± 2 SE)",
    )
    ax_a.legend(fontsize=7, loc="lower left")
    L_fine = np.unique(np.geomspace(min(tdepths) / 1.5, max(tdepths) * 1.5, 30).round().astype(int))
    ax_s.plot(
        L_fine,
        [ft.optimal_scale(K_data, int(L), PHI, sigma_w2=SW2) for L in L_fine],
        "k-",
        label="τ*(L), readout response (theory)",
    )
    ax_s.plot(
        L_fine,
        ft.alpha_star_expansion(K_data, PHI).scale(L_fine, SW2),
        "k--",
        lw=1,
        label="large-depth law √(x*/σ_w²L)(1 + c₁/L)",
    )
    ax_s.fill_between(
        tdepths,
        [range_data[L][0] for L in tdepths],
        [range_data[L][1] for L in tdepths],
        color="0.85",
        label="90 % response range",
    )
    best = np.array([math.exp(opt[L].location) for L in tdepths])
    ses = np.array([opt[L].se for L in tdepths])
    ax_s.errorbar(
        tdepths,
        best,
        yerr=[best - best * np.exp(-2 * ses), best * np.exp(2 * ses) - best],
        fmt="o",
        color="C3",
        capsize=3,
        label="best τ, SGD (±2 SE)",
    )
    ax_s.axhline(taus[0], color="0.5", ls="--", lw=1, label="smallest trained τ")
    ax_s.set(xscale="log", yscale="log", xlabel="depth L", ylabel="τ", title="best τ against depth")
    ax_s.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    return fig
