"""Monte Carlo engine: samplers agree, infinite-width kernels, reproducibility, depth 10⁴."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats
import torch

import resprop.simulate as sim
from resprop.networks import (
    BalancedResidual,
    FeedForward,
    FullResidual,
    PreActResidual,
    ReducedResidual,
)
from resprop.simulate import Record, simulate

RNG = np.random.default_rng(20240611)
U64 = RNG.standard_normal((2, 64))  # two generic inputs in ℝ⁶⁴
U8 = np.array(
    [[1.0, 0.5, -0.3, 0.8, 0.0, -1.2, 0.4, 0.9], [0.2, -1.0, 0.8, 0.1, 0.7, -0.4, 0.0, 1.1]]
)


def _id(net) -> str:
    """A short ASCII test id: family, activation, variant."""
    return "-".join([type(net).__name__, net.activation, getattr(net, "variant", "")]).strip("-")


def _inputs(net):
    return U64[:, : net.in_features] if net.input_dim is None else U8[:, : net.input_dim]


# ---------------------------------------------------------------------------------------------
# dense (materialised weights) and gram (exact in law) samplers agree in distribution

KS_FAMILIES = [
    FeedForward(64, 16, activation="tanh", sigma_w2=1.5, sigma_b2=0.05),
    ReducedResidual(64, 16, sigma_w2=2.0, sigma_b2=0.1),
    FullResidual(64, 16, activation="erf", sigma_b2=0.1, sigma_a2=0.1, input_dim=8),
    PreActResidual.hayou_yang(64, 16, branch_scale=1.5, activation="alpha_relu", alpha=0.7),
    ReducedResidual(64, 16, activation="linear", sigma_w2=0.5, sigma_b2=0.2, input_dim=8),
    BalancedResidual(64, 16),
    BalancedResidual(64, 16, variant="random_sign"),
]


@pytest.mark.parametrize("net", KS_FAMILIES, ids=_id)
def test_dense_and_gram_agree_in_distribution(net):
    u = _inputs(net)
    kw = dict(n_tangents=1, progress=False)
    dense = simulate(net, u, 600, sampler="dense", seed=1, **kw)
    gram = simulate(net, u, 3000, sampler="gram", seed=2, **kw)
    for name, pick in [
        ("log_sq_norm", lambda r: r.log_sq_norm[:, -1, 0]),
        ("correlation", lambda r: r.correlation[:, -1, 0, 1]),
        ("jvp_log_sq_norm", lambda r: r.jvp_log_sq_norm[:, -1, 0]),
        ("active_fraction", lambda r: r.active_fraction[:, -1, 1]),
    ]:
        p = scipy.stats.ks_2samp(pick(dense), pick(gram)).pvalue
        assert p > 1e-3, f"{name}: two-sample KS p = {p:.2g}"


# ---------------------------------------------------------------------------------------------
# Monte Carlo kernels against the infinite-width recursion, written here independently of
# resprop.gaussian / resprop.theory: E[relu(u) relu(v)] = √(q₁q₂)/(2π) (sin θ + (π − θ) cos θ).


def relu_kernel(k: np.ndarray) -> np.ndarray:
    """E[relu(z_a) relu(z_b)] for z ~ N(0, K) (the arc-cosine kernel of degree 1)."""
    d = np.sqrt(np.diag(k))
    theta = np.arccos(np.clip(k / np.outer(d, d), -1.0, 1.0))
    return np.outer(d, d) / (2 * np.pi) * (np.sin(theta) + (np.pi - theta) * np.cos(theta))


def mean_field(net, u: np.ndarray):
    """Infinite-width kernels of the state, of φ(state), and FullResidual's pre-activation."""
    k = net.sigma_in2 * u @ u.T / u.shape[1]
    ks, acts, pres = [k], [relu_kernel(k)], [np.full_like(k, np.nan)]
    for _ in range(net.depth):
        pre = np.full_like(k, np.nan)
        if isinstance(net, FeedForward):
            k = net.sigma_w2 * relu_kernel(k) + net.sigma_b2
        elif isinstance(net, ReducedResidual):
            k = k + net.sigma_w2 * relu_kernel(k) + net.sigma_b2
        elif isinstance(net, FullResidual):
            pre = net.sigma_w2 * k + net.sigma_b2
            k = k + net.sigma_v2 * relu_kernel(pre) + net.sigma_a2
        elif isinstance(net, PreActResidual):
            k = k + net.branch_multiplier**2 * (net.sigma_w2 * relu_kernel(k) + net.sigma_b2)
        else:  # both balanced variants: σ(±x) and σ(Dx) have the relu kernel of x
            k = k + net.c * relu_kernel(k)
        ks.append(k)
        acts.append(relu_kernel(k))
        pres.append(pre)
    return np.array(ks), np.array(acts), np.array(pres)


