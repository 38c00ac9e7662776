"""Who may call what: every route declares its access, and one table says, for every route,
which of seven callers is allowed. Operators see their own facility's private data and
nobody else's; volunteers change only the stations they keep; the public sees public data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.auth import declares_access
from api.uploads import storage_of
from core.access.principal import ANONYMOUS, Principal, system_principal
from core.accounts.api_keys import create_api_key
from core.accounts.schemas import ApiKeyCreate
from core.actions.schemas import ActionCreate
from core.actions.service import add_evidence, create_action
from core.alerts.cap import sync_cap_messages
from core.alerts.service import evaluate_24h_exceedances
from core.bulletins.service import approve, draft_bulletins, publish, store_charts
from core.commitments.detection import detect_excess_events
from core.commitments.schemas import CommitmentCreate
from core.commitments.service import agree_commitment, create_commitment
from core.complaints.schemas import ComplaintCreate, ComplaintUpdateCreate
from core.complaints.service import add_update, submit_complaint
from core.devices.credentials import issue_credential
from core.factory_reports.service import Upload, upload_report
from core.forum.schemas import DecisionIn, MeetingIn, WorkingGroupIn
from core.forum.service import create_meeting, create_working_group, record_decision
from core.models import (
    Alert,
    AlertKind,
    AlertRule,
    BulletinKind,
    CapMessage,
    Channel,
    ExcessEvent,
    Role,
    Severity,
    StakeholderGroup,
    StationKind,
)
from core.outbox.schemas import SubscriptionIn
from core.outbox.subscriptions import create_subscription
from core.readings.ingest import IncomingMessage, ingest_messages
from core.reports.schemas import ObservationCreate
from core.reports.service import report_observation
from core.settings import Settings, StorageSettings, default_zone
from core.targets.schemas import TargetCreate
from core.targets.service import agree_target, create_target
from tests.api.conftest import Api, make_api
from tests.conftest import BACKENDS
from tests.core.indicators.test_indicators import flat
from tests.core.indicators.test_indicators import publish as publish_day
from tests.factories import (
    DEFAULT_PASSWORD,
    keep,
    make_organisation,
    make_station,
    make_user,
    tokens_for,
)

CALLERS = ("anonymous", "volunteer", "operator_a", "operator_b", "official", "backbone", "admin")
ALL = frozenset(CALLERS)
SIGNED_IN = ALL - {"anonymous"}
MANAGERS = frozenset({"backbone", "admin"})
SEE_A = frozenset({"operator_a", "official", "backbone", "admin"})
SEE_B = frozenset({"operator_b", "official", "backbone", "admin"})
REJECTIONS = frozenset({"volunteer", "operator_a", "operator_b", "backbone", "admin"})
OWN_A = frozenset({"operator_a", "backbone", "admin"})
OWN_KEPT = frozenset({"volunteer", "backbone", "admin"})

# FastAPI's own documentation routes: public by nature, and not API routes.
DOCUMENTATION_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
# Files served as they are (styles, fonts, Swagger UI), to anyone, with no database access.
STATIC_MOUNTS = {"/static"}
# The sign-in form's double-submit token, as the form and its cookie carry it.
FORM_TOKEN = "t" * 43
PNG_PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(64)


@dataclass(frozen=True)
class Row:
    """One check: `method path` as each caller; `allowed` get a 2xx, the others 401/403/404.

    With `sees`, `allowed` are the callers whose successful response mentions it (a private
    station in a list, an organisation's contacts); the others may also be refused.
    """

    method: str
    path: str
    allowed: frozenset[str]
    body: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    headers: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    sees: str | None = None
    name: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}{' ' + self.name if self.name else ''}"


NEW_STATION = {
    "code": "npl-new",
    "name": "New station",
    "kind": "volunteer",
    "organisation_id": "{org_community}",
    "latitude": 14.68,
    "longitude": 100.87,
    "area": "Na Phra Lan",
}


def factory_report(month: int) -> bytes:
    """A one-row report of factory A's station for a month of 2026."""
    return (
        "period_start,period_end,station,parameter,value,unit,method,sample_start,sample_end\n"
        f"2026-{month:02}-01,2026-{month:02}-28,f-a,pm10,80,ug/m3,Hi-vol,"
        f"2026-{month:02}-05T08:00:00+07:00,2026-{month:02}-06T08:00:00+07:00\n"
    ).encode()


UPLOADERS = frozenset({"operator_a", *MANAGERS})
REPORT_FILE = {"file": ("report.csv", factory_report(10), "text/csv")}
SCHEDULE = {"frequency": "monthly", "due_days": 15, "first_period_start": "2026-01-01"}
RESOLVERS = frozenset({"official", *MANAGERS})
"""Who acts on any alert and closes alerts by hand; operators act on their facility's only."""
SEE_FACILITIES = frozenset({"operator_a", "operator_b", "official", "backbone", "admin"})

REPORTERS = frozenset({"volunteer", *MANAGERS})
SEE_NOTES = frozenset({"volunteer", "official", *MANAGERS})
"""The reporter of the world's observation, and the staff who see every report in full."""
OBSERVATION = {"kind": "visible_dust", "village": "Na Phra Lan", "note": "Dust over the road"}
REPLY = {"token": "{complaint_token}", "note": "still dusty"}
COMPLAINT = {"kind": "dust", "village": "Na Phra Lan", "contact_phone": "081-555-0100"}
COMPLAINT_TRIAGE_STEP = {"status": "confirmed", "note": "called the quarry"}
COMPLAINT_STILL_FIXED = {"token": "{complaint_token}"}
COMPLAINT_OPEN311 = {"service_code": "dust", "address_string": "Na Phra Lan"}


TARGET = {
    "title_th": "วันฝุ่นเกินมาตรฐานลดลง",
    "title_en": "Fewer dusty days",
    "indicator": "exceedance_days",
    "parameter": "pm10",
    "area": "Na Phra Lan",
    "baseline_start": "2026-01-05",
    "baseline_end": "2026-01-05",
    "target_value": 0,
    "deadline": "2027-01-05",
}
CERTIFICATION = {"area": "Na Phra Lan", "period_start": "2026-01-01", "period_end": "2026-01-31"}
TARGET_FORM = {key: str(value) for key, value in TARGET.items()}
TARGET_FORM_REVISION = {"reason": "The forum asked for one day", "target_value": "1"}
TARGET_FORM_CERTIFICATION = CERTIFICATION

STAFF = frozenset({"official", *MANAGERS})
ALERT_RULE = {
    "name": "Haul road PM10 hourly",
    "kind": "value_over",
    "areas": ["Na Phra Lan"],
    "parameter": "pm10",
    "threshold": 180,
    "averaging": "hourly",
    "severity": "critical",
    # Doubled braces: World.fill formats bodies with the world's values first.
    "title_th": "{{parameter}} สูงที่ {{station}}",
    "title_en": "{{parameter}} high at {{station}}",
    "message_th": "{{parameter}} {{value}} {{unit}} เกิน {{threshold}}",
    "message_en": "{{parameter}} {{value}} {{unit}} over {{threshold}}",
}
ALERT_RULE_24H = ALERT_RULE | {
    "kind": "exceedance_24h",
    "threshold": None,
    "averaging": None,
    "severity": "warning",
}

ALERT_RULE_FORM = {k: str(v) for k, v in ALERT_RULE.items() if k != "areas"} | {
    "areas": "Na Phra Lan",
    "enabled": "on",
}
ALERT_RULE_24H_FORM = ALERT_RULE_FORM | {"kind": "exceedance_24h", "severity": "warning"}


SUBSCRIPTION = {
    "name": "District officials by e-mail",
    "role": "official",
    "channel": "email",
    "areas": ["Na Phra Lan"],
}

SUBSCRIPTION_FORM = {
    "name": "District officials on LINE",
    "recipient": "role:official",
    "channel": "line",
    "address": "Cgroup0123",
}


REVIEW = {
    "station": "{v_kept}",
    "parameter": "pm10",
    "time": "{reading_time}",
    "quality": "invalid",
    "reason": "sensor was being cleaned",
}


SEE_DRAFTS = frozenset({"official", *MANAGERS})
BULLETIN_TEXT = {
    "title_th": "ประกาศ",
    "title_en": "Bulletin",
    "body_th": "ข้อความ",
    "body_en": "Text",
}


ACTION_BODY = {
    "title_th": "รดน้ำถนนขนส่ง",
    "title_en": "Haul road watering",
    "kind": "road_watering",
    "responsible": "Site manager",
    "start_date": "2026-01-01",
    "target_ids": ["{agreed_target}"],
    "station_codes": ["v-kept"],
}
ACTION_FORM = {
    "title_th": "รดน้ำถนน",
    "title_en": "Road watering",
    "kind": "road_watering",
    "responsible": "Site manager",
    "target_ids": "{agreed_target}",
}


def actions_for_access(
    session: Session, *, operator_a: Principal, target_id: str, storage_dir: Path
) -> dict[str, str]:
    """Factory A's action against the agreed target, with a photo as evidence."""
    now = datetime.now(UTC)
    data = ActionCreate.model_validate(ACTION_BODY | {"target_ids": [int(target_id)]})
    action = create_action(session, data=data, actor=operator_a, now=now)
    photo = add_evidence(
        session,
        action_id=action.id,
        label="Watering truck",
        actor=operator_a,
        now=now,
        photo=PNG_PHOTO,
        storage_dir=storage_dir,
        max_photo_bytes=1024 * 1024,
    )
    return {"action_id": str(action.id), "action_photo_id": str(photo.id)}


COMMITMENT = {
    "facility_id": "{org_a}",
    "title_th": "PM10 รั้วโรงงานรายชั่วโมงไม่เกิน 120",
    "title_en": "Fence-line PM10 hourly at most 120",
    "kind": "threshold",
    "station_codes": ["f-a"],
    "parameter": "pm10",
    "averaging": "hourly",
    "limit_value": 120,
    "effective_from": "2026-01-01",
}
EVENT_REPLY = {"cause": "Blasting ran late", "corrective_action": "Water cannon at the fence"}


def commitments_for_access(
    session: Session, *, operator_a: Principal, now: datetime
) -> dict[str, str]:
    """Factory A's agreed commitment on its private station, the day over the limit opening
    an event still awaiting its reply, and a proposal of the backbone's A has to agree to."""
    robot = system_principal("test")
    data = CommitmentCreate.model_validate(COMMITMENT | {"facility_id": operator_a.organisation_id})
    agreed = create_commitment(session, actor=operator_a, data=data, now=now)
    agree_commitment(session, actor=robot, commitment_id=agreed.id, now=now)
    detect_excess_events(session, now=now, zone=default_zone())
    proposal = create_commitment(
        session, actor=robot, data=data.model_copy(update={"title_en": "Proposed"}), now=now
    )
    event_id = session.scalars(select(ExcessEvent.id)).one()
    return {
        "commitment_id": str(agreed.id),
        "proposed_commitment_id": str(proposal.id),
        "event_id": str(event_id),
        "commitment_title": data.title_en,
        "commitment_title_th": data.title_th,
    }


FORUM_GROUP = {"title_th": "เตาเผา", "title_en": "Kilns", "area": "Na Phra Lan"}
FORUM_MEETING = {
    "title_th": "ประชุมเวทีร่วม",
    "title_en": "Joint forum meeting",
    "starts_at": "2026-11-28T09:00:00+07:00",
    "place": "Na Phra Lan school",
    "status": "held",
}
FORUM_DECISION = {
    "text_th": "รดน้ำถนนขนส่งทุกชั่วโมง",
    "text_en": "Water the haul road every hour",
    "responsible_organisation_id": "{org_a}",
    "due_on": "2026-12-15",
}
FORUM_MEETING_FORM = {
    "title_th": "ประชุมเวทีร่วม",
    "title_en": "Joint forum meeting",
    "starts_at": "2026-11-28T09:00",
    "place": "Na Phra Lan school",
    "status": "held",
}
FORUM_AGENDA_ITEM = {"text_th": "เสียงระเบิดหิน", "text_en": "Blasting noise"}
FORUM_PROPOSERS = frozenset({"volunteer", *MANAGERS})
"""The volunteer's community was invited to the planned meeting; the backbone keeps it."""
FORUM_GROUP_FORM = {"title_th": "เตาเผา", "title_en": "Kilns"}
FORUM_DECISION_FORM = FORUM_DECISION | {"due_on": "2026-12-15"}


def forum_for_access(
    session: Session, *, member_id: int, responsible_id: int, target_id: str
) -> dict[str, str]:
    """A working group with the agreed target, a held meeting of the joint forum that the
    member (whose contact is Khun Contact) attended, and one decision of it."""
    robot = system_principal("test")
    now = datetime.now(UTC)
    group = create_working_group(
        session,
        actor=robot,
        data=WorkingGroupIn.model_validate(
            FORUM_GROUP
            | {
                "title_en": "Haul roads",
                "members": [{"organisation_id": member_id, "joined_on": "2026-11-01"}],
                "target_ids": [int(target_id)],
            }
        ),
        now=now,
    )
    meeting = create_meeting(
        session,
        actor=robot,
        data=MeetingIn.model_validate(FORUM_MEETING | {"participant_ids": [member_id]}),
        now=now,
    )
    planned = create_meeting(
        session,
        actor=robot,
        data=MeetingIn.model_validate(
            FORUM_MEETING | {"status": "planned", "participant_ids": [member_id]}
        ),
        now=now,
    )
    decision = record_decision(
        session,
        actor=robot,
        meeting_id=meeting.id,
        data=DecisionIn.model_validate(
            FORUM_DECISION | {"responsible_organisation_id": responsible_id}
        ),
        now=now,
    )
    return {
        "group_id": str(group.id),
        "meeting_id": str(meeting.id),
        "decision_id": str(decision.id),
        "planned_meeting_id": str(planned.id),
        "forum_decision_text": "รดน้ำถนนขนส่งทุกชั่วโมง",
        "forum_target_group": f'href="/working-groups/{group.id}/page"',
    }


def manual_reading(station: str) -> dict[str, str]:
    return {"kind": "reading", "station_code": station, "parameter": "pm10", "value": "55"}


def user_body(role: str) -> dict[str, Any]:
    return {
        "email": f"new-{role}@example.org",
        "display_name": f"New {role}",
        "role": role,
        "organisation_id": "{org_community}",
        "password": "a long enough password",
    }


TABLE: tuple[Row, ...] = (
    Row("GET", "/health", ALL),
    Row("GET", "/status", ALL),
    Row("GET", "/status", SEE_A, sees="{f_a}", name="shows factory A's station"),
    Row("GET", "/status", SEE_B, sees="{f_b}", name="shows factory B's station"),
    Row("GET", "/indicators", ALL),
    Row("GET", "/indicators", ALL, sees="{v_kept}", name="counts a public station"),
    Row("GET", "/indicators", SEE_A, sees="{f_a}", name="counts factory A's station"),
    Row("GET", "/indicators", SEE_A, name="factory A"),
    Row("GET", "/alerts", ALL),
    Row("GET", "/alerts", ALL, sees="{v_kept}", name="shows a public station's alert"),
    Row("GET", "/alerts", SEE_A, sees="{f_a}", name="shows factory A's alert"),
    Row("GET", "/alerts", SEE_B, sees="{f_b}", name="shows factory B's alert"),
    # Alerts without a station: a facility's to its operators and staff, an area's to staff.
    Row("GET", "/alerts", SEE_A, sees="{facility_alert_title}", name="shows A's report alert"),
    Row("GET", "/alerts", STAFF, sees="{area_alert_title}", name="shows an area's cluster"),
    Row("GET", "/alerts/{public_id}", SEE_A, name="factory A's report"),
    Row("GET", "/alerts/{public_id}", STAFF, name="an area's cluster"),
    Row("POST", "/alerts/{public_id}/acknowledge", SEE_A, {"note": "seen"}, name="A's report"),
    # Alert rules: what raises alerts, managed by the backbone.
    Row("GET", "/alert-rules", MANAGERS),
    Row("GET", "/alert-rules", MANAGERS, sees="{rule_name}", name="shows the default rule"),
    Row("POST", "/alert-rules", MANAGERS, body=ALERT_RULE),
    Row("GET", "/alert-rules/{rule_id}", MANAGERS),
    Row("PUT", "/alert-rules/{rule_id}", MANAGERS, body=ALERT_RULE_24H),
    Row("DELETE", "/alert-rules/{rule_id}", MANAGERS),
    # Alert delivery: who receives what, and what each recipient was sent.
    Row("GET", "/alerts/{public_id}/deliveries", MANAGERS),
    Row("GET", "/alerts/{public_id}/deliveries", MANAGERS, sees="{f_a_alert_to}", name="A's"),
    Row("GET", "/subscriptions", MANAGERS),
    Row("POST", "/subscriptions", MANAGERS, body=SUBSCRIPTION),
    Row("PUT", "/subscriptions/{subscription_id}", MANAGERS, body=SUBSCRIPTION),
    Row("DELETE", "/subscriptions/{subscription_id}", MANAGERS),
    Row("GET", "/alerts/{public_id}", ALL, name="public station"),
    Row("GET", "/alerts/{public_id}", SEE_A, name="factory A"),
    Row("POST", "/alerts/{public_id}/acknowledge", RESOLVERS, {"note": "seen"}, name="public"),
    Row("POST", "/alerts/{public_id}/acknowledge", SEE_A, {"note": "seen"}, name="factory A"),
    Row("POST", "/alerts/{public_id}/responses", RESOLVERS, {"action": "truck"}, name="public"),
    Row("POST", "/alerts/{public_id}/responses", SEE_A, {"action": "truck"}, name="factory A"),
    Row("POST", "/alerts/{public_id}/resolve", RESOLVERS, {"reason": "rain"}, name="public"),
    Row("POST", "/alerts/{public_id}/resolve", RESOLVERS, {"reason": "rain"}, name="factory A"),
    # The public CAP feed: public stations' alerts, to anyone; a private station's never.
    Row("GET", "/cap/alerts.atom", ALL),
    Row("GET", "/cap/alerts.atom", ALL, sees="{alert_v_kept}", name="lists a public alert"),
    Row("GET", "/cap/alerts.atom", frozenset(), sees="{alert_f_a}", name="never a private one"),
    Row("GET", "/cap/messages/{identifier}.xml", ALL, name="public station"),
    Row("GET", "/cap/messages/{identifier}.xml", frozenset(), name="private station"),
    Row("GET", "/inbox", RESOLVERS),
    Row("GET", "/inbox", RESOLVERS, sees="{f_a}", name="shows factory A's alert"),
    Row("POST", "/inbox/{public_id}/acknowledge", RESOLVERS, form={"note": "seen"}),
    Row("POST", "/inbox/{public_id}/responses", RESOLVERS, form={"action": "truck"}),
    Row("POST", "/inbox/{public_id}/resolve", RESOLVERS, form={"reason": "rain"}),
    Row("GET", "/stations", ALL),
    Row("GET", "/stations", ALL, sees="{v_kept}", name="lists a public station"),
    Row("GET", "/stations", SEE_A, sees="{f_a}", name="lists factory A's station"),
    Row("GET", "/stations", SEE_B, sees="{f_b}", name="lists factory B's station"),
    Row("POST", "/stations", MANAGERS, body=NEW_STATION),
    Row("GET", "/stations/{code}", ALL, name="public"),
    Row("GET", "/stations/{code}", SEE_A, name="factory A"),
    Row("GET", "/stations/{code}", SEE_B, name="factory B"),
    Row("PATCH", "/stations/{code}", {"volunteer", *MANAGERS}, {"name": "x"}, name="kept"),
    Row("PATCH", "/stations/{code}", MANAGERS, {"name": "x"}, name="not kept"),
    Row("PATCH", "/stations/{code}", {"operator_a", *MANAGERS}, {"name": "x"}, name="A"),
    Row("PATCH", "/stations/{code}", MANAGERS, {"public": True}, name="A, made public"),
    Row("GET", "/stations/{code}/readings", ALL, name="public"),
    Row("GET", "/stations/{code}/readings", SEE_A, name="factory A"),
    Row("GET", "/stations/{code}/readings", SEE_B, name="factory B"),
    Row("GET", "/stations/{code}/hourly", ALL, name="public"),
    Row("GET", "/stations/{code}/hourly", SEE_A, name="factory A"),
    Row("GET", "/stations/{code}/hourly", SEE_B, name="factory B"),
    Row("GET", "/stations/{code}/keepers", MANAGERS),
    Row("POST", "/stations/{code}/keepers", MANAGERS, {"user_id": "{volunteer_id}"}),
    Row("DELETE", "/stations/{code}/keepers/{user_id}", MANAGERS),
    Row("GET", "/organisations", ALL),
    Row("GET", "/organisations", SIGNED_IN, sees="Khun Contact", name="shows contacts"),
    Row("GET", "/organisations/{organisation_id}", ALL),
    Row(
        "GET",
        "/organisations/{organisation_id}",
        SIGNED_IN,
        sees="Khun Contact",
        name="shows contacts",
    ),
    Row(
        "POST",
        "/organisations",
        MANAGERS,
        {"name_th": "ใหม่", "name_en": "New", "stakeholder_group": "other"},
    ),
    Row("PATCH", "/organisations/{organisation_id}", MANAGERS, {"areas": ["Huai Bong"]}),
    Row("GET", "/users", MANAGERS),
    Row("POST", "/users", MANAGERS, user_body("volunteer"), name="a volunteer"),
    Row("POST", "/users", frozenset({"admin"}), user_body("admin"), name="an admin"),
    Row("PATCH", "/users/{user_id}", MANAGERS, {"display_name": "x"}, name="a volunteer"),
    Row("PATCH", "/users/{user_id}", frozenset({"admin"}), {"display_name": "x"}, name="admin"),
    Row("PATCH", "/users/{user_id}", frozenset({"admin"}), {"role": "admin"}, name="promote"),
    Row("GET", "/api-keys", {"volunteer", "operator_a", "operator_b", *MANAGERS}),
    Row("GET", "/api-keys", {"operator_a", *MANAGERS}, sees="{key_a_prefix}", name="A's key"),
    Row(
        "POST",
        "/api-keys",
        {"volunteer", *MANAGERS},
        {"name": "sensor", "station_code": "{v_kept}"},
        name="kept station",
    ),
    Row(
        "POST",
        "/api-keys",
        {"operator_a", *MANAGERS},
        {"name": "logger", "station_code": "{f_a}"},
        name="factory A's station",
    ),
    Row(
        "POST",
        "/api-keys",
        MANAGERS,
        {"name": "org", "organisation_id": "{org_a}"},
        name="organisation",
    ),
    Row("DELETE", "/api-keys/{key_id}", {"operator_a", *MANAGERS}),
    Row("POST", "/stations/{code}/mqtt-credential", {"volunteer", *MANAGERS}, name="kept"),
    Row("POST", "/stations/{code}/mqtt-credential", MANAGERS, name="not kept"),
    Row("POST", "/stations/{code}/mqtt-credential", {"operator_a", *MANAGERS}, name="A"),
    Row("DELETE", "/stations/{code}/mqtt-credential", {"operator_a", *MANAGERS}, name="A"),
    Row("DELETE", "/stations/{code}/mqtt-credential", {"volunteer", *MANAGERS}, name="kept"),
    Row("GET", "/audit", MANAGERS),
    Row("GET", "/standards", ALL),
    Row("GET", "/standards/{series_or_id}", ALL),
    Row("GET", "/aqi/scales", ALL),
    Row("GET", "/aqi", ALL),
    Row(
        "POST", "/aqi/nowcast", ALL, {"scale": "us-epa-2024", "pollutant": "pm25", "hours": [9, 8]}
    ),
    Row("POST", "/auth/token", ALL, form={"username": "{volunteer_email}", "password": "{pw}"}),
    Row("POST", "/auth/refresh", ALL, {"refresh_token": "{refresh_token}"}),
    Row("POST", "/auth/logout", SIGNED_IN),
    Row("GET", "/auth/me", SIGNED_IN),
    # The web pages (api/web); a refusal is a page too, with the same status.
    Row("GET", "/docs", ALL),
    Row("GET", "/docs/oauth2-redirect", ALL),
    Row("GET", "/", ALL),
    Row("GET", "/", ALL, sees="{v_kept}", name="shows a public station"),
    Row("GET", "/", frozenset(), sees="{f_a}", name="never a private station"),
    Row("GET", "/signin", ALL),
    Row(
        "POST",
        "/signin",
        ALL,
        form={
            "email": "{volunteer_email}",
            "password": "{pw}",
            "csrf_token": FORM_TOKEN,
            "next": "/",
        },
        headers={"Cookie": f"dustwatch_form={FORM_TOKEN}"},
    ),
    Row("POST", "/signout", SIGNED_IN),
    Row("GET", "/home", SIGNED_IN),
    Row("GET", "/home", SEE_A, sees="{f_a}", name="shows factory A's station"),
    Row("GET", "/stations/{code}/page", ALL, name="public"),
    Row("GET", "/stations/{code}/page", SEE_A, name="factory A"),
    Row("GET", "/stations/{code}/page", SEE_B, name="factory B"),
    Row("GET", "/manage/organisations", MANAGERS),
    Row(
        "POST",
        "/manage/organisations",
        MANAGERS,
        form={"name_th": "ใหม่", "name_en": "New", "stakeholder_group": "other"},
    ),
    Row("GET", "/manage/users", MANAGERS),
    Row(
        "POST",
        "/manage/users",
        MANAGERS,
        form={k: str(v) for k, v in user_body("volunteer").items()},
    ),
    Row("POST", "/manage/users/{user_id}/disable", MANAGERS, name="a volunteer"),
    Row("POST", "/manage/users/{user_id}/disable", frozenset({"admin"}), name="an admin"),
    Row("GET", "/manage/stations", MANAGERS),
    Row("GET", "/manage/stations", MANAGERS, sees="{f_b}", name="shows factory B's station"),
    Row("POST", "/manage/stations/{code}/keys", MANAGERS, form={"name": "logger"}),
    Row("POST", "/manage/keys/{key_id}/revoke", MANAGERS),
    Row("GET", "/manage/audit", MANAGERS),
    Row("GET", "/manage/subscriptions", MANAGERS),
    Row("GET", "/manage/subscriptions", MANAGERS, sees="{f_a_alert_to}", name="shows one"),
    Row("POST", "/manage/subscriptions", MANAGERS, form=SUBSCRIPTION_FORM),
    Row("POST", "/manage/subscriptions/{subscription_id}/delete", MANAGERS),
    Row("GET", "/manage/alert-rules", MANAGERS),
    Row("GET", "/manage/alert-rules", MANAGERS, sees="{rule_name}", name="shows the default"),
    Row("POST", "/manage/alert-rules", MANAGERS, form=ALERT_RULE_FORM),
    Row("GET", "/manage/alert-rules/{rule_id}", MANAGERS),
    Row("POST", "/manage/alert-rules/{rule_id}", MANAGERS, form=ALERT_RULE_24H_FORM),
    Row("POST", "/manage/alert-rules/{rule_id}/disable", MANAGERS),
    # A facility's compliance: its own operators, officials, the backbone and admins.
    Row("GET", "/facilities/{facility_id}/compliance", SEE_A),
    Row("GET", "/facilities/{facility_id}/compliance.csv", SEE_A),
    Row("GET", "/facilities/{facility_id}/compliance/page", SEE_A),
    Row("GET", "/compliance", {"operator_a", "operator_b", "official", "backbone", "admin"}),
    # Factories' periodic reports: the facility's operators upload; staff see every one.
    Row("POST", "/facilities/{facility_id}/reports", UPLOADERS, files=REPORT_FILE),
    Row("GET", "/facilities/{facility_id}/reports", SEE_A),
    Row("GET", "/facilities/{facility_id}/reports/{report_id}", SEE_A),
    Row("GET", "/facilities/{facility_id}/reports/{report_id}/file", SEE_A),
    Row("PUT", "/facilities/{facility_id}/report-schedule", MANAGERS, body=SCHEDULE),
    Row("GET", "/facilities/{facility_id}/periodic-reports", SEE_A),
    Row("POST", "/facilities/{facility_id}/periodic-reports", UPLOADERS, files=REPORT_FILE),
    Row(
        "POST",
        "/facilities/{facility_id}/periodic-reports/schedule",
        MANAGERS,
        form={"frequency": "monthly", "due_days": "15", "first_period_start": "2026-01-01"},
    ),
    Row("GET", "/factory-reports", SEE_FACILITIES),
    Row("GET", "/aqi/calculator", ALL),
    # Devices send readings with their API key; people's sign-ins are refused (403).
    Row("POST", "/ingest/readings", frozenset(), {"parameter": "pm10", "value": 1, "time": "x"}),
    Row("POST", "/ingest/airrohr", frozenset(), {"esp8266id": "1", "sensordatavalues": []}),
    Row("POST", "/ingest/airrohr/v1/push-sensor-data/", frozenset(), {"sensordatavalues": []}),
    # Refused messages: the backbone all, a station's own people theirs, officials none.
    Row("GET", "/ingest/rejected", REJECTIONS),
    Row("GET", "/ingest/rejected", OWN_A, sees="{f_a_refused}", name="shows factory A's"),
    Row("GET", "/ingest/rejected", OWN_KEPT, sees="{v_kept_refused}", name="shows a kept one's"),
    Row("GET", "/ingest/rejected", MANAGERS, sees="{nowhere_refused}", name="wrong topic"),
    Row("GET", "/rejected", REJECTIONS),
    Row("GET", "/rejected", OWN_A, sees="{f_a_refused}", name="shows factory A's"),
    Row("GET", "/rejected", OWN_KEPT, sees="{v_kept_refused}", name="shows a kept one's"),
    Row("GET", "/rejected", MANAGERS, sees="{nowhere_refused}", name="wrong topic"),
    # Volunteers' reports: observations and readings typed in by hand.
    Row("POST", "/reports", REPORTERS, form=OBSERVATION, name="an observation"),
    Row("POST", "/reports", REPORTERS, form=manual_reading("{v_kept}"), name="reading, kept"),
    Row("POST", "/reports", MANAGERS, form=manual_reading("{v_other}"), name="reading, not kept"),
    Row("POST", "/reports", MANAGERS, form=manual_reading("{f_a}"), name="reading, factory A"),
    Row("GET", "/reports", ALL),
    Row("GET", "/reports", ALL, sees="{observation_village}", name="shows the village"),
    Row("GET", "/reports", SEE_NOTES, sees="{observation_note}", name="shows the note"),
    Row("GET", "/reports/{observation_id}/photo", SEE_NOTES),
    Row("GET", "/report", REPORTERS),
    Row("POST", "/report", REPORTERS, form=OBSERVATION, name="an observation"),
    Row("POST", "/report", MANAGERS, form=manual_reading("{v_other}"), name="reading, not kept"),
    # Complaints: anyone complains and reads them anonymised; the reporter (with the private
    # link's token) and the staff see the details; the backbone and the assigned organisation
    # (the district's official here) update.
    Row("POST", "/complaints", ALL, form=COMPLAINT),
    Row("GET", "/complaints", ALL, sees="{complaint_village}", name="shows the village"),
    Row("GET", "/complaints", frozenset(), sees="{complaint_phone}", name="never the contact"),
    Row("GET", "/complaints/{public_id}", ALL),
    Row("GET", "/complaints/{public_id}", frozenset(), sees="{complaint_phone}", name="contact"),
    Row("GET", "/complaints/{public_id}/private", STAFF),
    Row("GET", "/complaints/{public_id}/private", ALL, name="with the token"),
    Row("POST", "/complaints/{public_id}/updates", STAFF, {"note": "called the quarry"}),
    Row("POST", "/complaints/{public_id}/reply", ALL, {"note": "still dusty"}),
    Row("GET", "/complain", ALL),
    Row("POST", "/complain", ALL, form=COMPLAINT),
    Row("GET", "/complain/{public_id}", ALL),
    Row("GET", "/complain/{public_id}", STAFF, name="no token"),
    Row("POST", "/complain/{public_id}/reply", ALL, form=REPLY),
    Row("GET", "/open311/v2/services.json", ALL),
    Row("GET", "/open311/v2/requests.json", ALL),
    Row("GET", "/open311/v2/requests.json", frozenset(), sees="{complaint_phone}", name="contact"),
    Row("GET", "/open311/v2/requests/{service_request_id}.json", ALL),
    Row("POST", "/open311/v2/requests.json", ALL, form=COMPLAINT_OPEN311),
    # Triage: every signed-in person has the page, listing what they may act on; the
    # complaint's contact only for the staff of its organisation and the backbone.
    Row("GET", "/manage/complaints", SIGNED_IN),
    Row("GET", "/manage/complaints", STAFF, sees="{complaint_phone}", name="contact"),
    Row("POST", "/manage/complaints/{public_id}", STAFF, form=COMPLAINT_TRIAGE_STEP),
    Row("POST", "/complain/{public_id}/still-fixed", ALL, form=COMPLAINT_STILL_FIXED),
    # The public map and incidents: anonymised for everyone.
    Row("GET", "/complaints-map", ALL, sees="{complaint_village}", name="shows the village"),
    Row("GET", "/complaints-map", frozenset(), sees="{complaint_phone}", name="contact"),
    Row("GET", "/complaint-incidents", ALL),
    Row("GET", "/complaint-incidents/nearby", ALL),
    # Quality control's review: the backbone and admins.
    Row("GET", "/quality/readings", MANAGERS),
    Row("POST", "/quality/readings/review", MANAGERS, REVIEW),
    Row("GET", "/quality/conflicts", MANAGERS),
    Row("GET", "/manage/quality", MANAGERS),
    Row("POST", "/manage/quality/review", MANAGERS, form=REVIEW),
    # Bulletins: the public reads published ones; officials see drafts; the backbone acts.
    Row("GET", "/bulletins", ALL),
    Row("GET", "/bulletins", ALL, sees="{published_title}", name="shows the published one"),
    Row("GET", "/bulletins.atom", ALL),
    Row("GET", "/bulletins/{bulletin_id}", ALL, name="published"),
    Row("GET", "/bulletins/{bulletin_id}", SEE_DRAFTS, name="draft"),
    Row("GET", "/bulletins/{bulletin_id}/chart.png", ALL),
    Row("PUT", "/bulletins/{bulletin_id}", MANAGERS, body=BULLETIN_TEXT),
    Row("POST", "/bulletins/{bulletin_id}/approve", MANAGERS),
    Row("POST", "/bulletins/{bulletin_id}/publish", MANAGERS),
    Row("POST", "/bulletins/{bulletin_id}/withdraw", MANAGERS),
    Row("GET", "/air-bulletins", ALL),
    Row("GET", "/air-bulletins", ALL, sees="{published_id_link}", name="lists the published"),
    Row("GET", "/air-bulletins/{bulletin_id}", ALL, name="published"),
    Row("GET", "/air-bulletins/{bulletin_id}", SEE_DRAFTS, name="draft"),
    Row("GET", "/manage/bulletins", MANAGERS),
    # Commitments: the public reads agreed ones of public stations (factory A's is private);
    # an event stays with the facility and the staff until replied to or the period passes.
    Row("GET", "/commitments", ALL),
    Row("GET", "/commitments", SEE_A, sees="{commitment_title}", name="shows factory A's"),
    Row("POST", "/commitments", OWN_A, COMMITMENT),
    Row("GET", "/commitments/{commitment_id}", SEE_A),
    Row("POST", "/commitments/{commitment_id}/agree", frozenset({"operator_a"})),
    Row("GET", "/excess-events", ALL),
    Row("GET", "/excess-events", SEE_A, sees="awaiting_reply", name="shows A's unpublished"),
    Row("POST", "/excess-events/{event_id}/reply", frozenset({"operator_a"}), EVENT_REPLY),
    Row("GET", "/facility-commitments", ALL),
    Row("GET", "/facility-commitments", SEE_A, sees="{commitment_title_th}", name="shows A's"),
    Row("GET", "/commitments/{commitment_id}/page", SEE_A),
    Row(
        "POST",
        "/commitments/{commitment_id}/events/{event_id}/reply",
        frozenset({"operator_a"}),
        form=EVENT_REPLY,
    ),
    Row("POST", "/manage/bulletins/{bulletin_id}/edit", MANAGERS, form=BULLETIN_TEXT),
    Row("POST", "/manage/bulletins/{bulletin_id}/approve", MANAGERS),
    Row("POST", "/manage/bulletins/{bulletin_id}/publish", MANAGERS),
    Row("POST", "/manage/bulletins/{bulletin_id}/withdraw", MANAGERS),
    # Shared targets: everyone reads agreed ones; staff also proposed ones; the backbone acts.
    Row("GET", "/targets", ALL),
    Row("GET", "/targets", ALL, sees="{agreed_target_title}", name="shows the agreed one"),
    Row("GET", "/targets", STAFF, sees="{proposed_target_title}", name="shows a proposal"),
    Row("GET", "/targets/{target_id}", ALL, name="agreed"),
    Row("GET", "/targets/{target_id}", STAFF, name="proposed"),
    Row("POST", "/targets", MANAGERS, body=TARGET),
    Row("POST", "/targets/{target_id}/agree", STAFF),
    Row("PUT", "/targets/{target_id}", MANAGERS, body={"reason": "forum", "target_value": 1}),
    Row("POST", "/certifications", MANAGERS, body=CERTIFICATION),
    Row("GET", "/agenda", ALL),
    Row("GET", "/agenda", ALL, sees="{agreed_target_link}", name="shows the agreed one"),
    Row("GET", "/agenda", STAFF, sees="{proposed_target_link}", name="shows a proposal"),
    Row("GET", "/targets/{target_id}/page", ALL, name="agreed"),
    Row("GET", "/targets/{target_id}/page", STAFF, name="proposed"),
    Row("POST", "/targets/{target_id}/page/agree", STAFF),
    # Actions: public activity; members register their own organisation's, the backbone any.
    Row("GET", "/actions", ALL),
    Row("POST", "/actions", SIGNED_IN, body=ACTION_BODY),
    Row("GET", "/actions/{action_id}", ALL),
    Row("GET", "/actions/{action_id}/change", ALL),
    Row("PUT", "/actions/{action_id}", OWN_A, body={"responsible": "Night shift lead"}),
    Row("PUT", "/actions/{action_id}/status", OWN_A, body={"status": "done"}),
    Row("POST", "/actions/{action_id}/notes", OWN_A, body={"text": "Watered twice"}),
    Row(
        "POST",
        "/actions/{action_id}/evidence",
        OWN_A,
        body={"label": "Log", "url": "https://example.org/log"},
    ),
    Row(
        "POST",
        "/actions/{action_id}/evidence/photo",
        OWN_A,
        form={"label": "Truck"},
        files={"photo": ("truck.png", PNG_PHOTO, "image/png")},
    ),
    Row("GET", "/actions/{action_id}/evidence/{evidence_id}/photo", ALL),
    Row("GET", "/activities", ALL),
    Row(
        "GET", "/activities", ALL, sees='href="/actions/{action_id}/page"', name="lists factory A's"
    ),
    Row("GET", "/activities/new", SIGNED_IN),
    Row("POST", "/activities/new", SIGNED_IN, form=ACTION_FORM),
    Row("GET", "/actions/{action_id}/page", ALL),
    Row("POST", "/actions/{action_id}/page/note", OWN_A, form={"text": "Watered"}),
    Row("POST", "/actions/{action_id}/page/status", OWN_A, form={"status": "done"}),
    Row(
        "POST",
        "/actions/{action_id}/page/photo",
        OWN_A,
        form={"label": "Truck"},
        files={"photo": ("truck.png", PNG_PHOTO, "image/png")},
    ),
    Row(
        "POST",
        "/actions/{action_id}/page/evidence",
        OWN_A,
        form={"label": "Log", "url": "https://example.org/log"},
    ),
    # The backbone's target forms in the manage area.
    Row("GET", "/manage/targets", MANAGERS),
    Row("POST", "/manage/targets", MANAGERS, form=TARGET_FORM),
    Row("GET", "/manage/targets/{target_id}", MANAGERS),
    Row("POST", "/manage/targets/{target_id}", MANAGERS, form=TARGET_FORM_REVISION),
    Row("POST", "/manage/certifications", MANAGERS, form=TARGET_FORM_CERTIFICATION),
    Row(
        "GET",
        "/targets/{target_id}/page",
        ALL,
        sees="{forum_target_group}",
        name="shows its working group",
    ),
    # The forum: everyone reads (never a contact detail); the backbone keeps it.
    Row("GET", "/working-groups", ALL),
    Row("GET", "/working-groups", frozenset(), sees="Khun Contact", name="no contact"),
    Row("POST", "/working-groups", MANAGERS, body=FORUM_GROUP),
    Row("GET", "/working-groups/{group_id}", ALL),
    Row("PUT", "/working-groups/{group_id}", MANAGERS, body=FORUM_GROUP),
    Row("GET", "/meetings", ALL),
    Row("POST", "/meetings", MANAGERS, body=FORUM_MEETING),
    Row("GET", "/meetings/{meeting_id}", ALL),
    Row("GET", "/meetings/{meeting_id}", frozenset(), sees="Khun Contact", name="no contact"),
    Row("PUT", "/meetings/{meeting_id}", MANAGERS, body=FORUM_MEETING),
    Row("POST", "/meetings/{meeting_id}/agenda", FORUM_PROPOSERS, body=FORUM_AGENDA_ITEM),
    Row("GET", "/meetings/{meeting_id}/decisions", ALL),
    Row("POST", "/meetings/{meeting_id}/decisions", MANAGERS, body=FORUM_DECISION),
    Row("GET", "/decisions", ALL),
    Row("GET", "/decisions", ALL, sees="{forum_decision_text}", name="shows the decision"),
    Row("POST", "/decisions/{decision_id}/supersede", MANAGERS, body={"reason": "replaced"}),
    Row("GET", "/forum", ALL),
    Row("GET", "/forum", ALL, sees="{forum_decision_text}", name="shows the decision"),
    Row("GET", "/working-groups/{group_id}/page", ALL),
    Row("GET", "/meetings/{meeting_id}/page", ALL),
    Row("GET", "/meetings/{meeting_id}/page", frozenset(), sees="Khun Contact", name="no contact"),
    Row("POST", "/meetings/{meeting_id}/page/agenda", FORUM_PROPOSERS, form=FORUM_AGENDA_ITEM),
    Row("GET", "/manage/forum", MANAGERS),
    Row("GET", "/manage/forum/working-groups", MANAGERS),
    Row("POST", "/manage/forum/working-groups", MANAGERS, form=FORUM_GROUP_FORM),
    Row("GET", "/manage/forum/working-groups/{group_id}", MANAGERS),
    Row("POST", "/manage/forum/working-groups/{group_id}", MANAGERS, form=FORUM_GROUP_FORM),
    Row("POST", "/manage/forum/meetings", MANAGERS, form=FORUM_MEETING_FORM),
    Row("GET", "/manage/forum/meetings/{meeting_id}", MANAGERS),
    Row("POST", "/manage/forum/meetings/{meeting_id}", MANAGERS, form=FORUM_MEETING_FORM),
    Row(
        "POST",
        "/manage/forum/meetings/{meeting_id}/decisions",
        MANAGERS,
        form=FORUM_DECISION_FORM,
    ),
)

# Which concrete path each row calls (templates as in app.routes, filled from the world).
PERIOD = "parameter=pm10&start={week_ago}&end={today}"
CONCRETE = {
    "GET /indicators": f"/indicators?{PERIOD}",
    "GET /indicators counts a public station": f"/indicators?{PERIOD}",
    "GET /indicators counts factory A's station": f"/indicators?{PERIOD}",
    "GET /indicators factory A": f"/indicators?{PERIOD}&station={{f_a}}",
    "GET /alerts/{public_id} public station": "/alerts/{alert_v_kept}",
    "GET /alerts/{public_id} factory A": "/alerts/{alert_f_a}",
    "GET /alerts/{public_id} factory A's report": "/alerts/{facility_alert}",
    "GET /alerts/{public_id} an area's cluster": "/alerts/{area_alert}",
    "POST /alerts/{public_id}/acknowledge A's report": "/alerts/{facility_alert}/acknowledge",
    "POST /alerts/{public_id}/acknowledge public": "/alerts/{alert_v_kept}/acknowledge",
    "POST /alerts/{public_id}/acknowledge factory A": "/alerts/{alert_f_a}/acknowledge",
    "POST /alerts/{public_id}/responses public": "/alerts/{alert_v_kept}/responses",
    "POST /alerts/{public_id}/responses factory A": "/alerts/{alert_f_a}/responses",
    "POST /alerts/{public_id}/resolve public": "/alerts/{alert_v_kept}/resolve",
    "POST /alerts/{public_id}/resolve factory A": "/alerts/{alert_f_a}/resolve",
    "GET /cap/messages/{identifier}.xml public station": "/cap/messages/{cap_v_kept}.xml",
    "GET /cap/messages/{identifier}.xml private station": "/cap/messages/{cap_f_a}.xml",
    "POST /inbox/{public_id}/acknowledge": "/inbox/{alert_f_a}/acknowledge",
    "POST /inbox/{public_id}/responses": "/inbox/{alert_f_a}/responses",
    "POST /inbox/{public_id}/resolve": "/inbox/{alert_f_a}/resolve",
    "GET /stations/{code} public": "/stations/{v_kept}",
    "GET /stations/{code} factory A": "/stations/{f_a}",
    "GET /stations/{code} factory B": "/stations/{f_b}",
    "PATCH /stations/{code} kept": "/stations/{v_kept}",
    "PATCH /stations/{code} not kept": "/stations/{v_other}",
    "PATCH /stations/{code} A": "/stations/{f_a}",
    "PATCH /stations/{code} A, made public": "/stations/{f_a}",
    "GET /stations/{code}/readings public": "/stations/{v_kept}/readings",
    "GET /stations/{code}/readings factory A": "/stations/{f_a}/readings",
    "GET /stations/{code}/readings factory B": "/stations/{f_b}/readings",
    "GET /stations/{code}/hourly public": "/stations/{v_kept}/hourly?parameter=pm10&hours=48",
    "GET /stations/{code}/hourly factory A": "/stations/{f_a}/hourly?parameter=pm10",
    "GET /stations/{code}/hourly factory B": "/stations/{f_b}/hourly?parameter=pm10",
    "GET /stations/{code}/keepers": "/stations/{v_kept}/keepers",
    "POST /stations/{code}/keepers": "/stations/{v_other}/keepers",
    "DELETE /stations/{code}/keepers/{user_id}": "/stations/{v_kept}/keepers/{volunteer_id}",
    "GET /organisations/{organisation_id}": "/organisations/{org_a}",
    "GET /organisations/{organisation_id} shows contacts": "/organisations/{org_a}",
    "PATCH /organisations/{organisation_id}": "/organisations/{org_a}",
    "PATCH /users/{user_id} a volunteer": "/users/{volunteer_id}",
    "PATCH /users/{user_id} admin": "/users/{admin_id}",
    "PATCH /users/{user_id} promote": "/users/{volunteer_id}",
    "DELETE /api-keys/{key_id}": "/api-keys/{key_a_id}",
    "POST /stations/{code}/mqtt-credential kept": "/stations/{v_kept}/mqtt-credential",
    "POST /stations/{code}/mqtt-credential not kept": "/stations/{v_other}/mqtt-credential",
    "POST /stations/{code}/mqtt-credential A": "/stations/{f_a}/mqtt-credential",
    "DELETE /stations/{code}/mqtt-credential A": "/stations/{f_a}/mqtt-credential",
    "DELETE /stations/{code}/mqtt-credential kept": "/stations/{v_kept}/mqtt-credential",
    "GET /stations/{code}/page public": "/stations/{v_kept}/page",
    "GET /stations/{code}/page factory A": "/stations/{f_a}/page",
    "GET /stations/{code}/page factory B": "/stations/{f_b}/page",
    "POST /manage/users/{user_id}/disable a volunteer": "/manage/users/{volunteer_id}/disable",
    "POST /manage/users/{user_id}/disable an admin": "/manage/users/{other_admin_id}/disable",
    "POST /manage/stations/{code}/keys": "/manage/stations/{f_a}/keys",
    "POST /manage/keys/{key_id}/revoke": "/manage/keys/{key_a_id}/revoke",
    "GET /facilities/{facility_id}/compliance": "/facilities/{org_a}/compliance",
    "GET /facilities/{facility_id}/compliance.csv": "/facilities/{org_a}/compliance.csv",
    "GET /facilities/{facility_id}/compliance/page": "/facilities/{org_a}/compliance/page",
    "POST /facilities/{facility_id}/reports": "/facilities/{org_a}/reports",
    "GET /facilities/{facility_id}/reports": "/facilities/{org_a}/reports",
    "GET /facilities/{facility_id}/reports/{report_id}": "/facilities/{org_a}/reports/{report_id}",
    "GET /facilities/{facility_id}/reports/{report_id}/file": (
        "/facilities/{org_a}/reports/{report_id}/file"
    ),
    "PUT /facilities/{facility_id}/report-schedule": "/facilities/{org_a}/report-schedule",
    "GET /facilities/{facility_id}/periodic-reports": "/facilities/{org_a}/periodic-reports",
    "POST /facilities/{facility_id}/periodic-reports": "/facilities/{org_a}/periodic-reports",
    "POST /facilities/{facility_id}/periodic-reports/schedule": (
        "/facilities/{org_a}/periodic-reports/schedule"
    ),
    "GET /standards/{series_or_id}": "/standards/th-pm25-24h",
    "GET /aqi": "/aqi?scale=th-pcd-2023&pollutant=pm25&value=41.2",
    "GET /reports/{observation_id}/photo": "/reports/{observation_id}/photo",
    "GET /complaints/{public_id}": "/complaints/{complaint_id}",
    "GET /complaints/{public_id} contact": "/complaints/{complaint_id}",
    "GET /complaints/{public_id}/private": "/complaints/{complaint_id}/private",
    "GET /complaints/{public_id}/private with the token": (
        "/complaints/{complaint_id}/private?token={complaint_token}"
    ),
    "GET /open311/v2/requests/{service_request_id}.json": (
        "/open311/v2/requests/{complaint_id}.json"
    ),
    "GET /complain/{public_id}": "/complain/{complaint_id}?token={complaint_token}",
    "GET /complain/{public_id} no token": "/complain/{complaint_id}",
    "POST /complain/{public_id}/reply": "/complain/{complaint_id}/reply",
    "POST /complaints/{public_id}/updates": "/complaints/{complaint_id}/updates",
    "POST /manage/complaints/{public_id}": "/manage/complaints/{complaint_id}",
    "POST /complain/{public_id}/still-fixed": "/complain/{complaint_id}/still-fixed",
    "GET /complaint-incidents/nearby": "/complaint-incidents/nearby?village={complaint_village}",
    "POST /complaints/{public_id}/reply": (
        "/complaints/{complaint_id}/reply?token={complaint_token}"
    ),
    "GET /bulletins/{bulletin_id} published": "/bulletins/{published_bulletin}",
    "GET /bulletins/{bulletin_id} draft": "/bulletins/{draft_bulletin}",
    "GET /bulletins/{bulletin_id}/chart.png": "/bulletins/{published_bulletin}/chart.png",
    "PUT /bulletins/{bulletin_id}": "/bulletins/{draft_bulletin}",
    "POST /bulletins/{bulletin_id}/approve": "/bulletins/{draft_bulletin}/approve",
    "POST /bulletins/{bulletin_id}/publish": "/bulletins/{approved_bulletin}/publish",
    "POST /bulletins/{bulletin_id}/withdraw": "/bulletins/{published_bulletin}/withdraw",
    "GET /air-bulletins/{bulletin_id} published": "/air-bulletins/{published_bulletin}",
    "GET /air-bulletins/{bulletin_id} draft": "/air-bulletins/{draft_bulletin}",
    "POST /manage/bulletins/{bulletin_id}/edit": "/manage/bulletins/{draft_bulletin}/edit",
    "POST /manage/bulletins/{bulletin_id}/approve": "/manage/bulletins/{draft_bulletin}/approve",
    "POST /manage/bulletins/{bulletin_id}/publish": (
        "/manage/bulletins/{approved_bulletin}/publish"
    ),
    "POST /commitments/{commitment_id}/agree": "/commitments/{proposed_commitment_id}/agree",
    "POST /manage/bulletins/{bulletin_id}/withdraw": (
        "/manage/bulletins/{published_bulletin}/withdraw"
    ),
    "GET /targets/{target_id} agreed": "/targets/{agreed_target}",
    "GET /targets/{target_id} proposed": "/targets/{proposed_target}",
    "POST /targets/{target_id}/agree": "/targets/{proposed_target}/agree",
    "PUT /targets/{target_id}": "/targets/{agreed_target}",
    "GET /targets/{target_id}/page agreed": "/targets/{agreed_target}/page",
    "GET /targets/{target_id}/page proposed": "/targets/{proposed_target}/page",
    "GET /targets/{target_id}/page shows its working group": "/targets/{agreed_target}/page",
    "POST /meetings/{meeting_id}/agenda": "/meetings/{planned_meeting_id}/agenda",
    "POST /meetings/{meeting_id}/page/agenda": "/meetings/{planned_meeting_id}/page/agenda",
    "POST /targets/{target_id}/page/agree": "/targets/{proposed_target}/page/agree",
    "GET /actions/{action_id}/evidence/{evidence_id}/photo": (
        "/actions/{action_id}/evidence/{action_photo_id}/photo"
    ),
    "GET /manage/targets/{target_id}": "/manage/targets/{agreed_target}",
    "POST /manage/targets/{target_id}": "/manage/targets/{agreed_target}",
}


@dataclass
class World:
    values: dict[str, str]
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def fill(self, template: Any) -> Any:
        if isinstance(template, str):
            filled = template.format(**self.values)
            return int(filled) if template.endswith("_id}") and filled.isdigit() else filled
        if isinstance(template, dict):
            return {k: self.fill(v) for k, v in template.items()}
        if isinstance(template, list):
            return [self.fill(v) for v in template]
        return template


def publish_a_day_over_the_limit(api: Api, codes: list[str], now: datetime) -> None:
    hour = now.replace(minute=0, second=0, microsecond=0)
    readings = [
        {"parameter": "pm10", "value": 200, "time": (hour - timedelta(hours=h)).isoformat()}
        for h in range(1, 25)
    ]
    ingest_messages(
        api.session,
        messages=[
            IncomingMessage(f"dustwatch/v1/readings/{code}", json.dumps(readings).encode(), now)
            for code in codes
        ],
        topic_prefix="dustwatch/v1",
        zone=default_zone(),
    )
    evaluate_24h_exceedances(api.session, now=now, zone=default_zone())


def draft_bulletins_for_access(session: Session, now: datetime) -> dict[str, str]:
    """Yesterday's daily bulletin published, the day before's approved, the week's a draft
    (charts stored as they are: this checks who may fetch them, not how they look)."""
    robot = system_principal("test")
    drafted = [
        draft_bulletins(
            session, now=now - timedelta(days=days), zone=default_zone(), kind=kind, actor=robot
        )[0]
        for days, kind in (
            (0, BulletinKind.DAILY),
            (1, BulletinKind.DAILY),
            (0, BulletinKind.WEEKLY),
        )
    ]
    published, approved, draft = drafted
    for bulletin in drafted:
        store_charts(session, bulletin, th=PNG_PHOTO, en=PNG_PHOTO)
    for bulletin in (published, approved):
        approve(session, bulletin_id=bulletin.id, actor=robot, now=now)
    publish(session, bulletin_id=published.id, actor=robot, now=now, base_url="http://x")
    return {
        "published_bulletin": str(published.id),
        "approved_bulletin": str(approved.id),
        "draft_bulletin": str(draft.id),
        "published_title": published.title_en,
        "published_id_link": f'href="/air-bulletins/{published.id}"',
    }


def alert_of(session: Session, station_id: int) -> str:
    return session.scalars(select(Alert.public_id).where(Alert.station_id == station_id)).one()


def alert_without_station(
    session: Session, kind: AlertKind, *, subject: str, title: str, facility_id: int | None
) -> str:
    """An open alert of a rule that looks at no station (as the report and cluster
    detectors open them), under a rule of its kind."""
    now = datetime.now(UTC)
    texts = {"title_th": title, "title_en": title, "message_th": title, "message_en": title}
    rule = AlertRule(
        name=title,
        kind=kind,
        areas=[],
        severity=Severity.WARNING,
        created_at=now,
        created_by="test",
        updated_at=now,
        updated_by="test",
        **texts,
    )
    session.add(rule)
    session.flush()
    alert = Alert(
        rule_id=rule.id,
        subject=subject,
        area="Na Phra Lan",
        severity=Severity.WARNING,
        facility_id=facility_id,
        kind=kind,
        opened_at=now,
        updated_at=now,
        title_th=title,
        title_en=title,
        text_th=title,
        text_en=title,
    )
    session.add(alert)
    session.flush()
    return alert.public_id


def targets_for_access(session: Session, station_code: str, backbone_id: int) -> dict[str, str]:
    """A day of history for the baseline, one proposed target and one the backbone agreed."""
    publish_day(session, station_code, "pm10", date(2026, 1, 5), flat("200"))
    robot = system_principal("test")
    now, zone = datetime.now(UTC), default_zone()
    data = TargetCreate.model_validate(TARGET)
    proposed = create_target(session, data=data, actor=robot, now=now, zone=zone)
    agreed = create_target(
        session,
        data=data.model_copy(update={"title_en": "Agreed"}),
        actor=robot,
        now=now,
        zone=zone,
    )
    signer = Principal(role=Role.BACKBONE, organisation_id=backbone_id, label="backbone")
    agree_target(session, target_id=agreed.id, actor=signer, now=now, zone=zone)
    return {
        "proposed_target": str(proposed.id),
        "agreed_target": str(agreed.id),
        "proposed_target_title": '"title_en":"Fewer dusty days"',
        "agreed_target_title": '"title_en":"Agreed"',
        "proposed_target_link": f'href="/targets/{proposed.id}/page"',
        "agreed_target_link": f'href="/targets/{agreed.id}/page"',
    }


def build_world(api: Api) -> World:
    s = api.session
    community = make_organisation(s, stakeholder_group=StakeholderGroup.AFFECTED_COMMUNITY)
    factory_a = make_organisation(s, stakeholder_group=StakeholderGroup.OPERATOR)
    factory_b = make_organisation(s, stakeholder_group=StakeholderGroup.OPERATOR)
    district = make_organisation(s, stakeholder_group=StakeholderGroup.LOCAL_GOVERNMENT)
    backbone = make_organisation(s, stakeholder_group=StakeholderGroup.BACKBONE)
    for organisation in (community, factory_a, factory_b, district, backbone):
        organisation.contacts[0].name = "Khun Contact"
    users = {
        "volunteer": make_user(s, role=Role.VOLUNTEER, organisation=community),
        "operator_a": make_user(s, role=Role.OPERATOR, organisation=factory_a),
        "operator_b": make_user(s, role=Role.OPERATOR, organisation=factory_b),
        "official": make_user(s, role=Role.OFFICIAL, organisation=district),
        "backbone": make_user(s, role=Role.BACKBONE, organisation=backbone),
        "admin": make_user(s, role=Role.ADMIN, organisation=backbone),
    }
    other_admin = make_user(s, role=Role.ADMIN, organisation=backbone)
    v_kept = make_station(s, code="v-kept", organisation_id=community.id)
    v_other = make_station(s, code="v-other", organisation_id=community.id)
    private = {"kind": StationKind.FACTORY, "public": False}
    f_a = make_station(s, code="f-a", organisation_id=factory_a.id, **private)
    f_b = make_station(s, code="f-b", organisation_id=factory_b.id, **private)
    keep(s, users["volunteer"], v_kept)
    now = datetime.now(UTC)
    subscription = create_subscription(
        s,
        SubscriptionIn(
            name="Officials", role=Role.OFFICIAL, channel=Channel.EMAIL, address="to@example.org"
        ),
        actor=system_principal("test"),
        now=now,
    )
    publish_a_day_over_the_limit(api, ["v-kept", "f-a", "f-b"], now)
    settings: Settings = api.client.app.state.settings  # type: ignore[attr-defined]
    sync_cap_messages(s, now=now, zone=default_zone(), settings=settings.cap)
    f_a_alert = s.scalars(select(Alert).where(Alert.station_id == f_a.id)).one()
    ingest_messages(
        api.session,
        messages=[
            IncomingMessage(f"dustwatch/v1/{topic}", payload.encode(), now)
            for topic, payload in [
                ("readings/f-a", "f-a-refused"),
                ("readings/v-kept", "v-kept-refused"),
                ("reading/v-kept", "nowhere-refused"),
            ]
        ],
        topic_prefix="dustwatch/v1",
        zone=default_zone(),
    )
    key = create_api_key(
        s,
        actor=system_principal("test"),
        data=ApiKeyCreate(name="A's logger", station_code=f_a.code),
        now=datetime.now(UTC),
    )
    for station in (f_a, v_kept):
        issue_credential(s, actor=system_principal("test"), code=station.code, now=now)
    observation = report_observation(
        s,
        actor=Principal(user_id=users["volunteer"].id, role=Role.VOLUNTEER, label="volunteer"),
        data=ObservationCreate(kind="visible_dust", village=v_kept.area, note="Grey cloud at 7"),
        photo=PNG_PHOTO,
        storage=storage_of(settings),
        now=now,
    )
    complaint = submit_complaint(
        s,
        actor=ANONYMOUS,
        data=ComplaintCreate(kind="noise", village=v_kept.area, contact_phone="081-555-0123"),
        photo=None,
        storage=storage_of(settings),
        now=now,
        zone=default_zone(),
    )
    add_update(
        s,
        actor=system_principal("test"),
        public_id=complaint.id,
        data=ComplaintUpdateCreate(organisation_id=district.id, note="the district's case"),
        now=now,
    )
    september = upload_report(
        s,
        actor=Principal(
            user_id=users["operator_a"].id,
            organisation_id=factory_a.id,
            role=Role.OPERATOR,
            label="operator A",
        ),
        facility_id=factory_a.id,
        upload=Upload(data=factory_report(9), file_name="september.csv"),
        storage_dir=settings.storage.dir,
        now=now,
        zone=default_zone(),
    )
    bulletins = draft_bulletins_for_access(s, now)
    targets = targets_for_access(s, v_kept.code, backbone.id)
    actions = actions_for_access(
        s,
        operator_a=Principal(
            user_id=users["operator_a"].id,
            organisation_id=factory_a.id,
            role=Role.OPERATOR,
            label="operator A",
        ),
        target_id=targets["agreed_target"],
        storage_dir=settings.storage.dir,
    )
    commitments = commitments_for_access(
        s,
        operator_a=Principal(
            user_id=users["operator_a"].id,
            organisation_id=factory_a.id,
            role=Role.OPERATOR,
            label="operator A",
        ),
        now=now,
    )
    facility_alert = alert_without_station(
        s,
        AlertKind.REPORT_LATE,
        subject=f"facility:{factory_a.id}:report:2026-10-01",
        title="Factory A report is late",
        facility_id=factory_a.id,
    )
    area_alert = alert_without_station(
        s,
        AlertKind.OBSERVATION_CLUSTER,
        subject="cluster:Na Phra Lan:1",
        title="Dust reported by five volunteers",
        facility_id=None,
    )
    targets = targets_for_access(s, v_kept.code, backbone.id)
    forum = forum_for_access(
        s,
        member_id=community.id,
        responsible_id=factory_a.id,
        target_id=targets["agreed_target"],
    )
    default_rule = s.scalars(select(AlertRule).order_by(AlertRule.id)).first()
    assert default_rule is not None
    world = World(
        values={
            **bulletins,
            **targets,
            **actions,
            **forum,
            **commitments,
            "facility_alert": facility_alert,
            "facility_alert_title": "Factory A report is late",
            "area_alert": area_alert,
            "area_alert_title": "Dust reported by five volunteers",
            "rule_id": str(default_rule.id),
            "rule_name": "24-hour average over the standard",
            "report_id": str(september.id),
            "subscription_id": str(subscription.id),
            "public_id": f_a_alert.public_id,
            "f_a_alert_to": "to@example.org",
            "org_community": str(community.id),
            "org_a": str(factory_a.id),
            "v_kept": v_kept.code,
            "v_other": v_other.code,
            "f_a": f_a.code,
            "f_b": f_b.code,
            "volunteer_id": str(users["volunteer"].id),
            "volunteer_email": users["volunteer"].email,
            "admin_id": str(users["admin"].id),
            "other_admin_id": str(other_admin.id),
            "key_a_id": str(key.id),
            "key_a_prefix": key.prefix,
            "pw": DEFAULT_PASSWORD,
            "today": now.date().isoformat(),
            "reading_time": (
                now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
            ).isoformat(),
            "week_ago": (now.date() - timedelta(days=7)).isoformat(),
            "refresh_token": tokens_for(s, users["volunteer"]).refresh_token,
            "observation_id": observation.id,
            "observation_note": "Grey cloud at 7",
            "observation_village": v_kept.area,
            "complaint_id": complaint.id,
            "complaint_token": complaint.token,
            "complaint_village": v_kept.area,
            "complaint_phone": "081-555-0123",
            "f_a_refused": "f-a-refused",
            "alert_v_kept": alert_of(s, v_kept.id),
            "alert_f_a": alert_of(s, f_a.id),
            "cap_v_kept": s.scalars(select(CapMessage.identifier)).one(),
            "cap_f_a": f"urn:dustwatch:localhost:alert:{alert_of(s, f_a.id)}:1",
            "v_kept_refused": "v-kept-refused",
            "nowhere_refused": "nowhere-refused",
        }
    )
    world.headers = {"anonymous": {}} | {
        name: {"Authorization": f"Bearer {tokens_for(s, user).access_token}"}
        for name, user in users.items()
    }
    s.commit()
    return world


@pytest.fixture(scope="module", params=BACKENDS)
def world_api(
    request: pytest.FixtureRequest,
    shared_engines: dict[str, Engine],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Api, World]]:
    """One world per backend for the whole table: every request runs in a savepoint that is
    rolled back, so no row sees what another did, and building the world once keeps the
    table of thousands of requests fast."""
    storage = tmp_path_factory.mktemp("access-files")
    settings = Settings(storage=StorageSettings(dir=storage))
    for api in make_api(shared_engines[request.param], settings):
        yield api, build_world(api)


