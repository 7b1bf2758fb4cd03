"""A person's own settings: language, time zone, calendar link, their data."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from server.account import routes, routes_data  # noqa: E402,F401
