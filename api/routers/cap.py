"""The public CAP 1.2 feed: an Atom index of current alerts and each CAP document, for alert
aggregators; no sign-in, public stations only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from api.auth import public
from api.deps import SessionDep, SettingsDep
from core.alerts.cap import ATOM_MEDIA_TYPE, CAP_MEDIA_TYPE, cap_atom_feed, cap_document

router = APIRouter(prefix="/cap", tags=["cap"])

IdentifierPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=200,
        pattern=r"^[^\s,<&]+$",
        description="The CAP identifier, as in the Atom index.",
    ),
]


@router.get(
    "/alerts.atom",
    response_class=Response,
    responses={
        200: {
            "content": {ATOM_MEDIA_TYPE: {}},
            "description": "Atom 1.0: one entry per current public alert (open, or ended in "
            "the last DUSTWATCH_CAP__ENDED_HOURS), linking its latest CAP message.",
        }
    },
    dependencies=[Depends(public)],
)
def get_cap_feed(session: SessionDep, settings: SettingsDep) -> Response:
    """The index that alert aggregators subscribe to."""
    feed = cap_atom_feed(session, now=datetime.now(UTC), zone=settings.zone, settings=settings.cap)
    return Response(feed, media_type=ATOM_MEDIA_TYPE)


@router.get(
    "/messages/{identifier}.xml",
    response_class=Response,
    responses={
        200: {
            "content": {CAP_MEDIA_TYPE: {}},
            "description": "The OASIS CAP 1.2 document, as it was published.",
        }
    },
    dependencies=[Depends(public)],
)
def get_cap_message(identifier: IdentifierPath, session: SessionDep) -> Response:
    """One CAP message (Alert, Update or Cancel) in Thai and English. 404 for an unknown
    identifier or an alert of a station that is not public."""
    return Response(cap_document(session, identifier=identifier), media_type=CAP_MEDIA_TYPE)
