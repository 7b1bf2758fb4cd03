"""A person's own settings: language, time zone, calendar link, where they are logged in, their
data."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from server.account import routes, routes_data, routes_security  # noqa: E402,F401
