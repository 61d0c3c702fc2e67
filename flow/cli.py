"""The ``logsgd`` command line: a thin layer over the flow stages.

Each subcommand lives in its own module with ``register(subparsers)``, which
adds its parser and sets ``func`` to a function of the parsed arguments
returning the exit status. Heavy imports stay inside those functions so
that ``logsgd --help`` answers at once.

Exit status: 0 clean or match, 1 violations or mismatch, 2 error.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from logsgd.pdk.errors import LogsgdError

SUBCOMMAND_MODULES = (
    "logsgd.flow.doctor",
    "logsgd.flow.char_cmd",
    "logsgd.flow.cell_cmd",
    "logsgd.flow.drc_cmd",
    "logsgd.flow.lvs_cmd",
    "logsgd.flow.pex_cmd",
    "logsgd.flow.train_cmd",
    "logsgd.flow.flow_cmd",
    "logsgd.flow.sweep_cmd",
    "logsgd.flow.mismatch_cmd",
    "logsgd.flow.digital_cmd",
)

EXIT_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="logsgd", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except LogsgdError as exc:
        sys.stderr.write(f"logsgd {args.command}: error: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("logsgd: interrupted\n")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
