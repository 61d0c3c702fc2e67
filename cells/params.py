"""Generator parameters: names, types, defaults, units and limits, and their validation.

Every generator validates its arguments here, so the Python API and the
``logsgd cell --param`` command line reject the same values with the same
one-line messages (a :class:`CellParameterError`, exit status 2 on the CLI).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from logsgd.pdk.errors import LogsgdError
from logsgd.pdk.layers import GRID_UM, METAL_STACK, on_grid
from logsgd.pdk.models import DEVICES, device
from logsgd.pdk.rules import rule

PATTERN_LETTERS = "ABCD"
"""Device letters a matched pattern may use."""

MAX_PATTERN = 16
"""Most units in one interdigitated row."""


class CellParameterError(LogsgdError):
    """A generator parameter is unknown, of the wrong type, off-grid or out of range."""


@dataclass(frozen=True)
class Param:
    """One generator parameter as ``logsgd cells`` lists it."""

    name: str
    kind: type
    default: Any
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    grid: bool = False
    doc: str = ""

    def limits(self) -> str:
        """The allowed values as text, for listings and error messages."""
        if self.choices:
            return " | ".join(self.choices)
        if self.kind is bool:
            return "true | false"
        parts = []
        if self.minimum is not None:
            parts.append(f">= {self.minimum:g}")
        if self.maximum is not None:
            parts.append(f"<= {self.maximum:g}")
        if self.grid:
            parts.append(f"on the {GRID_UM:g} µm grid")
        return ", ".join(parts) or "any"


def _length(name: str, minimum: float, maximum: float, default: float, doc: str) -> Param:
    return Param(name, float, default, "µm", minimum, maximum, grid=True, doc=doc)


W_MAX_UM = 10.0
"""Widest finger: every diffusion point stays within LU.2/LU.3 of the body tap."""
L_MAX_UM = 50.0
NF_MAX = 32
RATIO_MAX = 16
CAP_MAX_UM = 30.0
"""Largest MIM side drawn and checked here (the SkyWater cells go to 30 µm)."""
RING_MAX_UM = 1000.0
VIA_MAX_UM = 100.0

_W = rule("difftap.2")
_L = rule("poly.1a")
_NFETS = tuple(n for n, d in DEVICES.items() if d.polarity == "n")
_PFETS = tuple(n for n, d in DEVICES.items() if d.polarity == "p")


def _l_note(models: tuple[str, ...]) -> str:
    return "minimum per device: " + ", ".join(f"{n} {DEVICES[n].l_min_um:g}" for n in models)


def _mos_params(models: tuple[str, ...]) -> tuple[Param, ...]:
    return (
        _length("w", _W, W_MAX_UM, 2.0, "channel width per finger"),
        _length("l", _L, L_MAX_UM, 1.0, f"channel length ({_l_note(models)})"),
        Param("nf", int, 2, "", 1, NF_MAX, doc="fingers sharing diffusion, alternating S/D"),
        Param("model", str, models[0], choices=models, doc="SKY130 device"),
        Param("tap", bool, True, doc="surrounding tap ring (false: one body-tap strip)"),
    )


def _matched_common(extra: tuple[Param, ...]) -> tuple[Param, ...]:
    return (
        *extra,
        Param("device", str, "nfet_01v8", choices=tuple(DEVICES), doc="SKY130 device of every unit"),
        _length("w", _W, W_MAX_UM, 2.0, "channel width per finger"),
        _length("l", _L, L_MAX_UM, 1.0, f"channel length ({_l_note(tuple(DEVICES))})"),
    )


def _via_min_side() -> float:
    return max(rule("ct.1") + 2 * rule("m1.5"), rule("via.1a") + 2 * rule("via.5a"),
               rule("via2.1a") + 2 * rule("via2.5"), rule("via3.1") + 2 * rule("via3.5"))


def _ring_min_inner() -> float:
    return rule("psd.2") + 2 * rule("psd.5b")


SPECS: dict[str, tuple[Param, ...]] = {
    "nfet": _mos_params(_NFETS),
    "pfet": _mos_params(_PFETS),
    "cap_mim": (
        _length("w", rule("capm.1"), CAP_MAX_UM, 10.0, "capm width (x)"),
        _length("l", rule("capm.1"), CAP_MAX_UM, 10.0, "capm length (y)"),
    ),
    "via_stack": (
        Param("bottom", str, "li1", choices=METAL_STACK[:-1], doc="lowest layer"),
        Param("top", str, "met2", choices=METAL_STACK[1:], doc="highest layer (above bottom)"),
        _length("w", round(_via_min_side(), 3), VIA_MAX_UM, 1.0, "width (x) of every layer"),
        _length("h", round(_via_min_side(), 3), VIA_MAX_UM, 1.0, "height (y) of every layer"),
    ),
    "guard_ring": (
        _length("w", round(_ring_min_inner(), 3), RING_MAX_UM, 5.0, "inner width (x) inside the tap"),
        _length("h", round(_ring_min_inner(), 3), RING_MAX_UM, 5.0, "inner height (y) inside the tap"),
        Param("kind", str, "ptap", choices=("ptap", "ntap"), doc="p+ tap on substrate or n+ tap in an n-well"),
    ),
    "interdigitated": _matched_common((
        Param("pattern", str, "ABBA", doc=f"unit order, letters {PATTERN_LETTERS}, up to {MAX_PATTERN} units"),
    )) + (
        Param("nf", int, 2, "", 1, NF_MAX, doc="fingers per unit"),
        Param("dummies", bool, True, doc="dummy gate at each row end, tied to B"),
    ),
    "common_centroid": _matched_common(()) + (
        Param("nf", int, 2, "", 1, NF_MAX, doc="fingers per unit"),
        Param("dummies", bool, True, doc="dummy gate at each row end, tied to B"),
    ),
    "current_mirror": _matched_common(()) + (
        Param("ratio", int, 1, "", 1, RATIO_MAX, doc="output/input current ratio (unit devices)"),
        Param("dummies", bool, True, doc="dummy gate at each row end, tied to B"),
    ),
}
"""Parameters of every generator, in signature order."""


def _convert(generator: str, p: Param, value: Any) -> Any:
    where = f"{generator}: parameter {p.name}"
    if p.kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "1", "yes", "false", "0", "no"):
            return value.lower() in ("true", "1", "yes")
        raise CellParameterError(f"{where}={value!r} must be true or false")
    if p.kind is int:
        if isinstance(value, bool):
            raise CellParameterError(f"{where}={value!r} must be an integer")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise CellParameterError(f"{where}={value!r} must be an integer") from None
        if number != int(number):
            raise CellParameterError(f"{where}={value!r} must be an integer")
        return int(number)
    if p.kind is float:
        if isinstance(value, bool):
            raise CellParameterError(f"{where}={value!r} must be a number in {p.unit}")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise CellParameterError(f"{where}={value!r} must be a number in {p.unit}") from None
    return str(value)


def _check(generator: str, p: Param, value: Any) -> None:
    where = f"{generator}: parameter {p.name}={value!r}"
    if p.choices and value not in p.choices:
        raise CellParameterError(f"{where} is unknown; choose one of {', '.join(p.choices)}")
    if p.minimum is not None and value < p.minimum - 1e-9:
        raise CellParameterError(f"{where} is below the minimum {p.minimum:g} {p.unit}".rstrip())
    if p.maximum is not None and value > p.maximum + 1e-9:
        raise CellParameterError(f"{where} is above the maximum {p.maximum:g} {p.unit}".rstrip())
    if p.grid and not on_grid(value):
        raise CellParameterError(f"{where} is off the {GRID_UM:g} µm grid")


def validate(generator: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` completed with defaults, converted and checked against the spec of ``generator``."""
    specs = {p.name: p for p in SPECS[generator]}
    unknown = [k for k in values if k not in specs]
    if unknown:
        raise CellParameterError(
            f"{generator}: unknown parameter {unknown[0]!r}; parameters are {', '.join(specs)}"
        )
    out: dict[str, Any] = {}
    for name, p in specs.items():
        value = _convert(generator, p, values.get(name, p.default))
        _check(generator, p, value)
        out[name] = value
    return out


