"""Benchmark: the digital 8-bit SGDr baseline for N = 1 and N = 4 (the digital half of the versus table).

Each N, in its own process, is synthesized, checked against the bit-exact model at gate level
over 200 samples, proven equivalent to the RTL by yosys, and trained at transistor level in ngspice (SKY130 tt,
27 °C, 10 MHz clock) for ``SPICE_CYCLES[N]`` clock cycles. The results are
also stored in logsgd/flow/digital/measured.json, where the flow report
finds them. bench_versus.py puts them beside the analog flow (bench_flow.py).
"""

from __future__ import annotations

from logsgd.flow.digital.baseline import measure, save_measured
from logsgd.flow.digital.model import DigitalParams

FEATURES = (1, 4)
BITS = 8
CLOCK_HZ = 10e6
SPICE_CYCLES = {1: 200, 4: 200}
"""Transistor-level cycles per N (100 samples for N = 1, 25 for N = 4). With the finely stepped
clock of spice.clock_pwl ngspice takes about 120 time points and 21 CPU-s per cycle for N = 1,
about 1.7 times that per cycle for N = 4; the two run in parallel on two cores without slowing each
other much, so the benchmark takes about two hours, N = 4 being the longer."""
CHECK_SAMPLES = 200


def measure_features(n: int) -> dict:
    return measure(DigitalParams(features=n, bits=BITS), CLOCK_HZ, SPICE_CYCLES[n], CHECK_SAMPLES, formal=True)


def run() -> dict:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=len(FEATURES)) as pool:
        results = {f"n{n}": r for n, r in zip(FEATURES, pool.map(measure_features, FEATURES))}
    save_measured(results)
    return results

