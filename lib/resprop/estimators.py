"""Monte Carlo estimators with their standard errors, slope fits and 1/n extrapolation.

Chapters and tests use them to put a simulated number next to a theoretical one. Every
estimate treats the B networks as independent samples and returns (estimate, standard error).
They belong to neither route: no theory, no simulation, only statistics.

``axis``: the moment estimators reduce over ``axis`` (the networks); ``axis=None`` (the
default) flattens the input first. With an axis the estimate and its SE are arrays of the
remaining shape. Every input must be finite (a NaN or inf raises ``ValueError``, naming the
parameter): a silent NaN in an estimate is always a bug upstream.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.stats
from numpy.typing import ArrayLike
from scipy.special import logsumexp

from . import _validate

__all__ = [
    "BootstrapSlope",
    "Extrapolation",
    "Optimum",
    "bootstrap_slope",
    "SlopeFit",
    "difference",
    "difference_of_means",
    "excess_kurtosis",
    "extrapolate_inverse_n",
    "fit_slope",
    "fit_slope_of_mean",
    "gaussian_law_se",
    "ks_null",
    "gaussian_variance_se",
    "log_mean_exp",
    "log_ratio_of_means",
    "loglog_slope",
    "mean_se",
    "ratio",
    "ratio_of_means",
    "relative_error",
    "power_law_amplitude",
    "power_law_exponent",
    "rms_of_finite",
    "optimum_location",
    "rms_with_se",
    "threshold_crossing",
    "variance_se",
]

Estimate = tuple[float, float] | tuple[np.ndarray, np.ndarray]


def _finite(name: str, value: ArrayLike) -> np.ndarray:
    return _validate.real_array(name, value)


def _axis(x: np.ndarray, axis: int | None) -> tuple[np.ndarray, int]:
    """``x`` with the reduction axis last (flattened if None) and its length."""
    if axis is None:
        return x.ravel(), x.size
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis: expected an integer or None, got {axis!r}")
    if x.ndim == 0 or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis: {axis} is out of range for an array of shape {x.shape}")
    x = np.moveaxis(x, axis, -1)
    return x, x.shape[-1]


def _samples(x: ArrayLike, minimum: int = 2, axis: int | None = None, name: str = "samples"):
    x, B = _axis(_finite(name, x), axis)
    if B < minimum:
        raise ValueError(f"{name}: need at least {minimum} values along the axis, got {B}")
    return x, B


def _out(*values):
    """Floats for 0-d results, arrays otherwise."""
    res = tuple(float(v) if np.ndim(v) == 0 else np.asarray(v, dtype=float) for v in values)
    return res


def _scale(d: np.ndarray) -> np.ndarray:
    """max |d| along the last axis (1 where it is 0), kept as a trailing axis: d/scale ≤ 1."""
    m = np.max(np.abs(d), axis=-1, keepdims=True)
    return np.where(m > 0, m, 1.0)


def _checked(name: str, *values):
    """``_out(values)``, or ValueError if a finite input gave a result beyond float64."""
    for v in values:
        if not np.all(np.isfinite(v)):
            raise ValueError(f"{name}: the estimate overflows float64 (values too large)")
    return _out(*values)


def mean_se(samples: ArrayLike, *, axis: int | None = None) -> Estimate:
    """Mean x̄ over networks and its standard error sd(x)/√B."""
    x, B = _samples(samples, axis=axis)
    m = np.mean(x / 2, axis=-1) * 2  # no overflow for |x| < max float
    d = x - m[..., None] if np.all(np.isfinite(m)) else x
    s = _scale(d)
    sd = s[..., 0] * np.std(d / s, axis=-1, ddof=1)
    return _checked("samples", m, sd / math.sqrt(B))


def ratio_of_means(num: ArrayLike, den: ArrayLike, *, axis: int | None = None) -> Estimate:
    """R = ū/v̄ of paired samples (u_b, v_b) of the same networks and its delta-method SE
    sd(u − R v)/(v̄ √B)."""
    u, B = _samples(num, axis=axis, name="num")
    v, Bv = _samples(den, axis=axis, name="den")
    if u.shape != v.shape:
        raise ValueError(f"num, den: need paired samples of one shape, got {u.shape}, {v.shape}")
    vbar = v.mean(axis=-1)
    if np.any(vbar == 0):
        raise ValueError("den: the mean is 0, the ratio is undefined")
    R = u.mean(axis=-1) / vbar
    se = (u - R[..., None] * v).std(axis=-1, ddof=1) / (np.abs(vbar) * math.sqrt(B))
    return _checked("num", R, se)


def variance_se(samples: ArrayLike, *, axis: int | None = None) -> Estimate:
    """Sample variance s² (ddof=1) and its standard error √((m₄ − s⁴)/B) (delta method).

    Computed on x/max|x − x̄| (no overflow of the fourth powers for any representable s²).
    """
    x, B = _samples(samples, 4, axis)
    d = x - x.mean(axis=-1, keepdims=True)
    s = _scale(d)
    u = d / s
    v2 = np.sum(u * u, axis=-1) / (B - 1)
    m4 = np.mean(u**4, axis=-1)
    s2 = s[..., 0] ** 2
    with np.errstate(over="ignore"):
        return _checked("samples", s2 * v2, s2 * np.sqrt(np.maximum(m4 - v2**2, 0.0) / B))


def log_mean_exp(samples: ArrayLike, *, axis: int | None = None) -> Estimate:
    """ln mean(e^x), computed with logsumexp, and its delta-method SE sd(e^x)/(mean(e^x)√B)."""
    x, B = _samples(samples, axis=axis)
    w = np.exp(x - x.max(axis=-1, keepdims=True))
    se = w.std(axis=-1, ddof=1) / (w.mean(axis=-1) * math.sqrt(B))
    return _checked("samples", logsumexp(x, axis=-1) - math.log(B), se)


def excess_kurtosis(samples: ArrayLike, *, axis: int = 0) -> Estimate:
    """Pooled excess kurtosis E[x⁴]/E[x²]² − 3 of zero-mean samples, with a network-level SE.

    ``samples`` has shape (B, N): N values (e.g. the neurons) from each of B independent
    networks, the networks along ``axis`` and the neurons along the last axis (any other axes
    are a batch). Moments are about 0 (pre-activations have mean exactly 0). With
    per-network means a_b = mean x⁴ and c_b = mean x², the estimate is ā/c̄² − 3 and its
    standard error the delta method over networks, √(gᵀΣg/B), g = (1/c̄², −2ā/c̄³), Σ the
    covariance of (a_b, c_b): this accounts for the dependence between neurons of one network.
    Returns (kurtosis, se).
    """
    x = _finite("samples", samples)
    if x.ndim < 2:
        raise ValueError(f"samples: expected shape (B ≥ 2, N ≥ 1), got {x.shape}")
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis: expected an integer, got {axis!r}")
    if not -x.ndim <= axis < x.ndim or axis % x.ndim == x.ndim - 1:
        raise ValueError(f"axis: must name a network axis other than the last, got {axis}")
    x = np.moveaxis(x, axis, -2)
    if x.shape[-2] < 2 or x.shape[-1] < 1:
        raise ValueError(f"samples: expected B ≥ 2 networks and N ≥ 1 values, got {x.shape}")
    B = x.shape[-2]
    a = np.mean(x**4, axis=-1)
    c = np.mean(x**2, axis=-1)
    A, C = a.mean(axis=-1), c.mean(axis=-1)
    if np.any(C <= 0):
        raise ValueError("samples: all zero (the kurtosis is undefined)")
    ga, gc = 1 / C**2, -2 * A / C**3
    da, dc = a - A[..., None], c - C[..., None]
    var = (ga[..., None] * da + gc[..., None] * dc) ** 2
    se = np.sqrt(var.sum(axis=-1) / (B - 1) / B)
    return _out(A / C**2 - 3, se)


def rms_with_se(errors: ArrayLike, *, axis: int | None = None) -> Estimate:
    """Root-mean-square r = √(mean e²) of per-network errors, with its delta-method SE.

    SE(r) = sd(e²)/(2 r √B) over the B networks (independent), from SE(mean e²) = sd(e²)/√B
    (0 when every error is 0). The errors must be finite: exclude networks whose error is
    infinite (a vanished norm) and report how many there were.
    """
    e, B = _samples(errors, axis=axis, name="errors")
    s = _scale(e)
    sq = (e / s) ** 2
    r = np.sqrt(sq.mean(axis=-1))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        se = np.where(r > 0, sq.std(axis=-1, ddof=1) / (2 * r * math.sqrt(B)), 0.0)
        return _checked("errors", s[..., 0] * r, s[..., 0] * se)


def loglog_slope(x: ArrayLike, y: ArrayLike, se: ArrayLike) -> tuple[float, float]:
    """Slope of ln y against ln x by weighted least squares, and its standard error.

    The points are independent with SE(ln y_i) = se_i/y_i (delta method); weights are
    1/SE(ln y_i)², so slope = Σw(u−ū)(v−v̄)/Σw(u−ū)², SE = 1/√(Σw(u−ū)²), u = ln x, v = ln y
    (the SE assumes the log-linear model holds; it is not inflated by lack of fit).
    """
    x, y, se = (_finite(n, a).ravel() for n, a in (("x", x), ("y", y), ("se", se)))
    if not (x.shape == y.shape == se.shape) or x.size < 2:
        raise ValueError(f"x, y, se: need equal lengths ≥ 2, got {x.size}, {y.size}, {se.size}")
    for name, arr in (("x", x), ("y", y), ("se", se)):
        if np.any(arr <= 0):
            raise ValueError(f"{name}: must be positive, got min {arr.min():g}")
    u, v, w = np.log(x), np.log(y), (y / se) ** 2
    ub, vb = np.sum(w * u) / w.sum(), np.sum(w * v) / w.sum()
    sxx = np.sum(w * (u - ub) ** 2)
    if sxx == 0:
        raise ValueError("x: needs at least two distinct values")
    return float(np.sum(w * (u - ub) * (v - vb)) / sxx), float(1 / np.sqrt(sxx))


# --------------------------------------------------------------------------------------------
# slopes of curves against depth (exponent fits)


@dataclass(frozen=True)
class SlopeFit:
    """A fitted slope with its uncertainty.

    ``slope``: least-squares slope of y against the transformed depth on the window.
    ``se``: for a (B, L+1) sample of networks, the standard error across networks of the
    per-network slopes (sd/√B); for a single deterministic curve, NaN. ``drift``: the slope on
    the window's second half minus that on its first half, a measure of how far from its
    asymptote a deterministic curve still is. ``window``: (lo, hi) in layers.
    """

    slope: float
    se: float
    drift: float
    window: tuple[int, int]
    n: int


_X_TRANSFORMS = {"log": np.log, "sqrt": np.sqrt, "linear": lambda x: x}


def _ols_slope(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    xc = x - x.mean()
    return (y - y.mean(axis=-1, keepdims=True)) @ xc / (xc @ xc)


def _window(window, layers: np.ndarray, x_scale: str) -> tuple[float, float, np.ndarray]:
    if isinstance(window, (str, bytes)) or np.ndim(window) != 1 or len(window) != 2:
        raise ValueError(f"window: expected (lo, hi), got {window!r}")
    lo, hi = (float(_finite("window", w)) for w in window)
    if lo < 0 or hi < lo:
        raise ValueError(f"window: expected 0 ≤ lo ≤ hi, got {window!r}")
    sel = (layers >= lo) & (layers <= hi)
    if x_scale == "log":
        sel &= layers > 0
    if sel.sum() < 4:
        raise ValueError(f"window: needs at least 4 layers inside {window}")
    return lo, hi, sel


def fit_slope(
    layers: ArrayLike,
    y: ArrayLike,
    *,
    window: tuple[float, float],
    x_scale: str = "log",
) -> SlopeFit:
    r"""Slope of y against t(l) on l ∈ [lo, hi]; t = ln l, √l or l (``x_scale``).

    ``y`` is a curve (L+1,) (e.g. ln p^l from the recursion) or a sample (B, L+1) of networks
    (e.g. ln ‖x^l‖²/n): then the slope is fitted per network and the result is their mean with
    standard error sd/√B, which is the uncertainty of an exponent measured on simulated
    networks. Exponents: ln p vs ln l → 1/(1−α) for α-ReLU; ln χ vs √l → the tanh constant;
    ln(1−e) vs ln l → −2 for ReLU (reconstruction §4.1 fits on [L/4, L]).
    """
    if x_scale not in _X_TRANSFORMS:
        raise ValueError(f"x_scale: expected one of {tuple(_X_TRANSFORMS)}, got {x_scale!r}")
    layers = _finite("layers", layers)
    y = np.asarray(y, dtype=float)
    if layers.ndim != 1 or y.ndim not in (1, 2) or y.shape[-1] != layers.size:
        raise ValueError(f"y: expected shape ({layers.size},) or (B, {layers.size}), got {y.shape}")
    lo, hi, sel = _window(window, layers, x_scale)
    x = _X_TRANSFORMS[x_scale](layers[sel])
    ys = y[..., sel]
    if not np.all(np.isfinite(ys)):
        raise ValueError("y: must be finite inside the window")
    slopes = _ols_slope(x, ys)
    mean_curve = ys if ys.ndim == 1 else ys.mean(axis=0)
    half = x.size // 2
    drift = float(
        _ols_slope(x[half:], mean_curve[half:]) - _ols_slope(x[: half + 1], mean_curve[: half + 1])
    )
    if ys.ndim == 1:
        return SlopeFit(float(slopes), math.nan, drift, (int(lo), int(hi)), 1)
    if ys.shape[0] < 2:
        raise ValueError(f"y: a sample needs B ≥ 2 networks, got {ys.shape[0]}")
    se = float(np.std(slopes, ddof=1) / math.sqrt(slopes.size))
    return SlopeFit(float(slopes.mean()), se, drift, (int(lo), int(hi)), int(slopes.size))


def fit_slope_of_mean(
    layers: ArrayLike,
    samples: ArrayLike,
    *,
    window: tuple[float, float],
    x_scale: str = "log",
    y_transform: str = "log",
    n_boot: int = 400,
    seed: int = 0,
) -> SlopeFit:
    r"""Slope of g(mean over networks) against t(l), with a bootstrap standard error.

    ``samples`` (B, L+1), e.g. p^l = ‖x^l‖²/n of B networks; g = ln (``y_transform="log"``),
    ln(1 − ·) (``"log1m"``, for 1 − e) or the identity (``"none"``). The mean is what the
    mean-field recursion predicts (E p, E χ-ratio), so this slope is compared with the
    recursion's on the same window; the per-network slopes of :func:`fit_slope` estimate the
    slope of E ln p instead, which differs by the finite-width (Jensen) term. SE: standard
    deviation of the slope over ``n_boot`` resamplings of the networks (with replacement).
    """
    transforms = {"log": np.log, "log1m": lambda v: np.log1p(-v), "none": lambda v: v}
    if y_transform not in transforms:
        raise ValueError(f"y_transform: expected one of {tuple(transforms)}, got {y_transform!r}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 2:
        raise ValueError(f"n_boot: expected an integer ≥ 2, got {n_boot!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected an integer ≥ 0, got {seed!r}")
    samples = np.asarray(samples, dtype=float)
    if samples.ndim != 2 or samples.shape[0] < 2:
        raise ValueError(f"samples: expected shape (B ≥ 2, L+1), got {samples.shape}")
    layers_arr = _finite("layers", layers)
    if layers_arr.ndim != 1 or samples.shape[1] != layers_arr.size:
        raise ValueError(f"samples: expected shape (B, {layers_arr.size}), got {samples.shape}")
    if not np.all(np.isfinite(samples[:, _window(window, layers_arr, x_scale)[2]])):
        raise ValueError("samples: must be finite inside the window")
    g = transforms[y_transform]
    with np.errstate(invalid="ignore", divide="ignore"):
        point = fit_slope(layers, g(samples.mean(axis=0)), window=window, x_scale=x_scale)
        rng = np.random.default_rng(seed)
        idx = rng.integers(0, samples.shape[0], size=(n_boot, samples.shape[0]))
        curves = g(samples[idx].mean(axis=1))
    layers = np.asarray(layers, dtype=float)
    _, _, sel = _window(window, layers, x_scale)
    ok = np.all(np.isfinite(curves[:, sel]), axis=1)
    if ok.sum() < 2:
        raise ValueError("samples: the transformed bootstrap means are not finite in the window")
    x = _X_TRANSFORMS[x_scale](layers[sel])
    boot = _ols_slope(x, curves[ok][:, sel])
    return SlopeFit(
        point.slope, float(np.std(boot, ddof=1)), point.drift, point.window, samples.shape[0]
    )


# --------------------------------------------------------------------------------------------
# extrapolation to infinite width


@dataclass(frozen=True)
class Extrapolation:
    """y(n) = a₀ + a₁/n + … + a_k/n^k fitted by weighted least squares; a₀ is the n → ∞ value.

    ``value`` a₀ and ``se`` its standard error (from the given SEs, not rescaled by the fit);
    ``coefficients`` (a₀, …, a_k) and ``covariance`` their covariance; ``chi2`` = Σ ((y −
    fit)/se)², ``dof`` = (number of widths) − (k + 1), ``p_value`` = P(χ²_dof ≥ chi2) (1.0
    when dof = 0: an exact fit has no test of its model).
    """

    value: float
    se: float
    chi2: float
    dof: int
    p_value: float
    coefficients: np.ndarray
    covariance: np.ndarray
    order: int

    @property
    def slope(self) -> float:
        """a₁, the coefficient of 1/n."""
        return float(self.coefficients[1])


def extrapolate_inverse_n(
    n: ArrayLike, y: ArrayLike, se: ArrayLike, *, order: int = 1
) -> Extrapolation:
    r"""Extrapolate y(n) to n → ∞ with a polynomial in 1/n of degree ``order``.

    Model y_i = Σ_{j≤k} a_j n_i^{−j} + ε_i, ε_i ~ N(0, se_i²) independent (k = ``order``).
    Weighted least squares with X_ij = n_i^{−j}, W = diag(1/se²): â = (XᵀWX)⁻¹XᵀWy,
    Cov â = (XᵀWX)⁻¹, so SE(a₀) = √Cov₀₀; goodness of fit χ² = Σ w (y − Xâ)² on
    (#widths − k − 1) degrees of freedom. Needs ≥ k + 1 distinct widths n > 0 and se > 0.
    """
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 0:
        raise ValueError(f"order: expected an integer ≥ 0, got {order!r}")
    n, y, se = (_finite(k, v).ravel() for k, v in (("n", n), ("y", y), ("se", se)))
    if not (n.size == y.size == se.size):
        raise ValueError(f"n, y, se: need equal lengths, got {n.size}, {y.size}, {se.size}")
    if np.any(n <= 0):
        raise ValueError(f"n: widths must be > 0, got min {n.min():g}")
    if np.any(se <= 0):
        raise ValueError(f"se: standard errors must be > 0, got min {se.min():g}")
    if np.unique(n).size < order + 1:
        raise ValueError(
            f"order: a degree-{order} fit in 1/n needs ≥ {order + 1} distinct widths n, "
            f"got {np.unique(n).size}"
        )
    X = np.vander(1.0 / n, order + 1, increasing=True) / se[:, None]
    b = y / se
    cov = np.linalg.inv(X.T @ X)
    coef = cov @ X.T @ b
    chi2 = float(np.sum((b - X @ coef) ** 2))
    dof = int(n.size - order - 1)
    p = float(scipy.stats.chi2.sf(chi2, dof)) if dof > 0 else 1.0
    return Extrapolation(
        float(coef[0]), float(math.sqrt(cov[0, 0])), chi2, dof, p, coef, cov, int(order)
    )


# --------------------------------------------------------------------------------------------
# comparing independent estimates


def _estimate(name: str, value: Estimate) -> tuple[float, float]:
    """A scalar (estimate, SE ≥ 0) pair, or ValueError naming ``name``."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name}: expected an (estimate, standard error) pair, got {value!r}")
    x = _validate.real(f"{name}[0]", value[0])
    se = _validate.real(f"{name}[1]", value[1], minimum=0.0)
    return x, se


