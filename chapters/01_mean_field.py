# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# (chapter-01)=
# # Mean field residual networks: on the edge of chaos
#
# {cite:t}`yang2017meanfield` apply mean-field theory to randomly initialised residual networks
# and claim (abstract, arXiv:1712.08969):
#
# 1. Feed-forward tanh networks propagate inputs and gradients **exponentially**; skip
#    connections make the forward and backward dynamics **subexponential**, in many cases
#    polynomial.
# 2. The **exponents** are given analytically, per activation (tanh; α-ReLU, ½ < α < 1; ReLU)
#    and per architecture (reduced, full): growth of the length $p$, convergence of the cosine
#    $e$ between two inputs, gradient explosion $\chi^{(0)}/\chi^{(L)}$.
# 3. Residual networks thereby **preserve the geometry** of the input space and the gradient
#    information ("hover over the edge of chaos").
# 4. Initialisation-time theory **predicts test-time performance**: trained accuracy follows
#    contours of gradient explosion (tanh) or of the squared distance between two images (α-ReLU).
# 5. Xavier and He initialisations are **not optimal** for residual networks: the optimal
#    variance depends on depth.
# 6. New **identities for kernels of powers of ReLU**, via the Bessel function $K_0$.
#
# ```{admonition} What is ours
# :class: warning
# The paper's full text was not available to us. The two architectures, the recursions, the
# asymptotic laws and their constants, and the kernel identities below are our
# reconstruction (derived in the docstrings of `resprop.theory.mean_field`); the paper's
# notation and constants may differ. The training
# experiment is ours too: the paper trained on MNIST with settings we do not know. A verdict
# here is about *our reconstruction* of a claim.
# ```

# %% tags=["parameters"]
profile = "quick"
device = "auto"
seed = 0

# %%
import math
import time

import matplotlib.pyplot as plt
import numpy as np

from resprop import estimators, gaussian, networks
from resprop.chapter import Chapter
from resprop.claims import Check
from resprop.figures import band
from resprop.simulate import simulate
from resprop.theory import mean_field as mf
from resprop.training import chance, load_dataset, train_many

ch = Chapter("01_mean_field", profile=profile, device=device, seed=seed)
size = ch.sizes
print(ch.describe())

ch.declare(
    "YS17-1",
    "tanh: gradients of feed-forward networks explode exponentially (ln χ ∝ l), those of "
    "residual networks subexponentially (ln χ ∝ √l).",
    paper="YS17",
    tests="Monte Carlo slopes of ln χ⁰/χ^l against the recursion's, alternative the other growth "
    "class's network; the recursion's growth class at large depth, alternative the other law",
)
ch.declare(
    "YS17-2",
    "The exponents of p, the cosine and χ⁰/χ^L per activation and architecture follow the "
    "analytic laws.",
    paper="YS17",
    tests="law against the recursion at large depth within stated tolerances, and Monte Carlo "
    "against the recursion on the simulated depths; alternative: the feed-forward network",
)
ch.declare(
    "YS17-3",
    "tanh residual networks preserve the input geometry: the difference of output cosines of two "
    "input pairs survives depth, while feed-forward networks forget it exponentially.",
    paper="YS17",
    tests="Δe^(L) of Monte Carlo against the recursion, alternative the other architecture's "
    "recursion",
)
ch.declare(
    "YS17-4",
    "Trained accuracy follows the contours of an initialisation-time quantity: the gradient "
    "explosion ln χ⁰/χ^L (tanh), the expected squared distance s^L (α-ReLU).",
    paper="YS17",
    tests="collapse of the trainability boundary (accuracy below 95 % of its best) onto the "
    "theory's level sets, on the profile's data set: tanh, slope of ln ln χ⁰/χ^L at the boundary "
    "vs ln L (claim 0, alternative: the boundary at a fixed σ_w²); α-ReLU, slope of the "
    "boundary's ln σ_w² vs ln σ_v² at one depth against the exact level set of s^L "
    "(alternative 0: σ_w² alone); bootstrap SE over seeds plus grid resolution, 4 SE",
)
ch.declare(
    "YS17-5",
    "The optimal weight variance depends on depth (σ_w² ∝ 1/L for tanh), so Xavier/He are "
    "not optimal.",
    paper="YS17",
    tests="slope of the trainability boundary's ln σ_w² vs ln L (tanh FRN, depths over a factor "
    "16, the profile's data set) against the slope of the exact recursion's ln χ⁰/χ^L level set "
    "through it; alternative 0 (a depth-independent variance such as Xavier/He); bootstrap SE "
    "over seeds plus grid resolution, 4 SE",
)
ch.declare(
    "YS17-6",
    "Kernels of powers of ReLU: the Bessel-K₀ integral, the hypergeometric closed forms and the "
    "identity F′_α = α² F_{α−1} agree, and match Monte Carlo.",
    paper="YS17",
    tests="largest deviation of each route from the closed form (deterministic, stated tolerance) "
    "and the mean squared Monte Carlo z-score; alternatives: the kernel at α + 0.05, the identity "
    "without α²",
)

# %% [markdown]
# ## The models and their mean-field recursions
#
# Width $n$, depth $L$ blocks, weights $W, V \sim \mathcal N(0, \sigma_{w,v}^2/n)$, biases
# $b, a \sim \mathcal N(0, \sigma_{b,a}^2)$. Besides the feed-forward baseline
# $h^{(l)} = W\phi(h^{(l-1)}) + b$ there are two residual networks:
#
# $$
# \text{reduced (RRN):}\quad x^{(l)} = x^{(l-1)} + W\phi(x^{(l-1)}) + b, \qquad
# \text{full (FRN):}\quad x^{(l)} = x^{(l-1)} + V\phi(Wx^{(l-1)} + b) + a .
# $$
#
# For two inputs of equal length, the mean-field state is the length $p = \|x\|^2/n$, the
# cosine $e = \langle x, x'\rangle/\|x\|\|x'\|$ and the gradient moment
# $\chi = \|\partial E/\partial x\|^2/n$. With $\mathrm V\phi(q) = \mathbb E\phi(z)^2$,
# $\mathrm W\phi(q, c) = \mathbb E\phi(z)\phi(z')$ (correlation $c$) and
# $\mathrm V\dot\phi(q) = \mathbb E\phi'(z)^2$, the FRN obeys ($q = \sigma_w^2 p + \sigma_b^2$)
#
# $$
# p^{(l)} = p^{(l-1)} + \sigma_v^2 \mathrm V\phi(q^{(l)}) + \sigma_a^2, \qquad
# \frac{\chi^{(l-1)}}{\chi^{(l)}} = 1 + \sigma_v^2\sigma_w^2\, \mathrm V\dot\phi(q^{(l)}),
# $$ (frn)
#
# and the RRN the same with $q = p$ and $\sigma_v^2 \to \sigma_w^2$; the cosine follows from
# $s = p(1-e)$, $s^{(l)} = s^{(l-1)} + \sigma_v^2[\mathrm V\phi(q) - \mathrm W\phi(q, c)]$.
# Because each term is *added* to $p$, the increments are relative corrections $1 + O(1/l)$ or
# $1 + O(l^{-1/2})$, and products of such factors are polynomials or stretched exponentials,
# not exponentials. `resprop.theory.mean_field` iterates these in float64 and log-space
# (ReLU networks grow like $(1+\rho)^L$), vectorised over grids of variances.
#
# The gradient ratio $\chi^{(0)}/\chi^{(l)}$ is measured on simulated networks as the growth
# $\|J_l t\|^2/\|t\|^2$ of a Jacobian–vector product ($t$ a random Gaussian tangent): its mean
# is $\|J_l\|_F^2/n$, the same as that of the back-propagated $\|J_l^\top g\|^2$ for a random
# gradient $g$, and it needs no gradient-independence assumption.
#
# **Simulation setup.** Three inputs with cosines $e^{(0)}_{01} = 0.8$, $e^{(0)}_{02} = 0.2$ enter
# through a random input layer $x^{(0)} = W_{\rm in} u$ ($u \in \mathbb R^n$), so $x^{(0)}$ has exactly Gaussian
# coordinates (which the reduced network's first layer assumes) and $p^{(0)} = 1$. Every family
# uses $\sigma_w^2 = 2$ (the FRN also $\sigma_v^2 = 1$), no biases; α-ReLU uses α = 0.8 (the
# Jacobian's fourth moment is finite only for α > ¾). The Gram sampler of `resprop.simulate`
# is exact in law; one configuration is checked against dense weight matrices below.

