"""SPICE subcircuit text for generated cells, in the units the SKY130 library expects.

The library sets ``.option scale=1.0u``, so W and L are written in µm;
``w`` is the total width of all fingers and ``nf`` the finger count.
"""

from __future__ import annotations

from dataclasses import dataclass

from logsgd.pdk.models import device


def fmt(value: float) -> str:
    """A number in µm for a netlist: up to 4 decimals, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class Instance:
    """One subcircuit call: ``X<name> nets... model key=value...``."""

    name: str
    nets: tuple[str, ...]
    model: str
    params: tuple[tuple[str, float | int], ...]

    def line(self) -> str:
        values = " ".join(f"{k}={fmt(v) if isinstance(v, float) else v}" for k, v in self.params)
        return f"X{self.name} {' '.join(self.nets)} {self.model} {values}"


def mos(name: str, d: str, g: str, s: str, b: str, model: str, w_um: float, l_um: float, nf: int) -> Instance:
    """A SKY130 transistor of ``nf`` fingers, each ``w_um`` wide (total width w_um*nf)."""
    return Instance(name, (d, g, s, b), device(model).model,
                    (("w", round(w_um * nf, 6)), ("l", l_um), ("nf", nf)))


def mim(name: str, top: str, bottom: str, w_um: float, l_um: float) -> Instance:
    """A ``sky130_fd_pr__cap_mim_m3_1``: c0 is the top plate (capm/met4), c1 the met3 bottom plate."""
    return Instance(name, (top, bottom), "sky130_fd_pr__cap_mim_m3_1", (("w", w_um), ("l", l_um)))


def subckt(name: str, ports: tuple[str, ...], instances: list[Instance], title: str) -> str:
    """The ``.subckt`` ... ``.ends`` text with a comment line naming what it is."""
    lines = [f"* {title}", f".subckt {name} {' '.join(ports)}"]
    lines += [inst.line() for inst in instances]
    lines += [f".ends {name}", ""]
    return "\n".join(lines)
