"""Administrators add several people to a group in one go: each through the same rules as one
(places, names, administrators), each reported by name."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from server.extensions import db
from server.models import Membership, MembershipRole, Role, User
from tests.admin.conftest import audit_actions
from tests.conftest import Course
from tests.factories import gen_user


def add(client: FlaskClient, course: Course, people: list[User], role: str = "participant") -> str:
    response = client.post(
        f"/admin/groups/{course.group.id}/members",
        data={"user_id": [person.id for person in people], "role": role},
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def active_member(course: Course, person: User) -> bool:
    membership = course.group.membership_of(person.id)
    return membership is not None and membership.active


def test_an_admin_adds_three_people_at_once(admin_client: FlaskClient, course: Course) -> None:
    three = [gen_user(display_name=name) for name in ("Kestrel", "Lark", "Robin")]
    page = add(admin_client, course, three)
    for person in three:
        assert f"{person.display_name} is now a member of the group." in page
        assert active_member(course, person)
    assert audit_actions() == ["admin.membership.add"] * 3
    assert "6 of 6 participant places taken" in page


def test_a_full_group_adds_whom_it_has_room_for_and_names_who_not(
    admin_client: FlaskClient, course: Course
) -> None:
    course.group.capacity = 5
    db.session.commit()
    three = [gen_user(display_name=name) for name in ("Kestrel", "Lark", "Robin")]
    page = add(admin_client, course, three)
    assert "Kestrel is now a member of the group." in page
    assert "Lark is now a member of the group." in page
    assert (
        "Robin is not added: The group is full. Raise its capacity or remove a participant first."
        in page
    )
    assert [active_member(course, person) for person in three] == [True, True, False]
    assert audit_actions() == ["admin.membership.add"] * 2
    # The refusal comes first, as an alert.
    assert re.search(r'<p class="flash flash-error" role="alert">Robin is not added', page)
    assert page.index("Robin is not added") < page.index("Kestrel is now")


def test_a_name_like_a_members_is_refused_by_name_and_the_others_are_added(
    admin_client: FlaskClient, course: Course
) -> None:
    impostor = gen_user(display_name="M\u0456ra")  # a Cyrillic i, passing for the facilitator
    honest = gen_user(display_name="Wren")
    page = add(admin_client, course, [impostor, honest])
    assert "M\u0456ra is not added: Someone in this group already uses a name like" in page
    assert "Wren is now a member of the group." in page
    assert not active_member(course, impostor) and active_member(course, honest)


def test_two_chosen_people_with_the_same_name_are_not_both_added(
    admin_client: FlaskClient, course: Course
) -> None:
    first, second = gen_user(display_name="Sky"), gen_user(display_name="sky")
    page = add(admin_client, course, [first, second])
    assert [active_member(course, first), active_member(course, second)] == [True, False]
    assert "sky is not added" in page


def test_adding_facilitators_at_once_takes_no_participant_place(
    admin_client: FlaskClient, course: Course
) -> None:
    course.group.capacity = 3
    db.session.commit()
    two = [gen_user(Role.FACILITATOR, display_name=n) for n in ("Ash", "Elm")]
    add(admin_client, course, two, role="co_facilitator")
    roles = [course.group.membership_of(person.id).role for person in two]  # type: ignore[union-attr]
    assert roles == [MembershipRole.CO_FACILITATOR] * 2


def test_adding_nobody_adds_nobody(admin_client: FlaskClient, course: Course) -> None:
    before = db.session.scalar(db.select(db.func.count(Membership.id)))
    page = add(admin_client, course, [])
    assert "Choose at least one person and a role." in page
    assert db.session.scalar(db.select(db.func.count(Membership.id))) == before


@pytest.mark.parametrize("who", ["participant", "facilitator"])
def test_someone_who_is_not_an_admin_cannot_add_members(
    login_as,
    course: Course,
    who: str,  # type: ignore[no-untyped-def]
) -> None:
    person = course.participants[0] if who == "participant" else course.facilitator
    three = [gen_user() for _ in range(3)]
    response = login_as(person).post(
        f"/admin/groups/{course.group.id}/members",
        data={"user_id": [p.id for p in three], "role": "participant"},
    )
    assert response.status_code == 403
    assert not any(active_member(course, p) for p in three)
    assert audit_actions() == []


def test_the_group_page_offers_a_box_for_each_person_and_ticks_none(
    admin_client: FlaskClient, course: Course
) -> None:
    many = [gen_user(display_name=f"Person {n:02d}") for n in range(14)]
    page = admin_client.get(f"/admin/groups/{course.group.id}").get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*name="user_id"[^>]*>', page)
    # The fourteen, the outsider and the other group's facilitator; no administrator, no member.
    assert len(boxes) == 16
    assert not any("checked" in box for box in boxes)
    assert f"{many[0].display_name} ({many[0].login})" in page
    assert f"({course.admin.login})" not in page
    assert f'value="{course.participants[0].id}"' not in "".join(boxes)
    # So many that they scroll in a box of their own, under their legend.
    assert "<legend>People to add</legend>" in page and "choices-scroll" in page
