"""Experiment parameters and sizes for every chapter, in one place, and what each profile decides.

An experiment's *parameters* (the model it studies: branch scale, σ_w², the input correlation,
learning rate, …) are written once in ``PARAMETERS``; they do not change with the machine. Its
*sizes* (widths, depths, numbers of networks) depend on the profile:

* ``quick``: every chapter on 2 CPU cores in a few minutes (CI and a first read).
  Numbers it produces are *not* paper-scale; chapters say so.
* ``full``: sized for one H100-class GPU (``make figures PROFILE=full DEVICE=cuda``), written
  as overrides of ``quick``: a size not named there is the quick one.

A chapter asks for both with ``sizes(chapter, profile)`` and gets one flat attribute namespace,
e.g. ``sizes("00_introduction", "quick").width``. ``undecidable(chapter, profile)`` names the
claims a profile is too small to decide (their verdict is "not decidable at this profile"); the
chapter tests check it against the pinned verdicts.
"""

from __future__ import annotations

from types import MappingProxyType, SimpleNamespace
from typing import Any

from . import _validate
from .device import resolve_device  # re-exported: the resolver lives in device.py

__all__ = ["PARAMETERS", "PROFILES", "UNDECIDABLE", "resolve_device", "sizes", "undecidable"]

PARAMETERS: dict[str, dict[str, Any]] = {
    "00_introduction": dict(),
    "01_mean_field": dict(
        lr=0.01,
        boundary_fraction=0.95,
        n_boot=2000,
        relu_alpha=0.75,
    ),
    "02_log_gaussian": dict(
        c=2.0,
        burn_in=20,
        c_values=[0.5, 1.0, 4.0],
        c_beta=0.5,
        limit_beta=0.5,
        two_layer_sigma_v2=2.0,
    ),
    "03_commuting_limits": dict(
        path_exponents=[0.5, 1.0, 1.5],
        exponent_values=[0.0, 0.25, 0.375, 0.5, 0.625, 0.75, 1.0],
    ),
    "04_field_theory": dict(
        fs_branch_scale=0.7,
        fs_depth=10,
        jvp_input_dim=32,
        rfs_depth=3,
        rfs_branch_scales=[0.9, 2.5],
        star_depths=[3, 10, 30, 100, 300, 1000, 3000],
        star_variant_depth=100,
        lr=0.05,
        train_depths=[10, 30, 100],
        langevin_temperature=1e-4,
    ),
    "05_synthesis": dict(
        branch_scale=1.0,
        sigma_w2=2.0,
        threshold=0.1,
        input_correlation=0.5,
        kernel_threshold=0.02,
    ),
}
"""What each chapter's experiments study; identical in every profile."""

