"""The runs a configuration makes, checked at start-up as the solvers check them in a job:
the time step against the interaction's width, the length of a run, drive mode's window,
the float64 resolution of the positions reached, the capture speed a run below it needs.
Each problem is a :class:`~chaindrag._config_relations.Refusal` naming its keys
(:mod:`chaindrag.config` words it); the pair potentials are built by the caller."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import NamedTuple

from ._config_relations import Refusal, _value, sweep_speeds


class _Runs(NamedTuple):
    """Runs of one set-up, as the workflow makes them from the keys (paths) named here.

    ``speeds``: (key, speed) of the speeds they start with (a sweep's key is its stop, its
    speed the fastest on its grid); ``d``: the keys of the d values used, each in turn;
    ``potential``: (key, interaction spec) of the potential; how long they last: ``tau``, or
    for single passes ``run_length`` (run_length alpha/v0); ``sigma0``: where they start, if
    set; ``window``: drive-mode runs, the key of the fraction measured (() for drive's own
    default); ``bath``: runs on a thermal chain, the section holding omega_T and statistics."""
    speeds: list
    d: list
    omega_fast: tuple
    potential: tuple
    alpha: tuple
    tau: tuple | None = None
    run_length: tuple | None = None
    sigma0: tuple | None = None
    window: tuple | None = None
    bath: tuple | None = None


def _speeds(config: Mapping, path: tuple) -> list:
    value = _value(config, path)
    if isinstance(value, Mapping):
        return [(path + ("stop",), sweep_speeds(value["start"], value["stop"], value["step"])[-1])]
    if isinstance(value, list):
        return [(path + (i,), v) for i, v in enumerate(value)]
    return [(path, value)]


def _potential(config: Mapping, path: tuple, phi0: float, lam: tuple | None = None) -> tuple:
    """(key, spec) of section ``path``'s pair potential: its interaction, else the Gaussian."""
    spec = _value(config, path).get("interaction")
    if isinstance(spec, Mapping):
        return path + ("interaction",), spec
    lam = lam or path + ("lam",)
    return lam, {"kind": "gaussian", "phi0": phi0, "lam": _value(config, lam)}


def _fields(sec: tuple, keys) -> dict:
    """_Runs fields of the keys of section ``sec``: tau_max is the field tau."""
    return {"tau" if k == "tau_max" else k: sec + (k,) for k in keys}


def _figure_runs(config: Mapping):
    """The runs of Figs. 3-8 (the Fig. 8 ones also those the target fates continues)."""
    for fig, pass_ in (("fig3", ()), ("fig4", ("pass",))):
        sec = (fig,)
        yield _Runs(_speeds(config, sec + pass_ + ("v0",)), [sec + ("d",)], sec + ("omega_fast",),
                    _potential(config, sec, _value(config, sec + pass_ + ("phi0", 0))),
                    sec + ("alpha",), tau=sec + pass_ + ("tau_max",), sigma0=sec + ("sigma0",))
    for fig, sides, phi0 in (("fig4", ("fluctuation",), ("fluctuation", "phi0")),
                             ("fig6", (), ("phi0",))):
        sec = (fig,) + sides
        for side in ("repulsive", "attractive"):
            yield _Runs(_speeds(config, sec + (side,)), [(fig, "d")], (fig, "omega_fast"),
                        _potential(config, (fig,), _value(config, (fig,) + phi0)),
                        (fig, "alpha"), run_length=sec + ("run_length",))
    c5 = config["fig5"]
    for panel in ("a", "b"):
        p = c5[panel]
        for i, start in enumerate(p["v0_start"][:1 if "interaction" in c5 else None]):
            fastest = sweep_speeds(start, p["v0_stop"], p["v0_step"])[-1]
            yield _Runs([(("fig5", panel, "v0_stop"), fastest)], [("fig5", panel, "d")],
                        ("fig5", "omega_fast"),
                        _potential(config, ("fig5",), p["phi0"], ("fig5", "lam", i)),
                        ("fig5", "alpha"), run_length=("fig5", "run_length"))
    yield _Runs(_speeds(config, ("fig8", "v0")), [("fig8", "d")], ("fig8", "omega_fast"),
                _potential(config, ("fig8",), config["fig8"]["phi0"]), ("fig8", "alpha"),
                tau=("fig8", "tau_max"), sigma0=("fig8", "sigma0"))


def _health_runs(config: Mapping):
    """The numerical-health runs (the solver check on its kernel store's chain)."""
    h = config["health"]
    for name, speeds, extra in (("energy", "v0", ("tau_max", "sigma0")),
                                ("timestep", "v0", ("run_length",)),
                                ("solvers", "v0", ("tau_max", "sigma0")),
                                ("drive", "v", ("tau_max",))):
        sec = ("health", name)
        chain = (("kernels", h[name]["kernel"]) if name == "solvers" else sec)
        d = chain + ("d",)
        ds = [d + (i,) for i in range(len(h[name]["d"]))] if name in ("energy", "timestep") \
            else [d]
        yield _Runs(_speeds(config, sec + (speeds,)), ds, chain + ("omega_fast",),
                    _potential(config, sec, h[name]["phi0"]), sec + ("alpha",),
                    window=() if name == "drive" else None,
                    **_fields(sec, extra))


