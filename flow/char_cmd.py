"""``logsgd char``: weak-inversion characterisation of one SKY130 MOSFET."""

from __future__ import annotations

from logsgd.pdk.models import CORNERS, DEVICES


def register(sub) -> None:
    p = sub.add_parser("char", help="sweep Id-Vg in weak inversion and extract slope, n and I_spec")
    p.add_argument("--device", required=True, choices=sorted(DEVICES), metavar="DEVICE",
                   help=f"one of {', '.join(DEVICES)}")
    p.add_argument("--w", type=float, default=2.0, help="channel width in µm (default 2)")
    p.add_argument("--l", type=float, default=1.0, help="channel length in µm (default 1)")
    p.add_argument("--corner", default="tt", choices=CORNERS, metavar="CORNER",
                   help=f"process corner, one of {', '.join(CORNERS)} (default tt)")
    p.add_argument("--temp", type=float, default=27.0, help="temperature in °C (default 27)")
    p.add_argument("--json", metavar="OUT.json", help="write the extracted figures as JSON")
    p.add_argument("--plot", metavar="OUT.png", help="write log(Id) against Vg as PNG")
    p.set_defaults(func=run)


def run(args) -> int:
    from .char import characterise, plot, validate
    from .files import write_json
    from .progress import progress

    validate(args.device, args.w, args.l, args.corner, args.temp)
    with progress(f"char {args.device} {args.corner} {args.temp:g} °C"):
        res, sweep = characterise(args.device, args.w, args.l, args.corner, args.temp)
    if args.json:
        write_json(args.json, res.to_json())
    if args.plot:
        plot(res, sweep, args.plot)
    print(
        f"{res.device} W={res.w_um:g} µm L={res.l_um:g} µm {res.corner} {res.temp_C:g} °C: "
        f"slope {res.slope_mV_per_dec:.2f} mV/dec, n {res.n:.3f}, "
        f"I_spec {res.i_spec_A:.4g} A, weak inversion up to |Vg| = {res.vg_weak_max_V:.3f} V"
    )
    for path in (args.json, args.plot):
        if path:
            print(f"wrote {path}")
    return 0
