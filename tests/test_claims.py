"""Claims v2: the verdict rule, validation, declare/record/finish, files, scorecard and pins."""

from __future__ import annotations

import json
import math
import os
from datetime import datetime, timedelta, timezone

import pytest

from resprop import book, claims
from resprop.chapter import Chapter
from resprop.claims import NOT_DECIDABLE, NOT_REPRODUCED, OUTSIDE, REPRODUCED, Check, Claim

ALT = {"alternative": 0.0, "alternative_label": "null"}


def compare(measured: float = 1.0, **kw) -> Check:
    label = kw.pop("label", "c")
    return Check.compare(label, **{"theory": 1.0, "measured": measured, "se": 0.125, **ALT, **kw})


# ---- the verdict rule -------------------------------------------------------------------------


def test_boundary_exactly_at_tolerance_is_reproduced():
    # tolerance 4 × 0.125 = 0.5 exactly; |1.5 − 1| = 0.5 exactly (binary fractions)
    at = compare(1.5)
    assert at.tolerance == 0.5 and at.verdict == REPRODUCED
    assert compare(1.5 + 2**-40).verdict == NOT_REPRODUCED
    assert compare(0.5).verdict == REPRODUCED  # symmetric
    assert compare(0.5 - 2**-40).verdict == NOT_REPRODUCED


def test_alternative_inside_the_tolerance_is_not_decidable_with_needs():
    # |alternative − theory| = 0.5 = tolerance: no power, even though measured == theory
    check = compare(1.0, alternative=1.5)
    assert check.verdict == NOT_DECIDABLE
    assert "SE < 0.12" in check.needs and "null" in check.needs
    just_outside = compare(1.0, alternative=1.5 + 2**-40)
    assert just_outside.verdict == REPRODUCED and just_outside.needs == ""
    given = compare(1.0, alternative=1.2, needs="B = 10⁶ networks")
    assert given.needs == "B = 10⁶ networks"


def test_model_tolerance_adds_and_needs_says_when_no_se_can_decide():
    check = compare(1.0, model_tolerance=0.25, n_se=2.0, alternative=1.2)
    assert check.tolerance == 0.5 and check.verdict == NOT_DECIDABLE
    assert "model tolerance below" in check.needs


def test_undecidable_and_outside_constructors():
    u = Check.undecidable("slope", needs="n ≥ 1024", theory=-1.0, measured=0.2, se=0.3)
    assert u.verdict == NOT_DECIDABLE and u.theory == -1.0
    o = Check.outside("trainability", reason="needs the full MNIST training")
    assert o.verdict == OUTSIDE and "MNIST" in o.numbers()
    with pytest.raises(TypeError, match="bogus"):
        Check.undecidable("x", needs="y", bogus=1.0)
    with pytest.raises(ValueError, match="needs"):
        Check.undecidable("x", needs="  ")
    with pytest.raises(ValueError, match="reason"):
        Check.outside("x", reason="")


@pytest.mark.parametrize(
    "verdicts,expected,decider",
    [
        ((REPRODUCED, NOT_DECIDABLE, NOT_REPRODUCED), NOT_REPRODUCED, 2),
        ((REPRODUCED, NOT_DECIDABLE, OUTSIDE), NOT_DECIDABLE, 1),
        ((OUTSIDE, OUTSIDE), OUTSIDE, 0),
        ((OUTSIDE, REPRODUCED), REPRODUCED, 1),
        ((REPRODUCED, REPRODUCED), REPRODUCED, 1),
    ],
)
def test_claim_verdict_derives_from_checks(verdicts, expected, decider):
    make = {
        REPRODUCED: lambda i: compare(1.0 + 0.1 * i, label=f"c{i}"),  # the later, the closer
        NOT_REPRODUCED: lambda i: compare(3.0, label=f"c{i}"),
        NOT_DECIDABLE: lambda i: Check.undecidable(f"c{i}", needs="more"),
        OUTSIDE: lambda i: Check.outside(f"c{i}", reason="no model"),
    }
    checks = [make[v](i) for i, v in enumerate(verdicts)]
    claim = Claim("x-1", "s", "book", tests="t", checks=checks)
    assert claim.verdict == expected and claim.decided_by is checks[decider]


