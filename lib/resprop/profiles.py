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
                "05_synthesis": dict(
                    exponents=[0.0, 0.25, 0.5, 0.75, 1.0],
                    branch_scale=1.0,
                    sigma_w2=2.0,
                    widths=[64, 128],
                    betas=[0.25, 0.5, 1.0],
                    n_networks=1000,
                    dense_width=64,
                    dense_depth=32,
                    dense_networks=300,
                    threshold=0.1,
                    kernel_networks=1000,
                    input_correlation=0.5,
                    kernel_threshold=0.02,
                ),
                "04_field_theory": dict(
                    fs_scale=0.7,
                    fs_depth=10,
                    fs_widths=[16, 32, 64, 128],
                    fs_networks=[200_000, 200_000, 100_000, 50_000],
                    dense_width=64,
                    dense_networks=1000,
                    resp_depths=[10, 30, 100, 300],
                    resp_scales=49,
                    resp_mc_depths=[10, 30],
                    resp_mc_scales=[0.03, 0.1, 0.3, 1.0],
                    resp_mc_width=128,
                    resp_mc_networks=1000,
                    jvp_widths=[16, 32],
                    jvp_networks=60_000,
                    jvp_input_dim=32,
                    jvp_nodes=(200, 70),
                    rfs_depth=3,
                    rfs_scales=[0.9, 2.5],
                    rfs_widths=[16, 32],
                    rfs_networks=[150_000, 50_000],
                    rfs_nodes=(128, 22),
                    star_depths=[3, 10, 30, 100, 300, 1000, 3000],
                    star_sigma_w2=[0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0],
                    star_variant_depth=100,
                    train_depths=[10, 30],
                    train_scales=[0.03, 0.07, 0.15, 0.3, 0.7, 1.5, 3.0],
                    train_width=64,
                    train_seeds=1,
                    epochs=5,
                    lr=0.05,
                    batch_size=50,
                    dataset="digits",
                ),
                "00_introduction": dict(width=512, n_networks=64, depth=32, n_points=21),
                "01_mean_field": dict(
                    width=512,
                    n_networks=64,
                    depth=128,
                    theory_depth_tanh=2000,
                    theory_depth=20000,
                    dense_networks=16,
                    dense_depth=16,
                    kernel_networks=64,
                    kernel_points=9,
                    dataset="digits",
                    n_train=None,
                    train_width=64,
                    train_depths=[8, 16, 32, 64],
                    train_sigma_w2=[0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2],
                    train_seeds=1,
                    epochs=3,
                    lr=0.01,
                    batch_size=50,
                ),
                "02_log_gaussian": dict(
                    c=2.0,
                    widths=[32, 64, 128, 256],
                    width_networks=[10000, 8000, 6000, 1500],
                    fit_widths=[64, 128, 256],
                    beta_max=1.0,
                    main_width=128,
                    betas=[0.25, 0.5, 1.0],
                    n_networks=4000,
                    balanced_networks=2500,
                    sign_lags=6,
                    acov_lags=16,
                    burn_in=20,
                    c_values=[0.5, 1.0, 4.0],
                    c_width=128,
                    c_beta=0.5,
                    c_networks=2000,
                    dense_width=64,
                    dense_depth=16,
                    dense_networks=1000,
                    memory_budget=2**30,
                ),
                "03_commuting_limits": dict(
                    flow_configs=[(32, 256), (256, 16), (1024, 64)],
                    flow_networks=128,
                    grid_widths=[16, 32, 64, 128, 256],
                    grid_depths=[16, 32, 64, 128, 256],
                    grid_networks=256,
                    path_widths=[16, 32, 64, 128, 256],
                    path_exponents=[0.5, 1.0, 1.5],
                    path_networks=128,
                    exponent_values=[0.0, 0.25, 0.375, 0.5, 0.625, 0.75, 1.0],
                    exponent_depths=[16, 64, 256],
                    exponent_width=512,
                    exponent_networks=128,
                    gauss_widths=[8, 16, 32, 64],
                    gauss_depths=[8, 64],
                    gauss_networks=2000,
                    linear_widths=[4, 16, 64],
                    linear_depth=256,
                    linear_networks=2000,
                    dense_width=64,
                    dense_depth=64,
                    dense_networks=256,
                    recursion_depths=[2**j for j in range(2, 13)],
                    gp_widths=[32, 128, 512],
                    gp_depths=[4, 16, 64],
                    gp_networks=16,
                ),
            }
        ),
        "full": MappingProxyType(
            {
                "05_synthesis": dict(
                    exponents=[0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0],
                    branch_scale=1.0,
                    sigma_w2=2.0,
                    widths=[64, 128, 256, 512],
                    betas=[0.125, 0.25, 0.5, 1.0, 2.0],
                    n_networks=20000,
                    dense_width=256,
                    dense_depth=128,
                    dense_networks=2000,
                    threshold=0.1,
                    kernel_networks=20000,
                    input_correlation=0.5,
                    kernel_threshold=0.02,
                ),
                "04_field_theory": dict(
                    fs_scale=0.7,
                    fs_depth=10,
                    fs_widths=[16, 32, 64, 128, 256],
                    fs_networks=[2_000_000, 2_000_000, 1_000_000, 500_000, 250_000],
                    dense_width=128,
                    dense_networks=20_000,
                    resp_depths=[10, 30, 100, 300, 1000],
                    resp_scales=97,
                    resp_mc_depths=[10, 30, 100],
                    resp_mc_scales=[0.03, 0.1, 0.2, 0.3, 0.5, 1.0],
                    resp_mc_width=256,
                    resp_mc_networks=20_000,
                    jvp_widths=[8, 16, 32, 64],
                    jvp_networks=1_000_000,
                    jvp_input_dim=32,
                    jvp_nodes=(200, 100),
                    rfs_depth=3,
                    rfs_scales=[0.9, 2.5],
                    rfs_widths=[16, 32, 64],
                    rfs_networks=[1_000_000, 500_000, 250_000],
                    rfs_nodes=(128, 30),
                    star_depths=[3, 10, 30, 100, 300, 1000, 3000],
                    star_sigma_w2=[0.0625, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0],
                    star_variant_depth=100,
                    train_depths=[10, 30, 100],
                    train_scales=[0.02, 0.04, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 3.0],
                    train_width=128,
                    train_seeds=5,
                    epochs=10,
                    lr=0.05,
                    batch_size=50,
                    dataset="mnist",
                ),
                "00_introduction": dict(width=2048, n_networks=512, depth=128, n_points=41),
                "01_mean_field": dict(
                    width=2048,
                    n_networks=256,
                    depth=500,
                    theory_depth_tanh=4000,
                    theory_depth=200000,
                    dense_networks=64,
                    dense_depth=100,
                    kernel_networks=1024,
                    kernel_points=17,
                    dataset="mnist",
                    n_train=12000,
                    train_width=128,
                    train_depths=[10, 20, 40, 80, 160],
                    train_sigma_w2=[0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2],
                    train_seeds=2,
                    epochs=2,
                    lr=0.01,
                    batch_size=100,
                ),
                "02_log_gaussian": dict(
                    c=2.0,
                    widths=[64, 128, 256, 512, 1024],
                    width_networks=[100000, 100000, 50000, 20000, 10000],
                    fit_widths=[128, 256, 512, 1024],
                    beta_max=2.0,
                    main_width=256,
                    betas=[0.25, 0.5, 1.0, 2.0],
                    n_networks=50000,
                    balanced_networks=50000,
                    sign_lags=8,
                    acov_lags=24,
                    burn_in=20,
                    c_values=[0.5, 1.0, 4.0],
                    c_width=512,
                    c_beta=0.5,
                    c_networks=20000,
                    dense_width=256,
                    dense_depth=64,
                    dense_networks=4000,
                    memory_budget=2**34,
                ),
                "03_commuting_limits": dict(
                    flow_configs=[(64, 1024), (1024, 16), (256, 256), (4096, 256)],
                    flow_networks=512,
                    grid_widths=[16, 32, 64, 128, 256, 512, 1024],
                    grid_depths=[16, 32, 64, 128, 256, 512, 1024],
                    grid_networks=512,
                    path_widths=[16, 32, 64, 128, 256, 512, 1024],
                    path_exponents=[0.5, 1.0, 1.5],
                    path_networks=256,
                    exponent_values=[0.0, 0.25, 0.375, 0.5, 0.625, 0.75, 1.0],
                    exponent_depths=[16, 64, 256, 1024],
                    exponent_width=2048,
                    exponent_networks=512,
                    gauss_widths=[8, 16, 32, 64, 128, 256],
                    gauss_depths=[8, 64, 512],
                    gauss_networks=8000,
                    linear_widths=[4, 16, 64, 256],
                    linear_depth=1024,
                    linear_networks=8000,
                    dense_width=256,
                    dense_depth=256,
                    dense_networks=1024,
                    recursion_depths=[2**j for j in range(2, 15)],
                    gp_widths=[32, 128, 512, 2048],
                    gp_depths=[4, 32, 256, 1024],
                    gp_networks=32,
                ),
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
    """``"auto"`` → cuda if available, else cpu; raises ValueError for unknown or absent devices."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"device: unknown device {device!r}") from err
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"device: expected 'auto', 'cpu' or 'cuda', got {device!r}")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device: CUDA requested but torch.cuda.is_available() is False")
    return dev