def difference(a: Estimate, b: Estimate) -> tuple[float, float]:
    """a − b of two independent estimates, with SE √(SE_a² + SE_b²)."""
    (x, ex), (y, ey) = _estimate("a", a), _estimate("b", b)
    return x - y, math.hypot(ex, ey)


def ratio(a: Estimate, b: Estimate) -> tuple[float, float]:
    """a/b of two independent estimates, with the delta-method SE |a/b|·√((SE_a/a)² + (SE_b/b)²)."""
    (x, ex), (y, ey) = _estimate("a", a), _estimate("b", b)
    if y == 0:
        raise ValueError("b: the denominator estimate is 0")
    r = x / y
    return r, math.hypot(ex / y, r * ey / y)


def relative_error(measured: Estimate, theory: float) -> tuple[float, float]:
    """(measured − theory)/|theory| and its SE SE_measured/|theory| (the theory is exact)."""
    x, ex = _estimate("measured", measured)
    t = _validate.real("theory", theory)
    if t == 0:
        raise ValueError("theory: a relative error needs a non-zero theory value")
    return (x - t) / abs(t), ex / abs(t)


def ks_null(n_samples: int) -> tuple[float, float]:
    """Mean and SD of the KS distance of ``n_samples`` draws from their own continuous law.

    √B·D tends to the Kolmogorov law: mean √(π/2)·ln 2 ≈ 0.8687, SD √(π²/12 − mean²) ≈ 0.2604
    (``scipy.stats.kstwobign``); both are divided by √B.
    """
    root = math.sqrt(_validate.integer("n_samples", n_samples))
    law = scipy.stats.kstwobign
    return float(law.mean()) / root, float(law.std()) / root


