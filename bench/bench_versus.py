"""Benchmark table: analog post-layout against digital 8-bit, per weight, for N = 1 and N = 4.

Reads the results of bench_flow and bench_digital (run them first, or in the
same ``make bench``) and puts them side by side at the analog sample rate:
area, transistors, power and energy per weight update, with the
analog/digital ratios, as JSON and as a Markdown table.
"""

from __future__ import annotations

from logsgd.flow.digital.baseline import versus_analog, versus_table

FEATURES = (1, 4)


def run(results: dict) -> dict:
    flow, digital = results.get("flow", {}), results.get("digital", {})
    out: dict = {}
    tables = []
    for n in FEATURES:
        analog, dig = flow.get(f"n{n}"), digital.get(f"n{n}")
        if not analog or analog.get("power_nW") is None or not dig or dig.get("energy_per_update_pJ") is None:
            out[f"n{n}"] = {"missing": "run the flow and digital benchmarks first"}
            continue
        comparison = versus_analog(analog, dig, 1.0 / analog["sample_period_s"])
        out[f"n{n}"] = comparison
        tables.append(versus_table(comparison))
    out["table_markdown"] = "\n".join(tables)
    return out
