"""Shared test helpers: run the real ``logsgd`` command line in-process or as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LOGSGD = Path(sys.executable).with_name("logsgd")


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed ``logsgd`` console script; returns the finished process."""
    return subprocess.run(
        [str(LOGSGD), *args],
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=1800,
    )


@pytest.fixture
def cli():
    return run_cli
