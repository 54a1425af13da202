"""The joint width-and-depth limit of 1/√L-scaled residual networks (Hayou & Yang 2023).

Model (the library's ``PreActResidual`` family, Hayou & Yang's Eq. 2 in our reconstruction):

    h^(l) = h^(l−1) + (τ/√L) (W^(l) φ(h^(l−1)) + b^(l)),   W_ij ~ N(0, σ_w²/n),  b_i ~ N(0, σ_b²),

for l = 1..L, with layer l at time t = l/L ∈ [0, 1]. The paper's set-up is τ = σ_w = 1, σ_b = 0.

* **Width first** (n → ∞ at fixed L): the kernel K^(l)_ab = h_a·h_b/n obeys
  K^(l) = K^(l−1) + (τ²/L)(σ_w² E[φφ](K^(l−1)) + σ_b²), which is ``theory.kernels.
  preact_residual_kernels`` with branch multiplier τ/√L (:func:`width_first_kernels`).
* **The limit** (L → ∞ after, before, or together with n; the paper's claim) is the solution of
  the kernel ODE (the paper's "differential flow"; its exact form is our reconstruction)

      dQ_t/dt = τ² (σ_w² E_{z~N(0,Q_t)}[φ(z)φ(z)ᵀ] + σ_b²),      Q_0 = K^(0),

  of which the width-first recursion is *exactly* the forward-Euler scheme with step 1/L. We
  therefore solve it with a high-order adaptive solver (:func:`limiting_kernel`, scipy DOP853)
  and never with Euler, and check it against closed forms (:func:`relu_limiting_kernel`,
  :func:`linear_limiting_kernel`) and a separable quadrature for the diagonal
  (:func:`diagonal_flow`).
* **Depth first at finite width** (the paper's proof route): the network is the Euler–Maruyama
  scheme of the SDE dh_i = τσ_w G(h)^{1/2} dB_i of its n neurons, G = φ(h)ᵀφ(h)/n (simulated
  by ``resprop.sde``, on the simulation side); for linear φ its squared norm is a geometric
  Brownian motion, so ln(q_1/q_0) is exactly Gaussian (:func:`linear_depth_first_law`) — a
  non-Gaussian (log-normal) pre-activation law at finite n, Gaussian only as n → ∞. For any φ
  the SDE's mean kernel approaches the ODE's Q_1 like 1/n (Itô: dE[K] = τ²σ_w² E[G] dt).

Nothing here imports the simulation. Everything is float64.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.integrate
import scipy.linalg
import scipy.optimize
import scipy.stats
from numpy.typing import ArrayLike

from .. import _validate
from ..activations import Activation, get_activation
from ..gaussian import kernel_map, variance_map
from .kernels import preact_residual_kernels

__all__ = [
    "EulerErrors",
    "branch_multiplier",
    "diagonal_flow",
    "euler_errors",
    "gp_posterior",
    "inputs_for_kernel",
    "kernel_discrepancy",
    "limiting_kernel",
    "linear_depth_first_law",
    "linear_limiting_kernel",
    "preactivation_law",
    "relu_correlation_map",
    "relu_growth_exponent",
    "relu_limiting_kernel",
    "relu_log_sq_norm",
    "time_grid",
    "width_first_kernels",
]


# ---------------------------------------------------------------------------------------------
# validation helpers


def _times(t: ArrayLike) -> np.ndarray:
    t = np.atleast_1d(np.array(t, dtype=float))
    if t.ndim != 1 or not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError("t: expected a 1-D array of finite times ≥ 0")
    if np.any(np.diff(t) < 0):
        raise ValueError("t: times must be non-decreasing")
    return t


def _scales(branch_scale: float, sigma_w2: float, sigma_b2: float) -> tuple[float, float, float]:
    return (
        _validate.real("branch_scale", branch_scale, minimum=0.0),
        _validate.variance("sigma_w2", sigma_w2),
        _validate.variance("sigma_b2", sigma_b2),
    )


def time_grid(depth: int) -> np.ndarray:
    """The times t_l = l/L, l = 0..L, at which a depth-L network samples the flow."""
    depth = _validate.integer("depth", depth)
    return np.arange(depth + 1, dtype=float) / depth


def inputs_for_kernel(K0: ArrayLike, *, sigma_in2: float = 1.0) -> np.ndarray:
    """Inputs X (k×d, d = k) whose input-layer kernel σ_in² X Xᵀ/d is exactly ``K0``.

    With an input layer h⁰ = W_in x, W_in ~ N(0, σ_in²/d), each neuron's (h⁰_i(x_1..x_k)) is
    exactly N(0, σ_in² XXᵀ/d) = N(0, K0), as the flow assumes at t = 0. X = √(d/σ_in²) U√Λ
    from the eigendecomposition K0 = UΛUᵀ.
    """
    K0 = _validate.kernel("K0", K0)
    sigma_in2 = _validate.positive("sigma_in2", sigma_in2)
    lam, U = np.linalg.eigh(K0)
    d = K0.shape[0]
    return math.sqrt(d / sigma_in2) * U * np.sqrt(np.clip(lam, 0.0, None))


def branch_multiplier(
    depth: int, *, branch_scale: float = 1.0, branch_exponent: float = 0.5
) -> float:
    """The residual branch multiplier τ L^(−a); Hayou & Yang's choice is a = ½."""
    depth = _validate.integer("depth", depth)
    branch_scale = _validate.real("branch_scale", branch_scale, minimum=0.0)
    branch_exponent = _validate.real("branch_exponent", branch_exponent)
    return branch_scale * depth ** (-branch_exponent)


