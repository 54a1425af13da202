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
# # Field theory for optimal signal propagation in ResNets
#
# {cite:t}`fischer2023fieldtheory` study residual networks whose branch is multiplied by a
# *residual scale* $\alpha$ and ask which $\alpha$ propagates signals best. Their abstract makes
# four claims, which this chapter puts to the test:
#
# 1. **A systematic finite-size field theory** for residual networks: the mean kernel and its
#    $1/N$ corrections (kernel fluctuations and a shift of the mean).
# 2. **An analytical response function**, "a measure for the network's sensitivity to inputs".
# 3. **For deep networks, the residual scales that practitioners found empirically lie in the
#    range of maximal sensitivity.**
# 4. **An analytical optimal scale $\alpha^*$** that "depends only weakly on other network
#    hyperparameters, such as the weight variance".
#
# ```{admonition} What is ours — this is the paper we know least about
# :class: warning
# Only the paper's abstract and first lines were available to us. **The model, the $1/N$
# theory, the definition of "the response function", the formula for $\alpha^*$ and every
# figure below are our reconstruction**, re-derived here from the research notes
# (`research/paper1_field_theory.md`), which are themselves a reconstruction. Where we
# departed from those notes we say so. Four competing response functions are computed side by
# side; the one we use for claims 3 and 4 (the *readout* response) is **our choice**, picked
# because it is the only one of the four with a maximum in $\alpha$. Every verdict concerns our
# reconstruction, not necessarily the paper. Activation erf, $\phi(x) = \mathrm{erf}(\sqrt\pi
# x/2)$ (the Helias group's usual choice, a guess), $\sigma_w^2 = 1$, no biases.
# ```

# %% tags=["parameters"]
profile = "quick"
device = "auto"
seed = 0

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

from resprop import networks
from resprop.chapter import Chapter
from resprop.claims import Claim
from resprop.figures import band
from resprop.simulate import simulate
from resprop.theory import field_theory as ft
from resprop.training import load_dataset, train

ch = Chapter("04_field_theory", profile=profile, device=device, seed=seed)
size = ch.sizes
print(ch.describe())
if profile == "quick":
    print("Quick profile: CPU-sized Monte Carlo (widths 16–128, up to 10⁵ networks per width,")
    print("depth 10 for the 1/N checks); the numbers are not paper-scale.")

PHI, SW2 = "erf", 1.0  # activation and σ_w² of every experiment below
Q0, C0 = 1.0, 0.5  # input statistics: q⁰ = K⁰_aa, c⁰ = K⁰_12/q⁰
K0 = np.array([[Q0, Q0 * C0], [Q0 * C0, Q0]])
BAND = (0.1, 0.3)  # the empirical residual scales (Szegedy et al. 2017, see claim 3)


def preact(width, depth, scale, **kw):
    """The pre-activation ResNet h^l = h^{l−1} + α W φ(h^{l−1}) with a Gaussian input layer."""
    return networks.PreActResidual(
        width, depth, activation=PHI, sigma_w2=SW2, branch_scale=scale, **kw
    )


def pair_inputs(c_values, d):
    """Unit-q⁰ inputs in ℝ^d (first two coordinates) with cosines c_values to the first one."""
    X = np.zeros((1 + len(c_values), d))
    X[0, 0] = 1.0
    for i, c in enumerate(c_values):
        X[i + 1, :2] = c, math.sqrt(1 - c * c)
    return math.sqrt(d * Q0) * X  # σ_in² ‖x‖²/d = q⁰ with σ_in² = 1


# %% [markdown]
# ## The model and its mean field
#
# Our model is the pre-activation residual network of the book's introduction with a scalar
# residual scale $\alpha$ (`networks.PreActResidual`), a Gaussian input layer and width $N$:
#
# $$
# h^{(0)} = W_{\rm in} x, \qquad h^{(l)} = h^{(l-1)} + \alpha\, W^{(l)} \phi\big(h^{(l-1)}\big),
# \qquad W^{(l)}_{ij} \sim \mathcal N(0, \sigma_w^2/N), \quad l = 1, \dots, L .
# $$ (fdh-model)
#
# The kernel $\hat K^{(l)}_{ab} = h^{(l)}_a \cdot h^{(l)}_b / N$ of $k$ inputs obeys, as
# $N \to \infty$, $K^{(l)} = K^{(l-1)} + \alpha^2 C(K^{(l-1)})$ with the *field*
# $C(K) = \sigma_w^2\,\mathbb E_{z \sim \mathcal N(0, K)}[\phi(z)\phi(z)^\top]$
# (`ft.mean_kernels`, which calls `theory.kernels.preact_residual_kernels`). Two structural
# facts shape everything below:
#
# * **$\alpha$ and $\sigma_w^2$ enter only as $\alpha^2\sigma_w^2$.** The law of $\alpha
#   W^{(l)}$ depends on $\alpha^2\sigma_w^2/N$ alone, at every width. So at fixed input kernel
#   $K^{(0)}$, *any* optimal scale obeys $\alpha^* \propto \sigma_w^{-1}$ exactly.
# * With $\alpha = \tau/\sqrt L$ the recursion is the forward-Euler scheme of
#   $\dot K = \tau^2 C(K)$ on $t \in [0, 1]$, so deep networks depend on $x = \alpha^2\sigma_w^2 L$
#   only, and $\alpha^{*2}\sigma_w^2 L \to x^*$.
#
# A second form puts the weights *inside* the nonlinearity, $h^{(l)} = h^{(l-1)} + \alpha\,
# V^{(l)}\phi(W^{(l)} h^{(l-1)})$, with $V \sim \mathcal N(0, 1/N)$ — Yang and Schoenholz's *full*
# residual network with $\sigma_v^2 = \alpha^2$ (`form="full"`; the research notes call it
# "reduced", but in this book the reduced network is $x + W\phi(x)$, i.e. the form above). There
# $\sigma_w^2$ also sets how far $\phi$ saturates, and the degeneracy is broken.

