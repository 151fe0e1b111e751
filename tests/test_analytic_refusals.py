"""Refusals of the analytic and thermal functions: each names the parameter and its range."""

import math
import warnings

import numpy as np
import pytest

from chaindrag import analytic as an
from chaindrag.interactions import Gaussian
from chaindrag.params import ParameterError
from chaindrag.thermal import MAX_TEMPERATURE, ThermalChain


@pytest.mark.parametrize("call, name", [
    (lambda: an.steady_state_loss(1e-12, 2.0, 4.0, 40.0), "v"),
    (lambda: an.steady_state_loss(1e-12, alpha=40.0, interaction=Gaussian(2.0, 4.0)), "v"),
    (lambda: an.steady_state_roots(1e-9, 40.0), "v"),
    (lambda: an.debye_waller_loss(1e-12, alpha=40.0, omega_T=1.0,
                                  interaction=Gaussian(2.0, 4.0)), "v"),
    (lambda: an.spike_speeds(40.0, n_max=10**9), "n_max"),
    (lambda: an.broadened_steady_state_loss(30.0, 2.0, 4.0, 40.0, n_points=10**9), "n_points"),
    (lambda: an.drift_velocities(1e-3, 2.0, 4.0, 40.0, n_grid=10**10), "n_grid"),
    (lambda: an.drift_velocities(1e-3, 2.0, 4.0, 40.0, broadened="no"), "broadened"),
    (lambda: an.single_pass_loss_modesum(30.0, Gaussian(2.0, 4.0), method="contur"), "method"),
    (lambda: an.higher_phonon_loss(30.0, 2.0, 4.0, 40.0, 5.0, "classical", scale=math.nan),
     "scale"),
    (lambda: an.higher_phonon_loss(30.0, 2.0, 4.0, 40.0, 5.0, "classical", scale=-1.0),
     "scale"),
    (lambda: ThermalChain(1e308, n_modes=64), "omega_T"),
    (lambda: ThermalChain(2.0 * MAX_TEMPERATURE, n_modes=64), "omega_T"),
])
def test_refused_before_work(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


def test_slow_speed_message_gives_the_bound():
    with pytest.raises(ParameterError, match=r"v must be >= 4\.29\d*e-06 alpha"):
        an.steady_state_loss(1e-12, 2.0, 4.0, 40.0)


def test_just_computable_speed_is_finite():
    # the slowest speed accepted: the Gaussian's weight makes Eq. (33) zero in float64
    assert an.steady_state_loss(2e-4, 2.0, 4.0, 40.0) == 0.0


def test_hot_chain_refused_with_range():
    """Omega_T = 1e5 gave NaN (the FFT powers of the series overflowed); the series would
    need thousands of orders there: refused, naming the temperatures it reaches."""
    with pytest.raises(ParameterError, match=r"omega_T.*\[0, 2\.9\de\+03\]"):
        an.thermal_steady_state_loss(30.0, 2.0, 4.0, 40.0, omega_T=1e5, statistics="classical")


def test_series_terms_do_not_overflow():
    """Below the refusal, 256 orders at a sharp core: the powers of D's transform used to
    overflow (NaN) beyond (4 pi <rho^2>)^m ~ 1e308."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        terms = an.higher_phonon_loss(30.0, 2.0, 4.0, 40.0, 1e3, "classical", max_phonons=256,
                                      rtol=1e-9, terms=True, grid_k=128)
    assert terms.shape[0] > 100 and np.all(np.isfinite(terms))


def test_temperature_bound_in_thermal_range():
    chain = ThermalChain(MAX_TEMPERATURE, n_modes=64)
    assert np.all(np.isfinite(chain.displacement([0], [0.0])))


_THERMAL = [
    lambda t: an.thermal_width(4.0, t),
    lambda t: an.debye_waller_loss(30.0, 2.0, 4.0, 40.0, t),
    lambda t: an.two_phonon_loss(30.0, 2.0, 4.0, 40.0, t, grid=256),
    lambda t: an.three_phonon_loss(30.0, 2.0, 4.0, 40.0, t, grid_3=16),
    lambda t: an.single_pass_noise_variance(30.0, 2.0, 4.0, t),
    lambda t: an.single_pass_thermal_shift(30.0, 2.0, 4.0, t),
    lambda t: ThermalChain(t, n_modes=64),  # what simulate(omega_T=...) builds
]


@pytest.mark.parametrize("call", _THERMAL)
@pytest.mark.parametrize("temperature", [True, np.True_, "3", b"3", [1.0, True]])
def test_a_temperature_must_be_a_number_not_a_bool_or_text(call, temperature):
    # True would otherwise run as omega_T = 1 and "3" as 3 (a silently wrong temperature)
    with pytest.raises(ParameterError, match="omega_T"):
        call(temperature)
