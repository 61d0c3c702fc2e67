"""The PDK module: layers, rule table and model resolution."""

import pytest

from logsgd.pdk.layers import GRID_UM, LAYERS, layer, on_grid, snap
from logsgd.pdk.models import CORNERS, DEVICES, MISMATCH_CORNERS, ModelError, device, model_library, model_section
from logsgd.pdk.rules import RULES, rule


def test_grid_is_5nm():
    assert GRID_UM == 0.005
    assert on_grid(0.42) and on_grid(10.0) and not on_grid(0.4225)
    assert snap(0.4224) == 0.42


def test_layers_have_unique_gds_numbers():
    used = [(lay.layer, lay.drawing) for lay in LAYERS.values()]
    assert len(used) == len(set(used))
    assert layer("met1").draw == (68, 20)
    assert layer("met1").pin_ld == (68, 16)
    assert layer("met1").label_ld == (68, 5)
    with pytest.raises(KeyError, match="unknown layer"):
        layer("met9")


@pytest.mark.parametrize(
    "rule_id, value",
    [("poly.1a", 0.15), ("poly.8", 0.13), ("difftap.2", 0.42), ("li.3", 0.17), ("m1.2", 0.14),
     ("via.1a", 0.15), ("m3.1", 0.30), ("capm.3", 0.14), ("licon.1", 0.17), ("nsd.10a", 0.265)],
)
def test_published_rule_values(rule_id, value):
    assert rule(rule_id) == pytest.approx(value)


def test_rule_table_covers_every_layer_family():
    families = {rid.split(".")[0] for rid in RULES}
    for fam in ("difftap", "nwell", "poly", "npc", "nsd", "psd", "licon", "li", "ct",
                "m1", "via", "m2", "via2", "m3", "via3", "m4", "capm"):
        assert fam in families
    with pytest.raises(KeyError, match="unknown SKY130 rule id"):
        rule("poly.99")


def test_model_library_and_corners():
    lib = model_library()
    assert lib.path.is_file()
    text = lib.path.read_text()
    for corner in CORNERS:
        assert f".lib {corner}" in text
    assert lib.lib_line("ss").endswith(" ss")
    with pytest.raises(ModelError, match="unknown corner"):
        lib.lib_line("xx")
    for corner in MISMATCH_CORNERS:
        assert f".lib {corner}" in text


def test_seed_zero_is_the_corner_without_mismatch():
    assert model_section("tt_mm", 0) == "tt" and model_section("ss", 0) == "ss"
    assert model_section("ff_mm", 7) == "ff_mm"
    with pytest.raises(ModelError, match="use a mismatch corner .tt_mm."):
        model_section("tt", 3)
    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(ModelError, match="non-negative integer"):
            model_section("tt_mm", bad)


def test_pdk_root_overrides_package(tmp_path, monkeypatch):
    ngspice = tmp_path / "sky130A" / "libs.tech" / "ngspice"
    ngspice.mkdir(parents=True)
    (ngspice / "sky130.lib.spice").write_text(".lib tt\n.endl tt\n")
    monkeypatch.setenv("PDK_ROOT", str(tmp_path))
    assert model_library().path == ngspice / "sky130.lib.spice"
    assert "PDK_ROOT" in model_library().source


def test_device_minimums():
    assert set(DEVICES) == {"nfet_01v8", "nfet_01v8_lvt", "pfet_01v8", "pfet_01v8_lvt"}
    assert device("sky130_fd_pr__pfet_01v8_lvt").l_min_um == 0.35
    assert device("nfet_01v8").model == "sky130_fd_pr__nfet_01v8"
    with pytest.raises(ModelError, match="unknown device"):
        device("nfet_05v0")
