"""The shared activations: NumPy and torch agree, φ′ is the derivative, bad names raise."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from resprop.activations import ACTIVATIONS, Activation, get_activation

CASES = [("relu", None), ("alpha_relu", 0.7), ("alpha_relu", 1.5), ("tanh", None), ("erf", None)]
CASES += [("linear", None)]
X = np.linspace(-3.0, 3.0, 61) + 0.013  # avoid the kink at 0


@pytest.mark.parametrize("name,alpha", CASES)
def test_numpy_and_torch_agree(name, alpha):
    act = get_activation(name, alpha)
    t = torch.as_tensor(X, dtype=torch.float64)
    np.testing.assert_allclose(act(t).numpy(), act(X), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(act.derivative(t).numpy(), act.derivative(X), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("name,alpha", CASES)
def test_into_writes_the_same_bits_as_a_call(name, alpha):
    act = get_activation(name, alpha)
    t = torch.as_tensor(X, dtype=torch.float64).reshape(1, 61)
    out = torch.full_like(t, np.nan)
    assert act.into(t, out) is out
    assert torch.equal(out, act(t))


@pytest.mark.parametrize("name,alpha", CASES)
def test_derivative_is_the_derivative(name, alpha):
    """Central differences with h = 1e-6: error O(h²φ‴) + O(ε/h) ≲ 1e-8 away from 0."""
    act = get_activation(name, alpha)
    h = 1e-6
    fd = (act(X + h) - act(X - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(X), fd, rtol=1e-6, atol=1e-8)


def test_erf_is_scaled_to_unit_slope_and_homogeneity():
    assert get_activation("erf").derivative(np.array(0.0)) == pytest.approx(1.0)
    assert get_activation("relu").homogeneity == 1.0
    assert get_activation("alpha_relu", 0.6).homogeneity == 0.6
    assert get_activation("tanh").homogeneity is None
    lam = 3.7
    a = get_activation("alpha_relu", 0.6)
    np.testing.assert_allclose(a(lam * X), lam**0.6 * a(X), rtol=1e-13)


def test_aliases_and_instances():
    assert get_activation("identity").name == "linear"
    assert get_activation("alpha-relu", 0.5).name == "alpha_relu"
    act = Activation("tanh")
    assert get_activation(act) is act
    assert set(ACTIVATIONS) == {"relu", "alpha_relu", "tanh", "erf", "linear"}


@pytest.mark.parametrize(
    "call,exc,name",
    [
        (lambda: get_activation("sigmoid"), ValueError, "activation"),
        (lambda: get_activation(None), TypeError, "activation"),
        (lambda: get_activation("alpha_relu"), ValueError, "alpha"),
        (lambda: get_activation("alpha_relu", -0.5), ValueError, "alpha"),
        (lambda: get_activation("alpha_relu", float("nan")), ValueError, "alpha"),
        (lambda: get_activation("alpha_relu", "0.5"), TypeError, "alpha"),
        (lambda: get_activation("relu", 0.5), ValueError, "alpha"),
        (lambda: get_activation(Activation("alpha_relu", 0.5), 0.7), ValueError, "alpha"),
    ],
)
def test_bad_activations_name_the_parameter(call, exc, name):
    with pytest.raises(exc, match=name):
        call()


def test_labels_name_every_activation():
    cases = [("relu", None), ("alpha_relu", 0.7), ("tanh", None), ("erf", None), ("linear", None)]
    labels = [get_activation(n, a).label for n, a in cases]
    assert len(set(labels)) == len(labels) and "α-ReLU (α=0.7)" in labels
