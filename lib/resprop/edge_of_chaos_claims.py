"""The claims of chapter 01 (Yang & Schoenholz's mean-field residual networks): their
declarations and the checks that decide them from the results of ``resprop.edge_of_chaos``.

Every check is a ``claims.Check.compare`` of theory against measurement with a tolerance of
4 standard errors (plus a stated model tolerance where said) and a named alternative.
Monte Carlo slopes are fitted on the window l ∈ [L/4, L] of the simulated depth L, the
recursion's large-depth slopes on [L_big/4, L_big].
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import _validate
from .claims import Check
from .edge_of_chaos import (
    ACTIVATIONS,
    ARCHITECTURES,
    E0,
    KernelRoutes,
    ReluBoundary,
    TanhBoundary,
    chi_samples,
    cosine,
    sigmas,
)
from .estimators import fit_slope, fit_slope_of_mean
from .simulate import Record
from .theory import mean_field as mf

__all__ = [
    "E_STAR_DEPTH",
    "LAW_ALTERNATIVES",
    "QUANTITIES",
    "TOLERANCES",
    "contour_checks",
    "declare_claims",
    "depth_dependence_check",
    "describe_checks",
    "exponent_table",
    "format_exponent_table",
    "geometry_checks",
    "growth_class_checks",
    "kernel_checks",
    "needs",
]

Families = Mapping[tuple[str, str], Any]


def declare_claims(ch: Any) -> None:
    """Declare the chapter's six claims on ``ch`` (a ``Chapter``) before any number is computed."""
    ch.declare(
        "YS17-1",
        "tanh: gradients of feed-forward networks explode exponentially (ln χ ∝ l), those of "
        "residual networks subexponentially (ln χ ∝ √l).",
        paper="YS17",
        tests="Monte Carlo slopes of ln χ⁰/χ^l against the recursion's, alternative the other "
        "growth class's network; the recursion's growth class at large depth, alternative the "
        "other law",
    )
    ch.declare(
        "YS17-2",
        "The exponents of p, the cosine and χ⁰/χ^L per activation and architecture follow the "
        "analytic laws.",
        paper="YS17",
        tests="law against the recursion at large depth within stated tolerances, and Monte "
        "Carlo against the recursion on the simulated depths; alternative: the feed-forward "
        "network",
    )
    ch.declare(
        "YS17-3",
        "tanh residual networks preserve the input geometry: the difference of output cosines "
        "of two input pairs survives depth, while feed-forward networks forget it exponentially.",
        paper="YS17",
        tests="Δe^(L) of Monte Carlo against the recursion, alternative the other "
        "architecture's recursion",
    )
    ch.declare(
        "YS17-4",
        "Trained accuracy follows the contours of an initialisation-time quantity: the "
        "gradient explosion ln χ⁰/χ^L (tanh), the expected squared distance s^L (α-ReLU).",
        paper="YS17",
        tests="collapse of the trainability boundary (accuracy below 95 % of its best) onto "
        "the theory's level sets, on the profile's data set: tanh, slope of ln ln χ⁰/χ^L at "
        "the boundary vs ln L (claim 0, alternative: the boundary at a fixed σ_w²); α-ReLU, "
        "slope of the boundary's ln σ_w² vs ln σ_v² at one depth against the exact level set "
        "of s^L (alternative 0: σ_w² alone); bootstrap SE over seeds plus grid resolution, 4 SE",
    )
    ch.declare(
        "YS17-5",
        "The optimal weight variance depends on depth (σ_w² ∝ 1/L for tanh), so Xavier/He are "
        "not optimal.",
        paper="YS17",
        tests="slope of the trainability boundary's ln σ_w² vs ln L (tanh FRN, depths over a "
        "factor 16, the profile's data set) against the slope of the exact recursion's "
        "ln χ⁰/χ^L level set through it; alternative 0 (a depth-independent variance such as "
        "Xavier/He); bootstrap SE over seeds plus grid resolution, 4 SE",
    )
    ch.declare(
        "YS17-6",
        "Kernels of powers of ReLU: the Bessel-K₀ integral, the hypergeometric closed forms "
        "and the identity F′_α = α² F_{α−1} agree, and match Monte Carlo.",
        paper="YS17",
        tests="largest deviation of each route from the closed form (deterministic, stated "
        "tolerance) and the mean squared Monte Carlo z-score; alternatives: the kernel at "
        "α + 0.05, the identity without α²",
    )


