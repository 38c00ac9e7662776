"""Managing alert rules: backbone staff and admins, every change audited. A rule is
disabled, never deleted, so that its alerts keep saying which rule opened them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.principal import Principal
from core.alerts.engine import close_by_hand
from core.alerts.rule_schemas import AlertRuleFields, AlertRuleIn, AlertRulePublic
from core.audit.service import record_change
from core.kit.errors import InvalidInput, NotFound
from core.models import Alert, AlertRule

ENTITY = "alert_rule"


def rule_out(rule: AlertRule) -> AlertRulePublic:
    return AlertRulePublic.model_validate(
        {
            **{name: getattr(rule, name) for name in AlertRuleFields.model_fields},
            "areas": list(rule.areas),
            "id": rule.id,
            "created_at": rule.created_at,
            "created_by": rule.created_by,
            "updated_at": rule.updated_at,
            "updated_by": rule.updated_by,
        }
    )


def _snapshot(rule: AlertRule) -> dict[str, Any]:
    return rule_out(rule).model_dump(
        mode="json", exclude={"created_at", "created_by", "updated_at", "updated_by"}
    )


def list_rules(session: Session) -> list[AlertRulePublic]:
    return [rule_out(r) for r in session.scalars(select(AlertRule).order_by(AlertRule.id))]


def _get(session: Session, rule_id: int) -> AlertRule:
    rule = session.get(AlertRule, rule_id)
    if rule is None:
        raise NotFound(f"no alert rule {rule_id}")
    return rule


def get_rule(session: Session, rule_id: int) -> AlertRulePublic:
    return rule_out(_get(session, rule_id))


def _apply(rule: AlertRule, fields: AlertRuleIn, *, actor: Principal, now: datetime) -> None:
    for name, value in fields.model_dump(mode="json").items():
        setattr(rule, name, value)
    rule.kind = fields.kind
    rule.severity = fields.severity
    rule.updated_at = now
    rule.updated_by = actor.label[:400]


def create_rule(
    session: Session, fields: AlertRuleIn, *, actor: Principal, now: datetime
) -> AlertRulePublic:
    rule = AlertRule(created_at=now, created_by=actor.label[:400])
    _apply(rule, fields, actor=actor, now=now)
    session.add(rule)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="create",
        entity=ENTITY,
        entity_id=str(rule.id),
        before=None,
        after=_snapshot(rule),
    )
    return rule_out(rule)


def update_rule(
    session: Session, rule_id: int, fields: AlertRuleIn, *, actor: Principal, now: datetime
) -> AlertRulePublic:
    """Replaces the rule. Its open alerts stay open and follow the new settings from the next
    evaluation; a changed kind is refused, since its alerts' subjects would mean another
    thing."""
    rule = _get(session, rule_id)
    if fields.kind is not rule.kind:
        raise InvalidInput(
            f"a rule keeps its kind ({rule.kind.value}); disable it and create a new one"
        )
    before = _snapshot(rule)
    _apply(rule, fields, actor=actor, now=now)
    session.flush()
    record_change(
        session,
        actor=actor,
        action="update",
        entity=ENTITY,
        entity_id=str(rule.id),
        before=before,
        after=_snapshot(rule),
    )
    return rule_out(rule)


def disable_rule(
    session: Session, rule_id: int, *, actor: Principal, now: datetime, zone: ZoneInfo
) -> AlertRulePublic:
    """It opens nothing more, and its open alerts are closed by the person who disabled it
    (nothing would follow them any more), with that as the reason; whoever was told of them
    is told they are closed."""
    rule = _get(session, rule_id)
    before = _snapshot(rule)
    if rule.enabled:
        rule.enabled = False
        rule.updated_at = now
        rule.updated_by = actor.label[:400]
        for alert in session.scalars(
            select(Alert).where(Alert.rule_id == rule.id, Alert.resolved_at.is_(None))
        ):
            reason = f"the rule {rule.name!r} was disabled"
            close_by_hand(session, alert, actor=actor, reason=reason, now=now, zone=zone)
        session.flush()
    record_change(
        session,
        actor=actor,
        action="disable",
        entity=ENTITY,
        entity_id=str(rule.id),
        before=before,
        after=_snapshot(rule),
    )
    return rule_out(rule)
