r"""The claims of the log-Gaussian chapter (Li, Nica & Roy 2021, our reconstruction): their
declarations and the checks that decide them from the results of
``resprop.log_gaussian_experiments``.

Every check is a ``claims.Check.compare`` of theory against measurement (τ = 4 SE) with a
named alternative; each ``decide_*`` function returns a ``Decision`` (checks, figure, note)
that the chapter records with ``decision.record(ch, claim_id)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _validate
from .claims import Check, Claim
from .estimators import extrapolate_inverse_n, ks_null, mean_se, variance_se
from .log_gaussian_experiments import hypo, z_at
from .simulate import Record
from .theory import log_gaussian as lg

__all__ = [
    "CLAIMS",
    "Decision",
    "decide_balanced",
    "decide_balanced_variance",
    "decide_blocks",
    "decide_fc",
    "decide_hypoactivation",
    "decide_interlayer",
    "decide_ks_gaussian",
    "decide_ks_mixture",
    "decide_limit",
    "decide_sampler",
    "decide_second_moment",
    "decide_skewness",
    "declare_claims",
    "limit_report",
]

CLAIMS = (
    ("02-0", "The gram sampler agrees in law with dense weight matrices on the ReLU ResNet.",
     "variance of L_d and pooled active fraction, dense minus gram, against 0"),
    ("02-1a", "Mean of the log-norm: n E L_d / d → μ(c).",
     "1/n extrapolation of the edge-corrected mean at β = 1/2 over four widths"),
    ("02-1b", "Variance of the log-norm: n Var L_d / d → s²(c).",
     "1/n extrapolation of the edge-corrected variance at β = 1/2 over four widths"),
    ("02-1c", "Shape: L_d is Gaussian in the limit (skewness → 0).",
     "1/n extrapolation of the skewness of L_d at β = 1/2"),
    ("02-2a", "The normalised output follows the predicted log-Gaussian scale mixture.",
     "KS distance to the mixture at each β, against its null size and the Gaussian limit"),
    ("02-2b", "The Gaussian limit stays wrong as n grows at fixed β.",
     "KS distance of the output to N(0, 1) at the largest width"),
    ("02-3a", "Hypoactivation (count): n(½ − fraction active) → θ_K(c).",
     "pooled over layers and networks, extrapolated in 1/n"),
    ("02-3b", "Hypoactivation (energy): n(½ − ‖σ(x)‖²/‖x‖²) → θ_E(c).",
     "pooled over layers and networks, extrapolated in 1/n"),
    ("02-4a", "Interlayer correlations of the block increments: Σ_k n Cov(ΔL_l, ΔL_l+k) → "
     "(c/A)² Σ κ(ρᵏ)/4.", "lag sums pooled over layers, extrapolated in 1/n"),
    ("02-4b", "The output variance grows exponentially: ln E t² = m₂β.",
     "log-mean-exp of L_l at β = 1/2, extrapolated in 1/n"),
    ("02-5a", "Balanced ResNet (CReLU) has no hypoactivation and no interlayer correlation.",
     "pooled fraction and lag sum against 0, the standard ResNet's values as alternative"),
    ("02-5b", "Balanced ResNet (random-sign) has no hypoactivation and no interlayer "
     "correlation.", "pooled fraction and lag sum against 0"),
    ("02-5c", "Balanced ResNet (CReLU): Var L_d = its exact finite-n law.",
     "variance of L_d at n = 128, β = 1"),
    ("02-5d", "Balanced ResNet (random-sign): Var L_d = its leading-order law.",
     "variance of L_d at n = 128, β = 1"),
    ("02-6a", "Fully connected He network (Hanin & Nica): Var of the log-norm = exact finite-n "
     "theory.", "variance at n = 128, β = 1"),
    ("02-6b", "Fully connected He network (Hanin & Nica): mean log-norm = exact finite-n "
     "theory.", "mean at n = 128, β = 1"),
    ("02-7", "The two-layer block x + Vσ(Wσ(x)) has its own log-Gaussian constants, "
     "μ − 5c²/(8A²) and s² + 5c²/(4A²): not only c changes.",
     "two-layer minus one-layer at equal n and growth; 1/n extrapolation of the two-layer "
     "constants"),
)  # fmt: skip
"""(id, statement, what is tested) of every claim, in the chapter's order."""


@dataclass(frozen=True)
class Decision:
    """The checks that decide one claim, the figure that shows it and the note of its numbers."""

    checks: tuple[Check, ...]
    note: str = ""
    figure: str | None = None

    def record(self, ch: Any, claim_id: str) -> Claim:
        """Record the claim ``claim_id`` on the chapter ``ch`` (``Chapter.record``)."""
        return ch.record(claim_id, *self.checks, figure=self.figure, note=self.note)


