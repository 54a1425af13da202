"""The experiments of the synthesis chapter (one map of the four theories): Monte Carlo drivers
over the pre-activation ResNet h^l = h^{l−1} + τL^(−a) W^l φ(h^{l−1}) and their tidy results.

The theory is ``resprop.theory.synthesis``; the claims these results decide are in
``resprop.synthesis_claims``, the figures in ``resprop.synthesis_figures``. Every simulation
draws its seed from a named stream (``Family.seed_for``, a chapter's ``ch.seed_for``), so a
result depends only on (seed, stream name, sizes, device), not on the order of the runs.
A grid point is a dict: ``L``, ``mean``, ``se_mean``, ``var``, ``se_var`` (of ln(q_L/q_0)),
``pred`` (theory → (mean, var)), ``best`` (the winning theory or ``"none"``) and ``dist``
(theory → W₂ distance); kernel points hold ``rho``, ``se_rho`` instead of the moments.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _validate, estimators
from .estimators import Extrapolation
from .networks import PreActResidual
from .simulate import Record, simulate
from .theory import synthesis

__all__ = [
    "ACTIVATIONS",
    "KERNEL_NAMES",
    "NAMES",
    "Family",
    "FieldTheorySpread",
    "SamplerCheck",
    "describe_kernel_points",
    "describe_tanh_points",
    "field_theory_spread",
    "input_layer",
    "kernel_grids",
    "kernel_win_counts",
    "law_point",
    "log_norm_grid",
    "sampler_check",
    "shared_depth_betas",
    "win_counts",
]

#: The activations of the two-input (kernel) grids, in the order they are run.
ACTIVATIONS = ("relu", "tanh")
#: The categories of the log-norm map: the three theories and ``"none"``.
NAMES = [*synthesis.THEORIES, "none"]
#: The categories of the kernel map: the two deterministic theories and ``"none"``.
KERNEL_NAMES = [*synthesis.KERNEL_THEORIES, "none"]

Point = dict[str, Any]


@dataclass(frozen=True)
class Family:
    """The chapter's network family (branch scale τ, σ_w²) and how to run it.

    ``seed_for`` maps a stream name to an integer seed (a chapter's ``ch.seed_for``).
    """

    branch_scale: float
    sigma_w2: float
    seed_for: Callable[[str], int]
    device: str = "auto"

    def __post_init__(self) -> None:
        _validate.real("branch_scale", self.branch_scale, minimum=0.0)
        _validate.positive("sigma_w2", self.sigma_w2)
        if not callable(self.seed_for):
            raise TypeError(f"seed_for: expected a callable stream → seed, got {self.seed_for!r}")

    @property
    def total_branch_variance(self) -> float:
        """C = τ²σ_w², the branch variance c·L^(2a) (c at L = 1)."""
        return self.branch_scale**2 * self.sigma_w2

    def theory_kw(self) -> dict[str, float]:
        """The keyword arguments of ``theory.synthesis`` for this family."""
        return dict(branch_scale=self.branch_scale, sigma_w2=self.sigma_w2)

    def simulate(
        self,
        width: int,
        depth: int,
        exponent: float,
        inputs: np.ndarray,
        n_networks: int,
        stream: str,
        activation: str = "relu",
        **kw: Any,
    ) -> Record:
        """``n_networks`` networks (branch multiplier τ L^(−exponent)) on ``inputs``, seeded by
        ``stream``."""
        net = PreActResidual(width=width, depth=depth, activation=activation,
                             sigma_w2=self.sigma_w2, branch_scale=self.branch_scale,
                             branch_exponent=exponent, input_dim=inputs.shape[1])  # fmt: skip
        return simulate(net, inputs, n_networks, device=self.device, seed=self.seed_for(stream),
                        progress=False, **kw)  # fmt: skip

    def log_ratio(
        self,
        width: int,
        depth: int,
        exponent: float,
        n_networks: int,
        stream: str,
        *,
        log_q0: bool = True,
        **kw: Any,
    ) -> np.ndarray:
        """ln(q_L/q_0) (or ln q_L, ``log_q0=False``) per network, one input u = 1."""
        rec = self.simulate(width, depth, exponent, np.ones((1, 1)), n_networks, stream, **kw)
        return rec.log_sq_norm[:, -1, 0] - (rec.log_sq_norm[:, 0, 0] if log_q0 else 0.0)


def _sizes(exponents: Sequence[float], widths: Sequence[int], betas: Sequence[float]) -> None:
    for a in exponents:
        _validate.real("exponents", a)
    for n in widths:
        _validate.integer("widths", n)
    for b in betas:
        _validate.positive("betas", b)
    if not (exponents and widths and betas):
        raise ValueError("exponents, widths, betas: each needs at least one value")


def input_layer(rho0: float) -> tuple[np.ndarray, np.ndarray]:
    """Input kernel K = [[1, ρ₀], [ρ₀, 1]] and inputs U = √2·chol(K), rows u_a ∈ R², so K⁰ = K."""
    _validate.real("rho0", rho0)
    if not -1 < rho0 < 1:
        raise ValueError(f"rho0: a correlation in (−1, 1) is needed, got {rho0}")
    K_in = np.array([[1.0, rho0], [rho0, 1.0]])
    return K_in, math.sqrt(2) * np.linalg.cholesky(K_in)


def law_point(
    x: np.ndarray, pred: dict[str, tuple[float, float]], depth: int, *, threshold: float
) -> Point:
    """Mean, variance (with SEs) of samples x and the theory of ``pred`` nearest in W₂; a theory
    wins only within ``threshold`` + 4 SE of the measured Gaussian law (``gaussian_law_se``)."""
    _validate.positive("threshold", threshold)
    (mean, se_mean), (var, se_var) = estimators.mean_se(x), estimators.variance_se(x)
    threshold = threshold + 4 * estimators.gaussian_law_se(se_mean, var, se_var)
    best, dist = synthesis.best_theory(mean, var, pred, threshold=threshold)
    return dict(L=depth, mean=mean, se_mean=se_mean, var=var, se_var=se_var, pred=pred, best=best,
                dist=dist)  # fmt: skip


@dataclass(frozen=True)
class SamplerCheck:
    """ln(q_L/q_0) at a = ½ from the dense and the gram sampler (same n, L, B)."""

    width: int
    depth: int
    dense: np.ndarray
    gram: np.ndarray

    def describe(self) -> str:
        """Means, variances ± SE, and the variance difference in units of its SE."""
        (vd, sd), (vg, sg) = estimators.variance_se(self.dense), estimators.variance_se(self.gram)
        diff, diff_se = estimators.difference((vd, sd), (vg, sg))
        return "\n".join([
            f"n = {self.width}, L = {self.depth}, a = ½, {len(self.dense)} networks each:",
            f"  dense: mean {self.dense.mean():.4f}, var {vd:.5f} ± {sd:.5f}",
            f"  gram : mean {self.gram.mean():.4f}, var {vg:.5f} ± {sg:.5f}",
            f"  variance difference in SE: {diff / diff_se:+.2f}",
        ])  # fmt: skip


def sampler_check(family: Family, width: int, depth: int, n_networks: int) -> SamplerCheck:
    """ln(q_L/q_0) at a = ½ from the dense (stream ``"dense"``) and gram (``"gram"``) samplers."""
    _validate.integer("width", width)
    _validate.integer("depth", depth)
    _validate.integer("n_networks", n_networks, minimum=2)
    dense = family.log_ratio(width, depth, 0.5, n_networks, "dense", sampler="dense")
    gram = family.log_ratio(width, depth, 0.5, n_networks, "gram")
    return SamplerCheck(width, depth, dense, gram)


def log_norm_grid(
    family: Family,
    exponents: Sequence[float],
    widths: Sequence[int],
    betas: Sequence[float],
    n_networks: int,
    *,
    threshold: float,
) -> dict[tuple[float, int, float], Point]:
    """The ReLU map: (a, n, β) → law point of ln(q_L/q_0) at L = round(βn), plus its branch
    variance ``c`` = τ²σ_w²L^(−2a); stream ``grid/<a>/<n>/<β>``."""
    _sizes(exponents, widths, betas)
    _validate.integer("n_networks", n_networks, minimum=2)
    grid = {}
    for a in exponents:
        for n in widths:
            for beta in betas:
                L = round(beta * n)
                x = family.log_ratio(n, L, a, n_networks, f"grid/{a:g}/{n}/{beta:g}")
                pred = synthesis.log_norm_predictions(n, L, branch_exponent=a, **family.theory_kw())
                grid[a, n, beta] = law_point(x, pred, L, threshold=threshold)
                grid[a, n, beta]["c"] = synthesis.branch_variance(
                    L, branch_exponent=a, **family.theory_kw()
                )
    return grid


def kernel_grids(
    family: Family,
    exponents: Sequence[float],
    widths: Sequence[int],
    betas: Sequence[float],
    n_networks: int,
    *,
    rho0: float,
    threshold: float,
    kernel_threshold: float,
) -> tuple[dict[tuple[str, float, int, float], Point], dict[tuple[float, int, float], Point]]:
    """Two inputs of correlation ρ₀ through ReLU and tanh networks (stream
    ``kernel/<act>/<a>/<n>/<β>``): returns (kgrid, tgrid).

    kgrid[act, a, n, β]: the mean final correlation ρ_L ± SE against the deterministic kernel
    theories (each a law with zero variance), the winner within ``kernel_threshold`` + 4 SE;
    tgrid[a, n, β]: the tanh law point of ln(q_L/q_0) of the first input (theories: ln K^L_00).
    """
    _sizes(exponents, widths, betas)
    _validate.integer("n_networks", n_networks, minimum=2)
    _validate.positive("kernel_threshold", kernel_threshold)
    K_in, U_in = input_layer(rho0)
    kgrid, tgrid = {}, {}
    for act in ACTIVATIONS:
        for a in exponents:
            for n in widths:
                for beta in betas:
                    L = round(beta * n)
                    stream = f"kernel/{act}/{a:g}/{n}/{beta:g}"
                    rec = family.simulate(n, L, a, U_in, n_networks, stream, activation=act)
                    rho, se_rho = estimators.mean_se(rec.correlation[:, -1, 0, 1])
                    Kth = synthesis.kernel_predictions(K_in, L, act, branch_exponent=a,
                                                       **family.theory_kw())  # fmt: skip
                    pred = {t: (synthesis.correlation(K), 0.0) for t, K in Kth.items()}
                    best, dist = synthesis.best_theory(
                        rho, 0.0, pred, threshold=kernel_threshold + 4 * se_rho
                    )
                    kgrid[act, a, n, beta] = dict(
                        L=L, rho=rho, se_rho=se_rho, pred=pred, best=best, dist=dist
                    )
                    if act == "tanh":
                        x = rec.log_sq_norm[:, -1, 0] - rec.log_sq_norm[:, 0, 0]
                        lpred = {t: (float(np.log(K[0, 0])), 0.0) for t, K in Kth.items()}
                        tgrid[a, n, beta] = law_point(x, lpred, L, threshold=threshold)
    return kgrid, tgrid


def win_counts(cells: Mapping[Any, Point], names: Iterable[str] = NAMES) -> dict[str, int]:
    """How many points each category of ``names`` wins (``best``)."""
    return {t: sum(p["best"] == t for p in cells.values()) for t in names}


def kernel_win_counts(kgrid: Mapping[tuple, Point]) -> dict[str, dict[str, int]]:
    """Points won on the kernel map, per activation."""
    return {
        act: win_counts({k: p for k, p in kgrid.items() if k[0] == act}, KERNEL_NAMES)
        for act in ACTIVATIONS
    }


def shared_depth_betas(n_lo: int, n_hi: int, betas: Sequence[float]) -> list[tuple[float, float]]:
    """The (β₁, β₂) pairs with round(β₁ n_lo) = round(β₂ n_hi): depths both widths simulate."""
    _validate.integer("n_lo", n_lo)
    _validate.integer("n_hi", n_hi)
    return [(b1, b2) for b1 in betas for b2 in betas if round(b1 * n_lo) == round(b2 * n_hi)]


def describe_tanh_points(
    tgrid: Mapping[tuple, Point], exponents: Sequence[float], width: int, beta: float
) -> str:
    """One line per exponent: the tanh mean ± SE and sd at (n, β), and both deterministic means."""
    lines = []
    for a in exponents:
        p = tgrid[a, width, beta]
        lines.append(
            f"tanh a = {a:g}, n = {width}, L = {p['L']}: mean {p['mean']:.4f} ± "
            f"{p['se_mean']:.4f}, sd {math.sqrt(p['var']):.4f}; mean field "
            f"{p['pred']['mean field'][0]:.4f}, ODE {p['pred']['ODE limit'][0]:.4f}"
        )
    return "\n".join(lines)


def describe_kernel_points(
    kgrid: Mapping[tuple, Point], exponents: Sequence[float], width: int, beta: float
) -> str:
    """One line per (activation, a): ρ_L ± SE at (n, β) and its distance in SE to each theory."""
    lines = []
    for act in ACTIVATIONS:
        for a in exponents:
            p = kgrid[act, a, width, beta]
            z = {t: (p["rho"] - p["pred"][t][0]) / p["se_rho"] for t in synthesis.KERNEL_THEORIES}
            lines.append(
                f"{act} a = {a:g}, n = {width}, L = {p['L']}: ρ_L {p['rho']:.4f} ± "
                f"{p['se_rho']:.4f}; z vs mean field {z['mean field']:+.1f}, vs ODE "
                f"{z['ODE limit']:+.1f}"
            )
    return "\n".join(lines)


@dataclass(frozen=True)
class FieldTheorySpread:
    """N·Var ln q_L of tanh networks at a = ½ per width, its 1/N extrapolation and the theory
    (``synthesis.field_theory_log_norm_variance``: closure → value)."""

    depth: int
    widths: list[int]
    n_networks: int
    y: list[float]
    se: list[float]
    fit: Extrapolation
    theory: dict[str, float]

    def describe(self) -> str:
        """The measured N·Var per width, the extrapolation with its χ², and the theory values."""
        points = ", ".join(
            f"{y:.3f} ± {e:.3f} (N = {n})"
            for n, y, e in zip(self.widths, self.y, self.se, strict=True)
        )
        ext = self.fit
        return (
            f"tanh, a = ½, L = {self.depth}: N·Var ln q_L = {points}; extrapolated "
            f"{ext.value:.3f} ± {ext.se:.3f} (χ² = {ext.chi2:.1f} on {ext.dof} dof)\n"
            + str({k: round(v, 4) for k, v in self.theory.items()})
        )


def field_theory_spread(
    family: Family, depth: int, widths: Sequence[int], n_networks: int
) -> FieldTheorySpread:
    """N·Var ln q_L (not ln q_L/q_0) of tanh networks, a = ½, at each width N (stream
    ``field_theory/<N>``), extrapolated linearly in 1/N, with the field theory's prediction."""
    _validate.integer("depth", depth)
    _validate.integer("n_networks", n_networks, minimum=2)
    _sizes([0.5], widths, [1.0])
    theory = synthesis.field_theory_log_norm_variance(depth, "tanh", branch_exponent=0.5,
                                                      **family.theory_kw())  # fmt: skip
    y, se = [], []
    for n in widths:
        x = family.log_ratio(n, depth, 0.5, n_networks, f"field_theory/{n}", activation="tanh",
                             log_q0=False)  # fmt: skip
        v, v_se = estimators.variance_se(x)
        y.append(n * v)
        se.append(n * v_se)
    fit = estimators.extrapolate_inverse_n(widths, y, se)
    return FieldTheorySpread(depth, list(widths), n_networks, y, se, fit, theory)
