"""Tests of resprop.gaussian: closed forms vs quadrature vs SciPy quad vs Monte Carlo."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.integrate
import scipy.special as sp

from resprop import gaussian as G
from resprop.activations import get_activation

# (q1, q2, c) grid: small and large variances, correlations up to rounding distance from ±1
QS = np.array([0.0, 1e-4, 0.3, 1.0, 7.0, 100.0, 1e4])
CS = np.array([-1.0, -1 + 1e-12, -0.999999, -0.9, -0.4, 0.0, 0.35, 0.8, 0.999999, 1 - 1e-12, 1.0])
Q1, Q2, C = np.meshgrid(QS, QS, CS, indexing="ij")


@pytest.fixture(autouse=True)
def _restore_numpy_errors():
    old = np.geterr()
    yield
    np.seterr(**old)


CLOSED = [
    ("relu", None),
    ("alpha_relu", 0.3),
    ("alpha_relu", 0.6),
    ("alpha_relu", 0.75),
    ("alpha_relu", 1.5),
    ("erf", None),
    ("linear", None),
]


def _close(a, b, rtol, atol):
    """|a − b| ≤ atol + rtol |b|, reporting the worst entry."""
    a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
    both_inf = np.isinf(a) & np.isinf(b) & (np.sign(a) == np.sign(b))
    err = np.where(both_inf, 0.0, np.abs(a - b) - (atol + rtol * np.abs(b)))
    i = np.unravel_index(np.argmax(err), err.shape)
    assert np.all(err <= 0), f"worst at {i}: {a[i]!r} vs {b[i]!r}"


# --------------------------------------------------------------------------------------------
# closed forms vs the (independent) quadrature route


@pytest.mark.parametrize("name,alpha", CLOSED)
@pytest.mark.parametrize("derivative", [False, True])
def test_closed_form_matches_quadrature(name, alpha, derivative):
    kw = {"alpha": alpha, "derivative": derivative}
    np.seterr(all="ignore")  # 0 · inf where α-ReLU′ is infinite (reset by the fixture below)
    closed = G.pair_expectation(name, Q1, Q2, C, method="closed_form", **kw)
    quad = G.pair_expectation(name, Q1, Q2, C, method="quadrature", **kw)
    # relative 1e-8 where the value is O(scale); absolute 1e-12 × scale near zeros (c → −1)
    scale = np.sqrt(G.variance_map(name, Q1, **kw) * G.variance_map(name, Q2, **kw))
    finite = np.isfinite(scale)
    _close(quad[finite], closed[finite], 1e-8, 1e-12 * scale[finite])
    # where the closed form is infinite (α-ReLU′ at |c| = 1 with α ≤ ½) so is the quadrature
    assert np.array_equal(np.isinf(closed), np.isinf(quad))
    v_closed = G.variance_map(name, QS, method="closed_form", **kw)
    v_quad = G.variance_map(name, QS, method="quadrature", **kw)
    _close(v_quad, v_closed, 1e-8, 0.0)


def test_relu_is_cho_saul_arc_cosine():
    c = np.linspace(-1, 1, 101)
    th = np.arccos(c)
    cho_saul = (np.sin(th) + (np.pi - th) * c) / (2 * np.pi)
    _close(G.pair_expectation("relu", 2.0, 0.5, c), cho_saul, 1e-12, 1e-15)
    _close(
        G.pair_expectation("relu", 1.0, 1.0, c, derivative=True),
        (np.pi - th) / (2 * np.pi),
        1e-13,
        0,
    )
    # α-ReLU with α = 1 is ReLU; its derivative kernel is the step kernel
    _close(G.alpha_relu_kernel(c, 1.0), cho_saul, 1e-12, 1e-15)
    _close(G.alpha_relu_kernel(c, 0.0), (np.pi - th) / (2 * np.pi), 1e-13, 1e-15)


def test_variance_closed_forms():
    q = np.array([0.0, 0.3, 2.0, 1e3])
    assert np.allclose(G.variance_map("relu", q), q / 2)
    assert np.allclose(G.variance_map("erf", q, derivative=True), 1 / np.sqrt(1 + np.pi * q))
    assert np.array_equal(G.variance_map("linear", q), q)
    a = 0.7
    c_a = 2 ** (a - 1) * math.gamma(a + 0.5) / math.sqrt(math.pi)
    assert np.allclose(G.variance_map("alpha_relu", q, alpha=a), c_a * q**a)
    # c_α / c_{α−1} = 2α − 1
    assert math.isclose(
        G.alpha_relu_variance_constant(a) / G.alpha_relu_variance_constant(a - 1), 2 * a - 1
    )
    # α ≤ ½: E[φ′(z)²] = +inf (no mean-field gradient theory), both routes
    for method in G.METHODS:
        assert (
            G.variance_map("alpha_relu", 1.0, alpha=0.4, derivative=True, method=method) == np.inf
        )


# --------------------------------------------------------------------------------------------
# tanh: nested Gauss–Legendre vs SciPy adaptive nested quad (independent route)


def _sech2(x: float) -> float:
    return 0.0 if abs(x) > 350 else 1.0 / math.cosh(x) ** 2


def _nested_quad(f, q1: float, q2: float, c: float) -> float:
    """E[f(u) f(v)] by nested scipy.integrate.quad in x-space, with break points where f bends."""
    s1, s2 = math.sqrt(q1), math.sqrt(q2)
    sig, slope = s2 * math.sqrt((1 - c) * (1 + c)), c * s2 / s1
    kw = {"epsabs": 1e-14, "epsrel": 1e-11, "limit": 200}

    def inner(x: float) -> float:
        mu = slope * x
        lo, hi = mu - 10 * sig, mu + 10 * sig
        pts = [p for p in (-8, -3, -1, 0, 1, 3, 8) if lo < p < hi] or None

        def h(y: float) -> float:
            return f(y) * math.exp(-0.5 * ((y - mu) / sig) ** 2) / (sig * math.sqrt(2 * math.pi))

        return scipy.integrate.quad(h, lo, hi, points=pts, **kw)[0]

    w = (1 + sig) / abs(slope)  # scale on which the inner expectation changes with x
    pts = sorted({s * p for s in (-1, 1) for p in (1, 3, 8, w, 3 * w)} | {0.0})
    pts = [p for p in pts if abs(p) < 10 * s1]

    def outer(x: float) -> float:
        return f(x) * math.exp(-0.5 * x * x / q1) / (s1 * math.sqrt(2 * math.pi)) * inner(x)

    return scipy.integrate.quad(outer, -10 * s1, 10 * s1, points=pts, **kw)[0]


TANH_POINTS = [(1, 1, 0.5), (100, 100, 0.3), (1000, 1000, -0.7), (1000, 10, 0.9), (100, 100, 0.999)]


@pytest.mark.parametrize("derivative", [False, True])
def test_tanh_quadrature_matches_scipy_nested_quad(derivative):
    f = _sech2 if derivative else math.tanh
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", scipy.integrate.IntegrationWarning)
        ref = np.array([_nested_quad(f, *p) for p in TANH_POINTS])
    q1, q2, c = np.array(TANH_POINTS, dtype=float).T
    ours = G.pair_expectation("tanh", q1, q2, c, derivative=derivative)
    _close(ours, ref, 1e-8, 0.0)  # measured: ≤ 3e-12 relative


@pytest.mark.parametrize("derivative", [False, True])
def test_tanh_variance_matches_scipy_quad(derivative):
    q = np.array([1e-4, 1.0, 100.0, 1000.0, 1e4])
    f = (lambda x: _sech2(x) ** 2) if derivative else (lambda x: math.tanh(x) ** 2)
    ref = []
    for qi in q:
        s = math.sqrt(qi)

        def h(x, s=s):
            return f(x) * math.exp(-0.5 * (x / s) ** 2) / (s * math.sqrt(2 * math.pi))

        pts = [p for p in (0.5, 1, 2, 4, 8, 16) if p < 10 * s] or None
        ref.append(2 * scipy.integrate.quad(h, 0, 10 * s, points=pts, epsabs=0, epsrel=1e-12)[0])
    _close(G.variance_map("tanh", q, derivative=derivative), ref, 1e-10, 0.0)


def test_tanh_large_variance_asymptotics():
    """Reconstruction §2.4: Vtanh = 1 − √(2/πq) + O(q^-3/2), Vtanh′ ≈ (4/3)/√(2πq)."""
    q = 1e4
    assert abs(G.variance_map("tanh", q) - (1 - math.sqrt(2 / (math.pi * q)))) < 10 * q**-1.5
    vd = G.variance_map("tanh", q, derivative=True)
    assert abs(vd / (4 / 3 / math.sqrt(2 * math.pi * q)) - 1) < 1e-3
    # W tanh(q, cq) → (2/π) arcsin c as q → ∞
    c = np.array([-0.6, 0.2, 0.9])
    assert np.allclose(G.pair_expectation("tanh", q, q, c), 2 / np.pi * np.arcsin(c), atol=0.02)


def test_plain_gauss_hermite_fails_for_tanh_at_large_q():
    """Why the panelled quadrature is needed: 100-node Gauss–Hermite in z is off by > 1 %."""
    x, w = np.polynomial.hermite_e.hermegauss(100)
    w = w / w.sum()
    for q in (100.0, 1000.0):
        s = math.sqrt(q)
        gh_vdot = np.sum(w * (1 - np.tanh(s * x) ** 2) ** 2)
        assert abs(gh_vdot / G.variance_map("tanh", q, derivative=True) - 1) > 0.5
        gh_v = np.sum(w * np.tanh(s * x) ** 2)
        assert abs(gh_v / G.variance_map("tanh", q) - 1) > 0.01
    # and the two-dimensional product rule for W tanh at q = 1000, c = 0.5
    q, c = 1000.0, 0.5
    X, Y = np.meshgrid(x, x)
    u, v = math.sqrt(q) * X, math.sqrt(q) * (c * X + math.sqrt(1 - c * c) * Y)
    gh_w = np.sum(np.outer(w, w) * np.tanh(u) * np.tanh(v))
    assert abs(gh_w / G.pair_expectation("tanh", q, q, c) - 1) > 0.01


# --------------------------------------------------------------------------------------------
# Monte Carlo (4 standard errors)

MC_CASES = [(1.0, 1.0, 0.5), (2.5, 0.4, -0.7), (30.0, 20.0, 0.9)]
MC_ACTS = [
    ("relu", None, False),
    ("relu", None, True),
    ("alpha_relu", 0.7, False),
    ("alpha_relu", 0.7, True),
    ("erf", None, False),
    ("erf", None, True),
    ("tanh", None, False),
    ("tanh", None, True),
    ("linear", None, False),
]


@pytest.fixture(scope="module")
def gaussian_pairs():
    rng = np.random.default_rng(20240611)
    n = 1_000_000
    return rng.standard_normal(n), rng.standard_normal(n)


@pytest.mark.parametrize("q1,q2,c", MC_CASES)
def test_monte_carlo(gaussian_pairs, q1, q2, c):
    z1, z2 = gaussian_pairs
    u = math.sqrt(q1) * z1
    v = math.sqrt(q2) * (c * z1 + math.sqrt(1 - c * c) * z2)
    n = z1.size
    for name, alpha, derivative in MC_ACTS:
        act = get_activation(name, alpha)
        f = act.derivative if derivative else act
        prod = f(u) * f(v)
        mean, se = prod.mean(), prod.std(ddof=1) / math.sqrt(n)
        theory = G.pair_expectation(name, q1, q2, c, alpha=alpha, derivative=derivative)
        assert abs(mean - theory) <= 4 * se, (name, derivative, mean, theory, se)
        sq = f(u) ** 2
        vt = G.variance_map(name, q1, alpha=alpha, derivative=derivative)
        if name != "alpha_relu" or not derivative:  # E[φ′⁴] = ∞ for α = 0.7: no finite SE
            assert abs(sq.mean() - vt) <= 4 * sq.std(ddof=1) / math.sqrt(n), (name, derivative)


# --------------------------------------------------------------------------------------------
# α-ReLU kernel: closed form vs Bessel K₀ integral vs angular quadrature; derivative identity

ALPHAS = [-0.7, -0.5, -0.3, 0.0, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0]
C_GRID = np.array([-0.999999, -0.99, -0.9, -0.5, 0.0, 0.3, 0.7, 0.95, 0.999999, 1 - 1e-10])


@pytest.mark.parametrize("alpha", ALPHAS)
def test_alpha_relu_kernel_bessel(alpha):
    _close(G.alpha_relu_kernel_bessel(C_GRID, alpha), G.alpha_relu_kernel(C_GRID, alpha), 1e-10, 0)


def test_alpha_relu_kernel_vs_quadrature_near_endpoints():
    c = np.array([-1 + 1e-15, -1 + 1e-12, -0.999999, 0.0, 0.999999, 1 - 1e-12, 1 - 2**-52])
    for a in ALPHAS:
        quad = G.pair_expectation("alpha_relu", 1.0, 1.0, c, alpha=a + 1, derivative=True)
        quad = quad / (a + 1) ** 2  # α′ = a + 1: E[φ′φ′] = (a+1)² F_a, by the angular route
        ref = G._homogeneous_kernel(c, a)
        _close(quad, ref, 1e-13, 0)
        _close(G.alpha_relu_kernel(c, a), ref, 1e-10, 0)  # measured ≤ 1e-13


def test_alpha_relu_kernel_equals_notes_c2_form():
    """The notes' §2.5 form (₂F₁ in c²) agrees, except that it cancels as c → −1."""
    c = np.linspace(-0.9, 1.0, 39)
    for a in (0.3, 0.6, 1.0, 1.5, 2.0):
        notes = 2**a / (4 * np.pi) * math.gamma((a + 1) / 2) ** 2 * sp.hyp2f1(
            -a / 2, -a / 2, 0.5, c**2
        ) + 2**a * c / (2 * np.pi) * math.gamma(a / 2 + 1) ** 2 * sp.hyp2f1(
            (1 - a) / 2, (1 - a) / 2, 1.5, c**2
        )
        _close(G.alpha_relu_kernel(c, a), notes, 1e-10, 1e-14)


