"""``logsgd train``: train the log-domain SGDr circuit in ngspice against ideal SGDr."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers) -> None:
    sub = subparsers.add_parser("train", help="train the SGDr circuit in ngspice and compare with ideal SGDr")
    sub.add_argument("--features", type=int, required=True, help="number of weights N (first N features)")
    sub.add_argument("--dataset", required=True, help="linear1, linear4, diabetes, or a CSV file")
    sub.add_argument("--target", default=None, help="target column of a CSV data set")
    sub.add_argument("--eta", type=float, required=True, help="learning rate (>= 0; 0 holds the weights)")
    sub.add_argument("--lambda", dest="lam", type=float, required=True, help="L2 regularisation (>= 0)")
    sub.add_argument("--samples", type=int, default=None, help="use the first K samples (default: all)")
    sub.add_argument("--netlist", type=Path, default=None, help="SPICE file holding .subckt sgdr_array to use instead")
    sub.add_argument("--corner", default="tt",
                     help="model corner: tt, ss, ff, sf, fs, or the same with mismatch (tt_mm, ...)")
    sub.add_argument("--seed", type=int, default=0,
                     help="Monte Carlo mismatch draw, with a _mm corner (default 0: no mismatch)")
    sub.add_argument("--temp", type=float, default=27.0, help="temperature (°C)")
    sub.add_argument("--json", type=Path, default=None, help="write the results as JSON here")
    sub.add_argument("--plot", type=Path, default=None, help="write a PNG of weights against sample index")
    sub.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from logsgd.flow import datasets
    from logsgd.flow.files import write_json
    from logsgd.flow.train import TrainSetup, plot, train
    from logsgd.pdk.errors import LogsgdError
    from logsgd.pdk.models import model_section

    if args.features < 1:
        raise LogsgdError(f"--features must be >= 1, got {args.features}")
    if args.eta < 0:
        raise LogsgdError(f"--eta must be >= 0, got {args.eta}")
    if args.lam < 0:
        raise LogsgdError(f"--lambda must be >= 0, got {args.lam}")
    model_section(args.corner, args.seed)
    data = datasets.load(args.dataset, args.target).take(args.features, args.samples)
    result = train(
        TrainSetup(data, args.eta, args.lam, args.corner, args.temp, netlist_file=args.netlist, seed=args.seed),
        show_progress=True,
    )
    summary = result.summary()
    if args.json:
        write_json(args.json, summary)
    if args.plot:
        plot(result, args.plot)
    print(
        f"nmse {summary['nmse_pct']:.4f} %  weight bits {summary['weight_bits']:.2f}  "
        f"power {summary['power_nW']:.1f} nW ({summary['power_nW_per_weight']:.1f} nW/weight)  "
        f"energy/update {summary['energy_per_update_pJ']:.4g} pJ  sim {summary['sim_time_s']:.1f} s"
    )
    print("weights circuit " + " ".join(f"{v:+.4f}" for v in summary["weights_final"]))
    print("weights ideal   " + " ".join(f"{v:+.4f}" for v in summary["weights_ideal_final"]))
    return 0
