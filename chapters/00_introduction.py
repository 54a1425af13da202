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
# # Introduction
#
# This book reruns four papers on what happens to a signal as it passes through a *randomly
# initialised* residual network, before any training:
#
# 1. {cite:t}`yang2017meanfield` — mean-field theory of residual networks: skip connections
#    turn the exponential dynamics of deep feed-forward networks into polynomial ones.
# 2. {cite:t}`li2021loggaussian` — when depth and width grow together, the output norm of a
#    ReLU ResNet is log-Gaussian, not Gaussian.
# 3. {cite:t}`hayou2023commute` — with branches scaled by $1/\sqrt{L}$, the width and depth
#    limits commute.
# 4. {cite:t}`fischer2023fieldtheory` — a field theory with finite-width corrections, and an
#    optimal residual scale.
#
# Every chapter follows the same pattern: **claim → theory → simulation → figure → verdict**.
# The theory is computed by the library's theory modules (`resprop.gaussian`,
# `resprop.theory`), the simulation by drawing many real random networks (`resprop.networks`,
# `resprop.simulate`). The two routes share only the definition of the activation function, so
# their agreement is evidence, not an identity.
#
# ```{admonition} What is ours
# :class: warning
# The papers' full texts were not available to us. Models, constants and definitions that we
# reconstructed are marked as such in each chapter; a verdict then concerns *our
# reconstruction* of the claim.
# ```

# %% tags=["parameters"]
profile = "quick"
device = "auto"
seed = 0

# %%
import matplotlib.pyplot as plt
import numpy as np

from resprop import gaussian, networks
from resprop.activations import get_activation
from resprop.chapter import Chapter
from resprop.claims import Claim
from resprop.figures import band
from resprop.simulate import simulate
from resprop.theory.kernels import reduced_residual_kernels

ch = Chapter("00_introduction", profile=profile, device=device, seed=seed)
size = ch.sizes
print(ch.describe())

# %% [markdown]
# ## Notation
#
# A network has width $n$ (units per layer) and depth $L$ (residual blocks). Weights are
# Gaussian, $W_{ij} \sim \mathcal N(0, \sigma_w^2/n)$, biases $b_i \sim \mathcal N(0, \sigma_b^2)$.
# The families used in the book are
#
# $$
# \begin{aligned}
# \text{feed-forward:}\quad & h^{(l)} = W^{(l)} \phi(h^{(l-1)}) + b^{(l)}, \\
# \text{reduced residual:}\quad & x^{(l)} = x^{(l-1)} + W^{(l)} \phi(x^{(l-1)}) + b^{(l)}, \\
# \text{full residual:}\quad & x^{(l)} = x^{(l-1)} + V^{(l)} \phi(W^{(l)} x^{(l-1)} + b^{(l)}) + a^{(l)}, \\
# \text{pre-activation:}\quad & h^{(l)} = h^{(l-1)} + \alpha \big(W^{(l)} \phi(h^{(l-1)}) + b^{(l)}\big),
# \end{aligned}
# $$ (families)
#
# where $\alpha$ is the *residual branch scale*, a constant or $\alpha = \tau/\sqrt{L}$.
# For $k$ inputs $x_1, \dots, x_k$ the **kernel** is $K^{(l)}_{ab} = x_a^{(l)} \cdot x_b^{(l)}/n$;
# its diagonal $q^{(l)}_a = K^{(l)}_{aa}$ is the squared length and
# $c^{(l)}_{ab} = K_{ab}/\sqrt{K_{aa} K_{bb}}$ the correlation (cosine) between two inputs.
# As $n \to \infty$ the kernel becomes deterministic and obeys a recursion; for the reduced
# residual network
#
# $$
# K^{(l)} = K^{(l-1)} + \sigma_w^2\, \mathbb E_{z \sim \mathcal N(0, K^{(l-1)})}\big[\phi(z)\phi(z)^\top\big] + \sigma_b^2 .
# $$ (reduced-recursion)
#
# Everything rests on the Gaussian expectation in {eq}`reduced-recursion`.

