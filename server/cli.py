"""Command-line tasks: ``flask create-admin``, ``flask seed-demo``."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask

from server.account.data import purge_old_records
from server.extensions import db
from server.helplines import seed_if_empty
from server.models import (
    Group,
    Meeting,
    MeetingStatus,
    Membership,
    MembershipRole,
    Role,
    User,
    utcnow,
)

DEMO_PASSWORD = "kreds-demo-2026"
DEMO_GROUP = "Demo: Tuesday group"
# Names as people choose them, with no role in them: the pages show the role beside the name (a
# badge, or the login name in brackets), so "Mira (facilitator)" or "Admin" would say it twice.
DEMO_PEOPLE = [
    ("admin", "Ada", Role.ADMIN, None),
    ("facilitator", "Mira", Role.FACILITATOR, MembershipRole.FACILITATOR),
    ("cofacilitator", "Jonas", Role.FACILITATOR, MembershipRole.CO_FACILITATOR),
    ("p1", "Birch", Role.PARTICIPANT, MembershipRole.PARTICIPANT),
    ("p2", "Heron", Role.PARTICIPANT, MembershipRole.PARTICIPANT),
    ("p3", "Juniper", Role.PARTICIPANT, MembershipRole.PARTICIPANT),
    ("p4", "Linden", Role.PARTICIPANT, MembershipRole.PARTICIPANT),
    ("p5", "Sparrow", Role.PARTICIPANT, MembershipRole.PARTICIPANT),
    ("p6", "Willow", Role.PARTICIPANT, MembershipRole.PARTICIPANT),
]


def create_user(
    login: str, password: str, display_name: str, role: Role, language: str | None = None
) -> User:
    user = User(
        login=login.strip().lower(), display_name=display_name, role=role, language=language
    )
    user.set_password(password)
    db.session.add(user)
    return user


def seed_demo() -> tuple[Group, Meeting]:
    """A demo group with a facilitator, a co-facilitator and 6 participants, a meeting whose room
    is open now and five more weekly, and Denmark's help lines if there are none. Running it again
    reuses what is there, with the demo's names."""
    group = db.session.scalar(db.select(Group).where(Group.name == DEMO_GROUP))
    if group is None:
        group = Group(name=DEMO_GROUP, capacity=6, auto_admit=False)
        db.session.add(group)
        db.session.flush()
    for login, name, role, membership_role in DEMO_PEOPLE:
        user = db.session.scalar(db.select(User).where(User.login == login))
        if user is None:
            user = create_user(login, DEMO_PASSWORD, name, role)
            db.session.flush()
        elif user.display_name != name:
            # A demo seeded before the names lost their roles gets today's names.
            user.display_name = name
        if membership_role and group.membership_of(user.id) is None:
            db.session.add(Membership(group_id=group.id, user_id=user.id, role=membership_role))
    now = utcnow()
    open_now = next(
        (m for m in group.meetings if m.status == MeetingStatus.SCHEDULED and m.is_open(0, now)),
        None,
    )
    if open_now is None:
        start = now.replace(second=0, microsecond=0) + timedelta(minutes=5)
        open_now = Meeting(group_id=group.id, starts_at=start, theme="Check-in and boundaries")
        db.session.add(open_now)
        for week in range(1, 6):
            db.session.add(Meeting(group_id=group.id, starts_at=start + timedelta(weeks=week)))
    # The migrations seed them already; a database made another way gets them here.
    seed_if_empty()
    db.session.commit()
    return group, open_now


def init_app(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.option("--login", prompt=True)
    @click.option("--display-name", default="Admin", show_default=True)
    @click.password_option()
    def create_admin(login: str, display_name: str, password: str) -> None:
        """Create an administrator account."""
        if db.session.scalar(db.select(User).where(User.login == login.strip().lower())):
            raise click.ClickException(f"the login name {login!r} is taken")
        if len(password) < 10:
            raise click.ClickException("use a password of at least 10 characters")
        create_user(login, password, display_name, Role.ADMIN)
        db.session.commit()
        click.echo(f"Administrator {login!r} created.")

    @app.cli.command("purge-records")
    @click.option("--days", type=int, default=None, help="default: KREDS_RETENTION_DAYS")
    def purge_records(days: int | None) -> None:
        """Delete attendance, acknowledgements, audit entries, reset links and invitations past
        retention, login sessions past their idle limit, and the labels ("For whom") of ended
        invitations.

        Meant for cron, e.g. daily: ``flask --app server purge-records``."""
        keep = days if days is not None else int(app.config["RETENTION_DAYS"])
        if keep < 1:
            raise click.ClickException("--days must be at least 1")
        counts = purge_old_records(keep)
        db.session.commit()
        click.echo(
            f"Purged records older than {keep} days: "
            + ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())
        )

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Create the demo group, its people and a meeting whose room is open now."""
        group, meeting = seed_demo()
        click.echo(f"Demo group {group.name!r}; meeting {meeting.id} opens its lobby now.")
        click.echo(f"Every demo account has the password: {DEMO_PASSWORD}")
        for login, name, role, membership_role in DEMO_PEOPLE:
            part = membership_role.value if membership_role else role.value
            click.echo(f"  {login:<14} {name:<24} {part}")
