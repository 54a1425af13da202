"""One map of the four theories for the pre-activation ReLU ResNet (this book's synthesis).

Family (the library's ``PreActResidual`` with ReLU, no bias), width n, depth L:

    h^l = h^{l−1} + τ L^(−a) W^l φ(h^{l−1}),   W_ij ~ N(0, σ_w²/n)   (branch multiplier τ L^(−a)).

Given h^{l−1}, the branch τ L^(−a) W φ(h) has i.i.d. N(0, τ²σ_w²L^(−2a)‖φ(h)‖²/n) coordinates, so
in law this is Li, Nica & Roy's ResNet x' = x + W σ(x) with **branch variance c = τ²σ_w² L^(−2a)**
(:func:`branch_variance`). Everything below is a thin layer over the four theory modules, for the
log output norm ln(q_L/q_0), q_l = ‖h^l‖²/n, with h⁰ ~ N(0, I_n):

* mean field (Yang & Schoenholz; n → ∞ at fixed L): ``theory.kernels.preact_residual_kernels``,
  q_L/q_0 = A^L deterministic, A = 1 + c/2, variance 0;
* log-Gaussian (Li, Nica & Roy; leading order in 1/n): ``theory.log_gaussian.log_norm_moments``
  summed over the L actual blocks (``finite_depth=True``): mean L ln A + E L_d, variance Var L_d;
* ODE limit (Hayou & Yang; our reconstruction of their flow): ``theory.depth_limit.
  limiting_kernel`` solved (DOP853) to time 1 with the scale τ L^(½ − a) in place of τ, i.e. the
  depth-continuum of the same network with total branch variance c L (only a genuine limit at
  a = ½); deterministic, variance 0;
* field theory (Fischer et al.): our reconstruction covers smooth φ only, so it makes no ReLU
  prediction here; for tanh, :func:`field_theory_log_norm_variance` gives its 1/N prediction of
  the spread, N·Var ln q_L → N·Var(K̂^L)/(K^L)².

**The lead under test (ours).** For small c, s²(c) ≈ c·const, so Var ln(q_L/q_0) ≈ const·c L/n ∝
L^(1−2a)/n. Our re-derivation says the constant depends on how L compares with the
correlation time of a coordinate's sign, 4/c blocks (ρ = A^(−1/2) ≈ e^(−c/4) per block):

* a < ½ (L ≫ 4/c): n Var → s²(c) L, and s²(c)/c → 2 + 2I with I = ∫₀¹ κ(t)/t dt
  (:func:`small_c_slope`, the interlayer correlations add 2I to the weight noise's 2);
* a > ½ (L ≪ 4/c): the signs barely change over the whole network and n Var → 2 c L;
* a = ½ (L ~ 4/c): n Var → 2C + (C²/2)∫₀¹(1 − s) κ(e^(−Cs/4)) ds with C = τ²σ_w²
  (:func:`critical_variance`), the finite-width fluctuation around the ODE limit.

For other activations (the chapter uses tanh) only the deterministic theories apply, and
:func:`kernel_predictions` gives their final k×k kernel for any input kernel (the chapter
compares the final correlation of two inputs, :func:`correlation`).

Nothing here imports the simulation. Everything is float64.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.integrate
from numpy.typing import ArrayLike

from .. import _validate
from . import depth_limit, field_theory, kernels, log_gaussian

__all__ = [
    "KERNEL_THEORIES",
    "THEORIES",
    "best_theory",
    "branch_variance",
    "correlation",
    "critical_variance",
    "field_theory_log_norm_variance",
    "kernel_predictions",
    "log_norm_predictions",
    "small_c_slope",
    "wasserstein_gaussian",
]

#: The theories compared on the map (the field theory has no ReLU prediction in our reconstruction).
THEORIES = ("mean field", "log-Gaussian", "ODE limit")

#: The deterministic kernel theories (any activation; the log-Gaussian law is ReLU-specific).
KERNEL_THEORIES = ("mean field", "ODE limit")


def branch_variance(
    depth: int, *, branch_scale: float, branch_exponent: float, sigma_w2: float
) -> float:
    """c = τ²σ_w² L^(−2a) (branch multiplier τ L^(−a)): the branch variance of the equivalent
    LNR21 network."""
    depth = _validate.integer("depth", depth)
    alpha = depth_limit.branch_multiplier(
        depth, branch_scale=branch_scale, branch_exponent=branch_exponent
    )
    return alpha**2 * _validate.variance("sigma_w2", sigma_w2)


def kernel_predictions(
    K0: ArrayLike,
    depth: int,
    activation: str = "relu",
    *,
    branch_scale: float = 1.0,
    branch_exponent: float = 0.0,
    sigma_w2: float = 2.0,
) -> dict[str, np.ndarray]:
    """Final k×k kernel of the network {h^l} with input kernel K0, per :data:`KERNEL_THEORIES`.

    mean field (YS17): K^L of ``kernels.preact_residual_kernels``, K' = K + τ²L^(−2a)σ_w² E[φφ](K);
    ODE limit (HY23, our reconstruction): Q_1 of ``depth_limit.limiting_kernel``,
    dQ/dt = τ²L^(1−2a)σ_w² E[φφ](Q), i.e. the scale τ L^(½−a) in place of τ (the depth-continuum
    of the same network; a genuine limit only at a = ½). Both deterministic, any activation.
    """
    K0 = _validate.kernel("K0", K0)
    L = _validate.integer("depth", depth)
    a0 = _validate.positive("branch_scale", branch_scale)
    a = _validate.real("branch_exponent", branch_exponent)
    sw = _validate.variance("sigma_w2", sigma_w2)
    K = kernels.preact_residual_kernels(
        K0,
        L,
        activation,
        sigma_w2=sw,
        branch_scale=depth_limit.branch_multiplier(L, branch_scale=a0, branch_exponent=a),
    )
    branch_scale = a0 * L ** (0.5 - a)
    Q = depth_limit.limiting_kernel(
        K0, [0.0, 1.0], activation, branch_scale=branch_scale, sigma_w2=sw
    )
    return {"mean field": K[-1], "ODE limit": Q[-1]}


def correlation(K: ArrayLike) -> float:
    """ρ = K₀₁/√(K₀₀K₁₁) of a kernel with at least two inputs."""
    K = _validate.kernel("K", K)
    if K.shape[0] < 2:
        raise ValueError(f"K: need at least two inputs, got shape {K.shape}")
    return float(K[0, 1] / math.sqrt(K[0, 0] * K[1, 1]))


def log_norm_predictions(
    width: int,
    depth: int,
    *,
    branch_scale: float = 1.0,
    branch_exponent: float = 0.0,
    sigma_w2: float = 2.0,
    activation: str = "relu",
) -> dict[str, tuple[float, float]]:
    """(mean, variance) of ln(q_L/q_0) predicted by each applicable theory in :data:`THEORIES`.

    mean field: ln(K^L/K^0) from ``kernels.preact_residual_kernels`` (YS17; = L ln(1 + c/2) for
    ReLU), 0; log-Gaussian (ReLU only; omitted for other activations): (L ln A + E L_d, Var L_d)
    from ``log_gaussian.log_norm_moments`` (LNR21, leading order in 1/n, summed over the L
    blocks); ODE limit: ln Q_1 of ``depth_limit.limiting_kernel`` with the scale τ L^(½−a) (HY23's
    flow, our reconstruction), 0. The deterministic ones come from :func:`kernel_predictions`.
    """
    n = _validate.integer("width", width)
    L = _validate.integer("depth", depth)
    a0 = _validate.positive("branch_scale", branch_scale)
    a = _validate.real("branch_exponent", branch_exponent)
    det = kernel_predictions(
        np.ones((1, 1)), L, activation, branch_scale=a0, branch_exponent=a, sigma_w2=sigma_w2
    )
    out = {name: (float(np.log(K[0, 0])), 0.0) for name, K in det.items()}
    if activation != "relu":
        return out
    c = branch_variance(L, branch_scale=a0, branch_exponent=a, sigma_w2=sigma_w2)
    lg_mean, lg_var = log_gaussian.log_norm_moments(c, n, L, finite_depth=True)
    return {
        "mean field": out["mean field"],
        "log-Gaussian": (L * math.log(log_gaussian.growth(c)) + lg_mean, lg_var),
        "ODE limit": out["ODE limit"],
    }


def field_theory_log_norm_variance(
    depth: int,
    activation: str = "tanh",
    *,
    branch_scale: float = 1.0,
    branch_exponent: float = 0.5,
    sigma_w2: float = 2.0,
    q0: float = 1.0,
) -> dict[str, float]:
    """N·Var ln q_L at leading order in 1/N from the field theory (FDH23, our reconstruction).

    For the network h^l = h^{l−1} + τ L^(−a) W φ(h^{l−1}) and a Gaussian input layer
    (h⁰_i i.i.d. N(0, q0)), q_L = ‖h^L‖²/N has N·Var(q_L) → C^L = N·Cov(K̂^L_00, K̂^L_00) of
    ``field_theory.finite_size`` and, by the delta method, N·Var ln q_L → C^L/(K^L)². Returns
    that ratio for ``"cavity"`` (our closure) and ``"kernel field"`` (the notes' recursion), and
    ``"Gaussian process"`` = 2: the value if h^L were a fresh Gaussian sample with the
    mean-field kernel (no propagated fluctuations of the field). Smooth φ only (tanh, erf,
    linear). For linear φ the exact leading order is 2 + L(4c + 2c²)/(1 + c)², c = τ²σ_w²L^(−2a).
    """
    L = _validate.integer("depth", depth)
    a0 = _validate.positive("branch_scale", branch_scale)
    a = _validate.real("branch_exponent", branch_exponent)
    q0 = _validate.positive("q0", q0)
    alpha = depth_limit.branch_multiplier(L, branch_scale=a0, branch_exponent=a)
    fs = field_theory.finite_size([[q0]], L, alpha, activation, sigma_w2=sigma_w2)
    K = float(fs.kernel[-1, 0, 0])
    return {
        "cavity": float(fs.covariance[-1, 0, 0, 0, 0]) / K**2,
        "kernel field": float(fs.covariance_kernel_field[-1, 0, 0, 0, 0]) / K**2,
        "Gaussian process": 2.0,
    }


def _kappa_over_t(t: float) -> float:
    return float(log_gaussian.kappa(t)) / t if t > 0 else 6 / math.pi


def small_c_slope() -> float:
    """lim_{c→0} s²(c)/c = 2 + 2I, I = ∫₀¹ κ(t)/t dt (ours: Σ_k κ(ρ^k) ≈ (4/c) I as ρ → 1).

    From ``log_gaussian.variance_parts``: noise v → 2c, one-layer 3c²/(4A²) → 0, interlayer
    c²/(2A²) Σ_k κ(ρ^k) → 2 I c (κ(t)/t → 6/π at t = 0, so I is a proper integral).
    """
    integral, _ = scipy.integrate.quad(_kappa_over_t, 0.0, 1.0, epsabs=1e-13, epsrel=1e-13)
    return 2.0 + 2.0 * integral


def critical_variance(total: float) -> float:
    """lim n·Var ln(q_L/q_0) at a = ½ as L → ∞ (after n → ∞), C = τ²σ_w² = c L (ours).

    = 2C + (C²/2) ∫₀¹ (1 − s) κ(e^(−Cs/4)) ds: the L → ∞ limit of ``log_gaussian.
    log_norm_moments`` with c = C/L (noise L v → 2C, one-layer term → 0, interlayer
    (c²/4)·2Σ(L − k)κ(ρ^k) with ρ^k → e^(−Cs/4), s = k/L).
    """
    C = _validate.positive("total", total)

    def f(s: float) -> float:
        return (1 - s) * float(log_gaussian.kappa(math.exp(-C * s / 4)))

    integral, _ = scipy.integrate.quad(f, 0.0, 1.0, epsabs=1e-13, epsrel=1e-13)
    return 2 * C + C**2 / 2 * integral


def wasserstein_gaussian(mean1: float, var1: float, mean2: float, var2: float) -> float:
    """W₂ between N(mean1, var1) and N(mean2, var2): √((m₁ − m₂)² + (σ₁ − σ₂)²)."""
    mean1, mean2 = _validate.real("mean1", mean1), _validate.real("mean2", mean2)
    v1 = _validate.variance("var1", var1)
    v2 = _validate.variance("var2", var2)
    return math.hypot(mean1 - mean2, math.sqrt(v1) - math.sqrt(v2))


def best_theory(
    mean: float, var: float, predictions: dict[str, tuple[float, float]], *, threshold: float
) -> tuple[str, dict[str, float]]:
    """The theory whose Gaussian law N(m, v) is closest in W₂ to the measured (mean, var).

    Returns (name, distances); name is ``"none"`` when even the best distance exceeds
    ``threshold`` (in nats of ln q).
    """
    mean, var = _validate.real("mean", mean), _validate.variance("var", var)
    threshold = _validate.positive("threshold", threshold)
    if not isinstance(predictions, dict) or not predictions:
        raise ValueError("predictions: need a dict with at least one theory: (mean, var)")
    for k, mv in predictions.items():
        if np.shape(mv) != (2,) or not np.all(np.isfinite(np.asarray(mv, dtype=float))):
            raise ValueError(f"predictions: {k!r} must be a finite (mean, var), got {mv!r}")
    dist = {k: wasserstein_gaussian(mean, var, m, v) for k, (m, v) in predictions.items()}
    best = min(dist, key=dist.__getitem__)
    return (best if dist[best] <= threshold else "none"), dist