MF_FAMILIES = [
    FeedForward(512, 6, sigma_w2=1.8, sigma_b2=0.1, input_dim=8),
    ReducedResidual(512, 6, sigma_w2=1.0, sigma_b2=0.1, input_dim=8),
    FullResidual(512, 6, sigma_w2=1.5, sigma_b2=0.1, sigma_v2=0.8, sigma_a2=0.05, input_dim=8),
    PreActResidual(512, 6, sigma_w2=2.0, sigma_b2=0.2, branch_scale=0.8, input_dim=8),
    BalancedResidual(512, 6, c=1.0, input_dim=8),
    BalancedResidual(512, 6, c=1.0, variant="random_sign", input_dim=8),
]


@pytest.mark.parametrize("net", MF_FAMILIES, ids=_id)
def test_relu_kernels_match_infinite_width_recursion(net):
    """Every layer's mean kernel within 4 standard errors of the arc-cosine recursion.

    The input layer makes x⁰ exactly Gaussian, so layer 0 is unbiased; later layers carry an
    O(L/n) finite-width bias (≈ 1 % at L/n ≈ 0.01), below 4 SE ≈ 2–4 % at B = 300.
    """
    rec = simulate(net, U8, 300, seed=3, progress=False)
    ks, acts, pres = mean_field(net, U8)
    for name, theory in [("kernel", ks), ("act_kernel", acts), ("pre_kernel", pres)]:
        if name == "pre_kernel" and rec.pre_kernel is None:
            continue
        mean, se = rec.mean(name), rec.sem(name)  # SE: sample sd over networks / √B
        defined = np.isfinite(theory)
        z = np.abs(mean - theory)[defined] / se[defined]
        assert z.max() < 4, f"{name}: largest deviation {z.max():.2f} SE"
    # readout z = W_out x^L, W_out ~ N(0, σ_out²/n): E[z_a z_b] = σ_out² K^L_ab
    prod = np.einsum("bio,bjo->bij", rec.output, rec.output) / net.output_dim
    z = np.abs(prod.mean(0) - net.sigma_out2 * ks[-1]) / (prod.std(0, ddof=1) / math.sqrt(300))
    assert z.max() < 4


def test_linear_networks_match_exact_moment_recursion():
    """Linear φ: E[K'] = (1 + σ_w²) E[K] + σ_b² holds exactly at every width, and JVPs are the
    bias-free map itself: E‖J_l t‖²/n = σ_in² (1 + σ_w²)^l for t ~ N(0, I_d)."""
    net = ReducedResidual(64, 10, activation="linear", sigma_w2=0.5, sigma_b2=0.2, input_dim=8)
    B = 4000
    rec = simulate(net, U8, B, n_tangents=2, seed=4, progress=False)
    k, t = [net.sigma_in2 * U8 @ U8.T / 8], [net.sigma_in2]
    for _ in range(net.depth):
        k.append((1 + net.sigma_w2) * k[-1] + net.sigma_b2)
        t.append((1 + net.sigma_w2) * t[-1])
    z = np.abs(rec.mean("kernel") - np.array(k)) / rec.sem("kernel")
    assert z.max() < 4
    jvp = np.exp(rec.jvp_log_sq_norm)
    z = np.abs(jvp.mean(0) - np.array(t)[:, None]) / (jvp.std(0, ddof=1) / math.sqrt(B))
    assert z.max() < 4


# ---------------------------------------------------------------------------------------------
# reproducibility


def _assert_same(a: Record, b: Record) -> None:
    for name in (
        "log_sq_norm",
        "correlation",
        "act_kernel",
        "active_fraction",
        "active_energy",
        "same_sign",
        "jvp_log_sq_norm",
        "output_scaled",
        "output_log_scale",
    ):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


