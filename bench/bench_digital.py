"""Benchmark: the digital 8-bit SGDr baseline for N = 1 and N = 4 (the digital half of the versus table).

Each N is synthesized, checked against the bit-exact model at gate level
over 200 samples, and trained at transistor level in ngspice (SKY130 tt,
27 °C, 10 MHz clock) for ``SPICE_CYCLES[N]`` clock cycles. The analog half
comes from the flow; ``side_by_side(analog_by_n, digital, sample_rate_hz)`` builds
the table once the analog summaries exist.
"""

from __future__ import annotations

from logsgd.flow.digital.baseline import measure, versus_analog, versus_table
from logsgd.flow.digital.model import DigitalParams

FEATURES = (1, 4)
BITS = 8
CLOCK_HZ = 10e6
SPICE_CYCLES = {1: 64, 4: 32}
"""Transistor-level cycles per N. ngspice needs ~0.4 CPU-s per time point and ~60 points per
cycle for N = 1 (64 cycles: 30 CPU-min), about 1.7 times that for N = 4."""
CHECK_SAMPLES = 200


def run() -> dict:
    results = {}
    for n in FEATURES:
        p = DigitalParams(features=n, bits=BITS)
        results[f"n{n}"] = measure(p, CLOCK_HZ, SPICE_CYCLES[n], CHECK_SAMPLES)
    return results


def side_by_side(analog_by_n: dict[int, dict], digital: dict, sample_rate_hz: float) -> tuple[dict, str]:
    """(comparison per N, Markdown tables) of analog flow summaries against this benchmark's results.

    ``analog_by_n`` maps N to a flow ``summary.json`` dict; ``digital`` is
    ``run()``'s result (or its entry in bench/results.json). Digital power is
    taken at the analog sample rate.
    """
    comparison = {f"n{n}": versus_analog(analog, digital[f"n{n}"], sample_rate_hz)
                  for n, analog in sorted(analog_by_n.items())}
    return comparison, "\n".join(versus_table(c) for c in comparison.values())
