"""Finishing a drawn row into a cell: pins on the tracks, the body tap, the n-well."""

from __future__ import annotations

from logsgd.cells.base import Finger
from logsgd.cells.geometry import DBU_UM, Box, Canvas
from logsgd.cells.ring import RING_GAP, STRAP_W, TAP_W, add_nwell, draw_ring, draw_tap_strip
from logsgd.cells.row import TRACK_END, TRACK_H, TRACK_SPACE, VIA, Track
from logsgd.pdk.models import device


def pin_tracks(canvas: Canvas, tracks: list[Track], nets: tuple[str, ...]) -> None:
    """A pin at the right end of the first track of each of ``nets``."""
    done: set[str] = set()
    for t in tracks:
        if t.net in nets and t.net not in done:
            canvas.pin(t.net, t.layer, Box(t.box.x1 - TRACK_H, t.box.y0, t.box.x1, t.box.y1), 0)
            done.add(t.net)


def add_body(canvas: Canvas, model: str, ring: bool, bulk: str, bulk_tracks: list[Track]) -> None:
    """The bulk tap (ring round everything, or a strip below), bulk tracks tied to it, and the n-well.

    ``bulk_tracks`` (met2) are joined to the ring's left side by a via; they
    only occur with a ring.
    """
    kind = "ntap" if device(model).polarity == "p" else "ptap"
    if ring:
        drawn = draw_ring(canvas, canvas.bbox().grow(RING_GAP), kind, bulk)
        x = (drawn.m1_left.x0 + drawn.m1_left.x1) // 2
        for t in bulk_tracks:
            cy = (t.box.y0 + t.box.y1) // 2
            canvas.add("met2", Box(x - VIA // 2 - TRACK_END, t.box.y0, t.box.x0 + TRACK_H, t.box.y1))
            canvas.add("via", Box(x - VIA // 2, cy - VIA // 2, x + VIA // 2, cy + VIA // 2))
    else:
        if bulk_tracks:
            raise ValueError("bulk tracks need a ring")
        metal = canvas.bbox(("met1", "met2"))
        top = metal.y0 - TRACK_SPACE + (TAP_W - STRAP_W) // 2
        draw_tap_strip(canvas, metal.x0, metal.x1, top, kind, bulk)
    if kind == "ntap":
        add_nwell(canvas)


def fingers_um(fingers: list[tuple[str, int, int]], dx: int = 0, dy: int = 0) -> tuple[Finger, ...]:
    """Gate centres (tag, 2·x, 2·y in nm) as Finger records in µm."""
    return tuple(Finger(tag, (x2 / 2 + dx) * DBU_UM, (y2 / 2 + dy) * DBU_UM) for tag, x2, y2 in fingers)
