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
import numpy as np

from resprop import edge_of_chaos as eoc
from resprop import edge_of_chaos_claims as claims
from resprop import edge_of_chaos_figures as figs
from resprop.chapter import Chapter
from resprop.training import load_dataset

ch = Chapter("01_mean_field", profile=profile, device=device, seed=seed)
size = ch.sizes
print(ch.describe())
claims.declare_claims(ch)  # YS17-1 … YS17-6, declared before any number is computed

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
#
# The code lives in the library: `resprop.edge_of_chaos` builds the inputs (`random_inputs`) and
# simulates the nine families with their recursions (`simulate_families`; each family on its
# own named seed stream), `resprop.edge_of_chaos_claims` holds the checks that decide the claims and
# `resprop.edge_of_chaos_figures` the figures.

# %%
L, n, B = size.depth, size.width, size.n_networks
U = eoc.random_inputs(
    n, seed=ch.seed_for("inputs")
)  # three inputs of R^n with cosines 0.8, 0.2 (and 0.16)
sim, theory = eoc.simulate_families(U, L, B, seed=ch.seed, device=ch.device)

# %% [markdown]
# ## Claims 1 and 3: exponential versus subexponential dynamics
#
# Lines are the mean-field recursion, bands the Monte Carlo mean ± 2 standard errors. On
# log–log axes a power law is a straight line and an exponential bends upwards.