# ---- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["theory", "measured", "se", "alternative"])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "1.0", None, True])
def test_compare_refuses_non_finite_numbers_naming_the_field(field, bad):
    with pytest.raises(ValueError, match=field):
        compare(**{field: bad})


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"se": -0.1}, "se"),
        ({"n_se": 0.0}, "n_se"),
        ({"n_se": math.nan}, "n_se"),
        ({"model_tolerance": -1.0}, "model_tolerance"),
        ({"alternative_label": ""}, "alternative_label"),
        ({"label": ""}, "label"),
        ({"se": 1e308, "n_se": 10.0}, "se"),
    ],
)
def test_compare_refuses_bad_parameters(kw, field):
    with pytest.raises(ValueError, match=field):
        compare(**kw)


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"verdict": "maybe"}, "verdict"),
        (
            {"verdict": REPRODUCED, "theory": 1.0, "measured": 9.0, "tolerance": 0.1, **ALT},
            "verdict",
        ),
        ({"verdict": REPRODUCED, "theory": 1.0, "measured": 1.0, "tolerance": 0.1}, "alternative"),
        (
            {"verdict": NOT_REPRODUCED, "theory": 1, "measured": 9, "tolerance": 1, **ALT},
            "not decidable",
        ),
        ({"verdict": NOT_DECIDABLE, "alternative": 1.0}, "alternative_label"),
        ({"verdict": NOT_DECIDABLE, "needs": "x", "alternative_label": "y"}, "alternative_label"),
        ({"verdict": NOT_DECIDABLE}, "needs"),
        ({"verdict": OUTSIDE}, "reason"),
        ({"verdict": OUTSIDE, "reason": "r", "theory": math.nan}, "theory"),
        ({"verdict": OUTSIDE, "reason": "r", "tolerance": -1.0}, "tolerance"),
    ],
)
def test_a_check_cannot_state_a_verdict_its_numbers_do_not_give(kw, field):
    with pytest.raises(ValueError, match=field):
        Check("c", **kw)


@pytest.mark.parametrize(
    "args,kw,field",
    [
        (("", "s", "book"), {}, "id"),
        (("a/b", "s", "book"), {}, "id"),
        (("../x", "s", "book"), {}, "id"),
        (("a b", "s", "book"), {}, "id"),
        (("a.b", "s", "book"), {}, "id"),
        (("x", "", "book"), {}, "statement"),
        (("x", "s", "nobody"), {}, "paper"),
        (("x", "s", "book"), {"tests": ""}, "tests"),
        (("x", "s", "book"), {"checks": []}, "checks"),
        (("x", "s", "book"), {"figure": "../fig"}, "figure"),
    ],
)
def test_claim_validation(args, kw, field):
    kw = {"tests": "t", "checks": [compare()], **kw}
    with pytest.raises(ValueError, match=field):
        Claim(*args, **kw)


def test_claim_refuses_duplicate_check_labels_and_non_checks():
    with pytest.raises(ValueError, match="duplicate"):
        Claim("x", "s", "book", tests="t", checks=[compare(), compare()])
    with pytest.raises(TypeError, match="Check"):
        Claim("x", "s", "book", tests="t", checks=[{"label": "c"}])


# ---- the chapter: declare, record, finish ---------------------------------------------------


@pytest.fixture
def chapter(tmp_path):
    ch = Chapter("00_introduction", root=tmp_path)
    ch.declare("T-1", "One.", paper="book", tests="a comparison")
    ch.declare("T-2", "Two.", paper="YS17", tests="another")
    return ch


