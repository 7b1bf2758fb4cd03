"""The live-room fixtures, shared with the room's own tests."""

from tests.room.conftest import clock, connect, enter, meeting, room  # noqa: F401
