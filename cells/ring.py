"""Body taps: a closed tap ring (guard ring) or one tap strip, contacted up to met1.

A ``ptap`` is p+ tap on the substrate (bulk of nfets), an ``ntap`` n+ tap
in an n-well (bulk of pfets). Both carry licon, li1, mcon and met1 all the
way round, and a pin on met1.
"""

from __future__ import annotations

from dataclasses import dataclass

from logsgd.cells.base import Cell, cached
from logsgd.cells.geometry import Box, Canvas, grid_down, nm, um_to_nm
from logsgd.cells.params import name_number, validate
from logsgd.cells.row import LICON, MCON, STRAP_W
from logsgd.cells.spice import subckt

TAP_W = LICON + 2 * nm("licon.7")
"""Width of a tap ring or strip: a licon with the isolated-tap enclosure both sides."""

RING_GAP = max(nm("difftap.3"), nm("licon.14"), nm("li.3"), nm("m1.2"))
"""Clearance from everything a ring surrounds to the ring's tap."""


def implant_of(kind: str) -> tuple[str, int]:
    """The implant layer of a tap kind and its enclosure of the tap."""
    return ("psdm", nm("psd.5b")) if kind == "ptap" else ("nsdm", nm("nsd.5b"))


@dataclass(frozen=True)
class Ring:
    """A drawn ring: its tap outline and its four met1 sides."""

    outer: Box
    inner: Box
    m1_left: Box
    m1_bottom: Box


def _frame(inner: Box, width: int) -> list[Box]:
    """Four boxes forming a frame of ``width`` around ``inner`` (bottom, top, left, right)."""
    outer = inner.grow(width)
    return [
        Box(outer.x0, outer.y0, outer.x1, inner.y0),
        Box(outer.x0, inner.y1, outer.x1, outer.y1),
        Box(outer.x0, inner.y0, inner.x0, inner.y1),
        Box(inner.x1, inner.y0, outer.x1, inner.y1),
    ]


def draw_ring(canvas: Canvas, inner: Box, kind: str, net: str) -> Ring:
    """A tap ring whose tap starts at ``inner``, with a ``net`` pin on its bottom met1 side."""
    implant, enclosure = implant_of(kind)
    for b in _frame(inner, TAP_W):
        canvas.add("tap", b)
    for b in _frame(inner.grow(-enclosure), TAP_W + 2 * enclosure):
        canvas.add(implant, b)
    li_in = inner.grow((TAP_W - LICON) // 2)
    li_out = li_in.grow(LICON)
    for b in _frame(li_in, LICON):
        canvas.add("li1", b)
    m1_in = inner.grow((TAP_W - STRAP_W) // 2)
    m1_out = m1_in.grow(STRAP_W)
    m1 = _frame(m1_in, STRAP_W)
    for b in m1:
        canvas.add("met1", b)
    # bottom and top sides own the corners; the left and right sides fill in between
    lic_x = (li_out.x0 + nm("li.5"), li_out.x1 - nm("li.5"))
    lic_y = (li_in.y0 + nm("licon.2"), li_in.y1 - nm("licon.2"))
    mc_x = (max(li_out.x0, m1_out.x0 + nm("m1.5")), min(li_out.x1, m1_out.x1 - nm("m1.5")))
    mc_y = (li_in.y0 + nm("ct.2"), li_in.y1 - nm("ct.2"))
    for y in (li_out.y0, li_in.y1):
        canvas.cuts("licon1", Box(lic_x[0], y, lic_x[1], y + LICON), LICON, nm("licon.2"))
        canvas.cuts("mcon", Box(mc_x[0], y, mc_x[1], y + MCON), MCON, nm("ct.2"))
    for x in (li_out.x0, li_in.x1):
        canvas.cuts("licon1", Box(x, lic_y[0], x + LICON, lic_y[1]), LICON, nm("licon.2"))
        canvas.cuts("mcon", Box(x, mc_y[0], x + MCON, mc_y[1]), MCON, nm("ct.2"))
    cx = grid_down((inner.x0 + inner.x1) // 2)
    canvas.pin(net, "met1", Box(cx - STRAP_W // 2, m1_out.y0, cx + STRAP_W // 2, m1_in.y0), 270)
    return Ring(inner.grow(TAP_W), inner, m1[2], m1[0])


def draw_tap_strip(canvas: Canvas, x0: int, x1: int, y1: int, kind: str, net: str) -> Box:
    """A horizontal tap strip from x0 to x1 with its top at y1; returns the tap box."""
    implant, enclosure = implant_of(kind)
    tap = canvas.add("tap", Box(x0, y1 - TAP_W, x1, y1))
    canvas.add(implant, tap.grow(enclosure))
    ly0 = tap.y0 + (TAP_W - LICON) // 2
    licons = canvas.cuts("licon1", Box(x0 + nm("licon.7"), ly0, x1 - nm("licon.7"), ly0 + LICON),
                         LICON, nm("licon.2"))
    li = canvas.add("li1", Box(licons[0].x0 - nm("li.5"), ly0, licons[-1].x1 + nm("li.5"), ly0 + LICON))
    my0 = tap.y0 + (TAP_W - STRAP_W) // 2
    m1 = canvas.add("met1", Box(li.x0, my0, li.x1, my0 + STRAP_W))
    canvas.cuts("mcon", Box(li.x0 + nm("m1.5"), ly0, li.x1 - nm("m1.5"), ly0 + MCON), MCON, nm("ct.2"))
    canvas.pin(net, "met1", Box(m1.x1 - STRAP_W, m1.y0, m1.x1, m1.y1), 0)
    return tap


def add_nwell(canvas: Canvas) -> None:
    """An n-well over every diff and tap (difftap.8/10) and around any lvtn (lvtn.10)."""
    boxes = [canvas.bbox(("diff", "tap")).grow(max(nm("difftap.8"), nm("difftap.10")))]
    if canvas.shapes.get("lvtn"):
        boxes.append(canvas.bbox(("lvtn",)).grow(nm("lvtn.10")))
    box = boxes[0]
    for b in boxes[1:]:
        box = box.union(b)
    canvas.add("nwell", box)


def guard_ring(w: float = 5.0, h: float = 5.0, kind: str = "ptap") -> Cell:
    """A tap ring around a free ``w`` × ``h`` µm area; port ``B`` (met1).

    ``ptap``: p+ tap for the substrate. ``ntap``: n+ tap whose n-well also
    covers the inner area, ready for p-devices. The subcircuit has the one
    terminal B and no devices.
    """
    p = validate("guard_ring", {"w": w, "h": h, "kind": kind})
    name = f"guard_ring_{p['kind']}_w{name_number(p['w'])}_h{name_number(p['h'])}"

    def build() -> Cell:
        canvas = Canvas()
        draw_ring(canvas, Box(0, 0, um_to_nm(p["w"]), um_to_nm(p["h"])), p["kind"], "B")
        if p["kind"] == "ntap":
            add_nwell(canvas)
        spice = subckt(name, ("B",), [], f"guard ring ({p['kind']}), inner {p['w']:g} x {p['h']:g} um")
        return Cell(name, canvas.to_component(name), spice, ("B",), p)

    return cached(name, build)

