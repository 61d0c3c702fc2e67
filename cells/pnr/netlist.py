"""SPICE subcircuit hierarchies of SKY130 devices, parsed and flattened for place and route.

Leaves are ``X.. d g s b sky130_fd_pr__{n,p}fet_01v8[_lvt] w= l= nf=``
(``w`` the total width in µm) and ``X.. c0 c1 sky130_fd_pr__cap_mim_m3_1
w= l=``; every other ``X`` line calls a ``.subckt`` of the same text.
Names are case-insensitive, as in SPICE: nets and subcircuits are kept in
lower case, except the top cell's pins, which keep their spelling for the
layout labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from logsgd.pdk.errors import LogsgdError
from logsgd.pdk.layers import on_grid
from logsgd.pdk.models import DEVICES
from logsgd.pdk.rules import rule

MIM_MODEL = "sky130_fd_pr__cap_mim_m3_1"
MOS_MODELS = {d.model: name for name, d in DEVICES.items()}
"""SKY130 transistor subcircuit name -> project device name (``nfet_01v8`` ...)."""

MAX_DEPTH = 32
"""Deepest subcircuit nesting accepted (guards against recursive definitions)."""


class NetlistError(LogsgdError):
    """The SPICE text cannot be laid out: syntax, unknown model, bad parameter or pin count."""


@dataclass(frozen=True)
class Subckt:
    """One ``.subckt``: name, pins and its ``X`` lines as token lists."""

    name: str
    pins: tuple[str, ...]
    calls: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Device:
    """A flattened leaf device.

    ``kind`` is "mos", "mim", "block" (a subcircuit laid out on its own) or
    "matched" (transistors merged by ``logsgd.cells.pnr.match``); ``model``
    the project device name (``nfet_01v8`` ...), ``cap_mim_m3_1`` or the
    block's subcircuit; ``nets`` maps terminals (D G S B, TOP BOT, DA GA ...
    S B, or the block's pins) to flat net names; ``w_um`` is the width per
    finger (MOS) or the capm width, ``l_um`` the length, ``nf`` the finger
    count (per unit for "matched").
    """

    path: str
    kind: str
    model: str
    nets: tuple[tuple[str, str], ...]
    w_um: float
    l_um: float
    nf: int
    pattern: str = ""
    """Unit order of a "matched" group (letters A-D, one letter per unit of ``nf`` fingers)."""

    def net(self, terminal: str) -> str:
        return dict(self.nets)[terminal]


@dataclass(frozen=True)
class FlatNetlist:
    """The top cell's pins (as spelled) and every leaf device with flat net names."""

    top: str
    pins: tuple[str, ...]
    devices: tuple[Device, ...]


def _logical_lines(text: str) -> list[str]:
    """Lines with ``+`` continuations joined and comments dropped."""
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.split("$")[0].rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("*"):
            continue
        if stripped.startswith("+"):
            if not out:
                raise NetlistError("SPICE text starts with a '+' continuation line")
            out[-1] += " " + stripped[1:]
        else:
            out.append(stripped)
    return out


def parse_spice(text: str) -> dict[str, Subckt]:
    """Every ``.subckt`` of ``text`` by lower-case name."""
    subckts: dict[str, Subckt] = {}
    current: tuple[str, tuple[str, ...], list[tuple[str, ...]]] | None = None
    for line in _logical_lines(text):
        words = line.split()
        head = words[0].lower()
        if head == ".subckt":
            if current is not None:
                raise NetlistError(f".subckt {current[0]} has no .ends before .subckt {words[1:2]}")
            if len(words) < 2:
                raise NetlistError(".subckt without a name")
            pins = tuple(w for w in words[2:] if "=" not in w and w.lower() != "params:")
            current = (words[1], pins, [])
        elif head == ".ends":
            if current is None:
                raise NetlistError(".ends without .subckt")
            name, pins, calls = current
            subckts[name.lower()] = Subckt(name, pins, tuple(calls))
            current = None
        elif current is not None:
            if head.startswith("x"):
                current[2].append(tuple(words))
            elif not head.startswith("."):
                raise NetlistError(f"subckt {current[0]}: only X calls can be laid out, got {words[0]!r}")
    if current is not None:
        raise NetlistError(f".subckt {current[0]} has no .ends")
    return subckts


def _params(call: tuple[str, ...], where: str) -> dict[str, float]:
    out = {}
    for word in call[1:]:
        if "=" in word:
            key, _, value = word.partition("=")
            try:
                out[key.lower()] = float(value)
            except ValueError:
                raise NetlistError(f"{where}: parameter {word!r} is not a number in µm") from None
    return out


