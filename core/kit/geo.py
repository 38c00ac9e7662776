"""Distances between places given as latitude and longitude (WGS 84 degrees)."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8
"""The mean Earth radius (IUGG): good to about 0.5 % anywhere, far better than a phone's GPS."""


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in metres between two points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
