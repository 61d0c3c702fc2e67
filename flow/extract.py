"""Layout-to-netlist extraction for SKY130 on KLayout's netlist engine.

Shared by LVS and PEX. The layout is read in deep (hierarchical) mode; the
extractor recognises

- MOS4 transistors ``sky130_fd_pr__{n,p}fet_01v8`` and their ``_lvt``
  flavours (lvtn over the gate), with W and L in µm. An nfet gate is
  poly over diff outside n-well under nsdm; a pfet gate is poly over diff
  inside n-well under psdm. nfet bulks tie to the global net SUBSTRATE
  (with every p-tap); pfet bulks are the n-well, contacted through n-taps.
- MIM capacitors ``sky130_fd_pr__cap_mim_m3_1``: capm over met3, top plate
  (first terminal, C0) is capm, contacted from met4 by via3; bottom plate
  (C1) is met3. W is the capm extent along x, L along y, in µm.

and connects diff/tap, poly, licon1, li1, mcon, met1, via, met2, via2, met3,
via3, capm and met4. Nets take their names from text labels on the drawing,
pin and label purposes of poly, li1 and met1-met4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from logsgd.flow.layout_io import load_layout, pick_cell
from logsgd.pdk.layers import LAYERS

MOS_MODELS: dict[tuple[str, bool], str] = {
    ("n", False): "sky130_fd_pr__nfet_01v8",
    ("n", True): "sky130_fd_pr__nfet_01v8_lvt",
    ("p", False): "sky130_fd_pr__pfet_01v8",
    ("p", True): "sky130_fd_pr__pfet_01v8_lvt",
}
"""SKY130 transistor model by (polarity, over lvtn)."""

MIM_MODEL = "sky130_fd_pr__cap_mim_m3_1"
MIM_TERMINALS = ("C0", "C1")
"""MIM terminals in SPICE pin order: top plate (capm), bottom plate (met3)."""

SUBSTRATE_NET = "SUBSTRATE"

CONDUCTOR_STACK: tuple[tuple[str, str, str], ...] = (
    # (conductor, cut joining it to the conductor above, that conductor);
    # via3 lands on capm where it overlaps it and on met3 elsewhere, so the
    # MIM plates are not shorted.
    ("li1", "mcon", "met1"),
    ("met1", "via", "met2"),
    ("met2", "via2", "met3"),
    ("met3", "via3_off_capm", "met4"),
    ("capm", "via3_on_capm", "met4"),
)

LABELLED_LAYERS: tuple[str, ...] = ("poly", "li1", "met1", "met2", "met3", "met4")
"""Layers whose text labels name nets."""


@dataclass
class Extraction:
    """An extracted layout: the KLayout extractor, its netlist and named layers."""

    l2n: object
    """The ``kdb.LayoutToNetlist`` (or ``kdb.LayoutVsSchematic``) holding the nets."""
    layout: object
    top_cell: object
    regions: dict[str, object]
    """Registered layers by name (kdb.Region), for per-net geometry."""
    errors: list[str]
    """Malformed devices the extractor reported (a capm with no met3 below, ...)."""

    @property
    def netlist(self):
        return self.l2n.netlist()

    @property
    def top_circuit(self):
        return self.netlist.circuit_by_name(self.top_cell.name)

    @property
    def dbu_um(self) -> float:
        return self.layout.dbu


def mim_class():
    """A device class for the SKY130 MIM capacitor with W and L in µm."""
    import klayout.db as kdb

    cls = kdb.DeviceClass()
    cls.name = MIM_MODEL
    cls.description = "SKY130 MIM capacitor met3/capm"
    for terminal, text in zip(MIM_TERMINALS, ("top plate (capm)", "bottom plate (met3)")):
        cls.add_terminal(kdb.DeviceTerminalDefinition(terminal, text))
    cls.add_parameter(kdb.DeviceParameterDefinition("W", "capm width along x (µm)", 0.0, True))
    cls.add_parameter(kdb.DeviceParameterDefinition("L", "capm length along y (µm)", 0.0, True))
    return cls


def rectangle_sides_um(area_um2: float, perimeter_um: float) -> tuple[float, float]:
    """Sides (short, long) of the rectangle with this area and perimeter."""
    half = perimeter_um / 2.0
    root = math.sqrt(max(half * half - 4.0 * area_um2, 0.0))
    return (half - root) / 2.0, (half + root) / 2.0


def _mim_extractor():
    import klayout.db as kdb

    class MimExtractor(kdb.GenericDeviceExtractor):
        """One MIM device per capm polygon over met3."""

        def setup(self) -> None:
            self.name = MIM_MODEL
            self.register_device_class(mim_class())
            self.define_layer("capm", "MIM top plate (capm)")
            self.define_layer("met3", "MIM bottom plate (met3)")

        def get_connectivity(self, layout, layers):
            conn = kdb.Connectivity()
            conn.connect(layers[0], layers[0])
            conn.connect(layers[0], layers[1])
            return conn

        def extract_devices(self, layer_geometry) -> None:
            capm, met3 = layer_geometry
            dbu = self.dbu()
            for poly in capm.merged().each():
                if met3.interacting(kdb.Region(poly)).is_empty():
                    self.error("capm without met3 below: no MIM bottom plate", poly)
                    continue
                if poly.is_box():
                    box = poly.bbox()
                    w_um, l_um = box.width() * dbu, box.height() * dbu
                else:
                    w_um, l_um = rectangle_sides_um(poly.area() * dbu * dbu, poly.perimeter() * dbu)
                device = self.create_device()
                device.set_parameter("W", round(w_um, 6))
                device.set_parameter("L", round(l_um, 6))
                self.define_terminal(device, "C0", "capm", poly)
                self.define_terminal(device, "C1", "met3", poly)

    return MimExtractor()


def open_layout(gds: str | Path, cell: str | None = None):
    """Read ``gds`` and return (layout, top cell); ``cell`` picks the top by name."""
    layout = load_layout(gds)
    return layout, pick_cell(layout, cell, gds)


def _drop_texts_below(layout, top) -> None:
    """Remove the labels of every cell under ``top``: once flattened, only the
    top cell's labels name nets, so that subcell pins named alike (S, D...)
    do not merge or collide."""
    import klayout.db as kdb

    for index in top.called_cells():
        cell = layout.cell(index)
        for layer_index in layout.layer_indexes():
            shapes = cell.shapes(layer_index)
            for text in list(shapes.each(kdb.Shapes.STexts)):
                shapes.erase(text)


def extract(gds: str | Path, cell: str | None = None, *, for_lvs: bool = False, flat: bool = False) -> Extraction:
    """Extract devices and nets of ``cell`` (the single top cell by default).

    ``for_lvs`` builds a ``kdb.LayoutVsSchematic`` so the result can be
    compared and written as an LVS database; ``flat`` flattens the cell
    first so every net lives in one circuit (what PEX needs).
    """
    import klayout.db as kdb

    layout, top = open_layout(gds, cell)
    if flat:
        _drop_texts_below(layout, top)
        top.flatten(True)
    rsi = kdb.RecursiveShapeIterator(layout, top, [])
    l2n = kdb.LayoutVsSchematic(rsi) if for_lvs else kdb.LayoutToNetlist(rsi)
    l2n.name = top.name
    l2n.threads = 1
    regions: dict[str, kdb.Region] = {}

    def original(name: str, ld: tuple[int, int], kind: str = "both") -> kdb.Region:
        index = layout.layer(*ld)
        make = {"both": l2n.make_layer, "polygons": l2n.make_polygon_layer, "texts": l2n.make_text_layer}[kind]
        region = make(index, name)
        regions[name] = region
        return region

    def derived(name: str, region: kdb.Region) -> kdb.Region:
        l2n.register(region, name)
        regions[name] = region
        return region

    for name in ("nwell", "diff", "tap", "poly", "licon1", "li1", "mcon", "met1", "via",
                 "met2", "via2", "met3", "via3", "met4", "capm"):
        original(name, LAYERS[name].draw)
    nsdm = original("nsdm", LAYERS["nsdm"].draw, "polygons")
    psdm = original("psdm", LAYERS["psdm"].draw, "polygons")
    lvtn = original("lvtn", LAYERS["lvtn"].draw, "polygons")
    r = regions

    gate = r["poly"] & r["diff"]
    ngate = derived("ngate", (gate - r["nwell"]) & nsdm)
    pgate = derived("pgate", (gate & r["nwell"]) & psdm)
    sd = r["diff"] - r["poly"]
    nsd = derived("nsd", (sd - r["nwell"]) & nsdm)
    psd = derived("psd", (sd & r["nwell"]) & psdm)
    ntap = derived("ntap", (r["tap"] & r["nwell"]) & nsdm)
    ptap = derived("ptap", (r["tap"] - r["nwell"]) & psdm)
    derived("via3_on_capm", r["via3"] & r["capm"])
    derived("via3_off_capm", r["via3"] - r["capm"])
    bulk = l2n.make_layer("bulk")
    regions["bulk"] = bulk

    for (polarity, lvt), model in MOS_MODELS.items():
        gates = ngate if polarity == "n" else pgate
        gates = derived(f"gate_{model}", gates & lvtn if lvt else gates - lvtn)
        l2n.extract_devices(
            kdb.DeviceExtractorMOS4Transistor(model),
            {
                "SD": nsd if polarity == "n" else psd,
                "G": gates,
                "P": r["poly"],
                "W": bulk if polarity == "n" else r["nwell"],
            },
        )
    l2n.extract_devices(_mim_extractor(), {"capm": r["capm"], "met3": r["met3"]})

    for name in ("nwell", "poly", "li1", "met1", "met2", "met3", "capm", "met4",
                 "nsd", "psd", "ntap", "ptap", "licon1", "via3_on_capm", "via3_off_capm",
                 "mcon", "via", "via2"):
        l2n.connect(r[name])
    for lower in ("nsd", "psd", "ntap", "ptap", "poly"):
        l2n.connect(r["licon1"], r[lower])
    l2n.connect(r["licon1"], r["li1"])
    for lower, cut, upper in CONDUCTOR_STACK:
        l2n.connect(r[lower], r[cut])
        l2n.connect(r[cut], r[upper])
    l2n.connect(r["nwell"], ntap)
    l2n.connect_global(bulk, SUBSTRATE_NET)
    l2n.connect_global(ptap, SUBSTRATE_NET)

    for name in LABELLED_LAYERS:
        spec = LAYERS[name]
        for purpose, ld, kind in (("pin", spec.pin, "both"), ("label", spec.label, "texts")):
            if ld is None:
                continue
            extra = original(f"{name}_{purpose}", (spec.layer, ld), kind)
            if kind == "both":
                l2n.connect(extra)
            l2n.connect(r[name], extra)

    l2n.extract_netlist()
    errors = [e.message for e in l2n.each_log_entry() if e.severity == kdb.Severity.Error]
    return Extraction(l2n, layout, top, regions, errors)
