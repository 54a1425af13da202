"""The run context of one chapter: its profile sizes, device, seed, figures and claims.

A chapter's first code cell after ``parameters`` is::

    ch = Chapter("02_log_gaussian", profile=profile, device=device, seed=seed)

then ``ch.sizes`` gives the profile's experiment parameters and sizes, ``ch.device`` the resolved
device, ``ch.seed_for("name")`` / ``ch.rng("name")`` a named, reproducible seed stream (so a
chapter never writes ``seed=ch.seed + offset``; a stream's numbers do not move when another
stream is added), ``ch.declare(id, statement, paper=…,
tests=…)`` declares each claim up front, ``ch.save(fig, "name", caption=…)`` writes a figure with
provenance, ``ch.record(id, *checks)`` decides a declared claim from its checks, and
``ch.finish()`` writes ``build/claims/<chapter>.json`` (and fails unless every declared claim
was recorded).

While ``resprop.book execute`` runs a chapter it sets ``RESPROP_STAGING`` to the chapter's
staging directory: figures and claims go there (``figures/<chapter>/``, ``claims/``) and are
moved into place only after every cell ran, so a failing chapter leaves the previous set intact.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure

from . import claims, figures, profiles

__all__ = ["STAGING_ENV", "Chapter", "MarkdownText", "stream_seed"]

STAGING_ENV = "RESPROP_STAGING"  # set by resprop.book.execute_chapter for the kernel


def stream_seed(seed: int, stream: str) -> int:
    """The seed of the stream named ``stream`` under the base ``seed``: the first 8 bytes of
    sha256("<seed>/<stream>"), < 2⁶³.

    Stable across runs, machines and Python versions (no ``hash()``); distinct names give
    independent seeds, so experiments never share random numbers.
    """
    if not isinstance(stream, str) or not stream.strip():
        raise ValueError(f"stream: expected a non-empty name, got {stream!r}")
    digest = hashlib.sha256(f"{seed}/{stream}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


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
        self.declared: dict[str, dict[str, str]] = {}
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

    def seed_for(self, stream: str) -> int:
        """The seed of the named stream, :func:`stream_seed` of the chapter's seed."""
        return stream_seed(self.seed, stream)

    def rng(self, stream: str) -> np.random.Generator:
        """A NumPy generator for the named stream, seeded with ``seed_for(stream)``."""
        return np.random.default_rng(self.seed_for(stream))

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

    def declare(self, id: str, statement: str, *, paper: str, tests: str) -> None:
        """Declare a claim up front: its id, statement, paper and what is tested."""
        claims.Claim(id, statement, paper, tests=tests, checks=[_PROBE])  # validates the fields
        if id in self.declared:
            raise ValueError(f"id: claim {id!r} is declared twice in {self.name}")
        self.declared[id] = {"statement": statement, "paper": paper, "tests": tests}

    def record(
        self,
        claim: str,
        *checks: claims.Check,
        figure: str | os.PathLike[str] | None = None,
        note: str = "",
    ) -> claims.Claim:
        """Decide the declared claim ``claim`` (its id) from ``checks``; returns the Claim.

        Make it the last expression of its cell: the Claim displays as a verdict box.
        """
        if not isinstance(claim, str):
            raise TypeError(f"claim: expected a declared claim id, got {type(claim).__name__}")
        if claim not in self.declared:
            raise ValueError(
                f"id: claim {claim!r} was not declared in {self.name}; declare it first with "
                f"ch.declare({claim!r}, statement, paper=..., tests=...)"
            )
        self._check_new(claim)
        if not checks:
            raise ValueError(f"checks: claim {claim!r} needs at least one Check")
        if isinstance(figure, os.PathLike):  # what ch.save returned
            figure = Path(figure).stem
        recorded = claims.Claim(
            claim, **self.declared[claim], checks=checks, figure=figure, note=note
        )
        self.claims.append(recorded)
        return recorded

    def summary(self) -> MarkdownText:
        """A Markdown table of the claims recorded so far: linked id, verdict, deciding check.

        Make it the last expression of a cell; ``str()`` gives the Markdown source.
        """
        rows = ["| claim | verdict | deciding check | its numbers |", "|---|---|---|---|"]
        for c in self.claims:
            link = f"{{ref}}`{c.id} <{claims.anchor(c.id)}>`"
            rows.append(
                f"| {link} | **{c.verdict}** | {c.decided_by.label} | {c.decided_by.numbers()} |"
            )
        return MarkdownText("\n".join(rows))

    def _check_new(self, id: str) -> None:
        if any(c.id == id for c in self.claims):
            raise ValueError(f"id: claim {id!r} is recorded twice in {self.name}")

    def finish(self) -> Path:
        """Write ``build/claims/<chapter>.json``; every declared claim must have been recorded."""
        recorded = [c.id for c in self.claims]
        missing = [i for i in self.declared if i not in recorded]
        undeclared = [i for i in recorded if i not in self.declared]
        problems = []
        if missing:
            problems.append(f"declared but never recorded: {', '.join(missing)}")
        if undeclared:
            problems.append(f"recorded but not declared: {', '.join(undeclared)}")
        if problems:
            raise ValueError(f"claims: {self.name} " + "; ".join(problems))
        order = {i: k for k, i in enumerate(self.declared)}
        ordered = sorted(self.claims, key=lambda c: order.get(c.id, len(order)))
        path = claims.write_claims(
            ordered,
            self.name,
            profile=self.profile,
            directory=self.claims_dir,
        )
        elapsed = time.perf_counter() - self._start
        print(f"{self.name}: {len(self.claims)} claims written to {path} ({elapsed:.0f} s)")
        return path


class MarkdownText(str):
    """A string that notebooks display as Markdown."""

    def _repr_markdown_(self) -> str:
        return str(self)


_PROBE = claims.Check.outside("probe", reason="validates a declaration")
