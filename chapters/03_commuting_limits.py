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
# (chapter-03)=
# # Width and depth limits commute in residual networks
#
# {cite:t}`hayou2023commute` study the residual network whose branches are scaled by
# $1/\sqrt{L}$,
#
# $$
# h^{(0)} = W_{\rm in} x, \qquad
# h^{(l)} = h^{(l-1)} + \frac{\tau}{\sqrt L}\, W^{(l)} \phi\big(h^{(l-1)}\big), \quad l = 1, \dots, L,
# $$ (hy-resnet)
#
# with $W^{(l)}_{ij} \sim \mathcal N(0, \sigma_w^2/n)$ fresh in every block, $W_{\rm in} \sim
# \mathcal N(0, \sigma_{\rm in}^2/d)$, and width $n$. Its abstract makes four claims, which this
# chapter puts to the test one by one:
#
# 1. **The limits commute.** The covariance (kernel) of the network converges to the same limit
#    however $n$ and $L$ go to infinity: first $n$, first $L$, or together along any path.
# 2. **$1/\sqrt L$ is the only nontrivial scaling.** A branch factor $L^{-a}$ makes the kernel
#    explode for $a < \tfrac12$ and the network trivial (the identity) for $a > \tfrac12$.
# 3. **The pre-activations are Gaussian** in that limit.
# 4. **Simulations match the theory closely.**
#
# ```{admonition} What is ours
# :class: warning
# The paper's full text was not available to us (only its abstract and introduction). The model
# {eq}`hy-resnet` with the branch *after* the nonlinearity and no biases, the form of the
# limiting "differential flow" below, its closed forms, the rates $n^{-1}$, $n^{-1/2}$ and
# $1/L$, the finite-width SDE of the $n$ neurons and every figure are **our reconstruction**,
# re-derived here. A verdict concerns that reconstruction. We use ReLU (and tanh where said),
# $\tau = \sigma_w = \sigma_{\rm in} = 1$, and two inputs with $q_0(a,a) = q_0(b,b) = 1$,
# $q_0(a,b) = \tfrac12$.
# ```
#
# Every claim is a comparison with a named alternative, the hypothesis the test must be able to
# reject (how verdicts are read: {ref}`chapter-00`).

# %% tags=["parameters"]
profile = "quick"
device = "auto"
seed = 0

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import scipy.optimize
import scipy.stats
from IPython.display import display
from matplotlib.colors import LogNorm
from matplotlib.ticker import NullLocator

from resprop import estimators, networks, sde
from resprop.chapter import Chapter
from resprop.claims import Check
from resprop.figures import band
from resprop.simulate import simulate
from resprop.theory import depth_limit as dl
from resprop.theory.kernels import feedforward_kernels

ch = Chapter("03_commuting_limits", profile=profile, device=device, seed=seed)
size = ch.sizes
print(ch.describe())
if profile == "quick":
    print("Quick profile: CPU-sized experiments (widths ≤ 1024, a few hundred networks per")
    print("point); the numbers are not paper-scale. The `full` profile sizes are in profiles.py.")

K0 = np.array([[1.0, 0.5], [0.5, 1.0]])  # q0(a,a) = q0(b,b) = 1, q0(a,b) = 1/2
X = dl.inputs_for_kernel(K0)  # inputs in R^2 whose input-layer kernel is exactly K0
n_big, L_big = max(size.flow_configs)
L_a, L_b = size.gauss_depth_pair
HY = dict(paper="HY23")

# %% [markdown]
# The claims of this chapter, declared before any number is computed:

# %%
ch.declare(
    "03-4a",
    f"The mean covariance q_1(a,b) of 1/√L ReLU ResNets (n = {n_big}, L = {L_big}) matches the "
    "limiting ODE.",
    **HY,
    tests="Monte Carlo mean over networks (gram sampler) against the DOP853 solution of the "
    "kernel ODE; alternative: the correlation frozen at its input value (the linear-φ flow)",
)
ch.declare(
    "03-1a",
    "Width first, then depth: the infinite-width recursion converges to the ODE at rate 1/L.",
    **HY,
    tests="log-log slope of |recursion − ODE| at the largest depths (deterministic); "
    "alternative: the rate L^(−1/2)",
)
for a, label in zip(size.path_exponents, "bcd", strict=False):
    ch.declare(
        f"03-1{label}",
        f"Joint limit along L = n^{a:g}: the kernel error of 1/√L ResNets decays like n^(−1/2).",
        **HY,
        tests="weighted slope of ln(RMS error) against ln n over the path; alternative: no "
        "decay (slope 0, a function of L/n as for an MLP)",
    )
ch.declare(
    "03-1e",
    "Contrast: along L = n the ReLU MLP's kernel error does not decay (it depends on L/n), unlike "
    "the ResNet's n^(−1/2).",
    paper="book",
    tests="slope of ln(RMS error) against ln n on L = n; alternative: the ResNet's −1/2",
)
ch.declare(
    "03-4b",
    f"The gram sampler reproduces the dense sampler's kernel errors (n = L = {size.dense_width}).",
    paper="book",
    tests="difference of the mean errors of the two samplers; alternative: a sampler whose errors "
    "are those of width 2n",
)
for a, label, regime in [
    (0.25, "a", "explodes"),
    (0.5, "b", "has a nontrivial finite limit"),
    (0.75, "c", "becomes trivial"),
]:
    ch.declare(
        f"03-2{label}",
        f"Branch factor L^(−{a:g}): the kernel {regime}.",
        **HY,
        tests="growth exponent of ln(q_L/q_0) in L between the smallest and largest depth, "
        "against the exact recursion; alternative: the exponent of a neighbouring regime",
    )
ch.declare(
    "03-3a",
    "Pre-activations become Gaussian as n grows: the excess kurtosis of a neuron decays like 1/n.",
    **HY,
    tests=f"fitted exponent p of kurtosis = A n^p, n = {size.gauss_widths[0]}…"
    f"{size.gauss_widths[-1]}, L = {size.gauss_depth}; alternative: p = −1/2",
)
ch.declare(
    "03-3b",
    f"The non-Gaussianity does not grow with depth: at n = {size.gauss_depth_width} the excess "
    f"kurtosis at L = {L_b} equals that at L = {L_a}.",
    **HY,
    tests="ratio of the two kurtoses; alternative: growth ∝ L (ratio L_b/L_a), as the "
    "non-Gaussianity of a feed-forward network grows like L/n",
)
ch.declare(
    "03-3c",
    f"Depth first at finite width (linear φ, n = {size.linear_widths[1]}): Var ln(q_L/q_0) "
    "follows the SDE's log-normal law 4/n.",
    **HY,
    tests=f"sample variance over networks at L = {size.linear_depth}; alternative: the "
    "width-first limit, a deterministic norm (variance 0)",
)
ch.declare(
    "03-5",
    "Depth first, then width: the finite-width SDE of the n neurons (the L → ∞ limit at fixed n) "
    "has a covariance that converges to the ODE limit as n → ∞, at rate 1/n.",
    **HY,
    tests="Euler–Maruyama with Talay–Tubaro extrapolation for ReLU and tanh, n = "
    f"{size.sde_widths[0]}…{size.sde_widths[-1]}: fitted exponent of the bias (alternative "
    "n^(−1/2)); its 1/n extrapolation against the ODE (alternative: no width dependence); "
    "the integrator's weak order in the step (alternative: ½)",
)


def rms_alive(d):
    """RMS kernel error over the networks whose signal survived, its SE, and the number dead.

    A ReLU network whose units all switch off in some layer has kernel 0 (error ∞); such
    networks (only deep, narrow MLPs here) are excluded from the RMS and counted.
    """
    alive = np.isfinite(d)
    if alive.sum() < 2:
        return math.inf, math.nan, int(np.sum(~alive))
    return (*estimators.rms_with_se(d[alive]), int(np.sum(~alive)))


def final_kernel(rec):
    """(B, k, k) kernels ⟨h_a^L, h_b^L⟩/n of the last layer, from the log-space record."""
    half = rec.log_sq_norm[:, -1] / 2
    return np.exp(half[:, :, None] + half[:, None, :]) * rec.correlation[:, -1]


def power_fit(x, y, se):
    """Exponent p of y = A x^p fitted to signed values by weighted least squares, and its SE.

    Unlike a log-log fit it keeps the points whose value is within noise of 0 (large widths).
    """
    x, y, se = (np.asarray(v, dtype=float) for v in (x, y, se))
    p0 = [y[0] * x[0], -1.0]
    (_, p), cov = scipy.optimize.curve_fit(
        lambda x, A, p: A * x**p, x, y, p0=p0, sigma=se, absolute_sigma=True
    )
    return float(p), float(math.sqrt(cov[1, 1]))


def width_axis(ax, widths):
    """Log x axis with one labelled tick per width (y keeps its own, minor, labels)."""
    ax.set_xscale("log")
    ax.set_xticks(widths, [str(n) for n in widths])
    ax.xaxis.set_minor_locator(NullLocator())


