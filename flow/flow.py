"""``logsgd flow``: from a YAML configuration to post-layout accuracy, power and area.

Stages, in order: build → drc → lvs → pex → train_schematic →
train_postlayout → report. Each stage reads the files of the stages
before it and writes its own into the output folder; the schematic training,
which needs only the build, runs in the background beside the checks and the
post-layout training (``BACKGROUND``). A stage that fails
stops the flow: a failed check (DRC violations, LVS mismatch) exits 1, an
error exits 2. Files of the finished stages are kept, and the report and
``summary.json`` are written either way, saying which stage stopped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logsgd.pdk.errors import LogsgdError

from .config import FlowConfig

TOP_CELL = "sgdr_array"
DEFAULT_OUT_ROOT = Path("gds_out")


class CheckFailed(Exception):
    """A verification stage ran and found the design wrong (exit status 1)."""


@dataclass
class FlowState:
    """What the stages have produced so far."""

    config: FlowConfig
    out: Path
    files: dict[str, Path] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    runtime_s: dict[str, float] = field(default_factory=dict)
    stopped_at: str | None = None
    stop_reason: str = ""
    exit_status: int = 0
    versus_digital: dict[str, Any] | None = None
    cancelled: list[str] = field(default_factory=list)
    """Background stages stopped because another stage failed."""
    cancel: threading.Event = field(default_factory=threading.Event)
    """Set when a stage fails, so that the background stages stop their simulations."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def path(self, name: str) -> Path:
        return self.out / name


def empty_summary(config: FlowConfig) -> dict[str, Any]:
    """summary.json with every key present, unmeasured values null."""
    return {
        "cell": TOP_CELL,
        "features": config.features,
        "area_um2": None,
        "transistors": None,
        "drc_violations": None,
        "lvs_match": None,
        "nmse_pct_schematic": None,
        "nmse_pct_postlayout": None,
        "weight_bits_postlayout": None,
        "power_nW": None,
        "power_nW_per_weight": None,
        "energy_per_update_pJ": None,
        **({"mc_yield": None, "mc_bits_p05": None, "mc_bits_median": None} if config.monte_carlo else {}),
        "runtime_s": {},
    }


def stage_build(state: FlowState) -> None:
    from logsgd.cells.sgdr_layout import sgdr_array_cell

    from .render import render_png

    cell = sgdr_array_cell(state.config.features)
    gds, spice = cell.write(state.out)
    state.files.update(gds=gds, spice=spice)
    box = cell.component.dbbox()
    state.summary["area_um2"] = round(box.width() * box.height(), 2)
    state.files["layout_png"] = render_png(gds, state.path("layout.png"))


def stage_drc(state: FlowState) -> None:
    from .drc import run_drc
    from .files import write_json

    res = run_drc(state.files["gds"], cell=TOP_CELL, report=state.path("drc.lyrdb"))
    state.files["drc_json"] = write_json(state.path("drc.json"), res.to_json())
    state.summary["drc_violations"] = res.violations
    if res.violations:
        worst = ", ".join(f"{k} {v}" for k, v in sorted(res.by_rule.items(), key=lambda kv: -kv[1])[:5])
        raise CheckFailed(f"{res.violations} DRC violation(s): {worst}")


def stage_lvs(state: FlowState) -> None:
    from .files import write_json
    from .lvs import run_lvs

    res = run_lvs(state.files["gds"], state.files["spice"], cell=TOP_CELL, report=state.path("lvs.lvsdb"))
    state.files["lvs_json"] = write_json(state.path("lvs.json"), res.to_json())
    state.summary["lvs_match"] = res.match
    if not res.match:
        raise CheckFailed("LVS mismatch: " + "; ".join(res.mismatches[:3]))


def stage_pex(state: FlowState) -> None:
    from .pex import run_pex

    out = state.path(f"{TOP_CELL}_pex.spice")
    res = run_pex(state.files["gds"], out, cell=TOP_CELL, schematic=state.files["spice"])
    state.files["pex"] = out
    # counted in the extraction, so that the matched rows' dummy gates count too
    state.summary["transistors"] = res.transistors


def _train(state: FlowState, netlist: Path, tag: str) -> dict:
    from . import datasets
    from .files import write_json
    from .train import TrainSetup, plot, train

    cfg = state.config
    data = datasets.load(cfg.dataset, cfg.target or None).take(cfg.features, cfg.samples)
    result = train(TrainSetup(data, cfg.eta, cfg.lambda_, cfg.corner, cfg.temp_C, netlist_file=netlist),
                   cancel=state.cancel)
    summary = result.summary()
    state.files[f"train_{tag}"] = write_json(state.path(f"train_{tag}.json"), summary)
    plot(result, state.path(f"weights_{tag}.png"))
    state.files[f"weights_{tag}_png"] = state.path(f"weights_{tag}.png")
    return summary


def stage_train_schematic(state: FlowState) -> None:
    summary = _train(state, state.files["spice"], "schematic")
    state.summary["nmse_pct_schematic"] = summary["nmse_pct"]


def stage_train_postlayout(state: FlowState) -> None:
    summary = _train(state, state.files["pex"], "postlayout")
    state.summary.update(
        nmse_pct_postlayout=summary["nmse_pct"],
        weight_bits_postlayout=summary["weight_bits"],
        power_nW=summary["power_nW"],
        power_nW_per_weight=summary["power_nW_per_weight"],
        energy_per_update_pJ=summary["energy_per_update_pJ"],
    )
    _compare_with_digital(state, 1.0 / summary["sample_period_s"])


