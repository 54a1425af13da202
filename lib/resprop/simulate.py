"""Monte Carlo over B independent random networks at once, streaming per-layer statistics.

Two samplers run the same layer updates (:meth:`resprop.networks.Network.block`):

* ``"dense"`` draws every weight matrix, B × n_out × n_in per layer, and multiplies (the ground
  truth, O(n² m) per layer and network).
* ``"gram"`` is exact in law. For a fresh W with i.i.d. N(0, v) entries and a fixed n_in × m
  matrix H, the rows of W H (plus a fresh bias b ⊗ c) are i.i.d. N(0, S) with
  S = v HᵀH + σ_b² c cᵀ. So W H is drawn as Z Fᵀ, Z an n_out × m standard normal matrix and
  F F ᵀ = S a (semi-definite) Cholesky factor: O(n m²) per layer.

Each network is a set of m = k + n_tangents columns: the k inputs and n_tangents Jacobian-vector
products t ↦ J t of the first input, t ~ N(0, I_d), carried as φ′(x₀)⊙t through the same weights.

Random numbers: networks are drawn in fixed blocks, each with its own generator seeded from
(seed, block). On CPU it is NumPy's ``Generator(SFC64)``, whose ziggurat sampler writes the
normals straight into the torch buffer (``Tensor.numpy()`` shares its memory), about 2.5× the
rate of ``torch.randn`` in float64; on CUDA it is torch's Philox (``normal_`` on the device).

Log-space: tangent columns (linear in t) and, for positively homogeneous φ (relu, linear,
α-ReLU), the input columns are stored as 2^{E_j} x̃_j with an integer exponent per network and
column (see :class:`_Recorder`). Rescaling by a power of two is exact, so ReLU ResNets of any
depth, inputs of any finite size and chaotic JVPs neither overflow nor lose precision.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Union

import numpy as np
import torch
from numpy.typing import ArrayLike
from tqdm import tqdm

from . import _validate
from .device import resolve_device
from .networks import Features, Network, join_features

__all__ = ["PER_LAYER_FIELDS", "SAMPLERS", "Record", "simulate"]

PER_LAYER_FIELDS = (
    "log_sq_norm",
    "correlation",
    "act_kernel",
    "pre_kernel",
    "active_fraction",
    "active_energy",
    "same_sign",
    "jvp_log_sq_norm",
)
"""The :class:`Record` fields indexed [network, layer, …]: the rows of :meth:`Record.summary`."""

SAMPLERS = ("dense", "gram")
_DTYPES = {torch.float64: "float64", torch.float32: "float32"}
Generator = Union[np.random.Generator, torch.Generator]  # noqa: UP007 (a runtime alias)
# Networks are drawn in fixed blocks, each with its own generator seeded from (seed, block). A
# block holds about this many random numbers per layer (weights for "dense", normals for "gram").
_BLOCK_ELEMENTS = {("cpu", "gram"): 2**15, ("cpu", "dense"): 2**22, ("cuda", "gram"): 2**20}
_BLOCK_ELEMENTS["cuda", "dense"] = 2**25
# On CPU a chunk's state tensor (B·m·n numbers) stays near this size, so that the per-layer
# passes over it run from cache rather than from memory.
_CPU_CHUNK_BYTES = 2**21
# Log-space: a rescalable column whose mean square leaves [2^-T, 2^T] is brought back near 1.
_LOG2_RANGE = 32.0


@dataclass(frozen=True)
class Record:
    """Per-layer statistics of B networks, float64, indexed [network, layer l = 0..L, …].

    The state is x^l: the stream for residual families, h^l for FeedForward and PreActResidual.
    Inputs are a, b = 0..k−1; n is the width.

    * ``log_sq_norm`` (B, L+1, k): ln(‖x_a^l‖²/n), exact in log-space at any depth; −∞ only
      where the state is exactly 0 (a zero input, or a non-homogeneous φ that underflowed).
    * ``correlation`` (B, L+1, k, k): cosine ⟨x_a, x_b⟩ / (‖x_a‖ ‖x_b‖); 0 where a norm is 0.
    * ``act_kernel`` (B, L+1, k, k): ⟨φ(x_a), φ(x_b)⟩/n; 0 where φ(x) = 0 (a dead network);
      inf only where the value itself exceeds float64 (ln‖x‖²/n ≳ 709), with a warning.
    * ``pre_kernel`` (B, L+1, k, k) or None: FullResidual's ⟨h_a^l, h_b^l⟩/n; NaN at l = 0.
    * ``active_fraction`` (B, L+1, k): #{i : x_{a,i} > 0}/n.
    * ``active_energy`` (B, L+1, k): ‖relu(x_a)‖²/‖x_a‖²; 0 where x_a = 0.
    * ``same_sign`` (B, L+1, k, len(same_sign_lags)): #{i : 1[x^l_{a,i} > 0] = 1[x^{l−lag}_{a,i}
      > 0]}/n; NaN for l < lag.
    * ``jvp_log_sq_norm`` (B, L+1, n_tangents): ln(‖J_l t_j‖²/n), J_l = ∂x_0^l/∂u_0 the Jacobian
      of layer l's state in the first input, t_j ~ N(0, I_d) (at l = 0: ln(‖W_in t_j‖²/n), or
      ln(‖t_j‖²/n) without an input layer).
    * ``output_scaled`` (B, k, output_dim) and ``output_log_scale`` (B, k): the readout is
      z_a = exp(output_log_scale_a) · output_scaled_a (see :attr:`output`).

    ``act_kernel``, ``pre_kernel``, ``active_fraction``, ``active_energy`` and ``same_sign``
    are None where :func:`simulate` was asked not to record them (``fields``). Any other
    non-finite value (a state that is exactly 0, a value beyond float64) comes with a
    ``RuntimeWarning`` naming the network, the field and the first layer.
    """

    network: Network
    inputs: np.ndarray
    n_networks: int
    sampler: str
    seed: int
    device: str
    dtype: str
    same_sign_lags: tuple[int, ...]
    log_sq_norm: np.ndarray
    correlation: np.ndarray
    act_kernel: np.ndarray | None
    pre_kernel: np.ndarray | None
    active_fraction: np.ndarray | None
    active_energy: np.ndarray | None
    same_sign: np.ndarray | None
    jvp_log_sq_norm: np.ndarray
    output_scaled: np.ndarray
    output_log_scale: np.ndarray

    @property
    def kernel(self) -> np.ndarray:
        """(B, L+1, k, k): ⟨x_a, x_b⟩/n = exp((lsn_a + lsn_b)/2) · corr_ab (inf beyond e^709)."""
        half = self.log_sq_norm / 2
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.exp(half[..., :, None] + half[..., None, :]) * self.correlation
        out[self.correlation == 0] = 0.0
        _warn_nonfinite(self.network.label, "kernel", out)
        return out

    @property
    def output(self) -> np.ndarray:
        """(B, k, output_dim): the readout z_a = W_out x_a^L (inf only beyond e^709)."""
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.exp(self.output_log_scale)[..., None] * self.output_scaled
        out[self.output_scaled == 0] = 0.0
        _warn_nonfinite(self.network.label, "output", out)
        return out

    def _values(self, name: str) -> np.ndarray:
        values = getattr(self, name)
        if values is None:
            raise ValueError(f"{name}: not recorded; pass it in simulate(..., fields=...)")
        return values

    def mean(self, name: str) -> np.ndarray:
        """Mean over networks of the field or property ``name``."""
        return np.mean(self._values(name), axis=0)

    def sem(self, name: str) -> np.ndarray:
        """Standard error of :meth:`mean`: sample standard deviation (ddof=1) / √B."""
        values = self._values(name)
        return np.std(values, axis=0, ddof=1) / math.sqrt(values.shape[0])

    def summary(self, fields: Sequence[str] = PER_LAYER_FIELDS) -> np.ndarray:
        """A tidy per-layer table: one row per (field, layer l, index), with the mean over the B
        networks and its standard error (:meth:`mean`, :meth:`sem`), as mup's coord_check tables.

        A NumPy structured array with columns ``field``, ``layer``, ``index`` (the trailing
        indices, e.g. ``"0,1"`` for the kernel entry of inputs 0 and 1, ``""`` for none),
        ``mean`` and ``se``; ``pandas.DataFrame(record.summary())`` makes it a data frame. NaN
        rows are the ones the field defines as NaN (``pre_kernel`` at l = 0, ``same_sign`` for
        l < lag). ``fields``: any of :data:`PER_LAYER_FIELDS` (``pre_kernel`` only where set).
        """
        if isinstance(fields, str) or not all(f in PER_LAYER_FIELDS for f in fields):
            raise ValueError(f"fields: a sequence of names from {PER_LAYER_FIELDS}, got {fields!r}")
        rows = []
        for name in fields:
            if getattr(self, name) is None:
                continue
            mean, se = self.mean(name), self.sem(name)
            for layer in range(mean.shape[0]):
                for index in np.ndindex(mean.shape[1:]):
                    key = (layer, *index)
                    label = ",".join(map(str, index))
                    rows.append((name, layer, label, mean[key], se[key]))
        dtype = [("field", "U24"), ("layer", "i8"), ("index", "U16"), ("mean", "f8"), ("se", "f8")]
        return np.array(rows, dtype=dtype)


def _block_seed(seed: int, block: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=(block,))


def _generator(seed: int, block: int, device: torch.device) -> Generator:
    """Block ``block``'s generator: NumPy's SFC64 (ziggurat normals) on CPU, Philox on CUDA."""
    if device.type == "cpu":
        return np.random.Generator(np.random.SFC64(_block_seed(seed, block)))
    return _torch_generator(seed, block, device)


def _torch_generator(seed: int, block: int, device: torch.device) -> torch.Generator:
    """Block ``block``'s torch generator on ``device`` (Philox on CUDA), from (seed, block)."""
    words = _block_seed(seed, block).generate_state(2, np.uint32)
    return torch.Generator(device=device).manual_seed(int(words[0]) | (int(words[1]) << 32))