# ---------------------------------------------------------------------------------------------
# width first: the infinite-width recursion (forward Euler of the flow)


def width_first_kernels(
    K0: ArrayLike,
    depth: int,
    activation: str | Activation = "relu",
    *,
    alpha: float | None = None,
    branch_scale: float = 1.0,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    branch_exponent: float = 0.5,
) -> np.ndarray:
    """Infinite-width kernels K^(0..L) of the residual network with branch multiplier τL^(−a).

    K^(l) = K^(l−1) + τ² L^(−2a) (σ_w² E[φφ](K^(l−1)) + σ_b²); for a = ½ this is forward Euler
    with step 1/L for the flow of :func:`limiting_kernel`. Delegates to
    ``theory.kernels.preact_residual_kernels``. Returns shape (L+1, k, k).
    """
    mult = branch_multiplier(depth, branch_scale=branch_scale, branch_exponent=branch_exponent)
    return preact_residual_kernels(
        _validate.kernel("K0", K0),
        depth,
        get_activation(activation, alpha),
        sigma_w2=sigma_w2,
        sigma_b2=sigma_b2,
        branch_scale=mult,
    )


def relu_log_sq_norm(
    q0: float,
    depth: int,
    *,
    branch_scale: float = 1.0,
    sigma_w2: float = 1.0,
    branch_exponent: float = 0.5,
) -> float:
    """Closed form ln q^(L) of the infinite-width ReLU recursion with branch τL^(−a), no bias.

    E[ReLU(z)²] = q/2, so q^(l) = q^(l−1)(1 + σ_w²τ²L^(−2a)/2) and
    ln q^(L) = ln q0 + L ln(1 + σ_w²τ²L^(−2a)/2): → ∞ for a < ½, → ln q0 + σ_w²τ²/2 for a = ½,
    → ln q0 for a > ½ (our derivation of the paper's "only nontrivial scaling").
    """
    q0 = _validate.positive("q0", q0)
    mult = branch_multiplier(depth, branch_scale=branch_scale, branch_exponent=branch_exponent)
    sigma_w2 = _validate.variance("sigma_w2", sigma_w2)
    return math.log(q0) + depth * math.log1p(sigma_w2 * mult**2 / 2)


