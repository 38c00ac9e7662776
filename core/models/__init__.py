"""SQLAlchemy tables, one module per noun: the single description of the schema that the
migrations are checked against. Importing this package registers every table."""

from core.models.account import AuthToken, Role, TokenKind, UserAccount
from core.models.alert import Alert, AlertEscalation, AlertKind, AlertResponse
from core.models.alert_rule import AlertRule, Averaging
from core.models.api_key import ApiKey
from core.models.audit import AuditEvent
from core.models.bulletin import Bulletin, BulletinKind, BulletinStatus
from core.models.cap import CapMessage, CapStep
from core.models.commitment import (
    Commitment,
    CommitmentAveraging,
    CommitmentKind,
    CommitmentStatus,
    ExcessEvent,
)
from core.models.complaint import (
    CLOSED_STATUSES,
    Complaint,
    ComplaintIncident,
    ComplaintKind,
    ComplaintStatus,
    ComplaintUpdate,
)
from core.models.delivery import (
    MAX_LEVEL,
    Channel,
    DeliveryAttempt,
    Language,
    MessageEvent,
    OutboxMessage,
    OutboxStatus,
    Receives,
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
from core.models.target import (
    DataCertification,
    Target,
    TargetDirection,
    TargetIndicator,
    TargetMilestone,
    TargetRevision,
    TargetSignatory,
    TargetStatus,
)

__all__ = [
    "CLOSED_STATUSES",
    "Complaint",
    "ComplaintIncident",
    "ComplaintKind",
    "ComplaintStatus",
    "ComplaintUpdate",
    "DataCertification",
    "Target",
    "TargetDirection",
    "TargetIndicator",
    "TargetMilestone",
    "TargetRevision",
    "TargetSignatory",
    "TargetStatus",
    "Commitment",
    "CommitmentAveraging",
    "CommitmentKind",
    "CommitmentStatus",
    "ExcessEvent",
    "MAX_LEVEL",
    "Channel",
    "DeliveryAttempt",
    "Language",
    "MessageEvent",
    "OutboxMessage",
    "OutboxStatus",
    "Receives",
    "Severity",
    "Subscription",
    "Alert",
    "AlertEscalation",
    "AlertKind",
    "AlertResponse",
    "AlertRule",
    "Averaging",
    "ApiKey",
    "AuditEvent",
    "Bulletin",
    "BulletinKind",
    "BulletinStatus",
    "AuthToken",
    "CapMessage",
    "CapStep",
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
