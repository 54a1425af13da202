"""Throughput of the samplers: ``python -m resprop.bench [--device D] [--threads T] [--quick]``.

1. Every network family at n ∈ {256, 1024}, float64, L = 64, k = 2 (``--families``): the
   ``gram`` sampler's networks·layers per second against the limit set by the fastest exact
   float64 normal generator of the device, measured in the same run (NumPy's SFC64 ziggurat
   on CPU, torch's Philox ``normal_`` on CUDA): limit = generator rate / (normals per layer and
   network), and gram's share of it, recording every per-layer field (the default) and the
   kernel only (``fields=KERNEL``: ln‖x‖²/n and the correlation, what the dense/gram table
   estimates). One line per family containing "fastest", the dtype and n. On CUDA it also
   prints the generator's write rate as a fraction of the device's memory bandwidth (a
   device-to-device copy measured in the same run).
2. For a He-initialised ReLU reduced residual network, the dense/gram table as before:
   networks·layers per second of both samplers and their ratio; the gram sampler's time share
   in a bare draw of its n·k normals per layer (with the same generator); the dense sampler
   against a bare draw of its n² weights plus a bare ``bmm``.

On CPU the times are this process's CPU time (``time.process_time``, one torch thread), the
best of three runs, so that other work on a shared machine inflates them as little as possible;
on CUDA wall time with synchronisation. It prints Markdown.

``--breakdown`` (CPU) prints instead where the gram sampler's CPU time goes in each family:
drawing the normals, φ, the Gram products, the Cholesky factors, the mix, and the rest.
"""

from __future__ import annotations

import argparse
import math
import platform
import time
from collections.abc import Callable

import numpy as np
import torch

from . import simulate as _sim
from .device import resolve_device
from .networks import (
    BalancedResidual,
    FeedForward,
    FullResidual,
    Network,
    PreActResidual,
    ReducedResidual,
    TwoLayerResidual,
)
from .simulate import simulate

DEPTH = 64
K = 2
WIDTHS = (256, 1024)
DTYPES = (torch.float64, torch.float32)
KERNEL = ("log_sq_norm", "correlation")  # the estimand of the dense/gram table: K^l


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _timed(fn: Callable[[], object], device: torch.device, repeat: int = 1) -> float:
    """Best time of ``repeat`` calls: CPU time of this process on CPU (the least disturbed by
    other work on a shared machine), synchronised wall time on CUDA."""
    clock = time.perf_counter if device.type == "cuda" else time.process_time
    best = math.inf
    for _ in range(repeat):
        _sync(device)
        start = clock()
        fn()
        _sync(device)
        best = min(best, clock() - start)
    return best


def families(n: int) -> dict[str, Network]:
    """One network of every family at width n, depth ``DEPTH``."""
    return {
        "feed-forward tanh": FeedForward(n, DEPTH, activation="tanh", sigma_w2=1.5, sigma_b2=0.1),
        "reduced residual relu": ReducedResidual(n, DEPTH, sigma_w2=2.0),
        "full residual erf": FullResidual(n, DEPTH, activation="erf", sigma_b2=0.1),
        "pre-activation relu, input layer": PreActResidual.hayou_yang(
            n, DEPTH, branch_scale=1.0, input_dim=64
        ),
        "balanced crelu": BalancedResidual(n, DEPTH),
        "balanced random-sign": BalancedResidual(n, DEPTH, variant="random_sign"),
        "two-layer residual relu": TwoLayerResidual(n, DEPTH),
    }


def generator_rate(device: torch.device, dtype: torch.dtype, repeat: int = 3) -> float:
    """Normals per second of the fastest exact generator of ``device`` (as simulate uses it)."""
    size = 2**15 if device.type == "cpu" else 2**26
    if device.type == "cpu":
        gen = np.random.Generator(np.random.SFC64(0))
        buf = np.empty(size, dtype=np.float64 if dtype == torch.float64 else np.float32)
        t = _timed(
            lambda: [gen.standard_normal(out=buf, dtype=buf.dtype) for _ in range(64)],
            device,
            repeat,
        )
        return 64 * size / t
    gen = torch.Generator(device=device).manual_seed(0)
    z = torch.empty(size, device=device, dtype=dtype)
    return 8 * size / _timed(lambda: [z.normal_(generator=gen) for _ in range(8)], device, repeat)


