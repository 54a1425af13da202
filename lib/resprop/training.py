"""Train many small random networks at once with plain SGD (or Langevin dynamics) on real data.

Simulation side: it imports :mod:`resprop.networks` (``Network.to_module`` gives a trainable
module with exactly the network's initialisation) and never the theory.

* :func:`read_idx` reads the IDX files of MNIST and Fashion-MNIST with NumPy.
* :func:`load_dataset` gives scikit-learn's ``load_digits`` (8×8 digits, shipped inside the wheel),
  Fashion-MNIST (Debian's ``dataset-fashion-mnist`` IDX files) or MNIST (local IDX files, else
  ``fetch_openml`` with a socket timeout). A data set that is missing raises, saying how to get
  it: never a silent substitution of another data set.
* :func:`train_many` trains M networks of one architecture together (``torch.func.vmap`` over
  their stacked parameters) with plain mini-batch SGD (no momentum: adaptive optimisers rescale
  per-parameter gradients and hide gradient explosion) and returns their test accuracies; a
  network whose loss becomes non-finite is frozen and scores chance. :func:`train` is one network.
"""

from __future__ import annotations

import copy
import gzip
import math
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import torch
from torch.func import functional_call, grad_and_value, stack_module_state, vmap
from torch.nn import functional as F
from tqdm import tqdm

from . import _validate
from .device import resolve_device
from .networks import Network
from .simulate import _on_terminal

__all__ = [
    "DATASETS",
    "FETCH_TIMEOUT_S",
    "Dataset",
    "chance",
    "load_dataset",
    "read_idx",
    "train",
    "train_many",
]

