"""The estimators against closed-form values for distributions whose moments are known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from resprop import estimators

B = 20_000


def test_mean_and_its_standard_error():
    x = np.random.default_rng(1).normal(0.3, 2.0, B)
    m, se = estimators.mean_se(x)
    assert math.isclose(se, 2.0 / math.sqrt(B), rel_tol=0.03)  # SE of the SE: 1/√(2B) ≈ 0.5%
    assert abs(m - 0.3) < 4 * se


def test_variance_and_its_standard_error_for_a_gaussian():
    x = np.random.default_rng(2).normal(0.0, 1.5, B)
    v, se = estimators.variance_se(x)
    assert math.isclose(se, 1.5**2 * math.sqrt(2 / B), rel_tol=0.05)  # Var s² = 2σ⁴/B
    assert abs(v - 1.5**2) < 4 * se


def test_log_mean_exp_of_a_gaussian():
    """ln E e^X = σ²/2 for X ~ N(0, σ²)."""
    x = np.random.default_rng(3).normal(0.0, 0.8, B)
    value, se = estimators.log_mean_exp(x)
    assert abs(value - 0.8**2 / 2) < 4 * se


@pytest.mark.parametrize("call", [estimators.mean_se, estimators.variance_se])
def test_too_few_or_non_finite_samples_raise(call):
    with pytest.raises(ValueError, match="samples"):
        call([1.0])
    with pytest.raises(ValueError, match="samples"):
        call([1.0, np.nan, 2.0, 3.0])