@pytest.mark.parametrize("sampler", ["gram", "dense"])
def test_same_seed_same_result_whatever_the_chunks(sampler, monkeypatch):
    monkeypatch.setitem(sim._BLOCK_ELEMENTS, ("cpu", sampler), 2**14)  # small blocks: fast test
    net = ReducedResidual(64, 4, sigma_b2=0.1)
    kw = dict(sampler=sampler, seed=7, n_tangents=1, same_sign_lags=(1, 2), progress=False)
    block = sim._block_size(net, sampler, 3, torch.device("cpu"))
    n = 2 * block + block // 2 + 1  # three blocks, the last one partial
    whole = simulate(net, U64, n, **kw)
    _assert_same(whole, simulate(net, U64, n, **kw))
    _assert_same(whole, simulate(net, U64, n, chunk_size=block, **kw))
    _assert_same(whole, simulate(net, U64, n, chunk_size=2 * block - 5, **kw))
    _assert_same(whole, simulate(net, U64, n, memory_budget=1, **kw))  # one block per chunk
    other = simulate(net, U64, n, **{**kw, "seed": 8})
    assert not np.array_equal(whole.log_sq_norm, other.log_sq_norm)
    # networks are independent: no two share their final norms
    assert len(np.unique(whole.log_sq_norm[:, -1, 0])) == n


def test_log_space_rescaling_is_exact(monkeypatch):
    """Rescaling by powers of two at every layer (a tiny range) changes nothing but rounding."""
    nets = [
        ReducedResidual(32, 12, sigma_w2=2.0, sigma_b2=0.3),
        FullResidual(32, 12, sigma_w2=2.0, sigma_b2=0.2, sigma_v2=2.0, sigma_a2=0.1),
        FeedForward(32, 12, activation="linear", sigma_w2=3.0, sigma_b2=0.5),
        # α-homogeneous φ: φ(2^E x̃) = 2^{αE} φ(x̃), the factor 2^{(α−1)E} in the branch
        ReducedResidual(32, 12, activation="alpha_relu", alpha=0.8, sigma_w2=2.0, sigma_b2=0.3),
        # tanh: only the tangent columns (linear in t) are rescaled
        FeedForward(32, 12, activation="tanh", sigma_w2=3.0, sigma_b2=0.1),
    ]
    for net in nets:
        kw = dict(n_networks=50, n_tangents=2, seed=5, progress=False)
        u = U64[:, :32] * (1.0 if net.activation == "tanh" else 1e3)  # tanh′(1e3) = 0
        plain = simulate(net, u, **kw)
        monkeypatch.setattr(sim, "_LOG2_RANGE", 0.25)
        rescaled = simulate(net, u, **kw)
        monkeypatch.undo()
        if net.activation != "tanh":
            assert np.any(rescaled.output_log_scale != 0.0)
        for name in ("log_sq_norm", "correlation", "act_kernel", "jvp_log_sq_norm", "output"):
            np.testing.assert_allclose(
                getattr(rescaled, name), getattr(plain, name), rtol=1e-10, atol=1e-12, err_msg=name
            )
        if rescaled.pre_kernel is not None:
            np.testing.assert_allclose(rescaled.pre_kernel, plain.pre_kernel, rtol=1e-10)


# ---------------------------------------------------------------------------------------------
# depth 10⁴ in log-space


def test_he_relu_resnet_at_depth_ten_thousand():
    """Li–Nica–Roy's ReLU ResNet (σ_w² = 2, no bias) at L = 10⁴: no overflow, and the growth
    ln‖x‖² ≈ L ln 2 with its finite-width corrections from the exact one-layer law.

    Given x, ρ = ‖x'‖²/‖x‖² = 1 + 2g + σ²r χ²_n/n with g ~ N(0, σ²r/n), r = ‖relu x‖²/‖x‖²:
    E[ρ | x] = 1 + σ²r exactly, Var[ρ | x] = (4σ²r + 2σ⁴r²)/n. Increments minus their
    conditional means are martingale differences (uncorrelated), so their average over all
    layers and networks has SE = sd/√(B·L).
    """
    n, L, B, s2 = 64, 10_000, 6, 2.0
    rec = simulate(ReducedResidual(n, L, sigma_w2=s2), U64, B, n_tangents=1, progress=False)
    for name in ("log_sq_norm", "correlation", "jvp_log_sq_norm", "active_energy"):
        assert np.isfinite(getattr(rec, name)).all(), name
    assert rec.log_sq_norm[:, -1].min() > 0.5 * L * math.log(2)  # far beyond float64's e^709
    step = np.diff(rec.log_sq_norm, axis=1)
    r = rec.active_energy[:, :-1]
    # exact identity: E[e^Δ − 1 − σ²r] = 0
    d = np.exp(step) - 1 - s2 * r
    assert abs(d.mean()) < 4 * d.std() / math.sqrt(d.size)
    # log growth per layer: E[Δ | x] = ln(1 + σ²r) − Var[ρ|x] / (2(1 + σ²r)²) + O(n⁻²)
    drift = np.log1p(s2 * r) - (4 * s2 * r + 2 * s2**2 * r**2) / (2 * n * (1 + s2 * r) ** 2)
    m = step - drift
    assert abs(m.mean()) < 4 * m.std() / math.sqrt(m.size) + 4 / n**2
    # … so the growth is L ln 2 up to that O(1/n) drift (r = 1/2 − O(1/n); Jensen −(3/4)/n)
    slope = (rec.log_sq_norm[:, -1] - rec.log_sq_norm[:, 0]) / L
    assert abs(slope.mean() - math.log(2)) < 4 * slope.std(ddof=1) / math.sqrt(B) + abs(
        drift.mean() - math.log(2)
    )


