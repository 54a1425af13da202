"""Profiles: parameters written once, ``full`` as overrides of ``quick``, and what each decides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from resprop import profiles
from resprop.claims import NOT_DECIDABLE

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _plain(value):
    """JSON's view of a value (tuples become lists), to compare with a JSON fixture."""
    return json.loads(json.dumps(value))


def test_full_sizes_are_unchanged_by_the_override_layout():
    expected = json.loads((FIXTURES / "sizes_full.json").read_text())
    got = {ch: _plain(vars(profiles.sizes(ch, "full"))) for ch in profiles.PROFILES["full"]}
    assert got == expected


def test_parameters_are_written_once_and_sizes_differ_between_profiles():
    for chapter, params in profiles.PARAMETERS.items():
        assert not set(params) & set(profiles.PROFILES["quick"][chapter]), chapter
    for chapter, table in profiles._FULL_OVERRIDES.items():
        quick = profiles.PROFILES["quick"][chapter]
        assert set(table) <= set(quick), f"{chapter}: full overrides a size quick lacks"
        assert all(table[k] != quick[k] for k in table), f"{chapter}: an override equals quick"


def test_every_chapter_has_sizes_in_both_profiles_with_the_same_keys():
    assert set(profiles.PROFILES["quick"]) == set(profiles.PROFILES["full"])
    for chapter in profiles.PROFILES["quick"]:
        assert vars(profiles.sizes(chapter, "quick")).keys() == (
            vars(profiles.sizes(chapter, "full")).keys()
        )


def test_quick_undecidable_claims_match_the_pinned_verdicts():
    pinned = json.loads((FIXTURES / "verdicts_quick.json").read_text())
    listed = {
        claim
        for chapter in profiles.PROFILES["quick"]
        for claim in profiles.undecidable(chapter, "quick")
    }
    assert listed == {claim for claim, verdict in pinned.items() if verdict == NOT_DECIDABLE}


def test_full_undecidable_is_not_known_until_measured():
    assert profiles.undecidable("02_log_gaussian", "full") is None


@pytest.mark.parametrize(
    "call,parameter",
    [
        (lambda: profiles.undecidable("02_log_gaussian", "huge"), "profile"),
        (lambda: profiles.undecidable("99_nonexistent"), "chapter"),
        (lambda: profiles.sizes("99_nonexistent"), "chapter"),
    ],
)
def test_bad_arguments_name_the_parameter(call, parameter):
    with pytest.raises(ValueError, match=parameter):
        call()


@pytest.mark.parametrize(
    "call,parameter",
    [
        (lambda: profiles.sizes("00_introduction", "huge"), "profile"),
        (lambda: profiles.sizes("99_nonexistent", "quick"), "chapter"),
    ],
)
def test_bad_profile_or_chapter_names_the_parameter(call, parameter):
    with pytest.raises(ValueError, match=parameter):
        call()
