"""Network families: validation, parameters, and the trainable module ``to_module()``."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch

from resprop.networks import (
    BalancedResidual,
    FeedForward,
    FullResidual,
    PreActResidual,
    ReducedResidual,
)

FAMILIES = [
    FeedForward(16, 3, activation="tanh", sigma_w2=1.5, sigma_b2=0.2),
    ReducedResidual(16, 3, sigma_w2=2.0, sigma_b2=0.1, input_dim=5, output_dim=2),
    FullResidual(16, 3, activation="erf", sigma_w2=1.2, sigma_b2=0.1, sigma_v2=0.8, sigma_a2=0.3),
    PreActResidual(
        16, 4, activation="alpha_relu", alpha=0.7, branch_scale=2.0, branch_exponent=0.5
    ),
    BalancedResidual(16, 3, c=1.5),
    BalancedResidual(16, 3, variant="random_sign", input_dim=4),
    PreActResidual(16, 3, activation="erf", branch_scale=0.5, input_dim=5, readout_phi=True),
]


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: ReducedResidual(0, 4), "width"),
        (lambda: ReducedResidual(2.5, 4), "width"),
        (lambda: ReducedResidual(8, 0), "depth"),
        (lambda: FeedForward(8, True), "depth"),
        (lambda: ReducedResidual(8, 4, sigma_w2=-1.0), "sigma_w2"),
        (lambda: FeedForward(8, 4, sigma_b2=math.nan), "sigma_b2"),
        (lambda: FullResidual(8, 4, sigma_v2=-0.1), "sigma_v2"),
        (lambda: FullResidual(8, 4, sigma_a2=math.inf), "sigma_a2"),
        (lambda: ReducedResidual(8, 4, activation="softplus"), "activation"),
        (lambda: ReducedResidual(8, 4, activation="alpha_relu"), "alpha"),
        (lambda: ReducedResidual(8, 4, input_dim=0), "input_dim"),
        (lambda: ReducedResidual(8, 4, sigma_in2=-2.0), "sigma_in2"),
        (lambda: ReducedResidual(8, 4, output_dim=0), "output_dim"),
        (lambda: ReducedResidual(8, 4, sigma_out2=-1.0), "sigma_out2"),
        (lambda: PreActResidual(8, 4, branch_scale=-1.0), "branch_scale"),
        (lambda: PreActResidual(8, 4, branch_exponent=math.nan), "branch_exponent"),
        (lambda: BalancedResidual(8, 4, variant="leaky"), "variant"),
        (lambda: BalancedResidual(8, 4, activation="tanh"), "activation"),
        (lambda: BalancedResidual(8, 4, c=-2.0), "c"),
    ],
)
def test_bad_parameters_raise_naming_the_parameter(make, name):
    with pytest.raises(ValueError, match=rf"^{name}:"):
        make()


def test_parameters_are_frozen_normalised_and_labelled():
    net = ReducedResidual(8, 4, activation="identity", sigma_w2=2)
    assert net.activation == "linear" and isinstance(net.sigma_w2, float)
    with pytest.raises(dataclasses.FrozenInstanceError):
        net.width = 9
    labels = {f.label for f in FAMILIES}
    assert len(labels) == len(FAMILIES) and all(labels)
    with pytest.raises(TypeError):
        ReducedResidual(8, 4, 1.0)  # everything after depth is keyword-only


def test_branch_multiplier_and_hayou_yang():
    assert (
        PreActResidual(8, 16, branch_scale=0.5, branch_exponent=1.0).branch_multiplier == 0.5 / 16
    )
    hy = PreActResidual.hayou_yang(8, 25, branch_scale=2.0, activation="tanh")
    assert hy.branch_multiplier == pytest.approx(2.0 / math.sqrt(25), rel=1e-15)
    assert hy.activation == "tanh"


def _expected_layers(net):
    """(weight variance, bias variance) of every linear layer, in call order, from the docs."""
    n = net.width
    layers = [] if net.input_dim is None else [(net.sigma_in2 / net.input_dim, 0.0)]
    for _ in range(net.depth):
        if isinstance(net, FullResidual):
            layers += [(net.sigma_w2 / n, net.sigma_b2), (net.sigma_v2 / n, net.sigma_a2)]
        elif isinstance(net, BalancedResidual):
            layers += [(net.c / (2 * n) if net.variant == "crelu" else net.c / n, 0.0)]
        else:
            layers += [(net.sigma_w2 / n, net.sigma_b2)]
    return [*layers, (net.sigma_out2 / n, 0.0)]


@pytest.mark.parametrize(
    "net",
    [
        FullResidual(256, 2, sigma_w2=1.5, sigma_b2=0.3, sigma_v2=0.7, sigma_a2=0.2, input_dim=40),
        BalancedResidual(256, 2, c=2.0, output_dim=3, sigma_out2=0.5),
        PreActResidual(256, 2, sigma_w2=2.0, sigma_b2=0.5),
    ],
    ids=lambda net: type(net).__name__,
)
def test_module_initial_variances_match_sigma2_over_fan_in(net):
    module = net.to_module(torch.Generator().manual_seed(1))
    expected = _expected_layers(net)
    assert len(module.linears) == len(expected)
    for layer, (w_var, b_var) in zip(module.linears, expected, strict=True):
        for param, var in ((layer.weight, w_var), (layer.bias, b_var)):
            if var == 0.0:
                assert param is None
                continue
            v = param.detach().double().flatten()
            N = v.numel()
            # SE of the mean: √(var/N); of the sample variance of a Gaussian: var·√(2/(N−1)).
            assert abs(v.mean().item()) <= 4 * math.sqrt(var / N)
            assert abs(v.var().item() - var) <= 4 * var * math.sqrt(2 / (N - 1))


def test_module_random_signs_are_fair_coins():
    net = BalancedResidual(400, 5, variant="random_sign")
    module = net.to_module(torch.Generator().manual_seed(2))
    d = torch.cat([getattr(module, f"sign{j}").flatten() for j in range(net.depth)])
    assert set(d.tolist()) == {-1.0, 1.0}
    N = d.numel()
    assert abs(d.mean().item()) <= 4 / math.sqrt(N)  # SE of a mean of ±1 coins: 1/√N


def _manual_forward(net, module, u):
    """The documented update equations, written out with the module's own weights."""
    lin = iter(module.linears)
    signs = iter(getattr(module, f"sign{j}")[0, 0] for j in range(module.n_signs))
    act = net.phi

    def phi(x):
        return torch.where(x > 0, x.clamp_min(1e-300) ** act.alpha, 0.0) if act.alpha else act(x)

    def affine(x):
        layer = next(lin)
        return x @ layer.weight.T + (0 if layer.bias is None else layer.bias)

    x = u if net.input_dim is None else affine(u)
    for _ in range(net.depth):
        if isinstance(net, FeedForward):
            x = affine(phi(x))
        elif isinstance(net, ReducedResidual):
            x = x + affine(phi(x))
        elif isinstance(net, FullResidual):
            x = x + affine(phi(affine(x)))
        elif isinstance(net, PreActResidual):
            x = x + net.branch_multiplier * affine(phi(x))
        elif net.variant == "crelu":
            x = x + affine(torch.cat([torch.relu(x), torch.relu(-x)], dim=-1))
        else:
            x = x + affine(torch.relu(next(signs) * x))
    return affine(phi(x) if net.readout_phi else x)