def test_record_returns_the_claim_and_finish_writes_version_2(chapter, tmp_path):
    claim = chapter.record("T-2", compare(1.1), figure="fig", note="n")
    assert isinstance(claim, Claim) and claim.paper == "YS17" and claim.tests == "another"
    chapter.record("T-1", Check.outside("o", reason="r"))
    path = chapter.finish()
    payload = json.loads(path.read_text())
    assert payload["version"] == 2 and payload["chapter"] == "00_introduction"
    assert [c["id"] for c in payload["claims"]] == ["T-1", "T-2"]  # declaration order
    record = payload["claims"][1]
    assert record["decided_by"] == "c" and record["verdict"] == REPRODUCED
    assert set(record["checks"][0]) == {
        "label", "verdict", "theory", "measured", "se", "n_se", "tolerance",
        "alternative", "alternative_label", "needs", "reason",
    }  # fmt: skip
    assert claims.load_claims(path.parent)["00_introduction"]["claims"][1] == record


def test_finish_refuses_a_declared_claim_never_recorded(chapter):
    chapter.record("T-1", compare())
    with pytest.raises(ValueError, match="declared but never recorded: T-2"):
        chapter.finish()


def test_finish_refuses_an_undeclared_claim(chapter):
    chapter.record("T-1", compare())
    chapter.record("T-2", compare())
    chapter.claims.append(Claim("T-3", "s", "book", tests="t", checks=[compare()]))
    with pytest.raises(ValueError, match="recorded but not declared: T-3"):
        chapter.finish()


def test_record_refuses_undeclared_repeated_and_empty(chapter):
    with pytest.raises(ValueError, match="not declared"):
        chapter.record("T-9", compare())
    with pytest.raises(ValueError, match="checks"):
        chapter.record("T-1")
    chapter.record("T-1", compare())
    with pytest.raises(ValueError, match="twice"):
        chapter.record("T-1", compare())
    with pytest.raises(ValueError, match="twice"):
        chapter.declare("T-1", "again", paper="book", tests="t")
    with pytest.raises(ValueError, match="paper"):
        chapter.declare("T-5", "s", paper="XX99", tests="t")
    with pytest.raises(ValueError, match="id"):
        chapter.declare("T 5", "s", paper="book", tests="t")


def test_markdown_display_has_the_anchor_and_every_check():
    claim = Claim(
        "YS17-2",
        "A statement.",
        "YS17",
        tests="t",
        checks=[compare(1.1, label="slope"), Check.undecidable("tail", needs="n ≥ 512")],
    )
    md = claim._repr_markdown_()
    assert md.startswith("(claim-ys17-2)=\n```{admonition}")
    assert "not decidable at this profile" in md.splitlines()[1]
    assert "measured 1.1 ± 0.12" in md and "alternative: null = 0" in md and "n ≥ 512" in md
    assert max(len(line) for line in md.splitlines()[:4]) < 100
    assert repr(claim) == "<Claim YS17-2: not decidable at this profile>"


def test_save_passes_caption_and_alt_through(chapter, monkeypatch):
    import matplotlib.pyplot as plt

    from resprop import figures

    seen = {}

    def fake(fig, name, *, chapter, provenance=None, root=".", caption=None, alt=None):
        seen.update(name=name, chapter=chapter, caption=caption, alt=alt)
        return "ok"

    monkeypatch.setattr(figures, "save", fake)
    fig = plt.figure()
    assert chapter.save(fig, "f", caption="What is plotted.", alt="A line") == "ok"
    assert seen == {"name": "f", "chapter": "00_introduction", "caption": "What is plotted.",
                    "alt": "A line"}  # fmt: skip

    plt.close(fig)


# ---- files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../x", "a/b", "/tmp/x", "", ".hidden", "a b", "x.json", None])
def test_write_claims_refuses_unsafe_chapter_names(tmp_path, name):
    claim = Claim("x", "s", "book", tests="t", checks=[compare()])
    with pytest.raises(ValueError, match="chapter"):
        claims.write_claims([claim], name, profile="quick", directory=tmp_path / "c")
    assert not (tmp_path / "x.json").exists() and not list(tmp_path.rglob("*.json"))


def test_write_claims_refuses_duplicates_and_empty(tmp_path):
    claim = Claim("x", "s", "book", tests="t", checks=[compare()])
    with pytest.raises(ValueError, match="duplicate"):
        claims.write_claims([claim, claim], "01_a", profile="quick", directory=tmp_path)
    with pytest.raises(ValueError, match="at least one"):
        claims.write_claims([], "01_a", profile="quick", directory=tmp_path)


