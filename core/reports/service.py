"""Reporting from a phone, and reading reports back according to who asks.

A reading typed in by hand goes through the same ingest entry point as a device's, with
source MANUAL, so hourly and daily rollups and latest values stay right. An observation is
a row of its own and never enters a rollup."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.access.principal import SEE_ALL_PRIVATE, Principal
from core.access.scope import StationScope
from core.audit.service import record_change
from core.kit.errors import Conflict, Forbidden, NotFound
from core.kit.time import to_utc
from core.models import (
    Observation,
    ReadingSource,
    Role,
    Station,
    StationKeeper,
    UserAccount,
)
from core.readings.pipeline import CandidateReading, accept_readings, judge
from core.reports.errors import ReportRefused
from core.reports.photos import discard_photo, photo_path, store_photo
from core.reports.schemas import (
    ManualReadingCreate,
    ManualReadingPublic,
    ObservationCreate,
    ObservationPublic,
    ReportReceipt,
)
from core.standards.parameters import BY_ID, from_milli, parameter_by_code

REPORTERS = frozenset({Role.VOLUNTEER, Role.BACKBONE, Role.ADMIN})
"""Who may report: volunteers, and the backbone and admins who stand in for them."""
MAX_MANUAL_AGE = timedelta(days=31)
"""A hand-typed reading, an observation or a complaint older than this is more likely a typing
mistake than a late note (an older complaint is a matter for a meeting)."""
MAX_FUTURE_SKEW = timedelta(minutes=5)
NEAREST_VILLAGE_KM = 5.0
"""Topic prefix of the messages the manual adapter builds; never published on MQTT."""
MAX_LISTED = 500


@dataclass(frozen=True)
class Storage:
    """Where photos go and how large they may be (from `Settings.storage`)."""

    dir: Path
    max_photo_bytes: int


def check_time(moment: datetime, *, now: datetime) -> None:
    """Refuses a time in the future or older than MAX_MANUAL_AGE, naming the field."""
    if moment > now + MAX_FUTURE_SKEW:
        raise ReportRefused(
            f"time {moment.isoformat()} is in the future", field="time", code="future"
        )
    if moment < now - MAX_MANUAL_AGE:
        raise ReportRefused(
            f"time {moment.isoformat()} is more than {MAX_MANUAL_AGE.days} days ago: "
            "check the date",
            field="time",
            code="too_old",
        )


def _require_reporter(actor: Principal) -> int:
    actor.require_role(*REPORTERS)
    if actor.user_id is None:
        raise Forbidden("reports are made by a signed-in person")
    return actor.user_id


# Readings typed in by hand


def report_reading(
    session: Session,
    *,
    actor: Principal,
    data: ManualReadingCreate,
    now: datetime,
    zone: ZoneInfo,
) -> ReportReceipt:
    """Stores one reading for a station the actor keeps (any station for the backbone and
    admins). Refuses a station that is not theirs, an implausible value or time, and a time
    already holding a reading of that parameter (409: nothing is overwritten)."""
    _require_reporter(actor)
    station = _station_to_report_for(session, actor=actor, code=data.station_code)
    moment = to_utc(data.time) if data.time is not None else now
    check_time(moment, now=now)
    parameter_info = parameter_by_code(data.parameter)
    if parameter_info is None:
        raise ReportRefused(
            f"unknown parameter {data.parameter!r}", field="parameter", code="unknown_parameter"
        )
    value = Decimal(repr(data.value))
    if not parameter_info.minimum <= value <= parameter_info.maximum:
        raise ReportRefused(
            f"value {value} {parameter_info.unit} is outside the plausible range "
            f"{parameter_info.minimum}..{parameter_info.maximum} for {parameter_info.code}",
            field="value",
            code="out_of_range",
            minimum=str(parameter_info.minimum),
            maximum=str(parameter_info.maximum),
            unit=parameter_info.unit,
        )
    offered = CandidateReading(
        station_id=station.id,
        station_code=station.code,
        parameter=data.parameter,
        value=value,
        time=moment,
        received_at=now,
        origin="POST /reports",
        payload={"parameter": data.parameter, "value": data.value, "time": moment.isoformat()},
    )
    # Judged first as the pipeline judges it, so that a refusal is an answer, not a
    # rejected-message row (a person is waiting for it).
    candidate = judge(offered)
    outcome = accept_readings(session, [offered], source=ReadingSource.MANUAL, zone=zone)
    parameter = BY_ID[candidate.parameter_id]
    if not outcome.accepted:
        raise Conflict(
            f"station {station.code} already has a {parameter.code} reading at "
            f"{moment.isoformat()}; it was kept as it was"
        )
    reading = ManualReadingPublic(
        station_code=station.code,
        parameter=parameter.code,
        unit=parameter.unit,
        value=float(from_milli(candidate.value_milli)),
        time=candidate.time,
    )
    reading_id = f"{station.code}/{parameter.code}/{candidate.time.isoformat()}"
    record_change(
        session,
        actor=actor,
        action="create",
        entity="reading",
        entity_id=reading_id[:64],
        before=None,
        after=reading.model_dump(mode="json") | {"source": "manual"},
    )
    return ReportReceipt(
        kind="reading",
        id=reading_id,
        message=f"reading stored: {parameter.code} {reading.value:g} {parameter.unit} at "
        f"{station.code}",
        reading=reading,
    )


def _station_to_report_for(session: Session, *, actor: Principal, code: str) -> Station:
    station = session.scalar(
        select(Station)
        .where(func.lower(Station.code) == code.strip().lower())
        .where(StationScope.for_principal(actor).visible())
    )
    if station is None:
        raise NotFound(f"no station {code!r}")
    if actor.is_manager:
        return station
    kept = session.scalar(
        select(StationKeeper.station_id).where(
            StationKeeper.station_id == station.id, StationKeeper.user_id == actor.user_id
        )
    )
    if kept is None:
        raise Forbidden(f"you do not keep station {station.code}: report only for your own")
    return station


def stations_to_report_for(session: Session, *, actor: Principal) -> list[Station]:
    """The stations whose readings this person may type in, for the form's choice."""
    if actor.user_id is None or not actor.has_role(*REPORTERS):
        return []
    query = select(Station).order_by(Station.area, Station.code)
    if not actor.is_manager:
        kept = select(StationKeeper.station_id).where(StationKeeper.user_id == actor.user_id)
        query = query.where(Station.id.in_(kept))
    return list(session.scalars(query))


