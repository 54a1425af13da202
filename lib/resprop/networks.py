"""Network families at initialisation, as small frozen parameter objects.

Every family has width n, depth L (number of layers or residual blocks), an activation φ, an
optional input layer x⁰ = W_in u with W_in ~ N(0, σ_in²/d) (``input_dim=None``: inputs are given
directly in ℝⁿ, x⁰ = u) and a readout z = W_out x^L with W_out ~ N(0, σ_out²/n), or
z = W_out φ(x^L) with ``readout_phi=True`` (the readout of Fischer et al.'s response). Weights are
N(0, σ²/fan_in), biases N(0, σ_b²), all independent and fresh in every layer.

Each family writes its layer update once, :meth:`Network.block`, in terms of an abstract
:class:`Ops`. Its key operation is ``linear``: a fresh Gaussian matrix W (entry variance v) times
a batch of inputs, plus a fresh bias. Tensors have shape (B, m, n): B networks, m columns (inputs
and tangents), n features, so a column of the matrix H in "W H" is the row ``h[b, j, :]``. The
Monte Carlo samplers of :mod:`resprop.simulate` (dense weights, or the exact-in-law Gram sampler)
and the trainable :meth:`Network.to_module` all run the same update code.
"""

from __future__ import annotations

import math
from dataclasses import KW_ONLY, dataclass, fields
from typing import Protocol, Union

import torch
from torch import nn

from . import _validate
from .activations import Activation, get_activation

__all__ = [
    "BalancedResidual",
    "FeedForward",
    "Features",
    "FullResidual",
    "Network",
    "NetworkModule",
    "Ops",
    "PreActResidual",
    "ReducedResidual",
    "TwoLayerResidual",
    "join_features",
]


Features = Union[torch.Tensor, tuple[torch.Tensor, ...]]  # noqa: UP007 (a runtime alias)
"""The input of a linear layer: a (B, m, n) tensor, or parts concatenated along the last axis."""


def join_features(h: Features) -> torch.Tensor:
    """The one tensor of features given whole or in parts."""
    return torch.cat(h, dim=-1) if isinstance(h, tuple) else h


class Ops(Protocol):
    """The random operations a layer update is written in; tensors are (B, m, n)."""

    def phi(self, x: torch.Tensor, flip: float | torch.Tensor | None = None) -> torch.Tensor:
        """φ(x) on input columns; φ′(x₀)⊙t on tangent columns t (JVP of the first input x₀).

        With ``flip`` (−1, or a ±1 diagonal from :meth:`signs`), φ(flip ⊙ x) with its JVP.
        The samplers may return a reused buffer: use the result before calling ``phi`` twice more.
        """

    def linear(
        self,
        h: Features,
        n_out: int,
        weight_var: float,
        bias_var: float = 0.0,
        residual: torch.Tensor | None = None,
        scale: float = 1.0,
    ) -> torch.Tensor:
        """[residual +] scale·(h Wᵀ + b): W ∈ ℝ^{n_out×n_in} i.i.d. N(0, weight_var), b_i ~
        N(0, bias_var). ``h`` may come in parts, (h₁, h₂, …) = [h₁ h₂ …] along the features.

        Both are fresh on every call. The bias enters input columns only (not tangents). The
        samplers add into ``residual`` in place: the caller must not use it afterwards. The
        samplers fold ``scale`` into the variances (the same law); the trainable module keeps it
        as a multiplier of its ``nn.Linear``.
        """

    def signs(self, n: int) -> torch.Tensor:
        """A fresh i.i.d. uniform ±1 diagonal, shape (B, 1, n)."""

    def tap(self, name: str, x: torch.Tensor) -> None:
        """Let the caller observe an intermediate tensor (e.g. the pre-activation ``"pre"``)."""


