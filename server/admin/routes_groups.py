"""Groups: the list, their settings, and deleting one."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from server import room
from server.access import access
from server.admin import bp
from server.admin.common import acting_admin, group_or_404
from server.admin.forms import GroupForm, timezone_choices
from server.admin.messages import refusal
from server.agreements import default_agreement, follow_language
from server.extensions import db
from server.groups.service import (
    GroupError,
    GroupSettings,
    create_group,
    delete_group,
    update_group,
)
from server.i18n import text_direction
from server.models import Group, GroupKind, Meeting, MembershipStatus

# Which form field shows a refusal, so the message appears next to what must change.
_FIELD_OF = {
    "timezone": "timezone",
    "language": "language",
    "capacity_range": "capacity",
    "one_to_one_capacity": "capacity",
    "capacity_below_participants": "capacity",
}


def _settings(form: GroupForm) -> GroupSettings:
    return GroupSettings(
        name=form.name.data or "",
        kind=GroupKind(form.kind.data),
        capacity=int(form.capacity.data or 0),
        timezone=form.timezone.data or "",
        language=form.language.data or "",
        agreement_text=form.agreement_text.data or "",
        auto_admit=bool(form.auto_admit.data),
    )


def _mark_agreement_language(form: GroupForm) -> None:
    """The agreement is written in the group's language: say so to spelling checkers and screen
    readers, whatever the language of the admin's interface."""
    language = form.language.data
    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    form.agreement_text.render_kw = {"lang": language, "dir": text_direction(language)}


def _show_refusal(form: GroupForm, code: str) -> None:
    db.session.rollback()
    field = getattr(form, _FIELD_OF.get(code, "name"))
    field.errors = [*field.errors, refusal(code)]


@bp.route("/groups")
@access("admin")
def groups() -> str:
    everything = db.session.scalars(db.select(Group).order_by(Group.name)).all()
    return render_template("admin/groups.html", groups=everything)


@bp.route("/groups/new", methods=["GET", "POST"])
@access("admin")
def group_new() -> str | Response:
    form = GroupForm()
    default_zone = current_app.config["DEFAULT_TIMEZONE"]
    form.timezone.choices = timezone_choices(default_zone)
    if not form.is_submitted():
        form.timezone.data = default_zone
        form.agreement_text.data = default_agreement(form.language.data)
    else:
        # The form showed one language's default: if the admin chose another language and left
        # the text as it was, the group gets that language's default.
        form.agreement_text.data = follow_language(
            form.agreement_text.data or "", form.language.data or ""
        )
    if form.validate_on_submit():
        try:
            group = create_group(_settings(form), acting_admin())
        except GroupError as error:
            _show_refusal(form, error.code)
        else:
            db.session.commit()
            flash(_("The group %(name)s is created.", name=group.name), "info")
            return redirect(url_for("admin.group", group_id=group.id))
    _mark_agreement_language(form)
    # With script, the text follows a change of language at once (client/src/enhancements.ts).
    form.agreement_text.render_kw |= {
        "data-agreement-defaults": "agreement-defaults",
        "data-language-field": form.language.id,
    }
    defaults = {
        code: {"text": default_agreement(code), "dir": text_direction(code)}
        for code in current_app.config["LANGUAGES"]
    }
    return render_template(
        "admin/group_form.html", form=form, group=None, agreement_defaults=defaults
    )


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@access("admin")
def group_edit(group_id: int) -> str | Response:
    group = group_or_404(group_id)
    form = GroupForm(obj=group)
    form.timezone.choices = timezone_choices(group.timezone)
    if not form.is_submitted():
        form.kind.data = group.kind.value
    if form.validate_on_submit():
        try:
            update_group(group, _settings(form), acting_admin())
        except GroupError as error:
            _show_refusal(form, error.code)
        else:
            db.session.commit()
            flash(_("The settings of %(name)s are saved.", name=group.name), "info")
            return redirect(url_for("admin.group", group_id=group.id))
    _mark_agreement_language(form)
    return render_template("admin/group_form.html", form=form, group=group)


@bp.route("/groups/<int:group_id>/delete", methods=["GET", "POST"])
@access("admin")
def group_delete(group_id: int) -> str | Response:
    """GET asks for confirmation and says what will go; POST deletes."""
    group = group_or_404(group_id)
    if request.method == "POST":
        name = group.name
        members = delete_group(group, acting_admin())
        db.session.commit()
        for user_id in members:
            room.disconnect_user(user_id)
        flash(_("The group %(name)s and everything about it is deleted.", name=name), "info")
        return redirect(url_for("admin.groups"))
    counts = {
        "members": sum(1 for m in group.memberships if m.status == MembershipStatus.ACTIVE),
        "meetings": db.session.scalar(
            db.select(db.func.count(Meeting.id)).where(Meeting.group_id == group.id)
        ),
        "invitations": len(group.invitations),
    }
    return render_template("admin/group_delete.html", group=group, counts=counts)
