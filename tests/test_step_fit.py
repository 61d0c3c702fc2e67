"""The per-sample step fit recovers a known rate and a known per-sample error."""

from __future__ import annotations

import numpy as np

from logsgd.flow import ideal
from logsgd.flow.step_fit import fit_steps


def _circuit(x, y, eta, lam, rate, const, x_term):
    w = np.zeros(x.shape[1])
    out = []
    for xk, yk in zip(x, y):
        w = w + rate * (ideal.sample_step(w, xk, yk, eta, lam) - w) + const + x_term * xk
        out.append(w.copy())
    return np.array(out)


def test_fit_recovers_rate_and_terms():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (300, 2))
    y = x @ np.array([0.5, -0.3]) + 0.05 * rng.standard_normal(300)
    w = _circuit(x, y, 0.05, 0.01, 0.93, 0.0012, -0.0015)
    fits = fit_steps(x, y, w, np.zeros(2), 0.05, 0.01)
    for fit in fits:
        assert abs(fit.rate - 0.93) < 1e-6
        assert abs(fit.terms["const"] - 0.0012) < 1e-9 and abs(fit.terms["x"] + 0.0015) < 1e-9
        assert max(abs(fit.terms[k]) for k in ("x2", "e", "e_x2", "w")) < 1e-9


def test_ideal_weights_fit_as_ideal():
    rng = np.random.default_rng(4)
    x = rng.uniform(-1, 1, (100, 1))
    y = 0.6 * x[:, 0] - 0.2
    w = ideal.sgdr_continuous(x, y, 0.1, 0.0, np.zeros(1))
    (fit,) = fit_steps(x, y, w, np.zeros(1), 0.1, 0.0)
    assert abs(fit.rate - 1) < 1e-9 and abs(fit.mean) < 1e-12 and fit.rms < 1e-12
