"""The experiments of chapter 01 (Yang & Schoenholz's mean-field residual networks): Monte Carlo
drivers, the α-ReLU kernel routes and the trainability experiments, with their tidy results
(the checks that decide the claims are in ``resprop.edge_of_chaos_claims``, the figures in
``resprop.edge_of_chaos_figures``).

Book side: like a chapter, this module brings the two routes together
(``theory.mean_field`` and ``gaussian`` against ``networks``, ``simulate`` and ``training``);
neither route imports it. Each driver takes the chapter's ``seed`` and draws every cell from its
own named stream of it (``chapter.stream_seed``), so a result depends only on (seed, sizes,
device) and no two cells share random numbers.

The networks: feed-forward h^(l) = Wφ(h^(l−1)) + b, reduced residual (RRN)
x^(l) = x^(l−1) + Wφ(x^(l−1)) + b and full residual (FRN) x^(l) = x^(l−1) + Vφ(Wx^(l−1) + b) + a,
with σ_w² = 2 (the FRN also σ_v² = 1) and no biases in the dynamics experiments.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _validate, estimators, gaussian, networks
from .chapter import stream_seed
from .simulate import Record, simulate
from .theory import mean_field as mf
from .training import Dataset, train_many

__all__ = [
    "ACTIVATIONS",
    "ARCHITECTURES",
    "E0",
    "KernelRoutes",
    "ReluBoundary",
    "TanhBoundary",
    "TrainingDesign",
    "chi_samples",
    "cosine",
    "dense_check",
    "full_residual",
    "input_kernel",
    "kernel_routes",
    "random_inputs",
    "relu_trainability",
    "sigmas",
    "simulate_families",
    "tanh_trainability",
    "train_grid",
]

ACTIVATIONS: dict[str, tuple[str, float | None]] = {
    "tanh": ("tanh", None),
    "α-ReLU": ("alpha_relu", 0.8),
    "ReLU": ("relu", None),
}
"""Label ↦ (activation, α) of the three activation families of the dynamics experiments."""

ARCHITECTURES: dict[str, type[networks.Network]] = {
    "feedforward": networks.FeedForward,
    "reduced": networks.ReducedResidual,
    "full": networks.FullResidual,
}
"""Name ↦ network class of the three architectures (feed-forward, RRN, FRN)."""

E0 = np.array([0.8, 0.2])
"""Input cosines e⁰₀₁ and e⁰₀₂ of the three simulated inputs."""


def _architecture(arch: str) -> str:
    return _validate.choice("arch", arch, ARCHITECTURES)


def sigmas(arch: str) -> dict[str, float]:
    """The weight variances of the dynamics experiments: σ_w² = 2, and σ_v² = 1 for the FRN."""
    return dict(sigma_w2=2.0, sigma_v2=1.0) if _architecture(arch) == "full" else dict(sigma_w2=2.0)


def input_kernel(e0: ArrayLike = E0) -> np.ndarray:
    """Gram matrix K⁰ of three unit inputs with cosines e⁰₀₁, e⁰₀₂ and e⁰₁₂ = e⁰₀₁·e⁰₀₂."""
    e = _validate.real_array("e0", e0)
    if e.shape != (2,) or np.any(np.abs(e) >= 1):
        raise ValueError(f"e0: expected two cosines in (−1, 1), got {e0!r}")
    return np.array([[1.0, e[0], e[1]], [e[0], 1.0, e[0] * e[1]], [e[1], e[0] * e[1], 1.0]])


def random_inputs(width: int, *, seed: int, e0: ArrayLike = E0) -> np.ndarray:
    """Inputs U (3, n) with U Uᵀ/n = K⁰ (:func:`input_kernel`), spanning a random 3-plane.

    x⁰ = W_in u with W_in ~ N(0, 1/n) is then exactly Gaussian with covariance K⁰ in every
    network, and random tangents t ~ N(0, I_n) are nearly orthogonal to the inputs (with d = 3
    input dimensions they are not, and ln χ came out 0.2–0.3 too low for tanh).
    """
    n = _validate.integer("width", width, minimum=3)
    K0 = input_kernel(e0)
    Q = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, 3)))[0]
    return math.sqrt(n) * np.linalg.cholesky(K0) @ Q.T


# ---------------------------------------------------------------------------------------------
# reading records


def cosine(rec: Record, a: int = 0, b: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Mean over networks of the cosine between inputs a and b per layer, with its SE.

    Not the ratio of means Σγ/Σp: for ReLU networks p is heavy-tailed at L/n = 1/4 and that
    ratio, dominated by a few networks, sat at twice the recursion's 1 − e.
    """
    c = rec.correlation[..., a, b]
    return c.mean(0), c.std(0, ddof=1) / math.sqrt(len(c))


