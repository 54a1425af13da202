"""Tests of resprop.synthesis_figures: every figure of the synthesis chapter draws from small grids,
with the panels, titles and series it promises (the numbers are tested in
test_synthesis_experiments)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from test_synthesis_experiments import BETAS, EXPONENTS, FAMILY, WIDTHS, small_grids  # noqa: E402

from resprop import synthesis_experiments as sx  # noqa: E402
from resprop import synthesis_figures as figs  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def grids():
    return small_grids()


def test_cell_texts():
    p = dict(dist={"mean field": 0.5, "ODE limit": 0.25}, rho=0.9, se_rho=0.01,
             pred={"mean field": (0.91, 0.0), "ODE limit": (0.95, 0.0)})  # fmt: skip
    assert figs.dist_text(p).splitlines() == ["mea 0.5", "log n/a", "ODE 0.25"]
    assert figs.rho_text(p).splitlines() == ["ρ 0.900±0.010", "mea +0.910", "ODE +0.950"]


def test_map_figures(grids):
    grid, kgrid, tgrid = grids
    fig = figs.law_map_figure(grid, tgrid, 64, 64)
    assert len(fig.axes) == 2 * len(WIDTHS)
    assert fig.axes[0].get_title() == "ReLU, n = 8, 64 networks per point"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == sx.NAMES
    assert len(fig.axes[0].texts) == len(EXPONENTS) * len(BETAS)
    fig = figs.kernel_map_figure(kgrid, 64, 0.5)
    assert [ax.get_title() for ax in fig.axes][-1] == "tanh, n = 16, 64 networks per point"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == sx.KERNEL_NAMES


def test_collapse_and_spread_figures(grids):
    grid, _, _ = grids
    (ax,) = figs.collapse_figure(grid, 64, branch_scale=1.0,
                                 sigma_w2=2.0).axes  # fmt: skip
    assert len(ax.containers) == len(EXPONENTS) * len(WIDTHS)  # one errorbar per (a, n)
    assert ax.get_xscale() == "log" and len(ax.texts) == 3  # the three limiting constants
    ft = sx.field_theory_spread(FAMILY, 4, [8, 16, 32], 64)
    (ax,) = figs.tanh_spread_figure(ft).axes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sum(label.startswith(name) for label in labels for name in ft.theory) == 3
