"""What each sample gets wrong: a circuit's weight steps fitted against ideal SGDr steps.

For every sample k the circuit's step w[k] - w[k-1] is compared with the
exact ideal step from the circuit's own weight w[k-1] (``ideal.sample_step``).
The difference is fitted by least squares, per weight i, as

    r = (rate - 1) * ideal_step + c0 + c1 x_i + c2 x_i^2 + c3 e + c4 e x_i^2 + c5 w_i

with e = w[k-1] . x_k - y_k. ``rate`` below 1 means the circuit steps short
(settling); the other terms are errors that do not follow the learning rule,
for example charge injected into the weight capacitor once per sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import ideal

TERMS = ("const", "x", "x2", "e", "e_x2", "w")


@dataclass(frozen=True)
class StepFit:
    """Fit of one weight's per-sample step error: rate, the other terms, and the mean and rms error."""

    rate: float
    terms: dict[str, float]
    mean: float
    rms: float


def fit_steps(x: np.ndarray, y: np.ndarray, w_circuit: np.ndarray, w0: np.ndarray, eta: float,
              lam: float) -> list[StepFit]:
    """One StepFit per weight: x (K, N), y (K,), circuit weights after each sample (K, N), initial weights (N,)."""
    x, w_circuit = np.atleast_2d(x), np.atleast_2d(w_circuit)
    before = np.vstack([np.asarray(w0, dtype=float)[None, :], w_circuit[:-1]])
    ideal_step = np.array([ideal.sample_step(w, xk, yk, eta, lam) - w for w, xk, yk in zip(before, x, y)])
    residual = (w_circuit - before) - ideal_step
    e = np.einsum("kn,kn->k", before, x) - y
    fits = []
    for i in range(x.shape[1]):
        xi = x[:, i]
        columns = [ideal_step[:, i], np.ones_like(xi), xi, xi * xi, e, e * xi * xi, before[:, i]]
        coef, *_ = np.linalg.lstsq(np.column_stack(columns), residual[:, i], rcond=None)
        fits.append(StepFit(rate=float(1 + coef[0]), terms=dict(zip(TERMS, map(float, coef[1:]))),
                            mean=float(residual[:, i].mean()), rms=float(residual[:, i].std())))
    return fits
