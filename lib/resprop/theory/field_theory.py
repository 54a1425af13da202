r"""Finite-size field theory of residual networks with a residual scale τ (Fischer et al. 2023).

Fischer, Dahmen & Helias, *Field theory for optimal signal propagation in ResNets*
(arXiv:2305.07715). The paper's full text was not available to us: the model, the 1/N theory
and the response functions below are **our reconstruction**, derived in the docstrings.

Model (``form="preact"``, the library's ``networks.PreActResidual``), width N, depth L:

    h⁰ = W_in x  (Gaussian, kernel K⁰),   h^l = h^{l−1} + τ (W^l φ(h^{l−1}) + b^l),

W^l_ij ~ N(0, σ_w²/N), b^l_i ~ N(0, σ_b²). The kernel is K̂^l = h^l h^lᵀ/N (k inputs). The
alternative ``form="full"`` puts the weights inside φ, h^l = h^{l−1} + τ V φ(W h^{l−1} + b)
(Yang–Schoenholz's full residual network with σ_v² = τ², ``networks.FullResidual``; some
texts call this variant "reduced", but in this book the *reduced* network is x + Wφ(x) + b, which
is the pre-activation form). Only the mean-field functions support ``form="full"``.

What is here:

* mean field: K^l = K^{l−1} + τ² C(K^{l−1}), C(K) = σ_w² E_K[φφᵀ] + σ_b²
  (:func:`mean_kernels`, reusing ``theory.kernels``), and its continuum limit τ ∝ 1/√L
  (:func:`continuum_response`, scipy DOP853);
* response functions (:func:`response`), four competing definitions (``RESPONSES``), and the
  maximising residual scale τ* (:func:`optimal_scale`, :func:`optimal_continuum`), with its
  large-depth expansion (:func:`optimal_scale_asymptotic`) and the model variants of the τ*
  analysis (``VARIANTS``, :func:`optimal_scale_variant`);
* the 1/N theory lives in :mod:`resprop.theory.finite_size` (``field_theory.finite_size`` and
  the other moved names still resolve, lazily).

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
from .kernels import full_residual_kernels, preact_residual_kernels, two_layer_residual_kernels

__all__ = [
    "FORMS",
    "RESPONSES",
    "VARIANTS",
    "AlphaStarExpansion",
    "alpha_star_expansion",
    "optimal_scale_variant",
    "variant_slopes",
    "continuum_response",
    "mean_kernels",
    "near_optimal_range",
    "optimal_continuum",
    "optimal_scale",
    "response",
]

#: Block forms: ``preact`` h + τ(W φ(h) + b) (ours); ``full`` h + τ V φ(W h + b) (weights inside
#: φ); ``two_layer`` h + τ(W₂ φ(W₁ φ(h)) + b), both W ~ N(0, σ_w²/N) (the block of most ResNets).
FORMS = ("preact", "full", "two_layer")
#: Competing definitions of "the response function" (the paper's own one is unknown):
#: ``readout`` ∂K^y_12/∂K⁰_12 with a readout of φ(h^L) (ours: the leading candidate, the
#: only one with an interior maximum in τ); ``kernel`` ∂K^L_12/∂K⁰_12; ``jacobian``
#: E‖(∂h^L/∂h⁰) v‖²/‖v‖² for v ⊥ the input (what a JVP measures); ``q`` ∂q^L/∂q⁰ (one input).
RESPONSES = ("readout", "kernel", "jacobian", "q")
_SMOOTH = ("erf", "tanh", "linear")

# ---------------------------------------------------------------------------------------------
# validation


def _common(
    depth: int, branch_scale: float, sigma_w2: float, sigma_b2: float, form: str
) -> tuple[int, float, float, float, str]:
    return (
        _validate.integer("depth", depth),
        _validate.real("branch_scale", branch_scale, minimum=0.0),
        _validate.variance("sigma_w2", sigma_w2),
        _validate.variance("sigma_b2", sigma_b2),
        _validate.choice("form", form, FORMS),
    )


# ---------------------------------------------------------------------------------------------
# mean field


def mean_kernels(
    K0: ArrayLike,
    depth: int,
    branch_scale: float,
    activation: str | Activation = "erf",
    *,
    alpha: float | None = None,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    form: str = "preact",
) -> np.ndarray:
    r"""Infinite-width kernels K^l, l = 0..L, shape (L+1, k, k), branch scale τ = ``branch_scale``.

    preact:     K^l = K^{l−1} + τ² (σ_w² E_{K^{l−1}}[φφᵀ] + σ_b²)        ([R], ours)
    full:       K^l = K^{l−1} + τ² E_{H}[φφᵀ],  H = σ_w² K^{l−1} + σ_b²
    two_layer:  K^l = K^{l−1} + τ² (σ_w² E_{H}[φφᵀ] + σ_b²),  H = σ_w² E_{K^{l−1}}[φφᵀ]

    The recursions of ``theory.kernels`` (``preact_residual_kernels``; ``full_residual_kernels``
    with σ_v² = 1, σ_a² = 0; ``two_layer_residual_kernels`` with σ_v² = σ_w², σ_a² = σ_b²).
    ``alpha`` is the α-ReLU power, not the branch scale τ.
    """
    K0 = _validate.kernel("K0", K0)
    depth, branch_scale, sw, sb, form = _common(depth, branch_scale, sigma_w2, sigma_b2, form)
    return _kernels(K0, depth, branch_scale, get_activation(activation, alpha), sw, sb, form)


def _kernels(
    K0: np.ndarray,
    depth: int,
    scales: float | np.ndarray,
    phi: Activation,
    sw: float,
    sb: float,
    form: str,
) -> np.ndarray:
    """:func:`mean_kernels` for validated inputs; an array of scales gives (S, L+1, k, k)."""
    kw = dict(sigma_w2=sw, branch_scale=scales)
    if form == "preact":
        return preact_residual_kernels(K0, depth, phi, sigma_b2=sb, **kw)
    if form == "full":
        return full_residual_kernels(K0, depth, phi, sigma_b2=sb, sigma_v2=1.0, **kw)[0]
    return two_layer_residual_kernels(K0, depth, phi, sigma_v2=sw, sigma_a2=sb, **kw)


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
    sr: float | None = None,
) -> np.ndarray:
    """Mean-field responses (S, L+1) from batched kernels (S, L+1, k, k)."""
    a2 = (scales**2)[:, None]

    def gain(Q: np.ndarray) -> np.ndarray:
        """∂(E_Q[φφᵀ])/∂Q at the entry the response follows (Price: E[φ′φ′])."""
        if kind in ("readout", "kernel"):
            return kernel_map(phi, Q, derivative=True)[..., 0, 1]
        if kind == "jacobian":
            return variance_map(phi, Q[..., 0, 0], derivative=True)
        return _fprime(phi, Q[..., 0, 0])  # "q": dE[φ²]/dq

    if form == "preact":
        factor = 1.0 + a2 * sw * gain(K)
    elif form == "full":  # φ at H = σ_w² K + σ_b², the branch read out by V ~ N(0, τ²/N)
        factor = 1.0 + a2 * sw * gain(sw * K + sb)
    else:  # two_layer: chain rule through H = σ_w² E_K[φφᵀ]
        H = sw * kernel_map(phi, K)
        factor = 1.0 + a2 * sw * gain(H) * sw * gain(K)
    chi = np.ones(factor.shape)
    chi[:, 1:] = np.cumprod(factor[:, :-1], axis=1)
    if kind == "readout":  # y = w·φ(h^l), or w·φ(V h^l) with V ~ N(0, σ_r²/N)
        if sr is None:
            chi = chi * so * kernel_map(phi, K, derivative=True)[..., 0, 1]
        else:
            chi = chi * so * sr * kernel_map(phi, sr * K, derivative=True)[..., 0, 1]
    return chi


def response(
    K0: ArrayLike,
    depth: int,
    branch_scale: float | ArrayLike,
    activation: str | Activation = "erf",
    *,
    kind: str = "readout",
    alpha: float | None = None,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    sigma_out2: float = 1.0,
    sigma_readout2: float | None = None,
    form: str = "preact",
) -> np.ndarray:
    r"""Mean-field response function χ^l at every layer l = 0..L, for one or many scales τ.

    With J_l = E_{K^l}[φ′(u_1)φ′(u_2)] (φ′ evaluated at the pre-activations: K^l for
    ``preact``, σ_w² K^l + σ_b² for ``full``) and the kernel recursion of :func:`mean_kernels`:

    * ``kernel``:   χ^l = ∂K^l_12/∂K⁰_12 = Π_{j<l} (1 + τ² σ_w² J_j)   (ours)
    * ``readout``:  χ^l = σ_out² E_{K^l}[φ′_1φ′_2] · Π_{j<l} (1 + τ² σ_w² J_j) = ∂K^y_12/∂K⁰_12
      for a readout y = w·φ(h^l), w ~ N(0, σ_out²/N), of the stream itself in both forms
      (**ours** for the τ* claims, a guess)
    * ``jacobian``: c → 1 limit of ``kernel``, Π_{j<l}(1 + τ² σ_w² E[φ′(z)²]_{q^j}) =
      E‖(∂h^l/∂h⁰) v‖²/‖v‖² for a direction v ⊥ h⁰ (what a JVP measures)
    * ``q``:        ∂q^l/∂q⁰ = Π_{j<l}(1 + τ² σ_w² F′(q^j)), F(q) = E[φ(z)²] (one input)

    ``two_layer`` replaces σ_w² J_j by σ_w² J(H_j) · σ_w² J(K^j), H_j = σ_w² E_{K^j}[φφᵀ]. With
    ``sigma_readout2`` = σ_r² the readout is y = w·φ(V h^L), V ~ N(0, σ_r²/N), and its gain
    σ_out² E[φ′_1φ′_2] is taken at σ_r² K^L (times σ_r²): a readout layer that shares σ_w².
    ``readout`` and ``kernel`` need a 2×2 ``K0``; ``jacobian`` and ``q`` use K0[0, 0].
    Returns (L+1,) for a scalar ``branch_scale``, else (len(branch_scale), L+1).
    """
    K0 = _validate.kernel("K0", K0)
    kind = _validate.choice("kind", kind, RESPONSES)
    scalar = np.ndim(branch_scale) == 0
    scales = np.atleast_1d(np.asarray(branch_scale, dtype=float))
    if scales.ndim != 1 or not np.all(np.isfinite(scales)) or np.any(scales < 0):
        raise ValueError("branch_scale: expected finite residual scales τ ≥ 0")
    depth, _, sw, sb, form = _common(depth, 0.0, sigma_w2, sigma_b2, form)
    so = _validate.variance("sigma_out2", sigma_out2)
    sr = None if sigma_readout2 is None else _validate.positive("sigma_readout2", sigma_readout2)
    phi = get_activation(activation, alpha)
    if kind in ("readout", "kernel"):
        if K0.shape != (2, 2):
            raise ValueError(f"K0: kind {kind!r} needs a 2×2 kernel, got shape {K0.shape}")
    else:
        K0 = K0[:1, :1]
    K = _kernels(K0, depth, scales, phi, sw, sb, form)
    chi = _response_from_kernels(K, phi, scales, sw, sb, so, kind, form, sr)
    return chi[0] if scalar else chi


# ---------------------------------------------------------------------------------------------
# τ* and the continuum limit


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
    sigma_readout2: float | None = None,
    form: str = "preact",
    bounds: tuple[float, float] = (1e-3, 1e2),
    n_grid: int = 41,
) -> float:
    r"""τ* = argmax_τ χ^L(τ), the residual scale of maximal response (ours).

    A log-spaced grid of ``n_grid`` scales in ``bounds`` brackets the maximum, which is then
    refined by a bounded scalar search in ln τ (relative accuracy ≈ 1e-6). Returns NaN when
    the maximum lies at an end of ``bounds`` (a monotone response has no τ*).
    For ``form="preact"`` with σ_b² = 0, τ and σ_w² enter only as τ²σ_w², so τ* ∝ σ_w^(−1)
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
        sigma_readout2=sigma_readout2,
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
    sigma_readout2: float | None = None,
    form: str = "preact",
    bounds: tuple[float, float] = (1e-3, 1e2),
) -> tuple[float, float]:
    r"""The scales τ with χ^L(τ) ≥ ``fraction`` · max_τ χ^L: our reading of "the range of
    maximal sensitivity" (the paper's own criterion is unknown).

    Returns (τ_lo, τ_hi) by root finding (brentq) on each side of τ* (:func:`optimal_scale`);
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
        sigma_readout2=sigma_readout2,
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
    r"""The L → ∞ response at τ = √(x/(σ_w² L)), as a function of x = τ² σ_w² L (the branch
    multiplier τ/√L of Hayou & Yang has x = τ² σ_w²).

    preact (σ_b² = ``sigma_b2_ratio``·σ_w²):  dK/dt = x (E_K[φφᵀ] + σ_b²/σ_w²),
        d ln χ/dt = x E_K[φ′_1 φ′_2],  t ∈ [0, 1];
    full:  dK/dt = (x/σ_w²) E_H[φφᵀ],  H = σ_w² K + σ_b²,  d ln χ/dt = x E_H[φ′_1 φ′_2].

    This is the continuum limit of :func:`response` (forward Euler with step 1/L *is* the
    network), solved with scipy DOP853 (rtol 1e-10). In the preact form everything depends on
    x alone, hence τ*²σ_w²L → x* (:func:`optimal_continuum`). Kinds ``readout`` and ``kernel``
    (2×2 ``K0``) and ``jacobian`` (K0[0, 0]). Returns χ at t = 1, shaped like ``x``.
    """
    K0 = _validate.kernel("K0", K0)
    kind = _validate.choice("kind", kind, ("readout", "kernel", "jacobian"))
    form = _validate.choice("form", form, ("preact", "full"))
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
    r"""x* = argmax_x χ_readout(x) of :func:`continuum_response`: τ* ≈ √(x*/(σ_w² L)) at large L.

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
# τ* at large depth: x* and the 1/L correction