def describe_checks(checks: Sequence[Check]) -> str:
    """One line per check: label, verdict and numbers."""
    return "\n".join(f"  {c.label:<62s} {c.verdict:<14s} {c.numbers()}" for c in checks)


def _depth(sim: Families) -> int:
    if not sim:
        raise ValueError("sim: expected the records of simulate_families, got none")
    rec = next(iter(sim.values()))
    if not isinstance(rec, Record):
        raise TypeError(f"sim: expected Records, got {type(rec).__name__}")
    return rec.log_sq_norm.shape[1] - 1


def _sim_vs_recursion(rec_samples, th_curve, x_scale, seed, y_transform="log"):
    """Monte Carlo slope of the mean (bootstrap SE) and the recursion's, on [L/4, L]."""
    L = th_curve.shape[0] - 1
    layers, window = np.arange(L + 1), (L / 4, L)
    fit = fit_slope_of_mean(
        layers, rec_samples, window=window, x_scale=x_scale, y_transform=y_transform, seed=seed
    )
    ref = fit_slope(layers, th_curve, window=window, x_scale=x_scale)
    return fit, ref


def growth_class_checks(
    sim: Families, theory: Families, *, big_depth: int, seed: int
) -> list[Check]:
    """Claim YS17-1: the growth class of ln χ⁰/χ^l of tanh networks.

    Monte Carlo against recursion: slope of ln E χ⁰/χ^l against √l (residual) or l
    (feed-forward) on [L/4, L], bootstrap SE (``seed``), 4 SE; alternative the other growth
    class's network. The recursion at ``big_depth``: relative drift of that slope between the
    window's halves, 0 for the right law (tolerance 1 % for √l, 1e-6 for l), alternative the
    drift the other law shows on the same window and axis.
    """
    L = _depth(sim)
    Lb = _validate.integer("big_depth", big_depth, minimum=8)
    layers, window = np.arange(L + 1), (L / 4, L)
    checks = []
    for arch, scale in (("full", "sqrt"), ("reduced", "sqrt"), ("feedforward", "linear")):
        chis = np.exp(chi_samples(sim["tanh", arch]))
        fit, ref = _sim_vs_recursion(chis, theory["tanh", arch].log_chi[:, 0], scale, seed)
        other = "full" if arch == "feedforward" else "feedforward"
        alt = fit_slope(layers, theory["tanh", other].log_chi[:, 0], window=window, x_scale=scale)
        growth = "exponential" if other == "feedforward" else "subexponential"
        checks.append(
            Check.compare(
                f"tanh {arch}: d ln χ/d{'√l' if scale == 'sqrt' else 'l'}, MC vs recursion",
                theory=ref.slope,
                measured=fit.slope,
                se=fit.se,
                alternative=alt.slope,
                alternative_label=f"{other} network's recursion ({growth})",
            )
        )
    big = {
        arch: mf.mean_field(arch, Lb, "tanh", cosine=False, **sigmas(arch))
        for arch in ARCHITECTURES
    }
    big_layers = big["full"].layers
    for arch in ARCHITECTURES:
        scale = "linear" if arch == "feedforward" else "sqrt"
        fb = fit_slope(big_layers, big[arch].log_chi, window=(Lb / 4, Lb), x_scale=scale)
        law_curve = big_layers * 1.0 if scale == "sqrt" else np.sqrt(big_layers)
        other = fit_slope(big_layers, law_curve, window=(Lb / 4, Lb), x_scale=scale)
        checks.append(
            Check.compare(
                f"recursion, tanh {arch}, L = {Lb}: relative drift of "
                f"d ln χ/d{'√l' if scale == 'sqrt' else 'l'}",
                theory=0.0,
                measured=fb.drift / fb.slope,
                se=0.0,
                model_tolerance=0.01 if scale == "sqrt" else 1e-6,
                alternative=other.drift / other.slope,
                alternative_label="ln χ ∝ l (exponential)" if scale == "sqrt" else "ln χ ∝ √l",
            )
        )
    return checks


