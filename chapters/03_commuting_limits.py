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
# limiting "differential flow" below, its closed forms, the rates $n^{-1/2}$ and $1/L$, the
# finite-width SDE view and every figure are **our reconstruction**, re-derived here. A verdict
# concerns that reconstruction. We use ReLU, $\tau = \sigma_w = \sigma_{\rm in} = 1$, and two
# inputs with $q_0(a,a) = q_0(b,b) = 1$, $q_0(a,b) = \tfrac12$.
# ```

# %% tags=["parameters"]
profile = "quick"
device = "auto"
seed = 0

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import scipy.stats
import torch
from matplotlib.colors import LogNorm

from resprop import estimators, networks
from resprop.chapter import Chapter
from resprop.claims import Claim
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


# %% [markdown]
# ```{admonition} Samplers and sizes
# :class: note
# All Monte Carlo except one section uses the library's **gram** sampler, which is exact in
# law and costs $O(nk^2)$ per layer: the kernel flow, the error heat maps, the paths, the
# branch-exponent sweep, the linear depth-first check and the GP figure. One heat-map cell is
# redrawn with the **dense** sampler (claim 03-4b). The Gaussianity section needs single
# neurons, which the gram sampler does not report; it draws dense weight matrices.
#
# The `quick` profile runs in about 1.5 minutes on one CPU thread: widths up to 1024, depths up
# to 4096, a few hundred networks per point — **not paper-scale**. The `full` profile (sizes
# in `resprop/profiles.py`) widens the heat maps to $n, L \in 2^4 \dots 2^{10}$ with 512
# networks per cell, follows the paths up to $n = 1024$ ($L = 32768$ on the $n^{3/2}$ path),
# sweeps the branch exponent at $n = 2048$ up to $L = 1024$, and measures Gaussianity up to
# $n = 256$, $L = 512$ with 8000 networks; we estimate 3–5 minutes on one H100 from the
# quick timings (it has not been run here).
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
# \frac{dQ_t}{dt} = \tau^2 \sigma_w^2\, \mathbb E_{z \sim \mathcal N(0, Q_t)}\big[\phi(z)\phi(z)^\top\big],
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
    rec = simulate(net, X, size.flow_networks, device=ch.device, seed=ch.seed + i)
    flow[(n, L)] = rec

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
fig.suptitle(
    f"Kernel flow of the ReLU 1/√L ResNet: ODE vs Monte Carlo (gram sampler, "
    f"{size.flow_networks} networks per (n, L); bands ±2 SE, thin lines ±1 sd)"
)
fig.tight_layout()
ch.save(fig, "kernel_flow")

# %% [markdown]
# Every configuration follows the same curve: the mean kernel does not care whether the
# network is wide and shallow or narrow and deep. What $n$ controls is the *spread* of single
# networks around it (the thin lines), which shrinks like $n^{-1/2}$, whatever $L$.
#
# **Claim 4 (simulations match the theory).** At the widest configuration we compare the
# Monte Carlo mean of $q_1(a,b)$ with the ODE. The tolerance is 4 standard errors plus the
# *computed* gap between the depth-$L$ recursion {eq}`hy-recursion` and the ODE (the $O(1/L)$
# Euler error, see below); the finite-width bias of the mean is $O(1/n)$ and not allowed for.

