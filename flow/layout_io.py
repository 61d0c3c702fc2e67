"""Reading a GDS for a check or an extraction: one loader and one top-cell rule for every stage."""

from __future__ import annotations

from pathlib import Path

from logsgd.pdk.errors import LogsgdError


def load_layout(gds: str | Path):
    """The layout in ``gds``; LogsgdError when missing, unreadable or empty."""
    import klayout.db as kdb

    path = Path(gds)
    if not path.is_file():
        raise LogsgdError(f"GDS file not found: {path}")
    layout = kdb.Layout()
    try:
        layout.read(str(path))
    except RuntimeError as exc:
        reason = str(exc).splitlines()[0].removesuffix(" in Layout.read") if str(exc) else "unknown format"
        raise LogsgdError(f"cannot read GDS {path}: {reason}") from None
    if layout.cells() == 0:
        raise LogsgdError(f"GDS {path} contains no cells")
    return layout


def pick_cell(layout, cell: str | None, source: str | Path):
    """The named cell, or the single top cell; LogsgdError naming the candidates."""
    if cell is not None:
        found = layout.cell(cell)
        if found is None:
            tops = ", ".join(sorted(c.name for c in layout.top_cells()))
            raise LogsgdError(f"cell {cell!r} not in {Path(source).name} (top cells: {tops})")
        return found
    tops = layout.top_cells()
    if len(tops) != 1:
        names = ", ".join(sorted(c.name for c in tops)) or "none"
        raise LogsgdError(f"{source} has {len(tops)} top cells ({names}); choose one with --cell")
    return tops[0]
