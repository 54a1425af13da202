"""Sweeps of (width, depth, seed, …) cells on Dask: ``python -m resprop.sweep demo --workers 2``.

A sweep is a list of cells, each a JSON-able dict of parameters, and a function
``fn(cell, seed) -> {name: array}`` importable by the workers (defined in a module, not in a
notebook). Every cell is seeded from (sweep seed, the cell's own content), never from its
position or from the worker that runs it, and runs with one torch thread; the merged result is
therefore bit-identical to a one-process run whatever the number of workers or the order in
which cells complete.

* ``workers=0``: one process, no Dask at all.
* ``workers=N`` (default 2): an embedded ``distributed.LocalCluster`` of N single-threaded
  worker processes, started and closed by :func:`run_sweep`, without Dask's statistical
  profiler and GIL monitor (they take CPU from the cells).
* ``address="tcp://host:8786"``: an existing Dask scheduler (a real cluster; e.g. one started
  with ``dask scheduler`` / ``dask worker``, or by ``dask-jobqueue`` on SLURM/PBS). The workers
  need this library importable (same ``PYTHONPATH`` or an installed package).

Results merge into one ``.npz`` file (:meth:`Sweep.save`): the arrays under ``"<cell>/<name>"``
(cell index in the sweep's order) plus a JSON metadata string (seed, where, wall and start-up
seconds, each cell's CPU seconds); it loads with ``allow_pickle=False``. Chapter 00's width
scan is such a sweep (in-process in the quick profile, 4 local workers in the full one).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from . import _validate

__all__ = ["Sweep", "cell_seed", "run_sweep", "simulate_cell"]

CellFn = Callable[[dict, int], Mapping[str, Any]]
_META = "__meta__"
_QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
}


def cell_seed(seed: int, cell: Mapping[str, Any]) -> int:
    """The seed of one cell: SeedSequence(seed, SHA-256 of the cell's canonical JSON).

    It depends on the cell's content only, so it is the same in every process and order."""
    digest = hashlib.sha256(_canonical(cell).encode()).digest()
    words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
    return int(np.random.SeedSequence([seed, *words]).generate_state(1, np.uint32)[0])


def _canonical(cell: Mapping[str, Any]) -> str:
    try:
        return json.dumps(cell, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"cells: every cell must be a JSON-able dict ({err})") from err


def _run_cell(fn: CellFn, cell: dict, seed: int) -> tuple[dict[str, np.ndarray], float]:
    """One cell with one torch thread (the same arithmetic in every process), and the CPU
    seconds of the thread that ran it (the cell's own work, not the worker's other threads)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    cpu = time.thread_time()
    try:
        out = fn(cell, cell_seed(seed, cell))
    finally:
        torch.set_num_threads(threads)
    cpu = time.thread_time() - cpu
    if not isinstance(out, Mapping):
        raise TypeError(f"fn: must return a dict of arrays, got {type(out).__name__}")
    return {str(name): np.asarray(value) for name, value in out.items()}, cpu


@dataclass
class Sweep:
    """The merged results: ``results[i][name]`` for cell ``cells[i]``, plus metadata."""

    cells: list[dict]
    results: list[dict[str, np.ndarray]]
    meta: dict = field(default_factory=dict)

    def stack(self, name: str) -> np.ndarray:
        """``name`` of every cell stacked on a leading cell axis (equal shapes needed)."""
        return np.stack([r[name] for r in self.results])

    def identical(self, other: Sweep) -> bool:
        """Bit-for-bit equality of cells and every result array."""
        if self.cells != other.cells or len(self.results) != len(other.results):
            return False
        for a, b in zip(self.results, other.results, strict=True):
            if a.keys() != b.keys():
                return False
            for name in a:
                x, y = a[name], b[name]
                if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
                    return False
        return True

    def save(self, path: str | Path) -> Path:
        """Write ``path`` (.npz; folders made as needed): arrays ``"<i>/<name>"`` and the JSON
        metadata, atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {f"{i}/{k}": v for i, r in enumerate(self.results) for k, v in r.items()}
        meta = json.dumps({**self.meta, "cells": self.cells}, sort_keys=True)
        tmp = path.with_name(f".{path.name}.tmp.npz")
        np.savez(tmp, **arrays, **{_META: np.array(meta)})
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Sweep:
        """Read a file written by :meth:`save` (no pickle)."""
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data[_META]))
            cells = meta.pop("cells")
            results: list[dict[str, np.ndarray]] = [{} for _ in cells]
            for key in data.files:
                if key != _META:
                    i, name = key.split("/", 1)
                    results[int(i)][name] = data[key]
        return cls(cells, results, meta)


