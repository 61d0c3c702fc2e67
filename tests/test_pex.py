"""PEX on hand-drawn cells: capacitance against hand calculation, MIM extraction, ngspice runs it."""

from __future__ import annotations

import re

import numpy as np
import pytest

from logsgd.flow.cli import main
from logsgd.flow.pex import run_pex
from logsgd.flow.sim import Analysis, Simulation, run
from logsgd.pdk.errors import LogsgdError
from logsgd.pdk.parasitics import AREA_F_PER_UM2, CUT_OHM, FRINGE_F_PER_UM, SIDEWALL, plate_cap_F

from lvs_layouts import HIER_SPICE, Drawing, hierarchical_pair, mim_cell, mim_spice, mos_spice, nfet_cell, pfet_cell


def test_met1_plate_cap_matches_hand_calculation(tmp_path):
    plate = Drawing("plate")
    plate.box("met1", 0, 0, 20, 10)
    plate.label("met1", "P", 1, 1)
    gds = plate.write(tmp_path / "plate.gds")
    result = run_pex(gds, tmp_path / "plate_pex.spice")
    hand = 200 * AREA_F_PER_UM2["met1"] + 60 * FRINGE_F_PER_UM["met1"]
    assert hand == pytest.approx(7.59e-15, rel=1e-3)
    assert result.net_caps_F["P"] == pytest.approx(hand, rel=0.05)
    assert result.devices == 0
    assert ".subckt plate P" in result.out_path.read_text()


def test_mim_10x10_device_and_bottom_plate(tmp_path):
    gds = mim_cell(w=10.0, l=10.0).write(tmp_path / "mim_test.gds")
    (tmp_path / "mim_test.spice").write_text(mim_spice("mim_test", w=10.0, l=10.0))
    result = run_pex(gds, tmp_path / "mim_pex.spice")
    text = result.out_path.read_text()
    assert re.search(r"^XC1 TOP BOT sky130_fd_pr__cap_mim_m3_1 w=10 l=10$", text, re.MULTILINE)
    assert result.ports == ["TOP", "BOT"]
    # Bottom plate: the met3 plate of mim_cell (-0.5..12, -0.5..10.5) to substrate.
    bottom = plate_cap_F("met3", 12.5 * 11.0, 2 * (12.5 + 11.0))
    assert result.ground_caps_F["BOT"] == pytest.approx(bottom, rel=0.05)
    assert result.net_caps_F["BOT"] > result.net_caps_F["TOP"]


def test_ports_follow_the_schematic_and_fingers_merge(tmp_path):
    gds = nfet_cell(w=1.0, l=0.5, nf=2).write(tmp_path / "nfet_test.gds")
    schematic = tmp_path / "nfet_test.spice"
    schematic.write_text(mos_spice("nfet_test", "nfet_01v8", w=1.0, l=0.5, nf=2, ports="G S D B"))
    result = run_pex(gds, tmp_path / "out.spice")
    assert result.ports == ["G", "S", "D", "B"]
    text = result.out_path.read_text()
    assert ".subckt nfet_test G S D B" in text
    assert re.search(r"sky130_fd_pr__nfet_01v8 w=2 l=0.5 nf=2 ", text)
    assert result.devices == 1
    # Drain between the two gates couples to both sources beside it.
    caps = result.coupling_caps_F
    assert caps.get(("D", "S"), 0.0) + caps.get(("S", "D"), 0.0) > 0


