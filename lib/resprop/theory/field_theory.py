r"""Finite-size field theory of residual networks with a residual scale α (Fischer et al. 2023).

Fischer, Dahmen & Helias, *Field theory for optimal signal propagation in ResNets*
(arXiv:2305.07715). The paper's full text was not available to us: the model, the 1/N theory
and the response functions below are **our reconstruction** (research notes
``paper1_field_theory.md``, re-derived here; where we depart from the notes, the docstring
says so).

Model (``form="preact"``, the library's ``networks.PreActResidual``), width N, depth L:

    h⁰ = W_in x  (Gaussian, kernel K⁰),   h^l = h^{l−1} + α (W^l φ(h^{l−1}) + b^l),

W^l_ij ~ N(0, σ_w²/N), b^l_i ~ N(0, σ_b²). The kernel is K̂^l = h^l h^lᵀ/N (k inputs). The
alternative ``form="full"`` puts the weights inside φ, h^l = h^{l−1} + α V φ(W h^{l−1} + b)
(Yang–Schoenholz's full residual network with σ_v² = α², ``networks.FullResidual``; the notes
call this variant "reduced", but in this book the *reduced* network is x + Wφ(x) + b, which
is the pre-activation form). Only the mean-field functions support ``form="full"``.

What is here:

* mean field: K^l = K^{l−1} + α² C(K^{l−1}), C(K) = σ_w² E_K[φφᵀ] + σ_b²
  (:func:`mean_kernels`, reusing ``theory.kernels``), and its α = τ/√L continuum
  (:func:`continuum_response`, scipy DOP853);
* the 1/N theory (:func:`finite_size`): the kernel covariance N·Cov(K̂^l) (two closures), and
  the mean correction E K̂^l = K^l + K₁^l/N (two closures: the *cavity* result that keeps a
  neuron's feedback on itself through the skip path, and the *naive* feed-forward-style
  closure that drops it);
* response functions (:func:`response`, :func:`response_finite_size`), four competing
  definitions (``RESPONSES``), and the maximising residual scale α* (:func:`optimal_scale`,
  :func:`optimal_continuum`).

Nothing here imports the simulation; all arithmetic is float64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.integrate
import scipy.optimize
from numpy.typing import ArrayLike

from .. import _validate
from ..activations import Activation, get_activation
from ..gaussian import kernel_map, variance_map
from .kernels import full_residual_kernels, preact_residual_kernels

__all__ = [
    "FORMS",
    "RESPONSES",
    "FiniteSize",
    "continuum_response",
    "finite_size",
    "mean_kernels",
    "near_optimal_range",
    "optimal_continuum",
    "optimal_scale",
    "response",
    "response_finite_size",
    "tangent_kernels",
]

FORMS = ("preact", "full")
#: Competing definitions of "the response function" (the paper's own one is unknown):
#: ``readout`` ∂K^y_12/∂K⁰_12 with a readout of φ(h^L) (ours: the notes' leading candidate, the
#: only one with an interior maximum in α); ``kernel`` ∂K^L_12/∂K⁰_12; ``jacobian``
#: E‖(∂h^L/∂h⁰) v‖²/‖v‖² for v ⊥ the input (what a JVP measures); ``q`` ∂q^L/∂q⁰ (one input).
RESPONSES = ("readout", "kernel", "jacobian", "q")
_SMOOTH = ("erf", "tanh", "linear")

# ---------------------------------------------------------------------------------------------
# validation


def _common(
    depth: int, scale: float, sigma_w2: float, sigma_b2: float, form: str
) -> tuple[int, float, float, float, str]:
    return (
        _validate.integer("depth", depth),
        _validate.real("scale", scale, minimum=0.0),
        _validate.variance("sigma_w2", sigma_w2),
        _validate.variance("sigma_b2", sigma_b2),
        _validate.choice("form", form, FORMS),
    )


# ---------------------------------------------------------------------------------------------
# mean field


def mean_kernels(
    K0: ArrayLike,
    depth: int,
    scale: float,
    activation: str | Activation = "erf",
    *,
    alpha: float | None = None,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    form: str = "preact",
) -> np.ndarray:
    r"""Infinite-width kernels K^l, l = 0..L, shape (L+1, k, k), with residual scale α = ``scale``.

    preact:  K^l = K^{l−1} + α² (σ_w² E_{K^{l−1}}[φφᵀ] + σ_b²)        (notes §2.1, [R])
    full:    K^l = K^{l−1} + α² E_{H}[φφᵀ],  H = σ_w² K^{l−1} + σ_b²

    Thin wrappers of ``theory.kernels.preact_residual_kernels`` (branch multiplier α) and
    ``full_residual_kernels`` (σ_v² = α², σ_a² = 0). ``alpha`` is the α-ReLU power, not α.
    """
    K0 = _validate.kernel("K0", K0)
    depth, scale, sw, sb, form = _common(depth, scale, sigma_w2, sigma_b2, form)
    phi = get_activation(activation, alpha)
    if form == "preact":
        return preact_residual_kernels(
            K0, depth, phi, sigma_w2=sw, sigma_b2=sb, branch_multiplier=scale
        )
    K, _ = full_residual_kernels(
        K0, depth, phi, sigma_w2=sw, sigma_b2=sb, sigma_v2=scale**2, sigma_a2=0.0
    )
    return K


def _kernels_batched(
    K0: np.ndarray, depth: int, scales: np.ndarray, phi: Activation, sw: float, sb: float, form: str
) -> np.ndarray:
    """:func:`mean_kernels` for many scales at once, (S, L+1, k, k) (same recursion, batched).

    Only for speed in sweeps over α; ``tests/test_field_theory.py`` checks it against
    :func:`mean_kernels` (i.e. ``theory.kernels``).
    """
    a2 = (scales**2)[:, None, None]
    K = np.broadcast_to(K0, (len(scales), *K0.shape)).copy()
    out = np.empty((len(scales), depth + 1, *K0.shape))
    out[:, 0] = K
    for layer in range(depth):
        if form == "preact":
            K = K + a2 * (sw * kernel_map(phi, K) + sb)
        else:
            K = K + a2 * kernel_map(phi, sw * K + sb)
        out[:, layer + 1] = K
    return out


def _fprime(phi: Activation, q: np.ndarray) -> np.ndarray:
    """dE[φ(z)²]/dq for z ~ N(0, q), by a central difference of ``gaussian.variance_map``."""
    h = 1e-5 * np.maximum(q, 1e-3)
    return (variance_map(phi, q + h) - variance_map(phi, np.maximum(q - h, 0.0))) / (
        q + h - np.maximum(q - h, 0.0)
    )


def _response_from_kernels(
    K: np.ndarray,
    phi: Activation,
    scales: np.ndarray,
    sw: float,
    sb: float,
    so: float,
    kind: str,
    form: str,
) -> np.ndarray:
    """Mean-field responses (S, L+1) from batched kernels (S, L+1, k, k)."""
    a2 = (scales**2)[:, None]
    H = K if form == "preact" else sw * K + sb  # where φ is evaluated
    if kind in ("readout", "kernel"):
        dd = kernel_map(phi, H, derivative=True)[..., 0, 1]  # E[φ'(u_1)φ'(u_2)]
        factor = 1.0 + a2 * sw * dd
    elif kind == "jacobian":
        dd = variance_map(phi, H[..., 0, 0], derivative=True)
        factor = 1.0 + a2 * sw * dd
    else:  # "q": dq'/dq = 1 + α² σ_w² F'(q) (preact) or 1 + α² σ_w² F'(σ_w² q + σ_b²) (full)
        factor = 1.0 + a2 * sw * _fprime(phi, H[..., 0, 0])
    chi = np.ones(factor.shape)
    chi[:, 1:] = np.cumprod(factor[:, :-1], axis=1)
    if kind == "readout":  # y = w·φ(h^l): φ′ at the stream's kernel K^l in both forms
        chi = chi * so * kernel_map(phi, K, derivative=True)[..., 0, 1]
    return chi


def response(
    K0: ArrayLike,
    depth: int,
    scale: float | ArrayLike,
    activation: str | Activation = "erf",
    *,
    kind: str = "readout",
    alpha: float | None = None,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    sigma_out2: float = 1.0,
    form: str = "preact",
) -> np.ndarray:
    r"""Mean-field response function χ^l at every layer l = 0..L, for one or many scales α.

    With J_l = E_{K^l}[φ′(u_1)φ′(u_2)] (φ′ evaluated at the pre-activations: K^l for
    ``preact``, σ_w² K^l + σ_b² for ``full``) and the kernel recursion of :func:`mean_kernels`:

    * ``kernel``:   χ^l = ∂K^l_12/∂K⁰_12 = Π_{j<l} (1 + α² σ_w² J_j)   (notes §2.3b, [R])
    * ``readout``:  χ^l = σ_out² E_{K^l}[φ′_1φ′_2] · Π_{j<l} (1 + α² σ_w² J_j) = ∂K^y_12/∂K⁰_12
      for a readout y = w·φ(h^l), w ~ N(0, σ_out²/N), of the stream itself in both forms
      (**ours** for the α* claims; the notes' guess [G])
    * ``jacobian``: c → 1 limit of ``kernel``, Π_{j<l}(1 + α² σ_w² E[φ′(z)²]_{q^j}) =
      E‖(∂h^l/∂h⁰) v‖²/‖v‖² for a direction v ⊥ h⁰ (what a JVP measures)
    * ``q``:        ∂q^l/∂q⁰ = Π_{j<l}(1 + α² σ_w² F′(q^j)), F(q) = E[φ(z)²] (one input)

    ``readout`` and ``kernel`` need a 2×2 ``K0``; ``jacobian`` and ``q`` use K0[0, 0].
    Returns (L+1,) for a scalar ``scale``, else (len(scale), L+1).
    """
    K0 = _validate.kernel("K0", K0)
    kind = _validate.choice("kind", kind, RESPONSES)
    scalar = np.ndim(scale) == 0
    scales = np.atleast_1d(np.asarray(scale, dtype=float))
    if scales.ndim != 1 or not np.all(np.isfinite(scales)) or np.any(scales < 0):
        raise ValueError("scale: expected finite residual scales α ≥ 0")
    depth, _, sw, sb, form = _common(depth, 0.0, sigma_w2, sigma_b2, form)
    so = _validate.variance("sigma_out2", sigma_out2)
    phi = get_activation(activation, alpha)
    if kind in ("readout", "kernel"):
        if K0.shape != (2, 2):
            raise ValueError(f"K0: kind {kind!r} needs a 2×2 kernel, got shape {K0.shape}")
    else:
        K0 = K0[:1, :1]
    K = _kernels_batched(K0, depth, scales, phi, sw, sb, form)
    chi = _response_from_kernels(K, phi, scales, sw, sb, so, kind, form)
    return chi[0] if scalar else chi


# ---------------------------------------------------------------------------------------------
# α* and the continuum limit


def optimal_scale(
    K0: ArrayLike,
    depth: int,
    activation: str | Activation = "erf",
    *,
    kind: str = "readout",
    alpha: float | None = None,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    sigma_out2: float = 1.0,
    form: str = "preact",
    bounds: tuple[float, float] = (1e-3, 1e2),
    n_grid: int = 41,
) -> float:
    r"""α* = argmax_α χ^L(α), the residual scale of maximal response (notes §2.5, [R]).

    A log-spaced grid of ``n_grid`` scales in ``bounds`` brackets the maximum, which is then
    refined by a bounded scalar search in ln α (relative accuracy ≈ 1e-6). Returns NaN when
    the maximum lies at an end of ``bounds`` (a monotone response has no α*).
    For ``form="preact"`` with σ_b² = 0, α and σ_w² enter only as α²σ_w², so α* ∝ σ_w^(−1)
    exactly at fixed K0.
    """
    lo, hi = (_validate.positive("bounds", b) for b in bounds)
    if not lo < hi:
        raise ValueError(f"bounds: expected lo < hi, got {bounds}")
    n_grid = _validate.integer("n_grid", n_grid, minimum=5)
    kw = dict(
        kind=kind,
        alpha=alpha,
        sigma_w2=sigma_w2,
        sigma_b2=sigma_b2,
        sigma_out2=sigma_out2,
        form=form,
    )
    grid = np.geomspace(lo, hi, n_grid)
    chi = response(K0, depth, grid, activation, **kw)[:, -1]
    i = int(np.argmax(chi))
    if i in (0, n_grid - 1):
        return math.nan

    def neg(log_a: float) -> float:
        return -float(response(K0, depth, math.exp(log_a), activation, **kw)[-1])

    res = scipy.optimize.minimize_scalar(
        neg,
        bounds=(math.log(grid[i - 1]), math.log(grid[i + 1])),
        method="bounded",
        options={"xatol": 1e-7},
    )
    return float(math.exp(res.x))


def near_optimal_range(
    K0: ArrayLike,
    depth: int,
    activation: str | Activation = "erf",
    *,
    fraction: float = 0.9,
    kind: str = "readout",
    alpha: float | None = None,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    sigma_out2: float = 1.0,
    form: str = "preact",
    bounds: tuple[float, float] = (1e-3, 1e2),
) -> tuple[float, float]:
    r"""The scales α with χ^L(α) ≥ ``fraction`` · max_α χ^L: our reading of "the range of
    maximal sensitivity" (the paper's own criterion is unknown).

    Returns (α_lo, α_hi) by root finding (brentq) on each side of α* (:func:`optimal_scale`);
    NaN where there is no interior maximum.
    """
    fraction = _validate.real("fraction", fraction, minimum=0.0, strict=True)
    if fraction >= 1:
        raise ValueError(f"fraction: must be < 1, got {fraction}")
    kw = dict(
        kind=kind,
        alpha=alpha,
        sigma_w2=sigma_w2,
        sigma_b2=sigma_b2,
        sigma_out2=sigma_out2,
        form=form,
    )
    a_star = optimal_scale(K0, depth, activation, bounds=bounds, **kw)
    if math.isnan(a_star):
        return math.nan, math.nan
    target = fraction * float(response(K0, depth, a_star, activation, **kw)[-1])

    def gap(log_a: float) -> float:
        return float(response(K0, depth, math.exp(log_a), activation, **kw)[-1]) - target

    lo_b, hi_b, mid = math.log(bounds[0]), math.log(bounds[1]), math.log(a_star)
    lo = scipy.optimize.brentq(gap, lo_b, mid, xtol=1e-9) if gap(lo_b) < 0 else math.nan
    hi = scipy.optimize.brentq(gap, mid, hi_b, xtol=1e-9) if gap(hi_b) < 0 else math.nan
    return math.exp(lo), math.exp(hi)


def continuum_response(
    x: float | ArrayLike,
    K0: ArrayLike,
    activation: str | Activation = "erf",
    *,
    kind: str = "readout",
    alpha: float | None = None,
    sigma_b2_ratio: float = 0.0,
    sigma_w2: float = 1.0,
    sigma_out2: float = 1.0,
    form: str = "preact",
) -> np.ndarray:
    r"""The L → ∞ response at α = τ/√L, as a function of x = α² σ_w² L = τ² σ_w².

    preact (σ_b² = ``sigma_b2_ratio``·σ_w²):  dK/dt = x (E_K[φφᵀ] + σ_b²/σ_w²),
        d ln χ/dt = x E_K[φ′_1 φ′_2],  t ∈ [0, 1];
    full:  dK/dt = (x/σ_w²) E_H[φφᵀ],  H = σ_w² K + σ_b²,  d ln χ/dt = x E_H[φ′_1 φ′_2].

    This is the continuum limit of :func:`response` (forward Euler with step 1/L *is* the
    network), solved with scipy DOP853 (rtol 1e-10). In the preact form everything depends on
    x alone, hence α*²σ_w²L → x* (:func:`optimal_continuum`). Kinds ``readout`` and ``kernel``
    (2×2 ``K0``) and ``jacobian`` (K0[0, 0]). Returns χ at t = 1, shaped like ``x``.
    """
    K0 = _validate.kernel("K0", K0)
    kind = _validate.choice("kind", kind, ("readout", "kernel", "jacobian"))
    form = _validate.choice("form", form, FORMS)
    sw = _validate.positive("sigma_w2", sigma_w2)
    rb = _validate.real("sigma_b2_ratio", sigma_b2_ratio, minimum=0.0)
    so = _validate.variance("sigma_out2", sigma_out2)
    phi = get_activation(activation, alpha)
    if kind == "jacobian":
        K0 = K0[:1, :1]
    elif K0.shape != (2, 2):
        raise ValueError(f"K0: kind {kind!r} needs a 2×2 kernel, got shape {K0.shape}")
    k = K0.shape[0]
    iu = np.triu_indices(k)
    xs = np.atleast_1d(np.asarray(x, dtype=float))
    if not np.all(np.isfinite(xs)) or np.any(xs < 0):
        raise ValueError("x: expected finite values ≥ 0")

    def unpack(y: np.ndarray) -> np.ndarray:
        Q = np.empty((k, k))
        Q[iu] = y
        Q.T[iu] = y
        return Q

    def where_phi(Q: np.ndarray) -> np.ndarray:
        return Q if form == "preact" else sw * Q + rb * sw

    def dprime(Q: np.ndarray) -> float:
        D = kernel_map(phi, where_phi(Q), derivative=True)
        return float(D[0, -1])

    out = np.empty(xs.shape)
    for i, xi in enumerate(xs):

        def rhs(_t: float, y: np.ndarray, xi: float = xi) -> np.ndarray:
            Q = unpack(y[:-1])
            if form == "preact":
                dQ = xi * (kernel_map(phi, Q) + rb)
            else:
                dQ = xi / sw * kernel_map(phi, where_phi(Q))
            return np.append(dQ[iu], xi * dprime(Q))

        sol = scipy.integrate.solve_ivp(
            rhs, (0.0, 1.0), np.append(K0[iu], 0.0), method="DOP853", rtol=1e-10, atol=1e-12
        )
        if not sol.success:
            raise RuntimeError(f"continuum ODE failed: {sol.message}")
        y = sol.y[:, -1]
        chi = math.exp(y[-1])
        if kind == "readout":  # φ′ of the stream h^L itself in both forms
            chi *= so * float(kernel_map(phi, unpack(y[:-1]), derivative=True)[0, -1])
        out[i] = chi
    return out.reshape(np.shape(x))


def optimal_continuum(
    K0: ArrayLike,
    activation: str | Activation = "erf",
    *,
    alpha: float | None = None,
    sigma_b2_ratio: float = 0.0,
    sigma_w2: float = 1.0,
    form: str = "preact",
    bounds: tuple[float, float] = (1e-2, 1e3),
) -> float:
    r"""x* = argmax_x χ_readout(x) of :func:`continuum_response`: α* ≈ √(x*/(σ_w² L)) at large L.

    Grid bracket (25 log-spaced x) then a bounded search in ln x. NaN if the maximum is at an
    end of ``bounds``.
    """
    lo, hi = (_validate.positive("bounds", b) for b in bounds)
    if not lo < hi:
        raise ValueError(f"bounds: expected lo < hi, got {bounds}")
    kw = dict(alpha=alpha, sigma_b2_ratio=sigma_b2_ratio, sigma_w2=sigma_w2, form=form)
    grid = np.geomspace(lo, hi, 25)
    chi = continuum_response(grid, K0, activation, **kw)
    i = int(np.argmax(chi))
    if i in (0, len(grid) - 1):
        return math.nan
    res = scipy.optimize.minimize_scalar(
        lambda lx: -float(continuum_response(math.exp(lx), K0, activation, **kw)),
        bounds=(math.log(grid[i - 1]), math.log(grid[i + 1])),
        method="bounded",
        options={"xatol": 1e-7},
    )
    return float(math.exp(res.x))


# ---------------------------------------------------------------------------------------------
# the 1/N theory: Gaussian quadrature over one layer (P dims) or two layers (2P dims)


def _sqrt_psd(K: np.ndarray) -> np.ndarray:
    """A with A Aᵀ = K for a symmetric PSD K: the Cholesky factor (lower triangular, so column
    j of H = A z depends on z_0..z_j only), or an eigen-square-root when K is singular."""
    K = (K + K.T) / 2
    try:
        return np.linalg.cholesky(K)
    except np.linalg.LinAlgError:
        lam, U = np.linalg.eigh(K)
        return U * np.sqrt(np.clip(lam, 0.0, None))


class _Rule:
    """Tensor Gauss–Hermite rule for E f(z), z ~ N(0, I), with ``nodes[i]`` nodes along axis i;
    products of weights below 1e-15 of the largest are pruned."""

    def __init__(self, nodes: tuple[int, ...]) -> None:
        axes = [np.polynomial.hermite_e.hermegauss(n) for n in nodes]
        mesh = np.meshgrid(*[x for x, _ in axes], indexing="ij")
        z = np.stack([m.ravel() for m in mesh], axis=-1)
        weight = np.ones(1)
        for _, w in axes:
            weight = np.multiply.outer(weight, w / w.sum()).ravel()
        keep = weight > 1e-15 * weight.max()
        self.z, self.w = z[keep], weight[keep] / weight[keep].sum()


class _Core:
    """Gaussian expectations of a state of P columns: k inputs, then tangents of input 0.

    Φ(H) = (φ(H_0..k−1), φ′(H_0)·H_k..P−1) as in the simulator; F(H) = σ_w² Φ Φᵀ. With
    Cholesky factors, a tangent coordinate enters every integrand polynomially (degree ≤ 4),
    so its axes get 8 Gauss–Hermite nodes (exact to degree 15); input axes get ``nodes``.
    """

    _TANGENT_NODES = 8

    def __init__(self, phi: Activation, k: int, n_tangents: int, sw: float, nodes: tuple[int, int]):
        self.phi, self.k, self.P, self.sw = phi, k, k + n_tangents, sw
        per = lambda n: (n,) * k + (self._TANGENT_NODES,) * n_tangents  # noqa: E731
        self.rule1 = _Rule(per(nodes[0]))
        self.rule2 = _Rule(per(nodes[1]) * 2)

    def Phi(self, H: np.ndarray) -> np.ndarray:
        k = self.k
        out = np.empty_like(H)
        out[:, :k] = self.phi(H[:, :k])
        out[:, k:] = self.phi.derivative(H[:, :1]) * H[:, k:]
        return out

    def F(self, H: np.ndarray) -> np.ndarray:
        """σ_w² Φ Φᵀ, flattened to (M, P²)."""
        ph = self.Phi(H)
        return self.sw * (ph[:, :, None] * ph[:, None, :]).reshape(len(H), -1)

    def one(self, K: np.ndarray) -> np.ndarray:
        """Points H ~ N(0, K) of the one-layer rule."""
        return self.rule1.z @ _sqrt_psd(K).T

    def field(self, K: np.ndarray) -> np.ndarray:
        """E_K[F] as a P² vector."""
        return self.rule1.w @ self.F(self.one(K))

    def two(self, Kk: np.ndarray, D: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points (H^k, H^l): H^k ~ N(0, K^k), H^l = H^k + Δ, Δ ~ N(0, D) independent."""
        P = self.P
        Hk = self.rule2.z[:, :P] @ _sqrt_psd(Kk).T
        return Hk, Hk + self.rule2.z[:, P:] @ _sqrt_psd(D).T


def _sym_basis(P: int) -> list[tuple[int, int, np.ndarray]]:
    """(e, f, U_ef) for e ≤ f with X = Σ_{e≤f} X_ef U_ef for every symmetric X."""
    out = []
    for e in range(P):
        for f in range(e, P):
            U = np.zeros((P, P))
            U[e, f] = U[f, e] = 1.0
            out.append((e, f, U))
    return out


def _step(K: np.ndarray, Y: np.ndarray, rel: float) -> float:
    """A finite-difference step h with K ± hY positive definite and h‖Y‖ ≤ rel·tr(K)/P."""
    lam_min = float(np.linalg.eigvalsh(K).min())
    norm = float(np.abs(np.linalg.eigvalsh(Y)).max())
    if norm == 0.0:
        return 1.0
    if lam_min <= 0:
        raise ValueError("K0: the 1/N theory needs positive-definite kernels at every layer")
    return min(rel * float(np.trace(K)) / len(K), 0.25 * lam_min) / norm


@dataclass(frozen=True)
class FiniteSize:
    r"""The 1/N theory of a pre-activation ResNet at every layer l = 0..L (see :func:`finite_size`).

    P×P matrices are indexed by the state's columns (inputs, then tangents); covariances
    C[l, a, b, c, d] = N·Cov(K̂^l_ab, K̂^l_cd).
    """

    kernel: np.ndarray  #: (L+1, P, P) mean-field K^l
    act_kernel: np.ndarray  #: (L+1, P, P) mean-field E[Φ Φᵀ]
    mean_correction: np.ndarray  #: (L+1, P, P) K₁^l (cavity closure, ours)
    mean_correction_naive: np.ndarray  #: (L+1, P, P) K₁^l of the naive closure
    act_correction: np.ndarray  #: (L+1, P, P) N(E[Φ̂Φ̂ᵀ] − E_K[ΦΦᵀ]), cavity
    act_correction_naive: np.ndarray  #: (L+1, P, P) the same, naive closure
    correction_terms: dict  #: cavity Δ^l/σ_w² split into "shift", "fluctuation", "self"
    covariance: np.ndarray  #: (L+1, P, P, P, P) N·Cov(K̂^l), cavity closure (ours)
    covariance_kernel_field: np.ndarray  #: (L+1, P, P, P, P) G + V, the notes' V recursion
    field_covariance: np.ndarray  #: (L+1, P, P, P, P) W^l = N·Cov of the field K̃^l
    quadrature_error: float  #: max relative error of the rule on closed-form checks


def finite_size(
    K0: ArrayLike,
    depth: int,
    scale: float,
    activation: str | Activation = "erf",
    *,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    n_tangents: int = 0,
    nodes: tuple[int, int] | None = None,
) -> FiniteSize:
    r"""One-loop (leading 1/N) theory of the pre-activation ResNet h^l = h^{l−1} + α(W φ(h) + b).

    Assumes a Gaussian input layer: the neurons' h⁰_i are i.i.d. N(0, K0) (``input_dim`` set in
    the simulation). Smooth φ only (erf, tanh, linear). The state has P = k + ``n_tangents``
    columns; a tangent column t carries φ′(h_0) t, like a Jacobian-vector product of input 0.

    **Derivation (ours; the notes' §2.4 for P = 1, generalised and re-derived).** Given layer l,
    the increments are i.i.d. over neurons, N(0, α² Ĉ^l), with the *field*
    Ĉ^l = σ_w² Σ_j Φ(h_j^l)Φ(h_j^l)ᵀ/N + σ_b². Write Ĉ^l = C^l + δ^l. To leading order the field
    noise is δ^l = ζ^l/√N + α² J^l Σ_{m<l} δ^m, with ζ the sampling noise of i.i.d. Gaussian
    trajectories H (Cov(H^k, H^l) = K^{min(k,l)}) and J^l = ∂C/∂K at K^l. Hence the field a
    neuron sees, K̃^l = K^l + α² Σ_{k<l} Ξ^{l,k} ζ^k/√N, propagates through the mean-field
    kernel response Ξ^{l,k} = Π_{j=k+1}^{l−1} (1 + α² J^j), and

    * W^l = N Cov(K̃^l) = α⁴ Σ_{k,k'<l} Ξ^{l,k} Σ_ζ(k,k') Ξ^{l,k'}ᵀ,
      Σ_ζ(k,k') = Cov_GP(F(H^k), F(H^k')), F = σ_w²ΦΦᵀ (two-layer expectations);
    * N Cov(K̂^l) = G^l + α² Σ_{k<l} (S^k Ξ^{l,k}ᵀ + Ξ^{l,k} S^kᵀ) + W^l, with
      G_{ab,cd} = K_ac K_bd + K_ad K_bc and S^k = Cov_{K^k}(HHᵀ, F)  (``covariance``);
    * E K̂^l = K^l + K₁^l/N with K₁^{l+1} = K₁^l + α² Δ^l (exact: W is zero-mean), and the mean
      field correction Δ^l = N(E Ĉ^l − C^l) = shift + fluctuation + self:
      shift = J^l[K₁^l];  fluctuation = ½ E_X D²C_{K^l}[X, X], X ~ N(0, W^l);
      self = (α²/2) Σ_{k<l} E_GP[∇²F(H^l) : Ξ^{l,k}[F(H^k) − C^k]]  — a neuron's own past
      activity, fed back into the field it sees through the skip path (this is what the
      naive closure misses).

    **Closures kept side by side.** ``covariance_kernel_field`` is the notes' recursion
    V^{l+1} = V + α²(M + Mᵀ) + α⁴(Q + JVJᵀ), M = S + VJᵀ, Q = Σ_ζ(l, l), which treats the
    neurons as Gaussian with a fluctuating kernel; it misses the non-quadratic cross-layer
    correlations kept in Σ_ζ (our derivation; it differs at the per-cent level).
    ``mean_correction_naive`` is the feed-forward-style closure of the notes:
    Δ = J[K₁] + ½ E D²C[X, X] with X ~ N(0, V) (kernel-field V), no self term.

    Second derivatives are Price's theorem, d/ds E_{Σ+sY}[f] = ½ E[∇²f : Y], taken as central
    differences of the quadrature in the covariance. ``nodes`` = (one-layer, two-layer)
    Gauss–Hermite nodes per input axis (default (200, 120) for P = 1, (200, 100) for an input and
    a tangent, (64, 22) for two inputs; tangent axes are exact with 8 nodes). Measured at
    α = 0.7, L = 10, q⁰ = 1: the Jacobian χ₁ is 1.6467 / 1.6747 / 1.6750 with 40 / 70 / 100
    two-layer nodes; the two-input readout χ₁ (α = 0.45, c⁰ = 0.5) −0.1653 / −0.1723 / −0.1728
    with 14 / 22 / 30;
    the cost grows like nodes^(2P).
    ``quadrature_error`` reports the rule's worst relative error against closed forms of
    ``gaussian.kernel_map`` (the mean-field kernel; and E[φ(H^0)φ(H^L)] across layers).
    """
    K0 = _validate.kernel("K0", K0)
    depth, scale, sw, sb, _ = _common(depth, scale, sigma_w2, sigma_b2, "preact")
    if sw <= 0:
        raise ValueError("sigma_w2: the 1/N theory needs σ_w² > 0")
    phi = get_activation(activation)
    if phi.name not in _SMOOTH:
        raise ValueError(f"activation: the 1/N theory needs a smooth φ {_SMOOTH}, got {phi.name!r}")
    n_t = _validate.integer("n_tangents", n_tangents, minimum=0)
    P = K0.shape[0]
    k = P - n_t
    if k < 1:
        raise ValueError("n_tangents: K0 must hold at least one input column before the tangents")
    if P > 2:
        raise ValueError(f"K0: the 1/N theory is implemented for P ≤ 2 columns, got {P}")
    if np.linalg.eigvalsh(K0).min() <= 1e-10 * max(1.0, float(np.abs(K0).max())):
        raise ValueError("K0: the 1/N theory needs a positive-definite K0")
    if nodes is None:
        nodes = (200, 120) if P == 1 else ((200, 100) if n_t else (64, 22))
    nodes = tuple(_validate.integer("nodes", n, minimum=4) for n in nodes)
    if len(nodes) != 2:
        raise ValueError("nodes: expected (one-layer, two-layer) node counts")
    a2 = scale**2
    core = _Core(phi, k, n_t, sw, nodes)
    P2 = P * P
    bias = np.zeros((P, P))
    bias[:k, :k] = sb
    basis = _sym_basis(P)
    eye = np.eye(P2)

    # mean field, by quadrature (checked against the closed forms of theory.kernels)
    K = np.empty((depth + 1, P, P))
    m = np.empty((depth + 1, P2))  # E_K[F]
    K[0] = K0
    for layer in range(depth + 1):
        m[layer] = core.field(K[layer])
        if layer < depth:
            K[layer + 1] = K[layer] + a2 * (m[layer].reshape(P, P) + bias)
    closed = preact_residual_kernels(
        K0[:k, :k], depth, phi, sigma_w2=sw, sigma_b2=sb, branch_multiplier=scale
    )
    norm = np.abs(closed).max(axis=(1, 2))[:, None, None]
    err = float(np.max(np.abs(K[:, :k, :k] - closed) / norm))
    if n_t == 0:
        K = closed.copy()
        m = np.stack([core.field(Kl) for Kl in K])
    Hk, Hl = core.two(K[0], K[-1] - K[0])
    cross = core.rule2.w @ (phi(Hk[:, 0]) * phi(Hl[:, 0]))
    exact = kernel_map(phi, np.array([[K[0, 0, 0], K[0, 0, 0]], [K[0, 0, 0], K[-1, 0, 0]]]))[0, 1]
    err = max(err, abs(cross - exact) / abs(exact) if exact else abs(cross))

    # J^l = ∂C/∂K (P²×P² on vec of symmetric matrices), by central differences
    J = np.zeros((depth + 1, P2, P2))
    for layer in range(depth + 1):
        for e, f, U in basis:
            h = _step(K[layer], U, 1e-4)
            col = (core.field(K[layer] + h * U) - core.field(K[layer] - h * U)) / (2 * h)
            if e == f:
                J[layer][:, e * P + f] = col
            else:
                J[layer][:, e * P + f] = J[layer][:, f * P + e] = col / 2

    # Ξ^{l,k} = Π_{j=k+1}^{l−1} (1 + α² J^j) for k < l
    Xi = np.zeros((depth + 1, depth + 1, P2, P2))
    for kk in range(depth):
        Xi[kk + 1, kk] = eye
        for layer in range(kk + 1, depth):
            Xi[layer + 1, kk] = (eye + a2 * J[layer]) @ Xi[layer, kk]

    # Σ_ζ(k, l) = Cov_GP(F(H^k), F(H^l)) and S^k = Cov(HHᵀ, F) at one layer
    Sz = np.zeros((depth + 1, depth + 1, P2, P2))
    S = np.zeros((depth + 1, P2, P2))
    for kk in range(depth + 1):
        H = core.one(K[kk])
        Fk = core.F(H)
        w = core.rule1.w
        Sz[kk, kk] = (Fk * w[:, None]).T @ Fk - np.outer(m[kk], m[kk])
        HH = (H[:, :, None] * H[:, None, :]).reshape(len(H), -1)
        S[kk] = (HH * w[:, None]).T @ Fk - np.outer(K[kk].ravel(), m[kk])
        for layer in range(kk + 1, depth + 1):
            Hk, Hl = core.two(K[kk], K[layer] - K[kk])
            Fl = core.F(Hl)
            Sz[kk, layer] = (core.F(Hk) * core.rule2.w[:, None]).T @ Fl - np.outer(m[kk], m[layer])
            Sz[layer, kk] = Sz[kk, layer].T

    # covariances: W (field), cavity N Cov(K̂), and the notes' kernel-field recursion
    def G(Kl: np.ndarray) -> np.ndarray:
        return (np.einsum("ac,bd->abcd", Kl, Kl) + np.einsum("ad,bc->abcd", Kl, Kl)).reshape(P2, P2)

    W = np.zeros((depth + 1, P2, P2))
    cov = np.zeros((depth + 1, P2, P2))
    covf = np.zeros((depth + 1, P2, P2))
    V = np.zeros((P2, P2))
    for layer in range(depth + 1):
        Wl = np.zeros((P2, P2))
        cross_term = np.zeros((P2, P2))
        for kk in range(layer):
            cross_term += S[kk] @ Xi[layer, kk].T
            for k2 in range(layer):
                Wl += Xi[layer, kk] @ Sz[kk, k2] @ Xi[layer, k2].T
        W[layer] = a2 * a2 * Wl
        cov[layer] = G(K[layer]) + a2 * (cross_term + cross_term.T) + W[layer]
        covf[layer] = G(K[layer]) + V
        if layer < depth:
            M = S[layer] + V @ J[layer].T
            V = V + a2 * (M + M.T) + a2 * a2 * (Sz[layer, layer] + J[layer] @ V @ J[layer].T)

    def fluctuation(layer: int, cov_field: np.ndarray) -> np.ndarray:
        """½ E D²C[X, X] for X ~ N(0, cov_field) at K^layer, as a P² vector."""
        lam, vec = np.linalg.eigh((cov_field + cov_field.T) / 2)
        out = np.zeros(P2)
        for lr, v in zip(lam, vec.T, strict=True):
            if lr <= 1e-13 * max(1.0, lam.max()):
                continue
            Y = v.reshape(P, P)
            Y = (Y + Y.T) / 2
            h = _step(K[layer], Y, 1e-3)
            d2 = (core.field(K[layer] + h * Y) - 2 * m[layer] + core.field(K[layer] - h * Y)) / h**2
            out += 0.5 * lr * d2
        return out

    def self_term(layer: int) -> np.ndarray:
        """(α²/2) Σ_{k<l} E[∇²F(H^l) : Ξ^{l,k}[F(H^k) − C^k]], by Price in the increment D."""
        out = np.zeros(P2)
        for kk in range(layer):
            D = K[layer] - K[kk]
            Hk = core.rule2.z[:, :P] @ _sqrt_psd(K[kk]).T
            eps = core.F(Hk) - m[kk]
            w = core.rule2.w
            for e, f, U in basis:
                Y = (Xi[layer, kk] @ U.ravel()).reshape(P, P)
                Y = (Y + Y.T) / 2
                h = _step(D, Y, 1e-4)
                vals = []
                for s in (h, -h):
                    Hl = Hk + core.rule2.z[:, P:] @ _sqrt_psd(D + s * Y).T
                    vals.append((w * eps[:, e * P + f]) @ core.F(Hl))
                out += a2 * (vals[0] - vals[1]) / (2 * h)
        return out

    K1 = np.zeros((depth + 1, P2))
    K1n = np.zeros((depth + 1, P2))
    delta = np.zeros((depth + 1, P2))
    delta_n = np.zeros((depth + 1, P2))
    terms = {name: np.zeros((depth + 1, P, P)) for name in ("shift", "fluctuation", "self")}
    Vf = (covf - np.stack([G(Kl) for Kl in K])).copy()
    for layer in range(depth + 1):
        shift = J[layer] @ K1[layer]
        fluct = fluctuation(layer, W[layer])
        selfc = self_term(layer)
        delta[layer] = shift + fluct + selfc
        terms["shift"][layer] = shift.reshape(P, P)
        terms["fluctuation"][layer] = fluct.reshape(P, P)
        terms["self"][layer] = selfc.reshape(P, P)
        delta_n[layer] = J[layer] @ K1n[layer] + fluctuation(layer, Vf[layer])
        if layer < depth:
            K1[layer + 1] = K1[layer] + a2 * delta[layer]
            K1n[layer + 1] = K1n[layer] + a2 * delta_n[layer]

    shape2, shape4 = (depth + 1, P, P), (depth + 1, P, P, P, P)
    return FiniteSize(
        kernel=K,
        act_kernel=m.reshape(shape2) / sw,
        mean_correction=K1.reshape(shape2),
        mean_correction_naive=K1n.reshape(shape2),
        act_correction=delta.reshape(shape2) / sw,
        act_correction_naive=delta_n.reshape(shape2) / sw,
        correction_terms={name: v / sw for name, v in terms.items()},
        covariance=cov.reshape(shape4),
        covariance_kernel_field=covf.reshape(shape4),
        field_covariance=W.reshape(shape4),
        quadrature_error=err,
    )


def tangent_kernels(
    K0: ArrayLike,
    depth: int,
    scale: float,
    activation: str | Activation = "erf",
    *,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    nodes: int = 200,
) -> np.ndarray:
    r"""Mean-field kernels (L+1, 2, 2) of an (input, tangent) state (h, t), t a JVP of h.

    K^{l+1} = K^l + α² (σ_w² E_{K^l}[Φ Φᵀ] + σ_b² e₀e₀ᵀ), Φ(h, t) = (φ(h), φ′(h) t), by
    Gauss–Hermite quadrature (``nodes``² points). K0 may be singular: the radial tangent
    t⁰ = h⁰ (K0 = q⁰ [[1, 1], [1, 1]]) gives K^L_tt/q⁰, the sensitivity along the input itself;
    an orthogonal tangent (K0_ht = 0) gives :func:`response` ``kind="jacobian"`` times K0_tt.
    """
    K0 = _validate.kernel("K0", K0, 2)
    depth, scale, sw, sb, _ = _common(depth, scale, sigma_w2, sigma_b2, "preact")
    phi = get_activation(activation)
    nodes = _validate.integer("nodes", nodes, minimum=4)
    core = _Core(phi, 1, 1, sw, (nodes, 4))
    bias = np.zeros((2, 2))
    bias[0, 0] = sb
    K = np.empty((depth + 1, 2, 2))
    K[0] = K0
    for layer in range(depth):
        K[layer + 1] = K[layer] + scale**2 * (core.field(K[layer]).reshape(2, 2) + bias)
    return K


def response_finite_size(
    K0: ArrayLike,
    depth: int,
    scale: float,
    activation: str | Activation = "erf",
    *,
    kind: str = "jacobian",
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    sigma_out2: float = 1.0,
    rel_step: float = 1e-3,
    nodes: tuple[int, int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Response χ^l ≈ χ₀^l + χ₁^l/N at every layer: returns (χ₀, χ₁), each (L+1,).

    From :func:`finite_size` (cavity closure):

    * ``jacobian``: state (h, t) with K0 = [[q⁰, 0], [0, 1]], t ⊥ h: χ = E[K̂^l_tt]; exact
      in the sense that no derivative is taken numerically;
    * ``q``: ∂E[K̂^l_00]/∂q⁰ (one input, K0[0, 0]) — the notes' validated case;
    * ``kernel``: ∂E[K̂^l_12]/∂K⁰_12 and ``readout``: σ_out² ∂E[Φ̂^l_12]/∂K⁰_12 (2×2 K0),
    the last three by central differences in K⁰ with relative step ``rel_step`` (the same
    quadrature nodes on both sides, so rule errors cancel to first order).
    """
    kind = _validate.choice("kind", kind, RESPONSES)
    K0 = _validate.kernel("K0", K0)
    so = _validate.variance("sigma_out2", sigma_out2)
    rel = _validate.positive("rel_step", rel_step)
    kw = dict(sigma_w2=sigma_w2, sigma_b2=sigma_b2, nodes=nodes)
    if kind == "jacobian":
        q0 = float(K0[0, 0])
        fs = finite_size(np.diag([q0, 1.0]), depth, scale, activation, n_tangents=1, **kw)
        return fs.kernel[:, 1, 1], fs.mean_correction[:, 1, 1]
    if kind == "q":
        q0 = float(K0[0, 0])
        h = rel * q0
        up = finite_size([[q0 + h]], depth, scale, activation, **kw)
        dn = finite_size([[q0 - h]], depth, scale, activation, **kw)
        return (
            (up.kernel[:, 0, 0] - dn.kernel[:, 0, 0]) / (2 * h),
            (up.mean_correction[:, 0, 0] - dn.mean_correction[:, 0, 0]) / (2 * h),
        )
    if K0.shape != (2, 2):
        raise ValueError(f"K0: kind {kind!r} needs a 2×2 kernel, got shape {K0.shape}")
    h = rel * math.sqrt(K0[0, 0] * K0[1, 1])
    E = np.array([[0.0, 1.0], [1.0, 0.0]])
    up = finite_size(K0 + h * E, depth, scale, activation, **kw)
    dn = finite_size(K0 - h * E, depth, scale, activation, **kw)
    if kind == "kernel":
        pairs = ((up.kernel, dn.kernel), (up.mean_correction, dn.mean_correction))
        factor = 1.0
    else:
        pairs = ((up.act_kernel, dn.act_kernel), (up.act_correction, dn.act_correction))
        factor = so
    return tuple(factor * (a[:, 0, 1] - b[:, 0, 1]) / (2 * h) for a, b in pairs)