# %% [markdown]
# ## Claim 1: the finite-size theory
#
# At finite width the kernel fluctuates, $N\,\mathrm{Cov}(\hat K^{(l)}) = O(1)$, and its mean
# shifts, $\mathbb E \hat K^{(l)} = K^{(l)} + K_1^{(l)}/N$. Our derivation (`ft.finite_size`,
# docstring; it re-derives the notes' §2.4 for any number of columns) goes like this. Given
# layer $l$, the increments $\alpha W^{(l+1)}\phi(h^{(l)})$ are i.i.d. over neurons with
# covariance $\alpha^2 \hat C^{(l)}$, the *empirical field* $\hat C = \sigma_w^2
# \sum_j \phi(h_j)\phi(h_j)^\top/N$. Since the weights have mean zero,
#
# $$
# \mathbb E \hat K^{(l+1)} = \mathbb E \hat K^{(l)} + \alpha^2\, \mathbb E \hat C^{(l)}
# \quad\text{exactly,}\qquad\text{so}\qquad K_1^{(l)} = \alpha^2 \sum_{k<l} \Delta^{(k)},\quad
# \Delta^{(k)} = N\big(\mathbb E \hat C^{(k)} - C(K^{(k)})\big).
# $$ (fdh-exact-mean)
#
# The field noise propagates through the mean-field *kernel response*
# $\Xi^{(l,k)} = \prod_{j=k+1}^{l-1}(1 + \alpha^2 J^{(j)})$, $J = \partial C/\partial K$: the kernel
# a neuron sees at layer $l$ is $\tilde K^{(l)} = K^{(l)} + \alpha^2\sum_{k<l}\Xi^{(l,k)}
# \zeta^{(k)}/\sqrt N$, with $\zeta$ the sampling noise of the field. The mean correction then
# has three parts,
#
# $$
# \Delta^{(l)} = \underbrace{J^{(l)} K_1^{(l)}}_{\text{shift}}
# + \underbrace{\tfrac12\,\mathbb E\, D^2C[X, X]}_{\text{fluctuation},\ X \sim \mathcal N(0, W^{(l)})}
# + \underbrace{\tfrac{\alpha^2}{2}\sum_{k<l}\mathbb E\big[\nabla^2 F(H^{(l)}) :
#   \Xi^{(l,k)}\big(F(H^{(k)}) - C^{(k)}\big)\big]}_{\text{self-interaction through the skip path}},
# $$ (fdh-delta)
#
# $F = \sigma_w^2\phi\phi^\top$, with $H$ the mean-field neuron, whose layers are correlated
# because the skip path carries $h^{(k)}$ forward: $\mathrm{Cov}(H^{(k)}, H^{(l)}) =
# K^{(\min(k,l))}$. The last term is a neuron's own past activity, fed back into the field it
# sees. A feed-forward-style **naive closure** — neurons Gaussian with a fluctuating kernel,
# $\mathbb E\hat C = C(\mathbb E\hat K) + \tfrac1{2N} D^2C[V]$ — has no such term; the notes
# found it about 2× off. Two closures for the covariance are also shown: the notes' recursion
# for $V = N\mathrm{Cov}(\hat K) - G$, which treats the neurons as Gaussian given the kernel,
# and our *cavity* result $N\mathrm{Cov}(\hat K^{(l)}) = G^{(l)} + \alpha^2\sum_{k<l}
# (S^{(k)}\Xi^{(l,k)\top} + \text{transpose}) + W^{(l)}$, which keeps every cross-layer moment
# (derivation in the docstring; **this departs from the notes**). Here $G_{ab,cd} = K_{ac}K_{bd}
# + K_{ad}K_{bc}$ is the part of independent Gaussian neurons, $S^{(k)} = \mathrm{Cov}_{K^{(k)}}
# (hh^\top, F(h))$, and $W^{(l)} = N\,\mathrm{Cov}(\tilde K^{(l)})$ the fluctuation of the
# kernel the neurons see.
#
# **Monte Carlo.** One input ($q^{(0)} = 1$), $\alpha = 0.7$, depth $L = 10$ (the notes'
# validation setting), the exact-in-law `gram` sampler. Rather than averaging $\hat K^{(L)}$
# directly, we measure $K_1$ through the exact identity {eq}`fdh-exact-mean` from the recorded
# activation kernels $\phi\cdot\phi/N$ of every layer: the same expectation, with about 4× smaller
# standard error (both are shown to agree).

# %%
L1, A1 = size.fs_depth, size.fs_scale
fs = ft.finite_size([[Q0]], L1, A1, PHI, sigma_w2=SW2)
print(f"quadrature: worst relative error {fs.quadrature_error:.1e} against closed forms")
layers = np.arange(L1 + 1)
mc = {}
for N, B in zip(size.fs_widths, size.fs_networks, strict=True):
    rec = simulate(
        preact(N, L1, A1, input_dim=1),
        [[1.0]],
        B,
        device=ch.device,
        seed=ch.seed + N,
        same_sign_lags=(),
        progress=False,
    )
    K = rec.kernel[:, :, 0, 0]
    # E K̂^l = q⁰ + α²σ_w² Σ_{j<l} E Φ̂^j exactly: a lower-variance estimator of the mean
    S = Q0 + A1**2 * SW2 * np.concatenate(
        [np.zeros((B, 1)), np.cumsum(rec.act_kernel[:, :-1, 0, 0], axis=1)], axis=1
    )
    dev = K - K.mean(axis=0)
    var = dev.var(axis=0, ddof=1)
    mc[N] = dict(
        B=B,
        mean=K.mean(axis=0),
        mean_se=K.std(axis=0, ddof=1) / math.sqrt(B),
        K1=N * (S.mean(axis=0) - fs.kernel[:, 0, 0]),
        K1_se=N * S.std(axis=0, ddof=1) / math.sqrt(B),
        K1_direct=N * (K.mean(axis=0) - fs.kernel[:, 0, 0]),
        K1_direct_se=N * K.std(axis=0, ddof=1) / math.sqrt(B),
        nvar=N * var,
        nvar_se=N * np.sqrt((np.mean(dev**4, axis=0) - var**2) / B),
    )
    del rec, K, S, dev
Nd, Bd = size.dense_width, size.dense_networks
Kd = simulate(
    preact(Nd, L1, A1, input_dim=1),
    [[1.0]],
    Bd,
    sampler="dense",
    device=ch.device,
    seed=ch.seed + 1,
    same_sign_lags=(),
    progress=False,
).kernel[:, :, 0, 0]
dense = dict(
    mean=Kd.mean(axis=0),
    mean_se=Kd.std(axis=0, ddof=1) / math.sqrt(Bd),
    nvar=Nd * Kd.var(axis=0, ddof=1),
)
dev_d = Kd - Kd.mean(axis=0)
dense["nvar_se"] = Nd * np.sqrt((np.mean(dev_d**4, axis=0) - Kd.var(axis=0) ** 2) / Bd)
print(
    f"dense sampler, N = {Nd}, {Bd} networks: E K̂^L = {dense['mean'][-1]:.4f} ± "
    f"{dense['mean_se'][-1]:.4f} (theory {fs.kernel[-1, 0, 0] + fs.mean_correction[-1, 0, 0] / Nd:.4f}); "
    f"N·Var = {dense['nvar'][-1]:.2f} ± {dense['nvar_se'][-1]:.2f} "
    f"(cavity {fs.covariance[-1, 0, 0, 0, 0]:.2f})"
)

