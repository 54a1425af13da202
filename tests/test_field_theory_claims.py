"""Tests of resprop.field_theory_claims: the declarations of the field-theory chapter's claims
and the records that decide them, on small results of resprop.field_theory_experiments (fixed
seeds) and on results whose verdict is known (the exact τ²σ_w² degeneracy, the τ* formula)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from resprop import field_theory_claims as fcl
from resprop import field_theory_experiments as fx
from resprop.chapter import Chapter
from resprop.training import load_dataset

S = fx.Setup(seed=2, device="cpu")
BAND = (0.1, 0.3)


@pytest.fixture
def ch(tmp_path):
    chapter = Chapter("04_field_theory", profile="quick", device="cpu", root=tmp_path)
    fcl.declare_claims(chapter)
    return chapter


def test_declare_claims_declares_every_claim_of_the_chapter(ch):
    assert set(ch.declared) == {
        "04-1", "04-1n", "04-1v", "04-1k", "04-2", "04-2b", "04-6", "04-3", "04-7", "04-4",
        "04-4b", "04-5",
    }  # fmt: skip
    assert f"{ch.sizes.train_seeds} seeds" in ch.declared["04-5"]["tests"]
    fake = SimpleNamespace(sizes=ch.sizes, declare=lambda *a, **k: None, record=None)
    fcl.declare_claims(fake)  # reads only ch.sizes and calls ch.declare
    with pytest.raises(TypeError, match="Chapter"):
        fcl.declare_claims(object())


def test_kernel_and_response_claims_record_their_checks(ch):
    k = fx.kernel_finite_size(S, 2, 0.7, [8, 16, 32], [200, 200, 200], 8, 10)
    claims = [
        fcl.record_mean_correction(ch, k),
        fcl.record_naive_closure(ch, k),
        fcl.record_kernel_fluctuations(ch, k),
        fcl.record_kernel_field(ch, k),
    ]
    assert [c.id for c in claims] == ["04-1", "04-1n", "04-1v", "04-1k"]
    assert all(c.figure == "finite_size" for c in claims)
    assert claims[0].checks[0].alternative == 0.0
    assert claims[1].checks[0].alternative == pytest.approx(k.naive[-1])
    assert claims[3].checks[0].theory == pytest.approx(k.cov_cavity[-1])
    scan = fx.response_scan(S, np.geomspace(0.05, 5.0, 5), [2, 4], [2, 4], [0.1, 1.0], 8, 50, 4)
    c2b = fcl.record_mean_field_response(ch, scan, S)
    assert [c.label for c in c2b.checks] == [
        "readout, L = 2, τ = 1.0",  # the simulated scale nearest τ*(2) ≈ 2.6
        "readout, L = 4, τ = 1.0",
        "Jacobian (JVP), L = 4, τ = 1.0",
    ]
    jac = fx.jacobian_finite_size(S, 2, 0.7, [8, 16], 50, 4, (40, 20))
    read = fx.readout_finite_size(S, 2, [0.9], [8, 16], [50, 50], 4, (128, 22))
    assert fcl.record_jacobian_correction(ch, jac).checks[0].theory == pytest.approx(jac.chi1)
    c6 = fcl.record_readout_correction(ch, read)
    assert c6.figure == "response_finite_size" and len(c6.checks) == 1


def test_optimal_scale_claims_have_their_known_verdicts(ch):
    opt = fx.optimal_scales(S, [10, 100, 300], BAND)
    c3 = fcl.record_empirical_band(ch, opt)
    assert [c.verdict for c in c3.checks] == ["reproduced", "reproduced"]  # 68 ≲ L ≲ 616
    c7 = fcl.record_alpha_star_formula(ch, fx.alpha_star_formula(S, opt), S)
    assert c7.verdict == "reproduced"  # two computations of one model
    var = fx.variant_dependence(S, [0.5, 1.0, 2.0], 30)
    assert fcl.record_weight_variance(ch, var).verdict == "not reproduced"  # exactly −1/2
    c4b = fcl.record_variant_dependence(ch, var)
    assert repr(var.closest) in c4b.checks[0].label


def test_trained_optimum_claim(ch):
    data = load_dataset("digits", n_train=80, n_test=40, seed=0)
    tr = fx.training_scan(
        S, data, [2, 3], np.geomspace(0.1, 2.0, 5), width=8, n_seeds=2, epochs=1, lr=0.05,
        batch_size=40, temperature=1e-4, langevin_depths=[3],
    )  # fmt: skip
    c5 = fcl.record_trained_optimum(ch, tr)
    assert len(c5.checks) == 2 and c5.figure == "training"
    assert c5.checks[1].alternative == 0.0 and "Langevin best τ" in c5.note