def test_extracted_netlists_run_in_ngspice(tmp_path):
    """One ngspice run at a DC operating point: an nfet, a pfet and a MIM cap from PEX,
    and an nfet extracted twice, with and without wire resistance."""
    decks = []
    for drawing, schematic, with_r in (
        (nfet_cell(), mos_spice("nfet_test", "nfet_01v8", w=2.0, l=0.5), False),
        (pfet_cell(nf=2), mos_spice("pfet_test", "pfet_01v8", w=2.0, l=0.5, nf=2), False),
        (mim_cell(w=5.0, l=5.0), mim_spice("mim_test", w=5.0, l=5.0), False),
        (nfet_cell("nfet_c", w=4.0, l=0.15, nf=2), mos_spice("nfet_c", "nfet_01v8", w=4.0, l=0.15, nf=2), False),
        (nfet_cell("nfet_rc", w=4.0, l=0.15, nf=2), mos_spice("nfet_rc", "nfet_01v8", w=4.0, l=0.15, nf=2), True),
    ):
        gds = drawing.write(tmp_path / f"{drawing.name}.gds")
        (tmp_path / f"{drawing.name}.spice").write_text(schematic)
        result = run_pex(gds, tmp_path / f"{drawing.name}_pex.spice", with_r=with_r)
        assert (result.resistors > 0) == with_r
        decks.append(result.out_path.read_text())
    netlist = "\n".join(decks) + (
        "\nXN dn g 0 0 nfet_test\nXP dp gp vdd vdd pfet_test\nXC top 0 mim_test\n"
        "XC1 d1 vdd 0 0 nfet_c\nXR1 d2 vdd 0 0 nfet_rc\n"
        "VDD vdd 0 1.8\nVG g 0 0.45\nVGP gp 0 1.35\nVDN dn 0 0.9\nVDP dp 0 0.9\nVT top 0 1\n"
        "VD1 d1 0 0.1\nVD2 d2 0 0.1\n"
    )
    vectors = ("i(VDN)", "i(VDP)", "i(VT)", "i(VD1)", "i(VD2)")
    result = run(Simulation(netlist, (Analysis("op", vectors),)))
    i_n, i_p = -result["i(VDN)"][0], result["i(VDP)"][0]
    assert 1e-9 < i_n < 1e-4, i_n
    assert 1e-12 < i_p < 1e-4, i_p
    assert abs(result["i(VT)"][0]) < 1e-9
    # Linear region, 8 µm / 0.15 µm: the source/drain contacts and wires cost current.
    i_c, i_rc = -result["i(VD1)"][0], -result["i(VD2)"][0]
    assert 1e-4 < i_c
    assert 0.5 * i_c < i_rc < 0.995 * i_c


def test_cli_prints_caps_largest_first(tmp_path, capsys):
    gds = nfet_cell().write(tmp_path / "n.gds")
    out = tmp_path / "n_pex.spice"
    assert main(["pex", str(gds), "--out", str(out)]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.strip().endswith("fF")]
    caps = [float(ln.split()[-2]) for ln in lines]
    assert len(caps) == 4 and caps == sorted(caps, reverse=True)
    assert out.is_file()
    assert main(["pex", str(tmp_path / "missing.gds"), "--out", str(out)]) == 2


def test_pex_bad_cell(tmp_path):
    gds = nfet_cell().write(tmp_path / "n.gds")
    with pytest.raises(LogsgdError, match="not in n.gds"):
        run_pex(gds, tmp_path / "x.spice", cell="other")
    assert not (tmp_path / "x.spice").exists()


def test_parallel_met1_lines_couple_laterally(tmp_path):
    """Two 10 µm met1 lines 0.3 µm apart: k * run / (spacing + offset) from the sidewall figure."""
    lines = Drawing("pair")
    lines.box("met1", 0, 0, 10, 0.5)
    lines.box("met1", 0, 0.8, 10, 1.3)
    lines.label("met1", "A", 1, 0.25)
    lines.label("met1", "B", 1, 1.05)
    gds = lines.write(tmp_path / "pair.gds")
    result = run_pex(gds, tmp_path / "pair_pex.spice")
    hand = SIDEWALL["met1"].cap_F(10.0, 0.3)
    assert hand == pytest.approx(0.8e-15, rel=1e-3)
    assert result.coupling_caps_F[("A", "B")] == pytest.approx(hand, rel=0.05)
    assert result.ground_caps_F["A"] == pytest.approx(plate_cap_F("met1", 5.0, 21.0), rel=0.05)


