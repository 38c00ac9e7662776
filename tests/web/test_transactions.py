"""A page's redirect must not overtake its own commit: the browser follows a 303 at once,
so the transaction of the request is committed before the response starts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.settings import AuthSettings, Settings
from tests.api.conftest import Api, make_api
from tests.factories import DEFAULT_PASSWORD, make_user

TOKEN = "c" * 43


class RecordResponseStart:
    def __init__(self, app: ASGIApp, events: list[str]) -> None:
        self.app, self.events = app, events

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.events.append("response")
            await send(message)

        await self.app(scope, receive, recording_send)


@pytest.fixture
def web(engine: Engine) -> Iterator[Api]:
    yield from make_api(engine, Settings(auth=AuthSettings(secure_cookies=False)))


def test_the_sign_in_is_committed_before_the_redirect_is_sent(web: Api) -> None:
    user = make_user(web.session)
    web.session.commit()
    events: list[str] = []
    client = TestClient(RecordResponseStart(web.client.app, events))

    def committed(session: Session) -> None:
        if session is not web.session:
            events.append("commit")

    event.listen(Session, "after_commit", committed)
    try:
        response = client.post(
            "/signin",
            data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": TOKEN},
            headers={"Cookie": f"dustwatch_form={TOKEN}"},
            follow_redirects=False,
        )
    finally:
        event.remove(Session, "after_commit", committed)
    assert response.status_code == 303
    assert events[:2] == ["commit", "response"]
