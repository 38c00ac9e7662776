"""What raises alerts: rules managed by backbone staff and admins, every change audited."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, status

from api.auth import PrincipalDep, require_roles
from api.deps import SessionDep, SettingsDep
from core.alerts.rule_schemas import AlertRuleIn, AlertRulePublic
from core.alerts.rules import create_rule, disable_rule, get_rule, list_rules, update_rule
from core.kit.db import RowId
from core.models import Role

router = APIRouter(prefix="/alert-rules", tags=["alerts"])

managers = require_roles(Role.BACKBONE, Role.ADMIN)


@router.get("", response_model=list[AlertRulePublic], dependencies=[Depends(managers)])
def get_alert_rules(session: SessionDep) -> list[AlertRulePublic]:
    """Every rule, the disabled ones too."""
    return list_rules(session)


@router.post(
    "",
    response_model=AlertRulePublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(managers)],
)
def post_alert_rule(
    data: AlertRuleIn, session: SessionDep, principal: PrincipalDep
) -> AlertRulePublic:
    """A new rule; it is evaluated from the next alert check on."""
    return create_rule(session, data, actor=principal, now=datetime.now(UTC))


@router.get("/{rule_id}", response_model=AlertRulePublic, dependencies=[Depends(managers)])
def get_alert_rule(rule_id: RowId, session: SessionDep) -> AlertRulePublic:
    return get_rule(session, rule_id)


@router.put("/{rule_id}", response_model=AlertRulePublic, dependencies=[Depends(managers)])
def put_alert_rule(
    rule_id: RowId, data: AlertRuleIn, session: SessionDep, principal: PrincipalDep
) -> AlertRulePublic:
    """Replace a rule's settings (its kind stays); its open alerts follow the new ones."""
    return update_rule(session, rule_id, data, actor=principal, now=datetime.now(UTC))


@router.delete("/{rule_id}", response_model=AlertRulePublic, dependencies=[Depends(managers)])
def delete_alert_rule(
    rule_id: RowId, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> AlertRulePublic:
    """Disables the rule (kept, with its alerts' history); its open alerts are closed."""
    return disable_rule(
        session, rule_id, actor=principal, now=datetime.now(UTC), zone=settings.zone
    )
