"""Normal modes of the chain, their thermal energies, and the ring size a run needs.

Units are the paper's: frequencies in Omega_slow, times in t_slow = 2 pi / Omega_slow,
energies and temperatures in hbar Omega_slow (``omega_T`` = k_B T / (hbar Omega_slow)).
A mode of wave number q = 2 theta has the frequency of Eq. (11),
omega(theta) = sqrt(1 + (omega_fast^2 - 1) sin^2 theta).
"""

from __future__ import annotations

import math

import numpy as np

from ..params import ParameterError, require_int_range, require_omega_fast, require_positive

#: The two occupation statistics: Bose-Einstein with zero-point motion, or equipartition.
STATISTICS = ("quantum", "classical")

#: Front spread kept outside the light cone, in Airy widths (Airy tail e^{-(2/3) x^1.5} ~ 1e-20).
_AIRY_WIDTHS = 16.5
#: Static correlations e^{-2 y0 |m|} kept down to e^{-36} ~ 2e-16.
_DECAY_EXPONENT = 36.0

#: The highest temperature accepted, in hbar Omega_slow / k_B. Physically: hbar Omega_slow is
#: a pinning frequency's quantum (~1-100 K for a crystal, ~1e-2 K for the softest pinning),
#: so 1e12 is beyond any solid by many orders, and the classical rms displacement
#: sqrt(omega_T / omega_fast) would be 1e6 / sqrt(omega_fast) oscillator lengths: the masses
#: would pass through each other for every spacing alpha the model is meant for (the paper's
#: is 40), and the harmonic chain is meaningless. Numerically: above ~1e308 / 2 the mode
#: amplitudes 2 epsilon / omega^2 overflow (``ThermalChain(1e308)`` gave NaN, the solvers'
#: set-up an OverflowError); below 1e12, squares and sums over any ring (N omega_T^2) stay
#: far inside float64.
MAX_TEMPERATURE = 1e12


def check_statistics(statistics) -> str:
    """Return ``statistics`` after checking it is ``"quantum"`` or ``"classical"``."""
    if not isinstance(statistics, str) or statistics not in STATISTICS:
        raise ParameterError(
            f"statistics must be one of {STATISTICS!r}, got {statistics!r}")
    return statistics


def check_temperature(omega_T) -> np.ndarray:
    """Return ``omega_T`` as a float array after checking every element lies in
    [0, :data:`MAX_TEMPERATURE`].

    Raises
    ------
    chaindrag.params.ParameterError
        ``omega_T`` not a real number, not finite, negative or above ``MAX_TEMPERATURE``
        (the bound's reasons are in its comment).
    """
    allowed = (f"[0, {MAX_TEMPERATURE:g}] (units of hbar Omega_slow / k_B; the upper bound is "
               f"chaindrag.thermal.modes.MAX_TEMPERATURE)")
    raw = omega_T if isinstance(omega_T, np.ndarray) else np.asarray(omega_T, dtype=object)
    # a bool or text would convert to float silently (True -> 1, "3" -> 3)
    if raw.dtype.kind in "bSU" or (raw.dtype == object and any(
            isinstance(x, (bool, np.bool_, str, bytes)) for x in raw.ravel())):
        raise ParameterError(
            f"omega_T must be a real temperature in {allowed}, not a bool or text, got "
            f"{omega_T!r}")
    try:
        arr = np.asarray(omega_T, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(
            f"omega_T must be a real temperature in {allowed}, got {omega_T!r}") from None
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > MAX_TEMPERATURE):
        raise ParameterError(
            f"omega_T must be a finite temperature in {allowed}, got {omega_T!r}")
    # -0.0 passes (it equals 0) but would give omega/(2 omega_T) = -inf, coth = -1: a
    # negative zero-point energy; a new array, not the caller's
    return np.where(arr == 0, 0.0, arr)


def band_frequency(theta, omega_fast: float = 10.0) -> np.ndarray:
    """Mode frequency omega(theta) = sqrt(1 + (omega_fast^2 - 1) sin^2 theta), Eq. (11).

    Parameters
    ----------
    theta : array_like
        Half the wave number, theta = q/2 (the Brillouin zone is theta in [0, pi)).
    omega_fast : float
        Band top in units of Omega_slow, > 1.

    Returns
    -------
    numpy.ndarray
        omega in units of Omega_slow, between 1 and ``omega_fast``.
    """
    omega_fast = require_omega_fast(omega_fast)
    s = np.sin(np.asarray(theta, dtype=float))
    return np.sqrt(1.0 + (omega_fast**2 - 1.0) * s * s)


