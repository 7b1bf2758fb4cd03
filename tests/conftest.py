"""Shared fixtures: the app, its database, clients logged in per role.

Tests use in-memory SQLite unless ``KREDS_TEST_DATABASE_URL`` names another database (CI runs the
suite against PostgreSQL that way)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import flask_babel
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask, g
from flask.testing import FlaskClient

import server.models.accounts as accounts
from server import create_app
from server.config import TestingConfig, database_url
from server.extensions import db
from server.models import Group, Meeting, MembershipRole, Role, User
from tests import factories

# Hashing at full strength makes every test slow; the algorithm stays the same.
accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

TEST_DATABASE_URL = os.environ.get("KREDS_TEST_DATABASE_URL")


class EnglishClient(FlaskClient):
    """Test clients read English unless a test sends its own Accept-Language (Danish is the
    default for real browsers that ask for neither)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def _forget_cached_request_state() -> None:
    for key in ("_login_user", "csrf_token"):
        g.pop(key, None)
    flask_babel.refresh()


_schema_made: set[str] = set()


def _fresh_database() -> None:
    """An empty database for the test. In-memory SQLite is new for every app; on another database
    (PostgreSQL in CI) the tables are made once per run and emptied after each test, because
    dropping and creating every table for every test is what makes such a run slow."""
    url = str(db.engine.url)
    if url.startswith("sqlite") or url not in _schema_made:
        db.drop_all()
        db.create_all()
        _schema_made.add(url)


def _empty_database() -> None:
    if str(db.engine.url).startswith("sqlite"):
        db.drop_all()
        return
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE TABLE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app() -> Iterator[Flask]:
    overrides: dict[str, Any] = {}
    if TEST_DATABASE_URL:
        overrides["SQLALCHEMY_DATABASE_URI"] = database_url(TEST_DATABASE_URL)
        if TEST_DATABASE_URL.startswith("postgres"):
            # Test data need not survive a power cut: commits do not wait for the disk.
            options = {"options": "-c synchronous_commit=off"}
            overrides["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": options}
    app = create_app(TestingConfig, **overrides)
    app.test_client_class = EnglishClient
    # The test keeps one app context pushed (so factories can use the database), and Flask reuses
    # it for every request; drop what extensions cache on it, so each request starts afresh.
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_cached_request_state)
    with app.app_context():
        _fresh_database()
        yield app
        db.session.remove()
        _empty_database()
        # Each app has its own connection pool: close it, or PostgreSQL runs out of connections.
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class Course:
    """A group as the Copenhagen model runs it: a facilitator, a co-facilitator, participants,
    a meeting whose room is open now; and people who must not get in."""

    group: Group
    meeting: Meeting
    facilitator: User
    co_facilitator: User
    participants: list[User]
    admin: User
    outsider: User  # a participant of another group
    other_facilitator: User  # the facilitator of another group
    other_group: Group


@pytest.fixture
def course(app: Flask) -> Course:
    group = factories.gen_group("Tuesday group")
    facilitator = factories.gen_user(Role.FACILITATOR, display_name="Mira")
    co = factories.gen_user(Role.FACILITATOR, display_name="Jonas")
    factories.gen_membership(group, facilitator, MembershipRole.FACILITATOR)
    factories.gen_membership(group, co, MembershipRole.CO_FACILITATOR)
    participants = []
    for name in ("Birch", "Heron", "Juniper"):
        person = factories.gen_user(Role.PARTICIPANT, display_name=name)
        factories.gen_membership(group, person)
        participants.append(person)
    meeting = factories.gen_meeting(group)
    other = factories.gen_group("Thursday group")
    outsider = factories.gen_user(Role.PARTICIPANT, display_name="Outsider")
    other_facilitator = factories.gen_user(Role.FACILITATOR, display_name="Other facilitator")
    factories.gen_membership(other, outsider)
    factories.gen_membership(other, other_facilitator, MembershipRole.FACILITATOR)
    admin = factories.gen_user(Role.ADMIN, display_name="Admin")
    return Course(
        group=group,
        meeting=meeting,
        facilitator=facilitator,
        co_facilitator=co,
        participants=participants,
        admin=admin,
        outsider=outsider,
        other_facilitator=other_facilitator,
        other_group=other,
    )


@pytest.fixture
def login_as(app: Flask):  # type: ignore[no-untyped-def]
    """``login_as(user)`` gives a fresh test client logged in as that person."""

    def _login(user: User) -> FlaskClient:
        c = app.test_client()
        factories.log_in(c, user)
        return c

    return _login


@pytest.fixture
def admin_client(course: Course, login_as) -> FlaskClient:  # type: ignore[no-untyped-def]
    return login_as(course.admin)


@pytest.fixture
def facilitator_client(course: Course, login_as) -> FlaskClient:  # type: ignore[no-untyped-def]
    return login_as(course.facilitator)


@pytest.fixture
def participant_client(course: Course, login_as) -> FlaskClient:  # type: ignore[no-untyped-def]
    return login_as(course.participants[0])
