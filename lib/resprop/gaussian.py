r"""Gaussian expectations of activations: the kernel maps of infinite-width networks.

For (u, v) ~ N(0, [[q1, λ], [λ, q2]]) with correlation c = λ/√(q1 q2), this module computes

    E[φ(u) φ(v)]        (``derivative=False``)    and    E[φ′(u) φ′(v)]        (``derivative=True``)

for the activations of :mod:`resprop.activations` (the one shared definition of φ and φ′),
vectorised over arbitrary batches of (q1, q2, c), or over k×k covariances K (``kernel_map``).
This is the theory route: float64 NumPy/SciPy only, no torch simulation code.

Closed forms (``method="closed_form"``; ψ = arccos(−c) = π − θ, θ = arccos c):

=============  ==============================================  =====================================
activation     E[φ(u)φ(v)]                                     E[φ′(u)φ′(v)]
=============  ==============================================  =====================================
relu           √(q1q2)/(2π) (sin ψ − ψ cos ψ)  (Cho & Saul)    ψ/(2π) = (π − θ)/(2π)
alpha_relu     (q1q2)^{α/2} F_α(c)                             α² (q1q2)^{(α−1)/2} F_{α−1}(c)
erf            (2/π) arcsin(c√(ab)/√((1+a)(1+b)))              [1 + a + b + ab(1 − c²)]^{−1/2}
linear         c √(q1q2)                                       1
=============  ==============================================  =====================================

with a = πq1/2, b = πq2/2 (our erf is φ(x) = erf(√π x/2)), and F_α the α-ReLU kernel
(``alpha_relu_kernel``). relu′ and alpha_relu′ use φ′(0) = 0, so they vanish when q1 or q2 is 0.
α-ReLU′ needs α > 1/2 at |c| = 1 (the variance E[φ′(u)²] is +inf otherwise).

Quadrature (``method="quadrature"``, and ``"auto"`` for tanh), vectorised over the batch:

* smooth φ (tanh, erf, linear): nested Gauss–Legendre, 8 nodes per panel, in z-space with
  u = √q1 z₁ (q1 ≥ q2 after swapping) and v | z₁ ~ N(c√q2 z₁, q2(1 − c²)). Panel edges are a
  fixed Gaussian grid {0, ±1, ±2, ±3, ±4.5, ±6, ±8.5} *plus* the points where φ bends, given
  in units of φ's argument (tanh: {0, ±0.5, ±1, ±2, ±4, ±8, ±16}) and mapped to z for each
  batch entry (p/√q1 outside, (p − μ)/σ inside, and the bends of the inner expectation as a
  function of z₁). tanh bends on an O(1) scale of u, i.e. an O(1/√q) scale of z, which is why
  plain Gauss–Hermite in z fails at large q. Variances (1-D) use 16-node panels. See
  ``_smooth_pair``.
* homogeneous φ (relu, alpha_relu and their derivatives, φ = s·x₊^β): (q1q2)^{β/2} s² F_β(c),
  with F_β from its angular integral by Gauss–Jacobi + geometrically graded Gauss–Legendre
  (``_homogeneous_kernel``); no hypergeometric function involved.

Measured accuracy (float64; see tests/test_gaussian.py and the notes in the docstrings):
tanh and tanh′ agree with SciPy nested adaptive ``quad`` to ≤ 3e-12 relative at q up to 1e3,
and with a much finer rule (30 nodes per panel, twice the panels) to ≤ 2e-13 absolute and
2.3e-12 relative over q1, q2 ∈ {0, 1e-4, …, 1e4}, c ∈ [−1, 1] (about 1 ms per pair); erf
quadrature vs closed form ≤ 4e-13 relative; α-ReLU closed form and angular quadrature vs
40-digit mpmath ≤ 1e-13 relative for α ∈ (−1, 3.3], c up to 1 − 2⁻⁵², c down to −1 + 1e-15.
Plain Gauss–Hermite in z with 100 nodes is off by 4 % (V tanh) and 88 % (V tanh′) at
q = 100, and by 3.6 % (W tanh, c = ½) at q = 1000.

The mean-field transforms of Yang & Schoenholz (2017), §2 of the reconstruction
(``research/paper2_mean_field_resnets.md``), are Vφ(q) = ``variance_map(φ, q)``,
Wφ(q, q′, λ) = ``pair_expectation(φ, q, q′, λ/√(qq′))`` and Vφ̇(q) = ``variance_map(φ, q,
derivative=True)``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.integrate
import scipy.special as sp
from numpy.typing import ArrayLike

from . import _validate
from .activations import Activation, get_activation

__all__ = [
    "METHODS",
    "alpha_relu_kernel",
    "alpha_relu_kernel_bessel",
    "alpha_relu_kernel_derivative",
    "alpha_relu_kernel_hypergeometric",
    "alpha_relu_kernel_recurrence",
    "alpha_relu_variance_constant",
    "kernel_map",
    "pair_expectation",
    "variance_map",
]

METHODS = ("auto", "closed_form", "quadrature")
_CLOSED = ("relu", "alpha_relu", "erf", "linear")
_C_TOL = 1e-9  # |c| may exceed 1 by this much (rounding) and is then clipped
_SYM_TOL = 1e-10  # relative asymmetry tolerated in K
_PSD_TOL = 1e-10  # smallest eigenvalue of K tolerated: −_PSD_TOL · max|K| (per matrix)

# --------------------------------------------------------------------------------------------
# validation helpers


def _act(activation: str | Activation, alpha: float | None) -> Activation:
    return get_activation(activation, alpha)


def _method(method: Any, act: Activation) -> str:
    method = _validate.choice("method", method, METHODS)
    if method == "closed_form" and act.name not in _CLOSED:
        raise ValueError(f"method: {act.name!r} has no closed form; use 'quadrature' or 'auto'")
    if method == "auto":
        return "closed_form" if act.name in _CLOSED else "quadrature"
    return method


def _array(name: str, value: Any) -> np.ndarray:
    return _validate.real_array(name, value)


def _variances(name: str, value: Any) -> np.ndarray:
    arr = _array(name, value)
    if np.any(arr < 0):
        raise ValueError(f"{name}: variances must be ≥ 0, got min {arr.min():g}")
    return arr


def _correlations(name: str, value: Any) -> np.ndarray:
    arr = _array(name, value)
    if np.any(np.abs(arr) > 1 + _C_TOL):
        raise ValueError(
            f"{name}: correlations must lie in [−1, 1], got max |c| = {np.abs(arr).max()!r}"
        )
    return np.clip(arr, -1.0, 1.0)


def _alpha_kernel_order(name: str, value: Any) -> np.ndarray:
    arr = _array(name, value)
    if np.any(arr <= -1):
        raise ValueError(f"{name}: the α-ReLU kernel needs α > −1, got min {arr.min():g}")
    return arr


def _scalar_out(out: np.ndarray) -> np.ndarray | float:
    """A 0-d result as a NumPy scalar (a float), otherwise the array."""
    return out[()] if out.ndim == 0 else out


# --------------------------------------------------------------------------------------------
# angles, computed without cancellation near c = ±1


def _psi(c: np.ndarray) -> np.ndarray:
    """ψ = π − arccos c = arccos(−c) ∈ [0, π], accurate near both c = −1 and c = 1."""
    with np.errstate(invalid="ignore"):
        near_minus = 2.0 * np.arcsin(np.sqrt(np.maximum(0.5 * (1.0 + c), 0.0)))
        near_plus = math.pi - 2.0 * np.arcsin(np.sqrt(np.maximum(0.5 * (1.0 - c), 0.0)))
    return np.where(c < 0, near_minus, near_plus)


def _theta(c: np.ndarray) -> np.ndarray:
    """θ = arccos c ∈ [0, π], accurate near both c = ±1 (the mirror image of ``_psi``)."""
    return _psi(-c)


def _sin_minus_psi_cos(psi: np.ndarray) -> np.ndarray:
    """J₁ = sin ψ − ψ cos ψ, with a Taylor series for small ψ (avoids cancellation)."""
    p2 = psi * psi
    series = psi * p2 * (1 / 3 - p2 * (1 / 30 - p2 * (1 / 840 - p2 / 45360)))
    return np.where(psi < 0.1, series, np.sin(psi) - psi * np.cos(psi))


# --------------------------------------------------------------------------------------------
# α-ReLU kernel F_α(c) = E[X₊^α Y₊^α], (X, Y) standard bivariate normal with correlation c


def alpha_relu_variance_constant(alpha: ArrayLike) -> np.ndarray | float:
    r"""c_α = F_α(1) = E[X₊^{2α}] = 2^{α−1} Γ(α + ½)/√π for X ~ N(0, 1) (+inf for α ≤ −½).

    So E[max(z, 0)^{2α}] = c_α q^α for z ~ N(0, q); c_α/c_{α−1} = 2α − 1.
    """
    a = _alpha_kernel_order("alpha", alpha)
    with np.errstate(invalid="ignore"):
        out = np.where(
            a > -0.5, 2.0 ** (a - 1) * sp.gamma(np.where(a > -0.5, a + 0.5, 1.0)), np.inf
        )
    return _scalar_out(out / math.sqrt(math.pi))


def _alpha_kernel(c: np.ndarray, a: np.ndarray) -> np.ndarray:
    """F_a(c) for validated arrays (no checks); see ``alpha_relu_kernel`` for the formulas."""
    c, a = np.broadcast_arrays(np.asarray(c, dtype=float), np.asarray(a, dtype=float))
    m = a + 0.5  # the exponent of the singular part (1 − c)^m at c = 1
    w = 0.5 * (1 - c)  # 1 − z, exact for c ≥ ½ (no rounding of z = (1 + c)/2 near 1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # direct: all terms positive; accurate unless c → 1 with m < 0.9 (rounding of z)
        pref = sp.gamma(a + 1) ** 2 / (2 * math.sqrt(2 * math.pi) * sp.gamma(a + 1.5))
        direct = pref * (1 + c) ** m * sp.hyp2f1(0.5, 0.5, a + 1.5, 0.5 * (1 + c))
        # z → 1 connection formula (DLMF 15.8.4), written in w = (1 − c)/2; m ∉ ℤ
        conn = (
            (1 + c) ** m
            / (2 * math.sqrt(2 * math.pi))
            * (
                sp.gamma(m) * sp.hyp2f1(0.5, 0.5, 1 - m, w)
                + w**m
                * sp.gamma(a + 1) ** 2
                * sp.gamma(-m)
                / math.pi
                * sp.hyp2f1(a + 1, a + 1, 1 + m, w)
            )
        )
        # m = 0 (a = −½): ₂F₁(½, ½; 1; z) = (2/π) K(z), and K(1 − w) = ellipkm1(w)
        elliptic = sp.ellipkm1(w) / math.sqrt(2 * math.pi)
        top = np.where(m > 0, 2.0 ** (a - 1) * sp.gamma(np.where(m > 0, m, 1.0)), np.inf)
    # Rounding of z costs ~1e-16 w^{m−1} relative in the direct form (harmless for m ≥ 0.9);
    # the connection formula loses ~2e-16/|m| as m → 0 (its terms cancel; SciPy's direct
    # ₂F₁ is worse there), so the closed form is good to ~1e-12 only for |α + ½| ≳ 1e-4.
    near = (c >= 0.5) & (m < 0.9)
    F = np.where(near & (m == 0), elliptic, np.where(near, conn, direct))
    F = np.where(c >= 1, top / math.sqrt(math.pi), F)
    return np.where(c <= -1, 0.0, F)


def alpha_relu_kernel(
    c: ArrayLike, alpha: ArrayLike, *, normalize: bool = False
) -> np.ndarray | float:
    r"""The α-ReLU kernel F_α(c) = E[X₊^α Y₊^α], (X, Y) unit-variance normals with correlation c.

    Closed form used (all terms positive, so no cancellation anywhere on [−1, 1]):

        F_α(c) = Γ(α+1)² (1 + c)^{α+½} / (2 √(2π) Γ(α+3/2)) · ₂F₁(½, ½; α + 3/2; (1 + c)/2).

    It follows from the Bessel representation (``alpha_relu_kernel_bessel``) with
    Gradshteyn–Ryzhik 6.621.3 and Euler's transformation, and equals the form of the notes
    (§2.5), (2^α/4π) Γ((α+1)/2)² ₂F₁(−α/2, −α/2; ½; c²) + (2^α c/2π) Γ(α/2+1)² ₂F₁((1−α)/2,
    (1−α)/2; 3/2; c²), which however cancels catastrophically as c → −1. Special cases:
    F_1(cos θ) = (sin θ + (π − θ) cos θ)/(2π) (Cho & Saul), F_0(cos θ) = (π − θ)/(2π).

    Accuracy ≤ 1e-13 relative on [−1, 1] (vs 40-digit mpmath), except within ~1e-4 of
    α = −½ (not at −½ itself, which uses an elliptic-K form), where it degrades like
    2e-16/|α + ½| near c = 1. Valid for α > −1 (α − 1 of α-ReLU′ included). F_α(1) = c_α
    (``alpha_relu_variance_constant``), +inf for α ≤ −½; F_α(−1) = 0 (X₊Y₊ = 0 a.s.; for
    α < −½ the limit c → −1 is +inf, so F is discontinuous there). With ``normalize`` returns
    J_α(c) = F_α(c)/F_α(1) (α > −½). Derivative: F′_α = α² F_{α−1} (Price's theorem).
    """
    normalize = _validate.flag("normalize", normalize)
    c = _correlations("c", c)
    a = _alpha_kernel_order("alpha", alpha)
    if normalize and np.any(a <= -0.5):
        raise ValueError("alpha: the normalised kernel needs α > −½ (F_α(1) is infinite)")
    c, a = np.broadcast_arrays(c, a)
    F = _alpha_kernel(c, a)
    if normalize:
        F = F / _alpha_kernel(np.ones_like(c), a)
    return _scalar_out(F)


def alpha_relu_kernel_derivative(c: ArrayLike, alpha: ArrayLike) -> np.ndarray | float:
    r"""dF_α/dc = α² F_{α−1}(c) (Price's theorem; α > 0), i.e. E[φ′(X)φ′(Y)] for unit variances."""
    c = _correlations("c", c)
    a = _array("alpha", alpha)
    if np.any(a <= 0):
        raise ValueError(f"alpha: the derivative identity needs α > 0, got min {a.min():g}")
    return _scalar_out(a**2 * _alpha_kernel(*np.broadcast_arrays(c, a - 1)))


def _bessel_one(c: float, a: float) -> float:
    if c >= 1:
        return float(_alpha_kernel(np.array(1.0), np.array(a)))
    if c <= -1:
        return 0.0
    eps = 1.0 - c

    def f(t: float) -> float:  # u^α e^{cu} K₀(u) du with u = e^t
        if t > 700.0 or eps * math.exp(t) > 800.0:
            return 0.0
        u = math.exp(t)
        return math.exp((a + 1) * t - eps * u) * float(sp.k0e(u))

    kw = {"epsabs": 0.0, "epsrel": 1e-13, "limit": 500}
    t_cut = max(0.0, -math.log(eps))  # u = 1/(1 − c): where e^{−(1−c)u} sets in
    total = scipy.integrate.quad(f, -60.0 / (a + 1), 0.0, **kw)[0]
    if t_cut > 0:
        total += scipy.integrate.quad(f, 0.0, t_cut, **kw)[0]
    total += scipy.integrate.quad(f, t_cut, np.inf, **kw)[0]
    return ((1 - c) * (1 + c)) ** (a + 0.5) / (2 * math.pi) * total


def alpha_relu_kernel_bessel(c: ArrayLike, alpha: ArrayLike) -> np.ndarray | float:
    r"""F_α(c) from its modified-Bessel (K₀) representation, by adaptive quadrature.

    The product W = XY of unit normals with correlation c has density
    exp(cw/(1−c²)) K₀(|w|/(1−c²)) / (π√(1−c²)); half its mass on w > 0 lies in X, Y > 0, so

        F_α(c) = (1 − c²)^{α+½}/(2π) ∫₀^∞ u^α e^{cu} K₀(u) du,

    as in the notes (§2.5; re-derived). Evaluated as ∫ u^{α+1} e^{−(1−c)u} k0e(u) dt over
    t = log u (k0e(u) = eᵘ K₀(u) avoids overflow; the log variable removes the u^α log u end
    point singularity and the long tail of length 1/(1 − c)), split at u = 1 and u = 1/(1 − c).
    |c| < 1, α > −1; the end points return the limits of ``alpha_relu_kernel``. Slow (SciPy
    ``quad`` per entry): a verification route, not for recursions.
    """
    c = _correlations("c", c)
    a = _alpha_kernel_order("alpha", alpha)
    c, a = np.broadcast_arrays(c, a)
    out = np.array([_bessel_one(ci, ai) for ci, ai in zip(c.ravel(), a.ravel(), strict=True)])
    return _scalar_out(out.reshape(c.shape))


# --------------------------------------------------------------------------------------------
# quadrature for positively homogeneous φ: angular Gauss–Jacobi

_N_ANG = 16
_ANG_RATIO = 4.0
_ANG_LEVELS = 15  # θ ≥ 1.5e-8 whenever c < 1 in float64; 4^15 · 1.5e-8 > π/2
_GL_X, _GL_W = np.polynomial.legendre.leggauss(_N_ANG)


def alpha_relu_kernel_recurrence(c: ArrayLike, alpha: float) -> np.ndarray:
    r"""F_α(c) from F_{α−1}, F_{α−2} by the three-term recurrence in α (reconstruction §2.5, I2).

        F_α(c) = (2α − 1) c F_{α−1}(c) + (α − 1)² (1 − c²) F_{α−2}(c),    α > 1.

    It follows from Price's identity F′_α = α² F_{α−1} and the Gaussian integration by parts
    in the Bessel representation; e.g. F₂ = 3c F₁ + (1 − c²) F₀ (Cho & Saul). A check of the
    closed form of :func:`alpha_relu_kernel`, not a faster route.
    """
    a = _validate.real("alpha", alpha, minimum=1.0, strict=True)
    c = _validate.real_array("c", c)
    if np.any(np.abs(c) >= 1):
        raise ValueError("c: the recurrence is used for |c| < 1")
    f1 = alpha_relu_kernel(c, a - 1)
    f2 = alpha_relu_kernel(c, a - 2)
    return (2 * a - 1) * c * f1 + (a - 1) ** 2 * (1 - c * c) * f2


def alpha_relu_kernel_hypergeometric(c: ArrayLike, alpha: float) -> np.ndarray:
    r"""F_α(c) = E[X₊^α Y₊^α] from the even/odd split in c (reconstruction §2.5, derived there):

        F_α(c) = 2^α/(4π) Γ((α+1)/2)² ₂F₁(−α/2, −α/2; ½; c²)
               + 2^α c/(2π) Γ(α/2+1)² ₂F₁((1−α)/2, (1−α)/2; 3/2; c²).

    An independent closed form for the kernel figure and the tests (:func:`alpha_relu_kernel`
    uses the Euler-transformed ₂F₁ in (1+c)/2). The two terms cancel as c → −1, so this form
    loses relative accuracy there (absolute error stays ~1e-15 for α ≤ 2).
    """
    a = _validate.positive("alpha", alpha)
    c = _validate.real_array("c", c)
    if not np.all(np.isfinite(c)) or np.any(np.abs(c) > 1):
        raise ValueError("c: correlations must lie in [−1, 1]")
    even = (
        2**a / (4 * math.pi) * math.gamma((a + 1) / 2) ** 2 * sp.hyp2f1(-a / 2, -a / 2, 0.5, c * c)
    )
    odd = (
        2**a
        * c
        / (2 * math.pi)
        * math.gamma(a / 2 + 1) ** 2
        * sp.hyp2f1((1 - a) / 2, (1 - a) / 2, 1.5, c * c)
    )
    return even + odd


def _sin_shift(t: np.ndarray, theta: np.ndarray, psi: np.ndarray) -> np.ndarray:
    """sin(t + θ) = sin(ψ − t) (ψ = π − θ), evaluated on the side that keeps relative accuracy."""
    return np.where(theta <= 0.5 * math.pi, np.sin(t + theta), np.sin(psi - t))


def _homogeneous_kernel(c: np.ndarray, beta: float) -> np.ndarray:
    r"""F_β(c) by quadrature of its angular form (β > −1), independent of the closed form.

    In polar coordinates the radial integral is 2^β Γ(β+1); with θ = arccos c the angular one
    reduces (t = θ/2 + H − w, H = (π − θ)/2) to

        F_β(c) = 2^{β+1} Γ(β+1)/(2π) ∫₀^H (sin w · sin(w + θ))^β dw.

    The integrand is w^β (w + θ)^β × (a factor analytic on [0, H]). The first panel [0, θ]
    (or [0, H] when θ = 0, with weight w^{2β}) uses Gauss–Jacobi with weight w^β; the rest
    is split geometrically, [θ 4^k, θ 4^{k+1}] ∩ [0, H], with Gauss–Legendre on each panel, so
    the near-singularity at w = −θ is resolved for every θ ≥ 1.5e-8 (all c < 1 in float64).
    """
    c = np.asarray(c, dtype=float)
    flat = c.ravel()
    theta = _theta(flat)
    H = 0.5 * _psi(flat)  # (π − θ)/2
    pref = 2.0 ** (beta + 1) * math.gamma(beta + 1) / (2 * math.pi)
    out = np.empty_like(flat)

    zero = theta == 0
    if np.any(zero):  # c = 1: F_β(1) = pref ∫₀^{π/2} sin(w)^{2β} dw
        if 2 * beta <= -1:
            out[zero] = np.inf
        else:
            x, w = sp.roots_jacobi(_N_ANG, 0.0, 2 * beta)
            t = 0.25 * math.pi * (1 + x)
            val = (0.25 * math.pi) ** (2 * beta + 1) * np.sum(
                w * np.sinc(t / math.pi) ** (2 * beta)
            )
            out[zero] = pref * val
    out[flat <= -1] = 0.0  # X₊Y₊ = 0 almost surely
    nz = ~zero & (flat > -1)
    if np.any(nz):
        th, h = theta[nz], H[nz]
        # first panel [0, min(θ, H)], Gauss–Jacobi in w with weight w^β
        x, w = sp.roots_jacobi(_N_ANG, 0.0, beta)
        b0 = np.minimum(th, h)[:, None]
        t = 0.5 * b0 * (1 + x)
        g = np.sinc(t / math.pi) ** beta * _sin_shift(t, th[:, None], 2 * h[:, None]) ** beta
        total = (0.5 * b0[:, 0]) ** (beta + 1) * np.sum(w * g, axis=1)
        # graded panels
        edges = th[:, None] * _ANG_RATIO ** np.arange(_ANG_LEVELS + 1)
        edges = np.minimum(edges, h[:, None])
        lo, hi = edges[:, :-1, None], edges[:, 1:, None]
        t = 0.5 * (lo + hi) + 0.5 * (hi - lo) * _GL_X
        with np.errstate(divide="ignore", invalid="ignore"):
            g = (np.sin(t) * _sin_shift(t, th[:, None, None], 2 * h[:, None, None])) ** beta
        g = np.where(hi > lo, g, 0.0)
        total += np.sum(0.5 * (hi - lo) * _GL_W * g, axis=(1, 2))
        out[nz] = pref * total
    return out.reshape(c.shape)


# --------------------------------------------------------------------------------------------
# quadrature for smooth φ: nested Gauss–Legendre on mapped panels

_R = 8.5  # P(|Z| > 8.5) = 1.9e-17
_Z_GRID = np.array([1.0, 2.0, 3.0, 4.5, 6.0])  # Gaussian-scale panel edges (and their negatives)
_N_GL = 8
_SM_X, _SM_W = np.polynomial.legendre.leggauss(_N_GL)
_RULE_1D = np.polynomial.legendre.leggauss(16)  # one-dimensional integrals are cheap
# Where φ bends, in units of its argument (positive side; φ is odd or even about 0). tanh and
# sech² are flat to < 1e-16 beyond 19; erf(√π x/2) and exp(−πx²/4) beyond 7.
_BENDS = {
    "tanh": np.array([0.5, 1.0, 2.0, 4.0, 8.0, 16.0]),
    "erf": np.array([0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0]),
    "linear": np.array([]),
}
_G_SIGMAS = np.array([0.5, 1.0, 2.0, 3.0, 4.5, 6.5, 9.0])  # in units of the inner σ
_CHUNK = 2_000_000  # quadrature evaluations per batch (memory)


def _panels(
    edges: np.ndarray, lo: float, hi: float, rule: tuple[np.ndarray, np.ndarray] = (_SM_X, _SM_W)
) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes/weights on the panels cut by ``edges`` (..., m) inside [lo, hi].

    Returns z (..., (m+1)·n) and weights including the standard normal density.
    """
    gx, gw = rule
    shape = edges.shape[:-1]
    e = np.clip(edges, lo, hi)
    e = np.concatenate(
        [np.full((*shape, 1), lo), np.sort(e, axis=-1), np.full((*shape, 1), hi)], axis=-1
    )
    a, b = e[..., :-1, None], e[..., 1:, None]
    half = 0.5 * (b - a)
    z = (0.5 * (a + b) + half * gx).reshape(*shape, -1)
    w = (half * gw).reshape(*shape, -1)
    return z, w * np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


def _phi(act: Activation, derivative: bool):
    return act.derivative if derivative else act


def _smooth_variance(act: Activation, q: np.ndarray, derivative: bool) -> np.ndarray:
    """E[φ(√q Z)²] by 16-node Gauss–Legendre panels on z ∈ [0, R] (φ² is even), cut at the
    Gaussian grid and at the bends of φ mapped to z (p/√q)."""
    f = _phi(act, derivative)
    sq = np.sqrt(q.ravel())[:, None]
    bends = _BENDS[act.name]
    with np.errstate(divide="ignore"):
        edges = np.concatenate(
            [np.broadcast_to(_Z_GRID, (sq.shape[0], _Z_GRID.size)), bends / sq], axis=-1
        )
    z, w = _panels(edges, 0.0, _R, _RULE_1D)
    return (2.0 * np.sum(w * f(sq * z) ** 2, axis=-1)).reshape(q.shape)


def _smooth_pair(act: Activation, q1, q2, c, derivative: bool) -> np.ndarray:
    r"""E[φ(u)φ(v)] for smooth φ by nested Gauss–Legendre quadrature.

    Swap so that q1 ≥ q2 (the expectation is symmetric), write u = √q1 z₁ and
    v | z₁ ~ N(μ, σ²) with μ = c√q2 z₁, σ = √(q2(1 − c²)), and compute

        E[φ(u)φ(v)] = 2 ∫₀^R φ(√q1 z₁) g(z₁) N(z₁) dz₁,   g(z₁) = ∫_{−R}^{R} φ(μ + σz₂) N(z₂) dz₂

    (the factor 2 because φ is odd or even). Both integrals are piecewise Gauss–Legendre
    (8 nodes per panel) on panels whose edges are a fixed Gaussian grid {0, ±1, ±2, ±3,
    ±4.5, ±6, ±8.5} in z plus the points where φ bends ({0, ±0.5, ±1, …, ±16} in units of φ's
    argument, mapped to z: p/√q1 outside, (p − μ)/σ inside). So the panels follow φ at any
    scale of the Gaussian: tanh's O(1) width in u is 1/√q wide in z. Since q1 ≥ q2, g varies
    in z₁ on a scale ≥ 1/√q1, which the outer panels resolve; σ → 0 (|c| → 1) is handled by
    the same mapping (the bends leave [−R, R]) and gives g = φ(μ).
    """
    f = _phi(act, derivative)
    swap = q2 > q1
    q1, q2 = np.where(swap, q2, q1), np.where(swap, q1, q2)
    n = q1.size
    s1 = np.sqrt(q1.ravel())
    mu_slope = (c * np.sqrt(q2)).ravel()
    sig = np.sqrt(q2 * np.maximum(0.0, (1 - c) * (1 + c))).ravel()
    bends = _BENDS[act.name]
    pts = np.concatenate([-bends[::-1], [0.0], bends])
    zgrid = np.concatenate([-_Z_GRID[::-1], [0.0], _Z_GRID])
    tiny = 1e-300
    out = np.empty(n)
    nb = max(bends.size, _G_SIGMAS.size)
    gb = np.pad(bends, (0, nb - bends.size), mode="edge") if bends.size else np.zeros(nb)
    gs = np.pad(_G_SIGMAS, (0, nb - _G_SIGMAS.size), mode="edge")
    per = (len(_Z_GRID) + len(bends) + nb + 1) * _N_GL
    per *= (len(zgrid) + len(pts) + 1) * _N_GL
    step = max(1, _CHUNK // per)
    for i in range(0, n, step):
        sl = slice(i, i + step)
        m = s1[sl].shape[0]
        # where g bends: φ's bends smoothed by N(0, σ²), seen through μ = slope · z₁
        smooth = np.hypot(gb, sig[sl, None] * gs)
        e1 = np.concatenate(
            [
                np.broadcast_to(_Z_GRID, (m, _Z_GRID.size)),
                bends / np.maximum(s1[sl], tiny)[:, None],
                smooth / np.maximum(np.abs(mu_slope[sl]), tiny)[:, None],
            ],
            axis=-1,
        )
        z1, w1 = _panels(e1, 0.0, _R)  # (m, M1)
        mu = mu_slope[sl, None] * z1  # (m, M1)
        sg = np.maximum(sig[sl], tiny)[:, None, None]
        e2 = np.concatenate(
            [np.broadcast_to(zgrid, (*mu.shape, zgrid.size)), (pts - mu[..., None]) / sg], axis=-1
        )
        z2, w2 = _panels(e2, -_R, _R)  # (m, M1, M2)
        g = np.sum(w2 * f(mu[..., None] + sig[sl, None, None] * z2), axis=-1)
        out[sl] = 2.0 * np.sum(w1 * f(s1[sl, None] * z1) * g, axis=-1)
    return out.reshape(q1.shape)


# --------------------------------------------------------------------------------------------
# the public maps


def _closed_pair(act: Activation, q1, q2, c, derivative: bool) -> np.ndarray:
    name = act.name
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if name == "linear":
            return np.ones_like(c) if derivative else c * np.sqrt(q1 * q2)
        if name == "erf":
            a, b = 0.5 * math.pi * q1, 0.5 * math.pi * q2
            if derivative:
                return 1.0 / np.sqrt(1 + (a + b) + a * b * (1 - c) * (1 + c))
            rho = c * np.sqrt(a * b / ((1 + a) * (1 + b)))
            return 2 / math.pi * np.arcsin(np.clip(rho, -1, 1))
        both = (q1 > 0) & (q2 > 0)
        if name == "relu":
            psi = _psi(c)
            if derivative:
                return np.where(both, psi / (2 * math.pi), 0.0)
            return np.sqrt(q1 * q2) / (2 * math.pi) * _sin_minus_psi_cos(psi)
        a = act.alpha
        beta = a - 1 if derivative else a
        scale = a * a if derivative else 1.0
        F = _alpha_kernel(c, np.asarray(beta))
        return np.where(both, scale * (q1 * q2) ** (beta / 2) * F, 0.0)


def _quad_pair(act: Activation, q1, q2, c, derivative: bool) -> np.ndarray:
    if act.name in ("relu", "alpha_relu"):
        a = 1.0 if act.name == "relu" else act.alpha
        beta = a - 1 if derivative else a
        scale = a * a if derivative else 1.0
        F = _homogeneous_kernel(c, beta)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.where((q1 > 0) & (q2 > 0), scale * (q1 * q2) ** (beta / 2) * F, 0.0)
    return _smooth_pair(act, q1, q2, c, derivative)


def _pair(act, q1, q2, c, derivative, method) -> np.ndarray:
    if method == "closed_form":
        return _closed_pair(act, q1, q2, c, derivative)
    return _quad_pair(act, q1, q2, c, derivative)


def pair_expectation(
    activation: str | Activation,
    q1: ArrayLike,
    q2: ArrayLike,
    c: ArrayLike,
    *,
    alpha: float | None = None,
    derivative: bool = False,
    method: str = "auto",
) -> np.ndarray | float:
    r"""E[φ(u)φ(v)] (or E[φ′(u)φ′(v)] with ``derivative``), (u, v) ~ N(0, [[q1, λ], [λ, q2]]).

    λ = c √(q1 q2): q1, q2 ≥ 0 are the variances and c ∈ [−1, 1] the correlation (|c| may
    exceed 1 by 1e-9 of rounding; it is clipped). Arrays broadcast; the result has the
    broadcast shape (a NumPy scalar for scalar inputs). ``activation`` is a name or an
    :class:`~resprop.activations.Activation` (``alpha`` is the α-ReLU power). ``method``:
    ``"closed_form"`` (relu, alpha_relu, erf, linear; see the module table), ``"quadrature"``
    (any activation; an independent numerical route) or ``"auto"`` (closed form when there is
    one). This is Wφ(q1, q2, λ) of Yang & Schoenholz (2017), reconstruction §2.1.
    """
    act = _act(activation, alpha)
    method = _method(method, act)
    derivative = _validate.flag("derivative", derivative)
    q1 = _variances("q1", q1)
    q2 = _variances("q2", q2)
    c = _correlations("c", c)
    try:
        q1, q2, c = np.broadcast_arrays(q1, q2, c)
    except ValueError as exc:
        raise ValueError(
            f"q1, q2, c: shapes {q1.shape}, {q2.shape}, {c.shape} do not broadcast"
        ) from exc
    return _scalar_out(np.asarray(_pair(act, q1, q2, c, bool(derivative), method), dtype=float))


def _variance(act: Activation, q: np.ndarray, derivative: bool, method: str) -> np.ndarray:
    name = act.name
    if method == "quadrature":
        if name in ("relu", "alpha_relu"):
            return _quad_pair(act, q, q, np.ones_like(q), derivative)
        return _smooth_variance(act, q, derivative)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if name == "linear":
            return np.ones_like(q) if derivative else q.copy()
        if name == "erf":
            a = 0.5 * math.pi * q
            return 1 / np.sqrt(1 + 2 * a) if derivative else 2 / math.pi * np.arcsin(a / (1 + a))
        if name == "relu":
            return np.where(q > 0, 0.5, 0.0) if derivative else 0.5 * q
        a = act.alpha
        if derivative:
            cst = float(alpha_relu_variance_constant(a - 1))
            return np.where(q > 0, a * a * cst * q ** (a - 1), 0.0)
        return float(alpha_relu_variance_constant(a)) * q**a


def variance_map(
    activation: str | Activation,
    q: ArrayLike,
    *,
    alpha: float | None = None,
    derivative: bool = False,
    method: str = "auto",
) -> np.ndarray | float:
    r"""Vφ(q) = E[φ(z)²] (or E[φ′(z)²] with ``derivative``) for z ~ N(0, q), elementwise in q ≥ 0.

    Closed forms: relu q/2 (derivative ½); alpha_relu c_α q^α (derivative α² c_{α−1} q^{α−1},
    +inf for α ≤ ½), c_α = 2^{α−1}Γ(α+½)/√π; erf (2/π) arcsin(a/(1+a)), a = πq/2 (derivative
    (1 + πq)^{−1/2}); linear q (derivative 1). Otherwise (tanh) one-dimensional panelled
    Gauss–Legendre in z with panel edges at the bends of φ mapped to z (see ``_smooth_pair``).
    At q = 0 the derivative versions give φ′(0)², with φ′(0) = 0 for relu and alpha_relu.
    """
    act = _act(activation, alpha)
    method = _method(method, act)
    derivative = _validate.flag("derivative", derivative)
    q = _variances("q", q)
    return _scalar_out(np.asarray(_variance(act, q, bool(derivative), method), dtype=float))


def kernel_map(
    activation: str | Activation,
    K: ArrayLike,
    *,
    alpha: float | None = None,
    derivative: bool = False,
    method: str = "auto",
) -> np.ndarray:
    r"""E[φ(z_a)φ(z_b)]_{ab} (or E[φ′(z_a)φ′(z_b)]) for z ~ N(0, K), K of shape (..., k, k).

    Entry (a, b) depends only on the 2×2 sub-covariance: it is ``pair_expectation`` with
    q1 = K_aa, q2 = K_bb, c = K_ab/√(K_aa K_bb) (c = 0 when a variance is 0), and the diagonal
    is ``variance_map`` of diag K. Leading dimensions are a batch. K must be symmetric (to a
    relative 1e-10; it is then symmetrised) and positive semi-definite: its smallest
    eigenvalue ≥ −1e-10·max|K| (so the diagonal is ≥ 0 and |c_ab| ≤ 1 up to rounding).
    The output is exactly symmetric. Quadrature is spent on the k(k−1)/2 distinct
    off-diagonal pairs only.
    """
    act = _act(activation, alpha)
    method = _method(method, act)
    derivative = _validate.flag("derivative", derivative)
    K = _array("K", K)
    if K.ndim < 2 or K.shape[-1] != K.shape[-2] or K.shape[-1] == 0:
        raise ValueError(f"K: expected shape (..., k, k) with k ≥ 1, got {K.shape}")
    Kt = np.swapaxes(K, -1, -2)
    scale = np.max(np.abs(K), axis=(-1, -2), keepdims=True)
    if np.any(np.abs(K - Kt) > _SYM_TOL * np.maximum(scale, 1e-300)):
        raise ValueError("K: must be symmetric (to 1e-10 relative)")
    K = 0.5 * (K + Kt)
    d = np.diagonal(K, axis1=-2, axis2=-1)
    if np.any(d < 0):
        raise ValueError(f"K: diagonal (variances) must be ≥ 0, got min {d.min():g}")
    if K.shape[-1] > 1:
        low = np.linalg.eigvalsh(K)[..., 0]
        if np.any(low < -_PSD_TOL * scale[..., 0, 0]):
            raise ValueError(
                "K: must be positive semi-definite (a covariance), smallest eigenvalue "
                f"{low.min():.3g} < −{_PSD_TOL:g}·max|K|"
            )
    return _kernel_map(act, K, derivative, method)


def _kernel_map(act: Activation, K: np.ndarray, derivative: bool, method: str) -> np.ndarray:
    """``kernel_map`` for a validated symmetric PSD K and a resolved method (no checks)."""
    d = np.diagonal(K, axis1=-2, axis2=-1)
    k = K.shape[-1]
    q1, q2 = d[..., :, None], d[..., None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        c = K / np.sqrt(q1 * q2)
    c = np.clip(np.where((q1 > 0) & (q2 > 0), c, 0.0), -1.0, 1.0)
    q1, q2 = np.broadcast_to(q1, K.shape), np.broadcast_to(q2, K.shape)
    if method == "closed_form":
        out = np.array(_closed_pair(act, q1, q2, c, derivative), dtype=float)
    else:
        iu, ju = np.triu_indices(k, 1)
        out = np.empty(K.shape)
        if iu.size:
            upper = _quad_pair(act, q1[..., iu, ju], q2[..., iu, ju], c[..., iu, ju], derivative)
            out[..., iu, ju] = upper
            out[..., ju, iu] = upper
    idx = np.arange(k)
    out[..., idx, idx] = _variance(act, d, derivative, method)
    return out
