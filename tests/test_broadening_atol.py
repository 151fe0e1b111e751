"""The broadened loss's absolute tolerance (Sec. VI, Fig. 9): a quadrature stopped early
stays within it of the converged one, and costs fewer evaluations of Eq. (33)."""

import numpy as np
import pytest

from chaindrag import analytic as an
from chaindrag.analytic import broadening
from chaindrag.params import ParameterError

ALPHA, WF = 40.0, 10.0
V = np.geomspace(1.0, 60.0, 40)  # attractive Fig. 9 speeds: most far below the bias 0.01


def _counted(monkeypatch):
    """Eq. (33) evaluations (one per quadrature node) made through the broadened loss."""
    seen = [0]
    real = broadening.steady_state_loss

    def spy(w, *args, **kw):
        seen[0] += np.size(w)
        return real(w, *args, **kw)

    monkeypatch.setattr(broadening, "steady_state_loss", spy)
    return seen


@pytest.mark.parametrize("atol", [1e-9, 1e-7])
def test_a_quadrature_stopped_at_atol_is_within_atol_of_the_converged_one(monkeypatch, atol):
    seen = _counted(monkeypatch)
    full = an.broadened_steady_state_loss(V, -2.0, 4.0, ALPHA, omega_fast=WF)
    n_full, seen[0] = seen[0], 0
    early = an.broadened_steady_state_loss(V, -2.0, 4.0, ALPHA, omega_fast=WF, atol=atol)
    # a halving changing a speed by <= atol leaves an error ~ that change squared (relative):
    # the converged curve (1e-7 relative) is within atol of it (measured 0.04-0.54 atol)
    assert np.max(np.abs(early - full)) <= atol
    assert np.any(early != full)  # it did stop early somewhere ...
    assert seen[0] < 0.5 * n_full  # ... and that saved most of the nodes (measured 0.14-0.19)


def test_atol_zero_is_the_relative_criterion_alone():
    kw = dict(alpha=ALPHA, omega_fast=WF)
    np.testing.assert_array_equal(an.broadened_steady_state_loss(V[::8], -2.0, 4.0, **kw),
                                  an.broadened_steady_state_loss(V[::8], -2.0, 4.0, atol=0.0, **kw))


@pytest.mark.parametrize("atol", [-1e-9, float("nan"), float("inf")])
def test_atol_must_be_finite_and_not_negative(atol):
    with pytest.raises(ParameterError, match="atol"):
        an.broadened_steady_state_loss(20.0, -2.0, 4.0, ALPHA, atol=atol)
