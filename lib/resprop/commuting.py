"""The experiments of chapter 03 (Hayou & Yang's 1/√L ResNet): Monte Carlo drivers and their
tidy results (the claims they decide are in ``resprop.commuting_claims``, the figures in
``resprop.commuting_figures``).

Book side: like a chapter, this module brings the two routes together (``theory.depth_limit``
and ``theory.kernels`` against ``networks``, ``simulate`` and ``sde``); neither route imports
it. Each driver takes a base ``seed`` and draws every cell from its own named stream of it
(``chapter.stream_seed(seed, "n=…/L=…")``), so a result depends only on (seed, sizes, device)
and a cell's numbers do not depend on which other cells run. The networks are ReLU 1/√L ResNets
h^(l) = h^(l−1) + (τ/√L) W^(l) φ(h^(l−1)) with τ = σ_w = σ_in = 1 unless a driver says otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import estimators, networks, sde
from .chapter import stream_seed
from .simulate import Record, simulate
from .theory import depth_limit as dl
from .theory.kernels import feedforward_kernels

__all__ = [
    "MLP",
    "O1_RESNET",
    "RESNET",
    "GPData",
    "DepthFirst",
    "branch_sweep",
    "depth_first_limit",
    "describe_step_convergence",
    "error_grid",
    "gp_circle_data",
    "gp_errors",
    "joint_means",
    "kernel_families",
    "kernel_flow",
    "linear_growth",
    "log_norm_growth",
    "neuron_samples",
    "path_errors",
    "path_slopes",
    "pooled_sq_length",
    "record_kernels",
    "sampler_errors",
    "step_convergence",
]

RESNET, O1_RESNET, MLP = "1/√L ResNet", "O(1)-branch ResNet", "ReLU MLP (He)"
Family = Callable[[int, int], tuple[Any, np.ndarray]]


# ---------------------------------------------------------------------------------------------
# reading records


def record_kernels(rec: Record) -> np.ndarray:
    """Kernels K^(l)_ab = ⟨h_a^l, h_b^l⟩/n = exp((ln q_a + ln q_b)/2)·c_ab, shape (B, L+1, k, k)."""
    half = rec.log_sq_norm / 2
    return np.exp(half[..., :, None] + half[..., None, :]) * rec.correlation


def pooled_sq_length(K: np.ndarray) -> np.ndarray:
    """The squared length of two inputs pooled, (K_aa + K_bb)/2, per sample of (..., 2, 2)."""
    return (K[..., 0, 0] + K[..., 1, 1]) / 2


def log_norm_growth(rec: Record) -> np.ndarray:
    """ln(q_L/q_0) of the first input, per network: ln‖h^L‖²/n − ln‖h^0‖²/n."""
    return rec.log_sq_norm[:, -1, 0] - rec.log_sq_norm[:, 0, 0]


# ---------------------------------------------------------------------------------------------
# Monte Carlo over networks (gram sampler unless said)


def kernel_families(K0: ArrayLike, Q1: np.ndarray) -> dict[str, Family]:
    """(n, L) ↦ (network, its infinite-width last-layer kernel) for the three compared networks.

    The 1/√L ResNet against the ODE's Q_1; the O(1)-branch ResNet (branch exponent 0) and the
    He ReLU MLP (σ_w² = 2) against their depth-L recursions.
    """
    return {
        RESNET: lambda n, L: (networks.PreActResidual.hayou_yang(n, L, input_dim=2), Q1),
        O1_RESNET: lambda n, L: (
            networks.PreActResidual(n, L, input_dim=2, branch_scale=1.0, branch_exponent=0.0),
            dl.width_first_kernels(K0, L, branch_exponent=0.0)[-1],
        ),
        MLP: lambda n, L: (
            networks.FeedForward(n, L, input_dim=2, sigma_w2=2.0),
            feedforward_kernels(K0, L, sigma_w2=2.0)[-1],
        ),
    }


def kernel_flow(
    configs: Sequence[tuple[int, int]], X: ArrayLike, n_networks: int, *, seed: int, device: Any
) -> dict[tuple[int, int], Record]:
    """Records of ``n_networks`` 1/√L ReLU ResNets per (n, L) in ``configs`` (stream "n=…/L=…")."""
    return {
        (n, L): simulate(
            networks.PreActResidual.hayou_yang(n, L, input_dim=2),
            X,
            n_networks,
            device=device,
            seed=stream_seed(seed, f"n={n}/L={L}"),
        )
        for n, L in configs
    }


def _kernel_error(make: Family, n: int, L: int, X: ArrayLike, B: int, seed: int, device: Any):
    net, ref = make(n, L)
    rec = simulate(net, X, B, device=device, seed=stream_seed(seed, f"n={n}/L={L}"))
    return estimators.rms_of_finite(dl.kernel_discrepancy(record_kernels(rec)[:, -1], ref))


def error_grid(
    make: Family,
    widths: Sequence[int],
    depths: Sequence[int],
    X: ArrayLike,
    n_networks: int,
    *,
    seed: int,
    device: Any,
) -> np.ndarray:
    """RMS over networks of d(K^{n,L}, K^∞) (``depth_limit.kernel_discrepancy``) on a grid.

    Shape (widths, depths, 3): RMS, its SE, and the number of dead networks (left out);
    cell (n, L) uses the stream "n=…/L=…" of ``seed``.
    """
    out = np.zeros((len(widths), len(depths), 3))
    for i, n in enumerate(widths):
        for j, L in enumerate(depths):
            out[i, j] = _kernel_error(make, n, L, X, n_networks, seed, device)
    return out


def path_errors(
    make: Family,
    exponent: float,
    widths: Sequence[int],
    X: ArrayLike,
    n_networks: int,
    *,
    seed: int,
    device: Any,
    max_depth: int | None = None,
) -> np.ndarray:
    """RMS kernel error along the path L = ⌈n^a⌉: rows (n, L, RMS, SE), cell (n, L) on the
    stream "n=…/L=…" of ``seed``.

    Paths points deeper than ``max_depth`` are skipped.
    """
    rows = []
    for n in widths:
        L = math.ceil(n**exponent - 1e-9)
        if max_depth is not None and L > max_depth:
            continue
        rows.append((n, L, *_kernel_error(make, n, L, X, n_networks, seed, device)[:2]))
    return np.array(rows, dtype=float).reshape(-1, 4)


def path_slopes(paths: dict[tuple[str, float], np.ndarray]) -> dict[tuple[str, float], Any]:
    """Weighted slope of ln RMS error against ln n (``estimators.loglog_slope``) per path of
    ``path_errors`` rows; for the MLP only on L = n."""
    return {
        (name, a): estimators.loglog_slope(rows[:, 0], rows[:, 2], rows[:, 3])
        for (name, a), rows in paths.items()
        if name == RESNET or a == 1.0
    }


def sampler_errors(
    width: int, depth: int, X: ArrayLike, n_networks: int, Q1: np.ndarray, *, seed: int, device: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Per-network kernel errors d(K, Q_1) of one (n, L) cell drawn by the gram and the dense
    samplers (streams "gram" and "dense")."""
    net = networks.PreActResidual.hayou_yang(width, depth, input_dim=2)
    errors = []
    for sampler in ("gram", "dense"):
        rec = simulate(
            net, X, n_networks, sampler=sampler, device=device, seed=stream_seed(seed, sampler)
        )
        errors.append(dl.kernel_discrepancy(record_kernels(rec)[:, -1], Q1))
    return errors[0], errors[1]


