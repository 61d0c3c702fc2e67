"""Placeable device cells for place and route, each with its terminals' access points.

A transistor is the project's ``nfet``/``pfet`` generator cell with a body
tap strip (``tap=False``): S and D are met2 tracks above the device, G a
met1 track below it and B the met1 of the tap strip under that. A matched
group (``logsgd.cells.pnr.match``) is the ``interdigitated`` generator
cell, with its tap ring. A MIM capacitor is drawn here (the ``cap_mim``
generator stops at 30 µm; weight capacitors are larger), with both plates
brought up to met3 stub starts above the capacitor. A block is a
subcircuit laid out by ``layout_from_spice`` itself, with met3 pins on its
top edge.

Every terminal is reached by a vertical met3 stub on a slot of the global
slot grid (pitch :data:`PITCH`); terminal k of a cell is on the slot at
``slot0_nm + k * PITCH`` in cell coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

from logsgd.cells.base import Cell, cached
from logsgd.cells.geometry import Box, Canvas, grid_up, nm, um_to_nm
from logsgd.cells.matched import interdigitated
from logsgd.cells.mos import nfet, pfet
from logsgd.cells.params import name_number
from logsgd.cells.pnr.netlist import Device
from logsgd.cells.spice import mim, subckt
from logsgd.pdk.layers import LAYERS
from logsgd.pdk.models import device as device_spec

VIA = nm("via.1a")
VIA2 = nm("via2.1a")
VIA3 = nm("via3.1")
STUB_W = VIA2 + 2 * nm("m3.4")
"""Width of a vertical met3 stub: encloses a via2 (and a via3) on both sides."""
PITCH = grid_up(STUB_W + nm("m3.2"))
"""Slot pitch: neighbouring stubs at minimum met3 spacing."""
TRACK_H = max(VIA2 + 2 * nm("via2.4"), VIA + 2 * nm("m2.4"))
"""Height of a horizontal met2 track or pad."""
PAD_W = max(VIA2 + 2 * nm("via2.5"), VIA + 2 * nm("m2.5"))
"""Width of the met2 pad joining a met1 terminal's via to its via2."""
TRACK_END = {"met2": VIA2 // 2 + nm("via2.5"), "met1": max(PAD_W // 2, VIA // 2 + nm("via.5a"))}
"""How far a terminal track must run past its slot centre."""
CAP_TAB_GAP = nm("capm.11")
"""Met3 of the top-plate stub keeps this clear of capm."""
VIA3_END = nm("via3.5")


@dataclass(frozen=True)
class Terminal:
    """A device terminal's access: slot index, stub start and the track that carries it.

    ``layer`` is met2 (a via2 at the slot joins the stub), met1 (via, met2
    pad and via2) or met3 (the stub starts on the terminal's own met3).
    ``track`` is the terminal's horizontal metal in cell coordinates; it is
    extended to the right when a slot lies beyond it (met1/met2 only).
    """

    name: str
    layer: str
    slot: int
    y_nm: int
    track: Box


@dataclass(frozen=True)
class Template:
    """A placeable device cell: its component, outline, first slot and terminals."""

    name: str
    component: object
    bbox: Box
    slot0_nm: int
    terminals: tuple[Terminal, ...]
    polarity: str
    """"n", "p" (n-well device), "c" (capacitor) or "b" (a laid-out subcircuit)."""
    nwell: Box | None = None
    """The cell's n-well outline (p devices)."""

    def right_nm(self) -> int:
        """Rightmost extent including track extensions to the last slot."""
        x = self.bbox.x1
        for t in self.terminals:
            if t.layer in TRACK_END:
                x = max(x, self.slot0_nm + t.slot * PITCH + TRACK_END[t.layer])
        return x


MOS_ORDER = ("S", "D", "G", "B")
"""Slot order of transistor terminals, left to right."""


def _box(b) -> Box:
    return Box(b.left, b.bottom, b.right, b.top)


def _terminals(cell, order: tuple[str, ...]) -> tuple[int, tuple[Terminal, ...]]:
    """First slot and terminals (in ``order``) of a generator cell from its met1/met2 pins."""
    import klayout.db as kdb

    comp = cell.component
    kcl = comp.kcl
    centres = {p.name: (um_to_nm(p.center[0]), um_to_nm(p.center[1])) for p in comp.ports}
    tracks: dict[str, tuple[str, Box]] = {}
    for layer_name in ("met1", "met2"):
        spec = LAYERS[layer_name]
        drawn = kdb.Region(comp.kdb_cell.shapes(kcl.layer(*spec.draw)))
        for shape in comp.kdb_cell.shapes(kcl.layer(*spec.pin_ld)).each():
            pin = shape.bbox()
            names = [n for n, (x, y) in centres.items() if pin.contains(kdb.Point(x, y))]
            if len(names) != 1:
                raise ValueError(f"{cell.name}: pin box {pin} matches ports {names}")
            owner = drawn.interacting(kdb.Region(pin)).bbox()
            tracks[names[0]] = (layer_name, Box(owner.left, pin.bottom, pin.right, pin.top))
    if set(tracks) != set(order):
        raise ValueError(f"{cell.name}: expected pins {order}, found {sorted(tracks)}")
    # first slot: the stub's via fits on every terminal's track from its left end
    slot0 = grid_up(max(box.x0 + TRACK_END[layer] for layer, box in tracks.values()))
    return slot0, tuple(Terminal(name, tracks[name][0], k, (tracks[name][1].y0 + tracks[name][1].y1) // 2,
                                 tracks[name][1]) for k, name in enumerate(order))


def _template_of(cell, order: tuple[str, ...], polarity: str) -> Template:
    import klayout.db as kdb

    comp = cell.component
    slot0, terminals = _terminals(cell, order)
    well = kdb.Region(comp.kdb_cell.shapes(comp.kcl.layer(*LAYERS["nwell"].draw)))
    nwell = _box(well.bbox()) if not well.is_empty() else None
    return Template(cell.name, comp, _box(comp.kdb_cell.bbox()), slot0, terminals, polarity, nwell)


def _mos_template(model: str, w_um: float, l_um: float, nf: int) -> Template:
    polarity = device_spec(model).polarity
    make = pfet if polarity == "p" else nfet
    return _template_of(make(w=w_um, l=l_um, nf=nf, model=model, tap=False), MOS_ORDER, polarity)


def _matched_template(model: str, w_um: float, l_um: float, nf: int, pattern: str) -> Template:
    cell = interdigitated(pattern, device=model, w=w_um, l=l_um, nf=nf, dummies=True)
    return _template_of(cell, cell.ports, device_spec(model).polarity)


def _mim_template(w_um: float, l_um: float) -> Template:
    """A MIM capacitor with its capm top edge at y=0, BOT on slot 0 (x=0) and TOP on slot 1."""
    name = f"pnr_mim_w{name_number(w_um)}_l{name_number(l_um)}"
    capm = Box(-STUB_W // 2, -um_to_nm(l_um), -STUB_W // 2 + um_to_nm(w_um), 0)
    plate = capm.grow(nm("capm.3"))
    top_x = PITCH
    bot_start = Box(-STUB_W // 2, plate.y1 - STUB_W, STUB_W // 2, plate.y1)
    via3 = Box(top_x - VIA3 // 2, CAP_TAB_GAP + VIA3_END, top_x + VIA3 // 2, CAP_TAB_GAP + VIA3_END + VIA3)
    top_start = Box(top_x - STUB_W // 2, CAP_TAB_GAP, top_x + STUB_W // 2, via3.y1 + VIA3_END)
    tab = Box(top_x - STUB_W // 2, capm.y1 - STUB_W, top_x + STUB_W // 2, via3.y1 + nm("m4.3"))

    def build():
        canvas = Canvas()
        canvas.add("capm", capm)
        canvas.add("met3", plate)
        canvas.cuts("via3", capm.grow(-nm("capm.4")), VIA3, nm("via3.2"))
        canvas.add("met4", capm)
        # bottom plate: a stub start on slot 0, part of the plate's met3
        canvas.add("met3", bot_start)
        # top plate: a met4 tab up past the plate, via3 onto a met3 stub start on slot 1,
        # clear of capm by capm.11
        canvas.add("met4", tab)
        canvas.add("via3", via3)
        canvas.add("met3", top_start)
        spice = subckt(name, ("TOP", "BOT"), [mim("C0", "TOP", "BOT", w_um, l_um)],
                       f"MIM capacitor w={w_um:g} um l={l_um:g} um for place and route")
        return Cell(name, canvas.to_component(name), spice, ("TOP", "BOT"), {"w": w_um, "l": l_um})

    cell = cached(name, build)
    terminals = (
        Terminal("BOT", "met3", 0, bot_start.y0, bot_start),
        Terminal("TOP", "met3", 1, top_start.y0, top_start),
    )
    bbox = Box(plate.x0, plate.y0, max(plate.x1, top_start.x1), max(tab.y1, top_start.y1))
    return Template(name, cell.component, bbox, 0, terminals, "c")


_TEMPLATES: dict[tuple, Template] = {}


def register_block(name: str, component, pins: list[tuple[str, int]], top_nm: int, pin_h_nm: int) -> Template:
    """Make a laid-out subcircuit placeable: its met3 pins (name, x nm) end at its top edge ``top_nm``.

    Pin stubs continue up from the pins; the pins sit on the slot grid, so
    the block's slots are its pins' x divided by the pitch.
    """
    bbox = _box(component.kdb_cell.bbox())
    slot0 = min(x for _, x in pins)
    terminals = tuple(Terminal(net, "met3", (x - slot0) // PITCH, top_nm - pin_h_nm,
                               Box(x - STUB_W // 2, top_nm - pin_h_nm, x + STUB_W // 2, top_nm)) for net, x in pins)
    if any((x - slot0) % PITCH for _, x in pins):
        raise ValueError(f"block {name}: pins off the slot grid")
    _TEMPLATES[("block", name)] = Template(name, component, bbox, slot0, terminals, "b")
    return _TEMPLATES[("block", name)]


def template(dev: Device) -> Template:
    """The placeable cell of a leaf device (one per model and size) or of a registered block."""
    if dev.kind == "block":
        return _TEMPLATES[("block", dev.model)]
    key = (dev.model, dev.w_um, dev.l_um, dev.nf, dev.pattern)
    if key not in _TEMPLATES:
        if dev.kind == "matched":
            _TEMPLATES[key] = _matched_template(dev.model, dev.w_um, dev.l_um, dev.nf, dev.pattern)
        elif dev.kind == "mim":
            _TEMPLATES[key] = _mim_template(dev.w_um, dev.l_um)
        else:
            _TEMPLATES[key] = _mos_template(dev.model, dev.w_um, dev.l_um, dev.nf)
    return _TEMPLATES[key]
