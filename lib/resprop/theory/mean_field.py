r"""Mean-field theory of residual networks (Yang & Schoenholz 2017, arXiv:1712.08969).

Scalar mean-field recursions for two inputs of equal length through three families, in float64
and in log-space, vectorised over a grid of variances (every σ² and the initial length p⁰ and
cosine e⁰ broadcast against each other, so a σ_w² × L heat map is one call):

* ``"feedforward"``  h^l = W φ(h^{l−1}) + b                 (Poole et al. 2016 baseline)
* ``"reduced"``      x^l = x^{l−1} + W φ(x^{l−1}) + b       (reduced residual network, RRN)
* ``"full"``         h^l = W x^{l−1} + b, x^l = x^{l−1} + V φ(h^l) + a   (full residual, FRN)

with W ~ N(0, σ_w²/n), V ~ N(0, σ_v²/n), b ~ N(0, σ_b²), a ~ N(0, σ_a²). Notation (our
reconstruction of the paper's, ``research/paper2_mean_field_resnets.md`` §1.2):
p = ‖x‖²/n, γ = ⟨x, x′⟩/n, e = γ/p (cosine), s = p − γ (metric expressivity, equal lengths),
q, λ, c the same for the pre-activation h of the FRN, χ^l = ‖∂E/∂x^l‖²/n. With the Gaussian
transforms of :mod:`resprop.gaussian`, Vφ(q) = E φ(z)², Wφ(q, λ) = E φ(z)φ(z′), Vφ̇(q) = E φ′(z)²:

    RRN  p′ = p + σ_w² Vφ(p) + σ_b²,   s′ = s + σ_w² [Vφ(p) − Wφ(p, γ)],
         χ^{l−1} = χ^l (1 + σ_w² Vφ̇(p^{l−1}))
    FRN  q = σ_w² p + σ_b²,  λ = σ_w² γ + σ_b²,
         p′ = p + σ_v² Vφ(q) + σ_a²,   s′ = s + σ_v² [Vφ(q) − Wφ(q, λ)],
         χ^{l−1} = χ^l (1 + σ_v² σ_w² Vφ̇(q^l))
    FF   q′ = σ_w² Vφ(q) + σ_b²,       s′ = σ_w² [Vφ(q) − Wφ(q, λ)],
         χ^{l−1} = χ^l σ_w² Vφ̇(q^{l−1})

(reconstruction §2.2–2.3, re-derived here: the skip adds p because the branch's last weight
matrix is fresh; the χ recursions assume gradient independence, and equal the forward
Jacobian–vector-product recursion E‖J_l t‖²/‖t‖², which needs no such assumption.) The state is
(ℓ = ln p, ε = 1 − e, ln χ⁰/χ^l): ℓ advances by log1p of the relative increment, ε by its own
update (no cancellation as e → 1), and ln χ by log1p. For ReLU and α-ReLU the transforms are
homogeneous, Vψ_α(q) = c_α q^α, Wψ_α = q^α F_α(c), Vψ̇_α(q) = α² c_{α−1} q^{α−1}
(``gaussian.alpha_relu_*``), and are evaluated from ln q, so no depth overflows. Other φ (tanh,
erf, linear) use ``gaussian.variance_map``/``pair_expectation`` (accurate panelled quadrature).

Asymptotic laws (:func:`asymptotic_laws`, reconstruction §2.6–2.7, re-derived in the
docstrings) complete the module; their exponents are fitted with ``estimators.fit_slope``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.optimize
from numpy.typing import ArrayLike

from .. import _validate
from ..activations import Activation, get_activation
from ..gaussian import (
    alpha_relu_kernel,
    alpha_relu_variance_constant,
    pair_expectation,
    variance_map,
)

__all__ = [
    "ARCHITECTURES",
    "Law",
    "MeanField",
    "alpha_relu_cosine_fixed_point",
    "alpha_relu_expansion_coefficient",
    "asymptotic_laws",
    "feedforward_length_fixed_point",
    "mean_field",
    "sigma_w2_level_set",
    "tanh_cosine_fixed_point",
]

ARCHITECTURES = ("feedforward", "reduced", "full")
TANH_CHI_CONSTANT = 4.0 / 3.0 * math.sqrt(2.0 / math.pi)  # (4/3)√(2/π): ∫sech⁴ = 4/3


# --------------------------------------------------------------------------------------------
# the transforms, from ln q


class _Transforms:
    """Vφ, Vφ̇ and the normalised complement 1 − Wφ(q, (1−ε)q)/Vφ(q), all from ln q."""

    def __init__(self, act: Activation) -> None:
        self.act = act
        self.degree = act.homogeneity if act.name in ("relu", "alpha_relu") else None
        if self.degree is not None:
            a = self.degree
            self.log_c = math.log(float(alpha_relu_variance_constant(a)))
            cd = float(alpha_relu_variance_constant(a - 1)) if a > 0.5 else math.inf
            self.vd_const = a * a * cd

    def log_v(self, log_q: np.ndarray) -> np.ndarray:
        """ln Vφ(q)."""
        if self.degree is not None:
            return self.log_c + self.degree * log_q
        with np.errstate(divide="ignore"):
            return np.log(variance_map(self.act, np.exp(log_q)))

    def vd(self, log_q: np.ndarray) -> np.ndarray:
        """Vφ̇(q) = E φ′(z)², z ~ N(0, q) (φ′(0) = 0 for relu and α-ReLU)."""
        if self.degree is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                out = self.vd_const * np.exp((self.degree - 1) * log_q)
            return np.where(np.isneginf(log_q), 0.0, out)
        return np.asarray(variance_map(self.act, np.exp(log_q), derivative=True), dtype=float)

    def complement(self, log_q: np.ndarray, eps: np.ndarray, log_v: np.ndarray) -> np.ndarray:
        """1 − Wφ(q, (1 − ε)q)/Vφ(q) = ½E[(φ(z) − φ(z′))²]/Vφ(q), corr(z, z′) = 1 − ε."""
        eps = np.clip(eps, 0.0, 2.0)
        if self.act.name == "relu":
            return _relu_complement(eps)
        if self.degree is not None:
            return 1.0 - alpha_relu_kernel(1.0 - eps, self.degree, normalize=True)
        q = np.exp(log_q)
        with np.errstate(invalid="ignore", divide="ignore"):
            w = pair_expectation(self.act, q, q, 1.0 - eps)
            out = 1.0 - w / np.exp(log_v)
        return np.where(np.isneginf(log_v), 0.0, out)


def _relu_complement(eps: np.ndarray) -> np.ndarray:
    r"""1 − J₁(1 − ε) = [(θ − sin θ) + (π − θ) ε]/π, θ = arccos(1 − ε) = 2 arcsin √(ε/2).

    J₁(cos θ) = (sin θ + (π − θ) cos θ)/π is the normalised arc-cosine kernel (Cho & Saul);
    θ − sin θ uses its Taylor series for θ < 0.1, so 1 − J₁ keeps full relative precision as
    ε → 0, where 1 − J₁ = ε − (2√2/3π) ε^{3/2} + O(ε²).
    """
    theta = 2.0 * np.arcsin(np.sqrt(0.5 * eps))
    t2 = theta * theta
    series = theta * t2 / 6.0 * (1.0 - t2 / 20.0 * (1.0 - t2 / 42.0 * (1.0 - t2 / 72.0)))
    th_sin = np.where(theta < 0.1, series, theta - np.sin(theta))
    return (th_sin + (math.pi - theta) * eps) / math.pi


# --------------------------------------------------------------------------------------------
# the recursion


@dataclass(frozen=True)
class MeanField:
    """Mean-field trajectories for layers l = 0..L; arrays have shape (L+1, *grid), float64.

    ``log_p`` ln p^l (the stream x^l; h^l for the feed-forward family); ``epsilon`` 1 − e^l
    (None when the cosine was not tracked); ``log_q`` ln q^l of the FRN's pre-activation h^l
    (NaN at l = 0; None for the other families); ``eps_pre`` 1 − c^l of the FRN; ``log_chi``
    ln(χ⁰/χ^l), 0 at l = 0, the gradient explosion of a depth-l network (equivalently the
    growth of E‖J_l t‖²/‖t‖² for the Jacobian J_l of x^l in the input).
    """

    architecture: str
    activation: Activation
    depth: int
    params: dict[str, Any]
    log_p: np.ndarray
    epsilon: np.ndarray | None
    log_chi: np.ndarray
    log_q: np.ndarray | None = None
    eps_pre: np.ndarray | None = None
    layers: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", np.arange(self.depth + 1))

    @property
    def p(self) -> np.ndarray:
        """p^l = ‖x^l‖²/n (inf beyond e^709; use ``log_p``)."""
        return np.exp(self.log_p)

    @property
    def e(self) -> np.ndarray:
        """Cosine e^l = γ^l/p^l between the two inputs' images."""
        return 1.0 - self._eps()

    @property
    def gamma(self) -> np.ndarray:
        """γ^l = e^l p^l."""
        return self.e * self.p

    @property
    def log_s(self) -> np.ndarray:
        """ln s^l, s = p − γ = ε p (metric expressivity, ½ the squared distance /n)."""
        with np.errstate(divide="ignore"):
            return self.log_p + np.log(self._eps())

    @property
    def s(self) -> np.ndarray:
        """s^l = p^l − γ^l."""
        return np.exp(self.log_s)

    @property
    def q(self) -> np.ndarray:
        """q^l of the FRN's pre-activation h^l = W x^{l−1} + b."""
        return np.exp(self._need("log_q"))

    @property
    def c(self) -> np.ndarray:
        """Pre-activation correlation c^l = λ^l/q^l of the FRN."""
        return 1.0 - self._need("eps_pre")

    @property
    def lam(self) -> np.ndarray:
        """λ^l = c^l q^l of the FRN."""
        return self.c * self.q

    @property
    def chi_ratio(self) -> np.ndarray:
        """χ⁰/χ^l (inf beyond e^709; use ``log_chi``)."""
        return np.exp(self.log_chi)

    def _eps(self) -> np.ndarray:
        if self.epsilon is None:
            raise ValueError("cosine: this trajectory was computed with cosine=False")
        return self.epsilon

    def _need(self, name: str) -> np.ndarray:
        value = getattr(self, name)
        if value is None:
            raise ValueError(f"{name}: only the full residual network has a pre-activation")
        return value


