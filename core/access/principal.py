"""The caller of a domain function: a signed-in person, an API key, the CLI, or anonymous."""

from __future__ import annotations

from dataclasses import dataclass

from core.kit.errors import Forbidden, Unauthenticated
from core.models.account import Role

MANAGERS = frozenset({Role.BACKBONE, Role.ADMIN})
"""Roles that manage stations, organisations, users and keys."""
SEE_ALL_PRIVATE = frozenset({Role.OFFICIAL, Role.BACKBONE, Role.ADMIN})
"""Roles that see every private (factory) station."""


@dataclass(frozen=True)
class Principal:
    user_id: int | None = None
    organisation_id: int | None = None
    role: Role | None = None
    """None for API keys and the anonymous public."""
    api_key_id: int | None = None
    station_id: int | None = None
    """Set for a device key: it acts for this one station."""
    label: str = "anonymous"
    """Who, in words, for the audit log."""

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and self.api_key_id is None and self.role is None

    def has_role(self, *roles: Role) -> bool:
        return self.role is not None and self.role in roles

    @property
    def is_manager(self) -> bool:
        return self.has_role(*MANAGERS)

    def require_role(self, *roles: Role) -> None:
        """Raises Unauthenticated for the public and Forbidden for other roles."""
        if self.is_anonymous:
            raise Unauthenticated("sign in first")
        if not self.has_role(*roles):
            raise Forbidden(f"only {', '.join(r.value for r in roles)} may do this")


ANONYMOUS = Principal()


def system_principal(label: str) -> Principal:
    """The operator of the machine (the `dustwatch` command): acts as an admin."""
    return Principal(role=Role.ADMIN, label=label)
