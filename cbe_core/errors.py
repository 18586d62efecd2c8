"""The project's one error type for structural faults in the seller's data or arguments.

Row-level problems never raise: they are counted in the load report. A ``DataError`` carries a catalog
key and parameters, so pages and the command line can show it in the chosen language::

    raise DataError("err.missing_column", file="orders.csv", column="order_date", found="Date, SKU")
"""

from __future__ import annotations


class DataError(ValueError):
    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        from .i18n import t

        return t(self.key, lang, **self.params)
