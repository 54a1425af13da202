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
# (chapter-02)=
# # The future is log-Gaussian
#
# {cite:t}`li2021loggaussian` study ReLU residual networks at initialisation when the depth
# $d$ and the width $n$ grow *together*, with $\beta = d/n$ fixed. Their abstract makes five
# claims, which this chapter puts to the test one by one:
#
# 1. the output of a ReLU ResNet is **log-Gaussian**: the log of its squared norm is Gaussian
#    with a mean and a variance proportional to $\beta$;
# 2. Monte Carlo shows that basic properties of ResNets are **poorly captured by the Gaussian
#    (infinite-width) limit** and well captured by the log-Gaussian one;
# 3. ReLU ResNets are **hypoactivated**: fewer than half of the ReLUs are active;
# 4. **interlayer correlations** increase the variance of the output **exponentially** in
#    $\beta$;
# 5. **Balanced ResNets** remove hypoactivation and the interlayer correlations.
#
# As a contrast we add the fully connected network of {cite:t}`hanin2019products`, whose
# log-norm is $\mathcal N(-\tfrac52\beta, 5\beta)$, and a sixth claim of our own: the
# two-layer block of most real ResNets has its own constants, not those of the one-layer block
# at another branch variance. The notation and the shared model are those of
# {ref}`chapter-00`; {ref}`chapter-05` places the log-Gaussian regime on one map with the
# other three theories.
#
# ```{admonition} What is ours
# :class: warning
# The paper's full text was not available to us. The block, the constants and the Balanced
# ResNet used here are **our reconstruction**, derived in `resprop.theory.log_gaussian`.
# Everything is **parametrised by the branch variance $c$** of $W \sim \mathcal N(0, c/n)$,
# and the paper's exact constant is part of that reconstruction: He initialisation gives
# $c = 2$, while the standard ResNet written with unit-variance branch weights gives $c = 1$.
# We carry **both** through the chapter. The simulations that decide the claims run at $c = 2$,
# and the constants are tested at $c = 1$ too.
#
# The block matters as well, not only $c$. The two-layer pre-activation block
# $x + V\sigma(W\sigma(x))$ has a fluctuation of its own, so its constants are *not* those of
# the one-layer block at some other $c$ (claim 02-7 below). We keep **two candidate Balanced
# ResNets** (CReLU and random-sign), which predict different constants.
#
# Every formula is *leading order in $1/n$*. Where the finite widths we can afford show $O(1/n)$
# corrections, we say so and extrapolate in $1/n$ instead of widening tolerances. A verdict here
# is a verdict on our reconstruction of the claim.
# ```

# %% tags=["parameters"]
profile = "quick"
device = "auto"
seed = 0

# %%
import numpy as np
from IPython.display import Markdown, display

from resprop import log_gaussian_claims as claims
from resprop import log_gaussian_experiments as lgx
from resprop import log_gaussian_figures as figs
from resprop.chapter import Chapter
from resprop.estimators import mean_se
from resprop.theory import log_gaussian as lg

ch = Chapter("02_log_gaussian", profile=profile, device=device, seed=seed)
size = ch.sizes
c = size.c
A = lg.growth(c)
sim = lgx.Streams(ch.seed_for, device=ch.device, memory_budget=size.memory_budget)
print(ch.describe())

# %% [markdown]
# The claims this chapter decides, declared before any number is computed:

# %%
claims.declare_claims(ch)  # the statements: resprop.log_gaussian_claims.CLAIMS
for claim_id, declared in ch.declared.items():
    print(f"{claim_id:6} {declared['statement']}")

# %% [markdown]
# ## The model and what the theory predicts
#
# The one-layer ReLU ResNet of width $n$ and depth $d$ (the library's `ReducedResidual` with
# `activation="relu"`, `sigma_w2=c`, `sigma_b2=0`) is
#
# $$
# x^{l+1} = x^l + W^l \sigma(x^l), \qquad W^l_{ij} \sim \mathcal N(0, c/n), \qquad l = 0,\dots,d-1,
# $$
#
# with a Gaussian input layer $x^0 = W_{\rm in} u$ (so each network starts from a fresh
# $x^0 \sim \mathcal N(0, I_n)$) and a readout $z = W_{\rm out} x^d$,
# $W_{\rm out} \sim \mathcal N(0, 1/n)$. At infinite width $\|x^{l}\|^2$ grows by exactly
# $A = 1 + c/2$ per block, so we study
#
# $$
# L_d = \ln\frac{\|x^d\|^2}{\|x^0\|^2} - d \ln A
# \qquad\text{and the normalised output}\qquad
# t = \frac{z}{\sqrt{A^d \|x^0\|^2/n}} = e^{L_d/2}\,\varepsilon,\ \varepsilon \sim \mathcal N(0,1).
# $$
#
# **Gaussian (infinite-width) limit:** $L_d \to 0$ and $t \sim \mathcal N(0,1)$ at any fixed
# depth. **Log-Gaussian limit** (our reconstruction of the paper's Theorem 1): with
# $\rho = A^{-1/2}$, $h(u) = u|u|$, $\kappa(t) = \mathbb E[h(X)h(Y)]_{\mathrm{corr}=t}
# = \frac2\pi[(1+2t^2)\arcsin t + 3t\sqrt{1-t^2}]$,
#
# $$
# L_d \Rightarrow \mathcal N(\mu\beta, s^2\beta),\quad
# s^2 = \underbrace{\frac{2c + c^2/2}{A^2}}_{\text{weight noise } v}
#     + \underbrace{\frac{3c^2}{4A^2}}_{\text{one-layer } r}
#     + \underbrace{\frac{c^2}{2A^2}\sum_{k\ge1}\kappa(\rho^k)}_{\text{interlayer}},\quad
# \mu = -\frac{c}{A}\theta_E - \frac{3c^2}{8A^2} - \frac v2,
# $$
#
# where $r_l = \|\sigma(x^l)\|^2/\|x^l\|^2$ is the fraction of the energy on active units and
# $\mathbb E r_l = \tfrac12 - \theta_E/n$ (hypoactivation). The output is then a Gaussian scale
# mixture with log-normal variance. The library evaluates all of this; here are the constants
# for a few $c$ (He is $c = 2$; "crelu" and "random_sign" are the two Balanced variants, FC is
# the He feed-forward network):

