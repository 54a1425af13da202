"""Sweeps on Dask: bit-identical to one process whatever the workers or the order; npz files."""

from __future__ import annotations

import numpy as np
import pytest

from resprop.sweep import Sweep, cell_seed, run_sweep, simulate_cell

CELLS = [
    {"family": "ReducedResidual", "width": w, "depth": L, "n_networks": 8, "params": {}}
    for w in (16, 32)
    for L in (3, 5)
]
# as chapter 00's width scan: given inputs, whole per-network arrays
SCAN = [
    {
        "family": "ReducedResidual",
        "width": w,
        "depth": 4,
        "n_networks": 40,
        "params": {"sigma_w2": 0.5, "input_dim": 2},
        "inputs": [[1.0, 0.0], [0.3, 0.9]],
        "fields": [],
        "per_network": ["correlation", "log_sq_norm"],
    }
    for w in (16, 32)
]


def test_two_local_workers_match_one_process_bit_for_bit(tmp_path):
    one = run_sweep(simulate_cell, CELLS + SCAN, seed=3, workers=0)
    two = run_sweep(simulate_cell, CELLS + SCAN, seed=3, workers=2)
    assert two.meta["where"] == "LocalCluster(2 workers)"
    assert one.identical(two)
    assert len(two.meta["cell_cpu_s"]) == len(CELLS + SCAN)
    # and through the file the chapters read (no pickle)
    back = Sweep.load(two.save(tmp_path / "sweep.npz"))
    assert back.identical(one) and back.meta["seed"] == 3
    with np.load(tmp_path / "sweep.npz", allow_pickle=False) as data:
        assert "0/log_sq_norm_mean" in data.files


def test_a_cell_result_depends_on_its_content_not_its_position():
    forward = run_sweep(simulate_cell, CELLS, seed=1, workers=0)
    backward = run_sweep(simulate_cell, CELLS[::-1], seed=1, workers=0)
    for i, r in enumerate(backward.results[::-1]):
        for name, value in r.items():
            np.testing.assert_array_equal(value, forward.results[i][name])
    other = run_sweep(simulate_cell, CELLS[:1], seed=2, workers=0)
    assert not np.array_equal(
        other.results[0]["log_sq_norm_mean"], forward.results[0]["log_sq_norm_mean"]
    )
    assert cell_seed(1, {"a": 1, "b": 2}) == cell_seed(1, {"b": 2, "a": 1})
    assert cell_seed(1, {"a": 1}) != cell_seed(2, {"a": 1})


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"cells": []}, ValueError, "cells"),
        ({"cells": [{"x": 1}, {"x": 1}]}, ValueError, "cells"),
        ({"cells": [{"x": object()}]}, ValueError, "cells"),
        ({"seed": -1}, ValueError, "seed"),
        ({"workers": -1}, ValueError, "workers"),
        ({"fn": 3}, TypeError, "fn"),
        ({"address": 8786}, ValueError, "address"),
    ],
)
def test_bad_arguments_raise_naming_the_parameter(kwargs, error, name):
    args = {"fn": simulate_cell, "cells": CELLS[:1], "workers": 0, **kwargs}
    with pytest.raises(error, match=rf"^{name}:"):
        run_sweep(**args)


def test_simulate_cell_rejects_unknown_families():
    with pytest.raises(ValueError, match="^family:"):
        simulate_cell({"family": "Transformer", "width": 8, "depth": 2, "n_networks": 2}, 0)


def test_simulate_cell_returns_the_records_per_network_arrays():
    from resprop.networks import ReducedResidual
    from resprop.simulate import simulate

    cell = SCAN[0]
    out = simulate_cell(cell, 7)
    assert sorted(out) == ["correlation", "log_sq_norm"]
    net = ReducedResidual(cell["width"], cell["depth"], **cell["params"])
    rec = simulate(net, np.array(cell["inputs"]), cell["n_networks"], seed=7, device="cpu")
    np.testing.assert_array_equal(out["correlation"], rec.correlation)
    np.testing.assert_array_equal(out["log_sq_norm"], rec.log_sq_norm)
