"""DC error of the whole gradient path: what the capacitor receives against the learning rule.

With its capacitor held at the gate voltage of weight w, ``sgdr_array``
should push I_C = -I_tau I_0 (e x + lambda w) / I_W into it (design note,
section 3). ``gradient_path_error`` visits a 5 x 5 grid of (x, y) in one DC
sweep, reads e from the error current, and fits I_C in units of
I_tau I_0 / I_W to the terms of a cubic in x and e. Ideal: -1 for x e and 0
for everything else. The x e coefficient is the path's DC gain, the constant,
x and e terms are offsets that move the weights' fixed point, and the cubic
terms x^2 e and x e^2 are the translinear loops' exponent error, which moves
the fixed point by an amount that depends on the data (the mean of x^2 e).
"""

from __future__ import annotations

import numpy as np

from logsgd.cells.logdomain import SgdrDesign
from logsgd.flow.datasets import Dataset
from logsgd.flow.fixed_point import SUBSTEPS, held_cell, held_weights, sweep_at_samples
from logsgd.flow.sim import Analysis, Simulation, run_many
from logsgd.flow.train import SAMPLE_NODE, TrainSetup, readout_vectors, state_gate_voltage, testbench

GRID = np.linspace(-1.0, 1.0, 5)
TERMS = ("xe", "1", "x", "e", "x2", "e2", "x2e", "xe2")
"""The fitted terms, in the order of ``_basis``."""


def _grid_data() -> Dataset:
    """The (x, y) grid as a data set, in serpentine order so that each DC step is small."""
    points = [(x, y) for i, x in enumerate(GRID) for y in (GRID if i % 2 == 0 else GRID[::-1])]
    xy = np.array(points)
    return Dataset("gradient-grid", xy[:, :1], xy[:, 1], ("x",))


def _basis(x: np.ndarray, e: np.ndarray) -> np.ndarray:
    return np.column_stack([x * e, np.ones_like(x), x, e, x * x, e * e, x * x * e, x * e * e])


def gradient_path_error(etas: tuple[float, ...] = (0.02, 0.1), w: float = 0.0, lam: float = 0.0,
                        design: SgdrDesign | None = None, corner: str = "tt", temp_c: float = 27.0) -> list[dict]:
    """One row per eta: the held weight, the fitted coefficients (TERMS) and the rms of what they leave."""
    d = design or SgdrDesign()
    data = _grid_data()
    k = data.x.shape[0]
    vectors = ("i(v.xdut.vcap1)", "i(v.xdut.vie)", *readout_vectors(1))
    sims = []
    for eta in etas:
        setup = TrainSetup(data, eta, lam, corner, temp_c, d)
        gate_v = np.array([state_gate_voltage(setup, w)])
        net, _ = testbench(setup, held_cell(1, d, gate_v), 0.0, by_sample=True)
        sims.append(Simulation(net, (Analysis(f"dc V{SAMPLE_NODE} 0 {k - 1} {1 / SUBSTEPS:g}", vectors),), corner, temp_c))
    rows = []
    for eta, result in zip(etas, run_many(sims, workers=2)):
        r = sweep_at_samples(result.analyses[0], k)
        w_read = float(held_weights(r, 1, d)[0])
        e = r["i(v.xdut.vie)"] / d.i0_a - d.c
        unit = d.i_tau_a(eta, temp_c) * d.i0_a / d.current_of_weight(w_read)
        # the ideal L2 charge -lambda w is added back, so that the constant term is the offset alone
        charge = r["i(v.xdut.vcap1)"] / unit + lam * w_read
        basis = _basis(data.x[:, 0], e)
        coef, *_ = np.linalg.lstsq(basis, charge, rcond=None)
        rows.append({"eta": eta, "lambda": lam, "w": round(w_read, 4),
                     **{t: round(float(c), 5) for t, c in zip(TERMS, coef)},
                     "rms_rest": round(float(np.std(charge - basis @ coef)), 5)})
    return rows
