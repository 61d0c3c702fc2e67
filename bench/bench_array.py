"""Layout of ``sgdr_array`` by place and route for N = 1, 2, 4, 8: area and power per weight, DRC, LVS.

Power per weight is measured post-layout: the extracted netlist of each N
trains for ``POWER_SAMPLES`` samples of a synthetic N-feature data set
(eta = 0.05, lambda = 0.01, tt, 27 °C), and the mean supply power is
divided by N.

Also, for N = 1, the post-layout check: the extracted netlist (``run_pex``)
and the schematic, with the supply and reference currents of the training
testbench, simulated over one sample period from the same initial weight
and at the DC operating point with the weights held; the state current I_W
and the supply current must agree.
"""

from __future__ import annotations

import tempfile
import time
import types
from pathlib import Path

from logsgd.cells.logdomain import sgdr_pins

FEATURES = (1, 2, 4, 8)
POWER_SAMPLES = 20
ETA = 0.05
"""Learning rate of the power runs and of the N = 1 post-layout check."""
POWER_WEIGHTS = (0.4, -0.3, 0.2, -0.1)
OP_OPTIONS = ("rshunt=1e12",)
"""The weight capacitor node has no DC path with eta = 0; a 1 TOhm shunt on every node gives it one."""


def _timed(action):
    start = time.perf_counter()
    value = action()
    return value, round(time.perf_counter() - start, 2)


def _array(n: int, out: Path) -> dict:
    from logsgd.cells.logdomain import transistor_count
    from logsgd.cells.sgdr_layout import TOP, sgdr_array_cell
    from logsgd.flow.drc import run_drc
    from logsgd.flow.lvs import run_lvs

    cell, build_s = _timed(lambda: sgdr_array_cell(n))
    gds, spice = cell.write(out / f"n{n}")
    box = cell.component.dbbox()
    area = box.width() * box.height()
    drc, drc_s = _timed(lambda: run_drc(gds))
    lvs, lvs_s = _timed(lambda: run_lvs(gds, spice))
    power, power_s = _timed(lambda: _postlayout_power(n, gds, spice))
    return {
        **power,
        "transistors": transistor_count(cell.spice, TOP),
        "width_um": round(box.width(), 3),
        "height_um": round(box.height(), 3),
        "area_um2": round(area, 1),
        "area_um2_per_weight": round(area / n, 1),
        "drc_violations": drc.violations,
        "drc_by_rule": drc.by_rule,
        "lvs_match": lvs.match,
        "lvs_mismatches": lvs.mismatches[:5],
        "runtime_s": {"build": build_s, "drc": drc_s, "lvs": lvs_s, "pex_and_power": power_s},
    }


def _scaling_data(n: int):
    """``POWER_SAMPLES`` samples of y = sum w_i x_i / n with x uniform in [-1, 1] (seed 7), weights cycling
    through ``POWER_WEIGHTS``."""
    import numpy as np

    from logsgd.flow.datasets import Dataset

    x = np.random.default_rng(7).uniform(-1, 1, (POWER_SAMPLES, n))
    w = np.resize(np.array(POWER_WEIGHTS), n)
    return Dataset(f"scaling{n}", x, x @ w / n, tuple(f"x{i + 1}" for i in range(n)))


def _postlayout_power(n: int, gds: Path, spice: Path) -> dict:
    from logsgd.flow.pex import run_pex
    from logsgd.flow.train import TrainSetup, train

    pex = run_pex(gds, gds.with_name("sgdr_array_pex.spice"), schematic=spice)
    s = train(TrainSetup(_scaling_data(n), ETA, 0.01, netlist_file=pex.out_path)).summary()
    return {"power_nW": round(s["power_nW"], 2), "power_nW_per_weight": round(s["power_nW_per_weight"], 2),
            "energy_per_update_pJ": round(s["energy_per_update_pJ"], 3), "power_samples": POWER_SAMPLES}


def testbench(cell_text: str, design, eta: float, v_init: float | None) -> str:
    """The N=1 training testbench's sources at one sample (x=0.5, y=0.3, lambda = 0.01) with
    learning rate ``eta``; ``v_init`` (V) starts the weight capacitor, if given."""
    from logsgd.flow.train import CELL_OPTIONS

    i_tau = design.i_tau_a(eta)
    return "\n".join([
        cell_text,
        CELL_OPTIONS,
        f"Vdd vdd 0 {design.vdd_v}",
        f"Ix1 x1 0 {design.current_of_input(0.5):.6g}",
        f"Vwp1 wp1 0 {design.wout_v}",
        f"Vwn1 wn1 0 {design.wout_v}",
        f"Iy y 0 {design.current_of_target(0.3):.6g}",
        f"Ii0 i0 0 {design.i0_a:.6g}",
        f"Itau itau 0 {i_tau:.6g}",
        f"Iltau iltau 0 {design.i_ltau_a(eta, 0.01):.6g}",
        f"Xdut {' '.join('0' if pin == 'gnd' else pin for pin in sgdr_pins(1))} sgdr_array",
        *([f".ic v(xdut.vc_1)={v_init:.6f}"] if v_init is not None else []),
    ])


def _postlayout(out: Path) -> dict:
    from logsgd.cells.logdomain import SgdrDesign
    from logsgd.flow.pex import run_pex
    from logsgd.flow.sim import Analysis, Simulation, run
    from logsgd.flow.train import TRAN_OPTIONS, state_gate_voltage

    design = SgdrDesign()
    gds, spice = out / "n1" / "sgdr_array.gds", out / "n1" / "sgdr_array.spice"
    pex, pex_s = _timed(lambda: run_pex(gds, out / "n1" / "sgdr_array_pex.spice", schematic=spice))
    v_init = state_gate_voltage(types.SimpleNamespace(design=design, corner="tt", temp_c=27.0))
    period = design.period_s(ETA)
    reads = ("i(vdd)", "i(vwp1)", "i(vwn1)")
    tran = Analysis(f"tran {period / 50:.6g} {period:.6g} 0 {period / 20:.6g}", reads)
    op = Analysis("op", reads)
    record = {"pex_s": pex_s, "pex_devices": pex.devices}
    for label, path in (("schematic", spice), ("postlayout", pex.out_path)):
        text = Path(path).read_text()
        # one sample period of learning from the initial weight; then the DC operating point with
        # the weights held (eta = 0), the floating capacitor node tied off by ngspice's rshunt
        runs = (("tran", Simulation(testbench(text, design, ETA, v_init), (tran,), options=TRAN_OPTIONS)),
                ("op", Simulation(testbench(text, design, 0.0, None), (op,), options=OP_OPTIONS)))
        for kind, sim in runs:
            res, sim_s = _timed(lambda: run(sim))
            w = design.weight_of_readout(-float(res["i(vwp1)"][-1]), -float(res["i(vwn1)"][-1]))
            record[f"{label}_{kind}"] = {"w": round(w, 5),
                                         "i_supply_nA": round(-float(res["i(vdd)"][-1]) * 1e9, 3), "sim_s": sim_s}
    for kind in ("tran", "op"):
        record[f"w_diff_postlayout_{kind}"] = round(record[f"postlayout_{kind}"]["w"] - record[f"schematic_{kind}"]["w"], 5)
    return record


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="logsgd-bench-array-") as tmp:
        out = Path(tmp)
        result = {f"n{n}": _array(n, out) for n in FEATURES}
        result["postlayout_n1"] = _postlayout(out)
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=1))
