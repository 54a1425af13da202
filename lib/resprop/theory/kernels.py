"""Infinite-width kernel recursions for k inputs, one per network family (the theory route).

Each function returns the k×k kernels K^(l)_ab = lim_{n→∞} x_a^(l)·x_b^(l)/n of the state that
flows between layers, for l = 0..L, as an array of shape (L+1, k, k) in float64. With
E[φφ](K)_ab = E[φ(z_a)φ(z_b)], z ~ N(0, K) (``gaussian.kernel_map``):

* feed-forward          K' = σ_w² E[φφ](K) + σ_b²
* reduced residual      K' = K + σ_w² E[φφ](K) + σ_b²
* full residual         H = σ_w² K + σ_b²,  K' = K + σ_v² E[φφ](H) + σ_a²
* pre-activation        K' = K + τ² (σ_w² E[φφ](K) + σ_b²)   (τ the branch multiplier)

The skip term adds K because the branch's last weight matrix is fresh, so the branch is
uncorrelated with the stream. Values grow like (1 + σ²/2)^L for ReLU: use
``theory.mean_field`` for the log-space scalar recursions at large depth.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .. import _validate
from ..activations import Activation, get_activation
from ..gaussian import _kernel_map, _method

__all__ = [
    "feedforward_kernels",
    "full_residual_kernels",
    "preact_residual_kernels",
    "reduced_residual_kernels",
]


def _iterate(K0: ArrayLike, depth: int, step) -> np.ndarray:
    K = _validate.kernel("K0", K0)
    depth = _validate.integer("depth", depth)
    out = np.empty((depth + 1, *K.shape))
    out[0] = K
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth):
            K = step(K)
            if not np.all(np.isfinite(K)):
                raise ValueError(
                    f"depth: the kernel overflows float64 at layer {layer + 1} of {depth}; "
                    "use theory.mean_field (log-space) for deep networks"
                )
            out[layer + 1] = K
    return out


def _kmap(phi: Activation):
    """K ↦ E[φφ](K) without re-validating K (the recursion keeps it symmetric PSD)."""
    method = _method("auto", phi)
    return lambda K: _kernel_map(phi, K, False, method)


def feedforward_kernels(
    K0: ArrayLike,
    depth: int,
    activation: str | Activation = "relu",
    *,
    alpha: float | None = None,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
) -> np.ndarray:
    """Feed-forward h' = W φ(h) + b:  K' = σ_w² E[φφ](K) + σ_b²."""
    phi = get_activation(activation, alpha)
    sw, sb = _validate.variance("sigma_w2", sigma_w2), _validate.variance("sigma_b2", sigma_b2)
    kmap = _kmap(phi)
    return _iterate(K0, depth, lambda K: sw * kmap(K) + sb)


def reduced_residual_kernels(
    K0: ArrayLike,
    depth: int,
    activation: str | Activation = "relu",
    *,
    alpha: float | None = None,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
) -> np.ndarray:
    """Reduced residual x' = x + W φ(x) + b:  K' = K + σ_w² E[φφ](K) + σ_b²."""
    phi = get_activation(activation, alpha)
    sw, sb = _validate.variance("sigma_w2", sigma_w2), _validate.variance("sigma_b2", sigma_b2)
    kmap = _kmap(phi)
    return _iterate(K0, depth, lambda K: K + sw * kmap(K) + sb)


def full_residual_kernels(
    K0: ArrayLike,
    depth: int,
    activation: str | Activation = "relu",
    *,
    alpha: float | None = None,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    sigma_v2: float = 1.0,
    sigma_a2: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Full residual h = W x + b, x' = x + V φ(h) + a.

    Returns (K, H): the stream kernels K^(0..L) and the pre-activation kernels
    H^(l) = σ_w² K^(l−1) + σ_b² for l = 1..L (H[0] is NaN).
    """
    phi = get_activation(activation, alpha)
    sw, sb = _validate.variance("sigma_w2", sigma_w2), _validate.variance("sigma_b2", sigma_b2)
    sv, sa = _validate.variance("sigma_v2", sigma_v2), _validate.variance("sigma_a2", sigma_a2)
    kmap = _kmap(phi)
    K = _iterate(K0, depth, lambda K: K + sv * kmap(sw * K + sb) + sa)
    H = np.full_like(K, np.nan)
    H[1:] = sw * K[:-1] + sb
    return K, H


def preact_residual_kernels(
    K0: ArrayLike,
    depth: int,
    activation: str | Activation = "relu",
    *,
    alpha: float | None = None,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    branch_scale: float = 1.0,
) -> np.ndarray:
    """Pre-activation residual h' = h + τ(W φ(h) + b):  K' = K + τ²(σ_w² E[φφ](K) + σ_b²)."""
    phi = get_activation(activation, alpha)
    sw, sb = _validate.variance("sigma_w2", sigma_w2), _validate.variance("sigma_b2", sigma_b2)
    a2 = _validate.real("branch_scale", branch_scale) ** 2
    kmap = _kmap(phi)
    return _iterate(K0, depth, lambda K: K + a2 * (sw * kmap(K) + sb))
