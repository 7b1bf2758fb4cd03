"""The organisation's help lines: the list everyone sees (the safety page, the lobby, the screen
after a meeting) and the administrators' changes to it, without web code.

As in :mod:`server.groups.service`, each change adds one audit entry and the caller commits.
Nothing here, nor on the pages that show the lines, notes who looks at them or calls one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from server.extensions import db
from server.models import HelpLine, User
from server.records import audit


@dataclass(frozen=True)
class HelpLineFields:
    """What an administrator writes about a line."""

    name: str
    number: str
    hours: str
    languages: str
    note: str | None = None


# The lines a new installation starts with, in Danish as the organisations enter them: Denmark's
# national hotline (Lev Uden Vold's 1888: open day and night, free and anonymous) and the
# emergency number. Migration 0003 writes the same rows into every existing database.
DENMARK: tuple[HelpLineFields, ...] = (
    HelpLineFields(
        name="Lev Uden Vold \u2013 national hotline om vold",
        number="1888",
        hours="Døgnåben, gratis og anonym",
        languages="Dansk, English",
    ),
    HelpLineFields(
        name="Alarmcentralen (politi, ambulance)",
        number="112",
        hours="Døgnåben",
        languages="Dansk, English",
        note="Ved akut fare",
    ),
)

Direction = Literal["up", "down"]


def help_lines() -> list[HelpLine]:
    """Every line, in the order the administrators gave them."""
    return list(db.session.scalars(db.select(HelpLine).order_by(HelpLine.position, HelpLine.id)))


def as_data(lines: list[HelpLine]) -> list[dict[str, str]]:
    """The lines as the room's page passes them to the browser (only what is shown)."""
    return [
        {
            "name": line.name,
            "number": line.number,
            "dial": line.dial,
            "hours": line.hours,
            "languages": line.languages,
            "note": line.note or "",
        }
        for line in lines
    ]


def _apply(line: HelpLine, fields: HelpLineFields) -> None:
    line.name = fields.name
    line.number = fields.number
    line.hours = fields.hours
    line.languages = fields.languages
    line.note = fields.note or None


def _next_position() -> int:
    highest = db.session.scalar(db.select(db.func.max(HelpLine.position)))
    return (highest or 0) + 1


def seed_if_empty() -> list[HelpLine]:
    """Put Denmark's lines in an empty list (the demo, and databases made without migrations).
    Not an administrator's change: nothing is audited."""
    if db.session.scalar(db.select(db.func.count(HelpLine.id))):
        return []
    added = []
    for position, fields in enumerate(DENMARK, start=1):
        line = HelpLine(position=position)
        _apply(line, fields)
        db.session.add(line)
        added.append(line)
    return added


def add_help_line(fields: HelpLineFields, actor: User) -> HelpLine:
    """A new line, last in the list."""
    line = HelpLine(position=_next_position())
    _apply(line, fields)
    db.session.add(line)
    audit("admin.help_line.create", actor.id)
    return line


def update_help_line(line: HelpLine, fields: HelpLineFields, actor: User) -> None:
    _apply(line, fields)
    audit("admin.help_line.update", actor.id)


def delete_help_line(line: HelpLine, actor: User) -> None:
    db.session.delete(line)
    audit("admin.help_line.delete", actor.id)


def move_help_line(line: HelpLine, direction: Direction, actor: User) -> bool:
    """Swap a line with its neighbour above or below; False when it is already first or last.
    The positions are numbered afresh, 1 to n, so that lines never share one."""
    lines = help_lines()
    index = lines.index(line)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(lines):
        return False
    lines[index], lines[other] = lines[other], lines[index]
    for position, each in enumerate(lines, start=1):
        each.position = position
    audit("admin.help_line.move", actor.id)
    return True