def run_sweep(
    fn: CellFn,
    cells: Sequence[Mapping[str, Any]],
    *,
    seed: int = 0,
    workers: int = 2,
    address: str | None = None,
    progress: bool | None = None,
) -> Sweep:
    """Run ``fn(cell, cell_seed(seed, cell))`` for every cell and merge in the cells' order.

    ``workers=0`` runs in this process; ``workers=N`` on an embedded LocalCluster of N
    single-threaded processes; ``address`` connects to an existing scheduler instead (then
    ``workers`` is ignored). ``progress``: a tqdm bar on a terminal only (None: after 2 s).
    """
    if not callable(fn):
        raise TypeError(f"fn: expected a function fn(cell, seed), got {type(fn).__name__}")
    cells = [dict(c) if isinstance(c, Mapping) else c for c in cells]
    if not cells or not all(isinstance(c, dict) for c in cells):
        raise ValueError("cells: expected a non-empty sequence of dicts")
    keys = [_canonical(c) for c in cells]
    if len(set(keys)) != len(keys):
        raise ValueError("cells: two cells are equal (they would get the same seed)")
    seed = _validate.integer("seed", seed, minimum=0)
    workers = _validate.integer("workers", workers, minimum=0)
    if address is not None and not isinstance(address, str):
        raise ValueError(f"address: expected a scheduler address string, got {address!r}")
    from .simulate import _on_terminal

    bar = tqdm(
        total=len(cells),
        unit="cell",
        delay=0.0 if progress else 2.0,
        disable=progress is False or not _on_terminal(),
        desc="sweep",
    )
    start = time.perf_counter()
    done: list[tuple[dict[str, np.ndarray], float] | None] = [None] * len(cells)
    timing = {"startup_s": 0.0, "start": start}
    with bar:
        if address is None and workers == 0:
            for i, cell in enumerate(cells):
                done[i] = _run_cell(fn, cell, seed)
                bar.update()
            where = "one process"
        else:
            where = _run_distributed(fn, cells, seed, workers, address, done, bar, timing)
    results = [r for r, _ in done]  # type: ignore[misc]
    meta = {
        "seed": seed,
        "where": where,
        "wall_s": time.perf_counter() - timing["start"],
        "startup_s": timing["startup_s"],
        "cell_cpu_s": [cpu for _, cpu in done],  # type: ignore[misc]
        "function": f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', '?')}",
    }
    return Sweep(cells, results, meta)


def _run_distributed(
    fn: CellFn,
    cells: list[dict],
    seed: int,
    workers: int,
    address: str | None,
    done: list,
    bar: tqdm,
    timing: dict,
) -> str:
    import dask
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if address is None:
        # no statistical profiler (a stack sample every 10 ms) and no GIL monitor (every 1 ms)
        # in the embedded workers: both take CPU from the cells
        with dask.config.set(_QUIET_WORKERS):
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            )
    client = Client(cluster if cluster is not None else address)
    try:
        client.run(_warm_up)  # import torch and the library on every worker before timing
        now = time.perf_counter()
        timing["startup_s"], timing["start"] = now - timing["start"], now
        futures = {
            client.submit(_run_cell, fn, cell, seed, key=f"cell-{i}-{_digest(cell)}", pure=False): i
            for i, cell in enumerate(cells)
        }
        for future in as_completed(futures):
            done[futures[future]] = future.result()
            bar.update()
        n = len(client.scheduler_info().get("workers", {}))
        where = f"LocalCluster({workers} workers)" if cluster else f"{address} ({n} workers)"
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return where


def _warm_up() -> None:
    from . import networks, simulate  # noqa: F401


def _digest(cell: Mapping[str, Any]) -> str:
    return hashlib.sha256(_canonical(cell).encode()).hexdigest()[:12]


# ---------------------------------------------------------------------------------------------
# a ready-made cell: one simulate() call, summarised per layer