# %% [markdown]
# ```{admonition} Samplers and sizes
# :class: note
# All network Monte Carlo except two sections uses the library's **gram** sampler, which is
# exact in law and costs $O(nk^2)$ per layer ({ref}`chapter-00`): the kernel flow, the error
# heat maps, the paths, the branch-exponent sweep, the linear depth-first check and the GP
# figure. One heat-map cell is redrawn with the **dense** sampler (claim 03-4b). The
# Gaussianity section needs single neurons, which the gram sampler's record does not report; it
# draws them with the library's SDE module (`resprop.sde`), whose Euler–Maruyama scheme with
# $L$ steps *is* the depth-$L$ network in law (below; `tests/test_sde.py` checks it against the
# dense sampler). The depth-first section integrates that SDE.
#
# The `quick` profile uses widths up to 1024, depths up to 4096 and a few hundred networks per
# point: **not paper-scale**; its measured run time is in the README's timing table. The `full`
# profile (sizes in `resprop/profiles.py`) widens the heat maps to $n, L \in 2^4 \dots 2^{10}$
# with 512 networks per cell, follows the paths up to $n = 1024$ ($L = 32768$ on the $n^{3/2}$
# path), sweeps the branch exponent at $n = 2048$ up to $L = 1024$, and takes 16 times as many
# neuron samples in the Gaussianity and SDE sections; it is meant for one GPU and has not been
# run here.
# ```

# %% [markdown]
# ## The limiting kernel: an ODE, of which the wide network is the Euler scheme
#
# Write $K^{(l)}_{ab} = h^{(l)}(x_a) \cdot h^{(l)}(x_b) / n$ and let layer $l$ sit at time
# $t = l/L$. Because $W^{(l)}$ is fresh and centred, the branch is uncorrelated with the
# stream, so at infinite width (the library's `theory.kernels.preact_residual_kernels`)
#
# $$
# K^{(l)} = K^{(l-1)} + \frac{\tau^2}{L}\, \sigma_w^2\,
#   \mathbb E_{z \sim \mathcal N(0, K^{(l-1)})}\big[\phi(z)\phi(z)^\top\big].
# $$ (hy-recursion)
#
# This is *exactly* forward Euler with step $1/L$ for the ODE
#
# $$
# \frac{dQ_t}{dt} = \tau^2 \sigma_w^2\,
#   \mathbb E_{z \sim \mathcal N(0, Q_t)}\big[\phi(z)\phi(z)^\top\big],
# \qquad Q_0 = K^{(0)},
# $$ (hy-ode)
#
# our reconstruction of the paper's "differential flow". We solve it with an 8th-order
# Runge–Kutta method (`depth_limit.limiting_kernel`, SciPy's DOP853 at relative tolerance
# $10^{-12}$), never with Euler, which would just be the network again. For ReLU it has a
# closed form: the diagonal grows like $q_t = q_0 e^{\tau^2\sigma_w^2 t/2}$ and each
# correlation obeys the separable $\dot c = \tfrac{\tau^2\sigma_w^2}{2}(\kappa(c) - c)$ with
# the arc-cosine map $\kappa(c) = (\sqrt{1-c^2} + (\pi - \arccos c)c)/\pi$
# (`depth_limit.relu_limiting_kernel`, solved by quadrature and root finding: a second,
# independent computation).
#
# The figure puts the ODE against real networks at several $(n, L)$, drawn with the exact-in-law
# **gram** sampler (bands: mean ± 2 SE over networks; the thin lines: ± 1 sd, the spread of
# single networks).

# %%
t_fine = np.linspace(0, 1, 101)
Q_ode = dl.limiting_kernel(K0, t_fine)
Q_closed = dl.relu_limiting_kernel(K0, t_fine)
print(f"ODE vs ReLU closed form, max |difference| over t: {np.abs(Q_ode - Q_closed).max():.1e}")
print(f"Q_1 = {Q_ode[-1, 0, 0]:.6f} (e^(1/2) = {math.exp(0.5):.6f}), {Q_ode[-1, 0, 1]:.6f}")

flow = {}
for i, (n, L) in enumerate(size.flow_configs):
    net = networks.PreActResidual.hayou_yang(n, L, input_dim=2)
    flow[(n, L)] = simulate(net, X, size.flow_networks, device=ch.device, seed=ch.seed + i)

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for (n, L), rec in flow.items():
    t = dl.time_grid(L)
    half = rec.log_sq_norm / 2
    K = np.exp(half[..., :, None] + half[..., None, :]) * rec.correlation
    for ax, (a, b) in zip(axes, [(0, 0), (0, 1)], strict=True):
        v = K[:, :, a, b]
        m, sd = v.mean(0), v.std(0, ddof=1)
        band(ax, t, m, sd / math.sqrt(len(v)), label=f"n = {n}, L = {L}")
        ax.plot(t, m - sd, lw=0.5, color=ax.lines[-1].get_color(), alpha=0.6)
        ax.plot(t, m + sd, lw=0.5, color=ax.lines[-1].get_color(), alpha=0.6)
for ax, (a, b), name in zip(axes, [(0, 0), (0, 1)], ["$q_t(a,a)$", "$q_t(a,b)$"], strict=True):
    ax.plot(t_fine, Q_ode[:, a, b], "k--", lw=1.5, label="ODE (DOP853)")
    ax.set(xlabel="$t = l/L$", ylabel=name)
axes[0].legend()
axes[0].set_title("squared length")
axes[1].set_title("covariance of the two inputs")
fig.tight_layout()
configs = ", ".join(f"(n, L) = ({n}, {L})" for n, L in size.flow_configs)
ch.save(
    fig,
    "kernel_flow",
    caption=f"Kernel flow of the ReLU 1/√L ResNet: the ODE {{eq}}`hy-ode` (dashed) against "
    f"{size.flow_networks} random networks per configuration, {configs} (gram sampler; bands "
    f"mean ± 2 SE, thin lines ± 1 sd of single networks), profile {ch.profile}.",
    alt="Two panels, squared length and covariance against t = l/L: every (n, L) band follows "
    "the dashed ODE curve",
)

# %% [markdown]
# Every configuration in {numref}`fig-03_commuting_limits-kernel_flow` follows the same
# curve: the mean kernel does not care whether the
# network is wide and shallow or narrow and deep. What $n$ controls is the *spread* of single
# networks around it (the thin lines), which shrinks like $n^{-1/2}$, whatever $L$.
#
# **Claim 4 (simulations match the theory).** At the widest configuration we compare the
# Monte Carlo mean of $q_1(a,b)$ with the ODE. The tolerance is 4 standard errors plus the
# *computed* gap between the depth-$L$ recursion {eq}`hy-recursion` and the ODE (the $O(1/L)$
# Euler error, see below); the finite-width bias of the mean is $O(1/n)$ (measured in the
# depth-first section) and not allowed for. The alternative is the covariance the flow would
# have if the correlation stayed at its input value $\tfrac12$ (the linear-φ flow,
# `depth_limit.linear_limiting_kernel`).

# %%
K_last = final_kernel(flow[(n_big, L_big)])
rec_gap = abs(dl.width_first_kernels(K0, L_big)[-1, 0, 1] - Q_ode[-1, 0, 1])
frozen = math.sqrt(Q_ode[-1, 0, 0] * Q_ode[-1, 1, 1]) * K0[0, 1]  # correlation kept at 1/2
m41, se41 = estimators.mean_se(K_last[:, 0, 1])
ch.record(
    "03-4a",
    Check.compare(
        "mean q_1(a,b)",
        theory=float(Q_ode[-1, 0, 1]),
        measured=m41,
        se=se41,
        alternative=float(frozen),
        alternative_label="correlation frozen at its input value",
        model_tolerance=float(rec_gap),
    ),
    figure="kernel_flow",
    note=f"gram sampler, {size.flow_networks} networks; model tolerance = |recursion − ODE| "
    f"at L = {L_big} = {rec_gap:.1e}",
)

# %% [markdown]
# ## Claim 1: the limits commute
#
# ### Width first, then depth: the recursion converges to the ODE like $1/L$
#
# Taking $n \to \infty$ first leaves recursion {eq}`hy-recursion`; as the Euler scheme of
# {eq}`hy-ode` it must approach $Q_1$ with a global error $\propto 1/L$. We check this
# deterministically (no Monte Carlo noise) for ReLU, tanh and erf.

# %%
depths = np.array(size.recursion_depths)
rec_err, slopes, rec_K = {}, {}, {}
for act in ["relu", "tanh", "erf"]:
    Q1_act = dl.limiting_kernel(K0, [1.0], act)[0]
    rec_K[act] = {int(L): dl.width_first_kernels(K0, int(L), act)[-1] for L in depths}
    rec_err[act] = np.array([np.abs(rec_K[act][int(L)] - Q1_act).max() for L in depths])
    slopes[act] = np.diff(np.log(rec_err[act])) / np.diff(np.log(depths))
    print(f"{act}: local slopes {np.round(slopes[act][-4:], 4)}")

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=(6.4, 4))
for act, err in rec_err.items():
    ax.loglog(depths, err, "o-", ms=3, label=act)
ax.loglog(depths, 0.3 / depths, "k:", label="$\\propto 1/L$")
ax.set(
    xlabel="depth $L$",
    ylabel="$\\max_{ab} |K^{(L)}_{ab} - Q_1(a,b)|$",
    title="Width first, then depth: infinite-width recursion vs ODE",
)
ax.legend()
ch.save(
    fig,
    "recursion_vs_ode",
    caption=f"Largest entry of |K^(L) − Q_1| between the infinite-width recursion "
    f"{{eq}}`hy-recursion` at depth L = {depths[0]}…{depths[-1]} and the ODE solution, for ReLU, "
    "tanh and erf (deterministic, no sampling); the dotted line is ∝ 1/L.",
    alt="Log-log plot of the recursion's error against depth: three straight lines of slope −1",
)

