"""The flow report: a Markdown page with the summary table, the stages and the pictures."""

from __future__ import annotations

from pathlib import Path

from .files import write_text

SUMMARY_ROWS = (
    ("area_um2", "area (µm², bounding box)", "{:.0f}"),
    ("transistors", "transistors", "{}"),
    ("drc_violations", "DRC violations", "{}"),
    ("lvs_match", "LVS match", "{}"),
    ("nmse_pct_schematic", "NMSE vs ideal SGDr, schematic (%)", "{:.4f}"),
    ("nmse_pct_postlayout", "NMSE vs ideal SGDr, post-layout (%)", "{:.4f}"),
    ("weight_bits_postlayout", "weight precision, post-layout (bits)", "{:.2f}"),
    ("power_nW", "power (nW)", "{:.1f}"),
    ("power_nW_per_weight", "power per weight (nW)", "{:.1f}"),
    ("energy_per_update_pJ", "energy per weight update (pJ)", "{:.4g}"),
    ("mc_yield", "Monte Carlo yield, schematic (share of seeds)", "{:.2f}"),
    ("mc_bits_median", "Monte Carlo median weight bits, schematic", "{:.2f}"),
    ("mc_bits_p05", "Monte Carlo 5th-percentile weight bits, schematic", "{:.2f}"),
)

PICTURES = (
    ("layout_png", "Layout"),
    ("weights_schematic_png", "Weights against ideal SGDr, schematic"),
    ("weights_postlayout_png", "Weights against ideal SGDr, post-layout"),
)


def _value(fmt: str, value) -> str:
    return "not reached" if value is None else fmt.format(value)


def _versus_digital(state) -> list[str]:
    from .digital.baseline import versus_table

    n = state.summary["features"]
    lines = ["## Versus digital", ""]
    if state.versus_digital is None:
        return lines + [
            f"No comparison: it needs the post-layout figures and a transistor-level digital baseline for N = {n} "
            "(`python bench/run.py digital` measures N = 1 and 4).",
        ]
    return lines + [
        "Analog post-layout against the synthesized 8-bit digital SGDr unit (`sky130_fd_sc_hd`, transistor-level "
        "ngspice, clock gated between samples), per weight, at the analog sample rate.",
        "",
        versus_table(state.versus_digital).rstrip("\n"),
    ]


def render(state) -> str:
    """The Markdown text of the report for a finished or stopped flow."""
    from .flow import BACKGROUND

    cfg = state.config.as_dict()
    lines = [f"# logsgd flow: {state.summary['cell']}, N = {state.summary['features']}", ""]
    if state.stopped_at:
        lines += [f"**The flow stopped at stage `{state.stopped_at}`:** {state.stop_reason}", ""]
    else:
        lines += ["All stages passed.", ""]
    lines += ["## Summary", "", "| figure | value |", "|---|---|"]
    lines += [f"| {label} | {_value(fmt, state.summary[key])} |" for key, label, fmt in SUMMARY_ROWS
              if key in state.summary]
    lines += ["", "## Configuration", "", "| key | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in cfg.items()]
    lines += ["", "## Stages", "", "| stage | status | runtime (s) |", "|---|---|---|"]
    for name, seconds in state.runtime_s.items():
        status = "stopped" if name == state.stopped_at else "cancelled" if name in state.cancelled else "done"
        if name in BACKGROUND:
            status += f" (in the background from the end of {BACKGROUND[name]})"
        lines.append(f"| {name} | {status} | {seconds:.1f} |")
    lines += ["", "## Files", ""]
    lines += [f"- `{p.name}`" for p in sorted(set(state.files.values())) if Path(p).exists()]
    lines += ["", *_versus_digital(state)]
    for key, title in PICTURES:
        path = state.files.get(key)
        if path and Path(path).exists():
            lines += ["", f"## {title}", "", f"![{title}]({Path(path).name})"]
    return "\n".join(lines) + "\n"


def write_report(state) -> Path:
    return write_text(state.out / "report.md", render(state))