# %%
n_big, L_big = max(size.flow_configs)
K_last = final_kernel(flow[(n_big, L_big)])
rec_gap = abs(dl.width_first_kernels(K0, L_big)[-1, 0, 1] - Q_ode[-1, 0, 1])
ch.record(
    Claim.compare(
        "03-4a",
        f"The mean covariance q_1(a,b) of 1/√L ReLU ResNets (n = {n_big}, L = {L_big}) "
        "matches the limiting ODE",
        "HY23",
        theory=float(Q_ode[-1, 0, 1]),
        measured=float(K_last[:, 0, 1].mean()),
        se=float(K_last[:, 0, 1].std(ddof=1) / math.sqrt(len(K_last))),
        model_tolerance=float(rec_gap),
        figure="03_commuting_limits/kernel_flow",
        note=f"gram sampler, {size.flow_networks} networks; model tolerance = |recursion − ODE| "
        f"at L = {L_big} = {rec_gap:.1e}",
    )
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
fig, ax = plt.subplots(figsize=(6.4, 4))
slopes = {}
for act in ["relu", "tanh", "erf"]:
    Q1 = dl.limiting_kernel(K0, [1.0], act)[0]
    err = np.array([np.abs(dl.width_first_kernels(K0, int(L), act)[-1] - Q1).max() for L in depths])
    ax.loglog(depths, err, "o-", ms=3, label=act)
    local = np.diff(np.log(err)) / np.diff(np.log(depths))
    slopes[act] = local
ax.loglog(depths, 0.3 / depths, "k:", label="$\\propto 1/L$")
ax.set(
    xlabel="depth $L$",
    ylabel="$\\max_{ab} |K^{(L)}_{ab} - Q_1(a,b)|$",
    title="Width first, then depth: infinite-width recursion vs ODE",
)
ax.legend()
ch.save(fig, "recursion_vs_ode")
for act, local in slopes.items():
    print(f"{act}: local slopes {np.round(local[-4:], 4)}")

# %%
local = slopes["relu"]
ch.record(
    Claim.compare(
        "03-1a",
        "Width first, then depth: the infinite-width recursion converges to the ODE at rate "
        "1/L (log-log slope of the error at the largest depths)",
        "HY23",
        theory=-1.0,
        measured=float(local[-1]),
        se=0.0,
        model_tolerance=float(2 * abs(local[-1] - local[-2])),
        figure="03_commuting_limits/recursion_vs_ode",
        note="deterministic; the tolerance is twice the change of the local slope between the "
        "last two depth doublings, an estimate of the remaining O(1/L) correction",
    )
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

# %%
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
fig.suptitle(
    f"Error of single networks against the infinite-width kernel (gram sampler, "
    f"{size.grid_networks} networks per cell)"
)
ch.save(fig, "error_heatmaps")

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

fig, axes = plt.subplots(1, 2, figsize=(11, 4))
path_slopes = {}
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
        if name == "1/√L ResNet" or a == 1.0:
            path_slopes[(name, a)] = estimators.loglog_slope(n_, e_, s_)
for ax, name in zip(axes, ["1/√L ResNet", "ReLU MLP (He)"], strict=True):
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="width $n$",
        ylabel="$\\sqrt{n}\\,\\cdot$ RMS error",
        title=name,
    )
    ax.set_xticks(size.path_widths, [str(n) for n in size.path_widths])
    ax.minorticks_off()
    ax.legend()
fig.suptitle(
    f"Errors along paths L = n^a (gram sampler, {size.path_networks} networks per point, ±2 SE)"
)
fig.tight_layout()
ch.save(fig, "paths")
for key, (s, se) in path_slopes.items():
    print(f"{key[0]:>14}, L = n^{key[1]:g}: slope of ln(error) vs ln(n) = {s:+.3f} ± {se:.3f}")

# %% [markdown]
# The flat lines are the content of "the limits commute": on every path, including depth
# $L = n^{3/2} \gg n$, the 1/√L ResNet's error decays like $n^{-1/2}$ with the same constant.
# The MLP's does not decay at all once $L \gtrsim n$. We record one verdict per path (the
# fitted slope of $\ln$ error against $\ln n$, theory $-\tfrac12$, within 4 SE), and the MLP
# contrast on the path $L = n$ (theory: a function of $L/n$ only, slope 0; this is the
# known non-commuting behaviour the paper contrasts with, not the paper's own result).

# %%
for a, label in zip(size.path_exponents, "bcd", strict=False):
    s, se = path_slopes[("1/√L ResNet", a)]
    ch.record(
        Claim.compare(
            f"03-1{label}",
            f"Joint limit along L = n^{a:g}: the kernel error of 1/√L ResNets decays like n^(-1/2)",
            "HY23",
            theory=-0.5,
            measured=s,
            se=se,
            figure="03_commuting_limits/paths",
            note=f"widths {size.path_widths}, {size.path_networks} networks per point, gram sampler",
        )
    )
s, se = path_slopes[("ReLU MLP (He)", 1.0)]
ch.record(
    Claim.compare(
        "03-1e",
        "Contrast: along L = n the ReLU MLP's kernel error does not decay (slope 0: it depends "
        "on L/n), unlike the ResNet's n^(-1/2)",
        "book",
        theory=0.0,
        measured=s,
        se=se,
        figure="03_commuting_limits/paths",
    )
)
# %% [markdown]
# A single cell of the heat map drawn twice, with the **dense** sampler (every weight matrix
# materialised) and with the **gram** sampler, checks that the fast sampler used above is exact
# in law: the two distributions of the kernel error must agree.

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
    Claim.compare(
        "03-4b",
        f"The gram sampler reproduces the dense sampler's kernel errors (n = L = {n_d}, "
        f"{B_d} networks each; difference of means)",
        "book",
        theory=0.0,
        measured=float(d_gram.mean() - d_dense.mean()),
        se=diff_se,
        note=f"two-sample KS p-value {ks.pvalue:.3f}",
    )
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
for p, a in enumerate(a_values):
    for j, L in enumerate(e_depths):
        net = networks.PreActResidual(n_e, L, input_dim=2, branch_scale=1.0, branch_exponent=a)
        rec = simulate(net, X, B_e, device=ch.device, seed=ch.seed + 90_000 + 100 * p + j)
        sweep[(a, L)] = rec.log_sq_norm[:, -1, 0] - rec.log_sq_norm[:, 0, 0]  # ln(q_L/q_0)

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
fig.suptitle(f"Branch exponent sweep, ReLU, n = {n_e}, {B_e} networks per point (gram sampler)")
fig.tight_layout()
ch.save(fig, "branch_exponent")

# %% [markdown]
# Three regimes, as predicted: below $a = \tfrac12$ the log-norm and its finite-width spread grow
# without bound with depth; at $a = \tfrac12$ both settle; above it both vanish. For the
# verdicts we fit the growth exponent of $\ln(q_L/q_0)$ between the smallest and largest depth
# (slope of $\ln \ln(q_L/q_0)$ against $\ln L$) and compare it with the same slope of the exact
# recursion at the same depths: $\approx 1 - 2a$, i.e. $+\tfrac12$, $0$, $-\tfrac12$ for
# $a = \tfrac14, \tfrac12, \tfrac34$.

# %%
L_lo, L_hi = e_depths[0], e_depths[-1]
for a, label in [(0.25, "a"), (0.5, "b"), (0.75, "c")]:
    lo, hi = sweep[(a, L_lo)], sweep[(a, L_hi)]
    m_lo, m_hi = lo.mean(), hi.mean()
    se_ratio = math.sqrt(
        (lo.std(ddof=1) / m_lo) ** 2 / len(lo) + (hi.std(ddof=1) / m_hi) ** 2 / len(hi)
    )
    span = math.log(L_hi / L_lo)
    theory = (
        math.log(
            dl.relu_log_sq_norm(1.0, L_hi, exponent=a) / dl.relu_log_sq_norm(1.0, L_lo, exponent=a)
        )
        / span
    )
    regime = {"a": "explodes", "b": "has a nontrivial finite limit", "c": "becomes trivial"}[label]
    ch.record(
        Claim.compare(
            f"03-2{label}",
            f"Branch factor L^(-{a:g}): the kernel {regime} (growth exponent of ln(q_L/q_0) "
            f"in L between L = {L_lo} and {L_hi})",
            "HY23",
            theory=theory,
            measured=math.log(m_hi / m_lo) / span,
            se=se_ratio / span,
            figure="03_commuting_limits/branch_exponent",
            note=f"n = {n_e}, {B_e} networks per depth; the asymptotic exponent is 1 − 2a = {1 - 2 * a:g}",
        )
    )

# %% [markdown]
# ## Claim 3: Gaussian pre-activations
#
# In the limit each neuron's pre-activation $h^{(L)}_i(x)$ is $\mathcal N(0, Q_1(x,x))$
# (`depth_limit.preactivation_law`). At finite width it is a Gaussian *mixture*: conditionally
# on the past, every block adds a Gaussian increment whose variance is the random empirical
# $\psi = |\phi(h)|^2/n$. Its excess kurtosis should therefore vanish like $1/n$ — at every
# depth, since the fluctuations of $\psi$ are $O(n^{-1/2})$ uniformly in $L$.
#
# The gram sampler does not expose single neurons, so for this section we draw the networks
# with dense weight matrices, through the library's own layer update (`Network.block`) with a
# minimal dense sampler written here (one input, one input layer, pooled over neurons; the SE
# of the kurtosis is computed at the level of networks).


# %%
class DenseNeurons:
    """A dense implementation of the library's ``networks.Ops``: fresh W for every layer."""

    def __init__(self, network, n_networks, generator, device, dtype=torch.float64):
        self.act, self.B, self.g = network.phi, n_networks, generator
        self.kw = dict(generator=generator, device=device, dtype=dtype)

    def phi(self, x):
        return self.act(x)

    def linear(self, h, n_out, weight_var, bias_var=0.0, residual=None):
        out = h @ (math.sqrt(weight_var) * torch.randn(self.B, h.shape[-1], n_out, **self.kw))
        if bias_var:
            out += math.sqrt(bias_var) * torch.randn(self.B, 1, n_out, **self.kw)
        return out if residual is None else residual + out

    def signs(self, n):
        return torch.randn(self.B, 1, n, **self.kw).sign()

    def tap(self, name, x):
        pass


def last_layer_neurons(network, x, n_networks, seed, chunk=500):
    """(n_networks, width) pre-activations h^(L)_i(x) of independent dense networks."""
    g = torch.Generator(device=ch.device).manual_seed(seed)
    x = torch.as_tensor(x, dtype=torch.float64, device=ch.device)
    out = []
    with torch.no_grad():
        for lo in range(0, n_networks, chunk):
            ops = DenseNeurons(network, min(chunk, n_networks - lo), g, ch.device)
            h = network.embed(ops, x.expand(ops.B, 1, -1))
            for _ in range(network.depth):
                h = network.block(ops, h)
            out.append(h[:, 0].cpu().numpy())
    return np.concatenate(out)


x1 = dl.inputs_for_kernel([[1.0]])
kurt = {}
samples = {}
for j, L in enumerate(size.gauss_depths):
    for i, n in enumerate(size.gauss_widths):
        net = networks.PreActResidual.hayou_yang(n, L, input_dim=1)
        h = last_layer_neurons(net, x1, size.gauss_networks, seed=ch.seed + 200_000 + 100 * j + i)
        q_theory = dl.width_first_kernels([[1.0]], L)[-1, 0, 0]  # n → ∞ variance at this L
        z = h / math.sqrt(q_theory)
        kurt[(n, L)] = estimators.excess_kurtosis(z)
        samples[(n, L)] = z

fig, (ax_qq, ax_k) = plt.subplots(1, 2, figsize=(11, 4.2))
L_show = size.gauss_depths[-1]
probs = (np.arange(1, 2001) - 0.5) / 2000
normal_q = scipy.stats.norm.ppf(probs)
for n in size.gauss_widths:
    z = samples[(n, L_show)].ravel()
    ax_qq.plot(normal_q, np.quantile(z, probs), lw=1.2, label=f"n = {n}")
ax_qq.plot(normal_q, normal_q, "k--", lw=1, label="N(0, q) (limit)")
ax_qq.set(
    xlabel="standard normal quantile",
    ylabel="quantile of $h_i^{(L)}/\\sqrt{q_L}$",
    title=f"QQ plot of single neurons, L = {L_show}",
)
ax_qq.legend()
for L in size.gauss_depths:
    ns = np.array(size.gauss_widths, dtype=float)
    k_ = np.array([kurt[(int(n), L)][0] for n in ns])
    s_ = np.array([kurt[(int(n), L)][1] for n in ns])
    ax_k.errorbar(ns, k_, yerr=2 * s_, fmt="o-", ms=4, capsize=2, label=f"L = {L}")
kurt_slope = {}
for L in size.gauss_depths:
    ns = np.array(size.gauss_widths[1:], dtype=float)  # n ≥ 16: the 1/n regime
    k_ = np.array([kurt[(int(n), L)][0] for n in ns])
    s_ = np.array([kurt[(int(n), L)][1] for n in ns])
    kurt_slope[L] = estimators.loglog_slope(ns, k_, s_)
ns = np.array(size.gauss_widths, dtype=float)
ax_k.plot(
    ns, kurt[(size.gauss_widths[1], L_show)][0] * size.gauss_widths[1] / ns, "k:", label="∝ 1/n"
)
ax_k.set(
    xscale="log",
    yscale="log",
    xlabel="width $n$",
    ylabel="excess kurtosis",
    title="non-Gaussianity of a neuron vs width (±2 SE)",
)
ax_k.set_xticks(size.gauss_widths, [str(n) for n in size.gauss_widths])
ax_k.minorticks_off()
ax_k.legend()
fig.suptitle(
    f"Pre-activations of 1/√L ReLU ResNets, dense weights, {size.gauss_networks} networks per point"
)
fig.tight_layout()
ch.save(fig, "gaussianity")
for L, (s, se) in kurt_slope.items():
    print(f"L = {L}: slope of ln(kurtosis) vs ln(n) = {s:+.3f} ± {se:.3f}")

# %% [markdown]
# The finite-width deviation is mostly a heavier *right* tail (the QQ curves bend up on the
# right): the ReLU branch only feeds back the positive part of each unit. The excess kurtosis
# falls like $1/n$ and is the same at $L = 8$ and $L = 64$.
#
# Depth alone does not make the neurons Gaussian: at finite width and $L \to \infty$ (the
# paper's *depth-first* route) the network is the Euler–Maruyama scheme of an SDE. For a
# linear activation it is solvable (our derivation): $q_t$ is a geometric Brownian motion and
#
# $$
# \ln\frac{q_1}{q_0} \sim \mathcal N\Big(1 - \frac2n,\ \frac4n\Big)
# \quad (L \to \infty,\ n \text{ fixed}),
# $$
#
# a log-normal norm and hence heavy-tailed pre-activations, which become Gaussian only as
# $n \to \infty$ (`depth_limit.linear_depth_first_law`). Deep linear networks (gram sampler)
# against this law:

# %%
fig, ax = plt.subplots(figsize=(6.4, 4))
lin_checks = []
for i, n in enumerate(size.linear_widths):
    net = networks.PreActResidual.hayou_yang(n, size.linear_depth, input_dim=1, activation="linear")
    rec = simulate(net, x1, size.linear_networks, device=ch.device, seed=ch.seed + 300_000 + i)
    v = rec.log_sq_norm[:, -1, 0] - rec.log_sq_norm[:, 0, 0]
    law = dl.linear_depth_first_law(n)
    grid = np.linspace(law.ppf(1e-4), law.ppf(1 - 1e-4), 200)
    (line,) = ax.plot(grid, law.pdf(grid), label=f"n = {n}: SDE law")
    ax.hist(v, bins=60, density=True, histtype="step", color=line.get_color())
    lin_checks.append((n, v.var(ddof=1), law.var(), v.var(ddof=1) * math.sqrt(2 / (len(v) - 1))))
ax.set(
    xlabel="$\\ln(q_L/q_0)$",
    ylabel="density",
    title=f"Linear 1/√L ResNet, L = {size.linear_depth}: histograms vs the depth-first SDE law\n"
    f"{size.linear_networks} networks per width (gram sampler)",
)
ax.legend()
ch.save(fig, "linear_depth_first")
for n, v, th, se in lin_checks:
    print(f"n = {n}: Var ln(q_L/q_0) = {v:.4f} ± {se:.4f} (SDE: {th:.4f})")

# %%
L_a, L_b = size.gauss_depths[0], size.gauss_depths[-1]
s_a, se_a = kurt_slope[L_b]
ch.record(
    Claim.compare(
        "03-3a",
        f"Pre-activations become Gaussian as n grows: the excess kurtosis of a neuron decays "
        f"like 1/n (slope of ln kurtosis vs ln n, L = {L_b}, n ≥ {size.gauss_widths[1]})",
        "HY23",
        theory=-1.0,
        measured=s_a,
        se=se_a,
        figure="03_commuting_limits/gaussianity",
        note="our derivation: the non-Gaussianity comes from O(n^-1/2) fluctuations of the "
        "empirical kernel, so the kurtosis is O(1/n); dense weights",
    )
)
n_wide = size.gauss_widths[-1]
(k_a, sk_a), (k_b, sk_b) = kurt[(n_wide, L_a)], kurt[(n_wide, L_b)]
ch.record(
    Claim.compare(
        "03-3b",
        f"The Gaussianity is uniform in depth: at n = {n_wide} the excess kurtosis at L = {L_b} "
        f"equals that at L = {L_a}",
        "HY23",
        theory=0.0,
        measured=k_b - k_a,
        se=math.sqrt(sk_a**2 + sk_b**2),
        figure="03_commuting_limits/gaussianity",
    )
)
n_lin, v_lin, th_lin, se_lin = lin_checks[1]
ch.record(
    Claim.compare(
        "03-3c",
        f"Depth first at finite width (linear φ, n = {n_lin}, L = {size.linear_depth}): "
        "Var ln(q_L/q_0) follows the SDE's log-normal law 4/n",
        "HY23",
        theory=th_lin,
        measured=v_lin,
        se=se_lin,
        figure="03_commuting_limits/linear_depth_first",
        note="the SE is that of a Gaussian sample variance, √(2/(B−1))·var; the finite-L "
        "correction is O(1/L) and not allowed for",
    )
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
ax_e.set_xticks(size.gp_widths, [str(n) for n in size.gp_widths])
ax_e.minorticks_off()
ax_e.legend()
fig.suptitle(
    f"GP regression with network kernels (gram sampler, {size.gp_networks} networks per (n, L))"
)
fig.tight_layout()
ch.save(fig, "gp_regression")

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
# | 1. the limits commute | 03-1a–d (03-1e: MLP contrast) | recursion → ODE at rate $1/L$; single-network error $\propto n^{-1/2}$ along $L = n^{1/2}, n, n^{3/2}$; the MLP's error does not decay along $L = n$ |
# | 2. $1/\sqrt L$ the only nontrivial scaling | 03-2a–c | growth exponent of $\ln(q_L/q_0)$ in $L$ for $a = \tfrac14, \tfrac12, \tfrac34$ against the exact recursion |
# | 3. Gaussian pre-activations | 03-3a–c | kurtosis $\propto 1/n$; independent of $L$; finite $n$ with $L \to \infty$ stays log-normal |
# | 4. simulations match the theory | 03-4a–b | mean kernel against the ODE; gram against dense sampler |
#
# The verdicts of this run, from the recorded claims:

# %%
for c in ch.claims:
    meas = f"{c.measured:.4g} ± {c.se:.2g}" if isinstance(c.measured, float) else c.measured
    print(f"{c.id:6} {c.verdict:15} theory {c.theory:.4g}, measured {meas}: {c.statement}")

# %%
ch.finish()