# %%
ACTS = {"tanh": ("tanh", None), "α-ReLU": ("alpha_relu", 0.8), "ReLU": ("relu", None)}
ARCHS = {
    "feedforward": networks.FeedForward,
    "reduced": networks.ReducedResidual,
    "full": networks.FullResidual,
}
STYLE = {
    "feedforward": dict(color="#D55E00"),
    "reduced": dict(color="#0072B2"),
    "full": dict(color="#009E73"),
}
E0 = np.array([0.8, 0.2])
K0 = np.array([[1.0, E0[0], E0[1]], [E0[0], 1.0, E0[0] * E0[1]], [E0[1], E0[0] * E0[1], 1.0]])
L, n, B = size.depth, size.width, size.n_networks
# Inputs u_a ∈ R^n with u_a·u_b/n = K0; x⁰ = W_in u, W_in ~ N(0, 1/n), is then exactly Gaussian with
# covariance K0 in every network, and the random tangents t ~ N(0, I_n) are nearly orthogonal to the
# inputs (with d = 3 input dimensions they are not, and ln χ came out 0.2–0.3 too low for tanh).
Q = np.linalg.qr(np.random.default_rng(ch.seed).standard_normal((n, 3)))[0]
U = math.sqrt(n) * np.linalg.cholesky(K0) @ Q.T


def sigmas(arch):
    return dict(sigma_w2=2.0, sigma_v2=1.0) if arch == "full" else dict(sigma_w2=2.0)


def log_mean(log_x, axis=0):
    """ln of the mean of exp(log_x) over ``axis`` and its standard error (delta method)."""
    top = np.max(log_x, axis=axis, keepdims=True)
    w = np.exp(log_x - top)
    m = w.mean(axis=axis)
    se = w.std(axis=axis, ddof=1) / (m * math.sqrt(log_x.shape[axis]))
    return np.log(m) + np.squeeze(top, axis=axis), se


def cosine(rec, a=0, b=1):
    """Mean over networks of the cosine between inputs a and b, with its standard error.

    Not the ratio of means Σγ/Σp: for ReLU networks p is heavy-tailed at L/n = 1/4 and that
    ratio, dominated by a few networks, sat at twice the recursion's 1 − e (we checked).
    """
    c = rec.correlation[..., a, b]
    return c.mean(0), c.std(0, ddof=1) / math.sqrt(len(c))


def chi_samples(rec):
    """ln of each network's ‖J_l t‖²/‖t‖², averaged over its tangents: (B, L+1)."""
    d = rec.jvp_log_sq_norm - rec.jvp_log_sq_norm[:, :1]
    return log_mean(d, axis=2)[0]


sim, theory = {}, {}
for i, (act_label, (act, alpha)) in enumerate(ACTS.items()):
    for j, (arch, cls) in enumerate(ARCHS.items()):
        net = cls(width=n, depth=L, activation=act, alpha=alpha, input_dim=n, **sigmas(arch))
        sim[act_label, arch] = simulate(
            net,
            U,
            B,
            device=ch.device,
            progress=False,
            seed=ch.seed + 10 * i + j,
            n_tangents=2,
            same_sign_lags=(),
        )
        theory[act_label, arch] = mf.mean_field(arch, L, act, alpha=alpha, e0=E0, **sigmas(arch))

# %% [markdown]
# ## Claims 1 and 3: exponential versus subexponential dynamics
#
# Lines are the mean-field recursion, bands the Monte Carlo mean ± 2 standard errors. On
# log–log axes a power law is a straight line and an exponential bends upwards.

# %% tags=["hide-input"]
layers = np.arange(L + 1)
x = layers[1:]
marks = np.unique(np.geomspace(1, L, 12).astype(int)) - 1  # Monte Carlo means drawn as circles here
fig, axes = plt.subplots(3, 3, figsize=(13, 10.5))
for i, act_label in enumerate(ACTS):
    ax_p, ax_e, ax_chi = axes[i]
    for arch in ARCHS:
        rec, th, st = sim[act_label, arch], theory[act_label, arch], STYLE[arch]
        lp, se = log_mean(rec.log_sq_norm[:, :, 0])
        ax_p.fill_between(
            x, np.exp(lp - 2 * se)[1:], np.exp(lp + 2 * se)[1:], alpha=0.3, lw=0, **st
        )
        ax_p.plot(x[marks], np.exp(lp[1:])[marks], "o", ms=3, mfc="none", **st)
        ax_p.plot(x, th.p[1:, 0], label=f"{arch}", **st)
        lc, se = log_mean(chi_samples(rec))
        ax_chi.fill_between(
            x, np.exp(lc - 2 * se)[1:], np.exp(lc + 2 * se)[1:], alpha=0.3, lw=0, **st
        )
        ax_chi.plot(x[marks], np.exp(lc[1:])[marks], "o", ms=3, mfc="none", **st)
        ax_chi.plot(x, th.chi_ratio[1:, 0], **st)
        e, se = cosine(rec)
        if act_label == "ReLU":
            ax_e.fill_between(x, (1 - e - 2 * se)[1:], (1 - e + 2 * se)[1:], alpha=0.3, lw=0, **st)
            ax_e.plot(x, th.epsilon[1:, 0], **st)
        else:
            band(ax_e, x, e[1:], se[1:], label=None, lw=0, **st)
            ax_e.plot(x, th.e[1:, 0], **st)
    ax_p.set(xscale="log", yscale="log", ylabel=f"{act_label}\n$p^{{(l)}}$", title="length $p$")
    ylab = "$1 - e^{(l)}$" if act_label == "ReLU" else "$e^{(l)}$"
    ax_e.set(
        xscale="log",
        yscale="log" if act_label == "ReLU" else "linear",
        ylabel=ylab,
        title="cosine of two inputs ($e^{(0)} = 0.8$)",
    )
    ax_chi.set(
        xscale="log", yscale="log", ylabel=r"$\chi^{(0)}/\chi^{(l)}$", title="gradient explosion"
    )
    ax_p.legend(title="line: recursion; ○ and band:\nMonte Carlo mean ± 2 SE", loc="upper left")
for ax in axes[-1]:
    ax.set_xlabel("layer $l$")
fig.suptitle(f"Mean field vs Monte Carlo: n = {n}, {B} networks per curve")
fig.tight_layout()
ch.save(
    fig,
    "dynamics",
    caption=f"Length p, cosine e of two inputs (e⁰ = 0.8) and gradient explosion χ⁰/χ^l against "
    f"depth, for tanh, α-ReLU (α = 0.8) and ReLU (rows) in the feed-forward, reduced and full "
    f"residual networks (colours): mean-field recursion (lines) against {B} random networks of "
    f"width n = {n}, L = {L} (circles and bands: Monte Carlo mean ± 2 SE). σ_w² = 2 (FRN "
    f"σ_v² = 1), no biases, random input layer; gram sampler, profile {ch.profile}. For ReLU "
    "the reduced and full networks have the same ρ = 1 and coincide.",
    alt="Nine log-log panels of length, cosine and gradient growth against depth: Monte Carlo "
    "bands on the recursion's lines",
)

# %% [markdown]
# The feed-forward tanh network (orange, top row) forgets its input length within a few layers
# and its gradients explode exponentially ($\chi^{(0)}/\chi^{(l)} = e^{0.100\,l}$ at
# $\sigma_w^2 = 2$); the tanh residual networks grow $p \propto l$ and explode only like
# $e^{k\sqrt l}$. α-ReLU residual networks are polynomial in all three quantities, while the
# feed-forward α-ReLU network explodes exponentially at rate $\ln(\alpha^2/(2\alpha-1))$ per layer
# whatever $\sigma_w^2$. ReLU is the exception: residual ReLU networks grow **exactly** like
# $(1+\rho)^l$ (here $\rho = 1$), while the feed-forward He-initialised ReLU network is exactly
# critical ($p$ and $\chi$ constant). "In many cases polynomial" therefore excludes ReLU.
#
# **Claim 1, tested.** The growth class of $\ln \chi^{(0)}/\chi^{(l)}$ for tanh is read off
# the slope on the last three quarters of the depth: against $l$ for the feed-forward network,
# against $\sqrt l$ for the residual ones. The Monte Carlo slope (with a bootstrap standard
# error over networks) must agree with the recursion's on the same window, and the recursion's
# large-depth classes are those of the asymptotic laws (claim 2 checks their constants).

# %%
window = (L / 4, L)


def sim_vs_recursion(rec_samples, th_curve, x_scale, y_transform="log"):
    fit = mf.fit_slope_of_mean(
        layers, rec_samples, window=window, x_scale=x_scale, y_transform=y_transform, seed=ch.seed
    )
    ref = mf.fit_slope(layers, th_curve, window=window, x_scale=x_scale)
    return fit, ref


