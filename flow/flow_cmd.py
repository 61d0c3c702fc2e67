"""``logsgd flow``: build, verify, extract and train the SGDr array from a YAML file."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "flow",
        help="YAML config → GDS → DRC → LVS → PEX → schematic and post-layout training → report",
    )
    p.add_argument("--config", metavar="FILE.yaml",
                   help="flow configuration (default: configs/default.yaml)")
    p.add_argument("--out", metavar="DIR", help="output folder (default: gds_out/sgdr_array/)")
    p.set_defaults(func=run)


def run(args) -> int:
    from .config import load
    from .flow import run_flow

    config = load(args.config)
    state = run_flow(config, args.out)
    s = state.summary
    print(f"report  {state.files['report']}")
    print(f"summary {state.files['summary']}")
    print(
        f"area {s['area_um2']} µm², DRC {s['drc_violations']}, LVS {s['lvs_match']}, "
        f"NMSE schematic {s['nmse_pct_schematic']} %, post-layout {s['nmse_pct_postlayout']} %, "
        f"{s['weight_bits_postlayout']} bits, {s['power_nW']} nW"
    )
    return state.exit_status
