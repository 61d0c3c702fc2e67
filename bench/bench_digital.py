"""Benchmark: the digital 8-bit SGDr baseline for N = 1 and N = 4 (the digital half of the versus table).

Each N is synthesized, checked against the bit-exact model at gate level over
200 samples, proven equivalent to the RTL by yosys, and trained at
transistor level in ngspice (SKY130 tt, 27 °C, 10 MHz clock) for
``SPICE_CYCLES[N]`` clock cycles, split into ``SPICE_SEGMENTS[N]`` segments
that run in parallel ngspice processes. The results are merged into
logsgd/flow/digital/measured.json, where the flow report finds them, so
that N = 1 and N = 4 may be measured in separate runs:
``python bench/bench_digital.py 4`` measures N = 4 alone.
bench_versus.py puts them beside the analog flow (bench_flow.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from logsgd.flow.digital.baseline import measure, save_measured
from logsgd.flow.digital.model import DigitalParams

FEATURES = (1, 4)
BITS = 8
CLOCK_HZ = 10e6
SPICE_CYCLES = {1: 200, 4: 200}
"""Transistor-level cycles per N (100 samples for N = 1, 25 for N = 4). With the finely stepped
clock of spice.clock_pwl ngspice takes 30-40 CPU-s per training cycle of N = 1 and about 1.7
times that for N = 4: about 2 and 3.5 CPU-hours."""
SPICE_SEGMENTS = {1: 4, 4: 4}
"""Segments per N; two ngspice processes share the two cores without slowing each other much."""
CHECK_SAMPLES = 200
SEGMENT_CACHE = Path(__file__).resolve().parent / "digital_segments"
"""Finished ngspice segments, by a hash of their deck: committed, so that a measurement longer than one
working session is finished by the next run of this benchmark."""


def measure_features(n: int) -> dict:
    return measure(DigitalParams(features=n, bits=BITS), CLOCK_HZ, SPICE_CYCLES[n], CHECK_SAMPLES, formal=True,
                   spice_segments=SPICE_SEGMENTS[n], spice_cache=SEGMENT_CACHE)


def run(features: tuple[int, ...] = FEATURES) -> dict:
    results = {f"n{n}": measure_features(n) for n in features}
    save_measured(results)
    return results


if __name__ == "__main__":
    run(tuple(int(a) for a in sys.argv[1:]) or FEATURES)