def mc_check(label, fit, ref, alternative, alternative_label):
    """Monte Carlo slope (bootstrap SE) against the recursion's on the same window, 4 SE."""
    return Check.compare(
        label,
        theory=ref.slope,
        measured=fit.slope,
        se=fit.se,
        alternative=alternative,
        alternative_label=alternative_label,
    )


def show(checks):
    for c in checks:
        print(f"  {c.label:<62s} {c.verdict:<14s} {c.numbers()}")


checks = []
for arch, scale in (("full", "sqrt"), ("reduced", "sqrt"), ("feedforward", "linear")):
    chis = np.exp(chi_samples(sim["tanh", arch]))
    fit, ref = sim_vs_recursion(chis, theory["tanh", arch].log_chi[:, 0], scale)
    other = "full" if arch == "feedforward" else "feedforward"
    alt = mf.fit_slope(layers, theory["tanh", other].log_chi[:, 0], window=window, x_scale=scale)
    checks.append(
        mc_check(
            f"tanh {arch}: d ln χ/d{'√l' if scale == 'sqrt' else 'l'}, MC vs recursion",
            fit,
            ref,
            alt.slope,
            f"{other} network's recursion ({'exponential' if other == 'feedforward' else 'subexponential'})",
        )
    )
# The growth class at large depth, from the recursion alone: ln χ ∝ √l has a constant slope
# against √l (relative drift between the window's halves → 0), ln χ ∝ l a constant slope against
# l. The alternative is the relative drift the other law shows on the same window and axis.
Lb = size.theory_depth_tanh
big = {arch: mf.mean_field(arch, Lb, "tanh", cosine=False, **sigmas(arch)) for arch in ARCHS}
big_layers = big["full"].layers
for arch in ARCHS:
    scale = "linear" if arch == "feedforward" else "sqrt"
    fb = mf.fit_slope(big_layers, big[arch].log_chi, window=(Lb / 4, Lb), x_scale=scale)
    law_curve = big_layers * 1.0 if scale == "sqrt" else np.sqrt(big_layers)
    other = mf.fit_slope(big_layers, law_curve, window=(Lb / 4, Lb), x_scale=scale)
    checks.append(
        Check.compare(
            f"recursion, tanh {arch}, L = {Lb}: relative drift of d ln χ/d{'√l' if scale == 'sqrt' else 'l'}",
            theory=0.0,
            measured=fb.drift / fb.slope,
            se=0.0,
            model_tolerance=0.01 if scale == "sqrt" else 1e-6,
            alternative=other.drift / other.slope,
            alternative_label="ln χ ∝ l (exponential)" if scale == "sqrt" else "ln χ ∝ √l",
        )
    )
show(checks)
ch.record(
    "YS17-1",
    *checks,
    figure="dynamics",
    note=f"Slopes on l ∈ [{L // 4}, {L}], n = {n}, {B} networks, bootstrap SE. Large-depth "
    "tolerances: 1 % relative drift for √l (subleading terms of the law), 1e-6 for the exact "
    "exponential. ReLU residual networks are exponential ((1+ρ)^L); 'in many cases polynomial' "
    "refers to α-ReLU.",
)

# %% [markdown]
# **Claim 3, tested: the geometry of the inputs survives depth.** If two input pairs with
# different cosines ($e^{(0)} = 0.8$ and $0.2$) are still told apart at the output, the network
# has kept the input geometry. The difference $\Delta e^{(L)} = e^{(L)}_{01} - e^{(L)}_{02}$
# shrinks exponentially in a chaotic feed-forward network (every pair converges to the same
# fixed point $c^*$) and only polynomially in a residual one.

# %%
checks, delta = [], {}
for arch in ARCHS:
    rec = sim["tanh", arch]
    # per-network differences: both cosines come from the same networks
    d_b = rec.correlation[:, -1, 0, 1] - rec.correlation[:, -1, 0, 2]
    th = theory["tanh", arch].e[-1]
    delta[arch] = (float(th[0] - th[1]), float(d_b.mean()), float(d_b.std(ddof=1) / math.sqrt(B)))
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
# At large depth the residual Δe decays like a power of l: its slope against ln l is constant
# (relative drift between the window's halves → 0); an exponential decay has relative drift
# 0.69 on this window. Tolerance 0.1: subleading corrections to the power law.
gap = {arch: mf.mean_field(arch, Lb, "tanh", e0=E0, **sigmas(arch)) for arch in ARCHS}
expo = mf.fit_slope(big_layers, -1.0 * big_layers, window=(Lb / 4, Lb), x_scale="log")
for arch in ("full", "reduced"):
    d_curve = gap[arch].e[:, 0] - gap[arch].e[:, 1]
    fd = mf.fit_slope(big_layers, np.log(d_curve), window=(Lb / 4, Lb), x_scale="log")
    print(f"recursion, tanh {arch}: Δe^({Lb}) = {d_curve[-1]:.3f}, d ln Δe/d ln l = {fd.slope:.3f}")
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
print(f"recursion, tanh feedforward: Δe^({Lb}) = {d_ff:.2e}")
show(checks)
ch.record(
    "YS17-3",
    *checks,
    figure="dynamics",
    note="Gradient information: see YS17-1 and YS17-2 (χ⁰/χ^L is polynomial or exp(√L) instead "
    f"of exponential). The feed-forward Δe is {d_ff:.1e} at L = {Lb}: the chaotic map has sent "
    "every pair to the same fixed point.",
)

# %% [markdown]
# ## Claim 2: the exponents
#
# For each residual family the table lists the predicted asymptotic exponent (`asymptotic_laws`,
# re-derived in its docstring), the recursion's slope at large depth (window $[L/4, L]$,
# with the drift between the window's halves as its distance from the asymptote), and, on the
# simulated depths, the recursion's slope against the Monte Carlo slope (bootstrap SE). The
# depths reachable by simulation are pre-asymptotic, so the Monte Carlo is compared with the
# recursion on the *same* window, and the recursion with the law at large depth.

