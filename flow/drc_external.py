"""Run a user's KLayout DRC deck through the ``klayout`` application in batch mode."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from logsgd.flow.drc import DrcResult
from logsgd.flow.layout_io import load_layout, pick_cell
from logsgd.pdk.errors import LogsgdError

KLAYOUT_PACKAGE = "klayout"
"""Debian package that provides the ``klayout`` executable."""


def run_external_deck(deck: str | Path, gds: str | Path, cell: str | None = None,
                      report: str | Path | None = None, timeout_s: float = 3600.0) -> DrcResult:
    """Run ``klayout -b -r DECK -rd input=GDS -rd report=LYRDB`` and count its report's items.

    The deck receives ``$input``, ``$report`` and, when ``cell`` is given,
    ``$topcell`` and ``$top_cell``. The report is kept at ``report`` when given.
    """
    start = time.perf_counter()
    deck_path = Path(deck)
    if not deck_path.is_file():
        raise LogsgdError(f"DRC deck not found: {deck_path}")
    layout = load_layout(gds)
    top = pick_cell(layout, cell, gds).name
    exe = shutil.which("klayout")
    if exe is None:
        raise LogsgdError(
            f"--deck needs the klayout executable, which is not on PATH "
            f"(install the Debian package '{KLAYOUT_PACKAGE}')")
    with tempfile.TemporaryDirectory(prefix="logsgd-drc-") as tmp:
        lyrdb = Path(tmp) / "report.lyrdb"
        cmd = [exe, "-b", "-r", str(deck_path.resolve()),
               "-rd", f"input={Path(gds).resolve()}", "-rd", f"report={lyrdb}"]
        if cell is not None:
            cmd += ["-rd", f"topcell={top}", "-rd", f"top_cell={top}"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise LogsgdError(f"klayout did not finish deck {deck_path} within {timeout_s:g} s") from None
        if proc.returncode != 0 or not lyrdb.is_file():
            lines = (proc.stderr + proc.stdout).strip().splitlines()
            errors = [line.removeprefix("ERROR:").strip() for line in lines if line.startswith("ERROR:")]
            reason = (errors or lines or [f"exit status {proc.returncode}, no report written"])[0]
            raise LogsgdError(f"klayout deck {deck_path} failed: {reason}")
        from logsgd.flow.drc_report import read_report

        _, by_rule, categories = read_report(lyrdb)
        report_path = None
        if report is not None:
            from logsgd.flow.files import atomic_path

            with atomic_path(report) as out:
                shutil.copyfile(lyrdb, out)
            report_path = Path(report)
    return DrcResult(
        cell=top,
        violations=sum(by_rule.values()),
        by_rule=dict(sorted(by_rule.items())),
        rules_checked=categories,
        runtime_s=time.perf_counter() - start,
        report_path=report_path,
    )
