"""Who may use each route. Every view declares a policy with ``@access(...)``; a view without
one is refused (fail closed), and the authorisation tests enumerate the declared policies."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Literal, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from server.extensions import db
from server.models import Group, Meeting, Membership, MembershipStatus, Role, User

Policy = Literal[
    "public",  # anyone, logged in or not
    "token",  # anyone holding a secret link (invitation, reset, calendar feed) or the metrics token
    "login",  # any logged-in person
    "member",  # an active member of the group the URL names (checked in the view)
    "facilitator",  # a facilitator or co-facilitator of the group the URL names
    "admin",  # an administrator
]
POLICY_ATTRIBUTE = "kreds_access"
F = TypeVar("F", bound=Callable[..., Any])


def access(policy: Policy) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if policy not in ("public", "token"):
                if not current_user.is_authenticated:
                    return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
                if policy == "admin" and not current_user.is_admin:
                    abort(403)
            return view(*args, **kwargs)

        setattr(guarded, POLICY_ATTRIBUTE, policy)
        return guarded  # type: ignore[return-value]

    return decorate


def policy_of(app: Flask, endpoint: str) -> Policy | None:
    view = app.view_functions.get(endpoint)
    return getattr(view, POLICY_ATTRIBUTE, None)


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_undeclared_routes() -> None:
        endpoint = request.endpoint
        if endpoint is None or endpoint == "static":
            return
        if policy_of(app, endpoint) is None:
            app.logger.error("route %s declares no access policy; refused", endpoint)
            abort(403)


def active_membership(group_id: int, user_id: int) -> Membership | None:
    """Someone's active membership of a group. An administrator has none, even if a row says
    otherwise (one left from before, or made by hand): admins never enter a group's pages or
    rooms."""
    return db.session.scalar(
        db.select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.group_id == group_id,
            Membership.user_id == user_id,
            Membership.status == MembershipStatus.ACTIVE,
            User.role != Role.ADMIN,
        )
    )


def member_group_or_404(group_id: int) -> tuple[Group, Membership]:
    """The group and the current person's active membership; 404 for everyone else, so that
    a group's existence is not revealed to outsiders (admins included)."""
    group = db.session.get(Group, group_id)
    membership = active_membership(group_id, current_user.id) if group else None
    if group is None or membership is None:
        abort(404)
    return group, membership


def facilitated_group_or_404(group_id: int) -> tuple[Group, Membership]:
    group, membership = member_group_or_404(group_id)
    if not membership.role.facilitates:
        abort(403)
    return group, membership


def member_meeting_or_404(meeting_id: int) -> tuple[Meeting, Membership]:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    _, membership = member_group_or_404(meeting.group_id)
    return meeting, membership
