"""Benchmark: built-in DRC on a 20 x 20 array of a generated multi-finger nfet (target < 10 s).

The unit is the project's own ``nfet`` generator (4 fingers, contacted to
met1/met2, with its body tap), so the array is DRC clean and the figure
measures a realistic hierarchical run rather than an error listing. The
same array is also checked as 400 separate instances and flattened, to
show what hierarchy saves.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import klayout.db as kdb

ARRAY = (20, 20)
GAP_UM = 1.0
UNIT = {"w": 2.0, "l": 0.5, "nf": 4, "model": "nfet_01v8", "tap": False}


def nfet_array(path: Path, columns: int, rows: int, placement: str = "array") -> tuple[Path, int, str]:
    """Write ``columns`` x ``rows`` copies of the generated nfet to ``path``.

    ``placement`` is ``array`` (one array instance), ``instances`` (one
    instance per copy) or ``flat`` (all shapes in the top cell). Returns
    the path, the flat shape count and the unit cell name.
    """
    from logsgd.cells import nfet

    unit_gds = path.with_name(f"unit_{placement}.gds")
    unit = nfet(**UNIT)
    unit.write(unit_gds.parent)
    layout = kdb.Layout()
    layout.read(str(unit_gds.parent / f"{unit.name}.gds"))
    cell = layout.cell(unit.name)
    box = cell.bbox()
    gap = round(GAP_UM / layout.dbu)
    dx, dy = box.width() + gap, box.height() + gap
    top = layout.create_cell("ARRAY")
    shapes = sum(cell.shapes(i).size() for i in layout.layer_indexes()) * columns * rows
    if placement == "array":
        top.insert(kdb.CellInstArray(cell.cell_index(), kdb.Trans(), kdb.Vector(dx, 0), kdb.Vector(0, dy),
                                     columns, rows))
    else:
        for i in range(columns):
            for j in range(rows):
                top.insert(kdb.CellInstArray(cell.cell_index(), kdb.Trans(i * dx, j * dy)))
        if placement == "flat":
            top.flatten(-1, True)
    options = kdb.SaveLayoutOptions()
    options.write_context_info = False
    layout.write(str(path), options)
    return path, shapes, unit.name


def run() -> dict:
    from logsgd.flow.drc import run_drc

    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for placement in ("array", "instances", "flat"):
            gds, shapes, unit = nfet_array(Path(tmp) / f"{placement}.gds", *ARRAY, placement=placement)
            start = time.perf_counter()
            result = run_drc(gds, cell="ARRAY")
            figures[placement] = (round(time.perf_counter() - start, 2), result)
    runtime, result = figures["array"]
    return {
        "array": f"{ARRAY[0]}x{ARRAY[1]} {unit} (one cell, one array instance)",
        "shapes": shapes,
        "runtime_s": runtime,
        "runtime_400_instances_s": figures["instances"][0],
        "runtime_flattened_s": figures["flat"][0],
        "violations": result.violations,
        "violations_instances_flat": [figures["instances"][1].violations, figures["flat"][1].violations],
        "rules_checked": len(result.rules_checked),
        "target_s": 10.0,
    }


if __name__ == "__main__":
    print(run())
