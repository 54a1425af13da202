"""Tests of theory/synthesis.py: two routes to each constant, and the map against simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from resprop import estimators
from resprop.networks import PreActResidual
from resprop.simulate import simulate
from resprop.theory import depth_limit, log_gaussian, synthesis


def test_branch_variance_maps_onto_lnr21_c():
    # c = τ²σ_w²L^(−2a) (branch multiplier τ L^(−a)): at a = ½, c L = τ²σ_w²
    assert synthesis.branch_variance(64, branch_scale=1.0, branch_exponent=0.5, sigma_w2=2.0) == (
        pytest.approx(2.0 / 64, rel=1e-15)
    )
    with pytest.raises(ValueError, match="depth"):
        synthesis.branch_variance(0, branch_scale=1.0, branch_exponent=0.5, sigma_w2=2.0)
    with pytest.raises(ValueError, match="sigma_w2"):
        synthesis.branch_variance(4, branch_scale=1.0, branch_exponent=0.5, sigma_w2=-1.0)


@pytest.mark.parametrize("a", [0.0, 0.5, 1.0])
def test_deterministic_predictions_match_closed_forms(a):
    # mean field (kernel recursion) vs depth_limit's closed form L ln(1 + c/2);
    # ODE (DOP853) vs the ReLU flow's closed form ln Q_1 = τ²L^(1−2a)σ_w²/2
    n, L = 64, 32
    p = synthesis.log_norm_predictions(n, L, branch_exponent=a, sigma_w2=2.0)
    closed = depth_limit.relu_log_sq_norm(1.0, L, sigma_w2=2.0, branch_exponent=a)
    assert p["mean field"][0] == pytest.approx(closed, rel=1e-12)
    assert p["ODE limit"][0] == pytest.approx(L ** (1 - 2 * a), rel=1e-9)
    assert p["mean field"][1] == p["ODE limit"][1] == 0.0


def test_small_c_slope_matches_lag_series():
    # quadrature of κ(t)/t against the lag series s²(c)/c, Richardson-extrapolated in c
    # (s²(c)/c = slope + O(c)); the extrapolation leaves O(c²) ~ 1e-8.
    c = 1e-3
    extrapolated = 2 * log_gaussian.s2(c / 2) / (c / 2) - log_gaussian.s2(c) / c
    assert synthesis.small_c_slope() == pytest.approx(extrapolated, abs=1e-5)


def test_critical_variance_is_limit_of_finite_depth_sum():
    # n·Var at a = ½ from the finite-depth lag sum (c = C/L) → critical_variance(C) with an
    # O(1/L) error; Richardson in L removes it to O(1/L²).
    C = 2.0
    f = [log_gaussian.log_norm_moments(C / L, 1, L)[1] for L in (2048, 4096)]
    assert synthesis.critical_variance(C) == pytest.approx(2 * f[1] - f[0], abs=1e-4)


def test_variance_se_gaussian():
    # for Gaussian samples m₄ = 3σ⁴, so the delta-method SE → σ²√(2/B); m₄'s own relative
    # error is ~√(96/B) ≈ 0.7 % here, so 5 % is > 4 SE of the SE
    x = np.random.default_rng(0).normal(0.0, 2.0, 200_000)
    v, se = estimators.variance_se(x)
    assert se == pytest.approx(v * math.sqrt(2 / x.size), rel=0.05)
    with pytest.raises(ValueError, match="samples"):
        estimators.variance_se([1.0, 2.0])


def test_best_theory_and_none():
    pred = {"x": (0.0, 0.0), "y": (1.0, 1.0)}
    assert synthesis.best_theory(1.0, 1.0, pred, threshold=0.1)[0] == "y"
    assert synthesis.best_theory(5.0, 1.0, pred, threshold=0.1)[0] == "none"
    with pytest.raises(ValueError, match="threshold"):
        synthesis.best_theory(0.0, 0.0, pred, threshold=0.0)


@pytest.mark.parametrize("a", [0.5, 1.0])
def test_log_gaussian_law_matches_simulation(a):
    # the simulated law of ln(q_L/q_0) of the pre-activation ResNet against the log-Gaussian
    # (mean, variance); SE of the mean s/√B, of the variance √((m₄ − s⁴)/B); 4 SE, fixed seed
    n, L, B = 64, 32, 1000
    net = PreActResidual(
        width=n, depth=L, sigma_w2=2.0, branch_scale=1.0, branch_exponent=a, input_dim=1
    )
    rec = simulate(net, np.ones((1, 1)), B, device="cpu", seed=3, progress=False)
    x = rec.log_sq_norm[:, -1, 0] - rec.log_sq_norm[:, 0, 0]
    mean, var = synthesis.log_norm_predictions(n, L, branch_exponent=a, sigma_w2=2.0)[
        "log-Gaussian"
    ]
    v, se_v = estimators.variance_se(x)
    assert abs(x.mean() - mean) <= 4 * x.std(ddof=1) / math.sqrt(B)
    assert abs(v - var) <= 4 * se_v


K_HALF = np.array([[1.0, 0.5], [0.5, 1.0]])


def test_kernel_predictions_relu_ode_matches_closed_form():
    # DOP853 on the flow (via kernel_predictions, scale τ L^(½−a)) vs the ReLU closed form
    # (quadrature + root finding) of depth_limit.relu_limiting_kernel
    L, a = 32, 0.25
    K = synthesis.kernel_predictions(K_HALF, L, "relu", branch_exponent=a, sigma_w2=2.0)[
        "ODE limit"
    ]
    closed = depth_limit.relu_limiting_kernel(
        K_HALF, [1.0], branch_scale=L ** (0.5 - a), sigma_w2=2.0
    )[-1]
    np.testing.assert_allclose(K, closed, rtol=1e-8)


def test_kernel_predictions_tanh_mean_field_tends_to_ode_at_half():
    # at a = ½ the mean-field recursion is forward Euler of the flow with step 1/L: error
    # O(1/L), so Richardson 2K(2L) − K(L) matches the ODE to O(1/L²) (~1e-5 here, ~1e-4
    # before extrapolation)
    p32, p64 = (
        synthesis.kernel_predictions(K_HALF, L, "tanh", branch_exponent=0.5, sigma_w2=2.0)
        for L in (32, 64)
    )
    extrapolated = 2 * p64["mean field"] - p32["mean field"]
    np.testing.assert_allclose(extrapolated, p64["ODE limit"], atol=2e-5)
    assert (
        abs(synthesis.correlation(p32["mean field"]) - synthesis.correlation(p64["ODE limit"]))
        > 2e-4
    )


def test_log_norm_predictions_tanh_has_no_log_gaussian():
    p = synthesis.log_norm_predictions(64, 16, branch_exponent=0.5, sigma_w2=2.0, activation="tanh")
    assert set(p) == set(synthesis.KERNEL_THEORIES)
    k = synthesis.kernel_predictions(np.ones((1, 1)), 16, "tanh", branch_exponent=0.5, sigma_w2=2.0)
    assert p["mean field"] == (pytest.approx(math.log(k["mean field"][0, 0]), rel=1e-14), 0.0)
    with pytest.raises(ValueError, match="K"):
        synthesis.correlation(np.ones((1, 1)))
    with pytest.raises(ValueError, match="depth"):
        synthesis.kernel_predictions(K_HALF, 0, "tanh")


def test_tanh_correlation_matches_mean_field_simulation():
    # measured mean final correlation of two inputs (ρ_0 = ½) against the mean-field recursion
    # at a = 0, where the ODE (depth continuum) differs; SE sd/√B, 4 SE, fixed seed
    n, L, B = 64, 16, 1000
    net = PreActResidual(
        width=n,
        depth=L,
        activation="tanh",
        sigma_w2=2.0,
        branch_scale=1.0,
        branch_exponent=0.0,
        input_dim=2,
    )
    u = math.sqrt(2) * np.linalg.cholesky(K_HALF)
    rec = simulate(net, u, B, device="cpu", seed=5, progress=False)
    rho, se = estimators.mean_se(rec.correlation[:, -1, 0, 1])
    th = synthesis.correlation(
        synthesis.kernel_predictions(K_HALF, L, "tanh", branch_exponent=0.0, sigma_w2=2.0)[
            "mean field"
        ]
    )
    assert abs(rho - th) <= 4 * se


@pytest.mark.parametrize("depth", [4, 12])
def test_field_theory_log_norm_variance_linear_is_exact_leading_order(depth):
    # linear φ: q_L/q_0 is a product of independent block factors ‖(I + τL^(−a) W)u‖² (rotation
    # invariance), each of N·Var ln → (4c + 2c²)/(1 + c)², and N·Var ln q_0 = 2 (independent)
    alpha2 = 1.0 / depth  # τ = 1, a = ½
    c = alpha2 * 2.0
    v = synthesis.field_theory_log_norm_variance(depth, "linear", branch_exponent=0.5, sigma_w2=2.0)
    exact = 2 + depth * (4 * c + 2 * c**2) / (1 + c) ** 2
    assert v["cavity"] == pytest.approx(exact, rel=1e-9)
    assert v["Gaussian process"] == 2.0


def test_field_theory_log_norm_variance_tanh_matches_simulation():
    # N·Var ln q_L of tanh networks (input layer h⁰ ~ N(0, 1)), extrapolated linearly in 1/n
    # from n = 64, 128, 256, against the cavity prediction; SE √((m₄ − s⁴)/B) per width,
    # propagated through the weighted fit; 4 SE; and the Gaussian-process value 2 is rejected
    L, B = 8, 6000
    th = synthesis.field_theory_log_norm_variance(L, "tanh", branch_exponent=0.5, sigma_w2=2.0)
    ns, ys, ses = [64, 128, 256], [], []
    for k, n in enumerate(ns):
        net = PreActResidual(
            width=n,
            depth=L,
            activation="tanh",
            sigma_w2=2.0,
            branch_scale=1.0,
            branch_exponent=0.5,
            input_dim=1,
        )
        rec = simulate(net, np.ones((1, 1)), B, device="cpu", seed=11 + k, progress=False)
        var, se = estimators.variance_se(rec.log_sq_norm[:, -1, 0])
        ys.append(n * var)
        ses.append(n * se)
    ext = estimators.extrapolate_inverse_n(ns, ys, ses)
    assert abs(ext.value - th["cavity"]) <= 4 * ext.se
    assert abs(th["cavity"] - th["Gaussian process"]) > 4 * ext.se
