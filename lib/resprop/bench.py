"""Throughput of the two samplers: ``python -m resprop.bench [--device D] [--threads T] [--quick]``.

For a He-initialised ReLU reduced residual network (L = 64 blocks, k = 2 inputs) at widths
n ∈ {256, 1024}, in float64 and float32, it measures in one run:

* networks·layers per second of ``simulate`` with the dense and the Gram sampler, and their ratio;
* the RNG share of the Gram sampler: the time of a bare ``normal_`` of the same n·k normals per
  layer and network (the part no exact sampler can avoid), over the Gram sampler's time;
* the dense sampler's efficiency: the time of a bare ``normal_`` of its n² weights per layer
  plus a bare ``bmm`` (B, k, n) @ (B, n, n), over the dense sampler's time.

Each Gram-sampler and RNG time is the best of three runs. On CPU the default is one torch
thread: the sampler's tensors are small, and on shared cores a second thread mostly adds
synchronisation (we measured Gram runs 10–20× slower with two threads under load). It prints a
Markdown table.
"""

from __future__ import annotations

import argparse
import math
import platform
import time
from collections.abc import Callable

import numpy as np
import torch

from .device import resolve_device
from .networks import ReducedResidual
from .simulate import simulate

DEPTH = 64
K = 2
WIDTHS = (256, 1024)
DTYPES = (torch.float64, torch.float32)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _timed(fn: Callable[[], object], device: torch.device, repeat: int = 1) -> float:
    """Best wall time of ``repeat`` calls (the least disturbed by other work on the machine)."""
    best = math.inf
    for _ in range(repeat):
        _sync(device)
        start = time.perf_counter()
        fn()
        _sync(device)
        best = min(best, time.perf_counter() - start)
    return best


def _n_networks(
    n: int, dtype: torch.dtype, sampler: str, device: torch.device, scale: float
) -> int:
    """Networks per measurement: about a second or two of work on 2 CPU cores."""
    if device.type == "cuda":
        base = {"dense": 2**18 // n, "gram": 2**25 // n}[sampler]
    else:
        base = {"dense": 2**12 // n, "gram": 2**19 // n}[sampler]
        if dtype == torch.float32:
            base *= 4
    return max(2, int(base * scale))


def measure(n: int, dtype: torch.dtype, device: torch.device, scale: float = 1.0) -> dict:
    """One row of the table: rates in networks·layers per second, shares in [0, 1]."""
    net = ReducedResidual(n, DEPTH, sigma_w2=2.0)
    inputs = np.random.default_rng(0).standard_normal((K, n))
    gen = torch.Generator(device=device).manual_seed(0)
    row: dict = {"n": n, "dtype": str(dtype).removeprefix("torch.")}
    for sampler in ("dense", "gram"):
        b = _n_networks(n, dtype, sampler, device, scale)
        repeat = 1 if sampler == "dense" else 3
        simulate(net, inputs, 2, sampler=sampler, device=device, dtype=dtype, progress=False)
        t = _timed(
            lambda b=b, s=sampler: simulate(
                net, inputs, b, sampler=s, device=device, dtype=dtype, progress=False
            ),
            device,
            repeat,
        )
        row[f"{sampler}_rate"] = b * DEPTH / t
        if sampler == "gram":
            z = torch.empty(b, K, n, device=device, dtype=dtype)
            t_rng = _timed(
                lambda z=z: [z.normal_(generator=gen) for _ in range(DEPTH)], device, repeat
            )
            row["rng_share"] = t_rng / t
        else:
            w = torch.empty(b, n, n, device=device, dtype=dtype)
            h = torch.randn(b, K, n, device=device, dtype=dtype)

            def raw(w=w, h=h) -> None:
                for _ in range(DEPTH):
                    w.normal_(generator=gen)
                    torch.bmm(h, w)

            row["dense_efficiency"] = _timed(raw, device) / t
    row["ratio"] = row["gram_rate"] / row["dense_rate"]
    return row


def table(rows: list[dict]) -> str:
    """The Markdown table of :func:`measure` rows."""
    lines = [
        "| dtype | n | dense (net·layer/s) | gram (net·layer/s) | gram/dense "
        "| gram time in RNG | dense vs raw randn+bmm |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['dtype']} | {r['n']} | {r['dense_rate']:,.0f} | {r['gram_rate']:,.0f} "
            f"| {r['ratio']:,.0f}× | {r['rng_share']:.0%} | {r['dense_efficiency']:.0%} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m resprop.bench", description=__doc__)
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda")
    parser.add_argument("--quick", action="store_true", help="a quarter of the networks")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch CPU threads (default 1: see the notes)"
    )
    args = parser.parse_args(argv)
    device = resolve_device(args.device)
    if device.type == "cpu":
        torch.set_num_threads(args.threads)
    scale = 0.25 if args.quick else 1.0
    start = time.perf_counter()
    rows = [measure(n, dt, device, scale) for dt in DTYPES for n in WIDTHS]
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor()
    print(
        f"ReLU reduced residual (σ_w² = 2), L = {DEPTH}, k = {K}; torch {torch.__version__} on "
        f"{device} ({where or platform.machine()}, {torch.get_num_threads()} threads)\n"
    )
    print(table(rows))
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
