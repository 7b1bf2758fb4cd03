"""The authorisation matrix for HTTP: every route of the app against every kind of person.

It is built from the app's own route registry and each route's declared policy, so a new route
is tested the moment it exists, and a route with an undeclared policy fails here."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from server import create_app
from server.access import policy_of
from server.config import TestingConfig
from server.extensions import db
from server.helplines import help_lines, seed_if_empty
from server.models import MembershipRole, MembershipStatus, Role
from tests import factories
from tests.conftest import Course

pytestmark = pytest.mark.database_agnostic

ROLES = (
    "anonymous",
    "outsider",  # a participant of another group
    "participant",  # an active participant of the group (waiting or admitted: the same to HTTP)
    "removed",  # a participant whose membership was removed
    "co_facilitator",
    "facilitator",
    "admin",  # an administrator who is not a member of the group
    "admin_with_row",  # an administrator with an active facilitator row (left from before)
)
ALLOWED, LOGIN, FORBIDDEN, NOT_FOUND = "allowed", "login", "forbidden", "not found"
# What each policy gives each kind of person.
EXPECTED: dict[str, dict[str, str]] = {
    "public": dict.fromkeys(ROLES, ALLOWED),
    "token": dict.fromkeys(ROLES, NOT_FOUND),  # with a wrong token
    "login": {**dict.fromkeys(ROLES, ALLOWED), "anonymous": LOGIN},
    "admin": {
        **dict.fromkeys(ROLES, FORBIDDEN),
        "anonymous": LOGIN,
        "admin": ALLOWED,
        "admin_with_row": ALLOWED,
    },
    "member": {
        "anonymous": LOGIN,
        "outsider": NOT_FOUND,
        "participant": ALLOWED,
        "removed": NOT_FOUND,
        "co_facilitator": ALLOWED,
        "facilitator": ALLOWED,
        "admin": NOT_FOUND,
        "admin_with_row": NOT_FOUND,
    },
    "facilitator": {
        "anonymous": LOGIN,
        "outsider": NOT_FOUND,
        "participant": FORBIDDEN,
        "removed": NOT_FOUND,
        "co_facilitator": ALLOWED,
        "facilitator": ALLOWED,
        "admin": NOT_FOUND,
        "admin_with_row": NOT_FOUND,
    },
}


def _routes() -> list[tuple[str, str, str]]:
    app = create_app(TestingConfig)
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        method = "GET" if "GET" in methods else methods[0]
        found.append((rule.endpoint, method, rule.rule))
    return sorted(found)


def _outcome(response_status: int, location: str) -> str:
    # Refusals for want of a log-in carry ?next=; a log-out also ends on /login, but allowed.
    if response_status in (302, 303) and "/login?next=" in location:
        return LOGIN
    if response_status == 403:
        return FORBIDDEN
    if response_status in (404, 410):
        return NOT_FOUND
    assert response_status < 500, f"server error {response_status}"
    return ALLOWED


def _url(app: Flask, rule: Rule, course: Course) -> str:
    other = course.participants[1]
    membership = course.group.membership_of(other.id)
    invitation, _ = factories.gen_invitation(course.group)
    seed_if_empty()
    db.session.commit()
    line = help_lines()[0]
    values = {
        "group_id": course.group.id,
        "meeting_id": course.meeting.id,
        "user_id": other.id,
        "membership_id": membership.id if membership else 0,
        "invitation_id": invitation.id,
        "login_id": 1,
        "line_id": line.id,
        "direction": "down",
        "token": "not-a-real-token",
    }
    missing = set(rule.arguments) - set(values)
    assert not missing, f"teach the matrix a value for {missing} ({rule.rule})"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})


def _client_for(
    role: str, course: Course, login_as: Callable[..., FlaskClient], app: Flask
) -> FlaskClient:
    if role == "anonymous":
        return app.test_client()
    if role == "removed":
        person = factories.gen_user(Role.PARTICIPANT)
        factories.gen_membership(course.group, person, status=MembershipStatus.REMOVED)
        return login_as(person)
    if role == "co_facilitator":
        return login_as(course.co_facilitator)
    if role == "admin_with_row":
        # Administrators hold no group role: a row that says otherwise gives them nothing.
        factories.gen_membership(course.group, course.admin, MembershipRole.FACILITATOR)
        return login_as(course.admin)
    people = {
        "outsider": course.outsider,
        "participant": course.participants[0],
        "facilitator": course.facilitator,
        "admin": course.admin,
    }
    return login_as(people[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "method", "path"), _routes())
def test_every_route_answers_every_role_as_its_policy_says(
    app: Flask,
    course: Course,
    login_as,  # type: ignore[no-untyped-def]
    endpoint: str,
    method: str,
    path: str,
    role: str,
) -> None:
    policy = policy_of(app, endpoint)
    assert policy in EXPECTED, f"{endpoint} declares no known access policy: {policy!r}"
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    url = _url(app, rule, course)
    client = _client_for(role, course, login_as, app)
    response = client.open(url, method=method, data={})
    got = _outcome(response.status_code, response.headers.get("Location", ""))
    assert got == EXPECTED[str(policy)][role], (
        f"{method} {path} as {role}: expected {EXPECTED[str(policy)][role]}, got {got} "
        f"({response.status_code})"
    )
    db.session.rollback()


def test_the_matrix_knows_every_membership_role() -> None:
    # A new kind of membership needs a row in ROLES before it can ship.
    assert {r.value for r in MembershipRole} <= set(ROLES)