@dataclass(frozen=True)
class Network:
    """Fields shared by every family; use a concrete family (``ReducedResidual``, …)."""

    width: int
    depth: int
    _: KW_ONLY
    activation: str = "relu"
    alpha: float | None = None
    input_dim: int | None = None
    sigma_in2: float = 1.0
    output_dim: int = 1
    sigma_out2: float = 1.0
    readout_phi: bool = False

    def __post_init__(self) -> None:
        if type(self) is Network:
            raise TypeError("Network is abstract: use a concrete family such as ReducedResidual")
        self._set("width", _validate.integer("width", self.width))
        self._set("depth", _validate.integer("depth", self.depth))
        act = get_activation(self.activation, self.alpha)
        self._set("activation", act.name)
        self._set("alpha", act.alpha)
        if self.input_dim is not None:
            self._set("input_dim", _validate.integer("input_dim", self.input_dim))
        self._set("output_dim", _validate.integer("output_dim", self.output_dim))
        self._set("readout_phi", _validate.flag("readout_phi", self.readout_phi))
        if self.readout_phi and act.homogeneity not in (None, 1.0):
            # simulate rescales a homogeneous state by 2^s and its readout by the same 2^s
            raise ValueError(
                f"readout_phi: needs a non-homogeneous φ or one of degree 1, got {act.name} "
                f"of degree {act.homogeneity:g}"
            )
        for f in fields(self):  # every variance of every family: sigma_in2, sigma_w2, ...
            if f.name.startswith("sigma_"):
                self._set(f.name, _validate.variance(f.name, getattr(self, f.name)))

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)

    @property
    def phi(self) -> Activation:
        """The activation φ."""
        return get_activation(self.activation, self.alpha)

    @property
    def in_features(self) -> int:
        """Dimension d of the inputs: ``input_dim``, or ``width`` without an input layer."""
        return self.width if self.input_dim is None else self.input_dim

    @property
    def max_fan_in(self) -> int:
        """Largest fan-in of any weight matrix (sizes the dense sampler's weight buffer)."""
        return max(self.width, self.in_features)

    @property
    def taps(self) -> tuple[str, ...]:
        """Names of the intermediate tensors that :meth:`block` reports through ``Ops.tap``."""
        return ()

    @property
    def label(self) -> str:
        """Short description for legends."""
        act = self.activation if self.alpha is None else f"{self.activation} α={self.alpha:g}"
        return f"{self._name} {act} ({self._params})"

    _name = "network"

    @property
    def _params(self) -> str:
        return ""

    def embed(self, ops: Ops, u: torch.Tensor) -> torch.Tensor:
        """x⁰ = W_in u, W_in ~ N(0, σ_in²/d); or x⁰ = u without an input layer."""
        if self.input_dim is None:
            return u
        return ops.linear(u, self.width, self.sigma_in2 / self.input_dim)

    def block(self, ops: Ops, x: torch.Tensor) -> torch.Tensor:
        """One layer: the state x^{l−1} ↦ x^l."""
        raise NotImplementedError

    def readout(self, ops: Ops, x: torch.Tensor) -> torch.Tensor:
        """z = W_out x^L, or z = W_out φ(x^L) with ``readout_phi``; W_out ~ N(0, σ_out²/n)."""
        features = ops.phi(x) if self.readout_phi else x
        return ops.linear(features, self.output_dim, self.sigma_out2 / self.width)

    def to_module(self, generator: torch.Generator | None = None) -> NetworkModule:
        """One network with dense weights drawn from exactly this initialisation, for training."""
        return NetworkModule(self, generator)


def _fmt(**params: float) -> str:
    """``σ_w²=2, σ_b²=0`` from keyword arguments spelled ``σ_w2=2, σ_b2=0``."""
    return ", ".join(f"{k.replace('2', '²')}={v:g}" for k, v in params.items())


@dataclass(frozen=True, kw_only=True)
class FeedForward(Network):
    """Feed-forward baseline: h^l = W φ(h^{l−1}) + b, W ~ N(0, σ_w²/n), b ~ N(0, σ_b²)."""

    sigma_w2: float = 1.0
    sigma_b2: float = 0.0
    _name = "feed-forward"

    @property
    def _params(self) -> str:
        return _fmt(σ_w2=self.sigma_w2, σ_b2=self.sigma_b2)

    def block(self, ops: Ops, x: torch.Tensor) -> torch.Tensor:
        """h' = W φ(h) + b."""
        return ops.linear(ops.phi(x), self.width, self.sigma_w2 / self.width, self.sigma_b2)


