"""Tests of theory.depth_limit: the kernel ODE against closed forms and the width-first
recursion (deterministic), and against Monte Carlo over random 1/√L ResNets (fixed seeds,
tolerances of 4 standard errors computed next to each estimator)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from resprop import estimators, networks
from resprop.simulate import simulate
from resprop.theory import depth_limit as dl
from resprop.theory.kernels import feedforward_kernels

K0 = np.array([[1.0, 0.5, -0.3], [0.5, 2.0, 0.1], [-0.3, 0.1, 0.7]])
K2 = np.array([[1.0, 0.5], [0.5, 1.0]])
T = np.linspace(0.0, 1.0, 6)


# --------------------------------------------------------------------------------------------
# deterministic theory


@pytest.mark.parametrize("tau, sigma_w2", [(1.0, 1.0), (1.5, 0.7)])
def test_relu_ode_matches_closed_form(tau, sigma_w2):
    ode = dl.limiting_kernel(K0, T, branch_scale=tau, sigma_w2=sigma_w2)
    closed = dl.relu_limiting_kernel(K0, T, branch_scale=tau, sigma_w2=sigma_w2)
    assert np.abs(ode - closed).max() < 1e-9
    s = tau**2 * sigma_w2
    np.testing.assert_allclose(
        np.diagonal(ode, axis1=1, axis2=2)[-1], np.diag(K0) * math.exp(s / 2), rtol=1e-11
    )


def test_linear_ode_matches_closed_form_with_bias():
    kw = dict(branch_scale=1.3, sigma_w2=0.8, sigma_b2=0.4)
    ode = dl.limiting_kernel(K0, T, "linear", **kw)
    assert np.abs(ode - dl.linear_limiting_kernel(K0, T, **kw)).max() < 1e-9


@pytest.mark.parametrize("act", ["erf", "tanh", "relu"])
def test_ode_diagonal_matches_separable_quadrature(act):
    ode = dl.limiting_kernel(K0, T, act, branch_scale=1.2, sigma_b2=0.1)
    for a in range(3):
        quad = dl.diagonal_flow(K0[a, a], T, act, branch_scale=1.2, sigma_b2=0.1)
        assert np.abs(ode[:, a, a] - quad).max() < 1e-9


def test_width_first_relu_diagonal_is_exact_and_matches_log_form():
    for L, a in [(7, 0.5), (64, 0.25), (100, 0.75), (32, 0.0)]:
        K = dl.width_first_kernels(K2, L, branch_scale=1.1, branch_exponent=a)
        alpha2 = 1.1**2 * L ** (-2 * a)
        assert K[-1, 0, 0] == pytest.approx((1 + alpha2 / 2) ** L, rel=1e-12)
        assert math.log(K[-1, 0, 0]) == pytest.approx(
            dl.relu_log_sq_norm(1.0, L, branch_scale=1.1, branch_exponent=a), rel=1e-12, abs=1e-12
        )


@pytest.mark.parametrize("act", ["relu", "tanh"])
def test_recursion_error_halves_when_depth_doubles(act):
    Q1 = dl.limiting_kernel(K0, [1.0], act)[0]
    depths = [16, 32, 64, 128, 256]
    err = np.array([np.abs(dl.width_first_kernels(K0, L, act)[-1] - Q1).max() for L in depths])
    ratios = err[:-1] / err[1:]
    # Euler's global error is A/L + B/L², so ratio − 2 ≈ B/(A L): it shrinks by half per doubling.
    dev = np.abs(ratios - 2)
    assert np.all(dev[1:] <= 0.6 * dev[:-1] + 1e-6)
    assert dev[-1] < 0.05


def test_branch_exponent_regimes():
    explode = [dl.relu_log_sq_norm(1.0, L, branch_exponent=0.25) for L in (2**8, 2**16)]
    assert explode[1] > 10 * explode[0]
    trivial = [dl.relu_log_sq_norm(1.0, L, branch_exponent=0.75) for L in (2**8, 2**16)]
    assert trivial[1] < trivial[0] / 10
    assert dl.relu_log_sq_norm(1.0, 2**20, branch_exponent=0.5) == pytest.approx(0.5, abs=1e-6)


def test_inputs_for_kernel_and_discrepancy():
    X = dl.inputs_for_kernel(K0, sigma_in2=2.0)
    np.testing.assert_allclose(2.0 * X @ X.T / 3, K0, atol=1e-12)
    assert dl.kernel_discrepancy(K0, K0) == 0
    eps = 0.01
    assert dl.kernel_discrepancy(K0 * math.exp(eps), K0) == pytest.approx(eps, rel=1e-12)
    assert np.isinf(dl.kernel_discrepancy(np.zeros((3, 3)), K0))


def test_gp_posterior_interpolates_and_matches_direct_solve():
    theta = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    K = dl.limiting_kernel(np.cos(theta[:, None] - theta[None, :]), [1.0], rtol=1e-10)[0]
    train = np.array([0, 3, 5, 8])
    y = np.sin(theta[train])
    mean, var = dl.gp_posterior(K, train, y, noise=1e-8)
    np.testing.assert_allclose(mean[train], y, atol=1e-5)
    assert np.all(var[train] < 1e-6)
    direct = K[:, train] @ np.linalg.solve(K[np.ix_(train, train)] + 1e-8 * np.eye(4), y)
    np.testing.assert_allclose(mean, direct, atol=1e-8)


def test_statistics_helpers():
    rng = np.random.default_rng(0)
    k, se = estimators.excess_kurtosis(rng.standard_normal((400, 50)))
    assert abs(k) < 4 * se
    k, se = estimators.excess_kurtosis(rng.laplace(size=(400, 50)))
    assert abs(k - 3.0) < 4 * se
    x = np.array([1.0, 2.0, 4.0])
    s, se = estimators.loglog_slope(x, 3 * x**-0.5, np.full(3, 0.01))
    assert s == pytest.approx(-0.5) and se > 0


@pytest.mark.parametrize(
    "call",
    [
        lambda: dl.limiting_kernel([[1.0, 2.0], [2.0, 1.0]], T),
        lambda: dl.limiting_kernel(K2, [0.5, 0.2]),
        lambda: dl.limiting_kernel(K2, T, branch_scale=-1.0),
        lambda: dl.width_first_kernels(K2, 0),
        lambda: dl.relu_log_sq_norm(0.0, 4),
        lambda: dl.linear_depth_first_law(0),
        lambda: dl.gp_posterior(K2, [0, 0], [1.0, 1.0]),
        lambda: dl.preactivation_law(K2, 2),
        lambda: estimators.excess_kurtosis(np.ones(5)),
    ],
)
def test_invalid_parameters_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


# --------------------------------------------------------------------------------------------
# theory against Monte Carlo (gram sampler; exact in law)

X2 = dl.inputs_for_kernel(K2)
Q1 = dl.limiting_kernel(K2, [1.0])[0]


def _rms_error(network, ref, B, seed):
    rec = simulate(network, X2, B, seed=seed, progress=False)
    half = rec.log_sq_norm[:, -1] / 2
    K = np.exp(half[:, :, None] + half[:, None, :]) * rec.correlation[:, -1]
    return estimators.rms_with_se(dl.kernel_discrepancy(K, ref))


def test_monte_carlo_kernel_error_decays_like_inverse_sqrt_width():
    widths = [16, 64, 256]
    res = [
        _rms_error(networks.PreActResidual.hayou_yang(n, 32, input_dim=2), Q1, 256, i)
        for i, n in enumerate(widths)
    ]
    e, se = np.array(res).T
    slope, slope_se = estimators.loglog_slope(widths, e, se)
    assert abs(slope + 0.5) < 4 * slope_se


def test_resnet_error_is_bounded_in_depth_but_mlp_error_grows():
    n, B = 64, 256
    (r8, s8), (r128, s128) = (
        _rms_error(networks.PreActResidual.hayou_yang(n, L, input_dim=2), Q1, B, 10 + L)
        for L in (8, 128)
    )
    ratio = r128 / r8
    ratio_se = ratio * math.hypot(s8 / r8, s128 / r128)
    assert abs(ratio - 1) < 4 * ratio_se
    (m8, t8), (m128, t128) = (
        _rms_error(
            networks.FeedForward(n, L, input_dim=2, sigma_w2=2.0),
            feedforward_kernels(K2, L, sigma_w2=2.0)[-1],
            B,
            20 + L,
        )
        for L in (8, 128)
    )
    mlp_ratio = m128 / m8
    mlp_se = mlp_ratio * math.hypot(t8 / m8, t128 / m128)
    assert mlp_ratio - 1 > 4 * mlp_se


def test_mean_kernel_matches_ode():
    n, L, B = 512, 64, 256
    rec = simulate(
        networks.PreActResidual.hayou_yang(n, L, input_dim=2), X2, B, seed=3, progress=False
    )
    half = rec.log_sq_norm / 2
    K = np.exp(half[..., :, None] + half[..., None, :]) * rec.correlation
    Q = dl.limiting_kernel(K2, dl.time_grid(L))
    gap = np.abs(dl.width_first_kernels(K2, L) - Q)  # the deterministic O(1/L) Euler gap
    se = K.std(0, ddof=1) / math.sqrt(B)
    for t in (L // 4, L // 2, L):
        assert np.all(np.abs(K[:, t].mean(0) - Q[t]) <= 4 * se[t] + gap[t])


def test_linear_depth_first_law_matches_deep_linear_networks():
    n, L, B = 16, 256, 2000
    net = networks.PreActResidual.hayou_yang(n, L, input_dim=1, activation="linear")
    rec = simulate(net, dl.inputs_for_kernel([[1.0]]), B, seed=5, progress=False)
    v = rec.log_sq_norm[:, -1, 0] - rec.log_sq_norm[:, 0, 0]
    law = dl.linear_depth_first_law(n)
    assert abs(v.mean() - law.mean()) < 4 * v.std(ddof=1) / math.sqrt(B)
    var_se = v.var(ddof=1) * math.sqrt(2 / (B - 1))  # Gaussian sample variance
    assert abs(v.var(ddof=1) - law.var()) < 4 * var_se


def _dense_neurons(n, L, B, seed):
    """Last-layer pre-activations of B dense 1/√L ResNets (one input), shape (B, n)."""
    g = torch.Generator().manual_seed(seed)
    h = torch.randn(B, 1, n, generator=g, dtype=torch.float64)  # h⁰ = W_in x, q0 = 1
    for _ in range(L):
        w = torch.randn(B, n, n, generator=g, dtype=torch.float64) / math.sqrt(n * L)
        h = h + torch.relu(h) @ w
    return h[:, 0].numpy()


def test_preactivations_gaussianise_with_width_not_depth():
    B = 1500
    k = {
        (n, L): estimators.excess_kurtosis(_dense_neurons(n, L, B, 100 * n + L))
        for n in (16, 64)
        for L in (4, 16)
    }
    for L in (4, 16):
        (k16, s16), (k64, s64) = k[(16, L)], k[(64, L)]
        assert k16 - k64 > 4 * math.hypot(s16, s64)  # shrinks with width
    (ka, sa), (kb, sb) = k[(16, 4)], k[(16, 16)]
    assert abs(ka - kb) < 4 * math.hypot(sa, sb)  # not with depth


# --------------------------------------------------------------------------------------------
# growth exponent of the branch-scaled recursion, and Euler's error against the ODE


@pytest.mark.parametrize("a", [0.25, 0.5, 0.75])
def test_relu_growth_exponent_from_the_closed_form_and_its_limit(a):
    lo, hi = 16, 256
    direct = math.log(
        dl.relu_log_sq_norm(1.0, hi, branch_exponent=a)
        / dl.relu_log_sq_norm(1.0, lo, branch_exponent=a)
    ) / math.log(hi / lo)
    assert dl.relu_growth_exponent(a, lo, hi) == direct
    # ℓ(L) = L ln(1 + L^(−2a)/2) = ½L^(1−2a)(1 − ¼L^(−2a) + …): the exponent → 1 − 2a
    assert dl.relu_growth_exponent(a, 2**20, 2**24) == pytest.approx(1 - 2 * a, abs=2e-3)
    with pytest.raises(ValueError, match="depth_hi"):
        dl.relu_growth_exponent(a, 64, 16)


@pytest.mark.parametrize("act", ["relu", "tanh"])
def test_euler_errors_fall_like_one_over_depth(act):
    e = dl.euler_errors(K2, [16, 32, 64, 128], act)
    assert set(e.kernels) == {16, 32, 64, 128}
    np.testing.assert_array_equal(e.kernels[32], dl.width_first_kernels(K2, 32, act)[-1])
    assert np.all(np.diff(e.errors) < 0)
    assert e.local_slopes[-1] == pytest.approx(-1.0, abs=0.05)  # global order of Euler
    with pytest.raises(ValueError, match="depths"):
        dl.euler_errors(K2, [32, 16])
