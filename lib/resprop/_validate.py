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


def real(name: str, value: Any, *, minimum: float | None = None, strict: bool = False) -> float:
    """``value`` as a finite float, ≥ ``minimum`` (> when ``strict``)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        raise ValueError(f"{name}: must be {'>' if strict else '≥'} {minimum}, got {value}")
    return float(value)


def variance(name: str, value: Any) -> float:
    """A variance: finite and ≥ 0."""
    return real(name, value, minimum=0.0)


def positive(name: str, value: Any) -> float:
    """A finite number > 0."""
    return real(name, value, minimum=0.0, strict=True)


def choice(name: str, value: Any, options: Iterable[str]) -> str:
    """One of ``options``."""
    options = tuple(options)
    if value not in options:
        raise ValueError(f"{name}: expected one of {options}, got {value!r}")
    return value


def kernel(name: str, value: Any, k: int | None = None) -> np.ndarray:
    """A finite, symmetric, positive semi-definite k×k kernel (a scalar is a 1×1 kernel)."""
    K = np.array(value, dtype=float)
    if K.ndim == 0:
        K = K.reshape(1, 1)
    if K.ndim != 2 or K.shape[0] != K.shape[1] or K.shape[0] == 0:
        raise ValueError(f"{name}: expected a square k×k kernel, got shape {K.shape}")
    if k is not None and K.shape[0] != k:
        raise ValueError(f"{name}: expected a {k}×{k} kernel, got shape {K.shape}")
    if not np.all(np.isfinite(K)):
        raise ValueError(f"{name}: must be finite")
    scale = max(1.0, float(np.abs(K).max()))
    if not np.allclose(K, K.T, atol=1e-12 * scale):
        raise ValueError(f"{name}: must be symmetric")
    if np.linalg.eigvalsh(K).min() < -1e-10 * scale:
        raise ValueError(f"{name}: must be positive semi-definite")
    return (K + K.T) / 2