def chi_samples(rec: Record) -> np.ndarray:
    """ln χ⁰/χ^l of each network: ln ‖J_l t‖²/‖t‖² averaged over its tangents, (B, L+1)."""
    d = rec.jvp_log_sq_norm - rec.jvp_log_sq_norm[:, :1]
    return estimators.log_mean_exp(d, axis=2)[0]


# ---------------------------------------------------------------------------------------------
# Monte Carlo of the dynamics


def simulate_families(
    U: np.ndarray, depth: int, n_networks: int, *, seed: int, device: Any
) -> tuple[dict[tuple[str, str], Record], dict[tuple[str, str], mf.MeanField]]:
    """Records and mean-field recursions of the nine (activation, architecture) families.

    Width n = U.shape[1], inputs U (from :func:`random_inputs`), two tangents per network, gram
    sampler; each family draws from its own stream ``families/<activation>/<architecture>`` of
    ``seed`` (``chapter.stream_seed``).
    Keys (activation label, architecture).
    """
    U = _validate.real_array("U", U)
    if U.ndim != 2 or U.shape[0] != 3:
        raise ValueError(f"U: expected three inputs of shape (3, n), got {U.shape}")
    L = _validate.integer("depth", depth)
    B = _validate.integer("n_networks", n_networks, minimum=2)
    n = U.shape[1]
    sim, theory = {}, {}
    for act_label, (act, alpha) in ACTIVATIONS.items():
        for arch, cls in ARCHITECTURES.items():
            net = cls(width=n, depth=L, activation=act, alpha=alpha, input_dim=n, **sigmas(arch))
            sim[act_label, arch] = simulate(
                net,
                U,
                B,
                device=device,
                progress=False,
                seed=stream_seed(seed, f"families/{act_label}/{arch}"),
                n_tangents=2,
                same_sign_lags=(),
            )
            theory[act_label, arch] = mf.mean_field(
                arch, L, act, alpha=alpha, e0=E0, **sigmas(arch)
            )
    return sim, theory


def dense_check(U: np.ndarray, depth: int, n_networks: int, *, seed: int, device: Any) -> str:
    """The tanh FRN rerun with dense weight matrices (stream ``dense``): ln p^L and ln χ⁰/χ^L of the
    Monte Carlo against the recursion, as a short report."""
    U = _validate.real_array("U", U)
    L = _validate.integer("depth", depth)
    B = _validate.integer("n_networks", n_networks, minimum=2)
    n = U.shape[1]
    net = networks.FullResidual(width=n, depth=L, activation="tanh", input_dim=n, **sigmas("full"))
    dense = simulate(
        net,
        U,
        B,
        sampler="dense",
        device=device,
        progress=False,
        seed=stream_seed(seed, "dense"),
        n_tangents=2,
        same_sign_lags=(),
    )
    th = mf.mean_field("full", L, "tanh", e0=E0, **sigmas("full"))
    lp, se_p = estimators.log_mean_exp(dense.log_sq_norm[:, -1:, 0], axis=0)
    lc, se_c = estimators.log_mean_exp(chi_samples(dense)[:, -1:], axis=0)
    zp = (lp[0] - th.log_p[-1, 0]) / se_p[0]
    zc = (lc[0] - th.log_chi[-1, 0]) / se_c[0]
    return "\n".join(
        [
            f"dense sampler, n = {n}, L = {L}, {B} networks:",
            f"  ln p^L:     Monte Carlo {lp[0]:.4f} ± {se_p[0]:.4f}, recursion "
            f"{th.log_p[-1, 0]:.4f}  (z = {zp:+.1f})",
            f"  ln χ⁰/χ^L:  Monte Carlo {lc[0]:.4f} ± {se_c[0]:.4f}, recursion "
            f"{th.log_chi[-1, 0]:.4f}  (z = {zc:+.1f})",
        ]
    )


# ---------------------------------------------------------------------------------------------
# kernels of powers of ReLU


