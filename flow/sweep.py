"""``logsgd sweep``: Monte Carlo, corner and temperature sweeps of the training, on Dask.

Every point is one task on a ``dask.distributed`` cluster: a LocalCluster
of single-threaded worker processes by default, or an existing scheduler.
The client writes each point's record to ``DIR/points/KEY.json`` as soon as
it finishes, so a killed sweep loses only the points that were running; a
rerun skips every point whose record is there for the same circuit. A point
that fails in ngspice (no convergence, timeout) is recorded as failed with
its reason and the sweep goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from logsgd.pdk.errors import LogsgdError

from .sweep_config import Sweep, SweepPoint

POINTS_DIR = "points"
RECORD_FORMAT = 1
"""Bumped when a point record changes meaning, so that old records are run again."""
CONNECT_TIMEOUT_S = 10


def circuit_text(point: SweepPoint, pex_netlists: dict[int, Path]) -> str | None:
    """The extracted netlist a post-layout point trains, None for the generated schematic."""
    return pex_netlists[point.features].read_text() if point.netlist == "postlayout" else None


def circuit_digest(point: SweepPoint, text: str | None) -> str:
    """Identity of the circuit a point runs: the schematic or extracted netlist text."""
    if text is None:
        from logsgd.cells.logdomain import sgdr_array

        text = sgdr_array(point.features)
    return hashlib.sha1(f"{RECORD_FORMAT}\n{text}".encode()).hexdigest()[:16]


def _dataset(point: SweepPoint):
    from . import datasets

    return datasets.load(point.dataset, point.target or None).take(point.features, point.samples)


def _transient(point: SweepPoint, netlist_text: str | None) -> dict[str, Any]:
    from .train import TrainSetup, train

    with tempfile.TemporaryDirectory(prefix="logsgd-point-") as tmp:
        netlist = None
        if netlist_text is not None:
            netlist = Path(tmp) / "sgdr_array_pex.spice"
            netlist.write_text(netlist_text)
        setup = TrainSetup(_dataset(point), point.eta, point.lam, point.corner, point.temp_C,
                           netlist_file=netlist, seed=point.seed)
        s = train(setup).summary()
    return {key: s[key] for key in ("nmse_pct", "weight_bits", "power_nW", "power_nW_per_weight",
                                    "energy_per_update_pJ")} | {
        "weights": s["weights_final"], "weights_ideal": s["weights_ideal_final"]}


def _fixed_point(point: SweepPoint) -> dict[str, Any]:
    import numpy as np

    from . import ideal
    from .fixed_point import static_fixed_point

    fp = static_fixed_point(_dataset(point), point.eta, point.lam, corner=point.corner, temp_c=point.temp_C,
                            seed=point.seed)
    w_c, w_i = fp.w_circuit[np.newaxis], fp.w_ideal[np.newaxis]
    return {"nmse_pct": ideal.nmse_pct(w_c, w_i), "weight_bits": ideal.weight_bits(w_c, w_i),
            "weights": fp.w_circuit.tolist(), "weights_ideal": fp.w_ideal.tolist(),
            "weights_prediction": fp.w_prediction.tolist()}


def run_point(point: dict[str, Any], netlist_text: str | None = None) -> dict[str, Any]:
    """Run one point (on a worker) and return its record; a simulation that fails gives a failed record."""
    p = SweepPoint(**point)
    start = time.perf_counter()
    try:
        figures = _transient(p, netlist_text) if p.mode == "transient" else _fixed_point(p)
        status, reason = "ok", ""
    except LogsgdError as exc:
        figures, status, reason = {}, "failed", str(exc)
    return {"point": point, "status": status, "reason": reason, **figures,
            "elapsed_s": round(time.perf_counter() - start, 3), "finished_at": time.time(), "worker": _worker_name()}


def _worker_name() -> str:
    """The Dask worker's address, or host:pid outside a worker."""
    from dask.distributed import get_worker

    try:
        return get_worker().address
    except ValueError:
        return f"{os.uname().nodename}:{os.getpid()}"


class PointStore:
    """The point records of a sweep folder, one JSON file each."""

    def __init__(self, out: Path):
        self.folder = Path(out) / POINTS_DIR

    def path(self, point: SweepPoint) -> Path:
        return self.folder / f"{point.key()}.json"

    def done(self, point: SweepPoint, digest: str) -> dict | None:
        """The record of ``point`` if it ran on this circuit (a damaged or stale file counts as not run)."""
        try:
            record = json.loads(self.path(point).read_text())
        except (OSError, ValueError):
            return None
        same = record.get("point") == asdict(point) and record.get("circuit") == digest
        return record if same else None

    def write(self, point: SweepPoint, record: dict) -> None:
        from .files import write_json

        write_json(self.path(point), record)

    def all_records(self) -> list[dict]:
        """Every record in the folder, this sweep's or another's (the proxy comparison pairs them)."""
        records = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                records.append(json.loads(path.read_text()))
            except ValueError:
                continue
        return records


@dataclass
class SweepRun:
    """What one ``run_sweep`` call did: records by point, and its timing."""

    records: dict[SweepPoint, dict]
    ran: int
    skipped: int
    lost: list[str]
    """Points whose task died for a reason outside the simulation (worker lost): not recorded, run again next time."""
    wall_s: float
    workers: int
    busy_s: float
    """Sum of the points' own run times on the workers."""
    overhead_s: float
    """Worker time, summed over workers, from the sweep's start to each worker's last point, outside points:
    cluster start, scheduling, transfers."""
    tail_s: float
    """Worker time after each worker's last point while others still run: the points' uneven lengths, not the sweep's."""
    scheduler: str
    circuits: set[str]
    """Digests of the circuits this sweep's points ran on."""

    @property
    def overhead_pct(self) -> float | None:
        """The sweep's own cost beside the points' run time, in % of the workers' time up to their last point."""
        if not self.ran:
            return None
        return 100.0 * self.overhead_s / (self.busy_s + self.overhead_s)


