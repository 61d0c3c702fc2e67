"""Benchmarks: run every bench/bench_*.py and merge their results into one JSON.

Each benchmark module defines ``run() -> dict``, or ``run(results) -> dict``
when it builds on the results of the others (all merged so far, in name
order). ``make bench`` calls this file; ``python bench/run.py NAME...`` runs only the named ones (``drc``,
``train``, ...). Results go to ``bench/results.json`` (or ``--out``),
merged with the figures already there so partial runs keep the rest.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    # registered, so that worker processes can unpickle the module's functions
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args(argv)
    files = sorted(HERE.glob("bench_*.py"))
    if args.names:
        files = [f for f in files if f.stem.removeprefix("bench_") in args.names]
    out = Path(args.out)
    results = json.loads(out.read_text()) if out.is_file() else {}
    for path in files:
        name = path.stem.removeprefix("bench_")
        print(f"[bench] {name} ...", flush=True)
        start = time.perf_counter()
        module = _load(path)
        wants_results = "results" in inspect.signature(module.run).parameters
        results[name] = module.run(results=results) if wants_results else module.run()
        results[name]["bench_runtime_s"] = round(time.perf_counter() - start, 2)
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(results, indent=2) + "\n")
        tmp.replace(out)
        print(f"[bench] {name} done in {results[name]['bench_runtime_s']} s", flush=True)
    print(f"[bench] results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