# %%
display(Markdown(figs.constants_table(sorted({*size.c_values, c}))))
parts = lg.variance_parts(c)
print(
    f"He: s² = {lg.s2(c):.3f} = {parts['noise']:.3f} (noise) + {parts['one_layer']:.3f} "
    f"(one-layer r) + {parts['interlayer']:.3f} (interlayer correlations)"
)

# %% [markdown]
# ### Which $c$, and which block
#
# The two readings of the paper's "standard ResNet" give different constants, and so do the
# blocks. The derivation carries over to any block whose branch adds, given the past, a
# Gaussian $\mathcal N(0, \tfrac cn\|x\|^2 r\, I)$ with an energy fraction $r$ (our
# derivation, `lg.block_constants`):
#
# * **one-layer** $x + W\sigma(x)$: $r = \|\sigma(x)\|^2/\|x\|^2$, with $n\,\mathrm{Var}\,r = \tfrac34$;
# * **two-layer** (pre-activation) $x + V\sigma(W\sigma(x))$, $W \sim \mathcal N(0, \sigma_w^2/n)$,
#   $V \sim \mathcal N(0, \sigma_v^2/n)$, $c = \sigma_w^2\sigma_v^2/2$ (He on both layers:
#   $c = 2$): $r = 2r_1r_2$. Here $r_1$ is the one-layer ratio and $r_2 = \tfrac1n\sum_i\sigma(g_i)^2$
#   is a fresh factor from the hidden layer, with $n\,\mathrm{Var}\,r_2 = \tfrac54$. This adds
#   $\tfrac{5c^2}{4A^2}$ to $s^2$ and $-\tfrac{5c^2}{8A^2}$ to $\mu$. Hypoactivation and the
#   interlayer correlations are those of the stream, unchanged;
# * **full residual** (Yang–Schoenholz) $x + V\sigma(Wx)$, $c = \sigma_w^2\sigma_v^2$: $r = r_2$ is fresh in
#   every block. The norm ratios are then i.i.d.: no hypoactivation, no correlations, and an
#   exact finite-$n$ law (`lg.full_residual_exact_moments`).
#
# All three have the same growth $A = 1 + c/2$ and the same Gaussian limit, yet different
# log-Gaussian constants: "only $c$ changes" is false.

# %%
display(Markdown(figs.block_constants_table((1.0, 2.0))))

# %% [markdown]
# The two Balanced variants differ: CReLU ($x + W^+\sigma(x) + W^-\sigma(-x)$,
# $W^\pm \sim \mathcal N(0, c/2n)$) makes the branch independent of the signs altogether, so
# only the weight noise is left, $\mathcal N(-0.75\beta, 1.5\beta)$ for He; random-sign
# ($x + W\sigma(Dx)$ with a fresh random $\pm1$ diagonal $D$) removes hypoactivation and the
# interlayer correlations but keeps the one-layer fluctuation of $r$,
# $\mathcal N(-1.125\beta, 2.25\beta)$. The paper's Theorem 4 would tell which one it uses.
#
# ## Simulating many networks
#
# Every Monte Carlo sample below is an independent random network, drawn by
# `resprop.simulate` with the `gram` sampler: a fresh Gaussian layer applied to a fixed vector
# is itself Gaussian with covariance given by its Gram matrix, so a layer costs $O(n)$ per
# network instead of $O(n^2)$ and is exact in law. We first check it against the `dense`
# sampler, which materialises every weight matrix, on one small configuration.
#
# The code of every experiment lives in the library, tested there: the drivers in
# `resprop.log_gaussian_experiments` (each simulation on its own named seed stream, such as
# `"scan/128"`), the checks that decide the claims in `resprop.log_gaussian_claims`, and the
# figures and tables in `resprop.log_gaussian_figures`. This page holds the argument, the
# sizes and the calls.

