"""Progress display on stderr for steps that take more than a few seconds.

On a terminal the line is redrawn with the elapsed time; in logs and CI it
prints one line when a step starts and one when it ends, so output stays
readable.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Progress:
    """A named step with optional ``done/total`` counts."""

    def __init__(self, label: str, total: int | None = None, stream=None, redraw: bool = True):
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self._tty = redraw and hasattr(self.stream, "isatty") and self.stream.isatty()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._ticker: threading.Thread | None = None

    @property
    def elapsed_s(self) -> float:
        return time.perf_counter() - self.start

    def _text(self) -> str:
        count = f" {self.done}/{self.total}" if self.total else ""
        return f"[{self.label}]{count} {self.elapsed_s:6.1f} s"

    def _draw(self, end: str = "") -> None:
        with self._lock:
            self.stream.write("\r" + self._text() + end)
            self.stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            self._draw()

    def advance(self, done: int | None = None) -> None:
        """Record progress: ``done`` items so far, or one more."""
        self.done = self.done + 1 if done is None else done
        if self._tty:
            self._draw()

    def __enter__(self) -> Progress:
        if self._tty:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()
        else:
            self.stream.write(f"[{self.label}] started\n")
            self.stream.flush()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._stop.set()
        if self._ticker:
            self._ticker.join()
        status = "failed" if exc_type else "done"
        if self._tty:
            self._draw(end=f" {status}\n")
        else:
            self.stream.write(f"{self._text()} {status}\n")
            self.stream.flush()


@contextmanager
def progress(label: str, total: int | None = None, redraw: bool = True) -> Iterator[Progress]:
    """Show ``label`` with elapsed time (and counts) while the block runs.

    ``redraw=False`` prints only a start and an end line even on a terminal,
    for a step that runs beside another one that redraws.
    """
    with Progress(label, total, redraw=redraw) as p:
        yield p
