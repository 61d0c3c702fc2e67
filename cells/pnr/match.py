"""Matched groups: transistors of one block that share size, source and bulk, drawn as one interdigitated row.

Within each subcircuit instance, transistors of the same model, finger
width and length whose sources and bulks are the same nets (the devices of
a translinear loop, the outputs of a current mirror) are merged, up to
four at a time, into one ``interdigitated`` generator cell: each device is
split into units of equal finger count, and the units are ordered
symmetrically about the row centre (ABCCBA...), so that every device's
centroid sits at the middle. Units of one device are parallel transistors;
LVS combines them back into the schematic device. Each row ends in a dummy
gate on either side (gate on the bulk, both sides on the strip it faces), so
that the outer units see the same neighbourhood as the inner ones; LVS drops
such non-conducting devices (``logsgd.flow.lvs``), and the extracted netlist
keeps them with their junctions.
"""

from __future__ import annotations

import math
from collections import defaultdict

from logsgd.cells.params import MAX_PATTERN, NF_MAX, PATTERN_LETTERS
from logsgd.cells.pnr.netlist import Device


def symmetric_pattern(counts: list[int]) -> str:
    """Units (letters A.. with ``counts``) in a row mirrored about its centre; odd leftovers in the middle."""
    half = [c // 2 for c in counts]
    sequence = []
    while any(half):
        for k, left in enumerate(half):
            if left:
                sequence.append(PATTERN_LETTERS[k])
                half[k] -= 1
    middle = [PATTERN_LETTERS[k] for k, c in enumerate(counts) if c % 2]
    return "".join(sequence + middle + sequence[::-1])


def _unit_fingers(nfs: list[int]) -> int | None:
    """The smallest common finger count per unit that keeps the row within MAX_PATTERN units."""
    common = math.gcd(*nfs)
    for unit in range(1, common + 1):
        if common % unit == 0 and sum(nf // unit for nf in nfs) <= MAX_PATTERN and unit <= NF_MAX:
            return unit
    return None


def _merge(members: list[Device]) -> Device | None:
    unit = _unit_fingers([d.nf for d in members])
    if unit is None:
        return None
    pattern = symmetric_pattern([d.nf // unit for d in members])
    nets = []
    for letter, d in zip(PATTERN_LETTERS, members):
        nets += [(f"D{letter}", d.net("D")), (f"G{letter}", d.net("G"))]
    first = members[0]
    nets += [("S", first.net("S")), ("B", first.net("B"))]
    path = "+".join(d.path for d in members)
    return Device(path, "matched", first.model, tuple(nets), first.w_um, first.l_um, unit, pattern)


def group_matched(devices: tuple[Device, ...]) -> tuple[Device, ...]:
    """``devices`` with every matched group replaced, at its first member's place, by one matched device."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, d in enumerate(devices):
        if d.kind == "mos":
            parent = d.path.rpartition("/")[0]
            groups[(parent, d.model, d.w_um, d.l_um, d.net("S"), d.net("B"))].append(i)
    replace: dict[int, Device] = {}
    dropped: set[int] = set()
    for members in groups.values():
        for start in range(0, len(members), len(PATTERN_LETTERS)):
            chunk = members[start:start + len(PATTERN_LETTERS)]
            merged = _merge([devices[i] for i in chunk]) if len(chunk) > 1 else None
            if merged is not None:
                replace[chunk[0]] = merged
                dropped.update(chunk[1:])
    return tuple(replace.get(i, d) for i, d in enumerate(devices) if i not in dropped)
