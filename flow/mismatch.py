"""Which devices' mismatch moves the learned weights: a DC match analysis of ``sgdr_array``.

Each MOS device gets a source in series with its gate. The gate offset
that the SKY130 mismatch models give a device of its model and size
(``gate_offset_sigmas``: many copies of it in one Monte Carlo run, each
read at one current density) is applied to one device at a time, with
every weight capacitor held at ideal SGDr's fixed point w*. The change in
the mean charge current and in the read-out, through the fixed point's
Jacobian, gives the shift of the circuit's fixed point per standard
deviation of that device. Independent devices add in quadrature, so the
predicted spread of a weight is the root sum of squares (ngspice has no
``dcmatch``; this is its linearised equivalent on the static fixed point).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from logsgd.cells.logdomain import SgdrDesign, sgdr_array
from logsgd.cells.pnr.netlist import Device, flat_netlist
from logsgd.cells.spice import mim, mos
from logsgd.flow.datasets import Dataset
from logsgd.flow.fixed_point import (
    STEP_W,
    charge_and_reads,
    held_vectors,
    hold_commands,
    ideal_fixed_point,
    newton_step,
    sample_sweep,
    sweep_at_samples,
)
from logsgd.flow.sim import Analysis, Simulation, run_many
from logsgd.flow.train import TOP, TrainSetup, state_gate_voltage, testbench
from logsgd.pdk.errors import LogsgdError
from logsgd.pdk.models import DEVICES, check_corner, has_mismatch

SQUARE_CURRENT_A = 5e-9
"""Current per square (W/L) at which a device's gate offset is read: I_0 = 40 nA in a unit 8/1 NMOS."""
GATE_SWEEP_V = (0.05, 0.85, 0.01)
"""|V_GS| sweep of the copies (start, stop, step, V): spans weak inversion for every device the cell uses."""
MISMATCH_SEED = 1
GEOMETRIES_PER_RUN = 4
"""Geometries per ngspice run: each analysis re-runs the sweep of every copy in its run."""
RUNS_PER_WORKER = 3
"""The devices are split over this many ngspice runs per worker, so that progress shows and the runs end together."""


@dataclass(frozen=True)
class Geometry:
    """A MOS model and size (µm): what the mismatch models key on."""

    model: str
    w_um: float
    l_um: float
    nf: int

    def label(self) -> str:
        return f"{self.model} {self.w_um * self.nf:g}/{self.l_um:g} nf={self.nf}"


def geometry(device: Device) -> Geometry:
    return Geometry(device.model, device.w_um, device.l_um, device.nf)


def _copies_deck(geoms: list[Geometry], copies: int, vdd: float) -> tuple[str, list[str]]:
    """``copies`` of each geometry, all gates on one swept |V_GS|, each drain on its own 0 V reading source."""
    lines = [f"Vdd vdd 0 {vdd:g}", "Vg vg 0 0", "Eg vgp 0 vdd vg 1"]
    vectors = []
    for j, g in enumerate(geoms):
        p = DEVICES[g.model].polarity == "p"
        for i in range(copies):
            name = f"{j}_{i}"
            gate, source, drain_v = ("vgp", "vdd", 0.0) if p else ("vg", "0", vdd / 2)
            lines.append(f"Vd{name} d{name} 0 {drain_v:g}")
            bulk = "vdd" if p else "0"
            lines.append(mos(f"m{name}", f"d{name}", gate, source, bulk, g.model, g.w_um, g.l_um, g.nf).line())
            vectors.append(f"i(vd{name})")
    return "\n".join(lines), vectors


def gate_offset_sigmas(geoms: list[Geometry], corner: str = "tt_mm", temp_c: float = 27.0,
                       copies: int = 100, seed: int = MISMATCH_SEED,
                       workers: int | None = None) -> dict[Geometry, float]:
    """Standard deviation (V) of each geometry's gate offset under ``corner``'s mismatch.

    Each copy's |V_GS| at SQUARE_CURRENT_A per square, interpolated in
    ln I; the spread over the copies is the gate-referred offset, with every
    mismatch parameter of the model in it (vth0, voff, mobility, ...).
    """
    if not has_mismatch(check_corner(corner)):
        raise LogsgdError(f"corner {corner!r} has no mismatch; use one of the _mm corners")
    if copies < 10:
        raise LogsgdError(f"need at least 10 copies per geometry, got {copies}")
    start, stop, step = GATE_SWEEP_V
    groups = [geoms[i:i + GEOMETRIES_PER_RUN] for i in range(0, len(geoms), GEOMETRIES_PER_RUN)]
    sims = []
    for group in groups:
        deck, vectors = _copies_deck(group, copies, 1.8)
        # one analysis per geometry: ngspice drops a save line of thousands of vectors
        sweeps = tuple(Analysis(f"dc Vg {start} {stop} {step}", tuple(vectors[j * copies:(j + 1) * copies]))
                       for j in range(len(group)))
        sims.append(Simulation(deck, sweeps, corner, temp_c, seed=seed))
    results = [a for r in run_many(sims, workers) for a in r.analyses]
    out = {}
    for j, g in enumerate(geoms):
        result = results[j]
        vgs = result["scale"]
        target = np.log(SQUARE_CURRENT_A * g.w_um * g.nf / g.l_um)
        offsets = []
        for i in range(copies):
            log_i = np.log(np.maximum(np.abs(result[f"i(vd{j % GEOMETRIES_PER_RUN}_{i})"]), 1e-18))
            if not log_i[0] < target < log_i[-1]:
                raise LogsgdError(f"{g.label()}: the |V_GS| sweep does not reach {SQUARE_CURRENT_A:g} A per square")
            offsets.append(np.interp(target, log_i, vgs))
        out[g] = float(np.std(offsets, ddof=1))
    return out


