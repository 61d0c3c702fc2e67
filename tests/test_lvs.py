"""LVS on hand-drawn cells: clean cells match, injected faults never match, bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import klayout.db as kdb
import pytest

from logsgd.flow.cli import main
from logsgd.flow.files import write_text
from logsgd.flow.lvs import run_lvs
from logsgd.pdk.errors import LogsgdError

from lvs_layouts import (
    HIER_SPICE,
    SD_UM,
    Drawing,
    hierarchical_pair,
    mim_cell,
    mim_spice,
    mos_fingers,
    mos_spice,
    nfet_cell,
    pfet_cell,
    tap,
)


def write(tmp_path: Path, drawing: Drawing, spice: str, stem: str = "cell") -> tuple[Path, Path]:
    gds = drawing.write(tmp_path / f"{stem}.gds")
    sp = tmp_path / f"{stem}.spice"
    sp.write_text(spice)
    return gds, sp


@pytest.mark.parametrize(
    ("drawing", "spice"),
    [
        (nfet_cell(w=2.0, l=0.5), mos_spice("nfet_test", "nfet_01v8", w=2.0, l=0.5)),
        (nfet_cell(w=1.0, l=0.15, nf=2), mos_spice("nfet_test", "nfet_01v8", w=1.0, l=0.15, nf=2)),
        (nfet_cell(w=0.42, l=1.0, lvt=True), mos_spice("nfet_test", "nfet_01v8_lvt", w=0.42, l=1.0)),
        (pfet_cell(w=3.0, l=0.35, nf=2), mos_spice("pfet_test", "pfet_01v8", w=3.0, l=0.35, nf=2)),
        (mim_cell(w=10.0, l=10.0), mim_spice("mim_test", w=10.0, l=10.0)),
        (mim_cell(w=4.0, l=7.0), mim_spice("mim_test", w=4.0, l=7.0)),
    ],
    ids=["nfet", "nfet_nf2", "nfet_lvt", "pfet_nf2", "mim10x10", "mim4x7"],
)
def test_clean_cells_match(tmp_path, drawing, spice):
    gds, sp = write(tmp_path, drawing, spice)
    result = run_lvs(gds, sp)
    assert result.match, result.mismatches
    assert result.mismatches == []
    assert result.devices_layout == result.devices_schematic == 1
    assert result.nets_layout == result.nets_schematic


def test_fingers_combine_like_the_schematic(tmp_path):
    """Two 1.5 µm fingers in the layout equal one w=3 nf=2 call in the schematic."""
    gds, sp = write(tmp_path, nfet_cell(w=1.5, l=0.5, nf=2), mos_spice("nfet_test", "nfet_01v8", w=1.5, l=0.5, nf=2))
    assert run_lvs(gds, sp).match


def _two_nfets(with_second: bool) -> Drawing:
    d = Drawing("pair")
    mos_fingers(d, w=1.0, l=0.5)
    if with_second:
        mos_fingers(d, w=1.0, l=0.5, x0=3.0, nets=("D2", "G2", "S2"))
    tap(d, -1.0, 0.0, 1.0, "ptap", "B")
    return d


PAIR_SPICE = (
    ".subckt pair D G S D2 G2 S2 B\n"
    "X0 D G S B sky130_fd_pr__nfet_01v8 w=1 l=0.5 nf=1\n"
    "X1 D2 G2 S2 B sky130_fd_pr__nfet_01v8 w=1 l=0.5 nf=1\n"
    ".ends pair\n"
)
NFET_SPICE = mos_spice("nfet_test", "nfet_01v8", w=2.0, l=0.5)


def _bridge() -> Drawing:
    d = nfet_cell()
    drain_x = SD_UM + 0.5 + SD_UM / 2
    d.box("met1", drain_x - 0.16, -0.6, drain_x + 0.16, 0.0)
    return d


def _without_label(drawing: Drawing, text: str) -> Drawing:
    for layer_index in drawing.layout.layer_indexes():
        shapes = drawing.cell.shapes(layer_index)
        for shape in list(shapes.each(kdb.Shapes.STexts)):
            if shape.text_string == text:
                shapes.erase(shape)
    return drawing


FAULTS = {
    "port_label_missing": (lambda: _without_label(nfet_cell(), "D"), NFET_SPICE),
    "contact_removed": (lambda: nfet_cell(gate_contact=False), NFET_SPICE),
    "met1_bridge": (_bridge, NFET_SPICE),
    "gate_width_changed": (lambda: nfet_cell(w=1.5), NFET_SPICE),
    "device_missing": (lambda: _two_nfets(with_second=False), PAIR_SPICE),
    "labels_swapped": (lambda: nfet_cell(nets=("G", "D", "S")), NFET_SPICE),
    "schematic_other_l": (nfet_cell, mos_spice("nfet_test", "nfet_01v8", w=2.0, l=0.6)),
}


def test_pair_is_clean(tmp_path):
    gds, sp = write(tmp_path, _two_nfets(with_second=True), PAIR_SPICE)
    result = run_lvs(gds, sp)
    assert result.match, result.mismatches
    assert result.devices_layout == 2


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_injected_fault_is_a_mismatch(tmp_path, fault):
    make, spice = FAULTS[fault]
    gds, sp = write(tmp_path, make(), spice)
    result = run_lvs(gds, sp)
    assert not result.match
    assert result.mismatches, "a mismatch must say why"
    assert all(isinstance(line, str) and line for line in result.mismatches)


def test_parameter_faults_name_the_device(tmp_path):
    gds, sp = write(tmp_path, nfet_cell(), mos_spice("nfet_test", "nfet_01v8", w=2.0, l=0.6))
    text = "\n".join(run_lvs(gds, sp).mismatches)
    assert "L=0.6" in text and "L=0.5" in text


def test_no_empty_match(tmp_path):
    plate = Drawing("nfet_test")
    plate.box("met1", 0, 0, 5, 5)
    plate.label("met1", "D", 1, 1)
    gds, sp = write(tmp_path, plate, NFET_SPICE, "plate")
    assert not run_lvs(gds, sp).match
    empty_spice = ".subckt nfet_test D G S B\n.ends nfet_test\n"
    gds, sp = write(tmp_path, nfet_cell(), empty_spice, "empty_schematic")
    result = run_lvs(gds, sp)
    assert not result.match
    assert result.devices_schematic == 0
    gds, sp = write(tmp_path, plate, empty_spice, "both_empty")
    assert not run_lvs(gds, sp).match


def test_bad_input_raises(tmp_path):
    gds, sp = write(tmp_path, nfet_cell(), NFET_SPICE)
    with pytest.raises(LogsgdError, match="not found"):
        run_lvs(tmp_path / "missing.gds", sp)
    with pytest.raises(LogsgdError, match="not found"):
        run_lvs(gds, tmp_path / "missing.spice")
    with pytest.raises(LogsgdError, match="no_such_cell"):
        run_lvs(gds, sp, cell="no_such_cell")
    broken = tmp_path / "broken.spice"
    broken.write_text(".subckt nfet_test D G S B\nX0 D G S B not_a_device w=1 l=1\n.ends nfet_test\n")
    with pytest.raises(LogsgdError, match="cannot read schematic"):
        run_lvs(gds, broken)
    not_gds = tmp_path / "text.gds"
    not_gds.write_text("hello")
    with pytest.raises(LogsgdError, match="cannot read GDS"):
        run_lvs(not_gds, sp)


def test_cli_exit_codes_json_and_report(tmp_path, capsys):
    gds, sp = write(tmp_path, nfet_cell(nf=2), mos_spice("nfet_test", "nfet_01v8", w=2.0, l=0.5, nf=2))
    report, out_json = tmp_path / "r.lvsdb", tmp_path / "r.json"
    assert main(["lvs", str(gds), str(sp), "--report", str(report), "--json", str(out_json)]) == 0
    data = json.loads(out_json.read_text())
    assert data == {
        "match": True,
        "devices_layout": 1,
        "devices_schematic": 1,
        "nets_layout": 4,
        "nets_schematic": 4,
        "mismatches": [],
    }
    lvsdb = kdb.LayoutVsSchematic()
    lvsdb.read(str(report))
    assert lvsdb.xref() is not None and lvsdb.reference is not None

    bad = tmp_path / "bad.spice"
    bad.write_text(mos_spice("nfet_test", "nfet_01v8", w=2.0, l=0.6, nf=2))
    assert main(["lvs", str(gds), str(bad), "--json", str(out_json)]) == 1
    assert json.loads(out_json.read_text())["match"] is False
    assert "MISMATCH" in capsys.readouterr().out

    assert main(["lvs", str(tmp_path / "nope.gds"), str(sp)]) == 2
    assert "not found" in capsys.readouterr().err


def test_hierarchical_layout_matches(tmp_path):
    gds = hierarchical_pair(tmp_path / "top2.gds")
    sp = tmp_path / "top2.spice"
    sp.write_text(HIER_SPICE)
    result = run_lvs(gds, sp, cell="top2")
    assert result.match, result.mismatches
    assert result.devices_layout == 2
    bad = tmp_path / "bad.spice"
    bad.write_text(HIER_SPICE.replace("X2 DB G SB", "X2 DB G SA"))
    assert not run_lvs(gds, bad, cell="top2").match


def test_capm_without_bottom_plate_is_a_mismatch(tmp_path):
    d = Drawing("mim_test")
    d.box("capm", 0, 0, 5, 5)
    d.box("met4", 0.2, 0.2, 4.8, 4.8)
    d.box("via3", 1, 1, 1.2, 1.2)
    d.label("met4", "TOP", 2, 2)
    gds, sp = write(tmp_path, d, mim_spice("mim_test", w=5.0, l=5.0))
    result = run_lvs(gds, sp)
    assert not result.match
    assert any("capm without met3" in line for line in result.mismatches), result.mismatches


def _interdigitated_with_dummies(tmp_path):
    from logsgd.cells.matched import interdigitated

    cell = interdigitated("ABBA", device="nfet_01v8", w=2.0, l=1.0, nf=2, dummies=True)
    gds, spice = cell.write(tmp_path)
    return gds, spice.read_text()


def test_dummy_gates_are_dropped_on_both_sides(tmp_path):
    """A row's end dummies (gate on bulk, drain on source) match a schematic with or without them."""
    gds, spice = _interdigitated_with_dummies(tmp_path)
    assert spice.count("XDUMMY") == 2
    with_dummies = run_lvs(gds, write_text(tmp_path / "with.spice", spice))
    without = run_lvs(gds, write_text(tmp_path / "without.spice",
                                      "\n".join(ln for ln in spice.splitlines() if not ln.startswith("XDUMMY"))))
    for result in (with_dummies, without):
        assert result.match, result.mismatches
        assert result.devices_layout == result.devices_schematic == 2


def test_device_shorted_like_a_dummy_is_a_mismatch(tmp_path):
    """A real device whose schematic ties gate to bulk and drain to source is dropped, and the layout's stays."""
    gds, spice = _interdigitated_with_dummies(tmp_path)
    shorted = spice.replace("XA0 DA GA S B", "XA0 S B S B").replace("XA3 DA GA S B", "XA3 S B S B")
    result = run_lvs(gds, write_text(tmp_path / "shorted.spice", shorted))
    assert not result.match
    assert result.devices_layout == 2 and result.devices_schematic == 1