def geometry_checks(
    sim: Families, theory: Families, *, big_depth: int
) -> tuple[list[Check], list[str], float]:
    """Claim YS17-3: Δe^(L) = e^(L)_01 − e^(L)_02 of tanh networks.

    Per architecture, the mean of the per-network Δe (SE over networks) against the recursion,
    4 SE, alternative the other architecture's recursion; at ``big_depth``, the relative
    drift of d ln Δe/d ln l of the residual recursions, 0 for a power law (tolerance 0.1),
    alternative an exponential decay. Returns (checks, report lines, feed-forward Δe at
    ``big_depth``).
    """
    L = _depth(sim)
    Lb = _validate.integer("big_depth", big_depth, minimum=8)
    checks, delta, lines = [], {}, []
    for arch in ARCHITECTURES:
        rec = sim["tanh", arch]
        B = rec.correlation.shape[0]
        # per-network differences: both cosines come from the same networks
        d_b = rec.correlation[:, -1, 0, 1] - rec.correlation[:, -1, 0, 2]
        th = theory["tanh", arch].e[-1]
        delta[arch] = (
            float(th[0] - th[1]),
            float(d_b.mean()),
            float(d_b.std(ddof=1) / math.sqrt(B)),
        )
    for arch in ("full", "reduced", "feedforward"):
        other = "full" if arch == "feedforward" else "feedforward"
        th_d, mc_d, se_d = delta[arch]
        checks.append(
            Check.compare(
                f"tanh {arch}: Δe^(L) at L = {L}, MC vs recursion",
                theory=th_d,
                measured=mc_d,
                se=se_d,
                alternative=delta[other][0],
                alternative_label=f"{other} network's recursion",
            )
        )
    # At large depth the residual Δe decays like a power of l: its slope against ln l is
    # constant (relative drift between the window's halves → 0); an exponential decay has
    # relative drift 0.69 on this window. Tolerance 0.1: subleading corrections to the power law.
    gap = {arch: mf.mean_field(arch, Lb, "tanh", e0=E0, **sigmas(arch)) for arch in ARCHITECTURES}
    big_layers = gap["full"].layers
    expo = fit_slope(big_layers, -1.0 * big_layers, window=(Lb / 4, Lb), x_scale="log")
    for arch in ("full", "reduced"):
        d_curve = gap[arch].e[:, 0] - gap[arch].e[:, 1]
        fd = fit_slope(big_layers, np.log(d_curve), window=(Lb / 4, Lb), x_scale="log")
        lines.append(
            f"recursion, tanh {arch}: Δe^({Lb}) = {d_curve[-1]:.3f}, "
            f"d ln Δe/d ln l = {fd.slope:.3f}"
        )
        checks.append(
            Check.compare(
                f"recursion, tanh {arch}, L = {Lb}: relative drift of d ln Δe/d ln l",
                theory=0.0,
                measured=fd.drift / fd.slope,
                se=0.0,
                model_tolerance=0.1,
                alternative=expo.drift / expo.slope,
                alternative_label="exponential decay of Δe",
            )
        )
    d_ff = gap["feedforward"].e[-1, 0] - gap["feedforward"].e[-1, 1]
    lines.append(f"recursion, tanh feedforward: Δe^({Lb}) = {d_ff:.2e}")
    return checks, lines, float(d_ff)


QUANTITIES = {  # activation: (quantity, x_scale of its slope; None: the cosine's limit itself)
    "tanh": [("p", "log"), ("e", "log"), ("chi", "sqrt")],
    "α-ReLU": [("p", "log"), ("e", None), ("chi", "log")],
    "ReLU": [("p", "linear"), ("1-e", "log"), ("chi", "linear")],
}
"""The quantities whose exponents claim YS17-2 checks, per activation."""

TOLERANCES = {
    ("tanh", "p"): ("rel", 0.03),
    ("tanh", "e"): ("abs", 0.03),
    ("tanh", "chi"): ("rel", 0.04),
    ("α-ReLU", "p"): ("rel", 0.005),
    ("α-ReLU", "chi"): ("rel", 0.005),
    ("α-ReLU", "e"): ("abs", 0.02),
    ("ReLU", "p"): ("rel", 1e-9),
    ("ReLU", "1-e"): ("abs", 0.01),
    ("ReLU", "chi"): ("rel", 1e-9),
}
"""Tolerance of law against the large-depth recursion: relative, or absolute (cosine slopes)."""

