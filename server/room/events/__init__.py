"""The room's client events: thin handlers over the rules.

Each handler gets a checked :class:`~server.room.dispatch.Context` (identity, policy, the socket's
meeting) and a validated payload, calls one rule through the store and returns the data for the
acknowledgement. Importing this package registers every handler; docs/protocol.md describes
each event."""

from server.room.events import floor, media, moderation, presence, talk

__all__ = ["floor", "media", "moderation", "presence", "talk"]
