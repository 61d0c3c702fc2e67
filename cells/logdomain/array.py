"""The top cell ``sgdr_array``: N log-domain SGDr weights sharing one error.

Signal flow (currents in units of I_0, design note sections 3-4):

* prediction: per weight, two translinear blocks give I_X I_W / I_0, a I_X,
  b I_W and a b I_0; Kirchhoff sums ``ne`` (a PMOS diode) pull the + terms
  and push the - terms (through ``nsm``) and the target, so that
  I_E = I_0 (c + y_hat - y) is the current of ``ne``;
* gradient: per weight, TX blocks form s I_tau I_X / I_0 and s b I_tau
  (s = GRADIENT_SCALE, so that the path is fast); the G blocks divide by the
  state current (their forced device, s unit fingers, has its gate on the
  weight capacitor), multiply by I_E or c I_0 and divide by s (one-finger
  output devices); the four products
  form the double difference I_tau I_0 e x / I_W, whose + terms discharge
  the capacitor directly and whose - terms return through the integrator's
  PMOS mirror, so that errors common to the four paths cancel at e = 0 or
  x = 0; the G blocks' outputs o1 discharge the capacitor, o2 (longer
  cascodes) return through the mirror;
* a MIM from the input diode ``nxn`` to the capacitor cancels the charge
  each input step couples into it;
* the bias mirrors that force each weight's translinear blocks (I_0 and
  I_tau levels) have their inputs at the top level and their outputs inside
  the weight cell, so that the long route carries a gate that holds still.
  With the whole mirror at the top, the forced nodes were routed to each
  weight cell and carried 0.27-0.57 pF of wiring each (N = 4), which slowed
  every translinear loop's settling after an input step: NMSE 0.011 % and
  7.75 bits in the schematic, 0.059 % and 6.84 bits extracted;
* L2: a G block forced by s (lambda + lambda_0) I_tau adds (lambda + lambda_0) I_tau I_0 w / I_W
  and a second one, forced by s lambda_0 I_tau with its outputs swapped, takes the lambda_0 part
  out again (lambda_0 = L2_PEDESTAL_RATIO / s = 1/16). A single block forced by s lambda I_tau
  had nothing to force it at lambda = 0: its forced device fell into triode, the shared source
  settled where the feedback sink carried the outputs' own currents, and the outputs ran at
  10-15 pA whatever lambda was, their difference following the capacitor: an L2 term of 0.009
  that nobody asked for at eta = 0.02 (-9 pA per unit of w, DC, capacitor held). With the
  pedestal both blocks stay translinear down to lambda = 0 (-0.6 pA per unit of w);
* read-out: the weight the prediction uses, not the state current. Two
  more prediction blocks per weight, forced at (b + 1) I_0 and (b - 1) I_0
  (the prediction's own x = +1 and x = -1), each with outputs at ``vc`` and
  ``na``, sum by KCL into two pins, so that (I_wp - I_wn) / (2 I_0) is the
  secant slope of the prediction y_hat(x), w, with the translinear devices'
  body effect in it exactly as the prediction has it. Read through a unit
  NMOS with its source on ground (the previous read-out), the weight was
  1.6-1.9 % of itself larger than the slope the prediction used, and the
  circuit settled that much short of ideal SGDr (linear1, DC fixed point,
  ``flow.fixed_point``: -0.0143 at eta = 0.1; -0.0027 with this read-out).

Pins: vdd gnd x1..xN y i0 itau iltau wp1 wn1 .. wpN wnN. The testbench
pulls the reference currents I_X = I_0 (b + x), I_Y = I_0 (d + y), I_0,
I_tau and lambda I_tau out of the input pins (each the self-biased input
of a PMOS mirror on vdd) and holds each read-out pin at a fixed voltage;
w_k = (I_wpk - I_wnk) / (2 I_0) from the currents it sinks there.
"""

from __future__ import annotations

from logsgd.pdk.errors import LogsgdError

from .blocks import (
    CASCODE_L_UM,
    GRADIENT_SCALE,
    KICK_CAP_SIDE_UM,
    L2_PEDESTAL_RATIO,
    RETURN_CASCODE_L_UM,
    bias_cascodes,
    integrator,
    mim_capacitor,
    nmos_diode,
    pmos_mirror,
    pmos_mirror_input,
    pmos_mirror_outputs,
    tl_muldiv,
    weight_capacitor,
)
from .design import SgdrDesign

MAX_FEATURES = 64
WEIGHT_CELL = "ld_weight"
SHARED_NETS = ("n0", "na", "nb", "ncc", "ne", "nsm", "nen", "vcn", "vcp", "vdd", "gnd")
"""Nets of the shared error and bias blocks that every weight cell taps."""
WEIGHT_PINS = ("x", "wp", "wn", "vc", "i0", "itau", "iltau", *SHARED_NETS)
"""Pins of the weight cell: its input, read-outs, capacitor node, the gates of the bias mirrors, the shared nets."""


def sgdr_pins(n_features: int) -> list[str]:
    """Pin order of ``sgdr_array`` for ``n_features`` weights."""
    xs = [f"x{i}" for i in range(1, n_features + 1)]
    ws = [pin for i in range(1, n_features + 1) for pin in (f"wp{i}", f"wn{i}")]
    return ["vdd", "gnd", *xs, "y", "i0", "itau", "iltau", *ws]