@dataclass(frozen=True, kw_only=True)
class ReducedResidual(Network):
    """Reduced residual network (Yang & Schoenholz 2017): x^l = x^{l−1} + W φ(x^{l−1}) + b.

    W ~ N(0, σ_w²/n), b ~ N(0, σ_b²). With ReLU, σ_b² = 0 and σ_w² = c this is Li, Nica & Roy's
    (2021) one-layer ReLU ResNet φ^{l+1} = φ^l + W^l σ(φ^l), W ~ N(0, c/n); He is c = 2.
    """

    sigma_w2: float = 1.0
    sigma_b2: float = 0.0
    _name = "reduced residual"

    @property
    def _params(self) -> str:
        return _fmt(σ_w2=self.sigma_w2, σ_b2=self.sigma_b2)

    def block(self, ops: Ops, x: torch.Tensor) -> torch.Tensor:
        """x' = x + W φ(x) + b."""
        n = self.width
        return ops.linear(ops.phi(x), n, self.sigma_w2 / n, self.sigma_b2, residual=x)


@dataclass(frozen=True, kw_only=True)
class FullResidual(Network):
    """Full residual network (Yang & Schoenholz 2017): h = W x + b; x' = x + V φ(h) + a.

    W ~ N(0, σ_w²/n), V ~ N(0, σ_v²/n), b ~ N(0, σ_b²), a ~ N(0, σ_a²). The pre-activation h is
    reported as the tap ``"pre"`` (Yang–Schoenholz's q and λ live on h).
    """

    sigma_w2: float = 1.0
    sigma_b2: float = 0.0
    sigma_v2: float = 1.0
    sigma_a2: float = 0.0
    _name = "full residual"

    @property
    def taps(self) -> tuple[str, ...]:
        return ("pre",)

    @property
    def _params(self) -> str:
        return _fmt(σ_w2=self.sigma_w2, σ_b2=self.sigma_b2, σ_v2=self.sigma_v2, σ_a2=self.sigma_a2)

    def block(self, ops: Ops, x: torch.Tensor) -> torch.Tensor:
        """h = W x + b; x' = x + V φ(h) + a."""
        n = self.width
        h = ops.linear(x, n, self.sigma_w2 / n, self.sigma_b2)
        ops.tap("pre", h)
        return ops.linear(ops.phi(h), n, self.sigma_v2 / n, self.sigma_a2, residual=x)


@dataclass(frozen=True, kw_only=True)
class PreActResidual(Network):
    """Pre-activation ResNet with a scaled branch: h^l = h^{l−1} + τL^(−a) (W φ(h^{l−1}) + b).

    W ~ N(0, σ_w²/n), b ~ N(0, σ_b²), branch scale τ = branch_scale, exponent a = branch_exponent
    (Fischer et al.'s constant scale, a = 0; Hayou & Yang's τ/√L via :meth:`hayou_yang`).
    """

    sigma_w2: float = 1.0
    sigma_b2: float = 0.0
    branch_scale: float = 1.0
    branch_exponent: float = 0.0
    _name = "pre-activation residual"

    def __post_init__(self) -> None:
        super().__post_init__()
        self._set("branch_scale", _validate.real("branch_scale", self.branch_scale, minimum=0.0))
        self._set("branch_exponent", _validate.real("branch_exponent", self.branch_exponent))

    @classmethod
    def hayou_yang(
        cls, width: int, depth: int, branch_scale: float = 1.0, **kw: object
    ) -> PreActResidual:
        """Hayou & Yang's 1/√L ResNet: branch multiplier τ/√L."""
        return cls(width, depth, branch_scale=branch_scale, branch_exponent=0.5, **kw)

    @property
    def branch_multiplier(self) -> float:
        """The branch multiplier τL^(−a) = branch_scale · L^(−branch_exponent)."""
        return self.branch_scale * self.depth ** (-self.branch_exponent)

    @property
    def _params(self) -> str:
        params = _fmt(σ_w2=self.sigma_w2, σ_b2=self.sigma_b2, τ=self.branch_scale)
        return params + (f", a={self.branch_exponent:g}" if self.branch_exponent else "")

    def block(self, ops: Ops, x: torch.Tensor) -> torch.Tensor:
        """h' = h + τL^(−a) (W φ(h) + b)."""
        n = self.width
        return ops.linear(
            ops.phi(x),
            n,
            self.sigma_w2 / n,
            self.sigma_b2,
            residual=x,
            scale=self.branch_multiplier,
        )