def _grid(name: str, value: ArrayLike, *, minimum: float = 0.0, strict: bool = False) -> np.ndarray:
    arr = _validate.real_array(name, value)
    if np.any(arr <= minimum if strict else arr < minimum):
        raise ValueError(f"{name}: must be {'>' if strict else '≥'} {minimum}")
    return arr


def mean_field(
    architecture: str,
    depth: int,
    activation: str | Activation = "tanh",
    *,
    alpha: float | None = None,
    sigma_w2: ArrayLike = 1.0,
    sigma_b2: ArrayLike = 0.0,
    sigma_v2: ArrayLike = 1.0,
    sigma_a2: ArrayLike = 0.0,
    p0: ArrayLike = 1.0,
    e0: ArrayLike = 0.5,
    cosine: bool = True,
) -> MeanField:
    r"""Iterate the mean-field recursion of ``architecture`` for ``depth`` layers (module doc).

    In log-space, with ℓ = ln p, ε = 1 − e, r = (branch variance)/p, β = (bias variance)/p and
    κ = ½E[(φ(z) − φ(z′))²]/Vφ(q) the normalised complement of the kernel:

        residual      ℓ′ = ℓ + log1p(r + β),   ε′ = (ε + r κ)/(1 + r + β),
                      ln χ⁰/χ^l += log1p(σ² Vφ̇(q))          (σ² = σ_w², or σ_v² σ_w² in the FRN)
        feed-forward  ℓ′ = ln(σ_w² Vφ(q) + σ_b²),  ε′ = σ_w² Vφ(q) κ/q′,
                      ln χ⁰/χ^l += ln(σ_w² Vφ̇(q))

    with q = p (reduced, feed-forward) or q = σ_w² p + σ_b² and 1 − c = σ_w² p ε/q (full).
    The two inputs have equal length p⁰ and cosine e⁰. ``sigma_*``, ``p0`` and ``e0`` broadcast
    to a common grid shape G; every array of the result is (depth+1, *G). ``sigma_v2`` and
    ``sigma_a2`` are used by the FRN only. ``cosine=False`` skips the two-input kernel (faster
    for smooth φ, whose pair expectation is a 2-D quadrature per grid point and layer).
    Reconstruction §2.2–2.3 of Yang & Schoenholz (2017); the FRN/RRN definitions are ours.
    """
    _validate.choice("architecture", architecture, ARCHITECTURES)
    depth = _validate.integer("depth", depth)
    act = get_activation(activation, alpha)
    sw = _grid("sigma_w2", sigma_w2)
    sb = _grid("sigma_b2", sigma_b2)
    sv = _grid("sigma_v2", sigma_v2)
    sa = _grid("sigma_a2", sigma_a2)
    p0 = _grid("p0", p0, strict=True)
    e0 = _validate.real_array("e0", e0)
    if np.any(np.abs(e0) > 1):
        raise ValueError("e0: the initial cosine must lie in [−1, 1]")
    cosine = _validate.flag("cosine", cosine)
    try:
        sw, sb, sv, sa, p0, e0 = np.broadcast_arrays(sw, sb, sv, sa, p0, e0)
    except ValueError as exc:
        shapes = [np.shape(v) for v in (sw, sb, sv, sa, p0, e0)]
        raise ValueError(
            f"sigma_w2, sigma_b2, sigma_v2, sigma_a2, p0, e0: shapes {shapes} do not broadcast"
        ) from exc
    shape = sw.shape
    T = _Transforms(act)
    with np.errstate(divide="ignore"):
        lsw, lsb, lsv, lsa = np.log(sw), np.log(sb), np.log(sv), np.log(sa)

    log_p = np.empty((depth + 1, *shape))
    log_chi = np.zeros((depth + 1, *shape))
    eps_out = np.empty((depth + 1, *shape)) if cosine else None
    full = architecture == "full"
    log_q = np.full((depth + 1, *shape), np.nan) if full else None
    eps_pre = np.full((depth + 1, *shape), np.nan) if full and cosine else None

    ell = np.log(p0)
    eps = 1.0 - e0
    log_p[0] = ell
    if cosine:
        eps_out[0] = eps
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        for layer in range(1, depth + 1):
            if full:
                lq = np.logaddexp(lsw + ell, lsb)
                eps_c = eps * np.exp(lsw + ell - lq) if cosine else None
                log_q[layer] = lq
                if cosine:
                    eps_pre[layer] = eps_c
            else:
                lq, eps_c = ell, eps
            lv = T.log_v(lq)
            kappa = T.complement(lq, eps_c, lv) if cosine else None
            vd = T.vd(lq)
            if architecture == "feedforward":
                new_ell = np.logaddexp(lsw + lv, lsb)
                if cosine:
                    eps = np.exp(lsw + lv - new_ell) * kappa
                step = np.where(sw > 0, lsw + np.log(vd), -np.inf)
            else:
                l_branch, l_bias = (lsv, lsa) if full else (lsw, lsb)
                r = np.exp(l_branch + lv - ell)
                beta = np.exp(l_bias - ell)
                new_ell = ell + np.log1p(r + beta)
                if cosine:
                    eps = (eps + r * kappa) / (1.0 + r + beta)
                gain = sv * sw * vd if full else sw * vd
                step = np.log1p(np.where(gain > 0, gain, 0.0))
            ell = new_ell
            log_p[layer] = ell
            log_chi[layer] = log_chi[layer - 1] + step
            if cosine:
                eps_out[layer] = eps
    params = dict(sigma_w2=sw, sigma_b2=sb, sigma_v2=sv, sigma_a2=sa, p0=p0, e0=e0)
    params = {k: (float(v) if v.ndim == 0 else v) for k, v in params.items()}
    return MeanField(architecture, act, depth, params, log_p, eps_out, log_chi, log_q, eps_pre)


