"""Ingest: the only place that parses files, into canonical frames with a load report.

``read_table(source, table)`` reads a seller's CSV/TSV/XLSX export (path, bytes or file-like) and returns
``(frame, LoadReport)``: the frame has the columns and kinds of :mod:`cbe_core.schema`; the report counts
every row read, loaded, dropped, fixed and excluded from sales. ``inspect_file`` gives what a mapping
screen needs before reading; ``summarize`` the headline figures of a canonical frame.

This package never decides anything (no KPIs, segments or recommendations), never imports streamlit and
never formats for a screen: it returns frames, reports and catalog keys that pages, the command line and
exports turn into text. Structural faults raise :class:`~cbe_core.errors.DataError`; row-level problems
are counted in the report.

Modules, lowest first: ``headers`` (header normalisation: dashes, NBSP, full-width brackets, units),
``money`` (currency codes and symbols, marketplaces, preambles: which currency a row is in), ``parse``
(text cells to numbers, money with its currency, dates, booleans), ``periods`` (week/month/offset
rows to their own period), ``report`` (LoadReport, Inspection, row counters, summarize), ``layouts``
(platform exports), ``sniff`` (bytes, encoding, delimiter, header row, preamble), ``xlsx`` (workbooks),
``mapping`` (headers to canonical columns, template CSV), ``convert`` (columns to schema kinds),
``read`` (inspect_file, read_table). The size limits below are copies: change them in their module
(``sniff.MAX_ROWS``).
"""

from .headers import norm_header
from .layouts import ALL
from .mapping import auto_mapping, template_csv
from .read import Source, inspect_file, read_table
from .report import Inspection, LoadReport, summarize
from .sniff import MAX_BYTES, MAX_ROWS
from .xlsx import MAX_XLSX_RATIO, MAX_XLSX_XML

__all__ = [
    "ALL",
    "MAX_BYTES",
    "MAX_ROWS",
    "MAX_XLSX_RATIO",
    "MAX_XLSX_XML",
    "Inspection",
    "LoadReport",
    "Source",
    "auto_mapping",
    "inspect_file",
    "norm_header",
    "read_table",
    "summarize",
    "template_csv",
]
