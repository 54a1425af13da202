"""Tests of resprop.log_gaussian_experiments, the drivers of the log-Gaussian chapter.

Small sizes (widths ≤ 32, a few hundred networks): each driver is checked for its shape, its
named seed streams (same stream, same numbers; the scan reused where the chapter reuses it),
one property against theory or an independent computation with a tolerance of 4 standard
errors, and its refusal of bad parameters.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from resprop import log_gaussian_experiments as lgx
from resprop.log_norm_estimators import log_norm
from resprop.networks import ReducedResidual
from resprop.theory import log_gaussian as lg

C = 2.0
A = lg.growth(C)


def seed_for(stream: str) -> int:
    return int.from_bytes(hashlib.sha256(f"0/{stream}".encode()).digest()[:8], "little")


SIM = lgx.Streams(seed_for, device="cpu")


@pytest.fixture(scope="module")
def scan():
    return lgx.width_scan(SIM, C, [8, 16], [300, 200], 1.0, 16, sign_lags=2)


def test_streams_name_the_seed_and_refuse_bad_parameters():
    net = ReducedResidual(8, 3, sigma_w2=C, input_dim=1)
    a, b = SIM.run(net, 5, "x"), SIM.run(net, 5, "x")
    np.testing.assert_array_equal(a.log_sq_norm, b.log_sq_norm)
    assert not np.array_equal(a.log_sq_norm, SIM.run(net, 5, "y").log_sq_norm)
    with pytest.raises(TypeError, match="seed_for"):
        lgx.Streams(3)
    with pytest.raises(ValueError, match="memory_budget"):
        lgx.Streams(seed_for, memory_budget=0)
    with pytest.raises(ValueError, match="stream"):
        SIM.run(net, 5, "")
    with pytest.raises(ValueError, match="lags"):
        SIM.run(net, 5, "x", lags=-1)


def test_sampler_check_dense_and_gram_agree():
    res = lgx.sampler_check(SIM, C, 8, 4, 400)
    for key in ("d_var", "d_frac"):
        diff, se = res[key]
        assert abs(diff) <= 4 * se
    assert res["no_hypo"] > 0 and res["no_corr"] > 0
    with pytest.raises(ValueError, match="c"):
        lgx.sampler_check(SIM, -1.0, 8, 4, 10)


def test_width_scan_and_main_runs_reuse_the_scan(scan):
    assert list(scan) == [8, 16]
    assert scan[16].network.depth == 16 and scan[16].same_sign.shape[-1] == 2
    main = lgx.main_runs(SIM, C, scan, 16, [0.5, 1.0], 50)
    assert main[1.0] is scan[16] and main[0.5].network.depth == 8
    with pytest.raises(ValueError, match="width"):
        lgx.main_runs(SIM, C, scan, 32, [0.5], 50)
    with pytest.raises(ValueError, match="equal length"):
        lgx.width_scan(SIM, C, [8, 16], [10], 1.0, 8, 0)


def test_limit_scan_fits_and_edge_correction():
    limit, fit = lgx.limit_scan(SIM, C, 0.5, ([8, 16], [300, 200]), ([8, 16], [200, 100]), 2.0)
    assert set(fit) == {(b, q) for b in limit for q in ("mean", "variance", "skewness")}
    m, se = limit["one_layer"][16]["mean"]
    assert abs(m - lg.mu(C)) < 4 * se + 1.0  # O(1/n) from the limit at n = 16
    z = lgx.z_at(limit, "one_layer", 16, "mean", lg.mu(C))
    assert z == pytest.approx((m - lg.mu(C)) / se)
    with pytest.raises(ValueError, match="sigma_v2"):
        lgx.limit_scan(SIM, C, 0.5, ([8], [10]), ([8], [10]), 0.0)


def test_shape_kurtosis_and_ks(scan):
    main = {1.0: scan[16]}
    ad, p, skew = lgx.shape_tests(main, A)[1.0]
    assert ad >= 0 and 0.0 <= p <= 1.0 and np.isfinite(skew)
    kurt = lgx.kurtosis_by_width(scan, A)
    assert kurt[8][1] == pytest.approx(np.sqrt(24 / 300))
    ks = lgx.ks_by_beta(main, C, 16)[1.0]
    assert ks[0].statistic < ks[1].statistic  # the mixture fits better than N(0, 1)
    law, gauss, null = lgx.ks_by_width(scan, C)[16]
    assert law < gauss and null == pytest.approx(1.6276 / np.sqrt(200), rel=1e-3)


def test_hypoactivation_correlations_and_second_moment(scan):
    hyp = lgx.hypo_fits(scan, C, [8, 16], 16, burn_in=2)
    assert set(hyp) == set(lgx.FIELDS) and len(hyp["active_fraction"]["y"]) == 2
    with pytest.raises(ValueError, match="field"):
        lgx.hypo(scan[8], 8, 2, "nope")
    acov = lgx.increment_autocovs({"standard": scan[16]}, A, 16, np.arange(3), 2)
    assert acov["standard"][0].shape == (3,)
    inter, theory, fit = lgx.interlayer_sums(scan, C, np.arange(1, 3), 2, [8, 16])
    assert theory > 0 and set(inter) == {8, 16}
    sm, sm_fit = lgx.second_moment_scan(scan, C, 0.5, [8, 16])
    assert set(sm) == {8, 16} and np.isfinite(sm_fit.value)


def test_balanced_fc_models_and_blocks(scan):
    bal = lgx.balanced_runs(SIM, C, 16, 1.0, 100, 2)
    fc = lgx.fc_run(SIM, 16, 1.0, 100)
    L_of = lgx.log_norms_by_model(scan[16], bal, fc, A)
    assert list(L_of) == ["standard", "random_sign", "crelu", "fc"]
    checks = lgx.model_checks(L_of, C, 16, 16)
    L, pred = checks["crelu"]
    assert L.shape == (100,) and abs(L.mean() - pred.mean) < 4 * L.std() / 10 + 0.05
    limit, _ = lgx.limit_scan(SIM, C, 0.5, ([32, 64], [40, 40]), ([32, 64], [40, 40]), 2.0)
    blocks = lgx.full_residual_blocks(SIM, C, limit, 64, 0.5, 40)  # exact law needs n ≥ 64
    assert list(blocks) == list(lg.BLOCKS)


def test_c_scan_reuses_the_main_run(scan):
    at, z = lgx.c_scan(SIM, C, [1.0], 16, 0.5, 100, scan)
    assert list(at) == [1.0, 2.0] and len(z[2.0]) == 2
    L = log_norm(scan[16], A)[:, 8]
    expected = lgx.edge_corrected(L, lg.predict(C, 16, 8), "one_layer")
    assert at[2.0]["mean"] == expected["mean"]
