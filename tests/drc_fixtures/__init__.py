"""Known-bad and at-limit DRC fixtures, one per SKY130 rule, built with klayout.db.

``build(rule_id, bad)`` draws a small layout whose dimension under test is
exactly at the rule's limit (``bad=False``) or one 0.005 µm grid step past it
(``bad=True``), inside a legal surrounding: implants around diffusion, taps of
the opposite type for latch-up, contacts with their metal enclosures. Every
other dimension sits at or above its own limit, so the at-limit twin is
clean and the bad one breaks only the rule under test.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import klayout.db as kdb

from logsgd.pdk.layers import GRID_UM, LAYERS
from logsgd.pdk.rules import RULES, rule

Margins = tuple[float, float, float, float]
"""Enclosure on the left, right, bottom and top side, in µm."""

IMP = rule("nsd.5a")
"""Implant enclosure of diff and tap, in µm."""


class Fx:
    """A one-cell layout in µm coordinates (dbu 0.001 µm)."""

    def __init__(self, name: str = "TOP") -> None:
        self.layout = kdb.Layout()
        self.layout.dbu = 0.001
        self.top = self.layout.create_cell(name)

    def box(self, layer: str, x0: float, y0: float, x1: float, y1: float) -> None:
        self.top.shapes(self.layout.layer(*LAYERS[layer].draw)).insert(
            kdb.DBox(x0, y0, x1, y1).to_itype(self.layout.dbu))

    def polygon(self, layer: str, points: list[tuple[float, float]]) -> None:
        poly = kdb.DPolygon([kdb.DPoint(x, y) for x, y in points])
        self.top.shapes(self.layout.layer(*LAYERS[layer].draw)).insert(poly.to_itype(self.layout.dbu))

    def around(self, layer: str, box: tuple[float, float, float, float], m: Margins) -> None:
        """Draw ``layer`` around ``box`` with margins ``m`` (left, right, bottom, top)."""
        x0, y0, x1, y1 = box
        self.box(layer, x0 - m[0], y0 - m[2], x1 + m[1], y1 + m[3])

    def save(self, path: str | Path) -> Path:
        options = kdb.SaveLayoutOptions()
        options.write_context_info = False
        self.layout.write(str(path), options)
        return Path(path)


def _all(m: float) -> Margins:
    return (m, m, m, m)


# ---- legal building blocks -------------------------------------------------

def ptap(fx: Fx, x0: float, y0: float, x1: float, y1: float, imp: Margins = _all(IMP)) -> None:
    fx.box("tap", x0, y0, x1, y1)
    fx.around("psdm", (x0, y0, x1, y1), imp)


def ntap(fx: Fx, x0: float, y0: float, x1: float, y1: float, imp: Margins = _all(IMP)) -> None:
    """An n-tap; the caller draws the n-well around it."""
    fx.box("tap", x0, y0, x1, y1)
    fx.around("nsdm", (x0, y0, x1, y1), imp)


def ndiff(fx: Fx, x0: float, y0: float, x1: float, y1: float, imp: Margins = _all(IMP),
          latchup_tap: bool = True) -> None:
    """An n-diffusion in nsdm, with a p-tap 1 µm to its left for latch-up."""
    fx.box("diff", x0, y0, x1, y1)
    fx.around("nsdm", (x0, y0, x1, y1), imp)
    if latchup_tap:
        ptap(fx, x0 - 1.5, y0, x0 - 1.0, y0 + 0.5)


def pdiff_in_well(fx: Fx, x0: float, y0: float, x1: float, y1: float,
                  imp: Margins = _all(IMP)) -> None:
    """A p-diffusion in psdm inside an n-well with an n-tap 0.4 µm to its left."""
    fx.box("diff", x0, y0, x1, y1)
    fx.around("psdm", (x0, y0, x1, y1), imp)
    ntap(fx, x0 - 0.9, y0, x0 - 0.4, y0 + 0.5)
    fx.box("nwell", x0 - 0.9 - 0.3, y0 - 0.5, x1 + 0.3, max(y1, y0 + 0.5) + 0.5)


def mos(fx: Fx, kind: str = "n", w: float = 0.42, l: float = 0.15,
        sd: tuple[float, float] = (0.25, 0.25), endcap: tuple[float, float] = (0.13, 0.13),
        lvt: bool = False) -> tuple[float, float, float, float]:
    """A one-finger transistor at the origin; returns the gate box (x0, y0, x1, y1)."""
    x1 = sd[0] + l + sd[1]
    if kind == "n":
        ndiff(fx, 0, 0, x1, w)
    else:
        pdiff_in_well(fx, 0, 0, x1, w)
    fx.box("poly", sd[0], -endcap[0], sd[0] + l, w + endcap[1])
    if lvt:
        fx.box("lvtn", -0.2, -0.4, x1 + 0.2, w + 0.4)
    return (sd[0], 0.0, sd[0] + l, w)


def poly_contact(fx: Fx, x0: float = 0.0, y0: float = 0.0, size: tuple[float, float] = (0.17, 0.17),
                 poly: Margins = (0.05, 0.05, 0.08, 0.08), li: Margins = (0.0, 0.0, 0.08, 0.08),
                 npc: float = rule("licon.15")) -> None:
    """A licon on a poly pad with li1 and npc, every enclosure at its limit by default."""
    cut = (x0, y0, x0 + size[0], y0 + size[1])
    fx.box("licon1", *cut)
    fx.around("poly", cut, poly)
    fx.around("li1", cut, li)
    fx.around("npc", cut, _all(npc))


def diff_contact(fx: Fx, enc: Margins) -> None:
    """A licon on an n-diffusion enclosed by ``enc``, with li1 over it."""
    cut = (0.0, 0.0, 0.17, 0.17)
    fx.box("licon1", *cut)
    ndiff(fx, -enc[0], -enc[2], 0.17 + enc[1], 0.17 + enc[3])
    fx.around("li1", cut, _all(0.08))


def mcon_stack(fx: Fx, size: tuple[float, float] = (0.17, 0.17), li: Margins = _all(0.08),
               m1: Margins = (0.03, 0.03, 0.06, 0.2)) -> None:
    cut = (0.0, 0.0, size[0], size[1])
    fx.box("mcon", *cut)
    fx.around("li1", cut, li)
    fx.around("met1", cut, m1)


def cut_stack(fx: Fx, cut_layer: str, below: str, above: str, size: tuple[float, float],
              m_below: Margins, m_above: Margins) -> None:
    cut = (0.0, 0.0, size[0], size[1])
    fx.box(cut_layer, *cut)
    fx.around(below, cut, m_below)
    fx.around(above, cut, m_above)


VIA_M1: Margins = (0.055, 0.055, 0.085, 0.3)
VIA_M2: Margins = (0.055, 0.055, 0.085, 0.3)
VIA2_M2: Margins = (0.04, 0.04, 0.085, 0.3)
VIA2_M3: Margins = (0.065, 0.065, 0.065, 0.5)
VIA3_M3: Margins = (0.06, 0.06, 0.09, 0.5)
VIA3_M4: Margins = (0.065, 0.065, 0.065, 0.5)


def via(fx: Fx, size=(0.15, 0.15), m1: Margins = VIA_M1, m2: Margins = VIA_M2) -> None:
    cut_stack(fx, "via", "met1", "met2", size, m1, m2)


def via2(fx: Fx, size=(0.2, 0.2), m2: Margins = VIA2_M2, m3: Margins = VIA2_M3) -> None:
    cut_stack(fx, "via2", "met2", "met3", size, m2, m3)


def via3(fx: Fx, size=(0.2, 0.2), m3: Margins = VIA3_M3, m4: Margins = VIA3_M4) -> None:
    cut_stack(fx, "via3", "met3", "met4", size, m3, m4)


def two_cuts(fx: Fx, cut_layer: str, size: float, space: float,
             covers: dict[str, Margins]) -> None:
    """Two square cuts ``space`` apart in a row, covered by each layer in ``covers``."""
    fx.box(cut_layer, 0, 0, size, size)
    fx.box(cut_layer, size + space, 0, 2 * size + space, size)
    for layer, m in covers.items():
        fx.around(layer, (0, 0, 2 * size + space, size), m)


def two_boxes(fx: Fx, layer: str, w: float, h: float, space: float) -> None:
    fx.box(layer, 0, 0, w, h)
    fx.box(layer, w + space, 0, 2 * w + space, h)


def capm_plate(fx: Fx, x0: float = 0, y0: float = 0, x1: float = 2, y1: float = 2,
               met3: Margins = _all(rule("capm.3"))) -> None:
    fx.box("capm", x0, y0, x1, y1)
    fx.around("met3", (x0, y0, x1, y1), met3)


# ---- one fixture per rule --------------------------------------------------

Builder = Callable[[Fx, float], None]
"""Draws a fixture whose dimension under test is ``v`` µm."""

FIXTURES: dict[str, Builder] = {
    "difftap.1": lambda fx, v: ptap(fx, 0, 0, v, 1.0),
    "difftap.2": lambda fx, v: mos(fx, w=v),
    "difftap.3": lambda fx, v: (fx.box("tap", 0, 0, 0.5, 0.5), fx.box("tap", 0.5 + v, 0, 1 + v, 0.5),
                                fx.around("psdm", (0, 0, 1 + v, 0.5), _all(IMP))),
    "difftap.8": lambda fx, v: (fx.box("nwell", 0, 0, 3, 1.5),
                                fx.box("diff", v, 0.5, v + 1, 1.0), fx.around("psdm", (v, 0.5, v + 1, 1.0), _all(IMP)),
                                ntap(fx, 2.0, 0.5, 2.5, 1.0)),
    "difftap.9": lambda fx, v: (ndiff(fx, 0, 0, 1, 0.5), fx.box("nwell", 1 + v, -0.5, 2.5, 1.0)),
    "difftap.10": lambda fx, v: (fx.box("nwell", 0, 0, 2, 2), ntap(fx, v, 0.5, v + 0.5, 1.0)),
    "difftap.11": lambda fx, v: (ptap(fx, 0, 0, 0.5, 0.5), fx.box("nwell", 0.5 + v, -0.5, 2, 1)),
    "nwell.1": lambda fx, v: fx.box("nwell", 0, 0, v, 2),
    "nwell.2a": lambda fx, v: two_boxes(fx, "nwell", 1, 1, v),
    "poly.1a": lambda fx, v: fx.box("poly", 0, 0, v, 1),
    "poly.1b": lambda fx, v: mos(fx, "p", l=v, lvt=True),
    "poly.2": lambda fx, v: two_boxes(fx, "poly", 0.5, 1, v),
    "poly.4": lambda fx, v: (ndiff(fx, 0, 0, 1, 0.5), fx.box("poly", 1 + v, -0.2, 1.15 + v, 0.7)),
    "poly.5": lambda fx, v: (ptap(fx, 0, 0, 0.5, 0.5), fx.box("poly", 0.5 + v, 0, 0.65 + v, 0.5)),
    "poly.7": lambda fx, v: mos(fx, sd=(0.25, v)),
    "poly.8": lambda fx, v: mos(fx, endcap=(v, 0.13)),
    "npc.1": lambda fx, v: fx.box("npc", 0, 0, v, 1),
    "npc.2": lambda fx, v: two_boxes(fx, "npc", 0.5, 0.5, v),
    "npc.4": lambda fx, v: (mos(fx), fx.box("npc", 0.1, 0.42 + v, 0.6, 0.72 + v)),
    "nsd.1": lambda fx, v: fx.box("nsdm", 0, 0, v, 2),
    "psd.1": lambda fx, v: fx.box("psdm", 0, 0, v, 2),
    "nsd.2": lambda fx, v: two_boxes(fx, "nsdm", 1, 1, v),
    "psd.2": lambda fx, v: two_boxes(fx, "psdm", 1, 1, v),
    "nsd.5a": lambda fx, v: ndiff(fx, 0, 0, 1, 0.5, imp=(v, IMP, IMP, IMP)),
    "psd.5a": lambda fx, v: pdiff_in_well(fx, 0, 0, 1, 0.5, imp=(v, IMP, IMP, IMP)),
    "nsd.5b": lambda fx, v: (fx.box("nwell", -0.5, -0.5, 1.5, 1.5), ntap(fx, 0, 0, 0.5, 0.5, imp=(v, IMP, IMP, IMP))),
    "psd.5b": lambda fx, v: ptap(fx, 0, 0, 0.5, 0.5, imp=(v, IMP, IMP, IMP)),
    "nsd.10a": lambda fx, v: fx.box("nsdm", 0, 0, 0.5, v / 0.5),
    "psd.10b": lambda fx, v: fx.box("psdm", 0, 0, 0.5, v / 0.5),
    "licon.1": lambda fx, v: poly_contact(fx, size=(v, 0.17), li=_all(0.08)),
    "licon.2": lambda fx, v: two_cuts(fx, "licon1", 0.17, v, {
        "poly": (0.05, 0.05, 0.08, 0.08), "li1": _all(0.08), "npc": _all(0.1)}),
    "licon.5a": lambda fx, v: diff_contact(fx, (v, 0.04, 0.06, 0.06)),
    "licon.5c": lambda fx, v: diff_contact(fx, (0.04, 0.04, v, 0.06)),
    "licon.7": lambda fx, v: (fx.box("licon1", 0, 0, 0.17, 0.17), ptap(fx, -v, -0.04, 0.17 + 0.12, 0.17 + 0.04),
                              fx.around("li1", (0, 0, 0.17, 0.17), _all(0.08))),
    "licon.8": lambda fx, v: poly_contact(fx, poly=(v, 0.05, 0.08, 0.08)),
    "licon.8a": lambda fx, v: poly_contact(fx, poly=(0.05, 0.05, v, 0.08)),
    "licon.9": lambda fx, v: (poly_contact(fx), fx.box("psdm", 0.17 + v, -0.2, 0.67 + v, 0.4)),
    "licon.11": lambda fx, v: (mos(fx, w=0.5, sd=(0.04 + 0.17 + v, 0.25)),
                               fx.box("licon1", 0.04, 0.165, 0.21, 0.335),
                               fx.around("li1", (0.04, 0.165, 0.21, 0.335), _all(0.08))),
    "licon.14": lambda fx, v: (ntap(fx, 0, 0, 0.5, 0.5), fx.box("nwell", -0.5, -0.5, 0.68, 1.0),
                               poly_contact(fx, x0=0.5 + v)),
    "licon.15": lambda fx, v: poly_contact(fx, npc=v),
    "lvtn.1a": lambda fx, v: fx.box("lvtn", 0, 0, v, 2),
    "lvtn.2": lambda fx, v: two_boxes(fx, "lvtn", 1, 1, v),
    "lvtn.13": lambda fx, v: fx.box("lvtn", 0, 0, 0.5, v / 0.5),
    "li.1": lambda fx, v: fx.box("li1", 0, 0, v, 1),
    "li.3": lambda fx, v: two_boxes(fx, "li1", 0.5, 0.5, v),
    "li.5": lambda fx, v: poly_contact(fx, li=(0, 0, v, 0.2)),
    "li.6": lambda fx, v: fx.box("li1", 0, 0, 0.17, v / 0.17),
    "ct.1": lambda fx, v: mcon_stack(fx, size=(v, 0.17)),
    "ct.2": lambda fx, v: two_cuts(fx, "mcon", 0.17, v, {"li1": _all(0.08), "met1": (0.03, 0.03, 0.06, 0.2)}),
    "ct.4": lambda fx, v: mcon_stack(fx, li=(v, 0.08, 0.08, 0.08)),
    "m1.1": lambda fx, v: fx.box("met1", 0, 0, v, 1),
    "m1.2": lambda fx, v: two_boxes(fx, "met1", 0.5, 0.5, v),
    "m1.4": lambda fx, v: mcon_stack(fx, m1=(v, 0.03, 0.06, 0.2)),
    "m1.5": lambda fx, v: mcon_stack(fx, m1=(0.03, 0.03, v, 0.2)),
    "m1.6": lambda fx, v: fx.box("met1", 0, 0, 0.2, v / 0.2),
    "via.1a": lambda fx, v: via(fx, size=(v, 0.15)),
    "via.2": lambda fx, v: two_cuts(fx, "via", 0.15, v, {"met1": VIA_M1, "met2": VIA_M2}),
    "via.4a": lambda fx, v: via(fx, m1=(v, 0.055, 0.085, 0.3)),
    "via.5a": lambda fx, v: via(fx, m1=(0.055, 0.055, v, 0.3)),
    "m2.1": lambda fx, v: fx.box("met2", 0, 0, v, 1),
    "m2.2": lambda fx, v: two_boxes(fx, "met2", 0.5, 0.5, v),
    "m2.4": lambda fx, v: via(fx, m2=(v, 0.055, 0.085, 0.3)),
    "m2.5": lambda fx, v: via(fx, m2=(0.055, 0.055, v, 0.3)),
    "m2.6": lambda fx, v: fx.box("met2", 0, 0, 0.26, v / 0.26),
    "via2.1a": lambda fx, v: via2(fx, size=(v, 0.2)),
    "via2.2": lambda fx, v: two_cuts(fx, "via2", 0.2, v, {"met2": VIA2_M2, "met3": VIA2_M3}),
    "via2.4": lambda fx, v: via2(fx, m2=(v, 0.04, 0.085, 0.3)),
    "via2.5": lambda fx, v: via2(fx, m2=(0.04, 0.04, v, 0.3)),
    "m3.1": lambda fx, v: fx.box("met3", 0, 0, v, 1),
    "m3.2": lambda fx, v: two_boxes(fx, "met3", 0.5, 0.5, v),
    "m3.4": lambda fx, v: via2(fx, m3=(v, 0.065, 0.065, 0.5)),
    "m3.6": lambda fx, v: fx.box("met3", 0, 0, 0.4, v / 0.4),
    "via3.1": lambda fx, v: via3(fx, size=(v, 0.2)),
    "via3.2": lambda fx, v: two_cuts(fx, "via3", 0.2, v, {"met3": VIA3_M3, "met4": VIA3_M4}),
    "via3.4": lambda fx, v: via3(fx, m3=(v, 0.06, 0.09, 0.5)),
    "via3.5": lambda fx, v: via3(fx, m3=(0.06, 0.06, v, 0.5)),
    "m4.1": lambda fx, v: fx.box("met4", 0, 0, v, 1),
    "m4.2": lambda fx, v: two_boxes(fx, "met4", 0.5, 0.5, v),
    "m4.3": lambda fx, v: via3(fx, m4=(v, 0.065, 0.065, 0.5)),
    "m4.4a": lambda fx, v: fx.box("met4", 0, 0, 0.4, v / 0.4),
    "capm.1": lambda fx, v: capm_plate(fx, 0, 0, v, 2),
    "capm.2a": lambda fx, v: (fx.box("capm", 0, 0, 2, 2), fx.box("capm", 2 + v, 0, 4 + v, 2),
                              fx.around("met3", (0, 0, 4 + v, 2), _all(0.14))),
    "capm.3": lambda fx, v: capm_plate(fx, met3=(v, 0.14, 0.14, 0.14)),
    "capm.4": lambda fx, v: (capm_plate(fx), fx.box("via3", v, 0.9, v + 0.2, 1.1),
                             fx.around("met4", (v, 0.9, v + 0.2, 1.1), VIA3_M4)),
    "capm.5": lambda fx, v: (capm_plate(fx, met3=(0.14, 1.0, 0.14, 0.14)),
                             fx.box("via3", 2 + v, 0.9, 2.2 + v, 1.1),
                             fx.around("met4", (2 + v, 0.9, 2.2 + v, 1.1), VIA3_M4)),
    "capm.8": lambda fx, v: (capm_plate(fx, met3=(0.14, 1.0, 0.14, 0.14)),
                             fx.box("via2", 2 + v, 0.9, 2.2 + v, 1.1),
                             fx.around("met2", (2 + v, 0.9, 2.2 + v, 1.1), VIA2_M2)),
    "capm.11": lambda fx, v: (capm_plate(fx), fx.box("met3", 2 + v, 0, 2.5 + v, 2)),
    "x.1b": lambda fx, v: fx.box("met1", v, 0, 1, 1),
    "x.2": lambda fx, v: fx.polygon("li1", [(0, 0), (1, 0), (1, 1), (v, 1), (0, 1 - v)]),
    "LU.2": lambda fx, v: (ptap(fx, 0, 0, 0.5, 0.5), ndiff(fx, 0.5 + v - 0.5, 0, 0.5 + v, 0.5, latchup_tap=False)),
    "LU.3": lambda fx, v: (fx.box("nwell", -0.5, -0.5, v + 1.5, 1.0), ntap(fx, 0, 0, 0.5, 0.5),
                           fx.box("diff", 0.5 + v - 0.5, 0, 0.5 + v, 0.5),
                           fx.around("psdm", (v, 0, 0.5 + v, 0.5), _all(IMP))),
}
"""Fixture builders by rule id; ``v`` is the dimension the rule limits."""


_AREA_SIDE = {  # the side each area fixture keeps fixed, µm
    "nsd.10a": 0.5, "psd.10b": 0.5, "lvtn.13": 0.5, "li.6": 0.17, "m1.6": 0.2, "m2.6": 0.26, "m3.6": 0.4, "m4.4a": 0.4,
}


def dimension(rule_id: str, bad: bool) -> float:
    """The fixture's dimension under test: the limit, or one grid step past it."""
    r = RULES[rule_id]
    if r.kind == "grid":
        return 0.001 if bad else 0.0
    if r.kind == "angle":
        return GRID_UM if bad else 0.0
    if r.kind == "area":
        # one grid step shorter on the side that is not fixed
        return r.value - (GRID_UM * _AREA_SIDE[rule_id] if bad else 0.0)
    step = GRID_UM if r.kind == "distance_max" else -GRID_UM
    return round(r.value + (step if bad else 0.0), 6)


def build(rule_id: str, bad: bool, path: str | Path, rotation: int = 0) -> Path:
    """Write the fixture of ``rule_id`` (bad or at the limit), rotated by ``rotation`` x 90°, to ``path``."""
    fx = Fx()
    FIXTURES[rule_id](fx, dimension(rule_id, bad))
    if rotation:
        fx.top.transform(kdb.Trans(rotation, False, 0, 0))
    return fx.save(path)