def test_alpha_relu_kernel_special_values():
    for a in (-0.3, 0.3, 0.75, 1.0, 2.0):
        c_a = 2 ** (a - 1) * math.gamma(a + 0.5) / math.sqrt(math.pi)
        assert math.isclose(G.alpha_relu_kernel(1.0, a), c_a, rel_tol=1e-14)
        assert G.alpha_relu_kernel(-1.0, a) == 0.0
        assert math.isclose(G.alpha_relu_kernel(1.0, a, normalize=True), 1.0)
    # F_α(0) = (E X₊^α)² = (2^{α/2} Γ((α+1)/2) / (2√π))²
    for a in (0.3, 1.7):
        m = 2 ** (a / 2) * math.gamma((a + 1) / 2) / (2 * math.sqrt(math.pi))
        assert math.isclose(G.alpha_relu_kernel(0.0, a), m * m, rel_tol=1e-13)
    assert G.alpha_relu_kernel(1.0, -0.5) == np.inf


@pytest.mark.parametrize("alpha", [0.3, 0.6, 0.75, 1.0, 1.5, 2.5])
def test_alpha_relu_derivative_identity(alpha):
    """F′_α = α² F_{α−1} by central differences; tolerance = the estimated truncation error."""
    c = np.array([-0.8, -0.3, 0.0, 0.4, 0.85])
    h = 1e-3

    def central(step):
        return (G.alpha_relu_kernel(c + step, alpha) - G.alpha_relu_kernel(c - step, alpha)) / (
            2 * step
        )

    d1, d2 = central(h), central(2 * h)
    # D(h) = F′ + A h² + O(h⁴), so D(2h) − D(h) ≈ 3 A h² estimates the truncation error
    trunc = np.abs(d2 - d1) / 3
    rounding = 4 * np.finfo(float).eps * np.abs(G.alpha_relu_kernel(c, alpha)) / h
    identity = alpha**2 * G.alpha_relu_kernel(c, alpha - 1)
    assert np.all(np.abs(d1 - identity) <= 2 * trunc + rounding + 1e-13)
    # Richardson extrapolation removes the h² term: far tighter agreement
    assert np.allclose((4 * d1 - d2) / 3, identity, rtol=1e-8, atol=0)
    _close(G.alpha_relu_kernel_derivative(c, alpha), identity, 1e-15, 0)