def _leaf(call: tuple[str, ...], model: str, nets: list[str], path: str) -> Device:
    p = _params(call, path)
    unknown = set(p) - {"w", "l", "nf", "m"}
    if unknown:
        raise NetlistError(f"{path}: unsupported parameter {sorted(unknown)[0]}=")
    if p.get("m", 1) != 1:
        raise NetlistError(f"{path}: m= other than 1 is not laid out; write the devices out")
    if "w" not in p or "l" not in p:
        raise NetlistError(f"{path}: {model} needs w= and l=")
    if model == MIM_MODEL:
        if len(nets) != 2:
            raise NetlistError(f"{path}: {model} takes 2 pins, got {len(nets)}")
        if not (on_grid(p["w"]) and on_grid(p["l"])):
            raise NetlistError(f"{path}: MIM w={p['w']:g} l={p['l']:g} must be on the 0.005 µm grid")
        if min(p["w"], p["l"]) < rule("capm.1"):
            raise NetlistError(f"{path}: MIM w={p['w']:g} l={p['l']:g} is below the capm.1 minimum "
                               f"{rule('capm.1'):g} µm")
        return Device(path, "mim", "cap_mim_m3_1", (("TOP", nets[0]), ("BOT", nets[1])), p["w"], p["l"], 1)
    if len(nets) != 4:
        raise NetlistError(f"{path}: {model} takes 4 pins (d g s b), got {len(nets)}")
    nf = p.get("nf", 1)
    if nf != int(nf) or nf < 1:
        raise NetlistError(f"{path}: nf={nf:g} must be a positive integer")
    nf = int(nf)
    w_finger = round(p["w"] / nf, 6)
    if not on_grid(w_finger) or not on_grid(p["l"]):
        raise NetlistError(f"{path}: w/nf={w_finger:g} and l={p['l']:g} must be on the 0.005 µm grid")
    nets_by = tuple(zip(("D", "G", "S", "B"), nets))
    return Device(path, "mos", MOS_MODELS[model], nets_by, w_finger, p["l"], nf)


def flatten(subckts: dict[str, Subckt], top: str, blocks: frozenset[str] = frozenset()) -> FlatNetlist:
    """Every leaf device under ``top`` with nets named ``inst/inst/net`` below the top level.

    A call of a subcircuit named in ``blocks`` (lower case) stays one
    device of kind "block" whose terminals are the subcircuit's pins.
    """
    if top.lower() not in subckts:
        known = ", ".join(s.name for s in subckts.values()) or "none"
        raise NetlistError(f"no .subckt {top!r} in the SPICE text (subcircuits: {known})")
    root = subckts[top.lower()]
    devices: list[Device] = []

    def walk(sub: Subckt, prefix: str, binding: dict[str, str], depth: int) -> None:
        if depth > MAX_DEPTH:
            raise NetlistError(f"subcircuit nesting deeper than {MAX_DEPTH} at {prefix} (recursive?)")
        for call in sub.calls:
            words = [w for w in call if "=" not in w]
            if len(words) < 2:
                raise NetlistError(f"{sub.name}: call {call[0]} names no subcircuit")
            model = words[-1].lower()
            path = f"{prefix}{call[0].lower()}"
            nets = [binding.get(w.lower(), f"{prefix}{w.lower()}") for w in words[1:-1]]
            if model in MOS_MODELS or model == MIM_MODEL:
                devices.append(_leaf(call, model, nets, path))
            elif model in subckts:
                child = subckts[model]
                if len(child.pins) != len(nets):
                    raise NetlistError(
                        f"{path}: {child.name} has {len(child.pins)} pins, the call gives {len(nets)}")
                if model in blocks:
                    devices.append(Device(path, "block", model, tuple(zip(child.pins, nets)), 0.0, 0.0, 1))
                    continue
                walk(child, f"{path}/", {p.lower(): n for p, n in zip(child.pins, nets)}, depth + 1)
            else:
                raise NetlistError(f"{path}: {words[-1]} is neither a SKY130 device nor a .subckt")

    walk(root, "", {p.lower(): p.lower() for p in root.pins}, 0)
    if not devices:
        raise NetlistError(f"subcircuit {root.name} contains no devices")
    _check_bulks(devices)
    return FlatNetlist(root.name, root.pins, tuple(devices))


def _check_bulks(devices: list[Device]) -> None:
    """All NMOS bulks on one net (the substrate joins every p-tap) and all PMOS bulks on one
    net (the PMOS rows share one n-well)."""
    for polarity, well in (("n", "substrate"), ("p", "n-well")):
        bulks = {d.net("B") for d in devices if d.kind == "mos" and DEVICES[d.model].polarity == polarity}
        if len(bulks) > 1:
            raise NetlistError(f"{polarity}fet bulks are on nets {', '.join(sorted(bulks))}; "
                               f"the layout has one {well}, so they must share one net")


def flat_netlist(spice: str, top: str, blocks: frozenset[str] = frozenset()) -> FlatNetlist:
    """Parse ``spice`` and flatten subcircuit ``top``, keeping calls of ``blocks`` whole."""
    return flatten(parse_spice(spice), top, blocks)
