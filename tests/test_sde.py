"""Tests of resprop.sde, the finite-width SDE of the n neurons of a 1/√L ResNet.

Euler–Maruyama with N = L steps against the library's dense network sampler (in law), exact
identities of the scheme for linear φ, the control variate's unbiasedness, seeding, and
parameter validation. Tolerances are 4 standard errors computed next to each estimate.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from resprop import estimators, networks, sde
from resprop.activations import get_activation
from resprop.simulate import simulate
from resprop.theory import depth_limit as dl

K2 = np.array([[1.0, 0.5], [0.5, 1.0]])


def _two_sample_close(a: np.ndarray, b: np.ndarray, n_se: float = 4.0) -> None:
    diff = a.mean() - b.mean()
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert abs(diff) <= n_se * se, f"means differ by {diff:.4g} (SE {se:.3g})"


@pytest.mark.parametrize("act", ["relu", "tanh"])
def test_euler_maruyama_with_L_steps_is_the_network_in_law(act):
    n, L, B = 8, 8, 3000
    res = sde.simulate_sde(K2, n, L, B, act, seed=1)
    net = networks.PreActResidual.hayou_yang(n, L, input_dim=2, activation=act)
    rec = simulate(net, dl.inputs_for_kernel(K2), B, sampler="dense", seed=2, progress=False)
    half = rec.log_sq_norm[:, -1] / 2
    K_net = np.exp(half[:, :, None] + half[:, None, :]) * rec.correlation[:, -1]
    K_sde = res.kernels[L]
    for a, b in [(0, 0), (0, 1), (1, 1)]:
        _two_sample_close(K_sde[:, a, b], K_net[:, a, b])
        # the spread too: compare the squared deviations' means
        _two_sample_close(
            (K_sde[:, a, b] - K_sde[:, a, b].mean()) ** 2,
            (K_net[:, a, b] - K_net[:, a, b].mean()) ** 2,
        )


def test_linear_mean_kernel_is_exact_for_every_step_and_width():
    # for φ(h) = h, G = K, so E[K] obeys the Euler recursion E K ← (1 + τ²σ²Δ) E K exactly
    N, B = 16, 4000
    res = sde.simulate_sde(K2, 4, N, B, "linear", levels=3, seed=3, branch_scale=1.2)
    for steps in res.steps:
        m, se = estimators.mean_se(res.kernels[steps], axis=0)
        expected = K2 * (1 + 1.44 / steps) ** steps
        assert np.all(np.abs(m - expected) <= 4 * se + 1e-12)


def test_linear_log_norm_follows_the_depth_first_law():
    n, N, B = 16, 256, 4000
    res = sde.simulate_sde([[1.0]], n, N, B, "linear", seed=4, exact_start=True)
    v = np.log(res.kernels[N][:, 0, 0])  # q_0 = 1 exactly
    law = dl.linear_depth_first_law(n)
    var, var_se = estimators.variance_se(v)
    mean, mean_se = estimators.mean_se(v)
    # Euler–Maruyama's step error is O(1/N): allowed for with 1/N on each moment
    assert abs(var - law.var()) <= 4 * var_se + law.var() / N * 4
    assert abs(mean - law.mean()) <= 4 * mean_se + 4 / N


def test_control_variate_is_unbiased_and_reduces_variance():
    pilot = sde.simulate_sde(K2, 64, 16, 32, "tanh", seed=5)
    plain = sde.simulate_sde(K2, 16, 16, 4000, "tanh", seed=6)
    ctrl = sde.simulate_sde(K2, 16, 16, 4000, "tanh", seed=7, control=pilot.gram_path[16])
    x_plain, x_ctrl = plain.samples(16), ctrl.samples(16)
    for a, b in [(0, 0), (0, 1)]:
        _two_sample_close(x_plain[:, a, b], x_ctrl[:, a, b])
        assert x_ctrl[:, a, b].var() < 0.5 * x_plain[:, a, b].var()
    # the raw kernels of the controlled run are the same process as the plain one
    _two_sample_close(plain.kernels[16][:, 0, 0], ctrl.kernels[16][:, 0, 0])


def test_wide_sde_follows_the_infinite_width_recursion():
    # n large: E[K^N] → the Euler recursion of the kernel ODE with N steps, up to O(1/n)
    n, N, B = 256, 8, 256
    pilot = sde.simulate_sde(K2, n, N, 16, "relu", seed=8)
    res = sde.simulate_sde(K2, n, N, B, "relu", seed=9, control=pilot.gram_path[N])
    m, se = res.mean_kernel(N)
    rec = dl.width_first_kernels(K2, N)[-1]
    assert np.all(np.abs(m - rec) <= 4 * se + 0.2 / n)


def test_extrapolation_combines_two_levels():
    res = sde.simulate_sde(K2, 4, 8, 10, "relu", levels=2, seed=10)
    np.testing.assert_allclose(
        res.samples(8, extrapolate=True), 2 * res.kernels[8] - res.kernels[4]
    )
    with pytest.raises(ValueError, match="n_steps"):
        res.samples(4, extrapolate=True)
    with pytest.raises(ValueError, match="n_steps"):
        res.samples(2)


def test_same_seed_same_numbers_whatever_the_sample_count():
    # blocks hold 2^18/(n k) samples: at n = 1024, k = 2 a block is 128 samples
    a = sde.simulate_sde(K2, 1024, 4, 128, seed=11)
    b = sde.simulate_sde(K2, 1024, 4, 256, seed=11)
    c = sde.simulate_sde(K2, 1024, 4, 128, seed=12)
    np.testing.assert_array_equal(a.kernels[4], b.kernels[4][:128])
    assert not np.allclose(a.kernels[4], c.kernels[4])


def test_exact_start_has_the_input_kernel():
    res = sde.simulate_sde(K2, 8, 2, 50, seed=13, exact_start=True)
    np.testing.assert_allclose(res.initial_kernels, np.broadcast_to(K2, (50, 2, 2)), atol=1e-12)


def test_neurons_are_kept_on_request():
    res = sde.simulate_sde(K2, 8, 4, 10, keep_neurons=True, seed=14)
    h = res.neurons[4]
    assert h.shape == (10, 8, 2)
    np.testing.assert_allclose(np.einsum("bia,bic->bac", h, h) / 8, res.kernels[4])
    assert sde.simulate_sde(K2, 8, 4, 10, seed=14).neurons is None


def test_empirical_gram():
    h = torch.randn(3, 5, 2, dtype=torch.float64)
    g = sde.empirical_gram(h, get_activation("relu"))
    ref = torch.einsum("bia,bic->bac", torch.relu(h), torch.relu(h)) / 5
    torch.testing.assert_close(g, ref)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(width=0), "width"),
        (dict(n_steps=6, levels=3), "n_steps"),
        (dict(n_samples=0), "n_samples"),
        (dict(activation="softplus"), "activation"),
        (dict(branch_scale=-1.0), "branch_scale"),
        (dict(sigma_w2=float("nan")), "sigma_w2"),
        (dict(control=np.ones((3, 2, 2))), "control"),
        (dict(dtype=torch.int64), "dtype"),
        (dict(seed=1.5), "seed"),
        (dict(width=1, exact_start=True), "exact_start"),
        (dict(device="tpu"), "device"),
    ],
)
def test_bad_parameters_raise(kwargs, match):
    args = dict(K0=K2, width=4, n_steps=4, n_samples=2)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        sde.simulate_sde(**args)


def test_bad_kernel_raises():
    with pytest.raises(ValueError, match="K0"):
        sde.simulate_sde([[1.0, 2.0], [2.0, 1.0]], 4, 4, 2)


def test_network_neurons_are_the_terminal_states_of_euler_maruyama_with_L_steps():
    h = sde.network_neurons(K2, 8, 16, 80, seed=3)
    res = sde.simulate_sde(K2, 8, 16, 10, keep_neurons=True, seed=3)
    assert h.shape == (10, 8, 2)
    np.testing.assert_array_equal(h, res.neurons[16])
    with pytest.raises(ValueError, match="n_neurons"):
        sde.network_neurons(K2, 8, 16, 8)
