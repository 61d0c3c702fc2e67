"""The layout of the N-feature log-domain SGDr array, from the same parameters as its schematic."""

from __future__ import annotations

from logsgd.cells.base import Cell
from logsgd.cells.logdomain import SgdrDesign, sgdr_array
from logsgd.cells.logdomain.array import WEIGHT_CELL
from logsgd.cells.pnr import layout_from_spice

TOP = "sgdr_array"


def sgdr_array_cell(n_features: int, design: SgdrDesign | None = None, name: str = TOP) -> Cell:
    """``sgdr_array`` with ``n_features`` weights, laid out by ``logsgd.cells.pnr``.

    The Cell's ``spice`` is the schematic of ``logsgd.cells.logdomain`` for
    the same parameters, its ports the array's pins, and ``name`` names both
    the subcircuit and the GDS cell (a previous layout of that name in this
    process is replaced). The weight cell ``ld_weight`` is laid out once and
    placed ``n_features`` times; the shared error and bias blocks and the
    weight capacitors are placed once each at the top level.

    Each capacitor node (``vc`` in the weight cell, ``vc_k`` at the top)
    runs between ground tracks: beside the input ``x3``, ``vc_3`` took 33 fF
    from it, and each input step kicked the weight by 8e-4.
    """
    capacitor_nodes = ("vc", *(f"vc_{i}" for i in range(1, n_features + 1)))
    return layout_from_spice(sgdr_array(n_features, design, name), name, blocks=(WEIGHT_CELL,),
                             shielded=capacitor_nodes)
