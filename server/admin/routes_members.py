"""A group's page: its members, adding people, roles, removal and reactivation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from server import room
from server.access import access
from server.admin import bp
from server.admin.common import acting_admin, group_or_404, refused
from server.admin.forms import MEMBERSHIP_ROLE_CHOICES, AddMemberForm, MemberRoleForm
from server.admin.messages import refusal
from server.extensions import db
from server.groups.members import add_member, change_role, reactivate_member, remove_member
from server.groups.service import GroupError
from server.models import (
    Group,
    Membership,
    MembershipRole,
    MembershipStatus,
    Role,
    User,
    utcnow,
)


def _membership_or_404(group: Group, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.group_id != group.id:
        abort(404)
    return membership


def _add_form(group: Group) -> AddMemberForm:
    """The form to add people: a box for each active person who is not an active member yet
    (administrators hold no place in groups), none of them ticked."""
    form = AddMemberForm()
    active_ids = {m.user_id for m in group.active_memberships()}
    candidates = db.session.scalars(
        db.select(User)
        .where(User.active.is_(True), User.role != Role.ADMIN)
        .order_by(User.display_name, User.login)
    ).all()
    form.user_id.choices = [
        SelectChoice(str(u.id), f"{u.display_name} ({u.login})")
        for u in candidates
        if u.id not in active_ids
    ]
    return form


def _back(group: Group) -> Response:
    return redirect(url_for("admin.group", group_id=group.id))


@bp.route("/groups/<int:group_id>")
@access("admin")
def group(group_id: int) -> str:
    found = group_or_404(group_id)
    order = {MembershipRole.FACILITATOR: 0, MembershipRole.CO_FACILITATOR: 1}
    memberships = sorted(
        found.memberships,
        key=lambda m: (
            m.status != MembershipStatus.ACTIVE,
            order.get(m.role, 2),
            m.user.display_name.lower(),
        ),
    )
    return render_template(
        "admin/group.html",
        group=found,
        memberships=memberships,
        add_form=_add_form(found),
        role_choices=MEMBERSHIP_ROLE_CHOICES,
    )


@bp.route("/groups/<int:group_id>/members", methods=["POST"])
@access("admin")
def member_add(group_id: int) -> Response:
    """Add everyone ticked, one by one through the same rules as ever (capacity, names,
    administrators): each added is committed, each refused is said with its reason."""
    found = group_or_404(group_id)
    form = _add_form(found)
    if not form.validate_on_submit():
        flash(_("Choose at least one person and a role."), "error")
        return _back(found)
    role = MembershipRole(form.role.data)
    added: list[str] = []
    refusals: list[str] = []
    for user_id in dict.fromkeys(form.user_id.data or []):
        user = db.session.get(User, user_id)
        if user is None:
            refusals.append(_("A person you chose no longer has an account."))
            continue
        try:
            add_member(found, user, role, acting_admin(), utcnow())
        except GroupError as error:
            db.session.rollback()
            refusals.append(
                _(
                    "%(name)s is not added: %(reason)s",
                    name=user.display_name,
                    reason=refusal(error.code),
                )
            )
        else:
            db.session.commit()
            added.append(_("%(name)s is now a member of the group.", name=user.display_name))
    # What needs the administrator's attention first.
    for message in refusals:
        flash(message, "error")
    for message in added:
        flash(message, "info")
    return _back(found)


@bp.route("/groups/<int:group_id>/members/<int:membership_id>/role", methods=["POST"])
@access("admin")
def member_role(group_id: int, membership_id: int) -> Response:
    found = group_or_404(group_id)
    membership = _membership_or_404(found, membership_id)
    form = MemberRoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role."), "error")
        return _back(found)
    try:
        changed = change_role(membership, MembershipRole(form.role.data), acting_admin())
    except GroupError as error:
        refused(error.code)
        return _back(found)
    if changed:
        db.session.commit()
        flash(_("The role of %(name)s is changed.", name=membership.user.display_name), "info")
    else:
        flash(_("%(name)s already has this role.", name=membership.user.display_name), "info")
    return _back(found)


@bp.route("/groups/<int:group_id>/members/<int:membership_id>/remove", methods=["POST"])
@access("admin")
def member_remove(group_id: int, membership_id: int) -> Response:
    found = group_or_404(group_id)
    membership = _membership_or_404(found, membership_id)
    try:
        remove_member(membership, acting_admin())
    except GroupError as error:
        refused(error.code)
    else:
        db.session.commit()
        room.disconnect_user(membership.user_id)
        flash(_("%(name)s is removed from the group.", name=membership.user.display_name), "info")
    return _back(found)


@bp.route("/groups/<int:group_id>/members/<int:membership_id>/reactivate", methods=["POST"])
@access("admin")
def member_reactivate(group_id: int, membership_id: int) -> Response:
    found = group_or_404(group_id)
    membership = _membership_or_404(found, membership_id)
    try:
        reactivate_member(membership, acting_admin(), utcnow())
    except GroupError as error:
        refused(error.code)
    else:
        db.session.commit()
        flash(_("%(name)s is a member again.", name=membership.user.display_name), "info")
    return _back(found)
