"""Tests of resprop.panels: each idiom draws the artists it promises, from the numbers given."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.stats  # noqa: E402

from resprop import panels  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_width_axis_labels_each_width_on_a_log_axis(ax):
    ax.plot([8, 64], [1, 2])
    panels.width_axis(ax, [8, 16, 64])
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["8", "16", "64"]
    assert len(ax.xaxis.get_minorticklocs()) == 0


def test_band_with_spread_draws_the_mean_band_and_one_sd_lines(ax):
    x = np.linspace(0, 1, 5)
    samples = np.random.default_rng(0).normal(size=(50, 5)) + x
    panels.band_with_spread(ax, x, samples, label="s")
    lines = ax.get_lines()
    assert len(lines) == 3  # mean, mean − sd, mean + sd
    m, sd = samples.mean(0), samples.std(0, ddof=1)
    np.testing.assert_allclose(lines[0].get_ydata(), m)
    np.testing.assert_allclose(lines[1].get_ydata(), m - sd)
    np.testing.assert_allclose(lines[2].get_ydata(), m + sd)
    assert len({line.get_color() for line in lines}) == 1
    with pytest.raises(ValueError, match="samples"):
        panels.band_with_spread(ax, x, samples[:1], label="s")


def test_errorbar_estimates_uses_two_standard_errors(ax):
    container = panels.errorbar_estimates(ax, [1, 2], [(1.0, 0.1), (2.0, 0.2)], fmt="o")
    segments = container.lines[2][0].get_segments()
    assert [s[1, 1] - s[0, 1] for s in segments] == pytest.approx([0.4, 0.8])


def test_annotated_heatmaps_share_one_scale_and_label_counts():
    fig, axes = plt.subplots(1, 2)
    g1 = np.ones((2, 3, 3)) * [0.1, 0.01, 0]
    g2 = np.ones((2, 3, 3)) * [1.0, 0.1, 0]
    g2[1, 2, 2] = 4
    im = panels.annotated_heatmaps(axes, {"a": g1, "b": g2}, [16, 32, 64], [8, 16], vmax=0.5)
    assert (im.norm.vmin, im.norm.vmax) == (0.1, 0.5)
    texts = [t.get_text() for t in axes[1].texts]
    assert len(texts) == 6 and texts[-1] == "1\n4 dead"
    assert [t.get_text() for t in axes[0].get_xticklabels()] == ["16", "32", "64"]
    assert axes[1].get_title() == "b"
    plt.close(fig)


def test_qq_against_normal_is_the_diagonal_for_normal_quantiles(ax):
    x = scipy.stats.norm.ppf((np.arange(1, 200_001) - 0.5) / 200_000)
    q = panels.qq_against_normal(ax, {"n": x}, n_quantiles=100)
    line, diagonal = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), q, atol=1e-3)
    np.testing.assert_array_equal(diagonal.get_xdata(), diagonal.get_ydata())


def test_law_vs_histogram_draws_the_pdf_and_a_density(ax):
    law = scipy.stats.norm(1.0, 0.5)
    samples = law.rvs(size=2000, random_state=1)
    panels.law_vs_histogram(ax, law, samples, label="law")
    (line,) = ax.get_lines()
    assert line.get_ydata().max() == pytest.approx(1 / (0.5 * math.sqrt(2 * math.pi)), rel=1e-3)
    (patch,) = ax.patches
    assert patch.get_edgecolor()[:3] == pytest.approx(matplotlib.colors.to_rgb(line.get_color()))
