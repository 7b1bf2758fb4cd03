"""The admin overview and the audit log."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import Select, func
from sqlalchemy.orm import selectinload

from server.access import access
from server.admin import bp
from server.admin.audit import describe
from server.extensions import db
from server.models import AuditEntry, Group, Invitation, Meeting, MeetingStatus, User, utcnow

AUDIT_PAGE_SIZE = 50


def _count(statement: Select[tuple[int]]) -> int:
    return db.session.scalar(statement) or 0


@bp.route("/")
@access("admin")
def index() -> str:
    now = utcnow()
    counts = {
        "people": _count(db.select(func.count(User.id)).where(User.active.is_(True))),
        "inactive_people": _count(db.select(func.count(User.id)).where(User.active.is_(False))),
        "groups": _count(db.select(func.count(Group.id))),
        "upcoming_meetings": _count(
            db.select(func.count(Meeting.id)).where(
                Meeting.status == MeetingStatus.SCHEDULED, Meeting.starts_at > now
            )
        ),
        "open_invitations": _count(
            db.select(func.count(Invitation.id)).where(
                Invitation.used_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
        ),
    }
    return render_template("admin/index.html", counts=counts)


@bp.route("/audit")
@access("admin")
def audit_log() -> str:
    """Who did what to whom, newest first; never anything anyone said."""
    group_id = request.args.get("group", type=int)
    statement = (
        db.select(AuditEntry)
        .options(selectinload(AuditEntry.actor), selectinload(AuditEntry.target))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if group_id:
        statement = statement.where(AuditEntry.group_id == group_id)
    page = db.paginate(
        statement,
        page=request.args.get("page", 1, type=int),
        per_page=AUDIT_PAGE_SIZE,
        error_out=False,
    )
    entries: list[AuditEntry] = list(page.items)
    groups = db.session.scalars(db.select(Group).order_by(Group.name)).all()
    meeting_ids = {e.meeting_id for e in entries if e.meeting_id is not None}
    meetings = (
        {m.id: m for m in db.session.scalars(db.select(Meeting).where(Meeting.id.in_(meeting_ids)))}
        if meeting_ids
        else {}
    )
    return render_template(
        "admin/audit.html",
        page=page,
        entries=entries,
        groups=groups,
        group_names={g.id: g.name for g in groups},
        meetings=meetings,
        selected_group=group_id,
        describe=describe,
    )
