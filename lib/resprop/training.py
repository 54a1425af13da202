"""Train small random networks with plain SGD: does initialisation-time theory predict accuracy?

Simulation side: it imports :mod:`resprop.networks` (``Network.to_module`` gives a trainable
module with exactly the network's initialisation) and never the theory.

* :func:`load_dataset` gives scikit-learn's ``load_digits`` (8×8 digits, 1797 images, shipped
  inside the wheel, so it works offline) or MNIST through ``fetch_openml`` (from the cache, or
  downloaded with a socket timeout of ``FETCH_TIMEOUT_S`` seconds); if MNIST cannot be fetched,
  it raises ``RuntimeError`` saying why (no silent substitution of another data set).
* :func:`train` trains one network with plain mini-batch SGD (no momentum: adaptive optimisers
  such as Adam rescale per-parameter gradients and hide gradient explosion) on the cross-entropy
  and returns its test accuracy; a run whose loss becomes non-finite counts as chance.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from . import _validate
from .device import resolve_device
from .networks import Network

__all__ = ["DATASETS", "FETCH_TIMEOUT_S", "Dataset", "chance", "load_dataset", "train"]

DATASETS = ("digits", "mnist")
FETCH_TIMEOUT_S = 30.0  # seconds per network operation when MNIST is downloaded
_SIZES = {"digits": 1797, "mnist": 70_000}


@dataclass(frozen=True)
class Dataset:
    """Standardised features (float32) and integer labels, split into train and test."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int

    @property
    def n_features(self) -> int:
        """Input dimension d."""
        return self.X_train.shape[1]

    @property
    def mean_sq_norm(self) -> float:
        """p⁰ = mean over training inputs of ‖u‖²/d (≈ 1 after standardisation)."""
        return float(np.mean(np.sum(self.X_train.astype(float) ** 2, axis=1)) / self.n_features)

    def describe(self) -> str:
        """One line for the reader: name, sizes, input dimension, classes."""
        return (
            f"{self.name}: {len(self.y_train)} training and {len(self.y_test)} test images, "
            f"d = {self.n_features}, {self.n_classes} classes"
        )


def _split(name: str, X: np.ndarray, y: np.ndarray, n_test: int, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(y))
    test, tr = order[:n_test], order[n_test:]
    mean = X[tr].mean(axis=0)
    std = X[tr].std(axis=0)
    std = np.where(std > 1e-8, std, 1.0)  # constant pixels stay 0
    Z = ((X - mean) / std).astype(np.float32)
    return Dataset(
        name, Z[tr], y[tr].astype(np.int64), Z[test], y[test].astype(np.int64), int(y.max()) + 1
    )


def load_dataset(
    name: str = "digits",
    *,
    n_train: int | None = None,
    n_test: int | None = None,
    seed: int = 0,
) -> Dataset:
    """The data set ``name`` ("digits" or "mnist"), features standardised on the training split.

    digits: 1797 images of 8×8 pixels (d = 64); the test split is ``n_test`` images
    (default 397), the rest (or the first ``n_train``) for training. mnist: 70 000 images of
    28×28 pixels (d = 784) from OpenML; default 60 000/10 000. 1 ≤ n_test < (number of
    images) − 1, so that the training split keeps at least 2 images. If MNIST cannot be
    fetched (offline and not cached, or no answer within ``FETCH_TIMEOUT_S`` seconds), raises
    ``RuntimeError`` naming the cause; use ``name="digits"`` offline.
    """
    _validate.choice("name", name, DATASETS)
    seed = _validate.integer("seed", seed, minimum=0)
    size = _SIZES[name]
    if n_train is not None:
        n_train = _validate.integer("n_train", n_train)
    if n_test is not None:
        n_test = _validate.integer("n_test", n_test)
        if n_test > size - 2:
            raise ValueError(
                f"n_test: {name} has {size} images; n_test must be ≤ {size - 2} so that the "
                f"training split keeps at least 2 images, got {n_test}"
            )
    if name == "mnist":
        X, y = _fetch_mnist()
        return _trim(_split("mnist", X, y, n_test or 10_000, seed), n_train)
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    data = _split("digits", X.astype(np.float64), y, n_test or 397, seed)
    return _trim(data, n_train)


