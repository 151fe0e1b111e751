"""Fig. 2: the memory kernel Gamma_n(tau) (Eq. 15): its values and its leading edge, which moves
with the sound cone."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special

from .. import analytic
from .kinematics import airy_width
from .rows import Claim, _g, _require
from .tolerances import FIG2_EDGE_FRACTION, FIG2_EDGE_WIDTHS, FIG2_KERNEL_REL

FIG = "fig2"
CLAIM = "leading edge of Gamma_n(tau) at n = tau pi (omega_fast - 1)"
KERNEL_CLAIM = "Gamma_n(tau) equals Eq. (15) (Gauss-Legendre quadrature over theta)"


def check_fig2(kernel: pd.DataFrame | None, omega_fast: float | None = None) -> list[dict]:
    """Fig. 2: the plotted kernel is Eq. (15), and its leading edge lies at
    n = tau pi (omega_fast - 1); two rows per tau.

    * Values (size and sign): every tabulated Gamma_n(tau) is compared with an independent
      evaluation of the paper's Eq. (15), the integral over theta in [0, pi/2], by
      Gauss-Legendre quadrature (:func:`eq15_quadrature`; the package evaluates the
      q-form as a periodic ring sum / type-I DCT). Measured: max_n |Gamma_table -
      Gamma_Eq15| / max_n |Gamma_Eq15|, passing when <= 1e-10 (measured <= 2.1e-13 at the
      paper preset, tau <= 15, n <= 500; the quadrature's own error, from doubling its
      nodes, <= 4.2e-13, 1.5e-12 at tau = 40). A kernel 1% too large (1e-2) or of the wrong sign (2) fails.
    * Leading edge: the outermost n with |Gamma_n(tau)| >= 1% of max_n |Gamma_n(tau)|. For
      an Airy edge of width w (:func:`airy_width`) that point lies 2.4-3.1 w ahead of the
      front, so the claim passes when 0 <= n_edge - n_front <= 4 w. n/a when the table
      stops before n_front + 4 w.

    Parameters
    ----------
    kernel : pandas.DataFrame or None
        The fig2_kernel table (tau, n, gamma; optionally omega_fast, front_site).
    omega_fast : float, optional
        Used when the table has no omega_fast column (default 10).

    Returns
    -------
    list of dict
        Per tau: the leading-edge row, then the values row.

    Raises
    ------
    NotApplicable
        The table is missing, empty or lacks a column.
    """
    df = _require(kernel, "fig2_kernel", ["tau", "n", "gamma"])
    wf = float(df["omega_fast"].iloc[0]) if "omega_fast" in df.columns else \
        float(omega_fast if omega_fast is not None else 10.0)
    rows = []
    for tau, grp in df.groupby("tau", sort=True):
        grp = grp.sort_values("n")
        rows += [_edge_row(float(tau), grp, wf), _values_row(float(tau), grp, wf)]
    return rows


def eq15_quadrature(n, tau, omega_fast: float = 10.0, extra_nodes: int = 64) -> np.ndarray:
    """Gamma_n(tau) of Eq. (15) by Gauss-Legendre quadrature of its theta-integral.

    Eq. (15): Gamma_n(tau) = (2/pi) int_0^{pi/2} d theta cos(2 n theta)
    sin(2 pi tau w(theta)) / w(theta), w = sqrt(1 + (omega_fast^2 - 1) sin^2 theta).
    The integrand is entire and, over [0, pi/2], makes at most n_max/2 + tau
    (omega_fast - 1)/2 oscillations; N = 2 (n_max + tau_max (omega_fast - 1)) + 64 Legendre
    nodes converge to rounding: doubling N changes the result by <= 4.2e-13 of max |Gamma|
    (tau <= 15, n <= 500, omega_fast = 10; 1.5e-12 at tau = 40). This route (non-uniform
    nodes on the theta-form) is independent of the package's ring sum (uniform nodes on the
    q-form, :func:`chaindrag.kernel.gamma`).

    Parameters
    ----------
    n : array_like of int
        Sites n >= 0.
    tau : array_like of float
        Times after the kick; only one of ``n`` and ``tau`` may be an array.
    omega_fast : float
        Top of the phonon band (Eq. 11).
    extra_nodes : int, optional
        Nodes beyond 2 (n_max + tau_max (omega_fast - 1)).

    Returns
    -------
    numpy.ndarray
        Gamma_n(tau), of the shape of the array argument.
    """
    n, tau = np.asarray(n, dtype=float), np.asarray(tau, dtype=float)
    if n.ndim and tau.ndim:
        raise ValueError("eq15_quadrature: n or tau may be an array, not both")
    nodes = int(2.0 * (float(np.max(np.abs(n), initial=0.0))
                       + float(np.max(np.abs(tau), initial=0.0)) * (omega_fast - 1.0)))
    x, wts = special.roots_legendre(nodes + int(extra_nodes))
    th = 0.25 * math.pi * (x + 1.0)
    w = np.sqrt(1.0 + (omega_fast**2 - 1.0) * np.sin(th) ** 2)
    if tau.ndim == 0:  # many sites at one time
        f = np.sin(2.0 * math.pi * tau * w) / w * (0.25 * math.pi * wts)
        arg, rows = n, lambda a: np.cos(2.0 * np.outer(a, th))
    else:              # one site at many times
        f = np.cos(2.0 * n * th) / w * (0.25 * math.pi * wts)
        arg, rows = tau, lambda a: np.sin(2.0 * math.pi * np.outer(a, w))
    out = np.empty(arg.shape)
    flat = arg.ravel()
    for i in range(0, flat.size, 256):  # blocks of 256 points: bounded memory
        out.flat[i:i + 256] = rows(flat[i:i + 256]) @ f
    return (2.0 / math.pi) * out


def _values_row(tau: float, grp: pd.DataFrame, wf: float) -> dict:
    """Size and sign of the tabulated Gamma_n(tau) against Eq. (15) (``grp`` sorted by n)."""
    claim = Claim(FIG, f"{KERNEL_CLAIM} (tau = {_g(tau)})")
    n = grp["n"].to_numpy(float)
    g = pd.to_numeric(grp["gamma"], errors="coerce").to_numpy(float)
    tol = FIG2_KERNEL_REL
    if not (np.all(np.isfinite(n)) and np.all(n == np.round(n)) and n.min() >= 0):
        return claim.row(0.0, math.nan, tol, False, "the sites n are not integers >= 0")
    if not np.all(np.isfinite(g)):
        return claim.row(0.0, math.nan, tol, False, "Gamma has non-finite values")
    ref = eq15_quadrature(n, tau, wf)
    scale = float(np.max(np.abs(ref)))
    if scale == 0.0:  # tau = 0: Gamma_n(0) = 0 for every n
        err = float(np.max(np.abs(g)))
        return claim.row(0.0, err, 0.0, err == 0.0, "Eq. (15) vanishes at tau = 0")
    dev = np.abs(g - ref)
    k = int(np.argmax(dev))
    err = float(dev[k]) / scale
    return claim.row(0.0, err, tol, err <= tol,
                     f"max_n |Gamma_table - Gamma_Eq15| / max_n |Gamma_Eq15| over "
                     f"{n.size} sites n = {_g(n.min())}..{_g(n.max())}; max |Gamma_Eq15| = "
                     f"{_g(scale)}; worst at n = {_g(n[k])} (table {_g(g[k])}, Eq. 15 "
                     f"{_g(ref[k])}; omega_fast = {_g(wf)})")


def _edge_row(tau: float, grp: pd.DataFrame, wf: float) -> dict:
    """The leading-edge row of one tau (``grp`` sorted by n)."""
    claim = Claim(FIG, f"{CLAIM} (tau = {_g(tau)})")
    n = grp["n"].to_numpy(float)
    a = np.abs(pd.to_numeric(grp["gamma"], errors="coerce").to_numpy(float))
    n_front = tau * analytic.max_group_velocity(wf)
    w = float(airy_width(tau, wf))
    tol = FIG2_EDGE_WIDTHS * w
    if not np.all(np.isfinite(a)):
        return claim.row(n_front, math.nan, f"0..{_g(tol)} sites", False,
                         "Gamma has non-finite values")
    if n.max() < n_front + tol:
        return claim.na(f"table ends at n = {_g(n.max())}, before the front region "
                        f"n_front + 4w = {_g(n_front + tol)}", n_front)
    peak = a.max()
    if peak == 0.0:
        return claim.row(n_front, math.nan, f"0..{_g(tol)} sites", False,
                         "Gamma_n(tau) is zero for every n")
    edge = float(n[a >= FIG2_EDGE_FRACTION * peak].max())
    offset = edge - n_front
    ok = 0.0 <= offset <= tol
    note = (f"n_edge = outermost n with |Gamma| >= 1% of its max; offset {_g(offset)} "
            f"sites, Airy width w = {_g(w)} (omega_fast = {_g(wf)})")
    if "front_site" in grp.columns:
        fs = float(grp["front_site"].iloc[0])
        if not math.isclose(fs, n_front, rel_tol=1e-9, abs_tol=1e-9):
            ok = False
            note += f"; the table's front_site {_g(fs)} (the plotted line) is wrong"
    return claim.row(n_front, edge, f"0 <= n_edge - n_front <= 4w = {_g(tol)}", ok, note)
