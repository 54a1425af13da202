"""Claims of a paper, each with the theory, the measurement, its standard error and a verdict.

A chapter records one :class:`Claim` per claim of its paper and writes them to
``build/claims/<chapter>.json``; the book's scorecard page is generated from those files.

The verdict of a quantitative claim is decided by :meth:`Claim.compare`:
``reproduced`` when |measured − theory| ≤ tolerance, where the tolerance is ``n_se`` standard
errors (plus an optional stated model tolerance); ``not reproduced`` otherwise. A claim that the
profile's sizes cannot decide gets ``not decidable at this profile``, never a silent pass.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import _validate

__all__ = ["VERDICTS", "Claim", "load_claims", "write_claims"]

VERDICTS = ("reproduced", "not reproduced", "not decidable at this profile")
PAPERS = {
    "YS17": "Yang & Schoenholz 2017, arXiv:1712.08969",
    "LNR21": "Li, Nica & Roy 2021, arXiv:2106.04013",
    "HY23": "Hayou & Yang 2023, arXiv:2302.00453",
    "FDH23": "Fischer, Dahmen & Helias 2023, arXiv:2305.07715",
    "book": "this book",
}


@dataclass
class Claim:
    """One claim: statement, theory value, measured value ± standard error, tolerance, verdict."""

    id: str
    statement: str
    paper: str
    verdict: str
    theory: float | str | None = None
    measured: float | str | None = None
    se: float | None = None
    tolerance: float | None = None
    figure: str | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError("id: a claim needs a non-empty id")
        if not isinstance(self.statement, str) or not self.statement:
            raise ValueError("statement: a claim needs a statement")
        _validate.choice("paper", self.paper, PAPERS)
        _validate.choice("verdict", self.verdict, VERDICTS)
        if self.se is not None:
            self.se = _validate.real("se", self.se, minimum=0.0)

    @classmethod
    def compare(
        cls,
        id: str,
        statement: str,
        paper: str,
        *,
        theory: float,
        measured: float,
        se: float,
        n_se: float = 4.0,
        model_tolerance: float = 0.0,
        **kw: Any,
    ) -> Claim:
        """A quantitative claim, reproduced iff |measured − theory| ≤ n_se·se + model_tolerance."""
        theory = _validate.real("theory", theory)
        measured = _validate.real("measured", measured)
        se = _validate.real("se", se, minimum=0.0)
        n_se = _validate.positive("n_se", n_se)
        model_tolerance = _validate.real("model_tolerance", model_tolerance, minimum=0.0)
        tolerance = n_se * se + model_tolerance
        verdict = VERDICTS[0] if abs(measured - theory) <= tolerance else VERDICTS[1]
        return cls(id, statement, paper, verdict, theory, measured, se, tolerance, **kw)

    @property
    def z_score(self) -> float | None:
        """(measured − theory)/se for numeric claims with a positive standard error."""
        if isinstance(self.theory, float) and isinstance(self.measured, float) and self.se:
            return (self.measured - self.theory) / self.se
        return None


def _finite_or_none(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def write_claims(
    claims: list[Claim],
    chapter: str,
    *,
    profile: str,
    directory: str | os.PathLike[str] = "build/claims",
) -> Path:
    """Write ``claims`` to ``<directory>/<chapter>.json`` (atomically); ids must be unique."""
    ids = [c.id for c in claims]
    if len(set(ids)) != len(ids):
        raise ValueError(f"claims: duplicate ids in {ids}")
    if not claims:
        raise ValueError("claims: a chapter must record at least one claim")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    records = [{k: _finite_or_none(v) for k, v in asdict(c).items()} for c in claims]
    payload = {"chapter": chapter, "profile": profile, "claims": records}
    path = directory / f"{chapter}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    os.replace(tmp, path)
    return path


def load_claims(directory: str | os.PathLike[str] = "build/claims") -> dict[str, dict[str, Any]]:
    """All claim files in ``directory``, by chapter; raises ``ValueError`` for a missing verdict."""
    out = {}
    for path in sorted(Path(directory).glob("*.json")):
        payload = json.loads(path.read_text())
        for record in payload["claims"]:
            if record.get("verdict") not in VERDICTS:
                raise ValueError(f"verdict: claim {record.get('id')!r} in {path} has none")
        out[payload["chapter"]] = payload
    return out
