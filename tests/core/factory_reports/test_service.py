"""A factory report is stored whole or not at all: its file kept with its hash, its rows as
readings with source UPLOAD, or nothing but the refusal's record; the same period twice is
refused; the schedule says which periods are late or missing."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.factory_reports.parsing import RowError
from core.factory_reports.schedule import PeriodStatus
from core.factory_reports.schemas import FactoryReportPublic, ScheduleSet
from core.factory_reports.service import (
    REPORT_DIR,
    ReportConflict,
    ReportRejected,
    Upload,
    facility_reports,
    get_report,
    report_file,
    reports_overview,
    set_schedule,
    upload_report,
)
from core.kit.errors import Forbidden, NotFound
from core.models import (
    AuditEvent,
    DailyAggregate,
    FactoryReport,
    Organisation,
    Reading,
    ReadingSource,
    RejectedMessage,
    Role,
    StakeholderGroup,
    Station,
    StationKind,
    UserAccount,
)
from core.readings.pipeline import CandidateReading, accept_readings
from core.settings import default_zone
from tests.factories import make_organisation, make_station, make_user

EXAMPLES = Path(__file__).parents[3] / "examples"
NOW = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)
ZONE = default_zone()


def as_principal(user: UserAccount) -> Principal:
    return Principal(
        user_id=user.id, organisation_id=user.organisation_id, role=user.role, label=user.email
    )


class Plant:
    def __init__(self, session: Session) -> None:
        self.facility: Organisation = make_organisation(
            session, stakeholder_group=StakeholderGroup.OPERATOR
        )
        self.other: Organisation = make_organisation(
            session, stakeholder_group=StakeholderGroup.OPERATOR
        )
        private = {"kind": StationKind.FACTORY, "public": False}
        for code in ("sck-fence-n", "sck-fence-s", "sck-stack-1"):
            make_station(session, code=code, organisation_id=self.facility.id, **private)
        make_station(session, code="other-fence", organisation_id=self.other.id, **private)
        self.operator = as_principal(
            make_user(session, role=Role.OPERATOR, organisation=self.facility)
        )
        self.other_operator = as_principal(
            make_user(session, role=Role.OPERATOR, organisation=self.other)
        )
        self.backbone = as_principal(make_user(session, role=Role.BACKBONE))
        self.official = as_principal(make_user(session, role=Role.OFFICIAL))
        session.flush()


@pytest.fixture
def plant(session: Session) -> Plant:
    return Plant(session)


def upload(
    session: Session,
    plant: Plant,
    data: bytes,
    tmp_path: Path,
    *,
    now: datetime = NOW,
    actor: Principal | None = None,
) -> FactoryReportPublic:
    return upload_report(
        session,
        actor=actor or plant.operator,
        facility_id=plant.facility.id,
        upload=Upload(data=data, file_name="oct.csv"),
        storage_dir=tmp_path,
        now=now,
        zone=ZONE,
    )


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def count(session: Session, table: type) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


@pytest.mark.parametrize("name", ["factory-report.csv", "factory-report.json"])
def test_an_accepted_report_keeps_its_file_and_becomes_readings(
    session: Session, plant: Plant, tmp_path: Path, name: str
) -> None:
    data = example(name)
    report = upload(session, plant, data, tmp_path)
    assert (report.row_count, report.readings_stored) == (4, 4)
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert report.size_bytes == len(data)
    assert report.content_type == ("text/csv" if name.endswith("csv") else "application/json")
    path, media_type, _ = report_file(
        session,
        principal=plant.official,
        facility_id=plant.facility.id,
        report_id=report.id,
        storage_dir=tmp_path,
    )
    assert path.read_bytes() == data
    assert path.parent == tmp_path / REPORT_DIR
    readings = session.scalars(select(Reading).order_by(Reading.time)).all()
    assert {r.source for r in readings} == {int(ReadingSource.UPLOAD)}
    assert sorted(r.value_milli for r in readings) == [32500, 61700, 85200, 142000]
    assert count(session, DailyAggregate) == 4
    detail = get_report(
        session, principal=plant.operator, facility_id=plant.facility.id, report_id=report.id
    )
    stack = next(row for row in detail.rows if row.parameter == "stack_pm")
    assert (stack.station_code, stack.unit, stack.value) == ("sck-stack-1", "mg/Nm3", 32.5)
    assert stack.method == "US EPA Method 5 (isokinetic)"
    assert session.scalar(select(AuditEvent.entity).where(AuditEvent.entity == "factory_report"))


def refusal(session: Session, plant: Plant, data: bytes, tmp_path: Path) -> list[RowError]:
    with pytest.raises(ReportRejected) as refused:
        upload(session, plant, data, tmp_path)
    return refused.value.errors


def test_one_bad_row_refuses_the_whole_report_and_records_the_refusal(
    session: Session, plant: Plant, tmp_path: Path
) -> None:
    data = example("factory-report.csv").replace(b"61.7", b"6l.7")
    [error] = refusal(session, plant, data, tmp_path)
    assert (error.row, error.column) == (4, "value")
    assert (count(session, Reading), count(session, FactoryReport)) == (0, 0)
    assert not (tmp_path / REPORT_DIR).exists() or not any((tmp_path / REPORT_DIR).iterdir())
    [rejected] = session.scalars(select(RejectedMessage)).all()
    assert rejected.source == "upload"
    assert rejected.topic == f"POST /facilities/{plant.facility.id}/reports"
    assert "row 4 value" in rejected.reason


@pytest.mark.parametrize(
    ("station", "row"),
    [(b"nobody-here", 2), (b"other-fence", 2)],
    ids=["unknown station", "another facility's station"],
)
def test_a_station_must_be_one_of_the_facilitys_own(
    session: Session, plant: Plant, tmp_path: Path, station: bytes, row: int
) -> None:
    data = example("factory-report.csv").replace(b"sck-fence-n", station, 1)
    [error] = refusal(session, plant, data, tmp_path)
    assert (error.row, error.column) == (row, "station")
    assert "not a station of this facility" in error.message
    assert count(session, Reading) == 0


def test_a_row_repeating_another_rows_reading_is_refused(
    session: Session, plant: Plant, tmp_path: Path
) -> None:
    lines = example("factory-report.csv").decode().splitlines()
    data = "\n".join([*lines, lines[1].replace("85.2", "90")]).encode()
    [error] = refusal(session, plant, data, tmp_path)
    assert error.row == 6
    assert "as row 2" in error.message


def test_a_later_period_cannot_carry_samples_of_an_earlier_one(
    session: Session, plant: Plant, tmp_path: Path
) -> None:
    upload(session, plant, example("factory-report.csv"), tmp_path)
    november = example("factory-report.csv").replace(b"2026-10-31", b"2026-11-30")
    november = november.replace(b"2026-10-01,", b"2026-11-01,")
    # Same readings (October times) inside a November period: outside the period first.
    errors = refusal(session, plant, november, tmp_path)
    assert {e.column for e in errors} == {"sample_start"}
    with pytest.raises(ReportConflict):
        upload(session, plant, example("factory-report.json"), tmp_path)


def test_the_same_period_twice_is_a_conflict_and_counts_nothing_twice(
    session: Session, plant: Plant, tmp_path: Path
) -> None:
    upload(session, plant, example("factory-report.csv"), tmp_path)
    with pytest.raises(ReportConflict, match="never replaced"):
        upload(session, plant, example("factory-report.csv"), tmp_path)
    assert (count(session, Reading), count(session, FactoryReport)) == (4, 1)
    assert count(session, RejectedMessage) == 1


def a_device_sent(session: Session, value: str) -> None:
    """sck-fence-n's own monitor sent PM10 at the first sample's start time."""
    [station] = session.scalars(select(Station).where(Station.code == "sck-fence-n")).all()
    accept_readings(
        session,
        [
            CandidateReading(
                station_id=station.id,
                station_code=station.code,
                parameter="pm10",
                value=Decimal(value),
                time=datetime(2026, 10, 5, 1, tzinfo=UTC),
                received_at=NOW,
                origin="dustwatch/v1/readings/sck-fence-n",
                payload="",
            )
        ],
        source=ReadingSource.MQTT,
        zone=ZONE,
    )


def test_a_reading_stored_with_another_value_refuses_the_row(
    session: Session, plant: Plant, tmp_path: Path
) -> None:
    a_device_sent(session, "99.9")
    [error] = refusal(session, plant, example("factory-report.csv"), tmp_path)
    assert (error.row, error.column) == (2, "value")
    assert "already has a pm10 reading" in error.message
    assert count(session, Reading) == 1


def test_a_reading_stored_with_the_same_value_is_not_stored_twice(
    session: Session, plant: Plant, tmp_path: Path
) -> None:
    a_device_sent(session, "85.2")
    report = upload(session, plant, example("factory-report.csv"), tmp_path)
    assert (report.row_count, report.readings_stored) == (4, 3)
    assert count(session, Reading) == 4


def test_another_operator_sees_nothing_and_an_official_cannot_upload(
    session: Session, plant: Plant, tmp_path: Path
) -> None:
    with pytest.raises(NotFound):
        upload(session, plant, example("factory-report.csv"), tmp_path, actor=plant.other_operator)
    with pytest.raises(Forbidden):
        upload(session, plant, example("factory-report.csv"), tmp_path, actor=plant.official)
    with pytest.raises(NotFound):
        facility_reports(
            session,
            principal=plant.other_operator,
            facility_id=plant.facility.id,
            now=NOW,
            zone=ZONE,
        )


def test_schedule_periods_on_time_late_missing_and_not_yet_due(
    session: Session, plant: Plant, tmp_path: Path
) -> None:
    schedule = ScheduleSet(frequency="monthly", due_days=15, first_period_start=date(2026, 8, 1))
    set_schedule(
        session, actor=plant.backbone, facility_id=plant.facility.id, data=schedule, now=NOW
    )
    with pytest.raises(Forbidden):
        set_schedule(
            session, actor=plant.operator, facility_id=plant.facility.id, data=schedule, now=NOW
        )
    # October's report on 10 November (due 15 November); September's never came; August's
    # came late on 20 September; November's is not yet due.
    upload(session, plant, example("factory-report.csv"), tmp_path)
    august = (
        example("factory-report.json")
        .replace(b"2026-10-01", b"2026-08-01")
        .replace(b"2026-10-31", b"2026-08-31")
        .replace(b"2026-10-", b"2026-08-")
    )
    upload(session, plant, august, tmp_path, now=datetime(2026, 9, 20, 3, tzinfo=UTC))
    answer = facility_reports(
        session, principal=plant.official, facility_id=plant.facility.id, now=NOW, zone=ZONE
    )
    assert [(p.start.month, p.status) for p in answer.periods] == [
        (11, PeriodStatus.NOT_YET_DUE),
        (10, PeriodStatus.RECEIVED_ON_TIME),
        (9, PeriodStatus.MISSING),
        (8, PeriodStatus.RECEIVED_LATE),
    ]
    [line] = [
        o
        for o in reports_overview(session, principal=plant.official, now=NOW, zone=ZONE)
        if o.facility.id == plant.facility.id
    ]
    assert (line.missing, line.late, line.on_time, line.not_yet_due) == (1, 1, 1, 1)
    # A period that is not one of the schedule's is refused.
    errors = refusal(
        session,
        plant,
        example("factory-report.csv").replace(b"2026-10-01,2026-10-31,", b"2026-09-02,2026-09-30,"),
        tmp_path,
    )
    assert any(e.row is None and "not one of this facility's monthly" in e.message for e in errors)
    audited = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "factory_report_schedule")
    ).all()
    assert [(e.action, (e.after or {}).get("due_days")) for e in audited] == [("create", 15)]