def test_chunking_is_bit_identical_after_log_space_rescaling(monkeypatch):
    """Depth 200 at σ_w² = 2: ln‖x‖² grows by ≈ ln 2 per layer, so every column is rescaled
    about every 32 layers. The decision is taken per column from its own numbers, so the chunk
    around a network changes no bit (before, one out-of-range column rescaled the whole chunk)."""
    monkeypatch.setitem(sim._BLOCK_ELEMENTS, ("cpu", "gram"), 2**10)  # 16-network blocks
    net = ReducedResidual(32, 200, sigma_w2=2.0, sigma_b2=0.1)
    u = np.stack([U64[0, :32], 1e-3 * U64[1, :32]])  # the columns rescale at different layers
    kw = dict(seed=11, n_tangents=1, progress=False)
    whole = simulate(net, u, 40, **kw)
    assert np.ptp(whole.output_log_scale) > 0 and whole.output_log_scale.min() > 30
    for chunk in (16, 33):
        _assert_same(whole, simulate(net, u, 40, chunk_size=chunk, **kw))
    # a run of the first whole block alone gives those networks' numbers bit for bit
    block = sim._block_size(net, "gram", 3, torch.device("cpu"))
    _assert_same_rows(whole, simulate(net, u, block, **kw))


def _assert_same_rows(a: Record, b: Record) -> None:
    for name in ("log_sq_norm", "correlation", "act_kernel", "output_log_scale"):
        np.testing.assert_array_equal(getattr(a, name)[: b.n_networks], getattr(b, name))


def test_deep_relu_correlations_approach_one_but_never_collapse():
    """ReLU ResNets at width 64 and depth 1000: finite-width rank collapse drives 1 − ρ to
    1e-11…1e-6, so the Gram Cholesky factor's second pivot is that small relative to the first.
    A pivot tolerance much above m·64·eps (e.g. 1e-4) zeroes it, the two inputs become identical
    (ρ = 1 exactly, forever), and ln(1 − ρ) = −∞. Competing hypothesis: ρ collapses to 1. The
    gram sampler's ln(1 − ρ_L) must agree with the dense sampler's (the same law) within 4 SE
    of the difference of two independent means."""
    net = ReducedResidual(64, 1000, sigma_w2=1.0)
    u = np.stack([U64[0], U64[0] + 0.3 * U64[1]])
    gram = simulate(net, u, 32, seed=1, progress=False)
    dense = simulate(net, u, 16, sampler="dense", seed=2, progress=False)
    a, b = (np.log1p(-r.correlation[:, -1, 0, 1]) for r in (gram, dense))
    assert np.isfinite(a).all() and np.isfinite(b).all(), "correlation collapsed to exactly 1"
    assert np.median(a) < -np.log(1e4)  # deep in the regime where a 1e-4 tolerance collapses
    se = math.hypot(a.std(ddof=1) / math.sqrt(a.size), b.std(ddof=1) / math.sqrt(b.size))
    assert abs(a.mean() - b.mean()) < 4 * se


