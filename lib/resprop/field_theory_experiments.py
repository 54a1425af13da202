"""The experiments of the field-theory chapter (Fischer, Dahmen & Helias 2023): Monte Carlo of the
1/N kernel statistics and of the response functions, the mean-field optimal residual scale τ*
(its depth law and its σ_w² variants), and the training of readout-φ ResNets across τ.

Book side: like a chapter, this module brings the theory (``theory.field_theory``,
``theory.finite_size``) and the networks (``networks``, ``simulate``, ``training``) together;
neither imports it. The claims it decides are in ``resprop.field_theory_claims``, its figures in
``resprop.field_theory_figures``. The network is the pre-activation ResNet
h^l = h^{l−1} + τ W φ(h^{l−1}), W_ij ~ N(0, σ_w²/N), with a Gaussian input layer, no biases.
Each driver draws from named seed streams of the chapter's seed (:meth:`Setup.seed_for`, the
chapter's ``seed_for``), so a result depends only on (seed, sizes, device) and no two
experiments share random numbers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from . import _validate, networks
from . import residual_estimators as rest
from .chapter import stream_seed
from .estimators import Extrapolation, Optimum, extrapolate_inverse_n, optimum_location
from .simulate import Record, simulate
from .theory import field_theory as ft
from .theory import finite_size as fsz
from .training import Dataset, train_many

__all__ = [
    "AlphaStarFormula",
    "JacobianFiniteSize",
    "KernelFiniteSize",
    "OptimalScales",
    "ReadoutFiniteSize",
    "ResponseScan",
    "Setup",
    "TrainingScan",
    "VariantDependence",
    "alpha_star_formula",
    "describe_response_finite_size",
    "input_statistics",
    "jacobian_finite_size",
    "kernel_finite_size",
    "optimal_scales",
    "pair_inputs",
    "readout_finite_size",
    "readout_response",
    "response_scan",
    "training_scan",
    "variant_dependence",
]

F32 = torch.float32  # the kernel statistics need no float64 propagation at these depths


def _matched(widths: Sequence[Any], n_networks: Sequence[Any]) -> tuple[list[int], list[int]]:
    w, b = _validate.sizes("widths", widths), _validate.sizes("n_networks", n_networks)
    if len(w) != len(b):
        raise ValueError(f"n_networks: expected one per width ({len(w)}), got {len(b)}")
    if min(b) < 2:
        raise ValueError(f"n_networks: need at least 2 networks per width for an SE, got {b}")
    return w, b


@dataclass(frozen=True)
class Setup:
    """What every experiment shares: activation φ, σ_w², input statistics q⁰ = K⁰_aa and
    c⁰ = K⁰_12/q⁰, the chapter's seed and the device."""

    phi: str = "erf"
    sigma_w2: float = 1.0
    q0: float = 1.0
    c0: float = 0.5
    seed: int = 0
    device: Any = "cpu"

    def __post_init__(self) -> None:
        if not isinstance(self.phi, str):
            raise TypeError(f"phi: expected an activation name, got {self.phi!r}")
        _validate.positive("sigma_w2", self.sigma_w2)
        _validate.positive("q0", self.q0)
        _validate.real("c0", self.c0, minimum=-1.0)
        if self.c0 >= 1:
            raise ValueError(f"c0: a cosine must be < 1, got {self.c0}")
        _validate.integer("seed", self.seed, minimum=0)

    def seed_for(self, stream: str) -> int:
        """The seed of the named stream (``chapter.stream_seed`` of this setup's seed)."""
        return stream_seed(self.seed, stream)

    @property
    def K0(self) -> np.ndarray:
        """The 2×2 input kernel [[q⁰, q⁰c⁰], [q⁰c⁰, q⁰]]."""
        Q0, C0 = self.q0, self.c0
        return np.array([[Q0, Q0 * C0], [Q0 * C0, Q0]])

    def preact(
        self, width: int, depth: int, branch_scale: float, **kw: Any
    ) -> networks.PreActResidual:
        """The pre-activation ResNet h^l = h^{l−1} + τ W φ(h^{l−1}) with a Gaussian input layer."""
        return networks.PreActResidual(
            width,
            depth,
            activation=self.phi,
            sigma_w2=self.sigma_w2,
            branch_scale=branch_scale,
            **kw,
        )

    def simulate(self, net: Any, X: Any, n_networks: int, seed: int, **kw: Any) -> Record:
        """``simulate`` on this setup's device, float32 propagation, no lag statistics."""
        kw.setdefault("dtype", F32)
        return simulate(
            net,
            X,
            n_networks,
            device=self.device,
            seed=seed,
            same_sign_lags=(),
            progress=False,
            **kw,
        )


def pair_inputs(c_values: Sequence[float], d: int, q0: float = 1.0) -> np.ndarray:
    """Inputs in ℝ^d (first two coordinates) with σ_in²‖x‖²/d = q⁰ (σ_in² = 1): a first one and
    one per cosine in ``c_values`` to it; shape (1 + len(c_values), d)."""
    d = _validate.integer("d", d, minimum=2)
    X = np.zeros((1 + len(c_values), d))
    X[0, 0] = 1.0
    for i, c in enumerate(c_values):
        if not -1 <= c <= 1:
            raise ValueError(f"c_values: cosines must lie in [−1, 1], got {c}")
        X[i + 1, :2] = c, math.sqrt(1 - c * c)
    return math.sqrt(d * q0) * X