@pytest.mark.parametrize("alpha", [0.6, 0.75, 0.9, 1.0])
def test_alpha_relu_expansion_at_one(alpha):
    """Notes §2.5 (I3): J_α(1−ε) = 1 − α²/(2α−1) ε + C_α ε^{α+½} + O(ε²), with their C_α."""
    slope = alpha**2 / (2 * alpha - 1)
    c_alpha = -(math.gamma(alpha + 1) ** 2) / (
        2 ** (alpha + 0.5)
        * math.cos(math.pi * alpha)
        * math.gamma(alpha + 0.5)
        * math.gamma(alpha + 1.5)
    )
    eps = 1e-6
    j = G.alpha_relu_kernel(1 - eps, alpha, normalize=True)
    assert (j - 1 + slope * eps) / eps ** (alpha + 0.5) == pytest.approx(c_alpha, rel=1e-4)


# --------------------------------------------------------------------------------------------
# kernel_map


def _random_kernels(rng, batch, k):
    X = rng.standard_normal((*batch, k, k + 1)) * rng.uniform(0.2, 3.0, (*batch, k, 1))
    return X @ np.swapaxes(X, -1, -2) / (k + 1)


@pytest.mark.parametrize("name,alpha", [*CLOSED, ("tanh", None)])
@pytest.mark.parametrize("derivative", [False, True])
def test_kernel_map_consistency(name, alpha, derivative):
    rng = np.random.default_rng(7)
    K = _random_kernels(rng, (3, 2), 3)
    kw = {"alpha": alpha, "derivative": derivative}
    out = G.kernel_map(name, K, **kw)
    assert out.shape == K.shape
    assert np.array_equal(out, np.swapaxes(out, -1, -2))
    diag = np.diagonal(K, axis1=-2, axis2=-1)
    assert np.array_equal(np.diagonal(out, axis1=-2, axis2=-1), G.variance_map(name, diag, **kw))
    looped = np.array([[G.kernel_map(name, K[i, j], **kw) for j in range(2)] for i in range(3)])
    np.testing.assert_allclose(out, looped, rtol=1e-14, atol=0)
    for a in range(3):
        for b in range(3):
            if a != b:
                c = K[0, 1, a, b] / math.sqrt(K[0, 1, a, a] * K[0, 1, b, b])
                pe = G.pair_expectation(name, K[0, 1, a, a], K[0, 1, b, b], c, **kw)
                assert math.isclose(out[0, 1, a, b], pe, rel_tol=1e-13, abs_tol=1e-300)