def _study_runs(config: Mapping):
    """The runs of the named targets potentials and thermal (sections present)."""
    if isinstance(config.get("potentials"), Mapping):
        p = ("potentials",)
        for label, spec in config["potentials"]["interactions"].items():
            yield _Runs(_speeds(config, p + ("v0",)), [p + ("d",)], p + ("omega_fast",),
                        (p + ("interactions", label), spec), p + ("alpha",),
                        run_length=p + ("run_length",))
    th = config.get("thermal")
    if not isinstance(th, Mapping):
        return
    for name, speeds, extra in (("single_pass", "v0", ("run_length",)),
                                ("equilibration", "v_hot", ("tau_max",)),
                                ("drift", "v0", ("tau_max", "sigma0")),
                                ("drag", "v", ("tau_max", "window")),
                                ("solvers", "v0", ("tau_max", "sigma0"))):
        sec = ("thermal", name)
        chain = ("kernels", th[name]["kernel"]) if name == "solvers" else ("thermal",)
        phi0 = th[name]["phi0"]
        yield _Runs(_speeds(config, sec + (speeds,)), [chain + ("d",)], chain + ("omega_fast",),
                    _potential(config, sec, phi0[0] if isinstance(phi0, list) else phi0),
                    sec + ("alpha",), bath=sec, **_fields(sec, extra))


def _run_refusals(config: Mapping, build):
    """Refusals of the solvers' own checks on every run the configuration makes (time step,
    length, drive window, float64 resolution), ``build(spec)`` giving the Interaction."""
    from .params import ChainParams

    for runs in (*_figure_runs(config), *_health_runs(config), *_study_runs(config)):
        inter = build(runs.potential[1])
        for d in runs.d:
            delta = ChainParams(_value(config, runs.omega_fast), _value(config, d)).delta
            chain = (d, runs.omega_fast)
            for key, v in runs.speeds:
                yield from _step(key, v, delta, inter, chain + (runs.potential[0],))
            yield from _length(config, runs, delta, chain, inter)
            if runs.bath is not None:
                yield from _thermal_step(config, runs, delta, chain, inter)
    yield from _capture_refusals(config, build)
    yield from _kernel_solver_refusals(config, build)


def _thermal_step(config: Mapping, runs: _Runs, delta: float, chain: tuple, inter):
    """The solvers' thermal time-step rule (a mass's rms move per step at most the
    interaction's width) at the section's highest temperature, for each statistics."""
    from .solvers.checks import thermal_step, width_name

    node = _value(config, runs.bath)
    temp = max(node["omega_T"]) if isinstance(node["omega_T"], list) else node["omega_T"]
    stats = node["statistics"] if isinstance(node["statistics"], list) else [
        node["statistics"]]
    for st in stats:
        step = thermal_step(delta, temp, st, _value(config, runs.omega_fast))
        if step > inter.width:
            yield Refusal(runs.bath + ("omega_T",),
                          (runs.bath + ("statistics",),) + chain + (runs.potential[0],),
                          f"at omega_T = {temp:g} ({st}) the chain masses move by {step:.4g} "
                          f"per time step (rms), more than the interaction width "
                          f"({width_name(inter)} = {inter.width:.4g})",
                          "a lower temperature or a larger d")


def _kernel_solver_refusals(config: Mapping, build):
    """The kernel solver tracks its store's n_max + 1 masses, which must hold the masses
    within the potential's reach (at rest: a hot chain's reach is larger, checked by the job)."""
    from .solvers.kernel_driver import needed_n_max

    for sec in (("health", "solvers"), ("thermal", "solvers")):
        if not isinstance(_value(config, sec[:1]), Mapping):
            continue
        node = _value(config, sec)
        phi0 = node["phi0"][0] if isinstance(node["phi0"], list) else node["phi0"]
        key, spec = _potential(config, sec, phi0)
        need = needed_n_max(build(spec).reach(), node["alpha"])
        store = ("kernels", node["kernel"], "n_max")
        if _value(config, store) < need:
            yield Refusal(store, (sec + ("kernel",), key, sec + ("alpha",)),
                          "the kernel solver tracks the store's n_max + 1 masses, which must "
                          "hold those within the potential's reach and two more either side",
                          f">= {need}")