def _readout_estimate(rec: Record, delta: float, q0: float) -> np.ndarray:
    """Per network, (φ·φ/N at c⁰ + δ − φ·φ/N at c⁰ − δ)/(2δq⁰) at the last layer."""
    A = rec.act_kernel[:, -1]
    return (A[:, 0, 2] - A[:, 0, 1]) / (2 * delta * q0)


def readout_response(
    s: Setup,
    width: int,
    depth: int,
    branch_scale: float,
    n_networks: int,
    *,
    seed: int,
    input_dim: int,
    delta: float = 0.01,
) -> tuple[float, float]:
    """Monte Carlo readout response ∂K^y_12/∂K⁰_12 and its SE: central difference in c⁰ of
    φ·φ/N, inputs with cosines c⁰ ± δ travelling through the same networks."""
    _validate.integer("n_networks", n_networks, minimum=2)
    _validate.positive("delta", delta)
    X = pair_inputs([s.c0 - delta, s.c0 + delta], input_dim, s.q0)
    rec = s.simulate(s.preact(width, depth, branch_scale, input_dim=input_dim), X, n_networks, seed)
    est = _readout_estimate(rec, delta, s.q0)
    return est.mean(), est.std(ddof=1) / math.sqrt(len(est))


# ---------------------------------------------------------------------------------------------
# claim 1: the 1/N theory of the kernel


@dataclass
class KernelFiniteSize:
    """The one-loop theory of one input's kernel against Monte Carlo at several widths.

    ``mc[N]``: per-layer mean and SE, plain N·Var(K̂^l), the identity estimator of K₁^l
    (E K̂^{l} = q⁰ + τ²σ_w² Σ_{k<l} E φ·φ/N), and the control-variate estimates ``K1`` and
    ``nvar_cv`` of K₁^L and N·Var(K̂^L); ``k1`` and ``nvar`` extrapolate those to N → ∞.
    """

    depth: int
    branch_scale: float
    theory: fsz.FiniteSize
    mc: dict[int, dict[str, Any]]
    dense: dict[str, np.ndarray]
    dense_width: int
    dense_networks: int
    k1: Extrapolation
    nvar: Extrapolation

    @property
    def widths(self) -> np.ndarray:
        return np.array(sorted(self.mc))

    @property
    def layers(self) -> np.ndarray:
        return np.arange(self.depth + 1)

    @property
    def cavity(self) -> np.ndarray:
        """K₁^l of the cavity closure (ours)."""
        return self.theory.mean_correction[:, 0, 0]

    @property
    def naive(self) -> np.ndarray:
        """K₁^l of the naive (feed-forward-style) closure."""
        return self.theory.mean_correction_naive[:, 0, 0]

    @property
    def cov_cavity(self) -> np.ndarray:
        """N·Var(K̂^l), cavity closure."""
        return self.theory.covariance[:, 0, 0, 0, 0]

    @property
    def cov_kernel_field(self) -> np.ndarray:
        """N·Var(K̂^l), kernel-field closure."""
        return self.theory.covariance_kernel_field[:, 0, 0, 0, 0]

    @property
    def gauss(self) -> np.ndarray:
        """Independent Gaussian neurons: G = 2K²."""
        return 2 * self.theory.kernel[:, 0, 0] ** 2

    def describe(self) -> str:
        """The printout: quadrature check, per-width estimates, the extrapolations."""
        fs, cav, nai, Nd = self.theory, self.cavity, self.naive, self.dense_width
        cov_c, cov_f, gauss = self.cov_cavity, self.cov_kernel_field, self.gauss
        ext_K1, ext_var, dense = self.k1, self.nvar, self.dense
        lines = [f"quadrature: worst relative error {fs.quadrature_error:.1e} against closed forms"]
        for N in self.widths:
            r = self.mc[N]
            lines.append(
                f"N = {N:4d}, {r['B']:,} networks: K₁ = {r['K1'][0]:+.3f} ± {r['K1'][1]:.3f}; "
                f"N·Var(K̂^L) = {r['nvar_cv'][0]:.3f} ± {r['nvar_cv'][1]:.3f} "
                f"(plain sample variance {r['nvar'][-1]:.2f} ± {r['nvar_se'][-1]:.2f})"
            )
        lines.append(
            f"N → ∞: K₁ = {ext_K1.value:+.3f} ± {ext_K1.se:.3f} (χ² p = {ext_K1.p_value:.2f}; "
            f"cavity {cav[-1]:+.3f}, naive {nai[-1]:+.3f}); N·Var = {ext_var.value:.3f} ± "
            f"{ext_var.se:.3f} (χ² p = {ext_var.p_value:.2f}; cavity {cov_c[-1]:.3f}, "
            f"kernel-field {cov_f[-1]:.3f}, Gaussian neurons {gauss[-1]:.2f})"
        )
        lines.append(
            f"dense sampler, N = {Nd}, {self.dense_networks:,} networks: E K̂^L = "
            f"{dense['mean'][-1]:.4f} ± {dense['mean_se'][-1]:.4f} (theory "
            f"{fs.kernel[-1, 0, 0] + cav[-1] / Nd:.4f})"
        )
        return "\n".join(lines)


