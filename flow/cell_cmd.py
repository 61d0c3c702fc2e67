"""``logsgd cell`` writes one generated cell (GDS + SPICE, optionally a PNG); ``logsgd cells`` lists the generators."""

from __future__ import annotations

import argparse

from logsgd.pdk.errors import LogsgdError

DEFAULT_OUT = "gds_out"


def register(subparsers) -> None:
    p = subparsers.add_parser("cell", help="generate a SKY130 cell: DIR/<cellname>.gds and .spice")
    p.add_argument("name", help="generator name (see 'logsgd cells')")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="generator parameter, repeatable (e.g. --param w=2 --param nf=4)")
    p.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT}/)")
    p.add_argument("--png", help="also render the layout to this PNG file")
    p.set_defaults(func=run_cell)
    q = subparsers.add_parser("cells", help="list the cell generators with parameters, defaults, units and limits")
    q.set_defaults(func=run_cells)


def parse_params(items: list[str]) -> dict[str, str]:
    """``["w=2", "nf=4"]`` as a dict; LogsgdError for an item without '=' or a repeated key."""
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise LogsgdError(f"--param {item!r} must look like key=value")
        if key in values:
            raise LogsgdError(f"--param {key} given twice")
        values[key] = value.strip()
    return values


def run_cell(args: argparse.Namespace) -> int:
    from logsgd.cells.registry import build

    cell = build(args.name, parse_params(args.param))
    gds, spice = cell.write(args.out)
    print(gds)
    print(spice)
    if args.png:
        from logsgd.flow.render import render_png

        print(render_png(gds, args.png))
    return 0


def run_cells(args: argparse.Namespace) -> int:
    from logsgd.cells.registry import GENERATORS, params_of, summary

    for name in GENERATORS:
        print(f"{name}: {summary(name)}")
        for p in params_of(name):
            default = str(p.default).lower() if p.kind is bool else str(p.default)
            unit = f" {p.unit}" if p.unit else ""
            print(f"  {p.name:<8} {p.kind.__name__:<5} default {default + unit:<12} [{p.limits()}]  {p.doc}")
    return 0
