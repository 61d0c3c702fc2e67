"""PNG pictures of layouts through ``klayout.lay.LayoutView`` in SKY130 layer colours."""

from __future__ import annotations

import os
from pathlib import Path

from logsgd.flow.files import atomic_path, require_file
from logsgd.pdk.errors import LogsgdError
from logsgd.pdk.layers import LAYERS

STYLE: dict[str, tuple[int, int]] = {
    # layer name: (RGB colour, KLayout dither pattern index)
    "nwell": (0x9B9B3C, 5),
    "dnwell": (0x6E6E2A, 5),
    "diff": (0x2EA043, 2),
    "tap": (0x1E7E34, 2),
    "poly": (0xD62728, 2),
    "npc": (0xB08CD8, 9),
    "nsdm": (0x7FBF7F, 12),
    "psdm": (0xE0A040, 12),
    "lvtn": (0x8C564B, 14),
    "licon1": (0x202020, 1),
    "li1": (0x7F5FBF, 3),
    "mcon": (0x404040, 1),
    "met1": (0x1F77B4, 4),
    "via": (0x0B3C5D, 1),
    "met2": (0xE377C2, 9),
    "via2": (0x5C1F45, 1),
    "met3": (0x17BECF, 8),
    "via3": (0x0C5F68, 1),
    "met4": (0xFF7F0E, 10),
    "capm": (0xBCBD22, 6),
}
"""Fill colour and stipple of each drawn layer; pins and labels are drawn as outlines."""

UNDRAWN_LAYERS = ("pwell", "prboundary")
"""Layers not shown in the pictures."""


def render_png(gds: str | os.PathLike, png: str | os.PathLike, width_px: int = 1200,
               height_px: int = 900, cell: str | None = None) -> Path:
    """Render ``cell`` (default: the top cell) of ``gds`` to ``png``; returns the PNG path."""
    import klayout.lay as lay

    source = require_file(gds, "GDS file")
    view = lay.LayoutView()
    view.set_config("background-color", "#ffffff")
    view.set_config("grid-visible", "false")
    view.set_config("text-color", "#000000")
    view.set_config("default-text-size", "0.2")
    view.set_config("text-font", "0")
    try:
        index = view.load_layout(str(source), False)
    except RuntimeError as exc:
        raise LogsgdError(f"cannot read {source}: {str(exc).splitlines()[0]}") from None
    cellview = view.cellview(index)
    if cell is not None:
        found = cellview.layout().cell(cell)
        if found is None:
            raise LogsgdError(f"cell {cell!r} not found in {source}")
        cellview.cell = found
    by_ld = {}
    for spec in LAYERS.values():
        by_ld[spec.draw] = (spec.name, "draw")
        if spec.pin is not None:
            by_ld[spec.pin_ld] = (spec.name, "pin")
        if spec.label is not None:
            by_ld[spec.label_ld] = (spec.name, "label")
    it = view.begin_layers()
    while not it.at_end():
        props = it.current()
        name, purpose = by_ld.get((props.source_layer, props.source_datatype), ("", ""))
        colour, dither = STYLE.get(name, (0x808080, 1))
        props.fill_color = colour
        props.frame_color = colour
        props.dither_pattern = dither if purpose == "draw" else 1
        props.width = 1 if purpose == "draw" else 2
        props.visible = name not in UNDRAWN_LAYERS and purpose != "pin"
        view.set_layer_properties(it, props)
        it.next()
    view.max_hier()
    view.zoom_fit()
    with atomic_path(png) as tmp:
        view.save_image(str(tmp), width_px, height_px)
    return Path(png)