def kernel_finite_size(
    s: Setup,
    depth: int,
    branch_scale: float,
    widths: Sequence[int],
    n_networks: Sequence[int],
    dense_width: int,
    dense_networks: int,
) -> KernelFiniteSize:
    """One input (q⁰ of ``s``), gram sampler at each width N (stream ``kernel/N=…``), dense
    sampler at ``dense_width`` (``kernel/dense``); K₁^L extrapolated linearly in 1/N,
    N·Var(K̂^L) quadratically."""
    L1 = _validate.integer("depth", depth)
    A1 = _validate.positive("branch_scale", branch_scale)
    widths, n_networks = _matched(widths, n_networks)
    Q0, SW2 = s.q0, s.sigma_w2
    a1 = A1**2 * SW2  # τ²σ_w²
    fs = fsz.finite_size([[Q0]], L1, A1, s.phi, sigma_w2=SW2)
    kw_est = dict(branch_variance=a1, q0=Q0)
    mc = {}
    for N, B in zip(widths, n_networks, strict=True):
        rec = s.simulate(s.preact(N, L1, A1, input_dim=1), [[1.0]], B, s.seed_for(f"kernel/N={N}"))
        K, P = rec.kernel[:, :, 0, 0], rec.act_kernel[:, :, 0, 0]
        dev = K - K.mean(axis=0)
        var = dev.var(axis=0, ddof=1)
        S = Q0 + a1 * np.concatenate([np.zeros((B, 1)), np.cumsum(P[:, :-1], axis=1)], axis=1)
        mc[N] = dict(
            B=B,
            K1_layers=N * (S.mean(axis=0) - fs.kernel[:, 0, 0]),  # identity estimator, per layer
            K1_layers_se=N * S.std(axis=0, ddof=1) / math.sqrt(B),
            mean=K.mean(axis=0),
            mean_se=K.std(axis=0, ddof=1) / math.sqrt(B),
            nvar=N * var,  # plain per-layer estimate, for the figure
            nvar_se=N * np.sqrt((np.mean(dev**4, axis=0) - var**2) / B),
            K1=rest.kernel_mean_correction(K, P, fs.kernel[-1, 0, 0], width=N, **kw_est),
            nvar_cv=rest.kernel_variance(K, P, width=N, **kw_est),
        )
        del rec, K, P, dev, S
    Nd = _validate.integer("dense_width", dense_width)
    Bd = _validate.integer("dense_networks", dense_networks, minimum=2)
    Kd = s.simulate(
        s.preact(Nd, L1, A1, input_dim=1),
        [[1.0]],
        Bd,
        s.seed_for("kernel/dense"),
        sampler="dense",
        dtype=torch.float64,
    ).kernel[:, :, 0, 0]
    dense = dict(mean=Kd.mean(axis=0), mean_se=Kd.std(axis=0, ddof=1) / math.sqrt(Bd))
    w = np.array(sorted(mc))
    ext_K1 = extrapolate_inverse_n(
        w, [mc[N]["K1"][0] for N in w], [mc[N]["K1"][1] for N in w], order=1
    )
    ext_var = extrapolate_inverse_n(
        w, [mc[N]["nvar_cv"][0] for N in w], [mc[N]["nvar_cv"][1] for N in w], order=2
    )
    return KernelFiniteSize(L1, A1, fs, mc, dense, Nd, Bd, ext_K1, ext_var)


# ---------------------------------------------------------------------------------------------
# claim 2: the response functions against τ


@dataclass
class ResponseScan:
    """Mean-field response curves on ``grid`` and Monte Carlo at a few (L, τ).

    ``chi_read[L]``: readout response at the last layer; ``star[L]``: its maximum τ*(L);
    ``other[kind]``: the kernel, Jacobian and q responses at ``depth_other``; ``mc``: one dict
    per (L, τ) with the readout and JVP estimates, their SEs and mean-field values.
    """

    grid: np.ndarray
    chi_read: dict[int, np.ndarray]
    star: dict[int, float]
    depth_other: int
    other: dict[str, np.ndarray]
    width: int
    n_networks: int
    mc: list[dict[str, Any]] = field(default_factory=list)

    @property
    def z_scores(self) -> list[float]:
        """(Monte Carlo − mean field)/SE of every readout and JVP point, in order."""
        z = []
        for r in self.mc:
            z += [(r["read"] - r["read_mf"]) / r["read_se"], (r["jac"] - r["jac_mf"]) / r["jac_se"]]
        return z

    @property
    def worst(self) -> float:
        """The largest |z| over all simulated points."""
        return float(np.max(np.abs(self.z_scores)))

    def describe(self) -> str:
        lines = [
            f"L = {r['L']:3d}, τ = {r['a']:<5}: readout {r['read']:.4f} ± {r['read_se']:.4f} "
            f"(theory {r['read_mf']:.4f}); JVP {r['jac']:.3f} ± {r['jac_se']:.3f} "
            f"(theory {r['jac_mf']:.3f})"
            for r in self.mc
        ]
        lines.append(
            f"largest |Monte Carlo − mean field| over {len(self.z_scores)} points: "
            f"{self.worst:.2f} SE"
        )
        return "\n".join(lines)


