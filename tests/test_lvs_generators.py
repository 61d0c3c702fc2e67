"""Every generator is LVS-clean across a sample of its parameter grid, and its PEX netlist simulates."""

from __future__ import annotations

import itertools
import math

import pytest

from logsgd.flow.extract import extract
from logsgd.flow.lvs import run_lvs
from logsgd.flow.pex import run_pex
from logsgd.flow.sim import Analysis, Simulation, run

cells = pytest.importorskip("logsgd.cells")


def _mos_grid() -> list[tuple[str, dict]]:
    out = []
    models = {"nfet": ("nfet_01v8", "nfet_01v8_lvt"), "pfet": ("pfet_01v8", "pfet_01v8_lvt")}
    sizes = itertools.cycle([(0.42, 0.15), (1.0, 0.5), (2.5, 1.0), (10.0, 4.0), (5.0, 0.15)])
    nfs = itertools.cycle([1, 2, 3, 8])
    taps = itertools.cycle([True, False, True])
    for generator, flavours in models.items():
        for model in flavours:
            for _ in range(6):
                w, l = next(sizes)
                if model == "pfet_01v8_lvt":
                    l = max(l, 0.35)
                out.append((generator, dict(w=w, l=l, nf=next(nfs), model=model, tap=next(taps))))
    return out


def _matched_grid() -> list[tuple[str, dict]]:
    out = []
    devices = itertools.cycle(["nfet_01v8", "pfet_01v8", "nfet_01v8_lvt"])
    for pattern, dummies in itertools.product(("ABBA", "ABAB", "AABB", "ABBAABBA", "AB"), (True, False)):
        out.append(("interdigitated", dict(pattern=pattern, device=next(devices), w=1.0, l=0.5, nf=2, dummies=dummies)))
    for device, dummies, nf in itertools.product(("nfet_01v8", "pfet_01v8"), (True, False), (1, 2)):
        out.append(("common_centroid", dict(device=device, w=2.0, l=1.0, nf=nf, dummies=dummies)))
    for device, ratio, dummies in itertools.product(("nfet_01v8", "pfet_01v8"), (1, 2, 4), (True, False)):
        out.append(("current_mirror", dict(device=device, w=2.0, l=2.0, ratio=ratio, dummies=dummies)))
    return out


GRID = (
    _mos_grid()
    + [("cap_mim", dict(w=w, l=l)) for w, l in ((2.0, 2.0), (10.0, 10.0), (30.0, 30.0), (5.0, 20.0))]
    + _matched_grid()
)


def test_grid_is_big_enough():
    assert len(GRID) >= 50


def test_every_sampled_generator_cell_is_lvs_clean(tmp_path):
    failures = []
    for generator, params in GRID:
        cell = getattr(cells, generator)(**params)
        gds, spice = cell.write(tmp_path)
        result = run_lvs(gds, spice)
        if not result.match:
            failures.append(f"{cell.name}: {result.mismatches[:3]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("generator", "params"),
    [
        ("via_stack", dict(bottom="li1", top="met4", w=2.0, h=2.0)),
        ("via_stack", dict(bottom="met1", top="met2", w=1.0, h=1.0)),
        ("guard_ring", dict(w=5.0, h=5.0, kind="ptap")),
        ("guard_ring", dict(w=4.0, h=8.0, kind="ntap")),
    ],
)
def test_cells_without_devices_are_one_net(tmp_path, generator, params):
    """No devices means no LVS match by design; check the connectivity instead."""
    cell = getattr(cells, generator)(**params)
    gds, _ = cell.write(tmp_path)
    ex = extract(gds)
    circuit = ex.top_circuit
    named = {net.name for net in circuit.each_net() if net.name}
    assert len(named) == 1, named
    assert sum(1 for _ in circuit.each_device()) == 0


def test_every_generator_pex_netlist_runs_in_ngspice(tmp_path):
    """One ngspice run: the extracted netlist of one cell per device generator, DC operating point."""
    samples = [
        ("nfet", dict(w=2.0, l=1.0, nf=2)),
        ("pfet", dict(w=2.0, l=1.0, nf=2)),
        ("cap_mim", dict(w=10.0, l=10.0)),
        ("interdigitated", dict(pattern="ABBA", device="nfet_01v8", w=1.0, l=0.5, nf=2, dummies=True)),
        ("common_centroid", dict(device="pfet_01v8", w=2.0, l=1.0, nf=2, dummies=True)),
        ("current_mirror", dict(device="nfet_01v8", w=2.0, l=2.0, ratio=2, dummies=True)),
    ]
    decks, calls = [], []
    for index, (generator, params) in enumerate(samples):
        cell = getattr(cells, generator)(**params)
        gds, _ = cell.write(tmp_path)
        result = run_pex(gds, tmp_path / f"{cell.name}_pex.spice")
        assert result.ports == list(cell.ports)
        assert result.devices > 0
        assert all(math.isfinite(c) and c > 0 for c in result.net_caps_F.values())
        decks.append(result.out_path.read_text())
        nodes = [f"p{index}_{port}" for port in cell.ports]
        calls.append(f"X{index} {' '.join(nodes)} {cell.name}")
        calls += [f"R{index}_{port} p{index}_{port} bias 10k" for port in cell.ports]
    netlist = "\n".join(decks + calls + ["VBIAS bias 0 0.6"])
    result = run(Simulation(netlist, (Analysis("op", ("v(p0_D)", "i(VBIAS)")),)))
    assert math.isfinite(result["i(VBIAS)"][0])
    assert 0.0 < result["v(p0_D)"][0] <= 0.6 + 1e-6
