"""Command-line tasks."""

from __future__ import annotations

from flask import Flask

from server.cli import DEMO_PASSWORD
from server.extensions import db
from server.models import Group, Meeting, Role, User


def test_seed_demo_makes_a_group_of_six_with_a_meeting_open_now(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    group = db.session.scalar(db.select(Group))
    assert group is not None
    assert group.participant_count() == 6
    assert any(m.is_open(0) for m in group.meetings)
    # The demo's administrator holds no place in the group (issue 22).
    admin = db.session.scalar(db.select(User).where(User.role == Role.ADMIN))
    assert admin is not None and admin.memberships == []
    # Running it again changes nothing.
    app.test_cli_runner().invoke(args=["seed-demo"])
    assert db.session.scalar(db.select(db.func.count(Group.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 6


def test_create_admin_makes_an_administrator(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--login", "Root", "--password", "a-long-password"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.login == "root"))
    assert user is not None and user.role == Role.ADMIN
    assert user.check_password("a-long-password")


def test_create_admin_refuses_a_short_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--login", "root", "--password", "short"]
    )
    assert result.exit_code != 0
