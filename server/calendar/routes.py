from __future__ import annotations

from flask import Response, abort, current_app

from server.access import access
from server.calendar import bp
from server.calendar.feed import build_feed, find_subscriber
from server.models import utcnow


@bp.route("/calendar/<token>.ics")
@access("token")
def feed(token: str) -> Response:
    # Not rate-limited: calendar services fetch many people's feeds from the same addresses.
    user = find_subscriber(token)
    if user is None:
        abort(404)
    body = build_feed(
        user,
        utcnow(),
        secret=str(current_app.config["SECRET_KEY"]),
        default_language=str(current_app.config["BABEL_DEFAULT_LOCALE"]),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response