def _fetch_mnist() -> tuple[np.ndarray, np.ndarray]:
    """MNIST from OpenML (or scikit-learn's cache), with a socket timeout; RuntimeError if not."""
    from sklearn.datasets import fetch_openml

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(FETCH_TIMEOUT_S)
    try:
        X, y = fetch_openml(
            "mnist_784", version=1, as_frame=False, return_X_y=True, n_retries=1, delay=1.0
        )
    except Exception as err:  # offline, proxy, timeout, corrupt cache
        raise RuntimeError(
            f"name='mnist': MNIST could not be fetched from OpenML (timeout {FETCH_TIMEOUT_S:g} s "
            f"per request; {type(err).__name__}: {err}). Run once with network access to fill "
            "scikit-learn's cache, or use name='digits' (shipped with scikit-learn, offline)."
        ) from err
    finally:
        socket.setdefaulttimeout(previous)
    return X.astype(np.float64), y.astype(np.int64)


def _trim(data: Dataset, n_train: int | None) -> Dataset:
    if n_train is None or n_train >= len(data.y_train):
        return data
    return Dataset(
        data.name,
        data.X_train[:n_train],
        data.y_train[:n_train],
        data.X_test,
        data.y_test,
        data.n_classes,
    )


def train(
    network: Network,
    data: Dataset,
    *,
    epochs: int,
    lr: float,
    seed: int = 0,
    device: str | torch.device = "cpu",
    batch_size: int = 50,
) -> float:
    """Train ``network.to_module()`` with plain SGD on ``data``; return the test accuracy.

    The initial weights come from a ``torch.Generator`` seeded with ``seed`` (so the network
    is one draw of exactly its initialisation law); mini-batches of ``batch_size`` are drawn
    by a NumPy generator with the same seed. Loss: cross-entropy (log-sum-exp, stable for
    large logits). The network needs ``in_features == data.n_features`` and
    ``output_dim == data.n_classes``. If the loss becomes NaN/inf the run stops and scores
    chance, 1/n_classes (gradient explosion is then the cause, and the point of the
    experiment). float32 on ``device``; on the CPU with one torch thread (these matrices are
    far too small for threads to pay; under load, two threads ran 20–100× slower).
    """
    if not isinstance(network, Network):
        raise ValueError(f"network: expected a resprop Network, got {type(network).__name__}")
    if not isinstance(data, Dataset):
        raise ValueError(f"data: expected a Dataset, got {type(data).__name__}")
    if network.in_features != data.n_features or network.output_dim != data.n_classes:
        raise ValueError(
            f"network: needs in_features = {data.n_features} and output_dim = {data.n_classes}, "
            f"got {network.in_features} and {network.output_dim}"
        )
    epochs = _validate.integer("epochs", epochs)
    lr = _validate.positive("lr", lr)
    seed = _validate.integer("seed", seed, minimum=0)
    batch_size = _validate.integer("batch_size", batch_size)
    dev = resolve_device(device)
    threads = torch.get_num_threads()
    if dev.type == "cpu":  # tiny matrices: extra threads only cost synchronisation
        torch.set_num_threads(1)
    try:
        return _train(network, data, epochs, lr, seed, dev, batch_size)
    finally:
        torch.set_num_threads(threads)


def _train(
    network: Network,
    data: Dataset,
    epochs: int,
    lr: float,
    seed: int,
    dev: torch.device,
    batch_size: int,
) -> float:
    gen = torch.Generator().manual_seed(seed)
    model = network.to_module(gen).to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.0)
    loss_fn = nn.CrossEntropyLoss()
    X = torch.as_tensor(data.X_train, device=dev)
    y = torch.as_tensor(data.y_train, device=dev)
    rng = np.random.default_rng(seed)
    n = len(y)
    model.train()
    for _ in range(epochs):
        order = torch.as_tensor(rng.permutation(n), device=dev)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(X[idx]), y[idx])
            if not torch.isfinite(loss):
                return 1.0 / data.n_classes
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        logits = model(torch.as_tensor(data.X_test, device=dev))
    if not bool(torch.isfinite(logits).all()):
        return 1.0 / data.n_classes
    pred = logits.argmax(dim=1).cpu().numpy()
    return float(np.mean(pred == data.y_test))


def chance(data: Dataset) -> float:
    """Accuracy of guessing: 1/n_classes."""
    return 1.0 / data.n_classes