def gaussian_law_se(se_mean: float, var: float, se_var: float) -> float:
    """SE of a fitted N(mean, sd²) in the W₂ metric: √(SE_mean² + SE_sd²), SE_sd = SE_var/(2 sd).

    W₂(N(m, s²), N(m', s'²)) = √((m − m')² + (s − s')²), so this is the noise of a W₂ distance
    to a fixed law (delta method for sd = √var, mean and variance errors taken independent).
    """
    var = _validate.real("var", var, minimum=0.0, strict=True)
    se_mean = _validate.real("se_mean", se_mean, minimum=0.0)
    se_var = _validate.real("se_var", se_var, minimum=0.0)
    return math.hypot(se_mean, se_var / (2 * math.sqrt(var)))


# estimators of chapter 03 (commuting limits), general in form


def rms_of_finite(errors: ArrayLike) -> tuple[float, float, int]:
    """RMS error √(mean e²) over the finite errors, its SE (as :func:`rms_with_se`), and the
    number of infinite ones left out.

    An infinite error marks a network whose signal died (kernel 0); with fewer than two finite
    errors the RMS is ``inf`` and its SE ``nan`` (nothing to estimate).
    """
    e = np.asarray(errors, dtype=float)
    if np.any(np.isnan(e)):
        raise ValueError("errors: NaN (only +inf marks a dead network)")
    alive = np.isfinite(e)
    if alive.sum() < 2:
        return math.inf, math.nan, int(np.sum(~alive))
    return (*rms_with_se(e[alive]), int(np.sum(~alive)))


