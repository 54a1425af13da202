"""Tests of resprop.field_theory_figures: every figure of the field-theory chapter draws from
small results, with the panels, titles and series it promises (the numbers themselves are tested
in test_field_theory_experiments)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from resprop import field_theory_experiments as fx  # noqa: E402
from resprop import field_theory_figures as ffig  # noqa: E402
from resprop.training import load_dataset  # noqa: E402

S = fx.Setup(seed=1, device="cpu")
BAND = (0.1, 0.3)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_finite_size_figure():
    k = fx.kernel_finite_size(S, 2, 0.7, [8, 16, 32], [50, 50, 50], 8, 10)
    ax_q, ax_v, ax_k = ffig.finite_size_figure(k).axes
    assert ax_q.get_title() == "mean kernel" and ax_k.get_title() == "mean correction $K_1$"
    assert ax_v.get_ylim() == (-8, 8)
    assert [t.get_text() for t in ax_k.get_legend().get_texts()][:2] == [
        "one loop, cavity (ours)",
        "naive closure",
    ]


def test_response_figures():
    scan = fx.response_scan(S, np.geomspace(0.05, 5.0, 5), [2, 4], [2], [0.1, 1.0], 8, 20, 4)
    ax_r, ax_o = ffig.response_figure(scan, S, BAND).axes
    assert (
        ax_r.get_title() == "the readout response (ours)"
        and ax_o.get_title() == "the four at L = 2"
    )
    assert ax_r.get_xscale() == "log" and ax_o.get_yscale() == "log"
    jac = fx.jacobian_finite_size(S, 2, 0.7, [8, 16], 20, 4, (40, 20))
    read = fx.readout_finite_size(S, 2, [0.9], [8, 16], [20, 20], 4, (128, 22))
    ax_j, ax_r = ffig.response_finite_size_figure(jac, read).axes
    assert ax_j.get_title() == "Jacobian response, 20 networks per width"
    assert ax_r.get_title() == "readout response, 20 / 20 networks"
    assert len(ax_r.get_lines()) == 1 + 1 + 1  # the series, its χ₁ and the N = ∞ level
    with pytest.raises(ValueError, match="band"):
        ffig.response_figure(scan, S, (0.3, 0.1))


def test_alpha_star_figures():
    opt = fx.optimal_scales(S, [10, 30], BAND)
    ax_l, ax_e = ffig.alpha_star_figure(fx.alpha_star_formula(S, opt), S, BAND).axes
    assert ax_l.get_title() == "τ* against depth" and ax_e.get_title() == "error of the formula"
    assert len(ax_l.get_lines()) == 3 + 1  # three correlations and the formula
    var = fx.variant_dependence(S, [0.5, 1.0, 2.0], 10)
    ax_a, ax_s = ffig.alpha_star_variants_figure(var, BAND).axes
    assert ax_a.get_title() == "τ* against σ_w², L = 10" and ax_s.get_ylim() == (-1.6, 0.4)
    assert len(ax_a.get_lines()) == len(var.rows)


def test_training_figure():
    data = load_dataset("digits", n_train=80, n_test=40, seed=0)
    tr = fx.training_scan(
        S, data, [2, 3], np.geomspace(0.1, 2.0, 5), width=8, n_seeds=2, epochs=1, lr=0.05,
        batch_size=40, temperature=1e-4, langevin_depths=[2],
    )  # fmt: skip
    ax_a, ax_s = ffig.training_figure(tr, S).axes
    assert ax_a.get_title().startswith("digits: accuracy against τ")
    assert ax_s.get_title() == "best τ against depth" and ax_s.get_yscale() == "log"
