"""``logsgd sweep``: Monte Carlo seeds on Dask, locally and on a real scheduler, resumable, with bad input.

The sweeps here are small (few seeds, few samples) so that they run in
seconds; the figures of the full sweeps are in the README.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import LOGSGD, run_cli

from logsgd.flow.sweep_config import Thresholds, parse
from logsgd.flow.sweep_report import group_stats

DASK = Path(sys.executable).with_name("dask")
PROXY_SWEEP = "base: default.yaml\nseeds: [1, 2]\ncorners: [tt_mm]\nmode: fixed_point\nsamples: 10\n"


def _write(tmp_path: Path, text: str, name: str = "sweep.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _sweep(tmp: Path, text: str, *options: str) -> tuple[subprocess.CompletedProcess, Path]:
    """Run ``logsgd sweep`` on the sweep file ``text`` into ``tmp/out``."""
    out = tmp / "out"
    return run_cli("sweep", "--config", str(_write(tmp, text)), "--out", str(out), *options), out


def _summary(out: Path) -> dict:
    return json.loads((out / "sweep.json").read_text())


def _numbers(out: Path) -> list[tuple]:
    """Each point's seed and its figures, in sweep order."""
    points = _summary(out)["points"]
    return [(p["point"]["seed"], p["status"], p["nmse_pct"], p["weight_bits"], tuple(p["weights"])) for p in points]


@pytest.fixture(scope="module")
def local_proxy_sweep(tmp_path_factory):
    return _sweep(tmp_path_factory.mktemp("sweep"), PROXY_SWEEP, "--workers", "2")


