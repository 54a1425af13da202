"""Tests of resprop.commuting, the experiments of chapter 03 and the checks of its claims.

Small sizes (widths ≤ 32, a few dozen networks): each driver is checked for its shape, its seeding
(same seed, same numbers; the documented per-cell offsets), and one property it must have against
theory or an independent computation, with a tolerance of 4 standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from resprop import commuting as cm
from resprop import estimators, networks
from resprop.simulate import simulate
from resprop.theory import depth_limit as dl

K0 = np.array([[1.0, 0.5], [0.5, 1.0]])
X = dl.inputs_for_kernel(K0)
Q1 = dl.limiting_kernel(K0, [1.0])[0]


def test_record_kernels_rebuilds_the_kernel_from_log_norms_and_correlations():
    rec = simulate(networks.PreActResidual.hayou_yang(16, 4, input_dim=2), X, 8, seed=1)
    K = cm.record_kernels(rec)
    assert K.shape == (8, 5, 2, 2)
    np.testing.assert_allclose(np.log(np.diagonal(K, axis1=-2, axis2=-1)), rec.log_sq_norm)
    c = K[..., 0, 1] / np.sqrt(K[..., 0, 0] * K[..., 1, 1])
    np.testing.assert_allclose(c, rec.correlation[..., 0, 1])
    assert cm.pooled_sq_length(K).shape == (8, 5)
    np.testing.assert_array_equal(
        cm.log_norm_growth(rec), rec.log_sq_norm[:, -1, 0] - rec.log_sq_norm[:, 0, 0]
    )


def test_kernel_flow_mean_follows_the_ode():
    flow = cm.kernel_flow([(64, 16)], X, 200, seed=2, device="cpu")
    q = cm.record_kernels(flow[(64, 16)])[:, -1, 0, 1]
    m, se = estimators.mean_se(q)
    gap = abs(dl.width_first_kernels(K0, 16)[-1, 0, 1] - Q1[0, 1])  # Euler's O(1/L)
    assert abs(m - Q1[0, 1]) <= 4 * se + gap + 0.02  # + the O(1/n) bias of the mean


def test_error_grid_and_paths_are_seeded_per_cell():
    make = cm.kernel_families(K0, Q1)[cm.RESNET]
    grid = cm.error_grid(make, [8, 16], [4, 16], X, 16, seed=5, device="cpu")
    assert grid.shape == (2, 2, 3)
    assert np.all(grid[..., 2] == 0)  # ResNets do not die
    # cell (n, L) = (16, 16) draws from the stream "n=16/L=16" of its seed: the same alone,
    # and as point 1 of the path L = n with widths (4, 16) under the same seed
    alone = cm.error_grid(make, [16], [16], X, 16, seed=5, device="cpu")
    np.testing.assert_array_equal(alone[0, 0], grid[1, 1])
    path = cm.path_errors(make, 1.0, [4, 16], X, 16, seed=5, device="cpu")
    np.testing.assert_array_equal(path[1], [16, 16, *grid[1, 1, :2]])
    short = cm.path_errors(make, 1.5, [4, 16], X, 8, seed=0, device="cpu", max_depth=16)
    assert short.shape == (1, 4)  # 16^1.5 = 64 > 16 is skipped


def test_error_grid_larger_width_smaller_error():
    make = cm.kernel_families(K0, Q1)[cm.RESNET]
    grid = cm.error_grid(make, [8, 128], [8], X, 64, seed=6, device="cpu")
    (e8, s8), (e128, s128) = grid[0, 0, :2], grid[1, 0, :2]
    # the error ∝ n^(−1/2): a factor 4 from n = 8 to 128, against 1 if it did not decay
    assert abs(e8 / e128 - 4.0) <= 4 * (e8 / e128) * math.hypot(s8 / e8, s128 / e128) + 0.5


@pytest.mark.filterwarnings("ignore:simulate")
def test_mlp_family_dies_and_is_counted():
    make = cm.kernel_families(K0, Q1)[cm.MLP]
    grid = cm.error_grid(make, [2], [64], X, 32, seed=7, device="cpu")
    assert grid[0, 0, 2] > 0  # width-2 ReLU MLPs of depth 64 lose their signal


def test_path_slopes_keep_the_resnet_and_the_mlp_on_l_equals_n():
    rows = np.array([[8, 8, 0.4, 0.01], [32, 32, 0.2, 0.01], [128, 128, 0.1, 0.01]])
    paths = {(cm.RESNET, 0.5): rows, (cm.MLP, 0.5): rows, (cm.MLP, 1.0): rows}
    slopes = cm.path_slopes(paths)
    assert set(slopes) == {(cm.RESNET, 0.5), (cm.MLP, 1.0)}
    assert slopes[(cm.RESNET, 0.5)][0] == pytest.approx(-0.5, abs=1e-12)


def test_neuron_samples_scale_and_seeds():
    s = cm.neuron_samples([(8, 4), (16, 4)], 64, scale=2.0, seed=11, device="cpu")
    assert s[(8, 4)].shape == (8, 8) and s[(16, 4)].shape == (4, 16)
    again = cm.neuron_samples([(16, 4)], 64, seed=11, device="cpu")
    np.testing.assert_array_equal(again[(16, 4)] / 2.0, s[(16, 4)])


def test_step_convergence_structure_and_recursion_changes():
    rec = dl.euler_errors(K0, [4, 8, 16, 32]).kernels
    c = cm.step_convergence(K0, 8, 32, 8 * 256, "relu", 4, rec, seed=13, device="cpu")
    assert c["steps"] == [4, 8, 16]
    assert len(c["em"]) == 3 and len(c["ext"]) == 2
    q = {N: rec[N][0, 0] for N in rec}
    assert c["rec_em"][0] == abs(q[4] - q[8])
    assert c["order"][1] > 0
    text = cm.describe_step_convergence({"relu": c}, 8)
    assert text.startswith("relu, n = 8: weak order")


def test_gp_circle_data_has_the_kernel_of_its_inputs():
    d = cm.gp_circle_data(0)
    np.testing.assert_allclose(d.X @ d.X.T / 2, d.K0, atol=1e-12)  # σ_in² x·x'/d = cos(θ − θ')
    assert len(d.train) == 6 and len(d.test) == 24
    np.testing.assert_allclose(d.theta[d.train], np.sort(d.theta[d.train]))


def test_gp_errors_shrink_with_width():
    d = cm.gp_circle_data(0)
    Qgp = dl.limiting_kernel(d.K0, [1.0], rtol=1e-10)[0]
    mu, _ = dl.gp_posterior(Qgp, d.train, d.y_train, noise=1e-3)
    err, example = cm.gp_errors(d, mu, [16, 256], [4], 8, noise=1e-3, seed=18, device="cpu")
    assert set(err) == set(example) == {(16, 4), (256, 4)}
    assert err[(256, 4)][0] < err[(16, 4)][0]


def test_depth_first_limit_and_joint_means_approach_the_ode():
    df = cm.depth_first_limit(
        K0, [4, 8, 16], 8, 2**12, "relu", taper_width=4, pilot_samples=16, seed=14,
        device="cpu",
    )  # fmt: skip
    assert df.rows.shape == (3, 4)
    # the bias E q_1 − Q_1 is O(1/n); at n = 16 it is below 0.05 (the chapter measures it)
    assert abs(df.rows[-1, 0] - df.Q1[0, 0]) <= 4 * df.rows[-1, 1] + 0.05
    assert "bias of E q_1(x,x)" in df.describe()
    joint = cm.joint_means(K0, [8], 2**11, pilot_width=8, pilot_samples=16, seed=16, device="cpu")
    assert joint.shape == (1, 2)
    assert abs(joint[0, 0] - Q1[0, 0]) <= 4 * joint[0, 1] + 0.1  # O(1/n) + Euler's O(1/L)
