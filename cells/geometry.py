"""Integer drawing helpers shared by the generators.

Generators draw in integer nanometres (the GDS database unit, 0.001 µm),
so every coordinate is exact and grid checks are integer arithmetic. Rule
values come from ``logsgd.pdk.rules`` by id through :func:`nm`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from logsgd.pdk.layers import DBU_UM, GRID_UM, LAYERS, layer
from logsgd.pdk.rules import rule

GRID = round(GRID_UM / DBU_UM)
"""The manufacturing grid in database units (nm)."""


def nm(rule_id: str) -> int:
    """The value of a length rule in nm."""
    return round(rule(rule_id) / DBU_UM)


def area_nm2(rule_id: str) -> int:
    """The value of an area rule in nm²."""
    return round(rule(rule_id) / DBU_UM**2)


def um_to_nm(value_um: float) -> int:
    return round(value_um / DBU_UM)


def grid_down(value: int) -> int:
    """``value`` (nm) rounded down to the grid."""
    return (value // GRID) * GRID


def grid_up(value: int) -> int:
    """``value`` (nm) rounded up to the grid."""
    return -((-value) // GRID) * GRID


def min_length(width: int, area_rule: str, at_least: int = 0) -> int:
    """The shortest on-grid length (nm) that gives a ``width``-wide shape the minimum area."""
    return max(at_least, grid_up(-((-area_nm2(area_rule)) // width)))


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in nm."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def w(self) -> int:
        return self.x1 - self.x0

    @property
    def h(self) -> int:
        return self.y1 - self.y0

    @property
    def cx2(self) -> int:
        """Twice the centre x (exact for odd widths)."""
        return self.x0 + self.x1

    @property
    def cy2(self) -> int:
        return self.y0 + self.y1

    def grow(self, dx: int, dy: int | None = None) -> Box:
        dy = dx if dy is None else dy
        return Box(self.x0 - dx, self.y0 - dy, self.x1 + dx, self.y1 + dy)

    def moved(self, dx: int, dy: int) -> Box:
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def union(self, other: Box) -> Box:
        return Box(min(self.x0, other.x0), min(self.y0, other.y0),
                   max(self.x1, other.x1), max(self.y1, other.y1))


def bbox_of(boxes: list[Box]) -> Box:
    out = boxes[0]
    for b in boxes[1:]:
        out = out.union(b)
    return out


def cut_starts(lo: int, hi: int, size: int, space: int) -> list[int]:
    """Start coordinates of the most cuts of ``size`` at ``space`` that fit in [lo, hi], centred on grid."""
    avail = hi - lo
    if avail < size:
        return []
    count = (avail - size) // (size + space) + 1
    span = count * size + (count - 1) * space
    first = lo + grid_down((avail - span) // 2)
    return [first + i * (size + space) for i in range(count)]


@dataclass(frozen=True)
class Pin:
    """A terminal: pin shape on ``layer``'s pin purpose with a text label naming ``net``."""

    net: str
    layer: str
    box: Box
    orientation: int


@dataclass
class Canvas:
    """Rectangles by layer name plus pins; turned into one flat gdsfactory Component."""

    shapes: dict[str, list[Box]] = field(default_factory=lambda: defaultdict(list))
    pins: list[Pin] = field(default_factory=list)

    def add(self, layer_name: str, box: Box) -> Box:
        layer(layer_name)
        if box.w <= 0 or box.h <= 0:
            raise ValueError(f"empty {layer_name} box {box}")
        self.shapes[layer_name].append(box)
        return box

    def cuts(self, cut_layer: str, area: Box, size: int, space: int) -> list[Box]:
        """A centred array of square cuts inside ``area``; returns the cuts."""
        out = []
        for y in cut_starts(area.y0, area.y1, size, space):
            for x in cut_starts(area.x0, area.x1, size, space):
                out.append(self.add(cut_layer, Box(x, y, x + size, y + size)))
        return out

    def pin(self, net: str, layer_name: str, box: Box, orientation: int) -> None:
        self.pins.append(Pin(net, layer_name, box, orientation))

    def bbox(self, layers: tuple[str, ...] | None = None) -> Box:
        boxes = [b for name, bs in self.shapes.items() if layers is None or name in layers for b in bs]
        return bbox_of(boxes)

    def extend(self, other: Canvas, dx: int = 0, dy: int = 0) -> None:
        """Copy ``other``'s shapes and pins, moved by (dx, dy)."""
        for name, boxes in other.shapes.items():
            self.shapes[name].extend(b.moved(dx, dy) for b in boxes)
        for p in other.pins:
            self.pins.append(Pin(p.net, p.layer, p.box.moved(dx, dy), p.orientation))

    def off_grid(self) -> list[tuple[str, Box]]:
        """Shapes with a coordinate off the manufacturing grid (should be none)."""
        return [(name, b) for name, bs in self.shapes.items() for b in bs
                if any(v % GRID for v in (b.x0, b.y0, b.x1, b.y1))]

    def to_component(self, name: str):
        """A flat gdsfactory Component named ``name``: merged shapes, pins, labels and ports."""
        import gdsfactory as gf
        import klayout.db as kdb

        from logsgd.cells.sky130pdk import activate

        activate()
        bad = self.off_grid()
        if bad:
            raise ValueError(f"{name}: off-grid shapes {bad[:3]}")
        component = gf.Component(name=name)
        kcl = component.kcl
        for layer_name in LAYERS:
            boxes = self.shapes.get(layer_name)
            if not boxes:
                continue
            region = kdb.Region()
            for b in boxes:
                region.insert(kdb.Box(b.x0, b.y0, b.x1, b.y1))
            component.shapes(kcl.layer(*LAYERS[layer_name].draw)).insert(region.merged())
        for p in self.pins:
            spec = LAYERS[p.layer]
            component.shapes(kcl.layer(*spec.pin_ld)).insert(kdb.Box(p.box.x0, p.box.y0, p.box.x1, p.box.y1))
            # ports need an even width in dbu; keep the centre on the grid too
            w_even, h_even = p.box.w - p.box.w % (2 * GRID), p.box.h - p.box.h % (2 * GRID)
            cx, cy = p.box.x0 + w_even // 2, p.box.y0 + h_even // 2
            component.shapes(kcl.layer(*spec.label_ld)).insert(kdb.Text(p.net, kdb.Trans(cx, cy)))
            component.add_port(
                name=p.net,
                center=(cx * DBU_UM, cy * DBU_UM),
                width=(h_even if p.orientation in (0, 180) else w_even) * DBU_UM,
                orientation=p.orientation,
                layer=spec.draw,
                port_type="electrical",
            )
        return component
