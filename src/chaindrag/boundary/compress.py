"""The DTBC kernel's old history as a sum of decaying complex exponentials (per-step recursive).

For k >= k0 the kernels K_{j,i}(k) of :mod:`chaindrag.boundary.kernel` are written as

    K_{j,i}(k) = Re sum_p alpha_{j,p} beta_{i,p} z_p^k,   |z_p| < 1,

so the history term sum_{k>=k0} K(k) rho(b-k) costs one complex recursion per node and
step (Jiang-Greengard local/history split; Arnold-Ehrhardt-Sofronov fast DTBC evaluation).

Derivation. In the phase variable (z = e^{i phi}) the band integral of
:func:`~chaindrag.boundary.kernel.dtbc_kernel` is (1/pi) Re int J(phi) e^{ik phi} dphi from
phi_a to phi_b, J the jump of the symbol between its two sheets (principal root of modulus
> 1 minus < 1). J is analytic off the band edges, so the path may run up the two legs
phi = phi_e + i x, x in [0, X], and across at height X; with X = 40/k0 the cross piece is
below e^-40 for every k >= k0 and is dropped. On a leg e^{ik phi} = e^{ik phi_e} e^{-kx}
and J ~ sqrt(x), so in v = ln x the integrand decays double-exponentially at large x and
as x^{3/2} at small x and is analytic in the strip |Im v| < pi/2: the trapezoidal rule in v
with step h converges like e^{-pi^2/h} uniformly in k (h = 0.33: 1e-13 relative). Near
the top of the legs (x > 0.03) the conjugate band edges (-phi_a is 2 phi_a = 0.02 away)
come within reach of the strip and the small lags k ~ k0 lose accuracy: there the step is
h = 0.26 (a logistic switch over one unit of ln x). That lets k0 be small: at d = 60,
k0 = 33 (32 direct lags) and 75 nodes per edge down to x = 1e-10, plus one tail node,
instead of k0 = 128 with h = 0.30 everywhere (73 + 1). The step may not grow towards small
x, although those nodes carry only the long lags k ~ 1/x where the kernel is small: their
quadrature error is nearly constant in k for all k < 1/x, and the band-edge waves that
linger at an end sum it coherently (measured: pi^2/h falling by 0.5 ln(x_1/x) below
x_1 = 0.01 makes a 61-site segment's error grow linearly, 1e-13 to 9e-13 over 1e6 steps).
Each node is an exponential z_p = e^{i phi_e - x_p}; on the legs the roots are computed
relative to the band edge (u = +-2 + t), whose phase must be exact to ~1e-17: an error
there detunes the slowest exponentials, and the band-edge waves that linger at an end
would sum it coherently.

Cancellation. At lags k << 1/(phi_b - phi_a) the two legs' integrals nearly cancel: their
terms reach M = sum_p |alpha_{1,p} beta_{0,p}| / max|K_{1,0}| (the ``cancellation``; 1.2
at (omega_fast, d) = (10, 60), 28 at (10, 240), 113 at (40, 400), 1700 at (1.2, 400),
where the band is 0.0026 wide), and every relative error of a term counts M times. Two
consequences. The nodes and the weights must belong to one map v(t) to rounding: the map
is integrated in closed form (an RK4 map put the nodes 8e-13 off the weights' map in the
switch, and that, times M, was an error floor of 1e-12 at (10, 240) to 8e-12 at
(1.2, 400) whatever the step). And the top step, where the small lags' quadrature error
arises (the bulk step everywhere misses by 1e-10 to 1e-8), is set from tol / max(M, 1):
8 more nodes at (1.2, 400). Rounding still leaves ~1e-16 M; a larger k0 lowers M
(~k0^-2.5: 1700, 285, 56 at k0 = 33, 64, 128 at (1.2, 400)).

Large d. The band scales like 1/d (phi_b = 2 pi/d), k0 does not: at (10, 6000) the
kernel peaks at lag 2182 (2.3/phi_b), inside the history, where the bulk step's
e^{-pi^2/h} comes with a prefactor ~50 (the Poisson term of an x^{1/2} leg is
~|Gamma(3/2 - 2 pi i/h)| e^{-pi^2/h}; at d <= 400 the lags it hits are far below the peak).
So ``peak`` is taken over lags up to 6/phi_b, and where the bulk lags (>= K_BULK) miss
tol/2 against the band integral the bulk step is refined once from the measured error.
Errors relative to the true peak (format 4, whose peak was over lags <= 4 k0 only, and
which quoted 3.8e-11 at (10, 6000) against a peak 10x too low): (10, 1500) 3.1e-13 ->
3.7e-13, (10, 3000) 1.2e-12 -> 8.9e-13 (h 0.31, 168 exponentials), (10, 6000) 5.5e-12 ->
7.9e-13 (h 0.30, 176); d <= 400 unchanged or within 1.1x (the top step's M against the
true peak), (10, 60) bit for bit. What is left at larger d is next to k0, from rounding
times M (3.5e5 at (10, 6000)): 5e-12 at (10, 12000), 4.9e-12 at (1.2, 3000) (k0 = 64:
9.9e-13 at (10, 12000); k0 = 128 at (1.2, 3000): 1.2e-12), and it is not ~M 1e-16
exactly: a larger k0 lowers M but the top step near k0 then dominates.

J has rank one (the two sheets differ in the principal root only, and both symbols map
the spurious modes alike): J = alpha beta^T with beta the coefficients of
prod_{m>=2}(lambda - lambda_m) (beta_0 = 1 at the edge site R, beta_1 = -(sum of the
spurious roots) ~ 2.26e-4 at d = 60), so each node needs one state fed by the complex
signal sum_i beta_{i,p} rho_{R-i}, not w.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..params import require_int_range, require_range
from .kernel import _batched_roots, _remainder_matrix, _small_root, _trim, _u_polynomial
from .kernel import band_edges, dtbc_kernel, dtbc_kernel_at
from ._horizon import horizon_cut, horizon_tail, map_at

__all__ = ["HistoryExponentials", "history_exponentials", "compression_error"]

CROSS_DECAY = 40.0  # X = CROSS_DECAY / k0: the dropped cross piece is < e^-40 for k >= k0
X_TOP = 0.03  # above it the legs come near the conjugate band edges: finer step
K_BULK = 256  # lags from here on are the bulk step's (x ~ 1/k < X_TOP / 8)
LANES = 4  # nodes per edge come in multiples of LANES (both edges: 8 doubles, one zmm)
# x_min = min(0.01, X_MIN_ARC (phi_b - phi_a)) tol^(2/3): the tail below x_min, lost at lags
# k >> 1/x_min, is ~0.005 (x_min / arc)^(3/2) of the peak (measured: (1.1, 20000), (1.03, 8000)
# at tol = 1e-6, (1.05, 20000) at 1e-8: 61, 57, 41 tol with 0.01 tol^(2/3) alone); the arc
# bound only acts below an arc of 1.7e-3 (d omega_fast / (omega_fast - 1) > 3770; not (10, 3000))
X_MIN_ARC = 6.0


@dataclass(frozen=True)
class HistoryExponentials:
    """Nodes and weights of the history part: K(k) = Re sum_p alpha[j, p] beta[i, p] z[p]^k.

    Attributes
    ----------
    z : ndarray of complex, shape (P,)
        Exponentials, |z| < 1.
    alpha : ndarray of complex, shape (w, P)
        Row weights (ghost R + j, j = 1..w); they include the factor z^k0.
    beta : ndarray of complex, shape (w, P)
        Signal weights on the boundary layer R - i (beta[0] = 1).
    k0 : int
        First lag represented (the lags 1..k0-1 are summed directly).
    step, step_top : float
        Trapezoidal steps in ln x, below and above X_TOP.
    x_min : float
        Smallest decay rate -ln|z| asked for (the last nodes may lie below it).
    peak : float
        max |K_{1,0}(k)| over lags k <= max(4 k0, K_BULK, 6/phi_b): the scale of ``tol``
        and of the errors.
    cancellation : float
        M = sum_p |alpha[0, p] beta[0, p]| / peak: how far the terms exceed the kernel they
        sum to at lag k0 (relative errors of the terms count M times).
    horizon : int or None
        Largest lag represented (None: all; see :func:`history_exponentials`).
    """

    z: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    k0: int
    step: float
    step_top: float
    x_min: float
    peak: float
    cancellation: float
    horizon: int | None = None

    def kernel(self, ks) -> np.ndarray:
        """K_{j,i}(k) = Re sum_p alpha beta z^(k - k0) at lags ``ks`` >= k0: (w, w, len(ks))."""
        ks = np.asarray(ks)
        zk = self.z[:, None] ** (ks[None, :] - self.k0)
        return np.einsum("jp,ip,pk->jik", self.alpha, self.beta, zk).real


def _leg_roots(c: np.ndarray, u0: float, phi_e: float, x: np.ndarray):
    """Roots on the leg z = e^{i phi_e - x} from the band edge where u = u0 = +-2.

    Returns (principal root of modulus > 1, small roots with the principal one first).
    The principal u is found from P(u0 + t) - P(u0) = cos(phi_e + ix) - cos(phi_e), the
    right side by a product formula, so that u0 + t keeps full relative accuracy next to
    the edge (a plain cos phi - C would cancel to ~1e-16 / x there).
    """
    poly = _u_polynomial(c)
    w = poly.size - 1
    shifted = np.array([sum(poly[n] * math.comb(n, m) * u0 ** (n - m) for n in range(m, w + 1))
                        for m in range(w + 1)])
    delta = -2j * np.sinh(0.5 * x) * np.sin(phi_e + 0.5j * x)
    coef = np.broadcast_to(shifted.astype(complex), x.shape + (w + 1,)).copy()
    coef[..., 0] = -delta
    t = _batched_roots(coef)
    deriv = coef[..., 1:] * np.arange(1, w + 1)
    for _ in range(2):  # Newton polish: eigenvalues are accurate only relative to the largest
        t = t - _polyval(coef, t) / _polyval(deriv, t)
    t = np.take_along_axis(t, np.argsort(np.abs(t), axis=-1), axis=-1)
    t1 = t[..., 0]
    root = np.sqrt(t1 * (2.0 * u0 + t1))
    plus, minus = 0.5 * (u0 + t1 + root), 0.5 * (u0 + t1 - root)
    bigger = np.abs(plus) >= np.abs(minus)
    big = np.where(bigger, plus, minus)
    small = np.where(bigger, minus, plus)
    spurious = _small_root(u0 + t[..., 1:])
    return big, np.concatenate([small[..., None], spurious], axis=-1)


def _polyval(coef, t):
    """sum_m coef[..., m] t[..., r]^m for each root column r (coef low to high)."""
    out = np.zeros_like(t)
    for m in range(coef.shape[-1] - 1, -1, -1):
        out = out * t + coef[..., m:m + 1]
    return out


def _spurious_beta(lam: np.ndarray) -> np.ndarray:
    """beta[..., i] = coefficient of lambda^{w-1-i} in prod_{m>=2} (lambda - lambda_m)."""
    monic = np.ones(lam.shape[:-1] + (1,), dtype=complex)
    for m in range(1, lam.shape[-1]):  # high to low powers
        monic = np.concatenate([monic, np.zeros_like(monic[..., :1])], axis=-1)
        monic[..., 1:] -= lam[..., m:m + 1] * monic[..., :-1]
    return monic


def _leg_rule(k0: int, step: float, step_top: float, x_min: float, horizon: int | None = None):
    """Nodes and weights for int_0^X f(x) dx, f ~ sqrt(x) at 0, uniformly in e^{-kx}, k >= k0.

    Trapezoid in t for the map v(t) = ln x, dv/dt = -h(v), from X = CROSS_DECAY/k0 down to
    x_min (more nodes if needed to fill a multiple of LANES), weights h x: pi^2/h(v)
    switches from pi^2/step_top above X_TOP to pi^2/step below it (logistic in v, width
    one). The map is exact: dt/dv = -(l_bulk + dl sig(v))/pi^2, sig the logistic, so the next
    node lies dv below v where l_bulk dv + dl ln(1 + sig(v) (e^dv - 1)) = -pi^2 (Newton from
    dv = -h(v)): nodes and weights belong to one map to rounding (an RK4 map was 8e-13 off,
    which the legs' cancellation amplified; see the module note). The rest, [0, x_c] with
    x_c half a step below the last node, is one Gauss-Jacobi node for the weight sqrt(x) at
    3 x_c / 5, its weight (2/3 - h^2/16) x_c^(3/2) / sqrt(3 x_c / 5) lowered by the midpoint
    rule's end correction (h^2/24) d(x f)/dv at x_c. Without it the kernel would lose a
    constant ~x_min^(3/2) for all k < 1/x_min, which the band-edge waves lingering at an
    end sum coherently (error growing with time). With a ``horizon`` (lags up to it only)
    the rest is :func:`~chaindrag.boundary._horizon.horizon_tail`, whose Gauss nodes fill
    the multiple of LANES.
    """
    l_bulk, v_top = math.pi**2 / step, math.log(X_TOP)
    dl = math.pi**2 / step_top - l_bulk

    def sig(v):
        return 1.0 / (1.0 + math.exp(v_top - v))

    v, xs, hs = math.log(CROSS_DECAY / k0), [], []
    while v > math.log(x_min) or (horizon is None and (len(xs) + 1) % LANES):
        xs.append(math.exp(v))
        hs.append(math.pi**2 / (l_bulk + dl * sig(v)))
        sig_v, dv = sig(v), -hs[-1]
        for _ in range(6):  # quadratic from |error| < 0.02: at rounding after 4
            res = l_bulk * dv + dl * math.log1p(sig_v * math.expm1(dv)) + math.pi**2
            dv -= res / (l_bulk + dl * sig(v + dv))
        v += dv
    x, h = np.array(xs), np.array(hs)
    if horizon is not None:
        tx, tq = horizon_tail(lambda v0, tau: map_at(v0, tau, l_bulk, dl, v_top), v, x.size,
                              LANES)
        return np.append(x, tx), np.append(h * x, tq)
    x_c = x[-1] * math.exp(-0.5 * h[-1])
    x_t = 0.6 * x_c
    tail = (2.0 / 3.0 - h[-1]**2 / 16.0) * x_c**1.5 / math.sqrt(x_t)
    return np.append(x, x_t), np.append(h * x, tail)


def _leg_exponentials(c: np.ndarray, k0: int, x: np.ndarray, quad: np.ndarray):
    """z, alpha, beta of both legs for the rule (x, quad): shapes (P,), (P, w), (P, w)."""
    zs, alphas, betas = [], [], []
    for sign, u0, phi_e in zip((1.0, -1.0), (2.0, -2.0), band_edges(c)):
        big, lam = _leg_roots(c, u0, phi_e, x)
        other = np.concatenate([big[..., None], lam[..., 1:]], axis=-1)
        jump = _remainder_matrix(other) - _remainder_matrix(lam)
        z = np.exp(1j * phi_e - x)
        weight = sign * 1j / math.pi * quad * z**k0  # leg a runs up (+i dx), leg b down
        zs.append(z)
        alphas.append(weight[:, None] * jump[:, :, 0])
        betas.append(_spurious_beta(lam))
    return np.concatenate(zs), np.concatenate(alphas), np.concatenate(betas)


def _reference(c: np.ndarray, k0: int) -> tuple[np.ndarray, float]:
    """The exact kernels at lags 0..n, n = max(4 k0, K_BULK, 6/phi_b), and max|K_{1,0}|.

    The kernel peaks near lag 2.3/phi_b (phi_b = 2 pi/d), inside the history at large d."""
    n = max(4 * k0, K_BULK, math.ceil(6.0 / band_edges(c)[1]))
    kern = dtbc_kernel(c, n)
    return kern, float(np.abs(kern[0, 0]).max())


def _coupling(c: np.ndarray, diff: np.ndarray) -> np.ndarray:
    """max_j (c_j/c_1) max_i |diff[j-1, i, k]| for each lag k: what the sweep receives."""
    weight = np.abs(c[1:]) / abs(c[1])
    return (weight[:, None, None] * np.abs(diff)).max(axis=(0, 1))


def history_exponentials(c, k0: int = 33, tol: float = 1e-12, *, step: float | None = None,
                         step_top: float | None = None,
                         x_min: float | None = None,
                         horizon: int | None = None) -> HistoryExponentials:
    """Exponentials representing the DTBC kernels for lags k >= ``k0`` to ~``tol`` of their peak.

    Parameters
    ----------
    c : array_like
        Half-stencil of C (``propagator_stencils(...)[0]``).
    k0 : int
        First lag of the history part (16 <= k0 <= 4096).
    tol : float
        Target error relative to max|K_{1,0}| (1e-15 <= tol <= 1e-4). Sets the trapezoidal
        steps h = pi^2 / ln(10/tol) (relative error tol/10), h_top =
        pi^2 / (ln(max(M, 1)/tol) + 10) (x > X_TOP; M the legs' cancellation, see
        :class:`HistoryExponentials`, measured on a first rule with M = 1) and the smallest
        decay rate x_min = min(1/100, 6 (phi_b - phi_a)) tol^(2/3) (a narrow band's kernel
        lives to lags ~10/(phi_b - phi_a)). Where the kernel is still large at lags >=
        K_BULK (large d) the bulk step's error there, measured against the band integral,
        refines h once (see the module note, "Large d"). Rounding leaves ~1e-16 M, so a
        tol below that is out of reach; a larger ``k0`` lowers M.
    step, step_top, x_min : float, optional
        Override h, h_top and x_min (an h given is not refined).
    horizon : int, optional
        Represent the lags k <= horizon only (runs of at most that many steps, >= 1024):
        the trapezoid stops at x_c ~ 2 / horizon and a few Gauss nodes take the rest
        (:mod:`chaindrag.boundary._horizon`), where x_c is above x_min and well inside the
        band edge's sqrt(x) scale (< arc/1000); else the horizon is ignored (``horizon``
        None in the result). ~2 exponentials per edge per doubling of the horizon instead
        of all down to x_min: 120 instead of 152 at (10, 60) and 2^19 steps
        (:func:`~chaindrag.boundary.transparent_ends` then reduces them: 64).

    Returns
    -------
    HistoryExponentials

    Raises
    ------
    ParameterError
        If ``k0`` or ``tol`` is out of range or ``c`` is not a stencil.
    """
    c = _trim(c)
    k0 = require_int_range("k0", k0, 16, 4096)
    tol = float(require_range("tol", tol, 1e-15, 1e-4))
    step_given = step is not None
    if step is None:
        step = math.pi**2 / math.log(10.0 / tol)
    if x_min is None:  # the edge's sqrt(x) is on the scale of the band's arc (see X_MIN_ARC)
        phi_a, phi_b = band_edges(c)
        x_min = min(0.01, X_MIN_ARC * (phi_b - phi_a)) * tol ** (2.0 / 3.0)
    step = float(require_range("step", step, 0.01, 2.0))
    x_min = float(require_range("x_min", x_min, 1e-30, 1e-3))
    top_from_m = step_top is None
    if top_from_m:  # a first rule measures M; the final top step is set from tol / M
        step_top = math.pi**2 / (math.log(1.0 / tol) + 10.0)
    step_top = float(require_range("step_top", step_top, 0.01, 2.0))
    if horizon is not None:
        horizon = require_int_range("horizon", horizon, 1024)
        phi_a, phi_b = band_edges(c)
        x_cut = horizon_cut(horizon, phi_b - phi_a, tol, x_min)
        horizon, x_min = (None, x_min) if x_cut is None else (horizon, x_cut)
    kern, peak = _reference(c, k0)

    def rule(step: float, step_top: float, m: float = math.nan) -> HistoryExponentials:
        z, alpha, beta = _leg_exponentials(c, k0, *_leg_rule(k0, step, step_top, x_min, horizon))
        if math.isnan(m):  # the legs' cancellation, measured on this rule
            m = float(np.abs(alpha[:, 0] * beta[:, 0]).sum()) / peak
        return HistoryExponentials(z=z, alpha=alpha.T.copy(), beta=beta.T.copy(), k0=k0,
                                   step=step, step_top=step_top, x_min=x_min, peak=peak,
                                   cancellation=m, horizon=horizon)

    hist = rule(step, step_top)
    m = hist.cancellation
    if top_from_m and m > 1.0:
        hist = rule(step, math.pi**2 / (math.log(m / tol) + 10.0), m)
    if step_given:
        return hist
    lags = np.arange(max(k0, K_BULK), kern.shape[-1])
    bulk = float(_coupling(c, hist.kernel(lags) - kern[..., lags]).max()) / peak
    if bulk <= 0.5 * tol:
        return hist
    # the bulk step's error falls like e^{-pi^2/h}: one refinement reaches tol / 4
    return rule(math.pi**2 / (math.pi**2 / step + math.log(4.0 * bulk / tol)), hist.step_top, m)


def compression_error(c, hist: HistoryExponentials, k_dense: int = 2048,
                      k_far: int = 10**5, n_far: int = 12) -> np.ndarray:
    """max_k |K_exp(k) - K(k)| for each kernel, shape (w, w).

    Lags k0..``k_dense`` all, then ``n_far`` log-spaced lags up to ``k_far``; K from the
    band integral (:func:`~chaindrag.boundary.kernel.dtbc_kernel_at`).
    """
    k_dense = require_int_range("k_dense", k_dense, hist.k0)
    k_far = require_int_range("k_far", k_far, k_dense)
    far = np.unique(np.geomspace(k_dense, k_far, n_far).astype(np.int64))
    ks = np.concatenate([np.arange(hist.k0, k_dense), far])
    err = np.zeros(hist.alpha.shape[:1] * 2)
    for lo in range(0, ks.size, 2048):
        part = ks[lo:lo + 2048]
        diff = np.abs(hist.kernel(part) - dtbc_kernel_at(c, part))
        err = np.maximum(err, diff.max(axis=-1))
    return err
