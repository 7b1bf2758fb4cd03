from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from server.extensions import db
from tests.conftest import Course
from tests.factories import PASSWORD, log_in

NEW_PASSWORD = "another-long-password"


def profile(**overrides: str) -> dict[str, str]:
    data = {
        "profile-display_name": "Rowan",
        "profile-language": "en",
        "profile-timezone": "America/New_York",
    }
    data.update(overrides)
    return data


def change_password(client: FlaskClient, **overrides: str):  # type: ignore[no-untyped-def]
    data = {"pw-current": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD}
    data.update(overrides)
    return client.post("/account/password", data=data)


def test_an_anonymous_visitor_is_sent_to_log_in(client: FlaskClient, course: Course) -> None:
    for method, url in (
        ("get", "/account"),
        ("post", "/account"),
        ("post", "/account/password"),
        ("post", "/account/calendar"),
        ("post", "/account/calendar/stop"),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_the_account_page_shows_the_sections(
    participant_client: FlaskClient, course: Course
) -> None:
    html = participant_client.get("/account").get_data(as_text=True)
    assert "We advise you not to use your real name." in html
    assert "Change password" in html
    assert "Create a calendar link" in html
    assert "Anyone who has the link can see your meeting times." in html
    assert '<option selected value="Europe/Copenhagen">' in html


def test_a_person_changes_name_language_and_time_zone(
    participant_client: FlaskClient, course: Course
) -> None:
    response = participant_client.post("/account", data=profile())
    assert response.status_code == 302
    person = course.participants[0]
    db.session.refresh(person)
    assert (person.display_name, person.language, person.timezone) == (
        "Rowan",
        "en",
        "America/New_York",
    )


def test_an_unknown_time_zone_is_refused(participant_client: FlaskClient, course: Course) -> None:
    response = participant_client.post(
        "/account", data=profile(**{"profile-timezone": "Mars/Base"})
    )
    assert response.status_code == 200
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    person = course.participants[0]
    db.session.refresh(person)
    assert person.timezone == "Europe/Copenhagen"


@pytest.mark.parametrize("empty", [" ", "\u200b\u200b", "\u200e\u2060", "\u00ad"])
def test_an_empty_or_invisible_display_name_is_refused(
    participant_client: FlaskClient, course: Course, empty: str
) -> None:
    response = participant_client.post("/account", data=profile(**{"profile-display_name": empty}))
    assert "Choose a name others will see." in response.get_data(as_text=True)
    db.session.refresh(course.participants[0])
    assert course.participants[0].display_name == "Birch"


@pytest.mark.parametrize(
    "impostor", ["mira", " Mira ", "MIRA", "M\u0456ra", "M\u200bira", "M1ra", "MI RA"]
)
def test_a_participant_cannot_take_a_name_like_the_facilitators(
    participant_client: FlaskClient, course: Course, impostor: str
) -> None:
    # In chat only the name shows: "Mira" from a participant would read as the facilitator.
    response = participant_client.post(
        "/account", data=profile(**{"profile-display_name": impostor})
    )
    assert response.status_code == 200
    assert (
        "Someone in one of your groups already uses a name like this. Please choose another."
        in response.get_data(as_text=True)
    )
    person = course.participants[0]
    db.session.refresh(person)
    assert (person.display_name, person.language, person.timezone) == (
        "Birch",
        None,
        "Europe/Copenhagen",
    )


def test_a_name_that_only_resembles_a_members_is_accepted(
    participant_client: FlaskClient, course: Course
) -> None:
    participant_client.post("/account", data=profile(**{"profile-display_name": "Mirabel"}))
    db.session.refresh(course.participants[0])
    assert course.participants[0].display_name == "Mirabel"


def test_the_names_of_other_groups_are_free(
    participant_client: FlaskClient, course: Course
) -> None:
    participant_client.post("/account", data=profile(**{"profile-display_name": "Outsider"}))
    db.session.refresh(course.participants[0])
    assert course.participants[0].display_name == "Outsider"


def test_changing_the_password_ends_the_other_sessions(login_as, app, course: Course) -> None:  # type: ignore[no-untyped-def]
    person = course.participants[0]
    here = login_as(person)
    elsewhere = login_as(person)
    assert elsewhere.get("/").status_code == 200

    response = change_password(here)
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert "/login" in elsewhere.get("/").headers["Location"]

    fresh = app.test_client()
    log_in(fresh, person, NEW_PASSWORD)


def test_a_wrong_current_password_changes_nothing(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    person = course.participants[0]
    here = login_as(person)
    elsewhere = login_as(person)
    response = change_password(here, **{"pw-current": "not-my-password"})
    assert response.status_code == 200
    assert "This is not your current password." in response.get_data(as_text=True)
    assert elsewhere.get("/").status_code == 200
    db.session.refresh(person)
    assert person.check_password(PASSWORD)


def test_a_short_new_password_is_refused(participant_client: FlaskClient, course: Course) -> None:
    response = change_password(
        participant_client, **{"pw-password": "short", "pw-confirm": "short"}
    )
    assert "Use at least 10 characters." in response.get_data(as_text=True)
    db.session.refresh(course.participants[0])
    assert course.participants[0].check_password(PASSWORD)


def test_the_language_switch_still_works(participant_client: FlaskClient, course: Course) -> None:
    response = participant_client.post("/language", data={"language": "en", "next": "/account"})
    assert response.headers["Location"] == "/account"
    db.session.refresh(course.participants[0])
    assert course.participants[0].language == "en"


def test_the_safety_page_is_public_and_explains_the_quick_exit(client: FlaskClient) -> None:
    response = client.get("/safety")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for words in (
        "Leave quickly",
        "Shift key three times",
        "camera and microphone",
        "does not erase your browser history",
        "private or incognito window",
        "legal duties",
        "not to use your real name",
        "facilitator",
    ):
        assert words in html