def simulate_cell(cell: dict, seed: int) -> dict[str, np.ndarray]:
    """One :func:`resprop.simulate.simulate` run, summarised as mean and SE per layer.

    ``cell``: ``family`` (a class name of :mod:`resprop.networks`), ``width``, ``depth``,
    ``n_networks``, optional ``params`` (the family's keyword arguments), ``inputs`` (a (k, d)
    nested list; default k = ``k`` rows, 2 unless given, drawn N(0, I) from ``input_seed``,
    default 0), ``n_tangents`` (0), ``sampler`` ("gram"), ``device`` ("cpu"; the same device
    gives the same bits), ``fields`` (default ``["log_sq_norm", "correlation"]``) and
    ``per_network`` (default none); only the per-layer fields named there are recorded
    (``simulate(fields=…)``). Returns ``<field>_mean`` and ``<field>_sem`` (over
    networks) for each of ``fields``, and the whole (B, L+1, …) array ``<field>`` of each of
    ``per_network`` (for estimators other than the mean).
    """
    from . import networks
    from .simulate import PER_LAYER_FIELDS, simulate

    family = getattr(networks, str(cell.get("family", "ReducedResidual")), None)
    if not (isinstance(family, type) and issubclass(family, networks.Network)):
        raise ValueError(f"family: not a network family: {cell.get('family')!r}")
    net = family(cell["width"], cell["depth"], **cell.get("params", {}))
    if "inputs" in cell:
        u = np.asarray(cell["inputs"], dtype=np.float64)
    else:
        shape = (int(cell.get("k", 2)), net.in_features)
        u = np.random.default_rng(int(cell.get("input_seed", 0))).standard_normal(shape)
    fields = list(cell.get("fields", ["log_sq_norm", "correlation"]))
    per_network = list(cell.get("per_network", []))
    rec = simulate(
        net,
        u,
        int(cell["n_networks"]),
        sampler=cell.get("sampler", "gram"),
        device=cell.get("device", "cpu"),
        seed=seed,
        n_tangents=int(cell.get("n_tangents", 0)),
        fields=[f for f in fields + per_network if f in PER_LAYER_FIELDS],
        progress=False,
    )
    out = {}
    for name in fields:
        out[f"{name}_mean"], out[f"{name}_sem"] = rec.mean(name), rec.sem(name)
    for name in per_network:
        out[name] = getattr(rec, name)
    return out


DEMO_SCALE = 2.0  # the demo's networks per cell, relative to 2^26 width·depth·networks


def demo_cells(scale: float = DEMO_SCALE) -> list[dict]:
    """The demo sweep: ReLU ResNets at 2 widths × 3 depths × 2 seeds (`replica`), each cell
    with width·depth·networks ≈ 2^26·scale (about 2.6 s of one idle core at the default 2),
    so that the work of a cell, not the cluster's start-up and per-task overhead, sets the
    time."""
    return [
        {
            "family": "ReducedResidual",
            "width": n,
            "depth": L,
            "n_networks": max(2, int(scale * 2**26 / (n * L))),
            "params": {"sigma_w2": 2.0},
            "replica": r,
        }
        for n in (128, 512)
        for L in (16, 64, 128)
        for r in range(2)
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m resprop.sweep", description=__doc__)
    parser.add_argument("command", choices=["demo"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--address", default=None, help="a Dask scheduler (default: embedded)")
    parser.add_argument(
        "--scale", type=float, default=DEMO_SCALE, help="networks per cell, relative"
    )
    parser.add_argument("--out", default=None, help="save the merged result (.npz) here")
    args = parser.parse_args(argv)
    cells = demo_cells(args.scale)
    load = os.getloadavg()[0]
    one = run_sweep(simulate_cell, cells, seed=0, workers=0)
    many = run_sweep(simulate_cell, cells, seed=0, workers=args.workers, address=args.address)
    t1, tn, t0 = one.meta["wall_s"], many.meta["wall_s"], many.meta["startup_s"]
    cpu1, cpun = sum(one.meta["cell_cpu_s"]), sum(many.meta["cell_cpu_s"])
    print(
        f"{len(cells)} cells on {os.cpu_count()} cores (load average {load:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after: other work shares them)"
    )
    print(
        f"one process: {t1:.1f} s wall, {cpu1:.1f} s CPU in the cells "
        f"({cpu1 / len(cells):.2f} s per cell; {cpu1 / t1:.2f} cores obtained)"
    )
    print(
        f"{many.meta['where']}: {tn:.1f} s wall, {cpun:.1f} s CPU in the cells "
        f"({cpun / len(cells):.2f} s per cell; {cpun / tn:.2f} cores obtained); "
        f"cluster start-up and imports {t0:.1f} s"
    )
    print(f"identical: {one.identical(many)}")
    print(f"speedup without the start-up: {t1 / tn:.2f}×")
    print(f"speedup with the start-up: {t1 / (tn + t0):.2f}×")
    if args.out:
        print(f"saved {many.save(args.out)}")


if __name__ == "__main__":
    main()