def test_huge_inputs_do_not_overflow_relu_networks():
    """Inputs of norm 1e200 (their squares overflow float64): ReLU networks are homogeneous, so
    every statistic is that of the unit-scale inputs, shifted by ln(1e200²) for the norms."""
    net = ReducedResidual(64, 6, sigma_w2=2.0, sigma_b2=0.0)
    small = simulate(net, U64, 20, seed=3, progress=False)
    with pytest.warns(RuntimeWarning, match="act_kernel"):  # ≈ 1e400: beyond float64
        huge = simulate(net, 1e200 * U64, 20, seed=3, progress=False)
    shift = 400 * math.log(10)  # ln((1e200)²), the scale of u enters only the norms
    np.testing.assert_allclose(huge.log_sq_norm - shift, small.log_sq_norm, atol=1e-10)
    np.testing.assert_allclose(huge.correlation, small.correlation, rtol=1e-12)
    tanh = FeedForward(64, 3, activation="tanh", sigma_w2=1.5)
    rec = simulate(tanh, 1e200 * U64, 10, progress=False)  # a finite state whose squares overflow
    assert np.isfinite(rec.log_sq_norm).all() and np.isfinite(rec.correlation).all()


def test_chaotic_tanh_jvp_and_near_linear_alpha_relu_at_depth_ten_thousand():
    """tanh feed-forward at σ_w² = 50 is chaotic: ‖J t‖² grows like χ^L, χ = σ_w² E[φ′(h)²] > 1
    (e^{thousands} at L = 10⁴); the tangent columns are linear in t, so log-space keeps them
    finite. α-ReLU with α = 0.999 is 0.999-homogeneous: ‖x‖² grows almost like ReLU's 2^L."""
    ff = simulate(
        FeedForward(16, 10_000, activation="tanh", sigma_w2=50.0),
        U64[:, :16],
        3,
        n_tangents=1,
        progress=False,
    )
    assert np.isfinite(ff.jvp_log_sq_norm).all() and np.isfinite(ff.log_sq_norm).all()
    assert ff.jvp_log_sq_norm[:, -1].min() > 1000  # far beyond float64's e^709
    net = ReducedResidual(16, 10_000, activation="alpha_relu", alpha=0.999, sigma_w2=2.0)
    with pytest.warns(RuntimeWarning, match="act_kernel"):
        ar = simulate(net, U64[:, :16], 3, n_tangents=1, progress=False)
    for name in ("log_sq_norm", "correlation", "jvp_log_sq_norm", "active_energy"):
        assert np.isfinite(getattr(ar, name)).all(), name
    assert ar.log_sq_norm[:, -1].max() > 1000


def test_dead_networks_give_zero_not_nan():
    """Width-2 ReLU feed-forward nets die (every unit inactive) within a few layers: then
    φ(x) = 0 exactly, and act_kernel, active_energy and the JVP's correlation-free fields are 0."""
    net = FeedForward(2, 30, sigma_w2=2.0)
    with pytest.warns(RuntimeWarning):
        rec = simulate(net, U64[:, :2], 200, n_tangents=1, progress=False)
    dead = rec.active_fraction[:, -1].max(-1) == 0
    assert dead.any()
    for name in ("act_kernel", "correlation", "active_energy", "active_fraction"):
        assert not np.isnan(getattr(rec, name)).any(), name
    assert (rec.act_kernel[dead, -1] == 0).all()


# ---------------------------------------------------------------------------------------------
# details of the record