@dataclass(frozen=True)
class AlphaStarExpansion:
    r"""τ*(L, σ_w²) = √(x*/(σ_w² L)) · (1 + c₁/L + O(L⁻²)) for the preact form, σ_b² = 0.

    ``x_star`` solves ∇D(K)·C(K) + D(K)² = 0 at s = x* on the kernel flow dK/ds = C(K) =
    E_K[φφᵀ], K(0) = K0, with D(K) = E_K[φ′_1φ′_2]; ``c1`` = −(xR)′(x*)/(2x* F″(x*)) with
    F = ln χ_∞ and R the forward-Euler (finite-depth) correction ln χ_L = F + (x/L) R + O(L⁻²).
    """

    x_star: float  #: τ*²σ_w²L as L → ∞
    c1: float  #: 1/L coefficient of τ*/√(x*/(σ_w² L))
    curvature: float  #: F″(x*) = d² ln χ_∞/dx² at x* (< 0 at a maximum)

    def scale(self, depth: ArrayLike, sigma_w2: float = 1.0, order: int = 1) -> np.ndarray:
        """τ* from the expansion, to ``order`` 0 (√(x*/σ_w²L)) or 1 (with 1 + c₁/L)."""
        L = np.asarray(depth, dtype=float)
        lead = np.sqrt(self.x_star / (_validate.positive("sigma_w2", sigma_w2) * L))
        return lead * (1 + self.c1 / L) if order >= 1 else lead