@pytest.mark.parametrize("net", FAMILIES, ids=lambda net: f"{type(net).__name__}-{net.activation}")
def test_module_forward_is_the_documented_update_and_backprops(net):
    torch.manual_seed(0)
    module = net.to_module(torch.Generator().manual_seed(3)).double()
    u = torch.randn(5, net.in_features, dtype=torch.float64)
    u[0, : net.in_features // 2] = 0.0  # exact zeros: φ′ of α-ReLU must stay finite there
    u.requires_grad_(True)
    out = module(u)
    assert out.shape == (5, net.output_dim)
    torch.testing.assert_close(out, _manual_forward(net, module, u), rtol=1e-12, atol=1e-12)
    out.square().sum().backward()
    grads = [p.grad for p in module.parameters()] + [u.grad]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)


def test_readout_phi_validated_and_default_unchanged():
    """``readout_phi`` is a bool, refused for homogeneous φ of degree ≠ 1, off by default."""
    with pytest.raises(TypeError, match="^readout_phi:"):
        PreActResidual(8, 2, readout_phi="yes")
    with pytest.raises(ValueError, match="^readout_phi:"):
        PreActResidual(8, 2, activation="alpha_relu", alpha=0.7, readout_phi=True)
    net = PreActResidual(8, 2, activation="erf", input_dim=3)
    assert not net.readout_phi
    u = torch.randn(4, 3)
    plain = net.to_module(torch.Generator().manual_seed(7))(u)
    on_phi = dataclasses.replace(net, readout_phi=True).to_module(torch.Generator().manual_seed(7))
    # same weights (same generator, same call order); only the readout's input differs
    assert not torch.allclose(plain, on_phi(u))