def _edit(path, change):
    payload = json.loads(path.read_text())
    change(payload)
    path.write_text(json.dumps(payload))


@pytest.mark.parametrize(
    "change,field",
    [
        (lambda p: p.pop("version"), "version"),
        (lambda p: p.update(chapter="other"), "chapter"),
        (lambda p: p["claims"][0].update(verdict=NOT_REPRODUCED), "verdict"),
        (lambda p: p["claims"][0].update(decided_by="nope"), "decided_by"),
        (lambda p: p["claims"][0]["checks"][0].update(measured=5.0), "verdict"),
        (lambda p: p["claims"][0]["checks"][0].update(theory=None), "theory"),
        (lambda p: p["claims"][0]["checks"][0].update(extra=1), "extra"),
        (lambda p: p["claims"][0].pop("tests"), "tests"),
        (lambda p: p.update(claims=[]), "claims"),
    ],
)
def test_load_claims_validates_every_record(tmp_path, change, field):
    claim = Claim("x", "s", "book", tests="t", checks=[compare()])
    path = claims.write_claims([claim], "01_a", profile="quick", directory=tmp_path)
    _edit(path, change)
    with pytest.raises(ValueError, match=field):
        claims.load_claims(tmp_path)


def test_nan_in_a_file_is_refused(tmp_path):
    claim = Claim("x", "s", "book", tests="t", checks=[compare()])
    path = claims.write_claims([claim], "01_a", profile="quick", directory=tmp_path)
    path.write_text(path.read_text().replace('"measured": 1.0', '"measured": NaN'))
    with pytest.raises(ValueError, match="measured"):
        claims.load_claims(tmp_path)


# ---- the scorecard: built from the toc, refusing untrustworthy files -----------------------


def _tree(tmp_path, chapters=("01_a", "02_b")):
    """chapters/*.py, book/_toc.yml, executed notebooks, then claim files written after them."""
    (tmp_path / "chapters").mkdir()
    (tmp_path / "book").mkdir()
    nbdir = tmp_path / "build" / "notebooks"
    nbdir.mkdir(parents=True)
    toc = ["format: jb-book", "root: index", "chapters:"]
    start = datetime.now(timezone.utc) - timedelta(seconds=60)
    for k, name in enumerate(chapters):
        (tmp_path / "chapters" / f"{name}.py").write_text("")
        toc.append(f"  - file: {name}")
        meta = {"metadata": {"papermill": {"start_time": start.isoformat()}}, "cells": []}
        (nbdir / f"{name}.ipynb").write_text(json.dumps(meta))
        checks = [compare(1.1, label="mean"), compare(1.4, label="variance")]
        made = [
            Claim(f"{name[:2]}-{i}", f"Statement {i}.", "YS17", tests="t", checks=checks)
            for i in (10, 2)
        ]
        made.append(Claim(f"{name[:2]}-1", "x", "LNR21", tests="t", checks=[compare(3.0)]))
        claims.write_claims(made, name, profile="quick", directory=tmp_path / "build" / "claims")
        del k
    toc.append("  - file: scorecard")
    (tmp_path / "book" / "_toc.yml").write_text("\n".join(toc) + "\n")
    return tmp_path


def _scorecard(root):
    return book.write_scorecard(
        root / "build" / "claims",
        root / "out" / "scorecard.md",
        toc=root / "book" / "_toc.yml",
        chapters=root / "chapters",
    )


def test_scorecard_rows_sorted_linked_and_summarised(tmp_path):
    page = _scorecard(_tree(tmp_path)).read_text()
    rows = [line for line in page.splitlines() if line.startswith("* - {ref}")]
    ids = [r.split("`")[1].split(" <")[0] for r in rows]
    assert ids == ["01-1", "01-2", "01-10", "02-1", "02-2", "02-10"]
    assert "{ref}`01-10 <claim-01-10>`" in rows[2]
    assert "- **YS17**: 4 reproduced." in page and "- **LNR21**: 2 not reproduced." in page
    assert '<span class="verdict verdict-not-reproduced">not reproduced</span>' in page
    # the deciding check of a reproduced claim is the one closest to its tolerance
    assert (
        "**variance**: theory 1; measured 1.4 ± 0.12; tolerance 0.5; alternative: null = 0" in page
    )


