"""A station's MQTT credential: the device signs in to the broker with its station code."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends

from api.auth import PrincipalDep, require_roles
from api.deps import SessionDep
from core.devices.credentials import issue_credential, revoke_credential
from core.devices.schemas import MqttCredentialIssued, MqttCredentialPublic
from core.models import Role

router = APIRouter(prefix="/stations", tags=["devices"])

maintainers = require_roles(Role.VOLUNTEER, Role.OPERATOR, Role.BACKBONE, Role.ADMIN)


@router.post(
    "/{code}/mqtt-credential",
    response_model=MqttCredentialIssued,
    dependencies=[Depends(maintainers)],
)
def post_mqtt_credential(
    code: str, session: SessionDep, principal: PrincipalDep
) -> MqttCredentialIssued:
    """Issue the station's MQTT password, or rotate it (the old one then stops working).
    Backbone staff and admins; the station's organisation's operators and its keepers.
    The password is in this response only. On Mosquitto it works once the files are
    written again (`dustwatch mqtt-credentials write`); on the embedded broker at once."""
    return issue_credential(session, actor=principal, code=code, now=datetime.now(UTC))


@router.delete(
    "/{code}/mqtt-credential",
    response_model=MqttCredentialPublic,
    dependencies=[Depends(maintainers)],
)
def delete_mqtt_credential(
    code: str, session: SessionDep, principal: PrincipalDep
) -> MqttCredentialPublic:
    """Revoke the station's MQTT password; 404 when it never had one."""
    return revoke_credential(session, actor=principal, code=code, now=datetime.now(UTC))
