"""Accepting an invitation: a new pseudonymous account joins a closed group."""

from flask import Blueprint

bp = Blueprint("invitations", __name__)

from server.invitations import routes  # noqa: E402,F401
