"""Organisations as backbone staff register them and as the API returns them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.models import StakeholderGroup


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    name: str = Field(min_length=1, max_length=200)
    position: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=50)
    email: str | None = Field(default=None, max_length=320)
    line_id: str | None = Field(default=None, max_length=100, description="LINE id")


Area = str


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_th: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    stakeholder_group: StakeholderGroup
    areas: list[Area] = Field(
        default_factory=list, description="Villages or areas it is responsible for."
    )
    contacts: list[Contact] = Field(default_factory=list)


class OrganisationUpdate(BaseModel):
    """Fields left out stay as they are; `contacts` replaces the whole list."""

    model_config = ConfigDict(extra="forbid")

    name_th: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, min_length=1, max_length=200)
    stakeholder_group: StakeholderGroup | None = None
    areas: list[Area] | None = None
    contacts: list[Contact] | None = None


class OrganisationPublic(BaseModel):
    id: int
    name_th: str
    name_en: str
    stakeholder_group: StakeholderGroup
    areas: list[str]
    contacts: list[Contact] | None = Field(
        description="Contact details; null unless the caller is signed in."
    )
