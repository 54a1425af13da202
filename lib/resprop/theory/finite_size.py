r"""The 1/N (one-loop) theory of the pre-activation ResNet with a residual scale τ.

Split from :mod:`resprop.theory.field_theory` (the mean field, the response functions and τ*):
this module holds the finite-width corrections of Fischer, Dahmen & Helias 2023
(arXiv:2305.07715) **as we reconstructed them** — the kernel covariance N·Cov(K̂^l) (cavity and
kernel-field closures), the mean correction E K̂^l = K^l + K₁^l/N (cavity and naive closures),
and the 1/N correction of the response functions, including the one that defines τ*
(:func:`response_finite_size`, :func:`optimal_scale_finite_size`).

Model: h⁰ ~ N(0, K0) i.i.d. over neurons (a Gaussian input layer), h^l = h^{l−1} + τ(W φ(h) + b),
W ~ N(0, σ_w²/N), b ~ N(0, σ_b²), smooth φ only. Nothing here imports the simulation; float64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .. import _validate
from ..activations import Activation, get_activation
from ..gaussian import kernel_map
from .field_theory import _SMOOTH, RESPONSES, _common, optimal_scale, response
from .kernels import preact_residual_kernels, residual_kernels

__all__ = [
    "FiniteSize",
    "finite_size",
    "optimal_scale_finite_size",
    "response_finite_size",
    "tangent_kernels",
]

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
    covariance_kernel_field: np.ndarray  #: (L+1, P, P, P, P) G + V, the kernel-field V recursion
    field_covariance: np.ndarray  #: (L+1, P, P, P, P) W^l = N·Cov of the field K̃^l
    quadrature_error: float  #: max relative error of the rule on closed-form checks


def finite_size(
    K0: ArrayLike,
    depth: int,
    branch_scale: float,
    activation: str | Activation = "erf",
    *,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    n_tangents: int = 0,
    nodes: tuple[int, int] | None = None,
) -> FiniteSize:
    r"""One-loop (leading 1/N) theory of the pre-activation ResNet h^l = h^{l−1} + τ(W φ(h) + b).

    Assumes a Gaussian input layer: the neurons' h⁰_i are i.i.d. N(0, K0) (``input_dim`` set in
    the simulation). Smooth φ only (erf, tanh, linear). The state has P = k + ``n_tangents``
    columns; a tangent column t carries φ′(h_0) t, like a Jacobian-vector product of input 0.

    **Derivation (ours, for any P ≤ 2 columns).** Given layer l,
    the increments are i.i.d. over neurons, N(0, τ² Ĉ^l), with the *field*
    Ĉ^l = σ_w² Σ_j Φ(h_j^l)Φ(h_j^l)ᵀ/N + σ_b². Write Ĉ^l = C^l + δ^l. To leading order the field
    noise is δ^l = ζ^l/√N + τ² J^l Σ_{m<l} δ^m, with ζ the sampling noise of i.i.d. Gaussian
    trajectories H (Cov(H^k, H^l) = K^{min(k,l)}) and J^l = ∂C/∂K at K^l. Hence the field a
    neuron sees, K̃^l = K^l + τ² Σ_{k<l} Ξ^{l,k} ζ^k/√N, propagates through the mean-field
    kernel response Ξ^{l,k} = Π_{j=k+1}^{l−1} (1 + τ² J^j), and

    * W^l = N Cov(K̃^l) = τ⁴ Σ_{k,k'<l} Ξ^{l,k} Σ_ζ(k,k') Ξ^{l,k'}ᵀ,
      Σ_ζ(k,k') = Cov_GP(F(H^k), F(H^k')), F = σ_w²ΦΦᵀ (two-layer expectations);
    * N Cov(K̂^l) = G^l + τ² Σ_{k<l} (S^k Ξ^{l,k}ᵀ + Ξ^{l,k} S^kᵀ) + W^l, with
      G_{ab,cd} = K_ac K_bd + K_ad K_bc and S^k = Cov_{K^k}(HHᵀ, F)  (``covariance``);
    * E K̂^l = K^l + K₁^l/N with K₁^{l+1} = K₁^l + τ² Δ^l (exact: W is zero-mean), and the mean
      field correction Δ^l = N(E Ĉ^l − C^l) = shift + fluctuation + self:
      shift = J^l[K₁^l];  fluctuation = ½ E_X D²C_{K^l}[X, X], X ~ N(0, W^l);
      self = (τ²/2) Σ_{k<l} E_GP[∇²F(H^l) : Ξ^{l,k}[F(H^k) − C^k]]  — a neuron's own past
      activity, fed back into the field it sees through the skip path (this is what the
      naive closure misses).

    **Closures kept side by side.** ``covariance_kernel_field`` is the kernel-field recursion
    V^{l+1} = V + τ²(M + Mᵀ) + τ⁴(Q + JVJᵀ), M = S + VJᵀ, Q = Σ_ζ(l, l), which treats the
    neurons as Gaussian with a fluctuating kernel; it misses the non-quadratic cross-layer
    correlations kept in Σ_ζ (our derivation; it differs at the per-cent level).
    ``mean_correction_naive`` is the feed-forward-style closure:
    Δ = J[K₁] + ½ E D²C[X, X] with X ~ N(0, V) (kernel-field V), no self term.

    Second derivatives are Price's theorem, d/ds E_{Σ+sY}[f] = ½ E[∇²f : Y], taken as central
    differences of the quadrature in the covariance. ``nodes`` = (one-layer, two-layer)
    Gauss–Hermite nodes per input axis (default (200, 120) for P = 1, (200, 100) for an input and
    a tangent, (64, 22) for two inputs; tangent axes are exact with 8 nodes). Measured at
    τ = 0.7, L = 10, q⁰ = 1: the Jacobian χ₁ is 1.6467 / 1.6747 / 1.6750 with 40 / 70 / 100
    two-layer nodes; the two-input readout χ₁ (τ = 0.45, c⁰ = 0.5) −0.1653 / −0.1723 / −0.1728
    with 14 / 22 / 30;
    the cost grows like nodes^(2P).
    ``quadrature_error`` reports the rule's worst relative error against closed forms of
    ``gaussian.kernel_map`` (the mean-field kernel; and E[φ(H^0)φ(H^L)] across layers).
    """
    K0 = _validate.kernel("K0", K0)
    depth, branch_scale, sw, sb, _ = _common(depth, branch_scale, sigma_w2, sigma_b2, "preact")
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
    a2 = branch_scale**2
    core = _Core(phi, k, n_t, sw, nodes)
    P2 = P * P
    bias = np.zeros((P, P))
    bias[:k, :k] = sb
    basis = _sym_basis(P)
    eye = np.eye(P2)

    # mean field, by quadrature (checked against the closed forms of theory.kernels)
    fields = []  # E_K[F] at each layer, kept as the recursion computes them

    def branch(Kl: np.ndarray) -> np.ndarray:
        fields.append(core.field(Kl))
        return fields[-1].reshape(P, P) + bias

    K = residual_kernels(K0, depth, branch, branch_scale=branch_scale)
    m = np.stack([*fields, core.field(K[-1])])
    closed = preact_residual_kernels(
        K0[:k, :k], depth, phi, sigma_w2=sw, sigma_b2=sb, branch_scale=branch_scale
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

    # Ξ^{l,k} = Π_{j=k+1}^{l−1} (1 + τ² J^j) for k < l
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

    # covariances: W (field), cavity N Cov(K̂), and the kernel-field recursion
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
        """(τ²/2) Σ_{k<l} E[∇²F(H^l) : Ξ^{l,k}[F(H^k) − C^k]], by Price in the increment D."""
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
    branch_scale: float,
    activation: str | Activation = "erf",
    *,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    nodes: int = 200,
) -> np.ndarray:
    r"""Mean-field kernels (L+1, 2, 2) of an (input, tangent) state (h, t), t a JVP of h.

    K^{l+1} = K^l + τ² (σ_w² E_{K^l}[Φ Φᵀ] + σ_b² e₀e₀ᵀ), Φ(h, t) = (φ(h), φ′(h) t), by
    Gauss–Hermite quadrature (``nodes``² points). K0 may be singular: the radial tangent
    t⁰ = h⁰ (K0 = q⁰ [[1, 1], [1, 1]]) gives K^L_tt/q⁰, the sensitivity along the input itself;
    an orthogonal tangent (K0_ht = 0) gives :func:`response` ``kind="jacobian"`` times K0_tt.
    """
    K0 = _validate.kernel("K0", K0, 2)
    depth, branch_scale, sw, sb, _ = _common(depth, branch_scale, sigma_w2, sigma_b2, "preact")
    phi = get_activation(activation)
    nodes = _validate.integer("nodes", nodes, minimum=4)
    core = _Core(phi, 1, 1, sw, (nodes, 4))
    bias = np.zeros((2, 2))
    bias[0, 0] = sb
    return residual_kernels(
        K0, depth, lambda K: core.field(K).reshape(2, 2) + bias, branch_scale=branch_scale
    )


def response_finite_size(
    K0: ArrayLike,
    depth: int,
    branch_scale: float,
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
    * ``q``: ∂E[K̂^l_00]/∂q⁰ (one input, K0[0, 0]) — the simplest validated case;
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
        fs = finite_size(np.diag([q0, 1.0]), depth, branch_scale, activation, n_tangents=1, **kw)
        return fs.kernel[:, 1, 1], fs.mean_correction[:, 1, 1]
    if kind == "q":
        q0 = float(K0[0, 0])
        h = rel * q0
        up = finite_size([[q0 + h]], depth, branch_scale, activation, **kw)
        dn = finite_size([[q0 - h]], depth, branch_scale, activation, **kw)
        return (
            (up.kernel[:, 0, 0] - dn.kernel[:, 0, 0]) / (2 * h),
            (up.mean_correction[:, 0, 0] - dn.mean_correction[:, 0, 0]) / (2 * h),
        )
    if K0.shape != (2, 2):
        raise ValueError(f"K0: kind {kind!r} needs a 2×2 kernel, got shape {K0.shape}")
    h = rel * math.sqrt(K0[0, 0] * K0[1, 1])
    E = np.array([[0.0, 1.0], [1.0, 0.0]])
    up = finite_size(K0 + h * E, depth, branch_scale, activation, **kw)
    dn = finite_size(K0 - h * E, depth, branch_scale, activation, **kw)
    if kind == "kernel":
        pairs = ((up.kernel, dn.kernel), (up.mean_correction, dn.mean_correction))
        factor = 1.0
    else:
        pairs = ((up.act_kernel, dn.act_kernel), (up.act_correction, dn.act_correction))
        factor = so
    return tuple(factor * (a[:, 0, 1] - b[:, 0, 1]) / (2 * h) for a, b in pairs)


def optimal_scale_finite_size(
    K0: ArrayLike,
    depth: int,
    activation: str | Activation = "erf",
    *,
    sigma_w2: float = 1.0,
    rel_step: float = 0.05,
    nodes: tuple[int, int] | None = None,
) -> tuple[float, float]:
    r"""τ* of the readout response at width N to first order: τ*_N = τ*_∞ + a₁/N + O(N⁻²).

    Maximising χ₀(τ) + χ₁(τ)/N (:func:`response_finite_size`, ``kind="readout"``) moves the
    mean-field optimum τ*_∞ (``field_theory.optimal_scale``) by a₁/N with

        a₁ = −χ₁′(τ*_∞)/χ₀″(τ*_∞),

    χ₁′ by a central difference of the one-loop theory at τ*(1 ± ``rel_step``) and χ₀″ by one of
    the mean-field response (step 1e-3 τ*). Returns (τ*_∞, a₁). σ_b² = 0, 2×2 ``K0``.
    """
    K0 = _validate.kernel("K0", K0, 2)
    rel = _validate.positive("rel_step", rel_step)
    a_star = optimal_scale(K0, depth, activation, sigma_w2=sigma_w2)
    if math.isnan(a_star):
        return math.nan, math.nan
    h = rel * a_star
    chi1 = [
        response_finite_size(
            K0, depth, a, activation, kind="readout", sigma_w2=sigma_w2, nodes=nodes
        )[1][-1]
        for a in (a_star - h, a_star + h)
    ]
    d = 1e-3 * a_star
    chi0 = response(K0, depth, [a_star - d, a_star, a_star + d], activation, sigma_w2=sigma_w2)
    curvature = (chi0[0, -1] - 2 * chi0[1, -1] + chi0[2, -1]) / d**2
    return float(a_star), float(-(chi1[1] - chi1[0]) / (2 * h) / curvature)