def power_law_exponent(x: ArrayLike, y: ArrayLike, se: ArrayLike) -> tuple[float, float]:
    """Exponent p of y = A x^p fitted to *signed* values by weighted least squares, and its SE.

    Minimises χ²(A, p) = Σ ((y_i − A x_i^p)/se_i)²: A is linear, so p minimises the profile
    χ²(p) = min_A χ² (bounded search, |p| ≤ 8, refined from a grid); the SE is √Cov_pp of the
    weighted Jacobian at the optimum, the given SEs taken as absolute. Unlike
    :func:`loglog_slope` it keeps points within noise of 0 (or below it). Raises ValueError when
    the data fix no exponent (the optimum runs to the bound, e.g. pure noise around 0).
    """
    x, y, se = (_finite(n, a).ravel() for n, a in (("x", x), ("y", y), ("se", se)))
    if not (x.size == y.size == se.size) or x.size < 3:
        raise ValueError(f"x, y, se: need equal lengths ≥ 3, got {x.size}, {y.size}, {se.size}")
    if np.any(x <= 0) or np.any(se <= 0):
        raise ValueError("x, se: must be positive")

    def chi2(p: float) -> float:
        return float(np.sum(((y - power_law_amplitude(x, y, se, p) * x**p) / se) ** 2))

    bound = 8.0
    grid = np.linspace(-bound, bound, 161)
    i = int(np.argmin([chi2(p) for p in grid]))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    p = float(
        scipy.optimize.minimize_scalar(
            chi2, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12}
        ).x
    )
    if abs(p) > bound - 0.1:
        raise ValueError(
            f"y: the data fix no power law (the best exponent runs to the bound ±{bound:g}); "
            "are the values within noise of 0?"
        )
    f, A = x**p, power_law_amplitude(x, y, se, p)
    J = np.stack([f, A * f * np.log(x)], axis=1) / se[:, None]  # ∂(A x^p)/∂(A, p), weighted
    cov = np.linalg.inv(J.T @ J)
    return p, float(math.sqrt(cov[1, 1]))


