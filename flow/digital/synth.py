"""Synthesis of sgdr_unit onto sky130_fd_sc_hd cells with yosys, and its checks.

- ``synthesize``: yosys ``synth`` -> ``dfflibmap``/``abc`` with the generated
  Liberty (see ``liberty.py``) -> tie cells -> gate netlist (Verilog + JSON).
- ``simulate_weights``: Icarus Verilog runs the RTL or the gate netlist (with
  SkyWater's own functional cell models and UDPs) over a training set and
  returns the weights after each sample, for comparison with the Python model.
- ``formal_equivalence``: yosys ``equiv_make``/``equiv_induct`` proves the
  gate netlist equivalent to the RTL (SAT on the multiplier: minutes).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from logsgd.pdk.errors import LogsgdError

from .liberty import CELL_PREFIX, TIE_CELL, cell_info, liberty_text, sc_hd_root
from .model import DigitalParams, unsigned_word, weight_codes

TOP = "sgdr_unit"
LOG_TAIL_LINES = 12


class DigitalToolError(LogsgdError):
    """yosys or Icarus Verilog is missing or failed."""


@dataclass(frozen=True)
class Netlist:
    """A synthesized gate netlist: ports (bit ids, LSB first) and cell instances."""

    params: DigitalParams
    verilog: str
    ports: dict[str, list]
    cells: list[tuple[str, dict[str, object]]]

    @property
    def cell_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(t.removeprefix(CELL_PREFIX) for t, _ in self.cells).items()))

    @property
    def area_um2(self) -> float:
        """Sum of the LEF areas of all cell instances (no routing, no fill)."""
        return sum(cell_info(t.removeprefix(CELL_PREFIX)).area_um2 for t, _ in self.cells)

    @property
    def transistors(self) -> int:
        """Sum of the MOSFETs in the SPICE subcircuits of all cell instances."""
        return sum(cell_info(t.removeprefix(CELL_PREFIX)).transistors for t, _ in self.cells)

    @property
    def flip_flops(self) -> int:
        return sum(1 for t, _ in self.cells if cell_info(t.removeprefix(CELL_PREFIX)).ff)


def rtl_path() -> Path:
    """cells/digital/sgdr_unit.v, shipped as package data of logsgd.cells."""
    import logsgd.cells

    path = Path(logsgd.cells.__file__).resolve().parent / "digital" / "sgdr_unit.v"
    if not path.is_file():
        raise DigitalToolError(f"RTL not found: {path}")
    return path


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DigitalToolError(f"{name} not found on PATH: apt-get install {package}")
    return found


def _tail(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return " | ".join(lines[-LOG_TAIL_LINES:])


def _run(cmd: list[str], cwd: Path, what: str, timeout_s: float) -> str:
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout_s,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise DigitalToolError(f"{what} timed out after {timeout_s:g} s") from None
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise DigitalToolError(f"{what} failed (exit {proc.returncode}): {_tail(log)}")
    return log


def _chparam(p: DigitalParams) -> str:
    return "chparam " + " ".join(f"-set {k} {v}" for k, v in p.verilog_parameters().items()) + f" {TOP}"


def synthesize(p: DigitalParams, timeout_s: float = 600.0) -> Netlist:
    """Map sgdr_unit with parameters ``p`` onto the generated sky130_fd_sc_hd library."""
    import json

    yosys = _tool("yosys", "yosys")
    with tempfile.TemporaryDirectory(prefix="logsgd-synth-") as tmp:
        work = Path(tmp)
        (work / "cells.lib").write_text(liberty_text())
        (work / "synth.ys").write_text("\n".join([
            "read_liberty -lib cells.lib",
            f"read_verilog -sv {rtl_path()}",
            _chparam(p),
            f"synth -top {TOP} -flatten",
            "dfflibmap -liberty cells.lib",
            "abc -liberty cells.lib",
            "opt_clean -purge",
            f"hilomap -singleton -hicell {CELL_PREFIX}{TIE_CELL} HI -locell {CELL_PREFIX}{TIE_CELL} LO",
            "opt_clean -purge",
            "check -assert",
            "write_verilog -noattr gates.v",
            "write_json gates.json",
            "",
        ]))
        _run([yosys, "-q", "-s", "synth.ys"], work, "yosys synthesis", timeout_s)
        verilog = (work / "gates.v").read_text()
        module = json.loads((work / "gates.json").read_text())["modules"][TOP]
    ports = {name: port["bits"] for name, port in module["ports"].items()}
    cells = [(c["type"], {pin: bits[0] for pin, bits in c["connections"].items()})
             for _, c in sorted(module["cells"].items())]
    unknown = {t for t, _ in cells if not t.startswith(CELL_PREFIX)}
    if unknown:
        raise DigitalToolError(f"synthesis left unmapped cells: {', '.join(sorted(unknown))}")
    return Netlist(p, verilog, ports, cells)


def _testbench(p: DigitalParams, samples: int) -> str:
    """A Verilog bench: reset, then each sample for 2N clocks; prints the weights after each."""
    nb = p.features * p.bits
    return f"""`timescale 1ns / 1ps
module tb;
    reg clk = 0, rst = 1;
    reg [{nb - 1}:0] x = 0;
    reg [{p.bits - 1}:0] y = 0;
    wire [{nb - 1}:0] w;
    reg [{nb + p.bits - 1}:0] data [0:{samples - 1}];
    integer s, c;
    {TOP} #({", ".join(f".{k}({v})" for k, v in p.verilog_parameters().items())}) dut (
        .clk(clk), .rst(rst), .x(x), .y(y), .w(w));
    always #500 clk = ~clk;
    initial begin
        $readmemh("data.hex", data);
        repeat (2) @(posedge clk);
        #250 rst = 0;
        for (s = 0; s < {samples}; s = s + 1) begin
            {{y, x}} = data[s];
            for (c = 0; c < {p.cycles_per_sample}; c = c + 1) @(posedge clk);
            #250 $display("W %h", w);
        end
        $finish;
    end
endmodule
"""


def simulate_weights(design: str, p: DigitalParams, x_codes: np.ndarray, y_codes: np.ndarray,
                     net: Netlist | None = None, timeout_s: float = 600.0) -> np.ndarray:
    """Weight codes after each sample from Icarus Verilog, shape (samples, N).

    ``design`` is ``"rtl"`` (cells/digital/sgdr_unit.v) or ``"gates"`` (``net``
    with SkyWater's functional models of its cells, unit gate delays).
    """
    iverilog = _tool("iverilog", "iverilog")
    vvp = _tool("vvp", "iverilog")
    samples = len(y_codes)
    with tempfile.TemporaryDirectory(prefix="logsgd-vsim-") as tmp:
        work = Path(tmp)
        rows = []
        for xrow, yv in zip(np.asarray(x_codes).tolist(), np.asarray(y_codes).tolist()):
            word = unsigned_word(int(yv), p.bits)
            for xv in reversed(xrow):
                word = (word << p.bits) | unsigned_word(int(xv), p.bits)
            rows.append(f"{word:x}")
        (work / "data.hex").write_text("\n".join(rows) + "\n")
        (work / "tb.v").write_text(_testbench(p, samples))
        if design == "rtl":
            sources = [str(rtl_path())]
        elif design == "gates" and net is not None:
            (work / "gates.v").write_text(net.verilog)
            models = sorted({
                sc_hd_root() / "cells" / t.removeprefix(CELL_PREFIX).rsplit("_", 1)[0] / f"{t}.functional.v"
                for t, _ in net.cells
            })
            sources = [*map(str, models), "gates.v"]
        else:
            raise LogsgdError(f"design must be 'rtl' or 'gates' (with a netlist), got {design!r}")
        _run([iverilog, "-g2012", "-grelative-include", "-DUNIT_DELAY=#1", "-o", "sim.vvp", "tb.v", *sources],
             work, "iverilog", timeout_s)
        log = _run([vvp, "-n", "sim.vvp"], work, "vvp", timeout_s)
    words = re.findall(r"^W ([0-9a-fA-FxXzZ]+)$", log, flags=re.M)
    if len(words) != samples or any(re.search(r"[xXzZ]", w) for w in words):
        raise DigitalToolError(f"{design} simulation gave {len(words)} clean weight words for {samples} samples")
    width = p.features * p.bits
    bits = np.array([[(int(word, 16) >> j) & 1 for j in range(width)] for word in words], dtype=np.int64)
    return weight_codes(bits.reshape(len(words), width), p)


def formal_equivalence(net: Netlist, timeout_s: float = 3600.0) -> bool:
    """True when yosys proves the gate netlist equivalent to the RTL (equiv_induct)."""
    yosys = _tool("yosys", "yosys")
    with tempfile.TemporaryDirectory(prefix="logsgd-equiv-") as tmp:
        work = Path(tmp)
        (work / "cells.lib").write_text(liberty_text())
        (work / "gates.v").write_text(net.verilog)
        (work / "equiv.ys").write_text("\n".join([
            f"read_verilog -sv {rtl_path()}",
            _chparam(net.params),
            f"prep -top {TOP} -flatten",
            f"rename {TOP} gold",
            "design -stash gold",
            "read_liberty cells.lib",
            "read_verilog gates.v",
            f"prep -top {TOP} -flatten",
            f"rename {TOP} gate",
            "design -stash gate",
            "design -copy-from gold -as gold gold",
            "design -copy-from gate -as gate gate",
            "equiv_make gold gate equiv",
            "hierarchy -top equiv",
            "equiv_induct -seq 2",
            "equiv_status",
            "",
        ]))
        log = _run([yosys, "-s", "equiv.ys"], work, "yosys equivalence check", timeout_s)
    m = re.search(r"Of those cells (\d+) are proven and (\d+) are unproven", log)
    if not m:
        raise DigitalToolError(f"yosys equivalence check gave no status: {_tail(log)}")
    return int(m.group(2)) == 0 and int(m.group(1)) > 0
