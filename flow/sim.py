"""Run ngspice on a netlist with the SKY130 models and return numpy vectors.

Each simulation is one ngspice process in batch mode. Loading the SKY130
library costs several seconds, so a simulation may carry several analyses
that share one load (``Simulation.analyses``). Independent simulations run
in parallel processes through ``run_many``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from logsgd.pdk.errors import LogsgdError
from logsgd.pdk.models import NGSPICE_PREAMBLE, model_library, model_section

LOG_TAIL_LINES = 15
POLL_S = 0.2
"""How often a running ngspice is checked for cancellation or timeout, in s."""

# Messages that mean the run failed. "gmin stepping failed" is left out on
# purpose: ngspice then tries source stepping, which may still converge.
_FATAL = re.compile(
    r"(timestep too small|no convergence|singular matrix|simulation\(s\) aborted"
    r"|source stepping failed|could not find|unknown subckt"
    r"|error on line|fatal error|unable to find definition)",
    re.IGNORECASE,
)


class SimulationError(LogsgdError):
    """ngspice failed, did not converge, or returned no data."""


class SimulationCancelled(SimulationError):
    """The simulation was stopped on request before it finished."""


@dataclass(frozen=True)
class Analysis:
    """One analysis (``dc ...``, ``tran ...``, ``op``) and the vectors to keep.

    ``before`` holds ngspice control commands run first, for example
    ``alter vd 0.1``, so that several operating conditions share one model
    load.
    """

    command: str
    vectors: tuple[str, ...]
    before: tuple[str, ...] = ()


@dataclass(frozen=True)
class Simulation:
    """A netlist body (devices, sources, subcircuits) and its analyses."""

    netlist: str
    analyses: tuple[Analysis, ...]
    corner: str = "tt"
    temp_c: float = 27.0
    options: tuple[str, ...] = ()
    timeout_s: float = 3600.0
    seed: int = 0
    """Monte Carlo draw of a mismatch corner (``tt_mm``, ...); 0 loads the corner without mismatch."""


@dataclass
class Result:
    """Vectors of each analysis by name, plus the ngspice log."""

    analyses: list[dict[str, np.ndarray]]
    log: str = field(repr=False)

    def __getitem__(self, name: str) -> np.ndarray:
        """A vector of the first analysis."""
        return self.analyses[0][name]


def ngspice_executable() -> str:
    found = shutil.which("ngspice")
    if found is None:
        raise SimulationError("ngspice not found on PATH: apt-get install ngspice libngspice0")
    return found


def deck_text(sim: Simulation, data_files: Sequence[str]) -> str:
    """The complete ngspice input deck for ``sim``."""
    lib = model_library()
    seed = (f"seed={sim.seed}",) if sim.seed else ()
    lines = [
        "* logsgd simulation",
        lib.lib_line(model_section(sim.corner, sim.seed)),
        f".temp {sim.temp_c:g}",
        ".options savecurrents=0 " + " ".join(sim.options + seed),
        sim.netlist.strip(),
        ".control",
        "set wr_singlescale",
        "set wr_vecnames",
        "option numdgt=12",
    ]
    for analysis, data_file in zip(sim.analyses, data_files):
        lines.extend(analysis.before)
        # Keep only the vectors asked for: ngspice otherwise stores every node
        # at every time point (gigabytes for the digital baseline's transients).
        lines.append("save " + " ".join(analysis.vectors))
        lines.append(analysis.command)
        lines.append(f"wrdata {data_file} " + " ".join(analysis.vectors))
    lines += ["quit", ".endc", ".end", ""]
    return "\n".join(lines)


def _tail(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return " | ".join(lines[-LOG_TAIL_LINES:])


def _read_wrdata(path: Path, vectors: Sequence[str]) -> dict[str, np.ndarray]:
    with path.open() as fh:
        header = fh.readline().split()
    data = np.loadtxt(path, skiprows=1, ndmin=2)
    if data.size == 0 or not np.all(np.isfinite(data)):
        raise SimulationError(f"ngspice returned empty or non-finite data in {path.name}")
    columns = {name: data[:, i] for i, name in enumerate(header)}
    out = {"scale": data[:, 0]}
    for name in vectors:
        key = name if name in columns else name.lower()
        if key not in columns:
            raise SimulationError(f"vector {name!r} missing from ngspice output")
        out[name] = columns[key]
    return out


def _wait(proc: subprocess.Popen, timeout_s: float, cancel: threading.Event | None) -> int:
    """Exit status of ``proc``; raise on timeout or when ``cancel`` is set (the caller kills it)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return proc.wait(timeout=POLL_S)
        except subprocess.TimeoutExpired:
            pass
        if cancel is not None and cancel.is_set():
            raise SimulationCancelled("ngspice run cancelled")
        if time.monotonic() > deadline:
            raise SimulationError(f"ngspice timed out after {timeout_s:g} s")


def run(sim: Simulation, cancel: threading.Event | None = None) -> Result:
    """Run one simulation; raise SimulationError carrying the log tail on failure.

    Setting ``cancel`` (from another thread) kills the ngspice process and
    raises SimulationCancelled.
    """
    exe = ngspice_executable()
    with tempfile.TemporaryDirectory(prefix="logsgd-sim-") as tmp:
        work = Path(tmp)
        (work / ".spiceinit").write_text("\n".join(NGSPICE_PREAMBLE) + "\n")
        data_files = [f"out{i}.txt" for i in range(len(sim.analyses))]
        (work / "deck.cir").write_text(deck_text(sim, data_files))
        env = dict(os.environ, HOME=str(work))
        log_path = work / "ngspice.log"
        with log_path.open("w") as log_file:
            proc = subprocess.Popen([exe, "-b", "deck.cir"], cwd=work, env=env, stdout=log_file,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            try:
                returncode = _wait(proc, sim.timeout_s, cancel)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        log = log_path.read_text(errors="replace")
        fatal = _FATAL.search(log)
        if returncode != 0 or fatal:
            reason = fatal.group(0) if fatal else f"exit status {returncode}"
            raise SimulationError(f"ngspice failed ({reason}): {_tail(log)}")
        results = []
        for analysis, name in zip(sim.analyses, data_files):
            path = work / name
            if not path.is_file():
                raise SimulationError(f"ngspice wrote no data for '{analysis.command}': {_tail(log)}")
            results.append(_read_wrdata(path, analysis.vectors))
        return Result(results, log)


def run_many(
    sims: Sequence[Simulation],
    workers: int | None = None,
    on_done: Callable[[int], None] | None = None,
) -> list[Result]:
    """Run independent simulations in parallel ngspice processes, in order.

    ``on_done`` is called with the number finished so far, for progress display.
    """
    workers = workers or os.cpu_count() or 1
    results: list[Result | None] = [None] * len(sims)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(run, sim): i for i, sim in enumerate(sims)}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if on_done:
                on_done(done)
    return [r for r in results if r is not None]

