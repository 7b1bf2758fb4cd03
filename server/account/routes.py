from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from server.access import access
from server.account import bp
from server.extensions import db


@bp.route("/language", methods=["POST"])
@access("public")
def language() -> Response:
    """Switch the interface language; remembered on the account when logged in."""
    chosen = request.form.get("language", "")
    if chosen in current_app.config["LANGUAGES"]:
        session["lang"] = chosen
        if current_user.is_authenticated:
            current_user.language = chosen
            db.session.commit()
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("dashboard.home")
    return redirect(target)


@bp.route("/safety")
@access("public")
def safety() -> str:
    return render_template("account/safety.html")


@bp.route("/account")
@access("login")
def settings() -> str:
    return render_template("account/settings.html")