def power_law_amplitude(x: ArrayLike, y: ArrayLike, se: ArrayLike, p: float) -> float:
    """Weighted least-squares amplitude A of y = A x^p at a given exponent p:
    A = Σ y x^p/se² / Σ x^{2p}/se²."""
    x, y, se = (np.asarray(v, dtype=float) for v in (x, y, se))
    return float(np.sum(y * x**p / se**2) / np.sum(x ** (2 * p) / se**2))


def log_ratio_of_means(low: ArrayLike, high: ArrayLike) -> tuple[float, float]:
    """ln(x̄_high/x̄_low) of two independent samples and its delta-method SE
    √(sd_low²/(x̄_low² B_low) + sd_high²/(x̄_high² B_high))."""
    lo, _ = _samples(low, name="low")
    hi, _ = _samples(high, name="high")
    m_lo, m_hi = lo.mean(), hi.mean()
    if m_lo <= 0 or m_hi <= 0:
        raise ValueError("low, high: means must be positive")
    se = math.sqrt((lo.std(ddof=1) / m_lo) ** 2 / len(lo) + (hi.std(ddof=1) / m_hi) ** 2 / len(hi))
    return math.log(m_hi / m_lo), se


def difference_of_means(a: ArrayLike, b: ArrayLike) -> tuple[float, float]:
    """Difference ā − b̄ of two independent samples and its SE √(s_a²/B_a + s_b²/B_b)."""
    x, y = _finite("a", a).ravel(), _finite("b", b).ravel()
    if x.size < 2 or y.size < 2:
        raise ValueError(f"a, b: need ≥ 2 samples each, got {x.size}, {y.size}")
    return float(x.mean() - y.mean()), math.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)