def copy_bandwidth(device: torch.device) -> float:
    """Bytes per second read plus written by a device-to-device copy of 1 GiB."""
    a = torch.empty(2**27, device=device, dtype=torch.float64)
    b = torch.empty_like(a)
    return 2 * 8 * a.numel() * 4 / _timed(lambda: [b.copy_(a) for _ in range(4)], device, 3)


def normals_per_layer(net: Network, k: int = K) -> float:
    """Standard normals the gram sampler draws per layer and network (counted, not assumed)."""
    counts = []
    for depth in (2, 4):
        probe = type(net)(**{**_fields(net), "depth": depth})
        total = [0]
        normal = _sim._Ops.normal

        def counting(self, name, shape, normal=normal, total=total):
            if name != "tangents":
                total[0] += math.prod(shape)
            return normal(self, name, shape)

        _sim._Ops.normal = counting
        try:
            u = np.ones((k, probe.in_features))
            simulate(probe, u, 1, device="cpu", progress=False)
        finally:
            _sim._Ops.normal = normal
        counts.append(total[0])
    return (counts[1] - counts[0]) / 2


def _fields(net: Network) -> dict:
    import dataclasses

    return {f.name: getattr(net, f.name) for f in dataclasses.fields(net) if f.init}


def measure_families(
    n: int, device: torch.device, scale: float, rate: float, dtype: torch.dtype = torch.float64
) -> list[dict]:
    """For each family: gram's rate recording every field and the kernel only (``KERNEL``),
    the generator's limit and the shares of it."""
    rows = []
    for label, net in families(n).items():
        b = _n_networks(n, dtype, "gram", device, scale)
        u = np.random.default_rng(0).standard_normal((K, net.in_features))
        simulate(net, u, 2, device=device, dtype=dtype, progress=False)
        per = normals_per_layer(net)
        limit = rate / per
        row = {"family": label, "n": n, "dtype": str(dtype).removeprefix("torch.")}
        row.update(limit=limit, normals=per)
        for key, fields in (("", _sim.PER_LAYER_FIELDS), ("kernel_", KERNEL)):
            t = _timed(
                lambda net=net, u=u, b=b, fields=fields: simulate(
                    net, u, b, device=device, dtype=dtype, fields=fields, progress=False
                ),
                device,
                3,
            )
            row[f"{key}gram_rate"] = b * DEPTH / t
            row[f"{key}share"] = row[f"{key}gram_rate"] / limit
        rows.append(row)
    return rows


# the parts of the gram sampler's per-layer work that :func:`breakdown` times
_PARTS = {
    "normals": (_sim._Ops, "normal"),
    "phi": (_sim._Ops, "_phi"),
    "gram": (_sim._Ops, "_gram"),
    "cholesky": (_sim, "_psd_cholesky"),
    "mix": (_sim, "_mix"),
}


