"""Calibration of the learning-rate trim ``SgdrDesign.eta_trim`` (schematic, tt, 27 °C).

The circuit trains on a calibration data set that none of the benchmarks
uses (N = 1, 100 samples, y = 0.3 - 0.5 x + noise, seed 11) at eta 0.02,
0.05 and 0.1 (lambda 0.01), first untrimmed, then with the design's trim.
For each run ``ideal.effective_eta`` fits the rate that explains the
circuit's trajectory; the untrimmed deficit eta - eta_eff is the trim to
use (its mean over the three rates), and the trimmed runs show what is left.
"""

from __future__ import annotations

import dataclasses

import numpy as np

ETAS = (0.02, 0.05, 0.1)
LAMBDA = 0.01
SAMPLES = 100


def calibration_data():
    from logsgd.flow.datasets import Dataset

    rng = np.random.default_rng(11)
    x = rng.uniform(-1, 1, (SAMPLES, 1))
    y = np.clip(0.3 - 0.5 * x[:, 0] + rng.normal(0, 0.02, SAMPLES), -1, 1)
    return Dataset("calibration", x, y, ("x",))


def run() -> dict:
    from logsgd.cells.logdomain import SgdrDesign
    from logsgd.flow import ideal
    from logsgd.flow.train import TrainSetup, train_many

    data = calibration_data()
    trimmed = SgdrDesign()
    untrimmed = dataclasses.replace(trimmed, eta_trim=0.0)
    designs = (untrimmed, trimmed) if trimmed.eta_trim else (untrimmed,)
    setups = [TrainSetup(data, eta, LAMBDA, design=d) for d in designs for eta in ETAS]
    out: dict = {"design_eta_trim": trimmed.eta_trim, "runs": []}
    for setup, result in zip(setups, train_many(setups)):
        eff = ideal.effective_eta(data.x, data.y, result.w_circuit, LAMBDA, result.w0, setup.eta)
        s = result.summary()
        out["runs"].append({"eta": setup.eta, "eta_trim": setup.design.eta_trim, "eta_effective": round(eff, 5),
                            "deficit": round(setup.eta - eff, 5), "nmse_pct": s["nmse_pct"],
                            "weight_bits": s["weight_bits"]})
    deficits = [r["deficit"] for r in out["runs"] if r["eta_trim"] == 0.0]
    out["measured_trim"] = round(float(np.mean(deficits)), 5)
    return out
