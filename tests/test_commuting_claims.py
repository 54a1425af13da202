"""Tests of resprop.commuting_claims: the declarations of chapter 03's claims and the checks that
decide them, on small results of resprop.commuting (fixed seeds, tolerances of 4 standard
errors) and on constructed numbers whose verdict is known."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from resprop import commuting as cm
from resprop import commuting_claims as claims
from resprop import estimators, profiles
from resprop.chapter import Chapter
from resprop.theory import depth_limit as dl

K0 = np.array([[1.0, 0.5], [0.5, 1.0]])
X = dl.inputs_for_kernel(K0)
Q1 = dl.limiting_kernel(K0, [1.0])[0]


def test_sampler_errors_agree_between_gram_and_dense():
    d_gram, d_dense = cm.sampler_errors(16, 8, X, 200, Q1, seed=8, device="cpu")
    assert d_gram.shape == d_dense.shape == (200,)
    diff, se = estimators.difference_of_means(d_gram, d_dense)
    assert abs(diff) <= 4 * se
    assert claims.check_samplers(d_gram, d_dense).verdict == "reproduced"


def test_branch_sweep_and_growth_check():
    sweep = cm.branch_sweep([0.5], [16, 64], 64, X, 64, seed=9, device="cpu")
    assert set(sweep) == {(0.5, 16), (0.5, 64)}
    check = claims.check_growth(
        {**sweep, (0.5, 16): sweep[(0.5, 16)]}, 0.5, 0.25, 16, 64
    )  # a = ½: ln(q_L/q_0) → ½ at every depth, growth exponent ≈ 0
    assert check.theory == dl.relu_growth_exponent(0.5, 16, 64)
    assert abs(check.measured - check.theory) <= 4 * check.se


def test_linear_growth_variance_follows_the_log_normal_law():
    v = cm.linear_growth([8], 64, 800, seed=10, device="cpu")[8]
    check = claims.check_log_normal_variance(v, 8)
    assert check.theory == pytest.approx(0.5)  # 4/n
    assert abs(check.measured - check.theory) <= 4 * check.se + 4 / 64  # + O(1/L)


def test_checks_depth_first_three_per_activation():
    rows = np.array([[Q1[0, 0] + 0.1 / n, 0.001, Q1[0, 1], 0.001] for n in (4, 8, 16)])
    fit = estimators.power_law_exponent([4, 8, 16], rows[:, 0] - Q1[0, 0], rows[:, 1])
    lim = estimators.extrapolate_inverse_n([4, 8, 16], rows[:, 0], rows[:, 1])
    df = cm.DepthFirst("relu", (4, 8, 16), Q1, rows, fit, lim)
    checks = claims.checks_depth_first(
        {"relu": df, "tanh": df}, {"relu": {"order": (1.0, 0.1)}, "tanh": {"order": (0.5, 0.01)}}
    )
    assert len(checks) == 6
    assert [c.verdict for c in checks[:3]] == ["reproduced"] * 3  # exact 1/n law, exact limit
    assert checks[3].label == "tanh: exponent of the bias ∝ n^p"
    assert checks[5].verdict == "not reproduced"  # order ½ measured
    assert checks[1].alternative == rows[0, 0]


def test_checks_name_their_alternatives():
    c = claims.check_mean_kernel(np.full(10, Q1[0, 1]) + np.linspace(-1e-3, 1e-3, 10), K0, Q1, 1e-4)
    assert c.verdict == "reproduced"
    assert c.alternative == pytest.approx(math.sqrt(Q1[0, 0] * Q1[1, 1]) * 0.5)
    assert claims.check_euler_rate(np.array([-0.98, -0.99, -0.995])).verdict == "reproduced"
    assert claims.check_path_slope((-0.5, 0.05)).verdict == "reproduced"
    assert claims.check_path_slope((-0.5, 0.05), mlp=True).verdict == "not reproduced"
    assert claims.check_rate("p", (-0.5, 0.01), "n^(−1/2)").verdict == "not reproduced"
    assert claims.check_kurtosis_ratio((0.1, 0.01), (0.1, 0.01), 32, 256).verdict == "reproduced"


def test_declare_claims_declares_every_claim_of_the_chapter(tmp_path):
    ch = Chapter("03_commuting_limits", profile="quick", device="cpu", root=tmp_path)
    claims.declare_claims(ch)
    ids = set(ch.declared)
    assert {"03-4a", "03-1a", "03-1e", "03-4b", "03-2a", "03-3c", "03-5"} <= ids
    assert len(ids) == 5 + len(profiles.sizes("03_commuting_limits", "quick").path_exponents) + 6
    fake = SimpleNamespace(sizes=ch.sizes, declare=lambda *a, **k: None)
    claims.declare_claims(fake)  # reads only ch.sizes and calls ch.declare
