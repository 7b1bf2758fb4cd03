"""/metrics: Prometheus counts labelled by event name, error code and timer kind only, for whoever
holds the configured bearer token and nobody else."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.extensions import socketio
from server.metrics import Metrics, count
from tests.conftest import Course
from tests.factories import log_in

TOKEN = "metrics-token-for-the-tests-0123456789"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def metrics_token(app: Flask) -> None:
    app.config["METRICS_TOKEN"] = TOKEN


def samples(client: FlaskClient) -> dict[str, float]:
    response = client.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=0.0.4")
    found = {}
    for line in response.get_data(as_text=True).splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            found[name] = float(value)
    return found


def test_room_events_and_errors_are_counted_by_name_and_code(
    app: Flask, client: FlaskClient, course: Course
) -> None:
    browser = app.test_client()
    log_in(browser, course.participants[0])
    sock = socketio.test_client(app, flask_test_client=browser)
    meeting = {"meeting_id": course.meeting.id}
    sock.emit("raise_hand", meeting, callback=True)  # not joined yet
    sock.emit("made-up event Birch said", meeting, callback=True)
    found = samples(client)
    sock.disconnect()
    assert found['kreds_room_events_total{event="raise_hand"}'] == 1
    assert found['kreds_room_events_total{event="(unknown)"}'] == 1
    assert found['kreds_room_errors_total{code="not_joined"}'] == 1
    assert found['kreds_room_errors_total{code="unknown_event"}'] == 1
    assert found["kreds_sockets_connected"] == 1
    assert found["kreds_rooms_live"] == 0
    text = client.get("/metrics", headers=SCRAPER).get_data(as_text=True)
    assert "Birch" not in text and "made-up" not in text


def test_every_metric_is_described(client: FlaskClient) -> None:
    text = client.get("/metrics", headers=SCRAPER).get_data(as_text=True)
    for name in ("kreds_sockets_connected", "kreds_rooms_live", "kreds_room_events_total"):
        assert f"# TYPE {name} " in text and f"# HELP {name} " in text


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": f"Bearer {TOKEN[:-1]}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": TOKEN},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"bearer  {TOKEN}"},
    ],
    ids=["anonymous", "wrong", "shorter", "longer", "bare", "basic", "spaced"],
)
def test_without_the_token_there_are_no_metrics(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 404
    assert "kreds_" not in response.get_data(as_text=True)


def test_a_logged_in_admin_gets_no_metrics_either(admin_client: FlaskClient) -> None:
    assert admin_client.get("/metrics").status_code == 404
    assert admin_client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_without_a_token_configured_nobody_gets_metrics(app: Flask, client: FlaskClient) -> None:
    app.config["METRICS_TOKEN"] = None
    for headers in ({}, SCRAPER, {"Authorization": "Bearer "}, {"Authorization": "Bearer None"}):
        assert client.get("/metrics", headers=headers).status_code == 404


def test_a_short_metrics_token_is_refused_at_start() -> None:
    from server.config import TestingConfig, check_config

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    with pytest.raises(RuntimeError, match="KREDS_METRICS_TOKEN"):
        check_config({**config, "METRICS_TOKEN": "short"})
    check_config({**config, "METRICS_TOKEN": TOKEN})


def test_server_errors_are_counted_by_status(app: Flask, client: FlaskClient) -> None:
    with app.test_request_context():
        count("kreds_http_errors_total", status="500")
    assert samples(client)['kreds_http_errors_total{status="500"}'] == 1


def test_only_declared_metrics_can_be_counted() -> None:
    metrics = Metrics()
    with pytest.raises(ValueError):
        metrics.inc("kreds_anything_else")
    metrics.inc("kreds_room_errors_total", code='a"b')
    assert 'code="a\\"b"' in metrics.render()