# %%
dense = lgx.sampler_check(sim, c, size.dense_width, size.dense_depth, size.dense_networks)
claims.decide_sampler(dense).record(ch, "02-0")

# %% [markdown]
# ## Claim 1: the log-norm is Gaussian with mean $\mu\beta$ and variance $s^2\beta$
#
# We simulate He ResNets ($c = 2$) at several widths $n$, each to depth $d = \beta_{\max} n$,
# and read $L_l$ at every layer $l$ (so $\beta = l/n$ sweeps $[0, \beta_{\max}]$); at the main
# width we add separate runs ending at each $\beta$ of the histograms, for the outputs.

# %%
n0 = size.main_width
scan = lgx.width_scan(sim, c, size.widths, size.width_networks, size.beta_max, n0, size.sign_lags)
main = lgx.main_runs(sim, c, scan, n0, size.betas, size.n_networks)
B0, B1 = scan[n0].n_networks, size.balanced_networks  # main width to β_max; Balanced and FC
per_beta = ", ".join(str(main[b].n_networks) for b in size.betas)

# %% [markdown]
# The limits themselves are tested on a second scan built for them: several widths (printed
# below) at $\beta = 1/2$, the one-layer and the two-layer He blocks, with
# many more networks at the small widths, where they are cheap. Each point is the mean or variance of
# $L_d$ per unit $\beta$, corrected for the finite-depth edge terms by the leading-order
# theory, and a weighted straight line in $1/n$ gives the $n \to \infty$ value.


# %%
one_layer = (size.limit_widths, size.limit_networks)
two_layer = (size.two_layer_widths, size.two_layer_networks)
limit, limit_fit = lgx.limit_scan(
    sim, c, size.limit_beta, one_layer, two_layer, size.two_layer_sigma_v2
)
print(
    "limit scan at β = " + f"{size.limit_beta:g}: one-layer n = {size.limit_widths} with "
    f"{size.limit_networks} networks; two-layer n = {size.two_layer_widths} with "
    f"{size.two_layer_networks} networks"
)

# %% [markdown]
# The histograms compare $L_d$ with three predictions: the Gaussian limit (a point mass at 0),
# the log-Gaussian limit law $\mathcal N(\mu\beta, s^2\beta)$, and the same leading-order
# theory summed over the $d$ actual blocks (the "finite-depth" line: hypoactivation and the
# correlations need ~10 blocks to build up, which matters at small $d$). The QQ plots
# standardise $L_d$ by its own mean and standard deviation, so they test the *shape*.

# %% tags=["hide-input"]
shape_tests = lgx.shape_tests(main, A)  # Anderson–Darling and skewness per β
ch.save(
    figs.log_norm_histograms_figure(main, c, n0, shape_tests, per_beta),
    "log_norm_histograms",
    caption=f"Top: histograms of the log-norm $L_d$ of the He ReLU ResNet (c = {c:g}) at n = {n0} "
    f"and β ∈ {size.betas} (networks per β: {per_beta}; gram sampler, profile {ch.profile}) "
    "against the log-Gaussian limit law, its finite-depth version and the Gaussian limit "
    "(δ at 0). Bottom: QQ plots of the standardised $L_d$ against N(0, 1), with the "
    "Anderson–Darling statistic.",
    alt="Histograms of the log-norm close to Gaussian curves, far from the Gaussian limit's "
    "point mass at zero, and QQ plots near the diagonal",
)

# %% [markdown]
# Now the mean and the variance of $L_l$ against $\beta = l/n$ for several widths. The bands are
# the Monte Carlo ±2 SE; the lines are the limit laws of the standard ResNet, the two Balanced
# ResNets and the fully connected network, and the Gaussian limit (0).

# %% tags=["hide-input"]
kurt = lgx.kurtosis_by_width(scan, A)
fit = lgx.moment_fits(limit_fit, kurt, size.fit_widths)
ch.save(
    figs.moments_figure(scan, c, size.beta_max, limit, limit_fit, size.limit_beta, fit, kurt),
    "moments_vs_beta",
    caption=f"Top: mean and variance of $L_l$ against β = l/n for n ∈ {size.widths} "
    f"({size.width_networks} networks; bands ±2 SE) with the limit laws of the standard, "
    "Balanced and fully connected networks. Bottom: the edge-corrected mean and variance per "
    f"unit β at β = {size.limit_beta:g} against 1/n for the one-layer (n ∈ {size.limit_widths}, "
    f"{size.limit_networks} networks) and two-layer (n ∈ {size.two_layer_widths}, "
    f"{size.two_layer_networks} networks) He blocks, with weighted fits a + b/n. Right: excess "
    f"kurtosis (β = {size.beta_max:g}) and skewness (β = {size.limit_beta:g}) of $L_d$ against "
    f"1/n. Gram sampler, profile {ch.profile}.",
    alt="Mean and variance of the log-norm grow linearly in depth over width; per unit depth "
    "they approach the theory as 1/n goes to zero",
)