def response_scan(
    s: Setup,
    grid: Sequence[float],
    depths: Sequence[int],
    mc_depths: Sequence[int],
    mc_branch_scales: Sequence[float],
    width: int,
    n_networks: int,
    input_dim: int,
    delta: float = 0.01,
) -> ResponseScan:
    """Readout response χ_read(τ) and τ*(L) at ``depths``, the other three kinds at the last
    of ``mc_depths``, and Monte Carlo (gram sampler, one JVP tangent, the stream ``response``
    for every point: common random numbers along the curves) of the readout response (central
    difference, cosines c⁰ ± δ) and the Jacobian response, whose mean field includes the 1/d
    radial part of a random tangent."""
    K0, PHI, SW2, Q0, d = s.K0, s.phi, s.sigma_w2, s.q0, input_dim
    depths, mc_depths = _validate.sizes("depths", depths), _validate.sizes("mc_depths", mc_depths)
    _validate.integer("n_networks", n_networks, minimum=2)
    X3 = pair_inputs([s.c0 - delta, s.c0 + delta], d, Q0)
    grid = np.asarray(grid)
    chi_read = {L: ft.response(K0, L, grid, PHI, sigma_w2=SW2)[:, -1] for L in depths}
    star = {L: ft.optimal_scale(K0, L, PHI, sigma_w2=SW2) for L in depths}
    Lm = mc_depths[-1]
    other = {
        kind: ft.response(K0, Lm, grid, PHI, kind=kind, sigma_w2=SW2)[:, -1]
        for kind in ("kernel", "jacobian", "q")
    }
    scan = ResponseScan(grid, chi_read, star, Lm, other, width, n_networks)
    for L in mc_depths:
        for a in mc_branch_scales:
            net = s.preact(width, L, a, input_dim=d)
            rec = s.simulate(net, X3, n_networks, s.seed_for("response"), n_tangents=1)
            est = _readout_estimate(rec, delta, Q0)
            jvp = np.exp(rec.jvp_log_sq_norm[:, -1, 0])
            tk = fsz.tangent_kernels(Q0 * np.ones((2, 2)), L, a, PHI, sigma_w2=SW2)
            radial = tk[-1, 1, 1] / Q0
            jac_mf = (1 - 1 / d) * ft.response(K0, L, a, PHI, kind="jacobian", sigma_w2=SW2)[-1]
            scan.mc.append(
                dict(
                    L=L,
                    a=a,
                    read=est.mean(),
                    read_se=est.std(ddof=1) / math.sqrt(n_networks),
                    read_mf=ft.response(K0, L, a, PHI, sigma_w2=SW2)[-1],
                    jac=jvp.mean(),
                    jac_se=jvp.std(ddof=1) / math.sqrt(n_networks),
                    jac_mf=jac_mf + radial / d,
                )
            )
            del rec
    return scan


# ---------------------------------------------------------------------------------------------
# the 1/N correction of the response


@dataclass
class JacobianFiniteSize:
    """N(χ − χ₀) of the JVP response at several widths against the one-loop χ₁.

    χ₀, χ₁ (cavity) and χ₁ (naive) mix the perpendicular and the radial response as a random
    tangent in d dimensions does: (1 − 1/d)χ_⊥ + χ_∥/d. ``mc[N]`` = (N(χ̂ − χ₀), its SE).
    """

    depth: int
    branch_scale: float
    n_networks: int
    chi0: float
    chi1: float
    chi1_naive: float
    mc: dict[int, tuple[float, float]]
    pooled: Extrapolation


def jacobian_finite_size(
    s: Setup,
    depth: int,
    branch_scale: float,
    widths: Sequence[int],
    n_networks: int,
    input_dim: int,
    nodes: tuple[int, int],
) -> JacobianFiniteSize:
    """One input, one random tangent, gram sampler at each width N (stream
    ``jacobian/N=…``); the widths'
    N(χ̂ − χ₀) pooled by a weighted mean (``extrapolate_inverse_n`` of order 0)."""
    L1 = _validate.integer("depth", depth)
    A1 = _validate.positive("branch_scale", branch_scale)
    widths = _validate.sizes("widths", widths)
    B = _validate.integer("n_networks", n_networks, minimum=2)
    Q0, PHI, SW2, d = s.q0, s.phi, s.sigma_w2, input_dim
    nodes = tuple(nodes)
    fs_t = fsz.finite_size(np.diag([Q0, 1.0]), L1, A1, PHI, sigma_w2=SW2, n_tangents=1, nodes=nodes)
    near = fsz.finite_size(
        np.array([[Q0, 0.98 * Q0], [0.98 * Q0, Q0]]),
        L1,
        A1,
        PHI,
        sigma_w2=SW2,
        n_tangents=1,
        nodes=nodes,
    )
    radial0 = fsz.tangent_kernels(Q0 * np.ones((2, 2)), L1, A1, PHI, sigma_w2=SW2)[-1, 1, 1] / Q0
    mf_jac = (1 - 1 / d) * fs_t.kernel[-1, 1, 1] + radial0 / d
    first_jac = (1 - 1 / d) * fs_t.mean_correction[-1, 1, 1] + near.mean_correction[
        -1, 1, 1
    ] / Q0 / d
    naive_jac = (1 - 1 / d) * fs_t.mean_correction_naive[-1, 1, 1] + (
        near.mean_correction_naive[-1, 1, 1] / Q0 / d
    )
    u = pair_inputs([], d, Q0)
    jvp_mc = {}
    for N in widths:
        rec = s.simulate(
            s.preact(N, L1, A1, input_dim=d), u, B, s.seed_for(f"jacobian/N={N}"), n_tangents=1
        )
        T = np.exp(rec.jvp_log_sq_norm[:, -1, 0])
        jvp_mc[N] = (N * (T.mean() - mf_jac), N * T.std(ddof=1) / math.sqrt(len(T)))
        del rec
    pool = extrapolate_inverse_n(
        list(jvp_mc), [v[0] for v in jvp_mc.values()], [v[1] for v in jvp_mc.values()], order=0
    )
    return JacobianFiniteSize(L1, A1, B, mf_jac, first_jac, naive_jac, jvp_mc, pool)


