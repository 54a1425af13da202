"""Tests of resprop.field_theory_experiments, the drivers of the field-theory chapter.

Small sizes (widths ≤ 32, depths ≤ 10, a few hundred networks): each driver is checked for its
shape, its seeding (its named streams reproduce a direct call), one property
against the theory with a tolerance of 4 standard errors, and its refusal of bad parameters.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from resprop import field_theory_experiments as fx
from resprop.chapter import stream_seed
from resprop.estimators import mean_se
from resprop.theory import field_theory as ft
from resprop.theory import finite_size as fsz
from resprop.training import load_dataset

S = fx.Setup(seed=3, device="cpu")


def test_setup_kernel_network_and_bad_parameters():
    np.testing.assert_array_equal(S.K0, [[1.0, 0.5], [0.5, 1.0]])
    net = S.preact(8, 3, 0.5, input_dim=2)
    assert net.width == 8 and net.depth == 3
    with pytest.raises(ValueError, match="sigma_w2"):
        fx.Setup(sigma_w2=0.0)
    with pytest.raises(ValueError, match="c0"):
        fx.Setup(c0=1.0)
    with pytest.raises(TypeError, match="phi"):
        fx.Setup(phi=None)
    with pytest.raises(ValueError, match="seed"):
        fx.Setup(seed=-1)
    assert S.seed_for("kernel/N=16") == stream_seed(S.seed, "kernel/N=16") != S.seed_for("x")


def test_pair_inputs_have_the_input_kernel():
    X = fx.pair_inputs([0.3, -0.5], 8, q0=2.0)
    K = X @ X.T / 8  # σ_in² = 1
    np.testing.assert_allclose(np.diag(K), 2.0)
    np.testing.assert_allclose(K[0, 1:] / 2.0, [0.3, -0.5])
    assert fx.pair_inputs([], 4).shape == (1, 4)
    with pytest.raises(ValueError, match="c_values"):
        fx.pair_inputs([1.5], 4)
    with pytest.raises(ValueError, match="d"):
        fx.pair_inputs([0.1], 1)


def test_readout_response_matches_the_one_loop_theory():
    m, se = fx.readout_response(S, 32, 2, 0.9, 3000, seed=1, input_dim=8)
    assert (m, se) == fx.readout_response(S, 32, 2, 0.9, 3000, seed=1, input_dim=8)
    chi0, chi1 = fsz.response_finite_size(S.K0, 2, 0.9, "erf", kind="readout", nodes=(64, 16))
    assert abs(m - (chi0[-1] + chi1[-1] / 32)) <= 4 * se
    with pytest.raises(ValueError, match="n_networks"):
        fx.readout_response(S, 8, 2, 0.9, 1, seed=1, input_dim=8)


def test_kernel_finite_size_shapes_seeds_and_mean_kernel():
    k = fx.kernel_finite_size(S, 3, 0.7, [8, 16, 32], [300, 300, 300], 8, 40)
    assert list(k.widths) == [8, 16, 32] and k.layers.tolist() == [0, 1, 2, 3]
    assert k.mc[16]["mean"].shape == (4,) and k.dense["mean"].shape == (4,)
    rec = S.simulate(S.preact(16, 3, 0.7, input_dim=1), [[1.0]], 300, S.seed_for("kernel/N=16"))
    np.testing.assert_array_equal(k.mc[16]["mean"], rec.kernel[:, :, 0, 0].mean(axis=0))
    # E K̂^l = K^l + K₁^l/N: within 4 SE plus the one-loop shift at every layer and width
    for N, r in k.mc.items():
        gap = np.abs(r["mean"] - k.theory.kernel[:, 0, 0])
        assert np.all(gap <= 4 * r["mean_se"] + np.abs(k.cavity) / N + 1e-12)
    np.testing.assert_allclose(k.gauss, 2 * k.theory.kernel[:, 0, 0] ** 2)
    assert "dense sampler, N = 8, 40 networks" in k.describe()
    with pytest.raises(ValueError, match="n_networks"):
        fx.kernel_finite_size(S, 3, 0.7, [8, 16], [300], 8, 40)
    with pytest.raises(ValueError, match="scale"):
        fx.kernel_finite_size(S, 3, -0.7, [8], [300], 8, 40)


def test_response_scan_curves_and_monte_carlo():
    grid = np.geomspace(0.05, 5.0, 7)
    scan = fx.response_scan(S, grid, [3, 10], [3], [0.1, 1.0], 16, 200, 8)
    assert set(scan.chi_read) == {3, 10} and scan.chi_read[3].shape == (7,)
    assert scan.star[10] == ft.optimal_scale(S.K0, 10, "erf")
    assert set(scan.other) == {"kernel", "jacobian", "q"} and scan.depth_other == 3
    assert [(r["L"], r["a"]) for r in scan.mc] == [(3, 0.1), (3, 1.0)]
    assert len(scan.z_scores) == 4 and scan.worst < 4 + 1.0  # width 16: a small 1/N shift
    assert "largest |Monte Carlo − mean field| over 4 points" in scan.describe()


def test_jacobian_and_readout_finite_size_are_seeded_per_width():
    jac = fx.jacobian_finite_size(S, 3, 0.7, [8, 16], 200, 8, (40, 20))
    assert set(jac.mc) == {8, 16} and jac.pooled.dof == 1
    net, u = S.preact(8, 3, 0.7, input_dim=8), fx.pair_inputs([], 8)
    rec = S.simulate(net, u, 200, S.seed_for("jacobian/N=8"), n_tangents=1)
    T = np.exp(rec.jvp_log_sq_norm[:, -1, 0])
    assert jac.mc[8][0] == 8 * (T.mean() - jac.chi0)
    read = fx.readout_finite_size(S, 3, [0.9], [8, 16], [200, 200], 8, (128, 22))
    m, se = fx.readout_response(S, 16, 3, 0.9, 200, seed=S.seed_for("readout/N=16"), input_dim=8)
    assert read.mc[0.9, 16] == (16 * (m - read.theory[0.9][0]), 16 * se)
    assert read.a_star == pytest.approx(ft.optimal_scale(S.K0, 3, "erf"), rel=1e-4)
    assert "τ* at L = 3" in fx.describe_response_finite_size(jac, read)
    with pytest.raises(ValueError, match="nodes"):
        fx.readout_finite_size(S, 3, [0.9], [8], [200], 8, (4, 2))


def test_optimal_scales_formula_and_variants():
    opt = fx.optimal_scales(S, [10, 100, 300], (0.1, 0.3), range_max_depth=100)
    assert opt.star[100] == ft.optimal_scale(S.K0, 100, "erf")
    assert math.isnan(opt.ranges[300][0]) and opt.ranges[10][0] < opt.star[10] < opt.ranges[10][1]
    lo, hi = opt.depth_window
    assert lo < 100 < 300 < hi  # the band holds τ* for these depths (claim 3)
    with pytest.raises(ValueError, match="band"):
        fx.optimal_scales(S, [10], (0.3, 0.1))
    f = fx.alpha_star_formula(S, opt)
    assert abs(f.err1[-1]) < abs(f.err0[-1]) and abs(f.slope_num + 0.5) < 0.01
    assert abs(f.slope_num - f.slope_th) < 1e-3 and (f.L_a, f.L_b) == (100, 300)
    var = fx.variant_dependence(S, [0.5, 1.0, 2.0], 30)
    assert var.rows["preact"]["secant"] == pytest.approx(-0.5, abs=1e-5)  # the τ²σ_w² degeneracy
    assert var.closest != "preact" and "closest to a weak dependence" in var.describe()
    with pytest.raises(ValueError, match="sigma_w2"):
        fx.variant_dependence(S, [2.0, 1.0], 30)


def test_input_statistics_and_training_scan():
    data = load_dataset("digits", n_train=120, n_test=60, seed=0)
    q, c = fx.input_statistics(data, 50)
    X = data.X_train[:50].astype(float)
    cos = X @ X.T / np.outer(np.linalg.norm(X, axis=1), np.linalg.norm(X, axis=1))
    assert q == data.mean_sq_norm and c == pytest.approx(cos[np.triu_indices(50, 1)].mean())
    kw = dict(
        width=8, n_seeds=2, epochs=1, lr=0.05, batch_size=40, temperature=1e-4, langevin_depths=[2]
    )
    tr = fx.training_scan(S, data, [2, 4], np.geomspace(0.1, 2.0, 5), **kw)
    assert tr.acc[4].shape == (2, 5) and set(tr.acc_lgv) == {2} and set(tr.opt) == {2, 4}
    assert np.all((tr.acc[2] >= 0) & (tr.acc[2] <= 1))
    m, se = mean_se(tr.acc[2], axis=0)
    assert m.shape == (5,) and np.all(se >= 0)
    again = fx.training_scan(S, data, [2, 4], np.geomspace(0.1, 2.0, 5), **kw)
    np.testing.assert_array_equal(again.acc[4], tr.acc[4])  # the streams train/L=…/s
    assert "L = 4: SGD accuracy" in tr.accuracy_table() and "(L = 2, τ* =" in tr.best_scales()
    with pytest.raises(ValueError, match="langevin_depths"):
        fx.training_scan(S, data, [2], [0.1, 1.0, 2.0], **kw | dict(langevin_depths=[8]))
