r"""The experiments of the log-Gaussian chapter (Li, Nica & Roy's ReLU ResNets at β = d/n fixed):
Monte Carlo drivers and the tidy numbers they give (the claims they decide are in
``resprop.log_gaussian_claims``, the figures in ``resprop.log_gaussian_figures``).

Book side: like a chapter, this module brings the theory (``theory.log_gaussian``) and the
simulation (``networks``, ``simulate``) together; neither imports it. Every simulation takes
its own **named seed stream** through ``Streams.run`` (``"scan/128"``, ``"limit/two_layer/64"``,
…), so a result depends only on (seed, stream name, sizes, device). Each network starts from
one input u = 1 through a Gaussian input layer, x⁰ ~ N(0, I_n), and L_l = ln(‖x^l‖²/‖x⁰‖²) −
l ln A with A = 1 + c/2 (``log_norm_estimators``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.stats

from . import _validate
from .estimators import difference, extrapolate_inverse_n, log_mean_exp, mean_se, variance_se
from .log_norm_estimators import (
    act_log_norm,
    increment_autocov,
    log_norm,
    normalised_output,
    per_unit_beta,
    pooled_deficit,
)
from .networks import BalancedResidual, FeedForward, FullResidual, ReducedResidual, TwoLayerResidual
from .simulate import Record, simulate
from .theory import log_gaussian as lg

__all__ = [
    "BALANCED",
    "FIELDS",
    "ONE",
    "Streams",
    "balanced_runs",
    "c_scan",
    "edge_corrected",
    "fc_run",
    "full_residual_blocks",
    "hypo",
    "hypo_fits",
    "increment_autocovs",
    "interlayer_sums",
    "ks_by_beta",
    "ks_by_width",
    "kurtosis_by_width",
    "limit_scan",
    "log_norms_by_model",
    "main_runs",
    "moment_fits",
    "model_checks",
    "sampler_check",
    "second_moment_scan",
    "shape_tests",
    "width_scan",
    "z_at",
]

ONE = np.ones((1, 1))  # one input u = 1 through the Gaussian input layer: x⁰ ~ N(0, I_n)
BALANCED = ("crelu", "random_sign")
FIELDS = {"active_fraction": lg.theta_K, "active_energy": lg.theta_E}  # field → θ(c, layer)


@dataclass(frozen=True)
class Streams:
    """Where and how to simulate: ``seed_for(name)`` gives the seed of the stream ``name``
    (``Chapter.seed_for``), ``device`` and ``memory_budget`` go to ``simulate``."""

    seed_for: Callable[[str], int]
    device: Any = "cpu"
    memory_budget: int = 2**30

    def __post_init__(self) -> None:
        if not callable(self.seed_for):
            raise TypeError(f"seed_for: expected a callable name → seed, got {self.seed_for!r}")
        _validate.integer("memory_budget", self.memory_budget)

    def run(
        self, net: Any, n_networks: int, stream: str, *, lags: int = 0, sampler: str = "gram"
    ) -> Record:
        """Simulate ``n_networks`` independent networks on the seed stream ``stream``,
        recording the same-sign probabilities at lags 1..``lags``."""
        if not isinstance(stream, str) or not stream:
            raise ValueError(f"stream: expected a non-empty name, got {stream!r}")
        _validate.integer("lags", lags, minimum=0)
        return simulate(
            net,
            ONE,
            n_networks,
            sampler=sampler,
            device=self.device,
            seed=self.seed_for(stream),
            same_sign_lags=tuple(range(1, lags + 1)),
            memory_budget=self.memory_budget,
            progress=False,
        )


def _paired(names: str, a: Sequence[int], b: Sequence[int]) -> list[tuple[int, int]]:
    first, second = names.split("/")
    a, b = _validate.sizes(first, a), _validate.sizes(second, b)
    if len(a) != len(b):
        raise ValueError(f"{names}: expected lists of equal length, got {len(a)} and {len(b)}")
    return list(zip(a, b, strict=True))


def edge_corrected(L: np.ndarray, pred: Any, block: str) -> dict[str, tuple[float, float]]:
    """Moments of L_d per unit β (``per_unit_beta``), edge-corrected from the finite-depth
    prediction ``pred`` (``lg.predict``) to the limit constants of ``block``."""
    limit_mean, limit_var = lg.block_constants(pred.c, block)
    return per_unit_beta(
        L,
        width=pred.width,
        depth=pred.depth,
        theory_mean=pred.mean,
        theory_var=pred.var,
        limit_mean=limit_mean,
        limit_var=limit_var,
    )


# ---------------------------------------------------------------------------------------------
# the sampler check and the main scans


def sampler_check(
    sim: Streams, c: float, width: int, depth: int, n_networks: int
) -> dict[str, Any]:
    """Dense against gram sampler on the one-layer ResNet (streams ``dense``, ``gram``):
    differences of Var L_d and of the pooled active fraction (estimate, SE), two-sample KS
    p-values of L_d and of the output, and the gaps a sampler that lost the interlayer
    correlations (Var L_d standard − random-sign) or the hypoactivation (mean θ_K(l)/n) would
    show."""
    c = _validate.positive("c", c)
    width, depth = _validate.integer("width", width), _validate.integer("depth", depth)
    A = lg.growth(c)
    net = ReducedResidual(width, depth, sigma_w2=c, input_dim=1)
    rec_dense = sim.run(net, n_networks, "dense", sampler="dense")
    rec_gram = sim.run(net, n_networks, "gram", sampler="gram")
    ks_L = scipy.stats.ks_2samp(log_norm(rec_dense, A)[:, -1], log_norm(rec_gram, A)[:, -1])
    ks_t = scipy.stats.ks_2samp(normalised_output(rec_dense, A), normalised_output(rec_gram, A))
    recs = (rec_dense, rec_gram)
    return dict(
        width=width,
        depth=depth,
        n_networks=n_networks,
        ks_L=ks_L.pvalue,
        ks_t=ks_t.pvalue,
        d_frac=difference(*(mean_se(r.active_fraction[:, 1:, 0].mean(1)) for r in recs)),
        d_var=difference(*(variance_se(log_norm(r, A)[:, -1]) for r in recs)),
        no_corr=lg.predict(c, width, depth).var - lg.predict(c, width, depth, "random_sign").var,
        no_hypo=np.mean([lg.theta_K(c, layer=l) for l in range(1, depth + 1)]) / width,
    )


def width_scan(
    sim: Streams,
    c: float,
    widths: Sequence[int],
    n_networks: Sequence[int],
    beta_max: float,
    main_width: int,
    sign_lags: int,
) -> dict[int, Record]:
    """One-layer ResNets at each width n to depth round(β_max n) (stream ``scan/<n>``); the
    main width also records the same-sign probabilities to lag ``sign_lags``."""
    c, beta_max = _validate.positive("c", c), _validate.positive("beta_max", beta_max)
    scan = {}
    for n, B in _paired("widths/n_networks", widths, n_networks):
        net = ReducedResidual(n, round(beta_max * n), sigma_w2=c, input_dim=1)
        scan[n] = sim.run(net, B, f"scan/{n}", lags=sign_lags if n == main_width else 0)
    return scan


def main_runs(
    sim: Streams,
    c: float,
    scan: dict[int, Record],
    width: int,
    betas: Sequence[float],
    n_networks: int,
) -> dict[float, Record]:
    """Runs ending at each β of ``betas`` at ``width`` (stream ``beta/<d>``); the scan's run is
    reused where its depth is round(β n)."""
    c = _validate.positive("c", c)
    if width not in scan:
        raise ValueError(f"width: {width} is not a width of the scan {sorted(scan)}")
    main = {}
    for beta in betas:
        d = round(_validate.positive("betas", beta) * width)
        if d == scan[width].network.depth:
            main[beta] = scan[width]
        else:
            net = ReducedResidual(width, d, sigma_w2=c, input_dim=1)
            main[beta] = sim.run(net, n_networks, f"beta/{d}")
    return main


def limit_scan(
    sim: Streams,
    c: float,
    beta: float,
    one_layer: tuple[Sequence[int], Sequence[int]],
    two_layer: tuple[Sequence[int], Sequence[int]],
    sigma_v2: float,
) -> tuple[dict[str, dict[int, dict]], dict[tuple[str, str], Any]]:
    """The limit scan at β: edge-corrected moments of L_d per unit β for the one-layer block
    (``one_layer`` = (widths, networks), streams ``limit/one_layer/<n>``) and the two-layer
    block x + Vσ(Wσ(x)) with σ_w² = 2c/σ_v² (streams ``limit/two_layer/<n>``), and their
    weighted fits a + b/n per (block, "mean" | "variance" | "skewness")."""
    c, beta = _validate.positive("c", c), _validate.positive("beta", beta)
    sigma_v2 = _validate.positive("sigma_v2", sigma_v2)
    A = lg.growth(c)
    limit: dict[str, dict[int, dict]] = {"one_layer": {}, "two_layer": {}}
    for n, B in _paired("widths/networks", *one_layer):
        d = round(beta * n)
        rec = sim.run(ReducedResidual(n, d, sigma_w2=c, input_dim=1), B, f"limit/one_layer/{n}")
        limit["one_layer"][n] = edge_corrected(
            log_norm(rec, A)[:, d], lg.predict(c, n, d), "one_layer"
        )
    for n, B in _paired("widths/networks", *two_layer):
        d = round(beta * n)
        net2 = TwoLayerResidual(n, d, sigma_w2=2 * c / sigma_v2, sigma_v2=sigma_v2, input_dim=1)
        rec = sim.run(net2, B, f"limit/two_layer/{n}")
        pred2 = lg.predict(c, n, d, "two_layer")
        limit["two_layer"][n] = edge_corrected(log_norm(rec, A)[:, d], pred2, "two_layer")
    limit_fit = {
        (block, q): extrapolate_inverse_n(
            list(limit[block]),
            [limit[block][n][q][0] for n in limit[block]],
            [limit[block][n][q][1] for n in limit[block]],
        )
        for block in limit
        for q in ("mean", "variance", "skewness")
    }
    return limit, limit_fit


def z_at(limit: dict[str, dict[int, dict]], block: str, n: int, q: str, theory: float) -> float:
    """(value − leading order)/SE at width n: how far the finite width is from the limit."""
    y, e = limit[block][n][q]
    return (y - theory) / e


# ---------------------------------------------------------------------------------------------
# the shape of the log-norm and of the output


def shape_tests(
    main: dict[float, Record], growth: float
) -> dict[float, tuple[float, float, float]]:
    """Per β: Anderson–Darling statistic and p-value (clipped to [0.01, 0.15]) of L_d against
    the normal family, and the skewness of L_d."""
    tests = {}
    for beta, rec in main.items():
        L = log_norm(rec, growth)[:, rec.network.depth]
        ad = scipy.stats.anderson(L, dist="norm", method="interpolate")
        tests[beta] = (ad.statistic, ad.pvalue, scipy.stats.skew(L))
    return tests


def kurtosis_by_width(scan: dict[int, Record], growth: float) -> dict[int, tuple[float, float]]:
    """Excess kurtosis of L_d per width with its near-Gaussian SE √(24/B)."""
    kurt = {}
    for n, rec in scan.items():
        L = log_norm(rec, growth)
        kurt[n] = (scipy.stats.kurtosis(L[:, -1]), math.sqrt(24 / len(L)))
    return kurt


def moment_fits(
    limit_fit: dict[tuple[str, str], Any],
    kurt: dict[int, tuple[float, float]],
    fit_widths: Sequence[int],
) -> dict[str, Any]:
    """The one-layer fits a + b/n of mean, variance and skewness, and that of the excess
    kurtosis over ``fit_widths``."""
    fit = {q: limit_fit["one_layer", q] for q in ("mean", "variance", "skewness")}
    fit["excess kurtosis"] = extrapolate_inverse_n(
        fit_widths, *np.array([kurt[n] for n in _validate.sizes("fit_widths", fit_widths)]).T
    )
    return fit


def ks_by_beta(main: dict[float, Record], c: float, width: int) -> dict[float, tuple[Any, Any]]:
    """Per β: KS tests of the normalised output against the predicted log-Gaussian mixture
    and against the Gaussian limit N(0, 1)."""
    A, gauss = lg.growth(c), lg.GaussianLimit(c).output_law()
    table = {}
    for beta, rec in main.items():
        t = normalised_output(rec, A)
        law = lg.predict(c, width, rec.network.depth).output_law()
        table[beta] = (scipy.stats.kstest(t, law.cdf), scipy.stats.kstest(t, gauss.cdf))
    return table


def ks_by_width(scan: dict[int, Record], c: float) -> dict[int, tuple[float, float, float]]:
    """Per width: KS distance of the output to the log-Gaussian law, to N(0, 1), and the 99 %
    null level kstwobign⁻¹(0.99)/√B."""
    A = lg.growth(c)
    ks_n = {}
    for n, rec in scan.items():
        t = normalised_output(rec, A)
        law = lg.predict(c, n, rec.network.depth).output_law()
        null99 = scipy.stats.kstwobign.ppf(0.99) / math.sqrt(len(t))
        ks_n[n] = (
            *(scipy.stats.kstest(t, f).statistic for f in (law.cdf, scipy.stats.norm.cdf)),
            null99,
        )
    return ks_n


# ---------------------------------------------------------------------------------------------
# hypoactivation, correlations, the second moment


def balanced_runs(
    sim: Streams, c: float, width: int, beta_max: float, n_networks: int, sign_lags: int
) -> dict[str, Record]:
    """The two Balanced ResNets (CReLU, random-sign) to depth round(β_max n), streams
    ``balanced/<variant>``."""
    c = _validate.positive("c", c)
    return {
        v: sim.run(
            BalancedResidual(width, round(beta_max * width), c=c, variant=v, input_dim=1),
            n_networks,
            f"balanced/{v}",
            lags=sign_lags,
        )
        for v in BALANCED
    }


def fc_run(sim: Streams, width: int, beta_max: float, n_networks: int) -> Record:
    """The fully connected He network (σ_w² = 2) to depth round(β_max n), stream ``fc``."""
    return sim.run(
        FeedForward(width, round(beta_max * width), sigma_w2=2.0, input_dim=1), n_networks, "fc"
    )


def hypo(rec: Record, n: int, burn_in: int, field: str = "active_fraction") -> tuple:
    """``pooled_deficit`` n(½ − fraction) of the recorded ``field`` of the first input."""
    _validate.choice("field", field, FIELDS)
    return pooled_deficit(getattr(rec, field)[:, :, 0], n, burn_in)


def hypo_fits(
    scan: dict[int, Record], c: float, fit_widths: Sequence[int], width: int, burn_in: int
) -> dict[str, dict[str, Any]]:
    """Per field (count, energy): the deficit pooled over layers ≥ ``burn_in`` per width, its
    transient corrected to the saturated θ(c) (``y``, ``e``), the fit a + b/n over
    ``fit_widths`` and the value at ``width``."""
    widths = list(scan)
    out = {}
    for field, theta in FIELDS.items():
        y, e = [], []
        for n in widths:  # the pooled layers' transient corrected to the saturated θ
            transient = np.mean(
                [theta(c, layer=l) for l in range(burn_in, scan[n].network.depth + 1)]
            )
            m, se = mean_se(hypo(scan[n], n, burn_in, field)[2])
            y.append(m - transient + theta(c))
            e.append(se)
        fit_at = [widths.index(n) for n in fit_widths]
        out[field] = dict(
            y=y,
            e=e,
            fit=extrapolate_inverse_n(fit_widths, np.take(y, fit_at), np.take(e, fit_at)),
            at_n=(y[widths.index(width)], e[widths.index(width)]),
        )
    return out


def increment_autocovs(
    records: dict[str, Record], growth: float, n: int, lags: np.ndarray, burn_in: int
) -> dict[str, tuple]:
    """Per model: ``increment_autocov`` n Cov(ΔL_l, ΔL_l+k) at ``lags`` (mean, SE, per network)."""
    return {
        m: increment_autocov(log_norm(rec, growth), n, lags, burn_in) for m, rec in records.items()
    }


def interlayer_sums(
    scan: dict[int, Record], c: float, K: np.ndarray, burn_in: int, fit_widths: Sequence[int]
) -> tuple[dict[int, tuple[float, float]], float, Any]:
    """The lag sum Σ_k n Cov(ΔL_l, ΔL_l+k) over ``K`` per width (mean and SE over networks;
    widths with ≥ 2 max(K) layers after burn-in), its theory (c/A)² Σ κ(ρᵏ)/4 and its fit
    a + b/n over ``fit_widths``."""
    A = lg.growth(c)
    inter = {  # the lag sum per network, mean and SE over networks; widths with enough layers
        n: mean_se(increment_autocov(log_norm(scan[n], A), n, K, burn_in)[2].sum(1))
        for n in scan
        if scan[n].network.depth - burn_in >= 2 * K[-1]
    }
    theory = float(np.sum(lg.increment_autocovariance(c, K, "standard")))
    fit = extrapolate_inverse_n(fit_widths, *np.array([inter[n] for n in fit_widths]).T)
    return inter, theory, fit


def log_norms_by_model(
    scan_main: Record, balanced: dict[str, Record], fc: Record, growth: float
) -> dict:
    """L_l of each model at the main width: standard, random-sign, crelu (``log_norm``) and
    the fully connected network (``act_log_norm``)."""
    return {
        "standard": log_norm(scan_main, growth),
        "random_sign": log_norm(balanced["random_sign"], growth),
        "crelu": log_norm(balanced["crelu"], growth),
        "fc": act_log_norm(fc),
    }


def model_checks(L_of: dict[str, np.ndarray], c: float, width: int, depth: int) -> dict[str, tuple]:
    """Per model: (L_d samples, its prediction ``lg.predict(c, width, depth, model)``)."""
    return {m: (L[:, depth], lg.predict(c, width, depth, m)) for m, L in L_of.items()}


def second_moment_scan(
    scan: dict[int, Record], c: float, beta: float, fit_widths: Sequence[int]
) -> tuple[dict[int, tuple[float, float]], Any]:
    """ln E e^{L_l} at l = round(β n) per width (log-mean-exp), edge-corrected to the limit
    m₂β, and its fit a + b/n over ``fit_widths``."""
    A, m2 = lg.growth(c), lg.second_moment_exponent(c)
    sm = {}
    for n in scan:
        l = round(beta * n)
        est, se = log_mean_exp(log_norm(scan[n], A)[:, l])
        sm[n] = (est - lg.predict(c, n, l).log_second_moment + m2 * beta, se)
    return sm, extrapolate_inverse_n(fit_widths, *np.array([sm[n] for n in fit_widths]).T)


# ---------------------------------------------------------------------------------------------
# blocks and branch variances


def full_residual_blocks(
    sim: Streams,
    c: float,
    limit: dict[str, dict[int, dict]],
    width: int,
    beta: float,
    n_networks: int,
) -> dict[str, dict]:
    """Edge-corrected moments per unit β at ``width`` of the three blocks: one- and two-layer
    from the limit scan, the Yang–Schoenholz full residual block x + Vσ(Wx) (σ_w² = 2,
    σ_v² = c/2) simulated here (stream ``full_residual``) against its exact law."""
    c = _validate.positive("c", c)
    d = round(beta * width)
    rec = sim.run(
        FullResidual(width, d, sigma_w2=2.0, sigma_v2=c / 2, input_dim=1),
        n_networks,
        "full_residual",
    )
    exact = lg.predict(c, width, d, "full_residual")
    return {
        "one_layer": limit["one_layer"][width],
        "two_layer": limit["two_layer"][width],
        "full_residual": edge_corrected(log_norm(rec, lg.growth(c))[:, d], exact, "full_residual"),
    }


def c_scan(
    sim: Streams,
    c: float,
    c_values: Sequence[float],
    width: int,
    beta: float,
    n_networks: int,
    scan: dict[int, Record],
) -> tuple[dict[float, dict], dict[float, list[float]]]:
    """One-layer ResNets at each branch variance (streams ``c/<c>``; the scan's run is reused
    at c when deep enough): edge-corrected moments per unit β at (width, round(β width)) and
    their distance (measured − leading order)/SE for (mean, variance)."""
    c = _validate.positive("c", c)
    d = round(beta * width)
    at, z = {}, {}
    for cc in sorted({*c_values, c}):
        if cc == c and width in scan and d <= scan[width].network.depth:  # reuse the He run
            L = log_norm(scan[width], lg.growth(c))[:, d]
        else:
            cc = _validate.positive("c_values", cc)
            rec = sim.run(
                ReducedResidual(width, d, sigma_w2=cc, input_dim=1), n_networks, f"c/{cc:g}"
            )
            L = log_norm(rec, lg.growth(cc))[:, d]
        at[cc] = edge_corrected(L, lg.predict(cc, width, d), "one_layer")
        for k, q in enumerate(("mean", "variance")):
            y, e = at[cc][q]
            z.setdefault(cc, []).append((y - lg.block_constants(cc, "one_layer")[k]) / e)
    return at, z