# --------------------------------------------------------------------------------------------
# fixed points and identities


def sigma_w2_level_set(
    quantity: str,
    level: float,
    depths: ArrayLike,
    *,
    architecture: str = "full",
    activation: str | Activation = "tanh",
    alpha: float | None = None,
    sigma_v2: ArrayLike = 1.0,
    sigma_w2_range: tuple[float, float] = (1e-4, 1e3),
    n_grid: int = 400,
    **params: float,
) -> np.ndarray:
    r"""σ_w² on the level set ``quantity`` = ``level`` at depth L, one per (L, σ_v²) pair.

    ``quantity``: ``"log_chi"``, the gradient explosion ln χ⁰/χ^L, or ``"log_s"``, the log
    metric expressivity ln s^L (s = p − γ, half the expected squared distance /n between the
    images of two inputs). ``depths`` and ``sigma_v2`` broadcast to pairs. The exact
    recursion (:func:`mean_field`, other variances, ``p0`` and ``e0`` from ``params``) runs to
    max(L) on ``n_grid`` log-spaced σ_w² over ``sigma_w2_range``; the quantity must grow with
    σ_w², and ln σ_w² is interpolated linearly in it (error O(Δ²), Δ the ln-spacing of the
    grid). Asymptotically
    the level sets are σ_w² ∝ 1/L for tanh (ln χ⁰/χ^L ≈ (4/3)√(2/π) σ_v σ_w √L, FRN) and
    σ_v² σ_w^{2α} L = const for α-ReLU (s^L ∝ [(1 − α) c_α σ_v² σ_w^{2α} L]^{1/(1−α)}, FRN).
    ``ValueError`` if the level is outside the range reached on the grid, or not monotone.
    """
    _validate.choice("quantity", quantity, ("log_chi", "log_s"))
    level = _validate.real("level", level)
    L = _validate.real_array("depths", depths)
    if L.size == 0 or np.any(L < 1) or np.any(L != np.round(L)):
        raise ValueError(f"depths: expected positive integers, got {depths!r}")
    sv = _grid("sigma_v2", sigma_v2)
    L, sv = (np.ravel(a) for a in np.broadcast_arrays(L, sv))
    lo, hi = (_validate.positive("sigma_w2_range", v) for v in sigma_w2_range)
    if hi <= lo:
        raise ValueError(f"sigma_w2_range: expected (lo, hi) with lo < hi, got {sigma_w2_range}")
    n_grid = _validate.integer("n_grid", n_grid, minimum=8)
    grid = np.geomspace(lo, hi, n_grid)
    traj = mean_field(
        architecture,
        int(L.max()),
        activation,
        alpha=alpha,
        sigma_w2=grid[:, None],
        sigma_v2=sv[None, :],
        cosine=quantity == "log_s",
        **params,
    )
    values = traj.log_chi if quantity == "log_chi" else traj.log_s
    out = np.empty(L.size)
    for i, (depth, v2) in enumerate(zip(L.astype(int), sv, strict=True)):
        curve = values[depth, :, i]
        if not np.all(np.diff(curve) > 0):
            raise ValueError(f"{quantity}: not increasing in σ_w² at L = {depth}, σ_v² = {v2:g}")
        if not curve[0] <= level <= curve[-1]:
            raise ValueError(
                f"level: {level:g} outside [{curve[0]:.3g}, {curve[-1]:.3g}], the range of "
                f"{quantity} over sigma_w2_range {sigma_w2_range} at L = {depth}, σ_v² = {v2:g}"
            )
        out[i] = np.exp(np.interp(level, curve, np.log(grid)))
    return out


