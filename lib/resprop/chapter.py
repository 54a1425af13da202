"""The run context of one chapter: its profile sizes, device, seed, figures and claims.

A chapter's first code cell after ``parameters`` is::

    ch = Chapter("02_log_gaussian", profile=profile, device=device, seed=seed)

then ``ch.sizes`` gives the profile's experiment sizes, ``ch.save(fig, "name", caption=...)``
writes a captioned figure with provenance, ``ch.record(claim)`` collects a claim, and
``ch.finish()`` writes ``build/claims/<chapter>.json``.

While ``resprop.book execute`` runs a chapter it sets ``RESPROP_STAGING`` to the chapter's
staging directory: figures and claims go there (``figures/<chapter>/``, ``claims/``) and are
moved into place only after every cell ran, so a failing chapter leaves the previous set intact.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import torch
from matplotlib.figure import Figure

from . import claims, figures, profiles

__all__ = ["STAGING_ENV", "Chapter"]

STAGING_ENV = "RESPROP_STAGING"  # set by resprop.book.execute_chapter for the kernel


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
        staging = os.environ.get(STAGING_ENV)
        self.output_root = Path(staging) if staging else self.root  # figures/<chapter>/ below
        self.claims_dir = Path(staging, "claims") if staging else self.root / "build" / "claims"
        self._commit = figures.git_commit(self.root)
        if staging:
            self._stage("provenance.json", json.dumps(self.provenance, indent=2) + "\n")
        self.claims: list[claims.Claim] = []
        self._start = time.perf_counter()
        figures.use_style()

    @property
    def provenance(self) -> dict[str, Any]:
        """What made a figure: chapter, profile, device, seed."""
        device = str(self.device)
        if self.device.type == "cuda":
            device += f" ({torch.cuda.get_device_name(self.device)})"
        return {
            "chapter": self.name,
            "commit": self._commit,
            "profile": self.profile,
            "device": device,
            "seed": self.seed,
        }

    def describe(self) -> str:
        """One line saying how this chapter was run, for the reader."""
        scale = "CPU-sized, not paper-scale" if self.profile == "quick" else "GPU-sized"
        p = self.provenance
        return f"Profile {self.profile!r} ({scale}) on {p['device']}, seed {self.seed}."

    def save(
        self, fig: Figure, name: str, *, caption: str, alt: str | None = None
    ) -> figures.SavedFigure:
        """Save ``fig`` as ``figures/<chapter>/<name>.{png,pdf,json}``; display it captioned.

        The result's notebook display is the numbered figure ``fig-<chapter>-<name>``; make the
        call the cell's last expression. The matplotlib figure is closed.
        """
        return figures.save(
            fig,
            name,
            chapter=self.name,
            caption=caption,
            alt=alt,
            provenance=self.provenance,
            root=self.output_root,
        )

    def _stage(self, filename: str, text: str) -> None:
        """Write a file into the staging directory (atomically, mode 0644)."""
        target = self.output_root / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}{figures.TMP_SUFFIX}")
        tmp.write_text(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)

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
            directory=self.claims_dir,
        )
        elapsed = time.perf_counter() - self._start
        print(f"{self.name}: {len(self.claims)} claims written to {path} ({elapsed:.0f} s)")
        return path
