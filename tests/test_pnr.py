"""Place and route from SPICE: small hierarchies come out DRC-clean and LVS-clean with the project's checks."""

from __future__ import annotations

import pytest

from logsgd.cells.pnr import NetlistError, flat_netlist, layout_from_spice
from logsgd.flow.drc import run_drc
from logsgd.flow.files import write_text
from logsgd.flow.lvs import run_lvs
from logsgd.pdk.errors import LogsgdError

BLOCKS = """
* a PMOS mirror, a translinear block with its compensation MIM, a large MIM
.subckt mirror in out vdd
Xa in in vdd vdd sky130_fd_pr__pfet_01v8 w=4 l=2 nf=2
Xb out in vdd vdd sky130_fd_pr__pfet_01v8 w=8 l=2 nf=4
.ends mirror
.subckt tl f g h o gnd
Xc f gnd sky130_fd_pr__cap_mim_m3_1 w=5 l=5
Xm1 f g b gnd sky130_fd_pr__nfet_01v8 w=8 l=1 nf=2
Xm2 o h b gnd sky130_fd_pr__nfet_01v8_lvt w=8 l=1 nf=2
Xfb b f gnd gnd sky130_fd_pr__nfet_01v8 w=1 l=4 nf=1
.ends tl
.subckt small VDD gnd iin g h out
Xm iin f VDD mirror
Xt f g h out gnd tl
Xt2 f h g
+ out2 gnd tl
Xbig out gnd sky130_fd_pr__cap_mim_m3_1 w=40 l=35
Xlvt out2 out2 VDD VDD sky130_fd_pr__pfet_01v8_lvt w=1 l=0.35 nf=1
.ends small
"""

