"""The one percentile every benchmark prints (nearest rank on the sorted values)."""

from __future__ import annotations


def percentile(values: list[float], share: float) -> float:
    """`share` 0.95 is p95: the value at that rank among the sorted values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
