from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from server.access import access
from server.dashboard import bp


@bp.route("/")
@access("public")
def home() -> str | Response:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("dashboard/home.html")
