"""What the API accepts and shows of working groups, meetings and decisions. Dates are
bounded to years a meeting can have (2000–2100): a far date is a typing mistake, and one
near the ends of the calendar would overflow when converted to UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from core.kit.text import is_storable
from core.models import ActionStatus, DecisionStatus, MeetingStatus

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
MAX_MEMBERS = 100
MAX_AGENDA = 50
MAX_DOCUMENTS = 30
MAX_LINKED_TARGETS = 50


def _storable(text: str) -> str:
    if not is_storable(text):
        raise ValueError("must not contain NUL characters or lone surrogates")
    return text


def _in_range(day: date) -> date:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return day


def _moment_in_range(moment: datetime) -> datetime:
    _in_range(moment.date())
    return moment.astimezone(UTC)


Title = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_storable)]
LongText = Annotated[str, Field(min_length=1, max_length=8000), AfterValidator(_storable)]
OptionalText = Annotated[str, Field(max_length=8000), AfterValidator(_storable)]
Minutes = Annotated[str, Field(max_length=100_000), AfterValidator(_storable)]
Day = Annotated[date, AfterValidator(_in_range)]
Moment = Annotated[AwareDatetime, AfterValidator(_moment_in_range)]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation_id: Id
    joined_on: Day


class WorkingGroupIn(BaseModel):
    """A working group as the backbone creates it or replaces it (PUT): members and targets
    are the whole list."""

    model_config = ConfigDict(extra="forbid")

    title_th: Title
    title_en: Title
    description_th: OptionalText = ""
    description_en: OptionalText = ""
    area: Annotated[str, Field(max_length=200), AfterValidator(_storable)] | None = None
    members: list[MemberIn] = Field(default_factory=list, max_length=MAX_MEMBERS)
    target_ids: list[Id] = Field(default_factory=list, max_length=MAX_LINKED_TARGETS)


class AgendaItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text_th: Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(_storable)]
    text_en: Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(_storable)]


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Title
    url: Annotated[
        str,
        Field(min_length=8, max_length=2000, pattern=r"^https?://[^\s<>\"]+$"),
        AfterValidator(_storable),
    ]


class MeetingIn(BaseModel):
    """A meeting as the backbone creates it or replaces it (PUT)."""

    model_config = ConfigDict(extra="forbid")

    working_group_id: Id | None = None
    """None for a meeting of the joint forum."""
    title_th: Title
    title_en: Title
    starts_at: Moment
    place: Title
    status: MeetingStatus = MeetingStatus.PLANNED
    participant_ids: list[Id] = Field(default_factory=list, max_length=MAX_MEMBERS)
    agenda: list[AgendaItemIn] = Field(default_factory=list, max_length=MAX_AGENDA)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=MAX_DOCUMENTS)
    minutes: Minutes | None = None


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text_th: LongText
    text_en: LongText
    responsible_organisation_id: Id
    due_on: Day
    target_ids: list[Id] = Field(default_factory=list, max_length=MAX_LINKED_TARGETS)


class SupersedeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: LongText


class OrganisationRef(BaseModel):
    id: int
    name_th: str
    name_en: str


class MemberPublic(OrganisationRef):
    joined_on: date


class TargetRef(BaseModel):
    id: int
    title_th: str
    title_en: str


class WorkingGroupRef(BaseModel):
    id: int
    title_th: str
    title_en: str


class WorkingGroupPublic(WorkingGroupRef):
    description_th: str
    description_en: str
    area: str | None
    members: list[MemberPublic]
    targets: list[TargetRef]


class MeetingSummary(BaseModel):
    id: int
    working_group: WorkingGroupRef | None
    title_th: str
    title_en: str
    starts_at: datetime
    place: str
    status: MeetingStatus


class WorkingGroupDetail(WorkingGroupPublic):
    meetings: list[MeetingSummary]


class AgendaItemPublic(BaseModel):
    position: int
    text_th: str
    text_en: str
    proposed_by: OrganisationRef | None
    """The member organisation that asked for the item; None when the backbone set it."""


class DocumentPublic(BaseModel):
    label: str
    url: str


class DecisionPublic(BaseModel):
    id: int
    meeting_id: int
    meeting_title_th: str
    meeting_title_en: str
    meeting_starts_at: datetime
    text_th: str
    text_en: str
    responsible: OrganisationRef
    due_on: date
    status: DecisionStatus
    superseded_reason: str | None
    overdue: bool
    """Due before today (in the case's zone) and not superseded."""
    targets: list[TargetRef]
    recorded_at: datetime
    action_id: int | None = None
    """The tracked action the decision became (decisions naming a target become one)."""
    action_status: ActionStatus | None = None
    action_overdue: bool | None = None


class MeetingDetail(MeetingSummary):
    participants: list[OrganisationRef]
    agenda: list[AgendaItemPublic]
    documents: list[DocumentPublic]
    minutes: str | None
    decisions: list[DecisionPublic]
