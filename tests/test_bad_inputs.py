"""A battery of bad inputs across the public API: each must raise a clear error.

Every case calls one public function with one bad argument (the others valid) and must raise
``ValueError`` or ``TypeError`` whose message names the bad parameter. The cases are
classified as

* ``clear``: ValueError/TypeError naming the parameter (the goal);
* ``unclear``: ValueError/TypeError whose message does not name it;
* ``confusing``: any other exception (from deep inside NumPy, SciPy or torch);
* ``silent``: no exception (an invalid value accepted, or a NaN/inf returned).

``test_battery_summary`` prints the counts. Cases in files owned by others (``simulate.py``,
``networks.py``: the engine; ``claims.py``) that fail are marked ``xfail`` with the reason.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch

from resprop import activations, estimators, gaussian, networks
from resprop import training as tr
from resprop.simulate import simulate
from resprop.theory import depth_limit as dl
from resprop.theory import field_theory as ft
from resprop.theory import kernels as kn
from resprop.theory import log_gaussian as lg
from resprop.theory import mean_field as mf
from resprop.theory import synthesis as sy

NAN, INF = math.nan, math.inf
K2 = np.array([[1.0, 0.5], [0.5, 1.0]])
NOT_PSD = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])  # |c| ≤ 1, λ_min < 0
BAD_KERNELS = [
    NOT_PSD,
    np.array([[1.0, 2.0], [2.0, 1.0]]),  # |c| > 1
    np.array([[1.0, 0.5], [0.4, 1.0]]),  # not symmetric
    np.array([[1.0, NAN], [NAN, 1.0]]),
    np.array([[-1.0, 0.0], [0.0, 1.0]]),  # negative variance
    np.ones((2, 3)),
    "K",
]
BAD_VARIANCES = [-1.0, NAN, INF, "1.0", None]
BAD_COUNTS = [0, -2, 2.5, True, "3", None]
BAD_REALS = [NAN, INF, "x", None]
BAD_NAMES = ["sigmoid", 3, None]


@dataclass(frozen=True)
class Case:
    label: str
    call: Callable[[], Any]
    param: str
    owner: str = "harden"  # whose file would need the fix


CASES: list[Case] = []


def bad(fn, args: tuple, kwargs: dict, param: str | int, values, *, name=None, owner="harden"):
    """Cases calling fn(*args, **kwargs) with ``param`` (keyword, or positional index) replaced."""
    pname = name or param
    for v in values:
        a, k = list(args), dict(kwargs)
        if isinstance(param, int):
            a[param] = v
        else:
            k[param] = v
        label = f"{getattr(fn, '__qualname__', fn)}:{pname}={v!r}"[:120]
        CASES.append(Case(label, functools.partial(fn, *a, **k), pname, owner))


# ---- activations -----------------------------------------------------------------------------
bad(activations.get_activation, ("relu",), {}, 0, ["sigmoid", "", 3, None, 1.5], name="activation")
bad(activations.get_activation, ("alpha_relu",), {}, "alpha", [0.0, -1.0, NAN, INF, "0.5", True])
bad(activations.get_activation, ("tanh",), {}, "alpha", [0.5])
bad(activations.Activation, ("relu",), {}, 0, [None, 2], name="activation")

# ---- gaussian ----------------------------------------------------------------------------------
for act, kw in [("relu", {}), ("tanh", {}), ("erf", {}), ("alpha_relu", {"alpha": 0.7})]:
    bad(gaussian.variance_map, (act, 1.0), kw, 1, [-1.0, NAN, INF, "1", [1.0, NAN]], name="q")
    bad(gaussian.pair_expectation, (act, 1.0, 1.0, 0.5), kw, 1, [-1.0, NAN], name="q1")
    bad(gaussian.pair_expectation, (act, 1.0, 1.0, 0.5), kw, 2, [-0.5, INF], name="q2")
    bad(gaussian.pair_expectation, (act, 1.0, 1.0, 0.5), kw, 3, [1.5, -1.01, NAN], name="c")
    bad(gaussian.kernel_map, (act, K2), kw, 1, BAD_KERNELS, name="K")
bad(gaussian.variance_map, ("relu", 1.0), {}, "method", ["exact", None])
bad(gaussian.variance_map, ("tanh", 1.0), {}, "method", ["closed_form"])
bad(gaussian.variance_map, ("relu", 1.0), {}, "derivative", ["yes", None])
bad(gaussian.variance_map, ("relu", 1.0), {}, 0, BAD_NAMES, name="activation")
bad(gaussian.pair_expectation, ("relu", [1.0, 2.0], [1.0, 2.0, 3.0], 0.5), {}, "c", [0.5])
bad(gaussian.kernel_map, ("relu", K2), {}, "derivative", ["no"])
bad(gaussian.kernel_map, ("relu", K2), {}, "alpha", [0.5])
bad(gaussian.alpha_relu_kernel, (0.5, 1.0), {}, 0, [1.2, NAN, "c"], name="c")
bad(gaussian.alpha_relu_kernel, (0.5, 1.0), {}, 1, [-1.0, -2.0, NAN], name="alpha")
bad(gaussian.alpha_relu_kernel, (0.5, -0.7), {}, "normalize", [True], name="alpha")
bad(gaussian.alpha_relu_kernel, (0.5, 0.7), {}, "normalize", ["yes", None])
bad(gaussian.alpha_relu_kernel_derivative, (0.5, 1.0), {}, 1, [0.0, -0.5, NAN], name="alpha")
bad(gaussian.alpha_relu_kernel_derivative, (0.5, 1.0), {}, 0, [2.0], name="c")
bad(gaussian.alpha_relu_variance_constant, (1.0,), {}, 0, [-1.0, NAN, "a"], name="alpha")
bad(gaussian.alpha_relu_kernel_bessel, (0.5, 1.0), {}, 0, [1.5], name="c")
bad(gaussian.alpha_relu_kernel_bessel, (0.5, 1.0), {}, 1, [-1.5], name="alpha")

# ---- estimators --------------------------------------------------------------------------------
X = np.random.default_rng(0).normal(size=20)
for fn in (estimators.mean_se, estimators.variance_se, estimators.log_mean_exp):
    bad(fn, (X,), {}, 0, [[1.0], np.r_[X, NAN], np.r_[X, INF], "abc", [None, 1.0]], name="samples")
    bad(fn, (X,), {}, "axis", [3, 1.5, "0"])
bad(estimators.variance_se, (X,), {}, 0, [[1.0, 2.0, 3.0]], name="samples")
bad(estimators.rms_with_se, (X,), {}, 0, [[1.0], np.r_[X, NAN], np.r_[X, INF]], name="errors")
Z = np.random.default_rng(1).normal(size=(10, 5))
bad(
    estimators.excess_kurtosis,
    (Z,),
    {},
    0,
    [np.ones(5), np.zeros((4, 3)), np.r_[Z, [[NAN] * 5]], np.ones((1, 5)), "z"],
    name="samples",
)
bad(estimators.excess_kurtosis, (Z,), {}, "axis", [1, 5, "0"])
xs, ys = np.array([1.0, 2.0, 4.0]), np.array([3.0, 2.0, 1.0])
ses = np.full(3, 0.1)
bad(estimators.loglog_slope, (xs, ys, ses), {}, 0, [[1.0, 2.0, NAN], [0.0, 1.0, 2.0]], name="x")
bad(estimators.loglog_slope, (xs, ys, ses), {}, 1, [[1.0, NAN, 1.0], [-1.0, 1.0, 1.0]], name="y")
bad(estimators.loglog_slope, (xs, ys, ses), {}, 2, [[0.1, 0.0, 0.1], [0.1, NAN, 0.1]], name="se")
bad(estimators.loglog_slope, (xs, ys, ses), {}, 0, [[1.0, 1.0, 1.0]], name="x")
layers = np.arange(11)
bad(estimators.fit_slope, (layers, layers * 1.0), {"window": (1, 10)}, "window", [(1,), (8, 2)])
bad(estimators.fit_slope, (layers, layers * 1.0), {"window": (1, 10)}, "window", [(NAN, 5)])
bad(estimators.fit_slope, (layers, layers * 1.0), {"window": (1, 10)}, "x_scale", ["cube", 2])
bad(estimators.fit_slope, (layers, layers * 1.0), {"window": (1, 10)}, 1, [np.ones(5)], name="y")
bad(
    estimators.fit_slope,
    (layers, np.r_[layers[:-1], NAN]),
    {"window": (1, 10)},
    1,
    [np.r_[layers[:-1], NAN]],
    name="y",
)
bad(
    estimators.fit_slope,
    (layers, layers * 1.0),
    {"window": (1, 10)},
    0,
    [np.r_[layers[:-1], NAN]],
    name="layers",
)
S = np.abs(np.random.default_rng(2).normal(size=(6, 11))) + 1
bad(estimators.fit_slope_of_mean, (layers, S), {"window": (1, 10)}, "n_boot", [1, 2.5])
bad(estimators.fit_slope_of_mean, (layers, S), {"window": (1, 10)}, "y_transform", ["sqrt"])
bad(estimators.fit_slope_of_mean, (layers, S), {"window": (1, 10)}, "seed", [-1])
bad(
    estimators.fit_slope_of_mean,
    (layers, S),
    {"window": (1, 10)},
    1,
    [S[:1], S * NAN],
    name="samples",
)
ns, yv, sv = np.array([16.0, 32.0, 64.0]), np.array([1.0, 1.1, 1.2]), np.full(3, 0.05)
bad(
    estimators.extrapolate_inverse_n,
    (ns, yv, sv),
    {},
    0,
    [[0.0, 1.0, 2.0], [16, 32, NAN]],
    name="n",
)
bad(estimators.extrapolate_inverse_n, (ns, yv, sv), {}, 1, [[1.0, NAN, 1.0], [1.0, 2.0]], name="y")
bad(
    estimators.extrapolate_inverse_n,
    (ns, yv, sv),
    {},
    2,
    [[0.1, 0.0, 0.1], [0.1, -1, 0.1]],
    name="se",
)
bad(estimators.extrapolate_inverse_n, (ns, yv, sv), {}, "order", [-1, 1.5, 3, True])
bad(
    estimators.extrapolate_inverse_n,
    ([16.0, 16.0, 16.0], yv, sv),
    {},
    0,
    [[16.0, 16.0, 16.0]],
    name="n",
)

# ---- theory.kernels ----------------------------------------------------------------------------
for fn in (kn.feedforward_kernels, kn.reduced_residual_kernels, kn.preact_residual_kernels):
    bad(fn, (K2, 3), {}, 0, BAD_KERNELS, name="K0")
    bad(fn, (K2, 3), {}, 1, BAD_COUNTS, name="depth")
    bad(fn, (K2, 3), {}, "sigma_w2", BAD_VARIANCES)
    bad(fn, (K2, 3), {}, "sigma_b2", [-0.1, NAN])
    bad(fn, (K2, 3), {}, "activation", BAD_NAMES)
bad(kn.full_residual_kernels, (K2, 3), {}, "sigma_v2", [-1.0, NAN, "2"])
bad(kn.full_residual_kernels, (K2, 3), {}, "sigma_a2", [-1.0, INF])
bad(kn.full_residual_kernels, (K2, 3), {}, 0, BAD_KERNELS[:3], name="K0")
bad(kn.preact_residual_kernels, (K2, 3), {}, "branch_scale", [NAN, "1"])
bad(kn.feedforward_kernels, (K2, 2000), {"sigma_w2": 50.0}, 1, [2000], name="depth")  # overflow

# ---- theory.mean_field -------------------------------------------------------------------------
bad(mf.mean_field, ("reduced", 3), {}, 0, ["resnet", None], name="architecture")
bad(mf.mean_field, ("reduced", 3), {}, 1, BAD_COUNTS, name="depth")
bad(mf.mean_field, ("reduced", 3), {}, "activation", BAD_NAMES)
for p in ("sigma_w2", "sigma_b2", "sigma_v2", "sigma_a2"):
    bad(mf.mean_field, ("full", 3), {}, p, [-1.0, NAN, [1.0, NAN], "1"])
bad(mf.mean_field, ("reduced", 3), {}, "p0", [0.0, -1.0, NAN])
bad(mf.mean_field, ("reduced", 3), {}, "e0", [1.5, -1.5, NAN])
bad(mf.mean_field, ("reduced", 3), {}, "cosine", ["no"])
bad(mf.mean_field, ("reduced", 3), {"sigma_w2": [1.0, 2.0]}, "sigma_b2", [[0.0, 0.1, 0.2]])
bad(mf.asymptotic_laws, ("reduced", "tanh"), {}, 0, ["resnet"], name="architecture")
bad(mf.asymptotic_laws, ("reduced", "tanh"), {}, 1, ["erf", "sigmoid"], name="activation")
bad(mf.asymptotic_laws, ("reduced", "tanh"), {}, "sigma_w2", [-1.0, NAN])
bad(mf.asymptotic_laws, ("reduced", "alpha_relu"), {"alpha": 0.7}, "alpha", [1.5])
bad(mf.tanh_cosine_fixed_point, (1.0, 0.1), {}, 0, [-1.0, NAN, 0.0], name="sigma2")
bad(mf.tanh_cosine_fixed_point, (1.0, 0.1), {}, 1, [-1.0, NAN], name="sigma02")
bad(mf.alpha_relu_cosine_fixed_point, (0.7,), {}, 0, [1.2, 0.0, NAN], name="alpha")
bad(mf.alpha_relu_expansion_coefficient, (0.7,), {}, 0, [-2.0, NAN], name="alpha")
bad(gaussian.alpha_relu_kernel_recurrence, (0.5, 1.5), {}, 0, [1.5, NAN], name="c")
bad(gaussian.alpha_relu_kernel_recurrence, (0.5, 1.5), {}, 1, [1.0, NAN], name="alpha")
bad(gaussian.alpha_relu_kernel_hypergeometric, (0.5, 0.7), {}, 0, [1.5, NAN], name="c")
bad(mf.feedforward_length_fixed_point, ("tanh",), {}, "sigma_w2", [-1.0, NAN])
bad(mf.feedforward_length_fixed_point, ("tanh",), {}, "sigma_b2", [-1.0, INF])

# ---- theory.log_gaussian -----------------------------------------------------------------------
for fn in (lg.growth, lg.correlation_per_block, lg.mu, lg.s2, lg.noise_variance, lg.kappa_sum):
    bad(fn, (2.0,), {}, 0, [0.0, -1.0, NAN, INF, "2"], name="c")
bad(lg.theta_K, (2.0,), {}, 0, [-1.0, NAN], name="c")
bad(lg.theta_K, (2.0,), {}, "layer", [-1, 1.5])
bad(lg.theta_E, (2.0,), {}, "layer", [-1])
bad(lg.kappa, (0.5,), {}, 0, [1.5, -1.5, NAN], name="t")
bad(lg.h_sign_moment, (0.5,), {}, 0, [2.0, NAN], name="t")
bad(lg.second_moment_exponent, (2.0,), {}, "model", ["resnet", None])
bad(lg.balanced_constants, (2.0,), {}, "variant", ["other"])
bad(lg.same_sign_probability, (2.0, 1), {}, 1, [-1, 1.5], name="lag")
bad(lg.increment_autocovariance, (2.0, 1), {}, 1, [-1, NAN], name="lag")
bad(lg.log_norm_moments, (2.0, 16, 8), {}, 1, BAD_COUNTS, name="width")
bad(lg.log_norm_moments, (2.0, 16, 8), {}, 2, [0, 2.5], name="depth")
bad(lg.log_norm_moments, (2.0, 16, 8), {}, "model", ["x"])
bad(lg.crelu_exact_moments, (2.0, 16, 8), {}, 1, [0, 2.5], name="width")
bad(lg.fc_exact_moments, (16, 8), {}, "sigma_w2", [-2.0, NAN])
bad(lg.fc_exact_moments, (16, 8), {}, 0, [0], name="width")
bad(lg.output_law, (0.0, 1.0), {}, 1, [-1.0, NAN], name="var_log")
bad(lg.output_law, (0.0, 1.0), {}, 0, [NAN, INF], name="mean_log")
bad(lg.predict, (2.0, 16, 8), {}, 0, [-2.0], name="c")

# ---- theory.depth_limit ------------------------------------------------------------------------
bad(dl.time_grid, (4,), {}, 0, [0, 2.5], name="depth")
bad(dl.inputs_for_kernel, (K2,), {}, 0, BAD_KERNELS[:4], name="K0")
bad(dl.inputs_for_kernel, (K2,), {}, "sigma_in2", [0.0, NAN])
bad(dl.branch_multiplier, (4,), {}, "branch_scale", [-1.0, NAN])
bad(dl.branch_multiplier, (4,), {}, "branch_exponent", [NAN, "a"])
bad(dl.width_first_kernels, (K2, 4), {}, 0, BAD_KERNELS[:4], name="K0")
bad(dl.width_first_kernels, (K2, 4), {}, "branch_scale", [-1.0, NAN])
bad(dl.width_first_kernels, (K2, 4), {}, "sigma_w2", [-1.0])
bad(dl.limiting_kernel, (K2, [0.0, 1.0]), {}, 0, BAD_KERNELS[:4], name="K0")
bad(dl.limiting_kernel, (K2, [0.0, 1.0]), {}, 1, [[1.0, 0.5], [-1.0], [NAN]], name="t")
bad(dl.limiting_kernel, (K2, [0.0, 1.0]), {}, "sigma_b2", [-1.0])
bad(dl.limiting_kernel, (K2, [0.0, 1.0]), {}, "rtol", [0.0, NAN])
bad(dl.relu_log_sq_norm, (1.0, 4), {}, 0, [0.0, -1.0, NAN], name="q0")
bad(dl.relu_correlation_map, (0.5,), {}, 0, [1.5, NAN], name="c")
bad(dl.relu_limiting_kernel, (K2, [0.0, 1.0]), {}, 0, [NOT_PSD], name="K0")
bad(dl.linear_limiting_kernel, (K2, [0.0, 1.0]), {}, "branch_scale", [-1.0])
bad(dl.diagonal_flow, (1.0, [0.0, 1.0]), {}, 0, [-1.0, NAN], name="q0")
bad(dl.linear_depth_first_law, (4,), {}, 0, [0, 2.5], name="width")
bad(dl.preactivation_law, (K2,), {}, "index", [2, -3, 1.5])
bad(dl.kernel_discrepancy, (K2, K2), {}, 1, [np.ones((3, 3)), np.zeros((2, 2))], name="K_ref")
bad(dl.kernel_discrepancy, (K2, K2), {}, 0, [np.ones(3)], name="K")
bad(dl.gp_posterior, (K2, [0], [1.0]), {}, 1, [[0, 0], [5]], name="train")
bad(dl.gp_posterior, (K2, [0], [1.0]), {}, "noise", [-1.0, NAN])
bad(dl.gp_posterior, (K2, [0], [1.0]), {}, 0, [NOT_PSD], name="K")

# ---- theory.field_theory -----------------------------------------------------------------------
bad(ft.mean_kernels, (K2, 3, 0.5), {}, 0, BAD_KERNELS[:5], name="K0")
bad(ft.mean_kernels, (K2, 3, 0.5), {}, 1, [0, 2.5], name="depth")
bad(ft.mean_kernels, (K2, 3, 0.5), {}, 2, [-1.0, NAN], name="branch_scale")
bad(ft.mean_kernels, (K2, 3, 0.5), {}, "form", ["post"])
bad(ft.response, (K2, 3, 0.5), {}, "kind", ["other"])
bad(ft.response, (K2, 3, 0.5), {}, 2, [[0.5, NAN]], name="branch_scale")
bad(ft.optimal_scale, (K2, 3), {}, "sigma_out2", [-1.0])
bad(ft.near_optimal_range, (K2, 3), {}, "fraction", [1.5, -0.1, NAN])
bad(ft.continuum_response, (1.0, K2), {}, 0, [NAN, -1.0], name="x")
bad(ft.optimal_continuum, (K2,), {}, "bounds", [(10.0, 1.0), (0.0, 1.0)])
bad(ft.tangent_kernels, (K2, 3, 0.5), {}, "nodes", [0, 2.5])
bad(ft.finite_size, (K2, 3, 0.5), {}, "n_tangents", [-1])
bad(ft.finite_size, (K2, 3, 0.5), {}, 0, [NOT_PSD], name="K0")
bad(ft.response_finite_size, (K2, 3, 0.5), {}, "rel_step", [0.0, NAN])

# ---- theory.synthesis --------------------------------------------------------------------------
bad(
    sy.branch_variance,
    (4,),
    {"branch_scale": 1.0, "branch_exponent": 0.5, "sigma_w2": 2.0},
    "sigma_w2",
    [-1.0, NAN],
)
bad(sy.kernel_predictions, (K2, 4), {}, 0, [NOT_PSD], name="K0")
bad(sy.kernel_predictions, (K2, 4), {}, "branch_scale", [0.0, NAN])
bad(sy.correlation, (K2,), {}, 0, [np.eye(1), NOT_PSD], name="K")
bad(sy.log_norm_predictions, (16, 8), {}, 0, [0, 2.5], name="width")
bad(sy.log_norm_predictions, (16, 8), {}, "activation", ["sigmoid"])
bad(sy.critical_variance, (1.0,), {}, 0, [-1.0, NAN], name="total")
bad(sy.wasserstein_gaussian, (0.0, 1.0, 0.0, 1.0), {}, 1, [-1.0, NAN], name="var1")
bad(sy.wasserstein_gaussian, (0.0, 1.0, 0.0, 1.0), {}, 2, [NAN], name="mean2")
PRED = {"mean field": (0.0, 1.0), "log-Gaussian": (0.1, 1.2)}
bad(sy.best_theory, (0.0, 1.0, PRED), {"threshold": 0.5}, 0, [NAN, INF], name="mean")
bad(sy.best_theory, (0.0, 1.0, PRED), {"threshold": 0.5}, 1, [NAN, -1.0], name="var")
bad(sy.best_theory, (0.0, 1.0, PRED), {"threshold": 0.5}, "threshold", [NAN, -1.0])
bad(
    sy.best_theory,
    (0.0, 1.0, PRED),
    {"threshold": 0.5},
    2,
    [{"x": (NAN, 1.0)}, {}],
    name="predictions",
)

# ---- training (validation only) ----------------------------------------------------------------
bad(tr.load_dataset, ("digits",), {}, 0, ["cifar", None], name="name")
bad(tr.load_dataset, ("digits",), {}, "n_test", [1797, 1796, 5000, 0, 2.5])
bad(tr.load_dataset, ("digits",), {}, "n_train", [0, -1])
bad(tr.load_dataset, ("digits",), {}, "seed", [-1, 1.5])

# ---- networks constructors (engine's files) ----------------------------------------------------
FAMILIES = {
    "FeedForward": networks.FeedForward,
    "ReducedResidual": networks.ReducedResidual,
    "FullResidual": networks.FullResidual,
    "PreActResidual": networks.PreActResidual,
    "BalancedResidual": networks.BalancedResidual,
}
for fam in FAMILIES.values():
    bad(fam, (8, 3), {}, 0, BAD_COUNTS, name="width", owner="engine")
    bad(fam, (8, 3), {}, 1, [0, 2.5, None], name="depth", owner="engine")
    bad(fam, (8, 3), {}, "sigma_in2", [-1.0, NAN], owner="engine")
    bad(fam, (8, 3), {}, "sigma_out2", [INF], owner="engine")
    bad(fam, (8, 3), {}, "input_dim", [0, 1.5], owner="engine")
    bad(fam, (8, 3), {}, "output_dim", [0], owner="engine")
for fam in list(FAMILIES.values())[:4]:
    bad(fam, (8, 3), {}, "activation", ["sigmoid", 7], owner="engine")
    bad(fam, (8, 3), {"activation": "alpha_relu"}, "alpha", [-0.5, NAN, "a"], owner="engine")
    bad(fam, (8, 3), {}, "sigma_w2", BAD_VARIANCES, owner="engine")
    bad(fam, (8, 3), {}, "sigma_b2", [-1.0], owner="engine")
bad(networks.FullResidual, (8, 3), {}, "sigma_v2", [-1.0, NAN], owner="engine")
bad(networks.FullResidual, (8, 3), {}, "sigma_a2", [-1.0], owner="engine")
bad(networks.PreActResidual, (8, 3), {}, "branch_scale", [-1.0, NAN, "1"], owner="engine")
bad(networks.PreActResidual, (8, 3), {}, "branch_exponent", [NAN], owner="engine")
bad(networks.BalancedResidual, (8, 3), {}, "c", [-1.0, NAN], owner="engine")
bad(networks.BalancedResidual, (8, 3), {}, "variant", ["other", 3], owner="engine")
bad(networks.BalancedResidual, (8, 3), {}, "activation", ["tanh"], owner="engine")

# ---- simulate arguments (engine's file) --------------------------------------------------------
NET = networks.ReducedResidual(4, 2, input_dim=2)
U = np.array([[1.0, 0.0], [0.0, 1.0]])
SIM = {"device": "cpu", "progress": False}
bad(simulate, (NET, U, 3), SIM, 0, ["net", None], name="network", owner="engine")
bad(
    simulate,
    (NET, U, 3),
    SIM,
    1,
    [np.ones(3), np.ones((2, 3)), np.full((2, 2), NAN), np.full((2, 2), INF), "u"],
    name="inputs",
    owner="engine",
)
bad(simulate, (NET, U, 3), SIM, 2, [0, -1, 2.5, None], name="n_networks", owner="engine")
bad(simulate, (NET, U, 3), SIM, "sampler", ["exact", None], owner="engine")
bad(simulate, (NET, U, 3), SIM, "device", ["tpu", 3], owner="engine")
bad(simulate, (NET, U, 3), SIM, "dtype", [torch.int32, "float64"], owner="engine")
bad(simulate, (NET, U, 3), SIM, "seed", [-1, 1.5], owner="engine")
bad(simulate, (NET, U, 3), SIM, "n_tangents", [-1], owner="engine")
bad(simulate, (NET, U, 3), SIM, "same_sign_lags", [(0,), (1.5,), 3], owner="engine")
bad(simulate, (NET, U, 3), SIM, "chunk_size", [0, 1.5], owner="engine")
bad(simulate, (NET, U, 3), SIM, "memory_budget", [0, -5], owner="engine")


# ---- classification ----------------------------------------------------------------------------


def _nonfinite(out: Any) -> bool:
    try:
        arr = np.asarray(out, dtype=float)
    except (TypeError, ValueError):
        return False
    return not np.all(np.isfinite(arr))


@functools.cache
def classify(index: int) -> tuple[str, str]:
    """(kind, detail) for case ``index``: clear, unclear, confusing, silent or silent-nonfinite."""
    case = CASES[index]
    try:
        out = case.call()
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        return ("clear" if case.param in msg else "unclear"), f"{type(exc).__name__}: {msg}"
    except Exception as exc:  # noqa: BLE001 - the point is to catch anything else
        return "confusing", f"{type(exc).__name__}: {exc}"
    return ("silent-nonfinite" if _nonfinite(out) else "silent"), repr(out)[:80]


# Cases that do not give a clear error yet, with the reason (none at present).
KNOWN: dict[str, str] = {}


def _marks(i: int, case: Case):
    reason = KNOWN.get(case.label)
    return [pytest.mark.xfail(reason=reason, strict=True)] if reason else []


@pytest.mark.parametrize(
    "index",
    [pytest.param(i, id=c.label, marks=_marks(i, c)) for i, c in enumerate(CASES)],
)
def test_bad_input_raises_a_clear_error(index):
    kind, detail = classify(index)
    assert kind == "clear", f"{CASES[index].label}: {kind}: {detail}"


def test_battery_summary(capsys):
    """At least 300 cases; ≤ 5 not clear; none silently non-finite."""
    kinds = Counter(classify(i)[0] for i in range(len(CASES)))
    bad_cases = [(c.owner, c.label, *classify(i)) for i, c in enumerate(CASES)]
    bad_cases = [b for b in bad_cases if b[2] != "clear"]
    with capsys.disabled():
        print(f"\nbad-input battery: {len(CASES)} cases, {dict(kinds)}")
        for owner, label, kind, detail in bad_cases:
            print(f"  [{owner}] {kind}: {label} -> {detail[:100]}")
    assert len(CASES) >= 300
    assert kinds["silent-nonfinite"] == 0
    assert len(bad_cases) <= 5