# %%
QUANT = {  # quantity: (how it is fitted, recursion curve, simulated sample, transform)
    "tanh": [("p", "log"), ("e", "log"), ("chi", "sqrt")],
    "α-ReLU": [("p", "log"), ("e", None), ("chi", "log")],
    "ReLU": [("p", "linear"), ("1-e", "log"), ("chi", "linear")],
}
# tolerance of law vs large-depth recursion: relative, or absolute for the cosine slopes
TOL = {
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

# Where the feed-forward network has the same limit (the α-ReLU fixed point e*, the ReLU cosine
# exponent −2) it cannot serve as the alternative of the law check: there the alternative is
# the input cosine kept (no convergence) and the exponent −1 of a kernel map with a linear term.
law_alt = {
    ("α-ReLU", "e"): (float(E0[0]), "cosine kept at its input value e⁰"),
    ("ReLU", "1-e"): (-1.0, "1 − e ∝ 1/l (another exponent)"),
}


def curve(r, q):
    """The recursion's curve that the slope of quantity q is fitted to."""
    if q in ("p", "chi"):
        return r.log_p if q == "p" else r.log_chi
    return np.log(r.e if q == "e" else r.epsilon)


table, checks = [], []
for act_label, (act, alpha) in ACTS.items():
    Lbig = size.theory_depth_tanh if act == "tanh" else size.theory_depth
    ff_big = mf.mean_field(
        "feedforward", Lbig, act, alpha=alpha, e0=E0[0], cosine=act != "alpha_relu", sigma_w2=2.0
    )
    for arch in ("reduced", "full"):
        laws = mf.asymptotic_laws(arch, act, alpha=alpha, **sigmas(arch))
        rb = mf.mean_field(
            arch, Lbig, act, alpha=alpha, e0=E0[0], cosine=act != "alpha_relu", **sigmas(arch)
        )
        rec, th = sim[act_label, arch], theory[act_label, arch]
        for q, scale in QUANT[act_label]:
            law = laws["chi" if q == "chi" else ("e" if q in ("e", "1-e") else "p")]
            if q == "e" and scale is None:  # α-ReLU: e → e*; compare the cosine at depth L itself
                e, se = cosine(rec)
                e_curve = mf.mean_field(arch, 3000, act, alpha=alpha, e0=E0[0], **sigmas(arch)).e
                e_big = e_curve[-1]
                row = dict(
                    act=act_label,
                    arch=arch,
                    q="e^(L) → e*",
                    law=f"e* = {law.exponent:.5f}",
                    pred=law.exponent,
                    big=e_big,
                    drift=math.nan,
                    ref=th.e[-1, 0],
                    mc=e[-1],
                    se=se[-1],
                )
                ff_e = mf.mean_field("feedforward", 3000, act, alpha=alpha, e0=E0[0], sigma_w2=2.0)
                row["alt_big"] = float(ff_e.e[-1])
                row["alt_mc"] = float(theory[act_label, "feedforward"].e[-1, 0])
                row["tol"] = TOL[act_label, q][1]
            else:
                curve_big = {"p": rb.log_p, "chi": rb.log_chi}.get(q)
                if q in ("e", "1-e"):
                    curve_big = np.log(rb.e if q == "e" else rb.epsilon)
                fb = mf.fit_slope(rb.layers, curve_big, window=(Lbig / 4, Lbig), x_scale=scale)
                if (
                    q == "p"
                ):  # rescaled by a constant (cancels in the slope) so exp() cannot overflow
                    lsn = rec.log_sq_norm[:, :, 0]
                    samples, ref_curve, tr = np.exp(lsn - lsn.max()), th.log_p[:, 0], "log"
                elif q == "chi":
                    cs_ = chi_samples(rec)
                    samples, ref_curve, tr = np.exp(cs_ - cs_.max()), th.log_chi[:, 0], "log"
                elif q == "e":
                    samples, ref_curve, tr = rec.correlation[:, :, 0, 1], np.log(th.e[:, 0]), "log"
                else:
                    samples, ref_curve, tr = (
                        rec.correlation[:, :, 0, 1],
                        np.log(th.epsilon[:, 0]),
                        "log1m",
                    )
                fit, ref = sim_vs_recursion(samples, ref_curve, scale, tr)
                slope_name = {"log": "d ln y/d ln l", "sqrt": "d ln y/d√l", "linear": "d ln y/dl"}[
                    scale
                ]
                ff_mc = theory[act_label, "feedforward"]
                ff_curve = curve(ff_mc, q)[:, 0]
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
                    alt_big=mf.fit_slope(
                        ff_big.layers, curve(ff_big, q), window=(Lbig / 4, Lbig), x_scale=scale
                    ).slope,
                    alt_mc=mf.fit_slope(layers, ff_curve, window=window, x_scale=scale).slope,
                )
                kind, tol = TOL[act_label, q]
                row["tol"] = tol * (abs(law.exponent) if kind == "rel" else 1.0)
            row["z"] = (row["mc"] - row["ref"]) / row["se"]
            table.append(row)
            Lshown = 3000 if row["q"].startswith("e^(L)") else Lbig
            checks.append(
                Check.compare(
                    f"{act_label} {arch} {row['q']}: law vs recursion (L = {Lshown})",
                    theory=row["pred"],
                    measured=row["big"],
                    se=0.0,
                    model_tolerance=row["tol"],
                    alternative=law_alt.get((act_label, q), (row["alt_big"],))[0],
                    alternative_label=law_alt.get(
                        (act_label, q), (0, "feed-forward network, same activation")
                    )[1],
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

print(
    f"{'':18s}{'quantity':22s}{'law':>12s}{'predicted':>11s}{'rec. large L':>14s}{'drift':>10s}"
    f"{'rec. L=' + str(L):>12s}{'Monte Carlo':>19s}{'z':>6s}"
)
for r in table:
    print(
        f"{r['act'] + ' ' + r['arch']:18s}{r['q']:22s}{r['law']:>12s}{r['pred']:>11.4f}{r['big']:>14.4f}{r['drift']:>10.1e}"
        f"{r['ref']:>12.4f}{r['mc']:>11.4f} ± {r['se']:.4f}{r['z']:>+6.1f}"
    )

# %% [markdown]
# For the ReLU cosine the residual and the feed-forward networks share the exponent −2, and on
# the simulated depths the Monte Carlo slope of 64 networks cannot tell the residual recursion's
# pre-asymptotic slope from the feed-forward one (their distance is below 4 SE): that check is
# *not decidable at this profile*, and about twice the networks would decide it. The law itself
# is checked against the recursion at depth 20 000.
#
# The headline number is the α-ReLU gradient exponent $\alpha^2/((1-\alpha)(2\alpha-1))$, which
# does not depend on any variance (5.33 at α = 0.8, with its minimum 4 at α = 2/3). The tanh
# length slope approaches 1 only slowly ($p = Al - c\sqrt l$), which is why it is checked at
# the deepest recursion.

# %%
headline = next(c for c in checks if c.label.startswith("α-ReLU full chi") and "law" in c.label)
checks.insert(0, checks.pop(checks.index(headline)))
show(checks)
ch.record(
    "YS17-2",
    *checks,
    figure="dynamics",
    note=f"Law vs recursion at L = {size.theory_depth_tanh} (tanh) / {size.theory_depth} "
    "(others) within stated model tolerances (the recursion's distance from its asymptote: tanh "
    "3–4 %, α-ReLU 0.5 %, ReLU 1e-9, cosine slopes 0.01–0.03 absolute); Monte Carlo vs "
    f"recursion on l ∈ [{L // 4}, {L}] within 4 SE. The depths reachable by simulation are "
    "pre-asymptotic, so the Monte Carlo is compared with the recursion there, and the law is "
    "checked at large depth.",
)

# %% [markdown]
# ### One configuration with dense weights
#
# The Gram sampler draws $WH$ directly from its law. As a check of the sampler (and of
# everything above that relies on it), the tanh FRN is rerun with explicit dense weight
# matrices.

# %%
net = networks.FullResidual(
    width=n, depth=size.dense_depth, activation="tanh", input_dim=n, **sigmas("full")
)
dense = simulate(
    net,
    U,
    size.dense_networks,
    sampler="dense",
    device=ch.device,
    progress=False,
    seed=ch.seed + 99,
    n_tangents=2,
    same_sign_lags=(),
)
th = mf.mean_field("full", size.dense_depth, "tanh", e0=E0, **sigmas("full"))
lp, se_p = log_mean(dense.log_sq_norm[:, -1:, 0])
lc, se_c = log_mean(chi_samples(dense)[:, -1:])
print(f"dense sampler, n = {n}, L = {size.dense_depth}, {size.dense_networks} networks:")
print(
    f"  ln p^L:     Monte Carlo {lp[0]:.4f} ± {se_p[0]:.4f}, recursion {th.log_p[-1, 0]:.4f}  (z = {(lp[0] - th.log_p[-1, 0]) / se_p[0]:+.1f})"
)
print(
    f"  ln χ⁰/χ^L:  Monte Carlo {lc[0]:.4f} ± {se_c[0]:.4f}, recursion {th.log_chi[-1, 0]:.4f}  (z = {(lc[0] - th.log_chi[-1, 0]) / se_c[0]:+.1f})"
)

# %% [markdown]
# ## Claim 6: kernels of powers of ReLU
#
# For unit-variance $(X, Y)$ with correlation $c$, $F_\alpha(c) = \mathbb E[X_+^\alpha Y_+^\alpha]$
# is the α-ReLU kernel. The product $XY$ has a density built from the Bessel function
# $K_0$, which gives (our reconstruction)
#
# $$
# F_\alpha(c) = \frac{(1-c^2)^{\alpha+1/2}}{2\pi}\int_0^\infty u^\alpha e^{cu} K_0(u)\,du,
# \qquad F_\alpha'(c) = \alpha^2 F_{\alpha-1}(c),
# $$
#
# and closed forms in hypergeometric functions. Five independent routes are compared: the
# library's closed form (`gaussian.alpha_relu_kernel`, ₂F₁ in $(1+c)/2$), a second closed form
# (₂F₁ in $c^2$, `mean_field.alpha_relu_kernel_hypergeometric`), the $K_0$ integral, an angular
# Gauss–Jacobi quadrature, and Monte Carlo over random layers $h = W_{\rm in} u$.

# %%
alphas = [0.6, 0.8, 1.0, 1.5]
cs = np.append(np.linspace(-0.9, 0.9, size.kernel_points), 0.99)
routes, worst = {}, dict(bessel=0.0, quad=0.0, hyp=0.0, price=0.0)
alt_kernel = alt_price = 0.0
z2, z2_alt = [], []
for i, a in enumerate(alphas):
    closed = gaussian.alpha_relu_kernel(cs, a)
    r = dict(
        closed=closed,
        bessel=gaussian.alpha_relu_kernel_bessel(cs, a),
        quad=gaussian.pair_expectation("alpha_relu", 1.0, 1.0, cs, alpha=a, method="quadrature"),
        hyp=mf.alpha_relu_kernel_hypergeometric(cs, a),
    )
    h = 1e-5  # central difference: truncation h²F‴/6 ≲ 1e-10, rounding 1e-16/h = 1e-11
    fd = (
        gaussian.alpha_relu_kernel(cs[:-1] + h, a) - gaussian.alpha_relu_kernel(cs[:-1] - h, a)
    ) / (2 * h)
    f_lower = gaussian.alpha_relu_kernel(cs[:-1], a - 1)
    neighbour = gaussian.alpha_relu_kernel(cs, a + 0.05)  # the alternative: another exponent
    mc, mc_se = np.empty_like(cs), np.empty_like(cs)
    for j, c in enumerate(cs):
        u = math.sqrt(2) * np.array([[1.0, 0.0], [c, math.sqrt(1 - c * c)]])
        net = networks.FeedForward(width=n, depth=1, activation="alpha_relu", alpha=a, input_dim=2)
        rec = simulate(
            net,
            u,
            size.kernel_networks,
            device=ch.device,
            progress=False,
            seed=ch.seed + 1000 + 50 * i + j,
            same_sign_lags=(),
        )
        mc[j], mc_se[j] = estimators.mean_se(rec.act_kernel[:, 0, 0, 1])
    r.update(mc=mc, mc_se=mc_se, z=(mc - closed) / mc_se)
    routes[a] = r
    for key in ("bessel", "quad", "hyp"):
        worst[key] = max(worst[key], float(np.abs(r[key] - closed).max()))
    worst["price"] = max(worst["price"], float(np.abs(fd - a**2 * f_lower).max()))
    alt_kernel = max(alt_kernel, float(np.abs(neighbour - closed).max()))
    alt_price = max(alt_price, float(np.abs((a**2 - 1) * f_lower).max()))
    z2.append(r["z"] ** 2)
    z2_alt.append(((neighbour - closed) / mc_se) ** 2)
z2, z2_alt = np.concatenate(z2), np.concatenate(z2_alt)
BKr = size.kernel_networks
z2_theory = (BKr - 1) / (BKr - 3)  # E t² with B − 1 degrees of freedom
z2_se = float(np.std(z2, ddof=1) / math.sqrt(z2.size))
print({k: f"{v:.2e}" for k, v in worst.items()})
print(f"mean z² over {z2.size} points: {z2.mean():.3f} ± {z2_se:.3f} (theory {z2_theory:.3f})")

# %% tags=["hide-input"]
fig, (ax_k, ax_err, ax_z) = plt.subplots(1, 3, figsize=(14, 4))
for a, r in routes.items():
    (line,) = ax_k.plot(cs, r["closed"], label=f"α = {a:g}")
    col = line.get_color()
    ax_k.plot(cs, r["bessel"], "s", mfc="none", color=col, ms=6)
    ax_k.plot(cs, r["quad"], "x", color=col, ms=5)
    ax_k.errorbar(cs, r["mc"], yerr=2 * r["mc_se"], fmt="o", ms=2.5, color=col, lw=0.8)
    for key, mark in (("bessel", "s"), ("quad", "x"), ("hyp", "^")):
        dev = np.abs(r[key] - r["closed"])
        ax_err.semilogy(cs, np.maximum(dev, 1e-18), mark, color=col, mfc="none", ms=5)
    ax_z.plot(cs, r["z"], "o-", color=col, ms=3, lw=0.8)
ax_k.set(
    xlabel="correlation $c$",
    ylabel=r"$F_\alpha(c)$",
    title="line: closed form; □ Bessel $K_0$; × quadrature; ● MC ±2 SE",
)
ax_k.legend()
ax_err.set(
    xlabel="correlation $c$",
    ylabel="|route − closed form|",
    title="□ Bessel, × quadrature, △ ₂F₁ in $c^2$",
    ylim=(1e-18, 1e-8),
)
ax_z.axhspan(-4, 4, color="0.9")
ax_z.set(
    xlabel="correlation $c$",
    ylabel="(MC − closed form) / SE",
    title="Monte Carlo, in standard errors",
)
fig.tight_layout()
ch.save(
    fig,
    "alpha_relu_kernel",
    caption=f"The α-ReLU kernel F_α(c) for α ∈ {alphas} by five routes: closed form (lines), "
    f"Bessel-K₀ integral (□), angular quadrature (×), the ₂F₁(c²) form (△, middle only) and "
    f"Monte Carlo over {BKr} random layers of width n = {n} per point (●, ±2 SE; gram sampler, "
    f"profile {ch.profile}). Middle: each route's deviation from the closed form; right: the "
    f"Monte Carlo z-scores (mean z² {z2.mean():.2f}, expected {z2_theory:.2f}).",
    alt="The alpha-ReLU kernel against correlation by five routes, their deviations below "
    "1e-10, and Monte Carlo z-scores",
)

# %%
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
            alt_price,
            "F′_α = F_{α−1} (no α²)",
        ),
    ]
]
route_checks.append(
    Check.compare(
        "mean z² of Monte Carlo against the closed form",
        theory=z2_theory,
        measured=float(z2.mean()),
        se=z2_se,
        alternative=z2_theory + float(z2_alt.mean()),
        alternative_label="Monte Carlo following F at α + 0.05",
    )
)
show(route_checks)
ch.record(
    "YS17-6",
    *route_checks,
    figure="alpha_relu_kernel",
    note="Deterministic routes: model tolerance 1e-10 (quadrature accuracy), 1e-8 for the "
    "finite-difference derivative (truncation + rounding at h = 1e-5). The exact form of the "
    "paper's identities is unknown; these are our reconstruction.",
)