def tanh_cosine_fixed_point(sigma2: float, sigma02: float) -> tuple[float, float]:
    r"""(e*, δ*) of a tanh residual network at large depth (reconstruction §2.7, derived).

    As q → ∞, Vtanh → 1 and Wtanh(q, cq) → (2/π) arcsin c, so the cosine obeys
    Δe ≈ (1/l)[σ²((2/π) arcsin e − e) + σ₀²(1 − e)]/(σ² + σ₀²), with (σ², σ₀²) = (σ_v², σ_a²)
    (FRN) or (σ_w², σ_b²) (RRN). e* is its root in [0, 1) and |e − e*| ~ l^{−δ*},
    δ* = 1 − σ²/(σ² + σ₀²) · 2/(π√(1 − e*²)). With σ₀² = 0, e* = 0 and δ* = 1 − 2/π.
    """
    s2 = _validate.positive("sigma2", sigma2)
    s02 = _validate.variance("sigma02", sigma02)
    if s02 == 0:
        return 0.0, 1.0 - 2.0 / math.pi

    def g(e: float) -> float:
        return s2 * (2 / math.pi * math.asin(e) - e) + s02 * (1 - e)

    e_star = scipy.optimize.brentq(g, 0.0, 1.0 - 1e-15, xtol=1e-15, rtol=1e-15)
    delta = 1.0 - s2 / (s2 + s02) * 2.0 / (math.pi * math.sqrt(1.0 - e_star**2))
    return e_star, delta


