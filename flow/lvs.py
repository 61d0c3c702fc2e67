"""Layout versus schematic on KLayout's NetlistComparer.

The layout is extracted by ``logsgd.flow.extract``; the schematic is a
SPICE file whose SKY130 device calls (``X.. d g s b sky130_fd_pr__nfet_01v8
w= l= nf=``, ``X.. c0 c1 sky130_fd_pr__cap_mim_m3_1 w= l=``) are read as
devices. Both netlists are flattened into their top circuit and parallel
devices (fingers) are combined the same way before the comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from logsgd.flow.extract import MIM_MODEL, MIM_TERMINALS, MOS_MODELS, extract, mim_class
from logsgd.flow.files import atomic_path, require_file
from logsgd.pdk.errors import LogsgdError

W_TOLERANCE_UM = 0.001
"""Absolute tolerance on W and L when comparing device parameters (µm)."""

MOS_PINS = ("D", "G", "S", "B")
"""Terminal order of a SKY130 transistor call."""


@dataclass
class LvsResult:
    """Outcome of one LVS run; device and net counts are after combining fingers."""

    match: bool
    devices_layout: int
    devices_schematic: int
    nets_layout: int
    nets_schematic: int
    mismatches: list[str] = field(default_factory=list)
    report_path: Path | None = None

    def to_json(self) -> dict:
        return {
            "match": self.match,
            "devices_layout": self.devices_layout,
            "devices_schematic": self.devices_schematic,
            "nets_layout": self.nets_layout,
            "nets_schematic": self.nets_schematic,
            "mismatches": list(self.mismatches),
        }


def _um(value: float) -> float:
    """A SPICE length that may be written in metres (1e-6) or in µm (scale=1u)."""
    return value * 1e6 if 0 < abs(value) < 1e-3 else value


def _new_device_class(model: str):
    import klayout.db as kdb

    if model == MIM_MODEL:
        return mim_class()
    cls = kdb.DeviceClassMOS4Transistor()
    cls.name = model
    return cls


def _reader_delegate():
    import klayout.db as kdb

    models = {m.upper(): m for m in (*MOS_MODELS.values(), MIM_MODEL)}

    class Sky130Delegate(kdb.NetlistSpiceReaderDelegate):
        """Turns calls of SKY130 device subcircuits into MOS4 and MIM devices."""

        def __init__(self) -> None:
            super().__init__()
            self.classes: dict[str, kdb.DeviceClass] = {}

        def wants_subcircuit(self, name: str) -> bool:
            return name.upper() in models

        def element(self, circuit, element, name, model, value, nets, params) -> bool:
            if element != "X" or model.upper() not in models:
                return super().element(circuit, element, name, model, value, nets, params)
            model = models[model.upper()]
            is_mim = model == MIM_MODEL
            pins = MIM_TERMINALS if is_mim else MOS_PINS
            if len(nets) != len(pins):
                self.error(f"X{name}: {model} takes {len(pins)} pins, got {len(nets)}")
            if "W" not in params or "L" not in params:
                self.error(f"X{name}: {model} needs w= and l=")
            mult = int(round(params.get("M", 1.0)))
            w_um, l_um = _um(params["W"]), _um(params["L"])
            cls = self.classes.get(model)
            if cls is None:
                # One class per model: devices of different classes never combine.
                cls = self.classes[model] = _new_device_class(model)
                circuit.netlist().add(cls)
            copies = mult if is_mim else 1
            for i in range(copies):
                device = circuit.create_device(cls, name if i == 0 else f"{name}.{i}")
                for pin, net in zip(pins, nets):
                    device.connect_terminal(pin, net)
                device.set_parameter("W", w_um if is_mim else w_um * mult)
                device.set_parameter("L", l_um)
            return True

    return Sky130Delegate()


def read_schematic(spice: str | Path):
    """The schematic as a ``kdb.Netlist`` with SKY130 devices."""
    import klayout.db as kdb

    path = require_file(spice, "schematic")
    netlist = kdb.Netlist()
    netlist.case_sensitive = False
    try:
        netlist.read(str(path), kdb.NetlistSpiceReader(_reader_delegate()))
    except RuntimeError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise LogsgdError(f"cannot read schematic {path}: {message}") from None
    text = path.read_text(errors="replace")
    if not re.search(r"^\s*\.(include|lib)\b", text, re.IGNORECASE | re.MULTILINE):
        defined = {m.upper() for m in re.findall(r"^\s*\.subckt\s+(\S+)", text, re.IGNORECASE | re.MULTILINE)}
        for circuit in netlist.each_circuit():
            if circuit.name.split("(")[0].upper() not in defined:
                raise LogsgdError(
                    f"cannot read schematic {path}: it calls {circuit.name.split('(')[0]},"
                    " which is neither a SKY130 device nor a .subckt in the file"
                )
    return netlist


def _schematic_top(netlist, cell_name: str):
    circuit = netlist.circuit_by_name(cell_name)
    if circuit is not None:
        return circuit
    roots = [c for c in netlist.each_circuit() if not any(True for _ in c.each_ref())]
    if len(roots) == 1:
        return roots[0]
    names = ", ".join(c.name for c in roots) or "none"
    raise LogsgdError(f"schematic has no subcircuit {cell_name!r} (top-level: {names})")


def _prepare(netlist, top_name: str) -> None:
    """Keep only ``top_name`` with everything it calls flattened into it, then
    combine parallel devices and drop floating nets."""
    top = netlist.circuit_by_name(top_name)
    called: dict[str, object] = {}
    pending = [top]
    while pending:
        for child in pending.pop().each_child():
            if child.name not in called:
                called[child.name] = child
                pending.append(child)
    for circuit in list(netlist.each_circuit()):
        if circuit.name != top.name and circuit.name not in called:
            netlist.remove(circuit)
    for circuit in called.values():
        netlist.flatten_circuit(circuit)
    _drop_dummies(top)
    # Not Netlist.simplify: its purge_nets would drop a labelled net left
    # with only its pin, hiding an open.
    netlist.make_top_level_pins()
    netlist.combine_devices()
    for cls in netlist.each_device_class():
        if cls.name == MIM_MODEL:
            _orient_mim(netlist, cls)


def _drop_dummies(circuit) -> None:
    """Remove dummy transistors: gate on the bulk and drain on the source, so they conduct nothing.

    Matched rows end in such gates for their neighbourhood, not for the
    circuit. A real device shorted that way disappears too, and its
    schematic twin is then reported missing.
    """
    for device in list(circuit.each_device()):
        cls = device.device_class()
        if cls.name == MIM_MODEL:
            continue
        nets = {t.name: device.net_for_terminal(t.id()) for t in cls.terminal_definitions()}
        # net objects do not compare equal; expanded names are unique within the circuit
        name = {k: net.expanded_name() for k, net in nets.items() if net is not None}
        if len(name) == 4 and name.keys() == {"S", "D", "G", "B"} \
                and name["S"] == name["D"] and name["G"] == name["B"]:
            circuit.remove_device(device)


def _orient_mim(netlist, cls) -> None:
    """Give every MIM device W <= L: a rotated capacitor is the same capacitor."""
    for circuit in netlist.each_circuit():
        for device in circuit.each_device():
            if device.device_class().name != cls.name:
                continue
            w, l = device.parameter("W"), device.parameter("L")
            if w > l:
                device.set_parameter("W", l)
                device.set_parameter("L", w)


def _tolerances(netlist) -> None:
    import klayout.db as kdb

    for cls in netlist.each_device_class():
        cls.equal_parameters = kdb.EqualDeviceParameters(
            cls.parameter_id("W"), W_TOLERANCE_UM, 0.0
        ) + kdb.EqualDeviceParameters(cls.parameter_id("L"), W_TOLERANCE_UM, 0.0)


def _describe_device(device) -> str:
    if device is None:
        return "-"
    cls = device.device_class()
    nets = ",".join(
        f"{t.name}={device.net_for_terminal(t.id()).name if device.net_for_terminal(t.id()) else '?'}"
        for t in cls.terminal_definitions()
    )
    return f"{cls.name} W={device.parameter('W'):g} L={device.parameter('L'):g} ({nets})"


def _net_name(net) -> str:
    if net is None:
        return "-"
    return net.name or net.expanded_name()


def _mismatch_lines(lvs) -> list[str]:
    import klayout.db as kdb

    xref = lvs.xref()
    match = {kdb.NetlistCrossReference.Match, kdb.NetlistCrossReference.MatchWithWarning}
    lines: list[str] = []
    for pair in xref.each_circuit_pair():
        for dp in xref.each_device_pair(pair):
            # A device pair matched "with warning" is a topological match
            # whose W or L differ.
            if dp.status() == kdb.NetlistCrossReference.Match:
                continue
            first, second = dp.first(), dp.second()
            if first is None:
                lines.append(f"device missing from layout: {_describe_device(second)}")
            elif second is None:
                lines.append(f"device not in schematic: {_describe_device(first)}")
            else:
                same_size = all(
                    abs(first.parameter(p) - second.parameter(p)) <= W_TOLERANCE_UM for p in ("W", "L")
                )
                what = "connections" if same_size else "parameters"
                lines.append(
                    f"device {what} differ: layout {_describe_device(first)}"
                    f" vs schematic {_describe_device(second)}"
                )
        unmatched: dict[str, list[str]] = {}
        for np_ in xref.each_net_pair(pair):
            if np_.status() in match:
                continue
            first, second = np_.first(), np_.second()
            if first is not None and second is not None:
                lines.append(f"net {_net_name(first)} (layout) does not match net {_net_name(second)} (schematic)")
            else:
                side = "layout" if first is not None else "schematic"
                unmatched.setdefault(_net_name(first or second).upper(), []).append(side)
        for name, sides in sorted(unmatched.items()):
            where = "layout and schematic" if len(set(sides)) == 2 else f"{sides[0]} only"
            count = f" ({sides.count('layout')} nets in layout)" if sides.count("layout") > 1 else ""
            lines.append(f"net {name} unmatched ({where}){count}")
        for pp in xref.each_pin_pair(pair):
            if pp.status() in match:
                continue
            first = pp.first().name() if pp.first() else "-"
            second = pp.second().name() if pp.second() else "-"
            lines.append(f"pin mismatch: layout {first} vs schematic {second}")
    return lines


def _pin_names_must_match(comparer, layout_top, schematic_top) -> None:
    """Pair labelled nets by name: the comparer alone matches pins by topology only,
    so two swapped labels on interchangeable-looking nets would otherwise pass."""
    schematic_nets = {net.name.upper(): net for net in schematic_top.each_net() if net.name}
    for net in layout_top.each_net():
        other = schematic_nets.get(net.name.upper()) if net.name else None
        if other is not None:
            comparer.same_nets(layout_top, schematic_top, net, other, True)


def _unlabelled_ports(layout_top, schematic_top) -> list[str]:
    """Schematic ports that no layout label names: the comparer would pair them by
    topology alone, but nothing could connect to such a port."""
    if schematic_top is None:
        return []
    labels = set()
    for net in layout_top.each_net() if layout_top is not None else ():
        labels.update(part.upper() for part in net.name.split(",") if part)
    return [
        f"port {pin.name()} has no label in the layout"
        for pin in schematic_top.each_pin()
        if pin.name() and pin.name().upper() not in labels
    ]


def _count_nets(circuit) -> int:
    return sum(1 for _ in circuit.each_net()) if circuit else 0


def _count_devices(circuit) -> int:
    return sum(1 for _ in circuit.each_device()) if circuit else 0


def run_lvs(
    gds: str | Path,
    spice: str | Path,
    cell: str | None = None,
    report: str | Path | None = None,
) -> LvsResult:
    """Compare the layout ``cell`` of ``gds`` with the schematic ``spice``.

    ``report`` names a KLayout LVS database (.lvsdb) to write. Raises
    LogsgdError for a missing or unreadable file or an unknown cell.
    """
    import klayout.db as kdb

    schematic = read_schematic(spice)
    extraction = extract(gds, cell, for_lvs=True)
    lvs = extraction.l2n
    layout_netlist = extraction.netlist
    cell_name = extraction.top_cell.name
    schematic_name = _schematic_top(schematic, cell_name).name

    for netlist, top_name in ((layout_netlist, cell_name), (schematic, schematic_name)):
        _prepare(netlist, top_name)
        _tolerances(netlist)
    layout_top = layout_netlist.circuit_by_name(cell_name)
    schematic_top = schematic.circuit_by_name(schematic_name)

    comparer = kdb.NetlistComparer()
    if layout_top is not None and schematic_top is not None:
        comparer.same_circuits(layout_top, schematic_top)
        _pin_names_must_match(comparer, layout_top, schematic_top)
    lvs.reference = schematic
    compared = lvs.compare(comparer)

    devices_layout = _count_devices(layout_top)
    devices_schematic = _count_devices(schematic_top)
    mismatches = [f"layout: {error}" for error in extraction.errors]
    mismatches += _unlabelled_ports(layout_top, schematic_top) + _mismatch_lines(lvs)
    if devices_layout == 0:
        mismatches.insert(0, f"layout cell {cell_name} has no devices")
    if devices_schematic == 0:
        mismatches.insert(0, f"schematic {Path(spice).name} has no devices")
    if devices_layout != devices_schematic:
        mismatches.insert(0, f"device count: layout {devices_layout}, schematic {devices_schematic}")
    match = bool(compared) and devices_layout > 0 and devices_schematic > 0 and not mismatches
    if not match and not mismatches:
        mismatches.append("netlists differ (see the LVS report)")

    report_path = None
    if report is not None:
        with atomic_path(report) as tmp:
            lvs.write(str(tmp))
        report_path = Path(report)
    return LvsResult(
        match=match,
        devices_layout=devices_layout,
        devices_schematic=devices_schematic,
        nets_layout=_count_nets(layout_top),
        nets_schematic=_count_nets(schematic_top),
        mismatches=mismatches,
        report_path=report_path,
    )
