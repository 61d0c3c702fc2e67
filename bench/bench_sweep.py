"""Benchmark: ``logsgd sweep`` throughput on a LocalCluster of 2 workers, and its overhead beside the points.

Two sweeps of the default circuit under mismatch (tt_mm, 27 °C), each into
a fresh folder so that every point runs: WORKERS x 2 training transients,
and WORKERS x 4 fixed-point proxies. Points per hour is points / wall time.
The overhead is the sweep's own cost beside the points' run time: cluster
start, scheduling and transfers, up to each worker's last point. The tail,
where a worker idles because the others' last points take longer, is the
points' uneven lengths and is reported apart.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
SWEEPS = {
    "transient": {"base": "default.yaml", "corners": ["tt_mm"], "seeds": 2 * WORKERS},
    "fixed_point": {"base": "default.yaml", "corners": ["tt_mm"], "seeds": 4 * WORKERS, "mode": "fixed_point"},
}


def run() -> dict:
    from logsgd.flow.sweep import run_sweep
    from logsgd.flow.sweep_config import parse

    results = {"workers": WORKERS}
    for name, raw in SWEEPS.items():
        out = ROOT / "gds_out" / f"bench_sweep_{name}"
        shutil.rmtree(out, ignore_errors=True)
        res = run_sweep(parse(raw, ROOT / "configs"), out, workers=WORKERS, show_progress=False)
        results[name] = {
            "points": res.ran,
            "wall_s": round(res.wall_s, 1),
            "points_per_hour": round(3600 * res.ran / res.wall_s, 1),
            "mean_point_s": round(res.busy_s / res.ran, 1),
            "overhead_pct": round(res.overhead_pct, 2),
            "tail_pct": round(100 * res.tail_s / (res.workers * res.wall_s), 2),
        }
    return results
