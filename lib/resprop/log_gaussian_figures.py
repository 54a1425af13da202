r"""The figures and tables of the log-Gaussian chapter, drawn from the results of
``resprop.log_gaussian_experiments``.

Each figure function takes computed results (no sampling here) and returns a matplotlib
Figure; the chapter saves it with its caption. Monte Carlo appears as bands or points with
± 2 SE, theory as lines, the Gaussian (infinite-width) limit in colour ``GAUSS``. Each table
function returns Markdown text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import scipy.stats
from matplotlib.figure import Figure

from . import plots
from .estimators import log_mean_exp, mean_se, variance_se
from .figures import band
from .log_gaussian_experiments import FIELDS, hypo
from .log_norm_estimators import log_norm, normalised_output
from .simulate import Record
from .theory import log_gaussian as lg

__all__ = [
    "GAUSS",
    "NAMES",
    "balanced_figure",
    "basic_properties_table",
    "block_constants_table",
    "blocks_figure",
    "constants_table",
    "constants_vs_c_figure",
    "correlations_figure",
    "hypoactivation_figure",
    "ks_vs_width_figure",
    "log_norm_histograms_figure",
    "model_moments_table",
    "moments_figure",
    "output_histograms_figure",
    "second_moment_figure",
]

GAUSS = "C1"  # the Gaussian (infinite-width) limit, in every figure
WIDTH_COLORS = ["C0", "C2", "C4", "C5", "C3", "C6"]
NAMES = {"standard": "standard", "random_sign": "Balanced random-sign", "crelu": "Balanced crelu"}
_MODEL_COLORS = ("C0", "C4", "C2", "0.4")  # standard, random-sign, crelu, fully connected


def _models(scan_main: Record, balanced: Mapping[str, Record]) -> tuple:
    return (
        (scan_main, "standard", "C0"),
        (balanced["crelu"], "Balanced crelu", "C2"),
        (balanced["random_sign"], "Balanced random-sign", "C4"),
    )


# ---------------------------------------------------------------------------------------------
# tables


def constants_table(c_values: Sequence[float]) -> str:
    """Markdown: A, Σκ(ρᵏ), θ_K, θ_E, μ, s², m₂ and the Balanced constants per c, and the FC
    network's."""
    rows = [
        "| c | A | Σκ(ρᵏ) | θ_K | θ_E | μ | s² | m₂ = μ + s²/2 | crelu (μ, s²) "
        "| random_sign (μ, s²) |"
    ]
    rows.append("|" + "---|" * 10)
    for cc in c_values:
        bc, br = lg.balanced_constants(cc, "crelu"), lg.balanced_constants(cc, "random_sign")
        rows.append(
            f"| {cc:g} | {lg.growth(cc):g} | {lg.kappa_sum(cc):.3f} | {lg.theta_K(cc):.4f} | "
            f"{lg.theta_E(cc):.4f} | {lg.mu(cc):.3f} | {lg.s2(cc):.3f} | "
            f"{lg.second_moment_exponent(cc):.3f} | ({bc[0]:.3f}, {bc[1]:.3f}) | "
            f"({br[0]:.3f}, {br[1]:.3f}) |"
        )
    rows.append(f"| FC (He) | 1 | – | – | – | {lg.FC_MEAN} | {lg.FC_VAR} | 0 | – | – |")
    return "\n".join(rows)