# %% tags=["hide-input"]
ch.save(
    figs.dynamics_figure(sim, theory),
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
# `edge_of_chaos_claims.growth_class_checks` makes both kinds of check.

# %%
checks = claims.growth_class_checks(
    sim, theory, big_depth=size.theory_depth_tanh, seed=ch.seed_for("bootstrap/growth")
)
print(claims.describe_checks(checks))
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
Lb = size.theory_depth_tanh
checks, lines, d_ff = claims.geometry_checks(sim, theory, big_depth=Lb)
print("\n".join(lines) + "\n" + claims.describe_checks(checks))
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
# recursion on the *same* window, and the recursion with the law at large depth
# (`edge_of_chaos_claims.exponent_table`; its tolerances are `TOLERANCES` there).

# %%
table, checks = claims.exponent_table(
    sim,
    theory,
    big_depth_tanh=Lb,
    big_depth=size.theory_depth,
    seed=ch.seed_for("bootstrap/exponents"),
)
print(claims.format_exponent_table(table, L))

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
print(claims.describe_checks(checks))  # the headline, the α-ReLU gradient exponent, first
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
# matrices (`edge_of_chaos.dense_check`).

# %%
print(eoc.dense_check(U, size.dense_depth, size.dense_networks, seed=ch.seed, device=ch.device))

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
# (₂F₁ in $c^2$, `gaussian.alpha_relu_kernel_hypergeometric`), the $K_0$ integral, an angular
# Gauss–Jacobi quadrature, and Monte Carlo over random layers $h = W_{\rm in} u$
# (`edge_of_chaos.kernel_routes` computes all five).

# %%
alphas = [0.6, 0.8, 1.0, 1.5]
cs = np.append(np.linspace(-0.9, 0.9, size.kernel_points), 0.99)
kr = eoc.kernel_routes(alphas, cs, n, size.kernel_networks, seed=ch.seed, device=ch.device)
print({k: f"{v:.2e}" for k, v in kr.worst.items()})
print(
    f"mean z² over {kr.z2.size} points: {kr.z2.mean():.3f} ± {kr.z2_se:.3f} (theory "
    f"{kr.z2_theory:.3f})"
)

# %% tags=["hide-input"]
ch.save(
    figs.kernel_routes_figure(kr),
    "alpha_relu_kernel",
    caption=f"The α-ReLU kernel F_α(c) for α ∈ {alphas} by five routes: closed form (lines), "
    f"Bessel-K₀ integral (□), angular quadrature (×), the ₂F₁(c²) form (△, middle only) and "
    f"Monte Carlo over {kr.n_networks} random layers of width n = {n} per point (●, ±2 SE; gram "
    f"sampler, profile {ch.profile}). Middle: each route's deviation from the closed form; "
    f"right: the Monte Carlo z-scores (mean z² {kr.z2.mean():.2f}, expected "
    f"{kr.z2_theory:.2f}).",
    alt="The alpha-ReLU kernel against correlation by five routes, their deviations below "
    "1e-10, and Monte Carlo z-scores",
)

# %%
route_checks = claims.kernel_checks(kr)
print(claims.describe_checks(route_checks))
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
# `edge_of_chaos.tanh_trainability` trains the networks and locates the boundary, with the
# theory's level set through it and the collapse test below.

# %%
data = load_dataset(
    size.dataset, n_train=size.n_train, n_test=size.n_test, seed=ch.seed_for("data")
)
print(data.describe())
design = eoc.TrainingDesign(
    seeds=[ch.seed_for(f"train/{s}") for s in range(size.train_seeds)],
    width=size.train_width,
    fraction=size.boundary_fraction,
    n_boot=size.n_boot,
    seed=ch.seed_for("bootstrap/train"),
    epochs=size.epochs,
    lr=size.lr,
    batch_size=size.batch_size,
    device=ch.device,
)
tanh = eoc.tanh_trainability(
    data, design, depths=size.train_depths, sw2L=size.train_sw2L, n_grid=size.train_grid
)
print(tanh.describe())

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
relu = eoc.relu_trainability(
    data,
    design,
    alpha=size.relu_alpha,
    depth=size.relu_depth,
    sigma_v2=size.relu_sigma_v2,
    kappa=size.relu_kappa,
    n_grid=size.relu_grid,
)
print(relu.describe())

# %% tags=["hide-input"]
ch.save(
    figs.trainability_figure(data, tanh, relu),
    "trainability",
    caption=f"Test accuracy of full residual networks (width {size.train_width}, no biases) on "
    f"{data.name} ({len(data.y_train)} training, {len(data.y_test)} test images) after plain "
    f"SGD (lr {size.lr}, {size.epochs} epochs, batch {size.batch_size}), mean of "
    f"{len(design.seeds)} seeds per cell. Left: tanh, σ_v² = 1, depths {tanh.depths.tolist()}, "
    f"{size.train_grid} values of σ_w²·L from {size.train_sw2L[0]:g} to "
    f"{size.train_sw2L[1]:g} (the cells slant along σ_w²·L = const). Right: α-ReLU "
    f"(α = {relu.alpha:g}), depth {size.relu_depth}, σ_v² ∈ {relu.sv_grid.tolist()}, "
    f"{size.relu_grid} values of σ_v²σ_w^(2α) from {size.relu_kappa[0]:g} to "
    f"{size.relu_kappa[1]:g}. Blue: the measured trainability boundary (accuracy below "
    f"{size.boundary_fraction:.0%} of the curve's best), seed mean ±2 SE (bootstrap over seeds "
    f"and grid resolution); its slope is {tanh.fit.slope:.2f} ± {tanh.slope_se:.2f} against "
    f"ln L (left) and {relu.fit.slope:.2f} ± {relu.se:.2f} against ln σ_v² (right). Black "
    f"solid: the exact recursion's level set through the boundary (slope "
    f"{tanh.theory_slope:.2f} and {relu.theory_slope:.2f}); black dashed: the asymptotic laws "
    f"(slopes −1 and −1/α = {-1 / relu.alpha:.2f}). Green dotted: σ_w² = 1 (Xavier). Profile "
    f"{ch.profile}, seed {ch.seed}.",
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
timing = (
    f" Training: {data.name}, width {size.train_width}, {len(design.seeds)} seeds, {size.epochs} "
    f"epochs, lr {size.lr}; {tanh.acc.size} tanh networks in {tanh.time[0]:.0f} s CPU and "
    f"{relu.acc.size} α-ReLU networks in {relu.time[0]:.0f} s CPU."
)
ch.record(
    "YS17-5",
    claims.depth_dependence_check(tanh, data.name, size.boundary_fraction),
    figure="trainability",
    note=f"Boundary σ_w² {np.round(np.exp(tanh.fit.mean), 3).tolist()} at L = "
    f"{tanh.depths.tolist()} (σ_w²·L {np.round(np.exp(tanh.fit.mean) * tanh.depths, 1).tolist()}"
    f"); exact level set ln χ⁰/χ^L = {tanh.level:.2f}, asymptotic slope −1." + timing,
)

# %%
ch.record(
    "YS17-4",
    *claims.contour_checks(tanh, relu, data.name),
    figure="trainability",
    note=f"tanh: ln χ⁰/χ^L at the boundary {np.round(tanh.lnchi_b.mean(0), 2).tolist()} at L = "
    f"{tanh.depths.tolist()}. α-ReLU (α = {relu.alpha:g}): boundary σ_w² "
    f"{np.round(np.exp(relu.fit.mean), 3).tolist()} at σ_v² = {relu.sv_grid.tolist()}; exact "
    f"level set ln s^L = {relu.s_level:.2f}, asymptotic slope −1/α." + timing,
)

# %% [markdown]
# **What our run shows** (quick profile, seed 0, 8×8 digits; the numbers are printed above and
# in the verdict boxes). The trainability boundary moves to smaller $\sigma_w^2$ as depth
# grows: $\sigma_w^2 \approx 4.7, 1.5, 0.68, 0.48, 0.50$ at $L = 8, \dots, 128$ (the last two
# agree within one step of the grid, a factor 1.7), so Xavier's $\sigma_w^2 = 1$ lies inside the
# trainable region at $L = 8, 16$ and beyond the boundary from $L = 32$ on. The slope,
# $-0.82 \pm 0.08$, is 10 SE from the alternative 0: where training fails *does* depend on
# depth. It does not follow the theory's level set, though: the exact recursion's contour of
# $\ln\chi^{(0)}/\chi^{(L)}$ through the boundary falls much faster at these depths (slope
# $-1.60$; at finite depth the contours are far from the asymptotic $\sigma_w^2 L =$ const),
# 10 SE away. By the rule fixed before the run, **YS17-5 is not reproduced**. Two observations
# qualify this. Against the asymptotic law's −1 the measured slope is 2.3 SE away, inside a 4-SE
# tolerance, and $\sigma_w^2 L$ at the boundary stays within 22–64 over a factor 16 in depth:
# "σ_w² ∝ 1/L, roughly" describes our data better than the exact recursion does. And the
# gradient explosion at the boundary is not constant: it grows from $\ln\chi = 4.2$ at $L = 8$
# to $9.2$ at $L = 128$ (the tanh half of YS17-4: slope $0.29 \pm 0.03$ of $\ln\ln\chi$,
# between the claim's 0 and the value 0.60 for a boundary at fixed $\sigma_w^2$, **not
# reproduced**): in our experiment deeper networks tolerate more predicted gradient explosion
# before training fails. (An earlier run of this design with other seeds and another split of
# the digits put the boundary at 6.1, 2.4, 1.3, 1.1, 0.72, slope $-0.73 \pm 0.09$: the same
# verdicts; single boundaries move by up to a factor 2 between runs, the slope by about 1 SE.)
#
# The α-ReLU half agrees with the theory: the boundary sits at $\sigma_w^2 \approx 8.9, 1.5,
# 0.39$ for $\sigma_v^2 = 0.25, 1, 4$, slope $-1.13 \pm 0.11$ against $-1.33$ for the exact
# level set of $s^{(L)}$ (and for the asymptotic $-1/\alpha$), 10 SE from the alternative 0.
# There the boundary is a cliff (accuracy drops to chance: SGD diverges), and the grid is
# log-spaced in $\sigma_v^2\sigma_w^{2\alpha}$; if every row broke in the same grid interval
# the estimator would return $-1/\alpha$ by construction, which is why the grid's resolution
# (0.11) is part of the SE; the power against 0 comes from the boundary moving by a factor 23
# in $\sigma_w^2$, more than five grid steps. YS17-4 needs both halves, so its verdict is
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
