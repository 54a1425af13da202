"""Tests of resprop.edge_of_chaos_figures: every figure of chapter 01 draws from small results,
with the panels, titles and series it promises (the numbers are tested in test_edge_of_chaos)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from test_edge_of_chaos import fake_boundaries  # noqa: E402

from resprop import edge_of_chaos as eoc  # noqa: E402
from resprop import edge_of_chaos_figures as figs  # noqa: E402
from resprop.training import load_dataset  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_dynamics_figure_has_nine_panels_and_three_families_each():
    U = eoc.random_inputs(16, seed=0)
    sim, theory = eoc.simulate_families(U, 8, 8, seed=0, device="cpu")
    fig = figs.dynamics_figure(sim, theory)
    assert len(fig.axes) == 9
    assert fig._suptitle.get_text() == "Mean field vs Monte Carlo: n = 16, 8 networks per curve"
    ax_p = fig.axes[0]
    assert [t.get_text() for t in ax_p.get_legend().get_texts()] == list(eoc.ARCHITECTURES)
    assert fig.axes[7].get_yscale() == "log" and fig.axes[4].get_yscale() == "linear"
    with pytest.raises(ValueError, match="sim"):
        figs.dynamics_figure(sim, {})


def test_kernel_routes_figure():
    kr = eoc.kernel_routes([0.8, 1.0], [-0.5, 0.5], 16, 8, seed=0, device="cpu")
    fig = figs.kernel_routes_figure(kr)
    ax_k, ax_err, ax_z = fig.axes
    assert [t.get_text() for t in ax_k.get_legend().get_texts()] == ["α = 0.8", "α = 1"]
    assert ax_err.get_ylim() == pytest.approx((1e-18, 1e-8))
    assert len(ax_z.get_lines()) == 2
    with pytest.raises(TypeError):
        figs.kernel_routes_figure(None)


def test_cell_edges_bracket_log_spaced_centres():
    v = np.geomspace(1, 16, 5)
    np.testing.assert_allclose(
        figs.log_cell_edges(v), np.geomspace(1 / np.sqrt(2), 16 * np.sqrt(2), 6)
    )


def test_trainability_figure(monkeypatch):
    data = load_dataset("digits", n_train=100, n_test=50, seed=0)
    tanh, relu = fake_boundaries(monkeypatch, data)
    fig = figs.trainability_figure(data, tanh, relu)
    ax, bx = fig.axes[:2]
    assert ax.get_title().startswith("tanh FRN, digits") and "L = 4, digits" in bx.get_title()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "measured boundary ±2 SE" in labels and "Xavier σ_w² = 1" in labels
    assert len(fig.axes) == 3  # the colour bar
    with pytest.raises(TypeError):
        figs.trainability_figure(data, relu, tanh)
