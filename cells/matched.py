"""Matched transistor structures: interdigitated rows, a common-centroid quad, a current mirror.

All units of a structure are the same device (``w`` per finger, ``l``) and
share the source net S and the bulk B; each device letter X has its own
drain DX and gate GX. A tap ring surrounds the structure and carries B.
Dummy gates (``dummies=True``) sit at every row end, gate tied to B and both
sides on the strip they face, so they conduct nothing.
"""

from __future__ import annotations

from logsgd.cells.assemble import add_body, fingers_um, pin_tracks
from logsgd.cells.base import Cell, cached
from logsgd.cells.geometry import Box, Canvas, nm, um_to_nm
from logsgd.cells.params import check_device_size, check_pattern, name_number, validate
from logsgd.cells.row import STRAP_W, TRACK_END, TRACK_H, VIA, VIA2, Row, Track, Unit, draw_row
from logsgd.cells.spice import Instance, mos, subckt

ROW_GAP = max(nm("difftap.3"), nm("nsd.2"), nm("psd.2"), nm("lvtn.2"), nm("npc.2"))
"""Clearance between the outlines (implants included) of stacked rows."""

COLUMN_W = VIA2 + 2 * nm("m3.4")
"""Width of a met3 column joining the tracks of one net in two rows."""


def _size_tag(p: dict) -> str:
    return f"{p['device']}_w{name_number(p['w'])}_l{name_number(p['l'])}"


def _check(generator: str, p: dict) -> None:
    check_device_size(generator, p["device"], p["w"], p["l"])


def _instances(p: dict, rows: list[tuple[str, Row]], units_of: dict[str, Unit], nf: int) -> list[Instance]:
    """One transistor per unit (in row order) plus one per dummy gate."""
    out = []
    for pattern, _ in rows:
        for letter in pattern:
            u = units_of[letter]
            out.append(mos(f"{letter}{len(out)}", u.drain, u.gate, "S", "B", p["device"], p["w"], p["l"], nf))
    for _, row in rows:
        for net in row.dummy_nets:
            out.append(mos(f"DUMMY{len(out)}", net, "B", net, "B", p["device"], p["w"], p["l"], 1))
    return out


def _nets(letters: list[str], dummies: bool) -> tuple[list[str], list[str]]:
    top = ["S"] + [f"D{x}" for x in letters]
    gates = [f"G{x}" for x in letters] + (["B"] if dummies else [])
    return top, gates


def _finish(name: str, p: dict, canvas: Canvas, tracks: list[Track], ports: tuple[str, ...],
            instances: list[Instance], fingers, title: str) -> Cell:
    pin_tracks(canvas, tracks, tuple(x for x in ports if x != "B"))
    add_body(canvas, p["device"], True, "B", [t for t in tracks if t.net == "B"])
    spice = subckt(name, ports, instances, f"{title}; ports {' '.join(ports)}")
    return Cell(name, canvas.to_component(name), spice, ports, p, fingers)


def interdigitated(pattern: str = "ABBA", device: str = "nfet_01v8", w: float = 2.0, l: float = 1.0,
                   nf: int = 2, dummies: bool = True) -> Cell:
    """One row of unit devices in the order of ``pattern`` (letters A-D), each of ``nf`` fingers.

    Ports, in subcircuit order: DX, GX for each letter X in alphabetical
    order, then S (common source) and B (bulk, on the tap ring). Units share
    diffusion wherever the facing source/drain nets are equal.
    """
    p = validate("interdigitated", {"pattern": pattern, "device": device, "w": w, "l": l,
                                    "nf": nf, "dummies": dummies})
    check_pattern("interdigitated", p["pattern"])
    _check("interdigitated", p)
    name = f"interdig_{p['pattern']}_{_size_tag(p)}_nf{p['nf']}" + ("_dummies" if p["dummies"] else "")

    def build() -> Cell:
        letters = sorted(set(p["pattern"]))
        units_of = {x: Unit(x, f"D{x}", f"G{x}") for x in letters}
        top, gates = _nets(letters, p["dummies"])
        row = draw_row(p["device"], um_to_nm(p["w"]), um_to_nm(p["l"]), p["nf"],
                       [units_of[x] for x in p["pattern"]], "S", "B", p["dummies"], top, gates)
        ports = tuple(n for x in letters for n in (f"D{x}", f"G{x}")) + ("S", "B")
        instances = _instances(p, [(p["pattern"], row)], units_of, p["nf"])
        title = f"interdigitated {p['pattern']} {p['device']} w={p['w']:g} l={p['l']:g} nf={p['nf']}"
        return _finish(name, p, row.canvas, row.tracks, ports, instances, fingers_um(row.fingers), title)

    return cached(name, build)


