"""A gdsfactory PDK whose layer map is ``logsgd.pdk.layers``, activated by the generators."""

from __future__ import annotations

from functools import cache

from logsgd.pdk.layers import LAYERS

PDK_NAME = "logsgd_sky130"


def _layer_entries() -> dict[str, tuple[int, int]]:
    entries: dict[str, tuple[int, int]] = {}
    for spec in LAYERS.values():
        entries[spec.name] = spec.draw
        if spec.pin is not None:
            entries[f"{spec.name}_pin"] = spec.pin_ld
        if spec.label is not None:
            entries[f"{spec.name}_label"] = spec.label_ld
    return entries


@cache
def sky130_pdk():
    """The gdsfactory Pdk: SKY130 drawing, pin and label layers by name."""
    import gdsfactory as gf
    from gdsfactory.technology import LayerMap
    from gdsfactory.typings import Layer

    entries = _layer_entries()
    namespace = {"__annotations__": {name: Layer for name in entries}, **entries}
    layer_map = type("Sky130Layer", (LayerMap,), namespace)
    return gf.Pdk(name=PDK_NAME, layers=layer_map)


def activate() -> None:
    """Make the SKY130 PDK gdsfactory's active PDK (once per process)."""
    import gdsfactory as gf

    pdk = sky130_pdk()
    try:
        active = gf.get_active_pdk().name
    except ValueError:
        active = None
    if active != pdk.name:
        pdk.activate()