@dataclass(frozen=True)
class KernelRoutes:
    """F_α(c) = E[X_+^α Y_+^α] by five routes, and what decides claim YS17-6.

    ``routes[α]``: closed, bessel, quad, hyp (arrays over ``cs``), mc, mc_se and the z-scores
    z = (mc − closed)/mc_se. ``worst``: largest |route − closed form| over α and c (bessel,
    quad, hyp) and of the finite-difference identity F′_α − α² F_{α−1} (price).
    ``alt_kernel``: largest |F_{α+0.05} − F_α|; ``alt_price``: largest |(α² − 1) F_{α−1}|.
    ``z2``, ``z2_alt``: z² of every point, and its value were the Monte Carlo to follow F_{α+0.05};
    ``z2_theory`` = (B − 1)/(B − 3), E t² with B − 1 degrees of freedom; ``z2_se``: SE of mean z².
    """

    alphas: list[float]
    cs: np.ndarray
    routes: dict[float, dict[str, np.ndarray]]
    worst: dict[str, float]
    alt_kernel: float
    alt_price: float
    z2: np.ndarray
    z2_alt: np.ndarray
    z2_theory: float
    z2_se: float
    n_networks: int


def kernel_routes(
    alphas: Sequence[float], cs: ArrayLike, width: int, n_networks: int, *, seed: int, device: Any
) -> KernelRoutes:
    """The α-ReLU kernel by the closed form ``gaussian.alpha_relu_kernel``, the Bessel-K₀
    integral, the angular quadrature, the ₂F₁(c²) form and Monte Carlo over ``n_networks``
    random layers of width ``width`` per point (stream ``kernel/α=…/c=…``).

    The identity F′_α = α² F_{α−1} is checked by central differences at h = 1e-5 on all points
    but the last.
    """
    cs = _validate.real_array("cs", cs)
    if cs.ndim != 1 or cs.size < 2 or np.any(np.abs(cs) >= 1):
        raise ValueError("cs: expected at least two correlations in (−1, 1)")
    n = _validate.integer("width", width)
    BKr = _validate.integer("n_networks", n_networks, minimum=4)
    alphas = [_validate.real("alphas", a, minimum=0.5, strict=True) for a in alphas]
    routes, worst = {}, dict(bessel=0.0, quad=0.0, hyp=0.0, price=0.0)
    alt_kernel = alt_price = 0.0
    z2, z2_alt = [], []
    for a in alphas:
        closed = gaussian.alpha_relu_kernel(cs, a)
        r = dict(
            closed=closed,
            bessel=gaussian.alpha_relu_kernel_bessel(cs, a),
            quad=gaussian.pair_expectation(
                "alpha_relu", 1.0, 1.0, cs, alpha=a, method="quadrature"
            ),
            hyp=gaussian.alpha_relu_kernel_hypergeometric(cs, a),
        )
        h = 1e-5  # central difference: truncation h²F‴/6 ≲ 1e-10, rounding 1e-16/h = 1e-11
        fd = (
            gaussian.alpha_relu_kernel(cs[:-1] + h, a) - gaussian.alpha_relu_kernel(cs[:-1] - h, a)
        ) / (2 * h)
        f_lower = gaussian.alpha_relu_kernel(cs[:-1], a - 1)
        neighbour = gaussian.alpha_relu_kernel(cs, a + 0.05)  # the alternative: another exponent
        mc, mc_se = np.empty_like(cs), np.empty_like(cs)
        for j, c in enumerate(cs):
            u = math.sqrt(2) * np.array([[1.0, 0.0], [c, math.sqrt(1 - c * c)]])
            net = networks.FeedForward(
                width=n, depth=1, activation="alpha_relu", alpha=a, input_dim=2
            )
            rec = simulate(
                net,
                u,
                BKr,
                device=device,
                progress=False,
                seed=stream_seed(seed, f"kernel/α={a:g}/c={c:g}"),
                same_sign_lags=(),
            )
            mc[j], mc_se[j] = estimators.mean_se(rec.act_kernel[:, 0, 0, 1])
        r.update(mc=mc, mc_se=mc_se, z=(mc - closed) / mc_se)
        routes[a] = r
        for key in ("bessel", "quad", "hyp"):
            worst[key] = max(worst[key], float(np.abs(r[key] - closed).max()))
        worst["price"] = max(worst["price"], float(np.abs(fd - a**2 * f_lower).max()))
        alt_kernel = max(alt_kernel, float(np.abs(neighbour - closed).max()))
        alt_price = max(alt_price, float(np.abs((a**2 - 1) * f_lower).max()))
        z2.append(r["z"] ** 2)
        z2_alt.append(((neighbour - closed) / mc_se) ** 2)
    z2, z2_alt = np.concatenate(z2), np.concatenate(z2_alt)
    z2_theory = (BKr - 1) / (BKr - 3)  # E t² with B − 1 degrees of freedom
    z2_se = float(np.std(z2, ddof=1) / math.sqrt(z2.size))
    return KernelRoutes(
        alphas, cs, routes, worst, alt_kernel, alt_price, z2, z2_alt, z2_theory, z2_se, BKr
    )


