"""``logsgd digital``: the digital SGDr baseline in SKY130 (area, transistors, power, energy)."""

from __future__ import annotations

import sys

from .digital.baseline import DEFAULT_CHECK_SAMPLES, DEFAULT_CLOCK_HZ, DEFAULT_SPICE_CYCLES


def register(sub) -> None:
    p = sub.add_parser("digital", help="synthesize the digital SGDr baseline and measure it at transistor level")
    p.add_argument("--features", type=int, required=True, metavar="N", help="number of weights (N >= 1)")
    p.add_argument("--bits", type=int, default=8, help="width of x, y and the weights (default 8)")
    p.add_argument("--clock-hz", type=float, default=DEFAULT_CLOCK_HZ, metavar="F",
                   help=f"clock frequency in Hz (default {DEFAULT_CLOCK_HZ:g})")
    p.add_argument("--eta-shift", type=int, default=2, help="learning rate eta = 2^-SHIFT (default 2)")
    p.add_argument("--lambda-shift", type=int, default=5, help="L2 factor lambda = 2^-SHIFT (default 5)")
    p.add_argument("--spice-cycles", type=int, default=DEFAULT_SPICE_CYCLES, metavar="C",
                   help=f"clock cycles simulated at transistor level, 0 to skip (default {DEFAULT_SPICE_CYCLES})")
    p.add_argument("--spice-segments", type=int, default=1, metavar="S",
                   help="split the transistor-level run into S segments run in parallel ngspice processes, "
                        "each after the first preset to the flip-flop state there (default 1)")
    p.add_argument("--check-samples", type=int, default=DEFAULT_CHECK_SAMPLES, metavar="K",
                   help=f"training samples of the gate-level check (default {DEFAULT_CHECK_SAMPLES})")
    p.add_argument("--formal", action="store_true", help="also prove gates == RTL with yosys (takes minutes)")
    p.add_argument("--json", metavar="OUT.json", help="write the figures as JSON")
    p.add_argument("--netlist", metavar="OUT.v", help="write the gate netlist")
    p.add_argument("--liberty", metavar="OUT.lib", help="write the generated Liberty library")
    p.set_defaults(func=run)


def run(args) -> int:
    from .digital.baseline import checks_pass, measure, validate_clock, validate_segments
    from .digital.liberty import liberty_text
    from .digital.model import DigitalParams
    from .files import write_json, write_text
    from .progress import progress

    params = DigitalParams(features=args.features, bits=args.bits, eta_shift=args.eta_shift,
                           lambda_shift=args.lambda_shift)
    validate_clock(args.clock_hz)
    validate_segments(args.spice_segments)
    def stage(name: str) -> None:
        print(f"[digital] {name}", file=sys.stderr, flush=True)

    with progress(f"digital N={params.features} {params.bits}-bit"):
        result = measure(params, args.clock_hz, args.spice_cycles, args.check_samples, args.formal, stage,
                         args.spice_segments)
    if args.json:
        write_json(args.json, result)
    if args.liberty:
        write_text(args.liberty, liberty_text())
    if args.netlist:
        from .digital.synth import synthesize

        write_text(args.netlist, synthesize(params).verilog)
    print(
        f"digital N={params.features} {params.bits}-bit: {result['cells']} cells, "
        f"{result['area_um2']:.1f} µm², {result['transistors']} transistors; "
        f"RTL {'matches' if result['rtl_matches_model'] else 'DIFFERS FROM'} model, "
        f"gates {'match' if result['gates_match_model'] else 'DIFFER FROM'} model "
        f"over {result['check_samples']} samples"
    )
    if result["formal_equivalence"] is not None:
        print(f"formal equivalence gates == RTL: {'proven' if result['formal_equivalence'] else 'NOT proven'}")
    if result["power_nW"] is not None:
        print(
            f"ngspice {result['spice_cycles']} cycles ({result['spice_segments']} segment(s)) "
            f"at {result['clock_hz']:g} Hz: "
            f"{result['power_nW']:.4g} nW, {result['energy_per_update_pJ']:.4g} pJ per update, "
            f"leakage {result['leakage_nW']:.3g} nW; weights "
            f"{'match' if result['spice_matches_model'] else 'DIFFER FROM'} model"
        )
    for path in (args.json, args.liberty, args.netlist):
        if path:
            print(f"wrote {path}")
    return 0 if checks_pass(result) else 1