def relu_growth_exponent(
    branch_exponent: float,
    depth_lo: int,
    depth_hi: int,
    *,
    branch_scale: float = 1.0,
    sigma_w2: float = 1.0,
) -> float:
    """Growth exponent of the ReLU log-norm between two depths, from :func:`relu_log_sq_norm`.

    γ = ln(ℓ(L_hi)/ℓ(L_lo)) / ln(L_hi/L_lo) with ℓ(L) = ln(q_L/q_0) (q_0 = 1): the slope of
    ln ln(q_L/q_0) against ln L, → 1 − 2a as both depths grow (ℓ ~ σ_w²τ²L^(1−2a)/2).
    """
    depth_lo = _validate.integer("depth_lo", depth_lo)
    depth_hi = _validate.integer("depth_hi", depth_hi)
    if depth_hi <= depth_lo:
        raise ValueError(f"depth_hi: must exceed depth_lo = {depth_lo}, got {depth_hi}")
    kw = dict(branch_scale=branch_scale, sigma_w2=sigma_w2, branch_exponent=branch_exponent)
    ratio = relu_log_sq_norm(1.0, depth_hi, **kw) / relu_log_sq_norm(1.0, depth_lo, **kw)
    return math.log(ratio) / math.log(depth_hi / depth_lo)


# ---------------------------------------------------------------------------------------------
# the limit: the kernel ODE


def limiting_kernel(
    K0: ArrayLike,
    t: ArrayLike,
    activation: str | Activation = "relu",
    *,
    alpha: float | None = None,
    branch_scale: float = 1.0,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    rtol: float = 1e-12,
    atol: float = 1e-14,
) -> np.ndarray:
    """The limiting kernel Q_t of the 1/√L residual network, at the times ``t``.

    Solves dQ/dt = τ²(σ_w² E_{z~N(0,Q)}[φ(z)φ(z)ᵀ] + σ_b²), Q_0 = K0, for the k(k+1)/2 upper
    entries with scipy's DOP853 (8th-order Runge–Kutta) at tolerances ``rtol``/``atol``
    (``atol`` is relative to max|K0|). The expectation is ``gaussian.kernel_map``. The ODE's
    form is our reconstruction of Hayou & Yang's "differential flow" (their Sec. 3–4).
    Returns shape (len(t), k, k).
    """
    K0 = _validate.kernel("K0", K0)
    times = _times(t)
    phi = get_activation(activation, alpha)
    branch_scale, sw, sb = _scales(branch_scale, sigma_w2, sigma_b2)
    rtol = _validate.positive("rtol", rtol)
    atol = _validate.positive("atol", atol)
    k = K0.shape[0]
    iu = np.triu_indices(k)
    rate = branch_scale**2

    def unpack(y: np.ndarray) -> np.ndarray:
        Q = np.empty((k, k))
        Q[iu] = y
        Q.T[iu] = y
        return Q

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        Q = unpack(y)
        return rate * (sw * kernel_map(phi, Q)[iu] + sb)

    t_end = float(times[-1])
    if t_end == 0.0:
        return np.broadcast_to(K0, (len(times), k, k)).copy()
    sol = scipy.integrate.solve_ivp(
        rhs,
        (0.0, t_end),
        K0[iu],
        method="DOP853",
        t_eval=times,
        rtol=rtol,
        atol=atol * max(1.0, float(np.abs(K0).max())),
    )
    if not sol.success:
        raise RuntimeError(f"kernel ODE failed: {sol.message}")
    return np.stack([unpack(y) for y in sol.y.T])


def relu_correlation_map(c: ArrayLike) -> np.ndarray:
    """κ(c) = (√(1−c²) + (π − arccos c) c)/π = 2 E[ReLU(u)ReLU(v)] for unit-variance (u, v).

    The arc-cosine kernel of order 1 (Cho & Saul 2009), written out here independently of
    ``gaussian.kernel_map`` so that :func:`relu_limiting_kernel` is a second computation.
    """
    c = _validate.real_array("c", c)
    if np.any(np.abs(c) > 1 + 1e-9):
        raise ValueError(f"c: correlations must lie in [−1, 1], got max |c| = {np.abs(c).max()!r}")
    c = np.clip(c, -1.0, 1.0)
    return (np.sqrt(1.0 - c**2) + (np.pi - np.arccos(c)) * c) / np.pi