def common_centroid(device: str = "nfet_01v8", w: float = 2.0, l: float = 1.0, nf: int = 2,
                    dummies: bool = True) -> Cell:
    """Devices A and B cross-coupled in two rows, ABBA over BAAB: both centroids at the centre.

    Ports, in subcircuit order: DA, GA, DB, GB, S, B. Each letter is a unit
    of ``nf`` fingers (four units per device). The rows' tracks of each net
    are joined by a met3 column on the right.
    """
    p = validate("common_centroid", {"device": device, "w": w, "l": l, "nf": nf, "dummies": dummies})
    _check("common_centroid", p)
    name = f"cc_{_size_tag(p)}_nf{p['nf']}" + ("_dummies" if p["dummies"] else "")

    def build() -> Cell:
        units_of = {x: Unit(x, f"D{x}", f"G{x}") for x in "AB"}
        top, gates = _nets(["A", "B"], p["dummies"])
        patterns = ("ABBA", "BAAB")
        rows = [draw_row(p["device"], um_to_nm(p["w"]), um_to_nm(p["l"]), p["nf"],
                         [units_of[x] for x in pattern], "S", "B", p["dummies"], top, gates)
                for pattern in patterns]
        canvas = rows[0].canvas
        dy = canvas.bbox().y0 - ROW_GAP - rows[1].canvas.bbox().y1
        canvas.extend(rows[1].canvas, 0, dy)
        lower = [Track(t.net, t.layer, t.box.moved(0, dy)) for t in rows[1].tracks]
        x_end = max(t.box.x1 for t in rows[0].tracks)
        for k, net in enumerate(top + gates[:2]):
            xc = x_end + COLUMN_W // 2 + k * (COLUMN_W + nm("m3.2"))
            ends = [t for t in rows[0].tracks + lower if t.net == net]
            for t in ends:
                cy = (t.box.y0 + t.box.y1) // 2
                canvas.add("met2", Box(t.box.x1 - TRACK_H, t.box.y0, xc + VIA2 // 2 + TRACK_END, t.box.y1))
                canvas.add("via2", Box(xc - VIA2 // 2, cy - VIA2 // 2, xc + VIA2 // 2, cy + VIA2 // 2))
            ys = [(t.box.y0 + t.box.y1) // 2 for t in ends]
            canvas.add("met3", Box(xc - COLUMN_W // 2, min(ys) - COLUMN_W // 2,
                                   xc + COLUMN_W // 2, max(ys) + COLUMN_W // 2))
        ports = ("DA", "GA", "DB", "GB", "S", "B")
        instances = _instances(p, list(zip(patterns, rows)), units_of, p["nf"])
        fingers = fingers_um(rows[0].fingers) + fingers_um(rows[1].fingers, 0, dy)
        title = f"common centroid ABBA/BAAB {p['device']} w={p['w']:g} l={p['l']:g} nf={p['nf']}"
        return _finish(name, p, canvas, rows[0].tracks + lower, ports, instances, fingers, title)

    return cached(name, build)


MIRROR_UNIT_NF = 2
"""Fingers per current-mirror unit: source on both ends, so neighbouring units share it."""


def mirror_pattern(ratio: int) -> str:
    """Reference units A centred between output units B: ratio even BAB.., odd BAAB.. (2 references)."""
    references = 1 if ratio % 2 == 0 else 2
    half = "B" * (ratio * references // 2)
    return half + "A" * references + half


def current_mirror(device: str = "nfet_01v8", w: float = 2.0, l: float = 1.0, ratio: int = 1,
                   dummies: bool = True) -> Cell:
    """A current mirror of identical unit devices, I(OUT) = ``ratio`` · I(IN).

    A unit is two fingers of ``w`` µm (source, drain, source), so all units
    share one source diffusion. The reference units (A) sit in the middle of
    the output units (B), see :func:`mirror_pattern`; the reference is
    diode-connected in the layout (a met1 column joins the IN gate and drain
    tracks on the left). Ports, in subcircuit order: IN, OUT, S, B.
    """
    p = validate("current_mirror", {"device": device, "w": w, "l": l, "ratio": ratio, "dummies": dummies})
    _check("current_mirror", p)
    name = f"mirror_{_size_tag(p)}_r{p['ratio']}" + ("_dummies" if p["dummies"] else "")

    def build() -> Cell:
        pattern = mirror_pattern(p["ratio"])
        units_of = {"A": Unit("A", "IN", "IN"), "B": Unit("B", "OUT", "IN")}
        gates = ["IN"] + (["B"] if p["dummies"] else [])
        row = draw_row(p["device"], um_to_nm(p["w"]), um_to_nm(p["l"]), MIRROR_UNIT_NF,
                       [units_of[x] for x in pattern], "S", "B", p["dummies"], ["S", "IN", "OUT"], gates)
        canvas = row.canvas
        x = min(s.x0 for s in row.straps) - nm("m1.2") - STRAP_W // 2
        ends = [t for t in row.tracks if t.net == "IN"]
        for t in ends:
            canvas.add(t.layer, Box(x - VIA // 2 - TRACK_END, t.box.y0, t.box.x0 + TRACK_H, t.box.y1))
            cy = (t.box.y0 + t.box.y1) // 2
            if t.layer == "met2":
                canvas.add("via", Box(x - VIA // 2, cy - VIA // 2, x + VIA // 2, cy + VIA // 2))
        ys = [(t.box.y0 + t.box.y1) // 2 for t in ends]
        canvas.add("met1", Box(x - STRAP_W // 2, min(ys) - VIA // 2 - nm("via.5a"),
                               x + STRAP_W // 2, max(ys) + VIA // 2 + nm("via.5a")))
        ports = ("IN", "OUT", "S", "B")
        instances = _instances(p, [(pattern, row)], units_of, MIRROR_UNIT_NF)
        title = f"current mirror 1:{p['ratio']} ({pattern}) {p['device']} w={p['w']:g} l={p['l']:g}"
        return _finish(name, p, canvas, row.tracks, ports, instances, fingers_um(row.fingers), title)

    return cached(name, build)
