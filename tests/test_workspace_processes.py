"""Workspace faults across processes: kill -9 half-way through an import, two processes importing at
once, a file held by another process. Processes run the real command line; the fault-injection point
``CBE_WS_FAILPOINT`` (cbe_core.workspace.backend.failpoint) pauses one inside its open transaction, so
every test is deterministic: they wait on files appearing and processes ending, never on time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from cbe_core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
HEADER = "order_id,order_date,sku,quantity,unit_price,customer_id,status\n"
JAN = ["A1,2026-01-05,S1,1,10,C1,paid", "A2,2026-01-06,S1,1,10,C2,paid", "A3,2026-01-07,S3,1,20,C3,paid"]
FEB = ["A2,2026-01-06,S1,1,10,C2,refunded", "A3,2026-01-07,S3,1,20,C3,paid", "A4,2026-02-01,S1,3,10,C1,paid"]
WAIT = 180  # seconds: an upper bound for a condition, never a pause


def write(path: Path, lines: list[str]) -> Path:
    path.write_text(HEADER + "\n".join(lines) + "\n")
    return path


def start_import(ws_path: Path, file: Path, *, failpoint: str | None = None, timeout: float = 120,
                 table: str = "orders") -> subprocess.Popen:
    env = dict(os.environ, CBE_WORKSPACE_TIMEOUT=str(timeout))
    env.pop("CBE_WS_FAILPOINT", None)
    if failpoint:
        env["CBE_WS_FAILPOINT"] = failpoint
    return subprocess.Popen(
        [sys.executable, "-m", "cbe_core", "workspace", "import", table, str(file), "--store", "Shop",
         "--workspace", str(ws_path), "--json"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(path: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"process ended before {path.name}: {proc.stderr.read()}")
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.02)  # polling interval for the condition


@pytest.mark.parametrize("first", [False, True], ids=["existing-table", "new-table"])
def test_kill_9_half_way_through_an_import_leaves_the_store_as_it_was(tmp_path, first):
    ws = Workspace(tmp_path / "ws.duckdb")
    if first:
        ws.create_store("Shop")
    else:
        ws.import_file("Shop", "orders", write(tmp_path / "jan.csv", JAN))
    before = ws.load("Shop")
    marker = tmp_path / "paused"
    proc = start_import(ws.path, write(tmp_path / "feb.csv", FEB), failpoint=f"before_commit|{marker}")
    wait_for(marker, proc)  # the rows are written inside the transaction, not committed
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=WAIT)
    assert proc.returncode == -signal.SIGKILL
    after = ws.load("Shop")
    assert after.keys() == before.keys()
    for table in before:
        pd.testing.assert_frame_equal(after[table], before[table])
    assert len(ws.imports("Shop")) == (0 if first else 1)
    # the workspace is usable: the same import now goes through
    res = ws.import_file("Shop", "orders", tmp_path / "feb.csv")
    assert (res.added, res.updated, res.unchanged) == ((3, 0, 0) if first else (1, 1, 1))


def test_two_processes_importing_at_once_take_turns_and_both_land(tmp_path):
    ws = Workspace(tmp_path / "ws.duckdb")
    ws.create_store("Shop")
    paused, release, waiting = tmp_path / "paused", tmp_path / "release", tmp_path / "waiting"
    first = start_import(ws.path, write(tmp_path / "jan.csv", JAN),
                         failpoint=f"before_commit|{paused}|{release}")
    wait_for(paused, first)  # the first holds the file inside its transaction
    second = start_import(ws.path, write(tmp_path / "feb.csv", FEB), failpoint=f"lock_wait|{waiting}")
    wait_for(waiting, second)  # the second found the file busy and is waiting for it
    release.write_text("go")
    out1, err1 = first.communicate(timeout=WAIT)
    out2, err2 = second.communicate(timeout=WAIT)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    r1, r2 = json.loads(out1), json.loads(out2)
    assert (r1["added"], r1["updated"], r1["unchanged"]) == (3, 0, 0)
    assert (r2["added"], r2["updated"], r2["unchanged"]) == (1, 1, 1)
    orders = ws.load("Shop")["orders"]
    assert sorted(orders["order_id"]) == ["A1", "A2", "A3", "A4"]
    assert orders.set_index("order_id").loc["A2", "status"] == "refunded"
    assert len(ws.imports("Shop")) == 2


def test_a_file_held_by_another_process_gets_a_clear_message_after_the_wait(tmp_path):
    ws = Workspace(tmp_path / "ws.duckdb")
    ws.create_store("Shop")
    paused = tmp_path / "paused"
    holder = start_import(ws.path, write(tmp_path / "jan.csv", JAN), failpoint=f"before_commit|{paused}")
    try:
        wait_for(paused, holder)
        blocked = start_import(ws.path, write(tmp_path / "feb.csv", FEB), timeout=0.5)
        out, err = blocked.communicate(timeout=WAIT)
        assert blocked.returncode == 2
        assert "in use by another program" in err and f"PID {holder.pid}" in err
        assert "Traceback" not in err
    finally:
        holder.kill()
        holder.wait(timeout=WAIT)
    assert ws.summary("Shop").tables == ()
