"""Two-step log-in, as someone who has a password (theirs, or phished) meets it: the code page,
codes used twice, someone else's codes, recovery codes, a waiting log-in that is not a log-in,
guessing, and a set-up that cannot be skipped where it is required."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server import create_app
from server.auth import pending
from server.config import TestingConfig
from server.extensions import db
from server.models import LoginSession, MembershipRole, RecoveryCode, Role, User
from tests import factories
from tests.auth.two_step import (
    WRONG,
    code_of,
    logged_in,
    password_step,
    secret_on,
    set_up,
    socket_opens,
)
from tests.conftest import Course, EnglishClient


@pytest.fixture
def mira(course: Course) -> User:
    """The course's facilitator, with two-step log-in on."""
    return course.facilitator


# --- the code page ---------------------------------------------------------------------------


def test_the_password_alone_leads_to_the_code_page_and_is_not_a_log_in(
    app: Flask, client: FlaskClient, mira: User
) -> None:
    set_up(mira)
    assert password_step(client, mira) == "/login/code"
    # Everything that needs a log-in: the pages, the person's data, a socket.
    for path in ("/", "/account/security", "/account/data.json", f"/meetings/{1}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert not socket_opens(app, client)
    assert db.session.scalar(db.select(LoginSession).filter_by(user_id=mira.id)) is None
    page = client.get("/login/code").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page


def test_the_right_code_logs_in_and_keeps_next_and_keep_me_logged_in(
    app: Flask, client: FlaskClient, mira: User
) -> None:
    secret, _ = set_up(mira)
    password_step(client, mira, "/login?next=/account/data", remember="y")
    response = client.post("/login/code", data={"code": code_of(secret)})
    assert response.headers["Location"] == "/account/data"
    assert client.get_cookie("remember_token") is not None
    assert logged_in(client)
    assert socket_opens(app, client)


def test_a_code_with_spaces_is_accepted(client: FlaskClient, mira: User) -> None:
    secret, _ = set_up(mira)
    password_step(client, mira)
    code = code_of(secret)
    client.post("/login/code", data={"code": f" {code[:3]} {code[3:]} "})
    assert logged_in(client)


def test_a_wrong_code_is_refused_with_an_error_on_the_field(
    client: FlaskClient, mira: User
) -> None:
    secret, _ = set_up(mira)
    password_step(client, mira)
    wrong = "000000" if code_of(secret) != "000000" else "111111"
    response = client.post("/login/code", data={"code": wrong})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and WRONG in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="code-error"' in page
    assert not logged_in(client)


def test_a_code_is_accepted_once(app: Flask, mira: User) -> None:
    """Someone who watched a code being typed (or caught it on its way) cannot use it again,
    not even at once, in the same 30 seconds."""
    secret, _ = set_up(mira)
    code = code_of(secret)
    first, second = app.test_client(), app.test_client()
    password_step(first, mira)
    password_step(second, mira)
    assert first.post("/login/code", data={"code": code}).status_code == 302
    response = second.post("/login/code", data={"code": code})
    assert response.status_code == 200 and WRONG in response.get_data(as_text=True)
    assert not logged_in(second)
    # An older code than the one used is no good either.
    assert second.post("/login/code", data={"code": code_of(secret, -1)}).status_code == 200
    assert not logged_in(second)


def test_a_code_for_another_account_is_refused(
    client: FlaskClient, mira: User, course: Course
) -> None:
    set_up(mira)
    other_secret, _ = set_up(course.co_facilitator)
    password_step(client, mira)
    response = client.post("/login/code", data={"code": code_of(other_secret)})
    assert response.status_code == 200 and WRONG in response.get_data(as_text=True)
    assert not logged_in(client)


def test_a_clock_one_step_off_is_allowed_but_not_two(app: Flask, mira: User) -> None:
    secret, _ = set_up(mira)
    for steps in (-2, 2):
        client = app.test_client()
        password_step(client, mira)
        assert client.post("/login/code", data={"code": code_of(secret, steps)}).status_code == 200
        assert not logged_in(client)
    client = app.test_client()
    password_step(client, mira)
    assert client.post("/login/code", data={"code": code_of(secret, -1)}).status_code == 302
    assert logged_in(client)


def test_a_recovery_code_works_once_and_says_how_many_are_left(app: Flask, mira: User) -> None:
    _, codes = set_up(mira)
    client = app.test_client()
    password_step(client, mira)
    assert "Recovery code" in client.get("/login/code?with=recovery").get_data(as_text=True)
    # Typed in capitals, without its dashes.
    typed = codes[3].replace("-", "").upper()
    response = client.post("/login/code?with=recovery", data={"code": typed})
    assert response.status_code == 302
    assert "9 are left" in client.get("/").get_data(as_text=True)
    again = app.test_client()
    password_step(again, mira)
    response = again.post("/login/code?with=recovery", data={"code": codes[3]})
    assert response.status_code == 200 and WRONG in response.get_data(as_text=True)
    assert not logged_in(again)


def test_recovery_codes_are_kept_only_as_hashes(mira: User) -> None:
    _, codes = set_up(mira)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[2-9a-z]{4}(-[2-9a-z]{4}){3}", code) for code in codes)
    stored = db.session.scalars(db.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    for code in codes:
        assert not any(code.replace("-", "") in value for value in stored)


def test_the_waiting_log_in_expires(
    client: FlaskClient, mira: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret, _ = set_up(mira)
    password_step(client, mira)

    class Later:
        @staticmethod
        def time() -> float:
            return time.time() + pending.CODE_SECONDS + 1

    monkeypatch.setattr(pending, "time", Later)
    response = client.post("/login/code", data={"code": code_of(secret)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not logged_in(client)
    assert "Please log in again" in client.get("/login").get_data(as_text=True)


def test_the_code_page_without_a_password_sends_to_the_log_in_page(
    client: FlaskClient, mira: User
) -> None:
    secret, _ = set_up(mira)
    response = client.post("/login/code", data={"code": code_of(secret)})
    assert response.headers["Location"] == "/login"
    assert not logged_in(client)


def test_a_waiting_log_in_of_a_deactivated_account_goes_nowhere(
    client: FlaskClient, mira: User
) -> None:
    secret, _ = set_up(mira)
    password_step(client, mira)
    mira.active = False
    db.session.commit()
    client.post("/login/code", data={"code": code_of(secret)})
    assert not logged_in(client)


def test_people_without_two_step_log_in_still_log_in_with_the_password(
    client: FlaskClient, course: Course
) -> None:
    assert password_step(client, course.participants[0]) == "/"
    assert logged_in(client)


# --- guessing --------------------------------------------------------------------------------


@pytest.fixture
def limited_app() -> Iterator[Flask]:
    app = create_app(
        TestingConfig,
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="100 per minute",
        TWO_FACTOR_RATE_LIMIT="3 per minute",
    )
    app.test_client_class = EnglishClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


def test_guessing_codes_is_rate_limited_per_account_from_any_address(limited_app: Flask) -> None:
    person = factories.gen_user(Role.FACILITATOR)
    secret, _ = set_up(person)
    wrong = "000000" if code_of(secret) != "000000" else "111111"
    first = limited_app.test_client()
    password_step(first, person)
    statuses = [first.post("/login/code", data={"code": wrong}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    # Even the right code waits now, and so does another address with the same password.
    assert first.post("/login/code", data={"code": code_of(secret)}).status_code == 429
    elsewhere = limited_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    password_step(elsewhere, person)
    assert elsewhere.post("/login/code", data={"code": code_of(secret)}).status_code == 429
    assert not logged_in(first) and not logged_in(elsewhere)


# --- where it is required --------------------------------------------------------------------


@pytest.fixture
def required(app: Flask) -> Callable[..., None]:
    def require(*roles: str) -> None:
        app.config["TWO_FACTOR_REQUIRED"] = roles

    return require


def test_required_set_up_cannot_be_skipped(
    app: Flask, client: FlaskClient, course: Course, required: Callable[..., None]
) -> None:
    required("facilitator")
    mira = course.facilitator
    assert password_step(client, mira, "/login?next=/account/data") == "/login/setup"
    for path in (
        "/",
        "/account/security",
        "/account/security/two-step",
        "/account/data.json",
        f"/meetings/{course.meeting.id}",
        "/login/code",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith(("/login", "http://localhost/login")), path
    assert not socket_opens(app, client)
    page = client.get("/login/setup").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = secret_on(page)
    # A reload shows the same key (it may be scanned already); nothing is stored yet.
    assert secret_on(client.get("/login/setup").get_data(as_text=True)) == secret
    db.session.refresh(mira)
    assert mira.totp_secret is None
    response = client.post("/login/setup", data={"code": "000000"})
    assert response.status_code == 200 and not logged_in(client)
    response = client.post("/login/setup", data={"code": code_of(secret)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and len(re.findall(r"<li><code>", page)) == 10
    assert 'href="/account/data"' in page
    assert logged_in(client)
    db.session.refresh(mira)
    assert mira.totp_secret == secret
    # From now on the code page follows the password.
    assert password_step(app.test_client(), mira) == "/login/code"


def test_the_set_up_key_is_not_kept_in_the_cookie(
    app: Flask, client: FlaskClient, course: Course, required: Callable[..., None]
) -> None:
    """Whoever reads the browser's cookies later (a shared device) finds no key to add to an
    app of their own."""
    required("facilitator")
    password_step(client, course.facilitator)
    secret = secret_on(client.get("/login/setup").get_data(as_text=True))
    cookie = client.get_cookie("session")
    assert cookie is not None
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)  # type: ignore[attr-defined]
    assert secret not in str(data) and secret.lower() not in str(data).lower()


def test_who_must_use_two_step_log_in(
    app: Flask, course: Course, required: Callable[..., None]
) -> None:
    by_membership = factories.gen_user(Role.PARTICIPANT)
    factories.gen_membership(course.other_group, by_membership, MembershipRole.CO_FACILITATOR)
    required("admin", "facilitator")
    assert password_step(app.test_client(), course.admin) == "/login/setup"
    assert password_step(app.test_client(), course.facilitator) == "/login/setup"
    assert password_step(app.test_client(), by_membership) == "/login/setup"
    assert password_step(app.test_client(), course.participants[0]) == "/"
    required("admin")
    assert password_step(app.test_client(), course.facilitator) == "/"
    required()
    assert password_step(app.test_client(), course.admin) == "/admin/"


def test_an_unknown_role_in_the_setting_stops_the_start() -> None:
    with pytest.raises(RuntimeError, match="KREDS_TWO_FACTOR_REQUIRED"):
        create_app(TestingConfig, TWO_FACTOR_REQUIRED=("admin", "everyone"))


def test_leave_quickly_forgets_a_waiting_log_in(client: FlaskClient, course: Course) -> None:
    """Whoever opens the browser after a quick exit cannot finish the log-in (where set-up is
    required, by adding an app of their own)."""
    mira = course.facilitator
    set_up(mira)
    password_step(client, mira)
    page = client.get("/login/code").get_data(as_text=True)
    token = re.search(r'data-quick-exit-token="([^"]+)"', page)
    assert token is not None
    assert client.post("/leave-quickly", data={"token": token.group(1)}).status_code == 204
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
