"""The forum on the web: the joint forum's page (upcoming meetings, recent decisions, working
groups), one page per working group and per meeting, and the backbone's forms to create
groups and meetings and to record decisions (under /manage/forum)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from api.auth import public, require_roles, signed_in
from api.web.forms import submit
from api.web.i18n import N_
from api.web.pages.actions import STATUS_NAMES as ACTION_STATUS_NAMES
from api.web.rendering import Page, PageDep
from api.web.routing import PageRoute
from core.forum.schemas import AgendaItemIn, DecisionIn, MeetingIn, WorkingGroupIn
from core.forum.service import (
    KEEPERS,
    create_meeting,
    create_working_group,
    list_decisions,
    list_meetings,
    list_working_groups,
    may_propose_agenda,
    meeting_detail,
    propose_agenda_item,
    record_decision,
    update_meeting,
    update_working_group,
    working_group_detail,
)
from core.kit.db import RowId
from core.kit.errors import Conflict, InvalidInput, NotFound
from core.models import Meeting, MeetingStatus
from core.organisations.service import list_organisations
from core.targets.service import list_targets

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PUBLIC = [Depends(public)]
KEEPER = [Depends(require_roles(*KEEPERS))]
RECENT_DECISIONS = 20

MEETING_STATUS_NAMES = {"planned": N_("Planned"), "held": N_("Held")}
DECISION_STATUS_NAMES = {"taken": N_("Taken"), "superseded": N_("Superseded")}
TARGET_TAKEN = N_("A target belongs to one working group at most; this one is already grouped.")
MEETING_NOT_PLANNED = N_("Items are added to the agenda of a planned meeting only.")
NOT_HELD = N_("Decisions are recorded for a held meeting: mark the meeting held first.")
AGENDA_MISMATCH = N_("Give each agenda item in Thai and in English, one per line.")
BAD_DOCUMENT = N_("One document a line: a label, a vertical bar, then an address (https://…).")
LIST_ERRORS = {"agenda": AGENDA_MISMATCH, "documents": BAD_DOCUMENT}
BAD_TIME = N_("Enter a date and time.")
NOT_VALID = N_("This value is not valid.")


def _names() -> dict[str, Any]:
    return {
        "meeting_status_names": MEETING_STATUS_NAMES,
        "decision_status_names": DECISION_STATUS_NAMES,
        "action_statuses": ACTION_STATUS_NAMES,
    }


def _today(page: Page) -> date:
    return page.now.astimezone(page.settings.zone).date()


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


# Public pages


@router.get("/forum", response_class=HTMLResponse, dependencies=PUBLIC)
def forum_page(page: PageDep) -> HTMLResponse:
    meetings = list_meetings(page.session)
    upcoming = sorted(
        (m for m in meetings if m.status is MeetingStatus.PLANNED),
        key=lambda m: m.starts_at,
    )
    held = [m for m in meetings if m.status is MeetingStatus.HELD][:10]
    decisions = list_decisions(
        page.session, viewer=page.principal, today=_today(page), limit=RECENT_DECISIONS
    )
    return page.render(
        "forum.html",
        {
            "upcoming": upcoming,
            "held": held,
            "decisions": decisions,
            "groups": list_working_groups(page.session, viewer=page.principal),
            "can_keep": page.principal.has_role(*KEEPERS),
        }
        | _names(),
    )


@router.get("/working-groups/{group_id}/page", response_class=HTMLResponse, dependencies=PUBLIC)
def working_group_page(page: PageDep, group_id: RowId) -> HTMLResponse:
    group = working_group_detail(page.session, group_id=group_id, viewer=page.principal)
    decisions = [
        d
        for m in group.meetings
        for d in list_decisions(
            page.session, viewer=page.principal, today=_today(page), meeting_id=m.id
        )
    ]
    return page.render("working_group.html", {"group": group, "decisions": decisions} | _names())


def _meeting_page(
    page: Page,
    meeting_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    meeting = meeting_detail(
        page.session, meeting_id=meeting_id, viewer=page.principal, today=_today(page)
    )
    row = page.session.get(Meeting, meeting_id)
    assert row is not None
    return page.render(
        "meeting.html",
        {
            "meeting": meeting,
            "can_keep": page.principal.has_role(*KEEPERS),
            "may_propose": may_propose_agenda(page.session, page.principal, row),
            "values": values or {},
            "errors": errors or {},
            "done": page.request.query_params.get("done"),
        }
        | _names(),
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


@router.get("/meetings/{meeting_id}/page", response_class=HTMLResponse, dependencies=PUBLIC)
def meeting_page(page: PageDep, meeting_id: RowId) -> HTMLResponse:
    return _meeting_page(page, meeting_id)


@router.post("/meetings/{meeting_id}/page/agenda", dependencies=[Depends(signed_in)])
def propose_agenda_form(
    page: PageDep,
    meeting_id: RowId,
    text_th: Annotated[str, Form()] = "",
    text_en: Annotated[str, Form()] = "",
) -> Response:
    """An invited organisation's person adds an item to a planned meeting's agenda."""
    values = {"text_th": text_th.strip(), "text_en": text_en.strip()}
    outcome = submit(
        page,
        AgendaItemIn,
        values,
        lambda data: propose_agenda_item(
            page.session, actor=page.principal, meeting_id=meeting_id, data=data
        ),
        refusals={InvalidInput: ("text_th", MEETING_NOT_PLANNED)},
    )
    if outcome.result is None:
        return _meeting_page(page, meeting_id, values=values, errors=outcome.errors)
    return _see_other(f"/meetings/{meeting_id}/page?done=agenda#agenda")


# The backbone's forms


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _manage_page(
    page: Page,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    form: str = "",
) -> HTMLResponse:
    return page.render(
        "manage/forum.html",
        {
            "groups": list_working_groups(page.session, viewer=page.principal),
            "meetings": list_meetings(page.session),
            "organisations": list_organisations(page.session, viewer=page.principal),
            "values": values or {},
            "errors": errors or {},
            "form": form,
            "done": page.request.query_params.get("done"),
        }
        | _names(),
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


@router.get("/manage/forum", response_class=HTMLResponse, dependencies=KEEPER)
def manage_forum(page: PageDep) -> HTMLResponse:
    return _manage_page(page)


def _group_form_page(
    page: Page,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    group_id: int | None = None,
) -> HTMLResponse:
    return page.render(
        "manage/working_group_form.html",
        {
            "group_id": group_id,
            "done": page.request.query_params.get("done"),
            "organisations": list_organisations(page.session, viewer=page.principal),
            "targets": list_targets(page.session, viewer=page.principal),
            "values": values or {},
            "errors": errors or {},
        },
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


@router.get("/manage/forum/working-groups", response_class=HTMLResponse, dependencies=KEEPER)
def working_group_form(page: PageDep) -> HTMLResponse:
    return _group_form_page(page)


def _group_form_values(page: Page, form: dict[str, Any], joined: dict[str, date]) -> dict[str, Any]:
    """WorkingGroupIn's fields: members keep the day they joined; new ones join today."""
    values = {k: v for k, v in form.items() if k != "member_ids"}
    values["area"] = form["area"].strip() or None
    values["members"] = [
        {"organisation_id": i, "joined_on": joined.get(i, _today(page))} for i in form["member_ids"]
    ]
    return values


