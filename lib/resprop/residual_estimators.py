r"""Low-variance Monte Carlo estimators of the kernel of a residual stream, from its martingale.

For the pre-activation ResNet h^{l+1} = h^l + τ W^{l+1} φ(h^l) (no bias), W ~ N(0, σ_w²/N), with
one input and a Gaussian input layer (K̂⁰ = q⁰ χ²_N/N exactly), write a = τ²σ_w² and
Φ̂^l = φ(h^l)·φ(h^l)/N. Given layer l the increment is N(0, a Φ̂^l I_N), so

    K̂^{l+1} = K̂^l + a Φ̂^l + m^{l+1},   E[m^{l+1} | layer l] = 0,
    E[(m^{l+1})² | layer l] = v^l = (4 a Φ̂^l K̂^l + 2 a² (Φ̂^l)²)/N,

exactly, at every width. Hence, with ε = K̂⁰ − q⁰, every one of

    ε,  ε² − 2q⁰²/N,  m^l,  (m^l)² − v^{l−1},  ε m^l,  m^k m^l (k < l)

has mean exactly zero. They are used as control variates (least-squares coefficients, the
standard regression estimator; its bias is O(p/B) for p controls): the estimate of a mean is
the sample mean of y − Xβ, its standard error sd(y − Xβ)/√B. The recorded kernels must come
from the network above (``PreActResidual`` with ``sigma_b2=0`` and an ``input_dim``); nothing
here imports the theory or the simulation.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from . import _validate

__all__ = ["kernel_mean_correction", "kernel_variance"]


def _inputs(
    kernel: ArrayLike, act_kernel: ArrayLike, width: int, branch_variance: float, q0: float
) -> tuple[np.ndarray, np.ndarray, int, float, float]:
    K = np.asarray(kernel, dtype=float)
    Phi = np.asarray(act_kernel, dtype=float)
    if K.ndim != 2 or K.shape != Phi.shape or K.shape[0] < 10 or K.shape[1] < 2:
        raise ValueError(
            "kernel: expected (B, L+1) per-network kernels K̂^l (B ≥ 10, L ≥ 1) and act_kernel of "
            f"the same shape, got {K.shape} and {Phi.shape}"
        )
    if not (np.all(np.isfinite(K)) and np.all(np.isfinite(Phi))):
        raise ValueError("kernel: non-finite values")
    return (
        K,
        Phi,
        _validate.integer("width", width),
        _validate.positive("branch_variance", branch_variance),
        _validate.positive("q0", q0),
    )


def _controls(
    K: np.ndarray, Phi: np.ndarray, N: int, a: float, q0: float, layer: int
) -> np.ndarray:
    """The zero-mean controls up to ``layer`` (module docstring), scaled by N, (B, p)."""
    eps = K[:, 0] - q0
    m = K[:, 1 : layer + 1] - K[:, :layer] - a * Phi[:, :layer]
    v = (4 * a * Phi[:, :layer] * K[:, :layer] + 2 * a * a * Phi[:, :layer] ** 2) / N
    cols = [eps, eps**2 - 2 * q0 * q0 / N]
    cols += [m[:, i] for i in range(layer)]
    cols += [m[:, i] ** 2 - v[:, i] for i in range(layer)]
    cols += [eps * m[:, i] for i in range(layer)]
    cols += [m[:, i] * m[:, j] for j in range(layer) for i in range(j)]
    return N * np.stack(cols, axis=1)


def _regress(y: np.ndarray, X: np.ndarray) -> tuple[float, float]:
    """Control-variate estimate of E y with zero-mean controls X: mean and SE of y − Xβ."""
    Xc = X - X.mean(axis=0)
    beta, *_ = np.linalg.lstsq(Xc, y - y.mean(), rcond=None)
    r = y - X @ beta
    return float(r.mean()), float(r.std(ddof=1) / math.sqrt(len(r)))


def kernel_mean_correction(
    kernel: ArrayLike,
    act_kernel: ArrayLike,
    mean_field: float,
    *,
    width: int,
    branch_variance: float,
    q0: float,
    layer: int = -1,
) -> tuple[float, float]:
    r"""N(E K̂^l − K^l) and its SE: the 1/N mean correction K₁ at ``layer``.

    Uses the exact identity E K̂^l = q⁰ + a Σ_{j<l} E Φ̂^j (the martingale part dropped) and
    the controls ε, ε² − 2q⁰²/N (module docstring). ``mean_field`` is K^l.
    """
    K, Phi, N, a, q0 = _inputs(kernel, act_kernel, width, branch_variance, q0)
    layer = range(K.shape[1])[layer]
    S = q0 + a * Phi[:, :layer].sum(axis=1)
    eps = K[:, 0] - q0
    X = N * np.stack([eps, eps**2 - 2 * q0 * q0 / N], axis=1)
    mean, se = _regress(N * S, X)
    return mean - N * float(mean_field), se


def kernel_variance(
    kernel: ArrayLike,
    act_kernel: ArrayLike,
    *,
    width: int,
    branch_variance: float,
    q0: float,
    layer: int = -1,
) -> tuple[float, float]:
    r"""N·Var(K̂^l) and its SE, with the martingale controls of the module docstring.

    y = N (K̂^l − mean)² · B/(B−1) is the unbiased sample variance term; the controls remove
    most of its noise (about 4× smaller SE than the plain sample variance at L = 10).
    """
    K, Phi, N, a, q0 = _inputs(kernel, act_kernel, width, branch_variance, q0)
    layer = range(K.shape[1])[layer]
    B = len(K)
    y = N * (K[:, layer] - K[:, layer].mean()) ** 2 * B / (B - 1)
    if layer == 0:
        return float(y.mean()), float(y.std(ddof=1) / math.sqrt(B))
    return _regress(y, _controls(K, Phi, N, a, q0, layer))