_QUICK: dict[str, dict[str, Any]] = {
    "00_introduction": dict(
        width=512,
        n_networks=64,
        depth=32,
        n_points=21,
        widths=[64, 128, 256, 512],
        width_networks=[2048, 1024, 512, 256],
        sweep_workers=0,
    ),
    "01_mean_field": dict(
        width=512,
        n_networks=64,
        depth=128,
        theory_depth_tanh=2000,
        theory_depth=20_000,
        dense_networks=16,
        dense_depth=16,
        kernel_networks=64,
        kernel_points=9,
        dataset="digits",
        n_train=None,
        n_test=None,
        train_width=64,
        train_depths=[8, 16, 32, 64, 128],
        train_sw2L=(4.0, 512.0),
        train_grid=10,
        train_seeds=3,
        epochs=15,
        batch_size=50,
        relu_depth=16,
        relu_sigma_v2=[0.25, 1.0, 4.0],
        relu_kappa=(0.05, 32.0),
        relu_grid=13,
    ),
    "02_log_gaussian": dict(
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
        c_width=128,
        c_networks=2000,
        dense_width=64,
        dense_depth=16,
        dense_networks=2500,
        memory_budget=2**30,
        limit_widths=[64, 128, 256, 512],
        limit_networks=[16000, 8000, 4000, 2000],
        two_layer_widths=[64, 128, 256],
        two_layer_networks=[8000, 4000, 2000],
        full_residual_networks=3000,
    ),
    "03_commuting_limits": dict(
        flow_configs=[(32, 256), (256, 16), (1024, 64)],
        flow_networks=128,
        grid_widths=[16, 32, 64, 128, 256],
        grid_depths=[16, 32, 64, 128, 256],
        grid_networks=128,
        path_widths=[16, 32, 64, 128, 256],
        path_networks=64,
        exponent_depths=[16, 64, 256],
        exponent_width=512,
        exponent_networks=128,
        gauss_widths=[8, 16, 32, 64, 128, 256, 512],
        gauss_depth=64,
        gauss_neurons=2**18,
        gauss_depth_width=16,
        gauss_depth_pair=(32, 256),
        linear_widths=[4, 16, 64],
        linear_depth=256,
        linear_networks=2000,
        dense_width=64,
        dense_depth=64,
        dense_networks=256,
        recursion_depths=[2**j for j in range(2, 11)],
        gp_widths=[32, 128, 512],
        gp_depths=[4, 16, 64],
        gp_networks=16,
        sde_widths=[4, 8, 16, 32, 64, 128, 256],
        sde_steps=32,
        sde_neurons={"relu": 2**20, "tanh": 2**19},
        sde_taper_width=16,
        sde_pilot=64,
        sde_check_width=16,
        sde_check_steps=64,
        sde_check_levels=5,
        sde_check_neurons=2**17,
        joint_widths=[4, 8, 16, 32, 64, 128],
        joint_neurons=2**17,
        net_check_width=16,
        net_check_depth=1024,
        net_check_networks=256,
    ),
    "04_field_theory": dict(
        fs_widths=[16, 32, 64, 128],
        fs_networks=[200_000, 200_000, 100_000, 50_000],
        dense_width=64,
        dense_networks=1000,
        resp_depths=[10, 30, 100, 300],
        resp_n_branch_scales=49,
        resp_mc_depths=[10, 30],
        resp_mc_branch_scales=[0.03, 0.1, 0.3, 1.0],
        resp_mc_width=128,
        resp_mc_networks=1000,
        jvp_widths=[16, 32],
        jvp_networks=60_000,
        jvp_nodes=(200, 70),
        rfs_widths=[16, 32],
        rfs_networks=[150_000, 50_000],
        rfs_nodes=(128, 22),
        star_sigma_w2=[0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0],
        train_branch_scale_bounds=(0.05, 3.0),
        train_n_branch_scales=11,
        train_n_train=None,
        train_width=64,
        train_seeds=4,
        epochs=6,
        batch_size=50,
        dataset="digits",
        langevin_depths=[30],
    ),
    "05_synthesis": dict(
        exponents=[0.0, 0.25, 0.5, 0.75, 1.0],
        widths=[64, 128],
        betas=[0.25, 0.5, 1.0],
        n_networks=1000,
        dense_width=64,
        dense_depth=32,
        dense_networks=300,
        kernel_networks=1000,
        ft_depth=64,
        ft_widths=[32, 64, 128],
        ft_networks=8000,
    ),
}

