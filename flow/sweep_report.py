"""A sweep's results: per point, per group of seeds (yield, bits, NMSE), proxy against transient.

A group is every point that differs only by its seed. Its yield is the share
of its points that pass both thresholds; a failed point counts as not
passing, and as 0 bits in the percentiles, so that a sweep that does not
converge never looks better than one that does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .sweep import PointStore, SweepRun
from .sweep_config import Sweep, SweepPoint

def passes(record: dict, thresholds) -> bool:
    return (record["status"] == "ok" and record["nmse_pct"] <= thresholds.nmse_pct_max
            and record["weight_bits"] >= thresholds.bits_min)


def _bits(record: dict) -> float:
    return record["weight_bits"] if record["status"] == "ok" else 0.0


def group_stats(records: list[dict], thresholds) -> dict[str, Any]:
    """count, failed, yield, median and 5th-percentile bits, median NMSE of one group's records."""
    bits = np.array([_bits(r) for r in records])
    nmse = np.array([r["nmse_pct"] if r["status"] == "ok" else np.inf for r in records])
    median_nmse = float(np.median(nmse))
    return {
        "count": len(records),
        "failed": sum(r["status"] != "ok" for r in records),
        "yield": sum(passes(r, thresholds) for r in records) / len(records),
        "bits_median": float(np.median(bits)),
        "bits_p05": float(np.percentile(bits, 5)),
        "bits_min": float(bits.min()),
        "nmse_pct_median": median_nmse if np.isfinite(median_nmse) else None,
    }


def groups(records: dict[SweepPoint, dict], thresholds) -> list[dict[str, Any]]:
    """One row per group of seeds, in the order the sweep lists them."""
    by_group: dict[tuple, list[dict]] = {}
    for point, record in records.items():
        by_group.setdefault(point.group(), []).append(record)
    return [dict(g) | group_stats(rs, thresholds) for g, rs in by_group.items()]


def _without_mode(p: SweepPoint) -> tuple:
    return tuple((k, v) for k, v in p.group() if k != "mode")


def proxy_pairs(all_records: list[dict], points: tuple[SweepPoint, ...], circuits: set[str]) -> list[dict[str, Any]]:
    """Seeds of this sweep's groups that ran both as a transient and as a fixed point, on this circuit.

    The fixed point's static weights against the transient's final weights,
    each against its own ideal (ideal SGDr's fixed point and its final weights).
    """
    wanted = {(_without_mode(p), p.seed) for p in points}
    by_mode: dict[str, dict] = {"transient": {}, "fixed_point": {}}
    for r in all_records:
        if r.get("status") != "ok" or r.get("circuit") not in circuits:
            continue
        p = SweepPoint(**r["point"])
        if (key := (_without_mode(p), p.seed)) in wanted:
            by_mode[p.mode][key] = r
    pairs = []
    for key, tr in by_mode["transient"].items():
        fp = by_mode["fixed_point"].get(key)
        if fp is None:
            continue
        p = SweepPoint(**tr["point"])
        err_tr = np.subtract(tr["weights"], tr["weights_ideal"])
        err_fp = np.subtract(fp["weights"], fp["weights_ideal"])
        pairs.append({"seed": p.seed, "corner": p.corner, "temp_C": p.temp_C,
                      "error_transient": err_tr.tolist(), "error_fixed_point": err_fp.tolist(),
                      "bits_transient": tr["weight_bits"], "bits_fixed_point": fp["weight_bits"]})
    return pairs


def proxy_summary(pairs: list[dict], thresholds) -> dict[str, Any] | None:
    """How well the fixed point tracks the transient over ``pairs``: error correlation, rms gap, bits."""
    if not pairs:
        return None
    e_tr = np.concatenate([p["error_transient"] for p in pairs])
    e_fp = np.concatenate([p["error_fixed_point"] for p in pairs])
    b_tr = np.array([p["bits_transient"] for p in pairs])
    b_fp = np.array([p["bits_fixed_point"] for p in pairs])
    corr = float(np.corrcoef(e_tr, e_fp)[0, 1]) if len(e_tr) > 1 and np.std(e_tr) and np.std(e_fp) else None
    same_verdict = np.mean((b_tr >= thresholds.bits_min) == (b_fp >= thresholds.bits_min))
    return {
        "pairs": len(pairs),
        "error_correlation": corr,
        "error_rms_gap": float(np.sqrt(np.mean((e_tr - e_fp) ** 2))),
        "bits_median_transient": float(np.median(b_tr)),
        "bits_median_fixed_point": float(np.median(b_fp)),
        "same_bits_verdict": float(same_verdict),
    }


def summarise(sweep: Sweep, run: SweepRun, all_records: list[dict]) -> dict[str, Any]:
    """The content of ``sweep.json``."""
    pairs = proxy_pairs(all_records, sweep.points, run.circuits)
    return {
        "thresholds": sweep.thresholds.model_dump(),
        "groups": groups(run.records, sweep.thresholds),
        "proxy": proxy_summary(pairs, sweep.thresholds),
        "proxy_pairs": pairs,
        "run": {
            "points": len(sweep.points), "ran": run.ran, "skipped": run.skipped, "lost": run.lost,
            "wall_s": round(run.wall_s, 2), "workers": run.workers, "busy_s": round(run.busy_s, 2),
            "overhead_s": round(run.overhead_s, 2), "tail_s": round(run.tail_s, 2),
            "overhead_pct": None if run.overhead_pct is None else round(run.overhead_pct, 2),
            "scheduler": run.scheduler,
        },
        "points": [run.records[p] for p in sweep.points if p in run.records],
        "config": sweep.source,
    }


