"""The training library (simulation side): data sets, the batched trainer, their input checks."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from resprop import networks, training
from resprop.training import load_dataset, read_idx, train, train_many


def _tanh_net(sigma_w2: float = 0.5, depth: int = 4, **kw) -> networks.FullResidual:
    return networks.FullResidual(
        width=16,
        depth=depth,
        activation="tanh",
        sigma_w2=sigma_w2,
        input_dim=64,
        output_dim=10,
        **kw,
    )


@pytest.fixture(scope="module")
def digits() -> training.Dataset:
    return load_dataset("digits", seed=0)


def _write_idx(path, array: np.ndarray, code: int = 0x08) -> None:
    header = bytes([0, 0, code, array.ndim]) + np.array(array.shape, dtype=">i4").tobytes()
    raw = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(raw)


def _write_idx_set(folder, n_train: int = 30, n_test: int = 12, suffix: str = ".gz") -> None:
    rng = np.random.default_rng(0)
    for stem, n in (("train", n_train), ("t10k", n_test)):
        _write_idx(
            folder / f"{stem}-images-idx3-ubyte{suffix}",
            rng.integers(0, 256, (n, 4, 3), dtype=np.uint8),
        )
        _write_idx(folder / f"{stem}-labels-idx1-ubyte{suffix}", np.arange(n, dtype=np.uint8) % 10)


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_reader_round_trips_images_labels_and_wider_types(tmp_path, suffix):
    images = np.random.default_rng(1).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    _write_idx(tmp_path / f"im{suffix}", images)
    np.testing.assert_array_equal(read_idx(tmp_path / f"im{suffix}"), images)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    _write_idx(tmp_path / f"lab{suffix}", labels)
    np.testing.assert_array_equal(read_idx(tmp_path / f"lab{suffix}"), labels)
    floats = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    _write_idx(tmp_path / f"f{suffix}", floats, code=0x0D)
    np.testing.assert_array_equal(read_idx(tmp_path / f"f{suffix}"), floats)


def test_idx_reader_refuses_bad_magic_and_truncation(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x01\x00\x08\x01\x00\x00\x00\x02ab")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "bad")
    _write_idx(tmp_path / "ok", np.arange(6, dtype=np.uint8))
    (tmp_path / "short").write_bytes((tmp_path / "ok").read_bytes()[:-1])
    with pytest.raises(ValueError, match="needs"):
        read_idx(tmp_path / "short")


def test_fashion_mnist_from_a_folder_keeps_the_official_split(tmp_path, monkeypatch):
    """Training and test images come from their own files; n_train/n_test take a seeded subset;
    features are standardised on the training images used."""
    _write_idx_set(tmp_path)
    monkeypatch.setenv(training.FASHION_MNIST_ENV, str(tmp_path))
    data = load_dataset("fashion_mnist", n_train=20, n_test=5, seed=2)
    assert data.name == "fashion_mnist" and data.n_features == 12 and data.n_classes == 10
    assert len(data.y_train) == 20 and len(data.y_test) == 5
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0.0, atol=1e-6)
    again = load_dataset("fashion_mnist", n_train=20, n_test=5, seed=2)
    np.testing.assert_array_equal(again.X_train, data.X_train)


def test_a_missing_fashion_mnist_fails_saying_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv(training.FASHION_MNIST_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        load_dataset("fashion_mnist")


def test_mnist_prefers_local_idx_files(tmp_path, monkeypatch):
    import sklearn.datasets

    _write_idx_set(tmp_path, suffix="")
    monkeypatch.setenv(training.MNIST_ENV, str(tmp_path))
    monkeypatch.setattr(sklearn.datasets, "fetch_openml", lambda *a, **k: pytest.fail("fetched"))
    assert len(load_dataset("mnist").y_test) == 12


@pytest.mark.parametrize("error", [OSError("network is unreachable"), TimeoutError("timed out")])
def test_mnist_failure_is_clear_and_does_not_fall_back(tmp_path, monkeypatch, error):
    """No local copy and no network (or a server that never answers): a RuntimeError naming
    MNIST, the timeout and where to put a local copy, never digits; the socket timeout is ≤ 30 s
    during the fetch and restored afterwards."""
    import socket

    import sklearn.datasets

    seen = {}

    def offline(*args, **kwargs):
        seen["timeout"] = socket.getdefaulttimeout()
        raise error

    monkeypatch.setenv(training.MNIST_ENV, str(tmp_path))
    monkeypatch.setattr(sklearn.datasets, "fetch_openml", offline)
    before = socket.getdefaulttimeout()
    with pytest.raises(RuntimeError, match="mnist.*timeout.*RESPROP_MNIST"):
        load_dataset("mnist")
    assert seen["timeout"] == training.FETCH_TIMEOUT_S <= 30
    assert socket.getdefaulttimeout() == before


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


def test_training_learns_and_is_reproducible(digits):
    """Plain SGD on 8×8 digits: a shallow tanh FRN beats chance (0.1) by far after one epoch
    (with 397 test images, accuracy > 0.5 is > 25 binomial SE above chance), and the same
    seed gives the same accuracy."""
    net = networks.FullResidual(
        width=64, depth=4, activation="tanh", sigma_w2=0.5, output_dim=10, sigma_out2=0.2
    )
    first = train(net, digits, epochs=1, lr=0.05, seed=1)
    assert first > 0.5
    assert train(net, digits, epochs=1, lr=0.05, seed=1) == first


def test_train_many_equals_separate_runs(digits):
    """Three networks (different σ_w², seeds) trained together give each one's own result."""
    nets = [_tanh_net(s) for s in (0.3, 1.0, 3.0)]
    together = train_many(nets, digits, epochs=1, lr=0.05, seeds=[4, 5, 6])
    alone = [
        train_many([n], digits, epochs=1, lr=0.05, seeds=[s])[0]
        for n, s in zip(nets, [4, 5, 6], strict=True)
    ]
    assert together.dtype == np.float64
    np.testing.assert_allclose(together, alone, atol=2.0 / len(digits.y_test))
    assert np.all(together > 0.5)