# %% [markdown]
# The curves for different $n$ collapse onto straight lines in $\beta$, as the theory says. The
# variance, however, sits a few percent above $s^2\beta$ at every width we simulate, by an
# amount that shrinks like $1/n$. The bottom row shows $n\,\mathbb E L_d/d$ and
# $n\,\mathrm{Var}\,L_d/d$ from the limit scan at $\beta = 1/2$, corrected for the
# finite-depth edge terms, against $1/n$.
#
# **At the smallest widths we simulate, the leading order is rejected.** At $n = 64$ the
# variance lies about ten standard errors above $s^2\beta$; at $n = 128$ it lies 2–5 above,
# depending on the seed and the number of networks (this run's numbers are printed below and
# stored with claim 02-1b). The paper's statement is a limit,
# so we test it where it is stated: at $n \to \infty$, by a weighted straight-line fit in
# $1/n$ over four widths. The $O(1/n)$ excess lives in the interlayer correlations (Claim 4).
#
# Each limit check names the alternative it must reject: the same theory **without its
# smallest term**. For the mean this is the Itô term of the one-block fluctuation of $r$,
# $-3c^2/(8A^2) = -0.375$ for He. For the variance it is that fluctuation itself,
# $3c^2/(4A^2) = 0.75$: without it, $s^2 = 4.69$. A fit that cannot tell those apart earns
# "not decidable".
#
# The shape (right column) shows the same. At $n \le 128$ a small negative skewness of $L_d$
# is resolved (at $n = 64$ by about ten standard errors; the Anderson–Darling test of the QQ
# figure, at $n = 128$, is too weak to see it reliably: its p-values, clipped to
# $[0.01, 0.15]$, range over that interval from seed to seed), and it shrinks with $n$ like
# the other finite-width corrections. The
# alternative is a skewness that does not decay: the weighted mean over widths. At this profile
# the extrapolated skewness is consistent with 0 and the alternative lies only just beyond
# four of its standard errors (about 0.14 against a tolerance of about 0.13), so the verdict
# of claim 02-1c is marginal: another seed could make it "not decidable". More networks at
# the two largest widths would make it robust.

# %%
n128 = 128 if 128 in size.limit_widths else size.limit_widths[0]
print(claims.limit_report(limit, c, size.limit_beta, n128))
for q, cid in (("mean", "02-1a"), ("variance", "02-1b")):
    display(claims.decide_limit(limit, fit, c, size.limit_beta, n128, q).record(ch, cid))
skew = claims.decide_skewness(limit, fit, size.limit_beta, size.beta_max, n0, shape_tests)
skew.record(ch, "02-1c")

# %% [markdown]
# ## Claim 2: the Gaussian limit misses basic properties, the log-Gaussian one does not
#
# The output of a finite network is a Gaussian with a random variance $e^{L_d}$. Since
# $L_d$ has a variance $s^2\beta$ of order one, this mixture has much heavier tails *and* more
# mass near zero than $\mathcal N(0,1)$: for He at $\beta = 1$ the predicted kurtosis is
# $3e^{s^2} \approx 700$.

# %% tags=["hide-input"]
ks_table = lgx.ks_by_beta(main, c, n0)
ch.save(
    figs.output_histograms_figure(main, c, n0, ks_table, per_beta),
    "output_histograms",
    caption=f"Top: density (log scale) of the normalised output t of the He ResNet at n = {n0}, "
    f"β ∈ {size.betas} (networks per β: {per_beta}; gram sampler, profile {ch.profile}) "
    "against the log-Gaussian scale mixture and the Gaussian limit N(0, 1), with the KS "
    "distances. Bottom: QQ plots (symlog) against both predictions.",
    alt="Output histograms with heavy tails and a sharp peak that follow the log-Gaussian "
    "mixture and not the standard normal",
)

# %% [markdown]
# "Basic properties" at $\beta = 1$: what the Gaussian limit, the log-Gaussian limit and the
# simulation say (the sample kurtosis of such a heavy-tailed law is itself far below its
# population value at this $B$: raw moments are meaningless here, which is why we test with
# quantiles and KS distances).

# %%
display(Markdown(figs.basic_properties_table(main[size.betas[-1]], c, n0, size.burn_in)))

# %% [markdown]
# The KS distance to the Gaussian limit does not shrink as $n$ grows at fixed $\beta$: it tends
# to the population distance between the mixture and $\mathcal N(0,1)$ (line). The distance to
# the log-Gaussian prediction falls to the sampling noise (grey: 99% quantile of the KS
# statistic under the null, $1.63/\sqrt B$).

