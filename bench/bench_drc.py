"""Benchmark: built-in DRC on a 20 x 20 array of a 4-finger nfet cell (target < 10 s).

The transistor cell is drawn here with klayout.db at the SKY130 limits
(contacted source/drain strips with li1 and met1, a contacted poly bar, a
p-tap strip) so that the array is DRC clean and the figure measures a
realistic hierarchical run, not an error listing.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import klayout.db as kdb

from logsgd.pdk.layers import LAYERS
from logsgd.pdk.rules import rule

ARRAY = (20, 20)
PITCH_UM = (3.2, 2.8)


def _box(cell: kdb.Cell, layout: kdb.Layout, name: str, x0: float, y0: float, x1: float, y1: float) -> None:
    cell.shapes(layout.layer(*LAYERS[name].draw)).insert(kdb.DBox(x0, y0, x1, y1).to_itype(layout.dbu))


def nfet_cell(layout: kdb.Layout, w_um: float = 1.0, l_um: float = 0.15, nf: int = 4) -> kdb.Cell:
    """A contacted ``nf``-finger nfet of width ``w_um`` per finger with a p-tap strip below."""
    cell = layout.create_cell(f"nfet_w{w_um:g}_l{l_um:g}_nf{nf}")

    def box(name: str, x0: float, y0: float, x1: float, y1: float) -> None:
        _box(cell, layout, name, x0, y0, x1, y1)

    cut = rule("licon.1")
    to_gate = rule("licon.11")
    diff_enc = rule("licon.5a")
    pitch = l_um + 2 * to_gate + cut
    sd_x = [diff_enc + i * pitch for i in range(nf + 1)]
    gate_x = [x + cut + to_gate for x in sd_x[:-1]]
    x_end = sd_x[-1] + cut + diff_enc
    box("diff", 0, 0, x_end, w_um)
    imp = rule("nsd.5a")
    box("nsdm", -imp, -imp, x_end + imp, w_um + imp)

    # source/drain: a column of licons under an li1 strip, mcons under a met1 strip
    n_licon = int((w_um - 2 * rule("licon.5c") + rule("licon.2")) // (cut + rule("licon.2")))
    span = n_licon * cut + (n_licon - 1) * rule("licon.2")
    y0 = round((w_um - span) / 2, 3)
    mcon = rule("ct.1")
    n_mcon = 2
    mspan = n_mcon * mcon + (n_mcon - 1) * rule("ct.2")
    my0 = round((w_um - mspan) / 2, 3)
    for x in sd_x:
        for k in range(n_licon):
            yy = y0 + k * (cut + rule("licon.2"))
            box("licon1", x, yy, x + cut, yy + cut)
        box("li1", x, y0 - rule("li.5"), x + cut, y0 + span + rule("li.5"))
        for k in range(n_mcon):
            yy = my0 + k * (mcon + rule("ct.2"))
            box("mcon", x, yy, x + mcon, yy + mcon)
        m1x = rule("m1.4")
        box("met1", x - m1x, my0 - rule("m1.5"), x + mcon + m1x, my0 + mspan + rule("m1.5"))

    # gates joined by a contacted poly bar above the diffusion
    pc_y0 = w_um + rule("licon.14") + 0.01
    bar_y0 = pc_y0 - rule("licon.8a")
    bar_y1 = pc_y0 + cut + rule("licon.8a")
    for gx in gate_x:
        box("poly", gx, -rule("poly.8"), gx + l_um, bar_y1)
        cx = gx + l_um / 2 - cut / 2
        box("licon1", cx, pc_y0, cx + cut, pc_y0 + cut)
    first = gate_x[0] + l_um / 2 - cut / 2
    last = gate_x[-1] + l_um / 2 + cut / 2
    box("poly", first - rule("licon.8"), bar_y0, last + rule("licon.8"), bar_y1)
    box("li1", first - rule("li.5"), pc_y0, last + rule("li.5"), pc_y0 + cut)
    npc = rule("licon.15")
    box("npc", first - npc, pc_y0 - npc, last + npc, pc_y0 + cut + npc)

    # p-tap strip below, clear of the poly endcaps and the nsdm
    tap_y1 = -rule("poly.8") - 0.27
    box("tap", 0, tap_y1 - 0.3, x_end, tap_y1)
    box("psdm", -imp, tap_y1 - 0.3 - imp, x_end + imp, tap_y1 + imp)
    return cell


def nfet_array(path: str | Path, columns: int, rows: int, placement: str = "array") -> tuple[Path, int]:
    """Write ``columns`` x ``rows`` copies of ``nfet_cell`` to ``path``; return (path, flat shape count).

    ``placement`` is ``array`` (one array instance), ``instances`` (one
    instance per copy) or ``flat`` (all shapes in the top cell).
    """
    layout = kdb.Layout()
    layout.dbu = 0.001
    top = layout.create_cell("ARRAY")
    unit = nfet_cell(layout)
    dx, dy = (round(p / layout.dbu) for p in PITCH_UM)
    shapes = sum(unit.shapes(i).size() for i in layout.layer_indexes()) * columns * rows
    if placement == "array":
        top.insert(kdb.CellInstArray(unit.cell_index(), kdb.Trans(), kdb.Vector(dx, 0), kdb.Vector(0, dy),
                                     columns, rows))
    else:
        for i in range(columns):
            for j in range(rows):
                top.insert(kdb.CellInstArray(unit.cell_index(), kdb.Trans(i * dx, j * dy)))
        if placement == "flat":
            top.flatten(-1, True)
    options = kdb.SaveLayoutOptions()
    options.write_context_info = False
    layout.write(str(path), options)
    return Path(path), shapes


def run() -> dict:
    from logsgd.flow.drc import run_drc

    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for placement in ("array", "instances", "flat"):
            gds, shapes = nfet_array(Path(tmp) / f"{placement}.gds", *ARRAY, placement=placement)
            start = time.perf_counter()
            result = run_drc(gds)
            figures[placement] = (round(time.perf_counter() - start, 2), result)
    runtime, result = figures["array"]
    return {
        "array": f"{ARRAY[0]}x{ARRAY[1]} nfet w=1 l=0.15 nf=4 (one cell, one array instance)",
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