def alpha_relu_cosine_fixed_point(alpha: float) -> float:
    r"""e*_α ∈ (0, 1): the stable root of J_α(e) = e, J_α = F_α/F_α(1) (α-ReLU, 0 < α < 1).

    In residual α-ReLU networks δ_l = Δp/p ≈ 1/((1 − α) l), so Δe ≈ δ_l (J_α(e) − e) and e
    converges to e*_α whatever the σ's; e = 1 is unstable because J′_α(1) = α²/(2α − 1) > 1
    (reconstruction §2.6–2.7, derived).
    """
    a = _validate.positive("alpha", alpha)
    if a >= 1:
        raise ValueError(f"alpha: the fixed point e* < 1 exists for 0 < α < 1, got {a}")

    def g(e: float) -> float:
        return float(alpha_relu_kernel(e, a, normalize=True)) - e

    hi = 1.0 - 1e-2
    while g(hi) > 0:
        hi = 1.0 - (1.0 - hi) / 10
        if 1.0 - hi < 1e-14:
            raise ValueError(f"alpha: no fixed point below 1 found for α = {a}")
    return scipy.optimize.brentq(g, 0.0, hi, xtol=1e-15, rtol=1e-15)


def alpha_relu_expansion_coefficient(alpha: float) -> float:
    r"""C_α in J_α(1 − ε) = 1 − α²/(2α−1) ε + … + C_α ε^{α+½} + … (reconstruction §2.5, I3).

    C_α = −Γ(α+1)² / (2^{α+½} cos(πα) Γ(α+½) Γ(α+3/2)), for α not a half-integer;
    C_1 = 2√2/(3π). It fixes the ReLU cosine law 1 − e^l ≈ (9π²/2)((1+ρ)/ρ)² l^{−2}.
    """
    a = _validate.positive("alpha", alpha)
    if abs(a - 0.5 - round(a - 0.5)) < 1e-12:
        raise ValueError(f"alpha: the expansion has a log term at half-integer α, got {a}")
    num = math.gamma(a + 1) ** 2
    den = 2 ** (a + 0.5) * math.cos(math.pi * a) * math.gamma(a + 0.5) * math.gamma(a + 1.5)
    return -num / den


