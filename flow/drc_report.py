"""KLayout report databases (.lyrdb): write the built-in deck's markers, read any deck's report."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import klayout.db as kdb
import klayout.rdb as rdb

from logsgd.flow.files import atomic_path
from logsgd.pdk.errors import LogsgdError
from logsgd.pdk.rules import RULES, Rule

_KIND_TEXT = {
    "width": "min width",
    "space": "min space",
    "enclosure": "min enclosure",
    "enclosure_adjacent": "min enclosure on one of two adjacent sides",
    "extension": "min extension",
    "area": "min area",
    "exact": "exact size",
    "grid": "grid",
    "angle": "edge angles multiple of",
    "distance_max": "max distance",
}


def rule_text(r: Rule) -> str:
    """One line stating a rule and its value, e.g. ``poly.2: Spacing of poly to poly (min space 0.21 µm)``."""
    return f"{r.id}: {r.description} ({_KIND_TEXT[r.kind]} {r.value:g} {r.unit})"


def write_report(path: str | Path, cell_name: str, dbu_um: float,
                 markers: dict[str, list]) -> Path:
    """Write ``markers`` (rule id -> marker collections) as a .lyrdb, one category per rule."""
    db = rdb.ReportDatabase("logsgd SKY130 DRC")
    db.top_cell_name = cell_name
    db.generator = "logsgd drc"
    rdb_cell = db.create_cell(cell_name)
    to_um = kdb.CplxTrans(dbu_um)
    for rule_id, collections in markers.items():
        category = db.create_category(rule_id)
        category.description = rule_text(RULES[rule_id])
        for collection in collections:
            flat = collection.dup()
            flat.flatten()
            db.create_items(rdb_cell.rdb_id(), category.rdb_id(), to_um, flat)
    with atomic_path(path) as tmp:
        try:
            db.save(str(tmp))
        except RuntimeError as exc:
            raise LogsgdError(f"cannot write DRC report {path}: {str(exc).splitlines()[0]}") from None
    return Path(path)


def read_report(path: str | Path) -> tuple[str, dict[str, int], list[str]]:
    """(top cell, item count per category with items, all category names) of a .lyrdb."""
    db = rdb.ReportDatabase("")
    try:
        db.load(str(path))
    except RuntimeError as exc:
        raise LogsgdError(f"cannot read DRC report {path}: {str(exc).splitlines()[0]}") from None
    names: dict[int, str] = {}
    leaves: list[str] = []

    def collect(category, prefix: str) -> None:
        name = prefix + category.name()
        names[category.rdb_id()] = name
        subs = list(category.each_sub_category())
        if not subs:
            leaves.append(name)
        for sub in subs:
            collect(sub, name + "/")

    for category in db.each_category():
        collect(category, "")
    counts = Counter(names[item.category_id()] for item in db.each_item())
    return db.top_cell_name, dict(counts), leaves