def test_a_diverging_network_does_not_touch_its_neighbour(digits):
    """A ReLU FRN with growth 3^30 overflows within a few steps (chance, 0.1); the healthy network
    next to it scores exactly what it scores alone."""
    healthy = networks.FullResidual(
        width=16,
        depth=30,
        input_dim=64,
        activation="relu",
        sigma_w2=0.02,
        sigma_v2=0.02,
        output_dim=10,
    )
    wild = networks.FullResidual(
        width=16,
        depth=30,
        input_dim=64,
        activation="relu",
        sigma_w2=2.0,
        sigma_v2=2.0,
        output_dim=10,
    )
    both = train_many([wild, healthy], digits, epochs=1, lr=0.05, seeds=[0, 1])
    alone = train_many([healthy], digits, epochs=1, lr=0.05, seeds=[1])
    assert both[0] == pytest.approx(0.1)
    assert both[1] == alone[0] and alone[0] > 0.5


def test_langevin_at_zero_temperature_is_sgd_and_noise_is_seeded(digits):
    nets = [_tanh_net(0.5), _tanh_net(1.0)]
    kw = {"epochs": 1, "lr": 0.05, "seeds": [7, 8]}
    np.testing.assert_array_equal(
        train_many(nets, digits, temperature=0.0, **kw), train_many(nets, digits, **kw)
    )
    hot = train_many(nets, digits, temperature=1e-3, **kw)
    np.testing.assert_array_equal(hot, train_many(nets, digits, temperature=1e-3, **kw))
    assert hot[0] == train_many(nets[:1], digits, temperature=1e-3, **{**kw, "seeds": [7]})[0]


def test_train_many_refuses_bad_arguments(digits):
    net = _tanh_net()
    good = {"epochs": 1, "lr": 0.1, "seeds": [0]}
    for kw, name in [
        ({"epochs": 0}, "epochs"),
        ({"lr": -1.0}, "lr"),
        ({"batch_size": 0}, "batch_size"),
        ({"temperature": -1.0}, "temperature"),
        ({"temperature": float("nan")}, "temperature"),
        ({"seeds": [0, 1]}, "seeds"),
        ({"seeds": [-1]}, "seeds"),
        ({"seeds": 3}, "seeds"),
        ({"progress": 1}, "progress"),
    ]:
        with pytest.raises(ValueError, match=name):
            train_many([net], digits, **{**good, **kw})
    with pytest.raises(ValueError, match="networks"):
        train_many([], digits, **good)
    with pytest.raises(ValueError, match="architecture"):
        train_many([net, _tanh_net(depth=5)], digits, **{**good, "seeds": [0, 1]})
    with pytest.raises(ValueError, match="architecture"):
        train_many([net, _tanh_net(sigma_b2=0.1)], digits, **{**good, "seeds": [0, 1]})
    with pytest.raises(ValueError, match="network"):
        train(networks.FullResidual(width=8, depth=1, output_dim=3), digits, epochs=1, lr=0.1)
    with pytest.raises(ValueError, match="data"):
        train_many([net], digits.X_train, **good)