def gaussian_variance_se(samples: ArrayLike) -> tuple[float, float]:
    """Sample variance s² (ddof=1) and its SE under a Gaussian law, s²·√(2/(B−1))."""
    x, B = _samples(samples)
    v = x.var(ddof=1)
    return float(v), float(v * math.sqrt(2 / (B - 1)))


# the location of a maximum over a grid (e.g. the best-trained residual scale)


@dataclass(frozen=True)
class Optimum:
    """Where a noisy curve on a grid peaks, with a bootstrap SE over its samples (seeds).

    ``location``: the vertex of the parabola fitted around the best grid point of the
    sample-mean curve; ``se``: standard deviation of ``replicates``, the same estimate on
    bootstrap resamples of the samples; ``bracketed``: False when the best grid point of the mean
    curve is an end of the grid (the maximum may lie outside it; ``location`` is then that end).
    """

    location: float
    se: float
    bracketed: bool
    replicates: np.ndarray


def _vertex(x: np.ndarray, y: np.ndarray, half_window: int) -> float:
    """x̂ = −b/(2a) of the least-squares y ≈ a x² + b x + c on the 2w+1 points around argmax y.

    The window is clipped at the grid's ends; x̂ is clipped to the window; if a ≥ 0 (no maximum
    in the window) or the best point is an end of the grid, x̂ is the best grid point.
    """
    i = int(np.argmax(y))
    if i in (0, len(x) - 1):
        return float(x[i])
    lo, hi = max(0, i - half_window), min(len(x), i + half_window + 1)
    a, b, _ = np.polyfit(x[lo:hi], y[lo:hi], 2)
    if a >= 0:
        return float(x[i])
    return float(np.clip(-b / (2 * a), x[lo], x[hi - 1]))