# %% tags=["hide-input"]
ks_n = lgx.ks_by_width(scan, c)  # to the log-Gaussian law, to N(0, 1), 99 % null level
ks_pop = lg.gaussian_ks_distance(lg.output_law(lg.mu(c) * size.beta_max, lg.s2(c) * size.beta_max))
ch.save(
    figs.ks_vs_width_figure(ks_n, ks_pop, size.beta_max, size.width_networks),
    "ks_vs_width",
    caption=f"KS distance of the normalised output at β = {size.beta_max:g} to N(0, 1) and to "
    f"the log-Gaussian prediction against the width n ∈ {size.widths} "
    f"({size.width_networks} networks; gram sampler, profile {ch.profile}); grey: the 99% "
    "null band; dashed: the population distance between the mixture and N(0, 1).",
    alt="The distance to the Gaussian stays flat at the population value as width grows; the "
    "distance to the log-Gaussian stays inside the noise band",
)

# %% [markdown]
# The KS distance $D$ of $B$ samples from their own law has mean
# $\sqrt{\pi/2}\,\ln 2/\sqrt B \approx 0.869/\sqrt B$ and standard deviation
# $\approx 0.260/\sqrt B$ (the Kolmogorov distribution, `estimators.ks_null`). If the Gaussian
# limit held instead, $D$ would tend to the population distance between the predicted mixture
# and $\mathcal N(0, 1)$ (`lg.gaussian_ks_distance`).

# %%
display(claims.decide_ks_mixture(main, ks_table, c, n0, per_beta).record(ch, "02-2a"))
claims.decide_ks_gaussian(ks_n, ks_pop, size.width_networks, size.beta_max).record(ch, "02-2b")

# %% [markdown]
# ## Claim 3: hypoactivation
#
# At infinite width exactly half of the units are active. At width $n$ a unit that is positive
# inflates the branch variance $\tfrac cn\|\sigma(x)\|^2$ that it itself feeds, which pushes it
# back towards zero: a self-interaction of order $1/n$. Propagated through the layers it gives
# (our derivation)
#
# $$
# \mathbb E\,\tfrac1n\#\{i: x^l_i > 0\} = \tfrac12 - \frac{\theta_K(l)}{n},\qquad
# \mathbb E\, r_l = \tfrac12 - \frac{\theta_E(l)}{n},
# $$
#
# with $\theta_K(l) = \frac{c}{2\pi A}\sum_{k=1}^{l}\rho^k\sqrt{1-\rho^{2k}}$ and
# $\theta_E(l) = \frac{c}{\pi A}\sum_{k=1}^{l}\rho^k(\rho^k\arcsin\rho^k + \sqrt{1-\rho^{2k}})$,
# which saturate within ~10 layers (He: 0.335 and 0.859). The effect per layer is tiny
# (0.26% at $n = 128$), so we pool over layers and networks; the energy version is the one that
# enters the mean log-norm, where $d$ layers of it add up to the $O(\beta)$ shift
# $-(c/A)\theta_E\beta$.
#
# The Balanced ResNets' laws are symmetric under $x \mapsto -x$, so their fraction is exactly
# $\tfrac12$ in expectation.

# %%
balanced = lgx.balanced_runs(sim, c, n0, size.beta_max, size.balanced_networks, size.sign_lags)
hyp = lgx.hypo_fits(scan, c, size.fit_widths, n0, size.burn_in)  # pooled, fitted in 1/n

# %% tags=["hide-input"]
ch.save(
    figs.hypoactivation_figure(scan, balanced, hyp, c, n0, size.burn_in),
    "hypoactivation",
    caption=f"Hypoactivation: n(½ − fraction active) (left) and n(½ − energy fraction) "
    f"(middle) per layer at n = {n0} for the He ResNet ({B0} networks) and the Balanced "
    f"ResNets ({B1} each), against θ_K(l), θ_E(l) and the Gaussian limit 0; right: pooled over "
    f"layers ≥ {size.burn_in} against 1/n (n ∈ {size.widths}) with fits a + b/n. Gram sampler, "
    f"profile {ch.profile}.",
    alt="The standard ResNet's deficit of active units follows the theory curve; the Balanced "
    "ResNets stay at zero",
)

# %%
m, se = mean_se(lgx.hypo(scan[n0], n0, size.burn_in)[2])
print(
    f"fraction active at n = {n0}, pooled over layers ≥ {size.burn_in}: ½ − {m / n0:.5f} ± {se / n0:.5f}"
    f" ({m / se:.0f} SE below ½)"
)
for field, cid in (("active_fraction", "02-3a"), ("active_energy", "02-3b")):
    hypo_claim = claims.decide_hypoactivation(hyp, field, c, size.burn_in, size.fit_widths, n0)
    display(hypo_claim.record(ch, cid))

# %% [markdown]
# ## Claim 4: interlayer correlations, and an output variance that grows exponentially in $\beta$
#
# The sign of a coordinate persists from layer to layer: $x^{l+k}_i$ has correlation $\rho^k$
# with $x^l_i$, so the probability of the same sign at lag $k$ is
# $\tfrac12 + \arcsin(\rho^k)/\pi$ (¾ at lag 1 for He). The Gaussian limit predicts this
# too, but it cannot turn it into fluctuations of the norm; at width $n$ the active energy
# fraction $r_l$ inherits the persistence, $n\,\mathrm{Cov}(r_l, r_{l+k}) \to \kappa(\rho^k)/4$,
# and so do the block increments $\Delta L_l = \ln(\|x^{l+1}\|^2/\|x^l\|^2)$:
# $n\,\mathrm{Cov}(\Delta L_l, \Delta L_{l+k}) \to (c/A)^2\kappa(\rho^k)/4$ for $k \ge 1$.

