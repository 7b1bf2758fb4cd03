from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from server.access import access, facilitated_group_or_404
from server.extensions import db
from server.facilitator import bp
from server.facilitator.forms import AgreementForm
from server.facilitator.service import attendance
from server.models import utcnow
from server.records import audit


@bp.route("/<int:group_id>/agreement", methods=["GET", "POST"])
@access("facilitator")
def agreement(group_id: int) -> str | Response:
    group, _membership = facilitated_group_or_404(group_id)
    form = AgreementForm(obj=group)
    if form.validate_on_submit():
        version = group.agreement_version
        group.set_agreement(form.agreement_text.data or "")
        if group.agreement_version != version:
            audit("group.agreement_edit", current_user.id, group_id=group.id)
        if group.auto_admit != bool(form.auto_admit.data):
            group.auto_admit = bool(form.auto_admit.data)
            audit("group.auto_admit_change", current_user.id, group_id=group.id)
        db.session.commit()
        if group.agreement_version != version:
            flash(
                _(
                    "Saved. This is version %(version)d: participants accept it before their "
                    "next meeting.",
                    version=group.agreement_version,
                ),
                "info",
            )
        else:
            flash(_("Saved."), "info")
        return redirect(url_for("facilitator.agreement", group_id=group.id))
    return render_template("facilitator/agreement.html", group=group, form=form)


@bp.route("/<int:group_id>/attendance", endpoint="attendance")
@access("facilitator")
def attendance_page(group_id: int) -> str:
    group, _membership = facilitated_group_or_404(group_id)
    now = utcnow()
    return render_template(
        "facilitator/attendance.html",
        group=group,
        rows=attendance(group, now),
        now=now,
        grace=int(current_app.config["ROOM_GRACE_MINUTES"]),
    )