def branch_sweep(
    exponents: Sequence[float],
    depths: Sequence[int],
    width: int,
    X: ArrayLike,
    n_networks: int,
    *,
    seed: int,
    device: Any,
) -> dict[tuple[float, int], np.ndarray]:
    """ln(q_L/q_0) per network of ReLU ResNets with branch factor L^(−a): {(a, L): (B,)}.

    Cell (a, L) on the stream "a=…/L=…".
    """
    out = {}
    for a in exponents:
        for L in depths:
            net = networks.PreActResidual(
                width, L, input_dim=2, branch_scale=1.0, branch_exponent=a
            )
            rec = simulate(
                net, X, n_networks, device=device, seed=stream_seed(seed, f"a={a:g}/L={L}")
            )
            out[(a, L)] = log_norm_growth(rec)
    return out


def linear_growth(
    widths: Sequence[int], depth: int, n_networks: int, *, seed: int, device: Any
) -> dict[int, np.ndarray]:
    """ln(q_L/q_0) per network of linear 1/√L ResNets, one input with q_0 = 1.

    Width n on the stream "n=…".
    """
    x1 = dl.inputs_for_kernel([[1.0]])
    out = {}
    for n in widths:
        net = networks.PreActResidual.hayou_yang(n, depth, input_dim=1, activation="linear")
        rec = simulate(net, x1, n_networks, device=device, seed=stream_seed(seed, f"n={n}"))
        out[n] = log_norm_growth(rec)
    return out


