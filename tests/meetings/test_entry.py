from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from server.agreements import default_agreement
from server.extensions import db
from server.meetings.service import accept, has_accepted, needs_acceptance
from server.models import Acknowledgement, MeetingStatus, MembershipRole, utcnow
from tests.conftest import Course
from tests.factories import gen_membership

ACCEPT = {"accept": "y"}


def acknowledgements(user_id: int) -> list[Acknowledgement]:
    return list(
        db.session.scalars(db.select(Acknowledgement).where(Acknowledgement.user_id == user_id))
    )


def entry(course: Course) -> str:
    return f"/meetings/{course.meeting.id}"


def room(course: Course) -> str:
    return f"/meetings/{course.meeting.id}/room"


def post_accept(client: FlaskClient, course: Course):  # type: ignore[no-untyped-def]
    return client.post(
        entry(course), data={**ACCEPT, "version": str(course.group.agreement_version)}
    )


def test_an_anonymous_visitor_is_sent_to_log_in(client: FlaskClient, course: Course) -> None:
    for url in (entry(course), room(course)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["admin", "outsider", "other_facilitator"])
def test_people_outside_the_group_get_not_found(login_as, course: Course, who: str) -> None:  # type: ignore[no-untyped-def]
    client = login_as(getattr(course, who))
    for url in (entry(course), room(course)):
        assert client.get(url).status_code == 404
    assert client.post(entry(course), data=ACCEPT).status_code == 404
    assert acknowledgements(getattr(course, who).id) == []