def _psd_cholesky(s: torch.Tensor) -> torch.Tensor:
    """Lower-triangular F with F Fᵀ = S for a batch of PSD matrices S, (B, m, m).

    Left-looking Cholesky, vectorised over the batch. A pivot that is ≤ 0 or below
    m·64·eps·S_jj is a column that (numerically) lies in the span of the previous ones; for a
    PSD matrix its Schur-complement column is then 0, so setting F's column to 0 is exact. This
    covers zero columns (dead ReLU units) and identical inputs.
    """
    if s.device.type == "cpu":  # NumPy on the shared memory: a tenth of torch's per-op cost
        return torch.from_numpy(_psd_cholesky_host(s.numpy()))
    m = s.shape[-1]
    f = torch.zeros_like(s)
    tol = m * 64 * torch.finfo(s.dtype).eps
    for j in range(m):
        col = s[:, j:, j] - (f[:, j:, :j] * f[:, j : j + 1, :j]).sum(-1) if j else s[:, j:, j]
        pivot = col[:, :1]
        f[:, j:, j] = torch.where(pivot <= tol * s[:, j : j + 1, j], 0.0, col / pivot.sqrt())
    return f


def _psd_cholesky_host(s: np.ndarray) -> np.ndarray:
    """:func:`_psd_cholesky` in NumPy (the same operations, row by row)."""
    m = s.shape[-1]
    f = np.zeros_like(s)
    tol = m * 64 * np.finfo(s.dtype).eps
    with np.errstate(invalid="ignore", divide="ignore"):
        for j in range(m):
            col = s[:, j:, j] - (f[:, j:, :j] * f[:, j : j + 1, :j]).sum(-1) if j else s[:, j:, j]
            pivot = col[:, :1]
            f[:, j:, j] = np.where(pivot <= tol * s[:, j : j + 1, j], 0.0, col / np.sqrt(pivot))
    return f