def _relu_correlation(c0: float, s: float) -> float:
    """Solve (s/2)·t = ∫_{c0}^{c} dc'/(κ(c') − c') for c at t = 1 (s already includes t)."""
    if c0 >= 1.0 or s == 0.0:
        return c0

    def gap(c: float) -> float:
        return float(relu_correlation_map(c) - c)

    def excess(c: float) -> float:
        integral, _ = scipy.integrate.quad(
            lambda u: 1.0 / gap(u), c0, c, epsabs=1e-14, epsrel=1e-12, limit=200
        )
        return integral - s / 2

    # κ(c) − c ≈ (2√2/3π)(1 − c)^{3/2} near 1, so the integral diverges: c_t < 1 for all t.
    hi = 1.0 - 0.5 * (1.0 - c0)
    while excess(hi) < 0:
        hi = 1.0 - 0.5 * (1.0 - hi)
        if 1.0 - hi < 1e-14:
            return 1.0
    return scipy.optimize.brentq(excess, c0, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps)


def relu_limiting_kernel(
    K0: ArrayLike, t: ArrayLike, *, branch_scale: float = 1.0, sigma_w2: float = 1.0
) -> np.ndarray:
    """Closed form of the ReLU flow without bias (our derivation).

    With s = σ_w²τ²: the diagonal is q_t = q_0 e^{s t/2}; every correlation obeys the
    separable dc/dt = (s/2)(κ(c) − c) (κ: :func:`relu_correlation_map`), solved implicitly by
    (s/2) t = ∫_{c_0}^{c_t} dc/(κ(c) − c) with adaptive quadrature and a bracketing root finder;
    then Q_t(a,b) = √(q_t(a) q_t(b)) c_t(a,b). Returns shape (len(t), k, k).
    """
    K0 = _validate.kernel("K0", K0)
    times = _times(t)
    branch_scale, sw, _ = _scales(branch_scale, sigma_w2, 0.0)
    s = sw * branch_scale**2
    q0 = np.diag(K0)
    if np.any(q0 <= 0):
        raise ValueError("K0: the ReLU closed form needs a positive diagonal")
    k = len(q0)
    out = np.empty((len(times), k, k))
    for i, ti in enumerate(times):
        q = q0 * math.exp(s * ti / 2)
        for a in range(k):
            out[i, a, a] = q[a]
            for b in range(a + 1, k):
                c0 = float(np.clip(K0[a, b] / math.sqrt(q0[a] * q0[b]), -1.0, 1.0))
                out[i, a, b] = out[i, b, a] = math.sqrt(q[a] * q[b]) * _relu_correlation(c0, s * ti)
    return out


def linear_limiting_kernel(
    K0: ArrayLike,
    t: ArrayLike,
    *,
    branch_scale: float = 1.0,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
) -> np.ndarray:
    """Closed form of the linear flow dQ/dt = τ²(σ_w² Q + σ_b²).

    Q_t = (Q_0 + σ_b²/σ_w²) e^{σ_w²τ² t} − σ_b²/σ_w²  (Q_0 + τ²σ_b² t when σ_w² = 0): every
    correlation between inputs without bias is conserved. Returns shape (len(t), k, k).
    """
    K0 = _validate.kernel("K0", K0)
    times = _times(t)
    branch_scale, sw, sb = _scales(branch_scale, sigma_w2, sigma_b2)
    if sw == 0:
        return K0 + branch_scale**2 * sb * times[:, None, None]
    shift = sb / sw
    return (K0 + shift) * np.exp(sw * branch_scale**2 * times)[:, None, None] - shift


