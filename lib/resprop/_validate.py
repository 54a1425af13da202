"""Parameter checks shared by the whole library: each raises ``ValueError`` naming the parameter."""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any

import numpy as np


def integer(name: str, value: Any, minimum: int = 1) -> int:
    """``value`` as an int ≥ ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: must be ≥ {minimum}, got {value}")
    return int(value)


def sizes(name: str, values: Any) -> list[int]:
    """A non-empty sequence of integers ≥ 1 (widths, depths, numbers of networks)."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ValueError(f"{name}: expected a sequence of sizes, got {values!r}")
    values = list(values)
    if not values:
        raise ValueError(f"{name}: expected at least one size, got none")
    return [integer(name, v) for v in values]


def real(name: str, value: Any, *, minimum: float | None = None, strict: bool = False) -> float:
    """``value`` as a finite float, ≥ ``minimum`` (> when ``strict``)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        raise ValueError(f"{name}: must be {'>' if strict else '≥'} {minimum}, got {value}")
    return float(value)


def real_array(name: str, value: Any) -> np.ndarray:
    """``value`` as a finite float64 array; ints and floats only (no bool, str, None, complex)."""
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged nested sequences
        raise ValueError(f"{name}: expected an array of real numbers, got {value!r}") from exc
    if raw.dtype.kind not in "iuf":
        raise TypeError(
            f"{name}: expected real numbers, got {raw.dtype} values ({type(value).__name__})"
        )
    arr = raw.astype(float)
    if not np.all(np.isfinite(arr)):
        bad = int(np.sum(~np.isfinite(arr)))
        raise ValueError(f"{name}: must be finite, got {bad} NaN/inf of {arr.size} values")
    return arr


def variance(name: str, value: Any) -> float:
    """A variance: finite and ≥ 0."""
    return real(name, value, minimum=0.0)


def positive(name: str, value: Any) -> float:
    """A finite number > 0."""
    return real(name, value, minimum=0.0, strict=True)


def flag(name: str, value: Any) -> bool:
    """A bool (NumPy bools included); anything else, such as the string "no", is refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {value!r}")
    return bool(value)


def choice(name: str, value: Any, options: Iterable[str]) -> str:
    """One of ``options``."""
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name}: expected one of {options}, got {value!r}")
    return value


SYM_TOL = 1e-12  # |K − Kᵀ| ≤ SYM_TOL · max(1, max|K|)
PSD_TOL = 1e-10  # smallest eigenvalue ≥ −PSD_TOL · max(1, max|K|)


def kernel(name: str, value: Any, k: int | None = None) -> np.ndarray:
    """A finite, symmetric, positive semi-definite k×k kernel (a scalar is a 1×1 kernel).

    Tolerances: symmetric to ``SYM_TOL`` and eigenvalues ≥ −``PSD_TOL``, both relative to
    max(1, max|K|); the result is symmetrised.
    """
    K = real_array(name, value).copy()
    if K.ndim == 0:
        K = K.reshape(1, 1)
    if K.ndim != 2 or K.shape[0] != K.shape[1] or K.shape[0] == 0:
        raise ValueError(f"{name}: expected a square k×k kernel, got shape {K.shape}")
    if k is not None and K.shape[0] != k:
        raise ValueError(f"{name}: expected a {k}×{k} kernel, got shape {K.shape}")
    scale = max(1.0, float(np.abs(K).max()))
    if not np.allclose(K, K.T, rtol=0.0, atol=SYM_TOL * scale):
        raise ValueError(f"{name}: must be symmetric (to {SYM_TOL:g} relative)")
    low = float(np.linalg.eigvalsh((K + K.T) / 2).min())
    if low < -PSD_TOL * scale:
        raise ValueError(
            f"{name}: must be positive semi-definite (a covariance); smallest eigenvalue {low:.3g}"
            f" < −{PSD_TOL:g}·max(1, max|K|)"
        )
    return (K + K.T) / 2