def test_record_fields_shapes_and_definitions():
    net = FullResidual(32, 5, sigma_b2=0.1, output_dim=3)
    rec = simulate(net, U64[:, :32], 20, n_tangents=2, same_sign_lags=(1, 3), progress=False)
    B, L1, k = 20, 6, 2
    shapes = {
        "log_sq_norm": (B, L1, k),
        "correlation": (B, L1, k, k),
        "kernel": (B, L1, k, k),
        "act_kernel": (B, L1, k, k),
        "pre_kernel": (B, L1, k, k),
        "active_fraction": (B, L1, k),
        "active_energy": (B, L1, k),
        "same_sign": (B, L1, k, 2),
        "jvp_log_sq_norm": (B, L1, 2),
        "output": (B, k, 3),
    }
    for name, shape in shapes.items():
        assert getattr(rec, name).shape == shape, name
        assert getattr(rec, name).dtype == np.float64
        assert rec.mean(name).shape == rec.sem(name).shape == shape[1:]
    np.testing.assert_allclose(np.diagonal(rec.kernel, axis1=2, axis2=3), np.exp(rec.log_sq_norm))
    np.testing.assert_allclose(np.diagonal(rec.correlation, axis1=2, axis2=3), 1.0)
    assert np.isnan(rec.pre_kernel[:, 0]).all() and np.isfinite(rec.pre_kernel[:, 1:]).all()
    assert np.isnan(rec.same_sign[:, 0]).all() and np.isnan(rec.same_sign[:, :3, :, 1]).all()
    assert np.isfinite(rec.same_sign[:, 3:]).all()
    for name in ("active_fraction", "active_energy", "same_sign"):
        v = getattr(rec, name)
        assert np.nanmin(v) >= 0 and np.nanmax(v) <= 1
    # layer 0 is the input itself (no input layer): exact statistics of u
    u = U64[:, :32]
    relu_u = np.maximum(u, 0)
    np.testing.assert_allclose(rec.log_sq_norm[:, 0], np.log((u**2).mean(1))[None].repeat(B, 0))
    np.testing.assert_allclose(rec.active_fraction[:, 0], (u > 0).mean(1)[None].repeat(B, 0))
    np.testing.assert_allclose(rec.act_kernel[:, 0], (relu_u @ relu_u.T / 32)[None].repeat(B, 0))
    assert (rec.network, rec.n_networks, rec.sampler, rec.dtype) == (net, 20, "gram", "float64")


def test_identical_and_dead_inputs_are_exact():
    """Identical inputs stay identical (a singular Gram matrix); a zero input stays zero."""
    net = ReducedResidual(64, 8, sigma_w2=2.0)
    with pytest.warns(RuntimeWarning, match="log_sq_norm is not finite.*layer 0"):
        rec = simulate(net, np.stack([U64[0], U64[0], 0 * U64[0]]), 30, progress=False)
    assert (rec.correlation[:, :, 2, :] == 0).all() and (rec.act_kernel[:, :, 2] == 0).all()
    assert (rec.active_energy[:, :, 2] == 0).all() and (rec.kernel[:, :, 2] == 0).all()
    np.testing.assert_allclose(rec.correlation[:, :, 0, 1], 1.0, atol=1e-12)
    np.testing.assert_array_equal(rec.log_sq_norm[:, :, 2], -np.inf)
    assert np.isfinite(rec.log_sq_norm[:, :, :2]).all()


def test_psd_cholesky_handles_singular_matrices():
    """Gram matrices of columns that repeat (identical inputs) or vanish (dead ReLU units)."""
    g = torch.Generator().manual_seed(0)
    h = torch.randn(300, 5, 64, dtype=torch.float64, generator=g)
    h[:, 3] = h[:, 1]  # a repeated column
    h[:100, 2] = 0.0  # a zero column
    h[100:200, 0] = 0.0
    s = h @ h.transpose(1, 2)
    f = sim._psd_cholesky(s)
    assert torch.equal(f, f.tril()) and torch.isfinite(f).all()
    assert (f[:, 3, 3] == 0).all() and (f[:100, :, 2] == 0).all()
    scale = torch.diagonal(s, dim1=1, dim2=2).amax(-1)[:, None, None]
    assert ((f @ f.transpose(1, 2) - s).abs() / scale).max() < 1e-13
    full = s + torch.eye(5, dtype=torch.float64)
    torch.testing.assert_close(sim._psd_cholesky(full), torch.linalg.cholesky(full))


@pytest.mark.parametrize("n", [1024, 33])
def test_cpu_gram_of_a_network_does_not_depend_on_the_chunk(n):
    """On CPU Gram matrices and squared norms are NumPy dot products: the bits of each network
    are those of the network alone, at another address (another alignment) too."""
    h = torch.from_numpy(RNG.standard_normal((40, 3, n)))
    ops = sim._GramOps(ReducedResidual(n, 2), 3, [], 40, torch.device("cpu"), torch.float64)
    gram, norms = ops._gram(h), ops.sq_norms(h)
    for i in range(40):
        alone = h[i : i + 1].clone()
        assert torch.equal(gram[i : i + 1], ops._gram(alone))
        assert torch.equal(norms[i : i + 1], ops.sq_norms(alone))


