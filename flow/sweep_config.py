"""The ``logsgd sweep`` configuration: a base flow configuration and the axes to sweep.

A sweep file holds flow keys (``features``, ``dataset``, ``eta``, ...) or a
``base`` flow file that provides them, and the axes. ``eta``, ``lambda``,
``features`` and ``dataset`` may be lists, and then they are axes too. Every
combination of the axes is one point, one training run. Everything is
checked before any point runs: an unknown key, an empty axis, a bad seed or
a combination the flow would reject raises ConfigError naming it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr, ValidationError

from logsgd.pdk.models import has_mismatch, model_section

from .config import DEFAULT_CONFIG, MC_MODES, ConfigError, read_yaml, validate

NETLISTS = ("schematic", "postlayout")
SWEPT_FLOW_KEYS = ("features", "dataset", "eta", "lambda")
"""Flow keys that may be given as a list, which makes them axes."""

Seed = Annotated[StrictInt, Field(ge=0)]
Number = StrictFloat | StrictInt
Axis = Annotated[list, Field(min_length=1)]


class Thresholds(BaseModel):
    """A point passes when its NMSE is at most ``nmse_pct_max`` and its weight bits at least ``bits_min``."""

    model_config = ConfigDict(extra="forbid")
    nmse_pct_max: Annotated[Number, Field(gt=0)] = 0.87
    bits_min: Annotated[Number, Field(ge=0)] = 8.0


class SweepFile(BaseModel):
    """The keys of a sweep YAML file, as written (lists not yet expanded)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    base: StrictStr | None = None
    seeds: Annotated[StrictInt, Field(ge=1)] | Annotated[list[Seed], Field(min_length=1)] = [0]
    corners: Annotated[list[StrictStr], Field(min_length=1)] | None = None
    temps_C: Annotated[list[Number], Field(min_length=1)] | None = None
    netlist: Literal[NETLISTS] | Annotated[list[Literal[NETLISTS]], Field(min_length=1)] = "schematic"
    mode: Literal[MC_MODES] | Annotated[list[Literal[MC_MODES]], Field(min_length=1)] = "transient"
    yield_: Thresholds = Field(default_factory=Thresholds, alias="yield")
    pex_netlist: StrictStr | None = None
    features: StrictInt | Axis | None = None
    dataset: StrictStr | Axis | None = None
    eta: Number | Axis | None = None
    lambda_: Number | Axis | None = Field(default=None, alias="lambda")
    target: StrictStr | None = None
    samples: StrictInt | None = None
    corner: StrictStr | None = None
    temp_C: Number | None = None