def all_routes(api: Api) -> list[RouteContext]:
    """Every route of the app, with included routers' prefixes and dependencies applied."""
    app: FastAPI = api.client.app  # type: ignore[assignment]
    return list(iter_route_contexts(app.routes))


def test_every_route_declares_who_may_call_it(api: Api) -> None:
    routes = all_routes(api)
    undeclared = [
        f"{sorted(r.methods or [])} {r.path}"
        for r in routes
        if isinstance(r.original_route, APIRoute)
        and sum(declares_access(d.dependency) for d in r.dependencies) != 1
    ]
    assert undeclared == [], "routes without exactly one access declaration"
    others = {r.path for r in routes if not isinstance(r.original_route, APIRoute)}
    assert others <= DOCUMENTATION_PATHS | STATIC_MOUNTS
    assert len(routes) > len(DOCUMENTATION_PATHS)


def test_the_table_covers_every_route(api: Api) -> None:
    routes = {
        (method, r.path)
        for r in all_routes(api)
        if isinstance(r.original_route, APIRoute)
        for method in r.methods or []
    }
    assert routes == {(row.method, row.path) for row in TABLE}


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.id)
def test_role_by_route(world_api: tuple[Api, World], row: Row) -> None:
    api, world = world_api
    path = world.fill(CONCRETE.get(row.id, row.path))
    outcomes: dict[str, tuple[int, bool]] = {}
    for caller in CALLERS:
        undo = api.connection.begin_nested()
        response = api.client.request(
            row.method,
            path,
            json=world.fill(row.body),
            data=world.fill(row.form),
            files=row.files,
            headers=world.headers[caller] | (row.headers or {}),
        )
        undo.rollback()
        mentioned = row.sees is not None and world.fill(row.sees) in response.text
        outcomes[caller] = (response.status_code, mentioned)
    if row.sees is not None:
        assert {s for s, _ in outcomes.values()} <= {200, 401, 403}, outcomes
        assert {c for c, (s, seen) in outcomes.items() if s == 200 and seen} == row.allowed
    else:
        allowed = {c for c, (status, _) in outcomes.items() if 200 <= status < 300}
        refused = {c: s for c, (s, _) in outcomes.items() if c not in allowed}
        assert allowed == row.allowed, outcomes
        assert set(refused.values()) <= {401, 403, 404}, outcomes
        if "anonymous" in refused:
            assert refused["anonymous"] in {401, 404}
