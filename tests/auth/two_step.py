"""Two-step log-in in tests: turning it on for a person, the app's codes, the log-in's steps."""

from __future__ import annotations

import re
import time

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from server.auth import two_factor
from server.extensions import db, socketio
from server.models import User
from tests.factories import PASSWORD

WRONG = "This code is not right, or it was already used."


def code_of(secret: str, steps: int = 0) -> str:
    """The app's code ``steps`` time steps from now (30 seconds each)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def set_up(user: User) -> tuple[str, list[str]]:
    """Two-step log-in on for ``user``, as if they had set it up: the secret and their recovery
    codes."""
    user.totp_secret = pyotp.random_base32()
    codes = two_factor.new_recovery_codes(user)
    db.session.commit()
    return user.totp_secret, codes


def password_step(client: FlaskClient, user: User, path: str = "/login", **extra: str) -> str:
    """Type the right password; returns where the log-in page sends the person."""
    response = client.post(path, data={"login": user.login, "password": PASSWORD, **extra})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return str(response.headers["Location"])


def logged_in(client: FlaskClient) -> bool:
    return client.get("/account/security").status_code == 200


def socket_opens(app: Flask, client: FlaskClient) -> bool:
    return bool(socketio.test_client(app, flask_test_client=client).is_connected())


def secret_on(page: str) -> str:
    found = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page)
    assert found, "the set-up page shows no key"
    return found.group(1).replace(" ", "")
