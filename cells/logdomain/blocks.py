"""Building blocks of the log-domain SGDr cell, each a SPICE ``.subckt``.

Sizes are in µm (the SKY130 library sets ``.option scale=1.0u``); ``w`` is
the total width over all fingers. All NMOS bulks are at ``gnd`` and all
PMOS bulks at ``vdd`` (one n-well), so every block draws with the plain
nfet_01v8 / pfet_01v8 generators.

Sizing rationale (numbers from DC sweeps of sky130 tt at 27 °C; the
translinear figure is in bench/bench_train.py ``tl_block``):

* unit NMOS W/L = 8/1: at most 2.5 I_0 = 100 nA (I_0 = 40 nA), 12.5 nA per
  square, near the top of weak inversion (slope factor 0.675, 0.664 and 0.644
  at 20, 40 and 100 nA);
* translinear devices are 8 unit fingers so that the shared source node
  stays above ground (25-100 mV) for forced currents up to 2.5 x the
  reference; the body effect of that node (BSIM4 source coefficient 0.80-0.89
  instead of 1) leaves a 4.7 % worst, 1.9 % rms product error, which the
  double differences cancel at e = 0 and x = 0;
* every ratio is made of identical fingers: SKY130 models are binned by
  finger width, and a single 12 µm PMOS finger is 4.5 % off a 1.5 x ratio;
* every translinear output is cascoded (vcn ~ 0.65 V) so that all drains sit
  at the same voltage whether they go to the capacitor or to a mirror;
* a 50 fF MIM capacitor on each forced node stabilises the block's local
  feedback loop (it rings with 0.5 V swings without it);
* the gradient outputs that return through the integrator mirror have a
  longer cascode (RETURN_CASCODE_L_UM) than those that discharge the weight
  capacitor directly, so that both kinds of translinear drain sit at one
  voltage although the mirror input is 0.55 V above the capacitor;
* a MIM from the input diode node to the weight capacitor (KICK_CAP_SIDE_UM)
  cancels the charge that each input step couples into the capacitor;
* PMOS unit W/L = 4/2, so the I_tau-level mirrors add little capacitance;
* PMOS cascodes are pfet_01v8_lvt: a 4/2 pfet_01v8 needs V_SG = 0.72, 0.88
  and 1.01 V at 1, 20 and 200 nA, the lvt one 0.19, 0.33 and 0.46 V, so with
  the cascode gates one regular V_SG(I_0) below vdd (vcp ~ 0.92 V) the main
  devices keep 0.4-0.7 V across them and every output up to ~1.1 V sees a
  real cascode. With regular cascodes no vcp fits (two stacked regular
  diodes, the previous bias, put it at 8 mV: the cascodes were switches in
  triode and each mirror's gain followed its output voltage); linear1,
  lambda 0: eta 0.02 from NMSE 0.0105 % / 8.81 bits to 0.0008 % / 9.60,
  eta 0.1 from 0.116 % / 6.51 to 0.106 % / 6.53;
* the gradient path runs at GRADIENT_SCALE = 8 times the I_tau level and
  scales down only in the G blocks' output devices: at the I_tau level itself
  (1.4 nA at eta = 0.02) its mirror and source nodes settled with time
  constants of microseconds, a slow, ringing response to every input step
  that lost the circuit 30 % of its learning rate at eta = 0.02 (linear1,
  lambda 0.01: effective eta 0.0138, NMSE 5.2 %); at 8 times the current the
  effective eta is 0.0202 and the NMSE 0.027 %.
"""

from __future__ import annotations

from collections.abc import Sequence

from logsgd.pdk.errors import LogsgdError