@dataclass
class ReadoutFiniteSize:
    """N(χ − χ₀) of the readout response at several scales and widths against the one-loop χ₁.

    ``theory[τ]`` = (χ₀ closed form, χ₁); ``mc[τ, N]`` = (N(χ̂ − χ₀), SE); ``pooled[τ]`` the
    weighted mean over widths; τ*_N = ``a_star`` + ``a_star_shift``/N (one loop).
    """

    depth: int
    branch_scales: list[float]
    widths: list[int]
    n_networks: list[int]
    theory: dict[float, tuple[float, float]]
    mc: dict[tuple[float, int], tuple[float, float]]
    pooled: dict[float, Extrapolation]
    a_star: float
    a_star_shift: float


def readout_finite_size(
    s: Setup,
    depth: int,
    branch_scales: Sequence[float],
    widths: Sequence[int],
    n_networks: Sequence[int],
    input_dim: int,
    nodes: tuple[int, int],
) -> ReadoutFiniteSize:
    """Readout response at depth L for each τ: one-loop χ₁ (``fsz.response_finite_size``) and
    Monte Carlo at each width N (stream ``readout/N=…``, :func:`readout_response`)."""
    Lr = _validate.integer("depth", depth)
    widths, n_networks = _matched(widths, n_networks)
    K0, PHI, SW2 = s.K0, s.phi, s.sigma_w2
    read_fs, read_mc, pool_read = {}, {}, {}
    for a in branch_scales:
        chi0_r, chi1_r = fsz.response_finite_size(
            K0, Lr, a, PHI, kind="readout", sigma_w2=SW2, nodes=tuple(nodes)
        )
        chi0_exact = float(ft.response(K0, Lr, a, PHI, sigma_w2=SW2)[-1])  # closed-form mean field
        if not abs(chi0_r[-1] / chi0_exact - 1) < 1e-5:
            raise ValueError(f"nodes: one-loop quadrature {tuple(nodes)} too coarse at τ = {a}")
        read_fs[a] = (chi0_exact, float(chi1_r[-1]))
        for N, B in zip(widths, n_networks, strict=True):
            m, se = readout_response(
                s, N, Lr, a, B, seed=s.seed_for(f"readout/N={N}"), input_dim=input_dim
            )
            read_mc[a, N] = (N * (m - read_fs[a][0]), N * se)
        pool_read[a] = extrapolate_inverse_n(
            widths, [read_mc[a, N][0] for N in widths], [read_mc[a, N][1] for N in widths], order=0
        )
    a_star_r, a1_shift = fsz.optimal_scale_finite_size(
        K0, Lr, PHI, sigma_w2=SW2, nodes=tuple(nodes)
    )
    return ReadoutFiniteSize(
        Lr, list(branch_scales), widths, n_networks, read_fs, read_mc, pool_read, a_star_r, a1_shift
    )


def describe_response_finite_size(jac: JacobianFiniteSize, read: ReadoutFiniteSize) -> str:
    """The printout of both 1/N response experiments."""
    lines = [
        f"Jacobian, τ = {jac.branch_scale}, L = {jac.depth}: χ₀ = {jac.chi0:.4f}, "
        f"χ₁ = {jac.chi1:.3f} (cavity; naive {jac.chi1_naive:.3f}); N(χ − χ₀) = "
        + ", ".join(f"{m:.3f} ± {s:.3f} (N = {N})" for N, (m, s) in jac.mc.items())
    ]
    Lr = read.depth
    for a in read.branch_scales:
        p = read.pooled[a]
        lines.append(
            f"readout, τ = {a}, L = {Lr}: χ₀ = {read.theory[a][0]:.4f}, χ₁ = "
            f"{read.theory[a][1]:+.4f}; pooled N(χ − χ₀) = {p.value:+.4f} ± {p.se:.4f} "
            f"(χ² p = {p.p_value:.2f})"
        )
    a_star_r, a1_shift = read.a_star, read.a_star_shift
    lines.append(
        f"τ* at L = {Lr}: {a_star_r:.4f} + {a1_shift:+.3f}/N (one loop): the finite width moves "
        f"the optimum {'up' if a1_shift > 0 else 'down'}, by "
        f"{100 * a1_shift / a_star_r / 32:.2f} % at N = 32"
    )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# claims 3 and 4: the optimal scale τ* (mean field, no simulation)


