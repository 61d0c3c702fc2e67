"""Parasitic extraction: the extracted devices plus interconnect capacitance as a SPICE subcircuit.

Capacitance per net comes from the coefficients in ``logsgd.pdk.parasitics``:

- to substrate: area of each conductor not shielded by a lower conductor,
  times the area coefficient, plus its perimeter times the fringe
  coefficient;
- between nets: area where one net's conductor lies over another's, times
  the overlap coefficient of that layer pair, and the length of its edges
  over the other net times the side-overlap (fringe) coefficient; the
  nearest lower conductor shields those below it;
- between neighbours on one layer: parallel edges closer than
  ``LATERAL_RANGE_UM``, ``k * run / (spacing + offset)``, over the part of
  the run that no third conductor of that layer shields (a grounded track
  between two wires ends the field lines of both, so the far pair does not
  couple; counting it anyway added 59 % to the lateral total of the
  four-weight array).

Gate poly (poly over diff) and the MIM dielectric area are device
capacitance and belong to the device models. Substrate capacitors go to
the substrate net when it is a port, otherwise to ground (node 0).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from logsgd.flow.extract import MIM_MODEL, MIM_TERMINALS, MOS_MODELS, Extraction, extract
from logsgd.flow.files import require_file, write_text
from logsgd.pdk.errors import LogsgdError
from logsgd.pdk.parasitics import (
    AREA_F_PER_UM2,
    CONDUCTORS,
    FRINGE_F_PER_UM,
    LATERAL_RANGE_UM,
    OVERLAP_F_PER_UM2,
    SHEET_OHM,
    SIDE_OVERLAP_F_PER_UM,
    SIDEWALL,
    cut_area_ohm_um2,
)

MIN_CAP_F = 1e-18
"""Capacitors below this are left out of the netlist (they still count in the totals)."""

GROUND = "0"


@dataclass
class PexResult:
    """An extracted netlist and its capacitance figures (F)."""

    out_path: Path
    net_caps_F: dict[str, float]
    """Total capacitance of each net: to substrate plus all its coupling capacitors."""
    devices: int
    """Device lines written (parallel fingers count once)."""
    transistors: int
    """MOS device lines among them, dummy gates included: the transistors drawn."""
    subckt: str
    ports: list[str]
    ground_caps_F: dict[str, float] = field(default_factory=dict)
    coupling_caps_F: dict[tuple[str, str], float] = field(default_factory=dict)
    resistors: int = 0
    warnings: list[str] = field(default_factory=list)


def schematic_ports(spice: str | Path, subckt: str) -> list[str] | None:
    """Port names of ``.subckt subckt`` in ``spice`` (case kept), or None if absent."""
    text = require_file(spice, "schematic").read_text(errors="replace")
    joined = re.sub(r"\n\+", " ", text)
    for line in joined.splitlines():
        tokens = line.split()
        if len(tokens) >= 2 and tokens[0].lower() == ".subckt" and tokens[1].lower() == subckt.lower():
            ports = []
            for token in tokens[2:]:
                if "=" in token or token.lower() == "params:":
                    break
                ports.append(token)
            return ports
    return None


def _labels(net) -> list[str]:
    """The label texts that name ``net`` (KLayout joins several with commas)."""
    return [re.sub(r"[^A-Za-z0-9_.\-\[\]<>]", "_", part) for part in net.name.split(",") if part] if net.name else []


def _node_names(circuit, ports: list[str]) -> dict[int, str]:
    """A unique SPICE node name for every net, by cluster id.

    A net carrying a port's label takes the port name; any other labelled
    net its first label (with _2, _3... when that name is taken); the rest
    n<cluster id>.
    """
    wanted = {port.lower(): port for port in ports}
    nets = sorted(circuit.each_net(), key=lambda net: net.cluster_id)
    names: dict[int, str] = {}
    for net in nets:
        for label in _labels(net):
            port = wanted.get(label.lower())
            if port is not None and port not in names.values():
                names[net.cluster_id] = port
                break
    taken = {name.lower() for name in names.values()} | set(wanted)
    for net in nets:
        if net.cluster_id in names:
            continue
        labels = _labels(net)
        base = labels[0] if labels else f"n{net.cluster_id}"
        name, suffix = base, 2
        while name.lower() in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        names[net.cluster_id] = name
        taken.add(name.lower())
    return names


def _substrate_cluster(ex: Extraction, circuit) -> int | None:
    """Cluster id of the p-substrate net: the nfet bulks and p-taps."""
    nfets = {MOS_MODELS[("n", False)], MOS_MODELS[("n", True)]}
    for device in circuit.each_device():
        if device.device_class().name in nfets:
            return device.net_for_terminal("B").cluster_id
    for net in circuit.each_net():
        if not ex.l2n.shapes_of_net(net, ex.regions["ptap"], True).is_empty():
            return net.cluster_id
    return None


def _device_lines(circuit, node: dict[int, str], terminal_node: dict[tuple[int, str], str]) -> list[str]:
    """X-lines for all devices; parallel MOS fingers become one line with nf.

    A terminal sits on its net's node unless ``terminal_node`` (from the
    resistance extraction) gives it a node of its own.
    """

    def at(device, terminal: str) -> str:
        return terminal_node.get((device.id(), terminal)) or node[device.net_for_terminal(terminal).cluster_id]

    groups: dict[tuple, list] = defaultdict(list)
    mims = []
    for device in circuit.each_device():
        name = device.device_class().name
        if name == MIM_MODEL:
            mims.append(device)
            continue
        nets = {t: at(device, t) for t in ("D", "G", "S", "B")}
        key = (
            name,
            round(device.parameter("L"), 4),
            round(device.parameter("W"), 4),
            tuple(sorted((nets["D"], nets["S"]))),
            nets["G"],
            nets["B"],
        )
        groups[key].append((device, nets))
    lines = []
    for index, (key, fingers) in enumerate(sorted(groups.items()), start=1):
        model, l_um, w_um = key[0], key[1], key[2]
        first = fingers[0][1]
        drain, source = first["D"], first["S"]
        ad = as_ = pd = ps = 0.0
        for device, nets in fingers:
            d_side = "D" if nets["D"] == drain else "S"
            s_side = "S" if d_side == "D" else "D"
            ad += device.parameter("A" + d_side)
            as_ += device.parameter("A" + s_side)
            pd += device.parameter("P" + d_side)
            ps += device.parameter("P" + s_side)
        nf = len(fingers)
        lines.append(
            f"XM{index} {drain} {first['G']} {source} {first['B']} {model}"
            f" w={w_um * nf:.6g} l={l_um:.6g} nf={nf}"
            f" ad={ad:.6g} as={as_:.6g} pd={pd:.6g} ps={ps:.6g}"
        )
    for index, device in enumerate(mims, start=1):
        plates = " ".join(at(device, t) for t in MIM_TERMINALS)
        lines.append(
            f"XC{index} {plates} {MIM_MODEL} w={device.parameter('W'):.6g} l={device.parameter('L'):.6g}"
        )
    return lines


def _net_regions(ex: Extraction, circuit) -> dict[str, dict[int, object]]:
    """Merged geometry of every net on each conductor (and capm as a shield), by cluster id."""
    import klayout.db as kdb

    layers = {name: ex.regions[name] for name in (*CONDUCTORS, "capm")}
    diff = None
    out: dict[str, dict[int, kdb.Region]] = {}
    for name, layer in layers.items():
        per_net = {}
        for net in circuit.each_net():
            shapes = ex.l2n.shapes_of_net(net, layer, True)
            if name == "poly":
                # Gate poly is device capacitance: keep the wiring only.
                diff = diff if diff is not None else kdb.Region(list(ex.regions["diff"].each()))
                shapes = shapes - diff
            if not shapes.is_empty():
                per_net[net.cluster_id] = shapes.merged()
        out[name] = per_net
    return out


def capacitances(ex: Extraction, circuit) -> tuple[dict[int, float], dict[tuple[int, int], float]]:
    """Capacitance to substrate per net and between net pairs (F), keyed by cluster id."""
    import klayout.db as kdb

    dbu = ex.dbu_um
    regions = _net_regions(ex, circuit)
    ground: dict[int, float] = defaultdict(float)
    coupling: dict[tuple[int, int], float] = defaultdict(float)

    def add_coupling(a: int, b: int, cap: float) -> None:
        if a != b and cap > 0:
            coupling[(min(a, b), max(a, b))] += cap

    for level, upper in enumerate(CONDUCTORS):
        below = list(reversed(CONDUCTORS[:level]))
        if upper == "met4":
            below.insert(0, "capm")
        for net, shapes in regions[upper].items():
            remaining = shapes
            edges = shapes.edges()
            for lower in below:
                if remaining.is_empty():
                    break
                area_coefficient = OVERLAP_F_PER_UM2.get((upper, lower), 0.0)
                edge_coefficient = SIDE_OVERLAP_F_PER_UM.get((upper, lower), 0.0)
                for other, lower_shapes in regions[lower].items():
                    if not remaining.bbox().overlaps(lower_shapes.bbox()):
                        continue
                    overlap = remaining & lower_shapes
                    if overlap.is_empty():
                        continue
                    over_edges = edges.inside_part(lower_shapes)
                    add_coupling(
                        net,
                        other,
                        overlap.area() * dbu * dbu * area_coefficient
                        + over_edges.length() * dbu * edge_coefficient,
                    )
                    remaining = remaining - lower_shapes
                    edges = edges.outside_part(lower_shapes)
            ground[net] += remaining.area() * dbu * dbu * AREA_F_PER_UM2[upper]
            ground[net] += edges.length() * dbu * FRINGE_F_PER_UM[upper]

        side = SIDEWALL[upper]
        reach = int(round(LATERAL_RANGE_UM / dbu))
        nets = sorted(regions[upper].items())
        layer_shapes = kdb.Shapes()
        for _, shapes in nets:
            # trapezoids (rectangles when Manhattan), so that a gap meets small shapes
            layer_shapes.insert(shapes.decompose_trapezoids_to_region())
        for i, (net_a, shapes_a) in enumerate(nets):
            grown = shapes_a.bbox().enlarged(reach, reach)
            for net_b, shapes_b in nets[i + 1:]:
                if not grown.overlaps(shapes_b.bbox()):
                    continue
                pairs = shapes_a.separation_check(shapes_b, reach, False, kdb.Region.Projection)
                for pair in pairs.each():
                    run_um = (pair.first.length() + pair.second.length()) / 2 * dbu
                    spacing_um = pair.distance() * dbu
                    if run_um > 0 and spacing_um > 0:
                        add_coupling(net_a, net_b, _open_fraction(pair, layer_shapes) * side.cap_F(run_um, spacing_um))
    return dict(ground), dict(coupling)


def _open_fraction(pair, layer_shapes) -> float:
    """The fraction of an edge pair's run with no conductor in the gap between its edges.

    ``layer_shapes`` (a ``kdb.Shapes``, for its box tree) holds every net's
    conductor on the pair's layer as trapezoids. Along the run, a conductor
    inside the gap shields the part its extent covers. Manhattan edges only;
    an oblique pair counts as open.
    """
    gap = pair.bbox()
    horizontal, vertical = pair.first.dy() == 0, pair.first.dx() == 0
    if not (horizontal or vertical) or gap.width() <= 2 or gap.height() <= 2:
        return 1.0
    inner = gap.enlarged(-1, -1)
    covered: list[tuple[int, int]] = []
    for shape in layer_shapes.each_overlapping(inner):
        b = shape.bbox() & inner
        covered.append((b.left, b.right) if horizontal else (b.bottom, b.top))
    if not covered:
        return 1.0
    length = gap.width() if horizontal else gap.height()
    shielded, (start, end) = 0, sorted(covered)[0]
    for lo, hi in sorted(covered)[1:]:
        if lo > end:
            shielded, start, end = shielded + end - start, lo, hi
        else:
            end = max(end, hi)
    shielded += end - start
    return max(0.0, 1.0 - shielded / length)


R_CONDUCTORS: tuple[str, ...] = ("li1", "met1", "met2", "met3", "met4")
R_CUTS: tuple[tuple[str, str, str, str], ...] = (
    # (cut region, resistance key, lower conductor, upper conductor)
    ("mcon", "mcon", "li1", "met1"),
    ("via", "via", "met1", "met2"),
    ("via2", "via2", "met2", "met3"),
    ("via3_off_capm", "via3", "met3", "met4"),
)
SD_CONTACT_LAYERS = {"nsd": "licon_ndiff", "psd": "licon_pdiff"}
"""Source/drain regions and the licon resistance that joins them to li1."""


def _r_tech():
    """The klayout.pex stack: li1-met4 with their cuts, and licon landings on n/p diffusion."""
    import klayout.pex as kpex

    ids = {name: i for i, name in enumerate((*R_CONDUCTORS, *SD_CONTACT_LAYERS), start=1)}
    cut_ids = {cut: 100 + i for i, cut in enumerate([c[0] for c in R_CUTS] + list(SD_CONTACT_LAYERS.values()))}
    tech = kpex.RExtractorTech()
    for name, layer_id in ids.items():
        conductor = kpex.RExtractorTechConductor()
        conductor.layer = layer_id
        conductor.resistance = SHEET_OHM.get(name, 0.0)
        conductor.algorithm = kpex.RExtractorTechConductor.SquareCounting
        tech.add_conductor(conductor)
    vias = [(cut, key, ids[lower], ids[upper]) for cut, key, lower, upper in R_CUTS]
    vias += [(key, key, ids[sd], ids["li1"]) for sd, key in SD_CONTACT_LAYERS.items()]
    for cut, key, lower, upper in vias:
        via = kpex.RExtractorTechVia()
        via.cut_layer = cut_ids[cut]
        via.bottom_conductor = lower
        via.top_conductor = upper
        via.resistance = cut_area_ohm_um2(key)
        tech.add_via(via)
    return tech, ids, cut_ids


def _label_points(ex: Extraction, net, ids: dict[str, int]) -> dict[int, list]:
    """Label positions of ``net`` on each R conductor, by layer id."""
    points: dict[int, list] = defaultdict(list)
    for name in R_CONDUCTORS:
        for layer_name in (name, f"{name}_pin", f"{name}_label"):
            layer_index = ex.l2n.layer_of(ex.regions[layer_name])
            for text in ex.l2n.texts_of_net(net, layer_index, True).each():
                points[ids[name]].append(text.position())
    return points


def _resistances(ex: Extraction, circuit, node: dict[int, str]) -> tuple[list[str], dict[tuple[int, str], str]]:
    """Wire and contact resistance of every net that carries source/drain current.

    Each group of licons landing on one source/drain region becomes a node
    of its own, and each label a port at the net's main node; klayout.pex
    turns the conductors and cuts between them into resistors. Returns the
    resistor lines and the node of each split device terminal, keyed by
    (device id, terminal name). Gate, bulk and MIM terminals stay on the
    net's main node.
    """
    import klayout.db as kdb
    import klayout.pex as kpex

    tech, ids, cut_ids = _r_tech()
    extractor = kpex.RNetExtractor(ex.dbu_um)
    lines: list[str] = []
    terminal_node: dict[tuple[int, str], str] = {}
    for net in circuit.each_net():
        base = node[net.cluster_id]
        if base == GROUND:
            continue
        licons = ex.l2n.shapes_of_net(net, ex.regions["licon1"], True)
        groups: dict[tuple, tuple[str, kdb.Region, str]] = {}
        owners: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
        for ref in net.each_terminal():
            device = ref.device()
            terminal = device.device_class().terminal_definitions()[ref.terminal_id()].name
            if device.device_class().name == MIM_MODEL or terminal not in ("S", "D"):
                continue
            region = kdb.Region()
            for shapes in ex.l2n.shapes_of_terminal(ref).values():
                region += shapes
            contacts = licons.interacting(region)
            if contacts.is_empty():
                continue
            key = tuple(sorted(str(poly) for poly in contacts.each()))
            if key not in groups:
                sd = next(n for n in SD_CONTACT_LAYERS if not region.interacting(ex.regions[n]).is_empty())
                groups[key] = (f"{base}_t{len(groups) + 1}", contacts, sd)
            owners[key].append((device.id(), terminal))
        labels = _label_points(ex, net, ids)
        n_labels = sum(len(v) for v in labels.values())
        if len(groups) + min(n_labels, 1) < 2:
            continue
        if n_labels == 0:
            first = next(iter(groups))
            groups[first] = (base, *groups[first][1:])
        geometry = {ids[name]: ex.l2n.shapes_of_net(net, ex.regions[name], True) for name in R_CONDUCTORS}
        for cut, _, _, _ in R_CUTS:
            geometry[cut_ids[cut]] = ex.l2n.shapes_of_net(net, ex.regions[cut], True)
        polygon_ports: dict[int, list] = defaultdict(list)
        port_node: dict[tuple[int, int], str] = {}
        for name, contacts, sd in groups.values():
            layer_id, cut_id = ids[sd], cut_ids[SD_CONTACT_LAYERS[sd]]
            geometry[layer_id] = geometry.get(layer_id, kdb.Region()) + contacts
            geometry[cut_id] = geometry.get(cut_id, kdb.Region()) + contacts
            for poly in contacts.each():
                port_node[(layer_id, len(polygon_ports[layer_id]))] = name
                polygon_ports[layer_id].append(poly)
        network = extractor.extract(tech, geometry, dict(labels), dict(polygon_ports))
        names: dict[int, str] = {}
        for index, rnode in enumerate(network.each_node()):
            if rnode.type() == kpex.RNode.VertexPort:
                names[rnode.object_id()] = base
            elif rnode.type() == kpex.RNode.PolygonPort:
                names[rnode.object_id()] = port_node[(rnode.layer(), rnode.port_index())]
            else:
                names[rnode.object_id()] = f"{base}_n{index}"
        for element in network.each_element():
            a, b = names[element.a().object_id()], names[element.b().object_id()]
            if a != b:
                lines.append(f"R{len(lines) + 1} {a} {b} {max(element.resistance(), 1e-3):.4g}")
        for key, (name, _, _) in groups.items():
            for owner in owners[key]:
                terminal_node[owner] = name
    return lines, terminal_node


def run_pex(
    gds: str | Path,
    out_spice: str | Path,
    cell: str | None = None,
    with_r: bool = False,
    schematic: str | Path | None = None,
) -> PexResult:
    """Extract ``cell`` of ``gds`` with parasitic capacitance into ``out_spice``.

    The subcircuit takes the cell's name; its ports follow the schematic
    subcircuit of that name (``schematic``, or the .spice file beside the
    layout), else the labelled nets in name order.
    """
    ex = extract(gds, cell, flat=True)
    if ex.errors:
        raise LogsgdError(f"cannot extract {ex.top_cell.name}: {ex.errors[0]}")
    circuit = ex.top_circuit
    if circuit is None:
        raise LogsgdError(f"nothing extracted from cell {ex.top_cell.name}")
    ex.netlist.make_top_level_pins()
    warnings: list[str] = []
    substrate = _substrate_cluster(ex, circuit)
    if schematic is None:
        sibling = Path(gds).with_suffix(".spice")
        if sibling.is_file() and sibling.resolve() != Path(out_spice).resolve():
            schematic = sibling
    ports = schematic_ports(schematic, ex.top_cell.name) if schematic is not None else None
    if ports is None:
        ports = sorted({_labels(net)[0] for net in circuit.each_net() if net.name})
    node = _node_names(circuit, ports)
    missing = [port for port in ports if port not in node.values()]
    if missing:
        warnings.append(f"ports without a labelled net in the layout (left open): {', '.join(missing)}")
    display = dict(node)
    if substrate is not None and node[substrate] not in set(ports):
        node[substrate] = GROUND

    ground, coupling = capacitances(ex, circuit)
    resistor_lines: list[str] = []
    terminal_node: dict[tuple[int, str], str] = {}
    if with_r:
        resistor_lines, terminal_node = _resistances(ex, circuit, node)
    device_lines = _device_lines(circuit, node, terminal_node)
    sub_node = node[substrate] if substrate is not None else GROUND

    cap_lines = []
    totals: dict[str, float] = defaultdict(float)
    for cluster, cap in sorted(ground.items(), key=lambda kv: node[kv[0]]):
        totals[display[cluster]] += cap
        if cap >= MIN_CAP_F and node[cluster] != sub_node:
            cap_lines.append(f"CG{len(cap_lines) + 1} {node[cluster]} {sub_node} {cap:.4g}")
    for (a, b), cap in sorted(coupling.items(), key=lambda kv: (node[kv[0][0]], node[kv[0][1]])):
        totals[display[a]] += cap
        totals[display[b]] += cap
        if cap >= MIN_CAP_F:
            cap_lines.append(f"CC{len(cap_lines) + 1} {node[a]} {node[b]} {cap:.4g}")

    name = ex.top_cell.name
    header = [f"* {name}: extracted by logsgd pex from {Path(gds).name}", "* total capacitance per net (F):"]
    header += [f"*   {net} {cap:.4g}" for net, cap in sorted(totals.items(), key=lambda kv: -kv[1])]
    body = [f".subckt {name} {' '.join(ports)}", *device_lines, *cap_lines, *resistor_lines, f".ends {name}"]
    out_path = write_text(out_spice, "\n".join(header + body) + "\n")
    return PexResult(
        out_path=out_path,
        net_caps_F=dict(totals),
        devices=len(device_lines),
        transistors=sum(1 for line in device_lines if line.startswith("XM")),
        subckt=name,
        ports=list(ports),
        ground_caps_F={display[c]: v for c, v in ground.items()},
        coupling_caps_F={(display[a], display[b]): v for (a, b), v in coupling.items()},
        resistors=len(resistor_lines),
        warnings=warnings,
    )
