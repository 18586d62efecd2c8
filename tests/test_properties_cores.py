"""No traceback for any combination of tables and periods (hypothesis over the decision cores).

Random row subsets of the sample tables, tables left out, traffic and ads shifted in time (so their dates
may not overlap the orders'), periods inside or far outside the data, slices and comparisons: every page
core (the diagnosis, competitors, logistics quote and carrier scorecard, RFM, segments, migration,
clustering, CLV) must return a result, or raise :class:`~cbe_core.errors.DataError` with a message in
both languages. Anything else fails the test. Derandomised with a fixed number of examples so the suite
stays quick and the same cases run everywhere.
"""

from __future__ import annotations

import os
from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cbe_core import competitors as cp
from cbe_core import diagnostics as dg
from cbe_core import export
from cbe_core import logistics as lg
from cbe_core.customers import clv, rfm
from cbe_core.errors import DataError
from cbe_core.ingest import currency as fx
from cbe_core.ingest import read_table
from tests.conftest import ROOT

# CBE_PROPERTY_EXAMPLES=1000 runs a longer, randomised hunt locally (the suite keeps the fixed cases)
HUNT = int(os.environ.get("CBE_PROPERTY_EXAMPLES", "0"))
SETTINGS = settings(max_examples=HUNT or 60, derandomize=not HUNT, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))
FEW = settings(max_examples=HUNT or 30, derandomize=not HUNT, deadline=None, database=None,
               suppress_health_check=list(HealthCheck))


@cache
def sample(name: str) -> pd.DataFrame:
    return read_table(ROOT / "sample_data" / f"{name}.csv", name)[0]


def subset(frame: pd.DataFrame, seed: int, size: int) -> pd.DataFrame:
    """``size`` random rows (all rows of a small table), in date order when the table is dated."""
    rng = np.random.default_rng(seed)
    take = np.sort(rng.choice(len(frame), min(size, len(frame)), replace=False))
    return frame.iloc[take].reset_index(drop=True)


def shifted(frame: pd.DataFrame, days: int) -> pd.DataFrame:
    out = frame.copy()
    for c in ("date", "date_end"):
        if c in out.columns:
            out[c] = out[c] + pd.Timedelta(days=days)
    return out


def expect_result_or_message(fn, *args, **kwargs):
    """Run a core; a DataError must carry a message in both languages; any other exception fails."""
    try:
        return fn(*args, **kwargs)
    except DataError as exc:
        assert exc.message("en") and exc.message("zh")
        return None


DAY0 = pd.Timestamp("2025-05-01")
days = st.integers(-900, 1500)
sizes = st.sampled_from([0, 1, 2, 5, 30, 300, 3000])
seeds = st.integers(0, 2**16)


def relabel(frame: pd.DataFrame, seed: int, currencies: tuple[str, ...]) -> pd.DataFrame:
    """Some lines re-labelled into other currencies (JPY and EUR have ECB rates, TWD has none), then
    everything converted into USD as the app and the CLI do."""
    if not currencies or not len(frame):
        return frame
    rng = np.random.default_rng(seed)
    out = frame.copy()
    pick = rng.integers(0, len(currencies) + 1, len(out))
    labels = np.array(["USD", *currencies], dtype=object)[pick]
    out["currency"] = pd.array(labels, dtype="str")
    return fx.convert(out, "orders", "USD")[0]


@st.composite
def stores(draw):
    orders = subset(sample("orders"), draw(seeds), draw(sizes.filter(bool)))
    orders = relabel(orders, draw(seeds), draw(st.sampled_from([(), (), ("EUR",), ("EUR", "JPY", "TWD")])))
    tables = {"orders": orders}
    for name in ("traffic", "ads", "products"):
        if draw(st.booleans()):
            frame = subset(sample(name), draw(seeds), draw(sizes))
            if name != "products":
                frame = shifted(frame, draw(st.sampled_from([0, 0, -400, 7, 900, -3000])))
            tables[name] = frame
        else:
            tables[name] = None
    return tables


@SETTINGS
@given(tables=stores(), start=days, length=st.integers(0, 400), whole=st.booleans(),
       compare_to=st.sampled_from(dg.COMPARISONS), dim=st.sampled_from([None, *dg.SLICE_DIMS]),
       pick=st.integers(0, 50), sens=st.sampled_from(list(dg.SENSITIVITY)))
def test_diagnosis_never_raises_anything_but_a_data_error(tables, start, length, whole, compare_to, dim,
                                                          pick, sens):
    o, tr, ad, pr = (tables[n] for n in ("orders", "traffic", "ads", "products"))
    value = None
    if dim is not None:
        values = expect_result_or_message(dg.slice_values, o, tr, pr, dim=dim)
        value = values[pick % len(values)] if values else f"none-{pick}"
    s = DAY0 + pd.Timedelta(days=start)
    period = {} if whole else {"start": str(s.date()), "end": str((s + pd.Timedelta(days=length)).date())}
    res = expect_result_or_message(dg.run_all, o, tr, ad, pr, compare_to=compare_to, slice_dim=dim,
                                   slice_value=value, sensitivity=sens, **period)
    if res is None:
        return
    dec = res.decomposition
    assert np.isclose(sum(dec.effects.values()), dec.change, rtol=1e-9, atol=1e-6)
    dg.kpis_json(res.kpis)
    dg.export_frames(res, "zh")
    dg.waterfall(dec)


