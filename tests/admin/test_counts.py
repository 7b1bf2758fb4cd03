"""Counts on the admin pages take the plural form of the page's language: "1 group", "2 groups"
(never "1 groups"), and each language's own forms (Danish two, Czech three)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.extensions import db
from server.models import utcnow
from tests.conftest import Course
from tests.factories import gen_group, gen_invitation, gen_meeting


def overview(client: FlaskClient, language: str = "en") -> str:
    return client.get("/admin/", headers={"Accept-Language": language}).get_data(as_text=True)


def _leave_one_group(course: Course) -> None:
    db.session.delete(course.other_group)
    db.session.commit()


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [("en", "1 group", "2 groups"), ("da", "1 gruppe", "2 grupper")],
)
def test_the_overview_counts_groups_in_the_page_language(
    admin_client: FlaskClient, course: Course, language: str, one: str, two: str
) -> None:
    assert f"<li>{two}</li>" in overview(admin_client, language)
    _leave_one_group(course)
    html = overview(admin_client, language)
    assert f"<li>{one}</li>" in html
    assert "1 groups" not in html and "1 grupper" not in html


def test_czech_takes_its_three_forms(admin_client: FlaskClient, course: Course) -> None:
    assert "<li>2 skupiny</li>" in overview(admin_client, "cs")
    for _ in range(3):
        gen_group()
    assert "<li>5 skupin</li>" in overview(admin_client, "cs")
    _leave_one_group(course)
    assert "<li>4 skupiny</li>" in overview(admin_client, "cs")


def test_every_count_on_the_overview_agrees_with_its_number(
    admin_client: FlaskClient, course: Course
) -> None:
    # The course: eight active accounts, one meeting ahead, no open invitation.
    html = overview(admin_client)
    for said in ("8 active accounts", "0 deactivated accounts", "1 meeting ahead"):
        assert f"<li>{said}</li>" in html
    assert "<li>0 open invitations</li>" in html
    course.participants[0].active = False
    gen_meeting(course.group)
    gen_invitation(course.group)
    db.session.commit()
    html = overview(admin_client)
    for said in ("7 active accounts", "1 deactivated account", "2 meetings ahead"):
        assert f"<li>{said}</li>" in html
    assert "<li>1 open invitation</li>" in html
    danish = overview(admin_client, "da")
    for said in ("7 aktive konti", "1 deaktiveret konto", "2 kommende møder", "1 åben invitation"):
        assert f"<li>{said}</li>" in danish


def test_deleting_a_group_counts_what_goes_with_it(
    admin_client: FlaskClient, course: Course
) -> None:
    gen_invitation(course.other_group)
    html = admin_client.get(f"/admin/groups/{course.other_group.id}/delete").get_data(as_text=True)
    assert "0 meetings, with who attended" in html
    assert "2 active memberships (the accounts themselves stay)" in html
    assert "<li>1 invitation</li>" in html


def test_the_capacity_agrees_with_its_number(admin_client: FlaskClient, course: Course) -> None:
    course.other_group.capacity = 1
    db.session.commit()
    html = admin_client.get(f"/admin/groups/{course.other_group.id}").get_data(as_text=True)
    assert "1 of 1 participant place taken" in html
    danish = admin_client.get(
        f"/admin/groups/{course.group.id}", headers={"Accept-Language": "da"}
    ).get_data(as_text=True)
    assert "3 af 6 deltagerpladser er taget" in danish


def test_one_scheduled_meeting_is_one(admin_client: FlaskClient, course: Course) -> None:
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/meetings",
        data={
            "first_date": (utcnow() + timedelta(days=10)).date().isoformat(),
            "local_time": "18:00",
            "frequency": "weekly",
            "count": 1,
            "duration_minutes": 90,
            "lobby_opens_minutes": 10,
        },
        follow_redirects=True,
    )
    assert "1 meeting is scheduled." in response.get_data(as_text=True)


def test_a_password_link_of_one_hour_says_hour(
    app: Flask, admin_client: FlaskClient, course: Course
) -> None:
    app.config["RESET_LINK_HOURS"] = 1
    person = course.participants[0]
    html = admin_client.post(f"/admin/people/{person.id}/reset-link").get_data(as_text=True)
    assert f"It works once, for 1 hour. Their login name is {person.login}." in html
