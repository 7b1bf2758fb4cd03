from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from server.access import access, member_meeting_or_404
from server.extensions import db
from server.helplines import as_data, help_lines
from server.i18n import current_language
from server.meetings import bp
from server.meetings.forms import AcceptAgreementForm
from server.meetings.service import accept, needs_acceptance
from server.models import Meeting, MeetingStatus, utcnow


def _grace() -> int:
    return int(current_app.config["ROOM_GRACE_MINUTES"])


def agreement_lines(text: str) -> list[str]:
    """The agreement as a list of points: one per non-empty line, without typed bullets."""
    lines = (line.strip().lstrip("-*•").strip() for line in text.splitlines())
    return [line for line in lines if line]


def _closed_page(meeting: Meeting) -> str:
    """Why the room cannot be entered now: cancelled, over, or not open yet."""
    if meeting.status == MeetingStatus.CANCELLED:
        state = "cancelled"
    elif meeting.status == MeetingStatus.ENDED or meeting.closes_at(_grace()) <= utcnow():
        state = "ended"
    else:
        state = "not_yet"
    return render_template("meetings/not_open.html", meeting=meeting, state=state)


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@access("member")
def entry(meeting_id: int) -> str | Response:
    meeting, membership = member_meeting_or_404(meeting_id)
    if not meeting.is_open(_grace()):
        return _closed_page(meeting)
    if membership.role.facilitates:
        return redirect(url_for("meetings.room", meeting_id=meeting.id))
    if not needs_acceptance(membership, meeting):
        # A page, not a redirect: after "Leave quickly", Back lands here and must not walk
        # back into the room by itself.
        return render_template("meetings/ready.html", meeting=meeting)
    group = meeting.group
    form = AcceptAgreementForm()
    if form.validate_on_submit():
        if form.version.data != str(group.agreement_version):
            flash(_("The agreement was changed a moment ago. Please read it again."), "error")
        else:
            accept(current_user.id, meeting)
            try:
                db.session.commit()
            except IntegrityError:
                # The same acceptance arrived twice at once: one of them is recorded.
                db.session.rollback()
            return redirect(url_for("meetings.room", meeting_id=meeting.id))
    form.version.data = str(group.agreement_version)
    return render_template(
        "meetings/agreement.html",
        meeting=meeting,
        group=group,
        form=form,
        agreement_lines=agreement_lines(group.agreement_text),
    )


@bp.route("/meetings/<int:meeting_id>/room")
@access("member")
def room(meeting_id: int) -> str | Response:
    meeting, membership = member_meeting_or_404(meeting_id)
    if not meeting.is_open(_grace()) or needs_acceptance(membership, meeting):
        return redirect(url_for("meetings.entry", meeting_id=meeting.id))
    return render_template(
        "meetings/room.html",
        meeting=meeting,
        membership=membership,
        language=current_language(),
        help_lines=as_data(help_lines()),
    )