def _fit_check(
    label: str, fit: Any, *, theory: float, alternative: float, alternative_label: str
) -> Check:
    """``Check.compare`` of an extrapolation a + b/n (its value a ± SE) against ``theory``."""
    return Check.compare(
        label,
        theory=theory,
        measured=fit.value,
        se=fit.se,
        alternative=alternative,
        alternative_label=alternative_label,
    )


def declare_claims(ch: Any) -> None:
    """Declare every claim of ``CLAIMS`` on ``ch`` (a ``Chapter``), before any number is
    computed; 02-0 and 02-7 are the book's own, the others LNR21's."""
    for cid, statement, tests in CLAIMS:
        ch.declare(
            cid, statement, paper="book" if cid in ("02-0", "02-7") else "LNR21", tests=tests
        )


def decide_sampler(res: Mapping[str, Any]) -> Decision:
    """02-0: Var L_d and the active fraction, dense − gram (``sampler_check``), against 0."""
    pairs = (
        ("Var L_d", res["d_var"], res["no_corr"], "lost the interlayer correlations"),
        ("active fraction", res["d_frac"], res["no_hypo"], "lost the hypoactivation"),
    )
    d_frac = res["d_frac"]
    return Decision(
        tuple(
            Check.compare(
                f"{what}, dense − gram",
                theory=0.0,
                measured=est[0],
                se=est[1],
                alternative=gap,
                alternative_label=f"gap if one sampler {lost}",
            )
            for what, est, gap, lost in pairs
        ),
        note=f"n = {res['width']}, d = {res['depth']}, B = {res['n_networks']} per sampler; "
        f"two-sample KS p = {res['ks_L']:.3f} (L_d), {res['ks_t']:.3f} (output); active fraction "
        f"differs by {d_frac[0] / d_frac[1]:+.2f} SE",
    )


# ---------------------------------------------------------------------------------------------
# claim 1


def limit_report(limit: Mapping[str, Mapping[int, dict]], c: float, beta: float, n: int) -> str:
    """One line: how many SE the one-layer mean and variance per unit β at width ``n`` lie
    from the leading order, and the variance by width."""
    z_mean = z_at(limit, "one_layer", n, "mean", lg.mu(c))
    z_var = z_at(limit, "one_layer", n, "variance", lg.s2(c))
    return (
        f"one-layer, n = {n}, β = {beta:g}: mean/β {z_mean:+.1f} SE and variance/β "
        f"{z_var:+.1f} SE from the leading order (finite depth); by width: "
        + ", ".join(
            f"{m}: {y:.3f} ± {e:.3f}"
            for m, (y, e) in ((m, v["variance"]) for m, v in limit["one_layer"].items())
        )
    )


def decide_limit(
    limit: Mapping[str, Mapping[int, dict]],
    fit: Mapping[str, Any],
    c: float,
    beta: float,
    n: int,
    q: str,
) -> Decision:
    """02-1a (``q`` = "mean"): the extrapolated mean per unit β against μ(c), alternative μ
    without the Itô term of r; 02-1b (``q`` = "variance"): the extrapolated variance against
    s²(c), alternative s² without the one-block fluctuation of r. The note gives how far the
    leading order is at width ``n``."""
    _validate.choice("q", q, ("mean", "variance"))
    widths = list(limit["one_layer"])
    if q == "mean":
        theory = lg.mu(c)
        alternative, label = theory - lg.mean_parts(c)["ito_r"], "μ without the Itô term of r"
    else:
        theory = lg.s2(c)
        alternative = theory - lg.variance_parts(c)["one_layer"]
        label = "s² without the one-block fluctuation of r"
    z = z_at(limit, "one_layer", n, q, theory)
    b = fit[q].slope
    if q == "mean":
        fit_note = ", ".join(f"{k}: χ² p = {fit[k].p_value:.2f}" for k in ("mean", "variance"))
        note = (
            f"weighted fit a + b/n over n = {widths} at β = {beta:g}, "
            f"b = {b:.2f}; at n = {n} the leading order is {z:+.1f} SE off; {fit_note}"
        )
    else:
        note = (
            f"holds in the limit only: at n = {n} the leading order is "
            f"{'rejected' if abs(z) > 3 else 'not rejected'} ({z:+.1f} SE); finite-n "
            f"excess b/n with b = {b:.1f} ({b / n / theory:+.1%} at n = {n}); fit over n = {widths}"
        )
    check = _fit_check(
        f"{q}/β, n → ∞", fit[q], theory=theory, alternative=alternative, alternative_label=label
    )
    return Decision((check,), figure="moments_vs_beta", note=note)


