"""Benchmark: every case of the generator grid (logsgd.cells.grid) through the built-in DRC and LVS.

Reports the number of cells per generator, the total DRC violations
(target 0) with their rules and cells, the LVS matches of every cell that
has devices (target: all; via stacks and guard rings have none), and the
generation, DRC and LVS time.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter


DEVICELESS = ("via_stack", "guard_ring")
"""Generators whose cells hold no devices, so LVS cannot match them by design."""


def run() -> dict:
    from logsgd.cells.grid import grid
    from logsgd.cells.registry import build
    from logsgd.flow.drc import run_drc
    from logsgd.flow.lvs import run_lvs

    cases = grid()
    per_generator: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    failing: list[str] = []
    lvs_checked = 0
    lvs_failing: list[str] = []
    generate_s = drc_s = lvs_s = 0.0
    largest = ("", 0.0)
    with tempfile.TemporaryDirectory(prefix="logsgd-bench-cells-") as out:
        for name, params in cases:
            start = time.perf_counter()
            cell = build(name, params)
            gds, spice = cell.write(out)
            generate_s += time.perf_counter() - start
            start = time.perf_counter()
            result = run_drc(gds)
            drc_s += time.perf_counter() - start
            per_generator[name] += 1
            by_rule.update(result.by_rule)
            if result.violations:
                failing.append(f"{cell.name}: {result.by_rule}")
            if name not in DEVICELESS:
                start = time.perf_counter()
                lvs = run_lvs(gds, spice)
                lvs_s += time.perf_counter() - start
                lvs_checked += 1
                if not lvs.match:
                    lvs_failing.append(f"{cell.name}: {lvs.mismatches[:2]}")
            box = cell.component.dbbox()
            area = box.width() * box.height()
            if area > largest[1]:
                largest = (cell.name, area)
    return {
        "cells": len(cases),
        "per_generator": dict(per_generator),
        "violations": sum(by_rule.values()),
        "by_rule": dict(by_rule),
        "failing_cells": failing,
        "lvs_checked": lvs_checked,
        "lvs_matched": lvs_checked - len(lvs_failing),
        "lvs_failing_cells": lvs_failing,
        "generate_s": round(generate_s, 2),
        "drc_s": round(drc_s, 2),
        "lvs_s": round(lvs_s, 2),
        "largest_cell": largest[0],
        "largest_cell_area_um2": round(largest[1], 2),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
