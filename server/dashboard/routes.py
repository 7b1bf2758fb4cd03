from __future__ import annotations

from flask import current_app, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from server.access import access
from server.dashboard import bp
from server.dashboard.service import overview
from server.models import MeetingStatus, utcnow


@bp.route("/")
@access("public")
def home() -> str | Response:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    now = utcnow()
    grace = int(current_app.config["ROOM_GRACE_MINUTES"])
    return render_template(
        "dashboard/home.html",
        groups=overview(current_user.id, now, grace),
        now=now,
        grace=grace,
        cancelled=MeetingStatus.CANCELLED,
    )