def test_an_admin_with_a_membership_row_gets_not_found(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    # A row left from before, or made by hand: it gives an administrator nothing.
    gen_membership(course.group, course.admin, MembershipRole.FACILITATOR)
    client = login_as(course.admin)
    for url in (entry(course), room(course), f"/groups/{course.group.id}/attendance"):
        assert client.get(url).status_code == 404
    assert client.post(entry(course), data=ACCEPT).status_code == 404
    assert acknowledgements(course.admin.id) == []


def test_an_unknown_meeting_is_not_found(participant_client: FlaskClient) -> None:
    assert participant_client.get("/meetings/999999").status_code == 404


def test_a_participant_sees_the_agreement_and_the_limits_of_confidentiality(
    participant_client: FlaskClient, course: Course
) -> None:
    course.group.language = "en"
    course.group.set_agreement("We keep each other's stories.\nPhones face down.")
    db.session.commit()
    html = participant_client.get(entry(course)).get_data(as_text=True)
    assert "We keep each other&#39;s stories." in html
    assert "Phones face down." in html
    assert "Someone else may be in the room with another member" in html
    assert "Monitoring software" in html
    assert "legal duties" in html
    assert "Kreds records nothing" in html
    assert "I accept the agreement for this meeting" in html


def _agreement_block(html: str) -> str:
    """The part of the agreement page in the group's language: the agreement and its limits."""
    match = re.search(r'<div class="stack" (lang="[^"]*" dir="[^"]*")>(.*?)</div>', html, re.S)
    assert match, "no agreement block on the page"
    return match.group(1) + match.group(2)


def test_a_danish_groups_agreement_and_limits_are_in_danish_for_an_english_reader(
    participant_client: FlaskClient, course: Course
) -> None:
    assert course.group.language == "da"
    page = participant_client.get(entry(course)).get_data(as_text=True)
    block = _agreement_block(page)
    assert block.startswith('lang="da" dir="ltr"')
    # The group's agreement (its Danish default) and its limits, in Danish.
    assert "Det, der bliver sagt her, bliver her" in block
    assert "Vores aftale" in block
    assert "Hvad fortroligheden ikke kan dække" in block
    assert "Der kan sidde en anden i rummet hos et andet medlem" in block
    assert "Someone else may be in the room" not in page
    # The rest of the page is in the person's own language.
    assert '<html lang="en"' in page
    assert "Before the meeting" in page
    assert "I accept the agreement for this meeting" in page
    assert "If you have to leave in a hurry" in page


def test_an_english_groups_limits_are_in_english_for_a_danish_reader(
    login_as, course: Course
) -> None:  # type: ignore[no-untyped-def]
    course.group.language = "en"
    course.participants[0].language = "da"
    db.session.commit()
    page = login_as(course.participants[0]).get(entry(course)).get_data(as_text=True)
    block = _agreement_block(page)
    assert block.startswith('lang="en" dir="ltr"')
    assert "Someone else may be in the room with another member" in block
    assert "Før mødet" in page and "Before the meeting" not in page


def test_an_arabic_groups_agreement_is_right_to_left_in_a_left_to_right_page(
    participant_client: FlaskClient, course: Course
) -> None:
    course.group.language = "ar"
    course.group.set_agreement(default_agreement("ar"))
    db.session.commit()
    page = participant_client.get(entry(course)).get_data(as_text=True)
    block = _agreement_block(page)
    assert block.startswith('lang="ar" dir="rtl"')
    assert "ما يقال هنا يبقى هنا" in block
    assert "ما لا تشمله السرية" in block
    assert '<html lang="en" dir="ltr"' in page


def test_the_agreement_must_be_ticked(participant_client: FlaskClient, course: Course) -> None:
    person = course.participants[0]
    response = participant_client.post(
        entry(course), data={"version": str(course.group.agreement_version)}
    )
    assert response.status_code == 200
    assert "Tick the box to accept the agreement." in response.get_data(as_text=True)
    assert acknowledgements(person.id) == []


def test_accepting_leads_to_the_room_once_per_version(
    participant_client: FlaskClient, course: Course
) -> None:
    person = course.participants[0]
    response = post_accept(participant_client, course)
    assert response.status_code == 302
    assert response.headers["Location"] == room(course)
    assert participant_client.get(room(course)).status_code == 200

    # Coming back does not ask again, and does not walk into the room by itself either (Back
    # after "Leave quickly" lands here): it offers the way in.
    again = participant_client.get(entry(course))
    assert again.status_code == 200
    assert f'href="{room(course)}"' in again.get_data(as_text=True)
    assert 'name="accept"' not in again.get_data(as_text=True)
    post_accept(participant_client, course)
    assert len(acknowledgements(person.id)) == 1


def test_a_new_agreement_version_must_be_accepted_again(
    participant_client: FlaskClient, course: Course
) -> None:
    person = course.participants[0]
    post_accept(participant_client, course)
    course.group.set_agreement("A new rule.")
    db.session.commit()

    response = participant_client.get(room(course))
    assert response.status_code == 302 and response.headers["Location"] == entry(course)
    assert "A new rule." in participant_client.get(entry(course)).get_data(as_text=True)
    post_accept(participant_client, course)
    versions = sorted(a.agreement_version for a in acknowledgements(person.id))
    assert versions == [1, 2]


def test_accepting_a_version_changed_meanwhile_is_not_recorded(
    participant_client: FlaskClient, course: Course
) -> None:
    person = course.participants[0]
    old_version = course.group.agreement_version
    course.group.set_agreement("Changed while the page was open.")
    db.session.commit()
    response = participant_client.post(entry(course), data={**ACCEPT, "version": str(old_version)})
    assert response.status_code == 200
    assert "Please read it again" in response.get_data(as_text=True)
    assert acknowledgements(person.id) == []


@pytest.mark.parametrize("who", ["facilitator", "co_facilitator"])
def test_facilitators_go_straight_to_the_room(login_as, course: Course, who: str) -> None:  # type: ignore[no-untyped-def]
    client = login_as(getattr(course, who))
    response = client.get(entry(course))
    assert response.status_code == 302 and response.headers["Location"] == room(course)
    html = client.get(room(course)).get_data(as_text=True)
    role = "facilitator" if who == "facilitator" else "co_facilitator"
    assert f'data-role="{role}"' in html


def test_the_room_page_refuses_participants_who_have_not_accepted(
    participant_client: FlaskClient, course: Course
) -> None:
    response = participant_client.get(room(course))
    assert response.status_code == 302
    assert response.headers["Location"] == entry(course)


def test_the_room_page_carries_what_the_live_room_needs(
    participant_client: FlaskClient, course: Course
) -> None:
    person = course.participants[0]
    post_accept(participant_client, course)
    html = participant_client.get(room(course)).get_data(as_text=True)
    assert 'class="page room-page"' in html
    assert f'data-meeting-id="{course.meeting.id}"' in html
    assert f'data-user-id="{person.id}"' in html
    assert f'data-display-name="{person.display_name}"' in html
    assert 'data-role="participant"' in html
    assert "data-language=" in html
    assert "data-quick-exit-url=" in html
    assert "<noscript>" in html
    assert 'type="module" src="/static/dist/room.js"' in html


def test_a_room_that_is_not_open_says_when_it_opens(
    participant_client: FlaskClient, course: Course
) -> None:
    course.meeting.starts_at = utcnow() + timedelta(days=2)
    db.session.commit()
    response = participant_client.get(entry(course))
    assert response.status_code == 200
    assert "The room is not open yet" in response.get_data(as_text=True)
    assert participant_client.get(room(course)).headers["Location"] == entry(course)
    assert post_accept(participant_client, course).status_code == 200
    assert acknowledgements(course.participants[0].id) == []


def test_a_cancelled_meeting_says_so(participant_client: FlaskClient, course: Course) -> None:
    course.meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    html = participant_client.get(entry(course)).get_data(as_text=True)
    assert "This meeting was cancelled" in html


def test_an_ended_meeting_says_so(facilitator_client: FlaskClient, course: Course) -> None:
    course.meeting.starts_at = utcnow() - timedelta(hours=4)
    db.session.commit()
    html = facilitator_client.get(entry(course)).get_data(as_text=True)
    assert "This meeting has ended" in html
    assert facilitator_client.get(room(course)).status_code == 302


def test_the_gate_functions_follow_the_current_version(course: Course) -> None:
    person = course.participants[0]
    membership = course.group.membership_of(person.id)
    facilitator = course.group.membership_of(course.facilitator.id)
    assert membership is not None and facilitator is not None
    assert not has_accepted(person.id, course.meeting)
    assert needs_acceptance(membership, course.meeting)
    assert not needs_acceptance(facilitator, course.meeting)
    accept(person.id, course.meeting)
    accept(person.id, course.meeting)
    db.session.commit()
    assert has_accepted(person.id, course.meeting)
    assert len(acknowledgements(person.id)) == 1
    course.group.set_agreement("Another text.")
    db.session.commit()
    assert not has_accepted(person.id, course.meeting)
