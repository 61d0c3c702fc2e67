"""SKY130 periphery design rules, keyed by the rule id SkyWater uses.

Values are in µm (µm² for areas) and come from the SkyWater SKY130
periphery rule tables (docs/rules/periphery-rules.rst of the skywater-pdk
documentation). Generators and the DRC deck read rules from here only, by
id: ``rule("poly.8")``.

Rule kinds:

- ``width``: minimum width of ``layer``.
- ``space``: minimum spacing between shapes of ``layer`` (or from ``layer``
  to ``other``).
- ``enclosure``: minimum enclosure of ``layer`` (the inner shape) by
  ``other`` (the outer shape).
- ``enclosure_adjacent``: ``other`` encloses ``layer`` by at least the value
  on one of every two adjacent sides.
- ``extension``: ``layer`` extends past ``other`` by at least the value.
- ``area``: minimum area of ``layer``.
- ``exact``: ``layer`` shapes are squares of exactly the value.
- ``grid``: all vertices on a grid of the value.
- ``angle``: only Manhattan edges on the listed layers.
- ``distance_max``: every ``layer`` shape lies within the value of ``other``.

The layer names in a rule are the DRC deck's derived layers (see
``logsgd.flow.drc_deck``), for example ``ndiff``, ``gate`` or ``poly_licon``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One design rule: id, kind, value and the layers it relates."""

    id: str
    kind: str
    value: float
    layer: str
    other: str = ""
    description: str = ""

    @property
    def unit(self) -> str:
        if self.kind == "area":
            return "µm²"
        if self.kind == "angle":
            return "°"
        return "µm"


def _r(rule_id: str, kind: str, value: float, layer: str, other: str, text: str) -> Rule:
    return Rule(rule_id, kind, value, layer, other, text)