# Observations


def villages(session: Session, *, actor: Principal) -> list[str]:
    """The areas of the stations the actor may see: the places an observation can name."""
    rows = session.scalars(
        select(Station.area)
        .where(StationScope.for_principal(actor).visible())
        .distinct()
        .order_by(Station.area)
    )
    return [area for area in rows if area]


def report_observation(
    session: Session,
    *,
    actor: Principal,
    data: ObservationCreate,
    photo: bytes | None,
    storage: Storage,
    now: datetime,
) -> ReportReceipt:
    """Stores an observation, and its photo as a file. The file is written before the row;
    should the transaction then fail, a file without a row is left, never the reverse."""
    user_id = _require_reporter(actor)
    moment = to_utc(data.observed_at) if data.observed_at is not None else now
    check_time(moment, now=now)
    known = villages(session, actor=actor)
    village = data.village.strip() if data.village is not None else None
    if village is not None and village not in known:
        raise ReportRefused(
            f"unknown village {village!r}: choose one of {', '.join(known)}",
            field="village",
            code="unknown_village",
        )
    if village is None and data.latitude is not None and data.longitude is not None:
        village = _nearest_village(session, actor=actor, lat=data.latitude, lon=data.longitude)
    stored = (
        store_photo(photo, storage_dir=storage.dir, max_bytes=storage.max_photo_bytes)
        if photo
        else None
    )
    observation = Observation(
        kind=data.kind,
        observed_at=moment,
        latitude=data.latitude,
        longitude=data.longitude,
        village=village,
        note=data.note.strip(),
        photo_file=stored.file_name if stored else None,
        photo_type=stored.media_type if stored else None,
        photo_bytes=stored.size if stored else None,
        reporter_id=user_id,
        created_at=now,
    )
    try:
        session.add(observation)
        session.flush()
    except Exception:
        if stored is not None:
            discard_photo(storage.dir, stored.file_name)
        raise
    record_change(
        session,
        actor=actor,
        action="create",
        entity="observation",
        entity_id=str(observation.id),
        before=None,
        after={
            "kind": observation.kind.value,
            "observed_at": moment.isoformat(),
            "village": village,
            "latitude": data.latitude,
            "longitude": data.longitude,
            "photo": stored is not None,
        },
    )
    public = _full(observation, reporter=None)
    return ReportReceipt(
        kind="observation",
        id=str(observation.id),
        message=f"observation {observation.id} stored",
        observation=public,
    )