# %%
cav, nai = fs.mean_correction[:, 0, 0], fs.mean_correction_naive[:, 0, 0]
cov_c, cov_f = fs.covariance[:, 0, 0, 0, 0], fs.covariance_kernel_field[:, 0, 0, 0, 0]
fig, (ax_q, ax_v, ax_k) = plt.subplots(1, 3, figsize=(14, 4.2))
ax_q.plot(layers, fs.kernel[:, 0, 0], "k-", label="mean field $K^{(l)}$")
for N, r in mc.items():
    ax_q.errorbar(layers, r["mean"], 2 * r["mean_se"], fmt="o", ms=3, label=f"gram, N = {N}")
ax_q.errorbar(
    layers, dense["mean"], 2 * dense["mean_se"], fmt="s", ms=3, mfc="none", label=f"dense, N = {Nd}"
)
ax_q.set(xlabel="layer $l$", ylabel=r"$\mathbb{E}\,\hat K^{(l)}$", title="mean kernel")
ax_q.legend()
rel = lambda x: 100 * (x[1:] / cov_c[1:] - 1)  # noqa: E731  (per cent, layers 1..L)
ax_v.axhline(0, color="k", label=f"cavity closure (ours): {cov_c[-1]:.2f} at l = {L1}")
ax_v.plot(layers[1:], rel(cov_f), "k--", label="kernel-field closure (notes' V)")
for N, r in mc.items():
    band(ax_v, layers[1:], rel(r["nvar"]), 100 * r["nvar_se"][1:] / cov_c[1:], label=f"N = {N}")
ax_v.set(
    xlabel="layer $l$",
    ylabel=r"$N\,\mathrm{Var}\,\hat K^{(l)}$ / cavity $-$ 1  (%)",
    title="kernel fluctuations, relative to our cavity closure",
    ylim=(-8, 8),
)
ax_v.legend()
ax_k.plot(layers, cav, "k-", label="one loop, cavity (ours)")
ax_k.plot(layers, nai, "k--", label="naive closure")
for N, r in mc.items():
    band(ax_k, layers, r["K1"], r["K1_se"], label=f"N = {N}")
ax_k.set(
    xlabel="layer $l$",
    ylabel=r"$N(\mathbb{E}\,\hat K^{(l)} - K^{(l)})$",
    title="mean correction $K_1$",
)
ax_k.legend()
nets = ", ".join(f"{r['B']:,} (N = {N})" for N, r in mc.items())
fig.suptitle(
    f"erf pre-activation ResNet, α = {A1}, σ_w² = {SW2}, q⁰ = {Q0}: theory (black) vs Monte "
    f"Carlo ±2 SE (coloured)\nnetworks: {nets}; dense-sampler check {Bd:,} (N = {Nd})"
)
fig.tight_layout()
ch.save(fig, "finite_size")

print(
    f"at layer L = {L1}: cavity K₁ = {cav[-1]:.3f}, naive K₁ = {nai[-1]:.3f}; "
    f"N·Var: cavity {cov_c[-1]:.2f}, kernel-field {cov_f[-1]:.2f}"
)
for N, r in mc.items():
    zc = (r["K1"][-1] - cav[-1]) / r["K1_se"][-1]
    zn = (r["K1"][-1] - nai[-1]) / r["K1_se"][-1]
    print(
        f"  N = {N:4d}: K₁ = {r['K1'][-1]:+.3f} ± {r['K1_se'][-1]:.3f} (z = {zc:+.1f} vs cavity, "
        f"{zn:+.1f} vs naive; direct average {r['K1_direct'][-1]:+.3f} ± "
        f"{r['K1_direct_se'][-1]:.3f}); N·Var = {r['nvar'][-1]:.2f} ± {r['nvar_se'][-1]:.2f}"
    )


def extrapolate(key):
    """b(N → ∞) at the last layer: weighted least squares of b(N) = b∞ + a/N (+ c/N² with four
    or more widths) over the simulated widths; returns (b∞, its SE)."""
    widths = np.array(sorted(mc), dtype=float)
    y = np.array([mc[N][key][-1] for N in sorted(mc)])
    se = np.array([mc[N][key + "_se"][-1] for N in sorted(mc)])
    order = 3 if len(widths) >= 4 else 2
    X = np.vander(1 / widths, order, increasing=True) / se[:, None]
    cov = np.linalg.inv(X.T @ X)
    coef = cov @ X.T @ (y / se)
    return float(coef[0]), float(math.sqrt(cov[0, 0]))


ext_K1, ext_var = extrapolate("K1"), extrapolate("nvar")
print(
    f"extrapolated to N → ∞ from N = {sorted(mc)}: K₁ = {ext_K1[0]:+.3f} ± {ext_K1[1]:.3f}, "
    f"N·Var = {ext_var[0]:.2f} ± {ext_var[1]:.2f} (cavity {cov_c[-1]:.2f}: "
    f"{(ext_var[0] - cov_c[-1]) / ext_var[1]:+.1f} SE; kernel-field {cov_f[-1]:.2f}: "
    f"{(ext_var[0] - cov_f[-1]) / ext_var[1]:+.1f} SE)"
)

# %% [markdown]
# The mean kernel follows the mean-field recursion at every width, for the gram and the dense
# sampler alike. The mean correction is where the closures part: the naive closure predicts
# about half the measured shift at every layer, while the cavity result — whose self-interaction
# term is the larger part — follows the Monte Carlo. Remaining differences shrink with $N$ like
# $1/N$ (the printout extrapolates them away with a fit in $1/N$). The kernel fluctuations
# follow the cavity covariance; the notes' kernel-field recursion lies about 2 % below it. That
# difference needs the $N \to \infty$ extrapolation at high precision, which the quick profile
# cannot reach (claim `04-1k` below) and the full profile does.

