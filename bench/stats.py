"""Small timing helpers: a perf_counter stopwatch and percentiles in milliseconds."""
from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Samples:
    """Latencies in seconds; reported in milliseconds."""

    values: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.values.append(seconds)

    def extend(self, other: Samples) -> None:
        self.values.extend(other.values)

    def __len__(self) -> int:
        return len(self.values)

    def pct(self, p: float) -> float | None:
        return percentile(self.values, p)

    @property
    def p50(self) -> float | None:
        return self.pct(50)

    @property
    def p95(self) -> float | None:
        return self.pct(95)


def percentile(values: Iterable[float], p: float) -> float | None:
    """Nearest-rank percentile, in milliseconds."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1] * 1000.0


class Timer:
    """``with Timer() as t: ...`` then ``t.seconds``."""

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
