"""The top cell ``sgdr_array``: N log-domain SGDr weights sharing one error.

Signal flow (currents in units of I_0, design note sections 3-4):

* prediction: per weight, two translinear blocks give I_X I_W / I_0, a I_X,
  b I_W and a b I_0; Kirchhoff sums ``ne`` (a PMOS diode) pull the + terms
  and push the - terms (through ``nsm``) and the target, so that
  I_E = I_0 (c + y_hat - y) is the current of ``ne``;
* gradient: per weight, TX blocks form I_tau I_X / I_0 and b I_tau; the
  G blocks divide by the state current (their forced device has its gate on
  the weight capacitor) and multiply by I_E or c I_0; the four products
  form the double difference I_tau I_0 e x / I_W, whose + terms discharge
  the capacitor directly and whose - terms return through the integrator's
  PMOS mirror, so that errors common to the four paths cancel at e = 0 or
  x = 0;
* L2: a G block forced by lambda I_tau adds lambda I_tau I_0 w / I_W.

Pins: vdd gnd x1..xN y i0 itau iltau w1..wN. The testbench pulls the
reference currents I_X = I_0 (b + x), I_Y = I_0 (d + y), I_0, I_tau and
lambda I_tau out of the input pins (each the self-biased input of a PMOS
mirror on vdd) and holds each read-out pin w_k at a fixed voltage; the
current it sinks there is the state current I_W = I_0 (a + w).
"""

from __future__ import annotations

from logsgd.pdk.errors import LogsgdError

from .blocks import GRADIENT_TL_RATIO, bias_cascodes, integrator, nmos_diode, pmos_mirror, tl_muldiv
from .design import SgdrDesign

MAX_FEATURES = 64


def sgdr_pins(n_features: int) -> list[str]:
    """Pin order of ``sgdr_array`` for ``n_features`` weights."""
    xs = [f"x{i}" for i in range(1, n_features + 1)]
    ws = [f"w{i}" for i in range(1, n_features + 1)]
    return ["vdd", "gnd", *xs, "y", "i0", "itau", "iltau", *ws]


def sgdr_array(n_features: int, design: SgdrDesign | None = None, name: str = "sgdr_array") -> str:
    """SPICE text of the block subcircuits and the top cell ``name`` with ``n_features`` weights."""
    if not isinstance(n_features, int) or not 1 <= n_features <= MAX_FEATURES:
        raise LogsgdError(f"n_features must be an integer in 1..{MAX_FEATURES}, got {n_features!r}")
    d = design or SgdrDesign()
    n = n_features
    blocks = [
        pmos_mirror("ld_mir_i0", [1.0, d.a, d.b, d.c, 1.0, d.c + d.d] + [d.b] * n),
        pmos_mirror("ld_mir_tau", [1.0] * (2 * n)),
        pmos_mirror("ld_mir_ltau", [1.0] * n),
        pmos_mirror("ld_mir_1", [1.0]),
        pmos_mirror("ld_mir_2", [1.0, 1.0]),
        nmos_diode("ld_dio"),
        bias_cascodes("ld_bias"),
        tl_muldiv("ld_tl_pred", 2),
        tl_muldiv("ld_tl_tau", 1),
        tl_muldiv("ld_tl_grad", 2, GRADIENT_TL_RATIO),
        integrator("ld_int", d.cap_side_um),
    ]
    p2f = " ".join(f"p2f_{i}" for i in range(1, n + 1))
    tauf = " ".join(f"t1f_{i} t2f_{i}" for i in range(1, n + 1))
    glf = " ".join(f"glf_{i}" for i in range(1, n + 1))
    top = [
        f".subckt {name} {' '.join(sgdr_pins(n))}",
        f"Xmi0 i0 n0 na nb ncc vcn cdf {p2f} vdd vcp ld_mir_i0",
        "Xd0 n0 gnd ld_dio",
        "Xda na gnd ld_dio",
        "Xdb nb gnd ld_dio",
        "Xdc ncc gnd ld_dio",
        "Xbias vcn n0 vcp vdd gnd ld_bias",
        "Xcd cdf n0 n0 ne vcn gnd ld_tl_tau",
        "Xmy y yf vdd vcp ld_mir_1",
        "Xyt yf n0 n0 nsm vcn gnd ld_tl_tau",
        "Xmsm nsm ne vdd vcp ld_mir_1",
        "Xme ne nen vdd vcp ld_mir_1",
        "Xden nen gnd ld_dio",
        f"Xmt itau {tauf} vdd vcp ld_mir_tau",
        f"Xml iltau {glf} vdd vcp ld_mir_ltau",
    ]
    for i in range(1, n + 1):
        top += [
            f"Xmx{i} x{i} nxn_{i} p1f_{i} vdd vcp ld_mir_2",
            f"Xdx{i} nxn_{i} gnd ld_dio",
            f"Xp1_{i} p1f_{i} n0 vc_{i} na ne nsm vcn gnd ld_tl_pred",
            f"Xp2_{i} p2f_{i} n0 vc_{i} na nsm ne vcn gnd ld_tl_pred",
            f"Xt1_{i} t1f_{i} n0 nxn_{i} ntx1_{i} vcn gnd ld_tl_tau",
            f"Xt2_{i} t2f_{i} n0 nb ntx2_{i} vcn gnd ld_tl_tau",
            f"Xmf1_{i} ntx1_{i} g1f_{i} vdd vcp ld_mir_1",
            f"Xmf2_{i} ntx2_{i} g2f_{i} vdd vcp ld_mir_1",
            f"Xg1_{i} g1f_{i} vc_{i} nen ncc vc_{i} qc_{i} vcn gnd ld_tl_grad",
            f"Xg2_{i} g2f_{i} vc_{i} ncc nen vc_{i} qc_{i} vcn gnd ld_tl_grad",
            f"Xgl_{i} glf_{i} vc_{i} vc_{i} na vc_{i} qc_{i} vcn gnd ld_tl_grad",
            f"Xint{i} vc_{i} qc_{i} w{i} vdd vcp gnd ld_int",
        ]
    top += [f".ends {name}", ""]
    return "\n".join(blocks + top)
