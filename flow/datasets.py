"""Training data sets for ``logsgd train``: features and target in [-1, 1].

* ``linear1``: one feature, y = 0.6 x - 0.2 + noise (sigma 0.02), 200 samples, seed 1;
* ``linear4``: four features, y = x . (0.4, -0.3, 0.2, -0.1) + noise (sigma 0.02), 400 samples, seed 4;
* ``diabetes``: scikit-learn's bundled diabetes data (442 samples, 10 features,
  read offline), every column min-max scaled to [-1, 1]; ``--features N`` takes the first N columns;
* a CSV file with a header row: ``--target COLUMN`` is y, all other numeric
  columns are features, each min-max scaled to [-1, 1].

The synthetic sets are built inside [-1, 1] and are not rescaled, so their
true weights stay as written.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from logsgd.pdk.errors import LogsgdError

BUILTIN = ("linear1", "linear4", "diabetes")
LINEAR4_WEIGHTS = (0.4, -0.3, 0.2, -0.1)
NOISE_SIGMA = 0.02


@dataclass(frozen=True)
class Dataset:
    """Features x (K, N) and target y (K,), all in [-1, 1]."""

    name: str
    x: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]

    def take(self, n_features: int, samples: int | None = None) -> "Dataset":
        """The first ``n_features`` columns and the first ``samples`` rows."""
        if n_features < 1:
            raise LogsgdError(f"--features must be >= 1, got {n_features}")
        if n_features > self.x.shape[1]:
            raise LogsgdError(f"data set {self.name!r} has {self.x.shape[1]} features, asked for {n_features}")
        k = self.x.shape[0] if samples is None else samples
        if not 1 <= k <= self.x.shape[0]:
            raise LogsgdError(f"--samples must be in 1..{self.x.shape[0]} for {self.name!r}, got {k}")
        return Dataset(self.name, self.x[:k, :n_features], self.y[:k], self.feature_names[:n_features])


def _scale(v: np.ndarray) -> np.ndarray:
    """Min-max scale each column to [-1, 1] (a constant column becomes 0)."""
    lo, hi = v.min(axis=0), v.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return np.where(hi > lo, 2.0 * (v - lo) / span - 1.0, 0.0)


def linear1() -> Dataset:
    rng = np.random.default_rng(1)
    x = rng.uniform(-1.0, 1.0, (200, 1))
    y = 0.6 * x[:, 0] - 0.2 + NOISE_SIGMA * rng.standard_normal(200)
    return Dataset("linear1", x, y, ("x",))


def linear4() -> Dataset:
    rng = np.random.default_rng(4)
    x = rng.uniform(-1.0, 1.0, (400, 4))
    y = x @ np.array(LINEAR4_WEIGHTS) + NOISE_SIGMA * rng.standard_normal(400)
    return Dataset("linear4", x, y, ("x1", "x2", "x3", "x4"))


def diabetes() -> Dataset:
    from sklearn.datasets import load_diabetes

    data = load_diabetes()
    return Dataset("diabetes", _scale(np.asarray(data.data, float)), _scale(np.asarray(data.target, float)[:, None])[:, 0], tuple(data.feature_names))


def from_csv(path: str | Path, target: str | None) -> Dataset:
    """Read a CSV with a header; ``target`` names the y column."""
    path = Path(path)
    if not path.is_file():
        raise LogsgdError(f"data set file not found: {path}")
    if not target:
        raise LogsgdError(f"a CSV data set needs --target COLUMN ({path})")
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    if len(rows) < 2:
        raise LogsgdError(f"{path}: needs a header row and at least one data row")
    header = [h.strip() for h in rows[0]]
    if target not in header:
        raise LogsgdError(f"{path}: no target column {target!r} (columns: {', '.join(header)})")
    try:
        values = np.array([[float(v) for v in row] for row in rows[1:] if row], float)
    except ValueError as exc:
        raise LogsgdError(f"{path}: non-numeric value ({exc})") from None
    if values.shape[1] != len(header):
        raise LogsgdError(f"{path}: rows do not match the header's {len(header)} columns")
    t = header.index(target)
    features = [i for i in range(len(header)) if i != t]
    if not features:
        raise LogsgdError(f"{path}: no feature columns besides {target!r}")
    x = _scale(values[:, features])
    y = _scale(values[:, [t]])[:, 0]
    return Dataset(path.stem, x, y, tuple(header[i] for i in features))


def load(name: str, target: str | None = None) -> Dataset:
    """A built-in data set by name, or a CSV file path with ``target``."""
    if name in BUILTIN:
        return {"linear1": linear1, "linear4": linear4, "diabetes": diabetes}[name]()
    if name.lower().endswith(".csv") or Path(name).is_file():
        return from_csv(name, target)
    raise LogsgdError(f"unknown data set {name!r}; choose one of {', '.join(BUILTIN)} or a .csv file")