# Where the feed-forward network has the same limit (the α-ReLU fixed point e*, the ReLU cosine
# exponent −2) it cannot serve as the alternative of the law check: there the alternative is
# the input cosine kept (no convergence) and the exponent −1 of a kernel map with a linear term.
LAW_ALTERNATIVES = {
    ("α-ReLU", "e"): (float(E0[0]), "cosine kept at its input value e⁰"),
    ("ReLU", "1-e"): (-1.0, "1 − e ∝ 1/l (another exponent)"),
}
"""Alternatives of the law checks where the feed-forward network shares the limit."""

E_STAR_DEPTH = 3000
"""Depth at which the α-ReLU cosine's recursion is compared with its fixed point e*."""


def _curve(r, q):
    """The recursion's curve that the slope of quantity q is fitted to."""
    if q in ("p", "chi"):
        return r.log_p if q == "p" else r.log_chi
    return np.log(r.e if q == "e" else r.epsilon)


def _mc_samples(rec, th, q):
    """Monte Carlo samples of quantity q, the recursion's curve and the transform of the mean."""
    if q == "p":  # rescaled by a constant (cancels in the slope) so exp() cannot overflow
        lsn = rec.log_sq_norm[:, :, 0]
        return np.exp(lsn - lsn.max()), th.log_p[:, 0], "log"
    if q == "chi":
        cs_ = chi_samples(rec)
        return np.exp(cs_ - cs_.max()), th.log_chi[:, 0], "log"
    if q == "e":
        return rec.correlation[:, :, 0, 1], np.log(th.e[:, 0]), "log"
    return rec.correlation[:, :, 0, 1], np.log(th.epsilon[:, 0]), "log1m"


def _fixed_point_row(act_label, arch, act, alpha, law, rec, th):
    """α-ReLU: e → e*; the cosine at depth L itself, and at E_STAR_DEPTH in the recursion."""
    e, se = cosine(rec)
    e_curve = mf.mean_field(arch, E_STAR_DEPTH, act, alpha=alpha, e0=E0[0], **sigmas(arch)).e
    ff_e = mf.mean_field("feedforward", E_STAR_DEPTH, act, alpha=alpha, e0=E0[0], sigma_w2=2.0)
    return dict(
        act=act_label,
        arch=arch,
        q="e^(L) → e*",
        law=f"e* = {law.exponent:.5f}",
        pred=law.exponent,
        big=e_curve[-1],
        drift=math.nan,
        ref=th.e[-1, 0],
        mc=e[-1],
        se=se[-1],
        alt_big=float(ff_e.e[-1]),
    )