# ---------------------------------------------------------------------------------------------
# trainability


def full_residual(
    data: Dataset, depth: int, sigma_w2: float, *, width: int, sigma_v2: float = 1.0, **kw: Any
) -> networks.FullResidual:
    """A full residual network of the training experiments: no biases, readout σ² = 1/(1 + L)."""
    return networks.FullResidual(
        width=width,
        depth=int(depth),
        sigma_w2=float(sigma_w2),
        sigma_v2=float(sigma_v2),
        input_dim=None if data.n_features == width else data.n_features,
        output_dim=data.n_classes,
        sigma_out2=1.0 / (1.0 + depth),
        **kw,
    )


def train_grid(
    data: Dataset,
    grid: ArrayLike,
    *,
    seeds: Sequence[int],
    width: int,
    label: str,
    fit_kw: dict[str, Any],
    **net_kw: Any,
) -> np.ndarray:
    """Test accuracies (seed, grid) of ``full_residual(data, sigma_w2=g, **net_kw)`` for g in
    ``grid``, all trained together by ``training.train_many(**fit_kw)``; every grid point of a
    seed shares that seed's initialisation noise and minibatch order."""
    nets = [full_residual(data, sigma_w2=g, width=width, **net_kw) for _ in seeds for g in grid]
    runs = [s for s in seeds for _ in grid]
    return train_many(nets, data, seeds=runs, progress=label, **fit_kw).reshape(len(seeds), -1)


def _train_rows(
    data: Dataset,
    grids: np.ndarray,
    labels: list[str],
    net_kws: list[dict[str, Any]],
    *,
    seeds: Sequence[int],
    width: int,
    fit_kw: dict[str, Any],
) -> tuple[np.ndarray, tuple[float, float]]:
    """:func:`train_grid` per row of ``grids``, stacked (seed, row, grid), with the (CPU, wall)
    seconds the training took."""
    clock = time.process_time(), time.perf_counter()
    acc = np.stack(
        [
            train_grid(data, g, seeds=seeds, width=width, label=label, fit_kw=fit_kw, **kw)
            for g, label, kw in zip(grids, labels, net_kws, strict=True)
        ],
        axis=1,
    )
    return acc, (time.process_time() - clock[0], time.perf_counter() - clock[1])


@dataclass(frozen=True)
class TrainingDesign:
    """What the trainability experiments share: the training ``seeds`` (one initialisation
    noise and minibatch order per seed, shared by its grid points), the network ``width``, the
    boundary's ``fraction`` of the best accuracy, ``n_boot`` bootstrap resamples drawn with
    ``seed``, and plain SGD (``epochs``, ``lr``, ``batch_size``) on ``device``."""

    seeds: list[int]
    width: int
    fraction: float
    n_boot: int
    seed: int
    epochs: int
    lr: float
    batch_size: int
    device: Any = "cpu"

    def __post_init__(self) -> None:
        if len(self.seeds) < 2:
            raise ValueError(
                f"seeds: the bootstrap over seeds needs at least two, got {self.seeds!r}"
            )
        for name in ("width", "n_boot", "epochs", "batch_size"):
            _validate.integer(name, getattr(self, name))
        _validate.integer("seed", self.seed, minimum=0)
        _validate.positive("lr", self.lr)
        if not 0 < _validate.real("fraction", self.fraction) < 1:
            raise ValueError(f"fraction: expected a number in (0, 1), got {self.fraction!r}")

    @property
    def fit_kw(self) -> dict[str, Any]:
        """The keyword arguments of ``training.train_many``."""
        return dict(epochs=self.epochs, lr=self.lr, batch_size=self.batch_size, device=self.device)


