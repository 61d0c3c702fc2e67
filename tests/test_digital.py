"""The digital SGDr baseline: generated Liberty, bit-exact model, synthesis, gate-level and CLI checks."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest

from logsgd.flow.digital import liberty
from logsgd.flow.digital.model import (DigitalParams, linear_data, signed_code, step, train, unsigned_word,
                                       weight_codes)
from logsgd.flow.digital.synth import simulate_weights, synthesize
from logsgd.pdk.errors import LogsgdError

needs_tools = pytest.mark.skipif(
    not (shutil.which("yosys") and shutil.which("iverilog")),
    reason="yosys and iverilog are set-up dependencies (make setup installs them)",
)


def test_liberty_cells_from_lef_functional_models_and_spice():
    nand2 = liberty.cell_info("nand2_1")
    assert nand2.area_um2 == pytest.approx(1.38 * 2.72)
    assert nand2.transistors == 4
    assert liberty.truth_table(nand2, "Y") == {(a, b): not (a and b) for a in (False, True) for b in (False, True)}
    mux = liberty.cell_info("mux2_1")
    assert liberty.truth_table(mux, "X") == {(a0, a1, s): (a1 if s else a0)
                                             for a0 in (False, True) for a1 in (False, True) for s in (False, True)}
    maj = liberty.cell_info("maj3_1")
    assert all(v == (sum(k) >= 2) for k, v in liberty.truth_table(maj, "X").items())
    a21oi = liberty.cell_info("a21oi_1")
    assert all(v == (not ((k[0] and k[1]) or k[2])) for k, v in liberty.truth_table(a21oi, "Y").items())
    ff = liberty.cell_info("dfxtp_1")
    assert ff.ff == ("CLK", "D") and ff.outputs == {"Q": "IQ"} and ff.transistors == 24
    assert liberty.cell_info("conb_1").outputs == {"HI": "1", "LO": "0"}


def test_liberty_text_lists_every_cell_once():
    text = liberty.liberty_text()
    for cell in liberty.CELLS:
        assert text.count(f"cell ({liberty.CELL_PREFIX}{cell})") == 1
    assert 'next_state : "D";' in text and 'clocked_on : "CLK";' in text


def test_model_step_by_hand():
    p = DigitalParams(features=2, bits=8, eta_shift=2, lambda_shift=5)
    # acc = 10*64 + (-20)*127 = -1900; e = round((-1900 - 30*128)/128) = round(-44.84) = -45
    # w0: grad = -45*64 + (10*128 >> 5) = -2840, step = round(-2840/512) = -6 -> 16
    # w1: grad = -45*127 + (-20*128 >> 5) = -5795, step = round(-5795/512) = -11 -> -9
    assert step([10, -20], [64, 127], 30, p) == [16, -9]
    # saturation: e = round((12700 - 127*128)/128) = -28, step = round(-3556/128) = -28 -> 128 -> 127
    assert step([100], [127], 127, DigitalParams(eta_shift=0, lambda_shift=16)) == [127]


def test_two_complement_words():
    assert [unsigned_word(v, 8) for v in (-128, -1, 0, 127)] == [128, 255, 0, 127]
    assert [signed_code(w, 8) for w in (128, 255, 0, 127)] == [-128, -1, 0, 127]
    assert signed_code(np.array([0x7FF, 0x800, 0xFFF]), 12).tolist() == [2047, -2048, -1]
    assert unsigned_word(0x1234 >> 8, 8) == 0x12


def test_weight_codes_read_each_weight_lsb_first():
    p = DigitalParams(features=2, bits=8)
    # w1 = 0b1000_0001 (-127), w2 = 0b1111_1111 (-1), both LSB first
    levels = [1, 0, 0, 0, 0, 0, 0, 1] + [1] * 8
    assert weight_codes(levels, p).tolist() == [-127, -1]
    assert weight_codes(np.array([levels, [0] * 16]), p).tolist() == [[-127, -1], [0, 0]]
    assert weight_codes(np.zeros((0, 16)), p).shape == (0, 2)


def test_model_rejects_bad_parameters():
    for kwargs in ({"features": 0}, {"bits": 1}, {"eta_shift": -1}, {"lambda_shift": 99}):
        with pytest.raises(LogsgdError):
            DigitalParams(**kwargs)


def test_training_data_is_quantised_linear_data():
    x, y = linear_data(4, 500, bits=8, seed=1)
    assert x.shape == (500, 4) and y.shape == (500,)
    assert np.all(x[:, -1] == 127) and x.min() >= -128 and y.max() <= 127
    fit = np.linalg.lstsq(x / 128, y / 128, rcond=None)[0]
    assert fit[0] == pytest.approx(0.6, abs=0.02) and fit[-1] == pytest.approx(-0.2, abs=0.02)


@needs_tools
@pytest.mark.parametrize("features", [1, 2])
def test_synthesized_gates_and_rtl_learn_the_model_weights(features):
    p = DigitalParams(features=features)
    net = synthesize(p)
    assert {t.removeprefix(liberty.CELL_PREFIX) for t, _ in net.cells} <= set(liberty.CELLS)
    assert net.area_um2 == pytest.approx(sum(liberty.cell_info(c).area_um2 * k for c, k in net.cell_counts.items()))
    assert net.flip_flops >= features * p.bits
    x, y = linear_data(features, 120, p.bits, seed=5)
    expected = train(x, y, p)
    assert np.array_equal(simulate_weights("rtl", p, x, y), expected)
    assert np.array_equal(simulate_weights("gates", p, x, y, net), expected)
    assert np.abs(expected[-1, 0] / 128 - 0.55) < 0.15


@needs_tools
def test_other_widths_match_the_model():
    p = DigitalParams(features=3, bits=5, eta_shift=1, lambda_shift=7)
    x, y = linear_data(3, 80, p.bits, seed=2)
    assert np.array_equal(simulate_weights("rtl", p, x, y), train(x, y, p))


@pytest.mark.parametrize("args, message", [
    (["--features", "0"], "features"),
    (["--features", "1", "--bits", "1"], "bits"),
    (["--features", "1", "--clock-hz", "0"], "clock"),
    (["--features", "1", "--clock-hz", "-5e6"], "clock"),
    (["--features", "1", "--spice-segments", "0"], "segments"),
])
def test_cli_bad_input_is_one_line_exit_2(cli, tmp_path, args, message):
    out = tmp_path / "d.json"
    proc = cli("digital", *args, "--json", str(out))
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr
    assert not out.exists()


@needs_tools
def test_cli_json_without_spice(cli, tmp_path):
    out = tmp_path / "d.json"
    proc = cli("digital", "--features", "1", "--spice-cycles", "0", "--check-samples", "50", "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    for key in ("area_um2", "transistors", "power_nW", "energy_per_update_pJ", "clock_hz", "bits"):
        assert key in data
    assert data["bits"] == 8 and data["clock_hz"] == 10e6 and data["power_nW"] is None
    assert 2000 < data["area_um2"] < 8000 and 2000 < data["transistors"] < 8000
    assert data["gates_match_model"] and data["rtl_matches_model"]


@needs_tools
@pytest.mark.slow
def test_transistor_level_run_learns_and_draws_power(cli, tmp_path):
    """N = 1, two samples (4 cycles) in two parallel ngspice segments at 2 MHz: weights read back after
    both samples, power within a loose bound.

    With 5 ns clock ramps and ngspice's own time steps, the first update
    already came out as -8 instead of 0 (flip-flops racing through a
    half-risen clock); the sharp, finely stepped clock of spice.clock_pwl
    reproduces the model. The second segment starts from flip-flops preset
    by ``.ic``, so its weight after the second sample checks the preset.
    """
    out = tmp_path / "d.json"
    proc = cli("digital", "--features", "1", "--spice-cycles", "4", "--spice-segments", "2",
               "--check-samples", "20", "--clock-hz", "2e6", "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert data["spice_matches_model"] and data["spice_cycles"] == 4 and data["spice_segments"] == 2
    assert 200 < data["power_nW"] < 2e5  # 0.2 µW .. 0.2 mW at 2 MHz
    assert 0.1 < data["energy_per_update_pJ"] < 100
    assert 0 < data["leakage_nW"] < data["power_nW"]


def test_yosys_reads_the_generated_liberty(tmp_path):
    if not shutil.which("yosys"):
        pytest.skip("yosys missing")
    lib = tmp_path / "cells.lib"
    lib.write_text(liberty.liberty_text())
    proc = subprocess.run(["yosys", "-q", "-p", f"read_liberty {lib}; stat"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_power_at_sample_rate_and_versus_table():
    from logsgd.flow.digital.baseline import power_at_sample_rate, versus_analog, versus_table

    digital = {"features": 1, "clock_hz": 10e6, "cycles_per_update": 2, "energy_per_update_pJ": 6.0,
               "leakage_nW": 16.0, "area_um2": 4000.0, "transistors": 4000}
    # dynamic energy 6 pJ - 16 nW * 200 ns = 5.9968 pJ per update, plus the 16 nW leakage
    assert power_at_sample_rate(digital, 1e3) == pytest.approx(16.0 + 5.9968)
    assert power_at_sample_rate(digital, 1e6) == pytest.approx(16.0 + 5996.8)
    with pytest.raises(LogsgdError):
        power_at_sample_rate(digital, 6e6)  # 2 cycles per sample at 10 MHz: at most 5 MHz
    analog = {"features": 1, "area_um2": 1000.0, "transistors": 40, "power_nW": 100.0, "energy_per_update_pJ": 100.0}
    cmp = versus_analog(analog, digital, 1e3)
    assert cmp["rows"]["area_um2_per_weight"]["analog_over_digital"] == pytest.approx(0.25)
    assert cmp["rows"]["transistors_per_weight"]["analog_over_digital"] == pytest.approx(0.01)
    assert cmp["rows"]["energy_per_update_pJ"]["digital"] == pytest.approx(16.0 + 5.9968)  # nW * 1 ms
    assert "| area_um2_per_weight | 1000 | 4000 | 0.25 |" in versus_table(cmp)


def test_versus_rows_are_per_weight_for_several_features():
    from logsgd.flow.digital.baseline import versus_analog

    digital = {"features": 4, "clock_hz": 10e6, "cycles_per_update": 8, "energy_per_update_pJ": 40.0,
               "leakage_nW": 0.0, "area_um2": 8000.0, "transistors": 8000}
    analog = {"features": 4, "area_um2": 4000.0, "transistors": 400, "power_nW": 400.0, "energy_per_update_pJ": 100.0}
    rows = versus_analog(analog, digital, 1e3)["rows"]
    # 40 pJ per sample for four weights at 1 kHz: 40 nW in all, 10 nW and 10 pJ per weight
    assert rows["power_nW_per_weight"]["digital"] == pytest.approx(10.0)
    assert rows["energy_per_update_pJ"]["digital"] == pytest.approx(10.0)
    assert rows["area_um2_per_weight"]["digital"] == pytest.approx(2000.0)
    assert rows["energy_per_update_pJ"]["analog_over_digital"] == pytest.approx(10.0)


def test_measured_baseline_file(tmp_path):
    from logsgd.flow.digital.baseline import measured, save_measured

    path = tmp_path / "measured.json"
    assert measured(1, path) is None
    save_measured({"n1": {"energy_per_update_pJ": 9.0}, "n4": {"energy_per_update_pJ": None}}, path)
    assert measured(1, path) == {"energy_per_update_pJ": 9.0}
    assert measured(4, path) is None and measured(2, path) is None
    save_measured({"n4": {"energy_per_update_pJ": 40.0}}, path)
    assert measured(1, path) == {"energy_per_update_pJ": 9.0}, "a later N keeps the stored ones"
    assert measured(4, path) == {"energy_per_update_pJ": 40.0}
    path.write_text("[1, 2]")
    with pytest.raises(LogsgdError, match="not a digital results file"):
        measured(1, path)


@needs_tools
def test_gate_netlist_evaluation_follows_the_model():
    """The cycle-by-cycle gate evaluation that presets spice segments learns the model's weights."""
    from logsgd.flow.digital.gatesim import flop_trace

    p = DigitalParams(features=2, bits=8)
    net = synthesize(p)
    x, y = linear_data(2, 40, 8)
    trace = flop_trace(net, x, y, p, reset_edges=2)
    assert np.array_equal(trace.weights, train(x, y, p))
    assert trace.states.shape == (41, net.flip_flops) and trace.before_last_edge.shape == (40, net.flip_flops)
    assert not trace.states[0].any(), "reset clears every flip-flop"