def test_local_sweep_writes_points_groups_and_report(local_proxy_sweep):
    proc, out = local_proxy_sweep
    assert proc.returncode == 0, proc.stderr
    summary = _summary(out)
    assert [p["point"]["seed"] for p in summary["points"]] == [1, 2]
    (group,) = summary["groups"]
    assert group["corner"] == "tt_mm" and group["count"] == 2 and group["failed"] == 0
    bits = sorted(p["weight_bits"] for p in summary["points"])
    assert group["bits_median"] == pytest.approx(sum(bits) / 2)
    # two mismatch draws of one circuit are two different circuits
    assert summary["points"][0]["weights"] != summary["points"][1]["weights"]
    assert len(list((out / "points").glob("*.json"))) == 2
    assert (out / "histograms.png").stat().st_size > 1000
    assert "| fixed_point schematic tt_mm 27 °C" in (out / "sweep.md").read_text()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_dask_scheduler_with_two_workers_gives_the_same_numbers(local_proxy_sweep, tmp_path):
    _, local_out = local_proxy_sweep
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        time.sleep(2)
        procs += [subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1", "--no-dashboard"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
        from dask.distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        proc, out = _sweep(tmp_path, PROXY_SWEEP, "--scheduler", address)
        assert proc.returncode == 0, proc.stderr
        run = _summary(out)["run"]
        assert run["scheduler"] == address and run["workers"] == 2
        assert _numbers(out) == _numbers(local_out)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


@pytest.mark.slow
def test_a_transient_point_equals_logsgd_train_with_that_seed(tmp_path):
    sweep = "base: default.yaml\nseeds: [3]\ncorners: [tt_mm]\nsamples: 10\n"
    proc, out = _sweep(tmp_path, sweep, "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    (point,) = _summary(out)["points"]
    hand = tmp_path / "train.json"
    proc = run_cli("train", "--features", "1", "--dataset", "linear1", "--eta", "0.05", "--lambda", "0.01",
                   "--samples", "10", "--corner", "tt_mm", "--seed", "3", "--json", str(hand))
    assert proc.returncode == 0, proc.stderr
    train = json.loads(hand.read_text())
    assert train["seed"] == 3 and train["corner"] == "tt_mm"
    assert point["weights"] == pytest.approx(train["weights_final"], abs=1e-9)
    assert point["nmse_pct"] == pytest.approx(train["nmse_pct"], rel=1e-9)
    assert point["weight_bits"] == pytest.approx(train["weight_bits"], rel=1e-9)


@pytest.mark.slow
def test_a_killed_sweep_reruns_only_the_missing_points(tmp_path):
    sweep = _write(tmp_path, "base: default.yaml\nseeds: [1, 2, 3, 4]\ncorners: [tt_mm]\nmode: fixed_point\n"
                             "samples: 10\n")
    out = tmp_path / "out"
    args = [str(LOGSGD), "sweep", "--config", str(sweep), "--out", str(out), "--workers", "1"]
    first = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while not list((out / "points").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    kept = {p.name: p.stat().st_mtime_ns for p in (out / "points").glob("*.json")}
    assert 1 <= len(kept) < 4
    assert not (out / "sweep.json").exists()
    proc = run_cli("sweep", "--config", str(sweep), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    run = _summary(out)["run"]
    assert run["skipped"] == len(kept) and run["ran"] == 4 - len(kept)
    assert {p.name: p.stat().st_mtime_ns for p in (out / "points").glob("*.json") if p.name in kept} == kept


@pytest.mark.parametrize(
    "text, needle",
    [
        ("seeds: 3\nspeed: 2\n", "unknown key 'speed'"),
        ("seeds: 3\neta: []\n", "axis 'eta' is empty"),
        ("seeds: [1, -2]\n", "key 'seeds' must be a count"),
        ("seeds: [1.5]\n", "key 'seeds' must be a count"),
        ("corners: [tt_xx]\n", "unknown corner 'tt_xx'"),
        ("temps_C: [300]\n", "key 'temp_C' must be a number in [-40, 125]"),
        ("mode: fixed_point\nnetlist: postlayout\n", "fixed_point runs on the schematic only"),
        ("seeds: [1\n", "malformed YAML"),
        ("base: nosuch.yaml\n", "base configuration not found"),
    ],
)
def test_bad_sweep_files_exit_2_with_one_line_before_any_run(tmp_path, text, needle):
    proc, out = _sweep(tmp_path, text)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and needle in proc.stderr
    assert not out.exists()


def test_an_unreachable_scheduler_exits_2_before_any_run(tmp_path):
    proc, out = _sweep(tmp_path, PROXY_SWEEP, "--scheduler", f"tcp://127.0.0.1:{_free_port()}")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "cannot reach the Dask scheduler" in proc.stderr
    assert not out.exists()


def test_seeds_expand_per_mismatch_corner_only():
    sweep = parse({"seeds": 3, "corners": ["tt", "ss_mm"], "temps_C": [0, 85]})
    seeds = {(p.corner, p.temp_C): sorted(q.seed for q in sweep.points if (q.corner, q.temp_C) == (p.corner, p.temp_C))
             for p in sweep.points}
    assert seeds == {("tt", 0.0): [0], ("tt", 85.0): [0], ("ss_mm", 0.0): [1, 2, 3], ("ss_mm", 85.0): [1, 2, 3]}
    assert len({p.key() for p in sweep.points}) == len(sweep.points) == 8


def test_group_yield_counts_failed_points_as_not_passing():
    ok = {"status": "ok", "nmse_pct": 0.1, "weight_bits": 9.0}
    few_bits = {"status": "ok", "nmse_pct": 0.1, "weight_bits": 7.0}
    big_error = {"status": "ok", "nmse_pct": 2.0, "weight_bits": 8.5}
    failed = {"status": "failed", "reason": "no convergence"}
    stats = group_stats([ok, few_bits, big_error, failed], Thresholds())
    assert stats["count"] == 4 and stats["failed"] == 1
    assert stats["yield"] == 0.25
    assert stats["bits_median"] == pytest.approx(7.75) and stats["bits_min"] == 0.0
    assert group_stats([ok, few_bits], Thresholds(bits_min=7))["yield"] == 1.0


@pytest.mark.slow
def test_the_flow_adds_the_mismatch_yield_to_its_summary(tmp_path):
    from logsgd.flow.config import validate
    from logsgd.flow.flow import FlowState, empty_summary, stage_monte_carlo
    from logsgd.flow.report import render

    config = validate({"samples": 10, "monte_carlo": {"seeds": 2, "mode": "fixed_point"}})
    state = FlowState(config, tmp_path)
    state.summary = empty_summary(config)
    stage_monte_carlo(state)
    group = _summary(tmp_path / "monte_carlo")["groups"][0]
    assert group["corner"] == "tt_mm" and group["count"] == 2
    assert state.summary["mc_yield"] == group["yield"]
    assert state.summary["mc_bits_p05"] == group["bits_p05"] <= state.summary["mc_bits_median"]
    assert "Monte Carlo median weight bits" in render(state)
    assert "mc_yield" not in empty_summary(validate({}))


@pytest.mark.slow
def test_a_postlayout_sweep_extracts_the_layout_and_trains_it(tmp_path):
    sweep = "base: default.yaml\nnetlist: [schematic, postlayout]\nseeds: [1]\ncorners: [tt_mm]\nsamples: 5\n"
    proc, out = _sweep(tmp_path, sweep, "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert ".subckt sgdr_array" in (out / "layout_N1" / "sgdr_array_pex.spice").read_text().lower()
    points = {p["point"]["netlist"]: p for p in _summary(out)["points"]}
    assert set(points) == {"schematic", "postlayout"}
    assert all(p["status"] == "ok" for p in points.values())
    # the extraction lists the devices in its own order, so a seed draws another circuit than the schematic's
    assert points["postlayout"]["weights"] != points["schematic"]["weights"]
