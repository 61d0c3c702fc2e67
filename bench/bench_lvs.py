"""LVS over the generators' whole DRC grid, and runtime of ``lvs`` and ``pex`` on the largest cell.

Cells without devices (via stacks, guard rings) cannot match by design
(no empty match); for them the check is that the layout is a single net.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

REPEATS = 3

CANDIDATES = (
    ("current_mirror", dict(device="nfet_01v8", w=10.0, l=4.0, ratio=8, dummies=True)),
    ("interdigitated", dict(pattern="ABBAABBAABBAABBA", device="nfet_01v8", w=10.0, l=4.0, nf=8, dummies=True)),
    ("common_centroid", dict(device="pfet_01v8", w=10.0, l=4.0, nf=8, dummies=True)),
    ("cap_mim", dict(w=30.0, l=30.0)),
)
"""The biggest settings of the generators; the one with the most layout shapes is timed."""


def _median_s(action) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 4)


def _shape_count(gds: Path) -> int:
    """All shapes of the top cell and below."""
    import klayout.db as kdb

    layout = kdb.Layout()
    layout.read(str(gds))
    top = layout.top_cells()[0]
    count = 0
    for layer_index in layout.layer_indexes():
        it = top.begin_shapes_rec(layer_index)
        while not it.at_end():
            count += 1
            it.next()
    return count


def _grid(out: Path) -> dict:
    from logsgd.cells.grid import grid
    from logsgd.cells.registry import build
    from logsgd.flow.extract import extract
    from logsgd.flow.lvs import run_lvs

    checked = matched = single_net = 0
    failures = []
    start = time.perf_counter()
    for generator, params in grid():
        cell = build(generator, params)
        gds, spice = cell.write(out / "grid")
        result = run_lvs(gds, spice)
        checked += 1
        if result.devices_schematic == 0:
            ex = extract(gds)
            names = {net.name for net in ex.top_circuit.each_net() if net.name}
            single_net += len(names) == 1
            if len(names) != 1:
                failures.append(f"{cell.name}: nets {sorted(names)}")
        elif result.match:
            matched += 1
        else:
            failures.append(f"{cell.name}: {'; '.join(result.mismatches[:2])}")
    return {
        "grid_cells": checked,
        "grid_lvs_match": matched,
        "grid_device_free_single_net": single_net,
        "grid_failures": failures,
        "grid_s": round(time.perf_counter() - start, 2),
    }


def run() -> dict:
    import logsgd.cells as cells
    from logsgd.flow.lvs import run_lvs
    from logsgd.flow.pex import run_pex

    with tempfile.TemporaryDirectory(prefix="logsgd-bench-lvs-") as tmp:
        out = Path(tmp)
        grid_figures = _grid(out)
        written = []
        for generator, params in CANDIDATES:
            cell = getattr(cells, generator)(**params)
            gds, spice = cell.write(out)
            written.append((_shape_count(gds), cell.name, gds, spice))
        shapes, name, gds, spice = max(written)
        result = run_lvs(gds, spice)
        pex = run_pex(gds, out / "pex.spice")
        pex_r = run_pex(gds, out / "pex_r.spice", with_r=True)
        return {
            "cell": name,
            "shapes": shapes,
            "lvs_match": result.match,
            "devices": result.devices_layout,
            "nets": result.nets_layout,
            "lvs_s": _median_s(lambda: run_lvs(gds, spice)),
            "pex_s": _median_s(lambda: run_pex(gds, out / "pex.spice")),
            "pex_with_r_s": _median_s(lambda: run_pex(gds, out / "pex_r.spice", with_r=True)),
            "pex_device_lines": pex.devices,
            "pex_resistors": pex_r.resistors,
            "largest_net_cap_fF": round(max(pex.net_caps_F.values()) * 1e15, 3),
            "repeats": REPEATS,
            **grid_figures,
        }