# %%
Nc = size.claim_width
rc = mc[Nc]
z_naive = abs(rc["K1"][-1] - nai[-1]) / rc["K1_se"][-1]
ch.record(
    Claim.compare(
        "04-1",
        f"Finite-size theory: the one-loop mean correction K₁ (cavity closure, with the "
        f"self-interaction through the skip path) matches Monte Carlo at N = {Nc}, L = {L1} "
        "(3 SE)",
        "FDH23",
        theory=float(cav[-1]),
        measured=float(rc["K1"][-1]),
        se=float(rc["K1_se"][-1]),
        n_se=3.0,
        figure="04_field_theory/finite_size",
        note=f"The naive closure ({nai[-1]:.3f}) lies {z_naive:.1f} SE away. O(1/N²) remainder "
        f"not subtracted; extrapolated K₁ = {ext_K1[0]:+.3f} ± {ext_K1[1]:.3f}.",
        extra={"naive": float(nai[-1]), "z_naive": float(z_naive), "width": Nc},
    )
)
ch.record(
    Claim(
        "04-1n",
        f"The naive (feed-forward-style) closure of the mean correction is rejected by the data "
        f"(≥ 5 SE at N = {Nc})",
        "book",
        "reproduced" if z_naive >= 5 else "not reproduced",
        theory=float(nai[-1]),
        measured=float(rc["K1"][-1]),
        se=float(rc["K1_se"][-1]),
        tolerance=5 * float(rc["K1_se"][-1]),
        figure="04_field_theory/finite_size",
        note="Reproduced here means: the naive value is excluded by at least 5 SE.",
    )
)
Nv = max(mc)
ch.record(
    Claim.compare(
        "04-1v",
        f"Kernel fluctuations N·Var(K̂^L) at N = {Nv} match the cavity covariance (4 SE)",
        "book",
        theory=float(cov_c[-1]),
        measured=float(mc[Nv]["nvar"][-1]),
        se=float(mc[Nv]["nvar_se"][-1]),
        figure="04_field_theory/finite_size",
        note=f"Kernel-field closure (notes' V recursion): {cov_f[-1]:.2f}; O(1/N) bias not "
        "subtracted.",
        extra={"kernel_field": float(cov_f[-1])},
    )
)
z_cav = abs(ext_var[0] - cov_c[-1]) / ext_var[1]
z_kf = abs(ext_var[0] - cov_f[-1]) / ext_var[1]
if z_cav > 4:
    verdict_k = "not reproduced"
elif z_kf >= 5 and z_cav <= 3:
    verdict_k = "reproduced"
else:
    verdict_k = "not decidable at this profile"
ch.record(
    Claim(
        "04-1k",
        "Extrapolated to N → ∞, N·Var(K̂^L) rejects the notes' kernel-field closure (≥ 5 SE) "
        "and agrees with our cavity covariance (≤ 3 SE)",
        "book",
        verdict_k,
        theory=float(cov_c[-1]),
        measured=float(ext_var[0]),
        se=float(ext_var[1]),
        figure="04_field_theory/finite_size",
        note=f"Kernel-field closure {cov_f[-1]:.2f} at {z_kf:.1f} SE; fit in 1/N over widths "
        f"{sorted(mc)}.",
    )
)

# %% [markdown]
# ## Claim 2: the response function
#
# What "the response function" is in the paper we do not know. The obvious candidate, the
# response $\mathbb E[\partial h^{(L)}/\partial h^{(0)}]$ of field theory, is exactly the identity
# at every width (the weights have mean zero), so the paper's object must be a property of the
# kernel. Four candidates, computed side by side (`ft.response`, `kind=...`):
#
# | kind | definition | mean field | with $\alpha$ |
# |---|---|---|---|
# | `readout` (**ours**) | $\partial K^{y}_{12}/\partial K^{(0)}_{12}$, readout $y = w\cdot\phi(h^{(L)})$ | $\sigma_{\rm out}^2 \langle\phi'_1\phi'_2\rangle_{K^{(L)}}\prod_{l<L}(1 + \alpha^2\sigma_w^2\langle\phi'_1\phi'_2\rangle_{K^{(l)}})$ | rises, then falls |
# | `kernel` | $\partial K^{(L)}_{12}/\partial K^{(0)}_{12}$ | the product alone | increasing |
# | `jacobian` | $\mathbb E\lVert(\partial h^{(L)}/\partial h^{(0)}) v\rVert^2/\lVert v\rVert^2$, $v \perp h^{(0)}$ | product at $c = 1$ | increasing |
# | `q` | $\partial q^{(L)}/\partial q^{(0)}$ | $\prod_{l<L}(1 + \alpha^2\sigma_w^2 F'(q^{(l)}))$ | increasing |
#
# The `readout` kind has an interior maximum because the product — the signal carried through
# the residual stack — grows with $\alpha$ while the readout gain
# $\langle\phi'_1\phi'_2\rangle_{K^{(L)}}$ shrinks as the erf saturates. Its $1/N$ corrections
# follow from the one-loop theory (`ft.response_finite_size`).
#
# **Monte Carlo with shared random numbers.** The readout response is measured by a central
# difference: inputs $x_1$ and $x_2^\pm$ with cosines $c^{(0)} \pm 0.01$ travel *jointly*
# through the same networks, so the difference of $\phi\cdot\phi/N$ has little noise. The
# Jacobian response comes from Jacobian–vector products (`n_tangents=1`) of the same networks.
# Every $\alpha$ and depth uses the same seed, so the Monte Carlo curves share their random
# numbers and are smoother than their error bars. The JVP tangent is a random direction
# $t \sim \mathcal N(0, I_d)$ of the $d = 32$ input coordinates; averaged over $t$ it measures
# exactly $(1 - 1/d)\chi_\perp + \chi_\parallel/d$, with $\chi_\parallel$ the response along the
# input itself (`ft.tangent_kernels`), and that is what the theory points are.

# %%
d = size.jvp_input_dim
delta = 0.01
X3 = pair_inputs([C0 - delta, C0 + delta], d)
grid = np.geomspace(0.01, 10.0, size.resp_scales)
chi_read = {L: ft.response(K0, L, grid, PHI, sigma_w2=SW2)[:, -1] for L in size.resp_depths}
star = {L: ft.optimal_scale(K0, L, PHI, sigma_w2=SW2) for L in size.resp_depths}
Lm = size.resp_mc_depths[-1]
other = {
    kind: ft.response(K0, Lm, grid, PHI, kind=kind, sigma_w2=SW2)[:, -1]
    for kind in ("kernel", "jacobian", "q")
}
Nr, Br = size.resp_mc_width, size.resp_mc_networks
resp_mc = []
for L in size.resp_mc_depths:
    for a in size.resp_mc_scales:
        rec = simulate(
            preact(Nr, L, a, input_dim=d),
            X3,
            Br,
            device=ch.device,
            seed=ch.seed,
            n_tangents=1,
            same_sign_lags=(),
            progress=False,
        )
        A = rec.act_kernel[:, -1]
        est = (A[:, 0, 2] - A[:, 0, 1]) / (2 * delta * Q0)
        jvp = np.exp(rec.jvp_log_sq_norm[:, -1, 0])
        radial = ft.tangent_kernels(Q0 * np.ones((2, 2)), L, a, PHI, sigma_w2=SW2)[-1, 1, 1] / Q0
        jac_mf = (1 - 1 / d) * ft.response(K0, L, a, PHI, kind="jacobian", sigma_w2=SW2)[-1]
        resp_mc.append(
            dict(
                L=L,
                a=a,
                read=est.mean(),
                read_se=est.std(ddof=1) / math.sqrt(Br),
                read_mf=ft.response(K0, L, a, PHI, sigma_w2=SW2)[-1],
                jac=jvp.mean(),
                jac_se=jvp.std(ddof=1) / math.sqrt(Br),
                jac_mf=jac_mf + radial / d,
            )
        )
        del rec