def feedforward_length_fixed_point(
    activation: str | Activation,
    *,
    alpha: float | None = None,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
) -> float:
    """q* = σ_w² Vφ(q*) + σ_b² of a feed-forward network (largest root, by fixed-point iteration).

    For tanh and σ_b² = 0 with σ_w² ≤ 1 this is 0. Used for the feed-forward rows of
    :func:`asymptotic_laws` (the exponential baseline of claim 1).
    """
    act = get_activation(activation, alpha)
    sw = _validate.variance("sigma_w2", sigma_w2)
    sb = _validate.variance("sigma_b2", sigma_b2)
    q = 1.0
    for _ in range(100_000):
        new = sw * float(variance_map(act, q)) + sb
        if abs(new - q) <= 1e-14 * max(1.0, q):
            return new
        q = new
    return q


# --------------------------------------------------------------------------------------------
# asymptotic laws


@dataclass(frozen=True)
class Law:
    """An asymptotic law of one quantity as l → ∞.

    ``kind``: ``"power"`` (y ≈ C l^k; y = p, 1 − e, χ⁰/χ^l or e), ``"exp-sqrt"``
    (ln y ≈ k √l), ``"exponential"`` (ln y ≈ k l), ``"fixed point"`` (y → k). ``exponent`` is k,
    ``constant`` C where known, ``quantity`` the y it is about, ``fit`` the x-axis of the slope
    that estimates k (``"log"``: ln y vs ln l; ``"sqrt"``: ln y vs √l; ``"linear"``: ln y vs l).
    """

    quantity: str
    kind: str
    exponent: float
    constant: float | None = None
    note: str = ""

    @property
    def fit(self) -> str | None:
        """The ``x_scale`` of ``estimators.fit_slope`` estimating ``exponent`` (None: no slope)."""
        return {"power": "log", "exp-sqrt": "sqrt", "exponential": "linear"}.get(self.kind)