N_UNIT_W_UM, N_UNIT_L_UM = 8.0, 1.0
P_UNIT_W_UM, P_UNIT_L_UM = 4.0, 2.0
CASCODE_W_UM, CASCODE_L_UM = 4.0, 2.0
CHARGE_CASCODE_L_UM = 4.0
TL_RATIO = 8
PMOS_INPUT_FINGERS = 2
VCN_TOP_FINGERS = 16
VCN_BOTTOM_FINGERS = 16
GRADIENT_SCALE = 8
"""The gradient path runs at GRADIENT_SCALE times the I_tau level: the TX blocks are forced by
GRADIENT_SCALE I_tau and the G blocks' forced device has GRADIENT_SCALE unit fingers against
one for each output, which brings the current into the capacitor back to the I_tau level."""
RETURN_CASCODE_L_UM = 2.8
"""Cascode length (µm) of the gradient outputs that return through the integrator mirror.

Their drains sit at the mirror input (about 0.95 V), those that discharge
the capacitor at the capacitor (about 0.41 V). With equal cascodes the
cascode's DIBL put the translinear drains of the returning outputs 3.5 mV
higher, and through the translinear device's own DIBL they sank 0.13 % more:
the capacitor charged with an offset of 0.6 % of I_tau I_0 / I_W at x = 0
(-7.8, -11.5 and -20.3 pA at eta 0.02, 0.05 and 0.1, w = 0.3, DC with the
capacitor node forced), which moved the learned weights by 0.01-0.03. The
longer cascode needs more gate drive and lowers its source by as much:
-3.1, +0.3 and +3.8 pA; with the lvt PMOS cascodes, +0.91, -0.19 and
-3.34 pA."""
KICK_CAP_SIDE_UM = 10.0
"""Side (µm) of the MIM from a weight's input diode node to its weight capacitor.

The shared source nodes of the translinear blocks whose devices have their
gates on the weight capacitor follow -U_T ln I_X, and each input step
coupled a charge through those gate-source capacitances into the capacitor:
the weight jumped by -6.6e-3 per unit step of x (linear1, eta 0.05, fitted
over the per-sample errors), and the jumps added up to a weight error of
about -0.008 x. The diode node moves with +n U_T ln I_X, so a capacitor from
it couples the opposite charge; 10.5 µm gave +1.1e-3 per unit step, 10 µm
leaves the per-sample error of linear4 (eta 0.02) 6 times smaller."""
L2_PEDESTAL_RATIO = 0.5
"""Pedestal of the L2 blocks, in units of I_tau (lambda_0 = L2_PEDESTAL_RATIO / GRADIENT_SCALE = 1/16)."""
FEEDBACK_W_UM, FEEDBACK_L_UM = 1.0, 4.0
COMP_CAP_SIDE_UM = 5.0
"""Side (µm) of the MIM capacitor that compensates each translinear block's feedback loop."""

NFET = "sky130_fd_pr__nfet_01v8"
PFET = "sky130_fd_pr__pfet_01v8"
PFET_LVT = "sky130_fd_pr__pfet_01v8_lvt"
MIM = "sky130_fd_pr__cap_mim_m3_1"


def _w(value_um: float) -> str:
    return f"{value_um:.4g}"


def nfet(name: str, d: str, g: str, s: str, w_um: float, l_um: float, nf: int = 1) -> str:
    """One NMOS line, bulk at gnd."""
    return f"X{name} {d} {g} {s} gnd {NFET} w={_w(w_um)} l={_w(l_um)} nf={nf}"


def pfet(name: str, d: str, g: str, s: str, w_um: float, l_um: float, nf: int = 1, model: str = PFET) -> str:
    """One PMOS line, bulk at vdd."""
    return f"X{name} {d} {g} {s} vdd {model} w={_w(w_um)} l={_w(l_um)} nf={nf}"


def pcascode(name: str, d: str, s: str, w_um: float, l_um: float, nf: int = 1) -> str:
    """One low-threshold PMOS cascode line, gate at ``vcp`` (see the module notes)."""
    return pfet(name, d, "vcp", s, w_um, l_um, nf, PFET_LVT)


def _subckt(name: str, pins: Sequence[str], lines: Sequence[str]) -> str:
    return "\n".join([f".subckt {name} {' '.join(pins)}", *lines, f".ends {name}", ""])


def fingers(ratio: float, per_unit: int) -> int:
    """Finger count for ``ratio`` units of ``per_unit`` fingers each.

    SKY130 models are binned by finger width, so current ratios are made
    from identical fingers only (a width-scaled single finger of 1.5 units
    lands in another bin and is 4.5 % off for the PMOS).
    """
    count = ratio * per_unit
    if ratio <= 0 or abs(count - round(count)) > 1e-9:
        raise LogsgdError(f"ratio {ratio} is not a positive multiple of 1/{per_unit}")
    return int(round(count))


