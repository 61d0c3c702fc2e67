"""SKY130 interconnect capacitance and sheet resistance coefficients (nominal corner).

Source of every figure: the extraction section of the magic technology file
for SKY130 in open_pdks (github.com/RTimothyEdwards/open_pdks,
``sky130/magic/sky130.tech``, "Nominal capacitances" variant and nominal
resistances, non-ReRAM stack), which states that its values are
taken from SkyWater's PEX/xRC capacitance models. Units there are aF/µm²
for area and overlap capacitance and aF/µm for perimeter (fringe)
capacitance; here they are converted to F/µm² and F/µm.

- ``AREA_F_PER_UM2[layer]``: plate capacitance to substrate (``defaultareacap``).
- ``FRINGE_F_PER_UM[layer]``: edge (fringe) capacitance to substrate per µm
  of perimeter (``defaultperimeter``).
- ``OVERLAP_F_PER_UM2[(upper, lower)]``: capacitance per µm² where ``upper``
  lies over ``lower`` (``defaultoverlap``); the part of ``upper`` shielded
  by ``lower`` does not see the substrate.
- ``SIDE_OVERLAP_F_PER_UM[(upper, lower)]``: fringe from an edge of
  ``upper`` that lies over ``lower``, per µm of edge (``defaultsideoverlap``);
  such an edge couples to ``lower`` instead of the substrate.
- ``SIDEWALL[layer]``: lateral coupling between parallel edges on the same
  layer, ``C = k_F * run_length_um / (spacing_um + offset_um)``
  (``defaultsidewall``: value in aF·µm/µm and its distance offset).
- ``SHEET_OHM[layer]``: sheet resistance in Ω/□ (``resist`` lines of the
  same file, given there in mΩ/□).
- ``CUT_OHM[cut]``: resistance of one minimum-size cut in Ω (``contact``
  lines of the same file, in mΩ per cut: ndc/pdc for licon on n/p
  diffusion, mcon, m2c for via, m3c for via2, via3).

Diffusion is left out: its junction capacitance belongs to the device
models (AS/AD/PS/PD).
"""

from __future__ import annotations

from dataclasses import dataclass

from .rules import rule

AF = 1e-18
"""One attofarad in F."""

CONDUCTORS: tuple[str, ...] = ("poly", "li1", "met1", "met2", "met3", "met4")
"""Interconnect layers that carry parasitic capacitance, bottom to top."""

AREA_F_PER_UM2: dict[str, float] = {
    "poly": 106.13 * AF,
    "li1": 36.99 * AF,
    "met1": 25.78 * AF,
    "met2": 17.5 * AF,
    "met3": 12.37 * AF,
    "met4": 8.42 * AF,
}

FRINGE_F_PER_UM: dict[str, float] = {
    "poly": 55.27 * AF,
    "li1": 40.70 * AF,
    "met1": 40.57 * AF,
    "met2": 37.76 * AF,
    "met3": 40.99 * AF,
    "met4": 36.68 * AF,
}

OVERLAP_F_PER_UM2: dict[tuple[str, str], float] = {
    ("li1", "poly"): 94.16 * AF,
    ("met1", "poly"): 44.81 * AF,
    ("met1", "li1"): 114.20 * AF,
    ("met2", "poly"): 24.50 * AF,
    ("met2", "li1"): 37.56 * AF,
    ("met2", "met1"): 133.86 * AF,
    ("met3", "poly"): 16.06 * AF,
    ("met3", "li1"): 20.79 * AF,
    ("met3", "met1"): 34.54 * AF,
    ("met3", "met2"): 86.19 * AF,
    ("met4", "poly"): 10.01 * AF,
    ("met4", "li1"): 11.67 * AF,
    ("met4", "met1"): 15.03 * AF,
    ("met4", "met2"): 20.33 * AF,
    ("met4", "met3"): 84.03 * AF,
}


SIDE_OVERLAP_F_PER_UM: dict[tuple[str, str], float] = {
    ("li1", "poly"): 51.85 * AF,
    ("met1", "poly"): 46.72 * AF,
    ("met1", "li1"): 59.50 * AF,
    ("met2", "poly"): 41.22 * AF,
    ("met2", "li1"): 46.28 * AF,
    ("met2", "met1"): 67.05 * AF,
    ("met3", "poly"): 43.53 * AF,
    ("met3", "li1"): 46.71 * AF,
    ("met3", "met1"): 54.81 * AF,
    ("met3", "met2"): 69.85 * AF,
    ("met4", "poly"): 38.11 * AF,
    ("met4", "li1"): 39.71 * AF,
    ("met4", "met1"): 42.56 * AF,
    ("met4", "met2"): 46.38 * AF,
    ("met4", "met3"): 70.52 * AF,
}


@dataclass(frozen=True)
class Sidewall:
    """Lateral coupling ``k_F * run_um / (spacing_um + offset_um)`` on one layer."""

    k_F: float
    offset_um: float

    def cap_F(self, run_um: float, spacing_um: float) -> float:
        return self.k_F * run_um / (spacing_um + self.offset_um)


SIDEWALL: dict[str, Sidewall] = {
    "poly": Sidewall(16.0 * AF, 0.0),
    "li1": Sidewall(25.5 * AF, 0.14),
    "met1": Sidewall(44.0 * AF, 0.25),
    "met2": Sidewall(50.0 * AF, 0.3),
    "met3": Sidewall(74.0 * AF, 0.40),
    "met4": Sidewall(94.0 * AF, 0.57),
}

LATERAL_RANGE_UM = 2.0
"""Parallel edges farther apart than this are not coupled; at this spacing
the met1 sidewall term is down to a sixth of its minimum-spacing value."""

SHEET_OHM: dict[str, float] = {
    "poly": 48.2,
    "li1": 12.8,
    "met1": 0.125,
    "met2": 0.125,
    "met3": 0.047,
    "met4": 0.047,
}


CUT_OHM: dict[str, float] = {
    "licon_ndiff": 185.0,
    "licon_pdiff": 585.0,
    "mcon": 9.3,
    "via": 4.5,
    "via2": 3.41,
    "via3": 3.41,
}

CUT_SIZE_RULE: dict[str, str] = {
    "licon_ndiff": "licon.1",
    "licon_pdiff": "licon.1",
    "mcon": "ct.1",
    "via": "via.1a",
    "via2": "via2.1a",
    "via3": "via3.1",
}
"""The rule id giving each cut's (square) size, to turn CUT_OHM into Ω·µm²."""


def cut_area_ohm_um2(cut: str) -> float:
    """Area-specific resistance of ``cut`` in Ω·µm² (one minimum cut's Ω times its area)."""
    size = rule(CUT_SIZE_RULE[cut])
    return CUT_OHM[cut] * size * size


def plate_cap_F(layer: str, area_um2: float, perimeter_um: float) -> float:
    """Capacitance to substrate of an isolated plate on ``layer`` (area plus fringe)."""
    return AREA_F_PER_UM2[layer] * area_um2 + FRINGE_F_PER_UM[layer] * perimeter_um
