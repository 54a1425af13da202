"""Infinite-width kernel recursions for k inputs, one per network family (the theory route).

Each function returns the k×k kernels K^(l)_ab = lim_{n→∞} x_a^(l)·x_b^(l)/n of the state that
flows between layers, for l = 0..L, as an array of shape (L+1, k, k) in float64. With
E[φφ](K)_ab = E[φ(z_a)φ(z_b)], z ~ N(0, K) (``gaussian.kernel_map``), every residual family
is one recursion, K' = K + τ² B(K) (:func:`residual_kernels`), with τ the branch multiplier and
B the kernel map of its branch:

* feed-forward          K' = σ_w² E[φφ](K) + σ_b²                     (no skip)
* reduced residual      B(K) = σ_w² E[φφ](K) + σ_b²,  τ = 1
* pre-activation        B(K) = σ_w² E[φφ](K) + σ_b²
* full residual         B(K) = σ_v² E[φφ](H) + σ_a²,  H = σ_w² K + σ_b²
* two-layer block       B(K) = σ_v² E[φφ](H) + σ_a²,  H = σ_w² E[φφ](K) + σ_b²

The skip term adds K because the branch's last weight matrix is fresh, so the branch is
uncorrelated with the stream. The residual families take one branch scale τ (shape (L+1, k, k))
or a 1-D array of them (shape (S, L+1, k, k), all τ at once). Values grow like
(1 + σ²/2)^L for ReLU: use ``theory.mean_field`` for the log-space scalar recursions at large
depth.
"""

from __future__ import annotations

from collections.abc import Callable

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
    "residual_kernels",
    "two_layer_residual_kernels",
]


def _iterate(K: np.ndarray, depth: int, step: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """K^(0..L) of K' = step(K), shape (L+1, *K.shape); refuses an overflow."""
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


def _kmap(phi: Activation) -> Callable[[np.ndarray], np.ndarray]:
    """K ↦ E[φφ](K) without re-validating K (the recursion keeps it symmetric PSD)."""
    method = _method("auto", phi)
    return lambda K: _kernel_map(phi, K, False, method)


def residual_kernels(
    K0: ArrayLike,
    depth: int,
    branch: Callable[[np.ndarray], np.ndarray],
    *,
    branch_scale: float | ArrayLike = 1.0,
) -> np.ndarray:
    """K' = K + τ² B(K), l = 0..L, for a branch kernel map B and τ = ``branch_scale``.

    ``branch`` maps a stack of kernels (..., k, k) to the branch's kernels; it is called on
    (k, k) for a scalar τ (result (L+1, k, k)) and on (S, k, k) for a 1-D array of S scales
    (result (S, L+1, k, k)). ``K0`` may be singular (e.g. an input and its own tangent).
    """
    K = _validate.kernel("K0", K0)
    if np.ndim(branch_scale) == 0:
        a2: float | np.ndarray = _validate.real("branch_scale", branch_scale) ** 2
        return _iterate(K, depth, lambda K: K + a2 * branch(K))
    scales = _validate.real_array("branch_scale", branch_scale)
    if scales.ndim != 1 or scales.size == 0:
        raise ValueError(f"branch_scale: expected a number or a 1-D array, got {scales.shape}")
    a2 = (scales**2)[:, None, None]
    K = np.broadcast_to(K, (scales.size, *K.shape)).copy()
    return np.moveaxis(_iterate(K, depth, lambda K: K + a2 * branch(K)), 0, 1)


def _variances(**values: float) -> list[float]:
    return [_validate.variance(name, v) for name, v in values.items()]


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
    kmap = _kmap(get_activation(activation, alpha))
    sw, sb = _variances(sigma_w2=sigma_w2, sigma_b2=sigma_b2)
    return _iterate(_validate.kernel("K0", K0), depth, lambda K: sw * kmap(K) + sb)


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
    return preact_residual_kernels(
        K0, depth, activation, alpha=alpha, sigma_w2=sigma_w2, sigma_b2=sigma_b2
    )


def preact_residual_kernels(
    K0: ArrayLike,
    depth: int,
    activation: str | Activation = "relu",
    *,
    alpha: float | None = None,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    branch_scale: float | ArrayLike = 1.0,
) -> np.ndarray:
    """Pre-activation residual h' = h + τ(W φ(h) + b):  K' = K + τ²(σ_w² E[φφ](K) + σ_b²)."""
    kmap = _kmap(get_activation(activation, alpha))
    sw, sb = _variances(sigma_w2=sigma_w2, sigma_b2=sigma_b2)
    return residual_kernels(K0, depth, lambda K: sw * kmap(K) + sb, branch_scale=branch_scale)


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
    branch_scale: float | ArrayLike = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Full residual h = W x + b, x' = x + τ(V φ(h) + a):  K' = K + τ²(σ_v² E[φφ](H) + σ_a²).

    Returns (K, H): the stream kernels K^(0..L) and the pre-activation kernels
    H^(l) = σ_w² K^(l−1) + σ_b² for l = 1..L (H[..., 0, :, :] is NaN). τ = 1 is Yang &
    Schoenholz's network; Fischer et al.'s "full" form is σ_v² = 1, τ their scale.
    """
    kmap = _kmap(get_activation(activation, alpha))
    sw, sb, sv, sa = _variances(
        sigma_w2=sigma_w2, sigma_b2=sigma_b2, sigma_v2=sigma_v2, sigma_a2=sigma_a2
    )
    K = residual_kernels(
        K0, depth, lambda K: sv * kmap(sw * K + sb) + sa, branch_scale=branch_scale
    )
    H = np.full_like(K, np.nan)
    H[..., 1:, :, :] = sw * K[..., :-1, :, :] + sb
    return K, H


def two_layer_residual_kernels(
    K0: ArrayLike,
    depth: int,
    activation: str | Activation = "relu",
    *,
    alpha: float | None = None,
    sigma_w2: float = 2.0,
    sigma_b2: float = 0.0,
    sigma_v2: float = 2.0,
    sigma_a2: float = 0.0,
    branch_scale: float | ArrayLike = 1.0,
) -> np.ndarray:
    """Two-layer block x' = x + τ(V φ(W φ(x) + b) + a) (``networks.TwoLayerResidual`` at τ = 1):

    H = σ_w² E[φφ](K) + σ_b²,  K' = K + τ²(σ_v² E[φφ](H) + σ_a²).
    """
    kmap = _kmap(get_activation(activation, alpha))
    sw, sb, sv, sa = _variances(
        sigma_w2=sigma_w2, sigma_b2=sigma_b2, sigma_v2=sigma_v2, sigma_a2=sigma_a2
    )
    return residual_kernels(
        K0, depth, lambda K: sv * kmap(sw * kmap(K) + sb) + sa, branch_scale=branch_scale
    )
