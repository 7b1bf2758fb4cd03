"""People who can log in."""

from __future__ import annotations

import enum
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, hash_token, new_token, string_enum, utcnow

_hasher = PasswordHasher()


class Role(enum.StrEnum):
    """What a person may do in the whole deployment (their part in a group is a Membership)."""

    ADMIN = "admin"
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"
    # current_login and login_token below are plain attributes, not columns.
    __allow_unmapped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    # A chosen name: people are advised not to use their real one.
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(
        string_enum(Role),
        default=Role.PARTICIPANT,
    )
    # None: follow the browser.
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Copenhagen")
    active: Mapped[bool] = mapped_column(default=True)
    # Two-step log-in (TOTP): the shared secret once enrolment is confirmed, and the last time
    # step a code was accepted for (a code is accepted once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column()
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships = relationship(
        "Membership", back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    login_sessions = relationship(
        "LoginSession", back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # The login session this object was loaded for (set by server.auth.sessions; not a column).
    current_login: LoginSession | None = None
    login_token: str | None = None

    # flask-login: the id kept in the session cookie (and the remember cookie) names the login
    # session, so that ending it on the server ends the cookie too.
    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.login_token or ''}"

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        try:
            return _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

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


class LoginSession(db.Model):  # type: ignore[name-defined]
    """One log-in on one device, ended on the server by log-out, quick exit, "log out everywhere",
    a password change or reset, or deactivation. The cookie holds a random token; only its hash
    is kept. What the person sees of it: the kind of device and when it was last used (never an
    address)."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "phone", "tablet" or "computer", and the browser's family ("Firefox"): nothing finer.
    device: Mapped[str] = mapped_column(String(64), default="")
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", back_populates="login_sessions")


class NoticeKind(enum.StrEnum):
    """Something done to an account by someone else, told to its owner at their next log-in."""

    RESET_LINK = "reset_link"
    TWO_FACTOR_RESET = "two_factor_reset"


class AccountNotice(db.Model):  # type: ignore[name-defined]
    """A notice waiting for the person's next log-in; deleted once shown."""

    __tablename__ = "account_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(string_enum(NoticeKind, length=32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(db.Model):  # type: ignore[name-defined]
    """A one-time code for logging in without the authenticator app; shown once, kept hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


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
