"""The depth-first limit at finite width: the SDE of the n neurons of a 1/√L residual network.

The network (Hayou & Yang's 1/√L ResNet, the library's ``PreActResidual.hayou_yang``) is

    h^(0) = W_in x,   h^(l) = h^(l−1) + (τ/√L) W^(l) φ(h^(l−1)),   W^(l)_ij ~ N(0, σ_w²/n),

with k inputs carried side by side, so h^(l) is an n × k matrix (row i: neuron i). Given h^(l−1),
a fresh W makes the rows of W φ(h) i.i.d. N(0, σ_w² G), with the **empirical Gram matrix of the
activations across neurons** G(h) = φ(h)ᵀφ(h)/n (k × k). A depth-L network is therefore, exactly
in law, the Euler–Maruyama scheme with step Δ = 1/L of the interacting-particle SDE

    dh_i = τ σ_w G(h_t)^{1/2} dB_i(t),   i = 1..n,   t ∈ [0, 1],   h_i(0) ~ N(0, K0) i.i.d.,

with B_1..B_n independent k-dimensional Brownian motions: a driftless SDE whose diffusion depends
on all neurons through their empirical measure (a McKean–Vlasov-type system). This is the
depth-first limit at finite width (L → ∞ at fixed n; our reconstruction of the paper's proof
route). As n → ∞, G → E_{z~N(0,Q_t)}[φ(z)φ(z)ᵀ] and the kernel K_t = hᵀh/n follows the ODE of
``theory.depth_limit.limiting_kernel``; at finite n, Itô's formula gives
dE[K_t] = τ²σ_w² E[G(h_t)] dt exactly, so the mean kernel differs from the ODE by
E[G] − E[φφ](E K) = O(1/n).

Integrators (all in float64 by default, batched over independent samples):

* **Euler–Maruyama** (weak order 1): h ← h + τσ_w √Δ Z F(G)ᵀ, Z an n × k standard normal matrix
  and F F ᵀ = G a Cholesky factor. With Δ = 1/L this *is* the network, as forward Euler with
  Δ = 1/L is the infinite-width recursion.
* **Talay–Tubaro extrapolation** (weak order 2): E[f]^(2) = 2 E[f(X^{Δ/2})] − E[f(X^Δ)], the
  Richardson extrapolation of Euler–Maruyama in the step (Talay & Tubaro 1990). Both levels are
  driven by the *same* Brownian path (the coarse increments are sums of the fine ones), so the
  per-sample combination 2 f(X^{Δ/2}) − f(X^Δ) has about the variance of f(X^{Δ/2}) alone.

:func:`simulate_sde` runs one Brownian path per sample at the finest step and Euler–Maruyama on
it at several step sizes at once (``levels``), which is also the convergence check in the step:
successive differences E[f(X^Δ)] − E[f(X^{Δ/2})] fall like Δ^p with p the weak order.

Part of the simulation route: this module imports neither ``theory`` nor ``gaussian`` (only
``activations``). Seeds: samples are drawn in fixed blocks, each with its own NumPy PCG64 generator
seeded from (seed, block) (NumPy's ziggurat normals are about twice as fast as torch's on a
CPU), so the numbers do not depend on the device or on how the work is split.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from numpy.typing import ArrayLike

from . import _validate
from .activations import Activation, get_activation
from .device import resolve_device

__all__ = ["SDEResult", "empirical_gram", "network_neurons", "simulate_sde"]

# Samples are drawn in blocks of about this many normals per step (width × k × samples).
_BLOCK_ELEMENTS = 2**18


def _block_seed(seed: int, block: int) -> int:
    words = np.random.SeedSequence(seed, spawn_key=(block,)).generate_state(2, np.uint32)
    return int(words[0]) | (int(words[1]) << 32)


def _psd_cholesky(s: torch.Tensor) -> torch.Tensor:
    """Lower-triangular F with F Fᵀ = S for a batch of PSD k × k matrices S, (B, k, k).

    A pivot ≤ k·64·eps·S_jj (a column in the span of the previous ones, e.g. all ReLU units of an
    input switched off) gives a zero column, which is exact for a PSD matrix.
    """
    k = s.shape[-1]
    f = torch.zeros_like(s)
    tol = k * 64 * torch.finfo(s.dtype).eps
    for j in range(k):
        col = s[:, j:, j] - (f[:, j:, :j] * f[:, j : j + 1, :j]).sum(-1) if j else s[:, j:, j]
        pivot = col[:, :1]
        safe = torch.where(pivot > 0, pivot, torch.ones_like(pivot)).sqrt()
        f[:, j:, j] = torch.where(pivot <= tol * s[:, j : j + 1, j], 0.0, col / safe)
    return f


def empirical_gram(h: torch.Tensor, phi: Activation | None = None) -> torch.Tensor:
    """G(h) = φ(h)ᵀφ(h)/n for a batch of n × k states h, shape (B, n, k) → (B, k, k).

    ``phi=None`` gives the kernel hᵀh/n.
    """
    a = h if phi is None else phi(h)
    return a.transpose(1, 2) @ a / h.shape[1]


@dataclass(frozen=True)
class SDEResult:
    """Terminal states of the finite-width SDE at t = 1, for several Euler–Maruyama step counts.

    * ``kernels``: {N: (B, k, k)} the kernels K_1 = hᵀh/n of the B samples, Euler–Maruyama with N
      steps (Δ = 1/N), all N driven by the same Brownian paths.
    * ``neurons``: {N: (B, n, k)} the terminal states h_i(1) themselves, if requested, else None.
    * ``gram_path``: {N: (N, k, k)} the mean over samples of the empirical Gram G(h) at the left
      end of every step (a pilot's output, used as ``control`` of a later run).
    * ``control_kernels``: {N: (B, k, k)} or None: the kernels of the *control* process, driven by
      the same h(0) and Brownian path but with the deterministic diffusion τσ_w Ḡ_s^{1/2}.
    * ``control_means``: {N: (k, k)} or None: its exact mean K0 + Δ τ²σ_w² Σ_s Ḡ_s.
    * ``initial_kernels``: (B, k, k) K_0 = h(0)ᵀh(0)/n, whose mean is exactly K0.
    """

    width: int
    activation: str
    n_samples: int
    seed: int
    steps: tuple[int, ...]
    kernels: dict[int, np.ndarray]
    neurons: dict[int, np.ndarray] | None
    gram_path: dict[int, np.ndarray]
    control_kernels: dict[int, np.ndarray] | None
    control_means: dict[int, np.ndarray] | None
    initial_kernels: np.ndarray

    def samples(self, n_steps: int, *, extrapolate: bool = False) -> np.ndarray:
        """Per-sample unbiased estimates of E[K_1], (B, k, k), Euler–Maruyama with N steps.

        With a control: K^(N) − K_c^(N) + E[K_c^(N)] (same mean as K^(N), far smaller variance
        whatever Ḡ is, since K and K_c share h(0) and the Brownian path). With ``extrapolate``:
        the Talay–Tubaro combination 2 X^(N) − X^(N/2) of those (weak order 2).
        """
        n_steps = _validate.integer("n_steps", n_steps)
        if n_steps not in self.kernels:
            raise ValueError(f"n_steps: {n_steps} is not among the simulated steps {self.steps}")

        def one(N: int) -> np.ndarray:
            if self.control_kernels is None:
                return self.kernels[N]
            return self.kernels[N] - self.control_kernels[N] + self.control_means[N]

        if not extrapolate:
            return one(n_steps)
        if n_steps % 2 or n_steps // 2 not in self.kernels:
            raise ValueError(f"n_steps: extrapolation needs N and N/2 among {self.steps}")
        return 2 * one(n_steps) - one(n_steps // 2)

    def mean_kernel(
        self, n_steps: int, *, extrapolate: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """(mean, standard error) over samples of :meth:`samples`, each (k, k)."""
        x = self.samples(n_steps, extrapolate=extrapolate)
        return x.mean(0), x.std(0, ddof=1) / math.sqrt(len(x))


def simulate_sde(
    K0: ArrayLike,
    width: int,
    n_steps: int,
    n_samples: int,
    activation: str | Activation = "relu",
    *,
    alpha: float | None = None,
    branch_scale: float = 1.0,
    sigma_w2: float = 1.0,
    levels: int = 1,
    control: ArrayLike | None = None,
    exact_start: bool = False,
    keep_neurons: bool = False,
    seed: int = 0,
    device: str | torch.device = "cpu",
    dtype: torch.dtype = torch.float64,
) -> SDEResult:
    """Integrate dh_i = τσ_w G(h)^{1/2} dB_i (i = 1..n) on [0, 1] for ``n_samples`` samples.

    h_i(0) are i.i.d. N(0, K0) (a random input layer with kernel K0, as in the network).
    Euler–Maruyama runs with N = ``n_steps``, N/2, …, N/2^(levels−1) steps on the same Brownian
    paths (``n_steps`` must be divisible by 2^(levels−1)); with N = L it is exactly the depth-L
    network in law. ``exact_start``: h(0) is drawn with h(0)ᵀh(0)/n = K0 exactly (rows
    N(0, K0) whitened across neurons; needs width ≥ k), removing the input layer's χ²
    fluctuation. ``control`` (shape (n_steps, k, k), PSD): a deterministic Gram path Ḡ_s on
    the finest grid (e.g. a pilot's ``gram_path[n_steps]``); the control process
    dh_c = τσ_w Ḡ^{1/2} dB is then run alongside (coarse level N' uses Ḡ at its own left
    points). Returns an :class:`SDEResult`.
    """
    K0 = _validate.kernel("K0", K0)
    width = _validate.integer("width", width)
    n_steps = _validate.integer("n_steps", n_steps)
    n_samples = _validate.integer("n_samples", n_samples, minimum=1)
    levels = _validate.integer("levels", levels)
    if n_steps % 2 ** (levels - 1):
        raise ValueError(
            f"n_steps: {n_steps} is not divisible by 2^(levels−1) = {2 ** (levels - 1)}"
        )
    phi = get_activation(activation, alpha)
    branch_scale = _validate.real("branch_scale", branch_scale, minimum=0.0)
    sigma_w2 = _validate.variance("sigma_w2", sigma_w2)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"seed: expected an integer, got {seed!r}")
    if dtype not in (torch.float64, torch.float32):
        raise ValueError(f"dtype: expected torch.float64 or torch.float32, got {dtype}")
    dev = resolve_device(device)
    k = K0.shape[0]
    if exact_start and (width < k or np.linalg.eigvalsh(K0).min() <= 0):
        raise ValueError("exact_start: needs width ≥ k and a positive-definite K0")
    steps = tuple(n_steps // 2**j for j in range(levels))
    scale2 = branch_scale**2 * sigma_w2
    if control is not None:
        ctrl = np.array(control, dtype=float)
        if ctrl.shape != (n_steps, k, k) or not np.all(np.isfinite(ctrl)):
            raise ValueError(f"control: expected a finite array of shape {(n_steps, k, k)}")
        for s_ in range(n_steps):
            _validate.kernel(f"control[{s_}]", ctrl[s_])
        ctrl_t = torch.as_tensor(ctrl, dtype=dtype, device=dev)
        ctrl_f = _psd_cholesky(scale2 * ctrl_t)
        ctrl_means = {N: K0 + scale2 / N * ctrl[:: n_steps // N].sum(0) for N in steps}
    chol0 = _psd_cholesky(torch.as_tensor(K0, dtype=dtype, device=dev)[None])[0]
    block = max(1, _BLOCK_ELEMENTS // (width * k))
    kern: dict[int, list] = {N: [] for N in steps}
    ckern: dict[int, list] = {N: [] for N in steps}
    init: list = []
    neur: dict[int, list] | None = {N: [] for N in steps} if keep_neurons else None
    gsum = {N: torch.zeros(N, k, k, dtype=dtype, device=dev) for N in steps}
    root_dt = math.sqrt(1.0 / n_steps)
    with torch.no_grad():
        for b, lo in enumerate(range(0, n_samples, block)):
            c = min(block, n_samples - lo)
            rng = np.random.Generator(np.random.PCG64(_block_seed(seed, b)))

            def normal(rng=rng, c=c) -> torch.Tensor:
                z = rng.standard_normal((c, width, k))
                return torch.as_tensor(z, device=dev).to(dtype)

            z0 = normal()
            if exact_start:  # whiten the columns: z0ᵀz0/n = I exactly, so h(0)ᵀh(0)/n = K0
                f0 = _psd_cholesky(empirical_gram(z0))
                z0 = torch.linalg.solve_triangular(f0, z0.transpose(1, 2), upper=False)
                z0 = z0.transpose(1, 2)
            h0 = z0 @ chol0.T
            init.append(empirical_gram(h0).cpu().numpy())
            h = {N: h0.clone() for N in steps}
            hc = {N: h0.clone() for N in steps} if control is not None else None
            acc = {N: torch.zeros_like(h0) for N in steps[1:]}
            for s in range(n_steps):
                z = normal()
                for N in reversed(steps):  # coarse levels first: the fine one scales z in place
                    ratio = n_steps // N
                    if ratio > 1:
                        acc[N] += z
                        if (s + 1) % ratio:
                            continue
                    j = s // ratio  # this level's step index; its left point is fine step j·ratio
                    g = empirical_gram(h[N], phi)
                    gsum[N][j] += g.sum(0)
                    # the sum of `ratio` fine normals times √Δ_fine is ΔW over the step 1/N
                    dw = (z if ratio == 1 else acc[N]).mul_(root_dt)
                    h[N].baddbmm_(dw, _psd_cholesky(scale2 * g).transpose(1, 2))
                    if hc is not None:
                        hc[N].add_(dw @ ctrl_f[j * ratio].T)
                    if ratio > 1:
                        acc[N].zero_()
            for N in steps:
                kern[N].append(empirical_gram(h[N]).cpu().numpy())
                if hc is not None:
                    ckern[N].append(empirical_gram(hc[N]).cpu().numpy())
                if neur is not None:
                    neur[N].append(h[N].cpu().numpy())
    kernels = {N: np.concatenate(v) for N, v in kern.items()}
    if not all(np.all(np.isfinite(v)) for v in kernels.values()):
        raise FloatingPointError("simulate_sde: non-finite kernels (overflow); lower tau²·sigma_w2")
    return SDEResult(
        width=width,
        activation=phi.name,
        n_samples=n_samples,
        seed=seed,
        steps=steps,
        kernels=kernels,
        neurons=None if neur is None else {N: np.concatenate(v) for N, v in neur.items()},
        gram_path={N: (v / n_samples).cpu().numpy() for N, v in gsum.items()},
        control_kernels=None
        if control is None
        else {N: np.concatenate(v) for N, v in ckern.items()},
        control_means=None if control is None else ctrl_means,
        initial_kernels=np.concatenate(init),
    )


def network_neurons(
    K0: ArrayLike,
    width: int,
    depth: int,
    n_neurons: int,
    activation: str | Activation = "relu",
    *,
    seed: int = 0,
    device: str | torch.device = "cpu",
) -> np.ndarray:
    """Single neurons h_i^(L) of ``n_neurons // width`` independent depth-L 1/√L ResNets.

    Exactly in law: Euler–Maruyama with N = L steps of Δ = 1/L *is* the depth-L network (rows
    of W φ(h) are i.i.d. N(0, σ_w² G(h)) given h). Returns shape (networks, width, k).
    """
    n_neurons = _validate.integer("n_neurons", n_neurons)
    if n_neurons < 2 * width:
        raise ValueError(f"n_neurons: need ≥ 2 networks' worth (≥ {2 * width}), got {n_neurons}")
    res = simulate_sde(
        K0,
        width,
        depth,
        n_neurons // width,
        activation,
        keep_neurons=True,
        seed=seed,
        device=device,
    )
    return res.neurons[depth]
