"""The claims of chapter 03 (Hayou & Yang's 1/√L ResNet): their declarations and the checks
that decide them from the results of ``resprop.commuting``.

Every check is a ``claims.Check.compare`` of theory against measurement with a tolerance of
4 standard errors (plus a computed model tolerance where said) and a named alternative.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import estimators
from .claims import Check
from .commuting import DepthFirst
from .theory import depth_limit as dl

__all__ = [
    "check_euler_rate",
    "check_growth",
    "check_kurtosis_ratio",
    "check_log_normal_variance",
    "check_mean_kernel",
    "check_path_slope",
    "check_rate",
    "check_samplers",
    "checks_depth_first",
    "declare_claims",
]


def declare_claims(ch: Any) -> None:
    """Declare the chapter's claims on ``ch`` (a ``Chapter``), their statements filled in from
    its profile sizes (``ch.sizes``), before any number is computed."""
    size = ch.sizes
    n_big, L_big = max(size.flow_configs)
    L_a, L_b = size.gauss_depth_pair
    hy = dict(paper="HY23")
    ch.declare(
        "03-4a",
        f"The mean covariance q_1(a,b) of 1/√L ReLU ResNets (n = {n_big}, L = {L_big}) matches the "
        "limiting ODE.",
        **hy,
        tests="Monte Carlo mean over networks (gram sampler) against the DOP853 solution of the "
        "kernel ODE; alternative: the correlation frozen at its input value (the linear-φ flow)",
    )
    ch.declare(
        "03-1a",
        "Width first, then depth: the infinite-width recursion converges to the ODE at rate 1/L.",
        **hy,
        tests="log-log slope of |recursion − ODE| at the largest depths (deterministic); "
        "alternative: the rate L^(−1/2)",
    )
    for a, label in zip(size.path_exponents, "bcd", strict=False):
        ch.declare(
            f"03-1{label}",
            f"Joint limit along L = n^{a:g}: the kernel error of 1/√L ResNets decays like "
            "n^(−1/2).",
            **hy,
            tests="weighted slope of ln(RMS error) against ln n over the path; alternative: no "
            "decay (slope 0, a function of L/n as for an MLP)",
        )
    ch.declare(
        "03-1e",
        "Contrast: along L = n the ReLU MLP's kernel error does not decay (it depends on L/n), "
        "unlike the ResNet's n^(−1/2).",
        paper="book",
        tests="slope of ln(RMS error) against ln n on L = n; alternative: the ResNet's −1/2",
    )
    ch.declare(
        "03-4b",
        "The gram sampler reproduces the dense sampler's kernel errors "
        f"(n = L = {size.dense_width}).",
        paper="book",
        tests="difference of the mean errors of the two samplers; alternative: a sampler whose "
        "errors are those of width 2n",
    )
    for a, label, regime in [
        (0.25, "a", "explodes"),
        (0.5, "b", "has a nontrivial finite limit"),
        (0.75, "c", "becomes trivial"),
    ]:
        ch.declare(
            f"03-2{label}",
            f"Branch factor L^(−{a:g}): the kernel {regime}.",
            **hy,
            tests="growth exponent of ln(q_L/q_0) in L between the smallest and largest depth, "
            "against the exact recursion; alternative: the exponent of a neighbouring regime",
        )
    ch.declare(
        "03-3a",
        "Pre-activations become Gaussian as n grows: the excess kurtosis of a neuron decays like "
        "1/n.",
        **hy,
        tests=f"fitted exponent p of kurtosis = A n^p, n = {size.gauss_widths[0]}…"
        f"{size.gauss_widths[-1]}, L = {size.gauss_depth}; alternative: p = −1/2",
    )
    ch.declare(
        "03-3b",
        f"The non-Gaussianity does not grow with depth: at n = {size.gauss_depth_width} the excess "
        f"kurtosis at L = {L_b} equals that at L = {L_a}.",
        **hy,
        tests="ratio of the two kurtoses; alternative: growth ∝ L (ratio L_b/L_a), as the "
        "non-Gaussianity of a feed-forward network grows like L/n",
    )
    ch.declare(
        "03-3c",
        f"Depth first at finite width (linear φ, n = {size.linear_widths[1]}): Var ln(q_L/q_0) "
        "follows the SDE's log-normal law 4/n.",
        **hy,
        tests=f"sample variance over networks at L = {size.linear_depth}; alternative: the "
        "width-first limit, a deterministic norm (variance 0)",
    )
    ch.declare(
        "03-5",
        "Depth first, then width: the finite-width SDE of the n neurons (the L → ∞ limit at fixed "
        "n) has a covariance that converges to the ODE limit as n → ∞, at rate 1/n.",
        **hy,
        tests="Euler–Maruyama with Talay–Tubaro extrapolation for ReLU and tanh, n = "
        f"{size.sde_widths[0]}…{size.sde_widths[-1]}: fitted exponent of the bias (alternative "
        "n^(−1/2)); its 1/n extrapolation against the ODE (alternative: no width dependence); "
        "the integrator's weak order in the step (alternative: ½)",
    )


# ---------------------------------------------------------------------------------------------
# the checks of the chapter's claims


def check_mean_kernel(samples: ArrayLike, K0: ArrayLike, Q1: np.ndarray, gap: float) -> Check:
    """Mean q_1(a,b) over networks against the ODE's Q_1(a,b), tolerance 4 SE + ``gap`` (the
    Euler gap |K^(L)(a,b) − Q_1(a,b)| of the recursion); alternative: the correlation frozen at
    its input value, √(Q_aa Q_bb)·c_0 with c_0 = K0_ab (unit input norms)."""
    frozen = math.sqrt(Q1[0, 0] * Q1[1, 1]) * np.asarray(K0, dtype=float)[0, 1]
    m, se = estimators.mean_se(samples)
    return Check.compare(
        "mean q_1(a,b)",
        theory=float(Q1[0, 1]),
        measured=m,
        se=se,
        alternative=float(frozen),
        alternative_label="correlation frozen at its input value",
        model_tolerance=float(gap),
    )


def check_euler_rate(local_slopes: np.ndarray) -> Check:
    """Last local slope of ln error against ln L (theory −1, alternative −½); deterministic,
    tolerance twice the change between the last two local slopes."""
    return Check.compare(
        "slope of ln error vs ln L (ReLU)",
        theory=-1.0,
        measured=float(local_slopes[-1]),
        se=0.0,
        alternative=-0.5,
        alternative_label="rate L^(−1/2)",
        model_tolerance=float(2 * abs(local_slopes[-1] - local_slopes[-2])),
    )


def check_path_slope(slope: tuple[float, float], *, mlp: bool = False) -> Check:
    """Slope of ln error against ln n: the ResNet's −½ against no decay, or (``mlp``) the MLP's
    0 on L = n against the ResNet's −½."""
    theory, alternative = (0.0, -0.5) if mlp else (-0.5, 0.0)
    return Check.compare(
        "slope of ln error vs ln n" + (", MLP on L = n" if mlp else ""),
        theory=theory,
        measured=slope[0],
        se=slope[1],
        alternative=alternative,
        alternative_label="the ResNet's n^(−1/2) decay"
        if mlp
        else "no decay (error a function of L/n)",
    )