def _net(name: str) -> str:
    return name.replace("/", "_")


def flat_cell(n: int, design: SgdrDesign) -> tuple[str, list[Device]]:
    """``sgdr_array`` flattened, each MOS gate through ``Vmm<k>`` (0 V) and each capacitor node held by ``Vcap<i>``."""
    flat = flat_netlist(sgdr_array(n, design, TOP), TOP)
    lines = [f".subckt {TOP} {' '.join(flat.pins)}"]
    transistors = []
    for dev in flat.devices:
        nets = {t: _net(v) for t, v in dev.nets}
        if dev.kind == "mim":
            lines.append(mim(_net(dev.path), nets["TOP"], nets["BOT"], dev.w_um, dev.l_um).line())
            continue
        k = len(transistors)
        transistors.append(dev)
        lines.append(f"Vmm{k} mmg{k} {nets['G']} 0")
        lines.append(mos(_net(dev.path), nets["D"], f"mmg{k}", nets["S"], nets["B"], dev.model,
                         dev.w_um, dev.l_um, dev.nf).line())
    lines += [f"Vcap{i} vc_{i} gnd 0" for i in range(1, n + 1)]
    lines += [f".ends {TOP}", ""]
    return "\n".join(lines), transistors


@dataclass(frozen=True)
class DeviceShare:
    """One device: its gate offset sigma (V) and the fixed-point shift per sigma of each weight."""

    path: str
    geometry: Geometry
    sigma_v: float
    dw_per_sigma: np.ndarray

    @property
    def block(self) -> str:
        return self.path.rpartition("/")[0] or "(top)"


@dataclass(frozen=True)
class MismatchBudget:
    """Every device's share of the fixed point's mismatch spread."""

    w_ideal: np.ndarray
    w_nominal: np.ndarray
    devices: tuple[DeviceShare, ...]

    @property
    def sigma_w(self) -> np.ndarray:
        """Predicted standard deviation of each weight's fixed point (N,)."""
        return np.sqrt(np.sum([d.dw_per_sigma**2 for d in self.devices], axis=0))

    def by_block(self) -> list[tuple[str, np.ndarray]]:
        """Root-sum-square shift per block (instance path), largest first."""
        blocks: dict[str, float] = {}
        for d in self.devices:
            blocks[d.block] = blocks.get(d.block, 0.0) + d.dw_per_sigma**2
        return sorted(((b, np.sqrt(v)) for b, v in blocks.items()), key=lambda kv: -float(np.max(kv[1])))

    def ranked(self) -> list[DeviceShare]:
        return sorted(self.devices, key=lambda d: -float(np.max(np.abs(d.dw_per_sigma))))

    def summary(self, top: int | None = None) -> dict:
        """JSON record: totals, the ``top`` devices (all by default) and every block, largest first."""
        total = self.sigma_w
        return {
            "w_ideal": self.w_ideal.tolist(),
            "w_nominal": self.w_nominal.tolist(),
            "sigma_w": total.tolist(),
            "devices": [{"path": d.path, "device": d.geometry.label(), "sigma_mV": 1e3 * d.sigma_v,
                         "dw_per_sigma": d.dw_per_sigma.tolist(),
                         "variance_share": float(np.max(d.dw_per_sigma**2 / total**2))}
                        for d in self.ranked()[:top]],
            "blocks": [{"block": b, "sigma_w": s.tolist(), "variance_share": float(np.max(s**2 / total**2))}
                       for b, s in self.by_block()],
        }


def _sweeps(k: int, holds: list[tuple[str, ...]], offsets: list[tuple[int, float]]) -> list[Analysis]:
    """Held sweeps at each hold, then at the first hold (w*) with each (device, offset) applied alone."""
    vectors = held_vectors(len(holds) - 1)
    analyses = [Analysis(sample_sweep(k), vectors, h) for h in holds]
    previous = None
    for dev, volts in offsets:
        reset = (f"alter v.xdut.vmm{previous} dc=0",) if previous is not None else ()
        analyses.append(Analysis(sample_sweep(k), vectors, holds[0] + reset + (f"alter v.xdut.vmm{dev} dc={volts:.6g}",)))
        previous = dev
    return analyses


