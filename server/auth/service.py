"""Accounts: finding people at log-in, reset links."""

from __future__ import annotations

from datetime import timedelta

from server.auth import sessions
from server.extensions import db
from server.models import PasswordReset, User, utcnow
from server.models.types import hash_token, new_token

# Verifying against this keeps a log-in for an unknown name as slow as one for a known name,
# so timing does not reveal whether an account exists.
_DUMMY = User(password_hash="")
_DUMMY.set_password("not-a-real-password")


def normalise_login(login: str) -> str:
    return login.strip().lower()


def authenticate(login: str, password: str) -> User | None:
    user = db.session.scalar(db.select(User).where(User.login == normalise_login(login)))
    if user is None:
        _DUMMY.check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def make_reset_link_token(user: User, created_by: User | None, hours: int) -> str:
    """Create a one-time reset link for ``user``; the token is returned once and not stored."""
    token = new_token()
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=hash_token(token),
            created_by_id=created_by.id if created_by else None,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    return token


def find_reset(token: str) -> PasswordReset | None:
    return db.session.scalar(
        db.select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )


def use_reset(reset: PasswordReset, password: str) -> None:
    """Use a reset link: a new password, and every session of the person ends (the caller
    commits, then disconnects their live connections with ``server.room.disconnect_user``)."""
    reset.used_at = utcnow()
    reset.user.set_password(password)
    sessions.end_all(reset.user)
