"""Where the circuit's learning settles if it were quasi-static: its DC fixed point against ideal SGDr's.

SGDr stops moving on average where the mean gradient over the data is
zero: w* = (X^T X / K + lambda I)^-1 X^T y / K. The circuit has its own
such point, where the mean DC current into each weight capacitor is zero.
``static_fixed_point`` finds it: it holds every capacitor node of
``sgdr_array`` at the gate voltage of a chosen weight, visits every sample
in one DC sweep (``testbench(..., by_sample=True)``), reads the weights at
the read-out pins, and takes one Newton step from near w* with a
finite-difference Jacobian in read-out weights (N + 1 sweeps of one ngspice
run). Where that step lands farther than REFINE_BEYOND_W from w* (under
mismatch it may land 0.6 away), the log-domain gradient's curvature makes one
step inexact, so it goes on by Broyden steps, one held sweep each, until a
step is smaller than that. The difference w_circuit - w* is the static part of the
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
from logsgd.flow.sim import Analysis, Simulation, run
from logsgd.flow.train import SAMPLE_NODE, TOP, TrainSetup, readout_vectors, state_gate_voltage, testbench
from logsgd.pdk.errors import LogsgdError

STEP_W = 0.02
"""Weight step of the finite-difference Jacobian (full scale 2)."""
REFINE_BEYOND_W = 0.02
"""A Newton estimate farther than this from the last held point is refined by another held sweep."""
MAX_REFINE = 5
MAX_HELD_W = 2.0
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
    """``sgdr_array`` with each capacitor node held at ``gate_v`` (V) by ``Vcap_k`` and I_E read by ``Vie``.

    The capacitors stay in the netlist beside their sources, so that the
    instance list, and with it a Monte Carlo seed's draw, is the training's.
    """
    cell = sgdr_array(n, design, TOP)
    for i in range(1, n + 1):
        cap = f"Xcw{i} vc_{i} gnd "
        if cap not in cell:
            raise LogsgdError(f"sgdr_array has no weight capacitor '{cap.strip()}' to hold")
        cell = cell.replace(cap, f"Vcap{i} vc_{i} gnd {gate_v[i - 1]:.6f}\n{cap}")
    if ERROR_DIODE not in cell:
        raise LogsgdError(f"sgdr_array has no error diode '{ERROR_DIODE}' to read I_E from")
    return cell.replace(ERROR_DIODE, "Xden nen_meas gnd ld_dio\nVie nen nen_meas 0")


def static_fixed_point(data: Dataset, eta: float, lam: float, design: SgdrDesign | None = None,
                       corner: str = "tt", temp_c: float = 27.0, seed: int = 0) -> FixedPoint:
    """The circuit's static fixed point on ``data`` next to ideal SGDr's (see the module notes).

    The N + 1 held points are sweeps of one ngspice run, so they share one
    model load and, under mismatch, the draw that ``seed`` picks.
    """
    if eta <= 0:
        raise LogsgdError(f"the fixed point needs a learning rate > 0, got eta = {eta}")
    d = design or SgdrDesign()
    k, n = data.x.shape
    order = _short_path(np.column_stack([data.x, data.y]))
    data = Dataset(data.name, data.x[order], data.y[order], data.feature_names)
    setup = TrainSetup(data, eta, lam, corner, temp_c, d, seed=seed)
    w_star = ideal_fixed_point(data.x, data.y, lam)
    points = np.array([w_star] + [w_star + STEP_W * np.eye(n)[j] for j in range(n)])
    charge, reads, e = _held_sweeps(setup, points)
    gradient = np.array([data.x.T @ ei / k + lam * w for ei, w in zip(e, reads)])
    return FixedPoint(w_star, _refined(setup, points, charge, reads), newton_step(reads, gradient))


def _held_sweeps(setup: TrainSetup, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Capacitors held at each row of ``targets`` (weights): mean charge current and read weights (rows), and e.

    One ngspice run: each sweep after the first re-holds the capacitors, so all
    share one model load and, under mismatch, one draw.
    """
    d, k, n = setup.design, setup.data.x.shape[0], setup.data.x.shape[1]
    vectors = held_vectors(n) + ("i(v.xdut.vie)",)
    gate_v = np.atleast_2d(state_gate_voltage(setup, targets))
    net, _ = testbench(setup, held_cell(n, d, gate_v[0]), 0.0, by_sample=True)
    sweeps = [Analysis(sample_sweep(k), vectors, hold) for hold in hold_commands(gate_v)]
    sim = Simulation(net, tuple(sweeps), setup.corner, setup.temp_c, seed=setup.seed)
    results = [sweep_at_samples(r, k) for r in run(sim).analyses]
    held = [charge_and_reads(r, n, d) for r in results]
    charge = np.array([h[0] for h in held])
    reads = np.array([h[1] for h in held])
    return charge, reads, [r["i(v.xdut.vie)"] / d.i0_a - d.c for r in results]


