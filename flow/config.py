"""The ``logsgd flow`` configuration: a short YAML file, validated before any work.

Every key has a type, a default and an allowed range. An unknown key, a
wrong type or an out-of-range value raises ConfigError naming the key and
what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from logsgd.pdk.errors import LogsgdError
from logsgd.pdk.models import CORNERS

DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"


class ConfigError(LogsgdError):
    """A configuration file that cannot be used as it is."""


_KIND_NAMES = {int: "an integer", float: "a number", str: "a string", bool: "true or false", dict: "a mapping"}
MC_MODES = ("transient", "fixed_point")
"""How a Monte Carlo point is measured: a training transient, or the static fixed point (a DC proxy)."""


@dataclass(frozen=True)
class Key:
    """One configuration key: its type, default and allowed values."""

    name: str
    kind: type
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple | None = None

    def allowed(self) -> str:
        if self.choices:
            return "one of " + ", ".join(map(str, self.choices))
        lo = "-inf" if self.minimum is None else f"{self.minimum:g}"
        hi = "inf" if self.maximum is None else f"{self.maximum:g}"
        return f"{_KIND_NAMES[self.kind]} in [{lo}, {hi}]"

    def check(self, value: Any) -> Any:
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, self.kind) or isinstance(value, bool) and self.kind is not bool:
            raise ConfigError(f"key '{self.name}' must be {_KIND_NAMES[self.kind]}, got {value!r}")
        if self.choices and value not in self.choices:
            raise ConfigError(f"key '{self.name}' must be {self.allowed()}, got {value!r}")
        if self.minimum is not None and value < self.minimum:
            raise ConfigError(f"key '{self.name}' must be {self.allowed()}, got {value!r}")
        if self.maximum is not None and value > self.maximum:
            raise ConfigError(f"key '{self.name}' must be {self.allowed()}, got {value!r}")
        return value


def _check_monte_carlo(value: Any) -> dict | None:
    """``monte_carlo: {seeds: K, mode: transient | fixed_point}``, or None when absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ConfigError(f"key 'monte_carlo' must be a mapping such as {{seeds: 20}}, got {value!r}")
    unknown = set(value) - {"seeds", "mode"}
    if unknown:
        raise ConfigError(f"unknown key 'monte_carlo.{sorted(unknown)[0]}'; allowed: seeds, mode")
    keys = (Key("seeds", int, 20, "", 1, 10000), Key("mode", str, "transient", "", choices=MC_MODES))
    return {k.name: replace(k, name=f"monte_carlo.{k.name}").check(value.get(k.name, k.default)) for k in keys}


KEYS: tuple[Key, ...] = (
    Key("features", int, 1, "number of weights N", 1, 64),
    Key("dataset", str, "linear1", "linear1, linear4, diabetes or a CSV path"),
    Key("target", str, "", "target column when dataset is a CSV file"),
    Key("eta", float, 0.05, "learning rate", 0.0, 1.0),
    Key("lambda", float, 0.01, "L2 regularisation", 0.0, 1.0),
    Key("samples", int, 200, "training samples to simulate", 1, 100000),
    Key("corner", str, "tt", "process corner", choices=CORNERS),
    Key("temp_C", float, 27.0, "temperature in °C", -40.0, 125.0),
    Key("monte_carlo", dict, None, "mismatch yield after the flow: {seeds: K, mode: transient | fixed_point}"),
)


@dataclass(frozen=True)
class FlowConfig:
    """A validated flow configuration."""

    features: int
    dataset: str
    target: str
    eta: float
    lambda_: float
    samples: int
    corner: str
    temp_C: float
    monte_carlo: dict | None = None

    def as_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["lambda"] = data.pop("lambda_")
        if data["monte_carlo"] is None:
            del data["monte_carlo"]
        return data


def _field_name(key: str) -> str:
    return "lambda_" if key == "lambda" else key


def validate(raw: Any) -> FlowConfig:
    """A FlowConfig from parsed YAML, or ConfigError naming the offending key."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError("the configuration must be a mapping of key: value")
    known = {k.name: k for k in KEYS}
    for name in raw:
        if name not in known:
            raise ConfigError(f"unknown key '{name}'; allowed keys: {', '.join(known)}")
    values = {_field_name(k.name): k.check(raw.get(k.name, k.default)) for k in KEYS if k.kind is not dict}
    config = FlowConfig(**values, monte_carlo=_check_monte_carlo(raw.get("monte_carlo")))
    _check_data(config)
    return config


def _check_data(config: FlowConfig) -> None:
    """Load the data set once, so that a wrong name, column or size fails before any work."""
    from logsgd.flow import datasets

    try:
        datasets.load(config.dataset, config.target or None).take(config.features, config.samples)
    except LogsgdError as exc:
        raise ConfigError(f"key 'dataset' ({config.dataset}): {exc}") from None


def read_yaml(path: str | Path) -> Any:
    """The parsed contents of a YAML file, or ConfigError for a missing file or malformed YAML."""
    import yaml

    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"configuration file not found: {p}")
    try:
        return yaml.safe_load(p.read_text())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"malformed YAML in {p}{where}") from None


def load(path: str | Path | None = None) -> FlowConfig:
    """Read and validate a YAML configuration (the default one when ``path`` is None)."""
    return validate(read_yaml(path or DEFAULT_CONFIG))