@dataclass(frozen=True)
class TanhBoundary:
    """The tanh FRN experiment (claims YS17-4, tanh half, and YS17-5).

    ``acc`` (seed, depth, grid) test accuracies at σ_w² = ``sw2L``/L; ``crossing`` (seed, depth)
    the boundary's ln σ_w² (accuracy first below ``fraction`` of the curve's best); ``fit``
    its seed-mean's bootstrap slope against ln L; ``grid_se`` = Δ/√(12 Σ(ln L − mean)²) the
    grid's resolution on the slope and ``slope_se`` the two combined. ``lnchi_b`` (seed, depth):
    ln χ⁰/χ^L of the recursion at each crossing; ``level`` their geometric mean and ``exact``
    the σ_w² of that level set at each depth, with slope ``theory_slope``. ``lnlnchi``: slope of
    ln ln χ at the boundary vs ln L, SE ``lnlnchi_se`` (with the grid term scaled by
    d ln ln χ/d ln σ_w²); ``fixed_slope``: that slope along the fixed σ_w² of the mean boundary.
    ``time``: (CPU, wall) seconds of the training.
    """

    depths: np.ndarray
    sw2L: np.ndarray
    sw_grid: np.ndarray
    seeds: list[int]
    acc: np.ndarray
    time: tuple[float, float]
    log_L: np.ndarray
    crossing: np.ndarray
    fit: estimators.BootstrapSlope
    grid_se: float
    slope_se: float
    lnchi_b: np.ndarray
    level: float
    exact: np.ndarray
    theory_slope: float
    lnlnchi: estimators.BootstrapSlope
    fixed_slope: float
    lnlnchi_se: float

    def describe(self) -> str:
        """The boundary per depth, the theory's level set and the two slopes, as lines."""
        fit, depths = self.fit, self.depths
        return "\n".join(
            [
                f"trained {self.acc.size} tanh networks in {self.time[0]:.0f} s CPU, "
                f"{self.time[1]:.0f} s wall",
                f"depth L:                     {depths.tolist()}",
                f"boundary σ_w² (seed mean):   {np.round(np.exp(fit.mean), 3).tolist()}",
                f"boundary σ_w²·L:             {np.round(np.exp(fit.mean) * depths, 1).tolist()}",
                f"ln χ⁰/χ^L at the boundary:   {np.round(self.lnchi_b.mean(0), 2).tolist()}",
                f"exact level set ln χ = {self.level:.2f}: σ_w² = "
                f"{np.round(self.exact, 3).tolist()}",
                f"slope of ln σ_w²_boundary vs ln L: {fit.slope:.3f} ± {self.slope_se:.3f} "
                f"(bootstrap {fit.se:.3f}, grid {self.grid_se:.3f}); exact level set "
                f"{self.theory_slope:.3f}; asymptotic −1",
                f"slope of ln ln χ at the boundary vs ln L: {self.lnlnchi.slope:.3f} ± "
                f"{self.lnlnchi_se:.3f}; claim 0; σ_w² alone {self.fixed_slope:.3f}",
            ]
        )


def _lnchi_at(crossing: np.ndarray, depths: np.ndarray, p0: float) -> np.ndarray:
    """ln χ⁰/χ^L of the tanh FRN recursion (σ_v² = 1) at σ_w² = e^crossing, (seed, depth)."""
    rec = mf.mean_field(
        "full",
        int(depths.max()),
        "tanh",
        sigma_w2=np.exp(crossing),
        sigma_v2=1.0,
        p0=p0,
        cosine=False,
    )
    return rec.log_chi[
        depths[None, :], np.arange(crossing.shape[0])[:, None], np.arange(len(depths))
    ]