@dataclass
class OptimalScales:
    """τ*(L) of the readout response, its 90 % range (L ≤ ``range_max_depth``; NaN beyond)
    and the continuum optimum x* = lim τ*²σ_w²L; τ* ∈ ``band`` for L in ``depth_window``."""

    depths: list[int]
    star: dict[int, float]
    ranges: dict[int, tuple[float, float]]
    x_star: float
    band: tuple[float, float]
    sigma_w2: float

    @property
    def depth_window(self) -> tuple[float, float]:
        x_star, BAND, SW2 = self.x_star, self.band, self.sigma_w2
        return (x_star / BAND[1] ** 2 / SW2, x_star / BAND[0] ** 2 / SW2)

    def describe(self) -> str:
        SW2 = self.sigma_w2
        lines = []
        for L in self.depths:
            a_star, (lo, hi) = self.star[L], self.ranges[L]
            lines.append(
                f"L = {L:5d}: τ* = {a_star:.4f}, 90 % range [{lo:.3f}, {hi:.3f}], τ*²σ_w²L = "
                f"{a_star**2 * SW2 * L:.3f}"
            )
        lo, hi = self.depth_window
        lines.append(
            f"continuum x* = τ*²σ_w²L → {self.x_star:.4f}: τ* ∈ [{self.band[0]}, {self.band[1]}] "
            f"for {lo:.0f} ≲ L ≲ {hi:.0f}"
        )
        return "\n".join(lines)


def optimal_scales(
    s: Setup, depths: Sequence[int], band: tuple[float, float], range_max_depth: int = 1000
) -> OptimalScales:
    """τ*(L) and the 90 % response range (``ft.near_optimal_range``) at each depth."""
    depths = _validate.sizes("depths", depths)
    lo, hi = (_validate.positive("band", b) for b in band)
    if lo >= hi:
        raise ValueError(f"band: expected (low, high) with low < high, got {band}")
    K0, PHI, SW2 = s.K0, s.phi, s.sigma_w2
    x_star = ft.optimal_continuum(K0, PHI)
    star, ranges = {}, {}
    for L in depths:
        star[L] = ft.optimal_scale(K0, L, PHI, sigma_w2=SW2)
        ranges[L] = (
            ft.near_optimal_range(K0, L, PHI, sigma_w2=SW2)
            if L <= range_max_depth
            else (math.nan,) * 2
        )
    return OptimalScales(depths, star, ranges, x_star, tuple(band), SW2)


@dataclass
class AlphaStarFormula:
    """The large-depth formula τ* = √(x*/σ_w²L)(1 + c₁/L) against the numerical optimum.

    ``err0``, ``err1``: τ*/formula − 1 to leading order and with c₁/L; ``slope_num`` and
    ``slope_th``: d ln τ*/d ln L between the last two depths ``L_a``, ``L_b``; ``next_order``:
    (c₁/L_a)², the size of the neglected O(L⁻²) term.
    """

    expansion: ft.AlphaStarExpansion
    x_star_continuum: float
    depths: np.ndarray
    numerical: np.ndarray
    err0: np.ndarray
    err1: np.ndarray
    L_a: int
    L_b: int
    slope_num: float
    slope_th: float
    next_order: float

    def describe(self) -> str:
        e = self.expansion
        lines = [
            f"x* = {e.x_star:.6f} (argmax of the t-route continuum ODE: "
            f"{self.x_star_continuum:.6f}), c₁ = {e.c1:.4f}"
        ]
        for L, e0, e1 in zip(self.depths, self.err0, self.err1, strict=True):
            lines.append(
                f"L = {L:5.0f}: τ*/formula − 1 = {e0:+.2e} (leading order), {e1:+.2e} (with c₁/L)"
            )
        return "\n".join(lines)


def alpha_star_formula(s: Setup, opt: OptimalScales) -> AlphaStarFormula:
    """``ft.alpha_star_expansion`` of the input kernel against ``opt``'s numerical τ*(L)."""
    if len(opt.depths) < 2:
        raise ValueError(f"opt: need at least two depths for a slope, got {opt.depths}")
    SW2 = s.sigma_w2
    expansion = ft.alpha_star_expansion(s.K0, s.phi)
    Ls = np.array(opt.depths, dtype=float)
    num = np.array([opt.star[int(L)] for L in Ls])
    err0 = num / expansion.scale(Ls, SW2, order=0) - 1
    err1 = num / expansion.scale(Ls, SW2, order=1) - 1
    L_a, L_b = opt.depths[-2], opt.depths[-1]
    a_a, a_b = opt.star[L_a], opt.star[L_b]
    slope_num = math.log(a_b / a_a) / math.log(L_b / L_a)
    slope_th = float(
        np.log(expansion.scale(L_b, SW2) / expansion.scale(L_a, SW2)) / math.log(L_b / L_a)
    )
    next_order = (expansion.c1 / L_a) ** 2  # size of the neglected O(L⁻²) term, relative
    return AlphaStarFormula(
        expansion, opt.x_star, Ls, num, err0, err1, L_a, L_b, slope_num, slope_th, next_order
    )


