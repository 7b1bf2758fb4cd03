"""The room's rules, one module per part of a meeting. Importing this package registers every
rule's event (:func:`server.room.core.rule.rule`)."""

from server.room.core.rules import floor, media, moderation, presence, rounds, talk

__all__ = ["floor", "media", "moderation", "presence", "rounds", "talk"]