def diagonal_flow(
    q0: float,
    t: ArrayLike,
    activation: str | Activation = "relu",
    *,
    alpha: float | None = None,
    branch_scale: float = 1.0,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
) -> np.ndarray:
    """The diagonal q_t of the flow for any φ, by separation of variables (no ODE solver).

    dq/dt = τ²(σ_w² V(q) + σ_b²) with V(q) = E[φ(√q z)²] (``gaussian.variance_map``) gives
    t = ∫_{q_0}^{q_t} dq / (τ²(σ_w² V(q) + σ_b²)); solved for q_t with adaptive quadrature and
    a bracketing root finder. A check on :func:`limiting_kernel` for activations without a
    closed-form flow (erf, tanh). Returns shape (len(t),).
    """
    q0 = _validate.variance("q0", q0)
    times = _times(t)
    phi = get_activation(activation, alpha)
    branch_scale, sw, sb = _scales(branch_scale, sigma_w2, sigma_b2)

    def drift(q: float) -> float:
        return branch_scale**2 * (sw * float(variance_map(phi, q)) + sb)

    if drift(q0) <= 0:
        return np.full(len(times), q0)

    def elapsed(q: float) -> float:
        value, _ = scipy.integrate.quad(
            lambda u: 1.0 / drift(u), q0, q, epsabs=1e-14, epsrel=1e-12, limit=200
        )
        return value

    out = np.empty(len(times))
    for i, ti in enumerate(times):
        if ti == 0:
            out[i] = q0
            continue
        hi = q0 + drift(q0) * ti  # a bracket end: doubled until elapsed(hi) ≥ t
        while elapsed(hi) < ti:
            hi = q0 + 2 * (hi - q0)
        out[i] = scipy.optimize.brentq(
            lambda q, ti=ti: elapsed(q) - ti, q0, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps
        )
    return out


@dataclass(frozen=True)
class EulerErrors:
    """Width-first kernels against the limit: ``kernels`` {L: K^(L)} of the recursion,
    ``errors`` max_ab |K^(L) − Q_1| per depth, ``local_slopes`` Δ ln error / Δ ln L between
    successive depths (→ −1, Euler's global order)."""

    depths: np.ndarray
    kernels: dict[int, np.ndarray]
    errors: np.ndarray
    local_slopes: np.ndarray


def euler_errors(
    K0: ArrayLike, depths: Sequence[int], activation: str | Activation = "relu"
) -> EulerErrors:
    """Error of the infinite-width recursion (:func:`width_first_kernels`, forward Euler with
    step 1/L) against the ODE's Q_1 (:func:`limiting_kernel` at t = 1), at each depth L."""
    depths = np.array([_validate.integer("depths", L) for L in depths])
    if depths.size < 2 or np.any(np.diff(depths) <= 0):
        raise ValueError("depths: expected ≥ 2 increasing depths")
    Q1 = limiting_kernel(K0, [1.0], activation)[0]
    kernels = {int(L): width_first_kernels(K0, int(L), activation)[-1] for L in depths}
    errors = np.array([np.abs(kernels[int(L)] - Q1).max() for L in depths])
    slopes = np.diff(np.log(errors)) / np.diff(np.log(depths))
    return EulerErrors(depths, kernels, errors, slopes)


# ---------------------------------------------------------------------------------------------
# finite width: the depth-first (SDE) view, and the limiting pre-activation law


def linear_depth_first_law(
    width: int, *, branch_scale: float = 1.0, sigma_w2: float = 1.0
) -> scipy.stats.rv_continuous:
    """Law of ln(q_1/q_0) for a linear 1/√L network at finite width n as L → ∞ (no bias).

    Depth first, the network is the Euler–Maruyama scheme of dh = (τσ_w/√n) dB φ(h); for
    φ(h) = h the squared norm q = |h|²/n solves dq = s q dt + 2√(s/n) q dW with s = σ_w²τ², so
    ln(q_1/q_0) ~ N(s(1 − 2/n), 4s/n) (our derivation; the paper's route, Sec. 4). Finite
    width therefore leaves a log-normal, not Gaussian, norm; it concentrates only as n → ∞.
    """
    width = _validate.integer("width", width)
    branch_scale = _validate.real("branch_scale", branch_scale, minimum=0.0)
    s = _validate.variance("sigma_w2", sigma_w2) * branch_scale**2
    return scipy.stats.norm(loc=s * (1 - 2 / width), scale=math.sqrt(4 * s / width))


def preactivation_law(K: ArrayLike, index: int = 0) -> scipy.stats.rv_continuous:
    """The limiting law N(0, K_aa) of one neuron's pre-activation h_i(x_a) (the paper's claim).

    In the joint limit each neuron's vector (h_i(x_1), …, h_i(x_k)) is N(0, Q_t), independent
    across neurons; ``K`` is the k×k kernel Q_t and ``index`` the input a.
    """
    K = _validate.kernel("K", K)
    index = _validate.integer("index", index, minimum=0)
    if index >= K.shape[0]:
        raise ValueError(f"index: {index} out of range for a {K.shape[0]}×{K.shape[0]} kernel")
    return scipy.stats.norm(loc=0.0, scale=math.sqrt(K[index, index]))