def alpha_star_expansion(
    K0: ArrayLike, activation: str | Activation = "erf", *, alpha: float | None = None
) -> AlphaStarExpansion:
    r"""Large-depth expansion of the readout optimum τ* (preact form, σ_b² = 0; ours).

    With x = τ²σ_w²L and s = x t the network is forward Euler with step h = x/L of the
    flow dK/ds = C(K) = E_K[φφᵀ] on s ∈ [0, x], and the readout response is

        ln χ_∞(x) = ln D(K(x)) + ∫₀^x D(K(s)) ds,          (continuum)
        ln χ_L(x) = ln χ_∞(x) + h R(x) + O(h²),
        R(x) = ∇D·e(x)/D(K(x)) − ½[D(K(x)) − D(K0)] + ∫₀^x (∇D·e − ½D²) ds,

    where e (Euler's global error coefficient, K^l = K(s_l) + h e(s_l) + O(h²)) solves
    e′ = J[e] − ½ J[C], e(0) = 0, J = ∂C/∂K. The maximum of ln χ_∞ is where
    d ln χ_∞/dx = ∇D·C/D + D = 0; maximising ln χ_L moves it to x* − (xR)′/(L F″).
    One trajectory in s serves every x (the flow does not depend on x): DOP853, rtol 1e-11,
    derivatives of C and D by central differences of ``gaussian.kernel_map``.
    """
    K0 = _validate.kernel("K0", K0, 2)
    phi = get_activation(activation, alpha)
    iu = np.triu_indices(2)

    def unpack(y: np.ndarray) -> np.ndarray:
        return np.array([[y[0], y[1]], [y[1], y[2]]])

    def C(Q: np.ndarray) -> np.ndarray:
        return kernel_map(phi, Q)

    def D(Q: np.ndarray) -> float:
        return float(kernel_map(phi, Q, derivative=True)[0, 1])

    def dir_step(Q: np.ndarray, Y: np.ndarray) -> float:
        n = float(np.abs(Y).max())
        return 0.0 if n == 0 else 1e-5 * float(np.trace(Q)) / n

    def JC(Q: np.ndarray, Y: np.ndarray) -> np.ndarray:
        h = dir_step(Q, Y)
        return np.zeros((2, 2)) if h == 0 else (C(Q + h * Y) - C(Q - h * Y)) / (2 * h)

    def dD(Q: np.ndarray, Y: np.ndarray) -> float:
        h = dir_step(Q, Y)
        return 0.0 if h == 0 else (D(Q + h * Y) - D(Q - h * Y)) / (2 * h)

    def rhs(_s: float, y: np.ndarray) -> np.ndarray:
        Q, E = unpack(y[0:3]), unpack(y[3:6])
        CQ = C(Q)
        dE = JC(Q, E) - 0.5 * JC(Q, CQ)
        DQ = D(Q)
        return np.concatenate([CQ[iu], dE[iu], [dD(Q, E) - 0.5 * DQ**2, DQ]])

    def slope(y: np.ndarray) -> float:  # d ln χ_∞/dx
        Q = unpack(y[0:3])
        return dD(Q, C(Q)) / D(Q) + D(Q)

    y0 = np.concatenate([K0[iu], np.zeros(3), [0.0, 0.0]])
    s_max = 1.0
    sol = None
    for _ in range(40):  # extend the flow until d ln χ_∞/dx turns negative
        sol = scipy.integrate.solve_ivp(
            rhs, (0.0, s_max), y0, method="DOP853", rtol=1e-11, atol=1e-13, dense_output=True
        )
        if not sol.success:
            raise RuntimeError(f"kernel flow ODE failed: {sol.message}")
        if slope(sol.y[:, -1]) < 0:
            break
        s_max *= 2
    else:
        raise ValueError("K0: the readout response has no maximum in x (monotone)")
    x_star = scipy.optimize.brentq(lambda x: slope(sol.sol(x)), 1e-9, s_max, xtol=1e-14)
    D0 = D(K0)

    def F(x: float) -> float:
        y = sol.sol(x)
        return math.log(D(unpack(y[0:3]))) + y[7]

    def xR(x: float) -> float:
        y = sol.sol(x)
        Q, E = unpack(y[0:3]), unpack(y[3:6])
        DQ = D(Q)
        return x * (dD(Q, E) / DQ - 0.5 * (DQ - D0) + y[6])

    d = 1e-3 * x_star
    curvature = (F(x_star + d) - 2 * F(x_star) + F(x_star - d)) / d**2
    dxR = (xR(x_star + d) - xR(x_star - d)) / (2 * d)
    return AlphaStarExpansion(
        x_star=float(x_star), c1=float(-dxR / (2 * x_star * curvature)), curvature=float(curvature)
    )


