"""The organisation's help lines: the list with its order, adding, changing and deleting one.
Everyone sees them on the safety page, in the lobby and after a meeting."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from server.access import access
from server.admin import bp
from server.admin.common import acting_admin
from server.admin.forms import HelpLineForm
from server.extensions import db
from server.helplines import (
    Direction,
    HelpLineFields,
    add_help_line,
    delete_help_line,
    help_lines,
    move_help_line,
    update_help_line,
)
from server.models import HelpLine


def _line_or_404(line_id: int) -> HelpLine:
    line = db.session.get(HelpLine, line_id)
    if line is None:
        abort(404)
    return line


def _fields(form: HelpLineForm) -> HelpLineFields:
    return HelpLineFields(
        name=form.name.data or "",
        number=form.number.data or "",
        hours=form.hours.data or "",
        languages=form.languages.data or "",
        note=form.note.data or None,
    )


def _to_line(line_id: int) -> Response:
    """Back to the list, at the line: after a move, the next Tab reaches its buttons again."""
    return redirect(url_for("admin.help_lines", _anchor=f"line-{line_id}"))


@bp.route("/help-lines", methods=["GET", "POST"], endpoint="help_lines")
@access("admin")
def help_lines_page() -> str | Response:
    """The list, and the form that adds a line at its end."""
    form = HelpLineForm()
    if form.validate_on_submit():
        line = add_help_line(_fields(form), acting_admin())
        db.session.commit()
        flash(_("The help line %(name)s is added.", name=line.name), "info")
        return _to_line(line.id)
    return render_template("admin/help_lines.html", lines=help_lines(), form=form)


@bp.route("/help-lines/<int:line_id>/edit", methods=["GET", "POST"])
@access("admin")
def help_line_edit(line_id: int) -> str | Response:
    line = _line_or_404(line_id)
    form = HelpLineForm(obj=line)
    if form.validate_on_submit():
        update_help_line(line, _fields(form), acting_admin())
        db.session.commit()
        flash(_("The help line %(name)s is saved.", name=line.name), "info")
        return _to_line(line.id)
    return render_template("admin/help_line_edit.html", line=line, form=form)


@bp.route("/help-lines/<int:line_id>/move/<any(up, down):direction>", methods=["POST"])
@access("admin")
def help_line_move(line_id: int, direction: Direction) -> Response:
    line = _line_or_404(line_id)
    if move_help_line(line, direction, acting_admin()):
        db.session.commit()
        flash(_("The order of the help lines is saved."), "info")
    return _to_line(line.id)


@bp.route("/help-lines/<int:line_id>/delete", methods=["POST"])
@access("admin")
def help_line_delete(line_id: int) -> Response:
    line = _line_or_404(line_id)
    name = line.name
    delete_help_line(line, acting_admin())
    db.session.commit()
    flash(_("The help line %(name)s is deleted.", name=name), "info")
    return redirect(url_for("admin.help_lines"))