@dataclass
class VariantDependence:
    """τ*(σ_w²) at one depth in each model variant of ``ft.VARIANTS``.

    ``rows[v]``: ``alpha`` (NaN where no interior maximum), ``local`` log-slopes, ``secant``
    slope over the grid and the ``weak`` grid points (|local| ≤ ``weak``); ``closest``: the
    variant other than "preact" with the smallest |secant|; ``sw_weak``: the σ_w² above which
    its |slope| ≤ ``weak`` (interpolated in ln σ_w²; NaN if already at the first grid point).
    """

    sigma_w2: np.ndarray
    depth: int
    weak: float
    rows: dict[str, dict[str, Any]]
    closest: str
    sw_weak: float

    def describe(self) -> str:
        sw_grid, lines = self.sigma_w2, []
        for v, r in self.rows.items():
            ok = np.isfinite(r["alpha"])
            lines.append(
                f"{v:10s}: secant slope {r['secant']:+.3f}; local "
                + " ".join(f"{x:+.2f}" for x in r["local"])
                + f"; |local| ≤ ¼ at σ_w² ∈ {[float(x) for x in r['weak']]}"
                + ("" if ok.all() else f"; no τ* at σ_w² = {[float(x) for x in sw_grid[~ok]]}")
            )
        lines.append(
            f"closest to a weak dependence over the whole range: {self.closest}; there |slope| ≤ "
            f"1/4 for σ_w² ≳ {self.sw_weak:.1f} (on the grid up to {sw_grid[-1]:g})"
        )
        return "\n".join(lines)


def variant_dependence(
    s: Setup, sigma_w2: Sequence[float], depth: int, weak: float = 0.25
) -> VariantDependence:
    """``ft.variant_slopes`` of every variant at the input kernel of ``s`` on the σ_w² grid."""
    sw_grid = np.array(sigma_w2)
    if sw_grid.ndim != 1 or sw_grid.size < 2 or np.any(np.diff(sw_grid) <= 0):
        raise ValueError(f"sigma_w2: expected an increasing grid of ≥ 2 values, got {sigma_w2}")
    L_sw = _validate.integer("depth", depth)
    WEAK = _validate.positive("weak", weak)
    variant_rows = {}
    for v in ft.VARIANTS:
        vals, local = ft.variant_slopes(v, s.K0, L_sw, sw_grid, s.phi)
        ok = np.isfinite(vals)
        secant = (
            float(np.log(vals[-1] / vals[0]) / np.log(sw_grid[-1] / sw_grid[0]))
            if ok.all()
            else math.nan
        )
        weak_pts = sw_grid[ok & (np.abs(local) <= WEAK)]
        variant_rows[v] = dict(alpha=vals, local=local, secant=secant, weak=weak_pts)
    closest = min(
        (v for v in ft.VARIANTS if v != "preact" and np.isfinite(variant_rows[v]["secant"])),
        key=lambda v: abs(variant_rows[v]["secant"]),
    )
    rc = variant_rows[closest]
    i_weak = int(np.argmax(np.abs(rc["local"]) <= WEAK))  # first grid point with |slope| ≤ 1/4
    sw_weak = (
        math.nan
        if i_weak == 0
        else float(  # where |slope| crosses 1/4 (in ln σ_w²)
            np.exp(
                np.interp(
                    WEAK,
                    np.abs(rc["local"][[i_weak, i_weak - 1]]),
                    np.log(sw_grid[[i_weak, i_weak - 1]]),
                )
            )
        )
    )
    return VariantDependence(sw_grid, L_sw, WEAK, variant_rows, closest, sw_weak)


# ---------------------------------------------------------------------------------------------
# does the best-trained network sit at τ*?


def input_statistics(data: Dataset, n_images: int = 500) -> tuple[float, float]:
    """(q⁰, c⁰) of a data set: mean ‖x‖²/d over the training images and the mean cosine
    between the first ``n_images`` of them (pairs i < j)."""
    _validate.integer("n_images", n_images, minimum=2)
    Xs = data.X_train[:n_images].astype(float)
    nrm = np.linalg.norm(Xs, axis=1)
    cos = (Xs @ Xs.T) / np.outer(nrm, nrm)
    c_data = float(cos[np.triu_indices(len(Xs), 1)].mean())
    return data.mean_sq_norm, c_data


