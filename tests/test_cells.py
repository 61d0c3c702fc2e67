"""Generators: DRC on a grid sample, matching geometry, determinism, validation, ports, pictures."""

from __future__ import annotations

import pytest

from logsgd.cells import (
    CellParameterError,
    cap_mim,
    common_centroid,
    current_mirror,
    guard_ring,
    interdigitated,
    nfet,
    pfet,
    via_stack,
)
from logsgd.cells.base import forget
from logsgd.cells.grid import grid, sample
from logsgd.cells.registry import GENERATORS, build
from logsgd.flow.drc import run_drc
from logsgd.pdk.layers import GRID_UM

GRID_STEP_UM = GRID_UM


def test_grid_has_at_least_200_cases_over_every_generator():
    cases = grid()
    assert len(cases) >= 200
    assert {name for name, _ in cases} == set(GENERATORS)


def test_drc_clean_on_grid_sample(tmp_path):
    failures = []
    cases = sample(36)
    assert {name for name, _ in cases} == set(GENERATORS)
    for name, params in cases:
        gds, _ = build(name, params).write(tmp_path)
        result = run_drc(gds)
        if result.violations:
            failures.append(f"{gds.name}: {result.by_rule}")
    assert failures == []


@pytest.mark.parametrize("nf", [1, 2, 3])
@pytest.mark.parametrize("dummies", [True, False])
def test_common_centroid_centroids_coincide(nf, dummies):
    cell = common_centroid(device="nfet_01v8", w=1.0, l=0.5, nf=nf, dummies=dummies)
    (ax, ay), (bx, by) = cell.centroid("A"), cell.centroid("B")
    assert abs(ax - bx) <= GRID_STEP_UM
    assert abs(ay - by) <= GRID_STEP_UM
    assert sum(f.device == "A" for f in cell.fingers) == 4 * nf


@pytest.mark.parametrize("pattern", ["ABBA", "BAAB", "ABBAABBA", "AABBBBAA"])
@pytest.mark.parametrize("nf", [1, 2])
def test_symmetric_patterns_share_the_row_centroid(pattern, nf):
    cell = interdigitated(pattern=pattern, device="pfet_01v8", w=0.42, l=0.15, nf=nf, dummies=True)
    assert abs(cell.centroid("A")[0] - cell.centroid("B")[0]) <= GRID_STEP_UM


@pytest.mark.parametrize("ratio", [1, 2, 3, 4])
def test_mirror_reference_centred_among_outputs(ratio):
    cell = current_mirror(device="nfet_01v8", w=1.0, l=1.0, ratio=ratio, dummies=True)
    assert abs(cell.centroid("A")[0] - cell.centroid("B")[0]) <= GRID_STEP_UM
    units_a = sum(f.device == "A" for f in cell.fingers)
    units_b = sum(f.device == "B" for f in cell.fingers)
    assert units_b == ratio * units_a


def test_same_parameters_give_identical_bytes(tmp_path):
    first = interdigitated(pattern="ABAB", device="nfet_01v8_lvt", w=1.5, l=0.35, nf=3, dummies=True)
    gds_a, spice_a = first.write(tmp_path / "a")
    forget(first.name)
    second = interdigitated(pattern="ABAB", device="nfet_01v8_lvt", w=1.5, l=0.35, nf=3, dummies=True)
    assert second is not first
    gds_b, spice_b = second.write(tmp_path / "b")
    assert gds_a.read_bytes() == gds_b.read_bytes()
    assert spice_a.read_text() == spice_b.read_text()


def test_cli_twice_gives_identical_bytes(cli, tmp_path):
    for out in ("a", "b"):
        done = cli("cell", "common_centroid", "--param", "w=0.42", "--param", "nf=1", "--out", str(tmp_path / out))
        assert done.returncode == 0, done.stderr
    name = "cc_nfet_01v8_w0p42_l1_nf1_dummies"
    assert (tmp_path / "a" / f"{name}.gds").read_bytes() == (tmp_path / "b" / f"{name}.gds").read_bytes()


def test_cell_contract_nfet():
    cell = nfet(w=2.0, l=1.0, nf=2, model="nfet_01v8", tap=True)
    assert cell.ports == ("D", "G", "S", "B")
    assert cell.name == cell.component.name == "nfet_01v8_w2_l1_nf2_ring"
    assert {p.name for p in cell.component.ports} == set(cell.ports)
    assert cell.spice.splitlines()[1] == ".subckt nfet_01v8_w2_l1_nf2_ring D G S B"
    assert "XM0 D G S B sky130_fd_pr__nfet_01v8 w=4 l=1 nf=2" in cell.spice
    assert cell.spice.rstrip().endswith(".ends nfet_01v8_w2_l1_nf2_ring")


