"""A group's invitations: making one (its link is shown once), the list, revoking."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from server.access import access
from server.admin import bp
from server.admin.common import acting_admin, group_or_404, refused
from server.admin.forms import InvitationForm
from server.admin.messages import refusal
from server.extensions import db
from server.groups.members import create_invitation, revoke_invitation
from server.groups.service import GroupError
from server.models import Invitation, MembershipRole, utcnow


@bp.route("/groups/<int:group_id>/invitations", methods=["GET", "POST"])
@access("admin")
def invitations(group_id: int) -> str | Response:
    group = group_or_404(group_id)
    form = InvitationForm()
    if not form.is_submitted():
        form.days.data = current_app.config["INVITATION_DAYS"]
    if form.validate_on_submit():
        try:
            invitation, token = create_invitation(
                group,
                MembershipRole(form.role.data),
                int(form.days.data or 0),
                acting_admin(),
                utcnow(),
            )
        except GroupError as error:
            db.session.rollback()
            form.role.errors = [*form.role.errors, refusal(error.code)]
        else:
            db.session.commit()
            flash(_("The invitation is ready."), "info")
            # Shown once, on this response only: only the token's hash is stored.
            return render_template(
                "admin/link_made.html",
                kind="invitation",
                group=group,
                invitation=invitation,
                link=url_for("invitations.accept", token=token, _external=True),
            )
    listed = db.session.scalars(
        db.select(Invitation)
        .where(Invitation.group_id == group.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).all()
    return render_template("admin/invitations.html", group=group, invitations=listed, form=form)


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