_RULES = (
    # diff/tap
    _r("difftap.1", "width", 0.15, "difftap", "", "Width of diff or tap"),
    _r("difftap.2", "width", 0.42, "gate_w", "", "Minimum channel width (diff and poly)"),
    _r("difftap.3", "space", 0.27, "difftap", "", "Spacing of diff to diff, tap to tap, or non-abutting diff to tap"),
    _r("difftap.8", "enclosure", 0.18, "pdiff", "nwell", "Enclosure of (p+) diffusion by n-well"),
    _r("difftap.9", "space", 0.34, "ndiff", "nwell", "Spacing of (n+) diffusion to n-well"),
    _r("difftap.10", "enclosure", 0.18, "ntap", "nwell", "Enclosure of (n+) tap by n-well"),
    _r("difftap.11", "space", 0.13, "ptap", "nwell", "Spacing of (p+) tap to n-well"),
    # nwell
    _r("nwell.1", "width", 0.84, "nwell", "", "Width of n-well"),
    _r("nwell.2a", "space", 1.27, "nwell", "", "Spacing between two n-wells"),
    # poly
    _r("poly.1a", "width", 0.15, "poly", "", "Width of poly"),
    _r("poly.1b", "width", 0.35, "pgate_lvt_l", "", "Minimum channel length of a pfet overlapping lvtn"),
    _r("poly.2", "space", 0.21, "poly", "", "Spacing of poly to poly"),
    _r("poly.4", "space", 0.075, "poly_field", "diff", "Spacing of poly on field to diff"),
    _r("poly.5", "space", 0.055, "poly_field", "tap", "Spacing of poly on field to tap"),
    _r("poly.7", "extension", 0.25, "diff", "gate", "Extension of diff beyond poly (min drain)"),
    _r("poly.8", "extension", 0.13, "poly", "gate", "Extension of poly beyond diffusion (endcap)"),
    # npc
    _r("npc.1", "width", 0.27, "npc", "", "Minimum width of NPC"),
    _r("npc.2", "space", 0.27, "npc", "", "Minimum spacing of NPC to NPC"),
    _r("npc.4", "space", 0.09, "npc", "gate", "Spacing (no overlap) of NPC to gate"),
    # nsdm / psdm
    _r("nsd.1", "width", 0.38, "nsdm", "", "Width of nsdm"),
    _r("psd.1", "width", 0.38, "psdm", "", "Width of psdm"),
    _r("nsd.2", "space", 0.38, "nsdm", "", "Spacing of nsdm to nsdm"),
    _r("psd.2", "space", 0.38, "psdm", "", "Spacing of psdm to psdm"),
    _r("nsd.5a", "enclosure", 0.125, "ndiff", "nsdm", "Enclosure of diff by nsdm, except for butting edge"),
    _r("psd.5a", "enclosure", 0.125, "pdiff", "psdm", "Enclosure of diff by psdm, except for butting edge"),
    _r("nsd.5b", "enclosure", 0.125, "ntap", "nsdm", "Enclosure of tap by nsdm, except for butting edge"),
    _r("psd.5b", "enclosure", 0.125, "ptap", "psdm", "Enclosure of tap by psdm, except for butting edge"),
    _r("nsd.10a", "area", 0.265, "nsdm", "", "Minimum area of nsdm"),
    _r("psd.10b", "area", 0.255, "psdm", "", "Minimum area of psdm"),
    # licon
    _r("licon.1", "exact", 0.17, "licon1", "", "Minimum and maximum L and W of licon"),
    _r("licon.2", "space", 0.17, "licon1", "", "Spacing of licon to licon"),
    _r("licon.5a", "enclosure", 0.04, "diff_licon", "diff", "Enclosure of licon by diff"),
    _r("licon.5c", "enclosure_adjacent", 0.06, "diff_licon", "diff", "Enclosure of licon by diff on one of two adjacent sides"),
    _r("licon.7", "enclosure_adjacent", 0.12, "tap_licon", "tap", "Enclosure of licon by one of two adjacent edges of isolated tap"),
    _r("licon.8", "enclosure", 0.05, "poly_licon", "poly", "Enclosure of poly_licon by poly"),
    _r("licon.8a", "enclosure_adjacent", 0.08, "poly_licon", "poly", "Enclosure of poly_licon by poly on one of two adjacent sides"),
    _r("licon.9", "space", 0.11, "poly_licon", "psdm", "Spacing, no overlap, between poly_licon and psdm"),
    _r("licon.11", "space", 0.055, "difftap_licon", "gate", "Spacing of licon on diff or tap to poly on diff"),
    _r("licon.14", "space", 0.19, "poly_licon", "difftap", "Spacing of poly_licon to diff or tap"),
    _r("licon.15", "enclosure", 0.10, "poly_licon", "npc", "poly_licon must be enclosed by npc by"),
    # lvtn
    _r("lvtn.1a", "width", 0.38, "lvtn", "", "Minimum width of lvtn"),
    _r("lvtn.2", "space", 0.38, "lvtn", "", "Minimum spacing of lvtn to lvtn"),
    _r("lvtn.13", "area", 0.265, "lvtn", "", "Minimum area of lvtn"),
    # li1
    _r("li.1", "width", 0.17, "li1", "", "Width of li1"),
    _r("li.3", "space", 0.17, "li1", "", "Spacing of li1 to li1"),
    _r("li.5", "enclosure_adjacent", 0.08, "licon1", "li1", "Enclosure of licon by one of two adjacent li1 sides"),
    _r("li.6", "area", 0.0561, "li1", "", "Minimum area of li1"),
    # mcon
    _r("ct.1", "exact", 0.17, "mcon", "", "Minimum and maximum L and W of mcon"),
    _r("ct.2", "space", 0.19, "mcon", "", "Spacing of mcon to mcon"),
    _r("ct.4", "enclosure", 0.0, "mcon", "li1", "mcon must be enclosed by li1"),
    # met1
    _r("m1.1", "width", 0.14, "met1", "", "Width of met1"),
    _r("m1.2", "space", 0.14, "met1", "", "Spacing of met1 to met1"),
    _r("m1.4", "enclosure", 0.03, "mcon", "met1", "mcon must be enclosed by met1 by"),
    _r("m1.5", "enclosure_adjacent", 0.06, "mcon", "met1", "mcon must be enclosed by met1 on one of two adjacent sides by"),
    _r("m1.6", "area", 0.083, "met1", "", "Minimum met1 area"),
    # via
    _r("via.1a", "exact", 0.15, "via", "", "Minimum and maximum L and W of via"),
    _r("via.2", "space", 0.17, "via", "", "Spacing of via to via"),
    _r("via.4a", "enclosure", 0.055, "via", "met1", "0.150 µm via must be enclosed by met1 by"),
    _r("via.5a", "enclosure_adjacent", 0.085, "via", "met1", "0.150 µm via must be enclosed by met1 on one of two adjacent sides by"),
    # met2
    _r("m2.1", "width", 0.14, "met2", "", "Width of met2"),
    _r("m2.2", "space", 0.14, "met2", "", "Spacing of met2 to met2"),
    _r("m2.4", "enclosure", 0.055, "via", "met2", "via must be enclosed by met2 by"),
    _r("m2.5", "enclosure_adjacent", 0.085, "via", "met2", "via must be enclosed by met2 on one of two adjacent sides by"),
    _r("m2.6", "area", 0.0676, "met2", "", "Minimum met2 area"),
    # via2
    _r("via2.1a", "exact", 0.20, "via2", "", "Minimum and maximum L and W of via2"),
    _r("via2.2", "space", 0.20, "via2", "", "Spacing of via2 to via2"),
    _r("via2.4", "enclosure", 0.04, "via2", "met2", "via2 must be enclosed by met2 by"),
    _r("via2.5", "enclosure_adjacent", 0.085, "via2", "met2", "via2 must be enclosed by met2 on one of two adjacent sides by"),
    # met3
    _r("m3.1", "width", 0.30, "met3", "", "Width of met3"),
    _r("m3.2", "space", 0.30, "met3", "", "Spacing of met3 to met3"),
    _r("m3.4", "enclosure", 0.065, "via2", "met3", "via2 must be enclosed by met3 by"),
    _r("m3.6", "area", 0.24, "met3", "", "Minimum met3 area"),
    # via3
    _r("via3.1", "exact", 0.20, "via3", "", "Minimum and maximum L and W of via3"),
    _r("via3.2", "space", 0.20, "via3", "", "Spacing of via3 to via3"),
    _r("via3.4", "enclosure", 0.06, "via3", "met3_or_capm", "via3 must be enclosed by met3 by"),
    _r("via3.5", "enclosure_adjacent", 0.09, "via3", "met3_or_capm", "via3 must be enclosed by met3 on one of two adjacent sides by"),
    # met4
    _r("m4.1", "width", 0.30, "met4", "", "Minimum width of met4"),
    _r("m4.2", "space", 0.30, "met4", "", "Minimum spacing between two met4"),
    _r("m4.3", "enclosure", 0.065, "via3", "met4", "via3 must be enclosed by met4 by"),
    _r("m4.4a", "area", 0.24, "met4", "", "Minimum area of met4"),
    # capm (MIM capacitor between met3 and capm)
    _r("capm.1", "width", 1.0, "capm", "", "Minimum width of capm"),
    _r("capm.2a", "space", 0.84, "capm", "", "Minimum spacing of capm to capm"),
    _r("capm.3", "enclosure", 0.14, "capm", "met3", "Minimum enclosure of capm (top plate) by met3"),
    _r("capm.4", "enclosure", 0.14, "via3_on_capm", "capm", "Minimum enclosure of via3 by capm"),
    _r("capm.5", "space", 0.14, "capm", "via3_off_capm", "Minimum spacing between capm and via3"),
    _r("capm.8", "space", 0.14, "via2", "capm", "Minimum space, no overlap, between via2 and capm"),
    _r("capm.11", "space", 0.50, "capm", "met3_off_capm", "Minimum spacing between capm and met3 not overlapping capm"),
    # whole-layout rules
    _r("x.1b", "grid", 0.005, "all", "", "Layout data on all layers must be on a grid of 0.005 µm"),
    _r("x.2", "angle", 90.0, "manhattan", "", "Only n x 90° angles on diff, tap, poly, li1, licon1, capm, mcon, via, via2, via3"),
    _r("LU.2", "distance_max", 15.0, "ndiff", "ptap", "N-diff distance to P-tap must be below 15 µm"),
    _r("LU.3", "distance_max", 15.0, "pdiff", "ntap", "P-diff distance to N-tap must be below 15 µm"),
)

