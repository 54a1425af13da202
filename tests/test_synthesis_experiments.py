"""Tests of resprop.synthesis_experiments: the synthesis chapter's drivers on small grids (named
seed streams, the points' fields, the counts), and their refusals of bad parameters."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from resprop import estimators
from resprop import synthesis_experiments as sx
from resprop.theory import synthesis

EXPONENTS, WIDTHS, BETAS = [0.0, 0.25, 0.5, 1.0], [8, 16], [0.5, 1.0]


def seed_for(stream: str) -> int:
    return zlib.crc32(stream.encode())


FAMILY = sx.Family(1.0, 2.0, seed_for=seed_for, device="cpu")


def small_grids():
    """The small ReLU, kernel and tanh grids the synthesis tests share."""
    grid = sx.log_norm_grid(FAMILY, EXPONENTS, WIDTHS, BETAS, 64, threshold=0.1)
    kgrid, tgrid = sx.kernel_grids(FAMILY, EXPONENTS, WIDTHS, BETAS, 64, rho0=0.5,
                                   threshold=0.1, kernel_threshold=0.02)  # fmt: skip
    return grid, kgrid, tgrid


@pytest.fixture(scope="module")
def grids():
    return small_grids()


def test_family_validates_and_names_its_streams():
    assert FAMILY.total_branch_variance == 2.0
    x = FAMILY.log_ratio(8, 4, 0.5, 16, "s")
    np.testing.assert_array_equal(x, FAMILY.log_ratio(8, 4, 0.5, 16, "s"))
    assert not np.array_equal(x, FAMILY.log_ratio(8, 4, 0.5, 16, "t"))
    q = FAMILY.log_ratio(8, 4, 0.5, 16, "s", log_q0=False)
    assert x.shape == q.shape == (16,) and not np.array_equal(x, q)
    with pytest.raises(ValueError, match="sigma_w2"):
        sx.Family(1.0, -1.0, seed_for=seed_for)
    with pytest.raises(ValueError, match="branch_scale"):
        sx.Family(-1.0, 2.0, seed_for=seed_for)
    with pytest.raises(TypeError, match="seed_for"):
        sx.Family(1.0, 2.0, seed_for=3)


def test_input_layer_has_the_input_kernel():
    K, U = sx.input_layer(0.5)
    np.testing.assert_allclose(U @ U.T / 2, K, rtol=1e-15)
    for bad in (1.0, -1.5, float("nan")):
        with pytest.raises(ValueError, match="rho0"):
            sx.input_layer(bad)


def test_law_point_scores_the_nearest_theory():
    x = np.random.default_rng(0).normal(1.0, 0.1, 4000)
    pred = {"near": (1.0, 0.01), "far": (3.0, 0.0)}
    p = sx.law_point(x, pred, 7, threshold=0.1)
    assert p["L"] == 7 and p["best"] == "near" and p["dist"]["far"] > 1.9
    assert p["var"] == pytest.approx(0.01, rel=0.1)
    assert sx.law_point(x, {"far": (3.0, 0.0)}, 7, threshold=0.1)["best"] == "none"
    with pytest.raises(ValueError, match="threshold"):
        sx.law_point(x, pred, 7, threshold=0.0)


def test_log_norm_grid_points(grids):
    grid, _, _ = grids
    assert set(grid) == {(a, n, b) for a in EXPONENTS for n in WIDTHS for b in BETAS}
    p = grid[0.5, 16, 1.0]
    assert p["L"] == 16 and p["c"] == pytest.approx(2.0 / 16)
    assert set(p["pred"]) == set(synthesis.THEORIES) and p["best"] in sx.NAMES
    assert sum(sx.win_counts(grid).values()) == len(grid)
    x = FAMILY.log_ratio(16, 16, 0.5, 64, "grid/0.5/16/1")  # the point's own stream
    assert p["mean"] == estimators.mean_se(x)[0]
    with pytest.raises(ValueError, match="widths"):
        sx.log_norm_grid(FAMILY, EXPONENTS, [0], BETAS, 64, threshold=0.1)
    with pytest.raises(ValueError, match="n_networks"):
        sx.log_norm_grid(FAMILY, EXPONENTS, WIDTHS, BETAS, 1, threshold=0.1)


def test_kernel_grids_points(grids):
    _, kgrid, tgrid = grids
    assert {k[0] for k in kgrid} == set(sx.ACTIVATIONS)
    assert set(tgrid) == {(a, n, b) for a in EXPONENTS for n in WIDTHS for b in BETAS}
    p = kgrid["relu", 0.0, 16, 1.0]
    assert 0.5 < p["rho"] < 1 and p["se_rho"] > 0 and p["best"] in sx.KERNEL_NAMES
    assert set(tgrid[0.5, 8, 1.0]["pred"]) == set(synthesis.KERNEL_THEORIES)
    counts = sx.kernel_win_counts(kgrid)
    assert [sum(c.values()) for c in counts.values()] == [len(tgrid)] * 2
    with pytest.raises(ValueError, match="kernel_threshold"):
        sx.kernel_grids(FAMILY, EXPONENTS, WIDTHS, BETAS, 8, rho0=0.5, threshold=0.1,
                        kernel_threshold=-1.0)  # fmt: skip


def test_describers(grids):
    grid, kgrid, tgrid = grids
    assert sx.describe_tanh_points(tgrid, EXPONENTS, 16, 1.0).count("\n") == len(EXPONENTS) - 1
    text = sx.describe_kernel_points(kgrid, EXPONENTS, 16, 1.0)
    assert text.count("z vs mean field") == 2 * len(EXPONENTS)


def test_shared_depth_betas():
    assert sx.shared_depth_betas(8, 16, BETAS) == [(1.0, 0.5)]
    assert sx.shared_depth_betas(8, 16, [0.25]) == []
    with pytest.raises(ValueError, match="n_lo"):
        sx.shared_depth_betas(0, 16, BETAS)


def test_sampler_check_and_field_theory_spread():
    check = sx.sampler_check(FAMILY, 8, 4, 32)
    assert check.dense.shape == check.gram.shape == (32,)
    assert "variance difference in SE" in check.describe()
    with pytest.raises(ValueError, match="n_networks"):
        sx.sampler_check(FAMILY, 8, 4, 1)
    ft = sx.field_theory_spread(FAMILY, 4, [8, 16, 32], 64)
    assert len(ft.y) == len(ft.se) == 3 and ft.fit.dof == 1
    assert set(ft.theory) == {"cavity", "kernel field", "Gaussian process"}
    assert "extrapolated" in ft.describe()
    with pytest.raises(ValueError, match="depth"):
        sx.field_theory_spread(FAMILY, 0, [8], 64)
