"""Experiment sizes for every chapter, in one place, and the compute device.

Two profiles:

* ``quick``: every chapter on 2 CPU cores in a few minutes (CI and a first read).
  Numbers it produces are *not* paper-scale; chapters say so.
* ``full``: sized for one H100-class GPU (``make figures PROFILE=full DEVICE=cuda``).

A chapter asks for its sizes with ``sizes(chapter, profile)`` and gets an attribute namespace,
e.g. ``sizes("00_introduction", "quick").width``.
"""

from __future__ import annotations

from types import MappingProxyType, SimpleNamespace
from typing import Any

import torch

from . import _validate

__all__ = ["PROFILES", "resolve_device", "sizes"]

PROFILES: MappingProxyType[str, MappingProxyType[str, dict[str, Any]]] = MappingProxyType(
    {
        "quick": MappingProxyType(
            {
                "00_introduction": dict(width=512, n_networks=64, depth=32, n_points=21),
            }
        ),
        "full": MappingProxyType(
            {
                "00_introduction": dict(width=2048, n_networks=512, depth=128, n_points=41),
            }
        ),
    }
)


def sizes(chapter: str, profile: str = "quick") -> SimpleNamespace:
    """The experiment sizes of ``chapter`` under ``profile`` (``quick`` or ``full``)."""
    table = PROFILES[_validate.choice("profile", profile, PROFILES)]
    if chapter not in table:
        raise ValueError(f"chapter: no sizes for {chapter!r} in profile {profile!r}")
    return SimpleNamespace(**table[chapter])


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """The torch device for ``device``: ``"auto"`` picks CUDA when present, else the CPU."""
    if isinstance(device, torch.device):
        device = str(device)
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not isinstance(device, str) or device.split(":")[0] not in ("cpu", "cuda"):
        raise ValueError(f"device: expected 'auto', 'cpu' or 'cuda[:i]', got {device!r}")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device: {device!r} requested but CUDA is not available")
    return torch.device(device)
