"""Every admin page and action is for administrators only."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.access import policy_of
from server.extensions import db
from server.models import AuditEntry
from tests.conftest import Course
from tests.factories import gen_invitation

PAGES = [
    "/admin/",
    "/admin/people",
    "/admin/people/new",
    "/admin/people/{person}",
    "/admin/groups",
    "/admin/groups/new",
    "/admin/groups/{group}",
    "/admin/groups/{group}/edit",
    "/admin/groups/{group}/delete",
    "/admin/groups/{group}/meetings",
    "/admin/meetings/{meeting}/move",
    "/admin/groups/{group}/invitations",
    "/admin/audit",
]
ACTIONS = [
    "/admin/people/new",
    "/admin/people/{person}",
    "/admin/people/{person}/deactivate",
    "/admin/people/{person}/reactivate",
    "/admin/people/{person}/reset-link",
    "/admin/groups/new",
    "/admin/groups/{group}/edit",
    "/admin/groups/{group}/delete",
    "/admin/groups/{group}/members",
    "/admin/groups/{group}/members/{membership}/role",
    "/admin/groups/{group}/members/{membership}/remove",
    "/admin/groups/{group}/members/{membership}/reactivate",
    "/admin/groups/{group}/meetings",
    "/admin/meetings/{meeting}/cancel",
    "/admin/meetings/{meeting}/move",
    "/admin/groups/{group}/invitations",
    "/admin/invitations/{invitation}/revoke",
]
NOT_ADMINS = ["participant", "facilitator", "co_facilitator", "other_facilitator"]


def _url(template: str, course: Course) -> str:
    person = course.participants[0]
    membership = course.group.membership_of(person.id)
    assert membership is not None
    invitation_id = 0
    if "{invitation}" in template:
        invitation_id = gen_invitation(course.group)[0].id
    return template.format(
        person=person.id,
        group=course.group.id,
        meeting=course.meeting.id,
        membership=membership.id,
        invitation=invitation_id,
    )


def _person(course: Course, who: str):  # type: ignore[no-untyped-def]
    return {
        "participant": course.participants[0],
        "facilitator": course.facilitator,
        "co_facilitator": course.co_facilitator,
        "other_facilitator": course.other_facilitator,
    }[who]


def test_every_admin_route_is_declared_for_admins_only(app: Flask) -> None:
    endpoints = [r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")]
    assert len(endpoints) >= len(PAGES)
    assert {endpoint: policy_of(app, endpoint) for endpoint in endpoints} == {
        endpoint: "admin" for endpoint in endpoints
    }


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_visitor_is_sent_to_log_in(
    client: FlaskClient, course: Course, page: str
) -> None:
    response = client.get(_url(page, course))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("who", NOT_ADMINS)
@pytest.mark.parametrize("page", PAGES)
def test_people_who_are_not_admins_cannot_see_admin_pages(
    login_as,
    course: Course,
    who: str,
    page: str,  # type: ignore[no-untyped-def]
) -> None:
    client = login_as(_person(course, who))
    assert client.get(_url(page, course)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_an_admin_can_see_every_admin_page(
    admin_client: FlaskClient, course: Course, page: str
) -> None:
    response = admin_client.get(_url(page, course))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "style=" not in html and "<script>" not in html


@pytest.mark.parametrize("who", NOT_ADMINS)
@pytest.mark.parametrize("action", ACTIONS)
def test_people_who_are_not_admins_cannot_take_admin_actions(
    login_as,
    course: Course,
    who: str,
    action: str,  # type: ignore[no-untyped-def]
) -> None:
    client = login_as(_person(course, who))
    url = _url(action, course)
    response = client.post(url, data={"role": "facilitator", "name": "Taken over"})
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


@pytest.mark.parametrize("action", ACTIONS)
def test_an_anonymous_visitor_cannot_take_admin_actions(
    client: FlaskClient, course: Course, action: str
) -> None:
    response = client.post(_url(action, course), data={"role": "facilitator"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


def test_admin_pages_for_an_unknown_group_are_not_found(admin_client: FlaskClient) -> None:
    assert admin_client.get("/admin/groups/9999").status_code == 404
    assert admin_client.get("/admin/meetings/9999/move").status_code == 404
    assert admin_client.get("/admin/people/9999").status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_every_admin_page_works_in_danish(login_as, course: Course, page: str) -> None:  # type: ignore[no-untyped-def]
    course.admin.language = "da"
    db.session.commit()
    response = login_as(course.admin).get(_url(page, course))
    assert response.status_code == 200
    assert '<html lang="da" dir="ltr">' in response.get_data(as_text=True)
