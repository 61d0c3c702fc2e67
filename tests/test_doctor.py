"""``logsgd doctor`` reports the tools, and names what is missing."""

import os
import shutil
from pathlib import Path


def test_doctor_finds_everything(cli):
    proc = cli("doctor")
    assert proc.returncode == 0, proc.stderr
    for name in ("python", "gdsfactory", "klayout module", "ngspice", "model library", "corners"):
        assert name in proc.stdout
    assert "tt ss ff sf fs" in proc.stdout


def test_doctor_without_ngspice_exits_2_naming_it(cli, tmp_path):
    # A PATH with only the tools doctor does not probe: no ngspice on it.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("env", "sh"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    env = dict(os.environ, PATH=str(bin_dir))
    assert shutil.which("ngspice", path=env["PATH"]) is None
    proc = cli("doctor", env=env)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "ngspice" in lines[0] and "apt-get install ngspice" in lines[0]
    assert Path(proc.args[0]).name == "logsgd"
