"""The claims of the synthesis chapter: their declarations and the checks that decide them from
the grids of ``resprop.synthesis_experiments``.

Every check is a ``claims.Check.compare`` of theory against measurement with a named
alternative. Each ``*_decision`` returns a :class:`Decision`: the checks, the claim's note and
a short report of the numbers for the reader (the chapter prints it and records the checks).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import _validate, estimators
from .claims import Check
from .synthesis_experiments import FieldTheorySpread, Point, win_counts
from .theory import log_gaussian, synthesis

__all__ = [
    "VARIANCE_CLAIMS",
    "Decision",
    "collapse_decision",
    "collapsed_variance",
    "declare_claims",
    "field_theory_decision",
    "fluctuation_decision",
    "kernel_decisions",
    "law_map_decision",
    "tanh_mean_decision",
    "variance_decisions",
]

#: The point-by-point variance claims: (claim id, branch exponent a).
VARIANCE_CLAIMS = (("05-3", 0.0), ("05-4", 0.5), ("05-5", 1.0))


@dataclass(frozen=True)
class Decision:
    """What decides one claim: its checks, the note recorded with it, and a printed report."""

    checks: tuple[Check, ...]
    note: str = ""
    report: str = ""


def declare_claims(ch: Any) -> None:
    """Declare the chapter's claims on ``ch`` (a ``Chapter``), before any number is computed."""
    size = ch.sizes
    ch.declare(
        "05-1",
        "On the (a, β, n) map of the pre-activation ReLU ResNet, the finite-depth log-Gaussian law "
        "(LNR21's theory with c = τ²σ_w²L^(−2a)) describes the measured law of ln(q_L/q_0) at "
        "every point, within the map's 0.1-nat threshold.",
        paper="book",
        tests="the largest W₂ distance of the log-Gaussian law over the grid, against the best "
        "deterministic theory at that point",
    )
    ch.declare(
        "05-2",
        "The collapse n·Var ln(q_L/q_0) ∝ τ²σ_w² L^(1−2a) has no single constant: at a = 0.25 "
        "the collapsed value is the finite-depth log-Gaussian one, not the a = 1 value.",
        paper="book",
        tests="collapsed variance at a = 0.25 against the log-Gaussian prediction, alternative "
        "the predicted a = 1 value (one constant)",
    )
    for (cid, a), paper in zip(VARIANCE_CLAIMS, ("LNR21", "HY23", "book"), strict=True):
        ch.declare(
            cid,
            f"At a = {a:g}, Var ln(q_L/q_0) equals the leading-order log-Gaussian variance summed "
            "over the L blocks.",
            paper=paper,
            tests="sample variance over networks at the largest simulated (n, β), against the "
            + (
                "random-sign network's variance (no interlayer sign correlations)"
                if a < 1
                else "deterministic theories' zero variance"
            ),
        )
    ch.declare(
        "05-6",
        "At a = ½ and fixed L the fluctuation of ln(q_L/q_0) around the deterministic ODE limit "
        "is O(1/n): n·Var is the same at two widths.",
        paper="HY23",
        tests="ratio of n·Var at two widths and the same L, against the ratio n₂/n₁ of an O(1) "
        "fluctuation; n·Var against the log-Gaussian theory",
    )
    ch.declare(
        "05-7",
        "The 1/N kernel variance of the field theory (our reconstruction) predicts the spread of "
        "the tanh log-norm: N·Var ln q_L → N·Var(K̂^L)/(K^L)².",
        paper="FDH23",
        tests="N·Var ln q_L of tanh networks at a = ½, extrapolated in 1/n over three widths, "
        "against the Gaussian-process value 2 (no propagated field fluctuations)",
    )
    ch.declare(
        "05-8",
        "tanh, a = ½: the mean of ln(q_L/q_0) equals the ODE limit ln Q_1 (HY23's flow, our "
        "reconstruction, with the network's τ).",
        paper="HY23",
        tests="mean over networks at the largest (n, β), against the mean-field (Euler) value",
    )
    for cid, act in [("05-9", "relu"), ("05-10", "tanh")]:
        ch.declare(
            cid,
            f"{act}, a = 0, ρ_0 = {size.input_correlation:g}: the mean final-layer correlation "
            "ρ_L tends to the mean-field recursion's as n → ∞.",
            paper="book",
            tests="ρ_L at the depth shared by both widths, extrapolated linearly in 1/n, against "
            "the ODE limit (depth continuum)",
        )


