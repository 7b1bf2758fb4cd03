"""What the admin forms start on: no select starts on an administrator, a role select starts on
the least powerful role (participant), and nobody is added to a group because they came first in
the list."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from server.extensions import db
from server.models import Membership
from tests.admin.conftest import audit_actions
from tests.conftest import Course


class Selects(HTMLParser):
    """Each select of a page by its id: its options (value, label) and the one it starts on."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, tuple[list[tuple[str, str]], str]] = {}
        self._name: str | None = None
        self._options: list[tuple[str, str]] = []
        self._selected: str | None = None
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "select":
            self._name, self._options, self._selected = found.get("id") or "", [], None
        elif tag == "option" and self._name is not None:
            self._option = found.get("value") or ""
            if "selected" in found and self._selected is None:
                self._selected = self._option
            self._options.append((self._option, ""))

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            value, label = self._options[-1]
            self._options[-1] = (value, label + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._option = None
        elif tag == "select" and self._name is not None:
            # A browser starts on the first option when none is marked selected.
            first = self._options[0][0] if self._options else ""
            start = first if self._selected is None else self._selected
            self.found[self._name] = (self._options, start)
            self._name = None


def selects(html: str) -> dict[str, tuple[list[tuple[str, str]], str]]:
    parser = Selects()
    parser.feed(html)
    return parser.found


NEW_FORMS = {
    "a new person": "/admin/people/new",
    "adding a member": "/admin/groups/{group}",
    "an invitation": "/admin/groups/{group}/invitations",
}


@pytest.mark.parametrize("page", NEW_FORMS)
def test_no_select_starts_on_an_administrator(
    admin_client: FlaskClient, course: Course, page: str
) -> None:
    path = NEW_FORMS[page].format(group=course.other_group.id)
    html = admin_client.get(path).get_data(as_text=True)
    admin = course.admin
    for name, (options, start) in selects(html).items():
        if name in ("language", "language-choice"):
            continue
        label = dict(options)[start]
        assert start != "admin" and "Administrator" not in label, (page, name, label)
        assert admin.login not in label and admin.display_name not in label, (page, name, label)


@pytest.mark.parametrize("page", NEW_FORMS)
def test_a_role_select_starts_on_participant(
    admin_client: FlaskClient, course: Course, page: str
) -> None:
    path = NEW_FORMS[page].format(group=course.other_group.id)
    # "role" is the new entry's; a member's own select ("role-<id>") shows the role they have.
    options, start = selects(admin_client.get(path).get_data(as_text=True))["role"]
    assert start == "participant"
    assert options[0][0] == "participant", "the least powerful role comes first"


def test_adding_members_starts_with_nobody_ticked_and_lists_no_administrator(
    admin_client: FlaskClient, course: Course
) -> None:
    html = admin_client.get(f"/admin/groups/{course.other_group.id}").get_data(as_text=True)
    boxes = re.findall(
        r'<label class="checkbox">(<input[^>]*name="user_id"[^>]*>)([^<]*)</label>', html
    )
    assert boxes, "no person to tick"
    assert not any("checked" in box for box, _ in boxes)
    listed = [label.strip() for _, label in boxes]
    assert not any(re.search(rf"\({course.admin.login}\)", x) for x in listed)
    assert f"{course.facilitator.display_name} ({course.facilitator.login})" in listed


def test_adding_a_member_without_choosing_a_person_adds_nobody(
    admin_client: FlaskClient, course: Course
) -> None:
    before = db.session.scalar(db.select(db.func.count(Membership.id)))
    response = admin_client.post(
        f"/admin/groups/{course.other_group.id}/members",
        data={"user_id": "", "role": "participant"},
        follow_redirects=True,
    )
    assert "Choose at least one person and a role." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Membership.id))) == before
    assert audit_actions() == []
