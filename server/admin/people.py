"""Accounts as an administrator manages them: the rules, without web code.

Each function adds one audit entry and the caller commits. Ending someone's live connections
happens after the commit, in the route."""

from __future__ import annotations

from dataclasses import dataclass

from server.auth import notices, sessions
from server.auth.service import make_reset_link_token, normalise_login
from server.extensions import db
from server.groups.names import active_group_ids, name_taken
from server.models import NoticeKind, Role, User
from server.models.types import new_token
from server.records import audit


class PersonError(ValueError):
    """A change the rules refuse; ``code`` is stable, the caller words it for the reader."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class PersonDetails:
    display_name: str
    role: Role
    email: str | None
    language: str | None


def login_taken(login: str) -> bool:
    return (
        db.session.scalar(db.select(User.id).where(User.login == normalise_login(login)))
        is not None
    )


def create_person(
    login: str, details: PersonDetails, actor: User, timezone: str, link_hours: int
) -> tuple[User, str]:
    """A new account with a password nobody knows, and the token of a first one-time link with
    which the person sets their own (part of the creation: one audit entry)."""
    login = normalise_login(login)
    if not login or login_taken(login):
        raise PersonError("login_taken")
    user = User(login=login, timezone=timezone)
    _apply(user, details)
    user.set_password(new_token())
    db.session.add(user)
    db.session.flush()
    audit("admin.user.create", actor.id, target_user_id=user.id)
    return user, make_reset_link_token(user, actor, hours=link_hours)


def update_person(user: User, details: PersonDetails, actor: User) -> None:
    if user.id == actor.id and details.role != Role.ADMIN:
        # Otherwise the last administrator could lock everyone out of this area.
        raise PersonError("own_role")
    groups = active_group_ids(user.id)
    # Administrators hold no place in any group: they would enter its rooms.
    if details.role == Role.ADMIN and groups:
        raise PersonError("admin_with_groups")
    if details.display_name != user.display_name and name_taken(
        details.display_name, groups, user.id
    ):
        raise PersonError("name_taken")
    _apply(user, details)
    audit("admin.user.update", actor.id, target_user_id=user.id)


def _apply(user: User, details: PersonDetails) -> None:
    user.display_name = details.display_name
    user.role = details.role
    user.email = details.email or None
    user.language = details.language or None


def deactivate_person(user: User, actor: User) -> None:
    """Block log-in and end every session (the caller disconnects live rooms after the commit)."""
    if user.id == actor.id:
        raise PersonError("deactivate_self")
    if not user.active:
        raise PersonError("already_inactive")
    user.active = False
    sessions.end_all(user)
    audit("admin.user.deactivate", actor.id, target_user_id=user.id)


def reactivate_person(user: User, actor: User) -> None:
    if user.active:
        raise PersonError("already_active")
    user.active = True
    audit("admin.user.reactivate", actor.id, target_user_id=user.id)


def make_reset_link(user: User, actor: User, hours: int) -> str:
    """A one-time password link for ``user``; the token is returned once and not stored."""
    if not user.active:
        raise PersonError("reset_inactive")
    token = make_reset_link_token(user, actor, hours=hours)
    audit("admin.user.reset_link", actor.id, target_user_id=user.id)
    # The person hears of it at their next log-in: a link made for someone else's hands (a
    # phished or coerced administrator) does not go unnoticed.
    notices.leave(user, NoticeKind.RESET_LINK)
    return token
