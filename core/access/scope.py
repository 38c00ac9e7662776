"""Which stations a caller may see: every public one, plus the private ones that are theirs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select, true

from core.access.principal import SEE_ALL_PRIVATE, Principal
from core.models import Station, StationKeeper


@dataclass(frozen=True)
class StationScope:
    """A typed visibility rule that queries apply with `visible()`.

    A factory's private stations are seen by its own organisation, officials, the backbone
    and admins; volunteers also see the stations they keep; a device key its own station.
    """

    all_private: bool = False
    organisation_id: int | None = None
    keeper_user_id: int | None = None
    station_id: int | None = None

    @classmethod
    def for_principal(cls, principal: Principal) -> StationScope:
        if principal.has_role(*SEE_ALL_PRIVATE):
            return cls(all_private=True)
        if principal.api_key_id is not None and principal.station_id is not None:
            return cls(station_id=principal.station_id)
        return cls(organisation_id=principal.organisation_id, keeper_user_id=principal.user_id)

    def visible(self) -> ColumnElement[bool]:
        """A WHERE condition on `Station` selecting what this scope may see."""
        if self.all_private:
            return true()
        conditions: list[ColumnElement[bool]] = [Station.public.is_(True)]
        if self.organisation_id is not None:
            conditions.append(Station.organisation_id == self.organisation_id)
        if self.keeper_user_id is not None:
            kept = select(StationKeeper.station_id).where(
                StationKeeper.user_id == self.keeper_user_id
            )
            conditions.append(Station.id.in_(kept))
        if self.station_id is not None:
            conditions.append(Station.id == self.station_id)
        return or_(*conditions)


PUBLIC_SCOPE = StationScope()
"""What anyone may see: public stations only."""
