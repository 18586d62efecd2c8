"""Property tests for the reader: random tables round-trip, random bytes never crash it."""

from __future__ import annotations

import csv
import io as _io

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cbe_core import ingest
from cbe_core.errors import DataError

ids = st.from_regex(r"[A-Z]{1,3}[0-9]{1,6}", fullmatch=True)
names = (st.text(alphabet=st.sampled_from(list("abcdefgh xyzÄé中文订单")), min_size=1, max_size=12)
         .map(str.strip).filter(bool))
days = st.dates(min_value=pd.Timestamp("2000-01-01").date(), max_value=pd.Timestamp("2030-12-31").date())
line = st.tuples(ids, days, st.integers(0, 86399), ids, st.integers(-50, 500), st.integers(1, 10_000_000),
                 names)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(line, min_size=1, max_size=30),
    delim=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    date_style=st.sampled_from(["iso", "dmy", "slash-ymd"]),
)
def test_random_tables_round_trip(rows, delim, encoding, date_style):
    buf = _io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator="\r\n")
    # a GBK/GB18030 export from a Chinese tool has Chinese headers (what tells it from Windows-1252)
    name_header = "客户名称" if encoding == "gb18030" else "customer_name"
    w.writerow(["order_id", "order_date", "sku", "quantity", "unit_price", name_header])
    expected = []
    for oid, day, secs, sku, qty, cents, name in rows:
        stamp = pd.Timestamp(day) + pd.Timedelta(seconds=secs)
        text = {
            "iso": stamp.strftime("%Y-%m-%d %H:%M:%S"),
            "dmy": stamp.strftime("%d.%m.%Y %H:%M:%S"),
            "slash-ymd": stamp.strftime("%Y/%m/%d %H:%M:%S"),
        }[date_style]
        price = cents / 100
        price_text = f"{price:.2f}".replace(".", ",") if delim == ";" else f"{price:.2f}"
        w.writerow([oid, text, sku, qty, price_text, name])
        expected.append((oid, stamp, sku, qty, price, name))
    frame, rep = ingest.read_table(buf.getvalue().encode(encoding), "orders", filename="r.csv")
    assert rep.rows_read == len(rows) == rep.rows_loaded
    assert rep.dropped == {}
    assert frame["order_id"].tolist() == [e[0] for e in expected]
    assert frame["order_date"].tolist() == [e[1] for e in expected]
    assert frame["sku"].tolist() == [e[2] for e in expected]
    assert frame["quantity"].tolist() == [e[3] for e in expected]
    np.testing.assert_allclose(frame["unit_price"].to_numpy(), [e[4] for e in expected])
    assert frame["customer_name"].tolist() == [e[5] for e in expected]


@settings(max_examples=300, deadline=None)
@given(blob=st.binary(max_size=2000), table=st.sampled_from(["orders", "traffic", "ads", "products"]))
def test_random_bytes_never_crash_the_reader(blob, table):
    try:
        frame, rep = ingest.read_table(blob, table, filename="junk.csv")
    except DataError:
        return
    assert rep.rows_loaded == len(frame) <= rep.rows_read


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(st.lists(st.text(max_size=8), min_size=5, max_size=5), min_size=1, max_size=10),
    delim=st.sampled_from([",", ";", "\t"]),
)
def test_random_text_cells_under_real_headers_never_crash(cells, delim):
    buf = _io.StringIO()
    w = csv.writer(buf, delimiter=delim)
    w.writerow(["order_id", "order_date", "sku", "quantity", "unit_price"])
    w.writerows(cells)
    try:
        frame, rep = ingest.read_table(buf.getvalue().encode("utf-8"), "orders", filename="cells.csv")
    except DataError:
        return
    counted = sum(rep.dropped.values())
    assert rep.rows_loaded == len(frame)
    assert rep.rows_loaded + counted == rep.rows_read  # nothing dropped without being counted
