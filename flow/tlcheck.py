"""DC checks of the log-domain blocks: the translinear product error, and the capacitor offset.

The block ``tl_muldiv`` sinks I_f * I_h / I_g1 at each output. ``tl_block_error`` sweeps the
forced current I_f and the output-gate diode current I_h over the signal
range (0.25..2.25 I_0 and 0.5..2.5 I_0) with I_g1 = I_0, outputs held at the
voltage of the error node, and reports the worst and rms relative error of
the output against the ideal product.
"""

from __future__ import annotations

import numpy as np

from logsgd.cells.logdomain import SgdrDesign
from logsgd.cells.logdomain.blocks import bias_cascodes, nmos_diode, pmos_mirror, tl_muldiv
from logsgd.flow.sim import Analysis, Simulation, run

FORCED_RANGE = (0.25, 1.0, 2.25)
GATE_RANGE = (0.5, 2.5)
OUTPUT_V = 0.9


def tl_block_error(design: SgdrDesign | None = None, corner: str = "tt", temp_c: float = 27.0) -> dict:
    """Worst and rms relative error (%) of the output over the full input range."""
    d = design or SgdrDesign()
    i0 = d.i0_a
    net = "\n".join(
        [
            tl_muldiv("tlx", 1),
            nmos_diode("dio"),
            bias_cascodes("bias"),
            pmos_mirror("mir", [1.0, 1.0]),
            f"Vdd vdd 0 {d.vdd_v}",
            f"Ii0 i0 0 {i0:.6g}",
            "Xm i0 n0 vcn vdd vcp mir",
            "Xd0 n0 gnd dio",
            "Xbias vcn n0 vcp vdd gnd bias",
            f"If vdd f {i0:.6g}",
            f"Ih vdd h {i0:.6g}",
            "Xdh h gnd dio",
            "Xt f n0 h oc vcn gnd tlx",
            f"Voc oc 0 {OUTPUT_V}",
        ]
    )
    lo, hi = GATE_RANGE
    analyses = tuple(
        Analysis(f"dc Ih {lo * i0:.6g} {hi * i0:.6g} {0.125 * i0:.6g}", ("i(voc)",), before=(f"alter If {f * i0:.6g}",))
        for f in FORCED_RANGE
    )
    res = run(Simulation(net, analyses, corner, temp_c))
    worst, rms = 0.0, []
    for f, a in zip(FORCED_RANGE, res.analyses):
        rel = -a["i(voc)"] / (f * a["scale"]) - 1.0
        worst = max(worst, float(np.max(np.abs(rel))))
        rms.extend(rel.tolist())
    return {
        "tl_max_rel_error_pct": 100.0 * worst,
        "tl_rms_rel_error_pct": 100.0 * float(np.sqrt(np.mean(np.square(rms)))),
    }


def capacitor_offset_a(eta: float, w: float = 0.3, design: SgdrDesign | None = None,
                       corner: str = "tt", temp_c: float = 27.0) -> float:
    """Net current (A, positive charges) into the weight capacitor of ``sgdr_array`` (N = 1) at x = 0, y = 0.

    The capacitor node is held by a voltage source at the gate voltage of
    weight ``w`` and lambda is 0, so the ideal current is zero: what flows is
    the gradient path's offset (the four products of the double difference
    not cancelling) plus leakage.
    """
    from logsgd.flow.datasets import Dataset
    from logsgd.flow.fixed_point import held_cell
    from logsgd.flow.train import TrainSetup, state_gate_voltage, testbench

    d = design or SgdrDesign()
    setup = TrainSetup(Dataset("dc", np.zeros((1, 1)), np.zeros(1), ("x",)), eta, 0.0, corner, temp_c, d)
    vc = state_gate_voltage(setup, w)
    net, _ = testbench(setup, held_cell(1, d, np.array([vc])), vc)
    res = run(Simulation(net, (Analysis("op", ("i(v.xdut.vcap1)",)),), corner, temp_c))
    # the source's current runs from vc_1 through it to gnd: what the circuit pushes into the capacitor node
    return float(res["i(v.xdut.vcap1)"][0])
