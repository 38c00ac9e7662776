"""Signing in over HTTP as the /docs "Authorize" button and scripts do, and as a browser."""

from __future__ import annotations

from datetime import UTC, datetime

from core.accounts.signin import start_browser_session
from core.models import Role
from tests.api.conftest import Api
from tests.factories import DEFAULT_PASSWORD, make_user


def sign_in(api: Api, email: str, password: str = DEFAULT_PASSWORD) -> dict[str, object]:
    response = api.client.post("/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def bearer(token: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_openapi_offers_the_password_flow_to_the_authorize_button(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    [(name, scheme)] = schemes.items()
    assert scheme["type"] == "oauth2"
    assert scheme["flows"]["password"]["tokenUrl"] == "/auth/token"
    assert {name: []} in document["paths"]["/users"]["get"]["security"]


def test_sign_in_with_the_password_form_and_use_the_token(api: Api) -> None:
    user = make_user(api.session, role=Role.OFFICIAL, email="official@example.org")
    api.session.commit()
    tokens = sign_in(api, "Official@Example.org")
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 3600
    me = api.client.get("/auth/me", headers=bearer(tokens["access_token"])).json()
    assert (me["user"]["id"], me["role"], me["user"]["email"]) == (user.id, "official", user.email)
    assert "password" not in str(me)
    assert api.client.get("/auth/me").status_code == 401


def test_a_wrong_password_and_an_unknown_email_get_the_same_401(api: Api) -> None:
    user = make_user(api.session)
    api.session.commit()
    wrong = api.client.post("/auth/token", data={"username": user.email, "password": "x" * 12})
    unknown = api.client.post(
        "/auth/token", data={"username": "nobody@example.org", "password": "x" * 12}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_repeated_failures_lock_the_account_even_though_each_request_fails(api: Api) -> None:
    user = make_user(api.session)
    api.session.commit()
    for _ in range(5):
        response = api.client.post(
            "/auth/token", data={"username": user.email, "password": "wrong password"}
        )
        assert response.status_code == 401
    locked = api.client.post(
        "/auth/token", data={"username": user.email, "password": DEFAULT_PASSWORD}
    )
    assert locked.status_code == 401
    assert "locked for 15 minutes" in locked.json()["detail"]


def test_refresh_gives_a_new_pair_once(api: Api) -> None:
    user = make_user(api.session)
    api.session.commit()
    first = sign_in(api, user.email)
    second = api.client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    assert api.client.get("/auth/me", headers=bearer(second.json()["access_token"])).is_success
    again = api.client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert again.status_code == 401
    # the reuse was taken for theft: the new pair is revoked too, and that was committed
    assert (
        api.client.get("/auth/me", headers=bearer(second.json()["access_token"])).status_code == 401
    )


def test_sign_out_revokes_the_token_at_once(api: Api) -> None:
    user = make_user(api.session)
    api.session.commit()
    tokens = sign_in(api, user.email)
    assert (
        api.client.post("/auth/logout", headers=bearer(tokens["access_token"])).status_code == 204
    )
    assert api.client.get("/auth/me", headers=bearer(tokens["access_token"])).status_code == 401
    refresh = api.client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401


def test_disabling_an_account_signs_it_out_and_keeps_it_out(api: Api) -> None:
    admin = make_user(api.session, role=Role.ADMIN)
    user = make_user(api.session)
    api.session.commit()
    tokens = sign_in(api, user.email)
    disabled = api.client.patch(
        f"/users/{user.id}", json={"disabled": True}, headers=api.headers(admin)
    )
    assert disabled.json()["disabled"] is True
    assert api.client.get("/auth/me", headers=bearer(tokens["access_token"])).status_code == 401
    refused = api.client.post(
        "/auth/token", data={"username": user.email, "password": DEFAULT_PASSWORD}
    )
    assert refused.status_code == 401
    assert "disabled" in refused.json()["detail"]


def test_a_browser_session_cookie_needs_the_csrf_token_to_change_anything(api: Api) -> None:
    user = make_user(api.session, role=Role.BACKBONE)
    browser = start_browser_session(api.session, user=user, now=datetime.now(UTC))
    api.session.commit()
    cookie = {"Cookie": f"dustwatch_session={browser.token}"}
    assert api.client.get("/auth/me", headers=cookie).json()["user"]["id"] == user.id
    organisation = {"name_th": "ทดสอบ", "name_en": "Cookie test", "stakeholder_group": "other"}
    forged = api.client.post("/organisations", json=organisation, headers=cookie)
    assert forged.status_code == 403
    assert "reload the page" in forged.json()["detail"]
    with_token = cookie | {"X-CSRF-Token": browser.csrf_token}
    assert (
        api.client.post("/organisations", json=organisation, headers=with_token).status_code == 201
    )
    form = api.client.post("/auth/logout", data={"csrf_token": browser.csrf_token}, headers=cookie)
    assert form.status_code == 204
    assert api.client.get("/auth/me", headers=cookie).status_code == 401
    assert api.client.get("/organisations", headers=cookie).status_code == 200  # the public
