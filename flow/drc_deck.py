"""The built-in SKY130 DRC deck on the KLayout Python API, run hierarchically.

Every rule in ``logsgd.pdk.rules.RULES`` is checked by its ``kind``: the
value comes from the rule table, the layers are named by ``Rule.layer`` and
``Rule.other`` and resolved here, in ``DERIVED``, the one place where
derived layers (``ndiff``, ``gate``, ``poly_licon`` ...) are defined.

All layers are deep (hierarchical) regions over one ``DeepShapeStore``, so
an array of identical cells is checked once per cell variant rather than
shape by shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import klayout.db as kdb

from logsgd.pdk.layers import LAYERS
from logsgd.pdk.rules import MANHATTAN_LAYERS, RULES, Rule

Markers = Any
"""A ``kdb.EdgePairs`` or ``kdb.Region`` of violation markers (one per count)."""


class DeckLayers:
    """Drawn and derived layers of one cell, computed on first use and cached."""

    def __init__(self, layout: kdb.Layout, cell: kdb.Cell, dss: kdb.DeepShapeStore) -> None:
        self._layout = layout
        self._cell = cell
        self._dss = dss
        self._cache: dict[str, Any] = {}

    @property
    def dbu(self) -> float:
        """Database unit of the layout, in µm."""
        return self._layout.dbu

    def drawn(self, layer_index: int) -> kdb.Region:
        """The deep region of one layout layer below the checked cell."""
        return kdb.Region(self._layout.begin_shapes(self._cell, layer_index), self._dss)

    def __getitem__(self, name: str) -> Any:
        if name not in self._cache:
            if name in DERIVED:
                self._cache[name] = DERIVED[name](self)
            elif name in LAYERS:
                index = self._layout.layer(*LAYERS[name].draw)
                self._cache[name] = self.drawn(index)
            else:
                raise KeyError(f"DRC deck has no layer {name!r}")
        return self._cache[name]

    def all_raw(self) -> list[kdb.Region]:
        """Every layer of the layout as unmerged regions (for the grid rule)."""
        regions = []
        for index in self._layout.layer_indexes():
            region = self.drawn(index)
            region.merged_semantics = False
            regions.append(region)
        return regions


DERIVED: dict[str, Callable[[DeckLayers], Any]] = {
    # diffusion by implant; n+ diffusion inside n-well is not a device here
    "difftap": lambda L: L["diff"] + L["tap"],
    "ndiff": lambda L: (L["diff"] & L["nsdm"]) - L["nwell"],
    "pdiff": lambda L: L["diff"] & L["psdm"],
    "ntap": lambda L: L["tap"] & L["nsdm"],
    "ptap": lambda L: L["tap"] & L["psdm"],
    # transistors: the gate's edges on the diff boundary span the channel width,
    # its edges on the poly boundary span the channel length
    "gate": lambda L: L["poly"] & L["diff"],
    "gate_w": lambda L: L["gate"].edges() & L["diff"].edges(),
    "pgate_lvt_l": lambda L: (L["gate"] & L["pdiff"] & L["lvtn"]).edges() & L["poly"].edges(),
    "poly_field": lambda L: L["poly"] - L["difftap"],
    # contacts by what they land on
    "difftap_licon": lambda L: L["licon1"].interacting(L["difftap"]),
    "diff_licon": lambda L: L["licon1"].interacting(L["diff"]),
    # licon.7 speaks of isolated taps: taps that do not butt a diff
    "tap_licon": lambda L: L["licon1"].interacting(L["tap"].not_interacting(L["diff"])),
    "poly_licon": lambda L: L["licon1"].interacting(L["poly"]).not_interacting(L["difftap"]),
    # MIM capacitor: capm is the top plate over a met3 bottom plate
    "met3_or_capm": lambda L: L["met3"] + L["capm"],
    "via3_on_capm": lambda L: L["via3"].interacting(L["capm"]),
    "via3_off_capm": lambda L: L["via3"].not_interacting(L["capm"]),
    "met3_off_capm": lambda L: L["met3"].not_interacting(L["capm"]),
    # whole-layout rules
    "manhattan": lambda L: [L[name] for name in MANHATTAN_LAYERS],
    "all": lambda L: L.all_raw(),
}
"""Derived layers by the name the rule table uses; ``manhattan`` and ``all``
are lists of regions checked one by one."""

BUTTING_NEIGHBOUR = {("ndiff", "nsdm"): "tap", ("pdiff", "psdm"): "tap",
                     ("ntap", "nsdm"): "diff", ("ptap", "psdm"): "diff"}
"""Implant enclosures waived at a diff/tap butting edge: markers lying within
the rule distance of the butting neighbour (the tap for a diff, the diff for a
tap) are dropped; a neighbour that close without butting breaks difftap.3."""

TOUCH_ALLOWED = frozenset({"poly_field"})
"""Layers that abut their ``space`` partner by construction (poly on field meets
diff and tap at every gate), so zero-distance contact is not a violation."""


def _width(L: DeckLayers, r: Rule, d: int) -> list[Markers]:
    return [L[r.layer].width_check(d)]


def _space(L: DeckLayers, r: Rule, d: int) -> list[Markers]:
    if not r.other:
        return [L[r.layer].space_check(d)]
    zero = (kdb.Region.NeverIncludeZeroDistance if r.layer in TOUCH_ALLOWED
            else kdb.Region.IncludeZeroDistanceWhenTouching)
    pairs = L[r.layer].separation_check(L[r.other], d, zero_distance_mode=zero)
    return [pairs, L[r.layer] & L[r.other]]


def _enclosure(L: DeckLayers, r: Rule, d: int) -> list[Markers]:
    inner, outer = L[r.layer], L[r.other]
    markers = [inner.not_inside(outer)]
    if d > 0:
        pairs = outer.enclosing_check(inner, d)
        neighbour = BUTTING_NEIGHBOUR.get((r.layer, r.other))
        if neighbour:
            pairs = pairs.not_inside(L[neighbour].sized(d))
        markers.append(pairs)
    return markers


def _enclosure_adjacent(L: DeckLayers, r: Rule, d: int) -> list[Markers]:
    """Cuts whose enclosure is short on a horizontal and on a vertical side."""
    cut, outer = L[r.layer], L[r.other]
    short = outer.enclosing_check(cut, d, metrics=kdb.Region.Projection).second_edges()
    horizontal = short.with_angle(0, False)
    vertical = short.with_angle(90, False)
    return [cut.not_inside(outer), cut.interacting(horizontal).interacting(vertical)]


def _extension(L: DeckLayers, r: Rule, d: int) -> list[Markers]:
    # the other edges of the inner layer coincide with the outer one's: skip zero distance
    return [L[r.layer].enclosing_check(L[r.other], d,
                                       zero_distance_mode=kdb.Region.NeverIncludeZeroDistance)]


def _area(L: DeckLayers, r: Rule, d: int) -> list[Markers]:
    return [L[r.layer].with_area(None, round(r.value / L.dbu**2), False)]


def _exact(L: DeckLayers, r: Rule, d: int) -> list[Markers]:
    cut = L[r.layer]
    return [cut.non_squares(), cut.squares().with_bbox_width(d, True)]


def _grid(L: DeckLayers, r: Rule, d: int) -> list[Markers]:
    return [region.grid_check(d, d) for region in L[r.layer]]


def _angle(L: DeckLayers, r: Rule, d: int) -> list[Markers]:
    return [region.non_rectilinear() for region in L[r.layer]]


def _distance_max(L: DeckLayers, r: Rule, d: int) -> list[Markers]:
    return [L[r.layer] - L[r.other].sized(d)]


CHECKS: dict[str, Callable[[DeckLayers, Rule, int], list[Markers]]] = {
    "width": _width,
    "space": _space,
    "enclosure": _enclosure,
    "enclosure_adjacent": _enclosure_adjacent,
    "extension": _extension,
    "area": _area,
    "exact": _exact,
    "grid": _grid,
    "angle": _angle,
    "distance_max": _distance_max,
}
"""One check per rule kind; each returns the violation markers of a rule."""


def check_rule(L: DeckLayers, r: Rule) -> list[Markers]:
    """The violation markers of rule ``r`` on the layers ``L``."""
    d = 0 if r.kind == "angle" else round(r.value / L.dbu)
    return CHECKS[r.kind](L, r, d)

