"""SKY130 design-rule checking of one cell of a GDS file with the built-in deck.

``run_drc(gds, cell=None, report=None) -> DrcResult`` runs the rules of
``logsgd.pdk.rules`` as defined in ``logsgd.flow.drc_deck``, hierarchically,
with the klayout Python module; ``logsgd.flow.drc_report`` writes and reads
KLayout report databases; ``logsgd.flow.drc_external`` runs a user's own
.drc deck through the ``klayout`` application.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from logsgd.pdk.rules import RULES

from .layout_io import load_layout, pick_cell


@dataclass
class DrcResult:
    """Outcome of one DRC run: violation counts by SKY130 rule id."""

    cell: str
    violations: int
    by_rule: dict[str, int] = field(default_factory=dict)
    rules_checked: list[str] = field(default_factory=list)
    runtime_s: float = 0.0
    report_path: Path | None = None

    def to_json(self) -> dict:
        """The ``--json`` record: cell, violations, by_rule, rules_checked, runtime_s."""
        return {
            "cell": self.cell,
            "violations": self.violations,
            "by_rule": dict(self.by_rule),
            "rules_checked": list(self.rules_checked),
            "runtime_s": round(self.runtime_s, 3),
        }


def run_drc(gds: str | Path, cell: str | None = None,
            report: str | Path | None = None) -> DrcResult:
    """Check ``cell`` (default: the single top cell) of ``gds`` against every SKY130 rule.

    Writes a KLayout report database to ``report`` when given. Raises
    LogsgdError for a missing or unreadable file, a file without cells, or an
    unknown cell.
    """
    import klayout.db as kdb

    from logsgd.flow.drc_deck import DeckLayers, check_rule
    from logsgd.flow.drc_report import write_report

    start = time.perf_counter()
    layout = load_layout(gds)
    top = pick_cell(layout, cell, gds)
    dss = kdb.DeepShapeStore()
    layers = DeckLayers(layout, top, dss)
    markers: dict[str, list] = {}
    by_rule: dict[str, int] = {}
    for rule_id, r in RULES.items():
        found = check_rule(layers, r)
        markers[rule_id] = found
        count = sum(collection.count() for collection in found)
        if count:
            by_rule[rule_id] = count
    report_path = None
    if report is not None:
        report_path = write_report(report, top.name, layout.dbu, markers)
    return DrcResult(
        cell=top.name,
        violations=sum(by_rule.values()),
        by_rule=by_rule,
        rules_checked=list(RULES),
        runtime_s=time.perf_counter() - start,
        report_path=report_path,
    )
