"""A row of SKY130 transistor fingers with their contacts and routing.

Every transistor generator is a row of *units* (a unit is one device of
``nf`` fingers) that share one source net. Consecutive units share
diffusion wherever the facing source/drain nets are equal; elsewhere the
diffusion breaks. Layout, bottom to top:

- gate tracks (one per gate net; met2, or met1 when there is a single gate
  net), reached by a met1 strap from each gate's poly contact head;
- the poly contact heads (licon, li1, mcon, met1, under npc), one per gate;
- the diffusion with the gates (vertical poly) and a contact column
  (licon, li1, mcon, met1) on every source/drain strip;
- source/drain tracks in met2, one per net, reached by the strips' met1.

Tracks end on the right, where the cell puts its pins
(``logsgd.cells.assemble``). Dummy gates (net ``bulk``) sit at
the row ends, their outer strip tied to the strip they face so that they
carry no current.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from logsgd.cells.geometry import Box, Canvas, cut_starts, grid_down, min_length, nm
from logsgd.pdk.models import device

LICON = nm("licon.1")
MCON = nm("ct.1")
VIA = nm("via.1a")
VIA2 = nm("via2.1a")
STRAP_W = max(MCON + 2 * nm("m1.4"), VIA + 2 * nm("via.4a"))
"""Width of a vertical met1 strap: encloses an mcon and a via."""
TRACK_H = max(VIA + 2 * nm("m2.4"), VIA2 + 2 * nm("via2.4"), MCON + 2 * nm("m1.4"))
"""Height of a horizontal track: encloses a via (and a via2 for column links)."""
TRACK_SPACE = max(nm("m1.2"), nm("m2.2"))
TRACK_END = max(nm("m2.5"), nm("via2.5"))
"""How far a track runs past its last via or via2."""
VIA_END = nm("via.5a")
"""How far a met1 strap runs past a via at its end."""
DIFF_END = max(nm("poly.7"), nm("licon.11") + LICON + nm("licon.5a"))
"""Diffusion beyond the outermost gate: room for the end contact column."""


@dataclass(frozen=True)
class Unit:
    """One device of the row: its tag (e.g. "A"), drain net and gate net."""

    tag: str
    drain: str
    gate: str


@dataclass(frozen=True)
class Track:
    """A horizontal routing track of one net."""

    net: str
    layer: str
    box: Box


@dataclass
class Row:
    """A drawn row: shapes, tracks (source/drain side first), gates and dummy nets."""

    canvas: Canvas
    tracks: list[Track]
    fingers: list[tuple[str, int, int]]
    """(tag, 2·x, 2·y) of each gate centre, in nm; tag "dummy" for dummies."""
    dummy_nets: list[str]
    diff_box: Box
    straps: list[Box] = field(default_factory=list)


def _strip_order(nf: int, source: str, drain: str, start_with_source: bool) -> list[str]:
    first, second = (source, drain) if start_with_source else (drain, source)
    return [first if i % 2 == 0 else second for i in range(nf + 1)]


def islands(units: list[Unit], nf: int, source: str, bulk: str, dummies: bool
            ) -> list[tuple[list[str], list[tuple[str, str]]]]:
    """Diffusion islands as (strip nets, [(gate net, tag)]), sharing strips where nets allow.

    A unit that cannot share its neighbour's end strip starts a new island,
    oriented to end on the source so that the next unit can share it.
    """
    out: list[tuple[list[str], list[tuple[str, str]]]] = []
    for unit in units:
        gates = [(unit.gate, unit.tag)] * nf
        if out:
            strips, island_gates = out[-1]
            for from_source in (True, False):
                order = _strip_order(nf, source, unit.drain, from_source)
                if order[0] == strips[-1]:
                    strips.extend(order[1:])
                    island_gates.extend(gates)
                    break
            else:
                out.append((_strip_order(nf, source, unit.drain, nf % 2 == 0), list(gates)))
        else:
            out.append((_strip_order(nf, source, unit.drain, True), list(gates)))
    if dummies:
        first_strips, first_gates = out[0]
        first_strips.insert(0, first_strips[0])
        first_gates.insert(0, (bulk, "dummy"))
        last_strips, last_gates = out[-1]
        last_strips.append(last_strips[-1])
        last_gates.append((bulk, "dummy"))
    return out


def draw_row(model: str, w_nm: int, l_nm: int, nf: int, units: list[Unit],
             source: str, bulk: str, dummies: bool,
             top_nets: list[str], gate_nets: list[str]) -> Row:
    """Draw the row; ``top_nets`` and ``gate_nets`` give the track order away from the diffusion."""
    dev = device(model)
    canvas = Canvas()
    layout = islands(units, nf, source, bulk, dummies)

    # gate contact head, relative to the gate's left edge
    head_licon_x0 = grid_down((l_nm - LICON) // 2)
    pad_x0 = min(0, head_licon_x0 - nm("licon.8"))
    pad_x1 = max(l_nm, head_licon_x0 + LICON + nm("licon.8"))
    pitch = max(l_nm + 2 * nm("licon.11") + LICON, pad_x1 - pad_x0 + nm("poly.2"))
    sd = pitch - l_nm

    # source/drain contact column, y
    licon_rows = cut_starts(nm("licon.5c"), w_nm - nm("licon.5c"), LICON, nm("licon.2"))
    li_y0 = licon_rows[0] - nm("li.5")
    li_y1 = licon_rows[-1] + LICON + nm("li.5")
    li_len = min_length(LICON, "li.6", li_y1 - li_y0)
    li_y0 -= grid_down((li_len - (li_y1 - li_y0)) // 2)
    li_y1 = li_y0 + li_len
    mcon_rows = cut_starts(li_y0, li_y1, MCON, nm("ct.2"))
    strip_m1_y0 = mcon_rows[0] - nm("m1.5")
    strip_m1_y1 = mcon_rows[-1] + MCON + nm("m1.5")

    # gate head, y: below the diffusion, clear of the strips' li1 and met1
    head_li_h = min_length(LICON, "li.6", LICON + 2 * nm("li.5"))
    head_li_over = (head_li_h - LICON) // 2
    licon_top = min(
        -max(nm("licon.14"), nm("psd.5a") + nm("licon.9"), nm("npc.4") + nm("licon.15")),
        li_y0 - nm("li.3") - head_li_over,
        strip_m1_y0 - nm("m1.2") - nm("m1.5"),
    )
    licon_top = grid_down(licon_top)
    head_y0 = licon_top - LICON
    pad_y0 = head_y0 - nm("licon.8a")
    head_m1_y0 = head_y0 - nm("m1.5")

    fingers: list[tuple[str, int, int]] = []
    dummy_nets: list[str] = []
    strip_columns: list[tuple[int, str]] = []  # (strap centre x, net)
    gate_columns: list[tuple[int, str]] = []
    diff_boxes: list[Box] = []
    x = 0
    for strips, gates in layout:
        gate_x = [x + DIFF_END + i * pitch for i in range(len(gates))]
        diff = canvas.add("diff", Box(x, 0, gate_x[-1] + l_nm + DIFF_END, w_nm))
        diff_boxes.append(diff)
        for j, net in enumerate(strips):
            if j == 0:
                lx = gate_x[0] - nm("licon.11") - LICON
            elif j == len(gates):
                lx = gate_x[-1] + l_nm + nm("licon.11")
            else:
                lx = gate_x[j - 1] + l_nm + grid_down((sd - LICON) // 2)
            for y in licon_rows:
                canvas.add("licon1", Box(lx, y, lx + LICON, y + LICON))
            canvas.add("li1", Box(lx, li_y0, lx + LICON, li_y1))
            for y in mcon_rows:
                canvas.add("mcon", Box(lx, y, lx + MCON, y + MCON))
            strip_columns.append((lx + LICON // 2, net))
        for gx, (net, tag) in zip(gate_x, gates):
            canvas.add("poly", Box(gx + pad_x0, pad_y0, gx + pad_x1, licon_top + nm("licon.8a")))
            canvas.add("poly", Box(gx, pad_y0, gx + l_nm, w_nm + nm("poly.8")))
            hx = gx + head_licon_x0
            canvas.add("licon1", Box(hx, head_y0, hx + LICON, licon_top))
            canvas.add("li1", Box(hx, licon_top + head_li_over - head_li_h, hx + LICON, licon_top + head_li_over))
            canvas.add("mcon", Box(hx, head_y0, hx + MCON, licon_top))
            gate_columns.append((hx + LICON // 2, net))
            fingers.append((tag, 2 * gx + l_nm, w_nm))
            if tag == "dummy":
                dummy_nets.append(strips[0] if gx == gate_x[0] else strips[-1])
        x = diff.x1 + nm("difftap.3")

    diff_all = Box(diff_boxes[0].x0, 0, diff_boxes[-1].x1, w_nm)
    implant = "psdm" if dev.polarity == "p" else "nsdm"
    canvas.add(implant, diff_all.grow(nm("psd.5a") if dev.polarity == "p" else nm("nsd.5a")))
    if model.endswith("_lvt"):
        canvas.add("lvtn", diff_all.grow(nm("lvtn.4b")))
    head_xs = [cx for cx, _ in gate_columns]
    canvas.add("npc", Box(min(head_xs) - LICON // 2, head_y0, max(head_xs) + LICON // 2, licon_top)
               .grow(nm("licon.15")))

    # tracks
    all_x = [cx for cx, _ in strip_columns + gate_columns]
    track_x0 = min(all_x) - VIA // 2 - TRACK_END
    track_x1 = max(all_x) + VIA // 2 + TRACK_END + TRACK_H
    tracks: list[Track] = []
    straps: list[Box] = []

    top_y0 = strip_m1_y1 + TRACK_SPACE
    top_cy = {}
    for k, net in enumerate(top_nets):
        y0 = top_y0 + k * (TRACK_H + TRACK_SPACE)
        tracks.append(Track(net, "met2", canvas.add("met2", Box(track_x0, y0, track_x1, y0 + TRACK_H))))
        top_cy[net] = y0 + TRACK_H // 2
    for cx, net in strip_columns:
        cy = top_cy[net]
        straps.append(canvas.add("met1", Box(cx - STRAP_W // 2, strip_m1_y0, cx + STRAP_W // 2,
                                             cy + VIA // 2 + VIA_END)))
        canvas.add("via", Box(cx - VIA // 2, cy - VIA // 2, cx + VIA // 2, cy + VIA // 2))

    gate_layer = "met1" if len(gate_nets) == 1 else "met2"
    gate_y1 = head_m1_y0 - TRACK_SPACE
    gate_cy = {}
    for k, net in enumerate(gate_nets):
        y1 = gate_y1 - k * (TRACK_H + TRACK_SPACE)
        tracks.append(Track(net, gate_layer, canvas.add(gate_layer, Box(track_x0, y1 - TRACK_H, track_x1, y1))))
        gate_cy[net] = y1 - TRACK_H // 2
    for cx, net in gate_columns:
        cy = gate_cy[net]
        top = licon_top + nm("m1.5")
        if gate_layer == "met1":
            straps.append(canvas.add("met1", Box(cx - STRAP_W // 2, cy - TRACK_H // 2, cx + STRAP_W // 2, top)))
        else:
            straps.append(canvas.add("met1", Box(cx - STRAP_W // 2, cy - VIA // 2 - VIA_END,
                                                 cx + STRAP_W // 2, top)))
            canvas.add("via", Box(cx - VIA // 2, cy - VIA // 2, cx + VIA // 2, cy + VIA // 2))
    return Row(canvas, tracks, fingers, dummy_nets, diff_all, straps)