def asymptotic_laws(
    architecture: str,
    activation: str | Activation,
    *,
    alpha: float | None = None,
    sigma_w2: float = 1.0,
    sigma_b2: float = 0.0,
    sigma_v2: float = 1.0,
    sigma_a2: float = 0.0,
) -> dict[str, Law]:
    r"""The large-depth laws of p, the cosine and χ⁰/χ^L (reconstruction §2.7, re-derived).

    Keys ``"p"``, ``"e"``, ``"chi"``. With A = σ_w² + σ_b² (RRN) or σ_v² + σ_a² (FRN) and the
    branch gain σ² = σ_w² (RRN), σ_v²σ_w² (FRN):

    * tanh: p ≈ A l (Vtanh → 1); Vtanh′(q) ≈ (4/3)/√(2πq), so Σ log1p(·) gives
      ln χ⁰/χ^L ≈ (4/3)√(2/π) σ_w²/√A · √L (RRN), (4/3)√(2/π) σ_v²σ_w/√A · √L (FRN);
      without biases e ~ l^{−(1−2/π)}, with them e → e* (:func:`tanh_cosine_fixed_point`).
    * α-ReLU, ½ < α < 1: dp/dl = K p^α gives p ≈ ((1−α)K l)^{1/(1−α)}, K = σ_w² c_α (RRN),
      σ_v² σ_w^{2α} c_α (FRN); the gradient factor is 1 + α²/((1−α)(2α−1) l), so
      χ⁰/χ^L ~ L^{α²/((1−α)(2α−1))}, independent of the σ's; e → e*_α.
    * ReLU: p^l = (1+ρ)^l p⁰ exactly and χ⁰/χ^L = (1+ρ)^L (ρ = σ_w²/2, or σ_v²σ_w²/2), biases 0;
      1 − e ≈ (9π²/2)((1+ρ)/ρ)² l^{−2} from J₁(1−ε) = 1 − ε + (2√2/3π) ε^{3/2}.
    * feed-forward: q → q* (:func:`feedforward_length_fixed_point`) and
      ln χ⁰/χ^L ≈ L ln(σ_w² Vφ̇(q*)) (exponential), ReLU: ln p and ln χ grow like L ln(σ_w²/2);
      α-ReLU: ln χ grows like L ln(α²/(2α−1)).
    """
    _validate.choice("architecture", architecture, ARCHITECTURES)
    act = get_activation(activation, alpha)
    sw = _validate.variance("sigma_w2", sigma_w2)
    sb = _validate.variance("sigma_b2", sigma_b2)
    sv = _validate.variance("sigma_v2", sigma_v2)
    sa = _validate.variance("sigma_a2", sigma_a2)
    name = act.name
    if name not in ("tanh", "relu", "alpha_relu"):
        raise ValueError(f"activation: laws are derived for tanh, relu, alpha_relu, not {name!r}")
    full = architecture == "full"
    if architecture == "feedforward":
        return _feedforward_laws(act, sw, sb)
    A = sv + sa if full else sw + sb
    gain = sv * sw if full else sw
    s2, s02 = (sv, sa) if full else (sw, sb)
    if name == "tanh":
        k_chi = TANH_CHI_CONSTANT * (sv * math.sqrt(sw) if full else sw) / math.sqrt(A)
        e_star, delta = tanh_cosine_fixed_point(s2, s02)
        e_law = (
            Law("e", "power", -delta, note="e ~ l^(−(1−2/π))")
            if s02 == 0
            else Law("e", "fixed point", e_star, note=f"|e − e*| ~ l^(−{delta:.3f})")
        )
        return {
            "p": Law("p", "power", 1.0, A, note="p ≈ A l"),
            "e": e_law,
            "chi": Law("chi", "exp-sqrt", k_chi, note="ln χ⁰/χ^L ≈ k √L"),
        }
    if name == "relu":
        rho = gain / 2
        c_e = 4.5 * math.pi**2 * ((1 + rho) / rho) ** 2 if rho > 0 else math.inf
        exact = "exact" if s02 == 0 else "asymptotic (biases > 0)"
        return {
            "p": Law("p", "exponential", math.log1p(rho), note=f"p = (1+ρ)^l p⁰, {exact}"),
            "e": Law("1-e", "power", -2.0, c_e, note="1 − e ≈ (9π²/2)((1+ρ)/ρ)² l^(−2)"),
            "chi": Law("chi", "exponential", math.log1p(rho), note="χ⁰/χ^L = (1+ρ)^L"),
        }
    a = act.alpha
    if not 0 < a < 1:
        raise ValueError(f"alpha: the α-ReLU laws are derived for 0 < α < 1, got {a}")
    c_a = float(alpha_relu_variance_constant(a))
    K = (sv * sw**a if full else sw) * c_a
    laws = {
        "p": Law("p", "power", 1 / (1 - a), ((1 - a) * K) ** (1 / (1 - a))),
        "e": Law("e", "fixed point", alpha_relu_cosine_fixed_point(a)),
    }
    if a > 0.5:
        laws["chi"] = Law("chi", "power", a * a / ((1 - a) * (2 * a - 1)))
    return laws


