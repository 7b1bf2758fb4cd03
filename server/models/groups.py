"""Closed groups, who belongs to them, and the invitations that bring people in."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.agreements import default_agreement
from server.extensions import db
from server.models.types import UTCDateTime, string_enum, utcnow


class GroupKind(enum.StrEnum):
    GROUP = "group"
    ONE_TO_ONE = "one_to_one"


class MembershipRole(enum.StrEnum):
    FACILITATOR = "facilitator"
    CO_FACILITATOR = "co_facilitator"
    PARTICIPANT = "participant"

    @property
    def facilitates(self) -> bool:
        return self in (MembershipRole.FACILITATOR, MembershipRole.CO_FACILITATOR)


class MembershipStatus(enum.StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"


def _default_agreement(context: DefaultExecutionContext) -> str:
    """A group made without an agreement starts with the default in its own language."""
    return default_agreement(context.get_current_parameters().get("language"))


class Group(db.Model):  # type: ignore[name-defined]
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[GroupKind] = mapped_column(string_enum(GroupKind), default=GroupKind.GROUP)
    # How many participants (facilitators not counted).
    capacity: Mapped[int] = mapped_column(default=6)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Copenhagen")
    language: Mapped[str] = mapped_column(String(8), default="da")
    agreement_text: Mapped[str] = mapped_column(Text, default=_default_agreement)
    # Goes up on every edit: people accept the current version before each meeting.
    agreement_version: Mapped[int] = mapped_column(default=1)
    # Let participants in without waiting in the lobby.
    auto_admit: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships = relationship(
        "Membership", back_populates="group", cascade="all, delete-orphan", passive_deletes=True
    )
    meetings = relationship(
        "Meeting",
        back_populates="group",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Meeting.starts_at",
    )
    invitations = relationship(
        "Invitation", back_populates="group", cascade="all, delete-orphan", passive_deletes=True
    )

    def set_agreement(self, text: str) -> None:
        if text != self.agreement_text:
            self.agreement_text = text
            self.agreement_version += 1

    def active_memberships(self) -> list[Membership]:
        return [m for m in self.memberships if m.status == MembershipStatus.ACTIVE]

    def participant_count(self) -> int:
        return sum(1 for m in self.active_memberships() if m.role == MembershipRole.PARTICIPANT)

    def is_full(self) -> bool:
        return self.participant_count() >= self.capacity

    def membership_of(self, user_id: int) -> Membership | None:
        for m in self.memberships:
            if m.user_id == user_id:
                return m
        return None

    def __repr__(self) -> str:
        return f"<Group {self.id}>"


class Membership(db.Model):  # type: ignore[name-defined]
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MembershipRole] = mapped_column(
        string_enum(MembershipRole), default=MembershipRole.PARTICIPANT
    )
    status: Mapped[MembershipStatus] = mapped_column(
        string_enum(MembershipStatus), default=MembershipStatus.ACTIVE
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group = relationship("Group", back_populates="memberships")
    user = relationship("User", back_populates="memberships")

    @property
    def active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class Invitation(db.Model):  # type: ignore[name-defined]
    """A single-use, expiring link to join one group. Only a hash of the token is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[MembershipRole] = mapped_column(
        string_enum(MembershipRole), default=MembershipRole.PARTICIPANT
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "For whom": a private note that tells the administrators' links apart. Deleted (NULL) as
    # soon as the invitation is used, revoked or expires (server/groups/members.py).
    label: Mapped[str | None] = mapped_column(String(80))

    group = relationship("Group", back_populates="invitations")

    @property
    def state(self) -> str:
        """One of: open, used, revoked, expired."""
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "open"
