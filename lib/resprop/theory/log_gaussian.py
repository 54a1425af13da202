"""The log-Gaussian depth-and-width limit of ReLU ResNets (Li, Nica & Roy 2021, arXiv:2106.04013).

**Reconstruction.** The paper's full text was not available to us. The model, the constants and
the Balanced ResNet below are our reconstruction (notes ``shared/research/paper3_log_gaussian.md``,
re-derived here), parametrised, as in those notes, by the **branch variance c**:

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
    "FC_MEAN",
    "FC_VAR",
    "MODELS",
    "GaussianLimit",
    "LogNormPrediction",
    "balanced_constants",
    "correlation_per_block",
    "crelu_exact_moments",
    "fc_exact_moments",
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

MODELS = ("standard", "crelu", "random_sign", "fc")
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
    """κ(t) = E[X|X| Y|Y|] for standard (X, Y) with correlation t (our notes §2.2).

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
    Derived by us (notes §2.3; re-derived from the source term above with f = 1[u>0] − ½).
    """
    if layer is not None:
        layer = _validate.integer("layer", layer, minimum=0)
    t = _lag_powers(c, layer)
    return float(_c(c) / (2 * math.pi * growth(c)) * np.sum(t * np.sqrt(1 - t**2)))


def theta_E(c: float, layer: int | None = None) -> float:
    """Energy hypoactivation: E ‖σ(x^l)‖²/‖x^l‖² = ½ − θ_E(l)/n + o(1/n).

    θ_E = c/(πA) Σ_{k=1}^{l} ρ^k (ρ^k arcsin ρ^k + √(1 − ρ^{2k}))   (layer None: l = ∞; He: 0.859).
    This, not θ_K, enters the mean log-norm. Derived by us (notes §2.3, f = h/2).
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
    """The three parts of s²(c) (notes §2.2, re-derived):

    noise v = (2c + c²/2)/A²;  one-layer r = 3c²/(4A²);  interlayer = c²/(2A²) Σ_{k≥1} κ(ρ^k).
    """
    c = _c(c)
    a2 = growth(c) ** 2
    return {
        "noise": noise_variance(c),
        "one_layer": 3 * c**2 / (4 * a2),
        "interlayer": c**2 / (2 * a2) * kappa_sum(c),
    }


def mean_parts(c: float) -> dict[str, float]:
    """The three parts of μ(c): hypoactivation −(c/A) θ_E; Itô of r −3c²/(8A²); Itô of noise −v/2.

    Our derivation (notes §2.2): the drift of ln(1 + c r_l) and of the noise, per unit β.
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
    if model == "standard":
        return mu(c) + s2(c) / 2
    if model == "fc":
        return FC_MEAN + FC_VAR / 2
    _c(c)
    return 0.0


def balanced_constants(c: float, variant: str = "crelu") -> tuple[float, float]:
    """(μ, s²) of a Balanced ResNet (our reconstruction of the paper's Theorem 4; notes §2.5).

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

    ``model``: ``"standard"``, ``"crelu"``/``"random_sign"`` (Balanced: exactly linear in d) or
    ``"fc"`` (Hanin–Nica, L_d = ln(‖φ(h^d)‖²/‖φ(h^0)‖²), which is a sum of d i.i.d. terms). For
    the exact finite-n moments of crelu and fc see :func:`crelu_exact_moments` and
    :func:`fc_exact_moments`.
    """
    model = _model(model)
    n = _validate.integer("width", width)
    d = _validate.integer("depth", depth)
    if model == "fc":
        return FC_MEAN * d / n, FC_VAR * d / n
    if model != "standard":
        m, v = balanced_constants(c, model)
        return m * d / n, v * d / n
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
    """The predicted law of the normalised output t = z / √(σ_out² A^d ‖x^0‖²/n) (notes §2.8).

    z = W_out x^d with W_out ~ N(0, σ_out²/n) is N(0, σ_out² ‖x^d‖²/n) given x^d, so
    t = e^{L_d/2} ε: a Gaussian scale mixture with log-normal variance when L_d ~ N(mean, var).
    Returns a frozen ``scipy.stats`` object (cdf, pdf, ppf, rvs) for KS tests and QQ plots.
    The Gaussian (infinite-width) prediction is ``var_log = mean_log = 0``: N(0, 1).
    """
    m = _validate.real("mean_log", mean_log)
    v = _validate.variance("var_log", var_log)
    return log_gaussian_mixture(m, math.sqrt(v))


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
        return self.mean + self.var / 2 if self.model == "standard" else 0.0


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