# %% [markdown]
# ## The activations and their correlation maps
#
# For unit-variance $(u, v)$ with correlation $c$, the *correlation map*
# $c \mapsto \mathbb E[\phi(u)\phi(v)]/\mathbb E[\phi(u)^2]$ says how one layer bends the
# angle between two inputs. We compute it twice: in closed form or by quadrature
# (`gaussian.kernel_map`), and by Monte Carlo over many random input layers $h = Wx$ of
# width $n$, whose pairs $(h_a, h_b)$ have exactly this law (sizes in the figure's title).

# %%
names = [("relu", None), ("alpha_relu", 0.7), ("tanh", None), ("erf", None), ("linear", None)]
cs = np.linspace(-1, 1, size.n_points)
x_grid = np.linspace(-3, 3, 301)


def correlation_map_theory(phi, c):
    K = np.stack([np.array([[1.0, ci], [ci, 1.0]]) for ci in c])
    E = gaussian.kernel_map(phi, K)
    return E[:, 0, 1] / E[:, 0, 0]


def correlation_map_mc(phi, c):
    """One random input layer h = W x with Var W = 1/d, so (h_a, h_b) has correlation c."""
    d = 2
    ratio, sem = np.empty_like(c), np.empty_like(c)
    for i, ci in enumerate(c):
        inputs = np.sqrt(d) * np.array([[1.0, 0.0], [ci, np.sqrt(max(0.0, 1 - ci**2))]])
        net = networks.FeedForward(
            width=size.width, depth=1, activation=phi.name, alpha=phi.alpha, input_dim=d
        )
        rec = simulate(net, inputs, size.n_networks, device=ch.device, seed=ch.seed + i)
        E = rec.act_kernel[:, 0]  # φ(h⁰_a)·φ(h⁰_b)/n for each network
        ratio[i] = E[:, 0, 1].mean() / E[:, 0, 0].mean()
        sem[i] = (E[:, 0, 1] - ratio[i] * E[:, 0, 0]).std(ddof=1) / (
            E[:, 0, 0].mean() * np.sqrt(len(E))
        )
    return ratio, sem


fig, (ax_phi, ax_map) = plt.subplots(1, 2, figsize=(10, 4))
worst = 0.0
for name, a in names:
    phi = get_activation(name, a)
    (line,) = ax_phi.plot(x_grid, phi(x_grid), label=phi.label)
    theory = correlation_map_theory(phi, cs)
    mc, mc_sem = correlation_map_mc(phi, cs)
    ax_map.plot(cs, theory, color=line.get_color(), label=phi.label)
    ax_map.errorbar(cs, mc, yerr=2 * mc_sem, fmt="o", ms=3, color=line.get_color(), lw=0.8)
    worst = max(worst, float(np.max(np.abs(mc - theory) / np.maximum(mc_sem, 1e-12))))
ax_phi.set(xlabel="$x$", ylabel=r"$\phi(x)$", title="activations", ylim=(-1.6, 3))
ax_phi.legend()
ax_map.plot([-1, 1], [-1, 1], "k:", lw=0.8)
ax_map.set(
    xlabel="input correlation $c$",
    ylabel=r"$\mathbb{E}[\phi(u)\phi(v)] / \mathbb{E}[\phi(u)^2]$",
    title=f"correlation map: theory (lines), Monte Carlo ±2 SE (dots)\n"
    f"n = {size.width}, {size.n_networks} networks per point",
)
fig.tight_layout()
ch.save(fig, "correlation_maps")
print(f"largest |Monte Carlo − theory| over all points: {worst:.2f} standard errors")