def test_kernel_map_routes_agree_and_edge_cases():
    rng = np.random.default_rng(11)
    K = _random_kernels(rng, (4,), 3)
    for name, alpha in CLOSED:
        a = G.kernel_map(name, K, alpha=alpha, method="closed_form")
        b = G.kernel_map(name, K, alpha=alpha, method="quadrature")
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-13)
    assert np.allclose(G.kernel_map("linear", K), K)
    # identical inputs (rank one, correlation 1 up to rounding) and a zero input
    x = np.array([1.0, 2.0, -0.5])
    K1 = np.outer(x, x) * 0.7
    K1[2, :] = K1[:, 2] = 0.0
    K1[2, 2] = 0.0
    out = G.kernel_map("relu", K1)
    assert out[0, 1] == pytest.approx(0.5 * math.sqrt(K1[0, 0] * K1[1, 1]), rel=1e-12)
    assert out[1, 1] == pytest.approx(0.5 * K1[1, 1], rel=1e-15)
    assert np.all(out[2] == 0) and np.all(out[:, 2] == 0)
    # tanh′(0) = 1: the zero input contributes E[tanh′(z₀)] · 1
    t = G.kernel_map("tanh", K1, derivative=True)
    s = math.sqrt(K1[0, 0])
    ref = scipy.integrate.quad(
        lambda x: _sech2(s * x) * math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi), -12, 12
    )[0]
    assert t[0, 2] == pytest.approx(ref, rel=1e-10) and t[2, 2] == pytest.approx(1.0, rel=1e-15)