# %% [markdown]
# ## Claims 4 and 5: does the initialisation predict trainability?
#
# **The claims.** The paper trains tanh and α-ReLU residual networks on MNIST over a grid of
# initial variances and reports that test accuracy follows the contours of an
# initialisation-time quantity: the gradient explosion $\ln\chi^{(0)}/\chi^{(L)}$ for tanh, the
# expected squared distance (metric expressivity) $s^{(L)}$ for α-ReLU (claim 4). For the tanh
# FRN, $\ln\chi^{(0)}/\chi^{(L)} \approx \tfrac43\sqrt{2/\pi}\,\sigma_v\sigma_w\sqrt L$ at large
# $L$, so the contours are $\sigma_w^2 L = $ const: the variance at which training breaks down
# falls like $1/L$, and no fixed variance (Xavier $\sigma_w^2 = 1$, He $= 2$) is right at every
# depth (claim 5).
#
# **Our experiment** (the paper's settings are unknown to us; what follows is our design,
# fixed before the run). Tanh full residual networks ($\sigma_v^2 = 1$, no biases, readout
# variance $1/(1+L)$ so that deeper streams, whose length grows like $L$, do not start with
# larger logits), trained with **plain SGD** (no momentum: adaptive optimisers rescale
# gradients and hide their explosion), all networks of one depth at once
# (`resprop.training.train_many`). Depths span a factor 16 and more; at each depth the
# $\sigma_w^2$ grid is log-spaced **in $\sigma_w^2 L$**, the same values at every depth, wide
# enough to bracket the boundary whether it follows $\sigma_w^2 L$ or a fixed $\sigma_w^2$.
# Every seed draws one initialisation noise and one minibatch order that all grid points of
# that seed share, so a seed's accuracy curve is smooth in $\sigma_w^2$.
#
# **The trainability boundary** replaces the argmax of the old design (whose cells differed by
# a few test images): per seed and depth, the $\ln\sigma_w^2$ where the accuracy first falls
# below 95 % of that curve's best, to the right of the best, by linear interpolation in
# $\ln\sigma_w^2$ (`estimators.threshold_crossing`). The slope of its seed-mean against $\ln L$
# is a least-squares fit; its standard error comes from a bootstrap over seeds
# (`estimators.bootstrap_slope`, 2000 resamples, fixed seed), combined with the grid's
# resolution (a crossing located within a grid step Δ has a rounding error of SD $\Delta/\sqrt{12}$,
# giving $\Delta/\sqrt{12\,\sum_j(\ln L_j - \overline{\ln L})^2}$ on the slope).

# %%
data = load_dataset(size.dataset, n_train=size.n_train, n_test=size.n_test, seed=ch.seed)
print(data.describe())
depths = np.array(size.train_depths)
sw2L = np.geomspace(*size.train_sw2L, size.train_grid)  # σ_w²·L, the same at every depth
sw_grid = sw2L[None, :] / depths[:, None]  # (depth, grid): σ_w²
seeds = [ch.seed + s for s in range(size.train_seeds)]
fit_kw = dict(epochs=size.epochs, lr=size.lr, batch_size=size.batch_size, device=ch.device)


def frn(depth, sigma_w2, sigma_v2=1.0, **kw):
    """A full residual network of the training experiments: no biases, readout σ² = 1/(1 + L)."""
    return networks.FullResidual(
        width=size.train_width,
        depth=int(depth),
        sigma_w2=float(sigma_w2),
        sigma_v2=float(sigma_v2),
        input_dim=None if data.n_features == size.train_width else data.n_features,
        output_dim=data.n_classes,
        sigma_out2=1.0 / (1.0 + depth),
        **kw,
    )


