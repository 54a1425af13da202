"""Plot idioms draw the artists they promise (and nothing silently wrong)."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import scipy.stats
from matplotlib.collections import PolyCollection, QuadMesh
from matplotlib.container import ErrorbarContainer

from resprop import plots
from resprop.estimators import extrapolate_inverse_n


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_theory_band_draws_mean_band_and_theory(ax):
    x = np.arange(5.0)
    plots.theory_band(ax, x, x, np.full(5, 0.5), label="MC", theory=2 * x, theory_label="th")
    assert [line.get_label() for line in ax.lines] == ["MC", "th"]
    (poly,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
    ys = poly.get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(-1.0) and ys.max() == pytest.approx(5.0)  # ±2 SE


def test_extrapolation_panel_plots_against_inverse_n_and_returns_the_fit(ax):
    n = np.array([32.0, 64.0, 128.0])
    y = 1.0 + 4.0 / n
    se = np.full(3, 0.01)
    fit = plots.extrapolation_panel(ax, n, y, se, label="MC", theory=1.0)
    assert fit.value == pytest.approx(extrapolate_inverse_n(n, y, se).value)
    (bars,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert np.allclose(bars.lines[0].get_xdata(), 1 / n)
    fit_line = next(line for line in ax.lines if line.get_label().startswith("fit a + b/n"))
    assert fit_line.get_xdata()[0] == 0.0
    assert np.allclose(fit_line.get_ydata(), 1.0 + 4.0 * fit_line.get_xdata())
    assert any(line.get_label() == "theory 1.000" for line in ax.lines)
    assert ax.get_xlabel() == "1/n"


def test_slope_panel_is_log_log_with_the_power_law(ax):
    x = np.array([1.0, 10.0, 100.0])
    plots.slope_panel(ax, x, x**0.5, np.full(3, 0.01), slope=0.5, intercept=0.0, label="MC")
    assert ax.get_xscale() == ax.get_yscale() == "log"
    law = next(line for line in ax.lines if line.get_label() == "slope 0.500")
    assert np.allclose(law.get_ydata(), law.get_xdata() ** 0.5)


def test_heatmap_draws_mesh_contours_and_colorbar(ax):
    x, y = np.arange(4.0), np.arange(3.0)
    z = np.add.outer(y, x)
    mesh = plots.heatmap(ax, x, y, z, levels=[2.0], colorbar="z")
    assert isinstance(mesh, QuadMesh)
    assert len(ax.figure.axes) == 2  # the colour bar
    assert len(ax.collections) >= 2  # mesh and contour set


def test_heatmap_refuses_a_transposed_grid(ax):
    with pytest.raises(ValueError, match="z"):
        plots.heatmap(ax, np.arange(4.0), np.arange(3.0), np.zeros((4, 3)))


def test_histogram_panel_normalises_by_all_samples_when_clipped(ax):
    x = np.concatenate([np.zeros(50), np.full(50, 10.0)])  # half the mass outside the span
    plots.histogram_panel(ax, x, [("law", lambda g: np.ones_like(g), "C0")], bins=4, span=(-1, 1))
    heights = [p.get_height() for p in ax.patches]
    assert sum(h * 0.5 for h in heights) == pytest.approx(0.5)
    assert [line.get_label() for line in ax.lines] == ["law"]


def test_qq_panel_puts_matching_quantiles_on_the_diagonal(ax):
    x = np.linspace(-2, 2, 1001)
    q = np.array([0.1, 0.5, 0.9])
    emp = plots.qq_panel(ax, x, [("uniform", lambda p: 4 * p - 2, "o")], q)
    points = ax.lines[0]
    assert np.allclose(points.get_xdata(), points.get_ydata())
    assert np.allclose(emp, 4 * q - 2)


def test_category_map_colours_cells_by_category_and_writes_their_text(ax):
    winners = [["a", "b"], ["b", "b"]]
    text = [["1", "2"], ["3", "4"]]
    labels = {"x_labels": ["x0", "x1"], "y_labels": ["y0", "y1"]}
    plots.category_map(ax, winners, ["a", "b", "none"], ["r", "g", "0.7"], text=text, **labels)
    (image,) = ax.images
    assert np.array_equal(image.get_array(), [[0, 1], [1, 1]])
    assert image.get_clim() == (-0.5, 2.5)
    assert [t.get_text() for t in ax.texts] == ["1", "2", "3", "4"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x0", "x1"]
    legend = plots.category_legend(ax.figure, ["a", "b", "none"], ["r", "g", "0.7"])
    assert [t.get_text() for t in legend.get_texts()] == ["a", "b", "none"]
    with pytest.raises(ValueError, match="winners"):
        plots.category_map(ax, [["c"]], ["a"], ["r"], x_labels=["x"], y_labels=["y"])


# ---- idioms first written for chapter 03 ----


def test_width_axis_labels_each_width_on_a_log_axis(ax):
    ax.plot([8, 64], [1, 2])
    plots.width_axis(ax, [8, 16, 64])
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["8", "16", "64"]
    assert len(ax.xaxis.get_minorticklocs()) == 0


def test_band_with_spread_draws_the_mean_band_and_one_sd_lines(ax):
    x = np.linspace(0, 1, 5)
    samples = np.random.default_rng(0).normal(size=(50, 5)) + x
    plots.band_with_spread(ax, x, samples, label="s")
    lines = ax.get_lines()
    assert len(lines) == 3  # mean, mean − sd, mean + sd
    m, sd = samples.mean(0), samples.std(0, ddof=1)
    np.testing.assert_allclose(lines[0].get_ydata(), m)
    np.testing.assert_allclose(lines[1].get_ydata(), m - sd)
    np.testing.assert_allclose(lines[2].get_ydata(), m + sd)
    assert len({line.get_color() for line in lines}) == 1
    with pytest.raises(ValueError, match="samples"):
        plots.band_with_spread(ax, x, samples[:1], label="s")


def test_errorbar_estimates_uses_two_standard_errors(ax):
    container = plots.errorbar_estimates(ax, [1, 2], [(1.0, 0.1), (2.0, 0.2)], fmt="o")
    segments = container.lines[2][0].get_segments()
    assert [s[1, 1] - s[0, 1] for s in segments] == pytest.approx([0.4, 0.8])


def test_annotated_heatmaps_share_one_scale_and_label_counts():
    fig, axes = plt.subplots(1, 2)
    g1 = np.ones((2, 3, 3)) * [0.1, 0.01, 0]
    g2 = np.ones((2, 3, 3)) * [1.0, 0.1, 0]
    g2[1, 2, 2] = 4
    im = plots.annotated_heatmaps(axes, {"a": g1, "b": g2}, [16, 32, 64], [8, 16], vmax=0.5)
    assert (im.norm.vmin, im.norm.vmax) == (0.1, 0.5)
    texts = [t.get_text() for t in axes[1].texts]
    assert len(texts) == 6 and texts[-1] == "1\n4 dead"
    assert [t.get_text() for t in axes[0].get_xticklabels()] == ["16", "32", "64"]
    assert axes[1].get_title() == "b"
    plt.close(fig)


def test_qq_against_normal_is_the_diagonal_for_normal_quantiles(ax):
    x = scipy.stats.norm.ppf((np.arange(1, 200_001) - 0.5) / 200_000)
    q = plots.qq_against_normal(ax, {"n": x}, n_quantiles=100)
    line, diagonal = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), q, atol=1e-3)
    np.testing.assert_array_equal(diagonal.get_xdata(), diagonal.get_ydata())


def test_law_vs_histogram_draws_the_pdf_and_a_density(ax):
    law = scipy.stats.norm(1.0, 0.5)
    samples = law.rvs(size=2000, random_state=1)
    plots.law_vs_histogram(ax, law, samples, label="law")
    (line,) = ax.get_lines()
    assert line.get_ydata().max() == pytest.approx(1 / (0.5 * math.sqrt(2 * math.pi)), rel=1e-3)
    (patch,) = ax.patches
    assert patch.get_edgecolor()[:3] == pytest.approx(matplotlib.colors.to_rgb(line.get_color()))
