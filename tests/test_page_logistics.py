"""AppTest of the logistics page in both languages, on the bundled sample store."""

from __future__ import annotations

import re

import pytest
from pagetest import run_page

HAN = re.compile("[\u4e00-\u9fff]")


def run(lang="en", **state):
    return run_page("4_Logistics.py", lang, state=state, timeout=90)


def texts(at):
    return " ".join(
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [w.value for w in at.warning]
        + [s.value for s in at.success]
        + [m.label for m in at.metric]
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_answers_with_a_recommendation_and_flags_the_planted_carriers(lang):
    at = run(lang)
    title = at.title[0].value
    assert ("cost" in title) if lang == "en" else HAN.search(title)
    labels = [m.label for m in at.metric]
    assert len(labels) >= 3 and all(m.value not in ("", "—") for m in at.metric[:3])
    warnings = " ".join(w.value for w in at.warning)
    assert "LineOne" in warnings and "RapidLine" in warnings  # L1 and L2 of the sample store
    assert len(at.get("vega_lite_chart")) >= 5  # trade-off, breakdown, mix shares, mix curve, Monte Carlo
    assert at.get("download_button")


def test_picking_a_sku_prefills_the_parcel_and_plans_its_stock():
    at = run("en", logi_sku="KIT-03")
    weight = next(n for n in at.number_input if n.key == "logi_w_KIT-03")
    assert weight.value == pytest.approx(1.9)
    assert any("KIT-03" in c.value for c in at.caption)  # the demand line of the reorder panel
    assert any(m.label == "Reorder point" for m in at.metric)


def test_an_impossible_on_time_target_says_so():
    at = run("en", logi_target=99, logi_modes=["postal"])
    assert any("No mix" in w.value for w in at.warning)


def test_heavy_parcel_shows_why_postal_cannot_carry_it():
    at = run("zh", logi_w_=5.0)
    assert HAN.search(texts(at))
    options = next(d.value for d in at.dataframe if "不可用原因" in d.value.columns)
    reasons = dict(zip(options["渠道"], options["不可用原因"]))
    assert (
        "超重" in reasons["Postal registered air mail"] and "2 千克" in reasons["Postal registered air mail"]
    )