# %%
local = slopes["relu"]
ch.record(
    "03-1a",
    Check.compare(
        "slope of ln error vs ln L (ReLU)",
        theory=-1.0,
        measured=float(local[-1]),
        se=0.0,
        alternative=-0.5,
        alternative_label="rate L^(−1/2)",
        model_tolerance=float(2 * abs(local[-1] - local[-2])),
    ),
    figure="recursion_vs_ode",
    note="deterministic; the tolerance is twice the change of the local slope between the "
    "last two depth doublings, an estimate of the remaining O(1/L) correction",
)

# %% [markdown]
# ### Both together: error heat maps over $n \times L$
#
# For each cell of an $n \times L$ grid we draw networks (gram sampler) and measure how far the
# last-layer kernel of a single network is from the limit, on the scale of log-norms and
# correlations (`depth_limit.kernel_discrepancy`):
#
# $$
# d(K, \bar K)^2 = \operatorname{mean}_a \big(\ln K_{aa} - \ln \bar K_{aa}\big)^2
#   + \operatorname{mean}_{a<b} \big(c_{ab} - \bar c_{ab}\big)^2,
# $$
#
# a relative error that stays finite when norms grow or collapse exponentially; the colour is
# its root mean square over networks. (A deep, narrow ReLU MLP can *die*: all units of some
# layer switch off and the kernel becomes 0; such networks are left out of the RMS and counted
# in the cell.) Three networks side by side, each against its own
# infinite-width kernel:
#
# * the **1/√L ResNet** {eq}`hy-resnet`, against the ODE limit $Q_1$;
# * a ResNet with an **$O(1)$ branch** ($\alpha = 1$: `PreActResidual` with `branch_exponent=0`),
#   against its depth-$L$ recursion (which itself grows like $1.5^L$ and has no depth limit);
# * the **ReLU MLP** $h' = W\phi(h)$ with He initialisation $\sigma_w^2 = 2$, against its
#   depth-$L$ recursion (`theory.kernels.feedforward_kernels`).
#
# If the limits commute, the error depends on $n$ only: **horizontal bands**. If it depends on
# $L/n$, the bands run along the **diagonals**.
#
# The networks have a random input layer $W_{\rm in}$, as in the paper, so part of every error
# — the $\chi^2$ fluctuation of $q_0$, also $O(n^{-1/2})$ — is present already at $t = 0$
# (visible in the spread at $t = 0$ in the kernel-flow figure).

# %%
Q1 = Q_ode[-1]
grid_n, grid_L = size.grid_widths, size.grid_depths
families = {
    "1/√L ResNet": lambda n, L: (
        networks.PreActResidual.hayou_yang(n, L, input_dim=2),
        Q1,
    ),
    "O(1)-branch ResNet": lambda n, L: (
        networks.PreActResidual(n, L, input_dim=2, branch_scale=1.0, branch_exponent=0.0),
        dl.width_first_kernels(K0, L, exponent=0.0)[-1],
    ),
    "ReLU MLP (He)": lambda n, L: (
        networks.FeedForward(n, L, input_dim=2, sigma_w2=2.0),
        feedforward_kernels(K0, L, sigma_w2=2.0)[-1],
    ),
}
errors = {name: np.zeros((len(grid_n), len(grid_L), 3)) for name in families}
for f, (name, make) in enumerate(families.items()):
    for i, n in enumerate(grid_n):
        for j, L in enumerate(grid_L):
            net, ref = make(n, L)
            rec = simulate(
                net, X, size.grid_networks, device=ch.device, seed=ch.seed + 7919 * f + 97 * i + j
            )
            errors[name][i, j] = rms_alive(dl.kernel_discrepancy(final_kernel(rec), ref))

# %% tags=["hide-input"]
all_err = np.concatenate([e[..., 0].ravel() for e in errors.values()])
norm = LogNorm(vmin=all_err.min(), vmax=min(all_err.max(), 100.0))
fig, axes = plt.subplots(1, 3, figsize=(14, 4.4), sharey=True)
for ax, (name, e) in zip(axes, errors.items(), strict=True):
    im = ax.imshow(e[..., 0], origin="lower", norm=norm, cmap="viridis", aspect="auto")
    for i in range(len(grid_n)):
        for j in range(len(grid_L)):
            v, n_dead = e[i, j, 0], int(e[i, j, 2])
            ax.text(
                j,
                i,
                f"{v:.2g}" + (f"\n{n_dead} dead" if n_dead else ""),
                ha="center",
                va="center",
                fontsize=7,
                color="w" if v < np.sqrt(norm.vmin * norm.vmax) else "k",
            )
    ax.set_xticks(range(len(grid_L)), grid_L)
    ax.set_yticks(range(len(grid_n)), grid_n)
    ax.set(xlabel="depth $L$", title=name)
    ax.grid(False)
axes[0].set_ylabel("width $n$")
fig.colorbar(im, ax=axes, label="RMS kernel error $d(K^{n,L}, K^{\\infty})$", shrink=0.9)
ch.save(
    fig,
    "error_heatmaps",
    caption=f"RMS over {size.grid_networks} networks per cell (gram sampler) of the distance of "
    f"a single network's last-layer kernel from its infinite-width kernel, n ∈ {grid_n}, "
    f"L ∈ {grid_L}: the 1/√L ResNet against the ODE limit, the O(1)-branch ResNet and the He "
    f"ReLU MLP against their depth-L recursions; profile {ch.profile}.",
    alt="Three heat maps over width and depth: horizontal bands for the 1/√L ResNet, diagonal "
    "bands for the other two networks",
)

# %% [markdown]
# The 1/√L ResNet shows horizontal bands: at every depth, the error is set by the width alone
# and halves when $n$ quadruples. The two other networks show diagonal bands: their error
# grows with depth at fixed width, roughly as a function of $L/n$ — for them the order of the
# limits matters, as the paper's introduction recalls for MLPs.
#
# ### Along paths $L = n^a$
#
# A joint limit means: along *any* path $(n, L) \to \infty$ the error vanishes, at a rate that
# does not depend on the path. We follow $L = \lceil n^a \rceil$ for $a \in \{\tfrac12, 1,
# \tfrac32\}$; if the limits commute, $\sqrt n \cdot$ error stays flat on every path (the
# fluctuations are $O(n^{-1/2})$; the depth bias $O(1/L)$ is negligible here).

# %%
paths = {}
for p, a in enumerate(size.path_exponents):
    rows = []
    for i, n in enumerate(size.path_widths):
        L = math.ceil(n**a - 1e-9)
        for f, name in enumerate(["1/√L ResNet", "ReLU MLP (He)"]):
            if name == "ReLU MLP (He)" and L > 4096:
                continue  # deep narrow MLPs mostly die; and L/n ≫ 1 is already shown
            net, ref = families[name](n, L)
            rec = simulate(
                net,
                X,
                size.path_networks,
                device=ch.device,
                seed=ch.seed + 50_000 + 1000 * p + 10 * i + f,
            )
            rows.append((name, n, L, *rms_alive(dl.kernel_discrepancy(final_kernel(rec), ref))[:2]))
    paths[a] = rows

path_slopes = {}
for a, rows in paths.items():
    for name in ["1/√L ResNet", "ReLU MLP (He)"]:
        sel = [r for r in rows if r[0] == name]
        n_, e_, s_ = (np.array([r[k] for r in sel], dtype=float) for k in (1, 3, 4))
        if name == "1/√L ResNet" or a == 1.0:
            path_slopes[(name, a)] = estimators.loglog_slope(n_, e_, s_)
for key, (s, se) in path_slopes.items():
    print(f"{key[0]:>14}, L = n^{key[1]:g}: slope of ln(error) vs ln(n) = {s:+.3f} ± {se:.3f}")

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for a, rows in paths.items():
    for ax, name in zip(axes, ["1/√L ResNet", "ReLU MLP (He)"], strict=True):
        sel = [r for r in rows if r[0] == name]
        n_, L_, e_, s_ = (np.array([r[k] for r in sel], dtype=float) for k in (1, 2, 3, 4))
        ax.errorbar(
            n_,
            np.sqrt(n_) * e_,
            yerr=2 * np.sqrt(n_) * s_,
            fmt="o-",
            ms=4,
            capsize=2,
            label=f"$L = n^{{{a:g}}}$ (L up to {int(L_.max())})",
        )
for ax, name in zip(axes, ["1/√L ResNet", "ReLU MLP (He)"], strict=True):
    ax.set(yscale="log", xlabel="width $n$", ylabel="$\\sqrt{n}\\,\\cdot$ RMS error", title=name)
    width_axis(ax, size.path_widths)
    ax.legend()
fig.tight_layout()
ch.save(
    fig,
    "paths",
    caption=f"√n times the RMS kernel error of single networks along the paths L = n^a, "
    f"a ∈ {list(size.path_exponents)}, n ∈ {size.path_widths} ({size.path_networks} networks "
    f"per point, gram sampler, ± 2 SE): flat lines mean an n^(−1/2) decay. Left the 1/√L "
    f"ResNet, right the He ReLU MLP (paths with L > 4096 omitted); profile {ch.profile}.",
    alt="Two panels of √n·error against width: flat lines for the ResNet on every path, rising "
    "lines for the MLP",
)

