"""Mismatch budget of the default circuit: predicted fixed-point spread, its largest shares, and the run time.

The prediction is checked against the Monte Carlo spread of the fixed-point
proxy in ``gds_out/mc`` when that sweep's records are there.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from logsgd.cells.logdomain import SgdrDesign
from logsgd.flow import config, datasets
from logsgd.flow.mismatch import mismatch_budget

MC_POINTS = Path(__file__).resolve().parents[1] / "gds_out" / "mc" / "points"


def _monte_carlo_sigma() -> dict:
    """Standard deviation of the proxy's weight over the seeds recorded in gds_out/mc, if any."""
    errors = []
    for path in sorted(MC_POINTS.glob("*.json")) if MC_POINTS.is_dir() else []:
        record = json.loads(path.read_text())
        if record["point"]["mode"] == "fixed_point" and record["status"] == "ok":
            errors.append(record["weights"][0] - record["weights_ideal"][0])
    return {"mc_proxy_seeds": len(errors), "mc_proxy_sigma_w": float(np.std(errors, ddof=1)) if errors else None}


def run() -> dict:
    cfg = config.load()
    data = datasets.load(cfg.dataset).take(cfg.features, cfg.samples)
    start = time.perf_counter()
    budget = mismatch_budget(data, cfg.eta, cfg.lambda_, SgdrDesign(), cfg.corner, cfg.temp_C, workers=2)
    summary = budget.summary(top=5)
    return {
        "budget_s": round(time.perf_counter() - start, 1),
        "devices": len(budget.devices),
        "sigma_w": summary["sigma_w"][0],
        "top_devices": {d["path"]: round(d["variance_share"], 4) for d in summary["devices"]},
        "top_blocks": {b["block"]: round(b["variance_share"], 4) for b in summary["blocks"][:5]},
        **_monte_carlo_sigma(),
    }
