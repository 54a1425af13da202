"""The run context of one chapter: its profile sizes, device, seed, figures and claims.

A chapter's first code cell after ``parameters`` is::

    ch = Chapter("02_log_gaussian", profile=profile, device=device, seed=seed)

then ``ch.sizes`` gives the profile's experiment sizes, ``ch.save(fig, "name")`` writes a figure
with provenance, ``ch.record(claim)`` collects a claim, and ``ch.finish()`` writes
``build/claims/<chapter>.json``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import torch
from matplotlib.figure import Figure

from . import claims, figures, profiles

__all__ = ["Chapter"]


class Chapter:
    """Profile, device, seed, figure output and claim records of one executed chapter."""

    def __init__(
        self,
        name: str,
        *,
        profile: str = "quick",
        device: str = "auto",
        seed: int = 0,
        root: str | os.PathLike[str] = ".",
    ) -> None:
        self.name = name
        self.profile = profile
        self.sizes = profiles.sizes(name, profile)
        self.device: torch.device = profiles.resolve_device(device)
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"seed: expected an integer ≥ 0, got {seed!r}")
        self.seed = seed
        self.root = Path(root)
        self.claims: list[claims.Claim] = []
        self._start = time.perf_counter()
        figures.use_style()

    @property
    def provenance(self) -> dict[str, Any]:
        """What made a figure: chapter, profile, device, seed."""
        device = str(self.device)
        if self.device.type == "cuda":
            device += f" ({torch.cuda.get_device_name(self.device)})"
        return {"chapter": self.name, "profile": self.profile, "device": device, "seed": self.seed}

    def describe(self) -> str:
        """One line saying how this chapter was run, for the reader."""
        scale = "CPU-sized, not paper-scale" if self.profile == "quick" else "GPU-sized"
        p = self.provenance
        return f"Profile {self.profile!r} ({scale}) on {p['device']}, seed {self.seed}."

    def save(self, fig: Figure, name: str) -> Path:
        """Save ``fig`` as ``figures/<chapter>/<name>.{png,pdf}`` with provenance."""
        return figures.save(
            fig, name, chapter=self.name, provenance=self.provenance, root=self.root
        )

    def record(self, claim: claims.Claim) -> claims.Claim:
        """Collect ``claim`` for the chapter's claim file and return it."""
        self.claims.append(claim)
        return claim

    def finish(self) -> Path:
        """Write ``build/claims/<chapter>.json`` and report the chapter's run time."""
        path = claims.write_claims(
            self.claims,
            self.name,
            profile=self.profile,
            directory=self.root / "build" / "claims",
        )
        elapsed = time.perf_counter() - self._start
        print(f"{self.name}: {len(self.claims)} claims written to {path} ({elapsed:.0f} s)")
        return path