def test_segments_and_presets():
    from logsgd.flow.digital.spice import preset_lines, segment_bounds

    assert segment_bounds(10, 1) == [(0, 10)]
    assert segment_bounds(10, 4) == [(0, 2), (2, 5), (5, 8), (8, 10)]
    for bad in (0, 11, 2.0):
        with pytest.raises(LogsgdError, match="segments"):
            segment_bounds(10, bad)

    class Net:
        cells = [("sky130_fd_sc_hd__nand2_1", {}), ("sky130_fd_sc_hd__dfxtp_1", {})]

    assert preset_lines(Net, np.array([1]), (1,)) == [".ic v(xc1.a_891_413#)=1.8 v(xc1.a_1059_315#)=0"]
    with pytest.raises(LogsgdError, match="cannot preset"):
        preset_lines(Net, np.array([0]), (0,))


def test_segment_cache_round_trip_and_key(tmp_path):
    """A stored segment loads back equal; its key ignores where the cell library is, not what the deck says."""
    from logsgd.flow.digital.spice import SpiceRun, _load_segment, _segment_key, _store_segment
    from logsgd.flow.sim import Analysis, Simulation

    run = SpiceRun(clock_hz=1e7, samples=2, cycles=4, segments=1, power_nW=5.0, energy_per_update_pJ=1.5,
                   leakage_nW=0.1, weights=np.array([[1], [3]]))
    path = tmp_path / "seg.json"
    assert _load_segment(path) is None
    _store_segment(path, run)
    back = _load_segment(path)
    assert back.weights.tolist() == [[1], [3]] and back.energy_per_update_pJ == 1.5 and back.segments == 1

    def sim(root: str, stop: str = "1e-6") -> Simulation:
        return Simulation(f'.include "{root}/cells/inv/inv_1.spice"\nXc0 a y inv_1',
                          (Analysis(f"tran 1e-8 {stop}", ("i(vdd)",)),))

    assert _segment_key(sim("/a/sc_hd"), "/a/sc_hd") == _segment_key(sim("/b/sc_hd"), "/b/sc_hd")
    assert _segment_key(sim("/a/sc_hd"), "/a/sc_hd") != _segment_key(sim("/a/sc_hd", "2e-6"), "/a/sc_hd")