def block_constants_table(c_values: Sequence[float] = (1.0, 2.0)) -> str:
    """Markdown: μ, s² and the parts of s² of each block (``lg.BLOCKS``) per c."""
    rows = [
        "| c | block | μ | s² | noise v | one-block r | interlayer | m₂ = μ + s²/2 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for cc in c_values:
        for block in lg.BLOCKS:
            m_b, s_b = lg.block_constants(cc, block)
            pv = lg.block_variance_parts(cc, block)
            rows.append(
                f"| {cc:g} | {block.replace('_', ' ')} | {m_b:.3f} | {s_b:.3f} | "
                f"{pv['noise']:.3f} | "
                f"{pv['one_layer']:.3f} | {pv['interlayer']:.3f} | {m_b + s_b / 2:.3f} |"
            )
    return "\n".join(rows)


def basic_properties_table(rec: Record, c: float, width: int, burn_in: int) -> str:
    """Markdown: P(|t| < 0.1), P(|t| > 3), median |t|, kurtosis and the active fraction of the
    run ``rec`` against the Gaussian limit and the log-Gaussian prediction."""
    gauss = lg.GaussianLimit(c).output_law()
    t = normalised_output(rec, lg.growth(c))
    law = lg.predict(c, width, rec.network.depth).output_law()
    (p_small, e_small), (p_big, e_big) = (
        mean_se(x.astype(float)) for x in (abs(t) < 0.1, abs(t) > 3)
    )
    rows = [
        "| property | Gaussian limit | log-Gaussian | Monte Carlo (± SE) |",
        "|---|---|---|---|",
        f"| P(\\|t\\| < 0.1) | {gauss.cdf(0.1) - gauss.cdf(-0.1):.3f} | "
        f"{law.cdf(0.1) - law.cdf(-0.1):.3f} | {p_small:.3f} ± {e_small:.3f} |",
        f"| P(\\|t\\| > 3) | {2 * gauss.sf(3):.4f} | {2 * law.sf(3):.4f} | "
        f"{p_big:.4f} ± {e_big:.4f} |",
        f"| median \\|t\\| | {gauss.ppf(0.75):.3f} | {law.ppf(0.75):.3f} | "
        f"{np.median(np.abs(t)):.3f} |",
        f"| kurtosis | 3 | {law.stats(moments='k') + 3:.0f} | "
        f"{scipy.stats.kurtosis(t) + 3:.0f} (unreliable) |",
        f"| active fraction | 0.5 | 0.5 − θ_K/n = {0.5 - lg.theta_K(c) / width:.4f} | "
        f"{rec.active_fraction[:, burn_in:, 0].mean():.4f} |",
    ]
    return f"n = {width}, d = {rec.network.depth}, {len(t)} networks\n\n" + "\n".join(rows)


def model_moments_table(checks: Mapping[str, tuple], width: int, depth: int) -> str:
    """Markdown: E L_d and Var L_d of each model, theory against Monte Carlo (± SE)."""
    rows = [
        "| model | E L_d theory | E L_d Monte Carlo | Var L_d theory | Var L_d Monte Carlo |",
        "|---|---|---|---|---|",
    ]
    for model, (L, pred) in checks.items():
        m, me = mean_se(L)
        v, ve = variance_se(L)
        rows.append(
            f"| {model} | {pred.mean:.3f} | {m:.3f} ± {me:.3f} | {pred.var:.3f} | "
            f"{v:.3f} ± {ve:.3f} |"
        )
    return (
        f"n = {width}, d = {depth}; theory: exact finite-n for crelu and fc, "
        "leading order otherwise\n\n" + "\n".join(rows)
    )


# ---------------------------------------------------------------------------------------------
# claim 1: the log-norm


def log_norm_histograms_figure(
    main: Mapping[float, Record], c: float, width: int, shape: Mapping[float, tuple], per_beta: str
) -> Figure:
    """Histograms of L_d per β against the limit law, its finite-depth version and δ at 0
    (top); QQ plots of the standardised L_d with the Anderson–Darling test ``shape`` (bottom)."""
    A, betas = lg.growth(c), list(main)
    fig, axes = plt.subplots(2, len(betas), figsize=(3.6 * len(betas), 6.4))
    for j, beta in enumerate(betas):
        d = main[beta].network.depth
        L = log_norm(main[beta], A)[:, d]
        laws = [
            (
                "limit N(μβ, s²β)",
                lg.predict(c, width, d, finite_depth=False).log_norm_law().pdf,
                "C0",
            ),
            ("finite depth", lg.predict(c, width, d).log_norm_law().pdf, "C2--"),
        ]
        plots.histogram_panel(axes[0, j], L, laws)
        axes[0, j].axvline(0, color="k", ls=":", label="Gaussian limit (δ at 0)")
        axes[0, j].set(xlabel=f"$L_d$ at β = {beta:g} (d = {d})")
        q = (np.arange(1, 200) - 0.5) / 199
        plots.qq_panel(axes[1, j], (L - L.mean()) / L.std(), [("MC", scipy.stats.norm.ppf, "o")], q)
        axes[1, j].set(xlabel="N(0, 1) quantile")
        statistic, pvalue, _ = shape[beta]
        axes[1, j].set_title(f"Anderson–Darling {statistic:.2f}, p = {pvalue:.2f}")
    axes[0, 0].set(ylabel="density")
    axes[1, 0].set(ylabel="standardised $L_d$ quantile")
    axes[0, 0].legend(loc="upper left")
    fig.suptitle(f"He ReLU ResNet, n = {width}, networks per β: {per_beta}; log-norm $L_d$")
    fig.tight_layout()
    return fig


def moments_figure(
    scan: Mapping[int, Record],
    c: float,
    beta_max: float,
    limit: Mapping[str, Mapping[int, dict]],
    limit_fit: Mapping[tuple[str, str], Any],
    limit_beta: float,
    fit: Mapping[str, Any],
    kurt: Mapping[int, tuple[float, float]],
) -> Figure:
    """Mean and variance of L_l against β = l/n per width with the limit laws (top); the limit
    scan's edge-corrected moments per unit β against 1/n with fits (bottom); excess kurtosis
    and skewness of L_d against 1/n (right)."""
    A = lg.growth(c)
    widths = list(scan)
    fig, axes = plt.subplots(2, 3, figsize=(15, 7.6))
    for n, color in zip(widths, WIDTH_COLORS, strict=False):
        L = log_norm(scan[n], A)
        betas = np.arange(L.shape[1]) / n
        band(
            axes[0, 0],
            betas,
            *mean_se(L, axis=0),
            label=f"n = {n} ({len(L)} networks)",
            color=color,
        )
        band(axes[0, 1], betas, *variance_se(L, axis=0), label=f"n = {n}", color=color)
    bgrid = np.linspace(0, beta_max, 50)
    for k, ax in enumerate(axes[0, :2]):
        for label, value, style in (
            ("log-Gaussian limit", (lg.mu(c), lg.s2(c))[k], dict(color="k")),
            (
                "Balanced crelu",
                lg.balanced_constants(c, "crelu")[k],
                dict(color="k", ls="--", lw=1),
            ),
            (
                "Balanced random-sign",
                lg.balanced_constants(c, "random_sign")[k],
                dict(color="k", ls="-.", lw=1),
            ),
            ("fully connected", (lg.FC_MEAN, lg.FC_VAR)[k], dict(color="0.5", ls=":")),
        ):
            ax.plot(bgrid, value * bgrid, label=label, **style)
        ax.axhline(0, color=GAUSS, lw=1, label="Gaussian limit")
        ax.set(xlabel=r"$\beta = l/n$", ylabel=("mean", "variance")[k] + " of $L_l$")
        ax.legend(fontsize=7)
    for k, (ax, q) in enumerate(((axes[1, 0], "mean"), (axes[1, 1], "variance"))):
        for block, color, marker in (("one_layer", "C0", "o"), ("two_layer", "C3", "s")):
            y, e = np.array([limit[block][n][q] for n in limit[block]]).T
            plots.extrapolation_panel(
                ax,
                list(limit[block]),
                y,
                e,
                label=f"{block.replace('_', '-')}, ±2 SE",
                fit=limit_fit[block, q],
                theory=lg.block_constants(c, block)[k],
                color=color,
                marker=marker,
            )
        ax.set(ylabel=f"{q} of $L_d$ per unit β at β = {limit_beta:g}")
        ax.legend(fontsize=6)
    kurt_y, kurt_e = np.array([kurt[n] for n in widths]).T
    limit_widths = list(limit["one_layer"])
    skew_y, skew_e = np.array([limit["one_layer"][n]["skewness"] for n in limit_widths]).T
    for ax, q, xs_, y, e, beta_q in (
        (axes[0, 2], "excess kurtosis", np.array(widths, float), kurt_y, kurt_e, beta_max),
        (axes[1, 2], "skewness", limit_widths, skew_y, skew_e, limit_beta),
    ):
        plots.extrapolation_panel(ax, xs_, y, e, label="one-layer, ±2 SE", fit=fit[q], theory=0.0,
                                  theory_label="Gaussian (log-Gaussian limit): 0")  # fmt: skip
        ax.set(ylabel=f"{q} of $L_d$ at β = {beta_q:g}")
        ax.legend(fontsize=7)
    fig.suptitle(f"He ReLU ResNet: moments of the log-norm; β up to {beta_max:g}")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------
# claim 2: the output


def output_histograms_figure(
    main: Mapping[float, Record],
    c: float,
    width: int,
    ks_table: Mapping[float, tuple],
    per_beta: str,
) -> Figure:
    """Density (log scale) of the normalised output per β against the log-Gaussian mixture and
    N(0, 1) with the KS distances ``ks_table`` (top); QQ plots (symlog) against both (bottom)."""
    A, betas = lg.growth(c), list(main)
    fig, axes = plt.subplots(2, len(betas), figsize=(3.6 * len(betas), 6.4))
    q = np.concatenate([np.geomspace(1e-3, 0.5, 60), 1 - np.geomspace(1e-3, 0.5, 60)[::-1]])
    gauss = lg.GaussianLimit(c).output_law()
    for j, beta in enumerate(betas):
        d = main[beta].network.depth
        t = normalised_output(main[beta], A)
        law = lg.predict(c, width, d).output_law()
        laws = [
            ("log-Gaussian mixture", law.pdf, "C0"),
            ("Gaussian limit N(0, 1)", gauss.pdf, "--C1"),
        ]
        plots.histogram_panel(axes[0, j], t, laws, bins=120, span=(-6, 6))  # tails beyond ±6 cut
        top = max(5.0, 2 * float(law.pdf(0.0)))
        axes[0, j].set(
            yscale="log", ylim=(1e-4, top), xlabel=f"normalised output $t$, β = {beta:g} (d = {d})"
        )
        ks_law, ks_gauss = (k.statistic for k in ks_table[beta])
        axes[0, j].set_title(f"KS: {ks_law:.3f} (log-Gauss), {ks_gauss:.3f} (Gauss)")
        laws = [("vs log-Gaussian", law.ppf, "oC0"), ("vs Gaussian limit", gauss.ppf, "sC1")]
        plots.qq_panel(axes[1, j], t, laws, q)
        axes[1, j].set_xscale("symlog", linthresh=0.1)
        axes[1, j].set_yscale("symlog", linthresh=0.1)
        axes[1, j].set(xlabel="predicted quantile (symlog)")
    axes[0, 0].set_ylabel("density")
    axes[0, 0].legend(loc="lower center")
    axes[1, 0].set_ylabel("Monte Carlo quantile")
    axes[1, 0].legend()
    fig.suptitle(f"He ReLU ResNet, n = {width}, networks per β: {per_beta}; normalised output")
    fig.tight_layout()
    return fig


def ks_vs_width_figure(
    ks_n: Mapping[int, tuple[float, float, float]],
    ks_pop: float,
    beta_max: float,
    n_networks: Sequence[int],
) -> Figure:
    """KS distance of the output to N(0, 1) and to the log-Gaussian law against the width,
    with the 99 % null band and the population distance ``ks_pop``."""
    widths = list(ks_n)
    ns = np.array(widths, float)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.plot(
        ns, [ks_n[n][1] for n in ns], "s-", color=GAUSS, label="KS to the Gaussian limit N(0, 1)"
    )
    ax.plot(
        ns, [ks_n[n][0] for n in ns], "o-", color="C0", label="KS to the log-Gaussian prediction"
    )
    ax.fill_between(ns, 0, [ks_n[n][2] for n in ns], color="0.85", label="99% null band 1.63/√B")
    ax.axhline(
        ks_pop, color="k", lw=1, ls="--", label=f"population KS(mixture, N(0,1)) = {ks_pop:.3f}"
    )
    ax.set_xscale("log", base=2)
    ax.set(
        xlabel="width n",
        ylabel="KS distance",
        title=f"output at β = {beta_max:g}, networks per width: {n_networks}",
    )
    ax.set_xticks(ns, [str(n) for n in widths])
    ax.minorticks_off()
    ax.legend()
    return fig


# ---------------------------------------------------------------------------------------------
# claims 3–5: hypoactivation, correlations, second moment, Balanced ResNets


def hypoactivation_figure(
    scan: Mapping[int, Record],
    balanced: Mapping[str, Record],
    hyp: Mapping[str, dict],
    c: float,
    width: int,
    burn_in: int,
) -> Figure:
    """n(½ − fraction active) and n(½ − energy fraction) per layer of the standard and
    Balanced ResNets against θ_K(l), θ_E(l) (left, middle); pooled over layers ≥ ``burn_in``
    against 1/n with the fits ``hyp`` (``hypo_fits``) (right)."""
    B0, B1 = scan[width].n_networks, balanced["crelu"].n_networks
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    for ax, field, theta, name in (
        (axes[0], "active_fraction", lg.theta_K, "count: n(½ − fraction active)"),
        (axes[1], "active_energy", lg.theta_E, "energy: n(½ − ‖σ(x)‖²/‖x‖²)"),
    ):
        layers = np.arange(scan[width].network.depth + 1)
        for rec, label, color in _models(scan[width], balanced):
            m, e, _ = hypo(rec, width, burn_in, field)
            band(ax, layers, m, e, label=label, color=color)
        ax.plot(layers, [theta(c, layer=int(l)) for l in layers], "k-", label="theory θ(l)")
        ax.axhline(0, color=GAUSS, lw=1, label="Gaussian limit")
        ax.axvline(burn_in, color="0.6", ls=":", lw=1)
        ax.set(xlabel="layer l", ylabel=name)
    axes[0].legend(fontsize=7)
    ns = np.array(list(scan), float)
    for i, ((field, theta), marker) in enumerate(zip(FIELDS.items(), ("o", "s"), strict=True)):
        h = hyp[field]
        plots.extrapolation_panel(
            axes[2],
            ns,
            h["y"],
            h["e"],
            label=f"{field.replace('_', ' ')}, ±2 SE",
            fit=h["fit"],
            theory=theta(c),
            color=f"C{i}",
            theory_label=f"{theta.__name__} = {theta(c):.3f}",
            marker=marker,
        )
    axes[2].set(
        xlabel="1/n",
        ylabel=f"pooled over layers ≥ {burn_in}",
        title="theory θ_K, θ_E (lines), fits a + b/n (dashed)",
    )
    axes[2].legend(fontsize=7)
    fig.suptitle(
        f"Hypoactivation: He ResNet ({B0} networks) and Balanced ResNets ({B1} each), n = {width} "
        f"(right: widths {list(scan)})"
    )
    fig.tight_layout()
    return fig


def correlations_figure(
    scan_main: Record,
    balanced: Mapping[str, Record],
    acov: Mapping[str, tuple],
    c: float,
    sign_lags: np.ndarray,
    lags: np.ndarray,
    burn_in: int,
) -> Figure:
    """P(same sign at lag k) against ½ + arcsin(ρᵏ)/π (left); n Cov of the block increments
    ``acov`` (``increment_autocovs``) against the lag with theory lines (right)."""
    n0, B0, B1 = scan_main.network.width, scan_main.n_networks, balanced["crelu"].n_networks
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for rec, label, color in _models(scan_main, balanced):
        m, e = mean_se(rec.same_sign[:, burn_in:, 0, :].mean(1), axis=0)  # pooled per network
        axes[0].errorbar(sign_lags, m, yerr=2 * e, fmt="o", ms=3, color=color, label=label)
    same_sign = lg.same_sign_probability(c, sign_lags)
    axes[0].plot(sign_lags, same_sign, "k-", lw=1, label="½ + arcsin(ρᵏ)/π (both limits)")
    axes[0].set(
        xlabel="lag k", ylabel="P(same sign at lag k)", title="sign persistence of the stream"
    )
    axes[0].legend(fontsize=7)
    for (_, label, color), model in zip(_models(scan_main, balanced), acov, strict=True):
        m, e, _ = acov[model]
        axes[1].errorbar(lags, m, yerr=2 * e, fmt="o", ms=3, color=color, label=label)
        th = lg.increment_autocovariance(c, lags, model)
        axes[1].plot(lags[1:], th[1:], "-", lw=1, color=color)
        axes[1].plot(lags[:1], th[:1], "_", ms=14, mew=1.5, color=color)
    axes[1].set(
        xlabel="lag k",
        ylabel=r"$n\,\mathrm{Cov}(\Delta L_l, \Delta L_{l+k})$",
        yscale="symlog",
        title="block increments of the log-norm: theory (lines; lag 0: bars)",
    )
    axes[1].set_yscale("symlog", linthresh=0.01)
    axes[1].legend(fontsize=7)
    fig.suptitle(
        f"Interlayer correlations, n = {n0}, {B0} (standard) and {B1} (Balanced) networks, "
        f"layers ≥ {burn_in} pooled"
    )
    fig.tight_layout()
    return fig


def second_moment_figure(
    L_of: Mapping[str, np.ndarray], c: float, width: int, fit_variance: Any, beta_max: float
) -> Figure:
    """ln E e^{L_l} against β = l/n per model with m₂β, the finite-depth theory and 0 (left);
    Var L_d per unit β split into its theoretical parts (bars) with the Monte Carlo values and
    the extrapolated standard ResNet ``fit_variance`` (right)."""
    B0, B1 = len(L_of["standard"]), len(L_of["crelu"])
    d0 = L_of["standard"].shape[1] - 1
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.4))
    layers = np.arange(d0 + 1)
    for (model, L), color in zip(L_of.items(), _MODEL_COLORS, strict=True):
        label = NAMES.get(model, "fully connected (He)")
        band(axes[0], layers / width, *log_mean_exp(L, axis=0), label=label, color=color)
    m2 = lg.second_moment_exponent(c)
    axes[0].plot(layers / width, m2 * layers / width, "k-", lw=1, label=f"limit m₂β, m₂ = {m2:.3f}")
    finite = [lg.predict(c, width, int(l)).log_second_moment for l in layers[1:]]
    axes[0].plot(layers[1:] / width, finite, "k--", lw=1, label="finite depth")
    axes[0].axhline(0, color=GAUSS, lw=1, label="Gaussian limit, Balanced, FC: 0")
    axes[0].set(
        xlabel="β = l/n",
        ylabel=r"$\ln \mathbb{E}\, t^2 = \ln \mathbb{E}\, e^{L_l}$",
        title=f"second moment of the output, n = {width}, {B0} (standard) / {B1} networks",
    )
    # the variance split: theory parts (stacked) and Monte Carlo n Var L_d / d
    x_models = np.arange(len(L_of))
    bottom = np.zeros(len(L_of))
    for i, (part, label) in enumerate(
        (("noise", "weight noise (FC: all)"), ("one_layer", "one-layer r"),
         ("interlayer", "interlayer correlations"))
    ):  # fmt: skip
        vals = np.array([lg.model_variance_parts(c, m)[part] for m in L_of])
        axes[1].bar(x_models, vals, bottom=bottom, color=f"C{i}", alpha=0.5, label=label)
        bottom += vals
    y, e = np.array([variance_se(L[:, d0]) for L in L_of.values()]).T * width / d0
    axes[1].errorbar(
        x_models, y, yerr=2 * e, fmt="ko", ms=4, label=f"Monte Carlo n = {width}, ±2 SE"
    )
    axes[1].errorbar([0.15], [fit_variance.value], yerr=[2 * fit_variance.se], fmt="kD", ms=4,
                     mfc="w", label="standard, extrapolated n → ∞")  # fmt: skip
    ticks = ["standard", "Balanced\nrandom-sign", "Balanced\ncrelu", "fully\nconnected"]
    axes[1].set_xticks(x_models, ticks)
    axes[1].set(ylabel="Var $L_d$ per unit β", title=f"the variance split, β = {beta_max:g}")
    for ax in axes:
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def balanced_figure(checks: Mapping[str, tuple], width: int, beta_max: float) -> Figure:
    """Histograms of L_d of each model (``model_checks``) with its predicted law and δ at 0."""
    L0 = checks["standard"][0]
    B0, B1, d0 = len(L0), len(checks["crelu"][0]), checks["standard"][1].depth
    fig, ax = plt.subplots(figsize=(7, 4.2))
    grid = np.linspace(-14, 8, 500)
    for (model, (L, pred)), color in zip(checks.items(), _MODEL_COLORS, strict=True):
        label = NAMES.get(model, "fully connected")
        ax.hist(
            L, bins=100, density=True, histtype="step", color=color, label=f"{label}: Monte Carlo"
        )
        ax.plot(grid, pred.log_norm_law().pdf(grid), color=color, lw=2, alpha=0.5)
    ax.axvline(0, color=GAUSS, lw=1, label="Gaussian limit (δ at 0)")
    ax.set(
        xlabel=f"$L_d$ at β = {beta_max:g}",
        ylabel="density",
        xlim=(-14, 8),
        title=f"n = {width}, d = {d0}, {B0} (standard) / {B1} networks; thick lines: theory",
    )
    ax.legend(fontsize=7)
    return fig


