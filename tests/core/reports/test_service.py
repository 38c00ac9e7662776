"""Reports from a phone: a typed-in reading goes through ingest and counts in the rollups; an
observation stays an observation, with its photo checked by content and kept under a random
name; each refusal says which field is wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.access.principal import ANONYMOUS, Principal
from core.kit.errors import Conflict, Forbidden, NotFound, Unauthenticated
from core.models import (
    AuditEvent,
    DailyAggregate,
    HourlyAggregate,
    LatestReading,
    Observation,
    ObservationKind,
    Reading,
    ReadingSource,
    Role,
    StationKind,
    UserAccount,
)
from core.reports.errors import ReportRefused
from core.reports.photos import PHOTO_DIR, photo_type
from core.reports.schemas import ManualReadingCreate, ObservationCreate
from core.reports.service import (
    Storage,
    list_observations,
    observation_photo,
    report_observation,
    report_reading,
)
from core.settings import default_zone
from tests.factories import keep, make_station, make_user

NOW = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(50)
JPEG = b"\xff\xd8\xff\xe0" + bytes(50)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(50)


def as_principal(user: UserAccount) -> Principal:
    return Principal(
        user_id=user.id, organisation_id=user.organisation_id, role=user.role, label=user.email
    )


@pytest.fixture
def storage(tmp_path: Path) -> Storage:
    return Storage(dir=tmp_path / "files", max_photo_bytes=4096)


def reading(code: str, value: float = 80.0, at: datetime | None = None) -> ManualReadingCreate:
    return ManualReadingCreate(
        station_code=code, parameter="pm10", value=value, time=at or NOW - timedelta(minutes=10)
    )


def dust(**overrides: object) -> ObservationCreate:
    values: dict[str, object] = {"kind": "visible_dust", "village": "Na Phra Lan", "note": "grey"}
    return ObservationCreate.model_validate(values | overrides)


def test_a_typed_in_reading_is_a_manual_reading_in_the_rollups(session: Session) -> None:
    volunteer = make_user(session, role=Role.VOLUNTEER)
    station = make_station(session)
    keep(session, volunteer, station)
    receipt = report_reading(
        session,
        actor=as_principal(volunteer),
        data=reading(station.code, 80.25),
        now=NOW,
        zone=default_zone(),
    )
    assert receipt.kind == "reading"
    assert receipt.id.startswith(f"{station.code}/pm10/")
    assert receipt.reading is not None
    assert receipt.reading.value == 80.25
    stored = session.scalars(select(Reading).where(Reading.station_id == station.id)).one()
    assert (stored.value_milli, stored.source) == (80250, int(ReadingSource.MANUAL))
    hourly = session.scalars(
        select(HourlyAggregate).where(HourlyAggregate.station_id == station.id)
    ).one()
    assert (hourly.value_sum_milli, hourly.reading_count) == (80250, 1)
    daily = session.scalars(
        select(DailyAggregate).where(DailyAggregate.station_id == station.id)
    ).one()
    assert (daily.day.isoformat(), daily.hours_with_data) == ("2026-11-22", 1)
    assert session.get(LatestReading, (station.id, 2)) is not None
    assert session.scalar(select(func.count()).select_from(Observation)) == 0
    audit = session.scalars(select(AuditEvent).where(AuditEvent.entity == "reading")).one()
    assert audit.actor_user_id == volunteer.id


def test_the_same_time_again_is_refused_and_the_first_value_kept(session: Session) -> None:
    volunteer = make_user(session, role=Role.VOLUNTEER)
    station = make_station(session)
    keep(session, volunteer, station)
    actor = as_principal(volunteer)
    report_reading(
        session, actor=actor, data=reading(station.code, 80), now=NOW, zone=default_zone()
    )
    with pytest.raises(Conflict, match="already has a pm10 reading"):
        report_reading(
            session, actor=actor, data=reading(station.code, 95), now=NOW, zone=default_zone()
        )
    assert session.scalars(select(Reading.value_milli)).all() == [80000]


def test_only_the_keeper_or_the_backbone_types_in_a_station_s_reading(session: Session) -> None:
    keeper = make_user(session, role=Role.VOLUNTEER)
    other = make_user(session, role=Role.VOLUNTEER)
    operator = make_user(session, role=Role.OPERATOR)
    backbone = make_user(session, role=Role.BACKBONE)
    station = make_station(session)
    private = make_station(session, kind=StationKind.FACTORY, public=False)
    keep(session, keeper, station)
    zone = default_zone()
    with pytest.raises(Forbidden, match="you do not keep station"):
        report_reading(
            session, actor=as_principal(other), data=reading(station.code), now=NOW, zone=zone
        )
    with pytest.raises(NotFound):
        report_reading(
            session, actor=as_principal(other), data=reading(private.code), now=NOW, zone=zone
        )
    with pytest.raises(NotFound):
        report_reading(
            session, actor=as_principal(keeper), data=reading("no-such"), now=NOW, zone=zone
        )
    with pytest.raises(Forbidden):
        report_reading(
            session, actor=as_principal(operator), data=reading(station.code), now=NOW, zone=zone
        )
    with pytest.raises(Unauthenticated):
        report_reading(session, actor=ANONYMOUS, data=reading(station.code), now=NOW, zone=zone)
    report_reading(
        session, actor=as_principal(backbone), data=reading(private.code), now=NOW, zone=zone
    )
    assert session.scalar(select(func.count()).select_from(Reading)) == 1


@pytest.mark.parametrize(
    ("value", "at", "field", "code"),
    [
        (-5.0, NOW - timedelta(minutes=1), "value", "out_of_range"),
        (20000.0, NOW - timedelta(minutes=1), "value", "out_of_range"),
        (50.0, NOW + timedelta(hours=1), "time", "future"),
        (50.0, NOW - timedelta(days=40), "time", "too_old"),
    ],
)
def test_an_implausible_reading_is_refused_at_its_field(
    session: Session, value: float, at: datetime, field: str, code: str
) -> None:
    volunteer = make_user(session, role=Role.VOLUNTEER)
    station = make_station(session)
    keep(session, volunteer, station)
    with pytest.raises(ReportRefused) as refused:
        report_reading(
            session,
            actor=as_principal(volunteer),
            data=reading(station.code, value, at),
            now=NOW,
            zone=default_zone(),
        )
    assert (refused.value.field, refused.value.code) == (field, code)
    assert session.scalar(select(func.count()).select_from(Reading)) == 0


def test_an_unknown_parameter_is_refused(session: Session) -> None:
    volunteer = make_user(session, role=Role.VOLUNTEER)
    station = make_station(session)
    keep(session, volunteer, station)
    data = ManualReadingCreate(station_code=station.code, parameter="dust", value=1.0)
    with pytest.raises(ReportRefused, match="unknown parameter"):
        report_reading(
            session, actor=as_principal(volunteer), data=data, now=NOW, zone=default_zone()
        )


def test_an_observation_with_a_photo_is_kept_as_an_observation(
    session: Session, storage: Storage
) -> None:
    volunteer = make_user(session, role=Role.VOLUNTEER)
    make_station(session, area="Na Phra Lan")
    receipt = report_observation(
        session, actor=as_principal(volunteer), data=dust(), photo=PNG, storage=storage, now=NOW
    )
    assert receipt.kind == "observation"
    assert receipt.observation is not None
    observation = session.get(Observation, int(receipt.id))
    assert observation is not None
    assert observation.kind == ObservationKind.VISIBLE_DUST
    assert observation.observed_at == NOW  # no time given: now
    assert (observation.photo_type, observation.photo_bytes) == ("image/png", len(PNG))
    assert observation.photo_file is not None
    assert observation.photo_file.endswith(".png")
    files = list((storage.dir / PHOTO_DIR).iterdir())
    assert [f.name for f in files] == [observation.photo_file]
    assert files[0].read_bytes() == PNG
    assert session.scalar(select(func.count()).select_from(Reading)) == 0
    path, media_type = observation_photo(
        session, viewer=as_principal(volunteer), observation_id=observation.id, storage=storage
    )
    assert (path.read_bytes(), media_type) == (PNG, "image/png")
    audit = session.scalars(select(AuditEvent).where(AuditEvent.entity == "observation")).one()
    assert audit.entity_id == receipt.id
    assert audit.after is not None
    assert audit.after["photo"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a" + bytes(30), "photo_type"),
        (b"just some text, named dust.jpg by its sender", "photo_type"),
        (b"\xff\xd8\xff" + bytes(5000), "photo_too_large"),
    ],
)
def test_a_photo_is_judged_by_its_content_and_size(
    session: Session, storage: Storage, data: bytes, code: str
) -> None:
    volunteer = make_user(session, role=Role.VOLUNTEER)
    make_station(session, area="Na Phra Lan")
    with pytest.raises(ReportRefused) as refused:
        report_observation(
            session,
            actor=as_principal(volunteer),
            data=dust(),
            photo=data,
            storage=storage,
            now=NOW,
        )
    assert (refused.value.field, refused.value.code) == ("photo", code)
    assert not (storage.dir / PHOTO_DIR).exists() or not any((storage.dir / PHOTO_DIR).iterdir())
    assert session.scalar(select(func.count()).select_from(Observation)) == 0


def test_photo_types_are_recognised_by_their_signature() -> None:
    assert photo_type(JPEG) == ("image/jpeg", "jpg")
    assert photo_type(PNG) == ("image/png", "png")
    assert photo_type(WEBP) == ("image/webp", "webp")
    assert photo_type(b"RIFF\x24\x00\x00\x00WAVEfmt ") is None
    assert photo_type(b"") is None


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"observed_at": NOW + timedelta(hours=2)}, "time", "future"),
        ({"observed_at": NOW - timedelta(days=60)}, "time", "too_old"),
        ({"village": "Atlantis"}, "village", "unknown_village"),
    ],
)
def test_an_observation_s_time_and_village_are_checked(
    session: Session, storage: Storage, overrides: dict[str, object], field: str, code: str
) -> None:
    volunteer = make_user(session, role=Role.VOLUNTEER)
    make_station(session, area="Na Phra Lan")
    with pytest.raises(ReportRefused) as refused:
        report_observation(
            session,
            actor=as_principal(volunteer),
            data=dust(**overrides),
            photo=None,
            storage=storage,
            now=NOW,
        )
    assert (refused.value.field, refused.value.code) == (field, code)


@pytest.mark.parametrize(
    "values",
    [
        {"kind": "visible_dust", "village": "Na Phra Lan", "note": "a\x00b"},
        {"kind": "visible_dust", "village": "Na Phra Lan", "note": "x" * 1001},
        {"kind": "visible_dust"},
        {"kind": "visible_dust", "latitude": 14.7},
        {"kind": "rain", "village": "Na Phra Lan"},
        {"kind": "burning", "latitude": 91, "longitude": 100},
    ],
)
def test_an_observation_needs_a_kind_a_place_and_a_storable_short_note(
    values: dict[str, object],
) -> None:
    with pytest.raises(ValidationError):
        ObservationCreate.model_validate(values)


def test_a_point_is_given_the_nearest_village_within_reach(
    session: Session, storage: Storage
) -> None:
    volunteer = make_user(session, role=Role.VOLUNTEER)
    make_station(session, area="Nong Pling", latitude=14.700, longitude=100.890)
    make_station(session, area="Khao Kaeo", latitude=14.660, longitude=100.850)
    actor = as_principal(volunteer)
    near = dust(village=None, latitude=14.701, longitude=100.888)
    far = dust(village=None, latitude=15.5, longitude=101.5)
    first = report_observation(
        session, actor=actor, data=near, photo=None, storage=storage, now=NOW
    )
    second = report_observation(
        session, actor=actor, data=far, photo=None, storage=storage, now=NOW
    )
    assert first.observation is not None
    assert first.observation.village == "Nong Pling"
    assert second.observation is not None
    assert second.observation.village is None


def test_who_sees_what_of_an_observation(session: Session, storage: Storage) -> None:
    reporter = make_user(session, role=Role.VOLUNTEER, display_name="Khun Reporter")
    other = make_user(session, role=Role.VOLUNTEER)
    official = make_user(session, role=Role.OFFICIAL)
    make_station(session, area="Na Phra Lan")
    receipt = report_observation(
        session,
        actor=as_principal(reporter),
        data=dust(note="near the mill", latitude=14.68, longitude=100.87),
        photo=JPEG,
        storage=storage,
        now=NOW,
    )
    identifier = int(receipt.id)
    for viewer in (as_principal(reporter), as_principal(official)):
        [seen] = list_observations(session, viewer=viewer)
        assert (seen.note, seen.reporter, seen.latitude) == (
            "near the mill",
            "Khun Reporter",
            14.68,
        )
        assert seen.photo_url == f"/reports/{identifier}/photo"
        observation_photo(session, viewer=viewer, observation_id=identifier, storage=storage)
    for viewer in (as_principal(other), ANONYMOUS):
        [seen] = list_observations(session, viewer=viewer)
        assert (seen.kind, seen.observed_at, seen.village) == (
            ObservationKind.VISIBLE_DUST,
            NOW,
            "Na Phra Lan",
        )
        assert (seen.note, seen.reporter, seen.latitude, seen.photo_url) == (None,) * 4
        with pytest.raises(NotFound):
            observation_photo(session, viewer=viewer, observation_id=identifier, storage=storage)
    assert list_observations(session, viewer=as_principal(other), mine=True) == []
    assert len(list_observations(session, viewer=as_principal(reporter), mine=True)) == 1