NMOS_ONLY = """
.subckt pair a b c gnd
X1 a b c gnd sky130_fd_pr__nfet_01v8 w=2 l=0.5 nf=1
X2 c a b gnd sky130_fd_pr__nfet_01v8 w=1.26 l=0.15 nf=3
X3 a gnd sky130_fd_pr__cap_mim_m3_1 w=1 l=1
.ends pair
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    cell = layout_from_spice(BLOCKS, "small")
    gds, spice = cell.write(tmp_path_factory.mktemp("pnr"))
    return cell, gds, spice


def test_layout_is_drc_clean(small):
    _, gds, _ = small
    result = run_drc(gds)
    assert result.violations == 0, result.by_rule


def test_layout_matches_its_spice(small):
    cell, gds, spice = small
    result = run_lvs(gds, spice)
    assert result.match, result.mismatches
    # 9 transistors and 3 capacitors: every leaf of the hierarchy is drawn
    assert result.devices_layout == result.devices_schematic == 12


def test_cell_carries_the_given_spice_and_pins(small):
    cell, _, _ = small
    assert cell.spice == BLOCKS
    assert cell.ports == ("VDD", "gnd", "iin", "g", "h", "out")
    assert [p.name for p in cell.component.ports] == list(cell.ports)
    # every pin sits on the top edge, on met3
    top = cell.component.dbbox().top
    assert all(abs(p.dcenter[1] + p.dwidth / 2 - top) < 0.2 for p in cell.component.ports)


def test_top_level_nets_are_labelled(small):
    """Internal nets of the top cell keep their names in the layout (for .ic after extraction)."""
    import klayout.db as kdb

    _, gds, _ = small
    layout = kdb.Layout()
    layout.read(str(gds))
    texts = set()
    top = layout.top_cells()[0]
    for index in layout.layer_indexes():
        for shape in top.shapes(index).each(kdb.Shapes.STexts):
            texts.add(shape.text_string)
    assert {"f", "out2", "VDD", "gnd", "iin"} <= texts


def test_lvs_sees_a_different_schematic(small, tmp_path):
    """The same layout against a schematic with one gate moved must not match."""
    _, gds, _ = small
    wrong = BLOCKS.replace("Xfb b f gnd gnd", "Xfb b o gnd gnd")
    result = run_lvs(gds, write_text(tmp_path / "small.spice", wrong))
    assert not result.match


def test_flat_netlist_names_and_sizes():
    flat = flat_netlist(BLOCKS, "small")
    devices = {d.path: d for d in flat.devices}
    assert len(devices) == 12
    fb = devices["xt2/xfb"]
    assert fb.nets == (("D", "xt2/b"), ("G", "f"), ("S", "gnd"), ("B", "gnd"))
    # w is per finger in the layout, total in SPICE
    assert devices["xm/xb"].w_um == pytest.approx(2.0) and devices["xm/xb"].nf == 4
    assert devices["xbig"].kind == "mim" and devices["xbig"].nets == (("TOP", "out"), ("BOT", "gnd"))


def test_nmos_only_netlist(tmp_path):
    cell = layout_from_spice(NMOS_ONLY, "pair")
    gds, spice = cell.write(tmp_path)
    assert run_drc(gds).violations == 0
    result = run_lvs(gds, spice)
    assert result.match, result.mismatches


@pytest.mark.parametrize("text, message", [
    (".subckt t a\nX1 a a a a sky130_fd_pr__nfet_03v3 w=1 l=1\n.ends t\n", "neither a SKY130 device"),
    (".subckt t a\nX1 a a a a sky130_fd_pr__nfet_01v8 w=1 l=1 m=2\n.ends t\n", "m= other than 1"),
    (".subckt t a\nX1 a a a sky130_fd_pr__nfet_01v8 w=1 l=1\n.ends t\n", "takes 4 pins"),
    (".subckt t a\nX1 a a a a sky130_fd_pr__nfet_01v8 w=1 l=x\n.ends t\n", "not a number"),
    (".subckt t a\nX1 a a a a sky130_fd_pr__nfet_01v8 w=1.001 l=1\n.ends t\n", "grid"),
    (".subckt t a b\nX1 a a a a sky130_fd_pr__nfet_01v8 w=1 l=1\nX2 a a a b sky130_fd_pr__nfet_01v8 w=1 l=1\n"
     ".ends t\n", "must share one net"),
    (".subckt u a b\n.ends u\n.subckt t a\nX1 a u\n.ends t\n", "has 2 pins"),
    (".subckt t a\nX1 a a a a sky130_fd_pr__nfet_01v8 w=1 l=1\n", "no .ends"),
    (".subckt t a\nX1 a a sky130_fd_pr__cap_mim_m3_1 w=0.5 l=3\n.ends t\n", "capm.1"),
    (".subckt other a\nX1 a a a a sky130_fd_pr__nfet_01v8 w=1 l=1\n.ends other\n", "no .subckt 't'"),
])
def test_bad_netlists_are_refused_in_one_line(text, message):
    with pytest.raises(NetlistError) as err:
        layout_from_spice(text, "t")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_finger_below_the_minimum_width_is_refused():
    with pytest.raises(LogsgdError, match="below the minimum"):
        layout_from_spice(".subckt t a\nX1 a a a a sky130_fd_pr__nfet_01v8 w=0.42 l=0.15 nf=3\n.ends t\n", "t")


def test_repeated_subcircuit_becomes_one_cell_placed_twice(tmp_path):
    """With blocks=("tl",) the two translinear instances are two references to one GDS cell."""
    import klayout.db as kdb

    cell = layout_from_spice(BLOCKS, "small", name="small_blocks", blocks=("tl",))
    gds, _ = cell.write(tmp_path)
    spice = write_text(tmp_path / "small_blocks.spice", BLOCKS.replace(".subckt small ", ".subckt small_blocks ")
                       .replace(".ends small\n", ".ends small_blocks\n"))
    layout = kdb.Layout()
    layout.read(str(gds))
    top = layout.top_cells()[0]
    children = [layout.cell(inst.cell_index).name for inst in top.each_inst()]
    assert children.count("tl") == 2
    assert run_drc(gds).violations == 0
    result = run_lvs(gds, spice)
    assert result.match, result.mismatches


def test_unknown_block_is_refused():
    with pytest.raises(NetlistError, match="block 'nope'"):
        layout_from_spice(BLOCKS, "small", blocks=("nope",))


def test_same_spice_gives_the_same_bytes(tmp_path):
    first = layout_from_spice(NMOS_ONLY, "pair").write(tmp_path / "a")[0].read_bytes()
    second = layout_from_spice(NMOS_ONLY, "pair").write(tmp_path / "b")[0].read_bytes()
    assert first == second


def test_sgdr_array_layout_comes_from_its_schematic():
    from logsgd.cells.logdomain import sgdr_array, sgdr_pins
    from logsgd.cells.sgdr_layout import sgdr_array_cell

    cell = sgdr_array_cell(1)
    assert cell.spice == sgdr_array(1)
    assert cell.ports == tuple(sgdr_pins(1))
    assert [p.name for p in cell.component.ports] == sgdr_pins(1)


def test_each_weight_is_one_cell_placed_n_times_and_the_array_is_clean(tmp_path):
    """N = 2: one ld_weight GDS cell referenced twice, schematic calls it twice; DRC 0 and LVS match."""
    from logsgd.cells.logdomain.array import WEIGHT_CELL
    from logsgd.cells.sgdr_layout import sgdr_array_cell
    from logsgd.flow.drc import run_drc
    from logsgd.flow.lvs import run_lvs

    cell = sgdr_array_cell(2)
    top = cell.component.kdb_cell
    assert sum(1 for inst in top.each_inst() if inst.cell.name == WEIGHT_CELL) == 2
    calls = [ln for ln in cell.spice.splitlines() if ln.startswith("Xw") and ln.endswith(f" {WEIGHT_CELL}")]
    assert len(calls) == 2 and cell.spice.count(f".subckt {WEIGHT_CELL} ") == 1
    gds, spice = cell.write(tmp_path)
    assert run_drc(gds, cell="sgdr_array", report=tmp_path / "drc.lyrdb").violations == 0
    assert run_lvs(gds, spice, cell="sgdr_array", report=tmp_path / "lvs.lvsdb").match


def _tracks_beside(gds, cell: str, net: str, shield: str = "gnd") -> list[str]:
    """Nets whose routing tracks (met2, met4) lie within one track pitch above or below those of ``net``.

    Routing is what the cell draws itself; the devices are its instances.
    """
    import klayout.db as kdb

    from logsgd.flow.extract import extract
    from logsgd.pdk.layers import LAYERS

    ex = extract(gds, cell, flat=True)
    layout = kdb.Layout()
    layout.read(str(gds))
    found = set()
    for layer in ("met2", "met4"):
        routing = kdb.Region(layout.cell(cell).shapes(layout.layer(*LAYERS[layer].draw)))
        tracks = {n.expanded_name(): ex.l2n.shapes_of_net(n, ex.regions[layer], True) & routing
                  for n in ex.top_circuit.each_net()}
        band = kdb.Region([p.bbox().enlarged(0, 500) for p in tracks[net].merged().each()])
        found |= {n for n, shapes in tracks.items() if n not in (net, shield) and not (shapes & band).is_empty()}
    return sorted(found)


def test_capacitor_nodes_run_between_ground_tracks(tmp_path):
    """The weight capacitor's node has only gnd beside it in every channel; without shielding, a bias line is."""
    from logsgd.cells.logdomain import sgdr_array
    from logsgd.cells.logdomain.array import WEIGHT_CELL
    from logsgd.cells.sgdr_layout import sgdr_array_cell

    bare = layout_from_spice(sgdr_array(1, name="bare"), "bare", blocks=(WEIGHT_CELL,))
    bare_gds, _ = bare.write(tmp_path / "bare")
    assert _tracks_beside(bare_gds, "bare", "vc_1") == ["itau"]
    gds, _ = sgdr_array_cell(1).write(tmp_path / "shielded")
    assert _tracks_beside(gds, "sgdr_array", "vc_1") == []
    assert _tracks_beside(gds, WEIGHT_CELL, "vc") == []


def test_shielding_needs_the_shield_net_as_a_pin():
    with pytest.raises(NetlistError, match="cannot shield 'c'"):
        layout_from_spice(NMOS_ONLY.replace(" gnd", " vss"), "pair", shielded=("c",))


def test_levels_keep_a_tall_net_on_free_levels():
    """Left-edge packing: a net three levels tall starts where three adjacent levels are free."""
    from logsgd.cells.pnr.route import _levels

    spans = {"a": (0, 10), "s": (5, 18), "t": (6, 40), "b": (20, 30)}
    assert _levels(spans, 1) == {"a": 0, "s": 1, "t": 2, "b": 0}
    assert _levels(spans, 1, {"s": 3}) == {"a": 0, "s": 1, "t": 4, "b": 0}