RULES: dict[str, Rule] = {r.id: r for r in _RULES}

_GENERATOR_RULES = (
    # Rules on layers the built-in deck does not derive yet (an lvt gate); the
    # generators draw to them, the deck does not check them.
    _r("lvtn.4b", "enclosure", 0.18, "lvt_gate", "lvtn", "Minimum enclosure of gate by lvtn"),
    _r("lvtn.10", "enclosure", 0.38, "lvtn", "nwell", "Minimum enclosure of lvtn by nwell (except coincident edges)"),
)

GENERATOR_RULES: dict[str, Rule] = {r.id: r for r in _GENERATOR_RULES}
"""Published rules the generators follow that ``RULES`` (the checked set) leaves out."""

MANHATTAN_LAYERS: tuple[str, ...] = (
    "diff", "tap", "poly", "li1", "licon1", "capm", "mcon", "via", "via2", "via3",
)
"""Layers on which rule x.2 forbids non-Manhattan edges."""


def rule(rule_id: str) -> float:
    """The value of SKY130 rule ``rule_id`` in µm (µm² for area rules)."""
    try:
        return (RULES.get(rule_id) or GENERATOR_RULES[rule_id]).value
    except KeyError:
        raise KeyError(f"unknown SKY130 rule id {rule_id!r}") from None