@router.post("/manage/forum/working-groups", dependencies=KEEPER)
def add_working_group(
    page: PageDep,
    title_th: Annotated[str, Form()] = "",
    title_en: Annotated[str, Form()] = "",
    description_th: Annotated[str, Form()] = "",
    description_en: Annotated[str, Form()] = "",
    area: Annotated[str, Form()] = "",
    member_ids: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies defaults
    target_ids: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    shown = {
        "title_th": title_th,
        "title_en": title_en,
        "description_th": description_th,
        "description_en": description_en,
        "area": area,
        "member_ids": member_ids,
        "target_ids": target_ids,
    }
    outcome = submit(
        page,
        WorkingGroupIn,
        _group_form_values(page, shown, {}),
        lambda data: create_working_group(
            page.session, actor=page.principal, data=data, now=page.now
        ),
        refusals={Conflict: ("target_ids", TARGET_TAKEN)},
    )
    if outcome.result is None:
        return _group_form_page(page, values=shown, errors=outcome.errors)
    return _see_other(f"/working-groups/{outcome.result.id}/page")


@router.get(
    "/manage/forum/working-groups/{group_id}", response_class=HTMLResponse, dependencies=KEEPER
)
def working_group_edit_form(page: PageDep, group_id: RowId) -> HTMLResponse:
    group = working_group_detail(page.session, group_id=group_id, viewer=page.principal)
    current = {
        "title_th": group.title_th,
        "title_en": group.title_en,
        "description_th": group.description_th,
        "description_en": group.description_en,
        "area": group.area or "",
        "member_ids": [str(m.id) for m in group.members],
        "target_ids": [str(t.id) for t in group.targets],
    }
    return _group_form_page(page, values=current, group_id=group_id)


@router.post("/manage/forum/working-groups/{group_id}", dependencies=KEEPER)
def edit_working_group(
    page: PageDep,
    group_id: RowId,
    title_th: Annotated[str, Form()] = "",
    title_en: Annotated[str, Form()] = "",
    description_th: Annotated[str, Form()] = "",
    description_en: Annotated[str, Form()] = "",
    area: Annotated[str, Form()] = "",
    member_ids: Annotated[list[str], Form()] = [],  # noqa: B006
    target_ids: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    """The whole group as the form shows it: unticked members and targets leave it."""
    shown = {
        "title_th": title_th,
        "title_en": title_en,
        "description_th": description_th,
        "description_en": description_en,
        "area": area,
        "member_ids": member_ids,
        "target_ids": target_ids,
    }
    group = working_group_detail(page.session, group_id=group_id, viewer=page.principal)
    joined = {str(m.id): m.joined_on for m in group.members}
    outcome = submit(
        page,
        WorkingGroupIn,
        _group_form_values(page, shown, joined),
        lambda data: update_working_group(
            page.session, actor=page.principal, group_id=group_id, data=data, now=page.now
        ),
        refusals={Conflict: ("target_ids", TARGET_TAKEN)},
    )
    if outcome.result is None:
        return _group_form_page(page, values=shown, errors=outcome.errors, group_id=group_id)
    return _see_other(f"/manage/forum/working-groups/{group_id}?done=1")


class MeetingForm(BaseModel):
    """The meeting form as typed, for `_meeting_values` to check and convert."""

    working_group_id: str = ""
    title_th: str = ""
    title_en: str = ""
    starts_at: str = ""
    place: str = ""
    meeting_status: str = Field("planned", alias="status")
    participant_ids: list[str] = []
    agenda_th: str = ""
    agenda_en: str = ""
    documents: str = ""
    minutes: str = ""


def _meeting_values(
    page: Page,
    *,
    working_group_id: str,
    title_th: str,
    title_en: str,
    starts_at: str,
    place: str,
    meeting_status: str,
    participant_ids: list[str],
    agenda_th: str,
    agenda_en: str,
    documents: str,
    minutes: str,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's fields as MeetingIn expects them, and the errors found on the way: the
    time is local (the case's zone), the agenda one item a line in each language, the
    documents one `label | address` a line."""
    errors: dict[str, str] = {}
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(starts_at).replace(tzinfo=page.settings.zone)
    except ValueError:
        errors["starts_at"] = page.gettext(BAD_TIME)
    items_th, items_en = _lines(agenda_th), _lines(agenda_en)
    if len(items_th) != len(items_en):
        errors["agenda"] = page.gettext(AGENDA_MISMATCH)
    docs = []
    for line in _lines(documents):
        label, bar, url = line.rpartition("|")
        if not bar:
            errors["documents"] = page.gettext(BAD_DOCUMENT)
        docs.append({"label": label.strip(), "url": url.strip()})
    values = {
        "working_group_id": working_group_id or None,
        "title_th": title_th.strip(),
        "title_en": title_en.strip(),
        "starts_at": moment,
        "place": place.strip(),
        "status": meeting_status,
        "participant_ids": participant_ids,
        "agenda": [{"text_th": t, "text_en": e} for t, e in zip(items_th, items_en, strict=False)],
        "documents": docs,
        "minutes": minutes.strip() or None,
    }
    return values, errors


def _agenda_errors(errors: dict[str, str], page: Page) -> dict[str, str]:
    """Nested errors of the agenda and documents shown at their text areas."""
    for name, message in LIST_ERRORS.items():
        if name in errors:
            errors[name] = page.gettext(message)
    return errors


@router.post("/manage/forum/meetings", dependencies=KEEPER)
def add_meeting(
    page: PageDep,
    form: Annotated[MeetingForm, Form()],
) -> Response:
    shown = form.model_dump(by_alias=True)
    values, errors = _meeting_values(page, **form.model_dump())
    if errors:
        return _manage_page(page, values=shown, errors=errors, form="meeting")
    outcome = submit(
        page,
        MeetingIn,
        values,
        lambda data: create_meeting(page.session, actor=page.principal, data=data, now=page.now),
        refusals={
            InvalidInput: ("participant_ids", NOT_VALID),
            NotFound: ("working_group_id", NOT_VALID),
        },
    )
    if outcome.result is None:
        errors = _agenda_errors(outcome.errors, page)
        return _manage_page(page, values=shown, errors=errors, form="meeting")
    return _see_other(f"/manage/forum/meetings/{outcome.result.id}")


def _meeting_form_page(
    page: Page,
    meeting_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    form: str = "",
) -> HTMLResponse:
    meeting = meeting_detail(
        page.session, meeting_id=meeting_id, viewer=page.principal, today=_today(page)
    )
    local = meeting.starts_at.astimezone(page.settings.zone)
    current = {
        "working_group_id": str(meeting.working_group.id) if meeting.working_group else "",
        "title_th": meeting.title_th,
        "title_en": meeting.title_en,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "place": meeting.place,
        "status": meeting.status.value,
        "participant_ids": [str(p.id) for p in meeting.participants],
        "agenda_th": "\n".join(a.text_th for a in meeting.agenda),
        "agenda_en": "\n".join(a.text_en for a in meeting.agenda),
        "documents": "\n".join(f"{d.label} | {d.url}" for d in meeting.documents),
        "minutes": meeting.minutes or "",
    }
    return page.render(
        "manage/meeting.html",
        {
            "meeting": meeting,
            "groups": list_working_groups(page.session, viewer=page.principal),
            "organisations": list_organisations(page.session, viewer=page.principal),
            "targets": list_targets(page.session, viewer=page.principal),
            "current": values if form == "meeting" and values else current,
            "values": values if form == "decision" and values else {},
            "errors": errors or {},
            "form": form,
            "done": page.request.query_params.get("done"),
        }
        | _names(),
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT if errors else 200,
    )


@router.get("/manage/forum/meetings/{meeting_id}", response_class=HTMLResponse, dependencies=KEEPER)
def manage_meeting(page: PageDep, meeting_id: RowId) -> HTMLResponse:
    return _meeting_form_page(page, meeting_id)


@router.post("/manage/forum/meetings/{meeting_id}", dependencies=KEEPER)
def edit_meeting(
    page: PageDep,
    meeting_id: RowId,
    form: Annotated[MeetingForm, Form()],
) -> Response:
    """Mark the meeting held, add the participants present and the minutes."""
    shown = form.model_dump(by_alias=True)
    values, errors = _meeting_values(page, **form.model_dump())
    if not errors:
        outcome = submit(
            page,
            MeetingIn,
            values,
            lambda data: update_meeting(
                page.session, actor=page.principal, meeting_id=meeting_id, data=data, now=page.now
            ),
            refusals={
                InvalidInput: ("status", NOT_VALID),
                NotFound: ("working_group_id", NOT_VALID),
            },
        )
        errors = _agenda_errors(outcome.errors, page)
    if errors:
        return _meeting_form_page(page, meeting_id, values=shown, errors=errors, form="meeting")
    return _see_other(f"/manage/forum/meetings/{meeting_id}?done=meeting")


@router.post("/manage/forum/meetings/{meeting_id}/decisions", dependencies=KEEPER)
def add_decision(
    page: PageDep,
    meeting_id: RowId,
    text_th: Annotated[str, Form()] = "",
    text_en: Annotated[str, Form()] = "",
    responsible_organisation_id: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
    target_ids: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    meeting = page.session.get(Meeting, meeting_id)
    if meeting is not None and meeting.status is not MeetingStatus.HELD:
        errors = {"text_th": page.gettext(NOT_HELD)}
        return _meeting_form_page(page, meeting_id, errors=errors, form="decision")
    values = {
        "text_th": text_th.strip(),
        "text_en": text_en.strip(),
        "responsible_organisation_id": responsible_organisation_id,
        "due_on": due_on,
        "target_ids": target_ids,
    }
    outcome = submit(
        page,
        DecisionIn,
        values,
        lambda data: record_decision(
            page.session, actor=page.principal, meeting_id=meeting_id, data=data, now=page.now
        ),
        refusals={InvalidInput: ("responsible_organisation_id", NOT_VALID)},
    )
    if outcome.result is None:
        return _meeting_form_page(
            page, meeting_id, values=values, errors=outcome.errors, form="decision"
        )
    return _see_other(f"/manage/forum/meetings/{meeting_id}?done=decision#decisions")