def test_float32_state_agrees_with_float64():
    net = ReducedResidual(64, 8, sigma_w2=2.0, sigma_b2=0.1)
    r64 = simulate(net, U64, 200, seed=1, progress=False)
    r32 = simulate(net, U64, 200, seed=1, dtype=torch.float32, progress=False)
    assert r32.dtype == "float32" and r32.log_sq_norm.dtype == np.float64
    # same generators, float32 draws: different samples of the same law
    p = scipy.stats.ks_2samp(r64.log_sq_norm[:, -1, 0], r32.log_sq_norm[:, -1, 0]).pvalue
    assert p > 1e-3


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"network": "resnet"}, "network"),
        ({"inputs": np.zeros((2, 5))}, "inputs"),
        ({"inputs": np.full((1, 16), np.nan)}, "inputs"),
        ({"n_networks": 0}, "n_networks"),
        ({"sampler": "sparse"}, "sampler"),
        ({"device": "tpu"}, "device"),
        ({"dtype": torch.float16}, "dtype"),
        ({"seed": -1}, "seed"),
        ({"n_tangents": -1}, "n_tangents"),
        ({"same_sign_lags": (0,)}, "same_sign_lags"),
        ({"fields": "act_kernel"}, "fields"),
        ({"fields": ("kernel",)}, "fields"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"memory_budget": 0}, "memory_budget"),
    ],
)
def test_bad_arguments_raise_naming_the_parameter(kwargs, name):
    args = {"network": ReducedResidual(16, 2), "inputs": np.ones((1, 16)), "n_networks": 2}
    args.update(kwargs)
    with pytest.raises(ValueError, match=rf"^{name}:"):
        simulate(progress=False, **args)


@pytest.mark.parametrize(
    "net",
    [
        FeedForward(64, 6, activation="tanh", sigma_w2=1.5, sigma_b2=0.05),
        FullResidual(64, 6, activation="erf", sigma_b2=0.1, input_dim=8),
        BalancedResidual(64, 6, variant="random_sign"),
    ],
    ids=_id,
)
@pytest.mark.parametrize(
    "fields", [("log_sq_norm",), ("act_kernel",), ("active_energy", "same_sign", "pre_kernel")]
)
def test_fields_left_out_are_none_and_the_rest_bit_identical(net, fields):
    u = _inputs(net)
    kw = dict(n_tangents=1, progress=False, seed=3, same_sign_lags=(1, 2))
    full = simulate(net, u, 40, **kw)
    part = simulate(net, u, 40, fields=fields, **kw)
    always = {"log_sq_norm", "correlation", "jvp_log_sq_norm"}
    for name in sim.PER_LAYER_FIELDS:
        value = getattr(part, name)
        if name in always or name in fields:
            if getattr(full, name) is not None:
                np.testing.assert_array_equal(value, getattr(full, name), err_msg=name)
        elif name != "act_kernel" or net.activation != "relu" or "active_energy" not in fields:
            assert value is None, name
    np.testing.assert_array_equal(part.output, full.output)
    if part.act_kernel is None:
        with pytest.raises(ValueError, match="^act_kernel: not recorded"):
            part.mean("act_kernel")