def breakdown(n: int, scale: float = 1.0) -> list[dict]:
    """For each family on CPU: the fraction of ``simulate``'s CPU time spent drawing normals,
    in φ, in the Gram products, the Cholesky factors and the mix (the rest: the recorders,
    bookkeeping and Python), best of three runs. The parts are timed by wrapping them, which
    adds about a microsecond per call."""
    cpu = torch.device("cpu")
    spent: dict[str, float] = {}

    def timed(part: str, fn: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[part] = spent.get(part, 0.0) + time.process_time() - start

        return wrapper

    saved = {part: getattr(owner, name) for part, (owner, name) in _PARTS.items()}
    rows = []
    try:
        for part, (owner, name) in _PARTS.items():
            setattr(owner, name, timed(part, saved[part]))
        for label, net in families(n).items():
            b = _n_networks(n, torch.float64, "gram", cpu, scale)
            u = np.random.default_rng(0).standard_normal((K, net.in_features))
            simulate(net, u, 2, device=cpu, progress=False)
            best: tuple[float, dict] = (math.inf, {})
            for _ in range(3):
                spent.clear()
                start = time.process_time()
                simulate(net, u, b, device=cpu, progress=False)
                total = time.process_time() - start
                if total < best[0]:
                    best = (total, dict(spent))
            total, parts = best
            row = {"family": label, "n": n, "gram_rate": b * DEPTH / total}
            row.update({part: parts.get(part, 0.0) / total for part in _PARTS})
            row["other"] = 1.0 - sum(row[part] for part in _PARTS)
            rows.append(row)
    finally:
        for part, (owner, name) in _PARTS.items():
            setattr(owner, name, saved[part])
    return rows


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
            if device.type == "cpu":  # the generator simulate uses: SFC64 into the buffer
                npgen, arr = np.random.Generator(np.random.SFC64(0)), z.numpy()

                def draw(arr=arr, npgen=npgen) -> None:
                    for _ in range(DEPTH):
                        npgen.standard_normal(out=arr, dtype=arr.dtype)

            else:

                def draw(z=z) -> None:
                    for _ in range(DEPTH):
                        z.normal_(generator=gen)

            row["rng_share"] = _timed(draw, device, repeat) / t
        else:
            w = torch.empty(b, n, n, device=device, dtype=dtype)
            h = torch.randn(b, K, n, device=device, dtype=dtype)

            npgen = np.random.Generator(np.random.SFC64(0))

            def raw(w=w, h=h, npgen=npgen) -> None:
                for _ in range(DEPTH):
                    if device.type == "cpu":
                        npgen.standard_normal(out=w.numpy(), dtype=w.numpy().dtype)
                    else:
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


def breakdown_table(rows: list[dict]) -> str:
    """The Markdown table of :func:`breakdown` rows."""
    lines = [
        "| family | n | gram (net·layer/s) | " + " | ".join(_PARTS) + " | other |",
        "|---|---:|---:|" + "---:|" * (len(_PARTS) + 1),
    ]
    for r in rows:
        parts = " | ".join(f"{r[p]:.0%}" for p in (*_PARTS, "other"))
        lines.append(f"| {r['family']} | {r['n']} | {r['gram_rate']:,.0f} | {parts} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m resprop.bench", description=__doc__)
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda")
    parser.add_argument("--quick", action="store_true", help="a quarter of the networks")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch CPU threads (default 1: see the notes)"
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="CPU only: where the gram sampler's time goes, per family, then stop",
    )
    args = parser.parse_args(argv)
    device = resolve_device(args.device)
    if device.type == "cpu":
        torch.set_num_threads(args.threads)
    scale = 0.25 if args.quick else 1.0
    if args.breakdown:
        if device.type != "cpu":
            raise ValueError("--breakdown: times the CPU sampler only; use --device cpu")
        print(breakdown_table([r for n in WIDTHS for r in breakdown(n, scale)]))
        return
    start = time.perf_counter()
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor()
    print(
        f"torch {torch.__version__} on {device} ({where or platform.machine()}, "
        f"{torch.get_num_threads()} threads); L = {DEPTH}, k = {K}\n"
    )
    gen_name = "NumPy SFC64 ziggurat" if device.type == "cpu" else "torch Philox normal_"
    rate = generator_rate(device, torch.float64)
    print(f"fastest exact float64 normal generator ({gen_name}): {rate / 1e6:.0f} M normals/s")
    if device.type == "cuda":
        bw = copy_bandwidth(device)
        print(
            f"memory bandwidth (device copy): {bw / 1e9:.0f} GB/s; the generator writes "
            f"{8 * rate / 1e9:.0f} GB/s = {8 * rate / bw:.0%} of it"
        )
    print()
    for n in WIDTHS:
        for r in measure_families(n, device, scale, rate):
            extra = ""
            if device.type == "cuda":
                extra = f"; {8 * r['normals'] * r['gram_rate'] / bw:.0%} of memory bandwidth"
            print(
                f"fastest {r['dtype']} n={r['n']} {r['family']}: fastest generator's limit "
                f"{r['limit']:,.0f} net·layer/s ({r['normals']:,.0f} normals per layer); gram "
                f"{r['gram_rate']:,.0f} recording every field: {r['share']:.0%}{extra}; "
                f"{r['kernel_gram_rate']:,.0f} the kernel only: {r['kernel_share']:.0%}"
            )
    print("\nReLU reduced residual (σ_w² = 2): dense and gram\n")
    rows = [measure(n, dt, device, scale) for dt in DTYPES for n in WIDTHS]
    print(table(rows))
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
