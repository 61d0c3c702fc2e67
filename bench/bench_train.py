"""Training accuracy of the log-domain SGDr circuit in ngspice against ideal SGDr (issue 6).

Runs, with at most two ngspice processes at a time:

* the accuracy table at tt / 27 °C: linear1 (N = 1) and linear4 (N = 4) over
  eta in {0.02, 0.05, 0.1} x lambda in {0, 0.01, 0.1}; acceptance is
  max nmse_pct <= 0.87 (target 0.5) and min weight_bits >= 8;
* nmse_pct of linear1 (eta 0.05, lambda 0.01) at the ss and ff corners and at 0 °C and 85 °C;
* hold drift: the weight change over 10 ms with learning off (eta = 0);
* power per weight, energy per update and transistor count of N = 1 and N = 4;
* the DC-sweep error of the translinear block over its full input range;
* the DC error of the whole gradient path (``flow.gradcheck``) at eta 0.02 and 0.1 for weights -0.5, 0 and 0.6.

``python bench/bench_train.py [--quick]`` prints the JSON; ``--quick`` runs
only the N = 1 rows of the table.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time

import numpy as np

from logsgd.flow import datasets
from logsgd.flow.gradcheck import gradient_path_error
from logsgd.flow.tlcheck import tl_block_error
from logsgd.flow.train import TrainSetup, train_many

ETAS = (0.02, 0.05, 0.1)
LAMBDAS = (0.0, 0.01, 0.1)
TABLE_SETS = (("linear1", 1), ("linear4", 4))
NMSE_LIMIT_PCT = 0.87
NMSE_TARGET_PCT = 0.5
BITS_LIMIT = 8.0
CORNER_RUNS = (("ss", 27.0), ("ff", 27.0), ("tt", 0.0), ("tt", 85.0))
HOLD_S = 10e-3
GRADIENT_WEIGHTS = (-0.5, 0.0, 0.6)
WORKERS = 2


def _progress(done: int) -> None:
    print(f"[bench train] {done} runs finished", file=sys.stderr, flush=True)


def _row(result) -> dict:
    s = result.summary()
    keep = ("dataset", "features", "eta", "lambda", "corner", "temp_C", "nmse_pct", "weight_bits",
            "power_nW", "power_nW_per_weight", "energy_per_update_pJ", "weights_final", "weights_ideal_final")
    return {k: s[k] for k in keep}


def accuracy_table(quick: bool = False) -> list[dict]:
    setups = []
    for name, n in TABLE_SETS[:1] if quick else TABLE_SETS:
        data = datasets.load(name).take(n)
        setups += [TrainSetup(data, eta, lam) for eta, lam in itertools.product(ETAS, LAMBDAS)]
    return [_row(r) for r in train_many(setups, workers=WORKERS, on_done=_progress)]


def corner_table() -> list[dict]:
    data = datasets.load("linear1").take(1)
    setups = [TrainSetup(data, 0.05, 0.01, corner, temp) for corner, temp in CORNER_RUNS]
    return [_row(r) for r in train_many(setups, workers=WORKERS, on_done=_progress)]


def fixed_point_table() -> list[dict]:
    """The static fixed point (``flow.fixed_point``) of linear1 and linear4 at eta 0.02 and 0.1, lambda 0."""
    from logsgd.flow.fixed_point import static_fixed_point

    rows = []
    for (name, n), eta in itertools.product(TABLE_SETS, (0.02, 0.1)):
        fp = static_fixed_point(datasets.load(name).take(n), eta, 0.0)
        rows.append({"dataset": name, "features": n, "eta": eta, "lambda": 0.0, **fp.summary()})
    return rows


def hold_drift() -> dict:
    """Weight change over HOLD_S with eta = 0, inputs held at the first linear1 sample."""
    data = datasets.load("linear1").take(1, 1)
    result = train_many([TrainSetup(data, 0.0, 0.0, hold_s=HOLD_S)], workers=1)[0]
    w = result.trace_w[:, 0]
    return {"hold_s": HOLD_S, "hold_drift_w": float(w[-1] - w[0]), "hold_drift_w_per_ms": float((w[-1] - w[0]) / (HOLD_S * 1e3))}


def run(quick: bool = False) -> dict:
    start = time.monotonic()
    out: dict = {"tl_block": tl_block_error()}
    out["gradient_path"] = [row for w in GRADIENT_WEIGHTS for row in gradient_path_error((0.02, 0.1), w)]
    table = accuracy_table(quick)
    out["table"] = table
    out["max_nmse_pct"] = max(r["nmse_pct"] for r in table)
    out["min_weight_bits"] = min(r["weight_bits"] for r in table)
    out["nmse_pass"] = out["max_nmse_pct"] <= NMSE_LIMIT_PCT
    out["nmse_target_met"] = out["max_nmse_pct"] <= NMSE_TARGET_PCT
    out["bits_pass"] = out["min_weight_bits"] >= BITS_LIMIT
    for n in sorted({r["features"] for r in table}):
        rows = [r for r in table if r["features"] == n]
        out[f"power_nW_per_weight_N{n}"] = float(np.mean([r["power_nW_per_weight"] for r in rows]))
        out[f"energy_per_update_pJ_N{n}"] = float(np.mean([r["energy_per_update_pJ"] for r in rows]))
    if not quick:
        out["corners"] = corner_table()
        out.update(hold_drift())
        out["fixed_point"] = fixed_point_table()
    from logsgd.cells.logdomain import sgdr_array, transistor_count

    out["transistors"] = {f"N{n}": transistor_count(sgdr_array(n), "sgdr_array") for n in (1, 4)}
    out["bench_time_s"] = time.monotonic() - start
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the N = 1 rows of the table")
    args = parser.parse_args()
    print(json.dumps(run(args.quick), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