def test_a_track_between_two_lines_shields_them(tmp_path):
    """A, G, B in a row 0.3 µm apart: A-B couples only over the run that G does not cover.

    G spans 4 of the 10 µm, so A and B see each other over 6 µm at 1.1 µm,
    and each sees G over 4 µm at 0.3 µm.
    """
    lines = Drawing("shielded")
    lines.box("met1", 0, 0, 10, 0.5)
    lines.box("met1", 3, 0.8, 7, 1.3)
    lines.box("met1", 0, 1.6, 10, 2.1)
    for net, y in (("A", 0.25), ("G", 1.05), ("B", 1.85)):
        lines.label("met1", net, 5 if net == "G" else 1, y)
    gds = lines.write(tmp_path / "shielded.gds")
    result = run_pex(gds, tmp_path / "shielded_pex.spice")
    side = SIDEWALL["met1"]
    assert result.coupling_caps_F[("A", "B")] == pytest.approx(side.cap_F(6.0, 1.1), rel=0.05)
    assert result.coupling_caps_F[("A", "G")] == pytest.approx(side.cap_F(4.0, 0.3), rel=0.05)


def _effective_ohm(spice: str, net: str, a: str, b: str) -> float:
    """Resistance between nodes a and b of net ``net`` (nodes net, net_*) by nodal analysis."""

    def on_net(node: str) -> bool:
        return node == net or node.startswith(net + "_")

    resistors = [r for r in (ln.split() for ln in spice.splitlines() if ln.startswith("R")) if on_net(r[1])]
    nodes = sorted({n for r in resistors for n in r[1:3]})
    index = {n: i for i, n in enumerate(nodes)}
    g = np.zeros((len(nodes), len(nodes)))
    for _, n1, n2, value in resistors:
        i, j = index[n1], index[n2]
        g[i, i] += 1 / float(value)
        g[j, j] += 1 / float(value)
        g[i, j] -= 1 / float(value)
        g[j, i] -= 1 / float(value)
    keep = [i for i in range(len(nodes)) if i != index[b]]
    current = np.zeros(len(nodes))
    current[index[a]] = 1.0
    v = np.linalg.solve(g[np.ix_(keep, keep)], current[keep])
    return float(v[keep.index(index[a])])


def test_with_r_adds_contact_and_wire_resistance(tmp_path):
    """One licon and one mcon per terminal at W = 0.42 µm: R(pin to device) is their sum plus wire."""
    gds = nfet_cell(w=0.42, l=0.15).write(tmp_path / "nfet_test.gds")
    (tmp_path / "nfet_test.spice").write_text(mos_spice("nfet_test", "nfet_01v8", w=0.42, l=0.15))
    result = run_pex(gds, tmp_path / "nfet_r.spice", with_r=True)
    text = result.out_path.read_text()
    assert re.search(r"^XM1 D_t1 G S_t1 B ", text, re.MULTILINE)
    contacts = CUT_OHM["licon_ndiff"] + CUT_OHM["mcon"]
    for pin in ("D", "S"):
        assert contacts <= _effective_ohm(text, pin, pin, f"{pin}_t1") < contacts + 5.0


def test_hierarchical_layout_uses_top_labels_only(tmp_path):
    """Subcell labels (S twice, D twice) neither merge nor collide: only the top cell's name nets."""
    gds = hierarchical_pair(tmp_path / "top2.gds")
    (tmp_path / "top2.spice").write_text(HIER_SPICE)
    result = run_pex(gds, tmp_path / "top2_pex.spice", cell="top2")
    text = result.out_path.read_text()
    assert result.ports == ["G", "DA", "DB", "VSS"] and result.warnings == []
    devices = [ln.split() for ln in text.splitlines() if ln.startswith("XM")]
    assert sorted(d[1] for d in devices) == ["DA", "DB"]
    assert all(d[2] == "G" and d[4] == "VSS" for d in devices)
    sources = {d[3] for d in devices}
    assert len(sources) == 2 and not sources & {"S", "DA", "DB", "G", "VSS"}


def test_pex_refuses_a_malformed_device(tmp_path):
    d = Drawing("bad_mim")
    d.box("capm", 0, 0, 5, 5)
    gds = d.write(tmp_path / "bad_mim.gds")
    with pytest.raises(LogsgdError, match="capm without met3"):
        run_pex(gds, tmp_path / "bad_pex.spice")
    assert not (tmp_path / "bad_pex.spice").exists()