def law_map_decision(grid: Mapping[tuple, Point], *, threshold: float) -> Decision:
    """05-1: the largest W₂ distance of the log-Gaussian law over the map (theory 0, model
    tolerance ``threshold``), against the best deterministic theory at that worst point."""
    threshold = _validate.positive("threshold", threshold)
    counts = win_counts(grid)
    worst_key = max(grid, key=lambda k: grid[k]["dist"]["log-Gaussian"])
    w = grid[worst_key]
    w_se = estimators.gaussian_law_se(w["se_mean"], w["var"], w["se_var"])
    det = min(w["dist"]["mean field"], w["dist"]["ODE limit"])
    a, n, beta = worst_key
    check = Check.compare(
        "largest W₂ distance of the log-Gaussian law over the grid",
        theory=0.0,
        measured=w["dist"]["log-Gaussian"],
        se=w_se,
        model_tolerance=threshold,
        alternative=det,
        alternative_label="best deterministic theory at that point",
    )
    note = (
        f"Worst point a = {a:g}, n = {n}, β = {beta:g}; the map's threshold {threshold:g} nats is "
        f"the model tolerance, its SE the delta-method SE of (mean, sd). Points won: {counts}. "
        "Where the deterministic theories are within the threshold too (a ≥ ¾), which one is "
        "coloured is decided by noise."
    )
    report = (
        f"points won: {counts}\nworst point for the log-Gaussian law: a = {a:g}, n = {n}, "
        f"β = {beta:g}: W₂ {w['dist']['log-Gaussian']:.4f} ± {w_se:.4f}; best deterministic "
        f"theory {det:.4f}"
    )
    return Decision((check,), note, report)


def tanh_mean_decision(tgrid: Mapping[tuple, Point], width: int, beta: float) -> Decision:
    """05-8: the tanh mean of ln(q_L/q_0) at a = ½, (n, β), against the ODE limit; alternative
    the mean-field recursion (its forward Euler scheme)."""
    p = tgrid[0.5, width, beta]
    check = Check.compare(
        f"mean ln(q_L/q_0), tanh, a = ½, n = {width}, L = {p['L']}",
        theory=p["pred"]["ODE limit"][0],
        measured=p["mean"],
        se=p["se_mean"],
        alternative=p["pred"]["mean field"][0],
        alternative_label="mean-field recursion (forward Euler of the flow)",
    )
    note = (
        f"measured sd {math.sqrt(p['var']):.3f} nats (its theory: claim 05-7); tanh map wins "
        f"{win_counts(tgrid)}. The ODE and its Euler discretisation differ by O(1/L)."
    )
    return Decision((check,), note)


def kernel_decisions(
    kgrid: Mapping[tuple, Point],
    n_lo: int,
    n_hi: int,
    betas: tuple[float, float],
    kcounts: Mapping[str, Mapping[str, int]],
) -> dict[str, Decision]:
    """05-9 (ReLU), 05-10 (tanh): ρ_L at a = 0 and the depth both widths simulate
    (``betas`` = (β at n_lo, β at n_hi)), extrapolated linearly in 1/n, against the mean-field
    recursion; alternative the ODE limit. ``kcounts``: points won per activation (for the note)."""
    b_lo, b_hi = betas
    out = {}
    for cid, act in [("05-9", "relu"), ("05-10", "tanh")]:
        p1, p2 = kgrid[act, 0.0, n_lo, b_lo], kgrid[act, 0.0, n_hi, b_hi]
        ext = estimators.extrapolate_inverse_n(
            [n_lo, n_hi], [p1["rho"], p2["rho"]], [p1["se_rho"], p2["se_rho"]]
        )
        z_raw = (p2["rho"] - p2["pred"]["mean field"][0]) / p2["se_rho"]
        report = (
            f"{act}, a = 0, L = {p1['L']}: ρ_L at n = {n_lo}: {p1['rho']:.4f}, n = {n_hi}: "
            f"{p2['rho']:.4f} ({z_raw:+.1f} SE from mean field); extrapolated {ext.value:.4f} ± "
            f"{ext.se:.4f}; mean field {p2['pred']['mean field'][0]:.4f}, ODE "
            f"{p2['pred']['ODE limit'][0]:.4f}"
        )
        check = Check.compare(
            f"ρ_L at L = {p1['L']}, extrapolated in 1/n from n = {n_lo}, {n_hi}",
            theory=p2["pred"]["mean field"][0],
            measured=ext.value,
            se=ext.se,
            alternative=p2["pred"]["ODE limit"][0],
            alternative_label="ODE limit (depth continuum)",
        )
        note = (
            f"At n = {n_hi} alone ρ_L = {p2['rho']:.4f} ± {p2['se_rho']:.4f}, {z_raw:+.1f} SE from "
            f"the mean field (the O(1/n) correction, coefficient {ext.slope:+.3f}); kernel map "
            f"wins ({act}) {kcounts[act]}."
        )
        out[cid] = Decision((check,), note, report)
    return out