def train_grid(grid, label, **kw):
    """Accuracies (seed, grid) of the networks ``frn(**kw, sigma_w2=g)`` for g in ``grid``."""
    nets = [frn(sigma_w2=g, **kw) for _ in seeds for g in grid]
    runs = [s for s in seeds for _ in grid]
    return train_many(nets, data, seeds=runs, progress=label, **fit_kw).reshape(len(seeds), -1)


clock = time.process_time(), time.perf_counter()
acc = np.stack(
    [
        train_grid(sw_grid[i], f"tanh L={L}", depth=L, activation="tanh")
        for i, L in enumerate(depths)
    ],
    axis=1,
)  # (seed, depth, grid)
tanh_time = time.process_time() - clock[0], time.perf_counter() - clock[1]
print(f"trained {acc.size} tanh networks in {tanh_time[0]:.0f} s CPU, {tanh_time[1]:.0f} s wall")

# %%
log_L = np.log(depths)
crossing = estimators.threshold_crossing(acc, np.log(sw_grid), fraction=size.boundary_fraction)
fit = estimators.bootstrap_slope(log_L, crossing, n_boot=size.n_boot, seed=ch.seed)
sxx = float(np.sum((log_L - log_L.mean()) ** 2))
grid_se = float(np.log(sw2L[1] / sw2L[0]) / math.sqrt(12 * sxx))
slope_se = math.hypot(fit.se, grid_se)
# the theory, on the same depths: ln χ⁰/χ^L at each measured crossing, and the level set of the
# exact recursion through them (level = geometric mean of ln χ over the crossings)
at_crossing = mf.mean_field(
    "full",
    int(depths.max()),
    "tanh",
    sigma_w2=np.exp(crossing),
    sigma_v2=1.0,
    p0=data.mean_sq_norm,
    cosine=False,
)
lnchi_b = at_crossing.log_chi[
    depths[None, :], np.arange(len(seeds))[:, None], np.arange(len(depths))
]
level = float(np.exp(np.mean(np.log(lnchi_b))))
exact = mf.sigma_w2_level_set("log_chi", level, depths, sigma_v2=1.0, p0=data.mean_sq_norm)
theory_slope = float(np.polyfit(log_L, np.log(exact), 1)[0])
print("depth L:                    ", depths.tolist())
print("boundary σ_w² (seed mean):  ", np.round(np.exp(fit.mean), 3).tolist())
print("boundary σ_w²·L:            ", np.round(np.exp(fit.mean) * depths, 1).tolist())
print("ln χ⁰/χ^L at the boundary:  ", np.round(lnchi_b.mean(0), 2).tolist())
print(f"exact level set ln χ = {level:.2f}: σ_w² =", np.round(exact, 3).tolist())
print(
    f"slope of ln σ_w²_boundary vs ln L: {fit.slope:.3f} ± {slope_se:.3f} (bootstrap "
    f"{fit.se:.3f}, grid {grid_se:.3f}); exact level set {theory_slope:.3f}; asymptotic −1"
)

# %% [markdown]
# **Claim 4 (tanh half), as a collapse test.** If accuracy is a function of
# $\ln\chi^{(0)}/\chi^{(L)}$ alone, the accuracy curves of all depths collapse when plotted
# against it, and in particular the boundary sits on one value of $\ln\chi$: the slope of
# $\ln(\ln\chi^{(0)}/\chi^{(L)})$ at the boundary against $\ln L$ is 0. If accuracy were a
# function of $\sigma_w^2$ alone, the boundary would sit at one $\sigma_w^2$, and the slope
# would be that of $\ln\ln\chi$ along a fixed $\sigma_w^2$ (the recursion at the geometric mean
# of the measured boundaries; about ½, since $\ln\chi \propto \sigma_w\sqrt L$). For tanh this
# test looks at the same boundary as claim 5, in the theory's own variable; what claim 4 adds is
# the α-ReLU half below, where the predictor is the squared distance instead.

# %%
lnlnchi = estimators.bootstrap_slope(log_L, np.log(lnchi_b), n_boot=size.n_boot, seed=ch.seed)
fixed = mf.mean_field(
    "full",
    int(depths.max()),
    "tanh",
    sigma_w2=float(np.exp(fit.mean.mean())),
    sigma_v2=1.0,
    p0=data.mean_sq_norm,
    cosine=False,
)
fixed_slope = float(np.polyfit(log_L, np.log(fixed.log_chi[depths]), 1)[0])
# the grid's resolution in ln σ_w², converted by d ln ln χ / d ln σ_w² at the crossings
nudged = mf.mean_field(
    "full",
    int(depths.max()),
    "tanh",
    sigma_w2=np.exp(crossing + 0.01),
    sigma_v2=1.0,
    p0=data.mean_sq_norm,
    cosine=False,
)
lnchi_n = nudged.log_chi[depths[None, :], np.arange(len(seeds))[:, None], np.arange(len(depths))]
gain = float(np.mean(np.log(lnchi_n / lnchi_b)) / 0.01)
lnlnchi_se = math.hypot(lnlnchi.se, gain * grid_se)
print(
    f"slope of ln ln χ at the boundary vs ln L: {lnlnchi.slope:.3f} ± {lnlnchi_se:.3f}; "
    f"claim 0; σ_w² alone {fixed_slope:.3f}"
)

# %% [markdown]
# **Claim 4 (α-ReLU half).** For α-ReLU the gradient explosion grows like a power of $L$ whose
# exponent does not depend on the variances, so the paper's predictor is the squared distance
# between the images of two inputs, $s^{(L)}$. In the FRN,
# $s^{(L)} \propto [(1-\alpha)\,c_\alpha\,\sigma_v^2\sigma_w^{2\alpha} L]^{1/(1-\alpha)}$
# at large $L$, so at a fixed depth its level sets are $\sigma_v^2\sigma_w^{2\alpha} =$ const:
# a boundary on a level set of $s^{(L)}$ moves like $\ln\sigma_w^2 = -\ln\sigma_v^2/\alpha +$
# const across $\sigma_v^2$, while a boundary set by $\sigma_w^2$ alone does not move (slope 0).
# We train α-ReLU FRNs of one depth on a $(\sigma_v^2, \sigma_w^2)$ grid, log-spaced at each
# $\sigma_v^2$ in $\kappa = \sigma_v^2\sigma_w^{2\alpha}$ (so that either hypothesis is
# bracketed), and measure the slope of the boundary's $\ln\sigma_w^2$ against $\ln\sigma_v^2$
# with the same estimator; the theory is the slope of the exact level set of $s^{(L)}$ through
# the measured boundary (input cosine $e^{(0)}$ = the mean cosine of training images).

# %%
alpha = size.relu_alpha
sv_grid = np.array(size.relu_sigma_v2)
kappa = np.geomspace(*size.relu_kappa, size.relu_grid)
relu_sw = (kappa[None, :] / sv_grid[:, None]) ** (1.0 / alpha)  # (σ_v², grid): σ_w²
clock = time.process_time(), time.perf_counter()
relu_acc = np.stack(
    [
        train_grid(
            relu_sw[i],
            f"α-ReLU σ_v²={v2:g}",
            depth=size.relu_depth,
            sigma_v2=v2,
            activation="alpha_relu",
            alpha=alpha,
        )
        for i, v2 in enumerate(sv_grid)
    ],
    axis=1,
)  # (seed, σ_v², grid)
relu_time = time.process_time() - clock[0], time.perf_counter() - clock[1]
unit = data.X_train[:500] / np.linalg.norm(data.X_train[:500], axis=1, keepdims=True)
e0 = float((np.sum(unit @ unit.T) - len(unit)) / (len(unit) * (len(unit) - 1)))
relu_cross = estimators.threshold_crossing(
    relu_acc, np.log(relu_sw), fraction=size.boundary_fraction
)
log_sv = np.log(sv_grid)
relu_fit = estimators.bootstrap_slope(log_sv, relu_cross, n_boot=size.n_boot, seed=ch.seed)
relu_grid_se = float(
    np.log(kappa[1] / kappa[0]) / alpha / math.sqrt(12 * np.sum((log_sv - log_sv.mean()) ** 2))
)
relu_se = math.hypot(relu_fit.se, relu_grid_se)
relu_mf = dict(activation="alpha_relu", alpha=alpha, p0=data.mean_sq_norm, e0=e0)
at_relu = mf.mean_field(
    "full", size.relu_depth, sigma_w2=np.exp(relu_cross), sigma_v2=sv_grid[None, :], **relu_mf
)
s_level = float(np.mean(at_relu.log_s[size.relu_depth]))
relu_exact = mf.sigma_w2_level_set(
    "log_s", s_level, size.relu_depth, sigma_v2=sv_grid, sigma_w2_range=(1e-5, 1e4), **relu_mf
)
relu_theory = float(np.polyfit(log_sv, np.log(relu_exact), 1)[0])
print(
    f"trained {relu_acc.size} α-ReLU networks in {relu_time[0]:.0f} s CPU, "
    f"{relu_time[1]:.0f} s wall; input cosine e⁰ = {e0:.3f}"
)
print("σ_v²:                      ", sv_grid.tolist())
print("boundary σ_w² (seed mean): ", np.round(np.exp(relu_fit.mean), 3).tolist())
print(f"exact level set ln s = {s_level:.2f}: σ_w² =", np.round(relu_exact, 3).tolist())
print(
    f"slope of ln σ_w²_boundary vs ln σ_v²: {relu_fit.slope:.3f} ± {relu_se:.3f} (bootstrap "
    f"{relu_fit.se:.3f}, grid {relu_grid_se:.3f}); exact level set {relu_theory:.3f}; "
    f"asymptotic −1/α = {-1 / alpha:.3f}"
)