def optimum_location(
    x: ArrayLike,
    samples: ArrayLike,
    *,
    half_window: int = 2,
    n_boot: int = 2000,
    seed: int = 0,
) -> Optimum:
    r"""Location of the maximum of a curve sampled S times on a grid, with a bootstrap SE.

    ``x`` (K,) increasing grid (e.g. ln τ); ``samples`` (S, K), one row per seed. The estimate is
    the vertex x̂ = −b/(2a) of the least-squares parabola through the 2w+1 grid points around
    the best point of the mean curve ȳ_k = (1/S) Σ_s y_sk (w = ``half_window``, window clipped
    at the grid's ends, x̂ clipped to the window). SE: the standard deviation of x̂ over
    ``n_boot`` resamples of the S rows with replacement (NumPy generator seeded with ``seed``);
    with few seeds it understates the SE by about √((S−1)/S).
    """
    x = _finite("x", x).ravel()
    y = _finite("samples", samples)
    if y.ndim != 2 or y.shape[1] != x.size:
        raise ValueError(f"samples: expected shape (S, {x.size}), got {y.shape}")
    if x.size < 3 or np.any(np.diff(x) <= 0):
        raise ValueError("x: expected at least 3 strictly increasing grid points")
    S = y.shape[0]
    if S < 2:
        raise ValueError(f"samples: need at least 2 rows (seeds) for a bootstrap SE, got {S}")
    half_window = _validate.integer("half_window", half_window)
    n_boot = _validate.integer("n_boot", n_boot, minimum=2)
    seed = _validate.integer("seed", seed, minimum=0)
    mean = y.mean(axis=0)
    best = int(np.argmax(mean))
    rows = np.random.default_rng(seed).integers(0, S, size=(n_boot, S))
    reps = np.array([_vertex(x, y[r].mean(axis=0), half_window) for r in rows])
    return Optimum(
        location=_vertex(x, mean, half_window),
        se=float(reps.std(ddof=1)),
        bracketed=0 < best < x.size - 1,
        replicates=reps,
    )


