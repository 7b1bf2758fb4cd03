"""People: accounts, roles, deactivation and one-time password links."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from server import room
from server.access import access
from server.admin import bp
from server.admin.common import acting_admin, refused
from server.admin.forms import NewPersonForm, PersonForm
from server.admin.messages import refusal
from server.admin.people import (
    PersonDetails,
    PersonError,
    create_person,
    deactivate_person,
    make_reset_link,
    reactivate_person,
    update_person,
)
from server.auth import two_factor
from server.extensions import db
from server.models import Role, User


def _person_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _details(form: PersonForm) -> PersonDetails:
    return PersonDetails(
        display_name=form.display_name.data or "",
        role=Role(form.role.data),
        email=form.email.data or None,
        language=form.language.data or None,
    )


def _reset_url(token: str) -> str:
    return url_for("auth.reset", token=token, _external=True)


@bp.route("/people")
@access("admin")
def people() -> str:
    everyone = db.session.scalars(db.select(User).order_by(User.active.desc(), User.login)).all()
    return render_template("admin/people.html", people=everyone)


@bp.route("/people/new", methods=["GET", "POST"])
@access("admin")
def person_new() -> str:
    form = NewPersonForm()
    if form.validate_on_submit():
        try:
            user, token = create_person(
                form.login.data or "",
                _details(form),
                acting_admin(),
                timezone=current_app.config["DEFAULT_TIMEZONE"],
                link_hours=current_app.config["RESET_LINK_HOURS"],
            )
        except PersonError as error:
            db.session.rollback()
            form.login.errors = [*form.login.errors, refusal(error.code)]
        else:
            db.session.commit()
            # Shown once, on this response only: the token is not stored anywhere.
            return render_template(
                "admin/link_made.html",
                kind="new_person",
                person=user,
                link=_reset_url(token),
                hours=current_app.config["RESET_LINK_HOURS"],
            )
    return render_template("admin/person_new.html", form=form)


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@access("admin")
def person_edit(user_id: int) -> str | Response:
    user = _person_or_404(user_id)
    form = PersonForm(obj=user)
    if not form.is_submitted():
        form.role.data = user.role.value
        form.language.data = user.language or ""
    if form.validate_on_submit():
        try:
            update_person(user, _details(form), acting_admin())
        except PersonError as error:
            refused(error.code)
        else:
            db.session.commit()
            flash(_("The changes to %(name)s are saved.", name=user.display_name), "info")
            return redirect(url_for("admin.person_edit", user_id=user.id))
    return render_template("admin/person_edit.html", form=form, person=user)


@bp.route("/people/<int:user_id>/deactivate", methods=["POST"])
@access("admin")
def person_deactivate(user_id: int) -> Response:
    user = _person_or_404(user_id)
    try:
        deactivate_person(user, acting_admin())
    except PersonError as error:
        refused(error.code)
    else:
        db.session.commit()
        room.disconnect_user(user.id)
        flash(
            _("%(name)s is deactivated and logged out everywhere.", name=user.display_name), "info"
        )
    return redirect(url_for("admin.person_edit", user_id=user.id))


@bp.route("/people/<int:user_id>/reactivate", methods=["POST"])
@access("admin")
def person_reactivate(user_id: int) -> Response:
    user = _person_or_404(user_id)
    try:
        reactivate_person(user, acting_admin())
    except PersonError as error:
        refused(error.code)
    else:
        db.session.commit()
        flash(_("%(name)s can log in again.", name=user.display_name), "info")
    return redirect(url_for("admin.person_edit", user_id=user.id))


@bp.route("/people/<int:user_id>/reset-link", methods=["POST"])
@access("admin")
def person_reset_link(user_id: int) -> str | Response:
    user = _person_or_404(user_id)
    hours = current_app.config["RESET_LINK_HOURS"]
    try:
        token = make_reset_link(user, acting_admin(), hours=hours)
    except PersonError as error:
        refused(error.code)
        return redirect(url_for("admin.person_edit", user_id=user.id))
    db.session.commit()
    flash(_("A new password link for %(name)s is ready.", name=user.display_name), "info")
    # Shown once, on this response only: the token is not stored anywhere.
    return render_template(
        "admin/link_made.html", kind="reset", person=user, link=_reset_url(token), hours=hours
    )


@bp.route("/people/<int:user_id>/two-step-off", methods=["POST"])
@access("admin")
def person_two_step_off(user_id: int) -> Response:
    """For someone who lost their phone and their recovery codes: two-step log-in off, every
    log-in of theirs ended, and a notice waiting for their next log-in."""
    user = _person_or_404(user_id)
    try:
        two_factor.reset_by_admin(user, acting_admin())
    except two_factor.TwoStepError as error:
        refused(error.code)
    else:
        db.session.commit()
        room.disconnect_user(user.id)
        flash(
            _(
                "Two-step log-in is off for %(name)s, and they are logged out everywhere.",
                name=user.display_name,
            ),
            "info",
        )
    return redirect(url_for("admin.person_edit", user_id=user.id))
