"""SQLAlchemy tables, one module per noun: the single description of the schema that the
migrations are checked against. Importing this package registers every table."""

from core.models.account import AuthToken, Role, TokenKind, UserAccount
from core.models.alert import Alert, AlertKind
from core.models.api_key import ApiKey
from core.models.audit import AuditEvent
from core.models.mqtt_credential import MqttCredential
from core.models.organisation import Organisation, OrganisationContact, StakeholderGroup
from core.models.parameter import Parameter
from core.models.reading import (
    HourlyAggregate,
    LatestReading,
    QualityFlag,
    Reading,
    ReadingSource,
    RejectedMessage,
)
from core.models.station import Station, StationKeeper, StationKind

__all__ = [
    "Alert",
    "AlertKind",
    "ApiKey",
    "AuditEvent",
    "AuthToken",
    "HourlyAggregate",
    "LatestReading",
    "MqttCredential",
    "Organisation",
    "OrganisationContact",
    "Parameter",
    "QualityFlag",
    "Reading",
    "ReadingSource",
    "RejectedMessage",
    "Role",
    "StakeholderGroup",
    "Station",
    "StationKeeper",
    "StationKind",
    "TokenKind",
    "UserAccount",
]