def _timing(ran: list[dict], workers: int, t0: float, t_end: float) -> tuple[float, float, float]:
    """Busy, overhead and tail seconds of the points that ran, summed over workers (see SweepRun)."""
    by_worker: dict[str, list[float]] = {}
    for r in ran:
        w = by_worker.setdefault(r["worker"], [0.0, t0])
        w[0] += r["elapsed_s"]
        w[1] = max(w[1], r["finished_at"])
    busy = sum(b for b, _ in by_worker.values())
    overhead = sum(last - t0 - b for b, last in by_worker.values())
    tail = sum(t_end - last for _, last in by_worker.values()) + max(0, workers - len(by_worker)) * (t_end - t0)
    return busy, overhead, tail


def open_client(scheduler: str | None, workers: int | None):
    """A Dask client: on ``scheduler`` (tcp://HOST:PORT), or on a new LocalCluster of ``workers`` processes."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise LogsgdError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    n = workers if workers is not None else os.cpu_count() or 1
    if n < 1:
        raise LogsgdError(f"--workers must be >= 1, got {n}")
    # no dashboard, and the scheduler's HTTP routes on a free loopback port, so that two sweeps never clash on 8787
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                           silence_logs=logging.ERROR)
    return Client(cluster)


def close_client(client) -> None:
    """Close a client from ``open_client``, and its LocalCluster if it made one."""
    cluster = client.cluster
    client.close()
    if cluster is not None:
        cluster.close()


def _worker_count(client) -> int:
    return max(1, sum(client.nthreads().values()))


def run_sweep(sweep: Sweep, out: Path, pex_netlists: dict[int, Path] | None = None, client=None,
              scheduler: str | None = None, workers: int | None = None, show_progress: bool = True) -> SweepRun:
    """Run the points of ``sweep`` not yet in ``out`` and return every point's record.

    ``client``: an open Dask client to use; otherwise one is opened on
    ``scheduler`` or on a LocalCluster of ``workers`` processes, and closed
    at the end. ``pex_netlists`` maps N to the extracted netlist that
    post-layout points train.
    """
    from dask.distributed import as_completed

    from .sweep_progress import SweepProgress

    store = PointStore(out)
    # one netlist text and digest per circuit (schematic or extraction of each N), not per point
    circuits = {(p.netlist, p.features): p for p in sweep.points}
    by_circuit = {c: circuit_text(p, pex_netlists or {}) for c, p in circuits.items()}
    digest_of = {c: circuit_digest(circuits[c], t) for c, t in by_circuit.items()}
    texts = {p: by_circuit[(p.netlist, p.features)] for p in sweep.points}
    digests = {p: digest_of[(p.netlist, p.features)] for p in sweep.points}
    records = {p: r for p in sweep.points if (r := store.done(p, digests[p])) is not None}
    todo = [p for p in sweep.points if p not in records]
    own = client is None
    if own and not todo:
        return SweepRun(records, 0, len(records), [], 0.0, workers or 1, 0.0, 0.0, 0.0, scheduler or "none",
                        set(digests.values()))
    start = time.time()
    client = client or open_client(scheduler, workers)
    lost: list[str] = []
    ran: list[dict] = []
    try:
        n_workers = _worker_count(client)
        shared = {t: client.scatter(t, broadcast=True) for t in set(texts.values()) if t is not None}
        futures = {client.submit(run_point, asdict(p), shared.get(texts[p]), key=f"point-{digests[p]}-{p.key()}",
                                 pure=False): p for p in todo}
        with SweepProgress(len(todo), n_workers, skipped=len(records), enabled=show_progress) as bar:
            for future in as_completed(futures):
                point = futures[future]
                try:
                    record = future.result()
                except Exception as exc:  # a lost worker or a bug in a task: not the circuit's result
                    lost.append(f"{point.key()}: {type(exc).__name__}: {exc}")
                    bar.advance(failed=True)
                    continue
                record["circuit"] = digests[point]
                store.write(point, record)
                records[point] = record
                ran.append(record)
                bar.advance(failed=record["status"] != "ok")
        end = time.time()
        address = client.scheduler.address if client.scheduler else "local"
    finally:
        if own:
            close_client(client)
    return SweepRun(records, len(ran), len(sweep.points) - len(todo), lost, end - start, n_workers,
                    *_timing(ran, n_workers, start, end), address, set(digests.values()))


def extracted_netlists(sweep: Sweep, out: Path) -> dict[int, Path]:
    """The extracted netlist of each N that the sweep's post-layout points train.

    ``pex_netlist`` in the sweep file serves a single N; otherwise the flow's
    build and extraction stages make one into ``out/layout_N<n>/``.
    """
    from .config import validate
    from .flow import FlowState, stage_build, stage_pex

    sizes = sorted({p.features for p in sweep.points if p.netlist == "postlayout"})
    if not sizes:
        return {}
    if sweep.pex_netlist is not None:
        if len(sizes) > 1:
            raise LogsgdError("pex_netlist serves one value of features; leave it out to extract each N")
        return {sizes[0]: sweep.pex_netlist}
    netlists = {}
    for n in sizes:
        state = FlowState(validate({"features": n, "dataset": "linear4" if n > 1 else "linear1"}),
                          Path(out) / f"layout_N{n}")
        stage_build(state)
        stage_pex(state)
        netlists[n] = state.files["pex"]
    return netlists
