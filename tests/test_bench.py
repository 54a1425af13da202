"""The benchmark: normals counted per family, the generator's limit, the "fastest" lines."""

from __future__ import annotations

import inspect

import torch

from resprop import bench, networks


def test_normals_per_layer_are_counted_from_the_samplers_draws():
    n, m = 32, bench.K
    assert bench.normals_per_layer(networks.ReducedResidual(n, 3)) == n * m
    assert bench.normals_per_layer(networks.FullResidual(n, 3)) == 2 * n * m
    assert bench.normals_per_layer(networks.BalancedResidual(n, 3)) == n * m
    pre = networks.PreActResidual(n, 3, input_dim=8)
    assert bench.normals_per_layer(pre) == n * m  # the input layer is not per layer


def test_every_family_is_benchmarked():
    covered = {type(net) for net in bench.families(16).values()}
    defined = {
        cls
        for _, cls in inspect.getmembers(networks, inspect.isclass)
        if issubclass(cls, networks.Network) and cls is not networks.Network
    }
    assert defined <= covered, f"not benchmarked: {defined - covered}"


def test_family_rows_report_rate_limit_and_share():
    cpu = torch.device("cpu")
    rate = bench.generator_rate(cpu, torch.float64, repeat=1)
    assert rate > 1e6
    rows = bench.measure_families(32, cpu, scale=0.01, rate=rate)
    assert len(rows) == len(bench.families(32))
    for r in rows:
        assert r["gram_rate"] > 0 and r["limit"] == rate / r["normals"]
        assert 0 < r["share"] == r["gram_rate"] / r["limit"]


def test_breakdown_parts_add_up_and_the_sampler_is_restored():
    normal = bench._sim._Ops.normal
    rows = bench.breakdown(32, scale=0.01)
    assert bench._sim._Ops.normal is normal
    assert len(rows) == len(bench.families(32))
    for r in rows:
        parts = [r[p] for p in bench._PARTS]
        assert all(p >= 0 for p in parts) and r["normals"] > 0 and r["gram_rate"] > 0
        assert abs(sum(parts) + r["other"] - 1) < 1e-12
    assert "| normals |" in bench.breakdown_table(rows)
