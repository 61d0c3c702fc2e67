"""Channel routing that is correct by construction.

Above every row runs a routing channel of horizontal met2 tracks. Every
terminal of a row rises on its own vertical met3 stub (its slot) into the
channel above and joins its net's track there with a via2; a stub crosses
the row's own met2 tracks and the other nets' tracks without a via, so it
touches nothing else. Tracks that do not overlap share a level (left-edge
packing). A net that appears in more than one channel, or is a pin of the
top cell, also gets a vertical met3 trunk in a column to the right of the
rows (or, for nets whose terminals lie mostly in the left half, in a
column left of the rows); its tracks run to it. Pin trunks continue to
the top edge, where the pin shape and label sit on met3.

Tall capacitors form a bank of rows right of the trunk column; their
channels use met4 tracks (joined to the met3 stubs and trunks by via3),
so they never meet the left bank's met2 tracks in the trunk column.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from logsgd.cells.geometry import Box, Canvas, grid_up, min_length, nm
from logsgd.cells.pnr.devices import PAD_W, PITCH, STUB_W, TRACK_END, TRACK_H, VIA, VIA2
from logsgd.cells.pnr.netlist import FlatNetlist, NetlistError
from logsgd.cells.pnr.place import Row
from logsgd.cells.vias import MIN_AREA

VIA3 = nm("via3.1")


@dataclass(frozen=True)
class TrackLayer:
    """A channel track layer: its cut to the met3 stubs and trunks, and the sizes that follow."""

    layer: str
    cut: str
    cut_size: int
    height: int
    space: int
    end: int
    """How far a track runs past the centre of its last cut."""
    stub_end: int
    """How far a stub or trunk runs past the centre of a cut at its end."""

    @property
    def pitch(self) -> int:
        return self.height + self.space


MET2 = TrackLayer("met2", "via2", VIA2, TRACK_H, nm("m2.2"), VIA2 // 2 + nm("via2.5"), VIA2 // 2 + nm("m3.4"))
MET4 = TrackLayer("met4", "via3", VIA3, VIA3 + 2 * nm("m4.3"), nm("m4.2"), VIA3 // 2 + nm("m4.3"),
                  VIA3 // 2 + nm("via3.5"))
"""Tracks of the left bank run on met2, those of the right bank on met4, so that the two
never meet in the trunk column."""
STUB_END = MET2.stub_end
CHANNEL_MARGIN = max(nm("capm.11") + nm("m3.2"), nm("difftap.9") + nm("m2.2"), nm("nwell.2a") // 2)
"""Clearance from a row's outline to the channel's first or last track."""
TRUNK_MARGIN = 2 * max(nm("capm.11"), nm("m3.2"))
"""Clearance from the rightmost cell to the trunk column."""
PIN_H = min_length(STUB_W, "m3.6", 2 * STUB_W)
"""Length of the pin shape at the top end of a pin trunk (and of a trunk that is only a pin)."""


@dataclass(frozen=True)
class Pin:
    """A label naming ``net`` on met3 at ``box``; ``is_pin`` adds a pin shape (top-cell terminal)."""

    net: str
    box: Box
    is_pin: bool = True


@dataclass(frozen=True)
class Stub:
    net: str
    x: int
    y: int
    layer: str
    track: Box
    """The terminal's track in layout coordinates, extended to reach ``x`` if needed."""


def _stubs(rows: list[Row]) -> list[list[Stub]]:
    out = []
    for row in rows:
        stubs = []
        for p in row.items:
            for t in p.template.terminals:
                x = (p.slot + t.slot) * PITCH
                track = t.track.moved(p.x_nm, p.y_nm)
                stubs.append(Stub(p.device.net(t.name), x, p.y_nm + t.y_nm, t.layer, track))
        out.append(stubs)
    return out


def _levels(spans: dict[str, tuple[int, int]], space: int, heights: dict[str, int] | None = None) -> dict[str, int]:
    """Left-edge packing: the lowest level per net such that spans on one level keep ``space``.

    A net of height h (``heights``, default 1) takes h adjacent levels from
    the one returned.
    """
    heights = heights or {}
    ends: list[float] = []
    level: dict[str, int] = {}
    for net, (x0, x1) in sorted(spans.items(), key=lambda kv: (kv[1][0], kv[0])):
        h = heights.get(net, 1)
        k = 0
        while any(end + space > x0 for end in ends[k:k + h]):
            k += 1
        ends += [float("-inf")] * (k + h - len(ends))
        ends[k:k + h] = [x1] * h
        level[net] = k
    return level


