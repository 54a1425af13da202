"""Chapter: named seed streams and the device (claims and figures: tests/test_claims.py)."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import torch

from resprop.chapter import Chapter, stream_seed


@pytest.fixture
def chapter(tmp_path):
    return Chapter("02_log_gaussian", root=tmp_path, seed=3)


def test_seed_streams_are_stable_distinct_and_depend_on_the_seed(chapter, tmp_path):
    again = Chapter("02_log_gaussian", root=tmp_path, seed=3)
    other = Chapter("02_log_gaussian", root=tmp_path, seed=4)
    assert chapter.seed_for("scan") == again.seed_for("scan")
    assert chapter.seed_for("scan") != chapter.seed_for("dense")
    assert chapter.seed_for("scan") != other.seed_for("scan")
    expected = int.from_bytes(hashlib.sha256(b"3/scan").digest()[:8], "big") >> 1
    assert chapter.seed_for("scan") == expected  # documented derivation, not Python's hash()
    assert 0 <= chapter.seed_for("scan") < 2**63
    assert stream_seed(3, "scan") == expected  # the same streams outside a chapter (drivers)


def test_rng_streams_repeat_and_differ(chapter):
    assert np.array_equal(chapter.rng("a").standard_normal(5), chapter.rng("a").standard_normal(5))
    assert not np.array_equal(
        chapter.rng("a").standard_normal(5), chapter.rng("b").standard_normal(5)
    )


@pytest.mark.parametrize("bad", ["", "  ", 3, None])
def test_a_stream_needs_a_name(chapter, bad):
    with pytest.raises(ValueError, match="stream"):
        chapter.seed_for(bad)


def test_device_is_resolved(chapter):
    assert isinstance(chapter.device, torch.device)


def test_summary_is_a_markdown_table_of_the_recorded_claims(chapter):
    from resprop.claims import Check

    chapter.declare("02-1a", "s", paper="LNR21", tests="t")
    chapter.record(
        "02-1a",
        Check.compare(
            "mean", theory=1.0, measured=1.01, se=0.01, alternative=2.0, alternative_label="a"
        ),  # fmt: skip
    )
    table = chapter.summary()
    lines = str(table).splitlines()
    assert len(lines) == 3 and lines[0].startswith("| claim | verdict")
    assert "{ref}`02-1a <claim-02-1a>`" in lines[2] and "**reproduced**" in lines[2]
    assert table._repr_markdown_() == str(table)


def test_a_negative_seed_is_refused():
    with pytest.raises(ValueError, match="seed"):
        Chapter("00_introduction", seed=-1)
