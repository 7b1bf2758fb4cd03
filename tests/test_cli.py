"""Command-line tasks."""

from __future__ import annotations

from flask import Flask

from server.cli import DEMO_PASSWORD, DEMO_PEOPLE
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


def test_the_demo_names_say_nobody_s_role_or_login(app: Flask) -> None:
    """The pages show each role beside the name (a badge, or the login in brackets): a demo
    name like "Mira (facilitator)" or "Admin" would say it twice."""
    for login, name, role, membership_role in DEMO_PEOPLE:
        said = name.lower()
        assert "(" not in said and login not in said, name
        assert role.value not in said, name
        assert membership_role is None or membership_role.value.replace("_", "-") not in said


def test_seeding_again_puts_back_the_demo_names(app: Flask) -> None:
    """A demo seeded before the names lost their roles gets today's names."""
    app.test_cli_runner().invoke(args=["seed-demo"])
    mira = db.session.scalar(db.select(User).where(User.login == "facilitator"))
    assert mira is not None
    mira.display_name = "Mira (facilitator)"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.refresh(mira)
    assert mira.display_name == "Mira"
    assert "(facilitator)" not in result.output