def _fmt(value, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def group_label(g: dict) -> str:
    return (f"{g['mode']} {g['netlist']} {g['corner']} {g['temp_C']:g} °C eta {g['eta']:g} "
            f"lambda {g['lam']:g} {g['dataset']} N={g['features']}")


def markdown(summary: dict[str, Any], histogram: str | None) -> str:
    """The text of ``sweep.md``."""
    t = summary["thresholds"]
    lines = ["# logsgd sweep", "",
             f"Yield: share of points with NMSE ≤ {t['nmse_pct_max']:g} % and weight bits ≥ {t['bits_min']:g} "
             "(a failed point does not pass and counts as 0 bits).", "",
             "| group | points | failed | yield | median bits | p05 bits | min bits | median NMSE (%) |",
             "|---|---|---|---|---|---|---|---|"]
    for g in summary["groups"]:
        lines.append(f"| {group_label(g)} | {g['count']} | {g['failed']} | {100 * g['yield']:.0f} % | "
                     f"{g['bits_median']:.2f} | {g['bits_p05']:.2f} | {g['bits_min']:.2f} | "
                     f"{_fmt(g['nmse_pct_median'], '.4g')} |")
    proxy = summary["proxy"]
    if proxy:
        lines += ["", "## Fixed-point proxy against the transient", "",
                  f"{proxy['pairs']} seeds ran both ways. Correlation of the weight errors "
                  f"{_fmt(proxy['error_correlation'], '.3f')}, rms gap {proxy['error_rms_gap']:.4f}; median bits "
                  f"{proxy['bits_median_transient']:.2f} (transient) and {proxy['bits_median_fixed_point']:.2f} "
                  f"(fixed point); same verdict on bits ≥ {t['bits_min']:g} for "
                  f"{100 * proxy['same_bits_verdict']:.0f} % of them."]
    r = summary["run"]
    lines += ["", "## Run", "",
              f"{r['points']} points: {r['ran']} run now, {r['skipped']} already done"
              + (f", {len(r['lost'])} lost (run again next time)" if r["lost"] else "")
              + f". {r['workers']} workers on {r['scheduler']}, {r['wall_s']:.1f} s"
              + (f", overhead {r['overhead_pct']:.1f} % beside the points' own time; workers idle "
                 f"{r['tail_s']:.0f} s in all after their last point." if r["overhead_pct"] is not None else "."),
              "", "## Points", "", "| point | status | NMSE (%) | bits | weights | power (nW) |", "|---|---|---|---|---|---|"]
    for rec in summary["points"]:
        p = rec["point"]
        name = f"{p['mode']} {p['corner']} seed {p['seed']} {p['temp_C']:g} °C eta {p['eta']:g} {p['dataset']}"
        if rec["status"] != "ok":
            lines.append(f"| {name} | failed: {rec['reason']} | | | | |")
            continue
        weights = " ".join(f"{w:+.4f}" for w in rec["weights"])
        lines.append(f"| {name} | ok | {rec['nmse_pct']:.4g} | {rec['weight_bits']:.2f} | {weights} | "
                     f"{_fmt(rec.get('power_nW'), '.0f')} |")
    if histogram:
        lines += ["", "## Histograms", "", f"![weight error and bits]({histogram})"]
    return "\n".join(lines) + "\n"


def plot_histograms(summary: dict[str, Any], path: Path) -> bool:
    """Histograms of the final weight error and of the weight bits, one colour per group; False if nothing ran."""
    from matplotlib.figure import Figure

    from .files import atomic_path

    by_group: dict[str, list[dict]] = {}
    for rec in summary["points"]:
        if rec["status"] == "ok":
            g = {k: v for k, v in rec["point"].items() if k != "seed"}
            by_group.setdefault(group_label(g), []).append(rec)
    if not by_group:
        return False
    errors = {label: np.concatenate([np.subtract(r["weights"], r["weights_ideal"]) for r in recs])
              for label, recs in by_group.items()}
    bits = {label: [r["weight_bits"] for r in recs] for label, recs in by_group.items()}
    # one set of bins for every group, so that groups of one point stay comparable
    err_bins = np.histogram_bin_edges(np.concatenate(list(errors.values())), bins=30)
    bit_bins = np.histogram_bin_edges(np.concatenate(list(bits.values())), bins=20)
    fig = Figure(figsize=(10, 4))
    ax_err, ax_bits = fig.subplots(1, 2)
    for label in by_group:
        ax_err.hist(errors[label], bins=err_bins, alpha=0.6, label=label)
        ax_bits.hist(bits[label], bins=bit_bins, alpha=0.6, label=label)
    ax_err.set_xlabel("final weight - ideal")
    ax_bits.set_xlabel("weight bits")
    for ax in (ax_err, ax_bits):
        ax.set_ylabel("count")
        ax.grid(alpha=0.3)
    ax_bits.legend(fontsize=6)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    return True


def write(sweep: Sweep, run: SweepRun, out: Path) -> dict[str, Any]:
    """Write ``sweep.json``, ``sweep.md`` and ``histograms.png`` into ``out``; return the summary.

    Every record in the folder is read, so that the proxy comparison finds the
    other mode's records of the same seeds.
    """
    from .files import write_json, write_text

    summary = summarise(sweep, run, PointStore(out).all_records())
    histogram = "histograms.png" if plot_histograms(summary, out / "histograms.png") else None
    write_json(out / "sweep.json", summary)
    write_text(out / "sweep.md", markdown(summary, histogram))
    return summary
