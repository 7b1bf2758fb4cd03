from __future__ import annotations

from flask import render_template

from server.access import access
from server.admin import bp


@bp.route("/")
@access("admin")
def index() -> str:
    return render_template("admin/index.html")
