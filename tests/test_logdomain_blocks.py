"""Schematic generators of the log-domain SGDr cell, and the translinear block at DC in ngspice."""

import re

import pytest

from logsgd.cells.logdomain import SgdrDesign, pmos_mirror, sgdr_array, sgdr_pins, tl_muldiv, transistor_count
from logsgd.flow.tlcheck import capacitor_offset_a, tl_block_error
from logsgd.pdk.errors import LogsgdError

ALLOWED = {"sky130_fd_pr__nfet_01v8", "sky130_fd_pr__pfet_01v8", "sky130_fd_pr__pfet_01v8_lvt", "sky130_fd_pr__cap_mim_m3_1"}


def _models(text: str) -> set[str]:
    found = set()
    for line in text.splitlines():
        words = line.split()
        if words and words[0].lower().startswith("x"):
            model = [w for w in words[1:] if "=" not in w][-1]
            if model.startswith("sky130_fd_pr__"):
                found.add(model)
    return found


def test_array_uses_only_drawable_devices_and_no_controlled_sources():
    text = sgdr_array(2)
    assert _models(text) <= ALLOWED
    assert not re.search(r"^\s*[EFGHBR]\S*\s", text, re.IGNORECASE | re.MULTILINE)


def test_array_pins_and_count_scale_with_n():
    text = sgdr_array(3)
    header = next(line for line in text.splitlines() if line.startswith(".subckt sgdr_array"))
    assert header.split()[2:] == sgdr_pins(3)
    one, four = transistor_count(sgdr_array(1), "sgdr_array"), transistor_count(sgdr_array(4), "sgdr_array")
    per_weight = (four - one) // 3
    assert four == one + 3 * per_weight
    assert 40 < per_weight < 120


def test_mirror_ratios_use_identical_fingers():
    text = pmos_mirror("m", [1.5, 1.0])
    nfs = [int(m) for m in re.findall(r"nf=(\d+)", text)]
    assert nfs == [2, 2, 3, 3, 2, 2]
    with pytest.raises(LogsgdError):
        pmos_mirror("m", [1.25])


def test_bad_generator_inputs():
    with pytest.raises(LogsgdError):
        sgdr_array(0)
    with pytest.raises(LogsgdError):
        tl_muldiv("t", 0)
    with pytest.raises(LogsgdError):
        tl_muldiv("t", 2, cascode_l_um=(2.0,))
    with pytest.raises(LogsgdError):
        SgdrDesign(a=0.9)


def test_translinear_block_error_at_dc():
    # Measured at tt/27 °C, I_0 = 40 nA: 6.3 % worst case, 2.54 % rms, over forced 0.25..2.25 I_0 and gate
    # 0.5..2.5 I_0 (body effect of the shared-source pair in BSIM4; the double differences cancel most of it;
    # at I_0 = 20 nA it was 4.7 % and 1.85 %).
    err = tl_block_error()
    assert err["tl_max_rel_error_pct"] < 7.0
    assert err["tl_rms_rel_error_pct"] < 3.0


def test_weight_cell_has_the_kick_capacitor_and_the_longer_return_cascodes():
    text = sgdr_array(1)
    assert "Xkc vc nxn sky130_fd_pr__cap_mim_m3_1 w=10 l=10" in text
    grad = text[text.index(".subckt ld_tl_grad"):text.index(".ends ld_tl_grad")]
    assert "Xc2 o1 vcn d1 gnd sky130_fd_pr__nfet_01v8 w=4 l=2 " in grad
    assert "Xc3 o2 vcn d2 gnd sky130_fd_pr__nfet_01v8 w=4 l=2.8 " in grad


@pytest.mark.parametrize("eta", [0.02, 0.1])
def test_capacitor_offset_at_zero_input(eta):
    # Measured at tt/27 °C, w = 0.3, I_0 = 40 nA, gmin 1 fS: +0.34 pA (eta 0.02) and -3.6 pA (eta 0.1); with equal
    # return cascodes (and kappa 0.73) it was +7.8 and +20.3 pA, charging, which moved the learned weights by 0.01-0.03.
    assert abs(capacitor_offset_a(eta)) < 6e-12


def test_no_l2_term_at_lambda_zero():
    # Measured at tt/27 °C, eta 0.02, x = y = 0: +0.51 pA at w = -0.3 and +0.32 pA at w = 0.4. The single L2
    # block it replaced, with nothing forcing it at lambda = 0, gave +5.6 and -0.8 pA: -9 pA per unit of w,
    # an L2 term of 0.009 (and ngspice's default gmin added +3 pA to both).
    assert abs(capacitor_offset_a(0.02, w=-0.3) - capacitor_offset_a(0.02, w=0.4)) < 1.5e-12
    assert abs(capacitor_offset_a(0.02, w=0.0)) < 1.5e-12


def test_shared_references_are_stiff_diodes_carrying_as_many_times_their_current():
    text = sgdr_array(1, SgdrDesign(ref_fingers=4))
    diode = text[text.index(".subckt ld_dio_ref"):text.index(".ends ld_dio_ref")]
    assert "w=32 l=1 nf=4" in diode
    for node in ("n0", "na", "nb"):
        assert re.search(rf"^X\w+ {node} gnd ld_dio_ref$", text, re.MULTILINE)
    mirror = text[text.index(".subckt ld_mir_i0"):text.index(".ends ld_mir_i0")]
    # outputs 1-3 (n0, na, nb) are 4 x (1, 1.5, 1.5) I_0, in fingers of half the input device
    assert [int(m) for m in re.findall(r"^Xm[123] .* nf=(\d+)", mirror, re.MULTILINE)] == [8, 12, 12]
    with pytest.raises(LogsgdError):
        SgdrDesign(ref_fingers=0)


def test_learning_rate_law_divides_out_the_measured_rate():
    plain = SgdrDesign(rate_gain=1.0, rate_settle_s=0.0)
    itau = plain.i_tau_a(0.02)
    # I_tau = eta C U_T / (kappa T): 0.02 * 39.2 pF * 25.85 mV / (0.664 * 20 us) = 1.526 nA at 27 °C
    assert itau == pytest.approx(1.526e-9, rel=2e-3)
    # above eta_max_at_period (0.02) the period grows and I_tau stays
    assert plain.period_s(0.1) == pytest.approx(100e-6, rel=1e-12)
    assert plain.i_tau_a(0.1) == pytest.approx(itau, rel=1e-12)
    assert plain.i_tau_a(0.01) == pytest.approx(itau / 2, rel=1e-12)
    law = SgdrDesign(rate_gain=1.1, rate_settle_s=1e-6)
    # lost fraction 1 us * 0.02 / (eta * 20 us): 5 % at eta 0.02, 1 % at 0.1
    assert law.i_tau_a(0.02) == pytest.approx(itau / (1.1 * 0.95), rel=1e-12)
    assert law.i_tau_a(0.1) == pytest.approx(itau / (1.1 * 0.99), rel=1e-12)
    assert law.i_tau_a(0.0) == 0.0
    # the L2 reference carries the gradient path's DC gain over the L2 path's
    assert law.i_ltau_a(0.1, 0.1) == pytest.approx(0.1 * law.i_tau_a(0.1) * law.l2_gain_ratio, rel=1e-12)
    with pytest.raises(LogsgdError):
        SgdrDesign(rate_gain=0.0)
    with pytest.raises(LogsgdError):
        SgdrDesign(l2_gain_ratio=0.0)
    with pytest.raises(LogsgdError):
        SgdrDesign(eta_max_at_period=0.0)
    with pytest.raises(LogsgdError, match="too small"):
        law.i_tau_a(1e-3)