def collapsed_variance(
    grid: Mapping[tuple, Point], a: float, width: int, beta: float, total: float
) -> tuple[float, float, float]:
    """n·Var/(C L^(1−2a)) at (a, n, β), C = ``total``: measured, its SE, the log-Gaussian value."""
    p = grid[a, width, beta]
    s = width / (total * p["L"] ** (1 - 2 * a))
    return p["var"] * s, p["se_var"] * s, p["pred"]["log-Gaussian"][1] * s


def collapse_decision(
    grid: Mapping[tuple, Point],
    width: int,
    beta: float,
    exponents: Sequence[float],
    total: float,
) -> Decision:
    """05-2: the collapsed variance at a = 0.25 against its log-Gaussian value; alternative one
    constant (the value predicted at the largest exponent). The note gives the limiting
    constants ``synthesis.small_c_slope()`` (a < ½) and critical_variance(C)/C (a = ½)."""
    total = _validate.positive("total", total)
    slope = synthesis.small_c_slope()
    critical = synthesis.critical_variance(total) / total
    a_hi = max(exponents)
    y_hi, e_hi, t_hi = collapsed_variance(grid, a_hi, width, beta, total)
    y_lo, e_lo, t_lo = collapsed_variance(grid, 0.25, width, beta, total)
    report = (
        f"collapsed n·Var/(C L^(1−2a)), n = {width}: a = 0.25: {y_lo:.3f} ± {e_lo:.3f} (theory "
        f"{t_lo:.3f}); a = {a_hi:g}: {y_hi:.3f} ± {e_hi:.3f} (theory {t_hi:.3f})"
    )
    check = Check.compare(
        f"collapsed variance at a = 0.25, n = {width}, L = {grid[0.25, width, beta]['L']}",
        theory=t_lo,
        measured=y_lo,
        se=e_lo,
        alternative=t_hi,
        alternative_label=f"one constant (the value predicted at a = {a_hi:g})",
    )
    note = (
        f"Measured at a = {a_hi:g}: {y_hi:.3f} ± {e_hi:.3f}. Our limiting constants: a > ½ → 2, "
        f"a = ½ → {critical:.2f} (C = {total:g}), a < ½ → {slope:.2f} as c → 0. The scaling "
        "L^(1−2a)/n holds, a single constant does not."
    )
    return Decision((check,), note, report)


def variance_decisions(grid: Mapping[tuple, Point], width: int, beta: float) -> dict[str, Decision]:
    """05-3/4/5: Var ln(q_L/q_0) at a = 0, ½, 1 and (n, β) against the log-Gaussian variance;
    alternative the random-sign network's (a < 1) or the deterministic theories' zero (a = 1)."""
    out = {}
    for cid, a in VARIANCE_CLAIMS:
        p = grid[a, width, beta]
        th_var = p["pred"]["log-Gaussian"][1]
        if a < 1:
            alt = log_gaussian.log_norm_moments(p["c"], width, p["L"], model="random_sign")[1]
            alt_label = "no interlayer sign correlations (random-sign network)"
        else:
            alt, alt_label = 0.0, "deterministic theories (mean field, ODE): zero variance"
        report = (
            f"a = {a:g} (c = {p['c']:.3g}, L = {p['L']}): var {p['var']:.5f} ± {p['se_var']:.5f}, "
            f"theory {th_var:.5f}, alternative {alt:.5f}"
        )
        check = Check.compare(
            f"Var ln(q_L/q_0) at n = {width}, L = {p['L']}, c = {p['c']:.3g}",
            theory=th_var,
            measured=p["var"],
            se=p["se_var"],
            alternative=alt,
            alternative_label=alt_label,
        )
        out[cid] = Decision((check,), report=report)
    return out


