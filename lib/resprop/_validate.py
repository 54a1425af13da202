"""Parameter checks shared by the whole library: each raises ``ValueError`` naming the parameter."""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any


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
