"""``/healthz`` and ``/metrics``."""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request
from sqlalchemy import text

from server.access import access
from server.extensions import db, socketio
from server.metrics import Metrics, count, metrics_of
from server.room.live.runtime import RoomRuntime, runtime

bp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception as error:
        db.session.rollback()
        log.error("health: the database does not answer: %s", type(error).__name__)
        return False


def _redis_ok() -> bool | None:
    client = runtime(start=False).redis
    if client is None:
        return None
    try:
        return bool(client.ping())
    except Exception as error:
        log.error("health: Redis does not answer: %s", type(error).__name__)
        return False


@bp.route("/healthz")
@access("public")
def healthz() -> tuple[Response, int]:
    """200 when the database (and Redis, if configured) answer; 503 otherwise."""
    database, redis = _database_ok(), _redis_ok()
    healthy = database and redis is not False
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if database else "unavailable",
        "redis": "off" if redis is None else ("ok" if redis else "unavailable"),
    }
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if healthy else 503


@bp.route("/metrics")
@access("token")
def metrics() -> Response:
    """Prometheus metrics of this process, for ``Authorization: Bearer <KREDS_METRICS_TOKEN>``
    only. Without a token configured there are none (the counts tell when meetings happen and
    how many people come); anyone else gets the 404 of a page that does not exist."""
    token = str(current_app.config.get("METRICS_TOKEN") or "")
    given = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(404)
    found = metrics_of(current_app._get_current_object())  # type: ignore[attr-defined]
    if found is None:
        abort(404)
    response = Response(found.render(), mimetype=None, content_type=PROMETHEUS_TEXT)
    response.headers["Cache-Control"] = "no-store"
    return response


def count_server_errors(response: Response) -> Response:
    if response.status_code >= 500:
        count("kreds_http_errors_total", status=str(response.status_code))
    return response


def _sockets_connected() -> float | None:
    server = socketio.server
    if server is None:
        return None
    rooms = getattr(server.manager, "rooms", {})
    return float(len(rooms.get("/", {}).get(None, {})))


def observe_room(app: Flask, metrics: Metrics) -> None:
    """Gauges read from the live room when scraped."""

    def room_runtime() -> RoomRuntime:
        with app.app_context():
            return runtime(start=False)

    metrics.observe("kreds_sockets_connected", _sockets_connected)
    metrics.observe("kreds_rooms_live", lambda: float(len(room_runtime().store.meeting_ids())))
    metrics.observe("kreds_processes_live", lambda: room_runtime().cluster.live_processes())