DATASETS = ("digits", "fashion_mnist", "mnist")
FETCH_TIMEOUT_S = 30.0  # seconds per network operation when MNIST is downloaded
FASHION_MNIST_ENV = "RESPROP_FASHION_MNIST"
FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
MNIST_ENV = "RESPROP_MNIST"
MNIST_DIR = Path("~/.cache/resprop/mnist")
_IDX_DTYPES = {
    0x08: np.uint8,
    0x09: np.int8,
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
_IDX_FILES_TEST = ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
_DIGITS_SIZE = 1797
_OFFICIAL = (60_000, 10_000)  # (train, test) images of MNIST and Fashion-MNIST


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


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """The array stored in an IDX file (plain or ``.gz``), the format of MNIST and Fashion-MNIST.

    Layout: two zero bytes, a dtype code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
    0x0D float32, 0x0E float64), the number of dimensions k, then k big-endian int32 sizes and
    the data in C order (big-endian). A bad magic number or a size that does not match the
    header raises ``ValueError`` naming the file.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"path: {path} is not an IDX file (bad magic number {raw[:4].hex()})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"path: {path} is truncated inside its IDX header")
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">i4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    expected = header + math.prod(shape) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(
            f"path: {path} holds {len(raw)} bytes, but its IDX header {shape} needs {expected}"
        )
    return (
        np.frombuffer(raw, dtype=dtype, offset=header)
        .reshape(shape)
        .astype(dtype.newbyteorder("="))
    )


def load_dataset(
    name: str = "digits",
    *,
    n_train: int | None = None,
    n_test: int | None = None,
    seed: int = 0,
) -> Dataset:
    """The data set ``name``, features standardised per pixel on the training images used.

    * ``"digits"``: scikit-learn's 1797 images of 8×8 pixels (d = 64); a seeded shuffle gives
      the test split (``n_test``, default 397) and the training split (the rest, or its first
      ``n_train``); 1 ≤ n_test ≤ 1795 so that training keeps at least 2 images.
    * ``"fashion_mnist"``: 28×28 (d = 784) IDX files from ``$RESPROP_FASHION_MNIST`` or
      ``/usr/share/datasets/fashion-mnist`` (Debian: ``apt-get install dataset-fashion-mnist``);
      ``FileNotFoundError`` saying so if absent.
    * ``"mnist"``: IDX files from ``$RESPROP_MNIST`` or ``~/.cache/resprop/mnist``, else OpenML's
      ``mnist_784`` with a ``FETCH_TIMEOUT_S`` socket timeout; ``RuntimeError`` if neither.

    Fashion-MNIST and MNIST keep the official split (60 000 training, 10 000 test images);
    ``n_train``/``n_test`` take the first ones of each after a shuffle seeded with ``seed``.
    """
    _validate.choice("name", name, DATASETS)
    seed = _validate.integer("seed", seed, minimum=0)
    if n_train is not None:
        n_train = _validate.integer("n_train", n_train)
    if n_test is not None:
        n_test = _validate.integer("n_test", n_test)
    rng = np.random.default_rng(seed)
    if name == "digits":
        if n_test is not None and n_test > _DIGITS_SIZE - 2:
            raise ValueError(
                f"n_test: digits has {_DIGITS_SIZE} images; n_test must be ≤ {_DIGITS_SIZE - 2} "
                f"so that the training split keeps at least 2 images, got {n_test}"
            )
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        order = rng.permutation(len(y))
        test, tr = order[: n_test or 397], order[n_test or 397 :]
        return _standardise(name, X[tr[:n_train]], y[tr[:n_train]], X[test], y[test])
    for arg, value, limit in (("n_train", n_train, _OFFICIAL[0]), ("n_test", n_test, _OFFICIAL[1])):
        if value is not None and value > limit:
            raise ValueError(f"{arg}: {name} has {limit} such images, got {value}")
    X_tr, y_tr, X_te, y_te = _fashion_mnist() if name == "fashion_mnist" else _mnist()
    tr = rng.permutation(len(y_tr))[:n_train]
    te = rng.permutation(len(y_te))[:n_test]
    return _standardise(name, X_tr[tr], y_tr[tr], X_te[te], y_te[te])


def _standardise(
    name: str, X_tr: np.ndarray, y_tr: np.ndarray, X_te: np.ndarray, y_te: np.ndarray
) -> Dataset:
    """z = (x − mean)/std per feature, both from the training images (constant pixels stay 0)."""
    X_tr = X_tr.reshape(len(X_tr), -1).astype(np.float64)
    X_te = X_te.reshape(len(X_te), -1).astype(np.float64)
    mean = X_tr.mean(axis=0)
    std = X_tr.std(axis=0)
    std = np.where(std > 1e-8, std, 1.0)
    n_classes = int(max(y_tr.max(), y_te.max())) + 1
    return Dataset(
        name,
        ((X_tr - mean) / std).astype(np.float32),
        y_tr.astype(np.int64),
        ((X_te - mean) / std).astype(np.float32),
        y_te.astype(np.int64),
        n_classes,
    )


def _idx_folder(folder: Path) -> tuple[np.ndarray, ...] | None:
    """(X_train, y_train, X_test, y_test) from the four IDX files in ``folder`` (plain or .gz)."""
    paths = []
    for stem in _IDX_FILES + _IDX_FILES_TEST:
        found = [p for p in (folder / stem, folder / f"{stem}.gz") if p.is_file()]
        if not found:
            return None
        paths.append(found[0])
    return tuple(read_idx(p) for p in paths)


def _fashion_mnist() -> tuple[np.ndarray, ...]:
    folder = Path(os.environ.get(FASHION_MNIST_ENV, FASHION_MNIST_DIR))
    arrays = _idx_folder(folder)
    if arrays is None:
        raise FileNotFoundError(
            f"name='fashion_mnist': no Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz], …) "
            f"in {folder}. Install them with `apt-get install dataset-fashion-mnist` (Debian), or "
            f"set ${FASHION_MNIST_ENV} to a folder that holds the four files."
        )
    return arrays


def _mnist() -> tuple[np.ndarray, ...]:
    """Local IDX files if present, else OpenML (first 60 000 = official training split)."""
    folder = Path(os.environ.get(MNIST_ENV, MNIST_DIR)).expanduser()
    arrays = _idx_folder(folder)
    if arrays is not None:
        return arrays
    from sklearn.datasets import fetch_openml

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(FETCH_TIMEOUT_S)
    try:
        X, y = fetch_openml(
            "mnist_784", version=1, as_frame=False, return_X_y=True, n_retries=1, delay=1.0
        )
    except Exception as err:  # offline, proxy, timeout, corrupt cache
        raise RuntimeError(
            f"name='mnist': no MNIST IDX files in {folder} and OpenML did not deliver MNIST "
            f"(timeout {FETCH_TIMEOUT_S:g} s per request; {type(err).__name__}: {err}). Put the "
            f"four IDX files (train-images-idx3-ubyte.gz, …) in {MNIST_DIR} or set ${MNIST_ENV} "
            "to their folder, or use name='fashion_mnist' or 'digits' explicitly."
        ) from err
    finally:
        socket.setdefaulttimeout(previous)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).astype(np.int64)
    n = _OFFICIAL[0]
    return X[:n], y[:n], X[n:], y[n:]


def _architecture(network: Network) -> tuple:
    """What fixes the forward map: the class, every field but the σ² (they only set the initial
    weights), and which biases exist (σ_b² > 0, σ_a² > 0)."""
    key: list[object] = [type(network)]
    for f in fields(network):
        value = getattr(network, f.name)
        if f.name in ("sigma_b2", "sigma_a2"):
            key.append((f.name, value > 0))
        elif not f.name.startswith("sigma_"):
            key.append((f.name, value))
    return tuple(key)


def train_many(
    networks: Sequence[Network],
    data: Dataset,
    *,
    epochs: int,
    lr: float,
    seeds: Sequence[int],
    batch_size: int = 50,
    temperature: float = 0.0,
    device: str | torch.device = "cpu",
    progress: str | None = None,
) -> np.ndarray:
    """Train M networks of one architecture together; return their M test accuracies (float64).

    Network i starts from ``network.to_module(torch.Generator().manual_seed(seeds[i]))`` and sees
    the mini-batches (``batch_size`` images, every epoch a fresh permutation) of
    ``np.random.default_rng(seeds[i])``, so its result does not depend on the other networks.
    Each step minimises the mean cross-entropy ℓ over the mini-batch by plain SGD,
    θ ← θ − lr ∇ℓ(θ); with ``temperature`` T > 0 it is Langevin dynamics,
    θ ← θ − lr ∇ℓ(θ) + √(2 lr T) ξ, ξ ~ N(0, 1) per parameter (drawn from a torch generator
    seeded from ``seeds[i]``), which samples exp(−ℓ/T) at small lr. The networks must share their
    architecture (class, width, depth, activation, input/output dimensions, which biases exist;
    the σ² may differ) and satisfy ``in_features == data.n_features``,
    ``output_dim == data.n_classes``. A network whose loss (or final test logits) become NaN/inf
    is frozen and scores chance, 1/n_classes, without touching the others. float32 on
    ``device``; on the CPU with one torch thread (tiny matrices: threads only synchronise).
    ``progress``: the label of a tqdm bar on stderr, drawn only when stderr is a terminal.
    """
    networks = list(networks) if isinstance(networks, Sequence) else networks
    if not isinstance(networks, list) or not networks:
        raise ValueError("networks: expected a non-empty sequence of resprop Networks")
    for net in networks:
        if not isinstance(net, Network):
            raise ValueError(f"networks: expected resprop Networks, got {type(net).__name__}")
    if not isinstance(data, Dataset):
        raise ValueError(f"data: expected a Dataset, got {type(data).__name__}")
    first = networks[0]
    if first.in_features != data.n_features or first.output_dim != data.n_classes:
        raise ValueError(
            f"networks: need in_features = {data.n_features} and output_dim = {data.n_classes}, "
            f"got {first.in_features} and {first.output_dim}"
        )
    arch = _architecture(first)
    for i, net in enumerate(networks):
        if _architecture(net) != arch:
            raise ValueError(
                f"networks: all must share the architecture of networks[0] ({first.label}, "
                f"width {first.width}, depth {first.depth}; only the σ² may differ), "
                f"networks[{i}] is {net.label}, width {net.width}, depth {net.depth}"
            )
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence):
        raise ValueError(f"seeds: expected one integer seed per network, got {seeds!r}")
    if len(seeds) != len(networks):
        raise ValueError(
            f"seeds: expected {len(networks)} seeds (one per network), got {len(seeds)}"
        )
    seeds = [_validate.integer("seeds", s, minimum=0) for s in seeds]
    epochs = _validate.integer("epochs", epochs)
    lr = _validate.positive("lr", lr)
    batch_size = _validate.integer("batch_size", batch_size)
    temperature = _validate.real("temperature", temperature, minimum=0.0)
    if progress is not None and not isinstance(progress, str):
        raise ValueError(f"progress: expected None or a label string, got {progress!r}")
    dev = resolve_device(device)
    threads = torch.get_num_threads()
    if dev.type == "cpu":
        torch.set_num_threads(1)
    try:
        return _train_many(
            networks, data, epochs, lr, seeds, batch_size, temperature, dev, progress
        )
    finally:
        torch.set_num_threads(threads)


def _train_many(
    networks: list[Network],
    data: Dataset,
    epochs: int,
    lr: float,
    seeds: list[int],
    batch_size: int,
    temperature: float,
    dev: torch.device,
    progress: str | None,
) -> np.ndarray:
    modules = [
        net.to_module(torch.Generator().manual_seed(s)).to(dev)
        for net, s in zip(networks, seeds, strict=True)
    ]
    params, buffers = stack_module_state(modules)
    params = {k: v.detach() for k, v in params.items()}
    base = copy.deepcopy(modules[0]).to("meta")
    del modules

    def loss(p: dict, b: dict, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(functional_call(base, (p, b), (x,)), y)

    step = vmap(grad_and_value(loss))
    X = torch.as_tensor(data.X_train, device=dev)
    y = torch.as_tensor(data.y_train, device=dev)
    n, m = len(data.y_train), len(networks)
    rngs = [np.random.default_rng(s) for s in seeds]
    noise_gens = [
        torch.Generator(device=dev).manual_seed(
            int(np.random.SeedSequence((s, 1)).generate_state(1)[0])
        )
        for s in seeds
    ]
    noise_sd = math.sqrt(2.0 * lr * temperature)
    alive = torch.ones(m, dtype=torch.bool, device=dev)
    n_steps = epochs * math.ceil(n / batch_size)
    bar = tqdm(
        total=n_steps,
        unit="step",
        desc=progress,
        disable=progress is None or not _on_terminal(),
    )
    with bar:
        for _ in range(epochs):
            order = torch.as_tensor(np.stack([r.permutation(n) for r in rngs]), device=dev)
            for start in range(0, n, batch_size):
                idx = order[:, start : start + batch_size]
                grads, losses = step(params, buffers, X[idx], y[idx])
                alive &= torch.isfinite(losses)
                for k, p in params.items():
                    new = p - lr * grads[k]
                    if noise_sd > 0:
                        new = new + noise_sd * _normals(noise_gens, p.shape[1:], dev)
                    keep = alive.view(-1, *([1] * (p.ndim - 1)))
                    params[k] = torch.where(keep, new, torch.zeros_like(p))  # frozen: inert zeros
                bar.update()
    with torch.no_grad():
        X_test = torch.as_tensor(data.X_test, device=dev)
        logits = vmap(functional_call, in_dims=(None, 0, None))(base, (params, buffers), (X_test,))
    alive &= torch.isfinite(logits).all(dim=(1, 2))
    y_test = torch.as_tensor(data.y_test, device=dev)
    acc = (logits.argmax(dim=2) == y_test).double().mean(dim=1)
    acc = torch.where(alive, acc, torch.full_like(acc, 1.0 / data.n_classes))
    return acc.cpu().numpy()


def _normals(gens: list[torch.Generator], shape: torch.Size, dev: torch.device) -> torch.Tensor:
    """One N(0, 1) tensor of ``shape`` per network, each from that network's own generator."""
    return torch.stack([torch.randn(shape, generator=g, device=dev) for g in gens])


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
    """One network with plain SGD: ``train_many([network], …, seeds=[seed])[0]``."""
    return float(
        train_many(
            [network],
            data,
            epochs=epochs,
            lr=lr,
            seeds=[seed],
            batch_size=batch_size,
            device=device,
        )[0]
    )


def chance(data: Dataset) -> float:
    """Accuracy of guessing: 1/n_classes."""
    return 1.0 / data.n_classes