def test_scorecard_refuses_a_missing_claims_file(tmp_path):
    root = _tree(tmp_path)
    (root / "build" / "claims" / "02_b.json").unlink()
    with pytest.raises(ValueError, match=r"missing claims file .*02_b\.json"):
        _scorecard(root)


def test_scorecard_refuses_an_unknown_claims_file(tmp_path):
    root = _tree(tmp_path)
    (root / "build" / "claims" / "01_a.json").rename(root / "build" / "claims" / "09_gone.json")
    with pytest.raises(ValueError, match=r"unknown claims file .*09_gone\.json") as err:
        _scorecard(root)
    assert "missing claims file" in str(err.value)  # both problems are named


def test_scorecard_refuses_a_stale_claims_file(tmp_path):
    root = _tree(tmp_path)
    path = root / "build" / "claims" / "01_a.json"
    old = datetime.now(timezone.utc).timestamp() - 3600
    os.utime(path, (old, old))
    with pytest.raises(ValueError, match=r"stale claims file .*01_a\.json"):
        _scorecard(root)


def test_scorecard_refuses_claims_without_an_executed_notebook(tmp_path):
    root = _tree(tmp_path)
    (root / "build" / "notebooks" / "02_b.ipynb").unlink()
    with pytest.raises(ValueError, match=r"stale claims file .*02_b\.json: no executed notebook"):
        _scorecard(root)


def test_scorecard_cli_exits_non_zero_naming_the_file(tmp_path, capsys):
    root = _tree(tmp_path)
    (root / "build" / "claims" / "01_a.json").unlink()
    argv = ["scorecard", str(root / "build" / "claims"), str(root / "out.md")]
    argv += ["--toc", str(root / "book" / "_toc.yml"), "--chapters", str(root / "chapters")]
    assert book.main(argv) == 1
    assert "01_a.json" in capsys.readouterr().err


# ---- pinned verdicts ------------------------------------------------------------------------


def test_pin_then_compare(tmp_path):
    root = _tree(tmp_path)
    fixture = root / "pins.json"
    assert book.main(["pin", str(root / "build" / "claims"), str(fixture)]) == 0
    pins = json.loads(fixture.read_text())
    assert list(pins) == ["01-1", "01-2", "01-10", "02-1", "02-2", "02-10"]
    assert pins["01-1"] == NOT_REPRODUCED
    assert book.changed_verdicts(root / "build" / "claims", fixture) == []
    pins["01-2"] = NOT_DECIDABLE
    pins["99-1"] = REPRODUCED
    fixture.write_text(json.dumps(pins))
    changes = book.changed_verdicts(root / "build" / "claims", fixture)
    assert changes == [
        "01-2: pinned 'not decidable at this profile', now 'reproduced'",
        "99-1: pinned 'reproduced', now 'absent'",
    ]


_OUTSIDE = Check.outside("c", reason="r")
_ALT = {"alternative": 0.0, "alternative_label": "a"}


@pytest.mark.parametrize(
    "call,parameter",
    [
        (lambda: Claim("x", "s", "nobody", tests="t", checks=[_OUTSIDE]), "paper"),
        (lambda: Check("c", "maybe"), "verdict"),
        (lambda: Claim("", "s", "book", tests="t", checks=[_OUTSIDE]), "id"),
        (lambda: Check.compare("c", theory=1.0, measured=1.0, se=-1.0, **_ALT), "se"),
        (lambda: Check.compare("c", theory=math.inf, measured=1.0, se=1.0, **_ALT), "theory"),
    ],
)
def test_bad_claims_name_the_parameter(call, parameter):
    with pytest.raises(ValueError, match=parameter):
        call()
