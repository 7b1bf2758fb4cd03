"""Administrators manage accounts: creating, editing, deactivating, password links."""

from __future__ import annotations

from flask.testing import FlaskClient

from server.extensions import db
from server.models import MembershipStatus, PasswordReset, Role, User
from server.models.types import hash_token
from tests.admin.conftest import audit_actions, shown_link, token_of
from tests.conftest import Course


def _new_person(**overrides: str) -> dict[str, str]:
    data = {
        "login": "Rowan",
        "display_name": "Rowan",
        "role": "participant",
        "email": "",
        "language": "",
    }
    data.update(overrides)
    return data


def _find(login: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.login == login))


def test_an_admin_creates_a_person_who_then_chooses_their_own_password(
    admin_client: FlaskClient, client: FlaskClient, course: Course
) -> None:
    response = admin_client.post("/admin/people/new", data=_new_person(login="  Rowan.K "))
    assert response.status_code == 200
    person = _find("rowan.k")
    assert person is not None and person.role == Role.PARTICIPANT and person.active
    assert person.language is None and person.email is None
    link = shown_link(response.get_data(as_text=True), "reset")
    token = token_of(link)
    # The link is shown once; only its hash is stored.
    reset = db.session.scalar(db.select(PasswordReset).where(PasswordReset.user_id == person.id))
    assert reset is not None and reset.token_hash == hash_token(token)
    assert reset.created_by_id == course.admin.id
    assert audit_actions() == ["admin.user.create"]

    assert client.get(f"/reset/{token}").status_code == 200
    client.post(
        f"/reset/{token}", data={"password": "a-new-password-1", "confirm": "a-new-password-1"}
    )
    response = client.post("/login", data={"login": "Rowan.K", "password": "a-new-password-1"})
    assert response.status_code == 302


def test_creating_a_person_with_a_taken_login_name_fails_with_a_message(
    admin_client: FlaskClient, course: Course
) -> None:
    taken = course.participants[0].login.upper()
    before = db.session.scalar(db.select(db.func.count(User.id)))
    response = admin_client.post("/admin/people/new", data=_new_person(login=taken))
    assert response.status_code == 200
    assert "This login name is taken." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == before
    assert audit_actions() == []


def test_a_login_name_with_spaces_or_symbols_is_refused(admin_client: FlaskClient) -> None:
    response = admin_client.post("/admin/people/new", data=_new_person(login="two words!"))
    assert "Use only letters, digits, dots, dashes and underscores." in response.get_data(
        as_text=True
    )
    assert _find("two words!") is None


def test_an_admin_can_change_a_persons_role_and_display_name(
    admin_client: FlaskClient, course: Course
) -> None:
    person = course.participants[0]
    response = admin_client.post(
        f"/admin/people/{person.id}",
        data={
            "display_name": "Aspen",
            "role": "facilitator",
            "email": "a@example.org",
            "language": "en",
        },
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.display_name, person.role, person.email, person.language) == (
        "Aspen",
        Role.FACILITATOR,
        "a@example.org",
        "en",
    )
    assert audit_actions() == ["admin.user.update"]


def test_an_admin_cannot_take_away_their_own_admin_role(
    admin_client: FlaskClient, course: Course
) -> None:
    response = admin_client.post(
        f"/admin/people/{course.admin.id}",
        data={"display_name": "Admin", "role": "participant", "email": "", "language": ""},
        follow_redirects=True,
    )
    assert "You cannot take away your own administrator role." in response.get_data(as_text=True)
    db.session.refresh(course.admin)
    assert course.admin.role == Role.ADMIN
    assert audit_actions() == []


def test_deactivation_ends_sessions_and_live_connections(
    admin_client: FlaskClient,
    login_as,
    course: Course,
    disconnected: list[int],  # type: ignore[no-untyped-def]
) -> None:
    person = course.participants[0]
    their_client = login_as(person)
    assert their_client.get("/").status_code == 200
    response = admin_client.post(f"/admin/people/{person.id}/deactivate", follow_redirects=True)
    assert "is deactivated and logged out everywhere" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert not person.active
    assert disconnected == [person.id]
    assert their_client.get("/").headers["Location"].startswith("/login")
    assert audit_actions() == ["admin.user.deactivate"]