@FEW
@given(seed=seeds, size=sizes.filter(bool), as_of=days, window=st.sampled_from([None, 1, 30, 365]),
       back=st.integers(1, 400), k=st.sampled_from([None, 2, 4]))
def test_rfm_segments_migration_and_clusters_never_crash(seed, size, as_of, window, back, k):
    o = relabel(subset(sample("orders"), seed, size), seed, ("EUR", "TWD"))
    day = DAY0 + pd.Timedelta(days=as_of)
    res = expect_result_or_message(rfm.analyse, o, as_of=str(day.date()), window_days=window)
    if res is not None:
        rfm.grid_counts(res.customers)
        rfm.segment_summary(res.customers)
        expect_result_or_message(rfm.cluster, res.customers, k=k, k_range=range(2, 4), sample_size=200)
        expect_result_or_message(export.segments_workbook, res.customers, None, lang="zh")
    expect_result_or_message(rfm.migration, o, str((day - pd.Timedelta(days=back)).date()), str(day.date()),
                             window_days=window)


@FEW
@given(seed=seeds, size=sizes.filter(bool), cal=days, hold=st.sampled_from([None, 30, 180]),
       unit=st.sampled_from(["week", "day"]))
def test_clv_fit_never_crashes(seed, size, cal, hold, unit):
    o = relabel(subset(sample("orders"), seed, size), seed, ("GBP", "TWD") if seed % 2 else ())
    cal_end = DAY0 + pd.Timedelta(days=cal)
    hold_end = None if hold is None else str((cal_end + pd.Timedelta(days=hold)).date())
    res = expect_result_or_message(clv.fit, o, str(cal_end.date()), hold_end, time_unit=unit)
    if res is not None and "segment" not in res.customers:
        base = expect_result_or_message(rfm.analyse, o)
        if base is not None:
            clv.value_by_segment(res.customers, base.customers)


@FEW
@given(seed=seeds, size=sizes.filter(bool), rseed=seeds, rsize=sizes, as_of=days,
       weeks=st.sampled_from([1, 13, 26, 52]), with_reviews=st.booleans())
def test_competitor_analysis_never_crashes(seed, size, rseed, rsize, as_of, weeks, with_reviews):
    comp = subset(sample("competitors"), seed, size)
    reviews = subset(sample("reviews"), rseed, rsize) if with_reviews else None
    res = expect_result_or_message(cp.analyze, comp, reviews, as_of=str((DAY0 + pd.Timedelta(days=as_of))
                                                                         .date()), window_weeks=weeks)
    if res is not None:
        cp.describe(res.gaps, "zh")
        cp.describe_movers(res.movers, "en")
        cp.export_sheets(res)


@FEW
@given(seed=seeds, size=sizes, dest=st.sampled_from(["US", "DE", "GB", "JP", "AU", "XX"]),
       weight=st.floats(0.01, 60), value=st.floats(0, 5000), promise=st.floats(0.5, 60),
       on=days, recent=st.sampled_from([1, 60, 400]))
def test_logistics_quote_and_scorecard_never_crash(seed, size, dest, weight, value, promise, on, recent):
    ships = subset(sample("shipments"), seed, size) if size else None
    day = str((DAY0 + pd.Timedelta(days=on)).date())
    expect_result_or_message(lg.quote_with_history, ships, weight_kg=weight, dims=(30, 20, 10), value=value,
                             dest=dest, promise_days=promise, on=day)
    if ships is not None:
        expect_result_or_message(lg.carrier_scorecard, ships, recent_days=recent)


@pytest.mark.parametrize("shift", [-900, 900], ids=["traffic_before_orders", "traffic_after_orders"])
def test_traffic_that_does_not_overlap_the_orders_gives_not_available_not_a_crash(shift):
    """The reported crash: ZeroDivisionError in the per-source table when traffic dates missed the orders'."""
    res = dg.run_all(sample("orders"), shifted(sample("traffic"), shift), None, None)
    assert res.kpis.get("sessions") is None
    assert res.kpis.reasons["sessions"].startswith("diag.na.")
    assert res.by_source is None


def test_cli_diagnose_with_traffic_outside_the_orders_dates_says_not_available(tmp_path, capsys):
    """The reported traceback, through the command line: exit 0, sessions not available with the reason."""
    from cbe_core.__main__ import main

    path = tmp_path / "traffic.csv"
    shifted(sample("traffic"), 900).to_csv(path, index=False, date_format="%Y-%m-%d")
    orders = str(ROOT / "sample_data" / "orders.csv")
    assert main(["diagnose", "--orders", orders, "--traffic", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert "Sessions: not available (no traffic rows in this period)" in out
