"""Workspace benchmark: import 1M order lines into a store, import them again, reopen the store.

    python bench/workspace.py [--lines 1000000] [--runs 3] [--keep DIR]

Writes a CSV of N order lines (``cbe_core.sample.generate_orders``, the file of bench/ingest.py) and
times, each in a fresh subprocess (so nothing is cached in memory and peak memory is per step):

- ``read``      ``cbe_core.ingest.read_table(csv, "orders")``: the plain read of the file (the peer);
- ``import``    ``Workspace.import_file`` into a new workspace: read + keys + write + commit;
- ``reimport``  the same file again into that store: every line is recognised, nothing written;
- ``overlap``   an export overlapping the last 20% of the store plus 10% new lines;
- ``reopen``    a new process opens the workspace and loads the store's orders as a canonical frame.

Prints the medians over ``--runs`` runs (steps interleaved, so load changes hit every step alike),
the workspace file's size against the CSV's, and the targets: import at most 2x the plain read,
reopen under 1 s, the file no bigger than the CSV. The machine is shared: read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")  # pragma: no cover - not Linux


def _child(step: str, csv: str, ws_path: str) -> None:
    from cbe_core import ingest
    from cbe_core.workspace import Workspace

    # warm-up: first-call set-up (imports, kernels) on a small file, the same for every step
    if step in ("read", "import"):
        with open(csv, "rb") as fh:
            head = b"".join(fh.readline() for _ in range(2001))
        ingest.read_table(head, "orders", filename="warm.csv")
    t0, c0 = time.perf_counter(), time.process_time()
    if step == "read":
        frame, _ = ingest.read_table(csv, "orders")
        out = {"rows": len(frame)}
    elif step in ("import", "reimport", "overlap"):
        res = Workspace(ws_path).import_file("Bench", "orders", csv)
        out = {"rows": res.rows_in_file, "added": res.added, "updated": res.updated,
               "unchanged": res.unchanged, "duplicates": res.duplicates}
    elif step == "reopen":
        frame = Workspace(ws_path).load("Bench")["orders"]
        out = {"rows": len(frame)}
    else:  # pragma: no cover
        raise SystemExit(f"unknown step {step}")
    out.update(wall=time.perf_counter() - t0, cpu=time.process_time() - c0, peak_mb=_peak_mb())
    print(json.dumps(out))


def _run(step: str, csv: Path, ws_path: Path) -> dict:
    res = subprocess.run([sys.executable, __file__, "--child", step, str(csv), str(ws_path)],
                         capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise SystemExit(f"{step} failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def write_files(directory: Path, lines: int) -> tuple[Path, Path]:
    """The N-line export and an overlapping one: its last 20% of lines plus 10% new lines."""
    import pandas as pd

    from cbe_core.sample import generate_orders

    csv_path = directory / f"orders_{lines}.csv"
    overlap_path = directory / f"orders_{lines}_overlap.csv"
    if not csv_path.exists():
        frame = generate_orders(lines, seed=1).drop(columns=["cancelled"])
        frame.to_csv(csv_path, index=False, date_format="%Y-%m-%d %H:%M:%S")
    if not overlap_path.exists():
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        new = generate_orders(lines // 10, seed=7).drop(columns=["cancelled"])
        new["order_id"] = "N" + new["order_id"].astype(str)
        new["order_date"] = new["order_date"].dt.strftime("%Y-%m-%d %H:%M:%S")
        pd.concat([frame.tail(lines // 5), new.astype(str)]).to_csv(overlap_path, index=False)
    return csv_path, overlap_path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", help="directory to keep (and reuse) the generated files")
    ap.add_argument("--child", nargs=3, metavar=("STEP", "CSV", "WORKSPACE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    tmp = tempfile.TemporaryDirectory()
    directory = Path(args.keep) if args.keep else Path(tmp.name)
    directory.mkdir(parents=True, exist_ok=True)
    csv_path, overlap_path = write_files(directory, args.lines)
    csv_mb = csv_path.stat().st_size / 1e6
    print(f"file: {csv_path.name} ({csv_mb:.0f} MB); cores: {os.cpu_count()}, "
          f"load average: {os.getloadavg()[0]:.1f}")
    results: dict[str, list[dict]] = {}
    sizes = []
    for i in range(args.runs):
        ws_dir = Path(tmp.name) / f"ws{i}"
        ws_dir.mkdir()
        ws_path = ws_dir / "workspace.duckdb"
        results.setdefault("read", []).append(_run("read", csv_path, ws_path))
        results.setdefault("import", []).append(_run("import", csv_path, ws_path))
        sizes.append(sum(f.stat().st_size for f in ws_dir.iterdir()) / 1e6)
        results.setdefault("reopen", []).append(_run("reopen", csv_path, ws_path))
        results.setdefault("reimport", []).append(_run("reimport", csv_path, ws_path))
        results.setdefault("overlap", []).append(_run("overlap", overlap_path, ws_path))
        shutil.rmtree(ws_dir)
    med = {k: {m: statistics.median(r[m] for r in runs) for m in ("wall", "cpu", "peak_mb")}
           for k, runs in results.items()}
    print(f"\n{'step':10s} {'wall s':>8s} {'cpu s':>8s} {'peak MB':>8s}   (median of {args.runs})")
    for step, m in med.items():
        print(f"{step:10s} {m['wall']:8.2f} {m['cpu']:8.2f} {m['peak_mb']:8.0f}")
    last = {k: {c: v for c, v in runs[-1].items() if c in ("added", "updated", "unchanged", "duplicates")}
            for k, runs in results.items() if k in ("import", "reimport", "overlap")}
    print(f"\ncounts: {json.dumps(last)}")
    ratio = med["import"]["wall"] / med["read"]["wall"]
    size = statistics.median(sizes)
    print(f"import / plain read: {ratio:.2f}x (target <= 2x) {'OK' if ratio <= 2 else 'MISSED'}")
    print(f"reopen {args.lines:,} lines: {med['reopen']['wall']:.2f} s (target < 1 s) "
          f"{'OK' if med['reopen']['wall'] < 1 else 'MISSED'}")
    print(f"workspace file {size:.0f} MB vs CSV {csv_mb:.0f} MB: {size / csv_mb:.2f}x (target <= 1) "
          f"{'OK' if size <= csv_mb else 'MISSED'}")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
