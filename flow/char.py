"""Weak-inversion characterisation of a SKY130 MOSFET from an ngspice Id-Vg sweep.

The device is biased in saturation (|V_DS| = 0.9 V) with source and bulk
tied, and |V_GS| is swept from 0 to 1.8 V. From log(Id) against Vg:

- ``slope_mV_per_dec``: the smallest local dVg/dlog10(Id), the steepest point;
- ``n``: the slope factor, slope / (U_T ln 10);
- ``i_spec_A``: the EKV specific current 2 n µ Cox U_T² W/L. In strong
  inversion and saturation EKV gives sqrt(Id) = sqrt(I_spec)·(Vg − V_T0)/(2 n U_T),
  so I_spec = (2 n U_T · max d sqrt(Id)/dVg)², with n from weak inversion.
  The maximum slope is taken before mobility reduction bends the curve;
- ``vg_weak_min_V`` .. ``vg_weak_max_V``: the |Vg| range around the
  steepest point where the local slope stays within 10 % of the steepest,
  i.e. the exponential region.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from logsgd.pdk.errors import LogsgdError
from logsgd.pdk.layers import on_grid
from logsgd.pdk.models import check_corner, device, thermal_voltage_v

from .sim import Analysis, Simulation

VDS_V = 0.9
VG_STOP_V = 1.8
VG_STEP_V = 0.005
SUPPLY_V = 1.8
WEAK_SLOPE_TOLERANCE = 0.10
TEMP_RANGE_C = (-40.0, 125.0)


@dataclass(frozen=True)
class CharResult:
    """Weak-inversion figures of one device at one corner and temperature."""

    device: str
    w_um: float
    l_um: float
    corner: str
    temp_C: float
    slope_mV_per_dec: float
    n: float
    i_spec_A: float
    vg_weak_min_V: float
    vg_weak_max_V: float
    vg_steepest_V: float

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Sweep:
    """|Vg| (V) and |Id| (A) of one characterisation run."""

    vg_V: np.ndarray
    id_A: np.ndarray


def validate(device_name: str, w_um: float, l_um: float, corner: str, temp_c: float) -> None:
    """Raise LogsgdError naming the first parameter outside its limits."""
    dev = device(device_name)
    check_corner(corner)
    if not w_um >= dev.w_min_um:
        raise LogsgdError(f"w={w_um:g} µm is below the {dev.name} minimum of {dev.w_min_um:g} µm")
    if not l_um >= dev.l_min_um:
        raise LogsgdError(f"l={l_um:g} µm is below the {dev.name} minimum of {dev.l_min_um:g} µm")
    for name, value in (("w", w_um), ("l", l_um)):
        if not on_grid(value):
            raise LogsgdError(f"{name}={value:g} µm is off the 0.005 µm grid")
    lo, hi = TEMP_RANGE_C
    if not lo <= temp_c <= hi:
        raise LogsgdError(f"temp={temp_c:g} °C is outside {lo:g}..{hi:g} °C")


def simulation(device_name: str, w_um: float, l_um: float, corner: str, temp_c: float) -> Simulation:
    """The Id-Vg sweep deck: an NMOS from ground, a PMOS from a 1.8 V rail."""
    dev = device(device_name)
    if dev.polarity == "n":
        netlist = (
            f"Xdut d g 0 0 {dev.model} w={w_um:g} l={l_um:g} nf=1\n"
            f"vd d 0 {VDS_V:g}\n"
            "vg g 0 0\n"
        )
        sweep = f"dc vg 0 {VG_STOP_V:g} {VG_STEP_V:g}"
    else:
        netlist = (
            f"Xdut d g s s {dev.model} w={w_um:g} l={l_um:g} nf=1\n"
            f"vs s 0 {SUPPLY_V:g}\n"
            f"vd d 0 {SUPPLY_V - VDS_V:g}\n"
            f"vg g 0 {SUPPLY_V:g}\n"
        )
        sweep = f"dc vg {SUPPLY_V:g} {SUPPLY_V - VG_STOP_V:g} {-VG_STEP_V:g}"
    return Simulation(netlist, (Analysis(sweep, ("i(vd)",)),), corner=corner, temp_c=temp_c)


def sweep_from(result, device_name: str) -> Sweep:
    """|Vg| and |Id| from a finished simulation, in increasing |Vg|."""
    data = result.analyses[0]
    vg = np.asarray(data["scale"], dtype=float)
    if device(device_name).polarity == "p":
        vg = SUPPLY_V - vg
    id_a = np.abs(np.asarray(data["i(vd)"], dtype=float))
    order = np.argsort(vg)
    return Sweep(vg[order], id_a[order])


def extract(sweep: Sweep, temp_c: float) -> dict:
    """Slope, n, I_spec and the weak-inversion limit from one sweep."""
    ut = thermal_voltage_v(temp_c)
    vg, log_id = sweep.vg_V, np.log10(np.maximum(sweep.id_A, 1e-30))
    dlog = np.gradient(log_id, vg)
    if not np.any(dlog > 0):
        raise LogsgdError("drain current does not rise with gate voltage; check the device bias")
    slope_mV = np.where(dlog > 0, 1e3 / np.where(dlog > 0, dlog, 1.0), np.inf)
    steep = int(np.argmin(slope_mV))
    s_min = float(slope_mV[steep])
    limit = s_min * (1 + WEAK_SLOPE_TOLERANCE)
    top = bottom = steep
    while top + 1 < len(vg) and slope_mV[top + 1] <= limit:
        top += 1
    while bottom > 0 and slope_mV[bottom - 1] <= limit:
        bottom -= 1
    n = s_min / (1e3 * ut * math.log(10))
    sqrt_slope = float(np.max(np.gradient(np.sqrt(sweep.id_A), vg)))
    i_spec = (2 * n * ut * sqrt_slope) ** 2
    return {
        "slope_mV_per_dec": s_min,
        "n": n,
        "i_spec_A": float(i_spec),
        "vg_weak_min_V": float(vg[bottom]),
        "vg_weak_max_V": float(vg[top]),
        "vg_steepest_V": float(vg[steep]),
    }


def characterise_result(result, device_name: str, w_um: float, l_um: float, corner: str, temp_c: float):
    """CharResult and Sweep from a finished simulation of ``simulation(...)``."""
    sweep = sweep_from(result, device_name)
    figures = extract(sweep, temp_c)
    return CharResult(device(device_name).name, w_um, l_um, corner, temp_c, **figures), sweep


def characterise(device_name: str, w_um: float, l_um: float, corner: str = "tt", temp_c: float = 27.0):
    """Simulate and extract; returns (CharResult, Sweep)."""
    from .sim import run

    validate(device_name, w_um, l_um, corner, temp_c)
    result = run(simulation(device_name, w_um, l_um, corner, temp_c))
    return characterise_result(result, device_name, w_um, l_um, corner, temp_c)


def plot(res: CharResult, sweep: Sweep, path: str | Path) -> Path:
    """log(Id) against Vg with the exponential region shaded, as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .files import atomic_path

    fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
    ax.semilogy(sweep.vg_V, sweep.id_A, color="C0", label="ngspice")
    ax.axvspan(res.vg_weak_min_V, res.vg_weak_max_V, color="C2", alpha=0.15, label="exponential region")
    ax.axhline(res.i_spec_A, color="C3", ls="--", lw=1, label=f"I_spec = {res.i_spec_A:.3g} A")
    ax.set_xlabel("|V_GS| (V)")
    ax.set_ylabel("|I_D| (A)")
    ax.set_title(
        f"{res.device} W={res.w_um:g} µm L={res.l_um:g} µm {res.corner} {res.temp_C:g} °C: "
        f"{res.slope_mV_per_dec:.1f} mV/dec, n={res.n:.2f}",
        fontsize=8,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return Path(path)