# %%
fig, (ax_r, ax_o) = plt.subplots(1, 2, figsize=(13, 4.5))
for L in size.resp_depths:
    (line,) = ax_r.plot(grid, chi_read[L], label=f"L = {L}: α* = {star[L]:.3f}")
    ax_r.plot(
        star[L], ft.response(K0, L, star[L], PHI, sigma_w2=SW2)[-1], "v", color=line.get_color()
    )
    pts = [r for r in resp_mc if r["L"] == L]
    if pts:
        ax_r.errorbar(
            [r["a"] for r in pts],
            [r["read"] for r in pts],
            [2 * r["read_se"] for r in pts],
            fmt="o",
            ms=4,
            color=line.get_color(),
        )
for ax in (ax_r, ax_o):
    ax.axvspan(*BAND, color="0.85", zorder=0, label="empirical 0.1–0.3")
    ax.set_xscale("log")
    ax.set_xlabel("residual scale α")
ax_r.set(
    ylabel=r"$\chi_{\rm readout} = \partial K^{y}_{12}/\partial K^{(0)}_{12}$",
    title=f"our response function; dots: Monte Carlo ±2 SE, N = {Nr}, {Br:,} networks",
)
ax_r.legend()
norm0 = {"kernel": 1.0, "jacobian": 1.0, "q": 1.0}
for kind, chi in other.items():
    ax_o.plot(grid, chi / norm0[kind], label=f"{kind}")
ax_o.plot(grid, chi_read[Lm] / chi_read[Lm][0], "k-", label="readout (ours) / its α→0 value")
pts = [r for r in resp_mc if r["L"] == Lm]
ax_o.errorbar(
    [r["a"] for r in pts],
    [r["jac"] for r in pts],
    [2 * r["jac_se"] for r in pts],
    fmt="o",
    ms=4,
    color="C1",
    label="JVP Monte Carlo (incl. 1/d radial part)",
)
ax_o.set(
    yscale="log",
    ylim=(0.3, 1e4),
    ylabel="response (1 at α = 0)",
    title=f"the four definitions at L = {Lm}; JVPs: N = {Nr}, {Br:,} networks",
)
ax_o.legend()
fig.suptitle(f"erf, σ_w² = {SW2}, q⁰ = {Q0}, c⁰ = {C0}: mean-field theory (lines)")
fig.tight_layout()
ch.save(fig, "response_vs_alpha")

z_resp = []
for r in resp_mc:
    z_resp += [(r["read"] - r["read_mf"]) / r["read_se"], (r["jac"] - r["jac_mf"]) / r["jac_se"]]
    print(
        f"L = {r['L']:3d}, α = {r['a']:<5}: readout {r['read']:.4f} ± {r['read_se']:.4f} "
        f"(theory {r['read_mf']:.4f}); JVP {r['jac']:.3f} ± {r['jac_se']:.3f} (theory {r['jac_mf']:.3f})"
    )
worst_resp = float(np.max(np.abs(z_resp)))
print(f"largest |Monte Carlo − mean field| over {len(z_resp)} points: {worst_resp:.2f} SE")

# %% [markdown]
# Only the readout response has a maximum in $\alpha$; the other three grow monotonically
# (the Jacobian one exponentially), so a claim about "maximal sensitivity" can only be about a
# quantity of the readout kind. At width $N = 128$ the $1/N$ corrections are below the Monte
# Carlo error, and the mean-field curves describe the simulations.
#
# **The $1/N$ correction of the response.** At small width the response moves by
# $\chi_1/N$. We test it where it is largest and the theory is cheapest, the Jacobian response
# at the claim-1 setting ($\alpha = 0.7$, $L = 10$): the one-loop theory of the joint state
# (input, tangent) gives $\chi = \chi_0 + \chi_1/N$, against JVPs at several widths.

# %%
nodes = tuple(size.jvp_nodes)
chi0, chi1 = ft.response_finite_size(
    [[Q0]], L1, A1, PHI, kind="jacobian", sigma_w2=SW2, nodes=nodes
)
radial0 = ft.tangent_kernels(Q0 * np.ones((2, 2)), L1, A1, PHI, sigma_w2=SW2)[-1, 1, 1] / Q0
near = ft.finite_size(
    np.array([[Q0, 0.98 * Q0], [0.98 * Q0, Q0]]),
    L1,
    A1,
    PHI,
    sigma_w2=SW2,
    n_tangents=1,
    nodes=nodes,
)
radial1 = near.mean_correction[-1, 1, 1] / Q0  # near-radial stand-in (weight 1/d only)
mf_jac = (1 - 1 / d) * chi0[-1] + radial0 / d
first_jac = (1 - 1 / d) * chi1[-1] + radial1 / d
u = pair_inputs([], d)
jvp_mc = {}
for N in size.jvp_widths:
    rec = simulate(
        preact(N, L1, A1, input_dim=d),
        u,
        size.jvp_networks,
        device=ch.device,
        seed=ch.seed + 7 * N,
        n_tangents=1,
        same_sign_lags=(),
        progress=False,
    )
    T = np.exp(rec.jvp_log_sq_norm[:, -1, 0])
    jvp_mc[N] = (T.mean(), T.std(ddof=1) / math.sqrt(len(T)))
    del rec

inv = np.linspace(0, 1.1 / min(jvp_mc), 50)
fig, ax = plt.subplots(figsize=(6.4, 4.2))
ax.plot(inv, mf_jac + first_jac * inv, "k-", label=f"one loop: χ₀ + χ₁/N, χ₁ = {first_jac:.2f}")
ax.axhline(mf_jac, color="k", ls=":", label=f"mean field χ₀ = {mf_jac:.3f}")
for N, (m, s) in jvp_mc.items():
    ax.errorbar(1 / N, m, 2 * s, fmt="o", color="C0")
    ax.annotate(f"N = {N}", (1 / N, m), textcoords="offset points", xytext=(6, -12))