# ---------------------------------------------------------------------------------------------
# claim 02-7 and the dependence on c


def blocks_figure(
    blocks: Mapping[str, dict],
    limit_fit: Mapping[tuple[str, str], Any],
    c: float,
    width: int,
    beta: float,
) -> Figure:
    """Mean and variance of L_d per unit β of the three blocks at ``width`` against their
    leading-order constants and the one-layer value; the extrapolated variances as diamonds."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    xs_b = np.arange(len(lg.BLOCKS))
    for ax, q, k in ((axes[0], "mean", 0), (axes[1], "variance", 1)):
        y = [blocks[b][q][0] for b in lg.BLOCKS]
        e = [blocks[b][q][1] for b in lg.BLOCKS]
        ax.errorbar(xs_b, y, yerr=2 * np.array(e), fmt="ko", ms=5,
                    label=f"Monte Carlo, n = {width}, β = {beta:g}, ±2 SE")  # fmt: skip
        th = [lg.block_constants(c, b)[k] for b in lg.BLOCKS]
        ax.plot(xs_b, th, "_", color="C0", ms=30, mew=2.5, label="theory (leading order)")
        ax.axhline(th[0], color="C1", ls="--", lw=1, label="only c changes: one-layer value")
        if q == "variance":
            fits = [limit_fit["one_layer", q], limit_fit["two_layer", q]]
            ax.errorbar([0.15, 1.15], [f_.value for f_ in fits], yerr=[2 * f_.se for f_ in fits],
                        fmt="D", color="C3", mfc="w", ms=5, label="extrapolated n → ∞")  # fmt: skip
        ax.set_xticks(
            xs_b, ["one-layer\nx + Wσ(x)", "two-layer\nx + Vσ(Wσ(x))", "full residual\nx + Vσ(Wx)"]
        )
        ax.set(ylabel=f"{q} of $L_d$ per unit β")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def constants_vs_c_figure(
    at_c: Mapping[float, dict], c: float, width: int, depth: int, n_networks: int
) -> Figure:
    """μ(c) and s²(c) per unit β of the one- and two-layer blocks and the Balanced ResNets
    against c, with the one-layer Monte Carlo ``at_c`` (``c_scan``) as dots ± 2 SE."""
    constants: tuple[tuple[str, Callable[[float], tuple[float, float]], str], ...] = (
        ("one-layer", lambda x: lg.block_constants(x, "one_layer"), "k-"),
        ("two-layer block", lambda x: lg.block_constants(x, "two_layer"), "k:"),
        ("Balanced crelu", lambda x: lg.balanced_constants(x, "crelu"), "k--"),
        ("Balanced random_sign", lambda x: lg.balanced_constants(x, "random_sign"), "k-."),
    )
    cs = np.linspace(0.2, 5, 60)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for k, ax in enumerate(axes):
        for label, constant, fmt in constants:
            ax.plot(
                cs, [constant(x)[k] for x in cs], fmt, lw=1.6 if fmt == "k-" else 1, label=label
            )
        for cc, name in ((1.0, "c = 1"), (2.0, "c = 2 (He)")):
            ax.axvline(cc, color="0.7", lw=0.8)
            ax.annotate(name, (cc, 0), xytext=(2, 2), textcoords="offset points",
                        xycoords=("data", "axes fraction"), fontsize=7)  # fmt: skip
    for cc, at in at_c.items():
        for k, q in enumerate(("mean", "variance")):
            y, e = at[q]
            axes[k].errorbar(cc, y, yerr=2 * e, fmt="o", color="C0")
    axes[0].set(xlabel="branch variance c", ylabel="mean of $L_d$ per unit β")
    axes[1].set(xlabel="branch variance c", ylabel="variance of $L_d$ per unit β")
    axes[0].legend(fontsize=7)
    fig.suptitle(
        f"Monte Carlo (dots, ±2 SE): n = {width}, d = {depth}, {n_networks} networks per c "
        f"(c = {c:g}: the main run)"
    )
    fig.tight_layout()
    return fig
