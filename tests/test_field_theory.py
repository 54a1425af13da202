"""Chapter 4 (Fischer, Dahmen & Helias 2023): the 1/N theory and response functions against
exact special cases, independent computations and Monte Carlo.

Monte Carlo setting of the notes' validation: erf, σ_w² = 1, σ_b² = 0, one input with q⁰ = 1,
residual scale α = 0.7, depth L = 10 (q^L ≈ 3.7), Gaussian input layer (input_dim set).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from resprop import networks
from resprop.activations import get_activation
from resprop.gaussian import kernel_map
from resprop.simulate import simulate
from resprop.theory import field_theory as ft
from resprop.theory.kernels import full_residual_kernels, preact_residual_kernels

ALPHA, DEPTH = 0.7, 10
K0_PAIR = np.array([[1.0, 0.5], [0.5, 1.0]])


# ---------------------------------------------------------------------------------------------
# mean field: reuse of theory.kernels, and the response functions by independent routes


def test_mean_kernels_reuse_theory_kernels_and_batched_path_agrees():
    for form in ft.FORMS:
        K = ft.mean_kernels(K0_PAIR, 12, 0.4, "erf", sigma_w2=1.7, sigma_b2=0.1, form=form)
        if form == "preact":
            ref = preact_residual_kernels(
                K0_PAIR, 12, "erf", sigma_w2=1.7, sigma_b2=0.1, branch_multiplier=0.4
            )
        else:
            ref, _ = full_residual_kernels(
                K0_PAIR, 12, "erf", sigma_w2=1.7, sigma_b2=0.1, sigma_v2=0.16
            )
        np.testing.assert_allclose(K, ref, rtol=1e-14)
        scales = np.array([0.05, 0.4, 2.0])
        batched = ft._kernels_batched(K0_PAIR, 12, scales, get_activation("erf"), 1.7, 0.1, form)
        for s, Kb in zip(scales, batched, strict=True):
            ref = ft.mean_kernels(K0_PAIR, 12, s, "erf", sigma_w2=1.7, sigma_b2=0.1, form=form)
            np.testing.assert_allclose(Kb, ref, rtol=1e-13)


@pytest.mark.parametrize("form", ft.FORMS)
def test_response_products_equal_finite_differences_of_the_kernel_recursion(form):
    """χ as a product of per-layer factors vs a central difference of K^L (or E_K^L[φφ])."""
    L, a, h = 15, 0.6, 1e-5
    kw = dict(sigma_w2=1.3, sigma_b2=0.05, form=form)
    E = np.array([[0.0, 1.0], [1.0, 0.0]])
    up = ft.mean_kernels(K0_PAIR + h * E, L, a, "erf", **kw)
    dn = ft.mean_kernels(K0_PAIR - h * E, L, a, "erf", **kw)
    fd_kernel = (up[:, 0, 1] - dn[:, 0, 1]) / (2 * h)
    np.testing.assert_allclose(
        ft.response(K0_PAIR, L, a, kind="kernel", **kw), fd_kernel, rtol=1e-7
    )
    act = kernel_map("erf", up)[:, 0, 1] - kernel_map("erf", dn)[:, 0, 1]
    chi = ft.response(K0_PAIR, L, a, kind="readout", sigma_out2=2.0, **kw)
    np.testing.assert_allclose(chi, 2.0 * act / (2 * h), rtol=1e-7)
    qu = ft.mean_kernels([[1.0 + h]], L, a, "erf", **kw)[:, 0, 0]
    qd = ft.mean_kernels([[1.0 - h]], L, a, "erf", **kw)[:, 0, 0]
    chi_q = ft.response([[1.0]], L, a, kind="q", **kw)
    np.testing.assert_allclose(chi_q, (qu - qd) / (2 * h), rtol=1e-6)


def test_jacobian_response_is_the_c_to_one_limit_and_the_tangent_recursion():
    L, a = 20, 0.5
    jac = ft.response([[1.3]], L, a, kind="jacobian")
    same = ft.response(np.full((2, 2), 1.3), L, a, kind="kernel")  # c⁰ = 1
    np.testing.assert_allclose(jac, same, rtol=1e-12)
    tangent = ft.tangent_kernels(np.diag([1.3, 0.7]), L, a)  # quadrature route, t ⊥ h
    np.testing.assert_allclose(tangent[:, 1, 1] / 0.7, jac, rtol=1e-9)
    np.testing.assert_allclose(tangent[:, 0, 1], 0.0, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# α*


def test_optimal_scale_scales_exactly_as_inverse_sigma_w_in_the_preact_form():
    a1 = ft.optimal_scale(K0_PAIR, 50, sigma_w2=1.0)
    a4 = ft.optimal_scale(K0_PAIR, 50, sigma_w2=4.0)
    assert a1 == pytest.approx(2.0 * a4, rel=1e-5)  # α and σ_w² enter as α²σ_w² only
    full1 = ft.optimal_scale(K0_PAIR, 50, sigma_w2=1.0, form="full")
    full4 = ft.optimal_scale(K0_PAIR, 50, sigma_w2=4.0, form="full")
    assert full1 == pytest.approx(a1, rel=1e-5)  # the forms coincide at σ_w² = 1, σ_b² = 0
    assert full1 / full4 < 2.0 * (1 - 1e-3)  # weights inside φ: weaker than σ_w^(−1)
    lo, hi = ft.near_optimal_range(K0_PAIR, 50, fraction=0.9)
    chi = ft.response(K0_PAIR, 50, [lo, a1, hi])[:, -1]
    np.testing.assert_allclose(chi[[0, 2]], 0.9 * chi[1], rtol=1e-7)
    for kind in ("kernel", "jacobian", "q"):  # monotone definitions have no interior α*
        assert math.isnan(ft.optimal_scale(K0_PAIR, 50, kind=kind))


def test_discrete_response_converges_to_the_continuum_at_first_order():
    """α = √(x/L): the network is forward Euler of the continuum ODE, so the error is O(1/L)."""
    x = 5.0
    chi = float(ft.continuum_response(x, K0_PAIR))
    err = [abs(ft.response(K0_PAIR, L, math.sqrt(x / L))[-1] - chi) for L in (500, 1000)]
    assert err[0] / err[1] == pytest.approx(2.0, rel=0.05)


# ---------------------------------------------------------------------------------------------
# the 1/N theory: exact special case and an independent route for the self term


def test_linear_network_one_loop_is_exact():
    """φ(x) = x: E K̂^l = q⁰(1+a)^l exactly (K₁ = 0), and the exact recursion
    E[K̂'²] = E[K̂²]((1+a)² + (4a + 2a²)/N) gives N·Var = q²[2 + l(4a + 2a²)/(1+a)²] + O(1/N).
    The two closures agree here: they differ only in non-quadratic cross-layer moments."""
    q0, a, sw, L = 1.4, 0.6, 1.5, 8
    fs = ft.finite_size([[q0]], L, a, "linear", sigma_w2=sw)
    r = a * a * sw
    layers = np.arange(L + 1)
    q = q0 * (1 + r) ** layers
    np.testing.assert_allclose(fs.kernel[:, 0, 0], q, rtol=1e-12)
    np.testing.assert_allclose(fs.mean_correction, 0.0, atol=1e-7)
    exact = q**2 * (2 + layers * (4 * r + 2 * r * r) / (1 + r) ** 2)
    np.testing.assert_allclose(fs.covariance[:, 0, 0, 0, 0], exact, rtol=1e-8)
    np.testing.assert_allclose(fs.covariance_kernel_field[:, 0, 0, 0, 0], exact, rtol=1e-8)


def test_self_interaction_term_matches_analytic_second_derivatives():
    """The cavity self term computed with analytic φ″ (erf) and its own quadrature, vs the
    library's Price-theorem finite differences in the increment covariance."""
    sw, a, L = 1.5, 0.6, 6
    fs = ft.finite_size([[0.8]], L, a, "erf", sigma_w2=sw)
    q = fs.kernel[:, 0, 0]
    x, w = np.polynomial.hermite_e.hermegauss(150)
    w = w / w.sum()
    z1, z2 = np.meshgrid(x, x, indexing="ij")
    ww = np.outer(w, w)
    phi = get_activation("erf")

    def d2F(h):  # (σ_w² φ²)'' = 2σ_w² (φ′² + φ φ″), φ″ = −(π/2) h φ′ for erf
        d1 = phi.derivative(h)
        return 2 * sw * (d1**2 + phi(h) * (-math.pi / 2) * h * d1)

    Jq = np.array([np.sum(w * d2F(math.sqrt(qk) * x)) / 2 for qk in q])  # σ_w² dE[φ²]/dq
    for layer in range(1, L + 1):
        total = 0.0
        for k in range(layer):
            xi = np.prod(1 + a * a * Jq[k + 1 : layer])
            hk = math.sqrt(q[k]) * z1
            hl = hk + math.sqrt(q[layer] - q[k]) * z2
            Fk = sw * phi(hk) ** 2
            total += xi * np.sum(ww * d2F(hl) * (Fk - np.sum(ww * Fk)))
        expected = a * a / 2 * total
        assert sw * fs.correction_terms["self"][layer, 0, 0] == pytest.approx(expected, rel=1e-6)


# ---------------------------------------------------------------------------------------------
# the 1/N theory against Monte Carlo


@pytest.fixture(scope="module")
def theory_one_input():
    return ft.finite_size([[1.0]], DEPTH, ALPHA, "erf")


def _simulate(width: int, n_networks: int, seed: int, **kw):
    net = networks.PreActResidual(
        width, DEPTH, activation="erf", branch_scale=ALPHA, input_dim=kw.pop("input_dim", 1)
    )
    return simulate(net, kw.pop("inputs", [[1.0]]), n_networks, seed=seed, same_sign_lags=(), **kw)


def test_mean_correction_cavity_accepted_and_naive_closure_rejected(theory_one_input):
    """N(E K̂^L − K^L) at N = 32 from 10⁵ networks (gram sampler).

    Estimator: the exact identity E K̂^l = E K̂^{l−1} + α²σ_w² E Φ̂^{l−1} (W has mean zero),
    so K₁^L = α² N Σ_{l<L} (E Φ̂^l − E_{K^l}[φ²]) is measured from the per-network activation
    kernels Φ̂^l, with SE = N α² sd(Σ_l Φ̂^l)/√B — about 4× below that of the direct average of
    K̂^L, which is also checked to agree. The O(1/N²) remainder at N = 32 is ≈ 0.5 SE here.
    """
    fs = theory_one_input
    N, B = 32, 100_000
    rec = _simulate(N, B, seed=4)
    act = rec.act_kernel[:, :, 0, 0]
    summed = ALPHA**2 * act[:, :DEPTH].sum(axis=1)
    measured = N * (1.0 + summed.mean() - fs.kernel[DEPTH, 0, 0])
    se = N * summed.std(ddof=1) / math.sqrt(B)
    cavity = fs.mean_correction[DEPTH, 0, 0]
    naive = fs.mean_correction_naive[DEPTH, 0, 0]
    assert abs(measured - cavity) <= 3 * se, (measured, se, cavity)
    assert abs(measured - naive) >= 5 * se, (measured, se, naive)
    direct = rec.kernel[:, DEPTH, 0, 0]
    d_measured = N * (direct.mean() - fs.kernel[DEPTH, 0, 0])
    d_se = N * direct.std(ddof=1) / math.sqrt(B)
    assert abs(d_measured - measured) <= 4 * math.hypot(d_se, se)


def test_kernel_mean_and_covariance_at_width_128(theory_one_input):
    """E K̂^l within 4 SE of K^l + K₁^l/N at every layer; N·Var(K̂^l) within 4 SE of the
    cavity covariance (SE of a sample variance from the fourth central moment)."""
    fs = theory_one_input
    N, B = 128, 30_000
    K = _simulate(N, B, seed=5).kernel[:, :, 0, 0]
    se_mean = K.std(axis=0, ddof=1) / math.sqrt(B)
    expected = fs.kernel[:, 0, 0] + fs.mean_correction[:, 0, 0] / N
    assert np.all(np.abs(K.mean(axis=0) - expected) <= 4 * se_mean)
    dev = K - K.mean(axis=0)
    var = dev.var(axis=0, ddof=1)
    se_var = np.sqrt((np.mean(dev**4, axis=0) - var**2) / B)
    layers = np.arange(1, DEPTH + 1)
    theory = fs.covariance[layers, 0, 0, 0, 0]
    assert np.all(np.abs(N * var[layers] - theory) <= 4 * N * se_var[layers])


def test_jacobian_response_and_its_first_order_correction_against_jvps():
    """E‖J t‖²/N from JVPs (t ~ N(0, I_d) through the input layer, d = 32) at N = 16.

    Averaging over t, E = (1 − 1/d) χ_⊥ + χ_∥/d exactly, with χ_⊥ the response to a direction
    orthogonal to the input (``kind="jacobian"``) and χ_∥ the radial one (``tangent_kernels``;
    its 1/N coefficient from ``finite_size`` at a near-radial K⁰, correlation 0.98). The
    1/N coefficient N(χ_MC − χ_MF) must match χ₁ within 4 SE (the mean-field value alone,
    χ₁ = 0, lies ≈ 6 SE away at this size).
    """
    N, B, d = 16, 60_000, 32
    nodes = (200, 70)  # χ₁ converged to ~1e-3 (100 nodes: 1.6750, 70: 1.6747, 40: 1.6467)
    chi0, chi1 = ft.response_finite_size([[1.0]], DEPTH, ALPHA, kind="jacobian", nodes=nodes)
    radial = ft.tangent_kernels(np.ones((2, 2)), DEPTH, ALPHA)[-1, 1, 1]
    near = ft.finite_size(
        np.array([[1.0, 0.98], [0.98, 1.0]]), DEPTH, ALPHA, "erf", n_tangents=1, nodes=nodes
    ).mean_correction[-1, 1, 1]
    mf = (1 - 1 / d) * chi0[-1] + radial / d
    first = (1 - 1 / d) * chi1[-1] + near / d
    u = np.zeros((1, d))
    u[0, 0] = math.sqrt(d)  # q⁰ = σ_in² ‖u‖²/d = 1
    rec = _simulate(N, B, seed=6, inputs=u, input_dim=d, n_tangents=1)
    T = np.exp(rec.jvp_log_sq_norm[:, DEPTH, 0])
    measured = N * (T.mean() - mf)
    se = N * T.std(ddof=1) / math.sqrt(B)
    assert abs(measured - first) <= 4 * se, (measured, se, first)
    assert T.mean() == pytest.approx(mf, rel=0.1)  # sanity: the mean-field value dominates


# ---------------------------------------------------------------------------------------------
# validation


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: ft.mean_kernels([[1.0]], 0, 0.5), "depth"),
        (lambda: ft.mean_kernels([[1.0]], 3, -0.5), "scale"),
        (lambda: ft.mean_kernels([[1.0]], 3, 0.5, form="reduced"), "form"),
        (lambda: ft.mean_kernels([[1.0, 2.0]], 3, 0.5), "K0"),
        (lambda: ft.response(K0_PAIR, 3, 0.5, kind="gain"), "kind"),
        (lambda: ft.response([[1.0]], 3, 0.5, kind="readout"), "K0"),
        (lambda: ft.response(K0_PAIR, 3, [0.5, np.nan]), "scale"),
        (lambda: ft.response(K0_PAIR, 3, 0.5, sigma_out2=-1.0), "sigma_out2"),
        (lambda: ft.optimal_scale(K0_PAIR, 3, bounds=(1.0, 0.1)), "bounds"),
        (lambda: ft.near_optimal_range(K0_PAIR, 3, fraction=1.0), "fraction"),
        (lambda: ft.continuum_response(-1.0, K0_PAIR), "x"),
        (lambda: ft.finite_size([[1.0]], 3, 0.5, "relu"), "activation"),
        (lambda: ft.finite_size([[1.0]], 3, 0.5, sigma_w2=0.0), "sigma_w2"),
        (lambda: ft.finite_size(np.eye(3), 3, 0.5), "K0"),
        (lambda: ft.finite_size(np.ones((2, 2)), 3, 0.5), "K0"),
        (lambda: ft.finite_size([[1.0]], 3, 0.5, n_tangents=1), "n_tangents"),
        (lambda: ft.response_finite_size(K0_PAIR, 3, 0.5, rel_step=0.0), "rel_step"),
    ],
)
def test_invalid_parameters_raise_value_error_naming_them(call, name):
    with pytest.raises(ValueError, match=name):
        call()
