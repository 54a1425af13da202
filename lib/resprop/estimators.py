"""Monte Carlo estimators with their standard errors.

Chapters and tests use them to put a simulated number next to a theoretical one. Every
estimate treats the B networks as independent samples and returns (estimate, standard error).
They belong to neither route: no theory, no simulation, only statistics.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import logsumexp

__all__ = [
    "excess_kurtosis",
    "log_mean_exp",
    "loglog_slope",
    "mean_se",
    "rms_with_se",
    "variance_se",
]


def _samples(x: ArrayLike, minimum: int = 2) -> np.ndarray:
    x = np.asarray(x, dtype=float).ravel()
    if x.size < minimum or not np.all(np.isfinite(x)):
        raise ValueError(f"samples: need at least {minimum} finite values")
    return x


def mean_se(samples: ArrayLike) -> tuple[float, float]:
    """Mean x̄ over networks and its standard error sd(x)/√B."""
    x = _samples(samples)
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(x.size))


def variance_se(samples: ArrayLike) -> tuple[float, float]:
    """Sample variance s² (ddof=1) and its standard error √((m₄ − s⁴)/B) (delta method)."""
    x = _samples(samples, 4)
    B = x.size
    s2 = float(np.var(x, ddof=1))
    m4 = float(np.mean((x - x.mean()) ** 4))
    return s2, math.sqrt(max(m4 - s2**2, 0.0) / B)


def log_mean_exp(samples: ArrayLike) -> tuple[float, float]:
    """ln mean(e^x), computed with logsumexp, and its delta-method SE sd(e^x)/(mean(e^x)√B)."""
    x = _samples(samples)
    w = np.exp(x - x.max())
    se = w.std(ddof=1) / (w.mean() * math.sqrt(x.size))
    return float(logsumexp(x) - math.log(x.size)), float(se)


def excess_kurtosis(samples: ArrayLike) -> tuple[float, float]:
    """Pooled excess kurtosis E[x⁴]/E[x²]² − 3 of zero-mean samples, with a network-level SE.

    ``samples`` has shape (B, N): N values (e.g. the neurons) from each of B independent
    networks. Moments are about 0 (pre-activations have mean exactly 0). With per-network means
    a_b = mean x⁴ and c_b = mean x², the estimate is ā/c̄² − 3 and its standard error the delta
    method over networks, √(gᵀΣg/B), g = (1/c̄², −2ā/c̄³), Σ the covariance of (a_b, c_b): this
    accounts for the dependence between neurons of one network. Returns (kurtosis, se).
    """
    x = np.asarray(samples, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 1:
        raise ValueError(f"samples: expected shape (B ≥ 2, N ≥ 1), got {x.shape}")
    a = np.mean(x**4, axis=1)
    c = np.mean(x**2, axis=1)
    A, C = a.mean(), c.mean()
    if C <= 0:
        raise ValueError("samples: all zero")
    g = np.array([1 / C**2, -2 * A / C**3])
    cov = np.cov(np.stack([a, c]))
    return float(A / C**2 - 3), float(np.sqrt(g @ cov @ g / len(a)))


def rms_with_se(errors: ArrayLike) -> tuple[float, float]:
    """Root-mean-square r = √(mean e²) of per-network errors, with its delta-method SE.

    SE(r) = sd(e²)/(2 r √B) over the B networks (independent), from SE(mean e²) = sd(e²)/√B.
    Infinite errors (a network whose norm vanished) make r infinite.
    """
    e = np.asarray(errors, dtype=float).ravel()
    if e.size < 2:
        raise ValueError(f"errors: need at least 2 values, got {e.size}")
    sq = e**2
    r = float(np.sqrt(sq.mean()))
    if not math.isfinite(r) or r == 0:
        return r, math.nan
    return r, float(sq.std(ddof=1) / (2 * r * math.sqrt(e.size)))


def loglog_slope(x: ArrayLike, y: ArrayLike, se: ArrayLike) -> tuple[float, float]:
    """Slope of ln y against ln x by weighted least squares, and its standard error.

    The points are independent with SE(ln y_i) = se_i/y_i (delta method); weights are
    1/SE(ln y_i)², so slope = Σw(u−ū)(v−v̄)/Σw(u−ū)², SE = 1/√(Σw(u−ū)²), u = ln x, v = ln y
    (the SE assumes the log-linear model holds; it is not inflated by lack of fit).
    """
    x, y, se = (np.asarray(a, dtype=float).ravel() for a in (x, y, se))
    if not (x.shape == y.shape == se.shape) or x.size < 2:
        raise ValueError("x, y, se: need equal lengths ≥ 2")
    if np.any(x <= 0) or np.any(y <= 0) or np.any(se <= 0):
        raise ValueError("x, y, se: must be positive")
    u, v, w = np.log(x), np.log(y), (y / se) ** 2
    ub, vb = np.sum(w * u) / w.sum(), np.sum(w * v) / w.sum()
    sxx = np.sum(w * (u - ub) ** 2)
    if sxx == 0:
        raise ValueError("x: needs at least two distinct values")
    return float(np.sum(w * (u - ub) * (v - vb)) / sxx), float(1 / np.sqrt(sxx))
