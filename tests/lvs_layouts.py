"""Small hand-drawn SKY130 layouts (klayout.db) and their schematics for LVS/PEX tests.

Coordinates are in µm. The transistors follow the SKY130 contact geometry
closely enough for extraction; they are not meant as DRC references.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import klayout.db as kdb

from logsgd.pdk.layers import LAYERS

DBU = 0.001
LICON = 0.17
SD_UM = 0.29
"""Source/drain length beside each gate: licon-to-gate space, licon, enclosure."""


@dataclass
class Drawing:
    """A one-cell layout being drawn, with helpers in µm."""

    name: str
    layout: kdb.Layout = field(default_factory=kdb.Layout)

    def __post_init__(self) -> None:
        self.layout.dbu = DBU
        self.cell = self.layout.create_cell(self.name)

    def box(self, layer: str, x0: float, y0: float, x1: float, y1: float, purpose: str = "draw") -> None:
        spec = LAYERS[layer]
        ld = spec.pin_ld if purpose == "pin" else spec.draw
        self.cell.shapes(self.layout.layer(*ld)).insert(kdb.DBox(x0, y0, x1, y1))

    def label(self, layer: str, text: str, x: float, y: float) -> None:
        self.cell.shapes(self.layout.layer(*LAYERS[layer].label_ld)).insert(kdb.DText(text, x, y))

    def contact_stack(self, x0: float, y0: float, x1: float, y1: float, cut: str = "licon1") -> None:
        """licon (or just mcon with cut='mcon') column from the layer below up to met1."""
        cx = (x0 + x1) / 2
        n = max(1, int((y1 - y0 - 0.12) // 0.34))
        for i in range(n):
            cy = y0 + 0.06 + LICON / 2 + i * 0.34
            if cut == "licon1":
                self.box("licon1", cx - LICON / 2, cy - LICON / 2, cx + LICON / 2, cy + LICON / 2)
            self.box("mcon", cx - 0.085, cy - 0.085, cx + 0.085, cy + 0.085)
        self.box("li1", cx - 0.085, y0, cx + 0.085, y1)
        self.box("met1", cx - 0.16, y0 - 0.03, cx + 0.16, y1 + 0.03)

    def write(self, path: Path) -> Path:
        self.layout.write(str(path))
        return path


def mos_fingers(
    d: Drawing,
    *,
    w: float,
    l: float,
    nf: int = 1,
    polarity: str = "n",
    lvt: bool = False,
    x0: float = 0.0,
    nets: tuple[str, str, str] = ("D", "G", "S"),
    gate_contact: bool = True,
) -> None:
    """Draw ``nf`` (1 or 2) gates sharing diffusion, S/D alternating from source, gates joined on top."""
    drain, gate, source = nets
    length = SD_UM + nf * (l + SD_UM)
    d.box("diff", x0, 0, x0 + length, w)
    d.box("nsdm" if polarity == "n" else "psdm", x0 - 0.125, -0.125, x0 + length + 0.125, w + 0.125)
    if lvt:
        d.box("lvtn", x0 - 0.13, -0.13, x0 + length + 0.13, w + 0.13)
    for i in range(nf):
        gx = x0 + SD_UM + i * (l + SD_UM)
        d.box("poly", gx, -0.13, gx + l, w + 0.5)
    d.box("poly", x0 + SD_UM, w + 0.3, x0 + SD_UM + nf * (l + SD_UM) - SD_UM, w + 0.75)
    gcx = x0 + length / 2
    if gate_contact:
        d.box("licon1", gcx - 0.085, w + 0.44, gcx + 0.085, w + 0.61)
    d.box("npc", gcx - 0.2, w + 0.34, gcx + 0.2, w + 0.71)
    d.box("li1", gcx - 0.2, w + 0.44, gcx + 0.2, w + 0.61)
    d.box("mcon", gcx - 0.085, w + 0.44, gcx + 0.085, w + 0.61)
    d.box("met1", gcx - 0.2, w + 0.41, gcx + 0.2, w + 0.64)
    d.label("met1", gate, gcx, w + 0.52)
    for i in range(nf + 1):
        sx = x0 + i * (l + SD_UM)
        is_source = i % 2 == 0
        d.contact_stack(sx + 0.06, 0.0, sx + SD_UM - 0.06, w)
        cx = sx + SD_UM / 2
        if is_source:
            d.box("met1", cx - 0.16, -0.6, cx + 0.16, 0.0)
        else:
            d.label("met1", drain, cx, w / 2)
    d.box("met1", x0 + SD_UM / 2 - 0.16, -0.6, x0 + nf * (l + SD_UM) + SD_UM / 2 + 0.16, -0.3)
    d.label("met1", source, x0 + SD_UM / 2, -0.45)


def tap(d: Drawing, x0: float, y0: float, h: float, kind: str, net: str) -> None:
    """A tap column with contacts to met1, labelled ``net``."""
    d.box("tap", x0, y0, x0 + 0.41, y0 + h)
    d.box("psdm" if kind == "ptap" else "nsdm", x0 - 0.125, y0 - 0.125, x0 + 0.535, y0 + h + 0.125)
    d.contact_stack(x0 + 0.06, y0, x0 + 0.35, y0 + h)
    d.label("met1", net, x0 + 0.205, y0 + h / 2)


def nfet_cell(
    name: str = "nfet_test",
    *,
    w: float = 2.0,
    l: float = 0.5,
    nf: int = 1,
    lvt: bool = False,
    nets: tuple[str, str, str] = ("D", "G", "S"),
    gate_contact: bool = True,
) -> Drawing:
    """An nfet with a p-tap, pins D G S B on met1."""
    d = Drawing(name)
    mos_fingers(d, w=w, l=l, nf=nf, lvt=lvt, nets=nets, gate_contact=gate_contact)
    tap(d, -1.0, 0.0, w, "ptap", "B")
    return d


def pfet_cell(name: str = "pfet_test", *, w: float = 2.0, l: float = 0.5, nf: int = 1) -> Drawing:
    """A pfet in an n-well with an n-tap, pins D G S B on met1."""
    d = Drawing(name)
    mos_fingers(d, w=w, l=l, nf=nf, polarity="p")
    tap(d, -1.0, 0.0, w, "ntap", "B")
    length = SD_UM + nf * (l + SD_UM)
    d.box("nwell", -1.4, -0.6, length + 0.4, w + 0.4)
    return d


def mos_spice(name: str, model: str, *, w: float, l: float, nf: int = 1, ports: str = "D G S B") -> str:
    """Schematic of one transistor cell: total width ``w * nf``."""
    return (
        f".subckt {name} {ports}\n"
        f"X0 D G S B sky130_fd_pr__{model} w={w * nf:g} l={l:g} nf={nf}\n"
        f".ends {name}\n"
    )


def mim_cell(name: str = "mim_test", *, w: float = 10.0, l: float = 10.0) -> Drawing:
    """A MIM capacitor: capm over met3, top contacted by via3 to met4; pins TOP, BOT."""
    d = Drawing(name)
    d.box("met3", -0.5, -0.5, w + 2.0, l + 0.5)
    d.box("capm", 0, 0, w, l)
    x, y = 0.5, 0.5
    while y + 0.2 <= l - 0.5:
        x = 0.5
        while x + 0.2 <= w - 0.5:
            d.box("via3", x, y, x + 0.2, y + 0.2)
            x += 0.8
        y += 0.8
    d.box("met4", 0.2, 0.2, w - 0.2, l - 0.2)
    d.label("met4", "TOP", w / 2, l / 2)
    d.box("via3", w + 1.0, l / 2 - 0.1, w + 1.2, l / 2 + 0.1)
    d.box("met4", w + 0.85, l / 2 - 0.3, w + 1.35, l / 2 + 0.3)
    d.label("met4", "BOT", w + 1.1, l / 2)
    return d


def mim_spice(name: str, *, w: float, l: float) -> str:
    return f".subckt {name} TOP BOT\nX0 TOP BOT sky130_fd_pr__cap_mim_m3_1 w={w:g} l={l:g}\n.ends {name}\n"


HIER_SPICE = """.subckt top2 G DA DB VSS
X1 DA G SA VSS sky130_fd_pr__nfet_01v8 w=2 l=0.5 nf=1
X2 DB G SB VSS sky130_fd_pr__nfet_01v8 w=2 l=0.5 nf=1
.ends top2
"""


def hierarchical_pair(path: Path) -> Path:
    """Cell top2: two instances of one labelled nfet cell, gates joined on met1 at the top,
    with top-level labels G, DA, DB, VSS (sources unlabelled at the top); see HIER_SPICE."""
    unit = nfet_cell("unit")
    layout = unit.layout
    top = layout.create_cell("top2")
    for dx in (0.0, 10.0):
        top.insert(kdb.DCellInstArray(unit.cell.cell_index(), kdb.DTrans(kdb.DVector(dx, 0.0))))
    top.shapes(layout.layer(*LAYERS["met1"].draw)).insert(kdb.DBox(0.5, 2.41, 10.9, 2.64))
    labels = layout.layer(*LAYERS["met1"].label_ld)
    for text, x, y in (("G", 5.0, 2.5), ("DA", 0.935, 1.0), ("DB", 10.935, 1.0), ("VSS", -0.795, 1.0)):
        top.shapes(labels).insert(kdb.DText(text, x, y))
    layout.write(str(path))
    return path
