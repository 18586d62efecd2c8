"""Ingest benchmark: the project's reader against bare pandas on the same files, in the same run.

    python bench/ingest.py [--lines 1000000] [--xlsx-lines 200000] [--runs 3] [--keep DIR]

Writes a CSV of N order lines (``cbe_core.sample.generate_orders``) and an XLSX of M lines
(xlsxwriter, constant memory), then times, each in a fresh subprocess so peak memory is per path:

- ``ours-csv``      ``cbe_core.ingest.read_table(csv, "orders")``: read + clean + validate (+ report)
- ``pandas-csv``    ``pandas.read_csv(csv, parse_dates=["order_date"])`` (the peer)
- ``ours-xlsx``     ``cbe_core.ingest.read_table(xlsx, "orders")`` (python-calamine)
- ``openpyxl-xlsx`` ``pandas.read_excel(xlsx, engine="openpyxl")`` (the peer)

Prints the median wall seconds, CPU seconds and peak resident memory (VmHWM) of each path over
``--runs`` runs, and the ratios: ours/pandas on CSV (target <= 1.5), openpyxl/ours on XLSX (target
>= 4), peak memory (target < 1 GB). Timings cover the read call only: imports are excluded and each CSV
path first reads the file's first 2,000 lines once (first-call set-up), the same for both sides.
The machine is shared: run it a few times and read the medians.
"""

from __future__ import annotations

import argparse
import json
import os
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
    """Peak resident memory of this process (VmHWM; fresh after exec, unlike ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warm_up(path_kind: str, file: str) -> None:
    """Read the first 2,000 lines once through the same path (first-call set-up: lazy imports,
    compiled regexes, kernel registries), so both sides are timed in steady state."""
    import pandas as pd

    from cbe_core import ingest

    if path_kind.endswith("csv"):
        with open(file, "rb") as fh:
            head = b"".join(fh.readline() for _ in range(2001))
        if path_kind == "ours-csv":
            ingest.read_table(head, "orders", filename="warm.csv")
        else:
            import io as _io

            pd.read_csv(_io.BytesIO(head), parse_dates=["order_date"])


def _child(path_kind: str, file: str) -> None:
    import pandas as pd

    from cbe_core import ingest

    _warm_up(path_kind, file)
    t0, c0 = time.perf_counter(), time.process_time()
    if path_kind in ("ours-csv", "ours-xlsx"):
        frame, report = ingest.read_table(file, "orders")
        rows = report.rows_loaded
    elif path_kind == "pandas-csv":
        frame = pd.read_csv(file, parse_dates=["order_date"])
        rows = len(frame)
    elif path_kind == "openpyxl-xlsx":
        frame = pd.read_excel(file, engine="openpyxl")
        rows = len(frame)
    else:  # pragma: no cover
        raise SystemExit(f"unknown path {path_kind}")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_mb = _peak_mb()
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_mb": peak_mb, "rows": rows}))


def _run(path_kind: str, file: Path) -> dict:
    res = subprocess.run(
        [sys.executable, __file__, "--child", path_kind, str(file)], capture_output=True, text=True, cwd=ROOT
    )
    if res.returncode != 0:
        raise SystemExit(f"{path_kind} failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def write_files(directory: Path, lines: int, xlsx_lines: int) -> tuple[Path, Path]:
    from cbe_core.sample import generate_orders

    csv_path = directory / f"orders_{lines}.csv"
    xlsx_path = directory / f"orders_{xlsx_lines}.xlsx"
    if not csv_path.exists():
        frame = generate_orders(lines, seed=1).drop(columns=["cancelled"])
        frame.to_csv(csv_path, index=False, date_format="%Y-%m-%d %H:%M:%S")
    if not xlsx_path.exists():
        import xlsxwriter

        frame = generate_orders(xlsx_lines, seed=2).drop(columns=["cancelled"])
        wb = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
        ws = wb.add_worksheet("orders")
        dt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        ws.write_row(0, 0, list(frame.columns))
        cols = [frame[c].tolist() for c in frame.columns]
        date_col = list(frame.columns).index("order_date")
        for r in range(len(frame)):
            for c, values in enumerate(cols):
                v = values[r]
                if c == date_col:
                    ws.write_datetime(r + 1, c, v.to_pydatetime(), dt)
                else:
                    ws.write(r + 1, c, v)
        wb.close()
    return csv_path, xlsx_path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--xlsx-lines", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", help="directory to keep (and reuse) the generated files")
    ap.add_argument("--child", nargs=2, metavar=("PATH", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    tmp = None
    if args.keep:
        directory = Path(args.keep)
        directory.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory()
        directory = Path(tmp.name)
    t0 = time.perf_counter()
    csv_path, xlsx_path = write_files(directory, args.lines, args.xlsx_lines)
    print(f"files: {csv_path.name} ({csv_path.stat().st_size / 1e6:.0f} MB), "
          f"{xlsx_path.name} ({xlsx_path.stat().st_size / 1e6:.0f} MB), "
          f"written in {time.perf_counter() - t0:.1f} s")
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    results: dict[str, list[dict]] = {}
    plan = [("pandas-csv", csv_path), ("ours-csv", csv_path), ("ours-xlsx", xlsx_path),
            ("openpyxl-xlsx", xlsx_path)]
    for _ in range(args.runs):  # interleaved, so load changes hit every path alike
        for kind, path in plan:
            results.setdefault(kind, []).append(_run(kind, path))
    med = {k: {m: statistics.median(r[m] for r in runs) for m in ("wall", "cpu", "peak_mb")}
           for k, runs in results.items()}
    print(f"\n{'path':15s} {'wall s':>8s} {'cpu s':>8s} {'peak MB':>8s}   (median of {args.runs})")
    for kind, _ in plan:
        m = med[kind]
        print(f"{kind:15s} {m['wall']:8.2f} {m['cpu']:8.2f} {m['peak_mb']:8.0f}")
    csv_ratio = med["ours-csv"]["wall"] / med["pandas-csv"]["wall"]
    csv_cpu_ratio = med["ours-csv"]["cpu"] / med["pandas-csv"]["cpu"]
    xlsx_speedup = med["openpyxl-xlsx"]["wall"] / med["ours-xlsx"]["wall"]
    peak = max(med["ours-csv"]["peak_mb"], med["ours-xlsx"]["peak_mb"])
    print(f"\nCSV  ours / pandas.read_csv(parse_dates): {csv_ratio:.2f}x wall, {csv_cpu_ratio:.2f}x cpu "
          f"(target <= 1.5x wall) {'OK' if csv_ratio <= 1.5 else 'MISSED'}")
    print(f"XLSX openpyxl / ours: {xlsx_speedup:.1f}x faster (target >= 4x) "
          f"{'OK' if xlsx_speedup >= 4 else 'MISSED'}")
    print(f"peak memory of our reader: {peak:.0f} MB (target < 1024 MB) {'OK' if peak < 1024 else 'MISSED'}")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
