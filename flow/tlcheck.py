"""DC-sweep error of the translinear multiplier/divider against its ideal product.

The block ``tl_muldiv`` sinks I_f * I_h / I_g1 at each output. This sweeps the
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