def decide_skewness(
    limit: Mapping[str, Mapping[int, dict]],
    fit: Mapping[str, Any],
    beta: float,
    beta_max: float,
    width: int,
    shape: Mapping[float, tuple],
) -> Decision:
    """02-1c: the extrapolated skewness of L_d against 0; alternative an n-independent
    skewness (the weighted mean over widths)."""
    widths = list(limit["one_layer"])
    skew_y, skew_e = np.array([limit["one_layer"][n]["skewness"] for n in widths]).T
    flat = extrapolate_inverse_n(widths, skew_y, skew_e, order=0)
    return Decision(
        (
            _fit_check(
                "skewness of L_d, n → ∞",
                fit["skewness"],
                theory=0.0,
                alternative=flat.value,
                alternative_label="n-independent skewness: weighted mean over widths",
            ),
        ),
        figure="moments_vs_beta",
        note="skewness by width at β = "
        + f"{beta:g}: "
        + ", ".join(
            f"{n}: {y:+.3f} ± {e:.3f}" for n, y, e in zip(widths, skew_y, skew_e, strict=True)
        )
        + f"; excess kurtosis at β = {beta_max:g} extrapolated "
        f"{fit['excess kurtosis'].value:+.3f} ± "
        f"{fit['excess kurtosis'].se:.3f}; Anderson–Darling at n = {width}: p = "
        + ", ".join(f"{p:.2f} (β = {b:g})" for b, (_, p, _) in shape.items()),
    )


# ---------------------------------------------------------------------------------------------
# claim 2


def decide_ks_mixture(
    main: Mapping[float, Record],
    ks_table: Mapping[float, tuple],
    c: float,
    width: int,
    per_beta: str,
) -> Decision:
    """02-2a: per β, the KS distance of the output to the mixture against its null mean
    (``ks_null``); alternative the population distance if the output were N(0, 1)."""
    checks = []
    for beta, rec in main.items():
        law = lg.predict(c, width, rec.network.depth).output_law()
        ks_mean, ks_sd = ks_null(rec.n_networks)
        checks.append(
            Check.compare(
                f"KS to the mixture, β = {beta:g}",
                theory=ks_mean,
                measured=float(ks_table[beta][0].statistic),
                se=ks_sd,
                alternative=lg.gaussian_ks_distance(law),
                alternative_label="KS if the output were the Gaussian limit",
            )
        )
    return Decision(
        tuple(checks),
        figure="output_histograms",
        note=f"n = {width}, networks per β: {per_beta}; KS p-values against the mixture "
        + ", ".join(f"{ks_table[b][0].pvalue:.3f}" for b in main)
        + "; against N(0, 1) "
        + ", ".join(f"{ks_table[b][1].pvalue:.1e}" for b in main),
    )


def decide_ks_gaussian(
    ks_n: Mapping[int, tuple], ks_pop: float, n_networks: Sequence[int], beta_max: float
) -> Decision:
    """02-2b: the KS distance to N(0, 1) at the largest width against the population distance
    ``ks_pop`` (SE 0.5/√B); alternative 0 (the Gaussian limit)."""
    widths = list(ks_n)
    n_big = max(widths)
    B_big = n_networks[widths.index(n_big)]
    return Decision(
        (
            Check.compare(
                f"KS of the output to N(0, 1), n = {n_big}, β = {beta_max:g}",
                theory=ks_pop,
                measured=float(ks_n[n_big][1]),
                se=0.5 / math.sqrt(B_big),
                alternative=0.0,
                alternative_label="Gaussian limit, KS → 0",
            ),
        ),
        figure="ks_vs_width",
        note=f"n = {n_big}, B = {B_big}; SE of an empirical cdf value ≤ 0.5/√B. KS to N(0, 1) by "
        "width: " + ", ".join(f"{n}: {ks_n[n][1]:.3f}" for n in widths),
    )


# ---------------------------------------------------------------------------------------------
# claims 3–6


