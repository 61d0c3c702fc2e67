"""The SKY130 MIM capacitor ``sky130_fd_pr__cap_mim_m3_1`` (capm between met3 and met4)."""

from __future__ import annotations

from logsgd.cells.base import Cell, cached
from logsgd.cells.geometry import Box, Canvas, nm, um_to_nm
from logsgd.cells.params import name_number, validate
from logsgd.cells.spice import mim, subckt

PORTS = ("TOP", "BOT")
"""Terminal order: TOP = model pin c0 (capm, met4 plate), BOT = c1 (met3 bottom plate)."""

BOTTOM_TAB = 2 * nm("m3.1")
"""Met3 bottom plate beyond the capm enclosure on the left: room for the BOT pin and a via."""


def cap_mim(w: float = 10.0, l: float = 10.0) -> Cell:
    """A ``w`` × ``l`` µm MIM capacitor (the capm outline, model parameters w and l).

    The met3 bottom plate encloses capm (capm.3) and widens to the left into
    the BOT pin; a via3 array on capm (capm.4) joins the met4 top plate,
    which is the TOP pin. Ports, in subcircuit order: TOP, BOT.
    """
    p = validate("cap_mim", {"w": w, "l": l})
    name = f"cap_mim_m3_1_w{name_number(p['w'])}_l{name_number(p['l'])}"

    def build() -> Cell:
        canvas = Canvas()
        capm = canvas.add("capm", Box(0, 0, um_to_nm(p["w"]), um_to_nm(p["l"])))
        plate = capm.grow(nm("capm.3"))
        canvas.add("met3", plate)
        tab = canvas.add("met3", Box(plate.x0 - BOTTOM_TAB, plate.y0, plate.x0, plate.y1))
        canvas.cuts("via3", capm.grow(-nm("capm.4")), nm("via3.1"), nm("via3.2"))
        top = canvas.add("met4", capm)
        canvas.pin("TOP", "met4", top, 90)
        canvas.pin("BOT", "met3", tab, 180)
        spice = subckt(name, PORTS, [mim("C0", "TOP", "BOT", p["w"], p["l"])],
                       f"MIM capacitor w={p['w']:g} um l={p['l']:g} um; ports TOP (c0, met4) BOT (c1, met3)")
        return Cell(name, canvas.to_component(name), spice, PORTS, p)

    return cached(name, build)
