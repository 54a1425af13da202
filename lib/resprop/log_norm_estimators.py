r"""Monte Carlo estimators of the log-norm of a residual stream, from recorded networks.

For a stream x^0, …, x^d recorded over B independent networks (``simulate.Record``: anything
with ``log_sq_norm`` (B, L+1, k), ``act_kernel`` (B, L+1, k, k), ``output_scaled``,
``output_log_scale`` and ``network.depth``) these give

* the log-norm L_l = ln(‖x^l‖²/‖x^0‖²) − l ln A, A the infinite-width growth per block;
* the normalised output t = z/√(A^d‖x^0‖²/n), in log space;
* lag covariances of the block increments ΔL_l and hypoactivation n(½ − fraction), pooled over
  layers per network (the networks are the independent samples, so the SE is across them);
* edge-corrected moments of L_d per unit β = d/n.

Nothing here imports the theory or the simulation: theory values come in as numbers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.stats
from numpy.typing import ArrayLike

from . import _validate
from .estimators import mean_se, variance_se

__all__ = [
    "act_log_norm",
    "increment_autocov",
    "log_norm",
    "normalised_output",
    "per_unit_beta",
    "pooled_deficit",
]


def log_norm(record: Any, growth: float) -> np.ndarray:
    """L_l = ln(‖x^l‖²/‖x^0‖²) − l ln A for every layer l of the first input: (B, L+1)."""
    growth = _validate.positive("growth", growth)
    lsn = np.asarray(record.log_sq_norm, dtype=float)[:, :, 0]
    return lsn - lsn[:, :1] - np.arange(lsn.shape[1]) * math.log(growth)


def act_log_norm(record: Any) -> np.ndarray:
    """ln(‖φ(h^l)‖²/‖φ(h^0)‖²) of the first input (Hanin–Nica's quantity): (B, L+1)."""
    act = np.log(np.asarray(record.act_kernel, dtype=float)[:, :, 0, 0])
    return act - act[:, :1]


def normalised_output(record: Any, growth: float) -> np.ndarray:
    """t = z/√(A^d‖x^0‖²/n) of the first input and output unit, in log space: (B,)."""
    growth = _validate.positive("growth", growth)
    d = record.network.depth
    log_scale = (
        np.asarray(record.output_log_scale)[:, 0]
        - (np.asarray(record.log_sq_norm)[:, 0, 0] + d * math.log(growth)) / 2
    )
    return np.asarray(record.output_scaled)[:, 0, 0] * np.exp(log_scale)


def increment_autocov(
    L: ArrayLike, width: int, lags: ArrayLike, burn_in: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""n·Cov(ΔL_l, ΔL_{l+k}) per lag k, pooled over layers l ≥ ``burn_in``.

    ΔL_l = L_{l+1} − L_l, centred by its mean over networks; per network the lag-k products
    are averaged over layers, and the estimate is their mean over networks with SE sd/√B.
    Returns (estimate per lag, SE per lag, per-network values (B, #lags)).
    """
    L = _validate.real_array("L", L)
    width = _validate.integer("width", width)
    burn_in = _validate.integer("burn_in", burn_in, minimum=0)
    lags = [int(k) for k in np.atleast_1d(lags)]
    if L.ndim != 2 or L.shape[0] < 2:
        raise ValueError(f"L: expected (B ≥ 2, L+1) log-norms, got shape {L.shape}")
    dL = np.diff(L[:, burn_in:], axis=1)
    if not lags or min(lags) < 0 or max(lags) >= dL.shape[1]:
        raise ValueError(f"lags: need 0 ≤ k < {dL.shape[1]} increments after burn-in, got {lags}")
    dL = dL - dL.mean(axis=0)
    per_net = np.stack([np.mean(dL[:, : dL.shape[1] - k] * dL[:, k:], axis=1) for k in lags], 1)
    mean, se = mean_se(width * per_net, axis=0)
    return mean, se, width * per_net


def pooled_deficit(
    fraction: ArrayLike, width: int, burn_in: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hypoactivation n(½ − fraction) of a (B, L+1) per-layer fraction.

    Returns its mean and SE per layer (over networks) and, per network, its mean over layers
    l ≥ ``burn_in`` (the independent samples of the pooled estimate).
    """
    x = _validate.real_array("fraction", fraction)
    width = _validate.integer("width", width)
    burn_in = _validate.integer("burn_in", burn_in, minimum=0)
    if x.ndim != 2 or not 0 <= burn_in < x.shape[1]:
        raise ValueError(f"fraction: expected (B, L+1) with L ≥ burn_in, got shape {x.shape}")
    x = width * (0.5 - x)
    mean, se = mean_se(x, axis=0)
    return mean, se, x[:, burn_in:].mean(axis=1)


def per_unit_beta(
    L_d: ArrayLike,
    *,
    width: int,
    depth: int,
    theory_mean: float,
    theory_var: float,
    limit_mean: float,
    limit_var: float,
) -> dict[str, tuple[float, float]]:
    r"""Edge-corrected n E L_d/d and n Var L_d/d with SEs, and the skewness with SE √(6/B).

    (m − E_theory) n/d + μ: the finite-depth theory (``theory_mean``, ``theory_var`` at this n,
    d) removes the edge terms of the first blocks, so what is left is the limit constant
    (``limit_mean``, ``limit_var``) plus the Monte Carlo deviation from the leading order.
    """
    L_d = _validate.real_array("L_d", L_d).ravel()
    n, d = _validate.integer("width", width), _validate.integer("depth", depth)
    m, me = mean_se(L_d)
    v, ve = variance_se(L_d)
    return {
        "mean": ((m - theory_mean) * n / d + limit_mean, me * n / d),
        "variance": ((v - theory_var) * n / d + limit_var, ve * n / d),
        "skewness": (float(scipy.stats.skew(L_d)), math.sqrt(6 / L_d.size)),
    }