def decide_hypoactivation(
    hyp: Mapping[str, dict],
    field: str,
    c: float,
    burn_in: int,
    fit_widths: Sequence[int],
    width: int,
) -> Decision:
    """02-3a/b: the extrapolated pooled deficit of ``field`` (``hypo_fits``) against θ_K(c)
    (count) or θ_E(c) (energy); alternative 0 (half active)."""
    theta, label = {
        "active_fraction": (lg.theta_K, "count θ_K"),
        "active_energy": (lg.theta_E, "energy θ_E"),
    }[field]
    f, at_n = hyp[field]["fit"], hyp[field]["at_n"]
    return Decision(
        (
            _fit_check(
                f"n(½ − fraction), {label}, n → ∞",
                f,
                theory=theta(c),
                alternative=0.0,
                alternative_label="Gaussian limit: half active",
            ),
        ),
        figure="hypoactivation",
        note=f"pooled over layers ≥ {burn_in}; fit a + b/n over n = {fit_widths}, "
        f"b = {f.slope:.2f}; at n = {width}: {at_n[0]:.3f} ± {at_n[1]:.3f}",
    )


def _zero_alternative(
    label: str,
    fit: Any,
    theory: float,
    alternative_label: str,
    by_width: Mapping[int, tuple],
    fit_widths: Sequence[int],
    *,
    figure: str,
    slope_digits: int,
    prefix: str = "",
) -> Decision:
    """A fit a + b/n against ``theory`` with alternative 0; the note lists the fit and the
    per-width estimates ``by_width`` (value, SE)."""
    check = _fit_check(
        label, fit, theory=theory, alternative=0.0, alternative_label=alternative_label
    )
    note = f"fit a + b/n over n = {fit_widths}, b = {fit.slope:.{slope_digits}f}; by width: "
    note += ", ".join(f"{prefix}{n}: {y:.3f} ± {e:.3f}" for n, (y, e) in by_width.items())
    return Decision((check,), figure=figure, note=note)


def decide_interlayer(
    inter: Mapping[int, tuple], theory: float, fit: Any, K: np.ndarray, fit_widths: Sequence[int]
) -> Decision:
    """02-4a: the extrapolated lag sum Σ_k n Cov(ΔL_l, ΔL_l+k) against (c/A)² Σ κ(ρᵏ)/4;
    alternative 0 (no interlayer correlation)."""
    return _zero_alternative(
        f"Σ_(k=1..{K[-1]}) n Cov(ΔL_l, ΔL_l+k), n → ∞",
        fit,
        theory,
        "no interlayer correlation: Gaussian limit, Balanced",
        inter,
        fit_widths,
        figure="correlations",
        slope_digits=1,
        prefix="n=",
    )


def decide_second_moment(
    sm: Mapping[int, tuple], fit: Any, c: float, beta: float, fit_widths: Sequence[int]
) -> Decision:
    """02-4b: the extrapolated ln E t² at β against m₂β; alternative 0 (a martingale norm)."""
    return _zero_alternative(
        f"ln E t² at β = {beta}, n → ∞",
        fit,
        lg.second_moment_exponent(c) * beta,
        "martingale norm: Gaussian limit, Balanced, fully connected",
        sm,
        fit_widths,
        figure="second_moment",
        slope_digits=2,
    )


def decide_balanced(
    rec: Record,
    acov: tuple,
    rec_std: Record,
    acov_std: tuple,
    c: float,
    inter_theory: float,
    K: np.ndarray,
    burn_in: int,
) -> Decision:
    """02-5a/b: the pooled deficit (``hypo``) and the lag sum (``increment_autocov`` result
    ``acov``) of the Balanced run ``rec`` against 0; alternatives the standard ResNet's θ_K
    (mean over layers ≥ ``burn_in``) and interlayer sum ``inter_theory``."""
    width, d0 = rec.network.width, rec_std.network.depth
    theta_std = float(np.mean([lg.theta_K(c, layer=l) for l in range(burn_in, d0 + 1)]))
    m_h, se_h = mean_se(hypo(rec, width, burn_in)[2])
    m_c, se_c = mean_se(acov[2][:, 1:].sum(1))
    return Decision(
        (
            Check.compare(
                "n(½ − fraction active)",
                theory=0.0,
                measured=m_h,
                se=se_h,
                alternative=theta_std,
                alternative_label="the standard ResNet's θ_K",
            ),
            Check.compare(
                f"Σ_(k=1..{K[-1]}) n Cov(ΔL_l, ΔL_l+k)",
                theory=0.0,
                measured=m_c,
                se=se_c,
                alternative=inter_theory,
                alternative_label="the standard ResNet's interlayer sum",
            ),
        ),
        figure="hypoactivation",
        note=f"n = {width}, {rec.n_networks} networks, layers ≥ {burn_in}; standard ResNet, same "
        f"estimators: {mean_se(hypo(rec_std, width, burn_in)[2])[0]:.3f} and "
        f"{acov_std[2][:, 1:].sum(1).mean():.3f}",
    )


