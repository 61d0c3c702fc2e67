"""Where the circuit's learning settles if it were quasi-static: its DC fixed point against ideal SGDr's.

SGDr stops moving on average where the mean gradient over the data is
zero: w* = (X^T X / K + lambda I)^-1 X^T y / K. The circuit has its own
such point, where the mean DC current into each weight capacitor is zero.
``static_fixed_point`` finds it: it holds every capacitor node of
``sgdr_array`` at the gate voltage of a chosen weight, visits every sample
in one DC sweep (``testbench(..., by_sample=True)``), reads the weights at
the read-out pins, and takes one Newton step from near w* with a
finite-difference Jacobian in read-out weights (N + 1 simulations, run in
parallel). The difference w_circuit - w* is the static part of the
learning error: what no longer depends on the sample period, the settling
or the learning rate's dynamics, and what a training run converges to.

It also reports where the prediction alone would settle: the point where
the mean of e x_i + lambda w_i vanishes, with e read from the error
current I_E = I_0 (c + e) that the gradient path receives. The difference
between the two is the gradient path's own share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from logsgd.cells.logdomain import SgdrDesign, sgdr_array
from logsgd.flow.datasets import Dataset
from logsgd.flow.sim import Analysis, Simulation, run_many
from logsgd.flow.train import SAMPLE_NODE, TOP, TrainSetup, readout_vectors, state_gate_voltage, testbench
from logsgd.pdk.errors import LogsgdError

STEP_W = 0.02
"""Weight step of the finite-difference Jacobian (full scale 2)."""
SUBSTEPS = 4
"""DC points per sample: the sweep walks from one sample to the next in steps, each a small change that converges
at once (one step per sample, many failed to converge and fell back to gmin stepping, 3 times slower)."""
ERROR_DIODE = "Xden nen gnd ld_dio"
"""The diode that carries I_E into the gradient path; a 0 V source in series reads its current."""


@dataclass(frozen=True)
class FixedPoint:
    """Static fixed points (N,): ideal SGDr's, the circuit's, and the prediction path's alone."""

    w_ideal: np.ndarray
    w_circuit: np.ndarray
    w_prediction: np.ndarray

    def summary(self) -> dict:
        err = self.w_circuit - self.w_ideal
        return {
            "w_ideal": self.w_ideal.tolist(),
            "w_circuit": self.w_circuit.tolist(),
            "w_prediction": self.w_prediction.tolist(),
            "static_error_max": float(np.max(np.abs(err))),
            "static_bits": float(-np.log2(np.max(np.abs(err)) / 2.0)) if np.any(err) else float("inf"),
        }


def ideal_fixed_point(x: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """w* where the mean SGDr gradient over the samples vanishes."""
    k, n = x.shape
    return np.linalg.solve(x.T @ x / k + lam * np.eye(n), x.T @ y / k)


def held_cell(n: int, design: SgdrDesign, gate_v: np.ndarray) -> str:
    """``sgdr_array`` with each capacitor node held at ``gate_v`` (V) by ``Vcap_k`` and I_E read by ``Vie``."""
    cell = sgdr_array(n, design, TOP)
    for i in range(1, n + 1):
        cap = f"Xcw{i} vc_{i} gnd "
        if cap not in cell:
            raise LogsgdError(f"sgdr_array has no weight capacitor '{cap.strip()}' to hold")
        cell = cell.replace(cap, f"Vcap{i} vc_{i} gnd {gate_v[i - 1]:.6f}\n* capacitor held: ")
    if ERROR_DIODE not in cell:
        raise LogsgdError(f"sgdr_array has no error diode '{ERROR_DIODE}' to read I_E from")
    return cell.replace(ERROR_DIODE, "Xden nen_meas gnd ld_dio\nVie nen nen_meas 0")


def static_fixed_point(data: Dataset, eta: float, lam: float, design: SgdrDesign | None = None,
                       corner: str = "tt", temp_c: float = 27.0, workers: int = 2) -> FixedPoint:
    """The circuit's static fixed point on ``data`` next to ideal SGDr's (see the module notes)."""
    if eta <= 0:
        raise LogsgdError(f"the fixed point needs a learning rate > 0, got eta = {eta}")
    d = design or SgdrDesign()
    k, n = data.x.shape
    order = _short_path(np.column_stack([data.x, data.y]))
    data = Dataset(data.name, data.x[order], data.y[order], data.feature_names)
    setup = TrainSetup(data, eta, lam, corner, temp_c, d)
    w_star = ideal_fixed_point(data.x, data.y, lam)
    points = [w_star] + [w_star + STEP_W * np.eye(n)[j] for j in range(n)]
    vectors = tuple(f"i(v.xdut.vcap{i})" for i in range(1, n + 1)) + ("i(v.xdut.vie)", *readout_vectors(n))
    sims = []
    for w in points:
        gate_v = np.array([state_gate_voltage(setup, float(wi)) for wi in w])
        net, _ = testbench(setup, held_cell(n, d, gate_v), 0.0, by_sample=True)
        sweep = Analysis(f"dc V{SAMPLE_NODE} 0 {k - 1} {1 / SUBSTEPS:g}", vectors)
        sims.append(Simulation(net, (sweep,), corner, temp_c))
    results = [sweep_at_samples(r, k) for r in run_many(sims, workers=workers)]
    # the held source's current runs from vc_i through it to gnd: what the circuit pushes into the capacitor
    charge = np.array([[np.mean(r[f"i(v.xdut.vcap{i})"]) for i in range(1, n + 1)] for r in results])
    reads = np.array([held_weights(r, n, d) for r in results])
    e = [r["i(v.xdut.vie)"] / d.i0_a - d.c for r in results]
    gradient = np.array([data.x.T @ ei / k + lam * w for ei, w in zip(e, reads)])
    return FixedPoint(w_star, _newton(reads, charge), _newton(reads, gradient))


def held_weights(result: dict[str, np.ndarray], n: int, d: SgdrDesign) -> np.ndarray:
    """The weights at the read-out pins (N,), averaged over the sweep (the capacitors are held, so they stay put)."""
    i_w = np.array([-np.mean(result[v]) for v in readout_vectors(n)])
    return d.weight_of_readout(i_w[0::2], i_w[1::2])


def sweep_at_samples(result, k: int) -> dict[str, np.ndarray]:
    """The sweep's vectors at the integer sample indices 0..k-1 only."""
    index = np.rint(result["scale"] * SUBSTEPS).astype(int)
    keep = index % SUBSTEPS == 0
    if int(keep.sum()) != k:
        raise LogsgdError(f"the fixed-point sweep returned {int(keep.sum())} samples, expected {k}")
    return {name: vec[keep] for name, vec in result.analyses[0].items()}


def _short_path(points: np.ndarray) -> np.ndarray:
    """Greedy nearest-neighbour order of the samples: small steps between DC points converge in fewer iterations."""
    left = list(range(1, len(points)))
    order = [0]
    while left:
        dist = np.sum((points[left] - points[order[-1]]) ** 2, axis=1)
        order.append(left.pop(int(np.argmin(dist))))
    return np.array(order)


def _newton(w: np.ndarray, f: np.ndarray) -> np.ndarray:
    """One Newton step to f = 0 from f at weights w[0] and at N nearby weights w[1:] (rows)."""
    dw, df = (w[1:] - w[0]).T, (f[1:] - f[0]).T
    return w[0] - dw @ np.linalg.solve(df, f[0])
