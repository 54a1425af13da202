"""Chapter 4 (Fischer, Dahmen & Helias 2023): the 1/N theory and response functions against
exact special cases, independent computations and Monte Carlo.

Monte Carlo setting of the notes' validation: erf, σ_w² = 1, σ_b² = 0, one input with q⁰ = 1,
residual scale τ = 0.7, depth L = 10 (q^L ≈ 3.7), Gaussian input layer (input_dim set).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from resprop.activations import get_activation
from resprop.gaussian import kernel_map
from resprop.theory import field_theory as ft
from resprop.theory.kernels import full_residual_kernels, preact_residual_kernels

ALPHA, DEPTH = 0.7, 10
K0_PAIR = np.array([[1.0, 0.5], [0.5, 1.0]])


# ---------------------------------------------------------------------------------------------
# mean field: reuse of theory.kernels, and the response functions by independent routes


def test_mean_kernels_reuse_theory_kernels_and_batched_path_agrees():
    for form in ("preact", "full"):
        K = ft.mean_kernels(K0_PAIR, 12, 0.4, "erf", sigma_w2=1.7, sigma_b2=0.1, form=form)
        if form == "preact":
            ref = preact_residual_kernels(
                K0_PAIR, 12, "erf", sigma_w2=1.7, sigma_b2=0.1, branch_scale=0.4
            )
        else:
            ref, _ = full_residual_kernels(
                K0_PAIR, 12, "erf", sigma_w2=1.7, sigma_b2=0.1, sigma_v2=0.16
            )
        np.testing.assert_allclose(K, ref, rtol=1e-14)
    scales = np.array([0.05, 0.4, 2.0])
    for form in ft.FORMS:
        batched = ft._kernels(K0_PAIR, 12, scales, get_activation("erf"), 1.7, 0.1, form)
        for s, Kb in zip(scales, batched, strict=True):
            ref = ft.mean_kernels(K0_PAIR, 12, s, "erf", sigma_w2=1.7, sigma_b2=0.1, form=form)
            np.testing.assert_array_equal(Kb, ref)


def test_two_layer_block_is_two_preact_maps_composed():
    """K' = K + τ²(σ_w² E_H[φφᵀ] + σ_b²), H = σ_w² E_K[φφᵀ]: one step by hand."""
    K = ft.mean_kernels(K0_PAIR, 1, 0.5, "erf", sigma_w2=1.7, sigma_b2=0.1, form="two_layer")
    H = 1.7 * kernel_map("erf", K0_PAIR)
    np.testing.assert_allclose(K[1], K0_PAIR + 0.25 * (1.7 * kernel_map("erf", H) + 0.1))


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
    """Also: the moved 1/N names still resolve through field_theory."""
    from resprop.theory import finite_size as fsz

    assert ft.tangent_kernels is fsz.tangent_kernels and ft.finite_size is fsz.finite_size
    L, a = 20, 0.5
    jac = ft.response([[1.3]], L, a, kind="jacobian")
    same = ft.response(np.full((2, 2), 1.3), L, a, kind="kernel")  # c⁰ = 1
    np.testing.assert_allclose(jac, same, rtol=1e-12)
    tangent = ft.tangent_kernels(np.diag([1.3, 0.7]), L, a)  # quadrature route, t ⊥ h
    np.testing.assert_allclose(tangent[:, 1, 1] / 0.7, jac, rtol=1e-9)
    np.testing.assert_allclose(tangent[:, 0, 1], 0.0, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# τ*


def test_optimal_scale_scales_exactly_as_inverse_sigma_w_in_the_preact_form():
    a1 = ft.optimal_scale(K0_PAIR, 50, sigma_w2=1.0)
    a4 = ft.optimal_scale(K0_PAIR, 50, sigma_w2=4.0)
    assert a1 == pytest.approx(2.0 * a4, rel=1e-5)  # τ and σ_w² enter as τ²σ_w² only
    full1 = ft.optimal_scale(K0_PAIR, 50, sigma_w2=1.0, form="full")
    full4 = ft.optimal_scale(K0_PAIR, 50, sigma_w2=4.0, form="full")
    assert full1 == pytest.approx(a1, rel=1e-5)  # the forms coincide at σ_w² = 1, σ_b² = 0
    assert full1 / full4 < 2.0 * (1 - 1e-3)  # weights inside φ: weaker than σ_w^(−1)
    lo, hi = ft.near_optimal_range(K0_PAIR, 50, fraction=0.9)
    chi = ft.response(K0_PAIR, 50, [lo, a1, hi])[:, -1]
    np.testing.assert_allclose(chi[[0, 2]], 0.9 * chi[1], rtol=1e-7)
    for kind in ("kernel", "jacobian", "q"):  # monotone definitions have no interior τ*
        assert math.isnan(ft.optimal_scale(K0_PAIR, 50, kind=kind))


def test_discrete_response_converges_to_the_continuum_at_first_order():
    """τ = √(x/L): the network is forward Euler of the continuum ODE, so the error is O(1/L)."""
    x = 5.0
    chi = float(ft.continuum_response(x, K0_PAIR))
    err = [abs(ft.response(K0_PAIR, L, math.sqrt(x / L))[-1] - chi) for L in (500, 1000)]
    assert err[0] / err[1] == pytest.approx(2.0, rel=0.05)


def test_readout_layer_response_equals_finite_difference():
    """sigma_readout2 = σ_r²: χ = σ_out² ∂E_{σ_r² K^L}[φφᵀ]_12/∂K⁰_12 for y = w·φ(V h^L)."""
    L, a, h, sr = 12, 0.5, 1e-5, 2.5
    E = np.array([[0.0, 1.0], [1.0, 0.0]])
    up = ft.mean_kernels(K0_PAIR + h * E, L, a, "erf", sigma_w2=sr)[-1]
    dn = ft.mean_kernels(K0_PAIR - h * E, L, a, "erf", sigma_w2=sr)[-1]
    fd = (kernel_map("erf", sr * up) - kernel_map("erf", sr * dn))[0, 1] / (2 * h)
    chi = ft.response(K0_PAIR, L, a, sigma_w2=sr, sigma_readout2=sr)[-1]
    assert chi == pytest.approx(fd, rel=1e-7)


def test_alpha_star_expansion_x_star_and_the_one_over_l_correction():
    """x* from the root of d ln χ_∞/dx on the kernel flow (s-route) equals the argmax of the
    t-route continuum ODE; the first-order formula leaves an O(L⁻²) error (×4 when L halves),
    the leading order an error ≈ c₁/L."""
    e = ft.alpha_star_expansion(K0_PAIR)
    assert e.x_star == pytest.approx(ft.optimal_continuum(K0_PAIR), rel=1e-6)
    assert e.curvature < 0
    err1 = {L: ft.optimal_scale(K0_PAIR, L) / e.scale(L) - 1 for L in (100, 200)}
    assert err1[100] / err1[200] == pytest.approx(4.0, rel=0.1)
    err0 = ft.optimal_scale(K0_PAIR, 200) / e.scale(200, order=0) - 1
    assert err0 == pytest.approx(e.c1 / 200, rel=0.02)
    # σ_w² enters as τ²σ_w² only: the formula's σ_w^(−1) is exact in the discrete network
    assert ft.optimal_scale(K0_PAIR, 100, sigma_w2=3.0) == pytest.approx(
        e.scale(100, 1.0) / math.sqrt(3.0) * (1 + err1[100]), rel=1e-5
    )


def test_variants_coincide_at_unit_weight_variance_and_preact_slope_is_minus_half():
    at_one = {v: ft.optimal_scale_variant(v, K0_PAIR, 50, 1.0) for v in ft.VARIANTS}
    for v in ("input", "readout", "full"):  # σ_w² = 1, σ_b² = 0: the same network
        assert at_one[v] == pytest.approx(at_one["preact"], rel=1e-6)
    assert at_one["two_layer"] != pytest.approx(at_one["preact"], rel=1e-2)
    a, slope = ft.variant_slopes("preact", K0_PAIR, 50, [0.5, 1.0, 2.0, 4.0])
    np.testing.assert_allclose(slope, -0.5, atol=1e-5)
    np.testing.assert_allclose(a * np.sqrt([0.5, 1.0, 2.0, 4.0]), at_one["preact"], rtol=1e-5)


# ---------------------------------------------------------------------------------------------
# validation


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: ft.mean_kernels([[1.0]], 0, 0.5), "depth"),
        (lambda: ft.mean_kernels([[1.0]], 3, -0.5), "branch_scale"),
        (lambda: ft.mean_kernels([[1.0]], 3, 0.5, form="reduced"), "form"),
        (lambda: ft.mean_kernels([[1.0, 2.0]], 3, 0.5), "K0"),
        (lambda: ft.response(K0_PAIR, 3, 0.5, kind="gain"), "kind"),
        (lambda: ft.response([[1.0]], 3, 0.5, kind="readout"), "K0"),
        (lambda: ft.response(K0_PAIR, 3, [0.5, np.nan]), "branch_scale"),
        (lambda: ft.response(K0_PAIR, 3, 0.5, sigma_out2=-1.0), "sigma_out2"),
        (lambda: ft.optimal_scale(K0_PAIR, 3, bounds=(1.0, 0.1)), "bounds"),
        (lambda: ft.near_optimal_range(K0_PAIR, 3, fraction=1.0), "fraction"),
        (lambda: ft.continuum_response(-1.0, K0_PAIR), "x"),
        (lambda: ft.response(K0_PAIR, 3, 0.5, sigma_readout2=0.0), "sigma_readout2"),
        (lambda: ft.continuum_response(1.0, K0_PAIR, form="two_layer"), "form"),
        (lambda: ft.optimal_scale_variant("deep", K0_PAIR, 3, 1.0), "variant"),
        (lambda: ft.optimal_scale_variant("preact", K0_PAIR, 3, 0.0), "sigma_w2"),
        (lambda: ft.variant_slopes("preact", K0_PAIR, 3, [1.0, 0.5, 2.0]), "sigma_w2"),
    ],
)
def test_invalid_parameters_raise_value_error_naming_them(call, name):
    with pytest.raises(ValueError, match=name):
        call()
