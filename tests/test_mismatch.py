"""``logsgd mismatch``: gate offset sigmas from the SKY130 mismatch models, and each device's share of the spread.

The budget here covers four devices of the default circuit on ten samples,
so that it runs in about a minute; the whole circuit's budget is in the
README and docs/design.md.
"""

from __future__ import annotations

import json

import pytest
from conftest import run_cli
from logsgd.flow.mismatch import Geometry, gate_offset_sigmas

DEVICES = ("xw1/xint/xmi", "xw1/xint/xmo", "xw1/xg1/xm2", "xw1/xp1/xm2")
SMALL = "features: 1\ndataset: linear1\neta: 0.05\nlambda: 0.01\nsamples: 10\ncorner: tt\ntemp_C: 27\n"


def test_gate_offset_sigmas_follow_the_models_pelgrom_coefficients():
    """sigma(V_GS) sqrt(W L) at weak inversion is within 25 % of 3.36 mV µm (nfet) and 5.86 mV µm (pfet)."""
    unit_n = Geometry("nfet_01v8", 8.0, 1.0, 1)
    unit_p = Geometry("pfet_01v8", 4.0, 2.0, 1)
    big_n = Geometry("nfet_01v8", 8.0, 1.0, 8)
    sigma = gate_offset_sigmas([unit_n, unit_p, big_n], copies=100, workers=2)
    assert sigma[unit_n] * 1e3 * 8**0.5 == pytest.approx(3.36, rel=0.25)
    assert sigma[unit_p] * 1e3 * 8**0.5 == pytest.approx(5.86, rel=0.25)
    # eight fingers average eight draws
    assert sigma[big_n] == pytest.approx(sigma[unit_n] / 8**0.5, rel=0.3)


@pytest.fixture(scope="module")
def budget(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mismatch")
    config = tmp / "small.yaml"
    config.write_text(SMALL)
    out = tmp / "out"
    proc = run_cli("mismatch", "--config", str(config), "--out", str(out), "--devices", ",".join(DEVICES),
                   "--workers", "2", "--max-sigma-w", "0.01")
    return proc, out


def test_the_integrator_mirror_dominates_and_exceeds_the_limit(budget):
    proc, out = budget
    assert proc.returncode == 1, proc.stderr
    assert "exceeds 0.01" in proc.stdout
    summary = json.loads((out / "mismatch.json").read_text())
    shift = {d["path"]: d["dw_per_sigma"][0] for d in summary["devices"]}
    assert set(shift) == set(DEVICES)
    # the mirror returns a pedestal of about 2 b c I_tau / (a + w): 6 % of it per sigma is 0.4-0.9 of a weight
    assert 0.4 < abs(shift["xw1/xint/xmi"]) < 0.9
    assert shift["xw1/xint/xmo"] == pytest.approx(-shift["xw1/xint/xmi"], rel=0.15)
    assert abs(shift["xw1/xp1/xm2"]) < 0.05
    assert summary["devices"][0]["path"].startswith("xw1/xint/")
    assert summary["w_nominal"][0] == pytest.approx(summary["w_ideal"][0], abs=0.01)
    expected = sum(v**2 for v in shift.values()) ** 0.5
    assert summary["sigma_w"][0] == pytest.approx(expected, rel=1e-9)
    report = (out / "mismatch.md").read_text()
    assert "| xw1/xint/xmi |" in report and "predicted sigma" in report


@pytest.mark.parametrize(("options", "message"), [
    (("--devices", "xw1/nosuch"), "no MOS device 'xw1/nosuch'"),
    (("--copies", "0"), "--copies must be >= 1"),
    (("--max-sigma-w", "-1"), "--max-sigma-w must be > 0"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, options, message):
    config = tmp_path / "small.yaml"
    config.write_text(SMALL)
    proc = run_cli("mismatch", "--config", str(config), "--out", str(tmp_path / "out"), *options)
    assert proc.returncode == 2
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_zero_learning_rate_has_no_fixed_point(tmp_path):
    config = tmp_path / "hold.yaml"
    config.write_text(SMALL.replace("eta: 0.05", "eta: 0"))
    proc = run_cli("mismatch", "--config", str(config), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "learning rate > 0" in proc.stderr
