"""Schematic generators of the log-domain SGDr cell, and the translinear block at DC in ngspice."""

import re

import pytest

from logsgd.cells.logdomain import SgdrDesign, pmos_mirror, sgdr_array, sgdr_pins, tl_muldiv, transistor_count
from logsgd.flow.tlcheck import tl_block_error
from logsgd.pdk.errors import LogsgdError

ALLOWED = {"sky130_fd_pr__nfet_01v8", "sky130_fd_pr__pfet_01v8", "sky130_fd_pr__cap_mim_m3_1"}


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
        SgdrDesign(a=0.9)


def test_translinear_block_error_at_dc():
    # Measured at tt/27 °C: 4.7 % worst case, 1.85 % rms, over forced 0.25..2.25 I_0 and gate 0.5..2.5 I_0
    # (body effect of the shared-source pair in BSIM4; the double differences cancel most of it).
    err = tl_block_error()
    assert err["tl_max_rel_error_pct"] < 6.0
    assert err["tl_rms_rel_error_pct"] < 2.5