def test_scalar_in_scalar_out():
    v = G.pair_expectation("relu", 1.0, 2.0, 0.3)
    assert isinstance(v, float) and np.ndim(v) == 0
    assert isinstance(G.variance_map("tanh", 3.0), float)
    assert G.pair_expectation("tanh", [1.0, 2.0], 1.0, [[0.1], [0.2]]).shape == (2, 2)


# --------------------------------------------------------------------------------------------
# validation


@pytest.mark.parametrize(
    "call,param",
    [
        (lambda: G.pair_expectation("relu", -1.0, 1.0, 0.2), "q1"),
        (lambda: G.pair_expectation("relu", 1.0, np.nan, 0.2), "q2"),
        (lambda: G.pair_expectation("relu", 1.0, 1.0, 1.01), "c"),
        (lambda: G.pair_expectation("relu", [1.0, 2.0], [1.0, 2.0, 3.0], 0.2), "q1, q2, c"),
        (lambda: G.pair_expectation("relu", 1.0, 1.0, 0.2, method="gauss"), "method"),
        (lambda: G.pair_expectation("tanh", 1.0, 1.0, 0.2, method="closed_form"), "method"),
        (lambda: G.pair_expectation("softplus", 1.0, 1.0, 0.2), "activation"),
        (lambda: G.pair_expectation("alpha_relu", 1.0, 1.0, 0.2), "alpha"),
        (lambda: G.variance_map("erf", [1.0, -0.1]), "q"),
        (lambda: G.kernel_map("relu", np.ones((2, 3))), "K"),
        (lambda: G.kernel_map("relu", np.ones(3)), "K"),
        (lambda: G.kernel_map("relu", [[1.0, 0.5], [0.2, 1.0]]), "K"),
        (lambda: G.kernel_map("relu", [[1.0, 2.0], [2.0, 1.0]]), "K"),
        (lambda: G.kernel_map("relu", [[-1.0, 0.0], [0.0, 1.0]]), "K"),
        (lambda: G.alpha_relu_kernel(0.5, -1.0), "alpha"),
        (lambda: G.alpha_relu_kernel(-1.5, 0.5), "c"),
        (lambda: G.alpha_relu_kernel_bessel(0.5, -2.0), "alpha"),
        (lambda: G.alpha_relu_kernel(0.5, -0.7, normalize=True), "alpha"),
    ],
)
def test_bad_inputs_raise_value_error_naming_the_parameter(call, param):
    with pytest.raises(ValueError, match=rf"^{param}:"):
        call()


