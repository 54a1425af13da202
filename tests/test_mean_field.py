"""Chapter 1 (Yang & Schoenholz 2017): mean-field recursions against their asymptotic laws,
kernel identities against independent computations, and finite-width networks against the
recursion (theory route ``resprop.theory.mean_field`` vs simulation route ``resprop.simulate``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.integrate

from resprop import estimators, gaussian, networks
from resprop.simulate import simulate
from resprop.theory import mean_field as mf
from resprop.theory.kernels import full_residual_kernels, reduced_residual_kernels

# ---- the recursion is the k×k kernel recursion, restricted to two equal-length inputs -------


@pytest.mark.parametrize(
    "arch,act,alpha,kw",
    [
        ("reduced", "tanh", None, dict(sigma_w2=0.8, sigma_b2=0.1)),
        ("full", "tanh", None, dict(sigma_w2=1.3, sigma_b2=0.2, sigma_v2=0.7, sigma_a2=0.1)),
        ("reduced", "alpha_relu", 0.7, dict(sigma_w2=1.1, sigma_b2=0.05)),
        ("full", "relu", None, dict(sigma_w2=2.0, sigma_v2=1.5, sigma_a2=0.3)),
    ],
)
def test_scalar_recursion_matches_kernel_recursion(arch, act, alpha, kw):
    """Two independent implementations: log-space (ℓ, ε) here, the plain 2×2 kernel in
    theory.kernels. Both float64; 20 layers accumulate ~1e-14 relative rounding."""
    L, p0, e0 = 20, 1.3, 0.4
    K0 = p0 * np.array([[1.0, e0], [e0, 1.0]])
    if arch == "reduced":
        K = reduced_residual_kernels(K0, L, act, alpha=alpha, **kw)
    else:
        K, H = full_residual_kernels(K0, L, act, alpha=alpha, **kw)
    r = mf.mean_field(arch, L, act, alpha=alpha, p0=p0, e0=e0, **kw)
    np.testing.assert_allclose(r.p, K[:, 0, 0], rtol=1e-11)
    np.testing.assert_allclose(r.gamma, K[:, 0, 1], rtol=1e-11)
    if arch == "full":
        np.testing.assert_allclose(r.q[1:], H[1:, 0, 0], rtol=1e-11)
        np.testing.assert_allclose(r.lam[1:], H[1:, 0, 1], rtol=1e-11)


def test_grid_is_vectorised_pointwise():
    """A σ_w² × L grid in one call equals the calls for each σ_w² separately."""
    grid = np.array([0.3, 1.0, 2.5])
    r = mf.mean_field("full", 30, "tanh", sigma_w2=grid, cosine=False)
    for i, s in enumerate(grid):
        one = mf.mean_field("full", 30, "tanh", sigma_w2=s, cosine=False)
        np.testing.assert_array_equal(r.log_chi[:, i], one.log_chi)
        np.testing.assert_array_equal(r.log_p[:, i], one.log_p)


# ---- asymptotic laws (reconstruction §2.7, tolerances of §4.1 or tighter) ----------------


@pytest.mark.parametrize("arch", ["reduced", "full"])
def test_relu_length_and_gradient_are_exactly_exponential(arch):
    """p^L = (1+ρ)^L p⁰ and χ⁰/χ^L = (1+ρ)^L exactly (no biases); log-space keeps L = 2000
    (ρ = 1.5: p ~ e^1833, beyond float64) finite. Rounding: 2000 log1p additions, ~1e-13."""
    kw = dict(sigma_w2=3.0) if arch == "reduced" else dict(sigma_w2=1.5, sigma_v2=2.0)
    L = 2000
    r = mf.mean_field(arch, L, "relu", **kw)
    rate = mf.asymptotic_laws(arch, "relu", **kw)["p"].exponent
    assert rate == pytest.approx(math.log1p(1.5), rel=1e-15)
    np.testing.assert_allclose(r.log_p - r.log_p[0], r.layers * rate, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(r.log_chi, r.layers * rate, rtol=1e-12, atol=1e-12)
    assert np.all(np.isfinite(r.log_s))


def test_relu_cosine_converges_like_inverse_square_depth():
    """1 − e^L ≈ (9π²/2)((1+ρ)/ρ)² L^{−2}: at L = 2·10⁴ the O(log L/L) correction is ~0.4 %
    (0.2 % at 4·10⁴: it halves with L), so 1 % and slope −2 ± 0.01 (notes §4.1) are decidable."""
    L = 20_000
    r = mf.mean_field("full", L, "relu", sigma_w2=1.0, sigma_v2=1.0, e0=0.5)
    law = mf.asymptotic_laws("full", "relu", sigma_w2=1.0, sigma_v2=1.0)["e"]
    assert r.epsilon[-1] * L**2 == pytest.approx(law.constant, rel=0.01)
    fit = estimators.fit_slope(r.layers, np.log(r.epsilon), window=(L / 4, L))
    assert fit.slope == pytest.approx(law.exponent, abs=0.01)


@pytest.mark.parametrize("alpha", [0.6, 0.75, 0.9])
@pytest.mark.parametrize("arch", ["reduced", "full"])
def test_alpha_relu_power_laws(arch, alpha):
    """d ln p/d ln l → 1/(1−α) and d ln χ/d ln l → α²/((1−α)(2α−1)) (notes §4.1: 0.5 % at
    L = 2·10⁵; at L = 2·10⁴ the relative corrections O(ln l/l) are still below 0.05 %)."""
    L = 20_000
    kw = dict(sigma_w2=0.7) if arch == "reduced" else dict(sigma_w2=1.4, sigma_v2=0.6)
    r = mf.mean_field(arch, L, "alpha_relu", alpha=alpha, cosine=False, **kw)
    laws = mf.asymptotic_laws(arch, "alpha_relu", alpha=alpha, **kw)
    fit_p = estimators.fit_slope(r.layers, r.log_p, window=(L / 4, L))
    fit_chi = estimators.fit_slope(r.layers, r.log_chi, window=(L / 4, L))
    assert fit_p.slope == pytest.approx(laws["p"].exponent, rel=0.005)
    assert fit_chi.slope == pytest.approx(laws["chi"].exponent, rel=0.005)
    # the length itself, with its constant: p ≈ ((1−α) K l)^{1/(1−α)} up to O(ln l / l)
    assert r.log_p[-1] == pytest.approx(
        math.log(laws["p"].constant * L ** laws["p"].exponent), rel=0.01
    )


def test_alpha_relu_cosine_moves_monotonically_to_its_fixed_point():
    """e^l → e*_α with J_α(e*) = e* (the rate is not asserted: notes §2.8, pre-asymptotic)."""
    alpha = 0.75
    e_star = mf.alpha_relu_cosine_fixed_point(alpha)
    assert float(gaussian.alpha_relu_kernel(e_star, alpha, normalize=True)) == pytest.approx(
        e_star, abs=1e-13
    )
    for e0 in (0.2, 0.999):
        r = mf.mean_field("reduced", 3000, "alpha_relu", alpha=alpha, sigma_w2=1.0, e0=e0)
        gap = r.e - e_star
        assert np.all(np.sign(gap) == np.sign(e0 - e_star))
        assert np.all(np.diff(np.abs(gap)) < 0)


@pytest.mark.parametrize("arch", ["reduced", "full"])
def test_tanh_laws(arch):
    """tanh, no biases, L = 3000 (notes §4.1 and §2.8): p^L/L within 3 % of A; the slope of
    ln χ⁰/χ^l against √l on [L/4, L] within 4 % of (4/3)√(2/π)σ²σ_w/√A (its O(l^{−1/2})
    correction is ~1.5 % here); the slope of ln e against ln l within 0.03 of −(1 − 2/π)."""
    L = 3000
    kw = dict(sigma_w2=1.0) if arch == "reduced" else dict(sigma_w2=2.25, sigma_v2=1.0)
    r = mf.mean_field(arch, L, "tanh", e0=0.9, **kw)
    laws = mf.asymptotic_laws(arch, "tanh", **kw)
    assert r.p[-1] / L == pytest.approx(laws["p"].constant, rel=0.03)
    chi = estimators.fit_slope(r.layers, r.log_chi, window=(L / 4, L), x_scale="sqrt")
    assert chi.slope == pytest.approx(laws["chi"].exponent, rel=0.04)
    e = estimators.fit_slope(r.layers, np.log(r.e), window=(L / 4, L))
    assert e.slope == pytest.approx(laws["e"].exponent, abs=0.03)


def test_feedforward_tanh_is_exponential():
    """The feed-forward baseline: q → q*, and ln χ⁰/χ^l grows linearly at ln(σ_w² Vφ̇(q*))."""
    r = mf.mean_field("feedforward", 300, "tanh", sigma_w2=2.0, cosine=False)
    law = mf.asymptotic_laws("feedforward", "tanh", sigma_w2=2.0)
    assert r.p[-1] == pytest.approx(law["p"].exponent, rel=1e-10)
    fit = estimators.fit_slope(r.layers, r.log_chi, window=(100, 300), x_scale="linear")
    assert fit.slope == pytest.approx(law["chi"].exponent, rel=1e-8)
    assert law["chi"].exponent > 0.05


def test_tanh_cosine_fixed_point_with_bias():
    e_star, delta = mf.tanh_cosine_fixed_point(1.0, 1.0)
    assert 2 / math.pi * math.asin(e_star) - e_star + (1 - e_star) == pytest.approx(0, abs=1e-14)
    assert 1 - 2 / math.pi < delta < 0.5


# ---- kernel identities of α-ReLU (claim 6), to 1e-10 ------------------------------------


@pytest.mark.parametrize("alpha", [0.6, 0.75, 1.0, 1.5])
def test_price_identity_by_integration(alpha):
    """F_α(c) − F_α(0) = α² ∫₀^c F_{α−1}: closed form against adaptive quadrature of the
    derivative identity (quad's tolerance 1e-13; F_{α−1} is integrable at c = 1 for α > ½)."""
    for c in (-0.9, -0.3, 0.5, 0.99):
        integral, err = scipy.integrate.quad(
            lambda t: float(gaussian.alpha_relu_kernel(t, alpha - 1)),
            0.0,
            c,
            epsabs=1e-13,
            epsrel=1e-13,
        )
        lhs = float(gaussian.alpha_relu_kernel(c, alpha) - gaussian.alpha_relu_kernel(0.0, alpha))
        assert lhs == pytest.approx(alpha**2 * integral, abs=1e-10)


@pytest.mark.parametrize("alpha", [0.6, 0.75])
def test_bessel_representation_and_variance_constant(alpha):
    c = np.array([-0.7, 0.0, 0.6, 0.95])
    np.testing.assert_allclose(
        gaussian.alpha_relu_kernel_bessel(c, alpha),
        gaussian.alpha_relu_kernel(c, alpha),
        atol=1e-10,
    )
    c_alpha = 2 ** (alpha - 1) * math.gamma(alpha + 0.5) / math.sqrt(math.pi)
    assert float(gaussian.alpha_relu_kernel(1.0, alpha)) == pytest.approx(c_alpha, abs=1e-12)


@pytest.mark.parametrize("alpha", [0.6, 0.75, 1.0])
def test_non_analytic_expansion_at_one(alpha):
    """J_α(1−ε) − 1 + α²/(2α−1) ε = C_α ε^{α+½} + O(ε²): at ε = 1e-6 the O(ε²) term is a
    relative ε^{3/2−α} ≤ 3e-5 and rounding of J (1e-16 absolute) a relative ≤ 1e-7; tol 1e-3."""
    eps = 1e-6
    J = float(gaussian.alpha_relu_kernel(1 - eps, alpha, normalize=True))
    measured = (J - 1 + alpha**2 / (2 * alpha - 1) * eps) / eps ** (alpha + 0.5)
    assert measured == pytest.approx(mf.alpha_relu_expansion_coefficient(alpha), rel=1e-3)


# ---- finite width against the recursion (n ≥ 512) ---------------------------------------


def _two_inputs(n: int, e0: float, seed: int) -> np.ndarray:
    """Two inputs u ∈ R^n with u_a·u_b/n = [[1, e0], [e0, 1]]. Fed through a random input layer
    x⁰ = W_in u (W_in ~ N(0, 1/n)), x⁰ is exactly Gaussian with that covariance in every
    network (a fixed x⁰ biases the reduced network's first layer), and random tangents
    t ~ N(0, I_n) are nearly orthogonal to the inputs, as the χ recursion assumes."""
    q = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, 2)))[0]
    return np.sqrt(n) * np.linalg.cholesky(np.array([[1.0, e0], [e0, 1.0]])) @ q.T