# %% tags=["hide-input"]
sign_lags = np.arange(1, size.sign_lags + 1)
lags = np.arange(0, size.acov_lags + 1)
acov = lgx.increment_autocovs({"standard": scan[n0], **balanced}, A, n0, lags, size.burn_in)
ch.save(
    figs.correlations_figure(scan[n0], balanced, acov, c, sign_lags, lags, size.burn_in),
    "correlations",
    caption=f"Left: probability that a coordinate keeps its sign at lag k, at n = {n0} "
    f"({B0} standard, {B1} Balanced networks, layers ≥ {size.burn_in} pooled), against "
    "½ + arcsin(ρᵏ)/π. Right: n·Cov of the block increments of the log-norm against the lag "
    f"(symlog), with theory lines. Gram sampler, profile {ch.profile}.",
    alt="Sign persistence matches the arcsine law for all three networks; only the standard "
    "ResNet has positive increment covariances at lags of one and more",
)

# %% [markdown]
# The summed lag-$k \ge 1$ covariances are the interlayer part of $s^2$ (half of it: the
# variance counts each pair twice). This is also where the finite-width excess of the variance
# seen under Claim 1 lives: at the widths we simulate the lag-$k$ covariances sit above the theory by a
# relative amount growing with $k$, i.e. the persistence decays slightly slower at finite width.
# We again extrapolate in $1/n$.

# %%
K = lags[1:]
inter, inter_theory, inter_fit = lgx.interlayer_sums(scan, c, K, size.burn_in, size.fit_widths)
claims.decide_interlayer(inter, inter_theory, inter_fit, K, size.fit_widths).record(ch, "02-4a")

# %% [markdown]
# These correlations are what makes the output variance grow exponentially: since
# $\mathbb E\, t^2 = \mathbb E\, e^{L_d}$,
#
# $$
# \ln \mathbb E\, t^2 \approx \Big(\mu + \frac{s^2}{2}\Big)\beta
# = \frac{c}{A}\Big(-\theta_E + \frac{c}{4A}\sum_{k\ge1}\kappa(\rho^k)\Big)\beta
# = m_2\beta,\qquad m_2 = 0.737 \text{ (He)}.
# $$
#
# The weight noise and the one-layer fluctuation of $r$ cancel exactly between $\mu$ and
# $s^2/2$ (the norm is a martingale given $r$); only hypoactivation (down) and the interlayer
# correlations (up) are left, and the correlations win. The Balanced ResNets and the fully
# connected He network are exact martingales, $\ln\mathbb E\,t^2 = 0$, as is the Gaussian limit.
# We estimate $\ln \mathbb E\, e^{L_l}$ at every layer with a log-sum-exp; the heavy tail makes
# this estimate unreliable beyond $\beta \approx 0.5$ at these $B$.

# %%
fc = lgx.fc_run(sim, n0, size.beta_max, B1)

# %% tags=["hide-input"]
d0 = scan[n0].network.depth
L_of = lgx.log_norms_by_model(scan[n0], balanced, fc, A)  # L_l of each model at n0
ch.save(
    figs.second_moment_figure(L_of, c, n0, fit["variance"], size.beta_max),
    "second_moment",
    caption=f"Left: ln E t² = ln E e^(L_l) against β = l/n at n = {n0} ({B0} standard, {B1} "
    "Balanced and fully connected networks; log-sum-exp, ±2 SE) against m₂β and 0. Right: "
    f"Var L_d per unit β at β = {size.beta_max:g} split into its theoretical parts (bars) "
    "and measured (points; diamond: the standard ResNet extrapolated to n → ∞). Gram sampler, "
    f"profile {ch.profile}.",
    alt="The standard ResNet's output second moment grows with depth over width while the "
    "others stay at zero; stacked bars of the variance parts with measured points",
)

# %%
beta_sm = 0.5
sm, sm_fit = lgx.second_moment_scan(scan, c, beta_sm, size.fit_widths)  # edge-corrected to m₂β
claims.decide_second_moment(sm, sm_fit, c, beta_sm, size.fit_widths).record(ch, "02-4b")

# %% [markdown]
# ## Claim 5: Balanced ResNets remove hypoactivation and interlayer correlations
#
# Both reconstructed variants are tested against their own predictions: no hypoactivation
# (fraction ½ within SE, pooled over layers and networks), no interlayer covariance of the
# norm increments (sum over lags ≥ 1 within SE of 0), and the log-norm law. For CReLU the
# finite-width law is exact (i.i.d. non-central χ² ratios), for random-sign we use the leading
# order.

