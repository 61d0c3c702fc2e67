"""Calibration of the learning-rate law ``SgdrDesign.rate_gain`` / ``rate_slope`` (schematic, tt, 27 °C).

The circuit trains on a calibration data set that none of the benchmarks
uses (N = 1, 100 samples, y = 0.3 - 0.5 x + noise, seed 11) at eta 0.02,
0.05 and 0.1 (lambda 0.01), first uncalibrated (rate_gain 1, rate_slope 0),
then with the design's law. For each run ``ideal.effective_eta`` fits the
rate that explains the circuit's trajectory; a straight line through
ln(eta_eff / eta) against ln(eta / RATE_REF_ETA) gives the gain and slope
to use, and the calibrated runs show what is left.
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
    from logsgd.cells.logdomain.design import RATE_REF_ETA
    from logsgd.flow import ideal
    from logsgd.flow.train import TrainSetup, train_many

    data = calibration_data()
    calibrated = SgdrDesign()
    plain = dataclasses.replace(calibrated, rate_gain=1.0, rate_slope=0.0)
    designs = (plain, calibrated) if calibrated != plain else (plain,)
    setups = [TrainSetup(data, eta, LAMBDA, design=d) for d in designs for eta in ETAS]
    out: dict = {"design_rate_gain": calibrated.rate_gain, "design_rate_slope": calibrated.rate_slope, "runs": []}
    for setup, result in zip(setups, train_many(setups)):
        eff = ideal.effective_eta(data.x, data.y, result.w_circuit, LAMBDA, result.w0, setup.eta)
        s = result.summary()
        out["runs"].append({"eta": setup.eta, "calibrated": setup.design is calibrated,
                            "eta_effective": round(eff, 5), "rate": round(eff / setup.eta, 5),
                            "nmse_pct": s["nmse_pct"], "weight_bits": s["weight_bits"]})
    plain_runs = [r for r in out["runs"] if not r["calibrated"]]
    slope, intercept = np.polyfit(np.log([r["eta"] / RATE_REF_ETA for r in plain_runs]),
                                  np.log([r["rate"] for r in plain_runs]), 1)
    out["measured_rate_gain"] = round(float(np.exp(intercept)), 4)
    out["measured_rate_slope"] = round(float(-slope), 4)
    return out
