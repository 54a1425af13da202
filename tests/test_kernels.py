"""Infinite-width kernel recursions: exact cases, PSD output, and clear failures."""

from __future__ import annotations

import numpy as np
import pytest

from resprop import gaussian
from resprop.theory import kernels as kn

K0 = np.array([[1.0, 0.3, -0.2], [0.3, 2.0, 0.5], [-0.2, 0.5, 1.5]])


def test_linear_residual_is_a_geometric_sequence():
    """φ = x: K' = (1 + σ_w²) K + σ_b² exactly, so K^L = g^L K0 + σ_b²(g^L − 1)/(g − 1)."""
    g, sb, L = 1.5, 0.1, 6
    K = kn.reduced_residual_kernels(K0, L, "linear", sigma_w2=g - 1, sigma_b2=sb)
    expected = g**L * K0 + sb * (g**L - 1) / (g - 1)
    np.testing.assert_allclose(K[-1], expected, rtol=1e-13)


def test_relu_feedforward_diagonal_is_exact():
    """ReLU: E φ(z)² = q/2, so the diagonal of the feed-forward recursion is (σ_w²/2)^l q⁰."""
    K = kn.feedforward_kernels(K0, 5, "relu", sigma_w2=2.0)
    np.testing.assert_allclose(np.diagonal(K, axis1=1, axis2=2), np.tile(np.diag(K0), (6, 1)))


@pytest.mark.parametrize("act", ["relu", "tanh", "erf"])
def test_every_layer_is_a_covariance(act):
    K, H = kn.full_residual_kernels(K0, 4, act, sigma_w2=1.5, sigma_b2=0.1, sigma_v2=1.0)
    for layer in K:
        assert np.allclose(layer, layer.T) and np.linalg.eigvalsh(layer).min() > -1e-12
    np.testing.assert_allclose(H[1:], 1.5 * K[:-1] + 0.1)


def test_preact_matches_one_step_by_hand():
    a, sw, sb = 0.4, 1.3, 0.05
    K = kn.preact_residual_kernels(K0, 1, "tanh", sigma_w2=sw, sigma_b2=sb, branch_scale=a)
    np.testing.assert_allclose(K[1], K0 + a**2 * (sw * gaussian.kernel_map("tanh", K0) + sb))


def test_two_layer_matches_one_step_by_hand():
    sw, sb, sv, sa, a = 1.7, 0.1, 2.2, 0.05, 0.6
    K = kn.two_layer_residual_kernels(
        K0, 1, "erf", sigma_w2=sw, sigma_b2=sb, sigma_v2=sv, sigma_a2=sa, branch_scale=a
    )
    H = sw * gaussian.kernel_map("erf", K0) + sb
    np.testing.assert_allclose(K[1], K0 + a**2 * (sv * gaussian.kernel_map("erf", H) + sa))


def test_residual_families_are_one_recursion_and_batch_over_scales():
    """Every residual family is K' = K + τ² B(K); an array of τ gives each τ's kernels exactly."""
    sw, sb = 1.3, 0.05
    reduced = kn.reduced_residual_kernels(K0, 5, "tanh", sigma_w2=sw, sigma_b2=sb)
    preact = kn.preact_residual_kernels(K0, 5, "tanh", sigma_w2=sw, sigma_b2=sb)
    np.testing.assert_array_equal(reduced, preact)
    scales = [0.2, 1.0, 1.9]
    for family in (kn.preact_residual_kernels, kn.two_layer_residual_kernels):
        batched = family(K0, 5, "tanh", branch_scale=scales)
        assert batched.shape == (3, 6, 3, 3)
        for tau, Kb in zip(scales, batched, strict=True):
            np.testing.assert_array_equal(Kb, family(K0, 5, "tanh", branch_scale=tau))
    K, H = kn.full_residual_kernels(K0, 5, "relu", sigma_w2=2.0, branch_scale=scales)
    assert K.shape == H.shape == (3, 6, 3, 3) and np.isnan(H[:, 0]).all()
    np.testing.assert_array_equal(H[:, 1:], 2.0 * K[:, :-1])


def test_a_bad_branch_scale_array_is_refused():
    with pytest.raises(ValueError, match="branch_scale.*1-D"):
        kn.preact_residual_kernels(K0, 3, branch_scale=np.ones((2, 2)))
    with pytest.raises(ValueError, match="branch_scale.*finite"):
        kn.preact_residual_kernels(K0, 3, branch_scale=[1.0, np.nan])


def test_a_non_covariance_is_refused():
    bad = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])  # every |c| < 1
    with pytest.raises(ValueError, match="K0.*positive semi-definite"):
        kn.reduced_residual_kernels(bad, 3)
    with pytest.raises(ValueError, match="K.*positive semi-definite"):
        gaussian.kernel_map("relu", bad)


def test_overflow_raises_naming_the_depth():
    with pytest.raises(ValueError, match="depth.*overflows"):
        kn.feedforward_kernels(K0, 2000, "relu", sigma_w2=50.0)


@pytest.mark.parametrize(
    "call,parameter",
    [
        (lambda: kn.reduced_residual_kernels([[1.0, 0.5], [0.0, 1.0]], 3), "K0"),
        (lambda: kn.reduced_residual_kernels([[1.0, 2.0], [2.0, 1.0]], 3), "K0"),
        (lambda: kn.reduced_residual_kernels(np.eye(2), 0), "depth"),
        (lambda: kn.feedforward_kernels(np.eye(2), 3, sigma_w2=-1.0), "sigma_w2"),
    ],
)
def test_bad_kernel_inputs_name_the_parameter(call, parameter):
    with pytest.raises(ValueError, match=parameter):
        call()