# ---------------------------------------------------------------------------------------------
# single neurons, and the depth-first limit: the SDE of the n neurons


def neuron_samples(
    configs: Sequence[tuple[int, int]],
    n_neurons: int,
    *,
    scale: float = 1.0,
    seed: int,
    device: Any,
) -> dict[tuple[int, int], np.ndarray]:
    """Single pre-activations h_i^(L)/``scale`` of ReLU 1/√L ResNets, one input with q_0 = 1:
    {(n, L): (networks, n)} with ``n_neurons`` neurons per config (``sde.network_neurons``,
    exact in law); config (n, L) on the stream "n=…/L=…"."""
    return {
        (n, L): sde.network_neurons(
            [[1.0]], n, L, n_neurons, seed=stream_seed(seed, f"n={n}/L={L}"), device=device
        )[:, :, 0]
        / scale
        for n, L in configs
    }


def step_convergence(
    K0: ArrayLike,
    width: int,
    n_steps: int,
    n_neurons: int,
    activation: str,
    levels: int,
    recursion: dict[int, np.ndarray],
    *,
    seed: int,
    device: Any,
) -> dict[str, Any]:
    """Weak-order check of Euler–Maruyama on the SDE (``n_neurons // width`` samples), for
    E q_1 (both inputs pooled).

    For N and 2N on the same Brownian paths: ``em`` = (mean, SE) of q^(N) − q^(2N); ``ext`` =
    the same for the Talay–Tubaro values 2q^(2N) − q^(N); ``rec_em``/``rec_ext`` the same
    changes of the n = ∞ recursion (``recursion``: {N: K^(N)}); ``order`` the log-log slope of
    |em| against 1/N with its SE (→ 1).
    """
    res = sde.simulate_sde(
        K0, width, n_steps, n_neurons // width, activation, levels=levels, seed=seed, device=device
    )
    steps = sorted(res.steps)[:-1]  # N with 2N also simulated
    K, q = res.kernels, pooled_sq_length
    em = [estimators.mean_se(q(K[N] - K[2 * N])) for N in steps]
    ext = [
        estimators.mean_se(q(2 * K[2 * N] - K[N]) - q(2 * K[4 * N] - K[2 * N])) for N in steps[:-1]
    ]
    rq = {N: recursion[N][0, 0] for N in (*steps, n_steps)}
    rec_em = [abs(rq[N] - rq[2 * N]) for N in steps]
    rec_ext = [abs((2 * rq[2 * N] - rq[N]) - (2 * rq[4 * N] - rq[2 * N])) for N in steps[:-1]]
    d_em = np.abs([m for m, _ in em])
    order = estimators.loglog_slope(1 / np.array(steps), d_em, np.array([s for _, s in em]))
    return dict(steps=steps, em=em, ext=ext, rec_em=rec_em, rec_ext=rec_ext, order=order)


