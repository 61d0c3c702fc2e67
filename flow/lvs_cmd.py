"""``logsgd lvs``: compare a layout with its schematic netlist."""

from __future__ import annotations

EXIT_MATCH = 0
EXIT_MISMATCH = 1


def register(sub) -> None:
    p = sub.add_parser("lvs", help="layout versus schematic on KLayout's netlist comparer (0 match, 1 mismatch)")
    p.add_argument("gds", metavar="FILE.gds", help="layout")
    p.add_argument("spice", metavar="FILE.spice", help="schematic netlist with SKY130 device subcircuit calls")
    p.add_argument("--cell", metavar="TOP", help="layout cell to check (default: the single top cell)")
    p.add_argument("--report", metavar="OUT.lvsdb", help="write a KLayout LVS database for the netlist browser")
    p.add_argument("--json", metavar="OUT.json", help="write the result as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from .files import write_json
    from .lvs import run_lvs

    result = run_lvs(args.gds, args.spice, cell=args.cell, report=args.report)
    if args.json:
        write_json(args.json, result.to_json())
    verdict = "match" if result.match else "MISMATCH"
    print(
        f"lvs {verdict}: devices layout {result.devices_layout} / schematic {result.devices_schematic}, "
        f"nets layout {result.nets_layout} / schematic {result.nets_schematic}"
    )
    for line in result.mismatches:
        print(f"  {line}")
    for path in (args.report, args.json):
        if path:
            print(f"wrote {path}")
    return EXIT_MATCH if result.match else EXIT_MISMATCH