def _count(b: torch.Tensor) -> torch.Tensor:
    """Number of True along the last axis of a contiguous bool tensor.

    A bool sum first widens every element to int64. Instead, 8 flags are read as one int64 word
    and the words are summed: each byte of the sum counts its flags exactly while it stays below
    256, i.e. for rows of up to 8·255 flags; the 8 byte counts are then added.
    """
    n = b.shape[-1]
    if n % 8 or n > 8 * 255:
        return b.view(torch.uint8).sum(-1, dtype=torch.int32)
    return b.view(torch.int64).sum(-1).view(torch.uint8).view(*b.shape[:-1], 8).sum(-1)


def _positive(x: torch.Tensor) -> torch.Tensor:
    """x > 0 for finite floats, read on the integer view (a positive float is a positive
    integer there; ±0 and negatives are not), which is faster than a float comparison. On CPU
    NumPy compares (about 3.5× torch's rate on this shape) into a fresh contiguous array."""
    ints = x.view(torch.int64 if x.dtype == torch.float64 else torch.int32)
    if x.device.type == "cpu":
        return torch.from_numpy(np.greater(ints.numpy(), 0))
    return ints > 0


def _mix(
    f: torch.Tensor, z: torch.Tensor, residual: torch.Tensor | None, out: torch.Tensor | None
) -> torch.Tensor:
    """[R +] F Z = Σ_i F[:, i:, i] ⊗ Z[:, i] for lower-triangular F (B, m, m), Z (B, m, n).

    With a residual R the sum is accumulated into R in place (after F is computed, so R may
    alias the matrix whose Gram matrix gave F); without, it is written into ``out``.
    """
    if residual is None:
        y = torch.mul(f[:, :, :1], z[:, :1], out=out)
    else:
        y = residual.addcmul_(f[:, :, :1], z[:, :1])
    for i in range(1, z.shape[1]):
        y[:, i:].addcmul_(f[:, i:, i : i + 1], z[:, i : i + 1])
    return y


