"""What a demo case is made of: organisations, people, stations that simulate their readings,
so that the dust case and the water case run through the same set-up and publisher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cli.demo.simulator import StationSpec
from core.models import Role
from core.organisations.schemas import OrganisationCreate


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    data: OrganisationCreate


class Site(Protocol):
    """A simulated station: its registration and its readings at a moment."""

    @property
    def station(self) -> StationSpec: ...

    def readings(self, moment: datetime) -> dict[str, float]: ...


Person = tuple[str, str, Role, str]
"""(e-mail name, display name, role, organisation key)."""


@dataclass(frozen=True)
class DemoCase:
    name: str
    stations: tuple[Site, ...]
    organisations: tuple[DemoOrganisation, ...]
    people: tuple[Person, ...]
    kept_by_the_volunteer: tuple[str, ...]
    email_domain: str
    bulletins: bool
    """Whether the demo publishes the air bulletins of the simulated days."""
