"""A station's MQTT credential: issued and shown once, rotated, revoked, verified, audited,
and written out as Mosquitto's files. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from core.access.principal import Principal, system_principal
from core.audit.service import list_audit_events
from core.devices.credentials import (
    issue_credential,
    mosquitto_files,
    revoke_credential,
    verify_device,
)
from core.devices.mosquitto import check_password
from core.devices.topics import INGEST_USER
from core.kit.errors import Forbidden, NotFound
from core.models import Role, StationKind
from core.stations.schemas import StationCreate
from tests.factories import keep, make_organisation, make_station, make_user

ADMIN = system_principal("test")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_issued_password_verifies_once_rotated_the_old_one_stops(session: Session) -> None:
    station = make_station(session)
    first = issue_credential(session, actor=ADMIN, code=station.code, now=NOW)
    assert (first.username, first.station_code) == (station.code, station.code)
    assert len(first.password) >= 32
    assert verify_device(session, user=station.code, password=first.password)
    assert not verify_device(session, user=station.code, password="guess")
    assert not verify_device(session, user=station.code.upper(), password=first.password)

    second = issue_credential(session, actor=ADMIN, code=station.code, now=NOW)
    assert second.password != first.password
    assert verify_device(session, user=station.code, password=second.password)
    assert not verify_device(session, user=station.code, password=first.password)


def test_revoked_credential_no_longer_verifies_and_reissuing_works(session: Session) -> None:
    station = make_station(session)
    issued = issue_credential(session, actor=ADMIN, code=station.code, now=NOW)
    revoked = revoke_credential(session, actor=ADMIN, code=station.code, now=NOW)
    assert revoked.revoked_at == NOW
    assert not verify_device(session, user=station.code, password=issued.password)
    again = revoke_credential(session, actor=ADMIN, code=station.code, now=NOW)
    assert again.revoked_at == NOW
    renewed = issue_credential(session, actor=ADMIN, code=station.code, now=NOW)
    assert renewed.revoked_at is None
    assert verify_device(session, user=station.code, password=renewed.password)


def test_revoking_a_station_without_credential_is_not_found(session: Session) -> None:
    station = make_station(session)
    with pytest.raises(NotFound):
        revoke_credential(session, actor=ADMIN, code=station.code, now=NOW)


def test_the_audit_log_records_each_change_without_secrets(session: Session) -> None:
    station = make_station(session)
    issued = issue_credential(session, actor=ADMIN, code=station.code, now=NOW)
    later = NOW + timedelta(days=30)
    rotated = issue_credential(session, actor=ADMIN, code=station.code, now=later)
    revoke_credential(session, actor=ADMIN, code=station.code, now=later)
    events = list_audit_events(session, entity="mqtt_credential", entity_id=str(station.id))
    assert [e.action for e in reversed(events)] == ["issue", "rotate", "revoke"]
    logged = str([(e.before, e.after) for e in events])
    assert issued.password not in logged
    assert rotated.password not in logged
    assert "$7$" not in logged


def test_keepers_and_own_operators_manage_others_are_refused(session: Session) -> None:
    factory = make_organisation(session)
    station = make_station(session, organisation_id=factory.id, kind=StationKind.FACTORY)
    kept = make_station(session)
    operator = make_user(session, role=Role.OPERATOR, organisation=factory)
    other_operator = make_user(session, role=Role.OPERATOR)
    volunteer = make_user(session, role=Role.VOLUNTEER)
    official = make_user(session, role=Role.OFFICIAL)
    keep(session, volunteer, kept)

    def as_user(user_id: int, role: Role, organisation_id: int) -> Principal:
        return Principal(user_id=user_id, role=role, organisation_id=organisation_id)

    own = as_user(operator.id, Role.OPERATOR, factory.id)
    issue_credential(session, actor=own, code=station.code, now=NOW)
    keeper = as_user(volunteer.id, Role.VOLUNTEER, volunteer.organisation_id)
    issue_credential(session, actor=keeper, code=kept.code, now=NOW)
    for refused, code in [
        (as_user(other_operator.id, Role.OPERATOR, other_operator.organisation_id), kept.code),
        (as_user(official.id, Role.OFFICIAL, official.organisation_id), station.code),
        (keeper, station.code),
    ]:
        with pytest.raises((Forbidden, NotFound)):
            issue_credential(session, actor=refused, code=code, now=NOW)
    with pytest.raises(Forbidden):
        issue_credential(session, actor=Principal(), code=kept.code, now=NOW)


def test_the_ingest_name_is_never_a_device(session: Session) -> None:
    assert not verify_device(session, user=INGEST_USER, password="")


def test_mosquitto_files_list_the_ingest_and_active_stations_only(session: Session) -> None:
    active, revoked, without = (make_station(session) for _ in range(3))
    issued = issue_credential(session, actor=ADMIN, code=active.code, now=NOW)
    issue_credential(session, actor=ADMIN, code=revoked.code, now=NOW)
    revoke_credential(session, actor=ADMIN, code=revoked.code, now=NOW)

    files = mosquitto_files(session, ingest_password="ingest-pw", prefix="p/v1")
    hashes = dict(line.split(":", 1) for line in files.password_file.splitlines())
    assert check_password("ingest-pw", hashes[INGEST_USER])
    assert check_password(issued.password, hashes[active.code])
    assert revoked.code not in hashes
    assert without.code not in hashes
    assert (
        f"user {active.code}\ntopic write p/v1/readings/{active.code}\n"
        f"topic read p/v1/status/{active.code}\n"
    ) in files.acl_file
    ingest_rules = "topic read p/v1/#\ntopic write p/v1/status/+\ntopic read $SYS/broker/#\n"
    assert f"user {INGEST_USER}\n{ingest_rules}" in files.acl_file
    assert revoked.code not in files.acl_file
    assert without.code not in files.acl_file


def test_no_station_may_take_the_ingests_name() -> None:
    for code in (INGEST_USER, INGEST_USER.upper()):
        with pytest.raises(ValidationError, match="reserved"):
            StationCreate(
                code=code,
                name="x",
                kind=StationKind.VOLUNTEER,
                organisation_id=1,
                latitude=14.6,
                longitude=100.8,
                area="Na Phra Lan",
            )
