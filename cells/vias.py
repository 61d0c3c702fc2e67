"""Via stacks: the same rectangle on every routing layer from ``bottom`` to ``top``, joined by cut arrays."""

from __future__ import annotations

from logsgd.cells.base import Cell, cached
from logsgd.cells.geometry import Box, Canvas, area_nm2, nm, um_to_nm
from logsgd.cells.params import CellParameterError, name_number, validate
from logsgd.cells.spice import subckt
from logsgd.pdk.layers import CUT_BETWEEN, METAL_STACK

CUTS: dict[str, tuple[str, str, str]] = {
    # cut layer: (size rule, spacing rule, rule of the larger enclosure by either metal)
    "mcon": ("ct.1", "ct.2", "m1.5"),
    "via": ("via.1a", "via.2", "via.5a"),
    "via2": ("via2.1a", "via2.2", "via2.5"),
    "via3": ("via3.1", "via3.2", "via3.5"),
}
"""Cut size, spacing and edge margin by rule id."""

MIN_AREA = {"li1": "li.6", "met1": "m1.6", "met2": "m2.6", "met3": "m3.6", "met4": "m4.4a"}
"""Minimum-area rule of each routing layer."""

PORTS = ("A",)
"""The one terminal of a via stack; its pin is on the top layer."""


def via_stack(bottom: str = "li1", top: str = "met2", w: float = 1.0, h: float = 1.0) -> Cell:
    """A ``w`` × ``h`` µm rectangle on every layer from ``bottom`` to ``top`` (li1 ... met4).

    Each pair of adjacent layers is joined by the largest centred array of
    cuts that keeps the cut enclosure rules. One port, A, on the top layer.
    """
    p = validate("via_stack", {"bottom": bottom, "top": top, "w": w, "h": h})
    lo, hi = METAL_STACK.index(p["bottom"]), METAL_STACK.index(p["top"])
    if hi <= lo:
        raise CellParameterError(f"via_stack: parameter top={p['top']!r} must be above bottom={p['bottom']!r}")
    layers = METAL_STACK[lo:hi + 1]
    for name in layers:
        need = area_nm2(MIN_AREA[name])
        if um_to_nm(p["w"]) * um_to_nm(p["h"]) < need:
            raise CellParameterError(
                f"via_stack: parameters w*h={p['w']:g}*{p['h']:g} are below the {name} minimum area "
                f"{need * 1e-6:g} µm² (rule {MIN_AREA[name]})"
            )
    name = f"via_{p['bottom']}_{p['top']}_w{name_number(p['w'])}_h{name_number(p['h'])}"

    def build() -> Cell:
        canvas = Canvas()
        plate = Box(0, 0, um_to_nm(p["w"]), um_to_nm(p["h"]))
        for layer_name in layers:
            canvas.add(layer_name, plate)
        for lower, upper in zip(layers, layers[1:]):
            cut = CUT_BETWEEN[(lower, upper)]
            size, space, margin = CUTS[cut]
            canvas.cuts(cut, plate.grow(-nm(margin)), nm(size), nm(space))
        canvas.pin("A", layers[-1], plate, 90)
        spice = subckt(name, PORTS, [], f"via stack {p['bottom']}-{p['top']} {p['w']:g} x {p['h']:g} um; port A")
        return Cell(name, canvas.to_component(name), spice, PORTS, p)

    return cached(name, build)