# %% [markdown]
# The flat lines are the content of "the limits commute": on every path, including depth
# $L = n^{3/2} \gg n$, the 1/√L ResNet's error decays like $n^{-1/2}$ with the same constant.
# The MLP's does not decay at all once $L \gtrsim n$. We record one verdict per path (the
# fitted slope of $\ln$ error against $\ln n$, theory $-\tfrac12$, within 4 SE, against the
# alternative of no decay), and the MLP contrast on the path $L = n$ (theory: a function of
# $L/n$ only, slope 0; this is the known non-commuting behaviour the paper contrasts with, not
# the paper's own result).

# %%
for a, label in zip(size.path_exponents, "bcd", strict=False):
    s, se = path_slopes[("1/√L ResNet", a)]
    display(
        ch.record(
            f"03-1{label}",
            Check.compare(
                "slope of ln error vs ln n",
                theory=-0.5,
                measured=s,
                se=se,
                alternative=0.0,
                alternative_label="no decay (error a function of L/n)",
            ),
            figure="paths",
            note=f"widths {size.path_widths}, {size.path_networks} networks per point, gram sampler",
        )
    )
s, se = path_slopes[("ReLU MLP (He)", 1.0)]
ch.record(
    "03-1e",
    Check.compare(
        "slope of ln error vs ln n, MLP on L = n",
        theory=0.0,
        measured=s,
        se=se,
        alternative=-0.5,
        alternative_label="the ResNet's n^(−1/2) decay",
    ),
    figure="paths",
)

# %% [markdown]
# A single cell of the heat map drawn twice, with the **dense** sampler (every weight matrix
# materialised) and with the **gram** sampler, checks that the fast sampler used above is exact
# in law: the two distributions of the kernel error must agree. The alternative, to show the
# test's power, is a sampler whose errors were those of width $2n$ (a factor $2^{-1/2}$).

# %%
n_d, L_d, B_d = size.dense_width, size.dense_depth, size.dense_networks
net = networks.PreActResidual.hayou_yang(n_d, L_d, input_dim=2)
d_gram = dl.kernel_discrepancy(
    final_kernel(simulate(net, X, B_d, device=ch.device, seed=ch.seed + 1)), Q1
)
d_dense = dl.kernel_discrepancy(
    final_kernel(simulate(net, X, B_d, sampler="dense", device=ch.device, seed=ch.seed + 2)), Q1
)
ks = scipy.stats.ks_2samp(d_gram, d_dense)
diff_se = math.sqrt(d_gram.var(ddof=1) / B_d + d_dense.var(ddof=1) / B_d)
print(
    f"n = {n_d}, L = {L_d}: mean error gram {d_gram.mean():.4f}, dense {d_dense.mean():.4f} "
    f"(SE of difference {diff_se:.4f}); two-sample KS p = {ks.pvalue:.2f}"
)
ch.record(
    "03-4b",
    Check.compare(
        "mean error, gram − dense",
        theory=0.0,
        measured=float(d_gram.mean() - d_dense.mean()),
        se=diff_se,
        alternative=float(-(1 - 2**-0.5) * d_dense.mean()),
        alternative_label="errors of width 2n",
    ),
    note=f"{B_d} networks per sampler; two-sample KS p-value {ks.pvalue:.3f}",
)
# %% [markdown]
# ## Claim 2: $1/\sqrt L$ is the only nontrivial scaling
#
# With branch factor $\alpha = L^{-a}$ the infinite-width ReLU recursion is solvable:
# $E[\mathrm{ReLU}(z)^2] = q/2$ gives (`depth_limit.relu_log_sq_norm`)
#
# $$
# \ln\frac{q_L}{q_0} = L \ln\Big(1 + \frac{L^{-2a}}{2}\Big) \;\xrightarrow{L\to\infty}\;
# \begin{cases} \infty & a < \tfrac12 \ (\sim \tfrac12 L^{1-2a}), \\
# \tfrac12 & a = \tfrac12, \\ 0 & a > \tfrac12 \ (\sim \tfrac12 L^{1-2a}). \end{cases}
# $$
#
# For $a > \tfrac12$ the correlation freezes too: the network tends to the identity. The
# finite-width fluctuations follow the same exponent: each block adds a martingale increment
# of variance $\approx 4\alpha^2\sigma_w^2 (\psi/q)/n$ to $\ln q$, so $\mathrm{Var}\ln(q_L/q_0)
# \propto L^{1-2a}/n$ (our derivation, leading order): it grows with depth for $a < \tfrac12$
# — wide-then-deep and deep-then-wide disagree — and vanishes for $a > \tfrac12$.

# %%
a_values, e_depths = size.exponent_values, size.exponent_depths
n_e, B_e = size.exponent_width, size.exponent_networks
sweep = {}
# %%
a_values, e_depths = size.exponent_values, size.exponent_depths
n_e, B_e = size.exponent_width, size.exponent_networks
sweep = {}
for p, a in enumerate(a_values):
    for j, L in enumerate(e_depths):
        net = networks.PreActResidual(n_e, L, input_dim=2, branch_scale=1.0, branch_exponent=a)
        rec = simulate(net, X, B_e, device=ch.device, seed=ch.seed + 90_000 + 100 * p + j)
        sweep[(a, L)] = rec.log_sq_norm[:, -1, 0] - rec.log_sq_norm[:, 0, 0]  # ln(q_L/q_0)

# %% tags=["hide-input"]
a_fine = np.linspace(0, 1, 201)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
for L in e_depths:
    th = [dl.relu_log_sq_norm(1.0, L, exponent=a) for a in a_fine]
    (line,) = ax1.plot(a_fine, th, label=f"L = {L}: recursion")
    m = np.array([sweep[(a, L)].mean() for a in a_values])
    s = np.array([sweep[(a, L)].std(ddof=1) / math.sqrt(B_e) for a in a_values])
    ax1.errorbar(a_values, m, yerr=2 * s, fmt="o", ms=4, color=line.get_color())
    sd = np.array([sweep[(a, L)].std(ddof=1) for a in a_values])
    ax2.plot(a_values, math.sqrt(n_e) * sd, "o-", ms=4, color=line.get_color(), label=f"L = {L}")
L_inf = 2**20
ax1.plot(
    a_fine,
    [dl.relu_log_sq_norm(1.0, L_inf, exponent=a) for a in a_fine],
    "k--",
    lw=1,
    label="L = 2²⁰: recursion",
)
ax1.axvline(0.5, color="grey", lw=0.8)
ax1.set(
    yscale="log",
    ylim=(1e-3, 300),
    xlabel="branch exponent $a$ ($\\alpha = L^{-a}$)",
    ylabel="$\\ln(q_L/q_0)$",
    title="infinite-width theory (lines) vs networks (dots ±2 SE)",
)
ax1.legend(fontsize=7)
ax2.axvline(0.5, color="grey", lw=0.8)
ax2.set(
    yscale="log",
    xlabel="branch exponent $a$",
    ylabel="$\\sqrt{n}\\cdot\\mathrm{sd}\\,\\ln(q_L/q_0)$",
    title="finite-width fluctuations ∝ $L^{(1-2a)/2}$",
)
ax2.legend()
fig.tight_layout()
ch.save(
    fig,
    "branch_exponent",
    caption=f"ReLU ResNets with branch factor L^(−a), a ∈ {list(a_values)}, n = {n_e}, "
    f"L ∈ {list(e_depths)}, {B_e} networks per point (gram sampler). Left: ln(q_L/q_0), the "
    "exact infinite-width recursion (lines) against the networks (± 2 SE); right: √n times its "
    f"spread over networks. Profile {ch.profile}.",
    alt="Two panels against the branch exponent: growth below a = 1/2, a finite value at 1/2 "
    "and decay above, in the mean and in the spread",
)

# %% [markdown]
# Three regimes, as predicted: below $a = \tfrac12$ the log-norm and its finite-width spread grow
# without bound with depth; at $a = \tfrac12$ both settle; above it both vanish. For the
# verdicts we fit the growth exponent of $\ln(q_L/q_0)$ between the smallest and largest depth
# (slope of $\ln \ln(q_L/q_0)$ against $\ln L$) and compare it with the same slope of the exact
# recursion at the same depths: $\approx 1 - 2a$, i.e. $+\tfrac12$, $0$, $-\tfrac12$ for
# $a = \tfrac14, \tfrac12, \tfrac34$. Each is tested against the exponent of the neighbouring
# regime ($a = \tfrac12$ for $\tfrac14$ and $\tfrac34$; $a = \tfrac14$ for $\tfrac12$).

# %%
L_lo, L_hi = e_depths[0], e_depths[-1]
span = math.log(L_hi / L_lo)


def growth_exponent(a):
    """Slope of ln ln(q_L/q_0) against ln L of the exact recursion between L_lo and L_hi."""
    ratio = dl.relu_log_sq_norm(1.0, L_hi, exponent=a) / dl.relu_log_sq_norm(1.0, L_lo, exponent=a)
    return math.log(ratio) / span


