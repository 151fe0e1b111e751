"""Fourier transforms of the pair potential, Phi_p = int du e^{ipu} Phi(u) (Secs. V, VI).

The losses of Eqs. (25) and (33) depend on the interaction only through its transform at
the mode frequencies ``p = 2 pi omega / v``. For the Gaussian of the paper the transform
is closed form (:func:`gaussian_fourier`). A :class:`chaindrag.interactions.Interaction`
carries its own (:meth:`~chaindrag.interactions.Interaction.fourier`); for a plain callable
Phi(u) (:func:`~chaindrag.analytic.single_pass_loss_modesum`) it is computed by quadrature
here, on the real axis or on a steepest-descent contour, so that the exponentially small
transforms of slow passes keep their relative accuracy. Memory is bounded: a callable whose
tail would need more than 2^21 quadrature nodes is refused with a ParameterError.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from chaindrag.params import ParameterError, require_finite, require_positive

from ._common import TWO_PI, out

__all__ = ["gaussian_fourier"]

# GL nodes on [0, 1] for the panels of the Fourier integral
_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)
_GL_X = 0.5 * (_GL_X + 1.0)
_GL_W = 0.5 * _GL_W
_MAX_NODES = 1 << 21    # quadrature nodes in u: beyond, the callable is refused (memory bound)
_BLOCK = 1 << 22        # (p, u) or (p, eta) pairs evaluated at once


def gaussian_fourier(p, phi0, lam):
    """Fourier transform of the Gaussian interaction, Phi_p = int du e^{ipu} Phi(u).

    Parameters
    ----------
    p : array_like
        Wave number conjugate to the particle-mass distance u (per l_slow).
    phi0 : array_like
        Interaction amplitude (either sign).
    lam : array_like
        Interaction width, > 0.

    Returns
    -------
    float or ndarray
        ``Phi_p = phi0 lam sqrt(2 pi) exp(-p^2 lam^2 / 2)``.

    Notes
    -----
    With ``Phi(u) = phi0 exp(-u^2 / (2 lam^2))`` complete the square,
    ``-u^2/(2 lam^2) + i p u = -(u - i p lam^2)^2 / (2 lam^2) - p^2 lam^2 / 2``, and shift
    the contour back to the real axis (the integrand is entire), leaving
    ``int du exp(-u^2 / (2 lam^2)) = lam sqrt(2 pi)``.

    At the mode frequency ``p = 2 pi omega / v`` of Eqs. (25) and (33) the exponent is
    ``-2 pi^2 lam^2 omega^2 / v^2`` (and ``-4 pi^2 lam^2 omega^2 / v^2`` once squared).
    """
    require_finite("p", p)
    require_finite("phi0", phi0)
    require_positive("lam", lam)
    p, phi0, lam = (np.asarray(a, dtype=float) for a in (p, phi0, lam))
    return out(phi0 * lam * math.sqrt(TWO_PI) * np.exp(-0.5 * (p * lam) ** 2))


def _potential_scale(potential: Callable) -> tuple[float, float]:
    """Return (max |Phi| on the real line, decay length L with |Phi(u)| < 1e-18 max for u > L)."""
    u = np.concatenate([[0.0], 1e-6 * 2.0 ** np.arange(0, 90, 0.25)])
    with np.errstate(all="ignore"):
        vals = np.asarray(potential(u), dtype=float)
        back = np.asarray(potential(-u), dtype=float)
    if vals.shape != u.shape or not np.all(np.isfinite(vals)):
        raise ParameterError("potential must map a float array to finite floats of the same "
                             "shape on the whole real line")
    scale = float(np.max(np.abs(vals)))
    if scale == 0.0:
        return 0.0, 1.0
    if np.max(np.abs(vals - back)) > 1e-12 * scale:
        raise ParameterError("potential must be even, Phi(-u) = Phi(u): Eq. (25) assumes a "
                             "symmetric pass (Eq. 18)")
    big = np.nonzero(np.abs(vals) >= 1e-18 * scale)[0]
    if big[-1] == u.size - 1:
        raise ParameterError("potential must decay: |Phi(u)| stays above 1e-18 max|Phi| up to "
                             f"u = {u[-1]:.3g}")
    return scale, float(u[big[-1] + 1])


def _checked_potential(potential: Callable, method: str) -> tuple[float, float]:
    """Validate ``potential`` for :func:`_fourier_even` with ``method``; return its scales.

    The contour method needs the analytic continuation, so ``potential`` must map complex
    arrays to complex arrays. Returns :func:`_potential_scale`.
    """
    if method not in ("contour", "real"):
        raise ParameterError(f"method must be 'contour' or 'real', got {method!r}")
    if not callable(potential):
        raise ParameterError(f"potential must be a callable Phi(u), got {potential!r}")
    scale, length = _potential_scale(potential)
    if method == "contour":
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            try:
                probe = np.asarray(potential(np.array([0.5 + 0.5j])))
            except (TypeError, ValueError, np.exceptions.ComplexWarning):
                probe = None
        if probe is None or not np.iscomplexobj(probe):
            raise ParameterError("potential must accept complex arrays for method='contour' "
                                 "(analytic continuation); use method='real' otherwise")
    return scale, length


def _panels(length: float, p_max: float) -> tuple[float, int]:
    """(panel width, number of panels) of :func:`_fourier_even` on [0, length]."""
    width = min(math.pi / p_max, length / 32.0)
    return width, int(math.ceil(length / width))


def check_panel_count(length: float, p_max: float) -> None:
    """Refuse a callable whose transform up to ``p_max`` needs more than 2^21 nodes.

    The nodes are ``24 length / min(pi / p_max, length / 32)``; a potential with a slow
    algebraic tail (|Phi| above 1e-18 of its maximum out to ``length``) would otherwise need
    gigabytes (a Lorentzian A/(1 + (u/b)^2): length ~ 1e9 b).
    """
    n_panels = _panels(length, p_max)[1]
    if 24 * n_panels > _MAX_NODES:
        raise ParameterError(
            f"potential decays too slowly for the quadrature of a callable: |Phi(u)| stays "
            f"above 1e-18 of its maximum out to u = {length:.3g}, which needs {24 * n_panels:.3g} "
            f"nodes (at most {_MAX_NODES}) at the largest wave number {p_max:.3g}; give it as a "
            f"chaindrag.interactions.Interaction instead (a closed-form Phi_k such as "
            f"Lorentzian, or UserPotential, whose quadrature handles the tail)")


def _saddle_heights(potential: Callable, p: np.ndarray, scale: float,
                    length: float) -> np.ndarray:
    """Imaginary shift eta(p) of the steepest-descent path u + i eta, for every p.

    eta minimises ``log|Phi(i eta)| - p eta``, the size of the integrand on the shifted path,
    searched on [0, top] with top doubled while ``|Phi(i top)|`` stays representable.
    """
    top = 1.0
    with np.errstate(all="ignore"):
        for _ in range(60):  # grow the eta range while |Phi(i eta)| stays representable
            val = np.abs(np.asarray(potential(np.array([1j * 2.0 * top]))))
            if not np.all(np.isfinite(val)) or val[0] > 1e250 * scale:
                break
            top *= 2.0
        etas = np.linspace(0.0, top, 4001)
        logphi = np.log(np.abs(np.asarray(potential(1j * etas))) + 1e-300)
    bad = ~np.isfinite(logphi)
    logphi[bad] = np.inf
    eta = np.empty_like(p)
    rows = max(1, _BLOCK // etas.size)
    for lo in range(0, p.size, rows):  # chunks bound the memory of the (p, eta) matrix
        h = logphi[None, :] - p[lo:lo + rows, None] * etas[None, :]
        eta[lo:lo + rows] = etas[np.argmin(h, axis=1)]
    with np.errstate(all="ignore"):
        tail = np.abs(np.asarray(potential(length + 1j * eta)))
        peak = np.abs(np.asarray(potential(1j * eta)))
    if np.any(~(tail <= 1e-15 * peak)):
        raise ParameterError("potential does not decay along the shifted contour "
                             "u + i eta; use method='real'")
    return eta


def _fourier_even(potential: Callable, p: np.ndarray, method: str, scale: float,
                  length: float) -> np.ndarray:
    """Phi_p = 2 int_0^inf cos(pu) Phi(u) du for an even potential, at every p > 0.

    ``method="real"`` integrates on the real axis. ``method="contour"`` uses
    ``Phi_p = 2 e^{-p eta} Re int_0^inf Phi(u + i eta) e^{ipu} du`` (Cauchy; Phi entire and
    even) with eta from :func:`_saddle_heights`, so an exponentially small Phi_p comes out
    without cancellation. Both use composite 24-point Gauss-Legendre on [0, length] with
    panels no wider than half a period of cos(pu).
    """
    if method == "real":
        eta = np.zeros_like(p)
    else:
        eta = _saddle_heights(potential, p, scale, length)
    check_panel_count(length, float(np.max(p)))
    _, n_panels = _panels(length, float(np.max(p)))
    edges = np.linspace(0.0, length, n_panels + 1)
    u = (edges[:-1, None] + np.diff(edges)[:, None] * _GL_X[None, :]).ravel()
    wts = (np.diff(edges)[:, None] * _GL_W[None, :]).ravel()
    res = np.empty_like(p)
    rows = max(1, min(64, _BLOCK // u.size))
    for lo in range(0, p.size, rows):  # chunks bound the memory of the (p, u) matrix
        pp, ee = p[lo:lo + rows, None], eta[lo:lo + rows, None]
        with np.errstate(over="ignore", under="ignore"):
            if method == "real":
                vals = np.asarray(potential(u), dtype=float)[None, :] * np.cos(pp * u[None, :])
            else:
                z = u[None, :] + 1j * ee
                vals = np.real(np.asarray(potential(z)) * np.exp(1j * pp * u[None, :]))
                vals = vals * np.exp(-pp * ee)
        res[lo:lo + rows] = 2.0 * vals @ wts
    return res