ax.set(
    xlabel="1/N",
    ylabel=r"$\mathbb{E}\,\|J t\|^2 / N$",
    title=f"Jacobian response, α = {A1}, L = {L1}: JVPs ±2 SE, {size.jvp_networks:,} "
    "networks per width",
)
ax.legend()
ch.save(fig, "response_finite_size")
for N, (m, s) in jvp_mc.items():
    print(
        f"N = {N}: N(χ − χ₀) = {N * (m - mf_jac):.3f} ± {N * s:.3f}  (theory χ₁ = {first_jac:.3f})"
    )

# %%
Nj = min(jvp_mc)
m, s = jvp_mc[Nj]
ch.record(
    Claim.compare(
        "04-2",
        f"Response function: the 1/N coefficient of the Jacobian response (one-loop theory) "
        f"matches JVP Monte Carlo, N(χ − χ₀) at N = {Nj}, α = {A1}, L = {L1} (4 SE)",
        "FDH23",
        theory=float(first_jac),
        measured=float(Nj * (m - mf_jac)),
        se=float(Nj * s),
        figure="04_field_theory/response_finite_size",
        note="Which response function the paper means is our reconstruction. χ₀ from "
        "response(kind='jacobian'); the radial 1/d part of χ₁ uses a near-radial stand-in "
        "(correlation 0.98).",
        extra={"mean_field": float(mf_jac), "widths": {str(k): v for k, v in jvp_mc.items()}},
    )
)
ch.record(
    Claim.compare(
        "04-2b",
        "Mean-field response functions (readout and Jacobian) match Monte Carlo at every "
        f"depth and scale of the figure (largest deviation in SE, N = {Nr})",
        "book",
        theory=0.0,
        measured=worst_resp,
        se=1.0,
        n_se=4.0,
        figure="04_field_theory/response_vs_alpha",
        note=f"Largest |z| of {len(z_resp)} points; the 1/N corrections are below the SE here.",
    )
)

# %% [markdown]
# ## Claim 3: the empirical residual scales lie in the range of maximal sensitivity
#
# **Where 0.1–0.3 comes from.** {cite:t}`szegedy2017inception` found that very wide
# Inception-ResNets "died" early in training unless the residuals were scaled down before the
# addition, by factors between 0.1 and 0.3. We confirmed this range only through secondary
# summaries of that paper (its text was not available to us), and that Fischer et al. refer
# to exactly this source is the notes' guess.
#
# **"The range of maximal sensitivity"** is ours: the scales where the readout response is at
# least 90 % of its maximum (`ft.near_optimal_range`). With $c^{(0)} = 0.5$, $q^{(0)} = 1$:

# %%
x_star = ft.optimal_continuum(K0, PHI)
rows = []
for L in size.star_depths:
    a_star = ft.optimal_scale(K0, L, PHI, sigma_w2=SW2)
    lo, hi = ft.near_optimal_range(K0, L, PHI, sigma_w2=SW2)
    overlap = max(lo, BAND[0]) <= min(hi, BAND[1])
    rows.append((L, a_star, lo, hi, overlap))
    print(
        f"L = {L:5d}: α* = {a_star:.3f}, 90 % range [{lo:.3f}, {hi:.3f}], α*²σ_w²L = "
        f"{a_star**2 * SW2 * L:.2f}; overlaps 0.1–0.3: {overlap}"
    )
depth_window = (x_star / BAND[1] ** 2 / SW2, x_star / BAND[0] ** 2 / SW2)
print(
    f"continuum x* = α*²σ_w²L → {x_star:.3f}: α* ∈ [0.1, 0.3] for "
    f"{depth_window[0]:.0f} ≲ L ≲ {depth_window[1]:.0f}"
)

# %% [markdown]
# For shallow networks the optimum lies far above the empirical band ($\alpha^* \approx 0.9$ at
# $L = 10$); it falls like $L^{-1/2}$ and crosses 0.1–0.3 for depths of roughly 70 to 600
# (printout above). So **for deep networks** — and only
# there, as the abstract's qualifier says — the empirical scales sit at the top of the
# readout response. The Monte Carlo of claim 2 confirms the mean-field response curves this
# rests on (at $L \le 30$ in the quick profile, $L = 100$ in the full one).

# %%
deep = [r for r in rows if 100 <= r[0] <= 300]
verdict3 = "reproduced" if deep and all(r[4] for r in deep) else "not reproduced"
ch.record(
    Claim(
        "04-3",
        "For deep networks (100 ≤ L ≤ 300) the empirical residual scales 0.1–0.3 lie in the "
        "range of maximal sensitivity (readout response ≥ 90 % of its maximum)",
        "FDH23",
        verdict3,
        theory=float({r[0]: r[1] for r in rows}[100]),
        measured="0.1–0.3 (Szegedy et al. 2017)",
        figure="04_field_theory/response_vs_alpha",
        note=f"Theory value: α* at L = 100 (mean field, q⁰ = 1, c⁰ = 0.5). α* ∈ [0.1, 0.3] for "
        f"{depth_window[0]:.0f} ≲ L ≲ {depth_window[1]:.0f}; not for L ≤ 30. The response "
        "definition and the 90 % criterion are ours.",
        extra={"rows": [list(map(float, r[:4])) for r in rows], "x_star": x_star},
    )
)

# %% [markdown]
# ## Claim 4: how $\alpha^*$ depends on the weight variance
#
# In the pre-activation form {eq}`fdh-model` the answer is exact: $\alpha^* \propto
# \sigma_w^{-1}$ at fixed input kernel — not a weak dependence at all — because $\alpha$ and
# $\sigma_w^2$ only appear as $\alpha^2\sigma_w^2$. A weaker dependence needs $\sigma_w^2$ to
# enter elsewhere. We try the two places we can think of: inside the nonlinearity
# (`form="full"`), and in the input layer ($K^{(0)} \propto \sigma_w^2$, the same weight variance
# used for $W_{\rm in}$).

# %%
sw_grid = np.array(size.star_sigma_w2)
variants = {
    "pre-activation, K⁰ fixed (ours)": dict(form="preact", scale_K0=False),
    "pre-activation, K⁰ ∝ σ_w²": dict(form="preact", scale_K0=True),
    "weights inside φ, K⁰ fixed": dict(form="full", scale_K0=False),
    "weights inside φ, K⁰ ∝ σ_w²": dict(form="full", scale_K0=True),
}
L_sw = 100
alpha_sw, slopes = {}, {}
for name, v in variants.items():
    vals = np.array(
        [
            ft.optimal_scale(
                K0 * (s if v["scale_K0"] else 1.0), L_sw, PHI, sigma_w2=s, form=v["form"]
            )
            for s in sw_grid
        ]
    )
    alpha_sw[name] = vals
    ok = np.isfinite(vals)
    slopes[name] = float(np.polyfit(np.log(sw_grid[ok]), np.log(vals[ok]), 1)[0])
    print(f"{name:34s}: d ln α*/d ln σ_w² = {slopes[name]:+.3f}; α* = {np.round(vals, 3)}")
