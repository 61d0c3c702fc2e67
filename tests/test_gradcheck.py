"""The gradient path's DC error (capacitor held) against the learning rule, in ngspice."""

import pytest

from logsgd.cells.logdomain import SgdrDesign
from logsgd.flow.gradcheck import TERMS, gradient_path_error


@pytest.mark.slow
def test_gradient_path_gain_and_exponent_error_at_w0():
    # eta 0.1 runs at the I_tau of eta 0.02 (its period is five times longer); at a 20 us period it would
    # need five times the current, which eta_max_at_period = 0.1 gives
    low, same = gradient_path_error((0.02, 0.1), w=0.0)
    (high,) = gradient_path_error((0.1,), w=0.0, design=SgdrDesign(eta_max_at_period=0.1))
    assert set(TERMS) <= set(low)
    assert same["xe"] == pytest.approx(low["xe"], abs=0.01)
    # measured (tt, 27 C, I_0 = 40 nA): gain 1.131 / 1.048, x^2 e -0.0248 / -0.0038, x e^2 -0.0248 / -0.0040:
    # the loops' exponent error grows as I_tau / I_0 falls
    assert -low["xe"] == pytest.approx(1.131, abs=0.02)
    assert -high["xe"] == pytest.approx(1.048, abs=0.02)
    assert low["x2e"] == pytest.approx(-0.0248, abs=0.005)
    assert low["xe2"] == pytest.approx(-0.0248, abs=0.005)
    assert abs(high["x2e"]) < 0.01 and abs(high["xe2"]) < 0.01
    # offsets stay within a quarter of a percent of the full-scale gradient
    for row in (low, high):
        assert max(abs(row["1"]), abs(row["x"]), abs(row["e"])) < 0.0025
