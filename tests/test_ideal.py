"""Ideal SGDr and the metrics, against hand-checked cases."""

import math

import numpy as np
import pytest

from logsgd.flow import ideal
from logsgd.pdk.errors import LogsgdError


def test_continuous_n1_matches_closed_form():
    # N = 1: dw/ds = -eta ((x^2 + lam) w - y x) over s in [0, 1]:
    # w1 = w* + (w0 - w*) exp(-eta (x^2 + lam)), w* = y x / (x^2 + lam).
    x, y, eta, lam, w0 = 0.5, 0.3, 0.1, 0.01, 0.2
    a = x * x + lam
    star = y * x / a
    expected = star + (w0 - star) * math.exp(-eta * a)
    got = ideal.sgdr_continuous([[x]], [y], eta, lam, [w0])
    assert got[0, 0] == pytest.approx(expected, abs=1e-14)
    # by hand: a = 0.26, w* = 0.576923..., w1 = 0.576923 - 0.376923 * exp(-0.026) = 0.209674
    assert got[0, 0] == pytest.approx(0.209674, abs=1e-6)


def test_continuous_lossless_integrator_is_linear_in_time():
    # lam = 0 and x = 0: nothing moves; x != 0 follows the exponential towards y / x.
    w = ideal.sgdr_continuous([[0.0], [1.0]], [0.7, 0.5], 0.2, 0.0, [0.1])
    assert w[0, 0] == pytest.approx(0.1, abs=1e-15)
    assert w[1, 0] == pytest.approx(0.5 + (0.1 - 0.5) * math.exp(-0.2), abs=1e-14)


def test_continuous_n2_singular_direction_stays_put():
    # x = (1, 0): the second weight has no gradient and lam = 0, so it must not move.
    w = ideal.sgdr_continuous([[1.0, 0.0]], [0.4], 0.3, 0.0, [0.0, 0.25])
    assert w[0, 1] == pytest.approx(0.25, abs=1e-15)
    assert w[0, 0] == pytest.approx(0.4 * (1 - math.exp(-0.3)), abs=1e-14)


def test_continuous_matches_fine_euler():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (5, 3))
    y = rng.uniform(-1, 1, 5)
    exact = ideal.sgdr_continuous(x, y, 0.1, 0.05)
    w = np.zeros(3)
    steps = 20000
    for k in range(5):
        for _ in range(steps):
            w = w - 0.1 / steps * ((w @ x[k] - y[k]) * x[k] + 0.05 * w)
    assert np.max(np.abs(w - exact[-1])) < 1e-5


def test_discrete_update_by_hand():
    # w = 0 - 0.1 * ((0 * 1 - 0.5) * 1 + 0) = 0.05; then 0.05 - 0.1 * ((0.05 * 0.5 - 0.2) * 0.5 + 0.1 * 0.05)
    w = ideal.sgdr_discrete([[1.0], [0.5]], [0.5, 0.2], 0.1, 0.1)
    assert w[0, 0] == pytest.approx(0.05)
    assert w[1, 0] == pytest.approx(0.05 - 0.1 * ((0.025 - 0.2) * 0.5 + 0.005))


def test_nmse_and_bits_definitions():
    wi = np.array([[0.5], [1.0]])
    wc = np.array([[0.5], [0.99]])
    assert ideal.nmse_pct(wc, wi) == pytest.approx(100 * 0.0001 / 1.25)
    assert ideal.weight_bits(wc, wi) == pytest.approx(-math.log2(0.01 / 2))
    assert ideal.weight_bits(wi, wi) == math.inf


def test_bad_inputs_raise():
    with pytest.raises(LogsgdError):
        ideal.sgdr_continuous([[1.0]], [0.0], -0.1, 0.0)
    with pytest.raises(LogsgdError):
        ideal.sgdr_discrete([[1.0]], [0.0], 0.1, -1.0)
    with pytest.raises(LogsgdError):
        ideal.nmse_pct([[1.0]], [[1.0, 2.0]])
    with pytest.raises(LogsgdError):
        ideal.nmse_pct([[1.0]], [[0.0]])


def test_effective_eta_recovers_the_rate_of_a_trajectory():
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, (80, 2))
    y = np.clip(x @ np.array([0.5, -0.3]), -1, 1)
    w = ideal.sgdr_continuous(x, y, 0.037, 0.01, np.zeros(2))
    assert ideal.effective_eta(x, y, w, 0.01, np.zeros(2), eta_guess=0.05) == pytest.approx(0.037, rel=1e-4)
    with pytest.raises(LogsgdError):
        ideal.effective_eta(x, y, w, 0.01, np.zeros(2), eta_guess=0.0)
