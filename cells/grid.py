"""The parameter grid every generator must pass DRC (and LVS) on, and a sample of it for tests.

The grid spans W 0.42-10 µm, L 0.15-4 µm (0.35 µm for pfet_01v8_lvt), nf
1-8 for all four transistor flavours with and without a tap ring; MIM
capacitors 1 × 1 to 30 × 30 µm; every via stack; both guard rings; every
matched pattern with and without dummies.
"""

from __future__ import annotations

from typing import Any

from logsgd.pdk.layers import METAL_STACK
from logsgd.pdk.models import DEVICES

W_UM = (0.42, 1.0, 3.5, 10.0)
L_UM = (0.15, 0.5, 1.0, 4.0)
NF = (1, 2, 5, 8)
PATTERNS = ("ABBA", "ABAB", "AABB", "BAAB", "AB", "A", "ABC", "ABCD", "AAB", "ABBAABBA")
CAPS_UM = ((1, 1), (2, 2), (2, 30), (30, 2), (5, 5), (10, 10), (3.3, 17.5), (20, 20), (25, 12), (30, 30),
           (1.005, 29.995))

Case = tuple[str, dict[str, Any]]


def _kind(model: str) -> str:
    return "pfet" if DEVICES[model].polarity == "p" else "nfet"


def _length(model: str, l_um: float) -> float:
    return max(l_um, DEVICES[model].l_min_um)


def grid() -> list[Case]:
    """Every (generator, parameters) case of the DRC grid, in a fixed order."""
    cases: list[Case] = []
    models = tuple(DEVICES)
    for m, model in enumerate(models):
        for i, w in enumerate(W_UM):
            for j, l in enumerate(L_UM):
                cases.append((_kind(model), {"w": w, "l": _length(model, l), "nf": NF[(i + j + m) % 4],
                                             "model": model, "tap": (i + j + m) % 2 == 0}))
        for nf in range(1, 9):
            cases.append((_kind(model), {"w": 1.0, "l": _length(model, 0.5), "nf": nf, "model": model,
                                         "tap": nf % 2 == 1}))
        for nf, tap in ((8, True), (8, False)):
            cases.append((_kind(model), {"w": 10.0, "l": _length(model, 4.0), "nf": nf, "model": model, "tap": tap}))
    for w, l in CAPS_UM:
        cases.append(("cap_mim", {"w": float(w), "l": float(l)}))
    for a, bottom in enumerate(METAL_STACK[:-1]):
        for top in METAL_STACK[a + 1:]:
            for size in (0.5, 2.0):
                cases.append(("via_stack", {"bottom": bottom, "top": top, "w": size, "h": size * 1.5}))
    for kind in ("ptap", "ntap"):
        for w, h in ((0.63, 0.63), (2.0, 5.0), (12.0, 3.0)):
            cases.append(("guard_ring", {"w": w, "h": h, "kind": kind}))
    for k, pattern in enumerate(PATTERNS):
        for dummies in (True, False):
            for shift in (0, 2):
                model = models[(k + shift + dummies) % 4]
                cases.append(("interdigitated", {
                    "pattern": pattern, "device": model, "w": W_UM[(k + shift) % 4] if shift else 1.0,
                    "l": _length(model, L_UM[(k + shift) % 3]), "nf": 1 + (k + shift) % 3, "dummies": dummies}))
    for model in models:
        for nf in (1, 2, 3):
            for dummies in (True, False):
                cases.append(("common_centroid", {"device": model, "w": 1.0 if nf < 3 else 3.5,
                                                  "l": _length(model, 0.15 if nf == 1 else 1.0),
                                                  "nf": nf, "dummies": dummies}))
        for ratio in (1, 2, 3, 4):
            cases.append(("current_mirror", {"device": model, "w": 2.0, "l": _length(model, 0.5 * ratio),
                                             "ratio": ratio, "dummies": ratio % 2 == 0}))
            cases.append(("current_mirror", {"device": model, "w": 0.42, "l": _length(model, 0.15),
                                             "ratio": ratio, "dummies": ratio % 2 == 1}))
    cases += [  # the largest and oddest corners
        ("nfet", {"w": 0.425, "l": 0.155, "nf": 3, "model": "nfet_01v8", "tap": True}),
        ("pfet", {"w": 10.0, "l": 50.0, "nf": 2, "model": "pfet_01v8", "tap": False}),
        ("via_stack", {"bottom": "li1", "top": "met4", "w": 0.505, "h": 0.495}),
        ("interdigitated", {"pattern": "ABCD", "device": "pfet_01v8", "w": 10.0, "l": 4.0, "nf": 8, "dummies": True}),
        ("common_centroid", {"device": "pfet_01v8_lvt", "w": 10.0, "l": 4.0, "nf": 8, "dummies": True}),
        ("current_mirror", {"device": "nfet_01v8_lvt", "w": 10.0, "l": 4.0, "ratio": 16, "dummies": True}),
    ]
    return cases


def sample(count: int = 36) -> list[Case]:
    """``count`` cases spread evenly over the grid, always covering every generator."""
    cases = grid()
    step = max(1, len(cases) // count)
    picked = cases[::step][:count]
    for name in {name for name, _ in cases} - {name for name, _ in picked}:
        picked.append(next(c for c in cases if c[0] == name))
    return picked
