"""Tables as CSV: what a coordinator opens in a spreadsheet, or a BI tool reads."""
from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with a quote (CSV injection)."""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def csv_response(rows: list[dict[str, Any]], filename: str, columns: list[str] | None = None) -> Response:
    """A UTF-8 CSV file (with a byte order mark, so Excel reads æøå) with a header row."""
    columns = columns or (list(rows[0]) if rows else [])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
