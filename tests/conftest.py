"""Shared fixtures. Tests never sleep for time nor depend on the machine's speed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


# Tests never touch the seller's real workspace or data folder: every process started by the tests
# (AppTest, the e2e server, CLI subprocesses) inherits a workspace under a throw-away folder. Tests
# that need their own workspace pass a tmp_path explicitly.
_ISOLATED = tempfile.mkdtemp(prefix="cbe-tests-")
os.environ["CBE_WORKSPACE"] = os.path.join(_ISOLATED, "workspace.duckdb")
os.environ["XDG_DATA_HOME"] = os.path.join(_ISOLATED, "data-home")


@pytest.fixture(scope="session")
def sample_store():
    """The planted sample store as canonical frames (generated once per test session)."""
    from cbe_core.sample import generate_store

    return generate_store(seed=7, plant=True)


@pytest.fixture(scope="session")
def healthy_sample_store():
    """The healthy twin of the sample store."""
    from cbe_core.sample import generate_store

    return generate_store(seed=7, plant=False)