# --------------------------------------------------------------------------------------------
# trainability boundaries: where a curve falls below a fraction of its best, and its slope


def threshold_crossing(values: ArrayLike, x: ArrayLike, *, fraction: float) -> np.ndarray:
    """x where each curve first falls below ``fraction`` × its maximum, to the right of it.

    ``values`` (..., K) are curves sampled at increasing ``x`` (K,) or (..., K) (e.g. test
    accuracy against ln σ_w²). With m = max_k v_k at k*, the first k > k* with v_k < f·m gives
    x_c = x_{k−1} + (x_k − x_{k−1})(v_{k−1} − f m)/(v_{k−1} − v_k) (linear interpolation in x).
    A curve that never falls below f·m on the grid is not bracketed: ``ValueError`` naming it.
    """
    v = _finite("values", values)
    fraction = _validate.real("fraction", fraction, minimum=0.0, strict=True)
    if fraction >= 1:
        raise ValueError(f"fraction: must be < 1, got {fraction}")
    if v.ndim < 1 or v.shape[-1] < 2:
        raise ValueError(f"values: need curves of ≥ 2 points along the last axis, got {v.shape}")
    xs = np.broadcast_to(_finite("x", x), v.shape)
    if np.any(np.diff(xs, axis=-1) <= 0):
        raise ValueError("x: must increase along the last axis")
    best = v.max(axis=-1, keepdims=True)
    k = np.arange(v.shape[-1])
    below = (v < fraction * best) & (k > v.argmax(axis=-1)[..., None])
    if not np.all(below.any(axis=-1)):
        where = np.argwhere(~below.any(axis=-1))[0].tolist()
        raise ValueError(
            f"values: the curve at index {where} never falls below {fraction:g} of its best on "
            "the grid (the boundary is not bracketed: extend the grid)"
        )
    hi = below.argmax(axis=-1)[..., None]
    x0, x1 = np.take_along_axis(xs, hi - 1, -1), np.take_along_axis(xs, hi, -1)
    v0, v1 = np.take_along_axis(v, hi - 1, -1), np.take_along_axis(v, hi, -1)
    return (x0 + (x1 - x0) * (v0 - fraction * best) / (v0 - v1))[..., 0]


@dataclass(frozen=True)
class BootstrapSlope:
    """Least-squares slope of the seed-mean of y against x, with a bootstrap SE over seeds.

    ``slope``, ``intercept``: OLS fit of ȳ_j = mean_s y_sj against x_j; ``se``: standard
    deviation of the slope over ``n_boot`` resamples of the seeds (with replacement, the same
    seeds at every x); ``mean``/``mean_se``: ȳ_j and its bootstrap SE per x.
    """

    slope: float
    intercept: float
    se: float
    mean: np.ndarray
    mean_se: np.ndarray
    n_boot: int


def bootstrap_slope(
    x: ArrayLike, y: ArrayLike, *, n_boot: int = 2000, seed: int = 0
) -> BootstrapSlope:
    """Slope of mean_s y[s, j] against x[j] with its bootstrap SE over the S seeds (rows of y).

    slope = Σ(x_j − x̄)(ȳ_j − ⟨ȳ⟩)/Σ(x_j − x̄)²; each resample draws S rows of y with
    replacement. With few seeds the bootstrap SE is low by about √((S−1)/S).
    """
    xv = _finite("x", x).ravel()
    yv = _finite("y", y)
    if yv.ndim != 2 or yv.shape[1] != xv.size or yv.shape[0] < 2 or xv.size < 2:
        raise ValueError(
            f"y: expected (seeds ≥ 2, {xv.size}) values for x of length {xv.size} ≥ 2, "
            f"got shape {yv.shape}"
        )
    if np.ptp(xv) == 0:
        raise ValueError("x: needs at least two distinct values")
    n_boot = _validate.integer("n_boot", n_boot, minimum=2)
    seed = _validate.integer("seed", seed, minimum=0)
    mean = yv.mean(axis=0)
    slope = float(_ols_slope(xv, mean))
    rows = np.random.default_rng(seed).integers(0, yv.shape[0], (n_boot, yv.shape[0]))
    boot = yv[rows].mean(axis=1)  # (n_boot, J)
    return BootstrapSlope(
        slope=slope,
        intercept=float(mean.mean() - slope * xv.mean()),
        se=float(np.std(_ols_slope(xv, boot), ddof=1)),
        mean=mean,
        mean_se=boot.std(axis=0, ddof=1),
        n_boot=n_boot,
    )
