"""People who can log in."""

from __future__ import annotations

import enum
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, hash_token, new_token, utcnow

_hasher = PasswordHasher()


class Role(enum.StrEnum):
    """What a person may do in the whole deployment (their part in a group is a Membership)."""

    ADMIN = "admin"
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    # A chosen name: people are advised not to use their real one.
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Role.PARTICIPANT,
    )
    # None: follow the browser.
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Copenhagen")
    active: Mapped[bool] = mapped_column(default=True)
    # Goes up whenever every session of this person must end (log-out everywhere,
    # deactivation, password change): it is part of the id kept in the session cookie.
    session_version: Mapped[int] = mapped_column(default=1)
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships = relationship(
        "Membership", back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # flask-login
    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        try:
            return _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def end_all_sessions(self) -> None:
        self.session_version += 1

    def new_calendar_token(self) -> str:
        """Make (and return, once) a new secret feed token; the old feed URL stops working."""
        token = new_token()
        self.calendar_token_hash = hash_token(token)
        return token

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class PasswordReset(db.Model):  # type: ignore[name-defined]
    """A one-time link an admin makes for someone who forgot their password (no e-mail needed)."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.expires_at > utcnow()