_FULL_OVERRIDES: dict[str, dict[str, Any]] = {
    "00_introduction": dict(
        width=2048,
        n_networks=512,
        depth=128,
        n_points=41,
        widths=[256, 512, 1024, 2048],
        width_networks=[8192, 4096, 2048, 1024],
        sweep_workers=4,
    ),
    "01_mean_field": dict(
        width=2048,
        n_networks=256,
        depth=500,
        theory_depth_tanh=4000,
        theory_depth=200_000,
        dense_networks=64,
        dense_depth=100,
        kernel_networks=1024,
        kernel_points=17,
        dataset="fashion_mnist",
        n_train=20_000,
        n_test=10_000,
        train_width=128,
        train_depths=[8, 16, 32, 64, 128, 256],
        train_sw2L=(2.0, 512.0),
        train_grid=17,
        train_seeds=8,
        epochs=10,
        batch_size=100,
        relu_depth=32,
        relu_sigma_v2=[0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0],
        relu_kappa=(0.02, 16.0),
        relu_grid=21,
    ),
    "02_log_gaussian": dict(
        widths=[64, 128, 256, 512, 1024],
        width_networks=[100_000, 100_000, 50_000, 20_000, 10_000],
        fit_widths=[128, 256, 512, 1024],
        beta_max=2.0,
        main_width=256,
        betas=[0.25, 0.5, 1.0, 2.0],
        n_networks=50_000,
        balanced_networks=50_000,
        sign_lags=8,
        acov_lags=24,
        c_width=512,
        c_networks=20_000,
        dense_width=256,
        dense_depth=64,
        dense_networks=4000,
        memory_budget=2**34,
        limit_widths=[128, 256, 512, 1024],
        limit_networks=[100_000, 50_000, 20_000, 10_000],
        two_layer_widths=[128, 256, 512],
        two_layer_networks=[50000, 20000, 10000],
        full_residual_networks=20_000,
    ),
    "03_commuting_limits": dict(
        flow_configs=[(64, 1024), (1024, 16), (256, 256), (4096, 256)],
        flow_networks=512,
        grid_widths=[16, 32, 64, 128, 256, 512, 1024],
        grid_depths=[16, 32, 64, 128, 256, 512, 1024],
        grid_networks=512,
        path_widths=[16, 32, 64, 128, 256, 512, 1024],
        path_networks=256,
        exponent_depths=[16, 64, 256, 1024],
        exponent_width=2048,
        exponent_networks=512,
        gauss_widths=[8, 16, 32, 64, 128, 256, 512, 1024],
        gauss_depth=256,
        gauss_neurons=2**22,
        gauss_depth_pair=(64, 1024),
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
        sde_widths=[4, 8, 16, 32, 64, 128, 256, 512, 1024],
        sde_steps=64,
        sde_neurons={"relu": 2**23, "tanh": 2**22},
        sde_taper_width=64,
        sde_pilot=256,
        sde_check_steps=256,
        sde_check_levels=7,
        sde_check_neurons=2**21,
        joint_widths=[4, 8, 16, 32, 64, 128, 256, 512],
        joint_neurons=2**21,
        net_check_networks=4096,
    ),
    "04_field_theory": dict(
        fs_widths=[16, 32, 64, 128, 256],
        fs_networks=[2_000_000, 2_000_000, 1_000_000, 500_000, 250_000],
        dense_width=128,
        dense_networks=20_000,
        resp_depths=[10, 30, 100, 300, 1000],
        resp_n_branch_scales=97,
        resp_mc_depths=[10, 30, 100],
        resp_mc_branch_scales=[0.03, 0.1, 0.2, 0.3, 0.5, 1.0],
        resp_mc_width=256,
        resp_mc_networks=20_000,
        jvp_widths=[8, 16, 32, 64],
        jvp_networks=1_000_000,
        jvp_nodes=(200, 100),
        rfs_widths=[16, 32, 64],
        rfs_networks=[1_000_000, 500_000, 250_000],
        rfs_nodes=(128, 30),
        star_sigma_w2=[0.0625, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0],
        train_branch_scale_bounds=(0.03, 3.0),
        train_n_branch_scales=13,
        train_n_train=20_000,
        train_width=128,
        train_seeds=8,
        epochs=10,
        batch_size=100,
        dataset="fashion_mnist",
        langevin_depths=[10, 30, 100],
    ),
    "05_synthesis": dict(
        exponents=[0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0],
        widths=[64, 128, 256, 512],
        betas=[0.125, 0.25, 0.5, 1.0, 2.0],
        n_networks=20_000,
        dense_width=256,
        dense_depth=128,
        dense_networks=2000,
        kernel_networks=20_000,
        ft_depth=128,
        ft_widths=[128, 256, 512, 1024],
        ft_networks=100_000,
    ),
}

PROFILES: MappingProxyType[str, MappingProxyType[str, dict[str, Any]]] = MappingProxyType(
    {
        "quick": MappingProxyType(_QUICK),
        "full": MappingProxyType(
            {ch: {**table, **_FULL_OVERRIDES.get(ch, {})} for ch, table in _QUICK.items()}
        ),
    }
)
"""The sizes of each chapter under each profile (``full`` = ``quick`` updated by its overrides)."""

UNDECIDABLE: MappingProxyType[str, dict[str, tuple[str, ...]] | None] = MappingProxyType(
    {
        # measured: the pinned quick verdicts (tests/fixtures/verdicts_quick.json)
        "quick": {
            "01_mean_field": ("YS17-2",),
            "02_log_gaussian": ("02-6a",),
            "05_synthesis": ("05-8", "05-10"),
        },
        "full": None,  # never executed (no GPU run yet): not known
    }
)
"""The claims each profile is too small to decide, per chapter; ``None`` where not yet known."""


def sizes(chapter: str, profile: str = "quick") -> SimpleNamespace:
    """The parameters and sizes of ``chapter`` under ``profile`` (``quick`` or ``full``)."""
    table = PROFILES[_validate.choice("profile", profile, PROFILES)]
    if chapter not in table:
        raise ValueError(f"chapter: no sizes for {chapter!r} in profile {profile!r}")
    return SimpleNamespace(**PARAMETERS.get(chapter, {}), **table[chapter])


def undecidable(chapter: str, profile: str = "quick") -> tuple[str, ...] | None:
    """The claim ids of ``chapter`` that ``profile`` cannot decide; ``None`` if not yet known."""
    table = UNDECIDABLE[_validate.choice("profile", profile, UNDECIDABLE)]
    if chapter not in PROFILES[profile]:
        raise ValueError(f"chapter: no sizes for {chapter!r} in profile {profile!r}")
    return None if table is None else table.get(chapter, ())
