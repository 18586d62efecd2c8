"""What a read produces besides the frame: the load report, the inspection, the row counters, the summary.

:class:`LoadReport` counts every row read, loaded, dropped, fixed and excluded (catalog keys, example row
numbers); :class:`Inspection` is what a mapping screen needs before reading; ``_Acc`` collects the counts
of one read; :func:`summarize` gives the headline figures of a canonical frame.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from .. import schema
from ..i18n import t

EXAMPLES = 5


@dataclass(frozen=True)
class LoadReport:
    """What happened to a file on its way to a canonical table.

    ``dropped``/``fixed``/``excluded`` map catalog keys (``io.reason.*``, ``io.fix.*``,
    ``io.excluded.*``) to counts; ``examples`` maps the same keys to up to five row numbers as the
    seller sees them in the file (header = row 1 when it is the first line).
    """

    file: str
    table: str
    rows_read: int
    rows_loaded: int
    dropped: dict[str, int] = field(default_factory=dict)
    fixed: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[int]] = field(default_factory=dict)
    excluded: dict[str, int] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    layout: str | None = None
    encoding: str = "utf-8"
    delimiter: str | None = None
    notes: tuple[tuple[str, dict], ...] = ()
    currencies: dict[str, int] = field(default_factory=dict)
    """Rows per source currency (ISO code) in the loaded frame; rows of unknown currency (the store's
    currency applies) are not counted here: ``rows_loaded - sum(currencies.values())``."""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["notes"] = [{"key": k, "params": dict(p)} for k, p in self.notes]
        return d

    def describe(self, lang: str | None = "en") -> list[str]:
        """Human-readable lines in ``lang`` (en/zh)."""
        lines = [
            t(
                "io.describe.summary",
                lang,
                file=self.file,
                table=t(f"io.table.{self.table}", lang),
                read=f"{self.rows_read:,}",
                loaded=f"{self.rows_loaded:,}",
            )
        ]
        if self.layout:
            lines.append(t("io.describe.layout", lang, layout=t(f"io.layout.{self.layout}", lang)))
        delim = {",": "','", ";": "';'", "\t": "TAB", "|": "'|'"}.get(self.delimiter or "", "")
        if self.encoding == "xlsx":
            lines.append(t("io.describe.workbook", lang))
        else:
            lines.append(t("io.describe.format", lang, encoding=self.encoding, delimiter=delim or "-"))
        for group, key in ((self.dropped, "io.describe.dropped"), (self.fixed, "io.describe.fixed")):
            for reason, n in group.items():
                rows = ", ".join(str(r) for r in self.examples.get(reason, []))
                lines.append(t(key, lang, count=f"{n:,}", reason=t(reason, lang), rows=rows or "-"))
        for reason, n in self.excluded.items():
            lines.append(t("io.describe.excluded", lang, count=f"{n:,}", reason=t(reason, lang)))
        if self.mapping:
            pairs = "; ".join(f"{k} ← {v}" for k, v in self.mapping.items())
            lines.append(t("io.describe.mapping", lang, pairs=pairs))
        for key, params in self.notes:
            lines.append(t(key, lang, **params))
        return lines


@dataclass(frozen=True)
class Inspection:
    """What the mapping UI needs: the headers found, the automatic mapping and what is missing."""

    headers: list[str]
    mapping: dict[str, str]
    missing_required: list[str]
    layout: str | None
    preview: pd.DataFrame
    encoding: str
    delimiter: str | None
    needs_period: bool = False
    """True for reports without a date column (and no period in the file): pass ``period`` to read."""


class _Acc:
    """Counters of one read (local to the call; never shared)."""

    def __init__(self, first_row: int) -> None:
        self.first_row = first_row  # spreadsheet row number of the first data row
        self.dropped: dict[str, int] = {}
        self.fixed: dict[str, int] = {}
        self.examples: dict[str, list[int]] = {}
        self.excluded: dict[str, int] = {}
        self.notes: list[tuple[str, dict]] = []
        self.row_numbers: np.ndarray | None = None  # spreadsheet row of each data row

    def _rows(self, mask: np.ndarray) -> list[int]:
        idx = np.flatnonzero(mask)[:EXAMPLES]
        if self.row_numbers is not None:
            return [int(self.row_numbers[i]) for i in idx]
        return [int(i) + self.first_row for i in idx]

    def _merge(self, key: str, rows: list[int]) -> None:
        self.examples[key] = sorted(set(self.examples.get(key, [])) | set(rows))[:EXAMPLES]

    def drop(self, key: str, mask: np.ndarray) -> None:
        n = int(mask.sum())
        if n:
            self.dropped[key] = self.dropped.get(key, 0) + n
            self._merge(key, self._rows(mask))

    def fix(self, key: str, mask_or_count, rows: list[int] | None = None) -> None:
        if isinstance(mask_or_count, (int, np.integer)):
            n = int(mask_or_count)
            ex = rows or []
        else:
            n = int(mask_or_count.sum())
            ex = self._rows(mask_or_count) if n else []
        if n:
            self.fixed[key] = self.fixed.get(key, 0) + n
            if ex:
                self._merge(key, ex)

    def note(self, key: str, **params) -> None:
        if (key, params) not in self.notes:
            self.notes.append((key, params))


def _iso(ts) -> str | None:
    if ts is None or pd.isna(ts):
        return None
    return pd.Timestamp(ts).strftime("%Y-%m-%d")


def summarize(frame: pd.DataFrame, table: str) -> dict:
    """Headline figures of a canonical frame.

    orders: ``rows``, ``sales_lines`` (not cancelled, quantity and price above zero), ``revenue``
    (sum of quantity x unit_price over them), ``customers`` (distinct ids among them; ``None`` without
    ids), ``first_date``/``last_date`` (``YYYY-MM-DD`` of the first/last sales line). Other tables:
    ``rows`` and, where the table is dated, ``first_date``/``last_date``.
    """
    out: dict = {"rows": int(len(frame))}
    if table == "orders":
        sales = schema.sales_lines(frame)
        out["sales_lines"] = int(len(sales))
        out["revenue"] = round(float((sales["quantity"] * sales["unit_price"]).sum()), 2)
        out["customers"] = int(sales["customer_id"].nunique()) if schema.has_customers(frame) else None
        out["first_date"] = _iso(sales["order_date"].min()) if len(sales) else None
        out["last_date"] = _iso(sales["order_date"].max()) if len(sales) else None
        return out
    for dcol in ("date", "ship_date", "as_of"):
        if dcol in frame.columns and len(frame):
            out["first_date"] = _iso(frame[dcol].min())
            end = "date_end" if "date_end" in frame.columns and dcol == "date" else dcol
            out["last_date"] = _iso(frame[end].max())
            break
    return out