def describe_step_convergence(conv: dict[str, dict[str, Any]], width: int) -> str:
    """The numbers of :func:`step_convergence` per activation, one line per step change."""
    lines = []
    for act, c in conv.items():
        order, se = c["order"]
        lines.append(f"{act}, n = {width}: weak order of Euler–Maruyama {order:.3f} ± {se:.3f}")
        for N, (m, s) in zip(c["steps"], c["em"], strict=True):
            lines.append(f"  N = {N:3d} → {2 * N:3d}: change of E q_1 {m:+.5f} ± {s:.5f}")
        for N, (m, s) in zip(c["steps"], c["ext"], strict=False):
            lines.append(f"  extrapolated, N = {2 * N:3d} → {4 * N:3d}: change {m:+.6f} ± {s:.6f}")
        lines.append(
            f"  n = ∞ (recursion): EM changes {np.round(c['rec_em'], 6)}, "
            f"extrapolated {c['rec_ext']}"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class DepthFirst:
    """The depth-first limit for one activation: ``rows`` (mean, SE) of E q_1(x,x) and
    E q_1(a,b) per width (:func:`depth_first_limit`), the ODE's ``Q1``, the fitted exponent
    ``fit`` (p, SE) of the bias E q_1(x,x) − Q_1(x,x) ∝ n^p, and its quadratic 1/n ``limit``."""

    activation: str
    widths: tuple[int, ...]
    Q1: np.ndarray
    rows: np.ndarray
    fit: tuple[float, float]
    limit: estimators.Extrapolation

    def describe(self) -> str:
        """The fit, the extrapolation and the deviation from Q_1 at each width."""
        p, lim, Q = self.fit, self.limit, self.Q1
        lines = [
            f"{self.activation}: bias of E q_1(x,x) ∝ n^p, p = {p[0]:+.3f} ± {p[1]:.3f}; "
            f"n → ∞ (quadratic in 1/n): {lim.value:.5f} ± {lim.se:.5f}, ODE {Q[0, 0]:.5f} "
            f"(χ² = {lim.chi2:.1f} on {lim.dof} dof)"
        ]
        for n, r in zip(self.widths, self.rows, strict=True):
            lines.append(
                f"  n = {n:3d}: E q_1(x,x) − Q = {r[0] - Q[0, 0]:+.5f} ± {r[1]:.5f}, "
                f"E q_1(a,b) − Q = {r[2] - Q[0, 1]:+.5f} ± {r[3]:.5f}"
            )
        return "\n".join(lines)


def depth_first_limit(
    K0: ArrayLike,
    widths: Sequence[int],
    n_steps: int,
    n_neurons: int,
    activation: str,
    *,
    taper_width: int,
    pilot_samples: int,
    seed: int,
    device: Any,
) -> DepthFirst:
    """E q_1(x,x) and E q_1(a,b) of the SDE at each width, with the ODE's Q_1, the power-law
    fit of the bias (``estimators.power_law_exponent``) and its extrapolation quadratic in 1/n
    (``estimators.extrapolate_inverse_n``, order 2).

    Euler–Maruyama with N = ``n_steps`` extrapolated from N/2 (Talay–Tubaro), a control
    variate from a pilot run at the largest width (stream "pilot"); width n on the stream "n=…" with
    ``n_neurons``·min(1, √(taper_width/n)) neurons.
    """
    Q1 = dl.limiting_kernel(K0, [1.0], activation)[0]
    pilot = sde.simulate_sde(
        K0, widths[-1], n_steps, pilot_samples, activation, seed=stream_seed(seed, "pilot"),
        device=device,
    )  # fmt: skip
    rows = []
    for n in widths:
        neurons = n_neurons * min(1.0, math.sqrt(taper_width / n))
        res = sde.simulate_sde(
            K0, n, n_steps, int(neurons) // n, activation, levels=2,
            control=pilot.gram_path[n_steps], seed=stream_seed(seed, f"n={n}"), device=device,
        )  # fmt: skip
        x = res.samples(n_steps, extrapolate=True)
        rows.append((*estimators.mean_se(pooled_sq_length(x)), *estimators.mean_se(x[:, 0, 1])))
    rows = np.array(rows)
    fit = estimators.power_law_exponent(widths, rows[:, 0] - Q1[0, 0], rows[:, 1])
    limit = estimators.extrapolate_inverse_n(widths, rows[:, 0], rows[:, 1], order=2)
    return DepthFirst(activation, tuple(widths), Q1, rows, fit, limit)


def joint_means(
    K0: ArrayLike,
    widths: Sequence[int],
    n_neurons: int,
    *,
    pilot_width: int,
    pilot_samples: int,
    seed: int,
    device: Any,
) -> np.ndarray:
    """(mean, SE) of q_1(x,x) of ReLU networks at depth L = n, drawn exactly in law as
    Euler–Maruyama with N = n steps and a pilot control; width n on the streams "n=…" and
    "pilot/n=…"."""
    out = []
    for n in widths:
        pilot = sde.simulate_sde(
            K0, pilot_width, n, pilot_samples, seed=stream_seed(seed, f"pilot/n={n}"), device=device
        )
        res = sde.simulate_sde(
            K0, n, n, n_neurons // n, control=pilot.gram_path[n], seed=stream_seed(seed, f"n={n}"),
            device=device,
        )  # fmt: skip
        out.append(estimators.mean_se(pooled_sq_length(res.samples(n))))
    return np.array(out)


# ---------------------------------------------------------------------------------------------
# GP regression with network kernels


@dataclass(frozen=True)
class GPData:
    """Inputs on the circle x(θ) = √2 (cos θ, sin θ) (so q_0(θ, θ') = cos(θ − θ')), targets
    y = sin 2θ + ½ cos 3θ at the training angles; ``train``/``test`` index ``theta``."""

    theta: np.ndarray
    X: np.ndarray
    K0: np.ndarray
    y_train: np.ndarray
    train: np.ndarray
    test: np.ndarray


def gp_circle_data(seed: int, n_train: int = 6, n_test: int = 24) -> GPData:
    """``n_train`` uniform random training angles (``seed``) and ``n_test`` evenly spaced test
    angles on the circle."""
    rng = np.random.default_rng(seed)
    theta_train = np.sort(rng.uniform(0, 2 * np.pi, n_train))
    theta_test = np.linspace(0, 2 * np.pi, n_test, endpoint=False) + np.pi / n_test
    theta = np.concatenate([theta_train, theta_test])
    X = np.sqrt(2.0) * np.stack([np.cos(theta), np.sin(theta)], axis=1)  # σ_in² |x|²/d = 1
    return GPData(
        theta,
        X,
        np.cos(theta[:, None] - theta[None, :]),
        np.sin(2 * theta_train) + 0.5 * np.cos(3 * theta_train),
        np.arange(n_train),
        np.arange(n_train, n_train + n_test),
    )


def gp_errors(
    data: GPData,
    mu_limit: np.ndarray,
    widths: Sequence[int],
    depths: Sequence[int],
    n_networks: int,
    *,
    noise: float,
    seed: int,
    device: Any,
) -> tuple[dict[tuple[int, int], tuple[float, float]], dict[tuple[int, int], np.ndarray]]:
    """RMS over networks (with SE) of the test-point RMS distance between the GP posterior mean
    with a single network's kernel K^{n,L} and ``mu_limit``; and one network's posterior mean
    per (n, L). Cell (n, L) on the stream "n=…/L=…"."""
    err, example = {}, {}
    for L in depths:
        for n in widths:
            net = networks.PreActResidual.hayou_yang(n, L, input_dim=2)
            cell = stream_seed(seed, f"n={n}/L={L}")
            rec = simulate(net, data.X, n_networks, device=device, seed=cell)
            mus = np.array(
                [
                    dl.gp_posterior(K, data.train, data.y_train, noise=noise)[0]
                    for K in record_kernels(rec)[:, -1]
                ]
            )
            per_net = np.sqrt(np.mean((mus[:, data.test] - mu_limit[data.test]) ** 2, axis=1))
            err[(n, L)] = estimators.rms_with_se(per_net)
            example[(n, L)] = mus[0]
    return err, example
