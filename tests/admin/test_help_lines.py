"""Help lines (issue 25): administrators keep the organisation's list; everyone sees it on the
safety page, in the lobby and after a meeting. Nobody else may change it, every change is in the
audit log, and a new installation starts with Denmark's lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from server import create_app
from server.config import TestingConfig
from server.extensions import db
from server.helplines import DENMARK, seed_if_empty
from server.meetings.service import accept
from server.models import AuditEntry, HelpLine
from tests.admin.conftest import audit_actions
from tests.conftest import Course

LINE = {
    "name": "Mødrehjælpens rådgivning",
    "number": "+45 33 45 86 30",
    "hours": "Mandag til fredag, 10-13",
    "languages": "Dansk",
    "note": "",
}


def numbers() -> list[str]:
    """The numbers in the list, in the order everyone sees them."""
    return list(
        db.session.scalars(db.select(HelpLine.number).order_by(HelpLine.position, HelpLine.id))
    )


def line_with(number: str) -> HelpLine:
    line = db.session.scalar(db.select(HelpLine).where(HelpLine.number == number))
    assert line is not None, number
    return line


@pytest.fixture
def seeded(app: Flask) -> list[HelpLine]:
    lines = seed_if_empty()
    db.session.commit()
    return lines


# --- what an administrator does -------------------------------------------------------------


def test_the_page_lists_the_lines_and_says_who_sees_them(
    admin_client: FlaskClient, seeded: list[HelpLine]
) -> None:
    response = admin_client.get("/admin/help-lines")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("Lev Uden Vold") < html.index("Alarmcentralen")
    assert 'href="tel:1888"' in html and 'href="tel:112"' in html
    assert "on the “Safety and help” page, in the lobby before a meeting and on the screen" in html
    # The administration's navigation leads here, marked as the page one is on.
    assert re.search(r'<a href="/admin/help-lines" aria-current="page">Help lines</a>', html)
    assert "style=" not in html and "<script>" not in html


def test_the_page_works_in_danish(login_as, course: Course, seeded: list[HelpLine]) -> None:  # type: ignore[no-untyped-def]
    course.admin.language = "da"
    db.session.commit()
    response = login_as(course.admin).get("/admin/help-lines")
    assert response.status_code == 200
    assert '<html lang="da" dir="ltr">' in response.get_data(as_text=True)


def test_an_admin_adds_a_line_that_comes_last_and_is_audited(
    admin_client: FlaskClient, course: Course, seeded: list[HelpLine]
) -> None:
    response = admin_client.post("/admin/help-lines", data=LINE)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        "/admin/help-lines#line-" + str(line_with("+45 33 45 86 30").id)
    )
    assert numbers() == ["1888", "112", "+45 33 45 86 30"]
    added = line_with("+45 33 45 86 30")
    assert (added.name, added.hours, added.languages, added.note) == (
        LINE["name"],
        LINE["hours"],
        LINE["languages"],
        None,
    )
    assert audit_actions() == ["admin.help_line.create"]
    entry = db.session.scalar(db.select(AuditEntry))
    assert entry is not None and entry.actor_id == course.admin.id
    # The audit log says it in words, never the event's code.
    log = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Help line added" in log and "admin.help_line" not in log


def test_an_admin_changes_a_line(admin_client: FlaskClient, seeded: list[HelpLine]) -> None:
    line = line_with("1888")
    page = admin_client.get(f"/admin/help-lines/{line.id}/edit").get_data(as_text=True)
    assert 'value="1888"' in page and 'value="Døgnåben, gratis og anonym"' in page
    response = admin_client.post(
        f"/admin/help-lines/{line.id}/edit",
        data={**LINE, "name": line.name, "number": "1888", "note": "Også for pårørende"},
    )
    assert response.status_code == 302
    db.session.refresh(line)
    assert (line.hours, line.note) == (LINE["hours"], "Også for pårørende")
    assert audit_actions() == ["admin.help_line.update"]


def test_an_admin_deletes_a_line(admin_client: FlaskClient, seeded: list[HelpLine]) -> None:
    line = line_with("1888")
    response = admin_client.post(f"/admin/help-lines/{line.id}/delete")
    assert response.status_code == 302
    assert numbers() == ["112"]
    assert audit_actions() == ["admin.help_line.delete"]
    # The delete button asks first.
    page = admin_client.get("/admin/help-lines").get_data(as_text=True)
    assert 'data-confirm="Delete the help line Alarmcentralen (politi, ambulance)?' in page


def test_an_admin_reorders_the_lines(admin_client: FlaskClient, seeded: list[HelpLine]) -> None:
    admin_client.post("/admin/help-lines", data=LINE)
    new = line_with("+45 33 45 86 30")
    response = admin_client.post(f"/admin/help-lines/{new.id}/move/up")
    # Back at the line, so that the next Tab reaches its buttons again.
    assert response.headers["Location"].endswith(f"#line-{new.id}")
    assert numbers() == ["1888", "+45 33 45 86 30", "112"]
    admin_client.post(f"/admin/help-lines/{line_with('1888').id}/move/down")
    assert numbers() == ["+45 33 45 86 30", "1888", "112"]
    # The first cannot go higher, nor the last lower: nothing changes and nothing is recorded.
    admin_client.post(f"/admin/help-lines/{new.id}/move/up")
    admin_client.post(f"/admin/help-lines/{line_with('112').id}/move/down")
    assert numbers() == ["+45 33 45 86 30", "1888", "112"]
    assert audit_actions() == [
        "admin.help_line.create",
        "admin.help_line.move",
        "admin.help_line.move",
    ]
    # Only meaningful moves are offered: the first line has no "Move up", the last no "Move down".
    page = admin_client.get("/admin/help-lines").get_data(as_text=True)
    assert page.count(">Move up</button>") == 2 and page.count(">Move down</button>") == 2
    assert f"/admin/help-lines/{new.id}/move/up" not in page


def test_a_line_without_a_number_to_dial_is_refused_with_the_reason(
    admin_client: FlaskClient, seeded: list[HelpLine]
) -> None:
    response = admin_client.post(
        "/admin/help-lines", data={**LINE, "number": "javascript:alert(1)", "hours": ""}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "Use digits and spaces, with a + first for a country code." in html
    assert "Say when the line is open." in html
    assert numbers() == ["1888", "112"]
    assert audit_actions() == []


def test_an_unknown_line_is_not_found(admin_client: FlaskClient) -> None:
    assert admin_client.get("/admin/help-lines/999/edit").status_code == 404
    assert admin_client.post("/admin/help-lines/999/delete").status_code == 404
    assert admin_client.post("/admin/help-lines/999/move/up").status_code == 404


def test_the_forms_carry_a_csrf_token_and_a_post_without_it_is_refused(
    app: Flask, admin_client: FlaskClient, seeded: list[HelpLine]
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    line = line_with("1888")
    page = admin_client.get("/admin/help-lines").get_data(as_text=True)
    # The add form, and each line's move and delete buttons.
    assert page.count('name="csrf_token"') >= 1 + 3
    forged = admin_client.post(f"/admin/help-lines/{line.id}/delete")
    assert forged.status_code == 400
    assert admin_client.post("/admin/help-lines", data=LINE).status_code == 400
    assert numbers() == ["1888", "112"]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    done = admin_client.post("/admin/help-lines", data={**LINE, "csrf_token": token.group(1)})
    assert done.status_code == 302
    assert numbers() == ["1888", "112", "+45 33 45 86 30"]


# --- nobody else ----------------------------------------------------------------------------

PAGES = ["/admin/help-lines", "/admin/help-lines/{line}/edit"]
ACTIONS = [
    "/admin/help-lines",
    "/admin/help-lines/{line}/edit",
    "/admin/help-lines/{line}/move/down",
    "/admin/help-lines/{line}/delete",
]


@pytest.mark.parametrize("who", ["participant", "facilitator"])
def test_participants_and_facilitators_cannot_see_or_change_the_lines(
    login_as,
    course: Course,
    seeded: list[HelpLine],
    who: str,  # type: ignore[no-untyped-def]
) -> None:
    person = course.participants[0] if who == "participant" else course.facilitator
    client = login_as(person)
    line = line_with("1888")
    for page in PAGES:
        assert client.get(page.format(line=line.id)).status_code == 403
    for action in ACTIONS:
        response = client.post(action.format(line=line.id), data={**LINE, "name": "Call me"})
        assert response.status_code == 403
    assert numbers() == ["1888", "112"]
    assert line.name == DENMARK[0].name
    assert audit_actions() == []


def test_an_anonymous_visitor_is_sent_to_log_in(
    client: FlaskClient, seeded: list[HelpLine]
) -> None:
    line = line_with("1888")
    for page in PAGES:
        response = client.get(page.format(line=line.id))
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    for action in ACTIONS:
        assert client.post(action.format(line=line.id), data=LINE).status_code == 302
    assert numbers() == ["1888", "112"]


# --- where everyone sees them ---------------------------------------------------------------


def test_the_room_page_gives_the_lobby_the_lines_as_data(
    participant_client: FlaskClient, course: Course, seeded: list[HelpLine]
) -> None:
    accept(course.participants[0].id, course.meeting)
    db.session.commit()
    html = participant_client.get(f"/meetings/{course.meeting.id}/room").get_data(as_text=True)
    found = re.search(r'<script type="application/json" id="help-lines">(.*?)</script>', html)
    assert found is not None
    lines = json.loads(found.group(1))
    assert [(line["number"], line["dial"]) for line in lines] == [("1888", "1888"), ("112", "112")]
    assert lines[0]["hours"] == "Døgnåben, gratis og anonym"


def test_a_line_cannot_break_out_of_the_room_page_s_data(
    admin_client: FlaskClient, participant_client: FlaskClient, course: Course
) -> None:
    """What an administrator types is data in the room's page, never markup or script."""
    attack = "</script><script>alert(1)</script>"
    admin_client.post("/admin/help-lines", data={**LINE, "name": attack, "note": attack})
    accept(course.participants[0].id, course.meeting)
    db.session.commit()
    html = participant_client.get(f"/meetings/{course.meeting.id}/room").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    found = re.search(r'<script type="application/json" id="help-lines">(.*?)</script>', html)
    assert found is not None
    assert json.loads(found.group(1))[0]["name"] == attack


# --- a new installation ---------------------------------------------------------------------


def test_upgrading_an_empty_database_seeds_denmarks_lines(tmp_path: Path) -> None:
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'kreds.db'}")
    with app.app_context():
        upgrade()
        rows = db.session.execute(
            db.select(
                HelpLine.name, HelpLine.number, HelpLine.hours, HelpLine.languages, HelpLine.note
            ).order_by(HelpLine.position)
        ).all()
        db.session.remove()
        db.engine.dispose()
    # The migration writes the same lines as server/helplines.py (the demo and create_all).
    assert [tuple(row) for row in rows] == [
        (line.name, line.number, line.hours, line.languages, line.note) for line in DENMARK
    ]
    assert [row.number for row in rows] == ["1888", "112"]


def test_seeding_adds_nothing_to_a_list_an_admin_has_made(app: Flask) -> None:
    assert len(seed_if_empty()) == 2
    db.session.commit()
    assert seed_if_empty() == []
    assert numbers() == ["1888", "112"]
