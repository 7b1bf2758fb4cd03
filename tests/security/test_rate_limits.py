"""Log-in, invitation and reset pages are rate-limited; the limit does not reveal accounts."""

from __future__ import annotations

import pytest
from flask import Flask

from server import create_app
from server.config import TestingConfig
from server.extensions import db


@pytest.fixture
def limited_app() -> Flask:
    app = create_app(
        TestingConfig,
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="3 per minute",
        TOKEN_PAGE_RATE_LIMIT="3 per minute",
    )
    with app.app_context():
        db.create_all()
    return app


@pytest.mark.parametrize("path", ["/invite/not-a-token", "/reset/not-a-token"])
def test_token_pages_are_rate_limited(limited_app: Flask, path: str) -> None:
    client = limited_app.test_client()
    statuses = [client.get(path).status_code for _ in range(4)]
    assert statuses[:3] == [404, 404, 404]
    assert statuses[3] == 429


def test_log_in_attempts_are_rate_limited(limited_app: Flask) -> None:
    client = limited_app.test_client()
    statuses = [
        client.post("/login", data={"login": "nobody", "password": "x"}).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # Looking at the form is not an attempt.
    assert client.get("/login").status_code == 200


def test_the_limiter_never_keys_on_a_raw_address(limited_app: Flask) -> None:
    from server.extensions import rate_limit_key

    with limited_app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        key = rate_limit_key()
    assert "203.0.113.7" not in key and len(key) == 24
