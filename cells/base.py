"""The result every generator returns: layout, SPICE subcircuit and ports from one set of parameters."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Finger:
    """One transistor gate in a layout: the device it belongs to and its centre (µm)."""

    device: str
    x_um: float
    y_um: float


@dataclass(frozen=True)
class Cell:
    """A generated cell.

    ``component`` is a flat gdsfactory Component with one port per
    terminal; ``spice`` is a ``.subckt name ports...`` text with SKY130
    device calls; ``ports`` lists the subcircuit terminals in order;
    ``name`` is the GDS cell and subcircuit name, a function of the
    parameters only. ``fingers`` holds every gate's centre, for matching
    checks.
    """

    name: str
    component: Any = field(repr=False, compare=False)
    spice: str = field(repr=False)
    ports: tuple[str, ...]
    params: dict[str, Any] = field(compare=False)
    fingers: tuple[Finger, ...] = field(default=(), repr=False)

    def write(self, out_dir: str | os.PathLike) -> tuple[Path, Path]:
        """Write ``out_dir/<name>.gds`` and ``out_dir/<name>.spice``; returns both paths."""
        from logsgd.flow.files import write_gds, write_text

        out = Path(out_dir)
        gds = write_gds(self.component, out / f"{self.name}.gds")
        spice = write_text(out / f"{self.name}.spice", self.spice)
        return gds, spice

    def centroid(self, device: str) -> tuple[float, float]:
        """Mean gate centre (x, y) in µm of the fingers of ``device``."""
        points = [(f.x_um, f.y_um) for f in self.fingers if f.device == device]
        if not points:
            raise KeyError(f"{self.name} has no fingers of device {device!r}")
        return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


_CELLS: dict[str, Cell] = {}


def cached(name: str, build: Callable[[], Cell]) -> Cell:
    """The cell called ``name``, built once per process.

    gdsfactory keeps one cell per name, and a name is a function of the
    parameters, so the same parameters return the same Cell.
    """
    if name not in _CELLS:
        _CELLS[name] = build()
    return _CELLS[name]


def forget(name: str) -> None:
    """Drop the cell called ``name`` so that the next call builds it afresh."""
    cell = _CELLS.pop(name, None)
    if cell is not None:
        cell.component.delete()
