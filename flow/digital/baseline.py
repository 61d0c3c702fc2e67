"""The digital baseline end to end, and its comparison with the analog array.

``measure`` synthesizes sgdr_unit, checks the gate netlist against the RTL
and the bit-exact model, runs it at transistor level in ngspice and returns
the figures of ``logsgd digital``. ``power_at_sample_rate`` and
``versus_analog`` put it beside an analog flow summary at equal sample rate.

The transistor-level runs take the best part of an hour, so the benchmark
(``python bench/run.py digital``) stores its results in ``measured.json``
next to this module, and the flow report reads them from there.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from logsgd.pdk.errors import LogsgdError

from .model import DigitalParams, linear_data, train

DEFAULT_CLOCK_HZ = 10e6
DEFAULT_CHECK_SAMPLES = 200
DEFAULT_SPICE_CYCLES = 16
MEASURED_PATH = Path(__file__).with_name("measured.json")
"""Digital results of the last benchmark run, keyed ``n1``, ``n4``, ... (written by bench/bench_digital.py)."""


def validate_clock(clock_hz: float) -> float:
    if not (isinstance(clock_hz, (int, float)) and math.isfinite(clock_hz) and clock_hz > 0):
        raise LogsgdError(f"clock must be a finite frequency above 0 Hz, got {clock_hz!r}")
    return float(clock_hz)


def validate_segments(segments: int) -> int:
    if not isinstance(segments, int) or segments < 1:
        raise LogsgdError(f"spice segments must be an integer >= 1, got {segments!r}")
    return segments


def measure(p: DigitalParams, clock_hz: float = DEFAULT_CLOCK_HZ, spice_cycles: int = DEFAULT_SPICE_CYCLES,
            check_samples: int = DEFAULT_CHECK_SAMPLES, formal: bool = False,
            on_stage: Callable[[str], None] | None = None, spice_segments: int = 1,
            spice_cache: Path | None = None) -> dict:
    """Area, transistors, power and energy of sgdr_unit ``p``, with its checks.

    The gate netlist and the RTL are simulated (Icarus Verilog) over
    ``check_samples`` training samples and must reproduce the model's weights
    after every sample. ngspice then trains the transistor-level netlist for
    ``spice_cycles`` clock cycles (rounded up to whole samples; 0 skips it) at
    ``clock_hz``; the weights it learns are read from the flip-flop outputs.
    ``spice_segments`` splits that run into consecutive segments simulated in
    parallel ngspice processes (``spice.simulate``), each stored in
    ``spice_cache`` when given and taken from there by a later call.
    """
    from .spice import simulate
    from .synth import formal_equivalence, simulate_weights, synthesize

    validate_clock(clock_hz)
    if not isinstance(spice_cycles, int) or spice_cycles < 0:
        raise LogsgdError(f"spice cycles must be an integer >= 0, got {spice_cycles!r}")
    validate_segments(spice_segments)
    if not isinstance(check_samples, int) or check_samples < 1:
        raise LogsgdError(f"check samples must be an integer >= 1, got {check_samples!r}")
    stage = on_stage or (lambda _name: None)
    stage("synthesis")
    net = synthesize(p)
    x, y = linear_data(p.features, check_samples, p.bits)
    expected = train(x, y, p)
    stage("gate-level simulation")
    rtl_ok = bool(np.array_equal(simulate_weights("rtl", p, x, y), expected))
    gates_ok = bool(np.array_equal(simulate_weights("gates", p, x, y, net), expected))
    out: dict = {
        "features": p.features,
        "bits": p.bits,
        "eta_shift": p.eta_shift,
        "lambda_shift": p.lambda_shift,
        "clock_hz": clock_hz,
        "cycles_per_update": p.cycles_per_sample,
        "area_um2": round(net.area_um2, 3),
        "area_um2_per_weight": round(net.area_um2 / p.features, 3),
        "transistors": net.transistors,
        "transistors_per_weight": net.transistors / p.features,
        "cells": len(net.cells),
        "flip_flops": net.flip_flops,
        "cell_counts": net.cell_counts,
        "check_samples": check_samples,
        "rtl_matches_model": rtl_ok,
        "gates_match_model": gates_ok,
        "final_weights": (expected[-1] / (1 << (p.bits - 1))).tolist(),
        "formal_equivalence": None,
        "spice_cycles": 0,
        "spice_segments": 0,
        "power_nW": None,
        "power_nW_per_weight": None,
        "energy_per_update_pJ": None,
        "energy_per_weight_update_pJ": None,
        "leakage_nW": None,
        "spice_matches_model": None,
    }
    if formal:
        stage("formal equivalence")
        out["formal_equivalence"] = formal_equivalence(net)
    if spice_cycles:
        samples = -(-spice_cycles // p.cycles_per_sample)
        stage(f"ngspice, {samples * p.cycles_per_sample} cycles in {spice_segments} segment(s)")
        run = simulate(net, x[:samples], y[:samples], p, clock_hz, segments=spice_segments, cache_dir=spice_cache)
        out.update(
            spice_cycles=run.cycles,
            spice_segments=run.segments,
            power_nW=run.power_nW,
            power_nW_per_weight=run.power_nW / p.features,
            energy_per_update_pJ=run.energy_per_update_pJ,
            energy_per_weight_update_pJ=run.energy_per_update_pJ / p.features,
            leakage_nW=run.leakage_nW,
            spice_matches_model=bool(np.array_equal(run.weights, expected[:samples])),
        )
    return out


def checks_pass(result: dict) -> bool:
    """True when every check that ran agreed with the model (and the RTL)."""
    keys = ("rtl_matches_model", "gates_match_model", "formal_equivalence", "spice_matches_model")
    return all(result[k] is not False for k in keys)


def power_at_sample_rate(result: dict, sample_rate_hz: float) -> float:
    """Supply power in nW when the unit trains at ``sample_rate_hz`` samples/s (clock gated between samples).

    Dynamic energy per update (measured energy minus leakage over the
    update's cycles) times the sample rate, plus the leakage power.
    """
    if result.get("energy_per_update_pJ") is None:
        raise LogsgdError("the digital result has no transistor-level power (spice_cycles was 0)")
    validate_clock(sample_rate_hz)
    update_s = result["cycles_per_update"] / result["clock_hz"]
    if sample_rate_hz * update_s > 1:
        raise LogsgdError(
            f"{sample_rate_hz:g} samples/s needs more than the {result['clock_hz']:g} Hz clock "
            f"({result['cycles_per_update']} cycles per sample)"
        )
    dynamic_pj = result["energy_per_update_pJ"] - result["leakage_nW"] * 1e-9 * update_s * 1e12
    return result["leakage_nW"] + dynamic_pj * 1e-12 * sample_rate_hz * 1e9


def versus_analog(analog: dict, digital: dict, sample_rate_hz: float) -> dict:
    """Side-by-side figures per weight and their analog/digital ratios.

    ``analog`` is a flow summary (``features``, ``area_um2``, ``transistors``,
    ``power_nW``, ``energy_per_update_pJ``); ``digital`` a ``measure`` result.
    Digital power is taken at the analog sample rate ``sample_rate_hz``, and
    its energy per update is that power per weight times the sample period
    (leakage between samples included): supply energy per weight per sample,
    as the analog flow reports it.
    """
    n_a, n_d = analog["features"], digital["features"]
    digital_nw = power_at_sample_rate(digital, sample_rate_hz)
    rows = {
        "area_um2_per_weight": (analog["area_um2"] / n_a, digital["area_um2"] / n_d),
        "transistors_per_weight": (analog["transistors"] / n_a, digital["transistors"] / n_d),
        "power_nW_per_weight": (analog["power_nW"] / n_a, digital_nw / n_d),
        "energy_per_update_pJ": (analog["energy_per_update_pJ"], digital_nw / n_d * 1e3 / sample_rate_hz),
    }
    return {
        "features": n_a,
        "sample_rate_hz": sample_rate_hz,
        "rows": {k: {"analog": a, "digital": d, "analog_over_digital": a / d if d else None}
                 for k, (a, d) in rows.items()},
    }


def versus_table(comparison: dict) -> str:
    """A Markdown table of ``versus_analog``'s result."""
    lines = [
        f"N = {comparison['features']}, {comparison['sample_rate_hz']:g} samples/s",
        "",
        "| figure | analog | digital 8-bit | analog / digital |",
        "|---|---:|---:|---:|",
    ]
    for name, row in comparison["rows"].items():
        ratio = "n/a" if row["analog_over_digital"] is None else f"{row['analog_over_digital']:.3g}"
        lines.append(f"| {name} | {row['analog']:.4g} | {row['digital']:.4g} | {ratio} |")
    return "\n".join(lines) + "\n"


def save_measured(results: dict[str, dict], path: Path = MEASURED_PATH) -> Path:
    """Store ``measure`` results keyed ``n<N>`` for the flow report, keeping the other N already stored."""
    from logsgd.flow.files import write_json

    stored = {}
    if path.is_file():
        try:
            stored = dict(json.loads(path.read_text()))
        except (json.JSONDecodeError, TypeError, ValueError) as exc:
            raise LogsgdError(f"{path}: not a digital results file ({exc})") from None
    return write_json(path, {**stored, **results})


def measured(features: int, path: Path = MEASURED_PATH) -> dict | None:
    """The stored transistor-level result for ``features`` weights, or None when there is none."""
    if not path.is_file():
        return None
    try:
        result = json.loads(path.read_text()).get(f"n{features}")
    except (json.JSONDecodeError, AttributeError) as exc:
        raise LogsgdError(f"{path}: not a digital results file ({exc})") from None
    if result is None or result.get("energy_per_update_pJ") is None:
        return None
    return result