def _nearest_village(session: Session, *, actor: Principal, lat: float, lon: float) -> str | None:
    """The area of the nearest visible station within NEAREST_VILLAGE_KM, so that a report
    given as a point still has a village to show the public."""
    rows = session.execute(
        select(Station.area, Station.latitude, Station.longitude).where(
            StationScope.for_principal(actor).visible()
        )
    )
    best: tuple[float, str] | None = None
    for area, s_lat, s_lon in rows:
        x = math.radians(s_lon - lon) * math.cos(math.radians((s_lat + lat) / 2))
        y = math.radians(s_lat - lat)
        km = 6371.0 * math.hypot(x, y)
        if km <= NEAREST_VILLAGE_KM and (best is None or km < best[0]):
            best = (km, area)
    return best[1] if best else None


def _sees_everything(viewer: Principal, observation: Observation) -> bool:
    if viewer.has_role(*SEE_ALL_PRIVATE):
        return True
    return viewer.user_id is not None and observation.reporter_id == viewer.user_id


def _full(observation: Observation, *, reporter: str | None) -> ObservationPublic:
    return ObservationPublic(
        id=observation.id,
        kind=observation.kind,
        observed_at=observation.observed_at,
        village=observation.village,
        latitude=observation.latitude,
        longitude=observation.longitude,
        note=observation.note,
        photo_url=f"/reports/{observation.id}/photo" if observation.photo_file else None,
        reporter=reporter,
        created_at=observation.created_at,
    )


def _shown(observation: Observation, viewer: Principal, reporter: str) -> ObservationPublic:
    """The reporter's and the staff's view, or for anyone else kind, time and village only:
    a note, a photo or an exact point could tell who reported, and from where."""
    if _sees_everything(viewer, observation):
        return _full(observation, reporter=reporter)
    return ObservationPublic(
        id=observation.id,
        kind=observation.kind,
        observed_at=observation.observed_at,
        village=observation.village,
    )


def list_observations(
    session: Session,
    *,
    viewer: Principal,
    mine: bool = False,
    limit: int = 100,
) -> list[ObservationPublic]:
    """Newest first. Everyone sees every observation's kind, time and village; details as
    `_shown` decides. `mine` keeps the viewer's own reports."""
    query = (
        select(Observation, UserAccount.display_name)
        .join(UserAccount, UserAccount.id == Observation.reporter_id)
        .order_by(Observation.observed_at.desc(), Observation.id.desc())
        .limit(min(limit, MAX_LISTED))
    )
    if mine:
        if viewer.user_id is None:
            return []
        query = query.where(Observation.reporter_id == viewer.user_id)
    return [_shown(o, viewer, name) for o, name in session.execute(query)]


def observation_photo(
    session: Session, *, viewer: Principal, observation_id: int, storage: Storage
) -> tuple[Path, str]:
    """(file, media type) of an observation's photo, for its reporter and the staff; 404
    for everyone else, so that nobody learns which reports have photos."""
    observation = session.get(Observation, observation_id)
    if (
        observation is None
        or observation.photo_file is None
        or observation.photo_type is None
        or not _sees_everything(viewer, observation)
    ):
        raise NotFound(f"no photo of observation {observation_id}")
    path = photo_path(storage.dir, observation.photo_file)
    if not path.is_file():
        raise NotFound(f"the photo of observation {observation_id} is missing from storage")
    return path, observation.photo_type
