"""A group's meetings, shown in the group's time zone: series, cancelling and moving."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from server import room
from server.access import access
from server.admin import bp
from server.admin.common import acting_admin, group_or_404, refused
from server.admin.forms import MoveForm, SeriesForm
from server.admin.messages import refusal
from server.extensions import db
from server.groups.scheduling import Frequency, SchedulingError, SeriesRequest
from server.groups.service import GroupError, cancel_meeting, reschedule_meeting, schedule_series
from server.models import Meeting, utcnow

# Which form field shows a scheduling refusal.
_SERIES_FIELD_OF = {"past": "first_date", "count": "count", "duration": "duration_minutes"}


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _to_meetings(meeting: Meeting) -> Response:
    return redirect(url_for("admin.meetings", group_id=meeting.group_id))


@bp.route("/groups/<int:group_id>/meetings", methods=["GET", "POST"])
@access("admin")
def meetings(group_id: int) -> str | Response:
    group = group_or_404(group_id)
    form = SeriesForm()
    if form.validate_on_submit():
        series = SeriesRequest(
            first_date=form.first_date.data,
            local_time=form.local_time.data,
            frequency=Frequency(form.frequency.data),
            count=int(form.count.data or 0),
            duration_minutes=int(form.duration_minutes.data or 0),
            lobby_opens_minutes=int(form.lobby_opens_minutes.data or 0),
            theme=form.theme.data or None,
        )
        try:
            planned = schedule_series(group, series, acting_admin(), utcnow())
        except SchedulingError as error:
            db.session.rollback()
            field = getattr(form, _SERIES_FIELD_OF.get(error.code, "first_date"))
            field.errors = [*field.errors, refusal(error.code)]
        else:
            db.session.commit()
            flash(
                ngettext(
                    "%(num)d meeting is scheduled.", "%(num)d meetings are scheduled.", len(planned)
                ),
                "info",
            )
            return redirect(url_for("admin.meetings", group_id=group.id))
    return render_template(
        "admin/meetings.html", group=group, meetings=list(group.meetings), form=form, now=utcnow()
    )


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@access("admin")
def meeting_cancel(meeting_id: int) -> Response:
    meeting = _meeting_or_404(meeting_id)
    try:
        cancel_meeting(meeting, acting_admin(), utcnow())
    except GroupError as error:
        refused(error.code)
    else:
        db.session.commit()
        room.close_meeting(meeting.id)
        flash(_("The meeting is cancelled."), "info")
    return _to_meetings(meeting)


@bp.route("/meetings/<int:meeting_id>/move", methods=["GET", "POST"])
@access("admin")
def meeting_move(meeting_id: int) -> str | Response:
    meeting = _meeting_or_404(meeting_id)
    group = meeting.group
    form = MoveForm()
    if not form.is_submitted():
        local = meeting.starts_at.astimezone(ZoneInfo(group.timezone))
        form.day.data, form.at.data = local.date(), local.time().replace(second=0, microsecond=0)
    if form.validate_on_submit():
        try:
            reschedule_meeting(
                meeting,
                form.day.data,
                form.at.data,
                acting_admin(),
                utcnow(),
            )
        except (GroupError, SchedulingError) as error:
            db.session.rollback()
            if error.code == "past":
                form.day.errors = [*form.day.errors, refusal(error.code)]
            else:
                flash(refusal(error.code), "error")
                return _to_meetings(meeting)
        else:
            db.session.commit()
            flash(_("The meeting is moved."), "info")
            return _to_meetings(meeting)
    return render_template("admin/meeting_move.html", group=group, meeting=meeting, form=form)