@dataclass(frozen=True, kw_only=True)
class BalancedResidual(Network):
    """Balanced ReLU ResNets (Li, Nica & Roy 2021, as reconstructed in our notes §1.2).

    ``variant="crelu"``: x' = x + W⁺σ(x) + W⁻σ(−x), W^± ~ N(0, c/(2n)), drawn as one matrix
    [W⁺ W⁻] acting on the stacked [σ(x); σ(−x)] (the same law).
    ``variant="random_sign"``: x' = x + W σ(D x), D a fresh i.i.d. ±1 diagonal, W ~ N(0, c/n).
    """

    c: float = 2.0
    variant: str = "crelu"
    _name = "balanced residual"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.activation != "relu":
            raise ValueError(f"activation: BalancedResidual needs relu, got {self.activation!r}")
        self._set("c", _validate.variance("c", self.c))
        _validate.choice("variant", self.variant, ("crelu", "random_sign"))

    @property
    def max_fan_in(self) -> int:
        return max(2 * self.width if self.variant == "crelu" else self.width, self.in_features)

    @property
    def label(self) -> str:
        return f"balanced residual ({self.variant.replace('_', '-')}, c={self.c:g})"

    def block(self, ops: Ops, x: torch.Tensor) -> torch.Tensor:
        """x' = x + W⁺σ(x) + W⁻σ(−x)  (crelu), or x' = x + W σ(D x)  (random_sign)."""
        n = self.width
        if self.variant == "crelu":
            return ops.linear((ops.phi(x), ops.phi(x, flip=-1.0)), n, self.c / (2 * n), residual=x)
        return ops.linear(ops.phi(x, flip=ops.signs(n)), n, self.c / n, residual=x)