def exponent_table(
    sim: Families,
    theory: Families,
    *,
    big_depth_tanh: int,
    big_depth: int,
    seed: int,
) -> tuple[list[dict[str, Any]], list[Check]]:
    """Claim YS17-2: rows of the exponent table and the checks that decide the claim.

    For each residual family and quantity (:data:`QUANTITIES`): the law of
    ``mf.asymptotic_laws`` against the recursion's slope at large depth (``big_depth_tanh``
    for tanh, ``big_depth`` otherwise) within :data:`TOLERANCES`, alternative the feed-forward
    network (or :data:`LAW_ALTERNATIVES`); and the recursion's slope on [L/4, L] against the
    Monte Carlo slope of the mean (bootstrap SE, ``seed``), 4 SE, alternative the feed-forward
    recursion. The headline check (the α-ReLU FRN's gradient exponent) comes first.
    """
    L = _depth(sim)
    layers, window = np.arange(L + 1), (L / 4, L)
    table, checks = [], []
    for act_label, (act, alpha) in ACTIVATIONS.items():
        Lbig = big_depth_tanh if act == "tanh" else big_depth
        Lbig = _validate.integer("big_depth", Lbig, minimum=8)
        ff_big = mf.mean_field(
            "feedforward",
            Lbig,
            act,
            alpha=alpha,
            e0=E0[0],
            cosine=act != "alpha_relu",
            sigma_w2=2.0,
        )
        for arch in ("reduced", "full"):
            laws = mf.asymptotic_laws(arch, act, alpha=alpha, **sigmas(arch))
            rb = mf.mean_field(
                arch, Lbig, act, alpha=alpha, e0=E0[0], cosine=act != "alpha_relu", **sigmas(arch)
            )
            rec, th = sim[act_label, arch], theory[act_label, arch]
            for q, scale in QUANTITIES[act_label]:
                law = laws["chi" if q == "chi" else ("e" if q in ("e", "1-e") else "p")]
                if q == "e" and scale is None:
                    row = _fixed_point_row(act_label, arch, act, alpha, law, rec, th)
                    row["alt_mc"] = float(theory[act_label, "feedforward"].e[-1, 0])
                    row["tol"] = TOLERANCES[act_label, q][1]
                else:
                    fb = fit_slope(rb.layers, _curve(rb, q), window=(Lbig / 4, Lbig), x_scale=scale)
                    samples, ref_curve, tr = _mc_samples(rec, th, q)
                    fit, ref = _sim_vs_recursion(samples, ref_curve, scale, seed, tr)
                    slope_name = {
                        "log": "d ln y/d ln l",
                        "sqrt": "d ln y/d√l",
                        "linear": "d ln y/dl",
                    }[scale]
                    ff_curve = _curve(theory[act_label, "feedforward"], q)[:, 0]
                    row = dict(
                        act=act_label,
                        arch=arch,
                        q=f"{q}: {slope_name}",
                        law=law.kind,
                        pred=law.exponent,
                        big=fb.slope,
                        drift=fb.drift,
                        ref=ref.slope,
                        mc=fit.slope,
                        se=fit.se,
                        alt_big=fit_slope(
                            ff_big.layers, _curve(ff_big, q), window=(Lbig / 4, Lbig), x_scale=scale
                        ).slope,
                        alt_mc=fit_slope(layers, ff_curve, window=window, x_scale=scale).slope,
                    )
                    kind, tol = TOLERANCES[act_label, q]
                    row["tol"] = tol * (abs(law.exponent) if kind == "rel" else 1.0)
                row["z"] = (row["mc"] - row["ref"]) / row["se"]
                table.append(row)
                Lshown = E_STAR_DEPTH if row["q"].startswith("e^(L)") else Lbig
                alt = LAW_ALTERNATIVES.get(
                    (act_label, q), (row["alt_big"], "feed-forward network, same activation")
                )
                checks.append(
                    Check.compare(
                        f"{act_label} {arch} {row['q']}: law vs recursion (L = {Lshown})",
                        theory=row["pred"],
                        measured=row["big"],
                        se=0.0,
                        model_tolerance=row["tol"],
                        alternative=alt[0],
                        alternative_label=alt[1],
                    )
                )
                checks.append(
                    Check.compare(
                        f"{act_label} {arch} {row['q']}: MC vs recursion (L = {L})",
                        theory=row["ref"],
                        measured=row["mc"],
                        se=row["se"],
                        alternative=row["alt_mc"],
                        alternative_label="feed-forward network, same activation",
                    )
                )
    headline = next(c for c in checks if c.label.startswith("α-ReLU full chi") and "law" in c.label)
    checks.insert(0, checks.pop(checks.index(headline)))
    return table, checks


def format_exponent_table(table: Sequence[Mapping[str, Any]], depth: int) -> str:
    """The rows of :func:`exponent_table` as a fixed-width text table."""
    head = (
        f"{'':18s}{'quantity':22s}{'law':>12s}{'predicted':>11s}{'rec. large L':>14s}"
        f"{'drift':>10s}{'rec. L=' + str(depth):>12s}{'Monte Carlo':>19s}{'z':>6s}"
    )
    rows = [
        f"{r['act'] + ' ' + r['arch']:18s}{r['q']:22s}{r['law']:>12s}{r['pred']:>11.4f}"
        f"{r['big']:>14.4f}{r['drift']:>10.1e}{r['ref']:>12.4f}{r['mc']:>11.4f} ± "
        f"{r['se']:.4f}{r['z']:>+6.1f}"
        for r in table
    ]
    return "\n".join([head, *rows])


