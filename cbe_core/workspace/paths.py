"""Where the workspace file is: an explicit path, else ``CBE_WORKSPACE``, else the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "cbe-dashboard"
FILE_NAME = "workspace.duckdb"
ENV = "CBE_WORKSPACE"


def default_path() -> Path:
    """``<user data dir>/cbe-dashboard/workspace.duckdb`` (platformdirs: ``~/.local/share`` on Linux,
    ``~/Library/Application Support`` on macOS, ``%LOCALAPPDATA%`` on Windows)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / FILE_NAME


def resolve_path(path: str | os.PathLike | None = None) -> Path:
    """The workspace file to use: ``path`` when given, else ``$CBE_WORKSPACE``, else :func:`default_path`.
    ``~`` is expanded; a folder gets ``workspace.duckdb`` inside it."""
    raw = path if path not in (None, "") else os.environ.get(ENV) or None
    p = Path(raw).expanduser() if raw is not None else default_path()
    if p.is_dir():
        p = p / FILE_NAME
    return p
