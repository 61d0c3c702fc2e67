"""Calibration of the learning-rate law ``SgdrDesign.rate_gain`` / ``rate_settle_s`` (schematic, tt, 27 °C).

The circuit's learning rate depends on the data as well as on eta: at
eta = 0.02 it learned at 0.98-1.07 of eta on four data sets that differ only
in the sign of their slope and offset (stop 19). One data set calibrates the
law for its own weights only, so the calibration uses a family that none of
the benchmarks uses: the same 100 inputs (seed 11), y = s x + o + noise for
s = +-0.5 and o = +-0.3, at eta 0.02, 0.05 and 0.1 (lambda 0.01), first
uncalibrated (rate_gain 1, rate_settle_s 0), then with the design's law. For
each run ``ideal.effective_eta`` fits the rate that explains the circuit's
trajectory; the rate at each eta is the geometric mean over the family. The
law is rate_gain (1 - rate_settle_s eta_max_at_period / (eta T_0)), a
straight line in 1 / eta: its intercept is the gain and its slope gives the
settling time. The calibrated runs show what is left.
"""

from __future__ import annotations

import dataclasses

import numpy as np

ETAS = (0.02, 0.05, 0.1)
LAMBDA = 0.01
SAMPLES = 100
LAWS = ((0.5, -0.3), (0.5, 0.3), (-0.5, 0.3), (-0.5, -0.3))
"""Slope and offset of each calibration data set."""


def calibration_sets():
    """The calibration family: one data set per law in LAWS, on the same inputs."""
    from logsgd.flow.datasets import Dataset

    rng = np.random.default_rng(11)
    x = rng.uniform(-1, 1, (SAMPLES, 1))
    noise = rng.normal(0, 0.02, SAMPLES)
    return [Dataset(f"calibration{s:+g}x{o:+g}", x, np.clip(s * x[:, 0] + o + noise, -1, 1), ("x",))
            for s, o in LAWS]


def run() -> dict:
    from logsgd.cells.logdomain import SgdrDesign
    from logsgd.flow import ideal
    from logsgd.flow.train import TrainSetup, train_many

    sets = calibration_sets()
    calibrated = SgdrDesign()
    plain = dataclasses.replace(calibrated, rate_gain=1.0, rate_settle_s=0.0)
    designs = (plain, calibrated) if calibrated != plain else (plain,)
    setups = [TrainSetup(data, eta, LAMBDA, design=d) for d in designs for eta in ETAS for data in sets]
    out: dict = {"design_rate_gain": calibrated.rate_gain, "design_rate_settle_s": calibrated.rate_settle_s, "runs": []}
    for setup, result in zip(setups, train_many(setups)):
        data = setup.data
        eff = ideal.effective_eta(data.x, data.y, result.w_circuit, LAMBDA, result.w0, setup.eta)
        s = result.summary()
        out["runs"].append({"dataset": data.name, "eta": setup.eta, "calibrated": setup.design is calibrated,
                            "eta_effective": round(eff, 5), "rate": round(eff / setup.eta, 5),
                            "nmse_pct": s["nmse_pct"], "weight_bits": s["weight_bits"]})
    plain_runs = [r for r in out["runs"] if not r["calibrated"]]
    mean_rate = {eta: float(np.exp(np.mean([np.log(r["rate"]) for r in plain_runs if r["eta"] == eta]))) for eta in ETAS}
    slope, gain = np.polyfit([1.0 / eta for eta in ETAS], list(mean_rate.values()), 1)
    out["mean_rate"] = {f"{eta:g}": round(rate, 5) for eta, rate in mean_rate.items()}
    out["measured_rate_gain"] = round(float(gain), 4)
    out["measured_rate_settle_s"] = float(f"{-slope * calibrated.sample_period_s / (gain * calibrated.eta_max_at_period):.4g}")
    return out