for a, label, neighbour in [(0.25, "a", 0.5), (0.5, "b", 0.25), (0.75, "c", 0.5)]:
    lo, hi = sweep[(a, L_lo)], sweep[(a, L_hi)]
    m_lo, m_hi = lo.mean(), hi.mean()
    se_ratio = math.sqrt(
        (lo.std(ddof=1) / m_lo) ** 2 / len(lo) + (hi.std(ddof=1) / m_hi) ** 2 / len(hi)
    )
    display(
        ch.record(
            f"03-2{label}",
            Check.compare(
                f"growth exponent of ln(q_L/q_0), L = {L_lo}…{L_hi}",
                theory=growth_exponent(a),
                measured=math.log(m_hi / m_lo) / span,
                se=se_ratio / span,
                alternative=growth_exponent(neighbour),
                alternative_label=f"the exponent at a = {neighbour:g}",
            ),
            figure="branch_exponent",
            note=f"n = {n_e}, {B_e} networks per depth; asymptotic exponent 1 − 2a = {1 - 2 * a:g}",
        )
    )

# %% [markdown]
# ## Claim 3: Gaussian pre-activations
#
# In the limit each neuron's pre-activation $h^{(L)}_i(x)$ is $\mathcal N(0, Q_1(x,x))$
# (`depth_limit.preactivation_law`). At finite width it is a Gaussian *mixture*: conditionally
# on the past, every block adds a Gaussian increment whose variance is the random empirical
# $\psi = |\phi(h)|^2/n$. Its excess kurtosis should therefore vanish like $1/n$ (our
# derivation: the fluctuations of $\psi$ are $O(n^{-1/2})$, so the mixture's excess kurtosis,
# $3\,\mathrm{Var}/\mathrm{mean}^2$ of the conditional variance, is $O(1/n)$), against the
# alternative $n^{-1/2}$ of a non-Gaussianity carried by the fluctuations themselves.
#
# The gram sampler's record does not expose single neurons. But conditionally on $h^{(l-1)}$
# the rows of $W^{(l)}\phi(h^{(l-1)})$ are i.i.d. $\mathcal N(0, \sigma_w^2 G)$ with the
# empirical Gram matrix $G = \phi(h)^\top\phi(h)/n$, so a depth-$L$ network is, exactly in
# law, $L$ steps of size $1/L$ of the Euler–Maruyama scheme of the SDE of the next section
# (`sde.simulate_sde` with `n_steps = L`; `tests/test_sde.py` compares it with the dense
# sampler). We draw the neurons that way: `gauss_neurons` neurons per width ($2^{18}$ in the
# quick profile), from `gauss_neurons`$/n$ independent networks, one input ($q_0 = 1$), ReLU.

# %%
gw, g_depth = size.gauss_widths, size.gauss_depth
q_gauss = dl.width_first_kernels([[1.0]], g_depth)[-1, 0, 0]  # n → ∞ variance at this depth
kurt, samples = {}, {}
for i, n in enumerate(gw):
    res = sde.simulate_sde(
        [[1.0]], n, g_depth, size.gauss_neurons // n, keep_neurons=True,
        seed=ch.seed + 200_000 + i, device=ch.device,
    )  # fmt: skip
    h = res.neurons[g_depth][:, :, 0] / math.sqrt(q_gauss)  # (networks, neurons)
    kurt[n] = estimators.excess_kurtosis(h)
    samples[n] = h.ravel()[:200_000]
kw_ = np.array([kurt[n][0] for n in gw])
ks_ = np.array([kurt[n][1] for n in gw])
p_kurt, p_kurt_se = power_fit(gw, kw_, ks_)
print(f"L = {g_depth}: kurtosis = A n^p with p = {p_kurt:+.3f} ± {p_kurt_se:.3f}")
for n in gw:
    print(f"  n = {n:4d}: excess kurtosis {kurt[n][0]:+.4f} ± {kurt[n][1]:.4f}")

depth_kurt = {}
for j, L in enumerate(size.gauss_depth_pair):
    n = size.gauss_depth_width
    res = sde.simulate_sde(
        [[1.0]], n, L, size.gauss_neurons // n, keep_neurons=True,
        seed=ch.seed + 250_000 + j, device=ch.device,
    )  # fmt: skip
    depth_kurt[L] = estimators.excess_kurtosis(res.neurons[L][:, :, 0])
    print(f"n = {n}, L = {L}: excess kurtosis {depth_kurt[L][0]:.4f} ± {depth_kurt[L][1]:.4f}")

# %% tags=["hide-input"]
fig, (ax_qq, ax_k) = plt.subplots(1, 2, figsize=(11, 4.2))
probs = (np.arange(1, 2001) - 0.5) / 2000
normal_q = scipy.stats.norm.ppf(probs)
for n in gw[::2]:
    ax_qq.plot(normal_q, np.quantile(samples[n], probs), lw=1.2, label=f"n = {n}")
ax_qq.plot(normal_q, normal_q, "k--", lw=1, label="N(0, q) (limit)")
ax_qq.set(
    xlabel="standard normal quantile",
    ylabel="quantile of $h_i^{(L)}/\\sqrt{q_L}$",
    title=f"QQ plot of single neurons, L = {g_depth}",
)
ax_qq.legend()
ax_k.errorbar(gw, kw_, yerr=2 * ks_, fmt="o", ms=4, capsize=2, label=f"L = {g_depth}")
n_line = np.geomspace(gw[0], gw[-1], 50)
A_fit = np.sum(kw_ * np.asarray(gw, float) ** p_kurt / ks_**2) / np.sum(
    np.asarray(gw, float) ** (2 * p_kurt) / ks_**2
)
ax_k.plot(n_line, A_fit * n_line**p_kurt, "k-", lw=1, label=f"fit $n^{{{p_kurt:.2f}}}$")
ax_k.plot(n_line, kw_[0] * (gw[0] / n_line) ** 0.5, "k:", lw=1, label="$\\propto n^{-1/2}$")
ax_k.set(
    yscale="symlog",
    xlabel="width $n$",
    ylabel="excess kurtosis",
    title="non-Gaussianity of a neuron vs width (±2 SE)",
)
ax_k.set_yscale("symlog", linthresh=1e-2)
width_axis(ax_k, gw)
ax_k.legend()
fig.tight_layout()
ch.save(
    fig,
    "gaussianity",
    caption=f"Single neurons of 1/√L ReLU ResNets at depth L = {g_depth}, "
    f"{size.gauss_neurons} neurons per width (from {size.gauss_neurons}/n networks, drawn "
    "exactly in law by Euler–Maruyama with L steps). Left: QQ plot against the limiting "
    "Gaussian; right: the excess kurtosis against n (± 2 SE, symmetric-log axis), the fitted "
    f"power law and an n^(−1/2) line for comparison. Profile {ch.profile}.",
    alt="Left, QQ curves bending up in the right tail and straightening as n grows; right, the "
    "kurtosis falling with width along the fitted line, steeper than the n^(-1/2) guide",
)

# %% [markdown]
# The finite-width deviation is mostly a heavier *right* tail (the QQ curves bend up on the
# right): the ReLU branch only feeds back the positive part of each unit. The excess kurtosis
# falls like $1/n$ (the fit above; the points at the largest widths are within noise of 0,
# and the signed fit keeps them).
#
# Does depth make it worse? For a feed-forward network the non-Gaussianity accumulates,
# roughly like $L/n$; for the 1/√L ResNet each block adds only $O(1/L)$ of the variance, so
# the kurtosis should converge to its depth-first (SDE) value as $L \to \infty$ at fixed $n$.
# We compare two depths $L_a < L_b$ (named in the verdict box) at one width: theory ratio 1,
# alternative $L_b/L_a$.
# (At finite $L$ the scheme approaches the SDE with weak order 1, so the ratio may exceed 1 by
# $O(1/L_a)$; the tolerance is 4 SE and nothing more.)

# %%
p_rec = ch.record(
    "03-3a",
    Check.compare(
        "exponent p of kurtosis ∝ n^p",
        theory=-1.0,
        measured=p_kurt,
        se=p_kurt_se,
        alternative=-0.5,
        alternative_label="n^(−1/2) decay",
    ),
    figure="gaussianity",
    note=f"n = {gw[0]}…{gw[-1]}, L = {g_depth}, {size.gauss_neurons} neurons per width; "
    "weighted least squares of A n^p on the signed kurtoses",
)
(k_a, sk_a), (k_b, sk_b) = depth_kurt[L_a], depth_kurt[L_b]
ratio = k_b / k_a
ratio_se = abs(ratio) * math.sqrt((sk_a / k_a) ** 2 + (sk_b / k_b) ** 2)
display(p_rec)
ch.record(
    "03-3b",
    Check.compare(
        f"kurtosis ratio L = {L_b} / L = {L_a}",
        theory=1.0,
        measured=ratio,
        se=ratio_se,
        alternative=L_b / L_a,
        alternative_label="growth ∝ L",
    ),
    note=f"n = {size.gauss_depth_width}: kurtosis {k_a:.4f} ± {sk_a:.4f} at L = {L_a}, "
    f"{k_b:.4f} ± {sk_b:.4f} at L = {L_b}",
)