def nmos_diode(name: str, fingers: int = 1) -> str:
    """Diode-connected NMOS of ``fingers`` unit fingers (pins: d gnd): turns a current into its log-domain gate voltage.

    Made of unit fingers only: translinear outputs compare gate voltages
    through the unit device, so a diode of k fingers must carry k times the
    current it stands for (a I_0, ...) to sit at that current's unit gate voltage.
    """
    if fingers < 1:
        raise LogsgdError(f"a diode needs at least one finger, got {fingers}")
    return _subckt(name, ("d", "gnd"), [nfet("d", "d", "d", "gnd", N_UNIT_W_UM * fingers, N_UNIT_L_UM, fingers)])


def _mirror_input_lines() -> list[str]:
    nfi = PMOS_INPUT_FINGERS
    return [
        pfet("mi", "si", "in", "vdd", P_UNIT_W_UM * nfi, P_UNIT_L_UM, nfi),
        pcascode("ci", "in", "si", CASCODE_W_UM * nfi, CASCODE_L_UM, nfi),
    ]


def _mirror_output_lines(gate: str, ratios: Sequence[float]) -> tuple[list[str], list[str]]:
    if not ratios:
        raise LogsgdError("a mirror needs at least one output")
    lines, outs = [], []
    for k, ratio in enumerate(ratios, start=1):
        nf = fingers(ratio, PMOS_INPUT_FINGERS)
        outs.append(f"out{k}")
        lines.append(pfet(f"m{k}", f"s{k}", gate, "vdd", P_UNIT_W_UM * nf, P_UNIT_L_UM, nf))
        lines.append(pcascode(f"c{k}", f"out{k}", f"s{k}", CASCODE_W_UM * nf, CASCODE_L_UM, nf))
    return lines, outs


def pmos_mirror(name: str, ratios: Sequence[float]) -> str:
    """High-swing cascoded PMOS mirror (pins: in out1..outK vdd vcp).

    Current pulled out of ``in`` is pushed into each ``out_k`` times
    ``ratios[k]`` (a multiple of 1/PMOS_INPUT_FINGERS: all fingers are identical). The input is self-biased (main gate on the cascode
    drain), so a testbench can pull a reference straight from ``in``.
    """
    lines, outs = _mirror_output_lines("in", ratios)
    return _subckt(name, ("in", *outs, "vdd", "vcp"), _mirror_input_lines() + lines)


def pmos_mirror_input(name: str) -> str:
    """The input branch of a PMOS mirror alone (pins: in vdd vcp); its outputs (``pmos_mirror_outputs``) sit elsewhere."""
    return _subckt(name, ("in", "vdd", "vcp"), _mirror_input_lines())


def pmos_mirror_outputs(name: str, ratios: Sequence[float]) -> str:
    """Output branches of a PMOS mirror whose input is elsewhere (pins: g out1..outK vdd vcp).

    ``g`` is the input's node ``in``, the gate of every main device. Placed
    next to the block it feeds, the output keeps its drain node short; the
    long route carries the gate, which holds still while the reference does.
    """
    lines, outs = _mirror_output_lines("g", ratios)
    return _subckt(name, ("g", *outs, "vdd", "vcp"), lines)


def tl_muldiv(name: str, outputs: int, ratio: int = TL_RATIO, output_ratio: int | None = None,
              cascode_l_um: Sequence[float] | None = None) -> str:
    """Translinear multiplier/divider with K outputs (pins: f g1 h1..hK o1..oK vcn gnd).

    Forced device M1 (gate g1) of ``ratio`` unit fingers and output devices
    Mk (gate hk) of ``output_ratio`` (default ``ratio``) share one source
    node; a feedback sink holds M1 at the current pushed into ``f``. Output k
    sinks (output_ratio / ratio) I_f I_unit(hk) / I_unit(g1) from ``ok``,
    where I_unit(v) is the current of a unit NMOS with its gate at v and
    source at gnd. Every device has a cascode of as many fingers, biased at
    ``vcn``, so that all drains sit at one voltage whatever the output node;
    ``cascode_l_um`` gives each output's cascode length (µm, default
    CASCODE_L_UM).
    """
    output_ratio = ratio if output_ratio is None else output_ratio
    if outputs < 1:
        raise LogsgdError("a translinear block needs at least one output")
    cascode_l_um = (CASCODE_L_UM,) * outputs if cascode_l_um is None else tuple(cascode_l_um)
    if len(cascode_l_um) != outputs or min(cascode_l_um) <= 0:
        raise LogsgdError(f"need {outputs} positive output cascode lengths, got {cascode_l_um}")
    if ratio < 1 or output_ratio < 1:
        raise LogsgdError(f"translinear ratios must be positive integers, got {ratio} and {output_ratio}")
    w, cw = N_UNIT_W_UM * ratio, CASCODE_W_UM * ratio
    ow, ocw = N_UNIT_W_UM * output_ratio, CASCODE_W_UM * output_ratio
    lines = [
        mim_capacitor("comp", "f", "gnd", COMP_CAP_SIDE_UM),
        nfet("m1", "m1d", "g1", "b", w, N_UNIT_L_UM, ratio),
        nfet("c1", "f", "vcn", "m1d", cw, CASCODE_L_UM, ratio),
        nfet("fb", "b", "f", "gnd", FEEDBACK_W_UM, FEEDBACK_L_UM),
    ]
    pins = ["f", "g1"]
    outs = []
    for k in range(1, outputs + 1):
        pins.append(f"h{k}")
        outs.append(f"o{k}")
        lines.append(nfet(f"m{k + 1}", f"d{k}", f"h{k}", "b", ow, N_UNIT_L_UM, output_ratio))
        lines.append(nfet(f"c{k + 1}", f"o{k}", "vcn", f"d{k}", ocw, cascode_l_um[k - 1], output_ratio))
    return _subckt(name, (*pins, *outs, "vcn", "gnd"), lines)


