"""``logsgd train``: a short training run in ngspice, and bad input."""

import json

import numpy as np
import pytest

from logsgd.flow import datasets

KEYS = {
    "nmse_pct", "weight_bits", "power_nW", "power_nW_per_weight", "energy_per_update_pJ",
    "sample_period_s", "weights_final", "weights_ideal_final", "samples", "corner", "temp_C", "sim_time_s",
}


@pytest.mark.slow
def test_short_linear1_run_tracks_ideal(tmp_path, cli):
    out = tmp_path / "r.json"
    plot = tmp_path / "r.png"
    proc = cli("train", "--features", "1", "--dataset", "linear1", "--eta", "0.1", "--lambda", "0",
               "--samples", "20", "--json", str(out), "--plot", str(plot))
    assert proc.returncode == 0, proc.stderr
    res = json.loads(out.read_text())
    assert KEYS <= set(res)
    assert res["samples"] == 20 and res["corner"] == "tt" and res["temp_C"] == 27.0
    # Loose bound: the circuit must learn in the right direction and stay within 0.1 of ideal SGDr
    # over the first 20 samples (measured: about 0.02).
    assert res["weights_final"][0] > 0.1
    assert abs(res["weights_final"][0] - res["weights_ideal_final"][0]) < 0.1
    assert res["weight_bits"] > 4.0
    assert 100 < res["power_nW"] < 10000
    assert plot.stat().st_size > 1000


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--features", "1", "--dataset", "nosuch", "--eta", "0.1", "--lambda", "0"], "unknown data set"),
        (["--features", "1", "--dataset", "linear1", "--eta", "-0.1", "--lambda", "0"], "--eta"),
        (["--features", "1", "--dataset", "linear1", "--eta", "0.1", "--lambda", "-1"], "--lambda"),
        (["--features", "0", "--dataset", "linear1", "--eta", "0.1", "--lambda", "0"], "--features"),
        (["--features", "5", "--dataset", "linear4", "--eta", "0.1", "--lambda", "0"], "has 4 features"),
    ],
)
def test_bad_input_exits_2_with_one_line(cli, args, needle, tmp_path):
    out = tmp_path / "r.json"
    proc = cli("train", *args, "--json", str(out))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]
    assert not out.exists()


def test_csv_missing_target_column(cli, tmp_path):
    csv = tmp_path / "d.csv"
    csv.write_text("a,b,c\n1,2,3\n4,5,6\n")
    proc = cli("train", "--features", "1", "--dataset", str(csv), "--target", "zz", "--eta", "0.1", "--lambda", "0")
    assert proc.returncode == 2
    assert "no target column 'zz'" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_csv_dataset_is_scaled(tmp_path):
    csv = tmp_path / "d.csv"
    csv.write_text("a,t,b\n0,10,5\n1,20,6\n2,30,9\n")
    data = datasets.load(str(csv), "t")
    assert data.feature_names == ("a", "b")
    assert np.allclose(data.y, [-1, 0, 1])
    assert data.x.min() == -1 and data.x.max() == 1


def test_builtin_datasets_in_range():
    for name, n in (("linear1", 1), ("linear4", 4), ("diabetes", 10)):
        data = datasets.load(name)
        assert data.x.shape[1] == n
        assert np.abs(data.x).max() <= 1 and np.abs(data.y).max() <= 1