class _Ops:
    """Shared part of the two samplers: φ on columns, signs, generators, buffers, memo.

    ``n_nets`` is the number of networks in the chunk (the batch axis B); widths are arguments.
    """

    def __init__(
        self,
        network: Network,
        k: int,
        blocks: list[tuple[slice, Generator]],
        n_nets: int,
        device: torch.device,
        dtype: torch.dtype,
    ) -> None:
        self.act = network.phi
        self.relu = network.activation == "relu"
        self.k = k
        self.blocks = blocks
        self.n_nets = n_nets
        self.device = device
        self.dtype = dtype
        self.host_rng = device.type == "cpu"  # NumPy generators writing into shared buffers
        self.bias_cols: torch.Tensor | None = None  # (B, m, 1): 2^{-E} on inputs, 0 on tangents
        self.bias_outer: torch.Tensor | None = None  # (B, m, m) float64: c cᵀ
        self.col_factor: torch.Tensor | None = None  # (B, m, 1): 2^{(α−1)E} (α-homogeneous φ)
        self.on_tap: Callable[[str, torch.Tensor], None] | None = None
        self._buffers: dict[tuple, tuple[torch.Tensor, np.ndarray | None]] = {}
        self._spare: list[torch.Tensor] = []  # dead outputs: later ones may be written there
        self._made: list[torch.Tensor] = []  # the outputs made since the last settle
        self._turn: dict[str, bool] = {}
        self._memo: list[tuple[str, torch.Tensor, int, torch.Tensor]] = []

    def _buffer(self, name: str, shape: tuple[int, ...]) -> tuple[torch.Tensor, np.ndarray | None]:
        key = (name, *shape)
        buf = self._buffers.get(key)
        if buf is None:
            t = torch.empty(shape, device=self.device, dtype=self.dtype)
            buf = self._buffers[key] = (t, t.numpy() if self.host_rng else None)
        return buf

    def buffer(self, name: str, shape: tuple[int, ...]) -> torch.Tensor:
        return self._buffer(name, shape)[0]

    def output(self, shape: tuple[int, ...]) -> torch.Tensor:
        """Memory for a linear layer's output: a dead one's (see :meth:`settle`), or fresh."""
        for i, t in enumerate(self._spare):
            if t.shape == shape:
                out = self._spare.pop(i)
                break
        else:
            out = torch.empty(shape, device=self.device, dtype=self.dtype)
        self._made.append(out)
        return out

    def settle(self, old: torch.Tensor, new: torch.Tensor) -> None:
        """After a layer took the state ``old`` to ``new``: the outputs made since the last call
        but ``new`` (a block's pre-activations, temporaries), and ``old`` if replaced, are dead,
        and later outputs are written into their memory (a fresh allocation of a few MiB costs
        page faults on every layer)."""
        dead = [t for t in self._made if t is not new]
        if old is not new and all(t is not old for t in dead):
            dead.append(old)
        self._made = []
        self._spare = [t for t in [*self._spare, *dead] if t.is_contiguous()][-4:]

    def _rotating(self, name: str, shape: tuple[int, ...]) -> torch.Tensor:
        """Two buffers used in turn (fresh allocations cost page faults); a result stays valid
        until the second-next call. The memo keys on tensor versions, so reuse is safe there."""
        self._turn[name] = turn = not self._turn.get(name, False)
        return self.buffer(f"{name}{int(turn)}", shape)

    def normal(self, name: str, shape: tuple[int, ...]) -> torch.Tensor:
        """A (B, …) tensor of standard normals, drawn block by block from the blocks'
        generators (on CPU, NumPy's ziggurat writes straight into the torch buffer)."""
        out, arr = self._buffer(name, (self.n_nets, *shape))
        if arr is not None:
            for sl, gen in self.blocks:
                gen.standard_normal(out=arr[sl], dtype=arr.dtype)
        else:
            for sl, gen in self.blocks:
                out[sl].normal_(generator=gen)
        return out

    def _memoised(self, kind: str, x: torch.Tensor, fn: Callable[[], torch.Tensor]) -> torch.Tensor:
        """fn(), reused while x is one of the last few tensors seen and unmodified since."""
        for memo_kind, memo_x, version, value in self._memo:
            if memo_kind == kind and memo_x is x and version == x._version:
                return value
        value = fn()
        self._memo = [*self._memo[-3:], (kind, x, x._version, value)]
        return value

    def phi(self, x: torch.Tensor, flip: float | torch.Tensor | None = None) -> torch.Tensor:
        """φ(x) on the k input columns, φ′(x₀)⊙t on the tangent columns, each in the scale of
        its column (log-space: column j is 2^{E_j} x̃_j, see :class:`_Recorder`); with ``flip``
        (−1 or a (B, 1, n) ±1 tensor) the same of flip ⊙ x, flipped in a reused buffer."""
        if flip is not None:
            x = torch.mul(x, flip, out=self._rotating("flip", tuple(x.shape)))
        return self._memoised("phi", x, lambda: self._phi(x))

    def _phi(self, x: torch.Tensor) -> torch.Tensor:
        k, act = self.k, self.act
        if act.name == "linear":
            return x
        out = self._rotating("phi", tuple(x.shape))
        if self.relu:  # exact arithmetic: one pass over the whole chunk
            torch.clamp_min(x[:, :k], 0.0, out=out[:, :k])
            if x.shape[1] > k:
                torch.mul(x[:, :1] > 0, x[:, k:], out=out[:, k:])
            return out
        # Transcendental φ may round differently in vectorised and scalar code paths, so it is
        # evaluated on fixed blocks: a network's result never depends on the chunk around it.
        # On CPU, tanh is NumPy's (SIMD, within 1 ulp of torch's and 5× faster in float64).
        tangents = x.shape[1] > k
        host_tanh = self.host_rng and act.name == "tanh"
        for sl, _ in self.blocks:
            if host_tanh:
                np.tanh(x[sl, :k].numpy(), out=out[sl, :k].numpy())
            else:
                act.into(x[sl, :k], out[sl, :k])
            if tangents:
                torch.mul(act.derivative(x[sl, :1]), x[sl, k:], out=out[sl, k:])
        if self.col_factor is not None:  # φ(2^E x̃)/2^E = 2^{(α−1)E} φ(x̃)
            out.mul_(self.col_factor)
        return out

    def bmm(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """a @ b block by block, so a network's result never depends on the chunk around it."""
        out = self.output((a.shape[0], a.shape[1], b.shape[2]))
        for sl, _ in self.blocks:
            torch.bmm(a[sl], b[sl], out=out[sl])
        return out

    def gram(self, h: torch.Tensor) -> torch.Tensor:
        """h hᵀ in float64, (B, m, m), block by block."""
        return self._memoised("gram", h, lambda: self._gram(h).double())

    def _gram(self, h: torch.Tensor) -> torch.Tensor:
        if self.host_rng:  # NumPy's dot products: each pair on its own, whatever the chunk
            a = h.numpy()
            with np.errstate(over="ignore", invalid="ignore"):  # inf: the recorder rescales
                return torch.from_numpy(np.vecdot(a[:, :, None], a[:, None]))
        m = h.shape[1]
        out = torch.empty(h.shape[0], m, m, device=h.device, dtype=h.dtype)
        for sl, _ in self.blocks:
            torch.bmm(h[sl], h[sl].transpose(1, 2), out=out[sl])
        return out

    def sq_norms(self, h: torch.Tensor) -> torch.Tensor:
        """‖h_j‖² per column, (B, m), float64."""
        if self.host_rng:
            a = h.numpy()
            with np.errstate(over="ignore", invalid="ignore"):
                return torch.from_numpy(np.vecdot(a, a)).double()
        flat = h.reshape(-1, 1, h.shape[-1])
        out = torch.empty(flat.shape[0], 1, 1, device=h.device, dtype=h.dtype)
        m = h.shape[1]
        for sl, _ in self.blocks:
            rows = slice(sl.start * m, sl.stop * m)
            torch.bmm(flat[rows], flat[rows].transpose(1, 2), out=out[rows])
        return out.view(h.shape[0], m).double()

    def signs(self, n: int) -> torch.Tensor:
        """Fresh i.i.d. uniform ±1, (B, 1, n). On CPU each sign is one bit of the block
        generator's raw 64-bit words (bit i of word j is sign 64 j + i), 2 b − 1."""
        out, arr = self._buffer("signs", (self.n_nets, 1, n))
        if arr is None:
            for sl, gen in self.blocks:
                out[sl].bernoulli_(0.5, generator=gen)
            return out.mul_(2.0).sub_(1.0)
        words = np.empty((self.n_nets, 1, -(-n // 64)), dtype=np.uint64)
        for sl, gen in self.blocks:
            words[sl] = gen.bit_generator.random_raw(words[sl].shape)
        bits = np.unpackbits(words.view(np.uint8), axis=-1, count=n, bitorder="little")
        np.multiply(bits, 2.0, out=arr)
        return out.sub_(1.0)

    def tap(self, name: str, x: torch.Tensor) -> None:
        if self.on_tap is not None:
            self.on_tap(name, x)

    def _bias(self, m: int) -> torch.Tensor:
        if self.bias_cols is None or m != self.bias_cols.shape[1]:
            raise ValueError("bias_var: biases need the network's full set of columns")
        return self.bias_cols


class _DenseOps(_Ops):
    """Materialise W (B, n_in, n_out) and b, then [R +] scale·(h W + c ⊗ b)."""

    def linear(
        self,
        h: Features,
        n_out: int,
        weight_var: float,
        bias_var: float = 0.0,
        residual: torch.Tensor | None = None,
        scale: float = 1.0,
    ) -> torch.Tensor:
        h = join_features(h)
        y = self.bmm(h, self.normal("w", (h.shape[-1], n_out)))
        y.mul_(scale * math.sqrt(weight_var))
        if bias_var:
            c = self._bias(h.shape[1])
            y.addcmul_(c, self.normal("b", (1, n_out)), value=scale * math.sqrt(bias_var))
        return y if residual is None else residual.add_(y)


class _GramOps(_Ops):
    """Draw scale·(h Wᵀ + c ⊗ b) as F Z: Z (B, m, n_out) standard normal,
    F Fᵀ = scale²·(v h hᵀ + σ_b² c cᵀ). Features given in parts, h = [h₁ h₂ …], never meet:
    h hᵀ = Σ_i h_i h_iᵀ."""

    def linear(
        self,
        h: Features,
        n_out: int,
        weight_var: float,
        bias_var: float = 0.0,
        residual: torch.Tensor | None = None,
        scale: float = 1.0,
    ) -> torch.Tensor:
        parts = h if isinstance(h, tuple) else (h,)
        s = self.gram(parts[0])
        for part in parts[1:]:
            s = s + self.gram(part)
        s = (scale * scale * weight_var) * s
        m = parts[0].shape[1]
        if bias_var:
            self._bias(m)
            s.add_(self.bias_outer, alpha=scale * scale * bias_var)
        f = _psd_cholesky(s).to(self.dtype)
        z = self.normal("z", (m, n_out))
        return _mix(f, z, residual, None if residual is not None else self.output(z.shape))


def _ldexp_tensor(exponent: np.ndarray, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """2^exponent, exactly (NumPy's ldexp), as a (B, m, 1) tensor."""
    return torch.from_numpy(np.ldexp(1.0, exponent.astype(np.int64)))[:, :, None].to(device, dtype)


class _Recorder:
    """Streams per-layer sums of each layer's state into (B, L+1, …) float64 tensors: Gram
    matrices, counts and the log-scale exponents (:func:`_fields` derives the rest).

    Log-space: a column j is stored as 2^{E_j} x̃_j with an integer exponent per network and
    column. The tangent columns are linear in t, so they are always rescalable; the input
    columns are rescalable when φ is positively homogeneous of some degree α (φ(λx) = λ^α φ(x)):
    then φ(x) in the scale of x is 2^{(α−1)E} φ(x̃) (:attr:`_Ops.col_factor`) and biases enter
    as 2^{−E} b. A column is rescaled, by its own mean square only, when that leaves
    [2^−T, 2^T]: the decision and the power of two are exact functions of the network's own
    numbers, so no result depends on the chunk around it.
    """

    def __init__(
        self,
        ops: _Ops,
        network: Network,
        n_nets: int,
        k: int,
        n_tangents: int,
        lags: tuple[int, ...],
        input_exponent: np.ndarray,
        fields: frozenset[str],
    ) -> None:
        self.ops, self.k, self.network = ops, k, network
        self.lags = lags if "same_sign" in fields else ()
        self.width = network.width
        degree = network.phi.homogeneity
        self.homogeneous = degree is not None
        self.degree_minus_1 = 0.0 if degree is None else degree - 1.0
        m, dev, L1 = k + n_tangents, ops.device, network.depth + 1
        self.m = m
        self.rescalable = np.array([self.homogeneous] * k + [True] * n_tangents)

        def zeros(*shape: int) -> torch.Tensor:
            return torch.zeros((n_nets, L1, *shape), device=dev, dtype=torch.float64)

        # column j of layer l is 2^exponent[:, l, j] · x̃_j (host, integers)
        self.exponent = np.zeros((n_nets, L1, m))
        self.gram_x = zeros(m, m)  # x̃ᵀx̃
        # Each further sum only where its field is asked for (ReLU: ‖relu(x̃)‖² = diag of gram_a).
        energy = "active_energy" in fields
        self.gram_a = None  # φ(x̃)ᵀφ(x̃) on the inputs (in the scale of x)
        if "act_kernel" in fields or (energy and ops.relu):
            self.gram_a = zeros(k, k)
        self.energy_from_act = energy and ops.relu
        taps_pre = "pre" in network.taps and "pre_kernel" in fields
        self.gram_pre = zeros(k, k) if taps_pre else None  # h̃ᵀh̃ (FullResidual)
        self.pre_exponent = np.zeros((n_nets, L1, k)) if taps_pre else None
        self.pos_energy = zeros(k) if energy and not ops.relu else None  # ‖relu(x̃)‖²
        self.positive = zeros(k) if "active_fraction" in fields else None  # #{i: x_i > 0}
        self.same = None
        if "same_sign" in fields:
            self.same = torch.full(
                (n_nets, L1, k, len(lags)), math.nan, device=dev, dtype=torch.float64
            )
        self.history: list[torch.Tensor | None] = [None] * max(self.lags, default=0)
        self.current = np.zeros((n_nets, m))
        self.current[:, :k] = input_exponent[None, :]
        self.layer = 0
        self._set_scales()
        ops.on_tap = self.tap if taps_pre else None

    def _set_scales(self) -> None:
        """Bias columns 2^{−E} (0 on tangents), c cᵀ, and φ's factors 2^{(α−1)E}."""
        ops, k = self.ops, self.k
        c = np.ldexp(1.0, -self.current.astype(np.int64))
        c[:, k:] = 0.0
        c_t = torch.from_numpy(c).to(ops.device)
        ops.bias_outer = c_t[:, :, None] * c_t[:, None, :]
        ops.bias_cols = c_t.to(ops.dtype)[:, :, None]
        ops.col_factor = None
        if self.degree_minus_1 and self.current.any():
            e = self.current.copy()
            e[:, k:] = e[:, :1]  # φ′(x₀) ⊙ t: the factor of the first input's scale
            a = self.degree_minus_1  # Python's float power: the same bits in every chunk
            factor = np.array([2.0 ** (a * v) for v in e.ravel()]).reshape(e.shape)
            ops.col_factor = torch.from_numpy(factor)[:, :, None].to(ops.device, ops.dtype)

    def _fail(self, what: str, layer: int, x: torch.Tensor) -> None:
        bad = ~torch.isfinite(x).all(-1).cpu().numpy()
        b, j = np.argwhere(bad)[0]
        raise FloatingPointError(
            f"simulate: {self.network.label}: the state overflowed float64 at layer {layer} "
            f"(network {b}, column {j}, {what}); the mathematics itself diverges here"
        )

    def _record_gram(self, x: torch.Tensor, layer: int) -> tuple[torch.Tensor, np.ndarray]:
        """Gram matrix of x and the (record-only) power of two it was taken at, for columns
        whose squares overflow although the state is finite (non-homogeneous φ, huge inputs)."""
        g = self.ops.gram(x)
        ms = torch.diagonal(g, dim1=1, dim2=2)
        if bool(torch.isfinite(ms).all()):
            return g, np.zeros(x.shape[:2])
        amax = x.abs().amax(-1).double().cpu().numpy()
        if not np.isfinite(amax).all():
            self._fail("not finite", layer, x)
        _, e = np.frexp(amax)
        shift = np.where(np.isfinite(ms.cpu().numpy()), 0, e).astype(float)
        scaled = x * _ldexp_tensor(-shift, x.device, x.dtype)
        return self.ops._gram(scaled).double(), shift

    def tap(self, name: str, x: torch.Tensor) -> None:
        """FullResidual's pre-activation h̃ of block ``layer`` (scale: the previous layer's)."""
        g, shift = self._record_gram(x[:, : self.k], self.layer)
        self.gram_pre[:, self.layer] = g
        self.pre_exponent[:, self.layer] = self.current[:, : self.k] + shift

    def _rescale(self, x: torch.Tensor, g: torch.Tensor, layer: int) -> torch.Tensor:
        """Bring every rescalable column whose mean square left [2^−T, 2^T] back near 1."""
        ms = (torch.diagonal(g, dim1=1, dim2=2) / self.width).cpu().numpy()
        mant, e = np.frexp(ms)
        shift = np.floor_divide(e, 2).astype(float)  # ms / 4^shift ∈ [1/4, 2)
        finite = np.isfinite(ms)
        far = (ms > 2.0**_LOG2_RANGE) | ((ms < 2.0**-_LOG2_RANGE) & (ms > 0))
        if not finite.all():  # squares overflow: rescale from the largest entry instead
            amax = x.abs().amax(-1).double().cpu().numpy()
            if not np.isfinite(amax[:, self.rescalable]).all():
                self._fail("not finite", layer, x)
            _, e_max = np.frexp(amax)
            shift = np.where(finite, shift, e_max)
            far |= ~finite
        need = far & self.rescalable[None, :]
        if not need.any():
            return g
        shift = np.where(need, shift, 0.0)
        x.mul_(_ldexp_tensor(-shift, x.device, x.dtype))
        self.current += shift
        self._set_scales()
        return self.ops.gram(x)

    def record(self, x: torch.Tensor, layer: int) -> None:
        """Rescale x in place by powers of two where needed (log-space), then record it."""
        ops, k, n = self.ops, self.k, self.width
        g = ops.gram(x)
        lo, hi = torch.aminmax(torch.diagonal(g, dim1=1, dim2=2))
        lo, hi = lo.item() / n, hi.item() / n
        shift = None
        if not (2.0**-_LOG2_RANGE <= lo and hi <= 2.0**_LOG2_RANGE):
            if self.rescalable.any():
                g = self._rescale(x, g, layer)
            if not self.rescalable.all():
                g, shift = self._record_gram(x, layer)
        self.layer = layer + 1
        self.exponent[:, layer] = self.current if shift is None else self.current + shift
        self.gram_x[:, layer] = g
        if self.gram_a is not None:
            self.gram_a[:, layer] = ops.gram(ops.phi(x))[:, :k, :k]
        xk = x[:, :k]
        if self.pos_energy is not None:
            r = torch.clamp_min(xk, 0.0, out=ops.buffer("relu", tuple(xk.shape)))
            if shift is not None and shift.any():  # at the recorded scale: no overflow
                r.mul_(_ldexp_tensor(-shift[:, :k], x.device, x.dtype))
            self.pos_energy[:, layer] = ops.sq_norms(r)
        if self.positive is None and not self.lags:
            return
        pos = _positive(xk)
        if self.positive is not None:
            self.positive[:, layer] = _count(pos)
        if self.lags:
            depth = len(self.history)
            for i, lag in enumerate(self.lags):
                if layer >= lag:
                    prev = self.history[(layer - lag) % depth]
                    self.same[:, layer, :, i] = _count(pos == prev)
            self.history[layer % depth] = pos

    def raw(self) -> dict[str, np.ndarray]:
        """The per-layer sums of these networks, for :func:`_fields`."""
        raw = {
            "gram_x": self.gram_x,
            "gram_a": self.gram_a,
            "gram_pre": self.gram_pre,
            "pos_energy": self.pos_energy,
            "positive": self.positive,
            "same": self.same,
        }
        out = {name: v.cpu().numpy() for name, v in raw.items() if v is not None}
        if self.energy_from_act:
            out["pos_energy"] = np.diagonal(out["gram_a"], axis1=2, axis2=3).copy()
        out["exponent"] = self.exponent
        if self.pre_exponent is not None:
            out["pre_exponent"] = self.pre_exponent
        return out


def _scaled(g: np.ndarray, s: np.ndarray) -> np.ndarray:
    """g · exp(s_a + s_b) for (…, k, k) g and (…, k) s: 0 where g = 0 (a dead column, whatever
    its scale), and via logarithms where the product is finite but a factor is not."""
    ssum = s[..., :, None] + s[..., None, :]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        out = g * np.exp(ssum)
        redo = ~np.isfinite(out) & (g != 0)
        if redo.any():
            out[redo] = np.sign(g[redo]) * np.exp(np.log(np.abs(g[redo])) + ssum[redo])
    out[g == 0] = 0.0
    return out


def _fields(raw: dict[str, np.ndarray], k: int, n: int, homogeneous: bool) -> dict[str, np.ndarray]:
    """:class:`Record` fields from the per-layer sums of all networks (in one pass, on the host,
    so that no result depends on how the networks were chunked)."""
    s = raw["exponent"] * math.log(2.0)  # ln of each column's scale
    gx, ga = raw["gram_x"], raw.get("gram_a")
    sq = np.diagonal(gx, axis1=2, axis2=3)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_ms = np.log(sq / n) + 2 * s
        d = np.sqrt(sq[..., :k])
        dd = d[..., :, None] * d[..., None, :]
        correlation = np.where(dd > 0, gx[..., :k, :k] / dd, 0.0)
        sk = sq[..., :k]
        act_scale = s[..., :k] if homogeneous else np.zeros_like(s[..., :k])
        out = {
            "log_sq_norm": log_ms[..., :k],
            "jvp_log_sq_norm": log_ms[..., k:],
            "correlation": correlation,
            "act_kernel": None if ga is None else _scaled(ga / n, act_scale),
            "active_fraction": raw["positive"] / n if "positive" in raw else None,
            "active_energy": None,
            "same_sign": raw["same"] / n if "same" in raw else None,
            "output_log_scale": s[:, -1, :k],
            "pre_kernel": None,
        }
        if "pos_energy" in raw:
            out["active_energy"] = np.where(sk > 0, raw["pos_energy"] / sk, 0.0)
        if "gram_pre" in raw:
            pre = np.full_like(raw["gram_pre"], np.nan)
            pre[:, 1:] = _scaled(
                raw["gram_pre"][:, 1:] / n, raw["pre_exponent"][:, 1:] * math.log(2)
            )
            out["pre_kernel"] = pre
    return out


_HINTS = {
    "log_sq_norm": "the state is exactly 0 there (a zero input, or it underflowed)",
    "jvp_log_sq_norm": "the Jacobian-vector product is exactly 0 there (every unit inactive)",
    "act_kernel": "⟨φ(x_a), φ(x_b)⟩/n exceeds float64 (≳ e^709): use log_sq_norm instead",
    "kernel": "⟨x_a, x_b⟩/n exceeds float64 (≳ e^709): use log_sq_norm and correlation",
    "output": "the readout exceeds float64: use output_scaled and output_log_scale",
}


def _warn_nonfinite(label: str, field: str, values: np.ndarray, first_layer: int = 0) -> None:
    """One RuntimeWarning naming the network, the field and the first layer where ``values``
    (indexed [network, layer, …], from ``first_layer``) is not finite."""
    bad = ~np.isfinite(values)
    if not bad.any():
        return
    nets = bad.reshape(bad.shape[0], -1).any(-1)
    if values.ndim >= 2 and field not in ("output",):
        layers = bad.reshape(*bad.shape[:2], -1).any(-1).any(0)
        where = f"first at layer {first_layer + int(np.argmax(layers))}"
    else:
        where = "at the readout"
    warnings.warn(
        f"simulate: {label}: {field} is not finite in {int(nets.sum())} of {len(nets)} networks, "
        f"{where} (first network {int(np.argmax(nets))}): {_HINTS.get(field, 'overflow')}",
        RuntimeWarning,
        stacklevel=3,
    )


def _block_size(network: Network, sampler: str, m: int, device: torch.device) -> int:
    """Networks per block: about ``_BLOCK_ELEMENTS`` random numbers per layer, rounded up so that
    every block starts 64-byte aligned (some BLAS kernels round differently when it does not)."""
    per_net = network.width * network.max_fan_in if sampler == "dense" else network.max_fan_in * m
    block = max(1, _BLOCK_ELEMENTS[device.type, sampler] // per_net)
    align = 16 // math.gcd(16, network.width, network.in_features)
    return -(-block // align) * align


def _bytes_per_network(
    network: Network, sampler: str, k: int, m: int, n_lags: int, max_lag: int, itemsize: int
) -> int:
    """Device memory of one network: see :func:`simulate`."""
    n = max(network.width, network.in_features)
    per_layer = m * m + m + k * k + 2 * k + k * n_lags + (k * k if network.taps else 0)
    weights = network.width * network.max_fan_in if sampler == "dense" else 0
    return (
        itemsize * (12 * n * m + weights)
        + network.width * k * max_lag
        + 8 * (network.depth + 1) * per_layer
    )


def simulate(
    network: Network,
    inputs: ArrayLike,
    n_networks: int,
    *,
    sampler: str = "gram",
    device: str | torch.device = "auto",
    dtype: torch.dtype = torch.float64,
    seed: int = 0,
    n_tangents: int = 0,
    same_sign_lags: Sequence[int] = (1,),
    fields: Sequence[str] = PER_LAYER_FIELDS,
    chunk_size: int | None = None,
    memory_budget: int = 2**30,
    progress: bool | None = None,
) -> Record:
    """Propagate k inputs through ``n_networks`` independent random networks; see :class:`Record`.

    ``inputs`` is (k, d) (or (d,) for k = 1) with d = ``network.in_features``. Every network sees
    the same inputs. Networks are drawn in fixed blocks, each with its own generator (NumPy
    SFC64 on CPU, torch Philox on CUDA) seeded from (seed, block index): the same seed and
    device give identical results whatever ``chunk_size``. A block has about 2^15 // (f·m)
    networks for ``"gram"`` and 2^22 // (n·f) for ``"dense"`` (2^20 and 2^25 on a GPU), f the
    largest fan-in and m = k + n_tangents. A chunk is a whole number of blocks, processed at
    once; ``chunk_size`` (networks, rounded up to whole blocks) defaults on CPU to about 2 MiB of
    state (B·m·max(n, d) numbers, so that each layer's passes run from cache), and everywhere to
    at most what fits ``memory_budget`` bytes by the estimate, per network,

        itemsize·(12·max(n, d)·m + W) + n·k·max(lags) + 8·(L+1)·R,

    with W = n·(largest fan-in) for ``"dense"`` (one weight buffer) and 0 for ``"gram"``, and
    R = m² + m + k² + 2k + k·len(lags) (+k² for FullResidual) float64 sums per layer. The host
    holds about 2·B·(L+1)·R float64 numbers while the :class:`Record` is assembled.

    ``fields``: the per-layer fields to record (:data:`PER_LAYER_FIELDS`); the others are None
    and cost nothing. ``log_sq_norm``, ``correlation`` and ``jvp_log_sq_norm`` are always
    recorded (log-space needs the Gram matrix of the state anyway). Leaving out ``act_kernel``
    saves evaluating φ on the state where the block does not (FullResidual, the balanced random
    sign), ``active_energy`` a pass for non-ReLU φ, ``active_fraction`` and ``same_sign`` a
    comparison and a count each. For ReLU, ``active_energy`` brings ``act_kernel`` with it (its
    diagonal is the energy).

    ``progress``: a tqdm bar on a terminal only (never in a notebook or a log file): None shows
    it if the run lasts over 2 s, True at once, False never.

    Raises ``FloatingPointError`` if the state itself overflows (the mathematics diverges, e.g.
    α-ReLU with α > 1 at great depth); warns (``RuntimeWarning``) for a field that is not finite.
    """
    if not isinstance(network, Network):
        raise ValueError(f"network: expected a resprop Network, got {type(network).__name__}")
    try:
        u = np.asarray(inputs, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"inputs: expected a real array of shape (k, d), got {inputs!r}") from err
    if u.ndim == 1:
        u = u[None, :]
    d = network.in_features
    if u.ndim != 2 or u.shape[1] != d or u.shape[0] < 1:
        raise ValueError(f"inputs: expected shape (k, {d}), got {np.shape(inputs)}")
    if not np.all(np.isfinite(u)):
        raise ValueError("inputs: must be finite")
    n_nets = _validate.integer("n_networks", n_networks)
    _validate.choice("sampler", sampler, SAMPLERS)
    dev = resolve_device(device)
    if dtype not in _DTYPES:
        raise ValueError(f"dtype: expected torch.float64 or torch.float32, got {dtype}")
    seed = _validate.integer("seed", seed, minimum=0)
    n_tangents = _validate.integer("n_tangents", n_tangents, minimum=0)
    if not isinstance(same_sign_lags, Sequence) or isinstance(same_sign_lags, str):
        raise TypeError(
            f"same_sign_lags: expected a sequence of integers ≥ 1, got {same_sign_lags!r}"
        )
    lags = tuple(_validate.integer("same_sign_lags", lag) for lag in same_sign_lags)
    if isinstance(fields, str) or not all(f in PER_LAYER_FIELDS for f in fields):
        raise ValueError(f"fields: a sequence of names from {PER_LAYER_FIELDS}, got {fields!r}")
    if chunk_size is not None:
        chunk_size = _validate.integer("chunk_size", chunk_size)
    memory_budget = _validate.integer("memory_budget", memory_budget)
    if progress not in (None, True, False):
        raise ValueError(f"progress: expected None, True or False, got {progress!r}")

    k, L = u.shape[0], network.depth
    m = k + n_tangents
    itemsize = torch.finfo(dtype).bits // 8
    block = _block_size(network, sampler, m, dev)
    n_blocks = -(-n_nets // block)
    if chunk_size is None:
        per_net = _bytes_per_network(
            network, sampler, k, m, len(lags), max(lags, default=0), itemsize
        )
        chunk_blocks = max(1, memory_budget // (per_net * block))
        if dev.type == "cpu":
            state = itemsize * m * max(network.width, d) * block
            chunk_blocks = min(chunk_blocks, max(1, _CPU_CHUNK_BYTES // state))
    else:
        chunk_blocks = -(-chunk_size // block)

    # Homogeneous φ: inputs far from unit scale enter as 2^{E} ũ, exactly (no overflow of ‖u‖²).
    input_exponent = np.zeros(k)
    if network.phi.homogeneity is not None:
        amax = np.abs(u).max(axis=1)
        _, e = np.frexp(amax)
        far = (amax > 2.0 ** (_LOG2_RANGE / 2)) | ((amax < 2.0 ** (-_LOG2_RANGE / 2)) & (amax > 0))
        input_exponent = np.where(far, e, 0).astype(float)
        u_scaled = np.ldexp(u, -input_exponent.astype(np.int64)[:, None])
    else:
        u_scaled = u

    raw: dict[str, np.ndarray] = {}
    out_scaled = np.empty((n_nets, k, network.output_dim))
    u_t = torch.as_tensor(u_scaled, device=dev, dtype=dtype)
    ops_class = _DenseOps if sampler == "dense" else _GramOps
    bar = tqdm(
        total=n_nets * L,
        unit="net·layer",
        unit_scale=True,
        delay=0.0 if progress else 2.0,
        disable=progress is False or not _on_terminal(),
        desc=f"simulate ({sampler})",
    )
    with bar, torch.no_grad():
        for first in range(0, n_blocks, chunk_blocks):
            ids = range(first, min(first + chunk_blocks, n_blocks))
            lo, hi = ids[0] * block, min(n_nets, (ids[-1] + 1) * block)
            blocks = [
                (slice(b * block - lo, min(n_nets, (b + 1) * block) - lo), _generator(seed, b, dev))
                for b in ids
            ]
            ops = ops_class(network, k, blocks, hi - lo, dev, dtype)
            rec = _Recorder(
                ops, network, hi - lo, k, n_tangents, lags, input_exponent, frozenset(fields)
            )
            x0 = torch.cat([u_t.expand(hi - lo, k, d), ops.normal("tangents", (n_tangents, d))], 1)
            x = network.embed(ops, x0)
            rec.record(x, 0)
            for layer in range(1, L + 1):
                new = network.block(ops, x)
                ops.settle(x, new)
                x = new
                rec.record(x, layer)
                bar.update(hi - lo)
            z = network.readout(ops, x[:, :k].contiguous())
            out_scaled[lo:hi] = z.double().cpu().numpy()
            for name, value in rec.raw().items():
                if name not in raw:
                    raw[name] = np.empty((n_nets, *value.shape[1:]))
                raw[name][lo:hi] = value

    values = _fields(raw, k, network.width, network.phi.homogeneity is not None)
    for name in ("log_sq_norm", "jvp_log_sq_norm", "correlation", "act_kernel", "active_energy"):
        if values[name] is not None:
            _warn_nonfinite(network.label, name, values[name])
    if values["pre_kernel"] is not None:
        _warn_nonfinite(network.label, "pre_kernel", values["pre_kernel"][:, 1:], first_layer=1)
    _warn_nonfinite(network.label, "output", out_scaled)
    return Record(
        network=network,
        inputs=u,
        n_networks=n_nets,
        sampler=sampler,
        seed=seed,
        device=str(dev),
        dtype=_DTYPES[dtype],
        same_sign_lags=lags,
        output_scaled=out_scaled,
        **values,
    )


def _on_terminal() -> bool:
    """Whether progress bars may be drawn: stderr (tqdm's stream) is a terminal, so never inside
    a notebook kernel or a redirected log."""
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
