"""``python -m bench.seed``: many small groups with a meeting open now, for the load benchmark.

Each bench group has a facilitator and six participants who accepted the agreement already, so
that joining only needs a log-in, a socket ``join`` and the facilitator's admission (bench/).
Bench accounts share one password hash made with cheap argon2 settings, computed once: logging
in thousands of people must not measure argon2. Refused in the production configuration: these
accounts have a known password."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from argon2 import PasswordHasher
from flask import current_app

from server.extensions import db
from server.models import (
    Acknowledgement,
    Group,
    Meeting,
    MeetingStatus,
    Membership,
    MembershipRole,
    Role,
    User,
    utcnow,
)

BENCH_PASSWORD = "kreds-bench-only-2026"
PARTICIPANTS = 6
# Cheap on purpose (bench accounts only): the verifier reads the settings from the hash.
_CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def bench_login(index: int, part: str) -> str:
    """``bench0007f`` (facilitator) or ``bench0007p3`` (third participant) of group 7."""
    return f"bench{index:04d}{part}"


def _person(login: str, name: str, role: Role, password_hash: str) -> User:
    user = User(login=login, display_name=name, role=role, password_hash=password_hash)
    db.session.add(user)
    return user


def _open_meeting(group: Group) -> Meeting:
    """The group's meeting whose room is open now, made if there is none."""
    now = utcnow()
    for meeting in group.meetings:
        if meeting.status == MeetingStatus.SCHEDULED and meeting.is_open(0, now):
            return meeting
    start = now.replace(second=0, microsecond=0) + timedelta(minutes=5)
    meeting = Meeting(group=group, starts_at=start, theme="Bench")
    db.session.add(meeting)
    return meeting


def _bench_group(index: int, password_hash: str) -> tuple[Group, list[tuple[User, str]], bool]:
    """The bench group of this index and its people (made if missing; ``True``: just made)."""
    name = f"Bench {index:04d}"
    group = db.session.scalar(db.select(Group).where(Group.name == name))
    made = group is None
    if group is None:
        group = Group(name=name, capacity=PARTICIPANTS, auto_admit=False)
        db.session.add(group)
    wanted = [("f", f"F{index}", Role.FACILITATOR, MembershipRole.FACILITATOR)] + [
        (f"p{k}", f"P{index}.{k}", Role.PARTICIPANT, MembershipRole.PARTICIPANT)
        for k in range(1, PARTICIPANTS + 1)
    ]
    people: list[tuple[User, str]] = []
    for part, display, role, membership_role in wanted:
        login = bench_login(index, part)
        user = None if made else db.session.scalar(db.select(User).where(User.login == login))
        if user is None:
            user = _person(login, display, role, password_hash)
            db.session.add(Membership(group=group, user=user, role=membership_role))
        people.append((user, membership_role.value))
    return group, people, made


def seed_bench(meetings: int) -> list[dict[str, Any]]:
    """Bench groups 0 … ``meetings``-1 with an open meeting each; running it again reuses them."""
    password_hash = _CHEAP.hash(BENCH_PASSWORD)
    made: list[tuple[Meeting, list[tuple[User, str]], int, bool]] = []
    with db.session.no_autoflush:
        for index in range(meetings):
            group, people, new = _bench_group(index, password_hash)
            meeting = _open_meeting(group)
            made.append((meeting, people, group.agreement_version or 1, new))
    db.session.flush()
    for meeting, people, version, new in made:
        for user, role in people:
            if role == MembershipRole.PARTICIPANT.value:
                _accept(user.id, meeting, version, known_new=new)
    db.session.commit()
    return [
        {
            "meeting_id": meeting.id,
            "people": [
                {"login": user.login, "user_id": user.id, "role": role} for user, role in people
            ],
        }
        for meeting, people, _, _ in made
    ]


def _accept(user_id: int, meeting: Meeting, version: int, *, known_new: bool) -> None:
    found = (
        None
        if known_new
        else db.session.scalar(
            db.select(Acknowledgement.id).where(
                Acknowledgement.user_id == user_id,
                Acknowledgement.meeting_id == meeting.id,
                Acknowledgement.agreement_version == version,
            )
        )
    )
    if found is None:
        db.session.add(
            Acknowledgement(user_id=user_id, meeting_id=meeting.id, agreement_version=version)
        )


def write_seed(meetings: int, out: Path | None) -> list[dict[str, Any]]:
    """Seed the current app's database (refused in production) and write what was made."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("bench accounts have a known password: not in production")
    if meetings < 1:
        raise click.ClickException("--meetings must be at least 1")
    rooms = seed_bench(meetings)
    if out is not None:
        out.write_text(json.dumps({"password": BENCH_PASSWORD, "meetings": rooms}))
    return rooms


@click.command()
@click.option("--meetings", type=int, required=True, help="how many groups of 7")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def main(meetings: int, out: Path | None) -> None:
    """Create bench groups with open meetings for the load benchmark (not in production), in the
    database the environment names (DATABASE_URL, KREDS_CONFIG)."""
    from server import create_app

    with create_app().app_context():
        rooms = write_seed(meetings, out)
    click.echo(f"{len(rooms)} bench meetings of {PARTICIPANTS + 1} people are open now.")


if __name__ == "__main__":
    main()
