"""The pages' rules that a browser does not show at a glance: the sign-in form's CSRF
token, where a sign-in may send you, sign-out's token, and a device key shown once."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from core.models import Role, StationKind
from core.settings import AuthSettings, Settings
from tests.api.conftest import Api, make_api
from tests.factories import DEFAULT_PASSWORD, make_station, make_user

TOKEN = "f" * 43
SIGNIN_COOKIE = {"Cookie": f"dustwatch_form={TOKEN}"}


@pytest.fixture
def web(engine: Engine) -> Iterator[Api]:
    """Plain-HTTP test client: cookies without the Secure flag, so that it sends them."""
    yield from make_api(engine, Settings(auth=AuthSettings(secure_cookies=False)))


def form(email: str, password: str = DEFAULT_PASSWORD, **extra: str) -> dict[str, str]:
    return {"email": email, "password": password, "csrf_token": TOKEN} | extra


def sign_in(web: Api, role: Role = Role.VOLUNTEER) -> str:
    """Signs a new user in through the page; returns the CSRF token its forms carry."""
    user = make_user(web.session, role=role)
    web.session.commit()
    response = web.client.post("/signin", data=form(user.email), headers=SIGNIN_COOKIE)
    assert response.status_code == 200, response.text
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert match is not None
    return match.group(1)


def test_the_sign_in_form_sets_its_token_in_a_strict_cookie(web: Api) -> None:
    response = web.client.get("/signin")
    cookie = response.headers["set-cookie"]
    token = web.client.cookies["dustwatch_form"]
    assert f'name="csrf_token" value="{token}"' in response.text
    assert {"SameSite=strict", "HttpOnly", "Path=/signin"} <= set(cookie.split("; "))


def test_a_sign_in_without_the_form_token_signs_nobody_in(web: Api) -> None:
    user = make_user(web.session)
    web.session.commit()
    response = web.client.post("/signin", data=form(user.email))
    assert response.status_code == 403
    assert "แบบฟอร์มหมดอายุแล้ว" in response.text
    assert "dustwatch_session" not in web.client.cookies


def test_a_sign_in_posted_from_another_site_is_refused(web: Api) -> None:
    user = make_user(web.session)
    web.session.commit()
    headers = SIGNIN_COOKIE | {"Origin": "https://attacker.example"}
    response = web.client.post("/signin", data=form(user.email), headers=headers)
    assert response.status_code == 403
    assert "dustwatch_session" not in web.client.cookies


@pytest.mark.parametrize(
    ("asked", "landed"),
    [
        ("/stations/x/page", "/stations/x/page"),
        ("https://attacker.example/", "/home"),
        ("//attacker.example/", "/home"),
    ],
)
def test_a_sign_in_goes_only_to_a_page_of_this_site(web: Api, asked: str, landed: str) -> None:
    user = make_user(web.session)
    web.session.commit()
    response = web.client.post(
        "/signin", data=form(user.email, next=asked), headers=SIGNIN_COOKIE, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == landed


def test_after_five_failures_even_the_right_password_is_refused_with_the_reason(
    web: Api,
) -> None:
    user = make_user(web.session)
    web.session.commit()
    for _ in range(5):
        wrong = web.client.post(
            "/signin", data=form(user.email, "wrong password"), headers=SIGNIN_COOKIE
        )
        assert wrong.status_code == 401
    locked = web.client.post("/signin", data=form(user.email), headers=SIGNIN_COOKIE)
    assert locked.status_code == 401
    assert "บัญชีจะถูกล็อก 15 นาที" in locked.text
    english = web.client.post("/signin?lang=en", data=form(user.email), headers=SIGNIN_COOKIE)
    assert "the account is locked for 15 minutes" in english.text


def test_a_page_for_signed_in_people_asks_the_public_to_sign_in(web: Api) -> None:
    response = web.client.get("/home")
    assert response.status_code == 401
    assert 'href="/signin?next=%2Fhome"' in response.text


def test_sign_out_needs_the_session_token_of_its_form(web: Api) -> None:
    csrf = sign_in(web)
    forged = web.client.post("/signout", data={})
    assert forged.status_code == 403
    assert web.client.get("/home").status_code == 200  # still signed in
    signed_out = web.client.post("/signout", data={"csrf_token": csrf})
    assert signed_out.status_code == 200
    assert web.client.get("/home").status_code == 401


def test_a_new_device_key_is_shown_once(web: Api) -> None:
    station = make_station(web.session, kind=StationKind.FACTORY, public=False)
    csrf = sign_in(web, Role.BACKBONE)
    created = web.client.post(
        f"/manage/stations/{station.code}/keys", data={"name": "gate logger", "csrf_token": csrf}
    )
    assert created.status_code == 200
    match = re.search(r"dw_([0-9a-f]{8})_[A-Za-z0-9_-]{20,}", created.text)
    assert match is not None
    later = web.client.get("/manage/stations").text
    assert f"dw_{match.group(1)}_…" in later
    assert match.group(0) not in later
