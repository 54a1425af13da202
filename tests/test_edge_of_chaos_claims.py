"""Tests of resprop.edge_of_chaos_claims: the declarations of chapter 01 and the checks that
decide its claims, on small results of resprop.edge_of_chaos (width 32, depth 8, recursions to
depth 64; the trainability checks on the synthetic trainer of test_edge_of_chaos)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from test_edge_of_chaos import fake_boundaries

from resprop import edge_of_chaos as eoc
from resprop import edge_of_chaos_claims as claims
from resprop.chapter import Chapter
from resprop.claims import Check
from resprop.training import load_dataset

VERDICTS = {"reproduced", "not reproduced", "not decidable at this profile"}


@pytest.fixture(scope="module")
def families():
    U = eoc.random_inputs(32, seed=1)
    return eoc.simulate_families(U, 8, 32, seed=2, device="cpu")


def _named(checks):
    assert all(isinstance(c, Check) and c.verdict in VERDICTS for c in checks)
    assert all(c.alternative_label for c in checks)


def test_declare_claims_declares_the_six_claims(tmp_path):
    ch = Chapter("01_mean_field", profile="quick", device="cpu", root=tmp_path)
    claims.declare_claims(ch)
    assert set(ch.declared) == {f"YS17-{i}" for i in range(1, 7)}
    assert all(d["paper"] == "YS17" for d in ch.declared.values())
    claims.declare_claims(SimpleNamespace(declare=lambda *a, **k: None))  # only ch.declare


def test_growth_class_and_geometry_checks(families):
    sim, theory = families
    checks = claims.growth_class_checks(sim, theory, big_depth=64, seed=0)
    assert len(checks) == 6
    _named(checks)
    assert checks[2].label.startswith("tanh feedforward: d ln χ/dl")
    assert checks[3].label.startswith("recursion, tanh feedforward, L = 64")
    geo, lines, d_ff = claims.geometry_checks(sim, theory, big_depth=64)
    assert len(geo) == 5 and len(lines) == 3 and 0 <= d_ff < 0.6
    _named(geo)
    assert "tanh full: Δe^(L) at L = 8" in claims.describe_checks(geo)


def test_exponent_table_puts_the_headline_first(families):
    sim, theory = families
    table, checks = claims.exponent_table(sim, theory, big_depth_tanh=64, big_depth=64, seed=0)
    assert len(table) == 18 and len(checks) == 36
    _named(checks)
    assert checks[0].label == "α-ReLU full chi: d ln y/d ln l: law vs recursion (L = 64)"
    assert any(r["q"] == "e^(L) → e*" for r in table)
    text = claims.format_exponent_table(table, 8)
    assert text.count("\n") == 18 and "rec. L=8" in text


def test_kernel_checks_pass_on_exact_routes():
    kr = eoc.kernel_routes([0.8, 1.5], [-0.5, 0.5, 0.9], 32, 32, seed=0, device="cpu")
    checks = claims.kernel_checks(kr)
    assert [c.verdict for c in checks[:4]] == ["reproduced"] * 4
    assert checks[4].theory == pytest.approx(31 / 29)
    with pytest.raises(TypeError, match="KernelRoutes"):
        claims.kernel_checks({"worst": {}})


def test_trainability_checks(monkeypatch):
    tanh, relu = fake_boundaries(monkeypatch, load_dataset("digits", n_train=100, n_test=50))
    c5 = claims.depth_dependence_check(tanh, "digits", 0.95)
    assert c5.measured == pytest.approx(-1.0) and c5.alternative == 0.0
    assert c5.label == "slope of ln σ_w² at the 95% boundary vs ln L (digits)"
    c4 = claims.contour_checks(tanh, relu, "digits")
    assert len(c4) == 2 and c4[0].theory == 0.0 and c4[1].measured == pytest.approx(-4 / 3)
    _named([c5, *c4])
    with pytest.raises(TypeError):
        claims.contour_checks(relu, tanh, "digits")


def test_needs_names_the_se_that_decides():
    text = claims.needs(-1.0, 0.0, 0.25)
    assert text.startswith("an SE below 0.125 (now 0.250): about 4.0× the seeds")
    assert "inf×" in claims.needs(0.0, 0.0, 0.1)
    with pytest.raises(ValueError, match="se"):
        claims.needs(0.0, 1.0, -1.0)
    assert np.isfinite(claims.TOLERANCES["tanh", "p"][1])