SIM_CASES = [
    ("full", dict(activation="tanh"), dict(sigma_w2=1.0, sigma_v2=1.0)),
    ("reduced", dict(activation="relu"), dict(sigma_w2=0.5)),
    ("reduced", dict(activation="alpha_relu", alpha=0.8), dict(sigma_w2=1.0)),
]


@pytest.mark.parametrize("arch,act,kw", SIM_CASES)
def test_simulation_matches_recursion(arch, act, kw):
    """Mean over B networks of p^L = ‖x^L‖²/n and of χ⁰/χ^L = ‖J_L t‖²/‖t‖² (forward JVP, whose
    mean is the gradient-explosion ratio) against the recursion, within 4 SE (SE = sd/√B;
    for ln of the mean, SE = sd/(√B·mean)). n = 512, L = 40, B = 48; fixed seed."""
    n, L, B, e0 = 512, 40, 48, 0.5
    cls = {"full": networks.FullResidual, "reduced": networks.ReducedResidual}[arch]
    net = cls(width=n, depth=L, input_dim=n, **act, **kw)
    rec = simulate(net, _two_inputs(n, e0, 0), B, seed=3, n_tangents=2, progress=False)
    th = mf.mean_field(arch, L, act["activation"], alpha=act.get("alpha"), e0=e0, **kw)
    p = np.exp(rec.log_sq_norm[:, -1, 0])
    assert abs(p.mean() - th.p[-1]) <= 4 * p.std(ddof=1) / math.sqrt(B)
    ratio = np.exp(rec.jvp_log_sq_norm[:, -1] - rec.jvp_log_sq_norm[:, 0]).mean(axis=-1)
    se_log = ratio.std(ddof=1) / (math.sqrt(B) * ratio.mean())
    assert abs(math.log(ratio.mean()) - th.log_chi[-1]) <= 4 * se_log


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda: mf.mean_field("resnet", 3), "architecture"),
        (lambda: mf.mean_field("full", 0), "depth"),
        (lambda: mf.mean_field("full", 3, sigma_w2=-1.0), "sigma_w2"),
        (lambda: mf.mean_field("full", 3, p0=0.0), "p0"),
        (lambda: mf.mean_field("full", 3, e0=1.5), "e0"),
        (lambda: mf.alpha_relu_cosine_fixed_point(1.2), "alpha"),
    ],
)
def test_bad_parameters_name_themselves(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# ---- the tanh χ constant against the asymptotic law ---------------------------------------------


def test_tanh_chi_constant_is_the_sech4_integral():
    """(4/3)√(2/π) = 2∫sech⁴/√(2π): the constant of Vtanh′(q) ≈ (∫sech⁴ u du)/√(2πq)."""
    integral = scipy.integrate.quad(lambda u: np.cosh(u) ** -4, -np.inf, np.inf)[0]
    assert mf.TANH_CHI_CONSTANT == pytest.approx(2 * integral / math.sqrt(2 * math.pi), rel=1e-12)


@pytest.mark.parametrize("arch", ["reduced", "full"])
def test_tanh_chi_rate_matches_the_asymptotic_law_to_1e_3(arch):
    """At large depth the recursion's own gradient rate gives the law's constant to 1e-3.

    The law ln χ⁰/χ^L ≈ k√L comes from σ²Vtanh′(q) ≈ σ²(4/3)/√(2πq) summed with p^l ≈ A l.
    Take the recursion at L = 2000 and its last increment Δ = ln χ^L − ln χ^{L−1} =
    log1p(σ² Vtanh′(q)): the local constant 2 expm1(Δ) √(p^{L−1}/A) equals k up to the
    relative O(1/q) correction of Vtanh′ (measured −6e-5 RRN, −5e-5 FRN), whereas the slope fit on
    [L/4, L] carries an O(L^{−1/2}) correction of ~1.5 %. A 2 % error in the constant fails.
    """
    L = 2000
    kw = dict(sigma_w2=1.5) if arch == "reduced" else dict(sigma_w2=2.25, sigma_v2=0.8)
    A = kw["sigma_w2"] if arch == "reduced" else kw["sigma_v2"]  # p ≈ A l (no biases)
    r = mf.mean_field(arch, L, "tanh", cosine=False, **kw)
    law = mf.asymptotic_laws(arch, "tanh", **kw)["chi"]
    delta = r.log_chi[-1] - r.log_chi[-2]
    local = 2 * math.expm1(delta) * math.sqrt(math.exp(r.log_p[-2]) / A)
    assert local == pytest.approx(law.exponent, rel=1e-3)


# ---- level sets of the predicted quantities (the trainability experiments of chapter 1) -----


def test_level_set_of_the_gradient_explosion_hits_its_level_and_tends_to_one_over_l():
    """At each depth the recursion at the returned σ_w² gives the level back (interpolation
    error O(Δ²) ≈ 1e-3 on a 400-point grid). The level set approaches the asymptotic law
    σ_w² ∝ 1/L (ln χ ≈ (4/3)√(2/π) σ_w √L) only slowly: its log-log slope is −1.74 between
    L = 8 and 32 (ln χ = 5) and −1.17 between L = 250 and 1000 (ln χ = 30)."""
    depths = np.array([8, 32, 128])
    sw = mf.sigma_w2_level_set("log_chi", 5.0, depths)
    traj = mf.mean_field("full", 128, "tanh", sigma_w2=sw, cosine=False)
    np.testing.assert_allclose(traj.log_chi[depths, np.arange(3)], 5.0, rtol=2e-3)
    shallow = np.log(sw[1] / sw[0]) / np.log(4)
    deep = mf.sigma_w2_level_set("log_chi", 30.0, [250, 1000], sigma_w2_range=(1e-3, 100))
    deep_slope = np.log(deep[1] / deep[0]) / np.log(4)
    assert abs(deep_slope + 1) < 0.2 < abs(shallow + 1)


def test_level_set_of_the_squared_distance_follows_sigma_v2_sigma_w_2alpha():
    """α-ReLU FRN (no biases): s^L is a function of σ_v² σ_w^{2α} up to O(1) corrections of
    the first layers; across σ_v² ∈ [¼, 4] at L = 64 the level set's slope is −1/α ± 0.02."""
    sv = np.array([0.25, 1.0, 4.0])
    sw = mf.sigma_w2_level_set("log_s", 3.0, 64, activation="alpha_relu", alpha=0.75, sigma_v2=sv)
    assert np.polyfit(np.log(sv), np.log(sw), 1)[0] == pytest.approx(-1 / 0.75, abs=0.02)


def test_level_set_refuses_levels_out_of_range_and_bad_quantities():
    with pytest.raises(ValueError, match="level"):
        mf.sigma_w2_level_set("log_chi", 1e6, [8])
    with pytest.raises(ValueError, match="quantity"):
        mf.sigma_w2_level_set("log_p", 1.0, [8])
    with pytest.raises(ValueError, match="depths"):
        mf.sigma_w2_level_set("log_chi", 1.0, [0])
    with pytest.raises(ValueError, match="sigma_w2_range"):
        mf.sigma_w2_level_set("log_chi", 1.0, [8], sigma_w2_range=(1.0, 0.5))
