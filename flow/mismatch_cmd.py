"""``logsgd mismatch``: each device's share of the learned weights' mismatch spread (a DC match analysis)."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("mismatch", help="rank the devices whose mismatch moves the learned weights")
    p.add_argument("--config", metavar="FLOW.yaml", help="flow configuration (default: configs/default.yaml)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for mismatch.json and mismatch.md")
    p.add_argument("--copies", type=int, default=100, metavar="K",
                   help="Monte Carlo copies per device size that measure its gate offset sigma (default 100)")
    p.add_argument("--devices", metavar="PATH,...", help="only these devices (flat paths, e.g. xw1/xint/xmi)")
    p.add_argument("--workers", type=int, metavar="K", help="parallel ngspice processes (default: CPU count)")
    p.add_argument("--top", type=int, default=15, metavar="K", help="devices listed in mismatch.md (default 15)")
    p.add_argument("--max-sigma-w", type=float, metavar="S",
                   help="exit 1 when a weight's predicted sigma exceeds S (full scale 2)")
    p.set_defaults(func=run)


def run(args) -> int:
    from logsgd.cells.logdomain import SgdrDesign
    from logsgd.pdk.errors import LogsgdError

    from . import config as flow_config
    from . import datasets
    from .files import write_json, write_text
    from .mismatch import check_request, markdown, mismatch_budget
    from .progress import Progress

    for name in ("copies", "workers", "top"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise LogsgdError(f"--{name} must be >= 1, got {value}")
    if args.max_sigma_w is not None and args.max_sigma_w <= 0:
        raise LogsgdError(f"--max-sigma-w must be > 0, got {args.max_sigma_w}")
    cfg = flow_config.load(args.config)
    data = datasets.load(cfg.dataset, cfg.target or None).take(cfg.features, cfg.samples)
    only = [d.strip() for d in args.devices.split(",") if d.strip()] if args.devices else None
    check_request(cfg.features, cfg.eta, cfg.corner, SgdrDesign(), only)
    out = Path(args.out)
    with Progress("mismatch") as progress:

        def advance(done: int, total: int) -> None:
            progress.total = total
            progress.advance(done)

        budget = mismatch_budget(data, cfg.eta, cfg.lambda_, SgdrDesign(), cfg.corner, cfg.temp_C, args.copies,
                                 args.workers, only, advance)
    title = f"N={cfg.features} {cfg.dataset} eta {cfg.eta:g} lambda {cfg.lambda_:g} {cfg.corner} {cfg.temp_C:g} °C"
    write_json(out / "mismatch.json", budget.summary())
    write_text(out / "mismatch.md", markdown(budget, title, args.top))
    sigma = budget.sigma_w
    print(f"mismatch {out / 'mismatch.md'}")
    print("predicted sigma_w " + " ".join(f"{v:.4f}" for v in sigma))
    for d in budget.ranked()[:5]:
        share = float((d.dw_per_sigma**2 / sigma**2).max())
        print(f"  {d.path:<24} {d.geometry.label():<30} {100 * share:5.1f} %")
    if args.max_sigma_w is not None and float(sigma.max()) > args.max_sigma_w:
        print(f"predicted sigma_w {float(sigma.max()):.4f} exceeds {args.max_sigma_w:g}")
        return 1
    return 0
