"""``logsgd drc``: design-rule check of a GDS cell with the built-in SKY130 deck or a KLayout deck."""

from __future__ import annotations

import argparse

EXIT_CLEAN = 0
EXIT_VIOLATIONS = 1


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "drc", help="design-rule check a GDS cell against SKY130 (exit 0 clean, 1 violations, 2 error)")
    p.add_argument("gds", help="GDS file to check")
    p.add_argument("--cell", help="cell to check (default: the single top cell)")
    p.add_argument("--report", help="write a KLayout report database (.lyrdb) here")
    p.add_argument("--json", help="write {cell, violations, by_rule, rules_checked, runtime_s} here")
    p.add_argument("--deck", help="run this KLayout .drc deck through the klayout application instead")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from logsgd.flow.drc import run_drc
    from logsgd.flow.drc_external import run_external_deck
    from logsgd.flow.files import write_json

    if args.deck:
        result = run_external_deck(args.deck, args.gds, cell=args.cell, report=args.report)
    else:
        result = run_drc(args.gds, cell=args.cell, report=args.report)
    if args.json:
        write_json(args.json, result.to_json())
    else:
        print(_table(result))
    return EXIT_VIOLATIONS if result.violations else EXIT_CLEAN


def _table(result) -> str:
    head = (f"DRC {result.cell}: {result.violations} violation(s), "
            f"{len(result.rules_checked)} rules, {result.runtime_s:.2f} s")
    if not result.by_rule:
        return head + " - clean"
    width = max(len(rule_id) for rule_id in result.by_rule)
    rows = [f"  {rule_id:<{width}}  {count:>6}" for rule_id, count in result.by_rule.items()]
    if result.report_path is not None:
        rows.append(f"  report: {result.report_path}")
    return "\n".join([head, f"  {'rule':<{width}}  {'count':>6}", *rows])