# %% tags=["hide-input"]
def edges(v):
    """Cell edges of log-spaced centres ``v``: geometric midpoints, extended by half a step."""
    lv = np.log(v)
    mid = (lv[1:] + lv[:-1]) / 2
    return np.exp(np.concatenate([[2 * lv[0] - mid[0]], mid, [2 * lv[-1] - mid[-1]]]))


def boundary_band(ax, fit, grid_step, y, color, label):
    """Seed-mean boundary with ±2 SE (bootstrap and grid resolution) as a shaded band."""
    se = np.hypot(fit.mean_se, grid_step / math.sqrt(12))
    ax.fill_betweenx(
        y, np.exp(fit.mean - 2 * se), np.exp(fit.mean + 2 * se), color=color, alpha=0.35, lw=0
    )
    ax.plot(np.exp(fit.mean), y, "o-", color=color, ms=4, label=label)


fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 5.4), layout="constrained")
L_edge = edges(depths.astype(float))
mesh = ax.pcolormesh(
    edges(sw2L)[None, :] / L_edge[:, None],
    np.broadcast_to(L_edge[:, None], (len(L_edge), len(sw2L) + 1)),
    acc.mean(0),
    cmap="magma",
    vmin=chance(data),
    vmax=1,
)
ll = np.unique(np.geomspace(L_edge[0], L_edge[-1], 40).astype(int))
ax.plot(
    mf.sigma_w2_level_set("log_chi", level, ll, sigma_v2=1.0, p0=data.mean_sq_norm),
    ll,
    "k-",
    lw=1.4,
    label=f"exact recursion: ln χ⁰/χ^L = {level:.1f}",
)
ax.plot(
    np.exp(np.mean(fit.mean + log_L)) / ll,
    ll,
    "k--",
    lw=1.2,
    label=f"asymptotic law: σ_w²·L = {np.exp(np.mean(fit.mean + log_L)):.0f}",
)
boundary_band(ax, fit, np.log(sw2L[1] / sw2L[0]), depths, "#56B4E9", "measured boundary ±2 SE")
ax.axvline(1.0, color="#009E73", ls=":", lw=1.5, label="Xavier σ_w² = 1")
ax.set(
    xscale="log",
    yscale="log",
    xlabel=r"$\sigma_w^2$",
    ylabel="depth $L$",
    title=f"tanh FRN, {data.name}: accuracy over $(\\sigma_w^2, L)$",
)
ax.set_yticks(depths, [str(L) for L in depths], minor=False)
ax.set_yticks([], minor=True)
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=7)
sv_edge = edges(sv_grid)
bx.pcolormesh(
    (edges(kappa)[None, :] / sv_edge[:, None]) ** (1 / alpha),
    np.broadcast_to(sv_edge[:, None], (len(sv_edge), len(kappa) + 1)),
    relu_acc.mean(0),
    cmap="magma",
    vmin=chance(data),
    vmax=1,
)
vv = np.geomspace(sv_edge[0], sv_edge[-1], 30)
bx.plot(
    mf.sigma_w2_level_set(
        "log_s", s_level, size.relu_depth, sigma_v2=vv, sigma_w2_range=(1e-5, 1e4), **relu_mf
    ),
    vv,
    "k-",
    lw=1.4,
    label=f"exact recursion: $\\ln s^{{(L)}}$ = {s_level:.1f}",
)
k_mid = np.exp(np.mean(alpha * relu_fit.mean + log_sv))
bx.plot(
    (k_mid / vv) ** (1 / alpha),
    vv,
    "k--",
    lw=1.2,
    label=f"asymptotic law: $\\sigma_v^2\\sigma_w^{{2\\alpha}}$ = {k_mid:.2f}",
)
boundary_band(
    bx, relu_fit, np.log(kappa[1] / kappa[0]) / alpha, sv_grid, "#56B4E9", "measured boundary ±2 SE"
)
bx.axvline(1.0, color="#009E73", ls=":", lw=1.5, label="σ_w² = 1")
bx.set(
    xscale="log",
    yscale="log",
    xlabel=r"$\sigma_w^2$",
    ylabel=r"$\sigma_v^2$",
    title=f"α-ReLU (α = {alpha:g}) FRN, L = {size.relu_depth}, {data.name}",
)
bx.set_yticks(sv_grid, [f"{v:g}" for v in sv_grid], minor=False)
bx.set_yticks([], minor=True)
bx.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=7)
fig.colorbar(mesh, ax=[ax, bx], label="test accuracy (mean over seeds)", fraction=0.04)
ch.save(
    fig,
    "trainability",
    caption=f"Test accuracy of full residual networks (width {size.train_width}, no biases) on "
    f"{data.name} ({len(data.y_train)} training, {len(data.y_test)} test images) after plain "
    f"SGD (lr {size.lr}, {size.epochs} epochs, batch {size.batch_size}), mean of "
    f"{len(seeds)} seeds per cell. Left: tanh, σ_v² = 1, depths {depths.tolist()}, "
    f"{size.train_grid} values of σ_w²·L from {size.train_sw2L[0]:g} to "
    f"{size.train_sw2L[1]:g} (the cells slant along σ_w²·L = const). Right: α-ReLU "
    f"(α = {alpha:g}), depth {size.relu_depth}, σ_v² ∈ {sv_grid.tolist()}, {size.relu_grid} "
    f"values of σ_v²σ_w^(2α) from {size.relu_kappa[0]:g} to {size.relu_kappa[1]:g}. Blue: "
    f"the measured trainability boundary (accuracy below {size.boundary_fraction:.0%} of the "
    f"curve's best), seed mean ±2 SE (bootstrap over seeds and grid resolution); its slope is "
    f"{fit.slope:.2f} ± {slope_se:.2f} against ln L (left) and {relu_fit.slope:.2f} ± "
    f"{relu_se:.2f} against ln σ_v² (right). Black solid: the exact recursion's level set "
    f"through the boundary (slope {theory_slope:.2f} and {relu_theory:.2f}); black dashed: the "
    f"asymptotic laws (slopes −1 and −1/α = {-1 / alpha:.2f}). Green dotted: σ_w² = 1 "
    f"(Xavier). Profile {ch.profile}, seed {ch.seed}.",
    alt="Two heat maps of test accuracy with the measured trainability boundary and the "
    "theory's level sets drawn over them",
)

# %% [markdown]
# **Verdicts.** Claim 5: the slope of the boundary's $\ln\sigma_w^2$ against $\ln L$, against
# the slope of the exact recursion's level set of $\ln\chi^{(0)}/\chi^{(L)}$ through the
# measured boundary (the asymptotic law's −1 is given for comparison), at 4 SE; the
# alternative is 0, a depth-independent boundary as with a fixed Xavier or He variance.
# Claim 4: the two collapse tests above, at 4 SE, each against "accuracy a function of
# $\sigma_w^2$ alone". The data set is named in every check.


# %%
def needs(theory, alternative, se):
    """What would decide a check: the SE that separates theory and alternative at 4 SE."""
    target = abs(theory - alternative) / 8
    factor = (se / target) ** 2 if target > 0 else math.inf
    return (
        f"an SE below {target:.3f} (now {se:.3f}): about {factor:.1f}× the seeds, or a finer "
        "σ_w² grid where the grid term dominates"
    )


