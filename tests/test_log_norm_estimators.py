"""Log-norm estimators against constructed records with known answers and against simulate."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from resprop import log_norm_estimators as lne
from resprop.networks import ReducedResidual
from resprop.simulate import simulate


def _record(log_sq_norm, **kw):
    return SimpleNamespace(log_sq_norm=np.asarray(log_sq_norm)[:, :, None], **kw)


def test_log_norm_removes_the_start_and_the_growth():
    B, L, A = 3, 5, 2.0
    start = np.arange(B)[:, None] * 1.0
    rec = _record(start + np.arange(L + 1) * math.log(A) + 0.25 * np.arange(L + 1))
    assert np.allclose(lne.log_norm(rec, A), 0.25 * np.arange(L + 1))
    with pytest.raises(ValueError, match="growth"):
        lne.log_norm(rec, 0.0)


def test_normalised_output_of_a_simulated_stream_has_unit_second_moment_at_depth_zero():
    net = ReducedResidual(64, 1, sigma_w2=0.0, input_dim=1)  # no branch: x^1 = x^0, A = 1
    rec = simulate(net, np.ones((1, 1)), 4000, seed=1, progress=False)
    t = lne.normalised_output(rec, 1.0)
    m2, se = np.mean(t**2), np.std(t**2, ddof=1) / math.sqrt(t.size)
    assert abs(m2 - 1.0) < 4 * se  # t = z/√(‖x^0‖²/n) is exactly N(0, 1) here


def test_increment_autocov_of_independent_increments_is_the_variance_at_lag_zero_only():
    rng = np.random.default_rng(0)
    L = np.cumsum(rng.normal(0.0, 0.5, (4000, 41)), axis=1)
    m, se, per_net = lne.increment_autocov(L, 10, [0, 1, 2], burn_in=5)
    assert per_net.shape == (4000, 3)
    assert abs(m[0] - 10 * 0.25) < 4 * se[0]
    assert np.all(np.abs(m[1:]) < 4 * se[1:])
    with pytest.raises(ValueError, match="lags"):
        lne.increment_autocov(L, 10, [40], burn_in=5)


def test_pooled_deficit_recovers_a_constant_theta():
    frac = np.full((10, 8), 0.5 - 0.3 / 64)
    mean, se, pooled = lne.pooled_deficit(frac, 64, burn_in=2)
    assert np.allclose(mean, 0.3) and np.allclose(se, 0.0) and np.allclose(pooled, 0.3)
    with pytest.raises(ValueError, match="fraction"):
        lne.pooled_deficit(frac, 64, burn_in=8)


def test_per_unit_beta_is_the_limit_when_the_sample_matches_the_finite_depth_theory():
    rng = np.random.default_rng(1)
    L = rng.normal(-1.0, 2.0, 20000)
    out = lne.per_unit_beta(
        L, width=100, depth=50, theory_mean=-1.0, theory_var=4.0, limit_mean=-2.0, limit_var=8.0
    )
    for key, limit in (("mean", -2.0), ("variance", 8.0), ("skewness", 0.0)):
        value, se = out[key]
        assert abs(value - limit) < 4 * se, key