def _draw_terminal(canvas: Canvas, s: Stub) -> None:
    """The vias that lift a terminal onto its stub, and the track extension they need."""
    if s.layer in TRACK_END and s.x + TRACK_END[s.layer] > s.track.x1:
        canvas.add(s.layer, Box(s.track.x0, s.track.y0, s.x + TRACK_END[s.layer], s.track.y1))
    if s.layer == "met1":
        canvas.add("via", Box(s.x - VIA // 2, s.y - VIA // 2, s.x + VIA // 2, s.y + VIA // 2))
        canvas.add("met2", Box(s.x - PAD_W // 2, s.y - TRACK_H // 2, s.x + PAD_W // 2, s.y + TRACK_H // 2))
    if s.layer in ("met1", "met2"):
        canvas.add("via2", Box(s.x - VIA2 // 2, s.y - VIA2 // 2, s.x + VIA2 // 2, s.y + VIA2 // 2))


def _cut(canvas: Canvas, cut: str, size: int, x: int, y: int) -> None:
    canvas.add(cut, Box(x - size // 2, y - size // 2, x + size // 2, y + size // 2))


@dataclass
class _Routing:
    """What every channel needs: the nets that get a track, trunk positions, the drawing."""

    routed: set[str]
    trunk_x: dict[str, int]
    canvas: Canvas
    labels: list[Pin]
    track_ys: dict[str, list[tuple[int, TrackLayer]]]
    shielded: frozenset[str] = frozenset()
    shield_net: str = ""


def _channel(r: _Routing, row: Row, top: int, tl: TrackLayer) -> int:
    """Tracks on ``tl`` of the channel above ``row`` (top edge ``top``) and the row's stubs;
    returns the channel top."""
    row_stubs = _stubs([row])[0]
    xs: dict[str, list[int]] = defaultdict(list)
    for s in row_stubs:
        if s.net in r.routed:
            xs[s.net].append(s.x)
    ends = {net: net_xs + ([r.trunk_x[net]] if net in r.trunk_x else []) for net, net_xs in xs.items()}
    shielded = sorted(n for n in ends if n in r.shielded)

    def span(xs: list[int]) -> tuple[int, int]:
        x0 = min(xs) - tl.end
        return x0, max(max(xs) + tl.end, x0 + min_length(tl.height, MIN_AREA[tl.layer]))

    spans = {net: span(e) for net, e in ends.items()}
    # A shielded net runs between two tracks of the shield net, one level each
    # side, that reach the shield net's trunk.
    shield_x = r.trunk_x.get(r.shield_net)
    shield_spans = {n: span([*ends[n], shield_x]) for n in shielded}
    level = _levels({**spans, **shield_spans}, tl.space, {n: 3 for n in shielded})
    level.update({n: level[n] + 1 for n in shielded})
    base = top + CHANNEL_MARGIN + tl.height // 2
    tracks = [(spans[net], level[net], net, ends[net]) for net in spans]
    tracks += [(shield_spans[n], level[n] + side, r.shield_net, [shield_x]) for n in shielded for side in (-1, 1)]
    for (x0, x1), lv, net, cuts in tracks:
        cy = base + lv * tl.pitch
        r.canvas.add(tl.layer, Box(x0, cy - tl.height // 2, x1, cy + tl.height // 2))
        r.track_ys[net].append((cy, tl))
        for x in cuts:
            _cut(r.canvas, tl.cut, tl.cut_size, x, cy)
    named = {p.net for p in r.labels}
    for s in row_stubs:
        if s.net not in r.routed:
            continue
        _draw_terminal(r.canvas, s)
        cy = base + level[s.net] * tl.pitch
        y0 = s.y if s.layer == "met3" else s.y - STUB_END
        r.canvas.add("met3", Box(s.x - STUB_W // 2, y0, s.x + STUB_W // 2, cy + tl.stub_end))
        if "/" not in s.net and s.net not in r.trunk_x and s.net not in named:
            named.add(s.net)
            r.labels.append(Pin(s.net, Box(s.x - STUB_W // 2, cy - STUB_W // 2, s.x + STUB_W // 2,
                                           cy + STUB_W // 2), False))
    levels = max([lv for _, lv, _, _ in tracks], default=-1) + 1
    return top + 2 * CHANNEL_MARGIN + max(levels * tl.pitch - tl.space, 0)


def _left_trunks(trunk_nets: list[str], left: list[Row], right: list[Row], right_edge: int) -> list[str]:
    """Trunk nets of the left column: those whose left-bank terminals lie mostly in the left half.

    Nets that reach the right bank keep their trunk between the banks. Two
    columns halve the tracks that must run the full width of a channel,
    so more of them share a level.
    """
    xs: dict[str, list[int]] = defaultdict(list)
    for row_stubs in _stubs(left):
        for s in row_stubs:
            xs[s.net].append(s.x)
    in_right = {s.net for row_stubs in _stubs(right) for s in row_stubs}
    return [n for n in trunk_nets
            if n not in in_right and xs[n] and sum(xs[n]) / len(xs[n]) < right_edge / 2]


def _slot_up(x: int) -> int:
    return -(-x // PITCH) * PITCH


def route(netlist: FlatNetlist, left: list[Row], right: list[Row], shielded: tuple[str, ...] = (),
          shield_net: str = "gnd") -> tuple[Canvas, list[Pin], int]:
    """Stack the rows, draw stubs, channel tracks, trunks and labels.

    In every channel, the track of a net in ``shielded`` (high-impedance
    nodes such as a weight capacitor's) runs between two tracks of
    ``shield_net``, which must then be a pin of ``netlist``.

    ``left`` rows sit left of the trunk column, ``right`` rows (tall
    capacitors) right of it; each bank stacks from y=0 and its tracks run
    to the trunks. Returns the routing canvas, the labels (top pins, and
    the top cell's own nets, so that extracted netlists keep their names)
    on met3 and the layout's top edge (nm). Sets every cell's x (right
    bank) and y.
    """
    rows = left + right
    terminals: dict[str, int] = defaultdict(int)
    channels_of: dict[str, set[int]] = defaultdict(set)
    for k, row_stubs in enumerate(_stubs(rows)):
        for s in row_stubs:
            terminals[s.net] += 1
            channels_of[s.net].add(k)
    pins = {p.lower(): p for p in netlist.pins}
    routed = {n for n, count in terminals.items() if count > 1 or n in pins}
    trunk_nets = sorted(n for n in routed | set(pins) if len(channels_of[n]) > 1 or n in pins)

    right_edge = max(p.x_nm + p.template.right_nm() for r in left for p in r.items) if left else 0
    left_side = _left_trunks(trunk_nets, left, right, right_edge)
    right_side = [n for n in trunk_nets if n not in set(left_side)]
    x_col = _slot_up(grid_up(right_edge + TRUNK_MARGIN + STUB_W // 2))
    trunk_x = {n: x_col + j * PITCH for j, n in enumerate(right_side)}
    x_left = -_slot_up(TRUNK_MARGIN + STUB_W // 2)
    trunk_x.update({n: x_left - j * PITCH for j, n in enumerate(left_side)})
    shift = _slot_up(x_col + len(right_side) * PITCH + TRUNK_MARGIN)
    for row in right:
        for p in row.items:
            p.x_nm += shift
            p.slot += shift // PITCH

    wanted = frozenset(n.lower() for n in shielded) & routed
    if wanted and shield_net.lower() not in pins:
        raise NetlistError(f"cannot shield {sorted(wanted)[0]!r}: {shield_net!r} is not a pin of {netlist.top}")
    r = _Routing(routed, trunk_x, Canvas(), [], defaultdict(list), wanted, shield_net.lower())
    top_edge = 0
    for bank, tl in ((left, MET2), (right, MET4)):
        y = 0
        for row in bank:
            y = _channel(r, row, row.stack_at(y), tl)
        top_edge = max(top_edge, y)

    for net, x in trunk_x.items():
        ys = r.track_ys[net]
        y0 = min(y - tl.stub_end for y, tl in ys) if ys else top_edge - PIN_H
        y1 = top_edge if net in pins else max(y + tl.stub_end for y, tl in ys)
        r.canvas.add("met3", Box(x - STUB_W // 2, y0, x + STUB_W // 2, y1))
        if net in pins:
            r.labels.append(Pin(pins[net], Box(x - STUB_W // 2, top_edge - PIN_H, x + STUB_W // 2, top_edge)))
        elif "/" not in net:
            r.labels.append(Pin(net, Box(x - STUB_W // 2, y0, x + STUB_W // 2, y0 + PIN_H), False))
    return r.canvas, r.labels, top_edge
