"""A sweep's progress bar on stderr (rich): points done, running, failed, and time left."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


class SweepProgress:
    """Counts the finished points of a sweep; ``running`` is the points on a worker now (at most one each)."""

    def __init__(self, total: int, workers: int, skipped: int = 0, enabled: bool = True):
        self.total, self.workers, self.done, self.failed = total, workers, 0, 0
        console = Console(stderr=True)
        self._progress = Progress(
            TextColumn("sweep"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("running {task.fields[running]}  failed {task.fields[failed]}"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=console,
            disable=not enabled,
        )
        self._task = self._progress.add_task("sweep", total=total, running=self.running, failed=0)
        if enabled and skipped:
            console.print(f"sweep: {skipped} point(s) already done, {total} to run")

    @property
    def running(self) -> int:
        return min(self.workers, self.total - self.done)

    def advance(self, failed: bool = False) -> None:
        self.done += 1
        self.failed += failed
        self._progress.update(self._task, advance=1, running=self.running, failed=self.failed)

    def __enter__(self) -> SweepProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()
