"""Factories: rows for tests, with defaults that make sense and any field overridable."""

from tests.factories.accounts import DEFAULT_PASSWORD, bearer_for, make_user, tokens_for
from tests.factories.organisations import make_organisation
from tests.factories.stations import keep, make_station

__all__ = [
    "DEFAULT_PASSWORD",
    "bearer_for",
    "keep",
    "make_organisation",
    "make_station",
    "make_user",
    "tokens_for",
]
