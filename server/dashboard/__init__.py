"""The first page after log-in: upcoming meetings for participants, groups for facilitators."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from server.dashboard import routes  # noqa: E402,F401