def check_request(n: int, eta: float, corner: str, design: SgdrDesign, only: list[str] | None) -> None:
    """LogsgdError for a request the budget cannot answer, before any simulation."""
    if eta <= 0:
        raise LogsgdError(f"the mismatch budget needs a learning rate > 0, got eta = {eta}")
    check_corner(corner)
    if only is not None:
        unknown = sorted(set(only) - {m.path for m in flat_cell(n, design)[1]})
        if unknown:
            raise LogsgdError(f"no MOS device {unknown[0]!r} in sgdr_array (paths look like xw1/xint/xmi)")


def mismatch_budget(data: Dataset, eta: float, lam: float, design: SgdrDesign | None = None,
                    corner: str = "tt", temp_c: float = 27.0, copies: int = 100,
                    workers: int | None = None, only: list[str] | None = None,
                    on_done: Callable[[int, int], None] | None = None) -> MismatchBudget:
    """Each device's fixed-point shift per sigma of its gate offset (module notes).

    ``corner`` may name the base corner or its ``_mm`` twin: the sigmas come
    from the ``_mm`` one, the sweeps run on the base one. ``only`` limits the
    devices (flat paths such as ``xw1/xint/xmi``); ``on_done(done, total)``
    reports finished ngspice runs.
    """
    d = design or SgdrDesign()
    k, n = data.x.shape
    check_request(n, eta, corner, d, only)
    base = corner.removesuffix("_mm")
    cell, transistors = flat_cell(n, d)
    chosen = [i for i, m in enumerate(transistors) if only is None or m.path in only]
    geoms = sorted({geometry(transistors[i]) for i in chosen}, key=lambda g: g.label())
    sigmas = gate_offset_sigmas(geoms, f"{base}_mm", temp_c, copies, workers=workers)
    setup = TrainSetup(data, eta, lam, base, temp_c, d)
    w_star = ideal_fixed_point(data.x, data.y, lam)
    targets = np.array([w_star] + [w_star + STEP_W * np.eye(n)[j] for j in range(n)])
    holds = hold_commands(np.atleast_2d(state_gate_voltage(setup, targets)))
    net, _ = testbench(setup, cell, 0.0, by_sample=True)
    pieces = min(len(chosen), RUNS_PER_WORKER * (workers or os.cpu_count() or 1))
    chunks = [chosen[c::pieces] for c in range(pieces)]
    sims = [Simulation(net, tuple(_sweeps(k, holds, [(i, sigmas[geometry(transistors[i])]) for i in chunk])),
                       base, temp_c) for chunk in chunks]
    results = run_many(sims, workers, None if on_done is None else lambda done: on_done(done, len(sims)))
    held = [charge_and_reads(sweep_at_samples(r, k), n, d) for r in results[0].analyses[: n + 1]]
    charge = np.array([h[0] for h in held])
    reads = np.array([h[1] for h in held])
    # the read-out's change per unit of charge current along the fixed point's Jacobian, as newton_step uses it
    per_charge = (reads[1:] - reads[0]).T @ np.linalg.inv((charge[1:] - charge[0]).T)
    shares = []
    for chunk, result in zip(chunks, results):
        f0, r0 = charge_and_reads(sweep_at_samples(result.analyses[0], k), n, d)
        for i, analysis in zip(chunk, result.analyses[n + 1:]):
            f, r = charge_and_reads(sweep_at_samples(analysis, k), n, d)
            g = geometry(transistors[i])
            shares.append(DeviceShare(transistors[i].path, g, sigmas[g], (r - r0) - per_charge @ (f - f0)))
    w_nominal = newton_step(reads, charge)
    return MismatchBudget(w_star, w_nominal, tuple(sorted(shares, key=lambda s: s.path)))


def _fmt(values) -> str:
    return " ".join(f"{x:+.4f}" for x in values)


def markdown(budget: MismatchBudget, title: str, top: int = 15) -> str:
    """The budget as a report: totals, the ``top`` devices and the blocks that hold 99 % of the variance."""
    s = budget.summary(top)
    n = len(s["sigma_w"])
    lines = [
        f"# Mismatch budget: {title}",
        "",
        ("Fixed-point shift of each weight per standard deviation of one device's gate offset, "
         "the others nominal; devices add in quadrature."),
        "",
        f"- ideal SGDr fixed point w*: {_fmt(s['w_ideal'])}",
        f"- circuit fixed point without mismatch: {_fmt(s['w_nominal'])}",
        f"- predicted sigma of the circuit's fixed point: {' '.join(f'{x:.4f}' for x in s['sigma_w'])}",
        "",
        "| device | model W/L | sigma (mV) | dw per sigma | variance share |",
        "|---|---|---|---|---|",
    ]
    for d in s["devices"]:
        lines.append(f"| {d['path']} | {d['device']} | {d['sigma_mV']:.2f} | {_fmt(d['dw_per_sigma'])} "
                     f"| {100 * d['variance_share']:.1f} % |")
    lines += ["", "| block | sigma_w | variance share |", "|---|---|---|"]
    held = 0.0
    for b in s["blocks"]:
        if held >= 0.99:
            break
        held += b["variance_share"]
        lines.append(f"| {b['block']} | {_fmt(b['sigma_w'])} | {100 * b['variance_share']:.1f} % |")
    lines.append("")
    if n > 1:
        lines.append("Variance shares are those of the weight where the device weighs most.")
    return "\n".join(lines)
