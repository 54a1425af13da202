"""The shared machinery: activations and parameter validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from resprop import activations, claims, profiles
from resprop.chapter import Chapter
from resprop.theory import kernels

# ---- activations ----------------------------------------------------------------------------

ACTIVATION_CASES = [
    ("relu", None),
    ("alpha_relu", 0.7),
    ("tanh", None),
    ("erf", None),
    ("linear", None),
]


@pytest.mark.parametrize(
    "name,alpha",
    [("relu", None), ("alpha_relu", 0.7), ("tanh", None), ("erf", None), ("linear", None)],
)
def test_derivative_matches_finite_difference(name, alpha):
    """φ′ against a central difference; the step h gives truncation error O(h²·φ‴)."""
    phi = activations.get_activation(name, alpha)
    x = np.linspace(-2.5, 2.5, 41)
    x = x[np.abs(x) > 0.05]  # the kinks of relu/alpha_relu at 0
    h = 1e-5
    numeric = (phi(x + h) - phi(x - h)) / (2 * h)
    assert np.allclose(phi.derivative(x), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "name,alpha",
    [("relu", None), ("alpha_relu", 0.6), ("tanh", None), ("erf", None), ("linear", None)],
)
def test_numpy_and_torch_agree(name, alpha):
    phi = activations.get_activation(name, alpha)
    x = np.linspace(-3, 3, 61)
    t = torch.tensor(x, dtype=torch.float64)
    np.testing.assert_allclose(phi(t).numpy(), phi(x), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(phi.derivative(t).numpy(), phi.derivative(x), rtol=1e-14, atol=1e-15)


def test_erf_is_scaled_to_unit_slope():
    phi = activations.get_activation("erf")
    assert phi.derivative(np.array([0.0]))[0] == 1.0
    assert math.isclose(phi(np.array([10.0]))[0], 1.0)


# ---- parameter validation: every bad input names its parameter ----------------------------

_OUTSIDE = claims.Check.outside("c", reason="r")
_ALT = {"alternative": 0.0, "alternative_label": "a"}
BAD_INPUTS = [
    (lambda: activations.get_activation("softplus"), "activation"),
    (lambda: activations.get_activation("alpha_relu"), "alpha"),
    (lambda: activations.get_activation("alpha_relu", -0.5), "alpha"),
    (lambda: activations.get_activation("alpha_relu", float("nan")), "alpha"),
    (lambda: activations.get_activation("tanh", 0.5), "alpha"),
    (lambda: profiles.sizes("00_introduction", "huge"), "profile"),
    (lambda: profiles.sizes("99_nonexistent", "quick"), "chapter"),
    (lambda: profiles.resolve_device("tpu"), "device"),
    (lambda: Chapter("00_introduction", seed=-1), "seed"),
    (lambda: claims.Claim("x", "s", "nobody", tests="t", checks=[_OUTSIDE]), "paper"),
    (lambda: claims.Check("c", "maybe"), "verdict"),
    (lambda: claims.Claim("", "s", "book", tests="t", checks=[_OUTSIDE]), "id"),
    (lambda: claims.Check.compare("c", theory=1.0, measured=1.0, se=-1.0, **_ALT), "se"),
    (lambda: claims.Check.compare("c", theory=math.inf, measured=1.0, se=1.0, **_ALT), "theory"),
    (lambda: kernels.reduced_residual_kernels([[1.0, 0.5], [0.0, 1.0]], 3), "K0"),
    (lambda: kernels.reduced_residual_kernels([[1.0, 2.0], [2.0, 1.0]], 3), "K0"),
    (lambda: kernels.reduced_residual_kernels(np.eye(2), 0), "depth"),
    (lambda: kernels.feedforward_kernels(np.eye(2), 3, sigma_w2=-1.0), "sigma_w2"),
]


@pytest.mark.parametrize("call,parameter", BAD_INPUTS)
def test_bad_parameters_raise_value_error_naming_the_parameter(call, parameter):
    with pytest.raises(ValueError, match=parameter):
        call()


def test_cuda_request_without_cuda_is_a_clear_error():
    if torch.cuda.is_available():
        pytest.skip("CUDA is present")
    assert profiles.resolve_device("auto").type == "cpu"
    with pytest.raises(ValueError, match="device"):
        profiles.resolve_device("cuda")


# Figures are tested in tests/test_figures.py; claims and the scorecard in tests/test_claims.py;
# the build steps (execution, staging, HTML checks, Makefile) in tests/test_book.py.


def test_labels_name_every_activation():
    labels = [activations.get_activation(n, a).label for n, a in ACTIVATION_CASES]
    assert len(set(labels)) == len(labels) and "α-ReLU (α=0.7)" in labels
