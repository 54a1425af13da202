"""Tests of resprop.edge_of_chaos, the experiments of chapter 01 (mean-field residual networks).

Small sizes (width ≤ 64, depth ≤ 8, a few dozen networks): each driver is checked for its shape,
its seeding (one named stream per cell), one property against theory or an independent
computation (4 SE), and its refusal of bad parameters. The trainability analysis runs on a
synthetic trainer whose boundary is known.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from resprop import edge_of_chaos as eoc
from resprop import estimators, networks
from resprop.chapter import stream_seed
from resprop.simulate import simulate
from resprop.training import load_dataset


@pytest.fixture(scope="module")
def families():
    U = eoc.random_inputs(32, seed=3)
    return U, *eoc.simulate_families(U, 6, 24, seed=5, device="cpu")


def test_inputs_have_the_input_kernel():
    U = eoc.random_inputs(16, seed=0)
    K0 = eoc.input_kernel()
    assert U.shape == (3, 16)
    np.testing.assert_allclose(U @ U.T / 16, K0, atol=1e-12)
    assert K0[1, 2] == pytest.approx(0.8 * 0.2)
    assert eoc.sigmas("full") == dict(sigma_w2=2.0, sigma_v2=1.0)
    assert eoc.sigmas("reduced") == dict(sigma_w2=2.0)


def test_families_are_seeded_per_cell_and_follow_the_recursion(families):
    U, sim, theory = families
    assert set(sim) == {(a, b) for a in eoc.ACTIVATIONS for b in eoc.ARCHITECTURES}
    rec = sim["α-ReLU", "reduced"]  # its own stream of seed 5
    alone = simulate(
        networks.ReducedResidual(
            width=32, depth=6, activation="alpha_relu", alpha=0.8, input_dim=32, sigma_w2=2.0
        ),
        U,
        24,
        device="cpu",
        progress=False,
        seed=stream_seed(5, "families/α-ReLU/reduced"),
        n_tangents=2,
        same_sign_lags=(),
    )
    np.testing.assert_array_equal(alone.log_sq_norm, rec.log_sq_norm)
    assert eoc.chi_samples(rec).shape == (24, 7)
    for key in (("tanh", "full"), ("ReLU", "feedforward")):
        e, se = eoc.cosine(sim[key])
        assert abs(e[-1] - theory[key].e[-1, 0]) < 4 * se[-1] + 0.02  # + O(1/n)


def test_dense_check_reports_both_quantities(families):
    U = families[0]
    text = eoc.dense_check(U, 3, 8, seed=0, device="cpu")
    assert "dense sampler, n = 32, L = 3, 8 networks" in text and "ln χ⁰/χ^L" in text


def test_kernel_routes_agree_and_monte_carlo_is_seeded():
    kr = eoc.kernel_routes([0.8], [-0.5, 0.3, 0.9], 32, 16, seed=0, device="cpu")
    assert kr.worst["bessel"] < 1e-8 and kr.worst["hyp"] < 1e-8 and kr.worst["price"] < 1e-6
    assert kr.z2.shape == (3,) and kr.z2_theory == pytest.approx(15 / 13)
    r = kr.routes[0.8]
    assert np.all(np.abs(r["z"]) < 5)
    # point j = 1 of α = 0.8 has its own stream of seed 0
    u = math.sqrt(2) * np.array([[1.0, 0.0], [0.3, math.sqrt(1 - 0.09)]])
    net = networks.FeedForward(width=32, depth=1, activation="alpha_relu", alpha=0.8, input_dim=2)
    seed = stream_seed(0, "kernel/α=0.8/c=0.3")
    rec = simulate(net, u, 16, device="cpu", progress=False, seed=seed, same_sign_lags=())
    assert estimators.mean_se(rec.act_kernel[:, 0, 0, 1])[0] == r["mc"][1]


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", n_train=200, n_test=100, seed=0)


def test_train_grid_shape_and_the_readout_scale(digits):
    net = eoc.full_residual(digits, 4, 0.5, width=8, activation="tanh")
    assert net.sigma_out2 == pytest.approx(1 / 5) and net.input_dim == 64
    fit_kw = dict(epochs=1, lr=0.01, batch_size=50, device="cpu")
    acc = eoc.train_grid(
        digits,
        [0.5, 2.0],
        seeds=[0, 1],
        width=8,
        label=None,
        fit_kw=fit_kw,
        depth=2,
        activation="tanh",
    )
    assert acc.shape == (2, 2) and np.all((acc >= 0) & (acc <= 1))


def _fake_train_many(nets, data, *, seeds, progress, **kw):
    """Accuracy 0.9 up to a boundary at σ_w²·L = 40 (tanh) or σ_v²σ_w^(2α) = 1 (α-ReLU), then
    a linear fall in ln σ_w², with a small seed-dependent shift."""
    out = []
    for net, s in zip(nets, seeds, strict=True):
        if net.activation == "tanh":
            x = math.log(net.sigma_w2 * net.depth / 40)
        else:
            x = math.log(net.sigma_v2 * net.sigma_w2**net.alpha) / net.alpha
        out.append(0.9 - 0.3 * max(0.0, x + 0.05 * s))
    return np.array(out)


def fake_boundaries(monkeypatch, data):
    """Both trainability experiments on the synthetic trainer: (TanhBoundary, ReluBoundary)."""
    monkeypatch.setattr(eoc, "train_many", _fake_train_many)
    design = eoc.TrainingDesign(
        [0, 1, 2], 8, 0.95, n_boot=50, seed=0, epochs=1, lr=0.01, batch_size=50
    )
    tanh = eoc.tanh_trainability(data, design, depths=[4, 8, 16], sw2L=(4.0, 512.0), n_grid=9)
    relu = eoc.relu_trainability(
        data, design, alpha=0.75, depth=4, sigma_v2=[0.5, 2.0], kappa=(0.05, 32.0), n_grid=9
    )
    return tanh, relu


def test_trainability_finds_the_known_boundaries(digits, monkeypatch):
    tanh, relu = fake_boundaries(monkeypatch, digits)
    assert tanh.acc.shape == (3, 3, 9) and tanh.crossing.shape == (3, 3)
    assert tanh.fit.slope == pytest.approx(-1.0, abs=1e-9)  # σ_w²·L = const by construction
    assert tanh.lnchi_b.shape == (3, 3) and tanh.theory_slope < 0
    assert "slope of ln ln χ" in tanh.describe()
    assert relu.fit.slope == pytest.approx(-1 / 0.75, abs=1e-9)
    assert relu.exact.shape == (2,) and -1 < relu.e0 < 1
    assert "input cosine" in relu.describe()


def test_bad_parameters_are_refused(digits):
    with pytest.raises(ValueError, match="arch"):
        eoc.sigmas("dense")
    with pytest.raises(ValueError, match="e0"):
        eoc.input_kernel([0.8, 1.2])
    with pytest.raises(ValueError, match="U"):
        eoc.simulate_families(np.ones((2, 8)), 4, 4, seed=0, device="cpu")
    with pytest.raises(ValueError, match="n_networks"):
        eoc.simulate_families(eoc.random_inputs(8, seed=0), 4, 1, seed=0, device="cpu")
    with pytest.raises(ValueError, match="cs"):
        eoc.kernel_routes([0.8], [0.5, 1.0], 8, 8, seed=0, device="cpu")
    with pytest.raises(TypeError, match="cs"):
        eoc.kernel_routes([0.8], ["a", "b"], 8, 8, seed=0, device="cpu")
    kw = dict(width=8, n_boot=50, seed=0, epochs=1, lr=0.01, batch_size=50)
    with pytest.raises(ValueError, match="seeds"):
        eoc.TrainingDesign([0], fraction=0.9, **kw)
    with pytest.raises(ValueError, match="fraction"):
        eoc.TrainingDesign([0, 1], fraction=1.5, **kw)
    with pytest.raises(ValueError, match="lr"):
        eoc.TrainingDesign([0, 1], fraction=0.9, **{**kw, "lr": 0})
    design = eoc.TrainingDesign([0, 1], fraction=0.9, **kw)
    with pytest.raises(ValueError, match="alpha"):
        eoc.relu_trainability(
            digits, design, alpha=1.5, depth=4, sigma_v2=[1.0, 2.0], kappa=(0.1, 1.0), n_grid=3
        )
    with pytest.raises(ValueError, match="depths"):
        eoc.tanh_trainability(digits, design, depths=[4], sw2L=(4.0, 64.0), n_grid=3)
