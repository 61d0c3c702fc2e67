"""Bit-exact Python model of cells/digital/sgdr_unit.v, and its training data.

Codes are B-bit two's complement integers; a code c stands for c / 2^(B-1).
Python's ``>>`` on negative integers floors, exactly like Verilog's ``>>>``
on signed values, so the arithmetic below is the RTL's, bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from logsgd.pdk.errors import LogsgdError

MAX_FEATURES = 64
MAX_BITS = 16


@dataclass(frozen=True)
class DigitalParams:
    """Parameters of one sgdr_unit: N features, B-bit data, eta = 2^-eta_shift, lambda = 2^-lambda_shift."""

    features: int = 1
    bits: int = 8
    eta_shift: int = 2
    lambda_shift: int = 5

    def __post_init__(self) -> None:
        if not isinstance(self.features, int) or not 1 <= self.features <= MAX_FEATURES:
            raise LogsgdError(f"features must be an integer in 1..{MAX_FEATURES}, got {self.features!r}")
        if not isinstance(self.bits, int) or not 2 <= self.bits <= MAX_BITS:
            raise LogsgdError(f"bits must be an integer in 2..{MAX_BITS}, got {self.bits!r}")
        if not isinstance(self.eta_shift, int) or not 0 <= self.eta_shift <= 2 * self.bits:
            raise LogsgdError(f"eta_shift must be an integer in 0..{2 * self.bits}, got {self.eta_shift!r}")
        if not isinstance(self.lambda_shift, int) or not 0 <= self.lambda_shift <= 2 * self.bits:
            raise LogsgdError(f"lambda_shift must be an integer in 0..{2 * self.bits}, got {self.lambda_shift!r}")

    @property
    def cycles_per_sample(self) -> int:
        """Clock cycles one sample is held: N to predict, N to update."""
        return 2 * self.features

    @property
    def code_min(self) -> int:
        return -(1 << (self.bits - 1))

    @property
    def code_max(self) -> int:
        return (1 << (self.bits - 1)) - 1

    def verilog_parameters(self) -> dict[str, int]:
        return {"N": self.features, "B": self.bits, "ETA_SHIFT": self.eta_shift, "LAMBDA_SHIFT": self.lambda_shift}


def unsigned_word(value, bits: int):
    """The low ``bits`` bits of ``value`` as an unsigned word: a signed code in two's complement."""
    return value & ((1 << bits) - 1)


def signed_code(word, bits: int):
    """The signed code of a ``bits``-bit two's-complement word (an int or an integer array)."""
    half = 1 << (bits - 1)
    return (word ^ half) - half


def weight_codes(bits, p: DigitalParams) -> np.ndarray:
    """Signed weight codes (..., N) from the w port's bit levels (..., N·B), each weight LSB first."""
    words = np.asarray(bits, dtype=np.int64).reshape(*np.shape(bits)[:-1], p.features, p.bits)
    return signed_code((words << np.arange(p.bits)).sum(axis=-1), p.bits)


def _saturate(value: int, p: DigitalParams) -> int:
    return max(p.code_min, min(p.code_max, value))


def _round_shift(value: int, shift: int) -> int:
    """round(value / 2^shift), halves up: (value + 2^(shift-1)) >> shift."""
    return (value + (1 << (shift - 1))) >> shift if shift > 0 else value


def step(weights: list[int], x: list[int], y: int, p: DigitalParams) -> list[int]:
    """The weight codes after one sample (x codes, y code), as the RTL computes them."""
    frac = p.bits - 1
    acc = sum(w * xi for w, xi in zip(weights, x))
    e = _saturate(_round_shift(acc - (y << frac), frac), p)
    new = list(weights)
    for i, xi in enumerate(x):
        grad = e * xi + ((new[i] << frac) >> p.lambda_shift)
        new[i] = _saturate(new[i] - _round_shift(grad, frac + p.eta_shift), p)
    return new


def train(x_codes: np.ndarray, y_codes: np.ndarray, p: DigitalParams) -> np.ndarray:
    """Weight codes after each sample, shape (samples, N), starting from all-zero weights."""
    x_codes = np.asarray(x_codes, dtype=np.int64)
    y_codes = np.asarray(y_codes, dtype=np.int64)
    if x_codes.ndim != 2 or x_codes.shape[1] != p.features or len(y_codes) != len(x_codes):
        raise LogsgdError(f"training data must be x (samples, {p.features}) and y (samples,)")
    weights = [0] * p.features
    out = np.zeros(x_codes.shape, dtype=np.int64)
    for k, (x, y) in enumerate(zip(x_codes.tolist(), y_codes.tolist())):
        weights = step(weights, x, y, p)
        out[k] = weights
    return out


def target_weights(features: int) -> np.ndarray:
    """True weights of the linear data set: 0.6 on x0 (and -0.2 on a bias input for N >= 2).

    Middle features (N >= 3) get 0.4, -0.3, 0.2, -0.1, ... so that every
    weight moves while training.
    """
    if features == 1:
        return np.array([0.6])
    middle = [(0.4 - 0.1 * (j // 2)) * (1 if j % 2 == 0 else -0.75) for j in range(features - 2)]
    return np.array([0.6, *middle, -0.2])


def linear_data(features: int, samples: int, bits: int = 8, seed: int = 0,
                noise: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """Quantised linear-regression samples (x codes (samples, N), y codes (samples,)).

    linear1-style: y = 0.6 x0 - 0.2 + noise. For N = 1 the one weight sees
    x0 only (the -0.2 offset stays in the error); for N >= 2 the last input
    is a bias held at full scale (code 2^(B-1) - 1). Inputs are uniform in
    [-0.9, 0.9], noise is Gaussian with standard deviation ``noise``.
    """
    if samples < 1:
        raise LogsgdError(f"samples must be at least 1, got {samples}")
    scale = 1 << (bits - 1)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-0.9, 0.9, size=(samples, features))
    if features >= 2:
        x[:, -1] = (scale - 1) / scale
    x_codes = np.clip(np.round(x * scale), -scale, scale - 1).astype(np.int64)
    xq = x_codes / scale
    w_true = target_weights(features)
    y = xq @ w_true + noise * rng.standard_normal(samples)
    if features == 1:
        y = y - 0.2
    y_codes = np.clip(np.round(y * scale), -scale, scale - 1).astype(np.int64)
    return x_codes, y_codes
