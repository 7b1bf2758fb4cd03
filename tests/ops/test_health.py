"""/healthz: the database (and Redis, when configured) answer, or 503 — with no details."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server import create_app
from server.config import TestingConfig
from server.extensions import db
from server.room.live.runtime import runtime


def test_health_is_ok_when_the_database_answers(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "off"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_is_unavailable_when_the_database_is_not(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionError("secret connection details")

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
    assert b"secret" not in response.data


def test_health_is_unavailable_when_redis_is_not() -> None:
    app = create_app(TestingConfig, REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        db.create_all()
        try:
            response = app.test_client().get("/healthz")
        finally:
            runtime(start=False).stop()
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "database": "ok",
        "redis": "unavailable",
    }


def test_anyone_may_ask_for_health_without_logging_in(app: Flask) -> None:
    from server.access import policy_of

    assert policy_of(app, "ops.healthz") == "public"
    # /metrics needs its bearer token (tests/ops/test_metrics.py).
    assert policy_of(app, "ops.metrics") == "token"


def test_the_wsgi_error_stream_loses_addresses() -> None:
    import io

    from server.ops import NoAddressStream

    written = io.StringIO()
    stream = NoAddressStream(written)
    stream.write("server=x/socket.io/ client=::1:58130 socket shutdown error\n")
    stream.writelines(["from 203.0.113.9 and 2001:db8::7\n"])
    stream.flush()
    assert "::1" not in written.getvalue()
    assert "203.0.113.9" not in written.getvalue() and "2001:db8" not in written.getvalue()
