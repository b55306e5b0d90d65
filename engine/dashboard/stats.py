"""Medians and percentiles per group, in the database where it can, exactly the same either way.

PostgreSQL computes ``percentile_cont`` itself; SQLite has no percentile function, so its values are
fetched and :func:`percentile` (the same linear interpolation) runs in Python.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Float, func, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (the same as PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


class epoch_seconds(FunctionElement):  # noqa: N801  (an SQL function reads best in lower case)
    """Seconds since 1970 of a timestamp column, as a float, on either database."""

    type = Float()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS DOUBLE PRECISION)"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


def hours_between(start: Any, end: Any) -> Any:
    """SQL: hours from one timestamp column (or epoch seconds value) to another."""
    return (_epoch(end) - _epoch(start)) / 3600.0


def _epoch(value: Any) -> Any:
    return value if isinstance(value, (int, float)) else epoch_seconds(value)


def grouped_figures(session: Session, key: Any, extras: list[Any], value: Any, where: list[Any],
                    fractions: tuple[float, ...] = (0.5, 0.9)) -> dict[Any, tuple[tuple[Any, ...], tuple[float | None, ...]]]:
    """{group key: (the ``extras`` aggregates, the percentiles of ``value``)} over the rows matching ``where``.

    On PostgreSQL one grouped query does both, with one sort per group for all fractions; on SQLite
    the aggregates come from a grouped query and the values are fetched for the percentiles.
    """
    if session.get_bind().dialect.name == "postgresql":
        query = select(key, *extras, func.percentile_cont(postgresql.array(list(fractions))).within_group(value)) \
            .where(*where).group_by(key)
        return {row[0]: (tuple(row[1:-1]), tuple(float(v) if v is not None else None for v in row[-1]))
                for row in session.execute(query)}
    values: dict[Any, list[float]] = defaultdict(list)
    for group, number in session.execute(select(key, value).where(*where)):
        if number is not None:
            values[group].append(float(number))
    return {row[0]: (tuple(row[1:]), tuple(percentile(values[row[0]], f) for f in fractions))
            for row in session.execute(select(key, *extras).where(*where).group_by(key))}


def tune_for_figures(session: Session) -> None:
    """On PostgreSQL, give this transaction's sorts room (percentiles, distinct counts) in memory."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL work_mem = '64MB'"))


def rounded(value: float | None, digits: int = 2) -> float | None:
    return round(value, digits) if value is not None else None