def _capture_refusals(config: Mapping, build):
    """potentials.below_capture adds a run at that fraction of each potential's capture
    speed, which the job refuses for a potential without a barrier (capture speed 0), and
    the solvers for too coarse a time step. The workflow adds none for a non-positive
    amplitude (interactions.config.signed_positive): left out here too."""
    p = config.get("potentials")
    if not isinstance(p, Mapping) or "below_capture" not in p:
        return
    from .interactions.config import signed_positive
    from .params import ChainParams

    for label, spec in p["interactions"].items():
        if not signed_positive(spec):  # the workflow's rule: no such run
            continue
        key, inter = ("potentials", "interactions", label), build(spec)
        capture = inter.capture_speed(p["mu"])
        if capture <= 0:
            yield Refusal(("potentials", "below_capture"), (key, ("potentials", "mu")),
                          f"the run below the capture speed needs a barrier, which {label} has "
                          "not (capture speed 0)", "no below_capture, or only potentials with "
                          "a barrier")
            continue
        delta = ChainParams(p["omega_fast"], p["d"]).delta
        yield from _step(("potentials", "below_capture"), p["below_capture"] * capture, delta,
                         inter, (("potentials", "d"), ("potentials", "omega_fast"), key,
                                 ("potentials", "mu")), per=capture)


def _step(key: tuple, v: float, delta: float, inter, partners: tuple, per: float = 1.0):
    """The solvers' time-step rule (delta v at most the interaction's width); ``per``: the
    speed a unit of the key's value gives (the capture speed for below_capture)."""

    from .params import ParameterError, TimeStepWarning
    from .solvers.checks import _check_step, width_name

    try:
        with warnings.catch_warnings():  # a marginal step is allowed, with the jobs' warning
            warnings.simplefilter("ignore", TimeStepWarning)
            _check_step(delta, v, inter, 4, "v")  # d only words the advice we do not show
    except ParameterError:
        bound = "width/delta" if per == 1.0 else f"width/(delta x {per:.6g})"
        yield Refusal(key, partners, f"a run at v = {v:.6g} moves the particle delta v = "
                      f"{delta * v:.4g} per time step delta = 1/(d omega_fast) = {delta:.4g}, "
                      f"more than the interaction width ({width_name(inter)} = "
                      f"{inter.width:.4g})",
                      f"<= {bound} = {inter.width / (delta * per):.6g} (or a larger d)")


def _length(config: Mapping, runs: _Runs, delta: float, chain: tuple, inter):
    """The solvers' length rule (two time steps at least), then drive's window and the
    float64 resolution of the positions reached."""
    from .params import ParameterError
    from .solvers.checks import _n_steps

    if runs.run_length is not None:  # a single pass lasts run_length alpha/v0: the fastest
        key, v = max(runs.speeds, key=lambda s: s[1])  # is the shortest
        scale = _value(config, runs.run_length) * _value(config, runs.alpha)
        try:
            _n_steps(scale / v, delta)
        except ParameterError:
            yield Refusal(key, (runs.run_length, runs.alpha) + chain,
                          f"a single pass at v0 = {v:.6g} lasts run_length alpha/v0 = "
                          f"{scale / v:.4g}, less than two time steps delta = {delta:.4g}",
                          f"<= run_length alpha/(2 delta) = {scale / (2 * delta):.6g}")
        return
    tau = _value(config, runs.tau)
    try:
        n = _n_steps(tau, delta)
    except ParameterError:
        yield Refusal(runs.tau, chain, f"a run lasts at least two time steps delta = 1/(d "
                      f"omega_fast) = {delta:.4g}", f">= 2 delta = {2 * delta:.6g}")
        return
    if runs.window is not None:
        yield from _drive_window(config, runs, n * delta, chain)
    if runs.sigma0 is not None:
        import numpy as np

        from .solvers.checks import check_resolution
        key, v = max(runs.speeds, key=lambda s: s[1])
        try:
            check_resolution(np.array([float(_value(config, runs.sigma0))]), np.array([v]),
                             tau, inter)
        except ParameterError as err:
            yield Refusal(runs.sigma0, (key, runs.tau, runs.potential[0]), str(err).split(
                ". The chain")[0], "a sigma0 nearer 0 (the chain is periodic in alpha) or a "
                "shorter run")


def _drive_window(config: Mapping, runs: _Runs, tau_end: float, chain: tuple):
    """drive()'s refusal of a run whose last window fraction holds fewer than two midpoints
    (one mass passed), from drive's own rule and default start; the slowest speed passes
    fewest."""
    import inspect

    from .params import ParameterError
    from .solvers import drive
    from .solvers.driven import DEFAULT_SIGMA0, window_midpoints

    window = (_value(config, runs.window) if runs.window
              else inspect.signature(drive).parameters["window"].default)
    alpha = _value(config, runs.alpha)
    key, v = min(runs.speeds, key=lambda s: s[1])
    try:
        g_first, g_last = window_midpoints(DEFAULT_SIGMA0 * alpha, v, tau_end, window, alpha)
    except ParameterError:  # an alpha ~ 1e-320: the segment's size refuses it, naming alpha
        return
    if g_last - g_first < 1:
        partners = (key, runs.alpha) + ((runs.window,) if runs.window else ()) + chain
        yield Refusal(runs.tau, partners, f"drive mode measures the loss between two midpoints "
                      f"in the last {window:g} of the run, which passes fewer at v = {v:.6g}",
                      f"about >= 2 alpha/(window v) = {2 * alpha / (window * v):.6g}")
