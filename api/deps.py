"""Request dependencies: the transaction boundary and the settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from core.kit.errors import DustwatchError
from core.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed on success, rolled back on any error, except
    domain errors that keep their changes (a failed sign-in still counts)."""
    with request.app.state.session_factory() as session:
        try:
            yield session
        except DustwatchError as error:
            if error.keeps_changes:
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        else:
            session.commit()


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# scope="function": the transaction ends before the response starts, so that nobody is told
# of a change that then fails to commit, and a browser that follows a redirect at once sees it.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
