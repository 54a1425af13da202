"""Figures: captioned MyST display, atomic files with provenance, mode 0644, no temp litter."""

from __future__ import annotations

import json
import stat

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure
from PIL import Image

from resprop import figures


def _figure():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    return fig


CAPTION = "Squared length $q^{(l)}$ against layer: recursion and 16 networks, n = 64. Quick."


def test_save_writes_png_pdf_and_sidecar_with_provenance_and_caption(tmp_path):
    prov = {"profile": "quick", "device": "cpu", "seed": 3, "commit": "abc123"}
    fig = _figure()
    saved = figures.save(
        fig, "line", chapter="test", caption=CAPTION, provenance=prov, root=tmp_path
    )
    assert saved.path == tmp_path / "figures" / "test" / "line.png"
    stamped = json.loads(Image.open(saved.path).text["resprop:provenance"])
    assert stamped["seed"] == 3 and stamped["commit"] == "abc123" and "resprop" in stamped
    assert saved.path.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    sidecar = json.loads(saved.path.with_suffix(".json").read_text())
    assert sidecar["device"] == "cpu" and sidecar["caption"] == CAPTION
    assert sidecar["label"] == "fig-test-line" and sidecar["alt"]
    assert not plt.fignum_exists(fig.number)  # closed: it does not display twice


def test_files_are_world_readable(tmp_path):
    saved = figures.save(_figure(), "line", chapter="test", caption="A line.", root=tmp_path)
    for suffix in (".png", ".pdf", ".json"):
        mode = stat.S_IMODE(saved.path.with_suffix(suffix).stat().st_mode)
        assert mode == 0o644, (suffix, oct(mode))


def test_display_is_a_numbered_myst_figure(tmp_path):
    saved = figures.save(
        _figure(), "line", chapter="02_x", caption=CAPTION, alt="A rising line", root=tmp_path
    )
    md = saved._repr_markdown_()
    assert md.startswith("```{figure} figures/02_x/line.png\n")
    assert ":name: fig-02_x-line\n" in md and ":alt: A rising line\n" in md
    assert CAPTION in md and md.rstrip().endswith("```")
    assert "PosixPath" not in repr(saved) and str(saved.path) == saved.__fspath__()


def test_alt_text_is_derived_from_the_caption_never_a_hash(tmp_path):
    saved = figures.save(_figure(), "line", chapter="test", caption=CAPTION, root=tmp_path)
    assert saved.alt == "Squared length q^(l) against layer: recursion and 16 networks, n = 64."
    assert figures.alt_from_caption("x " * 200).endswith("…")
    assert "\n" not in figures.alt_from_caption("two\nlines. And more")


@pytest.mark.parametrize("caption", ["", "   ", None, 3])
def test_caption_is_required(tmp_path, caption):
    with pytest.raises(ValueError, match="caption"):
        figures.save(_figure(), "line", chapter="test", caption=caption, root=tmp_path)
    with pytest.raises(TypeError):
        figures.save(_figure(), "line", chapter="test", root=tmp_path)  # no caption at all


@pytest.mark.parametrize(
    "kwargs,parameter",
    [
        ({"name": "../escape", "chapter": "c"}, "name"),
        ({"name": "ok", "chapter": "../c"}, "chapter"),
        ({"name": "ok", "chapter": "c", "alt": " "}, "alt"),
    ],
)
def test_bad_arguments_name_the_parameter(tmp_path, kwargs, parameter):
    name = kwargs.pop("name")
    with pytest.raises(ValueError, match=parameter):
        figures.save(Figure(), name, caption="c", root=tmp_path, **kwargs)


def test_not_a_figure_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="fig"):
        figures.save("not a figure", "ok", chapter="c", caption="c", root=tmp_path)


def test_save_is_atomic_when_drawing_fails(tmp_path):
    good = figures.save(_figure(), "fig", chapter="test", caption="Good.", root=tmp_path)
    before = {p.name: p.read_bytes() for p in good.path.parent.iterdir()}
    broken = _figure()
    broken.axes[0].text(0.5, 0.5, r"$\undefinedmacro$")  # mathtext fails while drawing
    with pytest.raises(ValueError):
        figures.save(broken, "fig", chapter="test", caption="Broken.", root=tmp_path)
    after = {p.name: p.read_bytes() for p in good.path.parent.iterdir()}
    assert after == before  # same files, same bytes, no temporary left behind


def test_clean_temporaries_removes_what_a_killed_save_left(tmp_path):
    saved = figures.save(_figure(), "fig", chapter="test", caption="Good.", root=tmp_path)
    litter = saved.path.parent / f".fig.abc123.png{figures.TMP_SUFFIX}"
    litter.write_bytes(b"half a png")
    assert figures.clean_temporaries(saved.path.parent) == [litter]
    assert sorted(p.name for p in saved.path.parent.iterdir()) == [
        "fig.json",
        "fig.pdf",
        "fig.png",
    ]
    assert figures.clean_temporaries(tmp_path / "missing") == []
