"""What the report form and the complaint form share: the `datetime-local` field read in the
deployment's zone, and the messages for a report or complaint the domain refuses."""

from __future__ import annotations

from datetime import datetime

from api.web.i18n import N_
from api.web.rendering import Page

REFUSALS = {
    "future": N_("This time is in the future."),
    "too_old": N_("This time is more than 31 days ago: check the date."),
    "unknown_village": N_("Choose one of the villages."),
    "photo_too_large": N_("The photo is larger than %(size)s. Take a smaller one."),
    "photo_type": N_("This file is not a photo: send a JPEG, PNG or WebP image."),
    "unknown_parameter": N_("Choose one of the options."),
    "out_of_range": N_("Not plausible: the value must be between %(minimum)s and %(maximum)s."),
}
BAD_TIME = N_("Enter a date and time.")


def local_input(moment: datetime, page: Page) -> str:
    """A `datetime-local` field's value for `moment`, in the deployment's zone."""
    return moment.astimezone(page.settings.zone).strftime("%Y-%m-%dT%H:%M")


def parse_local(text: str, page: Page) -> datetime | None:
    """A `datetime-local` value is the deployment's local time; empty means now."""
    if not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(BAD_TIME) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=page.settings.zone)
    return moment
