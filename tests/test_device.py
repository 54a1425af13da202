"""The device resolver lives in device.py; the engine never imports the book's profiles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import torch

from resprop import profiles
from resprop.device import resolve_device

LIB = Path(__file__).resolve().parents[1] / "lib" / "resprop"


def test_resolve_device():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    for bad in ("tpu", "not a device", 3):
        with pytest.raises(ValueError, match="^device:"):
            resolve_device(bad)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="^device:"):
            resolve_device("cuda")
    assert profiles.resolve_device is resolve_device  # re-exported for the book kit


@pytest.mark.parametrize("module", ["simulate", "networks", "training", "bench", "sweep"])
def test_the_engine_imports_nothing_from_the_book_kit(module):
    tree = ast.parse((LIB / f"{module}.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            imported.add(node.module or "")
            imported.update(a.name for a in node.names if not node.module)
    book_kit = {"profiles", "chapter", "claims", "figures", "book"}
    assert not imported & book_kit, f"{module} imports {imported & book_kit}"
