"""Generated subcircuits run in ngspice with the SKY130 models (DC operating point)."""

from __future__ import annotations

import pytest

from logsgd.cells import cap_mim, common_centroid, current_mirror, guard_ring, interdigitated, nfet, pfet, via_stack
from logsgd.flow.sim import Analysis, Simulation, run


@pytest.fixture(scope="module")
def op():
    """One ngspice run holding every generator's subcircuit next to bare reference devices."""
    cells = {
        "n": nfet(w=2.0, l=1.0, nf=2, model="nfet_01v8", tap=True),
        "p": pfet(w=1.0, l=0.5, nf=3, model="pfet_01v8_lvt", tap=False),
        "c": cap_mim(w=5.0, l=5.0),
        "v": via_stack("li1", "met4", 1.0, 1.0),
        "g": guard_ring(2.0, 2.0, "ptap"),
        "i": interdigitated("ABBA", "nfet_01v8", 1.0, 1.0, 2, True),
        "cc": common_centroid("pfet_01v8", 1.0, 1.0, 1, True),
        "m": current_mirror("nfet_01v8", 2.0, 1.0, 2, True),
    }
    netlist = "\n".join(c.spice for c in cells.values()) + f"""
vdd vdd 0 1.8
vmid mid 0 0.9
vn dn 0 0.9
x_n dn mid 0 0 {cells['n'].name}
vnref dnref 0 0.9
xnref dnref mid 0 0 sky130_fd_pr__nfet_01v8 w=4 l=1 nf=2
vp dp 0 0.9
x_p dp mid vdd vdd {cells['p'].name}
vpref dpref 0 0.9
xpref dpref mid vdd vdd sky130_fd_pr__pfet_01v8_lvt w=3 l=0.5 nf=3
vc top 0 1
x_c top 0 {cells['c'].name}
x_v via_node {cells['v'].name}
rv via_node 0 1k
x_g 0 {cells['g'].name}
via ia 0 0.9
vib ib 0 0.9
x_i ia mid ib mid 0 0 {cells['i'].name}
vca ca 0 0.9
vcb cb 0 0.9
x_cc ca mid cb mid vdd vdd {cells['cc'].name}
iin vdd in 1u
vout out 0 0.9
x_m in out 0 0 {cells['m'].name}
"""
    vectors = ("i(vn)", "i(vnref)", "i(vp)", "i(vpref)", "i(via)", "i(vib)", "i(vca)", "i(vcb)", "i(vout)", "v(in)")
    result = run(Simulation(netlist, (Analysis("op", vectors),)))
    return {name: float(result[name][0]) for name in vectors}


def test_transistor_cells_carry_the_reference_device_current(op):
    assert op["i(vn)"] == pytest.approx(op["i(vnref)"], rel=1e-6)
    assert abs(op["i(vn)"]) > 1e-6
    assert op["i(vp)"] == pytest.approx(op["i(vpref)"], rel=1e-6)
    assert abs(op["i(vp)"]) > 1e-6


def test_matched_pairs_carry_equal_currents(op):
    assert op["i(via)"] == pytest.approx(op["i(vib)"], rel=1e-6)
    assert op["i(vca)"] == pytest.approx(op["i(vcb)"], rel=1e-6)
    assert abs(op["i(via)"]) > 1e-7


def test_mirror_copies_twice_the_input_current(op):
    # 1 uA in, ratio 2; the output sits at 0.9 V, the diode lower, so allow 15 %
    assert -op["i(vout)"] == pytest.approx(2e-6, rel=0.15)
    assert 0.2 < op["v(in)"] < 0.9
