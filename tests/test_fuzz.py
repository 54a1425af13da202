"""Fuzz tests (Hypothesis): every input gives a finite result or raises ValueError/TypeError.

Deterministic (``derandomize=True``), few examples per property and no deadline, so the whole
file stays well under a minute. Values are drawn from wide ranges that include invalid ones
(negative variances, NaN, inf, correlations beyond ±1), so both halves of the contract are
exercised: a clear refusal, or numbers that are all finite (the documented NaN placeholders,
such as ``pre_kernel`` at l = 0, are excluded).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resprop import estimators, gaussian, networks
from resprop.simulate import simulate
from resprop.theory import depth_limit as dl
from resprop.theory import kernels as kn
from resprop.theory import log_gaussian as lg
from resprop.theory import mean_field as mf

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)

ACTS = st.sampled_from(["relu", "tanh", "erf", "linear", "alpha_relu"])
ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True, width=64)
VARIANCE = st.one_of(st.floats(0.0, 10.0), st.floats(-5.0, 0.0), st.just(math.nan))
ALPHA = st.one_of(st.floats(0.05, 1.5), st.floats(-1.0, 0.0), st.just(math.nan))


def _finite(*arrays) -> None:
    for a in arrays:
        if a is None:
            continue
        arr = np.asarray(a, dtype=float)
        assert np.all(np.isfinite(arr)), f"non-finite result: {arr}"


def _run(call):
    """call() must return a result, or raise ValueError/TypeError; returns the result or None."""
    try:
        return call()
    except (ValueError, TypeError):
        return None


@st.composite
def kernels(draw, k_max: int = 3, scale: float = 10.0):
    """A k×k covariance A Aᵀ (sometimes rank-deficient), or sometimes a broken matrix."""
    k = draw(st.integers(1, k_max))
    entries = st.floats(-scale, scale, allow_nan=False)
    A = np.array(draw(st.lists(entries, min_size=k * k, max_size=k * k))).reshape(k, k)
    K = A @ A.T
    kind = draw(st.sampled_from(["psd", "psd", "psd", "asym", "nan", "neg"]))
    if kind == "asym" and k > 1:
        K[0, 1] += 1.0
    elif kind == "nan":
        K[0, 0] = math.nan
    elif kind == "neg":
        K = K - (np.abs(K).max() + 1.0) * np.eye(k)
    return K


# ---- theory ------------------------------------------------------------------------------------


@FUZZ
@given(
    act=ACTS,
    alpha=ALPHA,
    q1=st.one_of(st.floats(0.0, 1e6), ANY_FLOAT),
    q2=st.floats(0.0, 1e4),
    c=st.one_of(st.floats(-1.0, 1.0), ANY_FLOAT),
    derivative=st.booleans(),
)
def test_gaussian_maps(act, alpha, q1, q2, c, derivative):
    a = alpha if act == "alpha_relu" else None
    if act == "alpha_relu" and derivative and a is not None and a <= 0.5:
        a = 0.75  # α-ReLU′ has infinite variance for α ≤ ½ (documented +inf)
    out = _run(lambda: gaussian.pair_expectation(act, q1, q2, c, alpha=a, derivative=derivative))
    if out is not None:
        _finite(out)
    out = _run(lambda: gaussian.variance_map(act, q1, alpha=a, derivative=derivative))
    if out is not None:
        _finite(out)


@FUZZ
@given(act=ACTS, K=kernels(), derivative=st.booleans())
def test_kernel_map(act, K, derivative):
    a = 0.8 if act == "alpha_relu" else None
    out = _run(lambda: gaussian.kernel_map(act, K, alpha=a, derivative=derivative))
    if out is not None:
        _finite(out)
        assert np.allclose(out, np.swapaxes(out, -1, -2))


@FUZZ
@given(
    family=st.sampled_from(["feedforward", "reduced", "full", "preact"]),
    act=ACTS,
    K=kernels(scale=3.0),
    depth=st.integers(-1, 6),
    sw=VARIANCE,
    sb=VARIANCE,
)
def test_kernel_recursions(family, act, K, depth, sw, sb):
    fn = {
        "feedforward": kn.feedforward_kernels,
        "reduced": kn.reduced_residual_kernels,
        "full": kn.full_residual_kernels,
        "preact": kn.preact_residual_kernels,
    }[family]
    a = 0.7 if act == "alpha_relu" else None
    out = _run(lambda: fn(K, depth, act, alpha=a, sigma_w2=sw, sigma_b2=sb))
    if out is not None:
        if family == "full":
            K_out, H = out
            _finite(K_out, H[1:])
        else:
            _finite(out)


@FUZZ
@given(
    arch=st.sampled_from(["feedforward", "reduced", "full"]),
    act=st.sampled_from(["relu", "tanh", "erf", "alpha_relu"]),
    alpha=st.floats(0.55, 0.95),
    depth=st.integers(0, 30),
    sw=VARIANCE,
    sb=st.floats(0.0, 2.0),
    p0=st.one_of(st.floats(1e-3, 1e3), st.floats(-1.0, 0.0)),
    e0=st.one_of(st.floats(-1.0, 1.0), st.floats(1.0, 3.0)),
)
def test_mean_field(arch, act, alpha, depth, sw, sb, p0, e0):
    a = alpha if act == "alpha_relu" else None
    r = _run(
        lambda: mf.mean_field(arch, depth, act, alpha=a, sigma_w2=sw, sigma_b2=sb, p0=p0, e0=e0)
    )
    if r is not None:
        # a dead feed-forward network (σ_w² = σ_b² = 0) has ln p = −inf, a documented limit
        if not (arch == "feedforward" and sw == 0):
            _finite(r.log_p, r.epsilon, r.log_chi)


@FUZZ
@given(
    c=st.one_of(st.floats(1e-3, 10.0), ANY_FLOAT),
    width=st.integers(-1, 512),
    depth=st.integers(-1, 512),
    model=st.sampled_from(["standard", "crelu", "random_sign", "fc", "other"]),
)
def test_log_gaussian(c, width, depth, model):
    out = _run(lambda: lg.log_norm_moments(c, width, depth, model))
    if out is not None:
        _finite(out)
        assert out[1] >= 0


@settings(FUZZ, max_examples=8)  # each valid example solves an ODE to rtol 1e-12
@given(K=kernels(k_max=2, scale=2.0), t_end=st.one_of(st.floats(0.0, 1.0), ANY_FLOAT))
def test_limiting_kernel(K, t_end):
    out = _run(lambda: dl.limiting_kernel(K, [0.0, t_end], "relu"))
    if out is not None:
        _finite(out)


@FUZZ
@given(
    x=st.lists(st.one_of(st.floats(-1e3, 1e3), ANY_FLOAT), min_size=0, max_size=12),
    axis=st.sampled_from([None, 0, -1, 1]),
)
def test_estimators(x, axis):
    for fn in (
        estimators.mean_se,
        estimators.variance_se,
        estimators.log_mean_exp,
        estimators.rms_with_se,
    ):
        out = _run(lambda fn=fn: fn(np.array(x), axis=axis))
        if out is not None:
            _finite(out)


# ---- simulation: the network families ----------------------------------------------------------

FAMILIES = {
    "FeedForward": networks.FeedForward,
    "ReducedResidual": networks.ReducedResidual,
    "FullResidual": networks.FullResidual,
    "PreActResidual": networks.PreActResidual,
    "BalancedResidual": networks.BalancedResidual,
}


@st.composite
def network_kwargs(draw):
    family = draw(st.sampled_from(sorted(FAMILIES)))
    kw = dict(
        width=draw(st.integers(-1, 8)),
        depth=draw(st.integers(0, 6)),
        input_dim=draw(st.sampled_from([None, 3])),
    )
    if family == "BalancedResidual":
        kw.update(c=draw(VARIANCE), variant=draw(st.sampled_from(["crelu", "random_sign"])))
    else:
        act = draw(ACTS)
        kw.update(activation=act, sigma_w2=draw(VARIANCE))
        if act == "alpha_relu":
            kw["alpha"] = draw(st.floats(0.55, 1.2))
        if family == "FullResidual":
            kw.update(sigma_v2=draw(VARIANCE))
        if family == "PreActResidual":
            kw.update(branch_scale=draw(st.floats(-1.0, 3.0)))
    return family, kw


@settings(FUZZ, max_examples=30)
@given(
    spec=network_kwargs(),
    scale=st.floats(1e-3, 1e3),
    sampler=st.sampled_from(["gram", "dense"]),
    n_tangents=st.integers(0, 2),
)
def test_network_families_simulate_finite(spec, scale, sampler, n_tangents):
    family, kw = spec
    net = _run(lambda: FAMILIES[family](**kw))
    if net is None:
        return
    u = scale * np.random.default_rng(0).standard_normal((2, net.in_features))
    rec = _run(
        lambda: simulate(
            net, u, 3, sampler=sampler, n_tangents=n_tangents, device="cpu", progress=False
        )
    )
    if rec is None:
        return
    dead = np.any(rec.active_fraction == 0) or np.any(rec.log_sq_norm == -np.inf)
    _finite(rec.output_scaled, rec.active_fraction)
    if not dead:  # a network whose units all switched off has no direction (engine's issue)
        _finite(rec.log_sq_norm, rec.correlation, rec.act_kernel, rec.output_log_scale)
        if n_tangents:
            _finite(rec.jvp_log_sq_norm)


@settings(FUZZ, max_examples=3)
@given(scale=st.floats(1e150, 1e300))
def test_huge_inputs_stay_finite(scale):
    net = networks.ReducedResidual(4, 3, activation="relu")
    rec = simulate(net, scale * np.ones((1, 4)), 2, device="cpu", progress=False)
    _finite(rec.log_sq_norm, rec.correlation, rec.output_log_scale)


def test_dead_networks_give_defined_values():
    net = networks.FeedForward(1, 8, activation="relu", sigma_w2=2.0)
    rec = simulate(net, np.ones((2, 1)), 20, device="cpu", progress=False)
    assert np.any(rec.active_fraction[:, -1, 0] == 0)  # some networks died
    _finite(rec.correlation, rec.act_kernel)
