"""Row placement: device cells side by side in rows of one kind (MIM, NMOS, PMOS).

Rows are filled in netlist order, so the devices of one block sit
together. Subcircuits laid out on their own (blocks) sit in rows of their
own at the bottom. Each cell starts on a slot of the global slot grid, so that its
terminal stubs (see ``logsgd.cells.pnr.devices``) never share an x with a
neighbour's. Rows are stacked bottom to top: capacitors, NMOS, PMOS (all
n-well rows together under one n-well); their y is set by the router,
which knows how tall each routing channel is. Tall capacitors (the weight
capacitors) form a bank of their own right of the trunk column; the layout
tries several row widths and keeps the smallest result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from logsgd.cells.geometry import nm
from logsgd.cells.pnr.devices import PITCH, Template, template
from logsgd.cells.pnr.netlist import Device

CELL_GAP = max(nm("nsd.2"), nm("psd.2"), nm("lvtn.2"), nm("difftap.3"), nm("npc.2"), nm("poly.2"),
               nm("m1.2"), nm("m2.2"), nm("m3.2"))
"""Clearance between the outlines (implants included) of neighbouring transistor cells."""
CAP_GAP = nm("capm.2a")
"""Clearance between neighbouring MIM outlines (met3 plates); capm is further apart still."""
BLOCK_GAP = max(CELL_GAP, CAP_GAP, nm("nwell.2a"))
"""Clearance between laid-out subcircuits, whose n-wells must not come closer than nwell.2a."""
GAP = {"n": CELL_GAP, "p": CELL_GAP, "c": CAP_GAP, "b": BLOCK_GAP}
ROW_KINDS = ("b", "c", "n", "p")
"""Row kinds from the bottom up: laid-out subcircuits, MIM capacitors, NMOS, PMOS."""
ROUTING_FACTOR = 2.0
"""Rough area of placed and routed rows over the sum of cell footprints."""
WIDTH_FACTORS = tuple(0.3 * 1.2**k for k in range(12))
"""Left-bank row widths tried, relative to the side of a square of the routed area."""
TALL_PER_ROW = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32)
"""Tall capacitors per right-bank row tried (and all of them in one row)."""
TALL_CAP = 3.0
"""A capacitor taller than this many transistor-cell heights gets its own bank."""


@dataclass
class Placed:
    """A device cell in a row: origin x (nm), first global slot index, and its y once rows are stacked."""

    device: Device
    template: Template
    x_nm: int
    slot: int
    y_nm: int = 0


@dataclass
class Row:
    """Cells of one kind side by side; ``right_nm`` is where the next cell may start."""

    kind: str
    items: list[Placed] = field(default_factory=list)
    right_nm: int = 0

    def height_nm(self) -> int:
        return max(p.template.bbox.h for p in self.items)

    def stack_at(self, y0_nm: int) -> int:
        """Put the row's bottom at ``y0_nm``, cells top-aligned (short stubs); returns the row top."""
        top = y0_nm + self.height_nm()
        for p in self.items:
            p.y_nm = top - p.template.bbox.y1
        return top


def _footprint(t: Template) -> tuple[int, int]:
    width = t.right_nm() - t.bbox.x0 + GAP[t.polarity]
    return width, t.bbox.h


def _fill(templates: list[tuple[Device, Template]], kinds: tuple[str, ...], row_width: int) -> list[Row]:
    """Rows of each kind in turn, filled in order up to ``row_width`` (nm)."""
    rows: list[Row] = []
    for kind in kinds:
        row: Row | None = None
        for d, t in templates:
            if t.polarity != kind:
                continue
            width, _ = _footprint(t)
            if row is None or (row.items and row.right_nm + width > row_width):
                row = Row(kind)
                rows.append(row)
            slot = math.ceil((row.right_nm - t.bbox.x0 + t.slot0_nm) / PITCH)
            x = slot * PITCH - t.slot0_nm
            row.items.append(Placed(d, t, x, slot))
            row.right_nm = x + t.right_nm() + GAP[kind]
    return rows


def split_tall(devices: tuple[Device, ...]) -> tuple[list[tuple[Device, Template]], list[tuple[Device, Template]]]:
    """(everything else, tall capacitors): a capacitor taller than TALL_CAP times the tallest
    transistor cell goes to a bank of its own, right of the trunk column."""
    templates = [(d, template(d)) for d in devices]
    mos_h = max((t.bbox.h for _, t in templates if t.polarity in "np"), default=0)
    tall = [(d, t) for d, t in templates if t.polarity == "c" and mos_h and t.bbox.h > TALL_CAP * mos_h]
    rest = [(d, t) for d, t in templates if not any(d is x for x, _ in tall)]
    return rest, tall


def layout_options(devices: tuple[Device, ...]) -> list[tuple[int, int]]:
    """Candidate (left-bank row width nm, tall capacitors per row) pairs worth routing and comparing."""
    rest, tall = split_tall(devices)
    area = sum(w * h for w, h in (_footprint(t) for _, t in rest))
    widest = max((_footprint(t)[0] for _, t in rest), default=0)
    square = math.sqrt(ROUTING_FACTOR * area)
    widths = sorted({max(widest, int(square * f)) for f in WIDTH_FACTORS})
    per_row = sorted({k for k in TALL_PER_ROW if k < len(tall)} | {len(tall)}) if tall else [0]
    return [(w, k) for w in widths for k in per_row]


def place_rows(devices: tuple[Device, ...], row_width_nm: int, tall_per_row: int) -> tuple[list[Row], list[Row]]:
    """Rows of placed devices, bottom first: (left bank, right bank of tall capacitors).

    Left-bank rows are filled up to ``row_width_nm``; the right bank holds
    ``tall_per_row`` tall capacitors per row.
    """
    rest, tall = split_tall(devices)
    right = []
    if tall:
        # a slot pitch per cell of slack: cells start on the slot grid
        width = max(sum(_footprint(t)[0] + PITCH for _, t in tall[i:i + tall_per_row])
                    for i in range(0, len(tall), tall_per_row))
        right = _fill(tall, ("c",), width)
    return _fill(rest, ROW_KINDS, row_width_nm), right
