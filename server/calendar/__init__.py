"""Private iCal feeds with neutral titles."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)

from server.calendar import routes  # noqa: E402,F401
