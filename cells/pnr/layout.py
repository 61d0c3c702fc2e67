"""``layout_from_spice``: the GDS of a SPICE subcircuit hierarchy of SKY130 devices.

Flow: parse and flatten (``netlist``), one generator cell per device
(``devices``), rows (``place``), channels and trunks (``route``). The
result is a :class:`~logsgd.cells.base.Cell` whose ``spice`` is the given
text itself, so layout and schematic come from one source.
"""

from __future__ import annotations

from logsgd.cells.base import Cell, cached, forget
from logsgd.cells.geometry import Box, Canvas, nm, um_to_nm
from logsgd.cells.pnr.devices import register_block
from logsgd.cells.pnr.match import group_matched
from logsgd.cells.pnr.netlist import FlatNetlist, NetlistError, flatten, parse_spice
from logsgd.cells.pnr.place import Row, layout_options, place_rows
from logsgd.cells.pnr.route import PIN_H, Pin, route
from logsgd.pdk.layers import DBU_UM, LAYERS


def _nwell(rows: list[Row]) -> Box | None:
    """One n-well over every PMOS row (and the channels between them), so wells never sit too close."""
    boxes = [p.template.nwell.moved(p.x_nm, p.y_nm) for r in rows if r.kind == "p" for p in r.items
             if p.template.nwell is not None]
    if not boxes:
        return None
    out = boxes[0]
    for b in boxes[1:]:
        out = out.union(b)
    return out


def _draw(component, canvas: Canvas, pins: list[Pin]) -> None:
    """Merged routing shapes, labels, and a pin shape and port per top pin, into ``component``."""
    import klayout.db as kdb

    kcl = component.kcl
    cell = component.kdb_cell
    bad = canvas.off_grid()
    if bad:
        raise ValueError(f"{component.name}: off-grid routing {bad[:3]}")
    for layer_name, boxes in canvas.shapes.items():
        region = kdb.Region()
        for b in boxes:
            region.insert(kdb.Box(b.x0, b.y0, b.x1, b.y1))
        cell.shapes(kcl.layer(*LAYERS[layer_name].draw)).insert(region.merged())
    spec = LAYERS["met3"]
    for pin in pins:
        b = pin.box
        cx, cy = (b.x0 + b.x1) // 2, (b.y0 + b.y1) // 2
        cell.shapes(kcl.layer(*spec.label_ld)).insert(kdb.Text(pin.net, kdb.Trans(cx, cy)))
        if not pin.is_pin:
            continue
        cell.shapes(kcl.layer(*spec.pin_ld)).insert(kdb.Box(b.x0, b.y0, b.x1, b.y1))
        width = b.w - b.w % (2 * nm("x.1b"))
        component.add_port(name=pin.net, center=(cx * DBU_UM, (b.y1 - width // 2) * DBU_UM),
                           width=width * DBU_UM, orientation=90, layer=spec.draw, port_type="electrical")


def _block_templates(spice: str, netlist: FlatNetlist, subckts: dict, blocks: tuple[str, ...],
                     matched: bool, shielded: tuple[str, ...]) -> None:
    """Lay out every block subcircuit that ``netlist`` calls and make it placeable."""
    for model in sorted({d.model for d in netlist.devices if d.kind == "block"}):
        cell = layout_from_spice(spice, subckts[model].name, blocks=blocks, matched=matched, shielded=shielded)
        pins = [(p.name, um_to_nm(p.center[0])) for p in cell.component.ports]
        register_block(cell.name, cell.component, pins, cell.component.kdb_cell.bbox().top, PIN_H)


def layout_from_spice(spice: str, top: str, name: str | None = None, blocks: tuple[str, ...] = (),
                      matched: bool = True, shielded: tuple[str, ...] = ()) -> Cell:
    """A DRC- and LVS-clean layout of subcircuit ``top`` of ``spice``.

    Every leaf device becomes one generator cell (transistors with a body
    tap strip, MIM capacitors drawn to their exact size); the cells sit in
    rows and are wired by private met3 stubs, met2 channel tracks and met3
    trunks. Top pins are met3 pins with labels on the top edge, in the
    subcircuit's pin order. ``name`` (default ``top``) names the GDS cell;
    a previous layout of that name is replaced.

    ``matched`` draws the transistors of a block that share size, source
    and bulk as interdigitated rows (``logsgd.cells.pnr.match``).
    Subcircuits named in ``blocks`` are laid out once each, as a GDS cell
    of their own (named as the subcircuit) placed wherever they are called,
    and wired by their pins like any device.

    Nets named in ``shielded`` (at any level of the hierarchy) run between
    two ``gnd`` tracks in every routing channel, so that no other signal
    lies beside them; ``gnd`` must then be a pin of the subcircuit.
    """
    import klayout.db as kdb

    from logsgd.cells.sky130pdk import activate

    subckts = parse_spice(spice)
    wanted = frozenset(b.lower() for b in blocks)
    unknown = sorted(wanted - set(subckts))
    if unknown:
        raise NetlistError(f"block {unknown[0]!r} is not a .subckt of the SPICE text")
    netlist = flatten(subckts, top, wanted - {top.lower()})
    if matched:
        netlist = FlatNetlist(netlist.top, netlist.pins, group_matched(netlist.devices))
    cell_name = name or netlist.top
    forget(cell_name)

    def build() -> Cell:
        import gdsfactory as gf

        activate()
        _block_templates(spice, netlist, subckts, blocks, matched, shielded)
        best = None
        for width, per_row in layout_options(netlist.devices):
            left, right = place_rows(netlist.devices, width, per_row)
            canvas, pins, top = route(netlist, left, right, shielded)
            rows = left + right
            x0 = min([canvas.bbox().x0] + [p.x_nm + p.template.bbox.x0 for r in rows for p in r.items])
            x1 = max([canvas.bbox().x1] + [p.x_nm + p.template.bbox.x1 for r in rows for p in r.items])
            if best is None or (x1 - x0) * top < best[0]:
                best = ((x1 - x0) * top, rows, canvas, pins)
        _, rows, canvas, pins = best
        well = _nwell(rows)
        if well is not None:
            canvas.add("nwell", well)
        component = gf.Component(name=cell_name)
        for row in rows:
            for p in row.items:
                child = p.template.component.kdb_cell
                component.kdb_cell.insert(kdb.CellInstArray(child.cell_index(), kdb.Trans(p.x_nm, p.y_nm)))
        _draw(component, canvas, sorted(pins, key=lambda p: (not p.is_pin, netlist.pins.index(p.net)
                                                             if p.is_pin else 0, p.net)))
        params = {"top": netlist.top, "devices": len(netlist.devices), "rows": len(rows)}
        return Cell(cell_name, component, spice, tuple(netlist.pins), params)

    return cached(cell_name, build)