@dataclass(frozen=True)
class SweepPoint:
    """One training run of a sweep."""

    mode: str
    netlist: str
    corner: str
    seed: int
    temp_C: float
    eta: float
    lam: float
    features: int
    dataset: str
    target: str
    samples: int

    def key(self) -> str:
        """A file-name-safe identity: readable prefix and a hash of every field."""
        digest = hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:10]
        return f"{self.mode}-{self.netlist}-{self.corner}-s{self.seed:04d}-{self.temp_C:g}C-{digest}"

    def group(self) -> tuple:
        """Everything but the seed: the points whose seeds form one Monte Carlo population."""
        fields = asdict(self)
        del fields["seed"]
        return tuple(fields.items())


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: its points in order, the pass thresholds, and the source file."""

    points: tuple[SweepPoint, ...]
    thresholds: Thresholds
    pex_netlist: Path | None
    source: dict[str, Any]


EXPECTED = {
    "base": "a flow configuration file name",
    "seeds": "a count (>= 1) or a list of non-negative integers",
    "corners": "a list of corners (tt, ss, ff, sf, fs, each also with _mm)",
    "temps_C": "a list of temperatures in °C",
    "netlist": "schematic, postlayout or a list of them",
    "mode": "transient, fixed_point or a list of them",
    "yield": "a mapping with nmse_pct_max (> 0) and bits_min (>= 0)",
    "pex_netlist": "the path of an extracted netlist",
    "features": "an integer or a list of them",
    "dataset": "a data set name or a list of them",
    "eta": "a number or a list of numbers",
    "lambda": "a number or a list of numbers",
    "target": "a column name",
    "samples": "an integer",
    "corner": "a corner name",
    "temp_C": "a number",
}
"""What each key of a sweep file takes, for error messages."""


def _one_line(exc: ValidationError, raw: dict) -> str:
    err = exc.errors()[0]
    path = [str(p) for p in err["loc"] if isinstance(p, str) and "[" not in p]
    key = path[0] if path else ""
    if err["type"] == "extra_forbidden":
        allowed = Thresholds.model_fields if len(path) > 1 else EXPECTED
        return f"unknown key '{'.'.join(path)}'; allowed keys: {', '.join(allowed)}"
    if raw.get(key) == []:
        return f"axis '{key}' is empty"
    return f"key '{key}' must be {EXPECTED[key]}, got {raw.get(key)!r}"


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, list) else [value]


def parse(raw: Any, where: Path | None = None, mode: str | None = None) -> Sweep:
    """A Sweep from a parsed YAML mapping (``where``: its folder, for ``base``); ``mode`` overrides the file's."""
    if not isinstance(raw, dict):
        raise ConfigError("the sweep configuration must be a mapping of key: value")
    if mode is not None and mode not in MC_MODES:
        raise ConfigError(f"mode must be one of {', '.join(MC_MODES)}, got {mode!r}")
    try:
        spec = SweepFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_one_line(exc, raw)) from None
    base = read_yaml(_base_path(spec.base, where)) if spec.base else {}
    if not isinstance(base, dict):
        raise ConfigError(f"base {spec.base}: the flow configuration must be a mapping of key: value")
    flow = validate(base).as_dict()
    given = {"features": spec.features, "dataset": spec.dataset, "eta": spec.eta, "lambda": spec.lambda_,
             "target": spec.target, "samples": spec.samples, "corner": spec.corner, "temp_C": spec.temp_C}
    flow.update({k: v for k, v in given.items() if v is not None})
    flow.pop("monte_carlo", None)
    axes = {k: _as_list(flow[k]) for k in SWEPT_FLOW_KEYS}
    corners = spec.corners or [flow["corner"]]
    temps = [float(t) for t in spec.temps_C or [flow["temp_C"]]]
    seeds = list(range(1, spec.seeds + 1)) if isinstance(spec.seeds, int) else spec.seeds
    modes = [mode] if mode else _as_list(spec.mode)
    netlists = _as_list(spec.netlist)
    if "fixed_point" in modes and "postlayout" in netlists:
        raise ConfigError("mode fixed_point runs on the schematic only; use netlist: schematic")
    for corner in corners:
        model_section(corner)
    checked = set()
    points: list[SweepPoint] = []
    for m, net, corner, temp, eta, lam, n, ds in itertools.product(
            modes, netlists, corners, temps, axes["eta"], axes["lambda"], axes["features"], axes["dataset"]):
        combo = (corner, temp, eta, lam, n, ds)
        if combo not in checked:
            one = dict(flow, corner=corner.removesuffix("_mm"), temp_C=temp, eta=eta, features=n, dataset=ds)
            one["lambda"] = lam
            validate(one)
            if m == "fixed_point" and eta == 0:
                raise ConfigError("mode fixed_point needs eta > 0")
            checked.add(combo)
        for seed in seeds if has_mismatch(corner) else [0]:
            point = SweepPoint(m, net, corner, seed, temp, float(eta), float(lam), n, ds, flow["target"], flow["samples"])
            if point not in points:
                points.append(point)
    pex = Path(spec.pex_netlist) if spec.pex_netlist else None
    if pex is not None and where is not None and not pex.is_absolute():
        pex = where / pex
    if pex is not None and not pex.is_file():
        raise ConfigError(f"pex_netlist not found: {pex}")
    return Sweep(tuple(points), spec.yield_, pex, raw)


def _base_path(base: str, where: Path | None) -> Path:
    """``base`` as given, beside the sweep file, or among the shipped configurations."""
    for candidate in (Path(base), (where or Path.cwd()) / base, DEFAULT_CONFIG.parent / base):
        if candidate.is_file():
            return candidate
    raise ConfigError(f"base configuration not found: {base}")


def load(path: str | Path, mode: str | None = None, seeds: int | None = None) -> Sweep:
    """Read and validate a sweep YAML file; ``mode`` and ``seeds`` (a count) replace the file's."""
    p = Path(path)
    raw = read_yaml(p)
    if seeds is not None and isinstance(raw, dict):
        raw = raw | {"seeds": seeds}
    return parse(raw, p.parent, mode)