# ---------------------------------------------------------------------------------------------
# comparing kernels, and using the limiting kernel


def kernel_discrepancy(K: ArrayLike, K_ref: ArrayLike) -> np.ndarray:
    """Distance between kernels on the scale of log-norms and correlations (per sample).

    d(K, K_ref)² = mean_a (ln K_aa − ln Kref_aa)² + mean_{a<b} (c_ab − cref_ab)², with
    c_ab = K_ab/√(K_aa K_bb). For small errors this is the relative error of the kernel; unlike
    a relative Frobenius error it stays finite for networks whose norm grows or collapses
    exponentially. ``K`` has shape (..., k, k), ``K_ref`` broadcasts against it. A vanished
    norm (K_aa = 0) gives an infinite distance.
    """
    K = np.asarray(K, dtype=float)
    K_ref = np.asarray(K_ref, dtype=float)
    if K.ndim < 2 or K.shape[-1] != K.shape[-2]:
        raise ValueError(f"K: expected shape (..., k, k), got {K.shape}")
    if K_ref.shape[-2:] != K.shape[-2:]:
        raise ValueError(f"K_ref: expected trailing shape {K.shape[-2:]}, got {K_ref.shape}")
    k = K.shape[-1]
    d = np.diagonal(K, axis1=-2, axis2=-1)
    d_ref = np.diagonal(K_ref, axis1=-2, axis2=-1)
    if np.any(d_ref <= 0):
        raise ValueError("K_ref: needs a positive diagonal")
    with np.errstate(divide="ignore", invalid="ignore"):
        log_err = np.log(d) - np.log(d_ref)
        sq = np.mean(log_err**2, axis=-1)
        if k > 1:
            iu = np.triu_indices(k, 1)
            c = K / np.sqrt(d[..., :, None] * d[..., None, :])
            c_ref = K_ref / np.sqrt(d_ref[..., :, None] * d_ref[..., None, :])
            sq = sq + np.mean((c[..., iu[0], iu[1]] - c_ref[..., iu[0], iu[1]]) ** 2, axis=-1)
    return np.where(np.all(d > 0, axis=-1), np.sqrt(sq), np.inf)


def gp_posterior(
    K: ArrayLike,
    train: Sequence[int] | np.ndarray,
    y: ArrayLike,
    *,
    noise: float = 1e-6,
) -> tuple[np.ndarray, np.ndarray]:
    """GP regression with prior kernel ``K`` over all k points, observed at ``train``.

    mean = K_{*,T} (K_{T,T} + σ²I)^{-1} y,  var = diag(K_{*,*} − K_{*,T}(K_{T,T} + σ²I)^{-1}K_{T,*})
    for every point * (the "Bayesian deep learning" use of the limiting kernel the paper points
    to). Solved by Cholesky; returns (mean, variance), each of shape (k,).
    """
    K = _validate.kernel("K", K)
    train = np.asarray(train)
    if train.ndim != 1 or train.size == 0 or not np.issubdtype(train.dtype, np.integer):
        raise ValueError("train: expected a non-empty 1-D array of integer indices")
    if train.min() < 0 or train.max() >= K.shape[0] or len(np.unique(train)) != len(train):
        raise ValueError("train: indices must be distinct and within the kernel")
    y = np.asarray(y, dtype=float)
    if y.shape != train.shape:
        raise ValueError(f"y: expected shape {train.shape}, got {y.shape}")
    noise = _validate.positive("noise", noise)
    chol = np.linalg.cholesky(K[np.ix_(train, train)] + noise * np.eye(len(train)))
    cross = K[:, train]
    weights = scipy.linalg.cho_solve((chol, True), y)
    mean = cross @ weights
    v = scipy.linalg.solve_triangular(chol, cross.T, lower=True)
    var = np.diag(K) - np.sum(v**2, axis=0)
    return mean, np.maximum(var, 0.0)