def test_an_admin_cannot_deactivate_themselves(
    admin_client: FlaskClient, course: Course, disconnected: list[int]
) -> None:
    response = admin_client.post(
        f"/admin/people/{course.admin.id}/deactivate", follow_redirects=True
    )
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    db.session.refresh(course.admin)
    assert course.admin.active
    assert disconnected == []
    assert audit_actions() == []


def test_a_deactivated_person_can_be_reactivated(admin_client: FlaskClient, course: Course) -> None:
    person = course.participants[0]
    admin_client.post(f"/admin/people/{person.id}/deactivate")
    admin_client.post(f"/admin/people/{person.id}/reactivate")
    db.session.refresh(person)
    assert person.active
    assert audit_actions() == ["admin.user.deactivate", "admin.user.reactivate"]


def test_a_password_link_is_shown_once_and_only_its_hash_is_stored(
    admin_client: FlaskClient, client: FlaskClient, course: Course
) -> None:
    person = course.participants[0]
    response = admin_client.post(f"/admin/people/{person.id}/reset-link")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-copy-target="#one-time-link"' in html
    token = token_of(shown_link(html, "reset"))
    resets = db.session.scalars(db.select(PasswordReset)).all()
    assert [r.token_hash for r in resets] == [hash_token(token)]
    assert token not in admin_client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert client.get(f"/reset/{token}").status_code == 200
    assert audit_actions() == ["admin.user.reset_link"]


def test_no_password_link_for_a_deactivated_account(
    admin_client: FlaskClient, course: Course
) -> None:
    person = course.participants[0]
    person.active = False
    db.session.commit()
    response = admin_client.post(f"/admin/people/{person.id}/reset-link", follow_redirects=True)
    assert "Reactivate the account before making a password link." in response.get_data(
        as_text=True
    )
    assert db.session.scalars(db.select(PasswordReset)).all() == []


def test_the_people_page_lists_login_display_name_role_and_status(
    admin_client: FlaskClient, course: Course
) -> None:
    course.participants[1].active = False
    db.session.commit()
    html = admin_client.get("/admin/people").get_data(as_text=True)
    for person in (course.admin, course.facilitator, *course.participants):
        assert person.login in html and person.display_name in html
    assert "Deactivated" in html and "Administrator" in html


def test_a_member_of_a_group_cannot_be_made_an_admin(
    admin_client: FlaskClient, course: Course
) -> None:
    # An admin who is also the group's facilitator would enter its rooms and read its private line.
    person = course.facilitator
    response = admin_client.post(
        f"/admin/people/{person.id}",
        data={"display_name": "Mira", "role": "admin", "email": "", "language": ""},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "an administrator cannot be" in html and "keeps two accounts" in html
    db.session.refresh(person)
    assert person.role == Role.FACILITATOR
    assert audit_actions() == []


def test_someone_who_left_every_group_can_be_made_an_admin(
    admin_client: FlaskClient, course: Course
) -> None:
    person = course.outsider
    membership = course.other_group.membership_of(person.id)
    assert membership is not None
    membership.status = MembershipStatus.REMOVED
    db.session.commit()
    admin_client.post(
        f"/admin/people/{person.id}",
        data={"display_name": "Outsider", "role": "admin", "email": "", "language": ""},
    )
    db.session.refresh(person)
    assert person.role == Role.ADMIN


def test_an_admin_cannot_give_a_member_a_name_that_passes_for_anothers(
    admin_client: FlaskClient, course: Course
) -> None:
    person = course.participants[0]
    response = admin_client.post(
        f"/admin/people/{person.id}",
        data={"display_name": "J0NAS", "role": "participant", "email": "", "language": ""},
        follow_redirects=True,
    )
    assert "already uses a name like this" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.display_name == "Birch"
    assert audit_actions() == []
