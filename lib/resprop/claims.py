"""Claims of a paper, each decided by one or more checks with a named alternative.

A chapter declares its claims up front and records each from its checks::

    ch.declare("LNR21-1", "The log-norm is Gaussian ...", paper="LNR21", tests="moments of ...")
    ch.record("LNR21-1", Check.compare("mean/β", theory=mu, measured=m, se=m_se,
                                       alternative=mu_gauss, alternative_label="Gaussian limit"))
    ch.finish()   # writes build/claims/<chapter>.json (format version 2)

**The verdict rule** of :meth:`Check.compare`, with tolerance Δ = n_se·se + model_tolerance:

* |alternative − theory| ≤ Δ: ``not decidable at this profile`` (the test could not reject the
  alternative, so it has no power; ``needs`` says what standard error would decide it);
* else |measured − theory| ≤ Δ: ``reproduced``;
* else ``not reproduced``.

A claim's verdict follows from its checks: any ``not reproduced`` → ``not reproduced``; else any
``not decidable at this profile`` → that; else if every check is ``outside the reconstruction``
→ that; else ``reproduced``. :attr:`Claim.decided_by` is the check that set it.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from . import _validate

__all__ = [
    "FORMAT_VERSION",
    "PAPERS",
    "VERDICTS",
    "Check",
    "Claim",
    "anchor",
    "verdict_class",
    "load_claims",
    "write_claims",
]

FORMAT_VERSION = 2
REPRODUCED = "reproduced"
NOT_REPRODUCED = "not reproduced"
NOT_DECIDABLE = "not decidable at this profile"
OUTSIDE = "outside the reconstruction"
VERDICTS = (REPRODUCED, NOT_REPRODUCED, NOT_DECIDABLE, OUTSIDE)
PAPERS = {
    "YS17": "Yang & Schoenholz 2017, arXiv:1712.08969",
    "LNR21": "Li, Nica & Roy 2021, arXiv:2106.04013",
    "HY23": "Hayou & Yang 2023, arXiv:2302.00453",
    "FDH23": "Fischer, Dahmen & Helias 2023, arXiv:2305.07715",
    "book": "this book",
}

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
_NUMBERS = ("theory", "measured", "se", "n_se", "tolerance", "alternative")


def anchor(claim_id: str) -> str:
    """The MyST target of a claim: ``claim-<id lowercased>`` (what the scorecard links to)."""
    return f"claim-{claim_id.lower()}"


def _text(name: str, value: Any, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise ValueError(f"{name}: expected a non-empty string, got {value!r}")
    return value


def _number(name: str, value: Any, *, minimum: float | None = None) -> float | None:
    if value is None:
        return None
    return _validate.real(name, value, minimum=minimum)


def _fmt(value: float | None, digits: int = 4) -> str:
    return "–" if value is None else f"{value:.{digits}g}".replace("-", "−")


def plain_stem(name: str, value: Any) -> str:
    """``value`` if it is a plain file stem (letters, digits, ``_``, ``-``; no path parts)."""
    if not isinstance(value, str) or not _STEM.match(value):
        raise ValueError(
            f"{name}: expected a plain file name (letters, digits, '_', '-'), got {value!r}"
        )
    return value


@dataclass(frozen=True)
class Check:
    """One comparison behind a claim: its numbers, the tolerance applied, and its verdict.

    Build it with :meth:`compare`, :meth:`undecidable` or :meth:`outside`; constructing it
    directly (or loading it from JSON) re-validates that the verdict follows from the numbers.
    """

    label: str
    verdict: str
    theory: float | None = None
    measured: float | None = None
    se: float | None = None
    n_se: float | None = None
    tolerance: float | None = None
    alternative: float | None = None
    alternative_label: str = ""
    needs: str = ""
    reason: str = ""

    def __post_init__(self) -> None:
        _text("label", self.label)
        _validate.choice("verdict", self.verdict, VERDICTS)
        for name in _NUMBERS:
            minimum = 0.0 if name in ("se", "n_se", "tolerance") else None
            object.__setattr__(self, name, _number(name, getattr(self, name), minimum=minimum))
        for name in ("alternative_label", "needs", "reason"):
            _text(name, getattr(self, name), empty=True)
        if (self.alternative is None) != (not self.alternative_label.strip()):
            raise ValueError(
                f"alternative_label: check {self.label!r} needs both an alternative value and "
                f"its label, got alternative={self.alternative!r}, "
                f"alternative_label={self.alternative_label!r}"
            )
        if self.verdict in (REPRODUCED, NOT_REPRODUCED):
            required = ("theory", "measured", "tolerance", "alternative")
            missing = [n for n in required if getattr(self, n) is None]
            if missing:
                raise ValueError(
                    f"{missing[0]}: check {self.label!r} with verdict {self.verdict!r} needs "
                    f"theory, measured, tolerance and a named alternative"
                )
            expected = _rule(self.theory, self.measured, self.tolerance, self.alternative)
            if expected != self.verdict:
                raise ValueError(
                    f"verdict: check {self.label!r} says {self.verdict!r} but its numbers give "
                    f"{expected!r} (|measured − theory| = {abs(self.measured - self.theory):.4g}, "
                    f"|alternative − theory| = {abs(self.alternative - self.theory):.4g}, "
                    f"tolerance {self.tolerance:.4g})"
                )
        elif self.verdict == NOT_DECIDABLE:
            _text("needs", self.needs)
        else:
            _text("reason", self.reason)

    # ---- constructors ------------------------------------------------------------------

    @classmethod
    def compare(
        cls,
        label: str,
        *,
        theory: float,
        measured: float,
        se: float,
        alternative: float,
        alternative_label: str,
        n_se: float = 4.0,
        model_tolerance: float = 0.0,
        needs: str = "",
    ) -> Check:
        """Compare ``measured`` with ``theory`` within Δ = n_se·se + model_tolerance.

        ``not decidable at this profile`` if |alternative − theory| ≤ Δ (``needs`` is then
        filled with the standard error that would decide it, unless given); else ``reproduced``
        iff |measured − theory| ≤ Δ; else ``not reproduced``.
        """
        theory = _validate.real("theory", theory)
        measured = _validate.real("measured", measured)
        se = _validate.real("se", se, minimum=0.0)
        alternative = _validate.real("alternative", alternative)
        _text("alternative_label", alternative_label)
        n_se = _validate.positive("n_se", n_se)
        model_tolerance = _validate.real("model_tolerance", model_tolerance, minimum=0.0)
        _text("needs", needs, empty=True)
        tolerance = n_se * se + model_tolerance
        if not math.isfinite(tolerance):
            raise ValueError(f"se: n_se·se + model_tolerance overflows ({n_se!r}·{se!r})")
        verdict = _rule(theory, measured, tolerance, alternative)
        if verdict == NOT_DECIDABLE and not needs.strip():
            gap = abs(alternative - theory)
            if gap > model_tolerance:
                needs = (
                    f"SE < {(gap - model_tolerance) / n_se:.2g} (now {se:.2g}) to tell theory "
                    f"from the {alternative_label} ({gap:.3g} apart) at {n_se:g} SE"
                )
            else:
                needs = (
                    f"a model tolerance below {gap:.3g}, the distance between theory and the "
                    f"{alternative_label} (now {model_tolerance:.3g})"
                )
        return cls(
            label,
            verdict,
            theory=theory,
            measured=measured,
            se=se,
            n_se=n_se,
            tolerance=tolerance,
            alternative=alternative,
            alternative_label=alternative_label,
            needs=needs if verdict == NOT_DECIDABLE else "",
        )

    @classmethod
    def undecidable(cls, label: str, *, needs: str, **numbers: Any) -> Check:
        """A check the design cannot decide at this profile; ``needs`` says what size would.

        ``numbers`` may give ``theory``, ``measured``, ``se``, ``n_se``, ``tolerance``,
        ``alternative`` and ``alternative_label`` for the record.
        """
        allowed = (*_NUMBERS, "alternative_label")
        for key in numbers:
            if key not in allowed:
                raise TypeError(f"{key}: not a field of a check; allowed: {allowed}")
        return cls(label, NOT_DECIDABLE, needs=_text("needs", needs), **numbers)

    @classmethod
    def outside(cls, label: str, *, reason: str) -> Check:
        """A check our reconstruction cannot address; ``reason`` says why."""
        return cls(label, OUTSIDE, reason=_text("reason", reason))

    # ---- views -------------------------------------------------------------------------

    @property
    def z_score(self) -> float | None:
        """(measured − theory)/se, when both numbers and a positive SE are present."""
        if self.theory is None or self.measured is None or not self.se:
            return None
        return (self.measured - self.theory) / self.se

    def numbers(self) -> str:
        """The check's numbers in one short line: theory, measured ± SE, tolerance, alternative."""
        if self.verdict == OUTSIDE:
            return self.reason
        parts = []
        if self.theory is not None:
            parts.append(f"theory {_fmt(self.theory)}")
        if self.measured is not None:
            se = f" ± {_fmt(self.se, 2)}" if self.se is not None else ""
            parts.append(f"measured {_fmt(self.measured)}{se}")
        if self.tolerance is not None:
            parts.append(f"tolerance {_fmt(self.tolerance, 3)}")
        if self.alternative is not None:
            parts.append(f"alternative: {self.alternative_label} = {_fmt(self.alternative)}")
        text = "; ".join(parts)
        if self.verdict == NOT_DECIDABLE:
            text += ("; " if text else "") + f"needs {self.needs}"
        elif self.reason:
            text += f" ({self.reason})"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The JSON record (format version 2)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Check:
        """A check from its JSON record, re-validated."""
        if not isinstance(record, dict):
            raise ValueError(f"checks: expected a JSON object per check, got {record!r}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(record) - known)
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown field of a check")
        if "label" not in record or "verdict" not in record:
            raise ValueError(f"verdict: a check needs a label and a verdict, got {record!r}")
        return cls(**record)


def _rule(theory: float, measured: float, tolerance: float, alternative: float) -> str:
    """The verdict rule: no power → not decidable; within tolerance → reproduced."""
    if abs(alternative - theory) <= tolerance:
        return NOT_DECIDABLE
    if abs(measured - theory) <= tolerance:
        return REPRODUCED
    return NOT_REPRODUCED


def _closeness(check: Check) -> float:
    """|measured − theory|/tolerance (∞ for a zero tolerance with a nonzero gap)."""
    if check.theory is None or check.measured is None or check.tolerance is None:
        return -1.0
    gap = abs(check.measured - check.theory)
    if check.tolerance == 0:
        return 0.0 if gap == 0 else math.inf
    return gap / check.tolerance


class Claim:
    """A declared claim with the checks that decide it.

    ``verdict`` and ``decided_by`` are derived from ``checks``: the first check with the
    claim's verdict, except for ``reproduced`` where it is the check closest to its tolerance.
    """

    def __init__(
        self,
        id: str,
        statement: str,
        paper: str,
        *,
        tests: str,
        checks: tuple[Check, ...] | list[Check] = (),
        figure: str | None = None,
        note: str = "",
    ) -> None:
        if not isinstance(id, str) or not _ID.match(id):
            raise ValueError(
                f"id: a claim id must be 1–64 letters, digits, '_' or '-' (starting with a "
                f"letter or digit) so that it can be an anchor, got {id!r}"
            )
        self.id = id
        self.statement = _text("statement", statement)
        self.paper = _validate.choice("paper", paper, PAPERS)
        self.tests = _text("tests", tests)
        checks = tuple(checks)
        if not checks:
            raise ValueError(f"checks: claim {id!r} needs at least one check")
        for c in checks:
            if not isinstance(c, Check):
                raise TypeError(f"checks: expected Check objects, got {type(c).__name__}")
        labels = [c.label for c in checks]
        if len(set(labels)) != len(labels):
            raise ValueError(f"checks: claim {id!r} has duplicate check labels {labels}")
        self.checks = checks
        self.figure = None if figure is None else plain_stem("figure", figure)
        self.note = _text("note", note, empty=True)

    @property
    def verdict(self) -> str:
        """not reproduced > not decidable > all outside > reproduced."""
        verdicts = [c.verdict for c in self.checks]
        if NOT_REPRODUCED in verdicts:
            return NOT_REPRODUCED
        if NOT_DECIDABLE in verdicts:
            return NOT_DECIDABLE
        if all(v == OUTSIDE for v in verdicts):
            return OUTSIDE
        return REPRODUCED

    @property
    def decided_by(self) -> Check:
        """The check that set the verdict."""
        verdict = self.verdict
        candidates = [c for c in self.checks if c.verdict == verdict]
        if verdict == REPRODUCED:
            return max(candidates, key=_closeness)  # first of the closest to failing
        return candidates[0]

    @property
    def z_score(self) -> float | None:
        """(measured − theory)/se of the deciding check."""
        return self.decided_by.z_score

    def to_dict(self) -> dict[str, Any]:
        """The JSON record (format version 2)."""
        return {
            "id": self.id,
            "statement": self.statement,
            "paper": self.paper,
            "tests": self.tests,
            "verdict": self.verdict,
            "decided_by": self.decided_by.label,
            "figure": self.figure,
            "note": self.note,
            "checks": [c.to_dict() for c in self.checks],
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Claim:
        """A claim from its JSON record; the stored verdict and decided_by must follow."""
        if not isinstance(record, dict):
            raise ValueError(f"claims: expected a JSON object per claim, got {record!r}")
        keys = ("id", "statement", "paper", "tests", "verdict", "decided_by", "figure", "note")
        missing = [k for k in (*keys, "checks") if k not in record]
        if missing:
            raise ValueError(f"{missing[0]}: claim {record.get('id')!r} has no {missing[0]!r}")
        unknown = sorted(set(record) - {*keys, "checks"})
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown field of claim {record.get('id')!r}")
        if not isinstance(record["checks"], list):
            raise ValueError(f"checks: claim {record.get('id')!r} needs a list of checks")
        claim = cls(
            record["id"],
            record["statement"],
            record["paper"],
            tests=record["tests"],
            checks=[Check.from_dict(c) for c in record["checks"]],
            figure=record["figure"],
            note=record["note"],
        )
        if record["verdict"] != claim.verdict:
            raise ValueError(
                f"verdict: claim {claim.id!r} stores {record['verdict']!r} but its checks give "
                f"{claim.verdict!r}"
            )
        if record["decided_by"] != claim.decided_by.label:
            raise ValueError(
                f"decided_by: claim {claim.id!r} stores {record['decided_by']!r} but its "
                f"checks are decided by {claim.decided_by.label!r}"
            )
        return claim

    def __repr__(self) -> str:
        return f"<Claim {self.id}: {self.verdict}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Claim) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def _repr_markdown_(self) -> str:
        """A MyST target ``(claim-<id>)=`` and a compact admonition with each check's numbers."""
        lines = [
            f"({anchor(self.id)})=",
            "```{admonition} " + f"Claim {self.id} ({self.paper}): {self.verdict}",
            f":class: claim {verdict_class(self.verdict)}",
            "",
            self.statement,
            "",
        ]
        for c in self.checks:
            mark = " (decisive)" if len(self.checks) > 1 and c is self.decided_by else ""
            lines.append(f"- **{_md(c.label)}**{mark}: *{c.verdict}*. {_md(c.numbers())}")
        if self.note:
            lines += ["", _md(self.note)]
        if self.figure:
            lines += ["", f"Figure: `{self.figure}`."]
        lines.append("```")
        return "\n".join(lines) + "\n"


def verdict_class(verdict: str) -> str:
    """The CSS class of a verdict (``book/_assets/resprop.css``)."""
    return {
        REPRODUCED: "verdict-reproduced",
        NOT_REPRODUCED: "verdict-not-reproduced",
        NOT_DECIDABLE: "verdict-not-decidable",
        OUTSIDE: "verdict-outside",
    }[_validate.choice("verdict", verdict, VERDICTS)]


def _md(text: str) -> str:
    """Text safe inside a Markdown list item or table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


# ---- files -------------------------------------------------------------------------------


def write_claims(
    claims: list[Claim],
    chapter: str,
    *,
    profile: str,
    directory: str | os.PathLike[str] = "build/claims",
) -> Path:
    """Write ``claims`` to ``<directory>/<chapter>.json`` atomically (format version 2).

    ``chapter`` must be a plain file stem; ids must be unique.
    """
    plain_stem("chapter", chapter)
    _text("profile", profile)
    if not claims:
        raise ValueError("claims: a chapter must record at least one claim")
    for c in claims:
        if not isinstance(c, Claim):
            raise TypeError(f"claims: expected Claim objects, got {type(c).__name__}")
    ids = [c.id for c in claims]
    if len(set(ids)) != len(ids):
        raise ValueError(f"claims: duplicate ids in {ids}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    payload = {
        "version": FORMAT_VERSION,
        "chapter": chapter,
        "profile": profile,
        "claims": [c.to_dict() for c in claims],
    }
    text = json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    path = directory / f"{chapter}.json"
    tmp = directory / f".{chapter}.json.tmp"
    tmp.write_text(text)
    os.replace(tmp, path)
    return path


def read_claims(path: str | os.PathLike[str]) -> dict[str, Any]:
    """One claim file, validated: version 2, chapter = file stem, every claim consistent."""
    path = Path(path)
    try:
        payload = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"{path}: not a readable claim file ({err})") from None
    try:
        if not isinstance(payload, dict) or payload.get("version") != FORMAT_VERSION:
            version = payload.get("version") if isinstance(payload, dict) else None
            raise ValueError(f"version: expected {FORMAT_VERSION}, got {version!r}")
        if payload.get("chapter") != path.stem:
            raise ValueError(f"chapter: {payload.get('chapter')!r} is not the file's stem")
        _text("profile", payload.get("profile"))
        if not isinstance(payload.get("claims"), list) or not payload["claims"]:
            raise ValueError("claims: expected a non-empty list")
        parsed = [Claim.from_dict(r) for r in payload["claims"]]
        ids = [c.id for c in parsed]
        if len(set(ids)) != len(ids):
            raise ValueError(f"claims: duplicate ids in {ids}")
    except (TypeError, ValueError) as err:
        raise ValueError(f"{path}: {err}") from None
    payload["claims"] = [c.to_dict() for c in parsed]
    return payload


def load_claims(directory: str | os.PathLike[str] = "build/claims") -> dict[str, dict[str, Any]]:
    """Every claim file in ``directory``, validated, by chapter (sorted)."""
    return {p.stem: read_claims(p) for p in sorted(Path(directory).glob("*.json"))}
