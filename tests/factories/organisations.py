from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from core.models import Organisation, OrganisationContact, StakeholderGroup


def make_organisation(session: Session, **overrides: Any) -> Organisation:
    suffix = uuid.uuid4().hex[:8]
    values: dict[str, Any] = {
        "name_th": f"องค์กรทดสอบ {suffix}",
        "name_en": f"Test organisation {suffix}",
        "stakeholder_group": StakeholderGroup.AFFECTED_COMMUNITY,
        "areas": ["Na Phra Lan"],
        "created_at": datetime.now(UTC),
        "contacts": [OrganisationContact(name="Khun Test", position="Head", phone="036-000-000")],
    }
    values.update(overrides)
    organisation = Organisation(**values)
    session.add(organisation)
    session.flush()
    return organisation
