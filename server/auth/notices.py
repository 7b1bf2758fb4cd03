"""Notices about what someone else did to an account, shown to its owner at their next log-in:
a password-reset link made by an administrator, two-step log-in turned off by one. A phished or
borrowed account is noticed sooner when its owner is told."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from server.extensions import db
from server.models import AccountNotice, NoticeKind, User
from server.web import local_time


def leave(user: User, kind: NoticeKind) -> None:
    """Keep a notice for ``user``'s next log-in (the caller commits)."""
    db.session.add(AccountNotice(user_id=user.id, kind=kind))


def show_and_forget(user: User) -> None:
    """Flash every waiting notice of ``user``, then delete them."""
    waiting = list(
        db.session.scalars(
            db.select(AccountNotice)
            .where(AccountNotice.user_id == user.id)
            .order_by(AccountNotice.created_at)
        )
    )
    for notice in waiting:
        when = local_time(notice.created_at, user.timezone)
        if notice.kind == NoticeKind.RESET_LINK:
            flash(
                _(
                    "An administrator made a password-reset link for your account on %(when)s. "
                    "If you did not ask for it, tell your organisation.",
                    when=when,
                ),
                "warning",
            )
        else:
            flash(
                _(
                    "An administrator turned off two-step log-in for your account on %(when)s. "
                    "If you did not ask for it, tell your organisation.",
                    when=when,
                ),
                "warning",
            )
        db.session.delete(notice)
    if waiting:
        db.session.commit()