def _feedforward_laws(act: Activation, sw: float, sb: float) -> dict[str, Law]:
    if act.name == "relu":
        rate = math.log(sw / 2) if sw > 0 else -math.inf
        return {
            "p": Law("p", "exponential", rate, note="q^l = (σ_w²/2)^l q⁰ (σ_b² = 0)"),
            "e": Law("1-e", "power", -2.0, 4.5 * math.pi**2),
            "chi": Law("chi", "exponential", rate),
        }
    if act.name == "alpha_relu":
        a = act.alpha
        q_star = (sw * float(alpha_relu_variance_constant(a))) ** (1 / (1 - a))
        rate = math.log(a * a / (2 * a - 1)) if a > 0.5 else math.inf
        return {
            "p": Law("p", "fixed point", q_star),
            "e": Law("e", "fixed point", alpha_relu_cosine_fixed_point(a)),
            "chi": Law("chi", "exponential", rate, note="ln(α²/(2α−1)) per layer"),
        }
    q_star = feedforward_length_fixed_point(act, sigma_w2=sw, sigma_b2=sb)
    rate = math.log(sw * float(variance_map(act, q_star, derivative=True))) if sw > 0 else -math.inf
    return {
        "p": Law("p", "fixed point", q_star),
        "chi": Law("chi", "exponential", rate, note="ln χ ≈ L ln(σ_w² Vφ̇(q*))"),
    }
