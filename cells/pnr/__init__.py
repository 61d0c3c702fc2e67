"""Place and route: a DRC- and LVS-clean layout from a SPICE subcircuit hierarchy of SKY130 devices.

:func:`layout_from_spice` is the entry point; see ``logsgd.cells.pnr.layout``.
"""

from logsgd.cells.pnr.layout import layout_from_spice
from logsgd.cells.pnr.netlist import FlatNetlist, NetlistError, flat_netlist

__all__ = ["FlatNetlist", "NetlistError", "flat_netlist", "layout_from_spice"]
