"""Every admin write records one audit entry; the audit log shows them, never content, each as a
sentence in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

import server
from server.admin.audit import SENTENCES
from server.extensions import db
from server.models import AuditEntry, User, utcnow
from server.records import audit
from tests.admin.conftest import audit_actions
from tests.conftest import Course
from tests.factories import gen_invitation, gen_user

Act = Callable[[FlaskClient, Course], TestResponse]


def _membership_id(course: Course, person: User | None = None) -> int:
    membership = course.group.membership_of((person or course.participants[0]).id)
    assert membership is not None
    return membership.id


def _future_day() -> str:
    return (utcnow() + timedelta(days=10)).date().isoformat()


ACTIONS: dict[str, Act] = {
    "admin.user.create": lambda c, k: c.post(
        "/admin/people/new",
        data={"login": "new1", "display_name": "New", "role": "participant", "language": ""},
    ),
    "admin.user.update": lambda c, k: c.post(
        f"/admin/people/{k.participants[0].id}",
        data={"display_name": "Renamed", "role": "participant", "language": "da"},
    ),
    "admin.user.deactivate": lambda c, k: c.post(
        f"/admin/people/{k.participants[0].id}/deactivate"
    ),
    "admin.user.reset_link": lambda c, k: c.post(
        f"/admin/people/{k.participants[0].id}/reset-link"
    ),
    "admin.group.create": lambda c, k: c.post(
        "/admin/groups/new",
        data={
            "name": "New group",
            "kind": "group",
            "capacity": 6,
            "timezone": "UTC",
            "language": "en",
            "agreement_text": "Listen.",
        },
    ),
    "admin.group.update": lambda c, k: c.post(
        f"/admin/groups/{k.group.id}/edit",
        data={
            "name": "Renamed",
            "kind": "group",
            "capacity": 6,
            "timezone": "UTC",
            "language": "en",
            "agreement_text": "Listen.",
        },
    ),
    "admin.group.delete": lambda c, k: c.post(f"/admin/groups/{k.other_group.id}/delete"),
    "admin.membership.add": lambda c, k: c.post(
        f"/admin/groups/{k.group.id}/members",
        data={"user_id": k.outsider.id, "role": "participant"},
    ),
    # A co-facilitator becomes a participant: an actual change of role.
    "admin.membership.role": lambda c, k: c.post(
        f"/admin/groups/{k.group.id}/members/{_membership_id(k, k.co_facilitator)}/role",
        data={"role": "participant"},
    ),
    "admin.membership.remove": lambda c, k: c.post(
        f"/admin/groups/{k.group.id}/members/{_membership_id(k)}/remove"
    ),
    "admin.meeting.schedule": lambda c, k: c.post(
        f"/admin/groups/{k.group.id}/meetings",
        data={
            "first_date": _future_day(),
            "local_time": "18:00",
            "frequency": "biweekly",
            "count": 3,
            "duration_minutes": 90,
            "lobby_opens_minutes": 10,
        },
    ),
    "admin.meeting.cancel": lambda c, k: c.post(f"/admin/meetings/{k.meeting.id}/cancel"),
    "admin.meeting.move": lambda c, k: c.post(
        f"/admin/meetings/{k.meeting.id}/move", data={"day": _future_day(), "at": "10:00"}
    ),
    "admin.invitation.create": lambda c, k: c.post(
        f"/admin/groups/{k.group.id}/invitations", data={"role": "participant", "days": 3}
    ),
    "admin.invitation.revoke": lambda c, k: c.post(
        f"/admin/invitations/{gen_invitation(k.group)[0].id}/revoke"
    ),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_admin_action_writes_one_audit_entry(
    admin_client: FlaskClient, course: Course, action: str
) -> None:
    response = ACTIONS[action](admin_client, course)
    assert response.status_code in (200, 302)
    assert audit_actions() == [action]
    entry = db.session.scalar(db.select(AuditEntry))
    assert entry is not None and entry.actor_id == course.admin.id


def test_reactivations_write_one_audit_entry_each(
    admin_client: FlaskClient, course: Course
) -> None:
    person = course.participants[0]
    person.active = False
    membership = course.group.membership_of(course.participants[1].id)
    assert membership is not None
    membership.status = membership.status.REMOVED
    db.session.commit()
    admin_client.post(f"/admin/people/{person.id}/reactivate")
    admin_client.post(f"/admin/groups/{course.group.id}/members/{membership.id}/reactivate")
    assert audit_actions() == ["admin.user.reactivate", "admin.membership.reactivate"]


def test_the_audit_log_is_newest_first_and_paginated(
    admin_client: FlaskClient, course: Course
) -> None:
    start = utcnow() - timedelta(hours=2)
    for i in range(60):
        entry = audit("room.warn", course.facilitator.id, group_id=course.group.id)
        entry.at = start + timedelta(minutes=i)
    newest = audit("admin.user.update", course.admin.id, target_user_id=course.participants[0].id)
    newest.at = start + timedelta(hours=1, minutes=30)
    db.session.commit()

    first = admin_client.get("/admin/audit").get_data(as_text=True)
    assert first.count("<tr>") == 1 + 50
    assert first.index("Account of") < first.index("room.warn")
    assert "Page 1 of 2" in first
    second = admin_client.get("/admin/audit?page=2").get_data(as_text=True)
    assert second.count("<tr>") == 1 + 11


def test_the_audit_log_can_be_filtered_by_group(admin_client: FlaskClient, course: Course) -> None:
    audit(
        "room.warn", course.facilitator.id, group_id=course.group.id, meeting_id=course.meeting.id
    )
    audit("room.chat_off", course.other_facilitator.id, group_id=course.other_group.id)
    db.session.commit()
    html = admin_client.get(f"/admin/audit?group={course.group.id}").get_data(as_text=True)
    assert "room.warn" in html and "Chat turned off" not in html
    assert course.facilitator.display_name in html
    everything = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "room.warn" in everything and "Chat turned off" in everything


def test_the_audit_log_names_actor_target_group_and_meeting(
    admin_client: FlaskClient, course: Course
) -> None:
    target = gen_user(display_name="Target person")
    audit(
        "room.remove",
        course.facilitator.id,
        target_user_id=target.id,
        group_id=course.group.id,
        meeting_id=course.meeting.id,
    )
    db.session.commit()
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    for text in (course.facilitator.login, course.group.name, "removed from the meeting"):
        assert text in html
    assert f'Target person <span class="muted">({target.login})</span>' in html
    assert "room.remove" not in html


# --- what the log says ------------------------------------------------------------------------

SERVER = Path(server.__file__).parent
# An event name as the code writes it, whole: "room.mute", "group.agreement_edit",
# "admin.user.create", or f"{area}.meeting.move" for each area such a function is called for.
WRITTEN = re.compile(r'"((?:room|group)\.[a-z_]+|(?:admin|\{area\})\.[a-z_]+\.[a-z_]+)"')
AREA = re.compile(r'area: str = "([a-z_]+)"|area="([a-z_]+)"')


def events_the_code_writes() -> set[str]:
    """Every audit event named in server/ (but the sentences' own list)."""
    names: set[str] = set()
    areas: set[str] = set()
    for path in SERVER.rglob("*.py"):
        if path == SERVER / "admin" / "audit.py":
            continue
        text = path.read_text(encoding="utf-8")
        names.update(WRITTEN.findall(text))
        areas.update(a or b for a, b in AREA.findall(text))
    return {
        name.replace("{area}", area)
        for name in names
        for area in (areas if "{area}" in name else {""})
    }


def test_every_event_the_code_writes_has_a_sentence() -> None:
    written = events_the_code_writes()
    # The search finds what it must: events of the admin area, the room and the facilitators.
    assert {
        "admin.user.create",
        "admin.meeting.move",
        "room.mute",
        "group.agreement_edit",
    } <= written
    assert sorted(written - set(SENTENCES)) == []


def test_every_sentence_is_for_an_event_the_code_writes() -> None:
    assert sorted(set(SENTENCES) - events_the_code_writes()) == []


def test_the_log_says_what_happened_in_the_readers_language(
    admin_client: FlaskClient, course: Course
) -> None:
    birch = course.participants[0]
    audit("room.mute", course.facilitator.id, target_user_id=birch.id, group_id=course.group.id)
    audit("room.lock", course.facilitator.id, group_id=course.group.id)
    db.session.commit()
    named = f'\u2068Birch <span class="muted">({birch.login})</span>\u2069'
    english = admin_client.get("/admin/audit").get_data(as_text=True)
    assert f"Microphone of {named} muted" in english and "Room locked" in english
    danish = admin_client.get("/admin/audit", headers={"Accept-Language": "da"}).get_data(
        as_text=True
    )
    assert f"Mikrofonen hos {named} blev slukket" in danish and "Rummet blev låst" in danish
    for page in (english, danish):
        assert "room.mute" not in page and "room.lock" not in page


def test_an_unknown_event_says_something_changed_and_names_it(
    admin_client: FlaskClient, course: Course
) -> None:
    birch = course.participants[0]
    audit("room.warn", course.facilitator.id)
    audit("room.shrug", course.facilitator.id, target_user_id=birch.id)
    db.session.commit()
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Something changed (\u2068room.warn\u2069)" in html
    assert f'Something changed for \u2068Birch <span class="muted">({birch.login})</span>' in html
    assert "(\u2068room.shrug\u2069)" in html


def test_a_person_whose_account_is_gone_is_said_to_be(
    admin_client: FlaskClient, course: Course
) -> None:
    audit("admin.user.deactivate", course.admin.id)  # the person's account was deleted since
    db.session.commit()
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Account of \u2068(deleted account)\u2069 deactivated" in html


def test_names_in_the_sentences_are_escaped(admin_client: FlaskClient, course: Course) -> None:
    person = gen_user(display_name="<b>Bold</b>")
    audit("admin.membership.add", course.admin.id, target_user_id=person.id)
    db.session.commit()
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold</b>" not in html