def mode_energy(omega, omega_T, statistics: str = "quantum") -> np.ndarray:
    """Mean energy epsilon of a mode of frequency ``omega`` at temperature ``omega_T``.

    Parameters
    ----------
    omega : array_like
        Mode frequency in units of Omega_slow (> 0).
    omega_T : array_like
        Temperature k_B T / (hbar Omega_slow), in [0, MAX_TEMPERATURE = 1e12]; broadcast
        against ``omega``.
    statistics : {"quantum", "classical"}
        ``"quantum"``: epsilon = (omega/2) coth(omega / 2 omega_T), the Bose-Einstein energy with
        zero point (omega/2 at omega_T = 0). ``"classical"``: epsilon = omega_T (equipartition).

    Returns
    -------
    numpy.ndarray
        epsilon in units of hbar Omega_slow. The mode coordinate then has
        <Q^2> = epsilon / omega^2 and <(Q'/2 pi)^2> = epsilon.
    """
    statistics = check_statistics(statistics)
    temp = check_temperature(omega_T)
    omega = np.asarray(omega, dtype=float)
    if statistics == "classical":
        return np.array(np.broadcast_to(temp, np.broadcast_shapes(omega.shape, temp.shape)))
    with np.errstate(divide="ignore", over="ignore"):
        # omega_T = 0 (or subnormal) gives x = inf, tanh = 1: the zero point
        x = omega / (2.0 * temp)
    return 0.5 * omega / np.tanh(x)


def front_speed(omega_fast: float = 10.0) -> float:
    """Fastest group velocity pi (omega_fast - 1), in sites per t_slow (Sec. III)."""
    return math.pi * (require_omega_fast(omega_fast) - 1.0)


def correlation_decay(omega_fast: float = 10.0) -> float:
    """Decay rate y0 = asinh(1/sqrt(omega_fast^2 - 1)) of the branch point omega = 0.

    Equal-time correlations fall off as exp(-2 y0 |m|) with the site distance m (classical
    statistics: exactly r^|m|, r = (omega_fast - 1)/(omega_fast + 1) = exp(-2 y0)).
    """
    omega_fast = require_omega_fast(omega_fast)
    return math.asinh(1.0 / math.sqrt(omega_fast**2 - 1.0))


def airy_margin(tau_max: float, omega_fast: float = 10.0) -> float:
    """Sites kept beyond the light cone so that wrap-around is below rounding.

    Parameters
    ----------
    tau_max : float
        Longest time lag of the run, >= 0.
    omega_fast : float
        Band top, > 1.

    Returns
    -------
    float
        36/(2 y0) + 16.5 (pi tau_max (omega_fast - 1)/2)^(1/3) sites.

    Notes
    -----
    Two tails must fit between a site and its periodic image. The static one: correlations
    decay as exp(-2 y0 |m|) (:func:`correlation_decay`), ~180 sites for omega_fast = 10.
    The front one: beyond the fastest group velocity the correlations are an Airy tail of
    width (pi tau |omega'''|)^(1/3) with omega''' = -(omega_fast - 1)/2 at the inflection
    point of the band; 16.5 widths leave e^{-45}. For omega_fast = 10 this is
    ~180 + 40 tau^(1/3) sites.
    """
    tau_max = require_positive("tau_max", tau_max, allow_zero=True, scalar=True)
    y0 = correlation_decay(omega_fast)
    width = (math.pi * float(tau_max) * (omega_fast - 1.0) / 2.0) ** (1.0 / 3.0)
    return _DECAY_EXPONENT / (2.0 * y0) + _AIRY_WIDTHS * width


def needed_sites(tau_max: float, omega_fast: float, window_sites: int) -> int:
    """Smallest ring on which a run of ``tau_max`` over ``window_sites`` sites sees no image.

    pi (omega_fast - 1) tau_max + :func:`airy_margin` + window_sites, rounded up.
    """
    window_sites = require_int_range("window_sites", window_sites, 1)
    # one number: float([1.0]) would be a TypeError, not a refusal naming tau_max
    tau_max = require_positive("tau_max", tau_max, allow_zero=True, scalar=True)
    return math.ceil(front_speed(omega_fast) * tau_max
                     + airy_margin(tau_max, omega_fast) + window_sites)


def ring_size(tau_max: float, omega_fast: float, window_sites: int) -> int:
    """Ring size for a run: :func:`needed_sites` rounded up to a fast FFT length.

    Parameters
    ----------
    tau_max : float
        Duration of the run (longest time lag), >= 0, in t_slow.
    omega_fast : float
        Band top, > 1.
    window_sites : int
        Number of contiguous sites the run reads, >= 1.

    Returns
    -------
    int
        ``scipy.fft.next_fast_len(needed_sites(...), real=True)``, at least 16.

    Examples
    --------
    >>> ring_size(800.0, 10.0, 400)
    24000
    """
    from scipy.fft import next_fast_len  # imported on use: a slow import

    need = needed_sites(tau_max, omega_fast, window_sites)
    return int(next_fast_len(max(need, 16), real=True))


def mode_weights(n: int) -> np.ndarray:
    """Weight of half-spectrum mode j = 0..N//2 in a site sum of the real field, 1/sqrt(N) scale.

    2/sqrt(N) (modes j and N - j together), halved for j = 0 and, N even, j = N/2.
    """
    weight = np.full(n // 2 + 1, 2.0 / math.sqrt(n))
    weight[0] /= 2.0
    if n % 2 == 0:
        weight[-1] /= 2.0
    return weight


def site_waves(cols: np.ndarray, n: int) -> np.ndarray:
    """e^{i q_j n} for sites ``cols`` and modes j = 0..N//2 (q_j n reduced exactly mod N)."""
    return np.exp((2j * math.pi / n) * (np.multiply.outer(cols, np.arange(n // 2 + 1)) % n))