# %% [markdown]
# Depth alone does not make the neurons Gaussian: at finite width and $L \to \infty$ (the
# paper's *depth-first* route) the network is the Euler–Maruyama scheme of an SDE. For a
# linear activation it is solvable (our derivation): $q_t$ is a geometric Brownian motion and
#
# $$
# \ln\frac{q_1}{q_0} \sim \mathcal N\Big(1 - \frac2n,\ \frac4n\Big)
# \quad (L \to \infty,\ n \text{ fixed}),
# $$
#
# a log-normal norm — the same law as the log-Gaussian output of {ref}`chapter-02`, with
# depth-to-width ratio replaced by $1/n$ — hence heavy-tailed pre-activations, which become
# Gaussian only as $n \to \infty$ (`depth_limit.linear_depth_first_law`). Deep linear
# networks (gram sampler) against this law:

# %%
x1 = dl.inputs_for_kernel([[1.0]])
lin_v, lin_checks = {}, []
for i, n in enumerate(size.linear_widths):
    net = networks.PreActResidual.hayou_yang(n, size.linear_depth, input_dim=1, activation="linear")
    rec = simulate(net, x1, size.linear_networks, device=ch.device, seed=ch.seed + 300_000 + i)
    v = rec.log_sq_norm[:, -1, 0] - rec.log_sq_norm[:, 0, 0]
    lin_v[n] = v
    law = dl.linear_depth_first_law(n)
    lin_checks.append((n, v.var(ddof=1), law.var(), v.var(ddof=1) * math.sqrt(2 / (len(v) - 1))))
for n, v, th, se in lin_checks:
    print(f"n = {n}: Var ln(q_L/q_0) = {v:.4f} ± {se:.4f} (SDE: {th:.4f})")

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=(6.4, 4))
for n, v in lin_v.items():
    law = dl.linear_depth_first_law(n)
    grid = np.linspace(law.ppf(1e-4), law.ppf(1 - 1e-4), 200)
    (line,) = ax.plot(grid, law.pdf(grid), label=f"n = {n}: SDE law")
    ax.hist(v, bins=60, density=True, histtype="step", color=line.get_color())
ax.set(xlabel="$\\ln(q_L/q_0)$", ylabel="density")
ax.legend()
ch.save(
    fig,
    "linear_depth_first",
    caption=f"Linear 1/√L ResNets at L = {size.linear_depth}: histograms of ln(q_L/q_0) over "
    f"{size.linear_networks} networks per width n ∈ {size.linear_widths} (gram sampler) against "
    f"the depth-first SDE law N(1 − 2/n, 4/n) (lines); profile {ch.profile}.",
    alt="Histograms of the log squared norm for three widths, each on its Gaussian curve, "
    "narrower for larger width",
)

# %%
n_lin, v_lin, th_lin, se_lin = lin_checks[1]
ch.record(
    "03-3c",
    Check.compare(
        "Var ln(q_L/q_0)",
        theory=th_lin,
        measured=v_lin,
        se=se_lin,
        alternative=0.0,
        alternative_label="width-first limit (a deterministic norm)",
    ),
    figure="linear_depth_first",
    note="the SE is that of a Gaussian sample variance, √(2/(B−1))·var; the finite-L "
    "correction is O(1/L) and not allowed for",
)

# %% [markdown]
# (sec-depth-first)=
# ## Depth first, then width: the SDE of the $n$ neurons
#
# The paper's proof route takes $L \to \infty$ *first*, at fixed width. The argument that gave
# the exact-in-law sampler above says what that limit is: the depth-$L$ network is the
# Euler–Maruyama scheme, with step $\Delta = 1/L$, of the interacting-particle SDE
#
# $$
# dh_i = \tau\sigma_w\, G(h_t)^{1/2}\, dB_i(t), \qquad
# G(h) = \frac1n \sum_{j=1}^n \phi(h_j)\phi(h_j)^\top, \qquad i = 1, \dots, n,
# $$ (hy-sde)
#
# for the $n$ neurons $h_i \in \mathbb R^k$ (one entry per input), with independent Brownian
# motions $B_i$ and $h_i(0) \sim \mathcal N(0, K_0)$: a driftless system whose diffusion
# depends on all neurons through their empirical measure, of McKean–Vlasov type (our
# reconstruction). As $n \to \infty$, $G \to \mathbb E_{z\sim\mathcal N(0,Q_t)}[\phi\phi^\top]$
# and the kernel $K_t = h^\top h/n$ follows the ODE {eq}`hy-ode`. At finite $n$ Itô's formula
# gives $d\,\mathbb E[K_t] = \tau^2\sigma_w^2\,\mathbb E[G(h_t)]\,dt$ exactly, and
# $\mathbb E[G]$ differs from the Gaussian expectation at $\mathbb E[K]$ by the
# fluctuations of $K$, whose variance is $O(1/n)$: so **the covariance of the depth-first limit
# should converge to the ODE like $1/n$**, against the alternative $n^{-1/2}$ (the size of the
# fluctuations themselves).
#
# We integrate {eq}`hy-sde` directly (`resprop.sde`, which imports nothing from the theory):
#
# * **Euler–Maruyama** on a grid of $N$ steps, weak order 1; with $N = L$ it is the network, as
#   forward Euler with $N = L$ is the infinite-width recursion.
# * **Talay–Tubaro extrapolation** $2\,\mathbb E[f(X^{\Delta/2})] - \mathbb E[f(X^{\Delta})]$,
#   weak order 2, both levels driven by the *same* Brownian path.
# * A **control variate**: alongside each path, the process driven by the same noise with a
#   deterministic diffusion $\bar G_s^{1/2}$ (from a small pilot run of the SDE itself), whose
#   mean kernel is known exactly; subtracting it and adding its mean leaves the estimate
#   unbiased whatever $\bar G$ is, at a fraction of the variance.
#
# First the integrator's own convergence check: halving the step, the change of the mean
# squared length $\mathbb E[q_1(x,x)]$ must halve (weak order 1), and the extrapolated values
# must change by far less (order 2). The same schemes at $n = \infty$ are the recursion and
# its extrapolation, computable exactly.

# %%
n_c, N_c = size.sde_check_width, size.sde_check_steps
conv = {}
for j, act in enumerate(["relu", "tanh"]):
    res = sde.simulate_sde(
        K0, n_c, N_c, size.sde_check_neurons // n_c, act, levels=size.sde_check_levels,
        seed=ch.seed + 500_000 + j, device=ch.device,
    )  # fmt: skip
    steps = sorted(res.steps)[:-1]  # N with 2N also simulated

    def q_of(K):
        return (K[:, 0, 0] + K[:, 1, 1]) / 2  # the squared length, both inputs pooled

    em = [estimators.mean_se(q_of(res.kernels[N] - res.kernels[2 * N])) for N in steps]
    ext = [
        estimators.mean_se(
            q_of(2 * res.kernels[2 * N] - res.kernels[N])
            - q_of(2 * res.kernels[4 * N] - res.kernels[2 * N])
        )
        for N in steps[:-1]
    ]
    rec_q = {N: rec_K[act][N][0, 0] for N in (*steps, N_c)}  # the recursion, n = ∞
    rec_em = [abs(rec_q[N] - rec_q[2 * N]) for N in steps]
    rec_ext = [
        abs((2 * rec_q[2 * N] - rec_q[N]) - (2 * rec_q[4 * N] - rec_q[2 * N])) for N in steps[:-1]
    ]
    d_em = np.abs([m for m, _ in em])
    order = estimators.loglog_slope(1 / np.array(steps), d_em, np.array([s for _, s in em]))
    conv[act] = dict(steps=steps, em=em, ext=ext, rec_em=rec_em, rec_ext=rec_ext, order=order)
    print(f"{act}, n = {n_c}: weak order of Euler–Maruyama {order[0]:.3f} ± {order[1]:.3f}")
    for N, (m, s) in zip(steps, em, strict=True):
        print(f"  N = {N:3d} → {2 * N:3d}: change of E q_1 {m:+.5f} ± {s:.5f}")
    for N, (m, s) in zip(steps, ext, strict=False):
        print(f"  extrapolated, N = {2 * N:3d} → {4 * N:3d}: change {m:+.6f} ± {s:.6f}")
    print(f"  n = ∞ (recursion): EM changes {np.round(rec_em, 6)}, extrapolated {rec_ext}")

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, (act, c) in zip(axes, conv.items(), strict=True):
    dts = 1 / np.array(c["steps"])
    m = np.array([v for v, _ in c["em"]])
    s = np.array([v for _, v in c["em"]])
    ax.errorbar(dts, np.abs(m), yerr=2 * s, fmt="o", capsize=2, label=f"Euler–Maruyama, n = {n_c}")
    me = np.array([v for v, _ in c["ext"]])
    se_ = np.array([v for _, v in c["ext"]])
    ax.errorbar(
        dts[:-1] / 2,  # Ext(2N) → Ext(4N): the finer of its two levels has step 1/(2N)
        np.abs(me),
        yerr=2 * se_,
        fmt="s",
        capsize=2,
        label=f"extrapolated, n = {n_c}",
    )
    ax.loglog(dts, c["rec_em"], "C0--", lw=1, label="Euler, n = ∞ (recursion)")
    ax.loglog(dts[:-1] / 2, c["rec_ext"], "C1--", lw=1, label="extrapolated, n = ∞")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="step $\\Delta = 1/N$",
        title=f"{act}: weak order {c['order'][0]:.2f} ± {c['order'][1]:.2f}",
    )
