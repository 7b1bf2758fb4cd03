"""A meeting seen by its members: the agreement to accept, then the room."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

from server.meetings import routes  # noqa: E402,F401