def _compare_with_digital(state: FlowState, sample_rate_hz: float) -> None:
    """Ratios against the stored transistor-level digital baseline for the same N, when there is one."""
    from .digital.baseline import measured, versus_analog
    from .files import write_json

    digital = measured(state.config.features)
    if digital is None:
        return
    state.versus_digital = versus_analog(state.summary, digital, sample_rate_hz)
    state.files["versus_digital"] = write_json(state.path("versus_digital.json"), state.versus_digital)


def stage_monte_carlo(state: FlowState) -> None:
    """Mismatch yield of the schematic: the configured run at seeds 1..K of its corner with mismatch.

    It runs as a ``logsgd sweep`` into ``monte_carlo/`` (LocalCluster, a
    worker per core), so a rerun into the same folder reuses the seeds done.
    """
    from . import sweep_report
    from .sweep import run_sweep
    from .sweep_config import parse

    cfg = state.config
    raw = cfg.as_dict()
    mc = raw.pop("monte_carlo")
    sweep = parse(raw | {"seeds": mc["seeds"], "corners": [f"{cfg.corner}_mm"], "mode": mc["mode"]})
    out = state.path("monte_carlo")
    result = run_sweep(sweep, out, show_progress=False)
    group = sweep_report.write(sweep, result, out)["groups"][0]
    state.files["monte_carlo"] = out / "sweep.md"
    state.summary.update(mc_yield=group["yield"], mc_bits_p05=group["bits_p05"],
                         mc_bits_median=group["bits_median"])


STAGES: tuple[tuple[str, Callable[[FlowState], None]], ...] = (
    ("build", stage_build),
    ("drc", stage_drc),
    ("lvs", stage_lvs),
    ("pex", stage_pex),
    ("train_schematic", stage_train_schematic),
    ("train_postlayout", stage_train_postlayout),
    ("monte_carlo", stage_monte_carlo),
)

BACKGROUND: dict[str, str] = {"train_schematic": "build"}
"""Stages that start in a worker thread once the stage they need has finished (stage → that
stage); the flow collects them after its last stage. The schematic training needs only the
build, so it runs beside DRC, LVS, PEX and the post-layout training, and on two cores the
flow lasts about one training transient instead of two."""


Stage = tuple[str, Callable[[FlowState], None]]


def _run_stage(state: FlowState, name: str, stage: Callable[[FlowState], None], background: bool = False) -> None:
    """Run one stage, record its runtime and, if it fails, where and why the flow stopped."""
    from .progress import progress
    from .sim import SimulationCancelled

    start = time.perf_counter()
    try:
        with progress(f"flow {name}", redraw=not background):
            stage(state)
    except SimulationCancelled:
        state.cancelled.append(name)
    except (CheckFailed, LogsgdError) as exc:
        with state.lock:
            if not state.stopped_at:
                state.stopped_at, state.stop_reason = name, str(exc)
                state.exit_status = 1 if isinstance(exc, CheckFailed) else 2
                state.cancel.set()
    finally:
        state.runtime_s[name] = round(time.perf_counter() - start, 2)


def run_flow(
    config: FlowConfig,
    out: Path | None = None,
    echo: Callable[[str], None] = print,
    stages: tuple[Stage, ...] = STAGES,
) -> FlowState:
    """Run ``stages`` into ``out`` (default gds_out/sgdr_array/); the state says where it stopped.

    ``runtime_s`` holds each stage's own wall time and, under ``total``, the
    flow's, which is less than their sum when a stage ran in the background.
    """
    from concurrent.futures import ThreadPoolExecutor

    from .files import write_json
    from .report import write_report

    flow_start = time.perf_counter()
    state = FlowState(config, Path(out) if out else DEFAULT_OUT_ROOT / TOP_CELL)
    state.summary = empty_summary(config)
    if not config.monte_carlo:
        stages = tuple(s for s in stages if s[0] != "monte_carlo")
    by_name = dict(stages)
    background = {name: after for name, after in BACKGROUND.items() if name in by_name and after in by_name}
    with ThreadPoolExecutor(max_workers=max(1, len(background))) as pool:
        pending = []
        try:
            for name, stage in stages:
                if state.stopped_at:
                    break
                if name in background:
                    continue
                _run_stage(state, name, stage)
                if not state.stopped_at:
                    pending += [pool.submit(_run_stage, state, bg, by_name[bg], True)
                                for bg, after in background.items() if after == name]
            for job in pending:
                job.result()
        except BaseException:
            state.cancel.set()
            raise
    if state.stopped_at:
        echo(f"flow stopped at stage '{state.stopped_at}': {state.stop_reason}")
    order = [name for name, _ in stages]
    state.runtime_s = {name: state.runtime_s[name] for name in order if name in state.runtime_s}
    start = time.perf_counter()
    state.summary["runtime_s"] = state.runtime_s
    state.files["report"] = write_report(state)
    state.runtime_s["report"] = round(time.perf_counter() - start, 2)
    state.runtime_s["total"] = round(time.perf_counter() - flow_start, 2)
    state.files["summary"] = write_json(state.path("summary.json"), state.summary)
    return state
