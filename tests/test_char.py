"""Weak-inversion characterisation of SKY130 devices (issue 2 acceptance)."""

import json

import numpy as np
import pytest

from logsgd.flow.char import characterise, characterise_result, simulation, sweep_from
from logsgd.flow.sim import run_many


@pytest.fixture(scope="module")
def nfet_corners():
    """nfet_01v8 W=2 L=1 at 27 °C in ss, tt, ff: one parallel batch."""
    corners = ("ss", "tt", "ff")
    sims = [simulation("nfet_01v8", 2.0, 1.0, c, 27.0) for c in corners]
    results = run_many(sims, workers=2)
    return {
        c: characterise_result(r, "nfet_01v8", 2.0, 1.0, c, 27.0)
        for c, r in zip(corners, results)
    }


def test_nfet_slope_in_published_range(nfet_corners):
    res, _ = nfet_corners["tt"]
    assert 70.0 <= res.slope_mV_per_dec <= 100.0
    assert res.n == pytest.approx(res.slope_mV_per_dec / (1e3 * 0.025865 * np.log(10)), rel=1e-3)
    assert 1.1 < res.n < 1.7
    assert 1e-7 < res.i_spec_A < 1e-5
    assert 0.2 < res.vg_weak_max_V < 0.7
    assert res.vg_weak_min_V < res.vg_steepest_V <= res.vg_weak_max_V


def test_weak_inversion_current_ordered_by_corner(nfet_corners):
    vg = 0.25
    currents = {c: np.interp(vg, sw.vg_V, sw.id_A) for c, (_, sw) in nfet_corners.items()}
    assert currents["ss"] < currents["tt"] < currents["ff"]
    assert currents["ff"] / currents["ss"] > 2


def test_pfet_sign_and_plausibility():
    res, sweep = characterise("pfet_01v8", 2.0, 1.0, "tt", 27.0)
    assert np.all(sweep.id_A >= 0)
    assert np.all(np.diff(sweep.id_A[sweep.vg_V > 0.5]) > 0)
    assert 70.0 <= res.slope_mV_per_dec <= 110.0
    assert 1e-8 < res.i_spec_A < 1e-5
    assert 0.3 < res.vg_weak_max_V < 1.0


def test_char_cli_writes_json_and_plot(cli, tmp_path):
    out_json, out_png = tmp_path / "n.json", tmp_path / "n.png"
    proc = cli("char", "--device", "nfet_01v8_lvt", "--w", "2", "--l", "1", "--corner", "tt",
               "--temp", "27", "--json", str(out_json), "--plot", str(out_png))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out_json.read_text())
    for key in ("slope_mV_per_dec", "n", "i_spec_A", "vg_weak_max_V", "corner", "temp_C",
                "device", "w_um", "l_um"):
        assert key in data
    assert data["device"] == "nfet_01v8_lvt" and data["corner"] == "tt"
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "args, words",
    [
        (("--device", "nfet_99"), "invalid choice"),
        (("--device", "nfet_01v8", "--corner", "xx"), "invalid choice"),
        (("--device", "nfet_01v8", "--w", "0.3"), "w=0.3"),
        (("--device", "nfet_01v8", "--l", "0.1"), "l=0.1"),
        (("--device", "pfet_01v8_lvt", "--l", "0.15"), "minimum of 0.35"),
        (("--device", "nfet_01v8", "--w", "1.001"), "off the 0.005 µm grid"),
    ],
)
def test_char_bad_input_exits_2_with_one_line(cli, tmp_path, args, words):
    out = tmp_path / "x.json"
    proc = cli("char", *args, "--json", str(out))
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert words in proc.stderr
    assert not out.exists()