class NetworkModule(nn.Module):
    """One network as a trainable ``torch.nn.Module``: ``forward(x)``, (batch, d) → (batch, out).

    The weights are ``nn.Linear`` layers in call order, initialised N(0, σ²/fan_in); a layer has a
    bias only where its bias variance is positive. The random-sign diagonals are fixed buffers.
    The forward pass replays the family's :meth:`Network.block`, so it is the same update as in
    the simulation; α-ReLU uses a derivative that is finite (0) at x ≤ 0.
    """

    def __init__(self, network: Network, generator: torch.Generator | None = None) -> None:
        super().__init__()
        self.network = network
        self.linears = nn.ModuleList()
        self.n_signs = 0
        builder = _BuildOps(self, generator)
        x = network.embed(builder, torch.zeros(1, 1, network.in_features))
        for _ in range(network.depth):
            x = network.block(builder, x)
        network.readout(builder, x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """z = W_out x^L(x) (or W_out φ(x^L(x))) for a batch x of shape (batch, d)."""
        if x.ndim != 2 or x.shape[1] != self.network.in_features:
            raise ValueError(
                f"x: expected shape (batch, {self.network.in_features}), got {x.shape}"
            )
        ops = _ReplayOps(self)
        h = self.network.embed(ops, x.unsqueeze(0))
        for _ in range(self.network.depth):
            h = self.network.block(ops, h)
        return self.network.readout(ops, h).squeeze(0)


def _module_phi(act: Activation, x: torch.Tensor) -> torch.Tensor:
    """φ with autograd-safe α-ReLU: x^α for x > 0, else 0, with derivative 0 at x ≤ 0."""
    if act.name == "alpha_relu":
        return torch.where(x > 0, x.clamp_min(torch.finfo(x.dtype).tiny) ** act.alpha, 0.0)
    return act(x)


class _ReplayOps:
    """Ops that apply a module's stored layers in call order."""

    def __init__(self, module: NetworkModule) -> None:
        self.module = module
        self.act = module.network.phi
        self.i = 0
        self.j = 0

    def phi(self, x: torch.Tensor, flip: float | torch.Tensor | None = None) -> torch.Tensor:
        return _module_phi(self.act, x if flip is None else flip * x)

    def linear(
        self,
        h: Features,
        n_out: int,
        weight_var: float,
        bias_var: float = 0.0,
        residual: torch.Tensor | None = None,
        scale: float = 1.0,
    ) -> torch.Tensor:
        layer = self.module.linears[self.i]
        self.i += 1
        h = join_features(h)
        y = layer(h) if scale == 1.0 else scale * layer(h)
        return y if residual is None else residual + y

    def signs(self, n: int) -> torch.Tensor:
        d = getattr(self.module, f"sign{self.j}")
        self.j += 1
        return d

    def tap(self, name: str, x: torch.Tensor) -> None:
        pass


class _BuildOps(_ReplayOps):
    """Ops that create the module's layers (with their initialisation) on a dry run."""

    def __init__(self, module: NetworkModule, generator: torch.Generator | None) -> None:
        super().__init__(module)
        self.generator = generator

    def linear(
        self,
        h: Features,
        n_out: int,
        weight_var: float,
        bias_var: float = 0.0,
        residual: torch.Tensor | None = None,
        scale: float = 1.0,
    ) -> torch.Tensor:
        # skip_init: no default initialisation, which would also consume the global RNG
        layer = nn.utils.skip_init(nn.Linear, join_features(h).shape[-1], n_out, bias=bias_var > 0)
        with torch.no_grad():
            layer.weight.normal_(0.0, math.sqrt(weight_var), generator=self.generator)
            if layer.bias is not None:
                layer.bias.normal_(0.0, math.sqrt(bias_var), generator=self.generator)
        self.module.linears.append(layer)
        return super().linear(h, n_out, weight_var, bias_var, residual, scale)

    def signs(self, n: int) -> torch.Tensor:
        d = 2.0 * torch.randint(0, 2, (1, 1, n), generator=self.generator) - 1.0
        self.module.register_buffer(f"sign{self.module.n_signs}", d)
        self.module.n_signs += 1
        return super().signs(n)


@dataclass(frozen=True, kw_only=True)
class TwoLayerResidual(Network):
    """Two-layer pre-activation residual block: x' = x + V φ(W φ(x) + b) + a.

    W ~ N(0, σ_w²/n), V ~ N(0, σ_v²/n), b ~ N(0, σ_b²), a ~ N(0, σ_a²), all fresh per block: the
    identity-skip block of He et al.'s pre-activation ResNet (without normalisation), the
    two-layer branch of most real ResNets. With ReLU and no biases ‖x‖² grows by
    A = 1 + σ_w²σ_v²/4 per block at infinite width, so its *effective* branch variance
    c = σ_w²σ_v²/2 matches the one-layer block x + W σ(x), W ~ N(0, c/n) (A = 1 + c/2);
    He initialisation of both layers (σ_w² = σ_v² = 2) is c = 2. The hidden pre-activation
    W φ(x) + b is reported as the tap ``"pre"``. (Yang & Schoenholz's full residual block,
    x + V φ(W x + b) + a, with φ after the first matrix, is :class:`FullResidual`.)
    """

    sigma_w2: float = 2.0
    sigma_b2: float = 0.0
    sigma_v2: float = 2.0
    sigma_a2: float = 0.0
    _name = "two-layer residual"

    @property
    def taps(self) -> tuple[str, ...]:
        return ("pre",)

    @property
    def effective_c(self) -> float:
        """c = σ_w²σ_v²/2: the one-layer branch variance with the same growth A = 1 + c/2 (ReLU)."""
        return self.sigma_w2 * self.sigma_v2 / 2

    @property
    def _params(self) -> str:
        return _fmt(σ_w2=self.sigma_w2, σ_b2=self.sigma_b2, σ_v2=self.sigma_v2, σ_a2=self.sigma_a2)

    def block(self, ops: Ops, x: torch.Tensor) -> torch.Tensor:
        """h = W φ(x) + b; x' = x + V φ(h) + a."""
        n = self.width
        h = ops.linear(ops.phi(x), n, self.sigma_w2 / n, self.sigma_b2)
        ops.tap("pre", h)
        return ops.linear(ops.phi(h), n, self.sigma_v2 / n, self.sigma_a2, residual=x)