c_list = [0.2, 0.5, 0.8]
star_L = {
    c: [
        ft.optimal_scale(np.array([[Q0, c * Q0], [c * Q0, Q0]]), L, PHI, sigma_w2=SW2)
        for L in size.star_depths
    ]
    for c in c_list
}
ratio_c = np.array(star_L[c_list[-1]]) / np.array(star_L[c_list[0]])
print(
    f"α*(c⁰ = {c_list[-1]}) / α*(c⁰ = {c_list[0]}) = {np.round(ratio_c, 2)} at L = {size.star_depths}"
)

fig, (ax_l, ax_s) = plt.subplots(1, 2, figsize=(13, 4.5))
Ls = np.array(size.star_depths)
for c in c_list:
    ax_l.plot(Ls, star_L[c], "o-", label=f"c⁰ = {c}")
ax_l.plot(
    Ls,
    np.sqrt(x_star / (SW2 * Ls)),
    "k--",
    label=f"continuum √(x*/σ_w²L), x* = {x_star:.2f} (c⁰ = 0.5)",
)
ax_l.axhspan(*BAND, color="0.85", zorder=0, label="empirical 0.1–0.3")
ax_l.set(
    xscale="log",
    yscale="log",
    xlabel="depth L",
    ylabel="α*",
    title=f"α* against depth (pre-activation, σ_w² = {SW2}, q⁰ = {Q0})",
)
ax_l.legend()
for name, vals in alpha_sw.items():
    ax_s.plot(sw_grid, vals, "o-", label=f"{name}: slope {slopes[name]:+.2f}")
ref = alpha_sw["pre-activation, K⁰ fixed (ours)"]
ax_s.plot(sw_grid, ref[2] * (sw_grid / sw_grid[2]) ** -0.5, "k:", label="∝ σ_w^(−1) (slope −1/2)")
ax_s.axhspan(*BAND, color="0.85", zorder=0)
ax_s.set(
    xscale="log",
    yscale="log",
    xlabel="weight variance σ_w²",
    ylabel="α*",
    title=f"α* against σ_w² at L = {L_sw} (q⁰ = {Q0}, c⁰ = {C0} at σ_w² = 1)",
)
ax_s.legend(fontsize=7)
fig.suptitle("optimal residual scale of the readout response (mean-field theory)")
fig.tight_layout()
ch.save(fig, "alpha_star")

# %% [markdown]
# The depth dependence is the clean part: $\alpha^{*2}\sigma_w^2 L$ approaches the continuum
# constant $x^*$ within a few per cent from $L \approx 100$ on, and $x^*$ depends on the input
# statistics (the printout gives the factor by which the correlation $c^{(0)}$ moves
# $\alpha^*$). The weight-variance dependence is not weak in our model: exactly $-1/2$ in
# $\ln\alpha^*/\ln\sigma_w^2$ for the pre-activation form. Putting the weights inside $\phi$
# weakens it to about $-0.3$, because a larger $\sigma_w^2$ also saturates the erf; sharing
# $\sigma_w^2$ with the input layer makes it *stronger*. We call a dependence weak if its log-slope
# is at most half the trivial one, $|d\ln\alpha^*/d\ln\sigma_w^2| \le 0.25$ — a threshold of ours.

# %%
WEAK = 0.25
main = "pre-activation, K⁰ fixed (ours)"
ch.record(
    Claim(
        "04-4",
        "The optimal residual scale α* depends only weakly on the weight variance "
        f"(|d ln α*/d ln σ_w²| ≤ {WEAK}, our threshold), pre-activation form",
        "FDH23",
        "reproduced" if abs(slopes[main]) <= WEAK else "not reproduced",
        theory=f"weak (≤ {WEAK})",
        measured=slopes[main],
        figure="04_field_theory/alpha_star",
        note="Exactly −1/2 (α* ∝ σ_w^(−1)) because α and σ_w² enter only as α²σ_w². Either the "
        "paper's model differs from our reconstruction or its 'weak' is relative to something "
        "else; the other variants are recorded in extra.",
        extra={"slopes": slopes, "depth": L_sw},
    )
)
full_name = "weights inside φ, K⁰ fixed"
ch.record(
    Claim(
        "04-4b",
        f"With the weights inside φ (full residual form), α* depends only weakly on σ_w² "
        f"(|d ln α*/d ln σ_w²| ≤ {WEAK})",
        "book",
        "reproduced" if abs(slopes[full_name]) <= WEAK else "not reproduced",
        theory=f"weak (≤ {WEAK})",
        measured=slopes[full_name],
        figure="04_field_theory/alpha_star",
        note="Weaker than the pre-activation form's −1/2, but above our threshold.",
    )
)

# %% [markdown]
# ## Does the best-trained network sit at $\alpha^*$?
#
# The practical point of the paper is that the maximal-response scale should be a good scale
# to train at. We train small pre-activation ResNets (erf, width 64 in the quick profile, input
# layer $64 \to N$, linear readout to 10 classes) with plain SGD (`resprop.training.train`, no
# momentum) on scikit-learn's 8×8 digits, across $\alpha$ at two depths, and overlay the
# predicted $\alpha^*$ for the data's own input statistics ($q^{(0)}$ = mean $\lVert x\rVert^2/d$,
# $c^{(0)}$ = mean cosine between training images). Caveat: the trained network reads out
# $h^{(L)}$ linearly, our response reads out $\phi(h^{(L)})$; the comparison is about the stack.

# %%
data = load_dataset(size.dataset, seed=ch.seed)
print(data.describe())
Xs = data.X_train[:500].astype(float)
nrm = np.linalg.norm(Xs, axis=1)
cos = (Xs @ Xs.T) / np.outer(nrm, nrm)
c_data = float(cos[np.triu_indices(len(Xs), 1)].mean())
q_data = data.mean_sq_norm
K_data = np.array([[q_data, c_data * q_data], [c_data * q_data, q_data]])
scales = np.array(size.train_scales)
tdepths = size.train_depths
acc = np.empty((size.train_seeds, len(tdepths), len(scales)))
for s in range(size.train_seeds):
    for i, L in enumerate(tdepths):
        for j, a in enumerate(scales):
            net = preact(
                size.train_width, L, float(a), input_dim=data.n_features, output_dim=data.n_classes
            )
            acc[s, i, j] = train(
                net,
                data,
                epochs=size.epochs,
                lr=size.lr,
                seed=ch.seed + s,
                device=ch.device,
                batch_size=size.batch_size,
            )
