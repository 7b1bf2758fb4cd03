"""The admin area: people, groups, schedules, invitations, help lines and the audit log. Every
route here is for administrators only."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from server.admin import (  # noqa: E402,F401
    routes,
    routes_groups,
    routes_helplines,
    routes_invitations,
    routes_meetings,
    routes_members,
    routes_people,
)
