"""``logsgd pex``: extracted netlist with parasitic capacitance (and optional wire resistance)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("pex", help="extract devices and parasitic capacitance into a SPICE subcircuit")
    p.add_argument("gds", metavar="FILE.gds", help="layout")
    p.add_argument("--out", required=True, metavar="FILE.spice", help="extracted subcircuit to write")
    p.add_argument("--cell", metavar="TOP", help="layout cell to extract (default: the single top cell)")
    p.add_argument(
        "--schematic",
        metavar="FILE.spice",
        help="schematic whose subcircuit gives the port order (default: FILE.spice beside the layout, if any)",
    )
    p.add_argument("--with-r", action="store_true", help="add wire resistance, splitting the nets it affects")
    p.set_defaults(func=run)


def run(args) -> int:
    from .pex import run_pex

    result = run_pex(args.gds, args.out, cell=args.cell, with_r=args.with_r, schematic=args.schematic)
    print(f"pex {result.subckt}: {result.devices} devices, ports {' '.join(result.ports)}")
    for net, cap in sorted(result.net_caps_F.items(), key=lambda item: -item[1]):
        print(f"  {net:<16} {cap * 1e15:10.3f} fF")
    for warning in result.warnings:
        print(f"  warning: {warning}")
    print(f"wrote {result.out_path}")
    return 0
