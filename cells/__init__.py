"""Layout and schematic generators for SKY130 devices and matched structures.

Each generator returns a :class:`Cell`: a gdsfactory Component with a port
per terminal, the SPICE subcircuit from the same parameters, the port order
and a deterministic name.
"""

from logsgd.cells.base import Cell, Finger
from logsgd.cells.cap import cap_mim
from logsgd.cells.matched import common_centroid, current_mirror, interdigitated
from logsgd.cells.mos import nfet, pfet
from logsgd.cells.params import CellParameterError
from logsgd.cells.ring import guard_ring
from logsgd.cells.vias import via_stack

__all__ = [
    "Cell",
    "CellParameterError",
    "Finger",
    "cap_mim",
    "common_centroid",
    "current_mirror",
    "guard_ring",
    "interdigitated",
    "nfet",
    "pfet",
    "via_stack",
]