def bias_cascodes(name: str) -> str:
    """Cascode gate biases (pins: vcn n0 vcp vdd gnd).

    I_0 pushed into ``vcn`` flows through two stacked NMOS diodes of 16 unit
    fingers each (vcn ~ 0.65 V), so that the translinear drains sit at
    0.2-0.26 V, saturated, while a cascode driving the weight capacitor
    (0.365-0.43 V) still has about 0.1 V across it; a unit NMOS at gate
    ``n0`` pulls I_0 through one unit PMOS diode from vdd to give ``vcp``
    (~0.92 V), one regular V_SG below vdd, for the lvt PMOS cascodes.
    """
    return _subckt(
        name,
        ("vcn", "n0", "vcp", "vdd", "gnd"),
        [
            nfet("n1", "vcn", "vcn", "k", N_UNIT_W_UM * VCN_TOP_FINGERS, N_UNIT_L_UM, VCN_TOP_FINGERS),
            nfet("n2", "k", "k", "gnd", N_UNIT_W_UM * VCN_BOTTOM_FINGERS, N_UNIT_L_UM, VCN_BOTTOM_FINGERS),
            nfet("n3", "vcp", "n0", "gnd", N_UNIT_W_UM, N_UNIT_L_UM),
            pfet("p1", "vcp", "vcp", "vdd", P_UNIT_W_UM, P_UNIT_L_UM),
        ],
    )


def integrator(name: str) -> str:
    """Log-domain integrator (pins: vc qc vdd vcp gnd), around a weight capacitor at ``vc``.

    The capacitor (``weight_capacitor``) stores ln I_W on the gates of the
    translinear devices that read it. Current pulled from ``qc`` is mirrored
    into the capacitor (charging); the translinear outputs that discharge it
    connect to ``vc`` directly.
    """
    return _subckt(
        name,
        ("vc", "qc", "vdd", "vcp", "gnd"),
        [
            pfet("mi", "si", "qc", "vdd", P_UNIT_W_UM, P_UNIT_L_UM),
            pcascode("ci", "qc", "si", CASCODE_W_UM, CHARGE_CASCODE_L_UM),
            pfet("mo", "so", "qc", "vdd", P_UNIT_W_UM, P_UNIT_L_UM),
            pcascode("co", "vc", "so", CASCODE_W_UM, CHARGE_CASCODE_L_UM),
        ],
    )


def mim_capacitor(name: str, top: str, bottom: str, side_um: float) -> str:
    """A square MIM capacitor line from ``top`` to ``bottom`` (side in µm)."""
    if side_um <= 0:
        raise LogsgdError("capacitor side must be positive")
    return f"X{name} {top} {bottom} {MIM} w={_w(side_um)} l={_w(side_um)}"


def weight_capacitor(name: str, node: str, cap_side_um: float) -> str:
    """The MIM weight capacitor from ``node`` to gnd, the volatile memory of one weight (side in µm)."""
    return mim_capacitor(name, node, "gnd", cap_side_um)
