"""Tests of resprop.log_gaussian_claims: the declarations of the log-Gaussian chapter's claims and
the checks that decide them, on small results of resprop.log_gaussian_experiments (fixed
seeds) and on constructed numbers whose verdict is known."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from resprop import log_gaussian_claims as claims
from resprop import log_gaussian_experiments as lgx
from resprop.chapter import Chapter
from resprop.estimators import extrapolate_inverse_n
from resprop.theory import log_gaussian as lg

C, A, N = 2.0, lg.growth(2.0), 16


def seed_for(stream: str) -> int:
    return int.from_bytes(hashlib.sha256(f"2/{stream}".encode()).digest()[:8], "little")


SIM = lgx.Streams(seed_for, device="cpu")


def fit_at(value: float, se: float):
    """An exact a + b/n fit whose extrapolated value is ``value`` ± ``se``."""
    return extrapolate_inverse_n([64, 128, 256], [value + 1 / n for n in (64, 128, 256)], [se] * 3)


@pytest.fixture(scope="module")
def scan():
    return lgx.width_scan(SIM, C, [8, 16], [200, 100], 1.0, N, sign_lags=2)


def test_declare_claims_declares_every_claim_once(tmp_path):
    ch = Chapter("02_log_gaussian", device="cpu", root=tmp_path)
    claims.declare_claims(ch)
    assert list(ch.declared) == [cid for cid, _, _ in claims.CLAIMS]
    assert ch.declared["02-7"]["paper"] == "book" and ch.declared["02-1a"]["paper"] == "LNR21"
    with pytest.raises(ValueError, match="twice"):
        claims.declare_claims(ch)


def test_decision_records_on_the_chapter(tmp_path):
    ch = Chapter("02_log_gaussian", device="cpu", root=tmp_path)
    claims.declare_claims(ch)
    res = lgx.sampler_check(SIM, C, 8, 4, 300)
    decision = claims.decide_sampler(res)
    assert len(decision.checks) == 2 and "per sampler" in decision.note
    claim = decision.record(ch, "02-0")
    assert claim.id == "02-0" and ch.claims == [claim]


def test_limit_decisions_follow_the_fit():
    limit = {
        "one_layer": {
            n: {"mean": (lg.mu(C), 0.01), "variance": (lg.s2(C), 0.05)} for n in (64, 128)
        }
    }
    fit = {"mean": fit_at(lg.mu(C), 0.01), "variance": fit_at(lg.s2(C), 0.05)}
    mean = claims.decide_limit(limit, fit, C, 0.5, 128, "mean")
    assert mean.checks[0].verdict == "reproduced" and mean.figure == "moments_vs_beta"
    var = claims.decide_limit(limit, fit, C, 0.5, 128, "variance")
    assert "not rejected (+0.0 SE)" in var.note
    wrong = {
        "mean": fit_at(lg.mu(C) - lg.mean_parts(C)["ito_r"], 0.01),
        "variance": fit["variance"],
    }
    assert claims.decide_limit(limit, wrong, C, 0.5, 128, "mean").checks[0].verdict != "reproduced"
    with pytest.raises(ValueError, match="q"):
        claims.decide_limit(limit, fit, C, 0.5, 128, "skewness")
    assert "by width: 64: " in claims.limit_report(limit, C, 0.5, 128)


def test_output_and_hypoactivation_decisions(scan):
    main = {1.0: scan[N]}
    ks = claims.decide_ks_mixture(main, lgx.ks_by_beta(main, C, N), C, N, "100")
    assert len(ks.checks) == 1 and ks.figure == "output_histograms"
    gauss = claims.decide_ks_gaussian(lgx.ks_by_width(scan, C), 0.1, [200, 100], 1.0)
    assert "n = 16, B = 100" in gauss.note
    hyp = lgx.hypo_fits(scan, C, [8, 16], N, burn_in=2)
    for field in lgx.FIELDS:
        d = claims.decide_hypoactivation(hyp, field, C, 2, [8, 16], N)
        assert d.checks[0].alternative == 0.0


def test_correlation_balanced_and_fc_decisions(scan):
    lags = np.arange(3)
    balanced = lgx.balanced_runs(SIM, C, N, 1.0, 60, 2)
    acov = lgx.increment_autocovs({"standard": scan[N], **balanced}, A, N, lags, 2)
    inter, theory, fit = lgx.interlayer_sums(scan, C, lags[1:], 2, [8, 16])
    assert (
        claims.decide_interlayer(inter, theory, fit, lags[1:], [8, 16]).checks[0].theory == theory
    )
    d = claims.decide_balanced(balanced["crelu"], acov["crelu"], scan[N], acov["standard"],
                               C, theory, lags[1:], 2)  # fmt: skip
    assert [c.theory for c in d.checks] == [0.0, 0.0] and "60 networks" in d.note
    sm, sm_fit = lgx.second_moment_scan(scan, C, 0.5, [8, 16])
    d = claims.decide_second_moment(sm, sm_fit, C, 0.5, [8, 16])
    assert d.checks[0].theory == pytest.approx(lg.second_moment_exponent(C) * 0.5)
    pred = lg.predict(C, 128, 128, "fc")
    rng = np.random.default_rng(0)  # constructed samples from the predicted laws
    samples = pred.mean + np.sqrt(pred.var) * rng.standard_normal(4000)
    fc = claims.decide_fc({"fc": (samples, pred)}, C, 128)
    assert fc["mean"].checks[0].verdict == "reproduced" and set(fc) == {"mean", "variance"}
    bal = lg.predict(C, 128, 128, "crelu")
    samples = bal.mean + np.sqrt(bal.var) * rng.standard_normal(4000)
    var = claims.decide_balanced_variance({"crelu": (samples, bal)}, "crelu", C, 128)
    assert var.checks[0].verdict == "reproduced" and "exact finite-n" in var.note


def test_blocks_decision_rejects_only_c_changes():
    k = {b: lg.block_constants(C, b) for b in lg.BLOCKS}
    blocks = {b: {"mean": (k[b][0], 0.01), "variance": (k[b][1], 0.02)} for b in lg.BLOCKS}
    limit = {"two_layer": {128: blocks["two_layer"]}}
    limit_fit = {("two_layer", "mean"): fit_at(k["two_layer"][0], 0.02),
                 ("two_layer", "variance"): fit_at(k["two_layer"][1], 0.05)}  # fmt: skip
    d = claims.decide_blocks(blocks, limit, limit_fit, C, 128, 2.0)
    assert [c.verdict for c in d.checks] == ["reproduced"] * 4
    assert "σ_w² = 2, σ_v² = 2" in d.note