def fluctuation_decision(
    grid: Mapping[tuple, Point], n_lo: int, n_hi: int, betas: tuple[float, float]
) -> Decision:
    """05-6: at a = ½ and one depth (``betas`` at n_lo, n_hi), the ratio of n·Var at the two
    widths against the log-Gaussian ratio (alternative n_hi/n_lo times it, an O(1) fluctuation),
    and n·Var at n_hi against its log-Gaussian value (alternative the random-sign network)."""
    b1, b2 = betas
    p1, p2 = grid[0.5, n_lo, b1], grid[0.5, n_hi, b2]
    t1, t2 = n_lo * p1["pred"]["log-Gaussian"][1], n_hi * p2["pred"]["log-Gaussian"][1]
    r, r_se = estimators.ratio(
        (n_hi * p2["var"], n_hi * p2["se_var"]), (n_lo * p1["var"], n_lo * p1["se_var"])
    )
    alt2 = n_hi * log_gaussian.log_norm_moments(p2["c"], n_hi, p2["L"], model="random_sign")[1]
    report = (
        f"a = ½, L = {p1['L']}: n·Var = {n_lo * p1['var']:.3f} (n = {n_lo}), "
        f"{n_hi * p2['var']:.3f} (n = {n_hi}); ratio {r:.3f} ± {r_se:.3f}; log-Gaussian "
        f"n·Var {t2:.3f}\n"
        f"a = ½, L = {p2['L']}, n = {n_hi}: mean {p2['mean']:.4f} ± {p2['se_mean']:.4f}; "
        f"ODE {p2['pred']['ODE limit'][0]:.4f}, mean field {p2['pred']['mean field'][0]:.4f}, "
        f"log-Gaussian {p2['pred']['log-Gaussian'][0]:.4f}"
    )
    checks = (
        Check.compare(
            f"n·Var ratio, n = {n_hi} over n = {n_lo}, L = {p1['L']}",
            theory=t2 / t1,
            measured=r,
            se=r_se,
            alternative=n_hi / n_lo * t2 / t1,
            alternative_label="O(1) fluctuation (Var independent of n)",
        ),
        Check.compare(
            f"n·Var at n = {n_hi}, L = {p2['L']}",
            theory=t2,
            measured=n_hi * p2["var"],
            se=n_hi * p2["se_var"],
            alternative=alt2,
            alternative_label="no interlayer sign correlations (random-sign network)",
        ),
    )
    note = "The SE of the ratio treats the two widths as independent (they are: separate seeds)."
    return Decision(checks, note, report)


def field_theory_decision(ft: FieldTheorySpread) -> Decision:
    """05-7: the extrapolated N·Var ln q_L against the field theory's cavity closure; alternative
    the Gaussian-process value. The note says what would separate the two closures."""
    theory, ext = ft.theory, ft.fit
    gap_closures = abs(theory["cavity"] - theory["kernel field"])
    check = Check.compare(
        f"N·Var ln q_L, tanh, a = ½, L = {ft.depth}, extrapolated in 1/N",
        theory=theory["cavity"],
        measured=ext.value,
        se=ext.se,
        alternative=theory["Gaussian process"],
        alternative_label="Gaussian-process value (no propagated field fluctuations)",
    )
    note = (
        f"The two closures of chapter 4 differ by {gap_closures:.3f} here (kernel "
        f"field {theory['kernel field']:.3f}); telling them apart needs an SE below "
        f"{gap_closures / 4:.3f}, about {(ext.se / (gap_closures / 4)) ** 2:.0f}× the networks."
    )
    return Decision((check,), note)