# %%
ch.record(
    Claim.compare(
        "intro-1",
        "Monte Carlo correlation maps of one random layer match the Gaussian expectations "
        "(largest deviation over all activations and c, in standard errors)",
        "book",
        theory=0.0,
        measured=worst,
        se=1.0,
        n_se=4.5,
        figure="00_introduction/correlation_maps",
        note="4.5 SE: the largest of ~100 roughly independent |z| scores stays below it with "
        "probability ≈ 0.999.",
    )
)
# %% [markdown]
# ## A first experiment: the kernel of a deep residual network
#
# Recursion {eq}`reduced-recursion` predicts the kernel of a ReLU reduced residual network at
# every depth. Here it is against the kernels of real random networks: the line is the
# recursion, the band the Monte Carlo mean ± 2 standard errors.

# %%
sigma_w2 = 0.5
K0 = np.array([[1.0, 0.3], [0.3, 1.0]])
inputs = np.random.default_rng(ch.seed).standard_normal((2, size.width))
inputs = np.linalg.cholesky(K0) @ np.linalg.qr(inputs.T)[0].T * np.sqrt(size.width)
net = networks.ReducedResidual(width=size.width, depth=size.depth, sigma_w2=sigma_w2)
rec = simulate(net, inputs, size.n_networks, device=ch.device, seed=ch.seed)
theory = reduced_residual_kernels(K0, size.depth, "relu", sigma_w2=sigma_w2)
layers = np.arange(size.depth + 1)

fig, (ax_q, ax_c) = plt.subplots(1, 2, figsize=(10, 4))
q_mc = rec.kernel[:, :, 0, 0]
band(ax_q, layers, q_mc.mean(0), q_mc.std(0, ddof=1) / np.sqrt(len(q_mc)), label="Monte Carlo")
ax_q.plot(layers, theory[:, 0, 0], "k--", label="recursion")
ax_q.set(yscale="log", xlabel="layer $l$", ylabel="$q^{(l)}$", title="squared length")
c_mc = rec.correlation[:, :, 0, 1]
band(ax_c, layers, c_mc.mean(0), c_mc.std(0, ddof=1) / np.sqrt(len(c_mc)), label="Monte Carlo")
c_theory = theory[:, 0, 1] / np.sqrt(theory[:, 0, 0] * theory[:, 1, 1])
ax_c.plot(layers, c_theory, "k--", label="recursion")
ax_c.set(xlabel="layer $l$", ylabel="$c^{(l)}$", title="correlation between the two inputs")
ax_c.legend()
fig.suptitle(
    f"ReLU reduced residual network, $\\sigma_w^2$ = {sigma_w2}: "
    f"n = {size.width}, {size.n_networks} networks"
)
fig.tight_layout()
ch.save(fig, "kernel_vs_depth")

# %%
log_q = np.log(q_mc[:, -1])
ch.record(
    Claim.compare(
        "intro-2",
        "The mean log squared length at the last layer follows the infinite-width recursion",
        "book",
        theory=float(np.log(theory[-1, 0, 0])),
        measured=float(log_q.mean()),
        se=float(log_q.std(ddof=1) / np.sqrt(len(log_q))),
        figure="00_introduction/kernel_vs_depth",
    )
)
# %% [markdown]
# ## How to rerun everything
#
# ```bash
# make book                               # set up, execute every chapter (quick), render build/html/
# make test                               # set up, lint, run the test suite
# make figures PROFILE=full DEVICE=cuda   # the GPU-sized run
# ```
#
# Each chapter is a Jupytext script under `chapters/` with a `parameters` cell (`profile`,
# `device`, `seed`); papermill executes it into `build/notebooks/`, the figures go to
# `figures/<chapter>/` (PNG and PDF, stamped with the git commit, profile, device and seed),
# and the claims to `build/claims/<chapter>.json`.
#
# ## How to read a verdict
#
# Each claim gets one of three verdicts on the [scorecard](scorecard.md):
#
# * **reproduced** — theory and measurement agree within the stated tolerance, usually four
#   standard errors of the Monte Carlo estimate (plus, where stated, a finite-size bias);
# * **not reproduced** — they do not;
# * **not decidable at this profile** — the `quick` profile's sizes cannot tell; rerun with
#   `PROFILE=full`.

# %%
ch.finish()
