"""The help lines an organisation shows to everyone: on the safety page, in the lobby and after
a meeting. Kept as the administrator wrote them, in the organisation's language."""

from __future__ import annotations

import re

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db

# What a number may hold besides digits; `dial` drops it for the tel: link.
_SEPARATORS = re.compile(r"[ -]")


class HelpLine(db.Model):  # type: ignore[name-defined]
    __tablename__ = "help_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # What to dial or text, as people write it ("1888", "70 20 20 33").
    number: Mapped[str] = mapped_column(String(40))
    # Free text: "Døgnåben", "Mon-Fri 9-15".
    hours: Mapped[str] = mapped_column(String(120))
    # Free text: "Dansk, English".
    languages: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(200))
    # Lines are listed by position, lowest first.
    position: Mapped[int] = mapped_column(default=0)

    @property
    def dial(self) -> str:
        """The number for a tel: link: digits and a leading +, nothing else."""
        return _SEPARATORS.sub("", self.number)

    def __repr__(self) -> str:
        return f"<HelpLine {self.id} {self.number}>"