def check_device_size(generator: str, model: str, w_um: float, l_um: float) -> None:
    """W and L against the SKY130 minimum of ``model`` (pdk.models DEVICES)."""
    dev = device(model)
    if w_um < dev.w_min_um - 1e-9:
        raise CellParameterError(f"{generator}: parameter w={w_um:g} is below the {model} minimum {dev.w_min_um:g} µm")
    if l_um < dev.l_min_um - 1e-9:
        raise CellParameterError(f"{generator}: parameter l={l_um:g} is below the {model} minimum {dev.l_min_um:g} µm")


def check_pattern(generator: str, pattern: str) -> str:
    """A matched-row pattern: letters from PATTERN_LETTERS, at most MAX_PATTERN units."""
    if not pattern:
        raise CellParameterError(f"{generator}: parameter pattern is empty")
    for letter in pattern:
        if letter not in PATTERN_LETTERS:
            raise CellParameterError(
                f"{generator}: parameter pattern={pattern!r} has unknown letter {letter!r}; "
                f"use letters {', '.join(PATTERN_LETTERS)}"
            )
    if len(pattern) > MAX_PATTERN:
        raise CellParameterError(f"{generator}: parameter pattern={pattern!r} is longer than {MAX_PATTERN} units")
    return pattern


def name_number(value_um: float) -> str:
    """A length for a cell name: 0.42 -> 0p42, 2.0 -> 2."""
    text = f"{value_um:.3f}".rstrip("0").rstrip(".")
    return text.replace(".", "p")