def test_rounding_beyond_one_is_clipped():
    assert G.pair_expectation("relu", 1.0, 1.0, 1 + 1e-12) == pytest.approx(0.5, rel=1e-15)
    K = np.array([[1.0, 1.0 + 1e-13], [1.0 + 1e-13, 1.0]])
    assert np.allclose(G.kernel_map("erf", K), G.variance_map("erf", 1.0))


def test_kernel_map_refuses_a_non_covariance():
    """Every pairwise |c| < 1, yet not positive semi-definite (λ_min ≈ −0.8): refused, also
    inside a batch. The stated tolerance is λ_min ≥ −1e-10·max|K|."""
    bad = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    with pytest.raises(ValueError, match=r"^K: must be positive semi-definite"):
        G.kernel_map("tanh", bad)
    with pytest.raises(ValueError, match=r"^K: must be positive semi-definite"):
        G.kernel_map("relu", np.stack([np.eye(3), bad]))
    u = np.array([1.0, 1.0, 1.0]) / np.sqrt(3)
    for eps, ok in [(1e-12, True), (1e-8, False)]:
        K = 2.0 * (np.eye(3) - np.outer(u, u)) - eps * np.outer(u, u)  # λ_min = −eps
        if ok:
            assert np.all(np.isfinite(G.kernel_map("relu", K)))
        else:
            with pytest.raises(ValueError, match="positive semi-definite"):
                G.kernel_map("relu", K)


@pytest.mark.parametrize(
    "call,param",
    [
        (lambda: G.variance_map("relu", "1.0"), "q"),
        (lambda: G.variance_map("relu", True), "q"),
        (lambda: G.pair_expectation("relu", 1.0, 1.0, [0.1, None]), "c"),
        (lambda: G.kernel_map("relu", np.eye(2), derivative="yes"), "derivative"),
        (lambda: G.alpha_relu_kernel(0.5, 0.5, normalize=None), "normalize"),
    ],
)
def test_non_numbers_raise_type_error_naming_the_parameter(call, param):
    with pytest.raises(TypeError, match=rf"^{param}:"):
        call()


@pytest.mark.parametrize("alpha", [1.3, 1.75, 2.0, 3.0])
def test_three_term_recurrence(alpha):
    c = np.linspace(-0.95, 0.95, 13)
    np.testing.assert_allclose(
        G.alpha_relu_kernel_recurrence(c, alpha), G.alpha_relu_kernel(c, alpha), atol=1e-10
    )


@pytest.mark.parametrize("alpha", [0.6, 1.0, 1.5, 2.0])
def test_hypergeometric_form_in_c_squared(alpha):
    c = np.linspace(-0.9, 0.99, 12)
    np.testing.assert_allclose(
        G.alpha_relu_kernel_hypergeometric(c, alpha), G.alpha_relu_kernel(c, alpha), atol=1e-12
    )
