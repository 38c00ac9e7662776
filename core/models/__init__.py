"""SQLAlchemy tables, one module per noun: the single description of the schema that the
migrations are checked against. Importing this package registers every table."""

from core.models.alert import Alert, AlertKind
from core.models.parameter import Parameter
from core.models.reading import (
    HourlyAggregate,
    LatestReading,
    QualityFlag,
    Reading,
    ReadingSource,
    RejectedMessage,
)
from core.models.station import Station, StationKind

__all__ = [
    "Alert",
    "AlertKind",
    "HourlyAggregate",
    "LatestReading",
    "Parameter",
    "QualityFlag",
    "Reading",
    "ReadingSource",
    "RejectedMessage",
    "Station",
    "StationKind",
]
