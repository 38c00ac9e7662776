"""The one rounding rule every rollup shares, kept at the bottom so that the ingest (which
maintains rollups) and the indicators (which read them) use the same arithmetic."""

from __future__ import annotations


def hourly_mean_milli(value_sum_milli: int, reading_count: int) -> int:
    """An hour's mean in thousandths of the unit, rounded half away from zero."""
    magnitude = (2 * abs(value_sum_milli) + reading_count) // (2 * reading_count)
    return magnitude if value_sum_milli >= 0 else -magnitude