def kernel_checks(kr: KernelRoutes) -> list[Check]:
    """Claim YS17-6: each route's largest deviation from the closed form (model tolerance 1e-10;
    1e-8 for the finite-difference identity), alternatives F at α + 0.05 and F′_α = F_{α−1};
    and the mean z² of the Monte Carlo against (B − 1)/(B − 3), alternative the Monte Carlo
    following F at α + 0.05."""
    if not isinstance(kr, KernelRoutes):
        raise TypeError(f"kr: expected KernelRoutes, got {type(kr).__name__}")
    worst, alt_kernel = kr.worst, kr.alt_kernel
    route_checks = [
        Check.compare(
            label,
            theory=0.0,
            measured=worst[key],
            se=0.0,
            model_tolerance=tol,
            alternative=alt,
            alternative_label=alt_label,
        )
        for label, key, tol, alt, alt_label in [
            ("max |K₀ integral − closed form|", "bessel", 1e-10, alt_kernel, "F at α + 0.05"),
            ("max |angular quadrature − closed form|", "quad", 1e-10, alt_kernel, "F at α + 0.05"),
            ("max |₂F₁(c²) − ₂F₁((1+c)/2) form|", "hyp", 1e-10, alt_kernel, "F at α + 0.05"),
            (
                "max |finite-difference F′_α − α² F_{α−1}|",
                "price",
                1e-8,
                kr.alt_price,
                "F′_α = F_{α−1} (no α²)",
            ),
        ]
    ]
    route_checks.append(
        Check.compare(
            "mean z² of Monte Carlo against the closed form",
            theory=kr.z2_theory,
            measured=float(kr.z2.mean()),
            se=kr.z2_se,
            alternative=kr.z2_theory + float(kr.z2_alt.mean()),
            alternative_label="Monte Carlo following F at α + 0.05",
        )
    )
    return route_checks


def needs(theory: float, alternative: float, se: float) -> str:
    """What would decide a check: the SE that separates theory and alternative at 4 SE."""
    theory, alternative = (
        _validate.real("theory", theory),
        _validate.real("alternative", alternative),
    )
    se = _validate.real("se", se, minimum=0.0)
    target = abs(theory - alternative) / 8
    factor = (se / target) ** 2 if target > 0 else math.inf
    return (
        f"an SE below {target:.3f} (now {se:.3f}): about {factor:.1f}× the seeds, or a finer "
        "σ_w² grid where the grid term dominates"
    )


def depth_dependence_check(tanh: TanhBoundary, data_name: str, fraction: float) -> Check:
    """Claim YS17-5: slope of the boundary's ln σ_w² vs ln L against the exact level set's,
    4 SE (bootstrap and grid), alternative 0 (a depth-independent boundary)."""
    if not isinstance(tanh, TanhBoundary):
        raise TypeError(f"tanh: expected a TanhBoundary, got {type(tanh).__name__}")
    return Check.compare(
        f"slope of ln σ_w² at the {fraction:.0%} boundary vs ln L ({data_name})",
        theory=tanh.theory_slope,
        measured=tanh.fit.slope,
        se=tanh.slope_se,
        alternative=0.0,
        alternative_label="depth-independent boundary (a fixed σ_w², as Xavier/He)",
        needs=needs(tanh.theory_slope, 0.0, tanh.slope_se),
    )


def contour_checks(tanh: TanhBoundary, relu: ReluBoundary, data_name: str) -> list[Check]:
    """Claim YS17-4: the tanh collapse (slope of ln ln χ at the boundary vs ln L, claim 0,
    alternative the boundary at a fixed σ_w²) and the α-ReLU one (slope of ln σ_w² vs ln σ_v²
    against the exact level set of s^L, alternative 0), each at 4 SE."""
    if not isinstance(tanh, TanhBoundary) or not isinstance(relu, ReluBoundary):
        raise TypeError("tanh, relu: expected a TanhBoundary and a ReluBoundary")
    alt = "accuracy a function of σ_w² alone (boundary at a fixed σ_w²)"
    return [
        Check.compare(
            f"tanh: slope of ln ln χ⁰/χ^L at the boundary vs ln L ({data_name})",
            theory=0.0,
            measured=tanh.lnlnchi.slope,
            se=tanh.lnlnchi_se,
            alternative=tanh.fixed_slope,
            alternative_label=alt,
            needs=needs(0.0, tanh.fixed_slope, tanh.lnlnchi_se),
        ),
        Check.compare(
            f"α-ReLU: slope of ln σ_w² at the boundary vs ln σ_v², L = {relu.depth} ({data_name})",
            theory=relu.theory_slope,
            measured=relu.fit.slope,
            se=relu.se,
            alternative=0.0,
            alternative_label=alt,
            needs=needs(relu.theory_slope, 0.0, relu.se),
        ),
    ]
