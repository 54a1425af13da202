"""Tests of resprop.log_gaussian_figures: every figure of the log-Gaussian chapter draws from
small results of resprop.log_gaussian_experiments with the panels and series it promises, and
every table has its header and one row per item (the numbers are tested in
test_log_gaussian_experiments)."""

from __future__ import annotations

import hashlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from resprop import log_gaussian_experiments as lgx  # noqa: E402
from resprop import log_gaussian_figures as figs  # noqa: E402
from resprop.theory import log_gaussian as lg  # noqa: E402

C, A, N = 2.0, lg.growth(2.0), 16


def seed_for(stream: str) -> int:
    return int.from_bytes(hashlib.sha256(f"1/{stream}".encode()).digest()[:8], "little")


SIM = lgx.Streams(seed_for, device="cpu")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def runs():
    scan = lgx.width_scan(SIM, C, [8, 16], [200, 100], 1.0, N, sign_lags=2)
    balanced = lgx.balanced_runs(SIM, C, N, 1.0, 60, 2)
    main = lgx.main_runs(SIM, C, scan, N, [0.5, 1.0], 60)
    return scan, balanced, main


def test_tables_have_a_row_per_item(runs):
    assert figs.constants_table([1.0, 2.0]).count("\n") == 4  # header, rule, 2 rows, FC
    assert figs.block_constants_table((2.0,)).count("\n") == 1 + len(lg.BLOCKS)
    table = figs.basic_properties_table(runs[0][N], C, N, burn_in=2)
    assert "P(\\|t\\| > 3)" in table and table.startswith(f"n = {N}, d = {N}")


def test_log_norm_and_output_figures(runs):
    scan, _, main = runs
    per_beta = "60, 100"
    fig = figs.log_norm_histograms_figure(main, C, N, lgx.shape_tests(main, A), per_beta)
    assert len(fig.axes) == 4 and "Anderson" in fig.axes[1 * 2 + 0].get_title()
    fig = figs.output_histograms_figure(main, C, N, lgx.ks_by_beta(main, C, N), per_beta)
    assert fig.axes[0].get_yscale() == "log" and "KS" in fig.axes[0].get_title()
    fig = figs.ks_vs_width_figure(lgx.ks_by_width(scan, C), 0.1, 1.0, [200, 100])
    assert len(fig.axes[0].get_lines()) == 3  # two KS curves and the population level


def test_moments_figure(runs):
    scan = runs[0]
    limit, limit_fit = lgx.limit_scan(SIM, C, 0.5, ([8, 16], [100, 60]), ([8, 16], [60, 40]), 2.0)
    kurt = lgx.kurtosis_by_width(scan, A)
    fit = lgx.moment_fits(limit_fit, kurt, [8, 16])
    fig = figs.moments_figure(scan, C, 1.0, limit, limit_fit, 0.5, fit, kurt)
    assert len(fig.axes) == 6
    assert fig.axes[2].get_ylabel().startswith("excess kurtosis")
    blocks = {"full_residual": limit["one_layer"][16], **{b: limit[b][16] for b in limit}}
    fig = figs.blocks_figure(blocks, limit_fit, C, 16, 0.5)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][1].startswith("two-layer")


def test_hypoactivation_correlations_second_moment_and_balanced(runs):
    scan, balanced, _ = runs
    hyp = lgx.hypo_fits(scan, C, [8, 16], N, burn_in=2)
    fig = figs.hypoactivation_figure(scan, balanced, hyp, C, N, 2)
    assert len(fig.axes) == 3 and fig.axes[2].get_xlabel() == "1/n"
    lags = np.arange(3)
    acov = lgx.increment_autocovs({"standard": scan[N], **balanced}, A, N, lags, 2)
    fig = figs.correlations_figure(scan[N], balanced, acov, C, np.arange(1, 3), lags, 2)
    assert fig.axes[1].get_yscale() == "symlog"
    fc = lgx.fc_run(SIM, N, 1.0, 60)
    L_of = lgx.log_norms_by_model(scan[N], balanced, fc, A)
    _, limit_fit = lgx.limit_scan(SIM, C, 0.5, ([8, 16], [60, 40]), ([8, 16], [40, 40]), 2.0)
    fig = figs.second_moment_figure(L_of, C, N, limit_fit["one_layer", "variance"], 1.0)
    assert len(fig.axes[1].patches) == 3 * len(L_of)  # the stacked variance parts
    checks = lgx.model_checks(L_of, C, N, N)
    fig = figs.balanced_figure(checks, N, 1.0)
    assert len(fig.axes[0].patches) == len(L_of)  # one step histogram per model
    assert figs.model_moments_table(checks, N, N).count("\n") == 3 + len(L_of)


def test_constants_vs_c_figure(runs):
    at, _ = lgx.c_scan(SIM, C, [1.0], N, 0.5, 40, runs[0])
    fig = figs.constants_vs_c_figure(at, C, N, 8, 40)
    assert len(fig.axes) == 2 and "networks per c" in fig._suptitle.get_text()
