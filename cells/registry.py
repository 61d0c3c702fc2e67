"""Every generator by name, with its parameters (see ``logsgd.cells.params.SPECS``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from logsgd.cells.base import Cell
from logsgd.cells.cap import cap_mim
from logsgd.cells.matched import common_centroid, current_mirror, interdigitated
from logsgd.cells.mos import nfet, pfet
from logsgd.cells.params import SPECS, CellParameterError, Param
from logsgd.cells.ring import guard_ring
from logsgd.cells.vias import via_stack

GENERATORS: dict[str, Callable[..., Cell]] = {
    "nfet": nfet,
    "pfet": pfet,
    "cap_mim": cap_mim,
    "via_stack": via_stack,
    "guard_ring": guard_ring,
    "interdigitated": interdigitated,
    "common_centroid": common_centroid,
    "current_mirror": current_mirror,
}


def generator(name: str) -> Callable[..., Cell]:
    """The generator called ``name``; CellParameterError naming the known ones."""
    if name not in GENERATORS:
        raise CellParameterError(f"unknown cell {name!r}; generators are {', '.join(GENERATORS)}")
    return GENERATORS[name]


def params_of(name: str) -> tuple[Param, ...]:
    generator(name)
    return SPECS[name]


def summary(name: str) -> str:
    """The first line of the generator's docstring."""
    return (generator(name).__doc__ or "").strip().splitlines()[0]


def build(name: str, values: dict[str, Any]) -> Cell:
    """Run generator ``name`` with ``values`` (strings from the CLI are converted and checked)."""
    known = [p.name for p in params_of(name)]
    for key in values:
        if key not in known:
            raise CellParameterError(f"{name}: unknown parameter {key!r}; parameters are {', '.join(known)}")
    return generator(name)(**values)