# %% tags=["hide-input"]
bal_checks = lgx.model_checks(L_of, c, n0, d0)  # L_d and its prediction per model
ch.save(
    figs.balanced_figure(bal_checks, n0, size.beta_max),
    "balanced",
    caption=f"Histograms of $L_d$ at n = {n0}, d = {d0} for the standard ({B0} networks), "
    f"Balanced and fully connected ({B1} networks each) He networks, with their predicted "
    f"laws (thick lines) and the Gaussian limit. Gram sampler, profile {ch.profile}.",
    alt="Four histograms of the log-norm with different widths, each following its "
    "predicted Gaussian",
)

# %%
display(Markdown(figs.model_moments_table(bal_checks, n0, d0)))

# %%
for variant, cid in (("crelu", "02-5a"), ("random_sign", "02-5b")):
    args = (balanced[variant], acov[variant], scan[n0], acov["standard"], c, inter_theory, K)
    display(claims.decide_balanced(*args, size.burn_in).record(ch, cid))
for variant, cid in (("crelu", "02-5c"), ("random_sign", "02-5d")):
    display(claims.decide_balanced_variance(bal_checks, variant, c, n0).record(ch, cid))

# %% [markdown]
# ## The contrast: a fully connected He network
#
# Without skip connections, $\|\sigma(h^{l+1})\|^2 = \tfrac2n\|\sigma(h^l)\|^2\chi^2_{K_l}$ with
# $K_l \sim \mathrm{Bin}(n, \tfrac12)$ fresh in each layer: the log-norm is an exact sum of i.i.d.
# terms, $\mathcal N(-\tfrac52\beta, 5\beta)$ in the limit {cite:p}`hanin2019products`, with exact
# finite-$n$ moments from the digamma function. Per unit $\beta$ the He ResNet ($s^2 = 5.44$)
# fluctuates slightly *more* than the feed-forward network ($5$), because of its interlayer
# correlations, while the Balanced ResNets fluctuate much less (1.5 and 2.25); all of them
# are far from the Gaussian limit's 0. The means differ too: $-2.5\beta$ without skip
# connections, $-1.98\beta$ with them (on top of the deterministic growth $d\ln A$).
#
# The mean tells the two networks apart easily. The variances at $n = 128$, $\beta = 1$ are
# only 0.21 apart (5.15 exact for the feed-forward network, 5.36 for the ResNet at leading
# order). Four standard errors of a variance from 2 500 networks are 0.58, so claim 02-6a is
# **not decidable** at this profile. About $2\cdot10^4$ networks would decide it.

# %%
fc_claims = claims.decide_fc(bal_checks, c, n0)
display(fc_claims["variance"].record(ch, "02-6a"))
fc_claims["mean"].record(ch, "02-6b")

# %% [markdown]
# ## Claim 02-7: the two-layer block has its own constants
#
# Most real ResNets use a two-layer branch. Without normalisation, the identity-skip
# (pre-activation) block is $x + V\sigma(W\sigma(x))$. He initialisation of both layers
# ($\sigma_w^2 = \sigma_v^2 = 2$) gives the same growth $A = 2$ as the one-layer He block,
# i.e. the effective $c = \sigma_w^2\sigma_v^2/2 = 2$. If "only $c$ changed", its log-norm
# would follow the one-layer law $\mathcal N(-1.984\beta, 5.442\beta)$.
#
# Our derivation (above, "Which $c$, and which block") says otherwise. The hidden layer
# multiplies the branch variance by a fresh factor $2r_2$, with $n\,\mathrm{Var}\,r_2 = 5/4$,
# which adds $5c^2/(4A^2) = 1.25$ to $s^2$ and $-0.625$ to $\mu$: $\mathcal N(-2.609\beta,
# 6.692\beta)$. Yang and Schoenholz's full residual block $x + V\sigma(Wx)$ has no $\sigma$
# on the stream. Its norm ratios are therefore i.i.d., with its own law
# $\mathcal N(-1.375\beta, 2.75\beta)$, exact at finite $n$.
#
# The test compares the two-layer and the one-layer blocks at equal width and depth, where the
# finite-width corrections of the stream are shared. The named alternative is "only $c$
# changes", a difference of 0. A second test extrapolates the two-layer constants to
# $n \to \infty$, against the one-layer constants as the alternative.

# %%
nb = 128 if 128 in size.two_layer_widths else size.two_layer_widths[0]
db = round(size.limit_beta * nb)
blocks = lgx.full_residual_blocks(sim, c, limit, nb, size.limit_beta, size.full_residual_networks)
B_blocks = {
    "one_layer": size.limit_networks[size.limit_widths.index(nb)],
    "two_layer": size.two_layer_networks[size.two_layer_widths.index(nb)],
    "full_residual": size.full_residual_networks,
}

