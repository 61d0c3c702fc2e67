"""Single SKY130 transistors: ``nfet`` and ``pfet``."""

from __future__ import annotations

from logsgd.cells.assemble import add_body, fingers_um, pin_tracks
from logsgd.cells.base import Cell, cached
from logsgd.cells.geometry import um_to_nm
from logsgd.cells.params import check_device_size, name_number, validate
from logsgd.cells.row import Unit, draw_row
from logsgd.cells.spice import mos, subckt

PORTS = ("D", "G", "S", "B")
"""Terminal order of the transistor subcircuits: drain, gate, source, bulk."""


def _transistor(generator: str, w: float, l: float, nf: int, model: str, tap: bool) -> Cell:
    p = validate(generator, {"w": w, "l": l, "nf": nf, "model": model, "tap": tap})
    check_device_size(generator, p["model"], p["w"], p["l"])
    name = (f"{p['model']}_w{name_number(p['w'])}_l{name_number(p['l'])}_nf{p['nf']}"
            + ("_ring" if p["tap"] else ""))

    def build() -> Cell:
        row = draw_row(p["model"], um_to_nm(p["w"]), um_to_nm(p["l"]), p["nf"], [Unit("M", "D", "G")],
                       "S", "B", False, ["S", "D"], ["G"])
        canvas = row.canvas
        pin_tracks(canvas, row.tracks, PORTS)
        add_body(canvas, p["model"], p["tap"], "B", [])
        spice = subckt(name, PORTS, [mos("M0", "D", "G", "S", "B", p["model"], p["w"], p["l"], p["nf"])],
                       f"{p['model']} w={p['w']:g} um/finger l={p['l']:g} um nf={p['nf']} "
                       f"({'tap ring' if p['tap'] else 'tap strip'}); ports D G S B")
        return Cell(name, canvas.to_component(name), spice, PORTS, p, fingers_um(row.fingers))

    return cached(name, build)


def nfet(w: float = 2.0, l: float = 1.0, nf: int = 2, model: str = "nfet_01v8", tap: bool = True) -> Cell:
    """An n-channel SKY130 transistor of ``nf`` fingers, each ``w`` µm wide and ``l`` µm long.

    Fingers share diffusion with alternating source and drain. Ports, in
    subcircuit order: D, G, S, B. S and D are met2 tracks above the device,
    G a met1 track below it, B the met1 of the p-tap. ``tap=True``
    surrounds the device with a p-tap ring; ``tap=False`` puts one p-tap
    strip along the bottom.
    """
    return _transistor("nfet", w, l, nf, model, tap)


def pfet(w: float = 2.0, l: float = 1.0, nf: int = 2, model: str = "pfet_01v8", tap: bool = True) -> Cell:
    """A p-channel SKY130 transistor in an n-well; as :func:`nfet`, with an n-tap for B."""
    return _transistor("pfet", w, l, nf, model, tap)
