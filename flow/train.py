"""Train the log-domain SGDr circuit in ngspice and compare it with ideal SGDr.

The testbench pulls the reference currents out of the cell's input pins
(ideal current sources: I_X = I_0 (b + x) and I_Y = I_0 (d + y) as
sample-and-hold PWL waveforms of period T, and the DC biases I_0, I_tau,
lambda I_tau), holds each weight's two read-out pins at ``SgdrDesign.wout_v`` and
measures the currents they sink, w = (I_wp - I_wn) / (2 I_0). Weights are read at the
end of each period (np.interp of the wrdata vectors). The ideal model gets
the same inputs and starts from the weights the circuit holds at t = 0.

Power is mean(VDD * (I_VDD + sum I_wp + I_wn)): the supply current plus the read-out
currents counted as if drawn from VDD (they are the only currents the
testbench's measuring sources supply).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from logsgd.cells.logdomain import SgdrDesign, sgdr_array, sgdr_pins, transistor_count
from logsgd.flow import ideal
from logsgd.flow.datasets import Dataset
from logsgd.flow.sim import Analysis, Result, Simulation, run, run_many
from logsgd.pdk.errors import LogsgdError
from logsgd.pdk.models import model_section

TOP = "sgdr_array"
EDGE_FRACTION = 0.004
"""Rise/fall time of the sample-and-hold input steps, as a fraction of T."""
READ_BEFORE_END_FRACTION = 0.002
"""Weights are read this fraction of T before each period ends (before the next edge)."""
MAX_STEP_FRACTION = 0.05
CELL_OPTIONS = ".options gmin=1e-15"
"""Options line of every testbench of ``sgdr_array`` (``testbench``), so that no analysis can miss it. ngspice puts gmin (1 pS by default) across every
MOS junction: 0.43 pA out of each drain on the weight capacitor (0.43 V) and 1.2 pA out of each on the
integrator's mirror input (1.2 V), which the mirror copies into the capacitor. That is ten times the
models' own junction leakage, and at eta = 0.02 (a gradient unit of about 1 nA) it charged the capacitor
with a net +3 pA: +0.009 on every weight of linear4 at its fixed point. 1 fS leaves 0.4 pA."""
TRAN_OPTIONS = ("method=gear", "reltol=1e-4", "abstol=1e-14", "vntol=1e-7")


@dataclass(frozen=True)
class TrainSetup:
    """One training run: data, hyper-parameters and operating conditions."""

    data: Dataset
    eta: float
    lam: float
    corner: str = "tt"
    temp_c: float = 27.0
    design: SgdrDesign = SgdrDesign()
    netlist_file: Path | None = None
    hold_s: float = 0.0
    seed: int = 0
    """Monte Carlo mismatch draw (with a ``_mm`` corner); 0 is the corner without mismatch."""

    def __post_init__(self) -> None:
        model_section(self.corner, self.seed)
        if self.eta < 0:
            raise LogsgdError(f"eta must be >= 0 (0 holds the weights), got {self.eta}")
        if self.lam < 0:
            raise LogsgdError(f"lambda must be >= 0, got {self.lam}")
        if np.max(np.abs(self.data.x)) > 1 or np.max(np.abs(self.data.y)) > 1:
            raise LogsgdError("features and target must lie in [-1, 1]")


def cell_netlist(setup: TrainSetup) -> str:
    """The DUT subcircuit text: generated, or read from ``--netlist``.

    A swapped-in netlist must define ``.subckt sgdr_array`` with the same
    pins and keep the weight-capacitor nets ``vc_1..vc_N``, which the
    testbench initialises with ``.ic``.
    """
    n = setup.data.x.shape[1]
    if setup.netlist_file is None:
        return sgdr_array(n, setup.design, TOP)
    path = Path(setup.netlist_file)
    if not path.is_file():
        raise LogsgdError(f"netlist not found: {path}")
    text = path.read_text()
    if f".subckt {TOP}".lower() not in text.lower():
        raise LogsgdError(f"{path}: no '.subckt {TOP}' in the netlist")
    return text


def readout_vectors(n: int) -> list[str]:
    """The testbench's read-out source currents, wp then wn for each weight."""
    return [f"i(vw{p}{i + 1})" for i in range(n) for p in ("p", "n")]


def _pwl(times: np.ndarray, values: np.ndarray) -> str:
    return " ".join(f"{t:.9g} {v:.9g}" for t, v in zip(times, values))