def sample_sweep(k: int) -> str:
    """The DC sweep of ``Vsample`` that visits samples 0..k-1, SUBSTEPS points each."""
    return f"dc V{SAMPLE_NODE} 0 {k - 1} {1 / SUBSTEPS:g}"


def held_vectors(n: int) -> tuple[str, ...]:
    """The held sources' currents and the read-out currents that ``charge_and_reads`` takes."""
    return tuple(f"i(v.xdut.vcap{i})" for i in range(1, n + 1)) + tuple(readout_vectors(n))


def hold_commands(gate_v: np.ndarray) -> list[tuple[str, ...]]:
    """For each row of ``gate_v`` (V, one per capacitor), the ``alter`` lines that hold the capacitors there."""
    return [tuple(f"alter v.xdut.vcap{i + 1} dc={v:.6f}" for i, v in enumerate(g)) for g in gate_v]


def charge_and_reads(result: dict[str, np.ndarray], n: int, d: SgdrDesign) -> tuple[np.ndarray, np.ndarray]:
    """Mean charge current into each capacitor and the read weights (N,) of one held sweep at the samples.

    The held source's current runs from vc_i through it to gnd: what the circuit pushes into the capacitor.
    """
    return np.array([np.mean(result[f"i(v.xdut.vcap{i})"]) for i in range(1, n + 1)]), held_weights(result, n, d)


def _refined(setup: TrainSetup, targets: np.ndarray, charge: np.ndarray, reads: np.ndarray) -> np.ndarray:
    """The read weights where the charge vanishes: a Newton step, then Broyden steps while it lands far."""
    step = targets[1:] - targets[0]
    jac_f = np.linalg.solve(step, charge[1:] - charge[0]).T
    jac_r = np.linalg.solve(step, reads[1:] - reads[0]).T
    t, f, r = targets[0], charge[0], reads[0]
    w = newton_step(reads, charge)
    for _ in range(MAX_REFINE):
        if np.max(np.abs(w - r)) <= REFINE_BEYOND_W:
            break
        # held where I_W = I_0 (a + w) stays a current the unit diode can place, at most twice full scale
        dt = np.clip(t - np.linalg.solve(jac_f, f), 0.1 - setup.design.a, MAX_HELD_W) - t
        if not np.any(dt):
            break
        f_new, r_new, _ = _held_sweeps(setup, (t + dt)[np.newaxis])
        jac_f += np.outer(f_new[0] - f - jac_f @ dt, dt) / (dt @ dt)
        jac_r += np.outer(r_new[0] - r - jac_r @ dt, dt) / (dt @ dt)
        t, f, r = t + dt, f_new[0], r_new[0]
        w = r - jac_r @ np.linalg.solve(jac_f, f)
    return w


def held_weights(result: dict[str, np.ndarray], n: int, d: SgdrDesign) -> np.ndarray:
    """The weights at the read-out pins (N,), averaged over the sweep (the capacitors are held, so they stay put)."""
    i_w = np.array([-np.mean(result[v]) for v in readout_vectors(n)])
    return d.weight_of_readout(i_w[0::2], i_w[1::2])


def sweep_at_samples(vectors: dict[str, np.ndarray], k: int) -> dict[str, np.ndarray]:
    """One sweep's vectors at the integer sample indices 0..k-1 only."""
    index = np.rint(vectors["scale"] * SUBSTEPS).astype(int)
    keep = index % SUBSTEPS == 0
    if int(keep.sum()) != k:
        raise LogsgdError(f"the fixed-point sweep returned {int(keep.sum())} samples, expected {k}")
    return {name: vec[keep] for name, vec in vectors.items()}


def _short_path(points: np.ndarray) -> np.ndarray:
    """Greedy nearest-neighbour order of the samples: small steps between DC points converge in fewer iterations."""
    left = list(range(1, len(points)))
    order = [0]
    while left:
        dist = np.sum((points[left] - points[order[-1]]) ** 2, axis=1)
        order.append(left.pop(int(np.argmin(dist))))
    return np.array(order)


def newton_step(w: np.ndarray, f: np.ndarray) -> np.ndarray:
    """One Newton step to f = 0 from f at weights w[0] and at N nearby weights w[1:] (rows)."""
    dw, df = (w[1:] - w[0]).T, (f[1:] - f[0]).T
    return w[0] - dw @ np.linalg.solve(df, f[0])
