"""Tests of resprop.synthesis_claims: the declarations of the synthesis chapter's claims and the
decisions built from small grids of resprop.synthesis_experiments (their checks, alternatives,
notes and reports)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from test_synthesis_experiments import BETAS, EXPONENTS, FAMILY, small_grids

from resprop import synthesis_claims as claims
from resprop import synthesis_experiments as sx
from resprop.chapter import Chapter
from resprop.claims import Check


@pytest.fixture(scope="module")
def grids():
    return small_grids()


def _checked(d: claims.Decision, n_checks: int = 1) -> None:
    assert len(d.checks) == n_checks and all(isinstance(c, Check) for c in d.checks)
    assert all(c.alternative_label for c in d.checks)


def test_declare_claims_declares_every_claim_of_the_chapter(tmp_path):
    ch = Chapter("05_synthesis", profile="quick", device="cpu", root=tmp_path)
    claims.declare_claims(ch)
    assert list(ch.declared) == [f"05-{i}" for i in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)]
    assert "ρ_0 = 0.5" in ch.declared["05-9"]["statement"]
    fake = SimpleNamespace(sizes=ch.sizes, declare=lambda *a, **k: None)
    claims.declare_claims(fake)  # reads only ch.sizes and calls ch.declare


def test_map_decisions(grids):
    grid, _, tgrid = grids
    d = claims.law_map_decision(grid, threshold=0.1)
    _checked(d)
    assert d.checks[0].theory == 0.0 and "Points won" in d.note and "worst point" in d.report
    with pytest.raises(ValueError, match="threshold"):
        claims.law_map_decision(grid, threshold=-1.0)
    d = claims.tanh_mean_decision(tgrid, 16, 1.0)
    _checked(d)
    assert d.checks[0].theory == tgrid[0.5, 16, 1.0]["pred"]["ODE limit"][0]


def test_variance_decisions(grids):
    grid, _, _ = grids
    ds = claims.variance_decisions(grid, 16, 1.0)
    assert list(ds) == ["05-3", "05-4", "05-5"]
    for d in ds.values():
        _checked(d)
        assert d.note == ""
    assert ds["05-5"].checks[0].alternative == 0.0
    y, e, t = claims.collapsed_variance(grid, 0.5, 16, 1.0, 2.0)
    assert y == pytest.approx(grid[0.5, 16, 1.0]["var"] * 16 / 2.0) and e > 0 and t > 0
    d = claims.collapse_decision(grid, 16, 1.0, EXPONENTS, 2.0)
    _checked(d)
    assert d.checks[0].alternative == claims.collapsed_variance(grid, 1.0, 16, 1.0, 2.0)[2]
    with pytest.raises(ValueError, match="total"):
        claims.collapse_decision(grid, 16, 1.0, EXPONENTS, 0.0)


def test_fluctuation_and_kernel_decisions(grids):
    grid, kgrid, _ = grids
    (betas,) = sx.shared_depth_betas(8, 16, BETAS)
    d = claims.fluctuation_decision(grid, 8, 16, betas)
    _checked(d, 2)
    assert d.checks[0].alternative == pytest.approx(2 * d.checks[0].theory)
    ds = claims.kernel_decisions(kgrid, 8, 16, betas, sx.kernel_win_counts(kgrid))
    assert list(ds) == ["05-9", "05-10"]
    for d in ds.values():
        _checked(d)
        assert "kernel map wins" in d.note and "extrapolated" in d.report


def test_field_theory_decision():
    ft = sx.field_theory_spread(FAMILY, 4, [8, 16, 32], 64)
    d = claims.field_theory_decision(ft)
    _checked(d)
    assert d.checks[0].alternative == ft.theory["Gaussian process"]
    assert "closures of chapter 4" in d.note
