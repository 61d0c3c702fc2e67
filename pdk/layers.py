"""SKY130 layers the project draws, by GDS layer/datatype.

Every generator, check and extractor refers to layers by these names; the
GDS numbers live here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

GRID_UM = 0.005
"""Manufacturing grid of SKY130, in µm."""

DBU_UM = 0.001
"""GDS database unit the project writes, in µm."""


@dataclass(frozen=True)
class Layer:
    """One SKY130 mask layer with its drawing, pin and label purposes."""

    name: str
    layer: int
    drawing: int = 20
    pin: int | None = None
    label: int | None = None

    @property
    def draw(self) -> tuple[int, int]:
        return (self.layer, self.drawing)

    @property
    def pin_ld(self) -> tuple[int, int]:
        if self.pin is None:
            raise KeyError(f"layer {self.name} has no pin purpose")
        return (self.layer, self.pin)

    @property
    def label_ld(self) -> tuple[int, int]:
        if self.label is None:
            raise KeyError(f"layer {self.name} has no label purpose")
        return (self.layer, self.label)


_LAYERS = (
    Layer("nwell", 64, 20, pin=16, label=5),
    Layer("pwell", 64, 44, label=59),
    Layer("dnwell", 64, 18),
    Layer("diff", 65, 20, pin=16, label=6),
    Layer("tap", 65, 44, pin=48, label=5),
    Layer("poly", 66, 20, pin=16, label=5),
    Layer("licon1", 66, 44),
    Layer("npc", 95, 20),
    Layer("nsdm", 93, 44),
    Layer("psdm", 94, 20),
    Layer("lvtn", 125, 44),
    Layer("li1", 67, 20, pin=16, label=5),
    Layer("mcon", 67, 44),
    Layer("met1", 68, 20, pin=16, label=5),
    Layer("via", 68, 44),
    Layer("met2", 69, 20, pin=16, label=5),
    Layer("via2", 69, 44),
    Layer("met3", 70, 20, pin=16, label=5),
    Layer("via3", 70, 44),
    Layer("met4", 71, 20, pin=16, label=5),
    Layer("capm", 89, 44),
    Layer("prboundary", 235, 4),
)

LAYERS: dict[str, Layer] = {layer.name: layer for layer in _LAYERS}

METAL_STACK: tuple[str, ...] = ("li1", "met1", "met2", "met3", "met4")
"""Routing layers from bottom to top."""

CUT_BETWEEN: dict[tuple[str, str], str] = {
    ("li1", "met1"): "mcon",
    ("met1", "met2"): "via",
    ("met2", "met3"): "via2",
    ("met3", "met4"): "via3",
}
"""The cut layer joining each pair of adjacent routing layers."""


def layer(name: str) -> Layer:
    """The layer called ``name``; raises KeyError naming the known layers."""
    try:
        return LAYERS[name]
    except KeyError:
        known = ", ".join(LAYERS)
        raise KeyError(f"unknown layer {name!r}; known: {known}") from None


def on_grid(value_um: float) -> bool:
    """True when ``value_um`` lies on the 0.005 µm manufacturing grid."""
    steps = value_um / GRID_UM
    return abs(steps - round(steps)) < 1e-6


def snap(value_um: float) -> float:
    """``value_um`` rounded to the nearest grid point."""
    return round(round(value_um / GRID_UM) * GRID_UM, 6)
