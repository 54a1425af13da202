"""The training helper (simulation side): learning, divergence, and its input checks."""

from __future__ import annotations

import numpy as np
import pytest

from resprop import networks, training
from resprop.training import load_dataset, train


def test_training_learns_and_is_reproducible():
    """Plain SGD on 8×8 digits: a shallow tanh FRN beats chance (0.1) by far after one epoch
    (with 397 test images, accuracy > 0.5 is > 25 binomial SE above chance), and the same
    seed gives the same accuracy."""
    data = load_dataset("digits", seed=0)
    net = networks.FullResidual(
        width=64, depth=4, activation="tanh", sigma_w2=0.5, output_dim=10, sigma_out2=0.2
    )
    first = train(net, data, epochs=1, lr=0.05, seed=1)
    assert first > 0.5
    assert train(net, data, epochs=1, lr=0.05, seed=1) == first


def test_training_divergence_scores_chance():
    """A ReLU FRN with (1+ρ)^L = 3^30 growth and a huge step size overflows: chance, 1/10."""
    data = load_dataset("digits", seed=0)
    net = networks.FullResidual(
        width=64, depth=30, activation="relu", sigma_w2=2.0, sigma_v2=2.0, output_dim=10
    )
    assert train(net, data, epochs=1, lr=10.0, seed=0) == pytest.approx(0.1)


def test_digits_splits_are_finite_and_standardised():
    """The largest allowed test split leaves 2 training images; every feature is finite."""
    for n_test in (1, 397, 1795):
        data = load_dataset("digits", n_test=n_test, seed=3)
        assert len(data.y_test) == n_test and len(data.y_train) == 1797 - n_test
        assert np.all(np.isfinite(data.X_train)) and np.all(np.isfinite(data.X_test))


@pytest.mark.parametrize("n_test", [1796, 1797, 10_000])
def test_a_test_split_that_empties_training_is_refused(n_test):
    with pytest.raises(ValueError, match="n_test"):
        load_dataset("digits", n_test=n_test)


def test_mnist_failure_is_clear_and_does_not_fall_back(monkeypatch):
    """No network: a RuntimeError naming MNIST and the timeout, not a silent switch to digits;
    the socket timeout is ≤ 30 s during the fetch and restored afterwards."""
    import socket

    import sklearn.datasets

    seen = {}

    def offline(*args, **kwargs):
        seen["timeout"] = socket.getdefaulttimeout()
        raise OSError("network is unreachable")

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", offline)
    before = socket.getdefaulttimeout()
    with pytest.raises(RuntimeError, match="mnist.*timeout"):
        load_dataset("mnist")
    assert seen["timeout"] == training.FETCH_TIMEOUT_S <= 30
    assert socket.getdefaulttimeout() == before


def test_train_refuses_bad_arguments():
    data = load_dataset("digits", seed=0)
    net = networks.FullResidual(width=8, depth=1, input_dim=64, output_dim=10)
    for kw, name in [({"epochs": 0}, "epochs"), ({"lr": -1.0}, "lr"), ({"batch_size": 0}, "batch")]:
        with pytest.raises(ValueError, match=name):
            train(net, data, **{"epochs": 1, "lr": 0.1, **kw})
    with pytest.raises(ValueError, match="network"):
        train(networks.FullResidual(width=8, depth=1, output_dim=3), data, epochs=1, lr=0.1)