axes[0].set_ylabel("$|\\mathbb{E}\\,q_1^{\\Delta} - \\mathbb{E}\\,q_1^{\\Delta/2}|$")
axes[0].legend(fontsize=7)
fig.tight_layout()
ch.save(
    fig,
    "sde_convergence",
    caption=f"Convergence of the SDE integrators in the step: change of the mean squared length "
    f"E q_1(x,x) when the step is halved, at n = {n_c} ({size.sde_check_neurons // n_c} samples, "
    "one Brownian path per sample shared by all steps, ± 2 SE) and at n = ∞ (the recursion, "
    "dashed), for Euler–Maruyama and its Talay–Tubaro extrapolation; ReLU left, tanh right. "
    f"Profile {ch.profile}.",
    alt="Two log-log panels: Euler–Maruyama changes fall with slope 1, extrapolated changes are "
    "far smaller, with slope 2 at infinite width",
)

# %% [markdown]
# Euler–Maruyama has weak order 1 at finite width as at infinite width, and the extrapolated
# scheme's changes are at least ten times smaller at the steps used below (at $n = \infty$ they
# fall with slope 2; at $n = 16$ they are within noise of 0). We take $N = $ `sde_steps`
# (32 in the quick profile) with its extrapolation from $N/2$: the remaining step error is
# below $10^{-3}$ of $q_1$, much smaller than the width effect we now measure.
#
# Now the depth-first limit at each width $n$, for ReLU and tanh: the mean covariance
# $\mathbb E[K_1]$ of the SDE, minus the ODE's $Q_1$.

# %%
sde_rows, sde_fit, sde_limit = {}, {}, {}
for j, act in enumerate(["relu", "tanh"]):
    Q1_act = dl.limiting_kernel(K0, [1.0], act)[0]
    pilot = sde.simulate_sde(
        K0, size.sde_widths[-1], size.sde_steps, size.sde_pilot, act,
        seed=ch.seed + 520_000 + j, device=ch.device,
    )  # fmt: skip
    rows = []
    for i, n in enumerate(size.sde_widths):
        # neuron samples: sde_neurons up to sde_taper_width, then ∝ n^(−1/2) (the large widths
        # carry little weight in the rate fit)
        neurons = size.sde_neurons[act] * min(1.0, math.sqrt(size.sde_taper_width / n))
        res = sde.simulate_sde(
            K0, n, size.sde_steps, int(neurons) // n, act, levels=2,
            control=pilot.gram_path[size.sde_steps], seed=ch.seed + 530_000 + 100 * j + i,
            device=ch.device,
        )  # fmt: skip
        x = res.samples(size.sde_steps, extrapolate=True)
        rows.append(
            (*estimators.mean_se((x[:, 0, 0] + x[:, 1, 1]) / 2), *estimators.mean_se(x[:, 0, 1]))
        )
    rows = np.array(rows)
    sde_rows[act] = (Q1_act, rows)
    sde_fit[act] = power_fit(size.sde_widths, rows[:, 0] - Q1_act[0, 0], rows[:, 1])
    sde_limit[act] = estimators.extrapolate_inverse_n(
        size.sde_widths, rows[:, 0], rows[:, 1], order=2
    )
    lim = sde_limit[act]
    print(
        f"{act}: bias of E q_1(x,x) ∝ n^p, p = {sde_fit[act][0]:+.3f} ± {sde_fit[act][1]:.3f}; "
        f"n → ∞ (quadratic in 1/n): {lim.value:.5f} ± {lim.se:.5f}, ODE {Q1_act[0, 0]:.5f} "
        f"(χ² = {lim.chi2:.1f} on {lim.dof} dof)"
    )
    for n, r in zip(size.sde_widths, rows, strict=True):
        print(
            f"  n = {n:3d}: E q_1(x,x) − Q = {r[0] - Q1_act[0, 0]:+.5f} ± {r[1]:.5f}, "
            f"E q_1(a,b) − Q = {r[2] - Q1_act[0, 1]:+.5f} ± {r[3]:.5f}"
        )

# %% [markdown]
# Two more routes to the same covariance, for the figure below: the **joint** limit along
# $L = n$ (the network at depth $L = n$, drawn exactly in law as Euler–Maruyama with $N = n$
# steps), and a check that the *discrete* network of the library's simulator at a large depth
# ($L = 1024$, gram sampler, `simulate`) sits where the SDE says it should at its width.

# %%
Q1_relu, rows_relu = sde_rows["relu"]
joint = []
for i, n in enumerate(size.joint_widths):
    pilot = sde.simulate_sde(
        K0, size.sde_widths[-1], n, size.sde_pilot, seed=ch.seed + 540_000 + i, device=ch.device
    )
    res = sde.simulate_sde(
        K0, n, n, size.joint_neurons // n, control=pilot.gram_path[n],
        seed=ch.seed + 550_000 + i, device=ch.device,
    )  # fmt: skip
    x = res.samples(n)
    joint.append(estimators.mean_se((x[:, 0, 0] + x[:, 1, 1]) / 2))
joint = np.array(joint)

n_k, L_k, B_k = size.net_check_width, size.net_check_depth, size.net_check_networks
rec = simulate(
    networks.PreActResidual.hayou_yang(n_k, L_k, input_dim=2), X, B_k,
    device=ch.device, seed=ch.seed + 560_000,
)  # fmt: skip
K_k = final_kernel(rec)
net_q = estimators.mean_se((K_k[:, 0, 0] + K_k[:, 1, 1]) / 2)
sde_q = rows_relu[list(size.sde_widths).index(n_k), :2]
print(
    f"network n = {n_k}, L = {L_k} ({B_k} networks, gram sampler): E q_1(x,x) = "
    f"{net_q[0]:.4f} ± {net_q[1]:.4f}; SDE at n = {n_k}: {sde_q[0]:.4f} ± {sde_q[1]:.4f} "
    f"({(net_q[0] - sde_q[0]) / math.hypot(net_q[1], sde_q[1]):+.1f} SE); ODE {Q1_relu[0, 0]:.4f} "
    f"({(net_q[0] - Q1_relu[0, 0]) / net_q[1]:+.1f} SE)"
)

# %% tags=["hide-input"]
fig, (ax_l, ax_r) = plt.subplots(1, 2, figsize=(11.5, 4.3))
Ls = np.array([2**j for j in range(2, 13)])
ax_l.plot(
    1 / Ls, [(1 + 1 / (2 * L)) ** L for L in Ls], "C0-", label="width first: recursion at L (1/L)"
)
ws = np.array(size.sde_widths, dtype=float)
ax_l.errorbar(
    1 / ws, rows_relu[:, 0], yerr=2 * rows_relu[:, 1], fmt="o", color="C1", capsize=2,
    label="depth first: SDE at width n (1/n)",
)  # fmt: skip
jw = np.array(size.joint_widths, dtype=float)
ax_l.errorbar(
    1 / jw, joint[:, 0], yerr=2 * joint[:, 1], fmt="s", color="C2", capsize=2,
    label="joint: network at L = n (1/n)",
)  # fmt: skip
ax_l.errorbar(
    [1 / n_k], [net_q[0]], yerr=[2 * net_q[1]], fmt="D", color="C3", capsize=2,
    label=f"simulator, n = {n_k}, L = {L_k} (1/n)",
)  # fmt: skip
ax_l.axhline(Q1_relu[0, 0], color="k", ls="--", lw=1, label="ODE limit $Q_1$")
ax_l.set(
    xscale="log",
    xlabel="1/L (width first) or 1/n (depth first, joint)",
    ylabel="$\\mathbb{E}\\, q_1(x,x)$",
    title="ReLU: three orders of the limits",
)
ax_l.legend(fontsize=7)
for act, color in [("relu", "C1"), ("tanh", "C4")]:
    Q1_act, rows = sde_rows[act]
    dev = rows[:, 0] - Q1_act[0, 0]
    pos = dev > 0
    ax_r.errorbar(
        ws, np.abs(dev), yerr=2 * rows[:, 1], fmt="o", color=color, capsize=2, mfc="none",
        label=f"{act}: |SDE − ODE|, p = {sde_fit[act][0]:.2f} ± {sde_fit[act][1]:.2f}",
    )  # fmt: skip
    ax_r.plot(ws[pos], dev[pos], "o", color=color, ms=5)
    rec_dev = [abs(rec_K[act][int(L)][0, 0] - Q1_act[0, 0]) for L in ws]
    ax_r.plot(ws, rec_dev, "--", color=color, lw=1, label=f"{act}: |recursion − ODE| at L")
ax_r.plot(ws, 0.15 / ws, "k:", lw=1, label="∝ 1/n")
ax_r.plot(ws, 0.02 / np.sqrt(ws), "k-.", lw=1, label="∝ $n^{-1/2}$")
ax_r.set(
    yscale="log",
    ylim=(1e-5, 0.3),
    xlabel="n (depth first) or L (width first)",
    ylabel="$|\\mathbb{E}\\, q_1(x,x) - Q_1(x,x)|$",
    title="rates: both routes ∝ 1/size",
)
width_axis(ax_r, size.sde_widths)
ax_r.legend(fontsize=7)
fig.tight_layout()
ch.save(
    fig,
    "order_of_limits",
    caption=f"The mean squared length E q_1(x,x) reached by three orders of the limits. Left "
    "(ReLU): width first, the infinite-width recursion at depth L; depth first, the SDE "
    f"{{eq}}`hy-sde` at width n ∈ {size.sde_widths} (Euler–Maruyama with Talay–Tubaro "
    f"extrapolation, N = {size.sde_steps}, {size.sde_neurons['relu']}/n samples up to "
    f"n = {size.sde_taper_width}, then ∝ n^(−3/2), ± 2 SE); joint, "
    f"the network at L = n ({size.joint_neurons}/n networks, exact in law); one network "
    f"ensemble of the simulator at n = {n_k}, L = {L_k} ({B_k} networks, gram sampler). All "
    "approach the ODE's Q_1 (dashed). Right: distance to Q_1 for ReLU and tanh on log axes "
    "(open: |negative| deviations; filled: positive), with the recursion's 1/L for comparison. "
    f"Profile {ch.profile}.",
    alt="Left, three sequences of points and a line converging to one horizontal dashed line; "
    "right, log-log distances falling parallel to the 1/n guide",
)

