"""The built-in SKY130 DRC deck: every rule fires one grid step past its limit and stays quiet at it."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import klayout.db as kdb
import pytest
from drc_fixtures import FIXTURES, Fx, build, ndiff, ntap, ptap

from logsgd.flow.cli import main
from logsgd.flow.drc import run_drc
from logsgd.flow.drc_report import rule_text
from logsgd.pdk.errors import LogsgdError
from logsgd.pdk.rules import RULES, rule

REPO = Path(__file__).resolve().parents[1]

RULE_IDS = list(RULES)
ADJACENT = [r.id for r in RULES.values() if r.kind == "enclosure_adjacent"]
ORIENTED = [r.id for r in RULES.values()
            if r.other or r.kind not in ("width", "space", "area", "exact") or r.layer.startswith(("gate", "pgate"))]
"""Rules whose check depends on edge direction or on a second layer (turned-layout test)."""


def _bench():
    spec = importlib.util.spec_from_file_location("bench_drc", REPO / "bench" / "bench_drc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_rule_has_a_fixture():
    assert set(FIXTURES) == set(RULES), "rules without a fixture: " + ", ".join(sorted(set(RULES) - set(FIXTURES)))


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_one_grid_step_past_the_limit_fires_only_that_rule(rule_id, tmp_path):
    result = run_drc(build(rule_id, True, tmp_path / "bad.gds"))
    assert set(result.by_rule) == {rule_id}
    assert result.violations >= 1


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_at_the_limit_is_clean(rule_id, tmp_path):
    result = run_drc(build(rule_id, False, tmp_path / "ok.gds"))
    assert result.by_rule == {}
    assert result.violations == 0


@pytest.mark.parametrize("rule_id", ORIENTED)
def test_rule_fires_on_the_layout_turned_by_90_degrees(rule_id, tmp_path):
    result = run_drc(build(rule_id, True, tmp_path / "bad_r90.gds", rotation=1))
    assert set(result.by_rule) == {rule_id}


@pytest.mark.parametrize("rule_id", ADJACENT)
@pytest.mark.parametrize("rotation", [2, 3])
def test_adjacent_enclosure_is_orientation_free(rule_id, rotation, tmp_path):
    assert set(run_drc(build(rule_id, True, tmp_path / "bad.gds", rotation)).by_rule) == {rule_id}
    assert run_drc(build(rule_id, False, tmp_path / "ok.gds", rotation)).by_rule == {}


def test_adjacent_enclosure_short_on_two_opposite_sides_is_legal(tmp_path):
    # mcon with 0.03 µm met1 on left and right but 0.06 µm above and below: m1.5 holds
    fx = Fx()
    fx.box("mcon", 0, 0, 0.17, 0.17)
    fx.around("li1", (0, 0, 0.17, 0.17), (0.08,) * 4)
    fx.box("met1", -rule("m1.4"), -rule("m1.5"), 0.17 + rule("m1.4"), 0.17 + 0.3)
    assert run_drc(fx.save(tmp_path / "m1.gds")).by_rule == {}


def test_butting_diff_and_tap_are_clean(tmp_path):
    fx = Fx()
    ndiff(fx, 0, 0, 1, 0.5, imp=(0.125, 0, 0.125, 0.125), latchup_tap=False)
    ptap(fx, 1, 0, 1.5, 0.5, imp=(0, 0.125, 0.125, 0.125))
    # a licon on the butted tap, close to the butting edge: licon.7 is for isolated taps
    fx.box("licon1", 1.04, 0.165, 1.21, 0.335)
    fx.around("li1", (1.04, 0.165, 1.21, 0.335), (0.08,) * 4)
    fx.box("diff", 0, 3, 1, 3.5)
    fx.around("psdm", (0, 3, 1, 3.5), (0.125, 0, 0.125, 0.125))
    ntap(fx, 1, 3, 1.5, 3.5, imp=(0, 0.125, 0.125, 0.125))
    fx.box("nwell", -0.3, 2.7, 1.8, 3.8)
    assert run_drc(fx.save(tmp_path / "butt.gds")).by_rule == {}


def test_diff_edge_beyond_the_butting_tap_still_needs_nsdm(tmp_path):
    fx = Fx()
    ndiff(fx, 0, 0, 1, 1, imp=(0.125, 0, 0.125, 0.125))
    ptap(fx, 1, 0.25, 1.5, 0.75, imp=(0, 0.125, 0.125, 0.125))
    assert set(run_drc(fx.save(tmp_path / "butt.gds")).by_rule) == {"nsd.5a"}


def test_array_of_transistors_is_clean_and_counts_like_flat(tmp_path, monkeypatch):
    bench = _bench()
    gds, _, _ = bench.nfet_array(tmp_path / "array.gds", 3, 3)
    assert run_drc(gds, cell="ARRAY").by_rule == {}
    # cells packed closer than the diffusion spacing: hierarchical and flattened counts agree
    monkeypatch.setattr(bench, "GAP_UM", -0.5)
    gds, _, _ = bench.nfet_array(tmp_path / "tight.gds", 3, 2)
    layout = kdb.Layout()
    layout.read(str(gds))
    layout.cell("ARRAY").flatten(-1, True)
    flat = tmp_path / "flat.gds"
    layout.write(str(flat))
    hier_result, flat_result = run_drc(gds, cell="ARRAY"), run_drc(flat, cell="ARRAY")
    assert "difftap.3" in hier_result.by_rule
    assert hier_result.by_rule == flat_result.by_rule


def test_off_grid_instance_placement_is_caught(tmp_path):
    fx = Fx()
    unit = fx.layout.create_cell("UNIT")
    unit.shapes(fx.layout.layer(68, 20)).insert(kdb.Box(0, 0, 1000, 1000))
    for x_dbu in (0, 3000, 6001):
        fx.top.insert(kdb.CellInstArray(unit.cell_index(), kdb.Trans(x_dbu, 0)))
    assert run_drc(fx.save(tmp_path / "offgrid.gds")).by_rule == {"x.1b": 4}


def test_report_has_one_category_per_rule_with_its_value(tmp_path):
    result = run_drc(build("poly.2", True, tmp_path / "bad.gds"), report=tmp_path / "out.lyrdb")
    assert result.report_path == tmp_path / "out.lyrdb"
    root = ET.parse(result.report_path).getroot()
    categories = {c.findtext("name"): c.findtext("description")
                  for c in root.find("categories").findall("category")}
    assert set(categories) == set(RULES)
    assert categories["poly.2"] == rule_text(RULES["poly.2"])
    assert "0.21 µm" in categories["poly.2"]
    items = [i.findtext("category") for i in root.iter("item")]
    assert items.count("'poly.2'") == result.violations == 1


def test_json_and_exit_codes(tmp_path):
    bad = build("m1.2", True, tmp_path / "bad.gds")
    ok = build("m1.2", False, tmp_path / "ok.gds")
    out = tmp_path / "drc.json"
    assert main(["drc", str(bad), "--json", str(out)]) == 1
    record = json.loads(out.read_text())
    assert set(record) == {"cell", "violations", "by_rule", "rules_checked", "runtime_s"}
    assert record["by_rule"] == {"m1.2": 1} and record["violations"] == 1 and record["cell"] == "TOP"
    assert record["rules_checked"] == RULE_IDS
    assert main(["drc", str(ok), "--cell", "TOP"]) == 0


def test_table_lists_violated_rules(tmp_path, capsys):
    assert main(["drc", str(build("li.3", True, tmp_path / "bad.gds"))]) == 1
    out = capsys.readouterr().out
    assert "li.3" in out and "1 violation" in out


def _one_error_line(capsys, argv: list[str], *expect: str) -> None:
    assert main(argv) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    for text in expect:
        assert text in lines[0]


def test_errors_exit_2_with_one_line(tmp_path, capsys):
    _one_error_line(capsys, ["drc", str(tmp_path / "missing.gds")], "not found", "missing.gds")
    empty = tmp_path / "empty.gds"
    kdb.Layout().write(str(empty))
    _one_error_line(capsys, ["drc", str(empty)], "no cells")
    junk = tmp_path / "junk.gds"
    junk.write_text("not a layout\n")
    _one_error_line(capsys, ["drc", str(junk)], "cannot read GDS")
    ok = build("m1.1", False, tmp_path / "ok.gds")
    _one_error_line(capsys, ["drc", str(ok), "--cell", "NOPE"], "NOPE", "TOP")
    assert not (tmp_path / "x.json").exists()


def test_several_top_cells_need_cell(tmp_path):
    fx = Fx("A")
    fx.box("met1", 0, 0, 1, 1)
    fx.layout.create_cell("B")
    gds = fx.save(tmp_path / "two.gds")
    with pytest.raises(LogsgdError, match="A, B"):
        run_drc(gds)
    assert run_drc(gds, cell="A").by_rule == {}


def test_missing_file_through_the_console_script(cli, tmp_path):
    proc = cli("drc", str(tmp_path / "nothing.gds"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "not found" in proc.stderr


def test_deck_without_klayout_exits_2_naming_the_package(cli, tmp_path):
    gds = build("m1.1", False, tmp_path / "ok.gds")
    deck = tmp_path / "tiny.drc"
    deck.write_text("source($input)\n")
    proc = cli("drc", str(gds), "--deck", str(deck), env=dict(os.environ, PATH=str(tmp_path)))
    assert proc.returncode == 2
    assert "klayout" in proc.stderr and "package 'klayout'" in proc.stderr


@pytest.mark.skipif(shutil.which("klayout") is None, reason="klayout executable not installed")
def test_external_deck_runs_in_klayout_batch_mode(tmp_path):
    deck = tmp_path / "met1.drc"
    deck.write_text(
        "source($input)\n"
        'report("met1 deck", $report)\n'
        f"met1 = input({_layer_spec('met1')})\n"
        f'met1.width({rule("m1.1")}).output("m1.1", "met1 width")\n'
        f'met1.space({rule("m1.2")}).output("m1.2", "met1 space")\n')
    bad = build("m1.1", True, tmp_path / "bad.gds")
    out, report = tmp_path / "drc.json", tmp_path / "ext.lyrdb"
    assert main(["drc", str(bad), "--deck", str(deck), "--json", str(out), "--report", str(report)]) == 1
    record = json.loads(out.read_text())
    assert record["by_rule"] == {"m1.1": 1}
    assert record["rules_checked"] == ["m1.1", "m1.2"]
    assert report.is_file()
    ok = build("m1.1", False, tmp_path / "ok.gds")
    assert main(["drc", str(ok), "--deck", str(deck), "--cell", "TOP"]) == 0


def _layer_spec(name: str) -> str:
    from logsgd.pdk.layers import layer

    gds_layer, datatype = layer(name).draw
    return f"{gds_layer}, {datatype}"
