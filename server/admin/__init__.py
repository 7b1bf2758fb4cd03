"""The admin area: people, groups, schedules, invitations and the audit log. Every route here
is for administrators only."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from server.admin import routes  # noqa: E402,F401
