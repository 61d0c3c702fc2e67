"""``logsgd flow``: the post-layout regression users asked for, and how a stopped flow reports.

The golden ``tests/golden/flow_default_summary.json`` is the ``summary.json``
of ``logsgd flow`` with ``configs/default.yaml``. When a change is meant to
move a figure, regenerate it with
``logsgd flow --out /tmp/golden && cp /tmp/golden/summary.json tests/golden/flow_default_summary.json``
and say why in the commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from drc_fixtures import FIXTURES, Fx, dimension

from logsgd.flow.config import DEFAULT_CONFIG, load
from logsgd.flow.flow import TOP_CELL, FlowState, run_flow, stage_drc, stage_lvs

GOLDEN = Path(__file__).parent / "golden" / "flow_default_summary.json"

SUMMARY_KEYS = {
    "cell", "features", "area_um2", "transistors", "drc_violations", "lvs_match",
    "nmse_pct_schematic", "nmse_pct_postlayout", "weight_bits_postlayout", "power_nW",
    "power_nW_per_weight", "energy_per_update_pJ", "runtime_s",
}


@pytest.fixture(scope="module")
def default_flow(tmp_path_factory):
    out = tmp_path_factory.mktemp("flow")
    proc = run_cli("flow", "--out", str(out))
    return proc, out


def test_default_flow_completes_with_all_outputs(default_flow):
    proc, out = default_flow
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in (f"{TOP_CELL}.gds", f"{TOP_CELL}.spice", f"{TOP_CELL}_pex.spice", "drc.lyrdb", "drc.json",
                 "lvs.lvsdb", "lvs.json", "train_schematic.json", "train_postlayout.json",
                 "weights_schematic.png", "weights_postlayout.png", "layout.png", "report.md",
                 "summary.json"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) == SUMMARY_KEYS
    assert set(summary["runtime_s"]) >= {"build", "drc", "lvs", "pex", "train_schematic", "train_postlayout"}


def test_default_flow_reports_the_ratios_against_digital(default_flow):
    """The shipped transistor-level digital baseline for N = 1 is put beside the post-layout figures."""
    _, out = default_flow
    versus = json.loads((out / "versus_digital.json").read_text())
    summary = json.loads((out / "summary.json").read_text())
    rows = versus["rows"]
    assert set(rows) == {"area_um2_per_weight", "transistors_per_weight", "power_nW_per_weight", "energy_per_update_pJ"}
    assert rows["area_um2_per_weight"]["analog"] == pytest.approx(summary["area_um2"])
    assert rows["power_nW_per_weight"]["analog"] == pytest.approx(summary["power_nW_per_weight"])
    for row in rows.values():
        assert row["analog_over_digital"] == pytest.approx(row["analog"] / row["digital"])
    report = (out / "report.md").read_text()
    assert "## Versus digital" in report and "| area_um2_per_weight |" in report


def test_default_flow_does_not_regress(default_flow):
    """Area, power and accuracy may not get worse than the golden by more than the stated tolerances."""
    _, out = default_flow
    now = json.loads((out / "summary.json").read_text())
    gold = json.loads(GOLDEN.read_text())
    assert now["drc_violations"] == 0
    assert now["lvs_match"] is True
    assert now["transistors"] == gold["transistors"]
    assert now["area_um2"] <= gold["area_um2"] * 1.02
    assert now["power_nW"] <= gold["power_nW"] * 1.05
    assert now["energy_per_update_pJ"] <= gold["energy_per_update_pJ"] * 1.05
    assert now["nmse_pct_schematic"] <= gold["nmse_pct_schematic"] * 1.2 + 0.02
    assert now["nmse_pct_postlayout"] <= gold["nmse_pct_postlayout"] * 1.2 + 0.02
    assert now["weight_bits_postlayout"] >= gold["weight_bits_postlayout"] - 0.3


def test_a_failed_check_stops_the_flow_and_keeps_the_files(tmp_path):
    def build_bad_layout(state: FlowState) -> None:
        fx = Fx(TOP_CELL)
        FIXTURES["m1.2"](fx, dimension("m1.2", True))
        state.files["gds"] = fx.save(state.path(f"{TOP_CELL}.gds"))

    state = run_flow(load(DEFAULT_CONFIG), tmp_path, echo=lambda _: None,
                     stages=(("build", build_bad_layout), ("drc", stage_drc), ("lvs", stage_lvs)))
    assert state.exit_status == 1 and state.stopped_at == "drc"
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["drc_violations"] == 1 and summary["lvs_match"] is None
    assert "lvs" not in summary["runtime_s"]
    report = (tmp_path / "report.md").read_text()
    assert "stopped at stage `drc`" in report and "m1.2" in report
    assert (tmp_path / f"{TOP_CELL}.gds").is_file() and (tmp_path / "drc.lyrdb").is_file()


def test_a_failed_check_cancels_the_background_training(tmp_path):
    """The schematic training starts beside the checks; a DRC failure stops its ngspice run."""
    from test_sim import LONG_TRANSIENT

    from logsgd.flow.sim import run

    def build_bad_layout(state: FlowState) -> None:
        fx = Fx(TOP_CELL)
        FIXTURES["m1.2"](fx, dimension("m1.2", True))
        state.files["gds"] = fx.save(state.path(f"{TOP_CELL}.gds"))

    def slow_training(state: FlowState) -> None:
        run(LONG_TRANSIENT, state.cancel)

    state = run_flow(load(DEFAULT_CONFIG), tmp_path, echo=lambda _: None,
                     stages=(("build", build_bad_layout), ("drc", stage_drc), ("lvs", stage_lvs),
                             ("train_schematic", slow_training)))
    assert state.exit_status == 1 and state.stopped_at == "drc"
    assert state.cancelled == ["train_schematic"]
    assert state.runtime_s["train_schematic"] < 60.0
    assert "| train_schematic | cancelled (in the background" in (tmp_path / "report.md").read_text()
