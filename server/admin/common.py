"""Small helpers the admin routes share."""

from __future__ import annotations

from typing import cast

from flask import abort, flash
from flask_login import current_user

from server.admin.messages import refusal
from server.extensions import db
from server.models import Group, User


def acting_admin() -> User:
    """The administrator making the request, as a model (not the proxy)."""
    return cast(User, current_user._get_current_object())


def group_or_404(group_id: int) -> Group:
    """Admin pages manage every group, so this is the one place an admin sees groups they do not
    belong to."""
    group = db.session.get(Group, group_id)
    if group is None:
        abort(404)
    return group


def refused(code: str) -> None:
    """Undo what the request changed and say why in the person's language."""
    db.session.rollback()
    flash(refusal(code), "error")
