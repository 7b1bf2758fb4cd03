"""Scheduled meetings of a group."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, string_enum, utcnow


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    ENDED = "ended"


class Meeting(db.Model):  # type: ignore[name-defined]
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    # Always UTC; shown in each person's own time zone.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(default=120)
    lobby_opens_minutes: Mapped[int] = mapped_column(default=15)
    status: Mapped[MeetingStatus] = mapped_column(
        string_enum(MeetingStatus), default=MeetingStatus.SCHEDULED
    )
    theme: Mapped[str | None] = mapped_column(String(200))
    # Meetings scheduled together share a series id.
    series_id: Mapped[str | None] = mapped_column(String(36), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group = relationship("Group", back_populates="meetings")

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def lobby_opens_at(self) -> datetime:
        return self.starts_at - timedelta(minutes=self.lobby_opens_minutes)

    def closes_at(self, grace_minutes: int) -> datetime:
        return self.ends_at + timedelta(minutes=grace_minutes)

    def is_open(self, grace_minutes: int, now: datetime | None = None) -> bool:
        """Whether the room can be entered now: from the lobby opening to the end plus grace."""
        if self.status != MeetingStatus.SCHEDULED:
            return False
        now = now or utcnow()
        return self.lobby_opens_at <= now < self.closes_at(grace_minutes)

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.starts_at.isoformat()}>"
