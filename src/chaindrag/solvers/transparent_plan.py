"""Planning a transparent run: its ends' data, its segment, how far an extension moves an end.

``solver="transparent"`` (:mod:`chaindrag.solvers.transparent`) runs the chain solver's
segment fixed in the lattice on sites [g_lo, g_hi), with the exact discrete transparent
boundary condition of :mod:`chaindrag.boundary` (the Appendix's infinite chain beyond the
particles' reach) at both ends. The segment covers every site a force reaches plus
:data:`END_MARGIN`. It is planned from the inputs (:func:`plan_segment`: the start, any
prescribed path, room for free particles, and a biased particle's drift as Eq. (33)'s mean
force predicts it, :func:`drift_room`) or given (:func:`given_segment`, checked).
When a kick would come within the margin of an end, a planned segment's end is moved out
exactly by :func:`extension_size` sites (the travel still to come, predicted); a given
segment stops the run. The ends' data (:func:`boundary_ends`) are computed once per
(omega_fast, d) and kept on disk.
"""

from __future__ import annotations

import math
import os
import warnings
from pathlib import Path

import numpy as np

from ..boundary import TransparentEnds, transparent_ends
from ..params import ParameterError
from ._common import sound_cone
from .job import SolverJob

#: Sites kept force-free between any kick footprint and an end (the energy window's flux
#: springs need 2 wt + 1 of them).
END_MARGIN = 16
#: Planned room for a free particle beyond its starting reach, ahead / behind (sites).
AHEAD, BEHIND = 128, 32
#: A drift run's planned travel (:func:`drift_room`) is padded by this fraction of it: Eq.
#: (33)'s mean force predicts the paper's Fig. 8 paths (v0 >= 14) within -0.7 % .. +2.4 %.
PLAN_SLACK = 0.02
#: ... and by this many sites.
PLAN_PAD = 16
#: An extension adds at least this many sites (its exterior's re-run costs
#: ~transparent.EXTERIOR_WORK site-updates per step so far, whatever its size).
GROW_MIN = 256
#: Where the predicted travel to the run's end is short (late in a run, or a particle
#: nearly at rest), at least this plus twice that travel instead, if less than GROW_MIN.
GROW_NEAR = 64
#: The predicted travel still to come is padded by this fraction.
GROW_SLACK = 0.05
#: A run that ``stop`` may end early grows by at most this fraction of its segment at once.
GROW_STOP = 1.0 / 3.0
#: The sweep takes eight sites at a time from the segment's first site (on a cache line) and
#: the rest one by one: planned sizes and extensions are rounded up to a multiple of it
#: (~2 ns a step for each site left over; 894 sites: 364 ns a step, 896: 352 ns).
SWEEP_BLOCK = 8
#: The shortest horizon the ends are made for (steps; tau ~ 109 at d = 60). At (10, 60): 52
#: exponentials for 2^16 steps, 64 for 2^19 (a tau = 800 run), 70 for 2^20 (balanced
#: truncation of the rule's 120), 136 at 2^23 (tau = 10^4), 152 for any.
HORIZON_MIN = 1 << 16
_ENDS: dict = {}


