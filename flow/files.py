"""Output files written whole or not at all: write to a temporary file, then rename."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from logsgd.pdk.errors import LogsgdError


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` on success."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LogsgdError(f"cannot create folder {target.parent}: {exc.strerror}") from None
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_text(path: str | os.PathLike, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    return Path(path)


def write_json(path: str | os.PathLike, data: Any) -> Path:
    return write_text(path, json.dumps(data, indent=2, sort_keys=False) + "\n")


def write_gds(component, path: str | os.PathLike) -> Path:
    """Write a gdsfactory Component without KLayout's context-info cell.

    Leaving the context cell out keeps the file readable by older KLayout
    versions and by magic, and makes the bytes depend on the geometry only.
    """
    import klayout.db as kdb

    options = kdb.SaveLayoutOptions()
    options.write_context_info = False
    options.gds2_write_timestamps = False
    with atomic_path(path) as tmp:
        component.write_gds(tmp, save_options=options, with_metadata=False)
    return Path(path)


def require_file(path: str | os.PathLike, what: str = "file") -> Path:
    """``path`` as a Path; LogsgdError when it is not an existing file."""
    p = Path(path)
    if not p.is_file():
        raise LogsgdError(f"{what} not found: {p}")
    return p