def check_samplers(d_gram: np.ndarray, d_dense: np.ndarray) -> Check:
    """Mean error gram − dense (theory 0), against errors of width 2n (a factor 2^(−1/2))."""
    diff, se = estimators.difference_of_means(d_gram, d_dense)
    return Check.compare(
        "mean error, gram − dense",
        theory=0.0,
        measured=diff,
        se=se,
        alternative=float(-(1 - 2**-0.5) * d_dense.mean()),
        alternative_label="errors of width 2n",
    )


def check_growth(
    sweep: dict[tuple[float, int], np.ndarray], a: float, neighbour: float, L_lo: int, L_hi: int
) -> Check:
    """Growth exponent ln(mean ℓ(L_hi)/mean ℓ(L_lo))/ln(L_hi/L_lo) of ℓ = ln(q_L/q_0) against
    the exact recursion's (``depth_limit.relu_growth_exponent``); alternative: ``neighbour``'s."""
    span = math.log(L_hi / L_lo)
    log_ratio, se = estimators.log_ratio_of_means(sweep[(a, L_lo)], sweep[(a, L_hi)])
    return Check.compare(
        f"growth exponent of ln(q_L/q_0), L = {L_lo}…{L_hi}",
        theory=dl.relu_growth_exponent(a, L_lo, L_hi),
        measured=log_ratio / span,
        se=se / span,
        alternative=dl.relu_growth_exponent(neighbour, L_lo, L_hi),
        alternative_label=f"the exponent at a = {neighbour:g}",
    )


def check_rate(label: str, fit: tuple[float, float], alternative_label: str) -> Check:
    """A fitted exponent p of a quantity ∝ n^p against theory −1, alternative −½."""
    return Check.compare(
        label,
        theory=-1.0,
        measured=fit[0],
        se=fit[1],
        alternative=-0.5,
        alternative_label=alternative_label,
    )


def check_kurtosis_ratio(low: tuple[float, float], high: tuple[float, float], L_a: int, L_b: int):
    """Kurtosis ratio at L_b over L_a: theory 1 (no growth with depth), alternative L_b/L_a."""
    ratio, se = estimators.ratio(high, low)
    return Check.compare(
        f"kurtosis ratio L = {L_b} / L = {L_a}",
        theory=1.0,
        measured=ratio,
        se=se,
        alternative=L_b / L_a,
        alternative_label="growth ∝ L",
    )


def check_log_normal_variance(samples: np.ndarray, width: int) -> Check:
    """Var ln(q_L/q_0) (Gaussian SE) against the SDE's 4/n; alternative 0 (width first)."""
    var, se = estimators.gaussian_variance_se(samples)
    return Check.compare(
        "Var ln(q_L/q_0)",
        theory=dl.linear_depth_first_law(width).var(),
        measured=var,
        se=se,
        alternative=0.0,
        alternative_label="width-first limit (a deterministic norm)",
    )


def checks_depth_first(
    depth_first: dict[str, DepthFirst], convergence: dict[str, dict[str, Any]]
) -> list[Check]:
    """Three checks per activation of the depth-first limit: the exponent of the bias (−1
    against −½), the 1/n extrapolation against Q_1 (alternative: the value at the smallest
    width) and Euler–Maruyama's weak order from ``convergence`` (:func:`step_convergence`;
    1 against the strong order ½)."""
    checks = []
    for act, df in depth_first.items():
        order = convergence[act]["order"]
        checks += [
            check_rate(f"{act}: exponent of the bias ∝ n^p", df.fit, "n^(−1/2) rate"),
            Check.compare(
                f"{act}: n → ∞ value of E q_1(x,x)",
                theory=float(df.Q1[0, 0]),
                measured=df.limit.value,
                se=df.limit.se,
                alternative=float(df.rows[0, 0]),
                alternative_label=f"no width dependence (the SDE at n = {df.widths[0]})",
            ),
            Check.compare(
                f"{act}: weak order of Euler–Maruyama",
                theory=1.0,
                measured=order[0],
                se=order[1],
                alternative=0.5,
                alternative_label="order ½ (the strong order)",
            ),
        ]
    return checks