# %% tags=["hide-input"]
ch.save(
    figs.blocks_figure(blocks, limit_fit, c, nb, size.limit_beta),
    "blocks",
    caption=f"Mean (left) and variance (right) of the log-norm $L_d$ per unit β for three He "
    f"ReLU blocks with the same growth A = {A:g}: Monte Carlo at n = {nb}, d = {db} "
    f"({', '.join(str(B_blocks[b]) for b in lg.BLOCKS)} networks, gram sampler, profile "
    f"{ch.profile}, edge-corrected), leading-order theory (bars) and the one-layer value "
    "that 'only c changes' would predict (dashed); diamonds: the one- and two-layer variances "
    "extrapolated to n → ∞.",
    alt="Two panels of points with error bars for three residual blocks; the two-layer block "
    "lies below the one-layer block in mean and above it in variance, as its theory predicts.",
)

# %%
claims.decide_blocks(blocks, limit, limit_fit, c, nb, size.two_layer_sigma_v2).record(ch, "02-7")

# %% [markdown]
# At equal width and depth the two blocks differ by what the fresh hidden-layer factor
# predicts, in the mean and in the variance, and "only $c$ changes" is rejected by both
# differences. The extrapolated two-layer constants are further from the one-layer ones than
# the tolerance, and within it of our two-layer constants. Their standard errors are larger
# (three widths, 2 000–8 000 networks), and the variance lies above the theory, as the
# one-layer variance does at finite width. The Yang–Schoenholz full residual block sits at its
# exact finite-width law, far from both ({numref}`fig-02_log_gaussian-blocks`). So a
# reader who applies the paper to a real ResNet should use the constants of the block it has.
# With He initialisation the two-layer block fluctuates about 23 % more per unit $\beta$ than
# the one-layer block.

# %% [markdown]
# ## The dependence on the branch variance $c$
#
# The paper's constants are unknown to us, so the reconstruction is parametrised by $c$. The
# two readings of the standard ResNet, unit-variance branch weights ($c = 1$:
# $\mathcal N(-1.440\beta, 4.078\beta)$) and He ($c = 2$: $\mathcal N(-1.984\beta,
# 5.442\beta)$), are equally plausible to us. Here are $\mu(c)$ and $s^2(c)$ for both blocks
# against one-layer simulations at several $c$. One width and depth is used, so the $O(1/n)$
# excess of the variance is visible and not extrapolated away. The deviations from the leading
# order are printed below the figure.

# %% tags=["hide-input"]
nc, dc = size.c_width, round(size.c_beta * size.c_width)
at_c, z_c = lgx.c_scan(sim, c, size.c_values, nc, size.c_beta, size.c_networks, scan)
ch.save(
    figs.constants_vs_c_figure(at_c, c, nc, dc, size.c_networks),
    "constants_vs_c",
    caption=f"The constants μ(c) and s²(c) per unit β against the branch variance c for the "
    "one-layer (solid) and two-layer (dotted) blocks and the Balanced ResNets; dots: one-layer "
    f"Monte Carlo at n = {nc}, d = {dc} ({size.c_networks} networks per c, ±2 SE, "
    f"edge-corrected, not extrapolated); c = 1 and c = 2 marked. Gram sampler, profile "
    f"{ch.profile}.",
    alt="Two panels of curves against the branch variance with simulated points at four "
    "values of c",
)

# %%
print(
    f"n = {nc}, d = {dc}: (measured − leading order)/SE for (mean, variance): "
    + "; ".join(f"c = {cc:g}: ({zm:+.1f}, {zv:+.1f})" for cc, (zm, zv) in z_c.items())
)

# %% [markdown]
# ## Summary
#
# The verdicts of this run are listed below and on the [scorecard](scorecard.md). The quick
# profile is CPU-sized, not paper-scale. It runs widths 32–256 to $\beta = 1$ with 1 500–10 000
# networks per width, and a limit scan at $\beta = 1/2$ over widths 64–512 (one-layer) and
# 64–256 (two-layer) with 2 000–16 000 networks per width. The full profile
# (`make figures PROFILE=full DEVICE=cuda`) runs widths 64–1024 to $\beta = 2$ and limit scans
# to $n = 1024$ with $10^4$–$10^5$ networks per width; its GPU timing has not been measured yet.
#
# The finite-width picture is the same in every claim. At the smallest widths one can
# simulate, the leading order is *rejected*: the variance of the log-norm exceeds $s^2\beta$ by a relative
# amount $\approx b/(s^2 n)$. The paper's limits are then tested by extrapolation in $1/n$. The
# excess sits in the interlayer correlations, whose decay with the lag is slightly slower at
# finite width; deriving this $O(1/n)$ correction is left open. The Balanced CReLU ResNet and
# the full residual block, whose finite-width laws are known exactly, show no excess. The
# two-layer block is where "only $c$ changes" fails: same growth, different constants.

# %%
b_var = fit["variance"].slope
print(
    f"finite-width excess of Var L_d: b = {b_var:.1f}, i.e. {b_var / lg.s2(c):.1f}/n relative "
    f"({b_var / lg.s2(c) / n0:+.1%} at n = {n0}); interlayer sum at n = {n0}: "
    f"{inter[n0][0]:.3f} vs {inter_theory:.3f} (leading order)"
)
ch.summary()

# %%
_ = ch.finish()  # writes build/claims/02_log_gaussian.json