@dataclass
class TrainingScan:
    """Test accuracies (seeds, scales) per depth after SGD (``acc``) and Langevin
    (``acc_lgv``), the best ln τ per depth (``opt``, ``opt_lgv``, ``optimum_location``) and
    the predicted τ*(L) and 90 % response range for the data's input kernel ``K_data``."""

    data: Dataset
    q_data: float
    c_data: float
    K_data: np.ndarray
    depths: list[int]
    branch_scales: np.ndarray
    n_seeds: int
    temperature: float
    star: dict[int, float]
    ranges: dict[int, tuple[float, float]]
    acc: dict[int, np.ndarray]
    acc_lgv: dict[int, np.ndarray]
    opt: dict[int, Optimum]
    opt_lgv: dict[int, Optimum]
    seconds: tuple[float, float]

    def describe(self, device: Any = "cpu") -> str:
        """The input statistics, the trained scales, the timings and the best scales."""
        star, opt, T = self.star, self.opt, self.temperature
        lines = [
            f"input statistics: q⁰ = {self.q_data:.3f}, c⁰ = {self.c_data:.4f}; predicted τ* = "
            + ", ".join(f"{star[L]:.3f} (L = {L})" for L in self.depths),
            "trained scales τ: " + ", ".join(f"{a:.3g}" for a in self.branch_scales),
            f"training: SGD {self.seconds[0]:.0f} s, Langevin {self.seconds[1]:.0f} s on {device}",
        ]
        for L in self.depths:
            o, (lo, hi) = opt[L], self.ranges[L]
            lines.append(
                f"L = {L:3d}: SGD best τ = {math.exp(o.location):.3f} (ln τ = {o.location:+.3f} "
                f"± {o.se:.3f}{'' if o.bracketed else ', NOT bracketed'}); τ* = {star[L]:.3f}, "
                f"90 % range {lo:.3f}–{hi:.3f}"
            )
        for L, o in self.opt_lgv.items():
            gap = o.location - opt[L].location
            lines.append(
                f"L = {L:3d}: Langevin (T = {T:g}) best τ = {math.exp(o.location):.3f} (ln τ = "
                f"{o.location:+.3f} ± {o.se:.3f}{'' if o.bracketed else ', NOT bracketed'}); "
                f"Langevin − SGD: {gap:+.3f} in ln τ, "
                f"{gap / math.hypot(o.se, opt[L].se):+.1f} combined SE"
            )
        return "\n".join(lines)

    def best_scales(self) -> str:
        """The best τ per depth with τ*, for a caption: "0.52 (L = 10, τ* = 0.61), …"."""
        return ", ".join(
            f"{math.exp(self.opt[L].location):.2f} (L = {L}, τ* = {self.star[L]:.2f}"
            + ("" if self.opt[L].bracketed else ", not bracketed")
            + ")"
            for L in self.depths
        )

    def accuracy_table(self) -> str:
        """Seed-mean test accuracy at every scale, per depth, SGD then Langevin."""
        rows = [("SGD", L, a) for L, a in self.acc.items()]
        rows += [("Langevin", L, a) for L, a in self.acc_lgv.items()]
        return "\n".join(
            f"L = {L}: {how} accuracy "
            + ", ".join(
                f"{a:.3g}: {m:.3f}"
                for a, m in zip(self.branch_scales, acc.mean(axis=0), strict=True)
            )
            for how, L, acc in rows
        )


def training_scan(
    s: Setup,
    data: Dataset,
    depths: Sequence[int],
    branch_scales: Sequence[float],
    *,
    width: int,
    n_seeds: int,
    epochs: int,
    lr: float,
    batch_size: int,
    temperature: float,
    langevin_depths: Sequence[int],
) -> TrainingScan:
    """Readout-φ networks (``readout_phi=True``) of each depth and scale trained by
    ``train_many``, seeds from the streams ``train/L=…/0…n_seeds−1`` (shared by the
    scales and by Langevin: common random numbers), plain SGD at every
    depth and Langevin at temperature T at ``langevin_depths``; the best ln τ per depth from
    ``optimum_location`` (bootstrap streams ``bootstrap/…``)."""
    tdepths = _validate.sizes("depths", depths)
    if not set(langevin_depths) <= set(tdepths):
        raise ValueError(f"langevin_depths: must be among depths {tdepths}, got {langevin_depths}")
    n_seeds = _validate.integer("n_seeds", n_seeds, minimum=2)
    _validate.variance("temperature", temperature)
    branch_scales = np.asarray(branch_scales)
    SW2, PHI = s.sigma_w2, s.phi
    q_data, c_data = input_statistics(data)
    K_data = np.array([[q_data, c_data * q_data], [c_data * q_data, q_data]])
    star_data = {L: ft.optimal_scale(K_data, L, PHI, sigma_w2=SW2) for L in tdepths}
    range_data = {L: ft.near_optimal_range(K_data, L, PHI, sigma_w2=SW2) for L in tdepths}

    def accuracies(depth: int, T: float) -> np.ndarray:
        seeds = [s.seed_for(f"train/L={depth}/{i}") for i in range(n_seeds)]
        out = np.empty((len(seeds), len(branch_scales)))
        for j, a in enumerate(branch_scales):
            net = s.preact(
                width,
                depth,
                float(a),
                input_dim=data.n_features,
                output_dim=data.n_classes,
                readout_phi=True,
            )
            out[:, j] = train_many(
                [net] * len(seeds),
                data,
                epochs=epochs,
                lr=lr,
                seeds=seeds,
                batch_size=batch_size,
                temperature=T,
                device=s.device,
                progress=f"L = {depth}, τ = {a:.3g}, T = {T:g}",
            )
        return out

    t0 = time.perf_counter()
    acc = {L: accuracies(L, 0.0) for L in tdepths}
    t_sgd = time.perf_counter() - t0
    acc_lgv = {L: accuracies(L, temperature) for L in langevin_depths}
    t_lgv = time.perf_counter() - t0 - t_sgd
    ln_a = np.log(branch_scales)
    opt = {L: optimum_location(ln_a, acc[L], seed=s.seed_for(f"bootstrap/L={L}")) for L in tdepths}
    opt_lgv = {
        L: optimum_location(ln_a, acc_lgv[L], seed=s.seed_for(f"bootstrap/langevin/L={L}"))
        for L in langevin_depths
    }
    return TrainingScan(
        data,
        q_data,
        c_data,
        K_data,
        tdepths,
        branch_scales,
        n_seeds,
        temperature,
        star_data,
        range_data,
        acc,
        acc_lgv,
        opt,
        opt_lgv,
        (t_sgd, t_lgv),
    )