def sgdr_array(n_features: int, design: SgdrDesign | None = None, name: str = "sgdr_array") -> str:
    """SPICE text of the block subcircuits and the top cell ``name`` with ``n_features`` weights."""
    if not isinstance(n_features, int) or not 1 <= n_features <= MAX_FEATURES:
        raise LogsgdError(f"n_features must be an integer in 1..{MAX_FEATURES}, got {n_features!r}")
    d = design or SgdrDesign()
    n = n_features
    k = d.ref_fingers
    blocks = [
        pmos_mirror("ld_mir_i0", [k * 1.0, k * d.a, k * d.b, d.c, 1.0, d.c + d.d]),
        pmos_mirror_input("ld_mir_in"),
        pmos_mirror_outputs("ld_mir_i0_w", [d.b, d.b + 1, d.b - 1]),
        pmos_mirror_outputs("ld_mir_tau_w", [float(GRADIENT_SCALE)] * 2 + [L2_PEDESTAL_RATIO] * 2),
        pmos_mirror_outputs("ld_mir_ltau_w", [float(GRADIENT_SCALE)]),
        pmos_mirror("ld_mir_1", [1.0]),
        pmos_mirror("ld_mir_2", [1.0, 1.0]),
        nmos_diode("ld_dio"),
        nmos_diode("ld_dio_ref", k),
        bias_cascodes("ld_bias"),
        tl_muldiv("ld_tl_pred", 2),
        tl_muldiv("ld_tl_tau", 1),
        tl_muldiv("ld_tl_grad", 2, GRADIENT_SCALE, 1, (CASCODE_L_UM, RETURN_CASCODE_L_UM)),
        integrator("ld_int"),
    ]
    top = [
        f".subckt {name} {' '.join(sgdr_pins(n))}",
        "Xmi0 i0 n0 na nb ncc vcn cdf vdd vcp ld_mir_i0",
        "Xd0 n0 gnd ld_dio_ref",
        "Xda na gnd ld_dio_ref",
        "Xdb nb gnd ld_dio_ref",
        "Xdc ncc gnd ld_dio",
        "Xbias vcn n0 vcp vdd gnd ld_bias",
        "Xcd cdf n0 n0 ne vcn gnd ld_tl_tau",
        "Xmy y yf vdd vcp ld_mir_1",
        "Xyt yf n0 n0 nsm vcn gnd ld_tl_tau",
        "Xmsm nsm ne vdd vcp ld_mir_1",
        "Xme ne nen vdd vcp ld_mir_1",
        "Xden nen gnd ld_dio",
        "Xmt itau vdd vcp ld_mir_in",
        "Xml iltau vdd vcp ld_mir_in",
    ]
    for i in range(1, n + 1):
        top += [
            f"Xw{i} x{i} wp{i} wn{i} vc_{i} i0 itau iltau {' '.join(SHARED_NETS)} {WEIGHT_CELL}",
            weight_capacitor(f"cw{i}", f"vc_{i}", d.cap_side_um),
        ]
    top += [f".ends {name}", ""]
    return "\n".join(blocks + [weight_cell()] + top)


def weight_cell() -> str:
    """One weight: its prediction products, gradient path and integrator (pins: WEIGHT_PINS).

    Everything of weight k but its capacitor, as one subcircuit that the
    layout draws once and places N times. The capacitor stays at the top
    level so that its node vc_k is a top-level net in the schematic and in
    the extracted netlist alike (the training testbench sets it with ``.ic``).
    """
    return "\n".join([
        f".subckt {WEIGHT_CELL} {' '.join(WEIGHT_PINS)}",
        "Xmx x nxn p1f vdd vcp ld_mir_2",
        "Xdx nxn gnd ld_dio",
        "Xmb i0 p2f rpf rmf vdd vcp ld_mir_i0_w",
        "Xmt itau t1f t2f glf lcf vdd vcp ld_mir_tau_w",
        "Xml iltau glf vdd vcp ld_mir_ltau_w",
        "Xp1 p1f n0 vc na ne nsm vcn gnd ld_tl_pred",
        "Xp2 p2f n0 vc na nsm ne vcn gnd ld_tl_pred",
        "Xt1 t1f n0 nxn ntx1 vcn gnd ld_tl_tau",
        "Xt2 t2f n0 nb ntx2 vcn gnd ld_tl_tau",
        "Xmf1 ntx1 g1f vdd vcp ld_mir_1",
        "Xmf2 ntx2 g2f vdd vcp ld_mir_1",
        "Xg1 g1f vc nen ncc vc qc vcn gnd ld_tl_grad",
        "Xg2 g2f vc ncc nen vc qc vcn gnd ld_tl_grad",
        "Xgl glf vc vc na vc qc vcn gnd ld_tl_grad",
        "Xglc lcf vc na vc vc qc vcn gnd ld_tl_grad",
        "Xrp rpf n0 vc na wp wn vcn gnd ld_tl_pred",
        "Xrm rmf n0 vc na wn wp vcn gnd ld_tl_pred",
        "Xint vc qc vdd vcp gnd ld_int",
        mim_capacitor("kc", "vc", "nxn", KICK_CAP_SIDE_UM),
        f".ends {WEIGHT_CELL}",
        "",
    ])
