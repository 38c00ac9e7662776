"""SQLAlchemy tables, one module per noun: the single description of the schema that the
migrations are checked against. Importing this package registers every table."""

from core.models.account import AuthToken, Role, TokenKind, UserAccount
from core.models.alert import Alert, AlertKind, AlertResponse
from core.models.api_key import ApiKey
from core.models.audit import AuditEvent
from core.models.delivery import (
    Channel,
    DeliveryAttempt,
    Language,
    OutboxMessage,
    OutboxStatus,
    Severity,
    Subscription,
)
from core.models.factory_report import (
    FactoryReport,
    FactoryReportRow,
    FactoryReportSchedule,
    ReportFrequency,
)
from core.models.mqtt_credential import MqttCredential
from core.models.observation import Observation, ObservationKind
from core.models.operations import JobRun, SchedulerJobStore, ServiceHeartbeat
from core.models.organisation import Organisation, OrganisationContact, StakeholderGroup
from core.models.parameter import Parameter
from core.models.pending_evaluation import PendingEvaluation
from core.models.reading import (
    DailyAggregate,
    HourlyAggregate,
    LatestReading,
    QualityFlag,
    Reading,
    ReadingConflict,
    ReadingMetadata,
    ReadingQuality,
    ReadingSource,
    RejectedMessage,
    RollupState,
)
from core.models.station import Station, StationKeeper, StationKind

__all__ = [
    "Channel",
    "DeliveryAttempt",
    "Language",
    "OutboxMessage",
    "OutboxStatus",
    "Severity",
    "Subscription",
    "Alert",
    "AlertKind",
    "AlertResponse",
    "ApiKey",
    "AuditEvent",
    "AuthToken",
    "DailyAggregate",
    "FactoryReport",
    "FactoryReportRow",
    "FactoryReportSchedule",
    "HourlyAggregate",
    "LatestReading",
    "MqttCredential",
    "JobRun",
    "Observation",
    "ObservationKind",
    "Organisation",
    "OrganisationContact",
    "Parameter",
    "PendingEvaluation",
    "QualityFlag",
    "Reading",
    "ReadingConflict",
    "ReadingMetadata",
    "ReadingQuality",
    "ReadingSource",
    "RejectedMessage",
    "ReportFrequency",
    "Role",
    "RollupState",
    "SchedulerJobStore",
    "ServiceHeartbeat",
    "StakeholderGroup",
    "Station",
    "StationKeeper",
    "StationKind",
    "TokenKind",
    "UserAccount",
]
