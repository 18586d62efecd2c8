"""Logistics: what each way to ship really costs per order, how fast it arrives, what mix to use.

Decides, for a product and a market: the chargeable weight and price under each rate card
(:mod:`.pricing`), the duty / VAT estimate for a date (:mod:`.customs`), the delivery-time distribution
(:mod:`.delivery`), every option's cost and on-time probability (:mod:`.quoting`), the recommended
service, the cheapest mix for an on-time target and a Monte Carlo month (:mod:`.choice`), carrier
scorecards from the shipment history (:mod:`.carriers`), overseas-warehouse reorder points
(:mod:`.reorder`), the seasonal demand forecast (:mod:`.forecast`) and the restock plan for every SKU
(:mod:`.restock`). Owns the bundled rate cards, duty rules, FBA fees and FX table (:mod:`.reference`).
Money in USD (cards in another currency are converted with ``fx_rates.csv``), weights in kg, sizes in
cm, times in days.

Never parses a seller's file (``cbe_core.ingest`` does), never imports streamlit and never formats for
the screen: results are frames and dataclasses; the only text is catalog sentences
(:func:`describe_reason`, :func:`describe_flag`).
"""

from ._common import COST_COLUMNS, DAYS_PER_MONTH, PARCEL_MODES, STOCK_MODES
from .carriers import SCORE_WEIGHTS, Scorecard, carrier_scorecard, describe_flag
from .choice import (
    MixResult,
    MonteCarloResult,
    best_mix,
    mix_and_simulate,
    pareto_front,
    recommend,
    simulate_month,
)
from .customs import duties
from .delivery import fit_history, lognormal_from_range, on_time_probability
from .forecast import DemandForecast, forecast_demand
from .pricing import (
    chargeable_weight,
    check_rate_cards,
    fba_fee,
    fba_size_tier,
    parse_dims,
    price_first_extra,
    price_per_kg,
    round_up,
    volumetric_weight,
)
from .quoting import (
    OPTION_COLUMNS,
    Quote,
    QuoteParams,
    describe_reason,
    quote,
    quote_many,
    quote_with_history,
)
from .reference import default_duty_rules, default_fba_fees, default_fx, default_rate_cards
from .reorder import ReorderResult, demand_stats, lead_time_demand_sd, lead_time_stats, reorder_point
from .restock import (
    PLAN_COLUMNS,
    STATUSES,
    RestockResult,
    Route,
    default_aged_surcharge,
    default_storage_fees,
    restock_findings,
    restock_plan,
    routes,
    storage_cost,
    warehouse_type,
)

__all__ = [
    "COST_COLUMNS", "DAYS_PER_MONTH", "OPTION_COLUMNS", "PARCEL_MODES", "SCORE_WEIGHTS", "STOCK_MODES",
    "MixResult", "MonteCarloResult", "Quote", "QuoteParams", "ReorderResult", "Scorecard", "best_mix",
    "carrier_scorecard", "chargeable_weight", "check_rate_cards", "default_duty_rules", "default_fba_fees",
    "default_fx", "default_rate_cards", "demand_stats", "describe_flag", "describe_reason", "duties",
    "fba_fee", "fba_size_tier", "fit_history", "lead_time_stats", "lognormal_from_range", "mix_and_simulate",
    "on_time_probability", "pareto_front", "parse_dims", "price_first_extra", "price_per_kg", "quote",
    "quote_many", "quote_with_history", "recommend", "reorder_point", "round_up", "simulate_month",
    "volumetric_weight",
    "PLAN_COLUMNS", "STATUSES", "DemandForecast", "RestockResult", "Route", "default_aged_surcharge",
    "default_storage_fees", "forecast_demand", "lead_time_demand_sd", "restock_findings", "restock_plan",
    "routes", "storage_cost", "warehouse_type",
]
