"""``python -m cbe_core validate``: report, JSON keys, exit codes, and a fast start."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "io"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cbe_core", "validate", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_json_report_has_the_documented_keys_and_numbers():
    res = cli("orders", str(DATA / "orders_canonical.csv"), "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["rows_read"] == 5 and out["rows_loaded"] == 5
    # USD 2 x 19.99 and EUR 24.50 + 19.99 were once summed as 84.47 "of something"; now the sales are in
    # one reporting currency, by default the one of most of the revenue (EUR 44.49 > USD 39.98), the
    # USD line at the ECB rate of Friday 27 February 2026 (1 EUR = 1.1805 USD) as it sold on a Sunday
    assert out["currency"] == "EUR" and out["currencies"] == {"USD": 2, "EUR": 2, "GBP": 1}
    assert out["no_rate"] == {}
    assert out["sales_lines"] == 3 and out["revenue"] == round(44.49 + 39.98 / 1.1805, 2) == 78.36
    assert out["customers"] == 2
    assert out["first_date"] == "2026-03-01" and out["last_date"] == "2026-03-01"
    assert out["dropped"] == {} and out["fixed"] == {}
    assert out["mapping"]["order_id"] == "order_id"


def test_json_revenue_in_the_currency_asked_for():
    res = cli("orders", str(DATA / "orders_canonical.csv"), "--json", "--currency", "usd")
    out = json.loads(res.stdout)
    assert res.returncode == 0, res.stderr
    assert out["currency"] == "USD" and out["revenue"] == round(39.98 + 44.49 * 1.1805, 2)
    bad = cli("orders", str(DATA / "orders_canonical.csv"), "--currency", "dollars")
    assert bad.returncode == 2 and "not a currency code" in bad.stderr and "Traceback" not in bad.stderr


def test_json_customers_is_null_without_customer_ids():
    res = cli("orders", str(DATA / "orders_amazon_all_orders.txt"), "--json")
    out = json.loads(res.stdout)
    assert res.returncode == 0 and out["customers"] is None
    assert out["fixed"]["io.fix.amazon_line_total"] == 2


def test_text_report_in_chinese():
    res = cli("orders", str(DATA / "orders_erp_gbk.csv"), "--lang", "zh")
    assert res.returncode == 0, res.stderr
    assert "读取 5 行，载入 4 行" in res.stdout
    assert "销售行 2" in res.stdout


def test_period_and_mapping_arguments():
    res = cli("traffic", str(DATA / "traffic_amazon_business_child.csv"), "--from", "2026-03-01",
              "--to", "2026-03-31", "--json")
    out = json.loads(res.stdout)
    assert res.returncode == 0 and out["first_date"] == "2026-03-01" and out["last_date"] == "2026-03-31"
    odd = ROOT / "tests" / "data" / "io" / "orders_canonical.csv"
    res = cli("orders", str(odd), "--map", "customer_id=country", "--json")
    assert json.loads(res.stdout)["mapping"]["customer_id"] == "country"


@pytest.mark.parametrize(
    "args,message",
    [
        (("orders", "does/not/exist.csv"), "was not found"),
        (("orders", str(DATA / "traffic_ga4_landing_page.csv")), "needs column(s) order_id"),
        (("traffic", str(DATA / "traffic_amazon_business_child.csv")), "--from and --to"),
        (("orders", str(DATA / "orders_canonical.csv"), "--from", "2026-03-01"), "Give both --from and --to"),
        (("orders", str(DATA / "orders_canonical.csv"), "--from", "March", "--to", "2026-03-02"),
         "'March' is not a date"),
        (("orders", str(DATA / "orders_canonical.csv"), "--map", "order_id"), "is not a mapping"),
    ],
    ids=["missing-file", "missing-columns", "needs-period", "half-period", "bad-date", "bad-map"],
)
def test_unusable_input_exits_2_with_a_message_and_no_traceback(args, message):
    res = cli(*args)
    assert res.returncode == 2
    assert message in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""


def test_unusable_input_message_in_chinese():
    res = cli("orders", str(DATA / "traffic_ga4_landing_page.csv"), "--lang", "zh")
    assert res.returncode == 2 and "映射" in res.stderr


def test_validate_does_not_import_plotting_or_modelling_libraries():
    code = (
        "import sys, runpy\n"
        "sys.argv = ['cbe_core', 'validate', 'orders', {!r}, '--json']\n"
        "import cbe_core.cli.validate\n"
        "from cbe_core.__main__ import main\n"
        "import io, contextlib\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    rc = main(sys.argv[1:])\n"
        "heavy = sorted(m for m in ('altair', 'sklearn', 'scipy', 'streamlit', 'matplotlib') "
        "if m in sys.modules)\n"
        "print(rc, heavy)\n"
    ).format(str(DATA / "orders_canonical.csv"))
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.stdout.strip() == "0 []", res.stderr
