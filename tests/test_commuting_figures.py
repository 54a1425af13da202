"""Tests of resprop.commuting_figures: every figure of chapter 03 draws from small results, with
the panels, titles and series it promises (the numbers themselves are tested in test_commuting)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from resprop import commuting as cm  # noqa: E402
from resprop import commuting_figures as figs  # noqa: E402
from resprop import estimators  # noqa: E402
from resprop.theory import depth_limit as dl  # noqa: E402

K0 = np.array([[1.0, 0.5], [0.5, 1.0]])
X = dl.inputs_for_kernel(K0)
RNG = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_kernel_flow_and_recursion_figures():
    flow = cm.kernel_flow([(8, 4), (16, 8)], X, 4, seed=0, device="cpu")
    t = np.linspace(0, 1, 11)
    fig = figs.kernel_flow_figure(flow, t, dl.limiting_kernel(K0, t))
    ax0, ax1 = fig.axes
    assert ax0.get_title() == "squared length" and len(ax1.get_lines()) == 2 * 3 + 1
    euler = {a: dl.euler_errors(K0, [4, 8, 16], a) for a in ("relu", "tanh")}
    (ax,) = figs.recursion_figure(euler).axes
    assert [line.get_label() for line in ax.get_lines()][:2] == ["relu", "tanh"]


def test_heatmap_and_paths_figures():
    grid = np.stack([np.full((2, 3), 0.1), np.full((2, 3), 0.01), np.zeros((2, 3))], axis=-1)
    fig = figs.error_heatmaps_figure({"a": grid, "b": grid, "c": 2 * grid}, [8, 16], [4, 8, 16])
    assert len(fig.axes) == 4  # three maps and a colour bar
    rows = np.array([[8, 2, 0.3, 0.01], [16, 4, 0.2, 0.01]])
    fig = figs.paths_figure({(cm.RESNET, 0.5): rows, (cm.MLP, 0.5): rows}, [8, 16])
    assert [ax.get_title() for ax in fig.axes] == [cm.RESNET, cm.MLP]
    assert fig.axes[0].get_legend().get_texts()[0].get_text() == "$L = n^{0.5}$ (L up to 4)"


def test_branch_and_linear_figures():
    sweep = {(a, L): RNG.uniform(0.1, 1.0, 8) for a in (0.25, 0.5) for L in (16, 64)}
    fig = figs.branch_exponent_figure(sweep, [0.25, 0.5], [16, 64], 32)
    assert len(fig.axes) == 2 and fig.axes[0].get_yscale() == "log"
    fig = figs.linear_depth_first_figure({4: RNG.normal(0.5, 1.0, 200)})
    assert len(fig.axes[0].patches) == 1


def test_gaussianity_figure():
    neurons = {n: RNG.standard_normal((4, n)) for n in (8, 16, 32)}
    kurt = np.array([estimators.excess_kurtosis(h) for h in neurons.values()])
    kurt[:, 0] = [0.4, 0.2, 0.1]
    fig = figs.gaussianity_figure(neurons, kurt, (-1.0, 0.1), 3.2, 64)
    ax_qq, ax_k = fig.axes
    assert len(ax_qq.get_lines()) == 2 + 1  # widths 8 and 32, and the diagonal
    assert ax_k.get_yscale() == "symlog"


def test_sde_and_order_of_limits_figures():
    rec = dl.euler_errors(K0, [4, 8, 16, 32], "relu").kernels
    conv = cm.step_convergence(K0, 4, 16, 4 * 64, "relu", 3, rec, seed=1, device="cpu")
    fig = figs.sde_convergence_figure({"relu": conv, "tanh": conv}, 4)
    assert fig.axes[0].get_title().startswith("relu: weak order")
    Q1 = dl.limiting_kernel(K0, [1.0])[0]
    rows = np.array([[Q1[0, 0] + 0.1 / n, 0.01, Q1[0, 1], 0.01] for n in (4, 8)])
    fit = estimators.power_law_exponent([4, 8, 16], [0.1, 0.05, 0.025], [0.01] * 3)
    lim = estimators.extrapolate_inverse_n([4, 8], rows[:, 0], rows[:, 1])
    df = cm.DepthFirst("relu", (4, 8), Q1, rows, fit, lim)
    euler = {a: dl.euler_errors(K0, [4, 8], a) for a in ("relu", "tanh")}
    fig = figs.order_of_limits_figure(
        {"relu": df, "tanh": df}, euler, ([4, 8], rows[:, :2]), (4, 16, (1.7, 0.01))
    )
    ax_l, ax_r = fig.axes
    assert ax_l.get_title() == "ReLU: three orders of the limits"
    assert ax_r.get_ylim() == pytest.approx((1e-5, 0.3))


def test_gp_figure():
    d = cm.gp_circle_data(0)
    mu, var = RNG.normal(size=30), np.full(30, 0.01)
    keys = [(n, L) for L in (4, 16) for n in (8, 32)]
    err = {k: (0.1 / k[0], 0.001) for k in keys}
    fig = figs.gp_figure(d, (mu, var), err, {k: mu for k in keys})
    ax_f, ax_e = fig.axes
    assert ax_f.get_legend().get_texts()[1].get_text() == "one network, n = 8, L = 16"
    assert [t.get_text() for t in ax_e.get_xticklabels()] == ["8", "32"]