# ---------------------------------------------------------------------------------------------
# τ* against σ_w² in model variants


#: Where σ_w² enters besides the branch weights (all with the readout response):
#: ``preact`` nowhere (ours: τ and σ_w² enter as τ²σ_w² only); ``input`` also the input layer,
#: K⁰ ∝ σ_w²; ``readout`` also a readout layer y = w·φ(V h^L), V ~ N(0, σ_w²/N); ``two_layer``
#: the block h + τ W₂φ(W₁φ(h)); ``bias`` a fixed branch bias σ_b² (``sigma_b2``); ``full``
#: the weights inside φ, h + τ Vφ(W h).
VARIANTS = ("preact", "input", "readout", "two_layer", "bias", "full")


def optimal_scale_variant(
    variant: str,
    K0: ArrayLike,
    depth: int,
    sigma_w2: float,
    activation: str | Activation = "erf",
    *,
    sigma_b2: float = 0.1,
) -> float:
    r"""τ* (:func:`optimal_scale`, readout response) of one model variant of ``VARIANTS``.

    ``K0`` is the input kernel at σ_w² = 1 (the ``input`` variant uses σ_w² K0); ``sigma_b2``
    is the fixed bias variance of the ``bias`` variant. NaN where there is no interior maximum.
    """
    variant = _validate.choice("variant", variant, VARIANTS)
    K0 = _validate.kernel("K0", K0, 2)
    sw = _validate.positive("sigma_w2", sigma_w2)
    kw: dict = dict(sigma_w2=sw)
    if variant == "input":
        K0 = sw * K0
    elif variant == "readout":
        kw["sigma_readout2"] = sw
    elif variant == "two_layer":
        kw["form"] = "two_layer"
    elif variant == "bias":
        kw["sigma_b2"] = _validate.variance("sigma_b2", sigma_b2)
    elif variant == "full":
        kw["form"] = "full"
    return optimal_scale(K0, depth, activation, **kw)