@pytest.mark.parametrize("cell, ports", [
    (lambda: pfet(w=0.42, l=0.35, nf=1, model="pfet_01v8_lvt", tap=False), ("D", "G", "S", "B")),
    (lambda: cap_mim(w=1.005, l=2.995), ("TOP", "BOT")),
    (lambda: via_stack("li1", "met3", 1.0, 1.0), ("A",)),
    (lambda: guard_ring(1.0, 2.0, "ntap"), ("B",)),
    (lambda: interdigitated("ACCA", "nfet_01v8", 1.0, 1.0, 1, False), ("DA", "GA", "DC", "GC", "S", "B")),
    (lambda: common_centroid(), ("DA", "GA", "DB", "GB", "S", "B")),
    (lambda: current_mirror(), ("IN", "OUT", "S", "B")),
])
def test_every_port_is_a_component_port_and_subckt_pin(cell, ports):
    made = cell()
    assert made.ports == ports
    assert {p.name for p in made.component.ports} == set(ports)
    assert made.spice.splitlines()[1] == f".subckt {made.name} {' '.join(ports)}"


def test_spice_models_and_widths():
    cell = interdigitated(pattern="AB", device="pfet_01v8_lvt", w=0.5, l=0.35, nf=3, dummies=True)
    lines = [ln for ln in cell.spice.splitlines() if ln.startswith("X")]
    assert "XA0 DA GA S B sky130_fd_pr__pfet_01v8_lvt w=1.5 l=0.35 nf=3" in lines
    assert "XB1 DB GB S B sky130_fd_pr__pfet_01v8_lvt w=1.5 l=0.35 nf=3" in lines
    dummies = [ln for ln in lines if ln.startswith("XDUMMY")]
    assert len(dummies) == 2 and all(" B " in ln and "nf=1" in ln for ln in dummies)
    mim = cap_mim(w=10.0, l=10.0).spice
    assert "XC0 TOP BOT sky130_fd_pr__cap_mim_m3_1 w=10 l=10" in mim


@pytest.mark.parametrize("call, words", [
    (lambda: nfet(w=0.4), ("w=0.4", "0.42")),
    (lambda: nfet(l=0.1), ("l=0.1", "0.15")),
    (lambda: pfet(l=0.3, model="pfet_01v8_lvt"), ("l=0.3", "0.35")),
    (lambda: nfet(w=1.001), ("w=1.001", "grid")),
    (lambda: nfet(nf=0), ("nf=0", "1")),
    (lambda: nfet(model="pfet_01v8"), ("model", "nfet_01v8")),
    (lambda: interdigitated(pattern="ABZ"), ("pattern", "'Z'")),
    (lambda: via_stack(bottom="met2", top="met1"), ("top", "bottom")),
    (lambda: via_stack(top="poly"), ("top", "met4")),
    (lambda: via_stack("met2", "met3", 0.4, 0.4), ("w*h", "m3.6")),
    (lambda: cap_mim(w=0.5), ("w=0.5", "1")),
    (lambda: guard_ring(kind="deep"), ("kind", "ptap")),
    (lambda: current_mirror(ratio=0), ("ratio=0", "1")),
])
def test_invalid_parameters_name_parameter_and_limit(call, words):
    with pytest.raises(CellParameterError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_cli_rejects_bad_input_with_one_line_and_exit_2(cli, tmp_path):
    for args in (["nfet", "--param", "w=0.3"], ["nfet", "--param", "colour=red"], ["nfet", "--param", "w"],
                 ["no_such_cell"], ["interdigitated", "--param", "pattern=AXB"]):
        done = cli("cell", *args, "--out", str(tmp_path))
        assert done.returncode == 2, args
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr
    assert not any(tmp_path.iterdir())


def test_cli_writes_files_and_png(cli, tmp_path):
    png = tmp_path / "mirror.png"
    done = cli("cell", "current_mirror", "--param", "ratio=2", "--out", str(tmp_path), "--png", str(png))
    assert done.returncode == 0, done.stderr
    printed = done.stdout.split()
    assert printed[0].endswith("mirror_nfet_01v8_w2_l1_r2_dummies.gds")
    assert printed[1].endswith("mirror_nfet_01v8_w2_l1_r2_dummies.spice")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5000


def test_cells_lists_every_generator_with_limits(cli):
    done = cli("cells")
    assert done.returncode == 0
    for name in GENERATORS:
        assert f"{name}:" in done.stdout
    assert ">= 0.42" in done.stdout and "pfet_01v8_lvt 0.35" in done.stdout
