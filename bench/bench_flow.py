"""Benchmark: ``logsgd flow`` with the two shipped configurations (N = 1 and N = 4).

Writes each flow into gds_out/bench_flow_n<N>/ and records its summary.json
plus the sample period of the post-layout run, which the versus-digital
table needs.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {1: ROOT / "configs" / "default.yaml", 4: ROOT / "configs" / "n4.yaml"}


def run() -> dict:
    from logsgd.flow.config import load
    from logsgd.flow.flow import run_flow

    results = {}
    for n, config_path in CONFIGS.items():
        out = ROOT / "gds_out" / f"bench_flow_n{n}"
        state = run_flow(load(config_path), out)
        summary = dict(state.summary)
        train_json = out / "train_postlayout.json"
        if train_json.is_file():
            summary["sample_period_s"] = json.loads(train_json.read_text())["sample_period_s"]
        summary["stopped_at"] = state.stopped_at
        results[f"n{n}"] = summary
    return results
