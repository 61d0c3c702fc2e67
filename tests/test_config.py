"""Flow configuration: validated before any work, one-line errors naming the key."""

import pytest

from logsgd.flow.config import ConfigError, DEFAULT_CONFIG, load, validate


def test_shipped_configs_are_valid():
    cfg = load(DEFAULT_CONFIG)
    assert (cfg.features, cfg.dataset, cfg.corner, cfg.temp_C) == (1, "linear1", "tt", 27.0)
    n4 = load(DEFAULT_CONFIG.with_name("n4.yaml"))
    assert (n4.features, n4.dataset) == (4, "linear4")


def test_defaults_fill_missing_keys():
    cfg = validate({"features": 2, "dataset": "linear4"})
    assert cfg.features == 2 and cfg.eta == 0.05 and cfg.as_dict()["lambda"] == 0.01


@pytest.mark.parametrize(
    "raw, words",
    [
        ({"feature": 1}, "unknown key 'feature'"),
        ({"features": "two"}, "key 'features' must be an integer, got 'two'"),
        ({"features": 0}, "key 'features' must be an integer in [1, 64]"),
        ({"eta": -0.1}, "key 'eta' must be a number in [0, 1]"),
        ({"corner": "typ"}, "key 'corner' must be one of tt, ss, ff, sf, fs"),
        ({"features": True}, "key 'features'"),
        ([1, 2], "must be a mapping"),
        ({"dataset": "iris"}, "key 'dataset' .iris.: unknown data set"),
        ({"dataset": "linear1", "features": 2}, "has 1 features, asked for 2"),
        ({"dataset": "linear1", "samples": 500}, "samples must be in 1..200"),
    ],
)
def test_bad_values_name_the_key(raw, words):
    with pytest.raises(ConfigError, match=words.replace("[", r"\[").replace("]", r"\]")):
        validate(raw)


def test_malformed_and_missing_files(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("features: [1\n")
    with pytest.raises(ConfigError, match="malformed YAML"):
        load(bad)
    with pytest.raises(ConfigError, match="not found"):
        load(tmp_path / "missing.yaml")


def test_flow_cli_rejects_bad_config_before_work(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("features: 1\nspeed: fast\n")
    out = tmp_path / "out"
    proc = cli("flow", "--config", str(bad), "--out", str(out))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "unknown key 'speed'" in proc.stderr
    assert not out.exists()