def _torch_path(monkeypatch) -> None:
    """From here on, simulate's CUDA code path on the CPU: torch generators
    (``_torch_generator``), torch's normal_, bernoulli_ signs, torch's tanh and per-block bmm
    instead of the NumPy host path."""
    monkeypatch.setattr(sim, "_generator", sim._torch_generator)
    init = sim._Ops.__init__

    def torch_only(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.host_rng = False

    monkeypatch.setattr(sim._Ops, "__init__", torch_only)


@pytest.mark.parametrize("net", KS_FAMILIES, ids=_id)
def test_the_cuda_code_path_on_cpu_agrees_in_law_and_ignores_chunking(net, monkeypatch):
    u = _inputs(net)
    kw = dict(n_tangents=1, progress=False, device="cpu")
    host = simulate(net, u, 2000, seed=1, **kw)
    _torch_path(monkeypatch)
    path = simulate(net, u, 2000, seed=2, **kw)
    _assert_same(path, simulate(net, u, 2000, seed=2, chunk_size=300, **kw))
    for name, pick in [
        ("log_sq_norm", lambda r: r.log_sq_norm[:, -1, 0]),
        ("jvp_log_sq_norm", lambda r: r.jvp_log_sq_norm[:, -1, 0]),
    ]:
        p = scipy.stats.ks_2samp(pick(host), pick(path)).pvalue
        assert p > 1e-3, f"{name}: two-sample KS p = {p:.2g}"


# ---------------------------------------------------------------------------------------------
# CUDA


@pytest.mark.gpu
def test_cuda_matches_cpu_in_law_and_is_reproducible():
    for net in (ReducedResidual(256, 32, sigma_w2=2.0, sigma_b2=0.1), BalancedResidual(256, 32)):
        u = np.tile(U64, 4)  # (2, 256)
        kw = dict(n_tangents=1, progress=False)
        cpu = simulate(net, u, 2000, device="cpu", **kw)
        gpu = simulate(net, u, 2000, device="cuda", **kw)
        for name in ("log_sq_norm", "jvp_log_sq_norm"):
            a, b = getattr(cpu, name)[:, -1, 0], getattr(gpu, name)[:, -1, 0]
            assert scipy.stats.ks_2samp(a, b).pvalue > 1e-3, name
        again = simulate(net, u, 2000, device="cuda", **kw)
        _assert_same(gpu, again)
        assert gpu.device.startswith("cuda")


@pytest.mark.gpu
def test_cuda_dense_and_gram_agree():
    net = FullResidual(128, 16, sigma_b2=0.1, sigma_a2=0.1)
    u = np.tile(U64, 2)
    dense = simulate(net, u, 2000, sampler="dense", device="cuda", progress=False)
    gram = simulate(net, u, 4000, sampler="gram", device="cuda", seed=1, progress=False)
    p = scipy.stats.ks_2samp(dense.log_sq_norm[:, -1, 0], gram.log_sq_norm[:, -1, 0]).pvalue
    assert p > 1e-3


@pytest.mark.gpu
@pytest.mark.parametrize("net", KS_FAMILIES, ids=_id)
def test_cuda_philox_sampler_matches_cpu_sfc64_in_law(net):
    """Every family on CUDA (torch Philox normals) against CPU (NumPy SFC64 ziggurat): the
    same law, so two-sample KS on the final log-norm, JVP and correlation; and CUDA log-space
    (tangents of a chaotic tanh net) stays finite."""
    u = _inputs(net)
    kw = dict(n_tangents=1, progress=False)
    cpu = simulate(net, u, 3000, device="cpu", seed=1, **kw)
    gpu = simulate(net, u, 3000, device="cuda", seed=2, **kw)
    for name, pick in [
        ("log_sq_norm", lambda r: r.log_sq_norm[:, -1, 0]),
        ("jvp_log_sq_norm", lambda r: r.jvp_log_sq_norm[:, -1, 0]),
        ("correlation", lambda r: r.correlation[:, -1, 0, 1]),
    ]:
        assert scipy.stats.ks_2samp(pick(cpu), pick(gpu)).pvalue > 1e-3, name
    chaotic = FeedForward(64, 2000, activation="tanh", sigma_w2=50.0)
    rec = simulate(chaotic, U64, 8, device="cuda", **kw)
    assert np.isfinite(rec.jvp_log_sq_norm).all()


def test_summary_is_a_tidy_table_of_per_layer_means_and_ses():
    net = ReducedResidual(32, 4, sigma_w2=0.5)
    rec = simulate(net, np.eye(2, 32), 50, sampler="gram", seed=3, same_sign_lags=(1,))
    table = rec.summary()
    assert set(table.dtype.names) == {"field", "layer", "index", "mean", "se"}
    row = table[
        (table["field"] == "correlation") & (table["layer"] == 4) & (table["index"] == "0,1")
    ]
    assert len(row) == 1
    assert row["mean"][0] == rec.mean("correlation")[4, 0, 1]
    assert row["se"][0] == rec.sem("correlation")[4, 0, 1]
    # one row per layer and trailing index for each field that is set
    norms = table[table["field"] == "log_sq_norm"]
    assert len(norms) == 5 * 2 and set(norms["index"]) == {"0", "1"}
    assert "pre_kernel" not in set(table["field"])  # not recorded by this family
    lagged = table[(table["field"] == "same_sign") & (table["layer"] == 0)]
    assert np.isnan(lagged["mean"]).all()  # defined as NaN for l < lag
    only = rec.summary(["active_fraction"])
    assert set(only["field"]) == {"active_fraction"} and len(only) == 5 * 2
    with pytest.raises(ValueError, match="fields"):
        rec.summary(["kernel"])
    with pytest.raises(ValueError, match="fields"):
        rec.summary("log_sq_norm")