def variant_slopes(
    variant: str,
    K0: ArrayLike,
    depth: int,
    sigma_w2: ArrayLike,
    activation: str | Activation = "erf",
    *,
    sigma_b2: float = 0.1,
) -> tuple[np.ndarray, np.ndarray]:
    r"""τ*(σ_w²) on a grid, and the local log-slope d ln τ*/d ln σ_w² there (``np.gradient``
    in ln σ_w²: second-order central differences inside, one-sided at the ends). NaN where
    τ* does not exist."""
    grid = np.asarray(sigma_w2, dtype=float)
    if grid.ndim != 1 or len(grid) < 3 or not np.all(np.diff(grid) > 0) or grid[0] <= 0:
        raise ValueError("sigma_w2: expected an increasing grid of ≥ 3 positive weight variances")
    a = np.array(
        [optimal_scale_variant(variant, K0, depth, s, activation, sigma_b2=sigma_b2) for s in grid]
    )
    return a, np.gradient(np.log(a), np.log(grid))


_MOVED = ("FiniteSize", "finite_size", "response_finite_size", "tangent_kernels")


def __getattr__(name: str) -> object:
    """The 1/N theory moved to :mod:`resprop.theory.finite_size`; old names keep working."""
    if name in _MOVED:
        from . import finite_size as _finite_size

        return getattr(_finite_size, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
