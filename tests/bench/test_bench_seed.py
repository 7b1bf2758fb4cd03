"""``python -m bench.seed``: groups of seven with a meeting open now, ready to join."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from flask import Flask

from bench.seed import BENCH_PASSWORD, write_seed
from server.extensions import db
from server.meetings.service import needs_acceptance
from server.models import Group, Meeting, Membership, MembershipRole, User


def test_bench_seed_makes_groups_whose_participants_may_enter_now(
    app: Flask, tmp_path: Path
) -> None:
    out = tmp_path / "seed.json"
    write_seed(2, out)
    seeded = json.loads(out.read_text())
    assert seeded["password"] == BENCH_PASSWORD
    assert len(seeded["meetings"]) == 2
    for room in seeded["meetings"]:
        meeting = db.session.get(Meeting, room["meeting_id"])
        assert meeting is not None and meeting.is_open(0)
        roles = [person["role"] for person in room["people"]]
        assert roles == ["facilitator"] + ["participant"] * 6
        for person in room["people"]:
            user = db.session.get(User, person["user_id"])
            assert user is not None and user.check_password(BENCH_PASSWORD)
            membership = db.session.scalar(
                db.select(Membership).where(
                    Membership.user_id == user.id, Membership.group_id == meeting.group_id
                )
            )
            assert membership is not None
            # The agreement is accepted already: joining needs no page visit.
            assert not needs_acceptance(membership, meeting)
            if person["role"] == "participant":
                assert membership.role == MembershipRole.PARTICIPANT


def test_bench_seed_again_reuses_what_is_there(app: Flask, tmp_path: Path) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    write_seed(1, first)
    write_seed(2, second)
    before, after = json.loads(first.read_text()), json.loads(second.read_text())
    assert after["meetings"][0] == before["meetings"][0]
    assert db.session.scalar(db.select(db.func.count(Group.id))) == 2
    assert db.session.scalar(db.select(db.func.count(User.id))) == 14


def test_bench_seed_is_refused_in_production(app: Flask) -> None:
    app.config["ENV_NAME"] = "production"
    with pytest.raises(click.ClickException, match="not in production"):
        write_seed(1, None)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