def tanh_trainability(
    data: Dataset,
    design: TrainingDesign,
    *,
    depths: Sequence[int],
    sw2L: tuple[float, float],
    n_grid: int,
) -> TanhBoundary:
    """Train tanh FRNs (σ_v² = 1) at each depth on ``n_grid`` log-spaced values of σ_w²·L in
    ``sw2L`` (the same at every depth), and locate the trainability boundary (see
    :class:`TanhBoundary`) with the seeds, width and SGD of ``design``."""
    depths = np.array(depths)
    if depths.ndim != 1 or depths.size < 2:
        raise ValueError(f"depths: expected at least two depths, got {depths!r}")
    sw2L = np.geomspace(*sw2L, n_grid)  # σ_w²·L, the same at every depth
    sw_grid = sw2L[None, :] / depths[:, None]  # (depth, grid): σ_w²
    acc, tanh_time = _train_rows(  # (seed, depth, grid)
        data,
        sw_grid,
        [f"tanh L={L}" for L in depths],
        [dict(depth=L, activation="tanh") for L in depths],
        seeds=design.seeds,
        width=design.width,
        fit_kw=design.fit_kw,
    )
    log_L = np.log(depths)
    crossing = estimators.threshold_crossing(acc, np.log(sw_grid), fraction=design.fraction)
    fit = estimators.bootstrap_slope(log_L, crossing, n_boot=design.n_boot, seed=design.seed)
    sxx = float(np.sum((log_L - log_L.mean()) ** 2))
    grid_se = float(np.log(sw2L[1] / sw2L[0]) / math.sqrt(12 * sxx))
    slope_se = math.hypot(fit.se, grid_se)
    # the theory, on the same depths: ln χ⁰/χ^L at each measured crossing, and the level set of
    # the exact recursion through them (level = geometric mean of ln χ over the crossings)
    lnchi_b = _lnchi_at(crossing, depths, data.mean_sq_norm)
    level = float(np.exp(np.mean(np.log(lnchi_b))))
    exact = mf.sigma_w2_level_set("log_chi", level, depths, sigma_v2=1.0, p0=data.mean_sq_norm)
    theory_slope = float(np.polyfit(log_L, np.log(exact), 1)[0])
    lnlnchi = estimators.bootstrap_slope(
        log_L, np.log(lnchi_b), n_boot=design.n_boot, seed=design.seed
    )
    fixed = mf.mean_field(
        "full",
        int(depths.max()),
        "tanh",
        sigma_w2=float(np.exp(fit.mean.mean())),
        sigma_v2=1.0,
        p0=data.mean_sq_norm,
        cosine=False,
    )
    fixed_slope = float(np.polyfit(log_L, np.log(fixed.log_chi[depths]), 1)[0])
    # the grid's resolution in ln σ_w², converted by d ln ln χ / d ln σ_w² at the crossings
    lnchi_n = _lnchi_at(crossing + 0.01, depths, data.mean_sq_norm)
    gain = float(np.mean(np.log(lnchi_n / lnchi_b)) / 0.01)
    lnlnchi_se = math.hypot(lnlnchi.se, gain * grid_se)
    return TanhBoundary(
        depths,
        sw2L,
        sw_grid,
        list(design.seeds),
        acc,
        tanh_time,
        log_L,
        crossing,
        fit,
        grid_se,
        slope_se,
        lnchi_b,
        level,
        exact,
        theory_slope,
        lnlnchi,
        fixed_slope,
        lnlnchi_se,
    )


@dataclass(frozen=True)
class ReluBoundary:
    """The α-ReLU FRN experiment (claim YS17-4, α-ReLU half) at one depth.

    ``acc`` (seed, σ_v², grid) at σ_w² = ``sw`` = (κ/σ_v²)^{1/α}, κ = ``kappa``; ``e0``: mean
    cosine of 500 training images; ``cross`` (seed, σ_v²): the boundary's ln σ_w²; ``fit`` its
    bootstrap slope against ln σ_v²; ``grid_se``, ``se`` as in :class:`TanhBoundary`.
    ``s_level``: mean ln s^L of the recursion at the crossings; ``exact``: the σ_w² of that
    level set at each σ_v², with slope ``theory_slope``; ``mf_kw``: the recursion's settings.
    """

    alpha: float
    depth: int
    sv_grid: np.ndarray
    kappa: np.ndarray
    sw: np.ndarray
    acc: np.ndarray
    time: tuple[float, float]
    e0: float
    log_sv: np.ndarray
    cross: np.ndarray
    fit: estimators.BootstrapSlope
    grid_se: float
    se: float
    mf_kw: dict[str, Any]
    s_level: float
    exact: np.ndarray
    theory_slope: float

    def describe(self) -> str:
        """The boundary per σ_v², the level set of s^L and the slopes, as lines."""
        return "\n".join(
            [
                f"trained {self.acc.size} α-ReLU networks in {self.time[0]:.0f} s CPU, "
                f"{self.time[1]:.0f} s wall; input cosine e⁰ = {self.e0:.3f}",
                f"σ_v²:                       {self.sv_grid.tolist()}",
                f"boundary σ_w² (seed mean):  {np.round(np.exp(self.fit.mean), 3).tolist()}",
                f"exact level set ln s = {self.s_level:.2f}: σ_w² = "
                f"{np.round(self.exact, 3).tolist()}",
                f"slope of ln σ_w²_boundary vs ln σ_v²: {self.fit.slope:.3f} ± {self.se:.3f} "
                f"(bootstrap {self.fit.se:.3f}, grid {self.grid_se:.3f}); exact level set "
                f"{self.theory_slope:.3f}; asymptotic −1/α = {-1 / self.alpha:.3f}",
            ]
        )


