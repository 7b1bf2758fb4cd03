"""Pages for the people who lead a group: its agreement and who came to its meetings."""

from flask import Blueprint

bp = Blueprint("facilitator", __name__, url_prefix="/groups")

from server.facilitator import routes  # noqa: E402,F401
