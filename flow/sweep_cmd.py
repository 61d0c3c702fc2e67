"""``logsgd sweep``: Monte Carlo mismatch, corners and temperatures as training sweeps on Dask."""

from __future__ import annotations

from pathlib import Path

from .config import MC_MODES


def register(sub) -> None:
    p = sub.add_parser("sweep", help="sweep seeds, corners, temperatures, eta, lambda on a Dask cluster")
    p.add_argument("--config", required=True, metavar="SWEEP.yaml", help="sweep file: base flow keys and axes")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder; a rerun skips the points done there")
    p.add_argument("--scheduler", metavar="ADDRESS", help="existing Dask scheduler, e.g. tcp://HOST:8786 "
                   "(default: a LocalCluster on this machine)")
    p.add_argument("--workers", type=int, metavar="K", help="LocalCluster worker processes (default: CPU count)")
    p.add_argument("--mode", choices=MC_MODES,
                   help="measure each point by a training transient or by the static fixed point (DC, fast)")
    p.add_argument("--seeds", type=int, metavar="K", help="replace the file's seeds by 1..K")
    p.set_defaults(func=run)


def run(args) -> int:
    from . import sweep_config, sweep_report
    from .sweep import close_client, extracted_netlists, open_client, run_sweep

    sweep = sweep_config.load(args.config, args.mode, args.seeds)
    out = Path(args.out)
    client = open_client(args.scheduler, args.workers)
    try:
        pex = extracted_netlists(sweep, out)
        result = run_sweep(sweep, out, pex, client=client)
    finally:
        close_client(client)
    summary = sweep_report.write(sweep, result, out)
    print(f"sweep   {out / 'sweep.md'}")
    for g in summary["groups"]:
        print(f"{sweep_report.group_label(g)}: {g['count']} points, yield {100 * g['yield']:.0f} %, "
              f"bits median {g['bits_median']:.2f} p05 {g['bits_p05']:.2f}, failed {g['failed']}")
    if result.lost:
        print(f"{len(result.lost)} point(s) lost to the cluster; rerun to complete them")
    failed = sum(r["status"] != "ok" for r in result.records.values())
    return 1 if failed or result.lost else 0
