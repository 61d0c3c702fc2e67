"""Schematic generators for the log-domain SGDr circuit (SPICE subcircuit text).

The top cell is :func:`sgdr_array`. Every block is a ``.subckt`` built only
from devices the layout generators draw: ``sky130_fd_pr__nfet_01v8``,
``sky130_fd_pr__pfet_01v8`` and ``sky130_fd_pr__cap_mim_m3_1``.
"""

from .array import sgdr_array, sgdr_pins
from .blocks import (
    bias_cascodes,
    integrator,
    nmos_diode,
    pmos_mirror,
    tl_muldiv,
)
from .design import SgdrDesign, transistor_count

__all__ = [
    "SgdrDesign",
    "bias_cascodes",
    "integrator",
    "nmos_diode",
    "pmos_mirror",
    "sgdr_array",
    "sgdr_pins",
    "tl_muldiv",
    "transistor_count",
]