timing = (
    f" Training: {data.name}, width {size.train_width}, {len(seeds)} seeds, {size.epochs} "
    f"epochs, lr {size.lr}; {acc.size} tanh networks in {tanh_time[0]:.0f} s CPU and "
    f"{relu_acc.size} α-ReLU networks in {relu_time[0]:.0f} s CPU."
)
ch.record(
    "YS17-5",
    Check.compare(
        f"slope of ln σ_w² at the {size.boundary_fraction:.0%} boundary vs ln L ({data.name})",
        theory=theory_slope,
        measured=fit.slope,
        se=slope_se,
        alternative=0.0,
        alternative_label="depth-independent boundary (a fixed σ_w², as Xavier/He)",
        needs=needs(theory_slope, 0.0, slope_se),
    ),
    figure="trainability",
    note=f"Boundary σ_w² {np.round(np.exp(fit.mean), 3).tolist()} at L = {depths.tolist()} "
    f"(σ_w²·L {np.round(np.exp(fit.mean) * depths, 1).tolist()}); exact level set "
    f"ln χ⁰/χ^L = {level:.2f}, asymptotic slope −1." + timing,
)

# %%
ch.record(
    "YS17-4",
    Check.compare(
        f"tanh: slope of ln ln χ⁰/χ^L at the boundary vs ln L ({data.name})",
        theory=0.0,
        measured=lnlnchi.slope,
        se=lnlnchi_se,
        alternative=fixed_slope,
        alternative_label="accuracy a function of σ_w² alone (boundary at a fixed σ_w²)",
        needs=needs(0.0, fixed_slope, lnlnchi_se),
    ),
    Check.compare(
        f"α-ReLU: slope of ln σ_w² at the boundary vs ln σ_v², L = {size.relu_depth} ({data.name})",
        theory=relu_theory,
        measured=relu_fit.slope,
        se=relu_se,
        alternative=0.0,
        alternative_label="accuracy a function of σ_w² alone (boundary at a fixed σ_w²)",
        needs=needs(relu_theory, 0.0, relu_se),
    ),
    figure="trainability",
    note=f"tanh: ln χ⁰/χ^L at the boundary {np.round(lnchi_b.mean(0), 2).tolist()} at L = "
    f"{depths.tolist()}. α-ReLU (α = {alpha:g}): boundary σ_w² "
    f"{np.round(np.exp(relu_fit.mean), 3).tolist()} at σ_v² = {sv_grid.tolist()}; exact "
    f"level set ln s^L = {s_level:.2f}, asymptotic slope −1/α." + timing,
)

# %% [markdown]
# **What our run shows** (quick profile, seed 0, 8×8 digits; the numbers are printed above and
# in the verdict boxes). The trainability boundary moves to smaller $\sigma_w^2$ as depth
# grows: $\sigma_w^2 \approx 6.1, 2.4, 1.3, 1.1, 0.72$ at $L = 8, \dots, 128$, so Xavier's
# $\sigma_w^2 = 1$ lies inside the trainable region up to $L = 64$ and beyond the boundary at
# $L = 128$. The slope, $-0.73 \pm 0.09$, is 8 SE from the alternative 0: where training fails
# *does* depend on depth. It does not follow the theory's level set, though: the exact
# recursion's contour of $\ln\chi^{(0)}/\chi^{(L)}$ through the boundary falls much faster at
# these depths (slope $-1.62$; at finite depth the contours are far from the asymptotic
# $\sigma_w^2 L =$ const), 10 SE away. By the rule fixed before the run, **YS17-5 is not
# reproduced**. Two observations qualify this. Against the asymptotic law's −1 the measured
# slope is 3.1 SE away, inside a 4-SE tolerance, and $\sigma_w^2 L$ at the boundary stays
# within 38–92 over a factor 16 in depth: "σ_w² ∝ 1/L, roughly" describes our data better than
# the exact recursion does. And the gradient explosion at the boundary is not constant: it grows
# from $\ln\chi = 4.5$ at $L = 8$ to $10.6$ at $L = 128$ (the tanh half of YS17-4: slope
# $0.32 \pm 0.03$ of $\ln\ln\chi$, between the claim's 0 and the value 0.60 for a boundary
# at fixed $\sigma_w^2$, **not reproduced**): in our experiment deeper networks tolerate more
# predicted gradient explosion before training fails.
#
# The α-ReLU half agrees with the theory: the boundary sits at $\sigma_w^2 \approx 9.0, 1.4,
# 0.28$ for $\sigma_v^2 = 0.25, 1, 4$, slope $-1.25 \pm 0.13$ against $-1.33$ for the exact
# level set of $s^{(L)}$ (and for the asymptotic $-1/\alpha$), 10 SE from the alternative 0.
# There the boundary is a cliff (accuracy drops to chance: SGD diverges), and the grid is
# log-spaced in $\sigma_v^2\sigma_w^{2\alpha}$; if every row broke in the same grid interval
# the estimator would return $-1/\alpha$ by construction, which is why the grid's resolution
# (0.11) is part of the SE; the power against 0 comes from the boundary moving by a factor 30
# in $\sigma_w^2$, more than six grid steps. YS17-4 needs both halves, so its verdict is
# *not reproduced*, decided by the tanh check.
#
# **What the design depends on.** Our first design used lr 0.03 (converged within 10 epochs
# at $L = 8$) and could not train $L = 128$ at any $\sigma_w^2$ (accuracy at or below chance):
# the largest stable SGD step shrinks with depth (the tangent kernel of a residual network
# grows with its number of blocks), a depth dependence that the initialisation-time theory of
# the forward and backward pass does not describe, and that sets where a fixed-learning-rate
# boundary lies at large depth. We therefore train with lr 0.01 for 15 epochs. Whether the
# tanh boundary approaches the level sets of $\chi$ at the paper's depths (up to 300) and data
# (MNIST) is for the `full` profile (Fashion-MNIST, depths to 256, 8 seeds), which we could not
# run. Training here took about 205 s (tanh) and 75 s (α-ReLU) of one CPU core.

# %% [markdown]
# ## Scorecard of this chapter
#
# The verdicts and the check that decided each:

# %%
for c in ch.claims:
    d = c.decided_by
    print(f"{c.id}: {c.verdict:<30s} decided by {d.label!r}: {d.numbers()}")

# %% [markdown]
# ## Where theory and simulation disagreed, and why
#
# * **Tangents must be independent of the input.** With a 3-dimensional input layer the random
#   tangent $W_{\rm in}t$ is strongly correlated with $x^{(0)} = W_{\rm in}u$, and the simulated
#   $\ln\chi^{(0)}/\chi^{(l)}$ of tanh networks fell 0.2–0.3 below the recursion. The recursion
#   assumes the tangent (or the back-propagated gradient) independent of the forward signal;
#   with an $n$-dimensional input layer, as used above, the two agree.
# * **Average the cosine, not γ and p separately.** The ratio of means $\sum\gamma/\sum p$
#   looks natural (our first reconstruction used it). For ReLU networks at $L/n = 1/4$ the
#   length $p$ is heavy-tailed (the log-Gaussian regime of {ref}`chapter-02`) and that ratio, dominated by a few networks, gave twice
#   the recursion's $1 - e^{(L)}$; the mean of the per-network cosine matches the recursion.
# * **A fixed input biases the reduced network.** The RRN applies $\phi$ to $x^{(0)}$ itself, so a
#   fixed input whose coordinates are not exactly Gaussian-distributed (e.g. $\|x_+\|^2 \ne
#   \|x\|^2/2$) shifts every network the same way; SE over networks cannot see it (we measured
#   3.6 SE at layer 10 for ReLU). A random input layer removes it.
# * Everything else agreed within 4 standard errors: lengths, gradients and cosines of all
#   nine families, the exponents' slopes on the simulated depths, and the dense-weight check.
#   (Each check's numbers are in the verdict boxes above.)

# %% [markdown]
# ## Sizes and what the quick profile cannot show
#
# The quick profile runs on two CPU cores in a few minutes: width $n = 512$, 64 networks per
# curve, depth 128; recursions to depth 2000 (tanh) and 20 000 (ReLU, α-ReLU); training on
# scikit-learn's 8×8 digits (1400 training, 397 test images): 150 tanh networks of width 64 at
# depths 8–128 and 117 α-ReLU networks at depth 16, 15 epochs each. Its numbers are **not
# paper-scale**. The `full` profile (one GPU; `make figures PROFILE=full DEVICE=cuda`) uses
# $n = 2048$, 256 networks, depth 500, recursions to depth 4000 and 200 000, and trains width-128
# networks on **Fashion-MNIST** (20 000 training and the 10 000 official test images, read
# offline from the IDX files of Debian's `dataset-fashion-mnist` package or from
# `$RESPROP_FASHION_MNIST`; a missing data set stops the run with a message saying how to get
# it, never a fallback to digits): depths 8–256, 17 values of σ_w²·L, 8 seeds, and α-ReLU on 7
# values of σ_v². We could not run the full profile (no GPU was available to us); its sizes are
# scaled from the quick timings.

# %%
_ = ch.finish()