# %% [markdown]
# All routes in {numref}`fig-03_commuting_limits-order_of_limits` end at the ODE's
# covariance: width first (the recursion, error $\propto 1/L$),
# depth first (the SDE at width $n$, error $\propto 1/n$), and jointly along $L = n$. The
# depth-first bias is positive for ReLU and negative for tanh (the fitted amplitudes, printed
# above), and the simulator's deep network agrees with the SDE at its width (printed above;
# with a few hundred networks its SE is too large to tell the SDE from the ODE there, which is
# why the rate is measured on the SDE itself). The verdict collects the rate, the
# extrapolated limit and the integrator's order, for both activations.

# %%
checks_5 = []
for act in ["relu", "tanh"]:
    p, p_se = sde_fit[act]
    Q1_act, rows = sde_rows[act]
    lim = sde_limit[act]
    checks_5 += [
        Check.compare(
            f"{act}: exponent of the bias ∝ n^p",
            theory=-1.0,
            measured=p,
            se=p_se,
            alternative=-0.5,
            alternative_label="n^(−1/2) rate",
        ),
        Check.compare(
            f"{act}: n → ∞ value of E q_1(x,x)",
            theory=float(Q1_act[0, 0]),
            measured=lim.value,
            se=lim.se,
            alternative=float(rows[0, 0]),
            alternative_label=f"no width dependence (the SDE at n = {size.sde_widths[0]})",
        ),
        Check.compare(
            f"{act}: weak order of Euler–Maruyama",
            theory=1.0,
            measured=conv[act]["order"][0],
            se=conv[act]["order"][1],
            alternative=0.5,
            alternative_label="order ½ (the strong order)",
        ),
    ]
ch.record(
    "03-5",
    *checks_5,
    figure="order_of_limits",
    note=f"widths {size.sde_widths}; N = {size.sde_steps} steps extrapolated from N/2; "
    f"samples {size.sde_neurons}/n per width up to n = {size.sde_taper_width}, then ∝ n^(−3/2); "
    "control variate from a pilot run",
)
# %% [markdown]
# ## The Bayesian use: GP regression with the limiting kernel
#
# The paper points to Bayesian deep learning: a wide network with a linear readout is a
# Gaussian process whose prior covariance is the network's kernel. We fit a small 1-D data
# set — inputs on the circle $x(\theta) = (\cos\theta, \sin\theta)$ (so $q_0(\theta, \theta') =
# \cos(\theta - \theta')$), targets $y = \sin 2\theta + \tfrac12\cos 3\theta$ at 6 points —
# with the limiting kernel $Q_1$ as prior (`depth_limit.gp_posterior`), and with the empirical
# kernels $K^{n,L}$ of single finite networks (gram sampler). If the limits commute, the
# finite-network predictions converge to the limiting ones as $n$ grows, whatever $L$.

# %%
rng = np.random.default_rng(ch.seed)
theta_train = np.sort(rng.uniform(0, 2 * np.pi, 6))
theta_test = np.linspace(0, 2 * np.pi, 24, endpoint=False) + np.pi / 24
theta = np.concatenate([theta_train, theta_test])
X_gp = np.sqrt(2.0) * np.stack([np.cos(theta), np.sin(theta)], axis=1)  # σ_in² |x|²/d = 1
K0_gp = np.cos(theta[:, None] - theta[None, :])
y_train = np.sin(2 * theta_train) + 0.5 * np.cos(3 * theta_train)
train = np.arange(len(theta_train))
test = np.arange(len(theta_train), len(theta))
noise = 1e-3
Q1_gp = dl.limiting_kernel(K0_gp, [1.0], rtol=1e-10)[0]
mu_lim, var_lim = dl.gp_posterior(Q1_gp, train, y_train, noise=noise)

gp_err = {}
gp_example = {}
for j, L in enumerate(size.gp_depths):
    for i, n in enumerate(size.gp_widths):
        net = networks.PreActResidual.hayou_yang(n, L, input_dim=2)
        rec = simulate(
            net, X_gp, size.gp_networks, device=ch.device, seed=ch.seed + 400_000 + 100 * j + i
        )
        Ks = final_kernel(rec)
        mus = np.array([dl.gp_posterior(K, train, y_train, noise=noise)[0] for K in Ks])
        per_net = np.sqrt(np.mean((mus[:, test] - mu_lim[test]) ** 2, axis=1))
        gp_err[(n, L)] = estimators.rms_with_se(per_net)
        gp_example[(n, L)] = mus[0]

# %% tags=["hide-input"]
fig, (ax_f, ax_e) = plt.subplots(1, 2, figsize=(11, 4))
ax_f.plot(theta[test], mu_lim[test], "k-", lw=2, label="limiting kernel $Q_1$")
sd = np.sqrt(var_lim[test])
ax_f.fill_between(
    theta[test], mu_lim[test] - 2 * sd, mu_lim[test] + 2 * sd, color="k", alpha=0.1, lw=0
)
for n, L in [
    (size.gp_widths[0], size.gp_depths[-1]),
    (size.gp_widths[-1], size.gp_depths[-1]),
    (size.gp_widths[-1], size.gp_depths[0]),
]:
    ax_f.plot(theta[test], gp_example[(n, L)][test], lw=1, label=f"one network, n = {n}, L = {L}")
ax_f.plot(theta_train, y_train, "ko", ms=5, label="training data")
ax_f.set(
    xlabel="$\\theta$", ylabel="posterior mean", title="GP posterior mean (band: ±2 sd, limit)"
)
ax_f.legend(fontsize=7)
for L in size.gp_depths:
    ns = np.array(size.gp_widths, dtype=float)
    e_ = np.array([gp_err[(int(n), L)] for n in ns])
    ax_e.errorbar(ns, e_[:, 0], yerr=2 * e_[:, 1], fmt="o-", ms=4, capsize=2, label=f"L = {L}")
ax_e.plot(
    ns,
    gp_err[(size.gp_widths[0], size.gp_depths[0])][0] * np.sqrt(ns[0] / ns),
    "k:",
    label="∝ $n^{-1/2}$",
)
ax_e.set(
    xscale="log",
    yscale="log",
    xlabel="width $n$",
    ylabel="RMS $|\\mu(K^{n,L}) - \\mu(Q_1)|$ (test points)",
    title="finite networks → limit, at every depth",
)
width_axis(ax_e, size.gp_widths)
ax_e.legend()
fig.tight_layout()
ch.save(
    fig,
    "gp_regression",
    caption=f"GP regression on the circle with network kernels: left, the posterior mean with "
    f"the limiting kernel Q_1 (black, band ± 2 posterior sd) and with single finite networks; "
    f"right, the RMS distance at the test points between the finite-network and limiting "
    f"posterior means, {size.gp_networks} networks per (n, L), n ∈ {size.gp_widths}, "
    f"L ∈ {size.gp_depths} (gram sampler, ± 2 SE). Profile {ch.profile}.",
    alt="Left, posterior-mean curves through six training points; right, prediction errors "
    "falling with width at every depth",
)

# %% [markdown]
# ($\mu(K)$ is the posterior mean with prior kernel $K$.) The prediction error of single
# finite networks decays with width at roughly the rate $n^{-1/2}$ for shallow and deeper
# networks alike: the Bayesian posterior inherits the commuting limits. With a few networks
# per point in the quick profile the estimates are noisy; we draw no verdict from this figure.
#
# ## Verdicts
#
# | paper's claim | recorded as | what is compared |
# |---|---|---|
# | 1. the limits commute | 03-1a–d, 03-5 (03-1e: MLP contrast) | recursion → ODE like $1/L$; error $\propto n^{-1/2}$ on $L = n^{1/2}, n, n^{3/2}$; depth-first SDE → ODE like $1/n$ |
# | 2. $1/\sqrt L$ the only nontrivial scaling | 03-2a–c | growth exponent of $\ln(q_L/q_0)$ in $L$ for $a = \tfrac14, \tfrac12, \tfrac34$ |
# | 3. Gaussian pre-activations | 03-3a–c | kurtosis $\propto 1/n$; not growing with $L$; finite $n$, $L \to \infty$ stays log-normal |
# | 4. simulations match the theory | 03-4a–b | mean kernel against the ODE; gram against dense sampler |
#
# The synthesis ({ref}`chapter-05`) places this limit on one map with the other three
# theories. The verdicts of this run, from the recorded claims:

# %%
for c in ch.claims:
    print(f"{c.id:6} {c.verdict:30} {c.decided_by.label}: {c.decided_by.numbers()}")

# %%
print(f"claims written to {ch.finish()}")
