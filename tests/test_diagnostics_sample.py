"""The planted situations D1-D7 of the sample store (see sample_data/README.md and PLANTS) are found;
the healthy twin (same generator, nothing planted) has no high-severity finding."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cbe_core import diagnostics as dg
from cbe_core import sample


@pytest.fixture(scope="module")
def planted():
    s = sample.generate_store()
    return dg.run_all(s["orders"], s["traffic"], s["ads"], s["products"])


@pytest.fixture(scope="module")
def healthy():
    s = sample.generate_store(plant=False)
    return dg.run_all(s["orders"], s["traffic"], s["ads"], s["products"])


def _find(res, code, slice_=None):
    return [f for f in res.findings if f.code == code and (slice_ is None or f.slice == slice_)]


def test_d1_high_traffic_low_conversion_sku_is_found(planted):
    (f,) = _find(planted, "high_traffic_low_conversion", sample.D1_SKU)
    assert f.severity == "high"
    assert f.evidence["sessions_rank"] <= 3
    assert f.evidence["conversion"] < 0.5 * f.evidence["median_conversion"]


def test_d2_high_conversion_low_order_value_sku_is_found(planted):
    (f,) = _find(planted, "high_conversion_low_aov", sample.D2_SKU)
    assert f.evidence["aov"] < 0.5 * f.evidence["median_aov"]


def test_d3_campaign_below_break_even_is_found(planted):
    (f,) = _find(planted, "campaign_below_break_even", sample.D3_CAMPAIGN)
    assert f.evidence["acos"] > f.evidence["break_even_acos"]
    assert f.evidence["months_below"] >= 12


def test_d4_conversion_drop_week_is_found(planted):
    hits = [f for f in _find(planted, "conversion_rate_drop")
            if f.evidence["start"] <= str(sample.D4_END) and f.evidence["end"] >= str(sample.D4_START)]
    assert len(hits) == 1
    assert hits[0].severity == "high"
    assert hits[0].evidence["days"] >= 3


def test_d5_source_concentration_is_found(planted):
    (f,) = _find(planted, "source_concentration", sample.D5_SOURCE)
    assert f.evidence["revenue_share"] > 0.6


def test_d6_high_bounce_page_is_found(planted):
    (f,) = _find(planted, "high_bounce", sample.D6_SKU)
    assert f.evidence["bounce_rate"] > 0.7


def test_d7_one_day_ad_spend_spike_is_found(planted):
    (f,) = _find(planted, "ad_spend_spike", sample.D7_CAMPAIGN)
    assert f.evidence["start"] == f.evidence["end"] == str(sample.D7_DATE)


def test_planted_findings_lead_the_ranking_by_money(planted):
    money = [f.money_at_stake for f in planted.findings]
    assert money == sorted(money, reverse=True)
    top_codes = {f.code for f in planted.findings[:4]}
    assert {"high_traffic_low_conversion", "source_concentration"} <= top_codes


def test_healthy_store_has_no_high_severity_finding(healthy):
    assert [f for f in healthy.findings if f.severity == "high"] == []
    planted_codes = {"high_traffic_low_conversion", "high_conversion_low_aov", "campaign_below_break_even",
                     "source_concentration", "high_bounce"}
    assert not planted_codes & {f.code for f in healthy.findings}


def test_healthy_store_raises_few_swing_alarms(healthy):
    assert len(healthy.findings) <= 5


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_finding_reads_fully_in_both_languages(planted, lang):
    for f in planted.findings:
        text, action = f.message(lang), f.action(lang)
        assert "{" not in text and "diag." not in text, text
        assert action and "diag." not in action
        if lang == "zh":
            assert re.search("[\u4e00-\u9fff]", text)


def test_decomposition_last_quarter_adds_up(planted):
    s = sample.generate_store()
    res = dg.run_all(s["orders"], s["traffic"], s["ads"], s["products"], start="2026-08-01", end="2026-10-31")
    dec = res.decomposition
    assert sum(dec.effects.values()) == pytest.approx(dec.change, rel=1e-9)
    assert dec.by_sku["change"].sum() == pytest.approx(dec.change, rel=1e-9)
    # the D4 conversion drop pulls conversion's effect down against the previous quarter
    assert dec.factors == ("sessions", "conversion", "aov")
    assert res.comparison.set_index("kpi").loc["revenue", "previous"] > 0


def test_source_slice_of_the_sample_store_matches_the_traffic_orders(planted):
    s = sample.generate_store()
    k = dg.kpis(s["orders"], s["traffic"], slice_dim="source", slice_value="email")
    t = s["traffic"]
    assert k.get("sessions") == pytest.approx(float(t.loc[t["source"] == "email", "sessions"].sum()))
    assert isinstance(k.get("revenue"), float)


def test_slices_add_up_to_the_store(planted):
    s = sample.generate_store()
    total = planted.kpis.get("revenue")
    by_channel = sum(dg.kpis(s["orders"], slice_dim="channel", slice_value=c, start=planted.start,
                             end=planted.end).get("revenue") for c in s["orders"]["channel"].unique())
    assert by_channel == pytest.approx(total)
    assert isinstance(planted.by_sku, pd.DataFrame) and len(planted.by_sku) == 30
