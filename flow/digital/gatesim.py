"""Cycle-by-cycle evaluation of the gate netlist, for the flip-flop states at sample boundaries.

The transistor-level run can be split into segments of consecutive samples
that run in parallel ngspice processes (``spice.simulate``). A segment that
starts mid-training needs every flip-flop preset to the state the unit has
there, just before the last clock edge of the sample before it. This module
computes those states from the synthesized netlist itself (cell functions
from the generated Liberty data, flip-flops taking D at each rising clock
edge), with the same stimulus as the ngspice deck: reset for
``reset_edges`` edges, then each sample held for ``cycles_per_sample`` edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from logsgd.pdk.errors import LogsgdError

from .liberty import CELL_PREFIX, cell_info, truth_table
from .model import DigitalParams, unsigned_word, weight_codes
from .synth import Netlist


@dataclass(frozen=True)
class FlopTrace:
    """Flip-flop states and weights after each sample of a training run."""

    flops: tuple[int, ...]
    """Indices in ``Netlist.cells`` of the flip-flops, in column order of ``states``."""
    states: np.ndarray
    """Q of every flip-flop (0/1), shape (samples + 1, flip-flops); row 0 is the state after reset."""
    before_last_edge: np.ndarray
    """Q of every flip-flop just before the last clock edge of each sample, shape (samples, flip-flops)."""
    weights: np.ndarray
    """Weight codes read from the w port after each sample, shape (samples, N)."""


@cache
def _table(cell_type: str, output: str) -> dict[tuple[bool, ...], bool]:
    return truth_table(cell_info(cell_type.removeprefix(CELL_PREFIX)), output)


def _order(net: Netlist) -> tuple[list[int], list[int]]:
    """(flip-flop cell indices, combinational cell indices in evaluation order)."""
    flops, comb = [], []
    for k, (cell_type, _) in enumerate(net.cells):
        info = cell_info(cell_type.removeprefix(CELL_PREFIX))
        if info.ff is not None:
            if info.ff[1] != "D" or set(info.outputs) != {"Q"}:
                raise LogsgdError(f"flip-flop {cell_type} is not a plain D flip-flop with output Q")
            flops.append(k)
        else:
            comb.append(k)
    driven = {}
    for k in comb:
        cell_type, conn = net.cells[k]
        for pin in cell_info(cell_type.removeprefix(CELL_PREFIX)).outputs:
            driven[conn[pin]] = k
    ordered, state = [], {}

    def visit(k: int) -> None:
        if state.get(k) == 2:
            return
        if state.get(k) == 1:
            raise LogsgdError("the gate netlist has a combinational loop")
        state[k] = 1
        cell_type, conn = net.cells[k]
        for pin in cell_info(cell_type.removeprefix(CELL_PREFIX)).inputs:
            source = driven.get(conn[pin])
            if source is not None:
                visit(source)
        state[k] = 2
        ordered.append(k)

    for k in comb:
        visit(k)
    return flops, ordered


def _word_bits(code: int, bits: int) -> list[bool]:
    return [bool((code >> b) & 1) for b in range(bits)]


def flop_trace(net: Netlist, x_codes: np.ndarray, y_codes: np.ndarray, p: DigitalParams,
               reset_edges: int) -> FlopTrace:
    """Run the netlist over (x, y) as the ngspice deck drives it and record the flip-flop states."""
    flops, comb = _order(net)
    value: dict[object, bool] = {"0": False, "1": True}
    for k in flops:
        value[net.cells[k][1]["Q"]] = False

    def set_inputs(rst: bool, x_row, y_code: int) -> None:
        value[net.ports["rst"][0]] = rst
        bits = []
        for code in x_row:
            bits += _word_bits(unsigned_word(int(code), p.bits), p.bits)
        for bit, level in zip(net.ports["x"], bits):
            value[bit] = level
        for bit, level in zip(net.ports["y"], _word_bits(unsigned_word(int(y_code), p.bits), p.bits)):
            value[bit] = level

    def settle() -> None:
        for k in comb:
            cell_type, conn = net.cells[k]
            info = cell_info(cell_type.removeprefix(CELL_PREFIX))
            inputs = tuple(value[conn[pin]] for pin in info.inputs)
            for pin in info.outputs:
                value[conn[pin]] = _table(cell_type, pin)[inputs]

    def clock_edge() -> None:
        settle()
        captured = {k: value[net.cells[k][1]["D"]] for k in flops}
        for k, level in captured.items():
            value[net.cells[k][1]["Q"]] = level

    def snapshot() -> list[bool]:
        return [value[net.cells[k][1]["Q"]] for k in flops]

    def weights() -> list[int]:
        settle()
        return weight_codes([value[b] for b in net.ports["w"]], p).tolist()

    set_inputs(True, [0] * p.features, 0)
    for _ in range(reset_edges):
        clock_edge()
    states, before, read = [snapshot()], [], []
    for x_row, y_code in zip(np.asarray(x_codes).tolist(), np.asarray(y_codes).tolist()):
        set_inputs(False, x_row, y_code)
        for _ in range(p.cycles_per_sample - 1):
            clock_edge()
        before.append(snapshot())
        clock_edge()
        states.append(snapshot())
        read.append(weights())
    return FlopTrace(tuple(flops), np.array(states, dtype=np.int8), np.array(before, dtype=np.int8),
                     np.array(read, dtype=np.int64))