def default_boundary_store() -> Path:
    """Where the transparent-end data are kept by default: the user cache directory."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "chaindrag" / "boundary"


def run_horizon(n_steps: int) -> int:
    """The ends' horizon for a run of ``n_steps``: the next power of two, at least 2^16.

    Powers of two, so that runs of similar length share one set of ends; each doubling
    costs ~2 exponentials per band edge (:func:`chaindrag.boundary.transparent_ends`).
    """
    return max(HORIZON_MIN, 1 << max(0, int(n_steps) - 1).bit_length())


def boundary_ends(omega_fast: float, d: int, store=None,
                  horizon: int | None = None) -> tuple[TransparentEnds, str | None]:
    """The ends for (omega_fast, d) and runs of up to ``horizon`` steps (None: any length):
    computed once, kept in ``store`` (default: user cache).

    Returns the ends and the directory they are kept in (None if it could not be written:
    the default directory only; an explicit ``store`` that cannot be written is an error).
    """
    path = default_boundary_store() if store is None else Path(store)
    key = (float(omega_fast), int(d), str(path), horizon)
    if key not in _ENDS:
        try:
            _ENDS[key] = (transparent_ends(omega_fast, d, cache_dir=path, horizon=horizon),
                          str(path))
        except OSError as err:
            if store is not None:
                raise
            warnings.warn(f"cannot keep the transparent-end data in {path} ({err}); "
                          "computed in memory", RuntimeWarning, stacklevel=2)
            _ENDS[key] = (transparent_ends(omega_fast, d, horizon=horizon), None)
    return _ENDS[key]


def _footprint(sig: np.ndarray, common: dict, ws: int) -> tuple[int, int]:
    """Sites [lo, hi] the kicks of particles at ``sig`` can touch (interaction_forces' range)."""
    alpha, reach = common["alpha"], common["reach"]
    return (int(math.floor((float(np.min(sig)) - reach) / alpha)) - ws,
            int(math.ceil((float(np.max(sig)) + reach) / alpha)) + ws)


def plan_segment(job: SolverJob, prescribed_v: np.ndarray, ws: int) -> tuple[int, int]:
    """Sites [g_lo, g_hi) of a planned segment: the start (and any prescribed path) plus room.

    Free particles get :data:`AHEAD` sites in the direction of v0 and :data:`BEHIND`
    behind (at most their ballistic travel), a drifting one the travel predicted for it
    ahead (:func:`drift_room`, if more) and none behind; a dragged particle's whole path
    is known. The
    size is a multiple of :data:`SWEEP_BLOCK` (the right end moved out by up to 7 sites).
    """
    common, tau = job.common, job.tau_max
    sig0 = job.sig_hist[:, 0]
    ballistic = np.abs(job.vel0) * tau / common["alpha"]
    dragged = np.isfinite(prescribed_v)
    drift = np.array([0.0 if dragged[p] else drift_room(job, p) for p in range(sig0.size)])
    ahead = np.where(dragged, 0.0, np.maximum(np.minimum(ballistic, AHEAD), drift))
    # a particle the bias carries on does not come back
    behind = np.where(dragged | (drift > 0.0), 0.0, np.minimum(ballistic, BEHIND))
    fwd = job.vel0 >= 0
    room_hi, room_lo = np.where(fwd, ahead, behind), np.where(fwd, behind, ahead)
    end = np.where(dragged, sig0 + np.nan_to_num(prescribed_v) * job.n * common["delta"], sig0)
    f_lo, f_hi = _footprint(np.minimum(sig0, end), common, ws)[0], _footprint(
        np.maximum(sig0, end), common, ws)[1]
    g_lo = f_lo - END_MARGIN - int(math.ceil(float(np.max(room_lo))))
    g_hi = f_hi + END_MARGIN + 1 + int(math.ceil(float(np.max(room_hi))))
    if job.sites_rec.size:
        if job.thermal is None:
            _refuse_far_records(job, g_lo, g_hi)
        g_lo, g_hi = min(g_lo, int(job.sites_rec.min())), max(g_hi, int(job.sites_rec.max()) + 1)
    return g_lo, g_hi + in_blocks(g_hi - g_lo, 0)


def drift_room(job: SolverJob, p: int) -> float:
    """Sites ahead for particle p if it drifts under the bias: the travel Eq. (33)'s mean
    force predicts (:func:`chaindrag.analytic.mean_force_travel`), padded; 0 if none.

    Predicted for a chain at rest, a particle starting in the direction of the bias and a
    potential object given (``job.interaction``), up to the run's end or its first ``stop``
    time (the run gets there in any case). Padded by :data:`PLAN_SLACK` of it and
    :data:`PLAN_PAD` sites: an extension late in the run re-runs its steps so far, so
    predicting short costs more than a few sites too many.
    """
    common, v0 = job.common, float(job.vel0[p])
    bias = common["bias"]
    if job.thermal is not None or job.interaction is None or v0 * bias <= 0.0:
        return 0.0
    tau = job.tau_max
    if job.stop is not None:
        tau = min(tau, job.next_stop(0) * common["delta"])
    from ..analytic.mean_force import mean_force_travel  # Eq. (33): numba, loaded on use
    try:
        travel = mean_force_travel(abs(v0), tau, abs(bias), alpha=common["alpha"],
                                   omega_fast=job.chain.omega_fast, mu=common["mu"],
                                   interaction=job.interaction)
    except ParameterError:  # e.g. a speed too slow for Eq. (33)'s mode sum: no prediction
        return 0.0
    return travel / common["alpha"] * (1.0 + PLAN_SLACK) + PLAN_PAD if travel > 0.0 else 0.0


def in_blocks(n_sites: int, add: int) -> int:
    """``add`` sites, and as many more as make the segment's size a multiple of
    :data:`SWEEP_BLOCK`."""
    return add + (-(n_sites + add)) % SWEEP_BLOCK


def _refuse_far_records(job: SolverJob, g_lo: int, g_hi: int) -> None:
    """Refuse recorded sites beyond the sound cone of the planned segment at tau_max.

    The segment must hold every recorded site, and every site of it is updated at every
    step: a site farther out than the chain solver's cone-sized segment would make this
    solver the dearer one, without bound (record_sites=[10**9] filled the machine's memory).
    """
    tau = job.tau_max
    cone = int(math.ceil(sound_cone(job.chain.omega_fast, tau)))
    rec = job.sites_rec
    far = rec[(rec < g_lo - cone) | (rec >= g_hi + cone)]
    if far.size:
        raise ParameterError(
            f"record_sites: site {int(far[0])} lies beyond the sound cone of the sites the "
            f"particles need, [{g_lo}, {g_hi}) widened by {cone} sites (pi (omega_fast - 1) "
            f"tau_max + the front's tail): solver='transparent' would update every site in "
            "between at every step. Record it with solver='chain' (it records sites the cone "
            "has not reached as exact zeros), or record nearer sites")


def given_segment(job: SolverJob, ws: int) -> tuple[int, int]:
    """The caller's ``segment``, checked: it must hold the start's footprint and recordings."""
    seg = job.segment
    try:
        g_lo, g_hi = (int(v) for v in seg)
        ok = all(float(v) == int(v) for v in seg)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ParameterError(f"segment must be a pair of integer sites (g_lo, g_hi), got {seg!r}")
    f_lo, f_hi = _footprint(job.sig_hist[:, 0], job.common, ws)
    need_lo, need_hi = f_lo - END_MARGIN, f_hi + END_MARGIN + 1
    if job.sites_rec.size:
        need_lo = min(need_lo, int(job.sites_rec.min()))
        need_hi = max(need_hi, int(job.sites_rec.max()) + 1)
    if g_lo > need_lo or g_hi < need_hi:
        raise ParameterError(f"segment=({g_lo}, {g_hi}) must contain the sites [{need_lo}, "
                             f"{need_hi}) (the particles' starting reach plus {END_MARGIN} "
                             "sites of margin on either side, and the recorded sites)")
    return g_lo, g_hi


def extension_size(sig: np.ndarray, b: int, sign: int, alpha: float, n: int,
                   next_check: int | None, n_sites: int) -> int:
    """Sites to add at step b on the side ``sign``: the travel still to come, predicted.

    Every site added costs one update per step of the whole run (the exterior's re-run
    to step b, then the steps to come), so the segment should end as small as the path
    allows; an extension itself costs only its new end's work (~b x EXTERIOR_WORK, in
    :mod:`~chaindrag.solvers.transparent`), so predicting short is cheaper than predicting
    long. Each particle's speed towards that end over the last quarter of the steps so far
    (the start's transient is over) and its deceleration since the quarter before,
    extrapolated linearly (a drifting particle relaxes towards its plateau; one speeding up
    counts at its present speed) until it stops or the run ends, predict the rest of the
    path: the farthest one is padded by :data:`GROW_SLACK`, at least :data:`GROW_MIN`, or
    :data:`GROW_NEAR` plus twice the predicted travel to the run's end where that is less
    (late in a run, or for a particle nearly at rest, GROW_MIN sites would be re-run from
    step 0 and never reached). A
    run that ``stop`` may end early grows at once for the path up to the next step at which
    ``stop`` is due (the run gets there in any case), and beyond it by at most
    :data:`GROW_STOP` of its segment: a segment sized for the whole planned run would make
    every step until the stop dearer.

    ``sig``: the particles' positions by step (``sig[p, b]``); ``sign``: +1 towards the
    right end, -1 towards the left; ``alpha``: the chain spacing; ``n``: the run's last step;
    ``next_check``: the next step at which ``stop`` is due (None: the run has no ``stop``);
    ``n_sites``: the segment's present size.
    """
    back = max(b // 4, 1)
    scale = sign / alpha / back  # sites per step towards the end
    mid, start = max(b - back, 0), max(b - 2 * back, 0)
    now = (sig[:, b] - sig[:, mid]) * scale
    before = (sig[:, mid] - sig[:, start]) * scale
    speed = np.maximum(now, 0.0)
    slowing = np.maximum(before - now, 0.0) / back  # per step, the quarters' centres apart

    def travel(steps: float) -> float:
        until = np.minimum(steps, speed / np.maximum(slowing, 1e-300))
        return (1.0 + GROW_SLACK) * max(float(np.max(speed * until
                                                     - 0.5 * slowing * until**2)), 0.0)
    to_end = travel(float(n + 1 - b))
    if next_check is None:
        ahead = to_end
    else:
        sure = float(min(next_check, n + 1) - b)
        ahead = max(travel(sure), min(to_end, GROW_STOP * n_sites))
    # a short travel left (late in the run, or nearly at rest): GROW_MIN would be wasted
    return max(min(GROW_MIN, GROW_NEAR + 2 * int(math.ceil(to_end))), int(math.ceil(ahead)))