star_data = {L: ft.optimal_scale(K_data, L, PHI, sigma_w2=SW2) for L in tdepths}
range_data = {L: ft.near_optimal_range(K_data, L, PHI, sigma_w2=SW2) for L in tdepths}
print(
    f"input statistics: q⁰ = {q_data:.3f}, c⁰ = {c_data:.3f}; predicted α* = "
    + ", ".join(f"{star_data[L]:.3f} (L = {L})" for L in tdepths)
)

fig, ax = plt.subplots(figsize=(7.5, 4.3))
mean_acc = acc.mean(axis=0)
n_test = len(data.y_test)
# SE: spread over seeds where there are several, else the binomial SE of one test accuracy
se_acc = (
    acc.std(axis=0, ddof=1) / math.sqrt(size.train_seeds)
    if size.train_seeds > 1
    else np.sqrt(mean_acc * (1 - mean_acc) / n_test)
)
for i, L in enumerate(tdepths):
    (line,) = ax.plot(scales, mean_acc[i], "o-", label=f"L = {L}")
    ax.fill_between(
        scales,
        mean_acc[i] - 2 * se_acc[i],
        mean_acc[i] + 2 * se_acc[i],
        color=line.get_color(),
        alpha=0.2,
        lw=0,
    )
    ax.axvline(
        star_data[L], color=line.get_color(), ls="--", label=f"α*(L = {L}) = {star_data[L]:.2f}"
    )
    ax.axvspan(*range_data[L], color=line.get_color(), alpha=0.08)
ax.axvspan(*BAND, color="0.85", zorder=0, label="empirical 0.1–0.3")
ax.set(
    xscale="log",
    xlabel="residual scale α",
    ylabel="test accuracy",
    title=f"{data.name}: width {size.train_width}, SGD lr {size.lr}, {size.epochs} epochs, "
    f"{size.train_seeds} seed(s); shaded: ±2 SE and the 90 % response range",
)
ax.legend(fontsize=7)
ch.save(fig, "training")
for i, L in enumerate(tdepths):
    print(
        f"L = {L}: accuracy "
        + ", ".join(f"{a:g}: {m:.3f}" for a, m in zip(scales, mean_acc[i], strict=True))
    )

# %% [markdown]
# Small scales train well here because an almost-identity residual stack leaves a random
# feature model that already separates the digits; large scales fail as the erf saturates and
# gradients grow. The claim we can test is whether the best scale lies in the predicted
# maximal-response range. Rule (ours): *reproduced* if at every depth the best mean accuracy is
# reached inside the 90 % response range and beats both the smallest and the largest scale by
# 3 SE; *not reproduced*
# if at some depth a scale outside the range beats the best one inside it by 3 SE; otherwise,
# or with fewer than four seeds, undecided.

# %%
verdict5 = "not decidable at this profile"
details = []
if size.train_seeds >= 4:
    ok_all, bad = True, False
    for i, L in enumerate(tdepths):
        lo, hi = range_data[L]
        inside = (scales >= lo) & (scales <= hi)
        best = int(np.argmax(mean_acc[i]))
        if inside.any():
            j_in = int(np.argmax(np.where(inside, mean_acc[i], -np.inf)))
            gap = mean_acc[i, best] - mean_acc[i, j_in]
            bad |= (not inside[best]) and gap > 3 * math.hypot(se_acc[i, best], se_acc[i, j_in])
        margin = min(mean_acc[i, best] - mean_acc[i, j] for j in (0, -1))
        se_end = max(math.hypot(se_acc[i, best], se_acc[i, j]) for j in (0, -1))
        ok_all &= bool(inside[best]) and margin > 3 * se_end
        details.append(dict(L=L, best=float(scales[best]), inside=bool(inside[best])))
    verdict5 = "reproduced" if ok_all else ("not reproduced" if bad else verdict5)
ch.record(
    Claim(
        "04-5",
        "Trained networks generalise best at residual scales inside the predicted "
        "maximal-response range (plain SGD on digits/MNIST)",
        "book",
        verdict5,
        theory=", ".join(f"α*(L={L}) = {star_data[L]:.3f}" for L in tdepths),
        measured=", ".join(
            f"best α(L={L}) = {scales[int(np.argmax(mean_acc[i]))]:g}"
            for i, L in enumerate(tdepths)
        ),
        figure="04_field_theory/training",
        note=f"{size.train_seeds} seed(s); the decision rule needs ≥ 4. Details: {details}",
    )
)

# %% [markdown]
# ## Verdicts
#
# **What the theory and the simulations taught us.** The data single out the one-loop
# mean correction that keeps each neuron's feedback on itself through the skip connection; the
# feed-forward-style closure is off by a factor of two. The notes' covariance recursion
# misses non-Gaussian cross-layer moments at the 2 % level; our cavity covariance keeps them
# (`tests/test_field_theory.py` checks it at $N = 128$; the notes' own Monte Carlo numbers,
# 37.2 at $N = 128$ against their 36.4, sit on our 37.0). The response function behind
# claims 3 and 4 is our choice: with it, claim 3 holds for a window of depths, and claim 4
# fails in the model we reconstructed — the optimal scale there scales exactly like
# $\sigma_w^{-1}$.
#
# **Sizes.** The quick profile (2 CPU cores, a few minutes) uses the sizes printed above:
# widths 16–128 with up to $10^5$ networks for the $1/N$ checks, $6\cdot10^4$ JVP networks per
# width, readout Monte Carlo at width 128 with $10^3$ networks at $L \le 30$, and 2 seeds of
# width-64 training. The full profile is sized for one H100 in about 5 minutes by scaling the
# quick timings: widths 8–128 with $0.5$–$2\cdot10^6$ networks each for the $1/N$ checks
# (about $2\cdot10^9$ neuron-layers of gram sampling, seconds on the GPU), $10^6$ JVP networks
# per width, readout Monte Carlo at width 256 with $2\cdot10^4$ networks up to $L = 100$, and
# width-128 training on MNIST (digits when offline) with 5 seeds, 12 scales and depths 10–100;
# the single-threaded theory and training take most of that time.

# %%
for c in ch.claims:
    print(f"{c.id:6s} {c.verdict:30s} {c.statement[:90]}")

# %%
ch.finish()
