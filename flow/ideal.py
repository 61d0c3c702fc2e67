"""Ideal SGDr with L2 regularisation, and the project's accuracy metrics.

This module is the one place where the learning rule lives (design note
sections 1 and 5). For each sample k with features x_k (N) and target y_k:

    discrete:    w <- w - eta * ((w.x - y) x + lambda w)
    continuous:  dw/dt = -(eta / T) * ((x x^T + lambda I) w - y x),  x, y held for T

The continuous model is solved exactly per sample with the matrix
exponential of the symmetric matrix A = x x^T + lambda I (by eigen
decomposition), so any difference from a circuit is the circuit's own.
"""

from __future__ import annotations

import numpy as np

from logsgd.pdk.errors import LogsgdError


def _check(x: np.ndarray, y: np.ndarray, w0: np.ndarray, eta: float, lam: float) -> None:
    if x.ndim != 2 or y.shape != (x.shape[0],) or w0.shape != (x.shape[1],):
        raise LogsgdError(f"shape mismatch: x {x.shape}, y {y.shape}, w0 {w0.shape}")
    if eta < 0 or lam < 0:
        raise LogsgdError(f"eta and lambda must be >= 0, got eta={eta}, lambda={lam}")


def _trajectory(x, y, eta: float, lam: float, w0, step) -> np.ndarray:
    """Weights after each sample, ``step(w, x_k, y_k)`` giving the next; shape (K, N)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    w = np.zeros(x.shape[1]) if w0 is None else np.array(w0, float)
    _check(x, y, w, eta, lam)
    out = np.empty_like(x)
    for k in range(x.shape[0]):
        w = step(w, x[k], float(y[k]))
        out[k] = w
    return out


def sgdr_discrete(x, y, eta: float, lam: float, w0=None) -> np.ndarray:
    """Weights after each sample of discrete SGDr; shape (K, N)."""
    return _trajectory(x, y, eta, lam, w0, lambda w, xk, yk: w - eta * ((w @ xk - yk) * xk + lam * w))


def sample_step(w: np.ndarray, x: np.ndarray, y: float, eta: float, lam: float, fraction: float = 1.0) -> np.ndarray:
    """Exact continuous-time weights after holding (x, y) for ``fraction`` of a period.

    Solves dw/ds = -eta ((x x^T + lam I) w - y x) for s in [0, fraction]
    with A = x x^T + lam I symmetric: w(s) = w* + V exp(-eta s D) V^T (w - w*)
    on the range of A, and w + eta s y x on its null space (only when lam = 0).
    """
    a = np.outer(x, x) + lam * np.eye(len(x))
    d, v = np.linalg.eigh(a)
    b = y * x
    c = v.T @ w
    g = v.T @ b
    s = eta * fraction
    out = np.empty_like(c)
    for j, dj in enumerate(d):
        if dj * s > 1e-12:
            star = g[j] / dj
            out[j] = star + (c[j] - star) * np.exp(-s * dj)
        else:
            # A is (numerically) singular along this direction: dw/ds = g, exact to O(s*dj).
            out[j] = c[j] + s * (g[j] - dj * c[j])
    return v @ out


def sgdr_continuous(x, y, eta: float, lam: float, w0=None) -> np.ndarray:
    """Weights at the end of each sample period of continuous SGDr; shape (K, N)."""
    return _trajectory(x, y, eta, lam, w0, lambda w, xk, yk: sample_step(w, xk, yk, eta, lam))


def nmse_pct(w_circuit, w_ideal) -> float:
    """100 * sum (w_c - w_i)^2 / sum w_i^2 over all samples and weights."""
    wc, wi = np.asarray(w_circuit, float), np.asarray(w_ideal, float)
    if wc.shape != wi.shape:
        raise LogsgdError(f"weight arrays differ in shape: {wc.shape} vs {wi.shape}")
    denom = float(np.sum(wi**2))
    if denom == 0.0:
        raise LogsgdError("nmse undefined: the ideal weights are all zero")
    return 100.0 * float(np.sum((wc - wi) ** 2)) / denom


def weight_bits(w_circuit, w_ideal) -> float:
    """-log2(max |w_c - w_i| / 2): precision against the full-scale range 2 of a weight in [-1, 1]."""
    wc, wi = np.asarray(w_circuit, float), np.asarray(w_ideal, float)
    if wc.shape != wi.shape:
        raise LogsgdError(f"weight arrays differ in shape: {wc.shape} vs {wi.shape}")
    worst = float(np.max(np.abs(wc - wi)))
    return float("inf") if worst == 0.0 else -float(np.log2(worst / 2.0))


def effective_eta(x, y, w_circuit, lam: float, w0, eta_guess: float) -> float:
    """The learning rate of continuous SGDr that best explains a trajectory ``w_circuit`` (K, N).

    Minimises nmse_pct(w_circuit, sgdr_continuous(x, y, eta, lam, w0)) over
    eta by golden-section search in [eta_guess / 3, 3 eta_guess]; the
    circuit's rate error is then eta_guess - effective_eta.
    """
    if eta_guess <= 0:
        raise LogsgdError(f"eta_guess must be > 0, got {eta_guess}")

    def cost(eta: float) -> float:
        return nmse_pct(w_circuit, sgdr_continuous(x, y, eta, lam, w0))

    lo, hi = np.log(eta_guess / 3), np.log(3 * eta_guess)
    ratio = (np.sqrt(5) - 1) / 2
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = cost(np.exp(a)), cost(np.exp(b))
    for _ in range(40):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - ratio * (hi - lo)
            fa = cost(np.exp(a))
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = cost(np.exp(b))
    return float(np.exp((lo + hi) / 2))