def _held_waveform(values: np.ndarray, period_s: float, edge_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Sample-and-hold breakpoints: values[k] from k T (+edge) to (k+1) T."""
    times, levels = [0.0], [values[0]]
    for k in range(1, len(values)):
        times += [k * period_s, k * period_s + edge_s]
        levels += [values[k - 1], values[k]]
    return np.array(times), np.array(levels)


@functools.lru_cache(maxsize=32)
def _unit_diode_curve(corner: str, temp_c: float) -> tuple[np.ndarray, np.ndarray]:
    """Gate voltage (V) and current (A) of a unit NMOS diode, without mismatch; kept per process."""
    from logsgd.cells.logdomain.blocks import N_UNIT_L_UM, N_UNIT_W_UM, NFET

    net = f"Xu g g 0 0 {NFET} w={N_UNIT_W_UM} l={N_UNIT_L_UM} nf=1\nvg g 0 0.3\n"
    res = run(Simulation(net, (Analysis("dc vg 0.1 0.7 0.002", ("i(vg)",)),), corner, temp_c))
    return res["scale"], -res["i(vg)"]


def state_gate_voltage(setup: TrainSetup, w=0.0):
    """Gate voltage of a unit NMOS diode carrying I_0 (a + w) (V): what the capacitor holds for weight w.

    The translinear blocks compare the capacitor with the diodes that carry
    I_0 and a I_0, so this places the weight near w; the exact weight is
    what the read-out pins report. ``w`` may be an array. The diode is drawn
    without mismatch (it only places the weight), so one simulation per
    corner and temperature serves every seed.
    """
    vg, current = _unit_diode_curve(model_section(setup.corner), setup.temp_c)
    gate_v = np.interp(np.log(setup.design.current_of_weight(np.asarray(w, dtype=float))), np.log(current), vg)
    return float(gate_v) if np.ndim(gate_v) == 0 else gate_v


SAMPLE_NODE = "sample"
"""In a ``by_sample`` testbench, the voltage on this node (driven by ``Vsample``) is the sample index."""


def _input_source(name: str, node: str, currents: np.ndarray, period_s: float, by_sample: bool) -> str:
    """A current source pulled out of ``node``: held for a period per sample, or a function of the sample index."""
    if by_sample and len(currents) == 1:
        return f"I{name} {node} 0 {currents[0]:.9g}"
    if by_sample:
        points = ", ".join(f"{k}, {c:.9g}" for k, c in enumerate(currents))
        return f"B{name} {node} 0 I=pwl(v({SAMPLE_NODE}), {points})"
    t, v = _held_waveform(currents, period_s, EDGE_FRACTION * period_s)
    return f"I{name} {node} 0 PWL({_pwl(t, v)})"


def testbench(setup: TrainSetup, cell: str, v_init: float, by_sample: bool = False) -> tuple[str, float]:
    """Testbench netlist and its stop time (s).

    With ``by_sample`` the inputs are not waveforms in time but functions of
    the voltage on SAMPLE_NODE (0 V) that take sample k's values at k volts, so that a DC
    sweep of ``Vsample`` visits every sample.
    """
    d, data = setup.design, setup.data
    n = data.x.shape[1]
    period = d.period_s(setup.eta)
    k = data.x.shape[0]
    stop = k * period + setup.hold_s
    i_tau = d.i_tau_a(setup.eta, setup.temp_c)
    lines = [cell, CELL_OPTIONS, f"Vdd vdd 0 {d.vdd_v}"]
    if by_sample:
        lines.append(f"V{SAMPLE_NODE} {SAMPLE_NODE} 0 0")
    for i in range(n):
        lines.append(_input_source(f"x{i + 1}", f"x{i + 1}", d.current_of_input(data.x[:, i]), period, by_sample))
        lines.append(f"Vwp{i + 1} wp{i + 1} 0 {d.wout_v}")
        lines.append(f"Vwn{i + 1} wn{i + 1} 0 {d.wout_v}")
        lines.append(f".ic v(xdut.vc_{i + 1})={v_init:.6f}")
    lines.append(_input_source("y", "y", d.current_of_target(data.y), period, by_sample))
    lines.append(f"Ii0 i0 0 {d.i0_a:.6g}")
    lines.append(f"Itau itau 0 {i_tau:.6g}")
    lines.append(f"Iltau iltau 0 {d.i_ltau_a(setup.eta, setup.lam, setup.temp_c):.6g}")
    pins = " ".join("0" if pin == "gnd" else pin for pin in sgdr_pins(n))
    lines.append(f"Xdut {pins} {TOP}")
    return "\n".join(lines), stop


@dataclass
class TrainResult:
    """Weights read at the end of each period (K, N), circuit and ideal, and the run's figures."""

    setup: TrainSetup
    times_s: np.ndarray
    w_circuit: np.ndarray
    w_ideal: np.ndarray
    w0: np.ndarray
    power_w: float
    sim_time_s: float
    transistors: int
    trace_t: np.ndarray
    trace_w: np.ndarray

    def summary(self) -> dict:
        """The JSON record of the run (keys fixed by issue 6)."""
        d = self.setup.design
        n = self.w_circuit.shape[1]
        k = self.w_circuit.shape[0]
        power_nw = self.power_w * 1e9
        return {
            "nmse_pct": ideal.nmse_pct(self.w_circuit, self.w_ideal),
            "weight_bits": ideal.weight_bits(self.w_circuit, self.w_ideal),
            "power_nW": power_nw,
            "power_nW_per_weight": power_nw / n,
            "energy_per_update_pJ": self.power_w * d.period_s(self.setup.eta) / n * 1e12,
            "sample_period_s": d.period_s(self.setup.eta),
            "weights_final": [float(v) for v in self.w_circuit[-1]],
            "weights_ideal_final": [float(v) for v in self.w_ideal[-1]],
            "samples": k,
            "corner": self.setup.corner,
            "seed": self.setup.seed,
            "temp_C": self.setup.temp_c,
            "sim_time_s": self.sim_time_s,
            "dataset": self.setup.data.name,
            "features": n,
            "eta": self.setup.eta,
            "lambda": self.setup.lam,
            "transistors": self.transistors,
        }


@dataclass(frozen=True)
class PreparedRun:
    """A training testbench ready for ngspice, with what is needed to read it back."""

    setup: TrainSetup
    simulation: Simulation
    transistors: int
    label: str


def prepare(setup: TrainSetup) -> PreparedRun:
    """Build the training testbench (runs one short DC sweep to place the initial weights near 0)."""
    d, data = setup.design, setup.data
    n, k = data.x.shape[1], data.x.shape[0]
    period = d.period_s(setup.eta)
    cell = cell_netlist(setup)
    net, stop = testbench(setup, cell, state_gate_voltage(setup))
    vectors = ("i(vdd)", *readout_vectors(n))
    sim = Simulation(
        net,
        (Analysis(f"tran {period / 50:.6g} {stop:.9g} 0 {MAX_STEP_FRACTION * period:.6g}", vectors),),
        setup.corner,
        setup.temp_c,
        options=TRAN_OPTIONS,
        timeout_s=7200.0,
        seed=setup.seed,
    )
    seed = f" seed {setup.seed}" if setup.seed else ""
    label = (f"train {data.name} N={n} K={k} eta={setup.eta:g} lambda={setup.lam:g} "
             f"{setup.corner}{seed}/{setup.temp_c:g}C")
    return PreparedRun(setup, sim, transistor_count(cell, TOP), label)


def finish(prepared: PreparedRun, res: Result, elapsed_s: float) -> TrainResult:
    """Read the weights at the end of each period and run ideal SGDr on the same inputs."""
    setup = prepared.setup
    d, data = setup.design, setup.data
    n, k = data.x.shape[1], data.x.shape[0]
    period = d.period_s(setup.eta)
    t = res["scale"]
    i_w = np.column_stack([-res[v] for v in readout_vectors(n)])
    w_trace = d.weight_of_readout(i_w[:, 0::2], i_w[:, 1::2])
    reads = (np.arange(1, k + 1) - READ_BEFORE_END_FRACTION) * period
    w_c = np.column_stack([np.interp(reads, t, w_trace[:, i]) for i in range(n)])
    w0 = np.array([np.interp(0.0, t, w_trace[:, i]) for i in range(n)])
    w_i = ideal.sgdr_continuous(data.x, data.y, setup.eta, setup.lam, w0)
    i_supply = -res["i(vdd)"] + i_w.sum(axis=1)
    power = float(np.trapezoid(d.vdd_v * i_supply, t) / (t[-1] - t[0]))
    return TrainResult(setup, reads, w_c, w_i, w0, power, elapsed_s, prepared.transistors, t, w_trace)


def train(setup: TrainSetup, show_progress: bool = False, cancel: threading.Event | None = None) -> TrainResult:
    """Run the training transient and compare it with continuous ideal SGDr (``cancel`` stops ngspice)."""
    from logsgd.flow.progress import progress

    prepared = prepare(setup)
    start = time.monotonic()
    if show_progress:
        with progress(prepared.label):
            res = run(prepared.simulation, cancel)
    else:
        res = run(prepared.simulation, cancel)
    return finish(prepared, res, time.monotonic() - start)


def train_many(setups: list[TrainSetup], workers: int = 2, on_done: Callable[[int], None] | None = None) -> list[TrainResult]:
    """Several training runs in parallel ngspice processes (``run_many``); sim_time_s is the batch wall time."""
    prepared = [prepare(s) for s in setups]
    start = time.monotonic()
    results = run_many([p.simulation for p in prepared], workers=workers, on_done=on_done)
    elapsed = time.monotonic() - start
    return [finish(p, r, elapsed) for p, r in zip(prepared, results)]


def plot(result: TrainResult, path: Path) -> None:
    """Weights against the sample index, circuit (solid) and ideal (dashed)."""
    from matplotlib.figure import Figure

    from logsgd.flow.files import atomic_path

    # A bare Figure (no pyplot state), so that two flow stages may plot at once.
    k = np.arange(1, result.w_circuit.shape[0] + 1)
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    for i in range(result.w_circuit.shape[1]):
        line, = ax.plot(k, result.w_circuit[:, i], label=f"w{i + 1} circuit")
        ax.plot(k, result.w_ideal[:, i], "--", color=line.get_color(), label=f"w{i + 1} ideal")
    s = result.summary()
    ax.set_xlabel("sample")
    ax.set_ylabel("weight")
    ax.set_title(f"{s['dataset']} eta={s['eta']:g} lambda={s['lambda']:g} {s['corner']}/{s['temp_C']:g}C: "
                 f"nmse {s['nmse_pct']:.3f} %, {s['weight_bits']:.1f} bits", fontsize=9)
    ax.legend(fontsize=7, ncol=2)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120)