def relu_trainability(
    data: Dataset,
    design: TrainingDesign,
    *,
    alpha: float,
    depth: int,
    sigma_v2: Sequence[float],
    kappa: tuple[float, float],
    n_grid: int,
) -> ReluBoundary:
    """Train α-ReLU FRNs of one depth on a (σ_v², σ_w²) grid, log-spaced at each σ_v² in
    κ = σ_v²σ_w^{2α} (``n_grid`` values in ``kappa``), and locate the boundary (see
    :class:`ReluBoundary`) with the seeds, width and SGD of ``design``."""
    alpha = _validate.real("alpha", alpha)
    if not 0.5 < alpha < 1:
        raise ValueError(f"alpha: expected ½ < α < 1, got {alpha!r}")
    sv_grid = np.array(sigma_v2)
    if sv_grid.ndim != 1 or sv_grid.size < 2 or np.any(sv_grid <= 0):
        raise ValueError(f"sigma_v2: expected at least two positive variances, got {sigma_v2!r}")
    kappa = np.geomspace(*kappa, n_grid)
    relu_sw = (kappa[None, :] / sv_grid[:, None]) ** (1.0 / alpha)  # (σ_v², grid): σ_w²
    relu_acc, relu_time = _train_rows(  # (seed, σ_v², grid)
        data,
        relu_sw,
        [f"α-ReLU σ_v²={v2:g}" for v2 in sv_grid],
        [dict(depth=depth, sigma_v2=v2, activation="alpha_relu", alpha=alpha) for v2 in sv_grid],
        seeds=design.seeds,
        width=design.width,
        fit_kw=design.fit_kw,
    )
    unit = data.X_train[:500] / np.linalg.norm(data.X_train[:500], axis=1, keepdims=True)
    e0 = float((np.sum(unit @ unit.T) - len(unit)) / (len(unit) * (len(unit) - 1)))
    relu_cross = estimators.threshold_crossing(relu_acc, np.log(relu_sw), fraction=design.fraction)
    log_sv = np.log(sv_grid)
    relu_fit = estimators.bootstrap_slope(
        log_sv, relu_cross, n_boot=design.n_boot, seed=design.seed
    )
    relu_grid_se = float(
        np.log(kappa[1] / kappa[0]) / alpha / math.sqrt(12 * np.sum((log_sv - log_sv.mean()) ** 2))
    )
    relu_se = math.hypot(relu_fit.se, relu_grid_se)
    relu_mf = dict(activation="alpha_relu", alpha=alpha, p0=data.mean_sq_norm, e0=e0)
    at_relu = mf.mean_field(
        "full", depth, sigma_w2=np.exp(relu_cross), sigma_v2=sv_grid[None, :], **relu_mf
    )
    s_level = float(np.mean(at_relu.log_s[depth]))
    relu_exact = mf.sigma_w2_level_set(
        "log_s", s_level, depth, sigma_v2=sv_grid, sigma_w2_range=(1e-5, 1e4), **relu_mf
    )
    relu_theory = float(np.polyfit(log_sv, np.log(relu_exact), 1)[0])
    return ReluBoundary(
        alpha,
        depth,
        sv_grid,
        kappa,
        relu_sw,
        relu_acc,
        relu_time,
        e0,
        log_sv,
        relu_cross,
        relu_fit,
        relu_grid_se,
        relu_se,
        relu_mf,
        s_level,
        relu_exact,
        relu_theory,
    )
