"""A group's invitations: making one or several at once (their links are shown once, each with a
message ready to send), the list, revoking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from server.access import access
from server.admin import bp
from server.admin.common import acting_admin, group_or_404, refused
from server.admin.forms import InvitationForm
from server.admin.messages import refusal
from server.extensions import db
from server.groups.members import (
    MAX_INVITATIONS_AT_ONCE,
    create_invitation,
    forget_ended_labels,
    revoke_invitation,
)
from server.groups.service import GroupError
from server.models import Group, Invitation, MembershipRole, utcnow
from server.web import local_time


@dataclass(frozen=True)
class MadeInvitation:
    """A new invitation as its result page shows it, once: the link exists only here."""

    invitation: Invitation
    link: str
    message: str


def invitation_message(link: str, expires_at: datetime, timezone: str) -> str:
    """What the administrator sends with the link, in their own language. It names neither the
    group nor what it is about: someone else may see it on the recipient's phone."""
    when = local_time(expires_at, timezone)
    return "\n\n".join(
        [
            _("You are invited to join a group on Kreds."),
            _("Open this personal link to choose your name and password:") + "\n" + link,
            _("The link works once, until %(when)s. Please do not share it.", when=when),
        ]
    )


def _make(group: Group, form: InvitationForm) -> list[MadeInvitation] | None:
    """Make every invitation the form asks for, in one transaction; None when a rule refuses
    (the reason is set on the form's field)."""
    role = MembershipRole(form.role.data)
    days = int(form.days.data or 0)
    admin, now = acting_admin(), utcnow()
    try:
        made = [
            create_invitation(group, role, days, admin, now, label=label) for label in form.wanted()
        ]
    except GroupError as error:
        db.session.rollback()
        field = {"invitation_days": form.days, "invitation_label": form.labels}.get(
            error.code, form.role
        )
        field.errors = [*field.errors, refusal(error.code)]
        return None
    db.session.commit()
    result = []
    for invitation, token in made:
        link = url_for("invitations.accept", token=token, _external=True)
        result.append(
            MadeInvitation(
                invitation, link, invitation_message(link, invitation.expires_at, group.timezone)
            )
        )
    return result


@bp.route("/groups/<int:group_id>/invitations", methods=["GET", "POST"])
@access("admin")
def invitations(group_id: int) -> str | Response:
    group = group_or_404(group_id)
    form = InvitationForm()
    if not form.is_submitted():
        form.days.data = current_app.config["INVITATION_DAYS"]
    if form.validate_on_submit():
        made = _make(group, form)
        if made is not None:
            flash(
                ngettext("The invitation is ready.", "%(num)d invitations are ready.", len(made)),
                "info",
            )
            # Shown once, on this response only: only the tokens' hashes are stored.
            return render_template("admin/invitations_made.html", group=group, made=made)
    # Labels of invitations that ended (expired, most often) go before anyone sees the list.
    db.session.execute(forget_ended_labels(utcnow()))
    db.session.commit()
    listed = db.session.scalars(
        db.select(Invitation)
        .where(Invitation.group_id == group.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).all()
    return render_template(
        "admin/invitations.html",
        group=group,
        invitations=listed,
        form=form,
        max_at_once=MAX_INVITATIONS_AT_ONCE,
    )


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@access("admin")
def invitation_revoke(invitation_id: int) -> Response:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404)
    try:
        revoke_invitation(invitation, acting_admin(), utcnow())
    except GroupError as error:
        refused(error.code)
    else:
        db.session.commit()
        flash(_("The invitation is revoked: its link no longer works."), "info")
    return redirect(url_for("admin.invitations", group_id=invitation.group_id))