def test_module_reproducible_from_generator_and_checks_shape():
    net = ReducedResidual(8, 3, input_dim=4)
    a = net.to_module(torch.Generator().manual_seed(5))
    b = net.to_module(torch.Generator().manual_seed(5))
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(pa, pb)
    with pytest.raises(ValueError, match="x"):
        a(torch.zeros(2, 8))
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    net.to_module(torch.Generator().manual_seed(5))  # leaves the global generator alone
    assert torch.equal(torch.rand(3), expected)


def test_module_trains():
    """A few SGD steps on a fixed regression target lower the loss (autograd works end to end)."""
    torch.manual_seed(0)
    net = ReducedResidual(32, 4, sigma_w2=0.5, input_dim=6)
    module = net.to_module(torch.Generator().manual_seed(0))
    x, y = torch.randn(64, 6), torch.randn(64, 1)
    opt = torch.optim.SGD(module.parameters(), lr=0.01)
    losses = []
    for _ in range(20):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(module(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert np.isfinite(losses).all() and losses[-1] < losses[0]


# ---- the two-layer pre-activation block (appended with chapter 2's claim 02-7) -------------------


def test_two_layer_residual_is_the_documented_update():
    """x' = x + V φ(W φ(x) + b) + a with the module's own weights; backprop is finite."""
    from resprop.networks import TwoLayerResidual

    net = TwoLayerResidual(
        12, 3, sigma_w2=1.5, sigma_b2=0.2, sigma_v2=0.5, sigma_a2=0.1, input_dim=4
    )
    module = net.to_module(torch.Generator().manual_seed(5)).double()
    assert len(module.linears) == 1 + 2 * net.depth + 1
    u = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    lin = iter(module.linears)

    def affine(x):
        layer = next(lin)
        return x @ layer.weight.T + (0 if layer.bias is None else layer.bias)

    x = affine(u)
    for _ in range(net.depth):
        x = x + affine(torch.relu(affine(torch.relu(x))))
    out = module(u)
    torch.testing.assert_close(out, affine(x), rtol=1e-12, atol=1e-12)
    out.square().sum().backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in module.parameters())


def test_two_layer_residual_variances_validation_and_effective_c():
    from resprop.networks import TwoLayerResidual

    net = TwoLayerResidual(256, 2, sigma_w2=2.0, sigma_v2=1.0, sigma_b2=0.5)
    assert net.effective_c == 1.0 and net.taps == ("pre",)
    assert "two-layer residual" in net.label
    module = net.to_module(torch.Generator().manual_seed(6))
    # per block: W (σ_w²/n, bias σ_b²), V (σ_v²/n, no bias since σ_a² = 0)
    expected = [(2.0 / 256, 0.5), (1.0 / 256, 0.0)] * 2
    for layer, (w_var, b_var) in zip(list(module.linears)[:4], expected, strict=True):
        v = layer.weight.detach().double().flatten()
        assert abs(v.var().item() - w_var) <= 4 * w_var * math.sqrt(2 / (v.numel() - 1))
        assert (layer.bias is None) == (b_var == 0.0)
    for name in ("sigma_w2", "sigma_v2", "sigma_b2", "sigma_a2"):
        with pytest.raises(ValueError, match=rf"^{name}:"):
            TwoLayerResidual(8, 2, **{name: -1.0})
