"""The estimators against closed-form values for distributions whose moments are known."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.optimize
import scipy.stats

from resprop import estimators

B = 20_000


def test_mean_and_its_standard_error():
    x = np.random.default_rng(1).normal(0.3, 2.0, B)
    m, se = estimators.mean_se(x)
    assert math.isclose(se, 2.0 / math.sqrt(B), rel_tol=0.03)  # SE of the SE: 1/√(2B) ≈ 0.5%
    assert abs(m - 0.3) < 4 * se


def test_variance_and_its_standard_error_for_a_gaussian():
    x = np.random.default_rng(2).normal(0.0, 1.5, B)
    v, se = estimators.variance_se(x)
    assert math.isclose(se, 1.5**2 * math.sqrt(2 / B), rel_tol=0.05)  # Var s² = 2σ⁴/B
    assert abs(v - 1.5**2) < 4 * se


def test_log_mean_exp_of_a_gaussian():
    """ln E e^X = σ²/2 for X ~ N(0, σ²)."""
    x = np.random.default_rng(3).normal(0.0, 0.8, B)
    value, se = estimators.log_mean_exp(x)
    assert abs(value - 0.8**2 / 2) < 4 * se


@pytest.mark.parametrize("call", [estimators.mean_se, estimators.variance_se])
def test_too_few_or_non_finite_samples_raise(call):
    with pytest.raises(ValueError, match="samples"):
        call([1.0])
    with pytest.raises(ValueError, match="samples"):
        call([1.0, np.nan, 2.0, 3.0])


# ---- exact values and standard errors checked by their own Monte Carlo ------------------------
#
# Each estimator is applied to R = 8000 independent replications of B = 1000 samples at once
# (``axis=1``) from a distribution where the estimator's exact law is known. Three checks:
# * the mean reported SE against the exact standard deviation of the estimator at this B,
#   tolerance 1 %. The mean SE's own noise is < 0.1 % here; its bias (the delta method and
#   √ of a noisy variance, O(1/B)) was measured at −0.43 % (Gaussian s²), −0.27 % (uniform
#   s²), −0.13 % (log-mean-exp) and −0.07 % (RMS), so a 2 % error in an SE fails by > 1.5 %;
# * the Monte Carlo standard deviation of the R estimates against the same exact value, to
#   4/√(2R) = 3.2 % (the noise of an SD over R replications): the exact formula itself;
# * the mean estimate against the exact value within 4 SD/√R (with the known O(1/B) bias).

R, BS = 8000, 1000


def _replicate(draw, estimator, chunks=4):
    est, se = [], []
    for i in range(chunks):
        x = draw(np.random.default_rng(100 + i), (R // chunks, BS))
        e, s = estimator(x, axis=1)
        est.append(e)
        se.append(s)
    return np.concatenate(est), np.concatenate(se)


def _check(est, se, *, value, sd, bias=0.0):
    assert se.mean() == pytest.approx(sd, rel=0.01), "mean reported SE vs exact SD"
    assert est.std(ddof=1) == pytest.approx(sd, rel=4 / math.sqrt(2 * est.size)), "MC SD"
    assert abs(est.mean() - (value + bias)) <= 4 * sd / math.sqrt(est.size)


def test_variance_se_exact_for_a_gaussian():
    """s² of N(0, σ²): E s² = σ², SD(s²) = σ²√(2/(B−1)) exactly."""
    s = 1.7
    est, se = _replicate(lambda g, shape: g.normal(0.0, s, shape), estimators.variance_se)
    _check(est, se, value=s**2, sd=s**2 * math.sqrt(2 / (BS - 1)))


def test_variance_se_exact_for_a_uniform():
    """s² of U(−1, 1): E s² = ⅓, Var s² = (μ₄ − σ⁴(B−3)/(B−1))/B with μ₄ = ⅕ (the m₄ term)."""
    est, se = _replicate(lambda g, shape: g.uniform(-1.0, 1.0, shape), estimators.variance_se)
    _check(est, se, value=1 / 3, sd=math.sqrt((0.2 - (BS - 3) / (BS - 1) / 9) / BS))


def test_log_mean_exp_exact_for_a_gaussian():
    """ln mean e^X, X ~ N(0, σ²): ln E e^X = σ²/2; SD √((e^{σ²} − 1)/B) to first order (the
    O(1/B) correction is < 0.1 % here) and bias −(e^{σ²} − 1)/(2B) (second order of ln)."""
    s2 = 0.25
    draw = lambda g, shape: g.normal(0.0, math.sqrt(s2), shape)  # noqa: E731
    est, se = _replicate(draw, estimators.log_mean_exp)
    v = math.expm1(s2)
    _check(est, se, value=s2 / 2, sd=math.sqrt(v / BS), bias=-v / (2 * BS))


def test_rms_with_se_exact_for_gaussian_errors():
    """r = √(mean e²), e ~ N(0, σ²): r√B/σ is χ with B degrees of freedom, so
    E r = σ√(2/B) Γ((B+1)/2)/Γ(B/2) and SD r = √(σ² − (E r)²) exactly."""
    s = 0.3
    est, se = _replicate(lambda g, shape: g.normal(0.0, s, shape), estimators.rms_with_se)
    mean = s * math.sqrt(2 / BS) * math.exp(math.lgamma((BS + 1) / 2) - math.lgamma(BS / 2))
    _check(est, se, value=mean, sd=math.sqrt(s**2 - mean**2))


def test_mean_se_exact():
    est, se = _replicate(lambda g, shape: g.normal(0.3, 2.0, shape), estimators.mean_se)
    _check(est, se, value=0.3, sd=2.0 / math.sqrt(BS))


@pytest.mark.parametrize(
    "draw,exact",
    [
        (lambda g, shape: g.standard_normal(shape), 0.0),
        (lambda g, shape: g.laplace(size=shape), 3.0),
        (lambda g, shape: g.uniform(-1.0, 1.0, shape), -1.2),
    ],
    ids=["gaussian", "laplace", "uniform"],
)
def test_excess_kurtosis_exact(draw, exact):
    """Pooled excess kurtosis of 10⁶ zero-mean values against its closed form; SE ≤ 0.005
    (Gaussian, uniform), so an error of 0.06 is > 12 SE."""
    x = draw(np.random.default_rng(5), (500, 2000))
    k, se = estimators.excess_kurtosis(x)
    assert se < (0.04 if exact == 3.0 else 0.01)  # the Laplace x⁴ is heavy-tailed
    assert abs(k - exact) <= 4 * se


def test_excess_kurtosis_network_level_se_by_monte_carlo():
    """Neurons of one network share a random scale s_b = e^{0.2 g_b}: pooled excess kurtosis
    3 E s⁴/(E s²)² − 3 = 3e^{0.16} − 3 = 0.52. The SE must count networks, not neurons: the
    i.i.d. SE √(24/(BN)) is 1.85× too small. Over R = 1000 replications of (B = 400 networks,
    N = 10 neurons), the SD of the estimates is within 12 % of the mean reported SE (measured
    +5.8 %: the delta method's O(1/B) bias for this skewed ratio; the SD's own noise is 2.2 %)."""
    rng = np.random.default_rng(6)
    Rk, B, N = 1000, 400, 10
    scale = np.exp(0.2 * rng.standard_normal((Rk, B, 1)))
    x = scale * rng.standard_normal((Rk, B, N))
    k, se = estimators.excess_kurtosis(x, axis=1)
    assert k.shape == (Rk,)
    assert k.std(ddof=1) == pytest.approx(se.mean(), rel=0.12)
    assert se.mean() > 1.5 * math.sqrt(24 / (B * N))  # measured 1.85×
    exact = 3 * math.exp(0.16) - 3
    assert abs(k.mean() - exact) <= 4 * k.std(ddof=1) / math.sqrt(Rk) + 0.02  # ratio bias O(1/B)


def test_axis_agrees_with_flattening():
    x = np.random.default_rng(7).normal(size=(30, 4))
    for fn in (
        estimators.mean_se,
        estimators.variance_se,
        estimators.log_mean_exp,
        estimators.rms_with_se,
    ):
        est, se = fn(x, axis=0)
        assert est.shape == se.shape == (4,)
        for j in range(4):
            assert (est[j], se[j]) == pytest.approx(fn(x[:, j]), rel=1e-12)
        e1, s1 = fn(x.T, axis=-1)
        np.testing.assert_allclose(e1, est, rtol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda: estimators.excess_kurtosis([[1.0, np.nan], [1.0, 2.0]]),
        lambda: estimators.rms_with_se([1.0, np.nan, 2.0]),
        lambda: estimators.rms_with_se([1.0, np.inf]),
        lambda: estimators.loglog_slope([1, 2, 4], [1.0, np.nan, 2.0], [0.1, 0.1, 0.1]),
        lambda: estimators.log_mean_exp([0.0, np.nan]),
    ],
)
def test_nan_is_refused(call):
    with pytest.raises(ValueError, match="finite"):
        call()


# ---- the 1/n extrapolation ----------------------------------------------------------------------


def test_extrapolation_is_exact_on_a_polynomial_in_inverse_n():
    n = np.array([8.0, 16.0, 32.0, 64.0])
    y = 2.0 - 3.0 / n + 5.0 / n**2
    fit = estimators.extrapolate_inverse_n(n, y, np.full(4, 0.01), order=2)
    assert fit.value == pytest.approx(2.0, abs=1e-10)
    assert fit.coefficients == pytest.approx([2.0, -3.0, 5.0], abs=1e-8)
    assert fit.chi2 == pytest.approx(0.0, abs=1e-12) and fit.dof == 1 and fit.p_value > 0.99


def test_extrapolation_se_and_goodness_of_fit_by_monte_carlo():
    """y_i = a + b/n_i + N(0, se_i²): over 4000 replications the SD of â matches the reported
    SE (within 5 %: the SD's own noise is 1.1 %), â is unbiased, χ² has mean dof and the
    p-values are uniform (mean ½ within 4·√(1/12/R))."""
    rng = np.random.default_rng(8)
    n = np.array([16.0, 32.0, 64.0, 128.0, 256.0])
    se = np.array([0.02, 0.015, 0.01, 0.01, 0.008])
    Rx = 4000
    fits = [
        estimators.extrapolate_inverse_n(n, 1.5 + 4.0 / n + se * rng.standard_normal(5), se)
        for _ in range(Rx)
    ]
    a = np.array([f.value for f in fits])
    reported = fits[0].se
    assert all(f.se == reported and f.dof == 3 for f in fits)
    assert a.std(ddof=1) == pytest.approx(reported, rel=0.05)
    assert abs(a.mean() - 1.5) <= 4 * reported / math.sqrt(Rx)
    chi2 = np.array([f.chi2 for f in fits])
    assert abs(chi2.mean() - 3) <= 4 * math.sqrt(6 / Rx)
    p = np.array([f.p_value for f in fits])
    assert abs(p.mean() - 0.5) <= 4 * math.sqrt(1 / 12 / Rx)


def test_extrapolation_detects_a_wrong_model():
    """Data with a 1/n² term fitted at order 1: χ² is far above dof, p tiny; order 2 fits."""
    n = np.array([4.0, 8.0, 16.0, 32.0, 64.0])
    y = 1.0 + 2.0 / n + 40.0 / n**2
    se = np.full(5, 0.01)
    assert estimators.extrapolate_inverse_n(n, y, se).p_value < 1e-6
    assert estimators.extrapolate_inverse_n(n, y, se, order=2).value == pytest.approx(1.0)


def test_extrapolation_with_as_many_coefficients_as_widths():
    fit = estimators.extrapolate_inverse_n([10.0, 20.0], [1.1, 1.05], [0.01, 0.01])
    assert fit.dof == 0 and fit.chi2 == pytest.approx(0.0, abs=1e-16) and fit.p_value == 1.0
    assert fit.value == pytest.approx(1.0) and fit.slope == pytest.approx(1.0)


def test_extrapolation_se_against_the_closed_form():
    """Order 1 (a + b/n) by hand: with w = 1/se², x = 1/n, Var â = Σwx²/(Σw Σwx² − (Σwx)²),
    â = (Σwx² Σwy − Σwx Σwxy)/(same); χ² = Σw(y − â − b̂x)²."""
    n = np.array([16.0, 32.0, 64.0, 128.0])
    y = np.array([1.31, 1.18, 1.09, 1.05])
    se = np.array([0.03, 0.02, 0.02, 0.01])
    w, x = 1 / se**2, 1 / n
    S, Sx, Sxx, Sy, Sxy = (
        w.sum(),
        (w * x).sum(),
        (w * x * x).sum(),
        (w * y).sum(),
        (w * x * y).sum(),
    )
    det = S * Sxx - Sx**2
    a, b = (Sxx * Sy - Sx * Sxy) / det, (S * Sxy - Sx * Sy) / det
    fit = estimators.extrapolate_inverse_n(n, y, se)
    assert fit.value == pytest.approx(a, rel=1e-12)
    assert fit.slope == pytest.approx(b, rel=1e-10)
    assert fit.se == pytest.approx(math.sqrt(Sxx / det), rel=1e-12)
    assert fit.chi2 == pytest.approx(float(np.sum(w * (y - a - b * x) ** 2)), rel=1e-9)
    assert fit.p_value == pytest.approx(scipy.stats.chi2.sf(fit.chi2, 2), rel=1e-12)


def test_excess_kurtosis_se_against_its_asymptotic_value():
    """i.i.d. U(−1, 1) values (μ₂ⁿ moments 1/(2n+1)): the delta-method SE tends to
    √(gᵀΣg/(BN)), g = (1/μ₂², −2μ₄/μ₂³), Σ = Cov(x⁴, x²) = [[μ₈ − μ₄², μ₆ − μ₄μ₂],
    [·, μ₄ − μ₂²]]. Averaged over 100 replications of 1000 networks × 10 neurons the reported
    SE is within 1 % of it (measured within ±0.35 % over three seeds), so a 2 % error fails."""
    m2, m4, m6, m8 = 1 / 3, 1 / 5, 1 / 7, 1 / 9
    g = np.array([1 / m2**2, -2 * m4 / m2**3])
    cov = np.array([[m8 - m4**2, m6 - m4 * m2], [m6 - m4 * m2, m4 - m2**2]])
    Rk, B, N = 100, 1000, 10
    x = np.random.default_rng(9).uniform(-1.0, 1.0, (Rk, B, N))
    k, se = estimators.excess_kurtosis(x, axis=1)
    assert se.mean() == pytest.approx(math.sqrt(g @ cov @ g / (B * N)), rel=0.01)
    assert abs(k.mean() + 1.2) <= 4 * se.mean() / math.sqrt(Rk)


# ---- comparing independent estimates ----------------------------------------------------------


def test_difference_ratio_and_relative_error_propagate_independent_ses():
    difference, ratio, relative_error = (
        estimators.difference,
        estimators.ratio,
        estimators.relative_error,
    )
    assert difference((3.0, 0.3), (1.0, 0.4)) == pytest.approx((2.0, 0.5))
    r, r_se = ratio((2.0, 0.2), (4.0, 0.4))
    assert r == pytest.approx(0.5) and r_se == pytest.approx(0.5 * math.hypot(0.1, 0.1))
    assert relative_error((1.1, 0.05), -2.0) == pytest.approx((3.1 / 2.0, 0.025))


def test_comparison_helpers_check_the_se_against_monte_carlo():
    # the SE of a difference of two independent means matches its spread over replications
    difference, mean_se = estimators.difference, estimators.mean_se
    rng = np.random.default_rng(7)
    a, b = rng.normal(1.0, 1.0, (400, 200)), rng.normal(0.0, 2.0, (400, 200))
    diffs = [difference(mean_se(x), mean_se(y)) for x, y in zip(a, b, strict=True)]
    spread = np.std([d[0] for d in diffs], ddof=1)
    predicted = np.mean([d[1] for d in diffs])
    # the SD of a sample SD over 400 replications has relative SE ≈ 1/√(2·399) ≈ 3.5 %
    assert abs(spread / predicted - 1) < 4 * 0.036


@pytest.mark.parametrize(
    "call,field",
    [
        (lambda e: e.difference((1.0, -0.1), (0.0, 0.1)), "a"),
        (lambda e: e.ratio((1.0, 0.1), (0.0, 0.1)), "b"),
        (lambda e: e.relative_error((1.0, 0.1), 0.0), "theory"),
        (lambda e: e.relative_error((float("nan"), 0.1), 1.0), "measured"),
    ],
)
def test_comparison_helpers_name_bad_inputs(call, field):
    with pytest.raises(ValueError, match=field):
        call(estimators)


def test_ks_null_matches_the_kolmogorov_constants_and_a_simulation():
    mean, sd = estimators.ks_null(100)
    assert mean == pytest.approx(math.sqrt(math.pi / 2) * math.log(2) / 10)
    assert sd == pytest.approx(math.sqrt(math.pi**2 / 12 - (10 * mean) ** 2) / 10)
    rng = np.random.default_rng(3)
    d = [scipy.stats.kstest(rng.normal(size=2000), "norm").statistic for _ in range(400)]
    m, sd = estimators.ks_null(2000)
    # 400 replications: SE of their mean is sd/20; finite-B bias of the mean is ≈ 0.17/B
    assert abs(np.mean(d) - m) < 4 * sd / 20 + 0.17 / 2000
    with pytest.raises(ValueError, match="n_samples"):
        estimators.ks_null(0)


def test_gaussian_law_se_is_the_spread_of_the_w2_distance_over_replications():
    rng = np.random.default_rng(5)
    w2, se = [], []
    for x in rng.normal(0.3, 2.0, (400, 500)):
        (m, sm), (v, sv) = estimators.mean_se(x), estimators.variance_se(x)
        w2.append(math.hypot(m - 0.0, math.sqrt(v) - 1.0))  # to the fixed law N(0, 1)
        se.append(estimators.gaussian_law_se(sm, v, sv))
    # W₂ is far from 0 here, so its spread is the projection (Δm SE_m, Δs SE_s)/W₂ of the two
    # errors: at most the bound √(SE_m² + SE_s²), and here (Δs ≫ Δm) about SE_s
    spread, bound = np.std(w2, ddof=1), np.mean(se)
    assert spread <= bound * (1 + 4 * 0.036)
    assert spread == pytest.approx(2.0 / math.sqrt(2 * 500), rel=4 * 0.036 + 0.05)
    assert estimators.gaussian_law_se(0.3, 4.0, 1.6) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="var"):
        estimators.gaussian_law_se(0.1, 0.0, 0.1)


# --------------------------------------------------------------------------------------------
# the estimators of chapter 03


def test_rms_of_finite_leaves_out_and_counts_infinite_errors():
    e = np.array([0.1, 0.2, np.inf, 0.3, np.inf])
    rms, se, dead = estimators.rms_of_finite(e)
    assert (rms, se) == estimators.rms_with_se(e[np.isfinite(e)])
    assert dead == 2
    assert estimators.rms_of_finite([0.1, np.inf, np.inf])[0] == math.inf
    with pytest.raises(ValueError, match="errors"):
        estimators.rms_of_finite([0.1, np.nan, 0.2])


def test_power_law_exponent_recovers_an_exact_law_and_its_se_by_monte_carlo():
    x = np.array([8.0, 16, 32, 64, 128, 256])
    y = 3.0 * x**-1.0
    p, _ = estimators.power_law_exponent(x, y, 0.01 * y[0] * np.ones_like(x))
    assert p == pytest.approx(-1.0, abs=1e-8)
    # Monte Carlo: 400 noisy replicates; the reported SE matches the spread of the fits
    # (its relative accuracy with 400 replicates is about 1/√800 ≈ 3.5 %, allowed 4 × that)
    rng = np.random.default_rng(3)
    se = 0.02 * y[0] / np.sqrt(x / x[0])
    fits = np.array(
        [estimators.power_law_exponent(x, y + se * rng.standard_normal(6), se) for _ in range(400)]
    )
    assert fits[:, 0].std(ddof=1) == pytest.approx(fits[:, 1].mean(), rel=0.14)
    assert abs(fits[:, 0].mean() + 1.0) <= 4 * fits[:, 0].std(ddof=1) / math.sqrt(400)
    A = estimators.power_law_amplitude(x, y, np.ones_like(x), -1.0)
    assert A == pytest.approx(3.0, rel=1e-12)
    with pytest.raises(ValueError, match="x, y, se"):
        estimators.power_law_exponent([1, 2], [1, 2], [1, 1])


def test_power_law_exponent_is_the_least_squares_optimum_and_refuses_pure_noise():
    """Where Levenberg–Marquardt converges it finds the same (p, SE); on noise around 0, where
    LM from p = −1 runs out of evaluations, the profile fit still returns its optimum, with an
    SE that says the exponent is barely fixed; data whose optimum runs to the bound raise."""
    x = np.array([4.0, 8, 16, 32])
    y = np.array([0.21, 0.12, 0.048, 0.031])
    se = np.array([0.02, 0.015, 0.01, 0.008])
    (_, p_lm), cov = scipy.optimize.curve_fit(
        lambda x, A, p: A * x**p, x, y, p0=[y[0] * x[0], -1.0], sigma=se, absolute_sigma=True
    )
    p, p_se = estimators.power_law_exponent(x, y, se)
    assert p == pytest.approx(p_lm, abs=1e-6) and p_se == pytest.approx(cov[1, 1] ** 0.5, rel=1e-4)
    p, p_se = estimators.power_law_exponent([4, 8, 16], [0.034, -0.044, -0.038], [0.06, 0.03, 0.03])
    assert abs(p) < 8 and p_se > 1
    with pytest.raises(ValueError, match="y: the data fix no power law"):
        estimators.power_law_exponent([4, 8, 16], [1.0, 1e-30, 0.0], [1e-3, 1e-3, 1e-3])


def test_log_ratio_and_difference_of_means():
    rng = np.random.default_rng(4)
    lo, hi = rng.normal(2.0, 0.5, 400), rng.normal(6.0, 1.0, 900)
    lr, se = estimators.log_ratio_of_means(lo, hi)
    assert lr == pytest.approx(math.log(hi.mean() / lo.mean()), rel=1e-15)
    assert se == pytest.approx(math.hypot(0.5 / 2 / 20, 1.0 / 6 / 30), rel=0.1)
    d, dse = estimators.difference_of_means(lo, hi)
    assert d == pytest.approx(lo.mean() - hi.mean(), rel=1e-15)
    assert dse == pytest.approx(math.sqrt(lo.var(ddof=1) / 400 + hi.var(ddof=1) / 900))
    with pytest.raises(ValueError, match="low, high"):
        estimators.log_ratio_of_means(-lo, hi)


def test_gaussian_variance_se_agrees_with_the_delta_method_for_gaussian_samples():
    x = np.random.default_rng(5).normal(0.0, 2.0, 20_000)
    v, se = estimators.gaussian_variance_se(x)
    v2, se2 = estimators.variance_se(x)
    assert v == pytest.approx(v2, rel=1e-12)
    assert se == pytest.approx(se2, rel=0.05)  # SE of the delta method's m₄ estimate: ~2 %
    assert abs(v - 4.0) <= 4 * se


# ---- the location of a maximum (chapter 4's best-trained residual scale) -----------------------


def test_optimum_location_exact_parabola_and_bracketing():
    """Noise-free samples of −(x − x₀)²: the vertex is x₀ to rounding and every replicate agrees."""
    x = np.linspace(-2.0, 2.0, 9)
    y = np.tile(-((x - 0.3) ** 2), (4, 1))
    opt = estimators.optimum_location(x, y)
    assert opt.location == pytest.approx(0.3, abs=1e-12)
    assert opt.se == pytest.approx(0.0, abs=1e-12) and opt.bracketed
    edge = estimators.optimum_location(x, np.tile(x, (3, 1)))  # increasing: the maximum is outside
    assert not edge.bracketed and edge.location == x[-1]


def test_optimum_location_noisy_within_its_bootstrap_se():
    """Parabola plus N(0, 0.05²) noise, 8 seeds: x̂ within 4 bootstrap SE of the true vertex."""
    x = np.linspace(-2.0, 2.0, 11)
    rng = np.random.default_rng(4)
    y = -0.5 * (x + 0.4) ** 2 + rng.normal(0.0, 0.05, (8, x.size))
    opt = estimators.optimum_location(x, y, n_boot=500, seed=1)
    assert 0 < opt.se < 0.5 and opt.replicates.shape == (500,)
    assert abs(opt.location + 0.4) <= 4 * opt.se


@pytest.mark.parametrize(
    ("kw", "name"),
    [
        (dict(x=[0.0, 1.0, 2.0], samples=np.zeros((2, 4))), "samples"),
        (dict(x=[0.0, 1.0, 1.0], samples=np.zeros((2, 3))), "x"),
        (dict(x=[0.0, 1.0, 2.0], samples=np.zeros((1, 3))), "samples"),
        (dict(x=[0.0, 1.0, 2.0], samples=[[0.0, np.nan, 1.0]] * 2), "samples"),
        (dict(x=[0.0, 1.0, 2.0], samples=np.zeros((2, 3)), half_window=0), "half_window"),
    ],
)
def test_optimum_location_bad_inputs_raise(kw, name):
    with pytest.raises(ValueError, match=rf"^{name}:"):
        estimators.optimum_location(**kw)


# ---- trainability boundaries -----------------------------------------------------------------


def test_threshold_crossing_interpolates_linearly_right_of_the_best():
    """A plateau at 1 that falls to 0.5 between x = 2 and 3: 0.95 is crossed at x = 2.1; the
    dip at x = 0, left of the best, is ignored; curves broadcast against a shared x."""
    x = np.arange(5.0)
    curve = np.array([0.2, 1.0, 1.0, 0.5, 0.4])
    assert estimators.threshold_crossing(curve, x, fraction=0.95) == pytest.approx(2.1)
    both = estimators.threshold_crossing(np.stack([curve, curve * 0.5]), x, fraction=0.95)
    np.testing.assert_allclose(both, [2.1, 2.1])


def test_threshold_crossing_refuses_unbracketed_curves_and_bad_fractions():
    with pytest.raises(ValueError, match="not bracketed"):
        estimators.threshold_crossing([0.2, 0.5, 1.0], [0, 1, 2], fraction=0.95)
    for bad in (0.0, 1.0, math.nan):
        with pytest.raises(ValueError, match="fraction"):
            estimators.threshold_crossing([1.0, 0.1], [0, 1], fraction=bad)
    with pytest.raises(ValueError, match="x"):
        estimators.threshold_crossing([1.0, 0.1], [1, 0], fraction=0.5)


def test_bootstrap_slope_recovers_a_line_and_its_standard_error():
    """y_sj = 2 − 0.8 x_j + N(0, 0.3²) for S = 400 seeds: the slope's SE is
    0.3/√(S Σ(x − x̄)²) (OLS of the seed means); the bootstrap matches it within 10 %."""
    rng = np.random.default_rng(5)
    x = np.log([8.0, 16, 32, 64, 128])
    y = 2 - 0.8 * x + rng.normal(0, 0.3, (400, x.size))
    fit = estimators.bootstrap_slope(x, y, n_boot=2000, seed=1)
    exact_se = 0.3 / math.sqrt(400 * np.sum((x - x.mean()) ** 2))
    assert fit.se == pytest.approx(exact_se, rel=0.1)
    assert abs(fit.slope + 0.8) < 4 * exact_se
    assert fit.intercept == pytest.approx(fit.mean.mean() - fit.slope * x.mean())
    assert fit.mean.shape == fit.mean_se.shape == (5,)
    again = estimators.bootstrap_slope(x, y, n_boot=2000, seed=1)
    assert again.se == fit.se


def test_bootstrap_slope_refuses_bad_shapes():
    with pytest.raises(ValueError, match="y"):
        estimators.bootstrap_slope([1.0, 2.0], [[1.0, 2.0]])  # one seed
    with pytest.raises(ValueError, match="y"):
        estimators.bootstrap_slope([1.0, 2.0, 3.0], np.ones((3, 2)))
    with pytest.raises(ValueError, match="x"):
        estimators.bootstrap_slope([1.0, 1.0], np.ones((3, 2)))
    with pytest.raises(ValueError, match="n_boot"):
        estimators.bootstrap_slope([1.0, 2.0], np.ones((3, 2)), n_boot=1)


def test_fit_slope_per_network_uncertainty():
    """On synthetic curves y_b = k ln l + noise the per-network slope fit recovers k within
    4 SE, and its SE matches the OLS standard error of one slope / √B (within 30 %)."""
    rng = np.random.default_rng(1)
    layers = np.arange(1, 201)
    B, k, sd = 200, 2.5, 0.3
    y = k * np.log(layers) + sd * rng.standard_normal((B, layers.size))
    fit = estimators.fit_slope(layers, y, window=(50, 200))
    x = np.log(layers[49:])
    ols_se = sd / math.sqrt(np.sum((x - x.mean()) ** 2)) / math.sqrt(B)
    assert abs(fit.slope - k) <= 4 * fit.se
    assert fit.se == pytest.approx(ols_se, rel=0.3)
    with pytest.raises(ValueError, match="window"):
        estimators.fit_slope([1, 2, 3], [1, 2, 3], window=(1, 3))
    with pytest.raises(ValueError, match="x_scale"):
        estimators.fit_slope([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], window=(1, 5), x_scale="cube")


def test_ratio_of_means_is_the_delta_method_and_checks_its_inputs():
    rng = np.random.default_rng(3)
    v = 2 + rng.standard_normal((3, 4000))
    u = 0.5 * v + 0.1 * rng.standard_normal((3, 4000))  # paired: R = 0.5 up to noise
    R, se = estimators.ratio_of_means(u, v, axis=1)
    assert R.shape == (3,) and np.all(np.abs(R - 0.5) < 4 * se)
    r0, s0 = estimators.ratio_of_means(u[0], v[0])
    assert r0 == R[0] and s0 == pytest.approx(
        np.std(u[0] - r0 * v[0], ddof=1) / (v[0].mean() * math.sqrt(4000))
    )
    with pytest.raises(ValueError, match="paired"):
        estimators.ratio_of_means(u[0], v[0, :10])
    with pytest.raises(ValueError, match="den"):
        estimators.ratio_of_means([1.0, 2.0], [1.0, -1.0])
