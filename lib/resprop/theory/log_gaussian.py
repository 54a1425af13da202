"""The log-Gaussian depth-and-width limit of ReLU ResNets (Li, Nica & Roy 2021, arXiv:2106.04013).

**Reconstruction.** The paper's full text was not available to us. The model, the constants and
the Balanced ResNet below are our reconstruction, derived here, parametrised by the **branch
variance c** (He initialisation is c = 2; unit-variance branch weights are c = 1; which one
the paper's constants use is part of the reconstruction):

    x^{l+1} = x^l + W^l σ(x^l),   W^l_ij ~ N(0, c/n),  σ = ReLU,  no biases,   l = 0..d−1,

(the library's ``ReducedResidual(activation="relu", sigma_w2=c, sigma_b2=0)``; He is c = 2).
With A = 1 + c/2 (the infinite-width growth of ‖x‖² per block), ρ = A^{−1/2}, β = d/n and

    L_d = ln(‖x^d‖²/‖x^0‖²) − d ln A,

the claim (the paper's Theorem 1, in our reading) is L_d ⇒ N(μ(c) β, s²(c) β) as n, d → ∞ with
d/n → β, while the Gaussian (infinite-width) limit predicts L_d → 0.

Derivation (ours). Given x^l, x^{l+1} ~ N(x^l, (c/n)‖σ(x^l)‖² I) exactly, so with the energy
fraction r_l = ‖σ(x^l)‖²/‖x^l‖²

    ‖x^{l+1}‖²/‖x^l‖² = 1 + c r_l + 2 √(c r_l/n) Z_l + (c r_l/n)(χ²_{n,l} − n).

Expanding ln(1 + c r_l) around r = ½ (r_l − ½ = (1/2n) Σ_i u_i|u_i|, u = x/‖x‖·√n) gives three
kinds of terms: the Gaussian-weight noise (variance v/n per block, v = (2c + c²/2)/A²), the
one-layer fluctuation of r (Var r = 3/(4n)) and the covariance of r across layers,
n Cov(r_l, r_{l+k}) → κ(ρ^k)/4 (interlayer correlations), plus the mean shift E r_l = ½ − θ_E/n
(hypoactivation). The hypoactivation constants come from a self-interaction of order 1/n:
coordinate i's own contribution to r correlates with its next value; propagated through the
Mehler (Ornstein–Uhlenbeck) kernel P with correlation ρ per block it gives, for odd f,

    n E f(u^l) → Σ_{k=0}^{l−1} (1 − ρ²)/2 · E[h(U) (L P^k f)(V)]_{corr(U,V)=ρ},
    h(u) = u|u|,  L f = f″ − v f′,

and the closed forms of :func:`theta_K` and :func:`theta_E` by Price's theorem. Every formula here
is *leading order in 1/n*; the simulations measure what finite n adds.

Inputs are taken as fresh Gaussian vectors per network (an input layer x⁰ = W_in u), so the
coordinates start i.i.d. N(0, 1): the finite-depth sums below (``layer``/``depth`` arguments) are
exact at leading order for that start, and tend to the asymptotic constants as d → ∞.

Other blocks (:func:`block_constants`): the derivation carries over to any block whose branch,
given the past, adds N(0, (c/n)‖x‖² r I) with an energy fraction r. For the two-layer
pre-activation block x + Vσ(Wσ(x)) of most real ResNets, r = 2r₁r₂ with a fresh factor r₂, which
adds 5c²/(4A²) to s² and −5c²/(8A²) to μ: the constants are *not* those of the one-layer block
at another c. For Yang–Schoenholz's x + Vσ(Wx) the ratios are i.i.d. and exact finite-n moments
are computed (:func:`full_residual_exact_moments`).

Also here: the Balanced ResNets (two reconstructed variants, ``crelu`` and ``random_sign``), the
fully connected He network (Hanin & Nica 2019: N(−5β/2, 5β)), the predicted output law (a
Gaussian scale mixture with log-normal variance, :data:`log_gaussian_mixture`) and the
infinite-width predictions of every quantity (:class:`GaussianLimit`).

Nothing here imports the simulation. Everything is float64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.special
import scipy.stats
from numpy.typing import ArrayLike

from .. import _validate

__all__ = [
    "BLOCKS",
    "FC_MEAN",
    "FC_VAR",
    "gaussian_ks_distance",
    "model_variance_parts",
    "MODELS",
    "GaussianLimit",
    "LogNormPrediction",
    "balanced_constants",
    "block_constants",
    "block_mean_parts",
    "block_variance_parts",
    "branch_energy_variance",
    "correlation_per_block",
    "crelu_exact_moments",
    "fc_exact_moments",
    "full_residual_exact_moments",
    "growth",
    "h_sign_moment",
    "increment_autocovariance",
    "kappa",
    "kappa_sum",
    "log_gaussian_mixture",
    "log_norm_moments",
    "mean_parts",
    "mu",
    "noise_variance",
    "output_law",
    "predict",
    "s2",
    "same_sign_probability",
    "second_moment_exponent",
    "theta_E",
    "theta_K",
    "variance_parts",
]

MODELS = ("standard", "crelu", "random_sign", "fc", "two_layer", "full_residual")
FC_MEAN = -2.5  # Hanin & Nica (2019): ln(‖φ^d‖²/‖φ^0‖²) ⇒ N(−5β/2, 5β) for a He ReLU net
FC_VAR = 5.0
_TINY = 1e-17  # sums over lags k stop once ρ^k < _TINY


def _c(c: float) -> float:
    return _validate.positive("c", c)


def _model(model: str) -> str:
    return _validate.choice("model", model, MODELS)


# ---------------------------------------------------------------------------------------------
# the per-block constants


def growth(c: float) -> float:
    """A = 1 + c/2: E‖x^{l+1}‖² = A ‖x^l‖² at infinite width (E σ(z)² = q/2 for z ~ N(0, q))."""
    return 1.0 + _c(c) / 2.0


def correlation_per_block(c: float) -> float:
    """ρ = A^{−1/2}: the correlation of a coordinate x_i^l with x_i^{l+1} at infinite width."""
    return growth(c) ** -0.5


def kappa(t: ArrayLike) -> np.ndarray:
    """κ(t) = E[X|X| Y|Y|] for standard (X, Y) with correlation t.

    κ(t) = (2/π)[(1 + 2t²) arcsin t + 3t √(1 − t²)];  κ(1) = E X⁴ = 3, κ(0) = 0.
    """
    t = np.asarray(t, dtype=float)
    if np.any(~np.isfinite(t)) or np.any(np.abs(t) > 1):
        raise ValueError("t: a correlation must lie in [−1, 1]")
    return (2 / np.pi) * ((1 + 2 * t**2) * np.arcsin(t) + 3 * t * np.sqrt(1 - t**2))


def h_sign_moment(t: ArrayLike) -> np.ndarray:
    """E[X|X| sign Y] for standard (X, Y) with correlation t.

    = κ(t) − (4/π) t (t arcsin t + √(1 − t²))   (Price's theorem; checked by quadrature in the
    tests). It enters θ_E through L h = 2 sign − 2h for h(u) = u|u|.
    """
    t = np.asarray(t, dtype=float)
    return kappa(t) - (4 / np.pi) * t * (t * np.arcsin(t) + np.sqrt(1 - t**2))


def _lag_powers(c: float, terms: int | None) -> np.ndarray:
    """ρ^k for k = 1..terms (terms None: until ρ^k < 1e-17)."""
    rho = correlation_per_block(c)
    if terms is None:
        terms = int(math.ceil(math.log(_TINY) / math.log(rho)))
    else:
        terms = _validate.integer("terms", terms, minimum=0)
    return rho ** np.arange(1, terms + 1, dtype=float)


def kappa_sum(c: float, terms: int | None = None) -> float:
    """Σ_{k=1}^{terms} κ(ρ^k) (terms None: the full series), the interlayer-correlation sum."""
    return float(np.sum(kappa(_lag_powers(c, terms))))


def theta_K(c: float, layer: int | None = None) -> float:
    """Count hypoactivation: E #{i: x_i^l > 0}/n = ½ − θ_K(l)/n + o(1/n).

    θ_K = c/(2πA) Σ_{k=1}^{l} ρ^k √(1 − ρ^{2k})   (layer None: l = ∞; He: 0.335).
    Derived by us from the source term above with f = 1[u>0] − ½.
    """
    if layer is not None:
        layer = _validate.integer("layer", layer, minimum=0)
    t = _lag_powers(c, layer)
    return float(_c(c) / (2 * math.pi * growth(c)) * np.sum(t * np.sqrt(1 - t**2)))


def theta_E(c: float, layer: int | None = None) -> float:
    """Energy hypoactivation: E ‖σ(x^l)‖²/‖x^l‖² = ½ − θ_E(l)/n + o(1/n).

    θ_E = c/(πA) Σ_{k=1}^{l} ρ^k (ρ^k arcsin ρ^k + √(1 − ρ^{2k}))   (layer None: l = ∞; He: 0.859).
    This, not θ_K, enters the mean log-norm. Derived by us (f = h/2).
    """
    if layer is not None:
        layer = _validate.integer("layer", layer, minimum=0)
    t = _lag_powers(c, layer)
    return float(_c(c) / (math.pi * growth(c)) * np.sum(t * (t * np.arcsin(t) + np.sqrt(1 - t**2))))


def noise_variance(c: float) -> float:
    """v = (2c + c²/2)/A²: n·Var of ln(‖x^{l+1}‖²/‖x^l‖²) from the Gaussian weights, at r = ½."""
    c = _c(c)
    return (2 * c + c**2 / 2) / growth(c) ** 2


def variance_parts(c: float) -> dict[str, float]:
    """The three parts of s²(c) (our derivation):

    noise v = (2c + c²/2)/A²;  one-layer r = 3c²/(4A²);  interlayer = c²/(2A²) Σ_{k≥1} κ(ρ^k).
    """
    c = _c(c)
    a2 = growth(c) ** 2
    return {
        "noise": noise_variance(c),
        "one_layer": 3 * c**2 / (4 * a2),
        "interlayer": c**2 / (2 * a2) * kappa_sum(c),
    }


def model_variance_parts(c: float, model: str = "standard") -> dict[str, float]:
    """The parts of s² for ``model`` ∈ standard, random_sign, crelu, fc (see ``variance_parts``).

    random-sign keeps the noise and the one-layer fluctuation of r and loses the interlayer
    part; crelu keeps only the noise; the fully connected He network's 5 is all weight noise.
    """
    model = _validate.choice("model", model, ("standard", "random_sign", "crelu", "fc"))
    parts = variance_parts(c)
    keep = {"standard": parts, "random_sign": ("noise", "one_layer"), "crelu": ("noise",)}
    if model == "fc":
        return {"noise": FC_VAR, "one_layer": 0.0, "interlayer": 0.0}
    return {k: (v if k in keep[model] else 0.0) for k, v in parts.items()}


def mean_parts(c: float) -> dict[str, float]:
    """The three parts of μ(c): hypoactivation −(c/A) θ_E; Itô of r −3c²/(8A²); Itô of noise −v/2.

    Our derivation: the drift of ln(1 + c r_l) and of the noise, per unit β.
    """
    c = _c(c)
    a = growth(c)
    return {
        "hypoactivation": -c / a * theta_E(c),
        "ito_r": -3 * c**2 / (8 * a**2),
        "ito_noise": -noise_variance(c) / 2,
    }


def mu(c: float) -> float:
    """μ(c) = −(c/A) θ_E − 3c²/(8A²) − v/2: the drift of L_d per unit β (He: −1.984)."""
    return float(sum(mean_parts(c).values()))


def s2(c: float) -> float:
    """s²(c) = v + 3c²/(4A²) + c²/(2A²) Σ_k κ(ρ^k): the variance of L_d per unit β (He: 5.442)."""
    return float(sum(variance_parts(c).values()))


def second_moment_exponent(c: float, model: str = "standard") -> float:
    """m₂ with E‖x^d‖²/(A^d ‖x^0‖²) ≈ exp(m₂ β): m₂ = μ + s²/2 = (c/A)(−θ_E + c/(4A) Σ κ(ρ^k)).

    The Balanced ResNets are martingales: E‖x^{l+1}‖² = A‖x^l‖² exactly, so m₂ = 0.
    """
    model = _model(model)
    if model in ("standard", "two_layer"):  # r₂ is a martingale factor: it cancels
        return mu(c) + s2(c) / 2
    if model == "fc":
        return FC_MEAN + FC_VAR / 2
    _c(c)
    return 0.0


def balanced_constants(c: float, variant: str = "crelu") -> tuple[float, float]:
    """(μ, s²) of a Balanced ResNet (our reconstruction of the paper's Theorem 4).

    ``crelu``: x' = x + W⁺σ(x) + W⁻σ(−x), W^± ~ N(0, c/(2n)): the branch is N(0, (c/2n)‖x‖² I)
    whatever the signs, the norm ratios are i.i.d., so μ = −v/2, s² = v (He: N(−0.75β, 1.5β)).
    ``random_sign``: x' = x + W σ(D x), D a fresh ±1 diagonal: no hypoactivation and no interlayer
    correlation, but r still fluctuates: μ = −(3c²/8 + (2c + c²/2)/2)/A²,
    s² = (2c + c²/2 + 3c²/4)/A² (He: N(−1.125β, 2.25β)).
    """
    _validate.choice("variant", variant, ("crelu", "random_sign"))
    v = noise_variance(c)
    if variant == "crelu":
        return -v / 2, v
    one = 3 * c**2 / (4 * growth(c) ** 2)
    return -v / 2 - one / 2, v + one


# ---------------------------------------------------------------------------------------------
# other residual blocks: "only c changes" is false

BLOCKS = ("one_layer", "two_layer", "full_residual")


def _block(block: str) -> str:
    return _validate.choice("block", block, BLOCKS)


def branch_energy_variance(block: str = "one_layer") -> float:
    """q = n Var r of the branch's energy fraction r in one block (leading order in 1/n).

    Every block below has, given the past, x^{l+1} = x^l + √s_l ξ with ξ ~ N(0, I_n) and
    s_l = (c/n) ‖x^l‖² r_l, so ‖x^{l+1}‖²/‖x^l‖² = 1 + c r_l + 2√(c r_l/n) Z + (c r_l/n)(χ²_n − n).
    What differs is r_l:

    * ``one_layer`` (x + W σ(x)): r = ‖σ(x)‖²/‖x‖², a ratio of sums over the *stream's* own
      coordinates: n Var r = Var(g²1[g>0] − g²/2) = 5/4 − 1 + 1/2 = 3/4 (g ~ N(0, 1));
    * ``full_residual`` (Yang–Schoenholz, x + V σ(W x)): u = W x is a fresh Gaussian vector, so
      r = ‖σ(u)‖²/(n Var u_i) = (1/n) Σ σ(g_i)², g_i i.i.d. N(0, 1), fresh in every block:
      n Var r = E σ(g)⁴ − (E σ(g)²)² = 3/2 − 1/4 = 5/4;
    * ``two_layer`` (pre-activation, x + V σ(W σ(x))): r = 2 r₁ r₂ with r₁ the one-layer ratio of
      the stream and r₂ the fresh full-residual factor, independent: n Var r → 3/4 + 5/4 = 2.
    """
    return {"one_layer": 0.75, "two_layer": 2.0, "full_residual": 1.25}[_block(block)]


def block_mean_parts(c: float, block: str = "one_layer") -> dict[str, float]:
    """The parts of μ for a residual block of effective branch variance c (A = 1 + c/2).

    hypoactivation −(c/A) θ_E (blocks whose branch starts with σ applied to the stream:
    one_layer, two_layer; the full residual's r has E r = ½ exactly); Itô of r −c² q/(2A²) with
    q = :func:`branch_energy_variance`; Itô of the weight noise −v/2.
    """
    c = _c(c)
    a = growth(c)
    stream = _block(block) != "full_residual"
    return {
        "hypoactivation": -c / a * theta_E(c) if stream else 0.0,
        "ito_r": -(c**2) * branch_energy_variance(block) / (2 * a**2),
        "ito_noise": -noise_variance(c) / 2,
    }


def block_variance_parts(c: float, block: str = "one_layer") -> dict[str, float]:
    """The parts of s² for a residual block: noise v; one-block r (c/A)² q; interlayer.

    The interlayer part c²/(2A²) Σ_k κ(ρ^k) comes from the persistence of the stream's signs,
    n Cov(r_l, r_{l+k}) → κ(ρ^k)/4; in the two-layer block r₂ is fresh and independent, so the
    covariance of 2r₁r₂ is that of r₁; the full residual block has none (i.i.d. norm ratios).
    """
    c = _c(c)
    a2 = growth(c) ** 2
    stream = _block(block) != "full_residual"
    return {
        "noise": noise_variance(c),
        "one_layer": c**2 * branch_energy_variance(block) / a2,
        "interlayer": c**2 / (2 * a2) * kappa_sum(c) if stream else 0.0,
    }


def block_constants(c: float, block: str = "one_layer") -> tuple[float, float]:
    """(μ, s²) of L_d ⇒ N(μβ, s²β) for a ReLU residual block of effective branch variance c.

    Our derivation (the paper treats the one-layer block). With q = n Var r
    (:func:`branch_energy_variance`), v = (2c + c²/2)/A², A = 1 + c/2:

        μ = −(c/A) θ_E·[σ on the stream] − c² q/(2A²) − v/2,
        s² = v + c² q/A² + c²/(2A²) Σ_k κ(ρ^k)·[σ on the stream].

    Effective c: one_layer x + Wσ(x), W ~ N(0, c/n); two_layer x + Vσ(Wσ(x)),
    W ~ N(0, σ_w²/n), V ~ N(0, σ_v²/n): c = σ_w²σ_v²/2 (He on both layers: c = 2);
    full_residual x + Vσ(Wx): c = σ_w²σ_v² (both give A = 1 + c/2). So the two-layer block
    is *not* the one-layer block with another c: at the same growth it has
    μ − 5c²/(8A²) and s² + 5c²/(4A²) (He: −2.609 and 6.692 against −1.984 and 5.442).
    """
    return (
        float(sum(block_mean_parts(c, block).values())),
        float(sum(block_variance_parts(c, block).values())),
    )


def full_residual_exact_moments(c: float, width: int, depth: int) -> tuple[float, float]:
    """Exact (E L_d, Var L_d) at finite n for the ReLU full residual block x + Vσ(Wx), no biases.

    c = σ_w²σ_v². Given the past, u = Wx has i.i.d. N(0, σ_w²‖x‖²/n) entries and
    y = Vσ(u) ~ N(0, s I) with s/‖x‖² = (c/n²) X, X = ‖σ(g)‖² ~ χ²_K, K ~ Bin(n, ½). So the
    norm ratios R_l are i.i.d. (our derivation): R = (c X/n²) Y, Y | X ~ χ'²_n(λ = n²/(c X)), a
    Poisson(λ/2) mixture of χ²_{n+2N}, and

        E L_d = d (E ln R − ln A),  Var L_d = d Var ln R,
        E[ln Y | X] = E_N ψ(n/2 + N) + ln 2,  Var[ln Y | X] = E_N ψ′(n/2 + N) + Var_N ψ(n/2 + N).

    The expectation over X uses its density Σ_K P(K) Gamma(K/2, scale 2) on a 1201-node
    trapezoid grid over E X ± 11 SD (spectrally accurate for this smooth density; K = 0, of
    probability 2^{−n}, and nodes of relative density < 1e-13 are left out). Needs width ≥ 64.
    """
    c = _c(c)
    n = _validate.integer("width", width, minimum=64)
    d = _validate.integer("depth", depth)
    ks = np.arange(1, n + 1)
    wk = scipy.stats.binom.pmf(ks, n, 0.5)
    keep = wk > 1e-18
    ks, wk = ks[keep], wk[keep]
    sd = math.sqrt(1.25 * n)  # Var X = n (E σ(g)⁴ − (E σ(g)²)²) = 5n/4
    x = np.linspace(max(n / 2 - 11 * sd, 1e-3), n / 2 + 11 * sd, 1201)
    px = wk @ scipy.stats.gamma.pdf(x[None, :], ks[:, None] / 2, scale=2.0)
    px = px / px.sum()  # trapezoid weights on a uniform grid (the ends carry ~0 mass)
    live = px > 1e-13 * px.max()
    x, px = x[live], px[live] / px[live].sum()
    half_lam = n**2 / (2 * c * x)  # λ/2 of Y | X, one Poisson window per grid node
    width_k = int(12 * math.sqrt(half_lam.max()) + 40)
    k = np.maximum(np.floor(half_lam)[:, None] + np.arange(-width_k, width_k + 1)[None, :], 0)
    log_w = k * np.log(half_lam)[:, None] - half_lam[:, None] - scipy.special.gammaln(k + 1)
    wn = np.exp(log_w - log_w.max(1, keepdims=True))
    wn[:, 1:] *= np.diff(k, axis=1) > 0  # a window clipped at 0 must not count k = 0 twice
    wn = wn / wn.sum(1, keepdims=True)
    psi = scipy.special.digamma(n / 2 + k)
    m_psi = np.sum(wn * psi, 1)
    var_y = np.sum(wn * scipy.special.polygamma(1, n / 2 + k), 1) + np.sum(wn * psi**2, 1)
    var_y = var_y - m_psi**2
    m = np.log(c * x / n**2) + m_psi + math.log(2)  # E[ln R | X]
    e1 = float(px @ m)
    var1 = float(px @ var_y + px @ (m - e1) ** 2)
    return d * (e1 - math.log(growth(c))), d * var1


def same_sign_probability(c: float, lag: ArrayLike) -> np.ndarray:
    """P(x_i^l and x_i^{l+lag} have the same sign) = ½ + arcsin(ρ^lag)/π (He, lag 1: ¾).

    Infinite-width prediction (the coordinate is a Gaussian random walk with correlation ρ per
    block); it holds for the standard and both Balanced ResNets, whose streams share ρ.
    """
    lag = np.asarray(lag)
    if np.any(lag < 0) or np.any(lag != np.round(lag)):
        raise ValueError("lag: expected integers ≥ 0")
    return 0.5 + np.arcsin(correlation_per_block(c) ** lag.astype(float)) / np.pi


def increment_autocovariance(c: float, lag: ArrayLike, model: str = "standard") -> np.ndarray:
    """n·Cov(ΔL_l, ΔL_{l+lag}) for the block increments ΔL_l = ln(‖x^{l+1}‖²/‖x^l‖²).

    Standard: lag 0 → v + 3c²/(4A²); lag k ≥ 1 → (c/A)² κ(ρ^k)/4 (the interlayer correlations).
    crelu: v at lag 0, 0 otherwise (i.i.d. ratios).
    random_sign: v + 3c²/(4A²) at lag 0, 0 otherwise.
    """
    model = _validate.choice("model", model, ("standard", "crelu", "random_sign"))
    lag = np.asarray(lag)
    if np.any(lag < 0) or np.any(lag != np.round(lag)):
        raise ValueError("lag: expected integers ≥ 0")
    a = growth(c)
    lag0 = s2(c) - variance_parts(c)["interlayer"] if model != "crelu" else noise_variance(c)
    if model != "standard":
        return np.where(lag == 0, lag0, 0.0)
    t = correlation_per_block(c) ** lag.astype(float)
    return np.where(lag == 0, lag0, (c / a) ** 2 * kappa(t) / 4)


# ---------------------------------------------------------------------------------------------
# finite depth and finite width


def log_norm_moments(
    c: float, width: int, depth: int, model: str = "standard", *, finite_depth: bool = True
) -> tuple[float, float]:
    """(E L_d, Var L_d) at leading order in 1/n, for width n and depth d.

    ``finite_depth=False``: (μβ, s²β) with β = d/n (the limit law's parameters). ``True``: the
    same leading-order theory summed over the d actual blocks from a Gaussian input, so the
    hypoactivation and the correlations build up over the first ~10 blocks:

        n E L_d = −(c/A) Σ_{l<d} θ_E(l) − d(3c²/(8A²) + v/2),
        n Var L_d = d v + (c/A)²/4 · (3d + 2 Σ_{k=1}^{d−1} (d − k) κ(ρ^k)).

    ``model``: ``"standard"`` (the one-layer block), ``"two_layer"`` (x + Vσ(Wσ(x)): the same
    sums plus d·(c/A)²·5/4 in n Var and −d·(c/A)²·5/8 in n E, see :func:`block_constants`),
    ``"crelu"``/``"random_sign"`` (Balanced: exactly linear in d), ``"full_residual"``
    (x + Vσ(Wx): i.i.d. ratios, linear in d) or ``"fc"`` (Hanin–Nica,
    L_d = ln(‖φ(h^d)‖²/‖φ(h^0)‖²), which is a sum of d i.i.d. terms). For
    the exact finite-n moments of crelu and fc see :func:`crelu_exact_moments` and
    :func:`fc_exact_moments`.
    """
    model = _model(model)
    n = _validate.integer("width", width)
    d = _validate.integer("depth", depth)
    if model == "fc":
        return FC_MEAN * d / n, FC_VAR * d / n
    if model == "full_residual":
        m, v = block_constants(c, "full_residual")
        return m * d / n, v * d / n
    if model in ("crelu", "random_sign"):
        m, v = balanced_constants(c, model)
        return m * d / n, v * d / n
    if model == "two_layer":  # the one-layer sums plus the fresh factor r₂ (i.i.d. per block)
        m1, v1 = log_norm_moments(c, n, d, finite_depth=finite_depth)
        extra = (c / growth(c)) ** 2 * (branch_energy_variance("two_layer") - 0.75)
        return m1 - extra / 2 * d / n, v1 + extra * d / n
    if not finite_depth:
        return mu(c) * d / n, s2(c) * d / n
    c = _c(c)
    a = growth(c)
    v = noise_variance(c)
    # Σ_{l=0}^{d−1} θ_E(l) = Σ_{k=1}^{d−1} (d − k) τ_k with τ_k the k-th term of θ_E
    t = _lag_powers(c, d - 1)
    k = np.arange(1, d, dtype=float)
    tau_e = c / (math.pi * a) * t * (t * np.arcsin(t) + np.sqrt(1 - t**2))
    mean = -(c / a) * np.sum((d - k) * tau_e) - d * (3 * c**2 / (8 * a**2) + v / 2)
    var = d * v + (c / a) ** 2 / 4 * (3 * d + 2 * np.sum((d - k) * kappa(t)))
    return float(mean / n), float(var / n)


def _poisson_weights(lam: float) -> tuple[np.ndarray, np.ndarray]:
    """Support and weights of Poisson(lam), truncated where the tail is below 1e-18."""
    lo = max(0, int(lam - 12 * math.sqrt(lam) - 10))
    hi = int(lam + 12 * math.sqrt(lam) + 40)
    k = np.arange(lo, hi + 1)
    w = scipy.stats.poisson.pmf(k, lam)
    return k, w / w.sum()


def crelu_exact_moments(c: float, width: int, depth: int) -> tuple[float, float]:
    """Exact (E L_d, Var L_d) of the crelu Balanced ResNet at finite n (our derivation).

    The ratios are i.i.d.: ‖x^{l+1}‖²/‖x^l‖² = a² X, a² = c/(2n), X ~ χ'²_n(λ = 2n/c), a
    non-central χ², i.e. χ²_{n+2N} with N ~ Poisson(λ/2). Hence per block
    E ln X = E_N[ψ(n/2 + N)] + ln 2 and Var ln X = E_N[ψ′(n/2 + N)] + Var_N ψ(n/2 + N).
    """
    c = _c(c)
    n = _validate.integer("width", width)
    d = _validate.integer("depth", depth)
    a2 = c / (2 * n)
    k, w = _poisson_weights(1 / (2 * a2))
    psi = scipy.special.digamma(n / 2 + k)
    m1 = float(np.sum(w * psi)) + math.log(2)
    var1 = float(
        np.sum(w * scipy.special.polygamma(1, n / 2 + k))
        + np.sum(w * (psi - m1 + math.log(2)) ** 2)
    )
    return d * (math.log(a2) + m1 - math.log(growth(c))), d * var1


def fc_exact_moments(width: int, depth: int, sigma_w2: float = 2.0) -> tuple[float, float]:
    """Exact (E, Var) of ln(‖φ(h^d)‖²/‖φ(h^0)‖²) in a ReLU feed-forward net (Hanin & Nica 2019).

    ‖φ(h^{l+1})‖² = (σ_w²/n) ‖φ(h^l)‖² χ²_K exactly, K ~ Bin(n, ½) the number of active units, fresh
    and independent in each layer; conditioned on K ≥ 1 (probability 1 − 2^{−n}):
    E ln χ²_K = ψ(K/2) + ln 2, Var ln χ²_K = ψ′(K/2). He (σ_w² = 2): ⇒ N(−5β/2, 5β) as n → ∞.
    """
    n = _validate.integer("width", width)
    d = _validate.integer("depth", depth)
    sw = _validate.positive("sigma_w2", sigma_w2)
    k = np.arange(1, n + 1)
    w = scipy.stats.binom.pmf(k, n, 0.5)
    w = w / w.sum()
    psi = scipy.special.digamma(k / 2)
    m1 = float(np.sum(w * psi))
    var1 = float(np.sum(w * scipy.special.polygamma(1, k / 2)) + np.sum(w * (psi - m1) ** 2))
    return d * (math.log(sw / n) + m1 + math.log(2)), d * var1


# ---------------------------------------------------------------------------------------------
# the output law: a Gaussian scale mixture with log-normal variance

_Z = np.linspace(-9.0, 9.0, 241)  # quadrature nodes in the standardised log-variance
_WZ = np.exp(-(_Z**2) / 2) / math.sqrt(2 * math.pi) * (_Z[1] - _Z[0])
_WZ /= _WZ.sum()


class _LogGaussianMixture(scipy.stats.rv_continuous):
    r"""T = e^{Y/2} ε with Y ~ N(m, s²) and ε ~ N(0, 1) independent.

    pdf f(t) = E_Y[e^{−Y/2} φ(t e^{−Y/2})], cdf F(t) = E_Y[Φ(t e^{−Y/2})], computed by the
    trapezoid rule on 241 nodes of Y = m + s z, z ∈ [−9, 9] (spectrally accurate for these smooth
    integrands: cdf within 1e-14 of a 4001-node rule for s ≤ 4.7). Var T = e^{m + s²/2},
    kurtosis 3 e^{s²}. ppf by bisection on asinh(t).
    Shape parameters: m (real), s ≥ 0 (s = 0 is N(0, e^m)).
    """

    def _argcheck(self, m: np.ndarray, s: np.ndarray) -> np.ndarray:
        return np.isfinite(m) & np.isfinite(s) & (s >= 0)

    def _scales(self, m: np.ndarray, s: np.ndarray) -> np.ndarray:
        return np.exp(-(m[..., None] + s[..., None] * _Z) / 2)  # e^{−Y/2} on the nodes

    def _apply(self, fn, x, m, s) -> np.ndarray:
        x, m, s = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (x, m, s)))
        out = np.empty(x.shape)
        flat = [a.reshape(-1) for a in (x, m, s, out)]
        for lo in range(0, flat[0].size, 4096):
            sl = slice(lo, lo + 4096)
            e = self._scales(flat[1][sl], flat[2][sl])
            flat[3][sl] = fn(flat[0][sl, None], e) @ _WZ
        return out

    def _pdf(self, x, m, s):
        return self._apply(lambda t, e: e * scipy.stats.norm.pdf(t * e), x, m, s)

    def _cdf(self, x, m, s):
        return self._apply(lambda t, e: scipy.special.ndtr(t * e), x, m, s)

    def _sf(self, x, m, s):
        return self._apply(lambda t, e: scipy.special.ndtr(-t * e), x, m, s)

    def _ppf(self, q, m, s):
        q, m, s = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (q, m, s)))
        # bracket in asinh(t): the quantile of e^{Y/2}ε lies within that of the extreme nodes
        hi_scale = np.exp((m + 9.5 * s) / 2)
        bound = np.arcsinh(hi_scale * 40.0)
        lo, hi = -bound.copy(), bound.copy()
        for _ in range(80):
            mid = (lo + hi) / 2
            below = self._cdf(np.sinh(mid), m, s) < q
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        return np.sinh((lo + hi) / 2)

    def _rvs(self, m, s, size=None, random_state=None):
        y = m + s * random_state.standard_normal(size)
        return np.exp(y / 2) * random_state.standard_normal(size)

    def _stats(self, m, s):
        var = np.exp(m + s**2 / 2)
        return 0.0 * m, var, 0.0 * m, 3 * np.exp(s**2) - 3


log_gaussian_mixture = _LogGaussianMixture(name="log_gaussian_mixture", shapes="m, s")
"""``scipy.stats`` family e^{Y/2}·N(0,1), Y ~ N(m, s²); freeze: ``log_gaussian_mixture(m, s)``."""


def output_law(mean_log: float, var_log: float) -> scipy.stats.rv_continuous:
    """The predicted law of the normalised output t = z / √(σ_out² A^d ‖x^0‖²/n).

    z = W_out x^d with W_out ~ N(0, σ_out²/n) is N(0, σ_out² ‖x^d‖²/n) given x^d, so
    t = e^{L_d/2} ε: a Gaussian scale mixture with log-normal variance when L_d ~ N(mean, var).
    Returns a frozen ``scipy.stats`` object (cdf, pdf, ppf, rvs) for KS tests and QQ plots.
    The Gaussian (infinite-width) prediction is ``var_log = mean_log = 0``: N(0, 1).
    """
    m = _validate.real("mean_log", mean_log)
    v = _validate.variance("var_log", var_log)
    return log_gaussian_mixture(m, math.sqrt(v))


def gaussian_ks_distance(law: scipy.stats.rv_continuous) -> float:
    """sup_t |F(t) − Φ(t)|: the population KS distance of ``law`` to N(0, 1).

    Evaluated on 40 001 points of [−40, 40] (both cdfs are within 1e-300 of 0 or 1 outside);
    it is what the KS statistic of an output tends to if the Gaussian limit is wrong.
    """
    t = np.linspace(-40, 40, 40001)
    return float(np.max(np.abs(law.cdf(t) - scipy.stats.norm.cdf(t))))


# ---------------------------------------------------------------------------------------------
# one object per prediction


@dataclass(frozen=True)
class LogNormPrediction:
    """The log-Gaussian prediction for one model at width n and depth d."""

    model: str
    c: float
    width: int
    depth: int
    mean: float  # E L_d
    var: float  # Var L_d

    @property
    def beta(self) -> float:
        """β = d/n."""
        return self.depth / self.width

    def log_norm_law(self) -> scipy.stats.rv_continuous:
        """L_d ~ N(mean, var) as a frozen ``scipy.stats.norm``."""
        return scipy.stats.norm(self.mean, math.sqrt(self.var))

    def output_law(self) -> scipy.stats.rv_continuous:
        """The normalised output t = e^{L_d/2} ε (:func:`output_law`)."""
        return output_law(self.mean, self.var)

    @property
    def log_second_moment(self) -> float:
        """ln E e^{L_d}: mean + var/2 (standard); exactly 0 for Balanced and fc (martingales:
        E‖x^{l+1}‖² = A‖x^l‖², resp. E‖φ(h^{l+1})‖² = ‖φ(h^l)‖² for He, given the past)."""
        return self.mean + self.var / 2 if self.model in ("standard", "two_layer") else 0.0


def predict(
    c: float, width: int, depth: int, model: str = "standard", *, finite_depth: bool = True
) -> LogNormPrediction:
    """The log-Gaussian prediction for L_d (see :func:`log_norm_moments`).

    ``finite_depth`` (standard model only): sum the leading-order theory over the actual blocks
    (transients of ~10 blocks included); False gives the limit parameters (μβ, s²β). For crelu
    the finite-n moments are exact (:func:`crelu_exact_moments`); for fc too (He, c ignored).
    """
    model = _model(model)
    if model == "crelu" and finite_depth:
        mean, var = crelu_exact_moments(c, width, depth)
    elif model == "full_residual" and finite_depth:
        mean, var = full_residual_exact_moments(c, width, depth)
    elif model == "fc" and finite_depth:
        mean, var = fc_exact_moments(width, depth)
    else:
        mean, var = log_norm_moments(c, width, depth, model, finite_depth=finite_depth)
    return LogNormPrediction(model, float(c), int(width), int(depth), mean, var)


@dataclass(frozen=True)
class GaussianLimit:
    """The infinite-width (Gaussian) predictions at fixed depth for the same quantities.

    As n → ∞ at fixed d the kernel is deterministic (``theory.kernels.reduced_residual_kernels``):
    ‖x^d‖²/‖x^0‖² = A^d, so L_d = 0 (a Dirac mass), the output is exactly N(0, σ_out² A^d q_0)
    (normalised: N(0, 1), kurtosis 3), half of the units are active (θ_K = θ_E = 0), there is no
    excess second moment, and signs persist with P(same sign, lag k) = ½ + arcsin(ρ^k)/π.
    """

    c: float = 2.0

    log_norm_mean = 0.0
    log_norm_var = 0.0
    active_fraction = 0.5
    energy_fraction = 0.5
    log_second_moment = 0.0
    kurtosis = 3.0

    def __post_init__(self) -> None:
        _c(self.c)

    @property
    def growth(self) -> float:
        """A = 1 + c/2."""
        return growth(self.c)

    def output_law(self) -> scipy.stats.rv_continuous:
        """N(0, 1) for the normalised output."""
        return scipy.stats.norm(0.0, 1.0)

    def same_sign_probability(self, lag: ArrayLike) -> np.ndarray:
        """½ + arcsin(ρ^lag)/π."""
        return same_sign_probability(self.c, lag)