def decide_balanced_variance(
    checks: Mapping[str, tuple], variant: str, c: float, width: int
) -> Decision:
    """02-5c/d: Var L_d of a Balanced variant against its law (exact finite-n for CReLU,
    leading order for random-sign); alternative the standard ResNet's variance."""
    L, pred = checks[variant]
    d0 = pred.depth
    v, ve = variance_se(L)
    return Decision(
        (
            Check.compare(
                f"Var L_d, n = {width}, d = {d0}",
                theory=pred.var,
                measured=v,
                se=ve,
                alternative=lg.predict(c, width, d0).var,
                alternative_label="the standard ResNet's variance",
            ),
        ),
        figure="balanced",
        note=f"theory {'exact finite-n' if variant == 'crelu' else 'leading order'}; {len(L)} "
        f"networks; mean {L.mean():.3f} vs theory {pred.mean:.3f}; variance ratio "
        f"standard/this: theory {lg.s2(c) / lg.balanced_constants(c, variant)[1]:.2f}",
    )


def decide_fc(checks: Mapping[str, tuple], c: float, width: int) -> dict[str, Decision]:
    """02-6a and 02-6b: variance and mean of the fully connected He network's log-norm against
    its exact finite-n theory; alternatives the He ResNet's."""
    L, pred = checks["fc"]
    d0 = pred.depth
    std = lg.predict(c, width, d0)
    limits = (f"5β = {5 * d0 / width:.2f}", f"−5β/2 = {-2.5 * d0 / width:.2f}")
    rows = (
        ("variance", "Var of the log-norm", variance_se(L), pred.var, std.var, limits[0]),
        ("mean", "mean log-norm", mean_se(L), pred.mean, std.mean, limits[1]),
    )
    return {
        q: Decision(
            (
                Check.compare(
                    f"{label}, n = {width}, d = {d0}",
                    theory=theory,
                    measured=est[0],
                    se=est[1],
                    alternative=alternative,
                    alternative_label=f"the He ResNet's {q}, with skip connections",
                ),
            ),
            figure="balanced",
            note=f"{len(L)} networks; limit {limit}",
        )
        for q, label, est, theory, alternative, limit in rows
    }


# ---------------------------------------------------------------------------------------------
# claim 02-7


def decide_blocks(
    blocks: Mapping[str, dict],
    limit: Mapping[str, Mapping[int, dict]],
    limit_fit: Mapping[tuple[str, str], Any],
    c: float,
    width: int,
    sigma_v2: float,
) -> Decision:
    """02-7: two-layer − one-layer per unit β at ``width`` against the constants' difference,
    and the extrapolated two-layer constants against their theory; alternative the one-layer
    constants ("only c changes")."""
    checks = []
    for q, k in (("mean", 0), ("variance", 1)):
        (y1, e1), (y2, e2) = blocks["one_layer"][q], blocks["two_layer"][q]
        checks.append(
            Check.compare(
                f"{q}/β, two-layer − one-layer, n = {width}",
                theory=lg.block_constants(c, "two_layer")[k]
                - lg.block_constants(c, "one_layer")[k],
                measured=y2 - y1,
                se=math.hypot(e1, e2),
                alternative=0.0,
                alternative_label="only c changes: the one-layer constants",
            )
        )
    for q, k in (("mean", 0), ("variance", 1)):
        checks.append(
            _fit_check(
                f"two-layer {q}/β, n → ∞",
                limit_fit["two_layer", q],
                theory=lg.block_constants(c, "two_layer")[k],
                alternative=lg.block_constants(c, "one_layer")[k],
                alternative_label="only c changes: the one-layer constants",
            )
        )
    z2 = {
        q: z_at(limit, "two_layer", width, q, lg.block_constants(c, "two_layer")[q == "variance"])
        for q in ("mean", "variance")
    }
    full = blocks["full_residual"]
    full_mu, full_s2 = lg.block_constants(c, "full_residual")
    return Decision(
        tuple(checks),
        figure="blocks",
        note=f"He on both layers (σ_w² = {2 * c / sigma_v2:g}, σ_v² = "
        f"{sigma_v2:g}, c = {c:g}); at n = {width} the two-layer leading order is "
        f"{z2['mean']:+.1f} SE (mean) and {z2['variance']:+.1f} SE (variance) off; fit over n = "
        f"{list(limit['two_layer'])}; full residual block at n = {width}: mean/β "
        f"{full['mean'][0]:.3f} ± {full['mean'][1]:.3f}, "
        f"variance/β {full['variance'][0]:.3f} ± "
        f"{full['variance'][1]:.3f} (exact finite-n law, edge-corrected to "
        f"{full_mu:.3f}, {full_s2:.3f})",
    )
