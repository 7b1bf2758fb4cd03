"""Who may send each event: the registry's policy holds for every role, through real sockets:
someone not joined (an outsider, an admin who is not a member), waiting in the lobby, an admitted
participant, a removed participant, a co-facilitator."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from server.extensions import db
from server.room.socket.dispatch import registered_events
from tests import factories
from tests.conftest import Course
from tests.room.conftest import LiveMeeting, Sock
from tests.room.samples import EVENTS_WITH_SAMPLES, sample_payload

REFUSALS = {"not_joined", "not_admitted", "forbidden", "not_member"}


def test_every_registered_event_has_a_sample_payload() -> None:
    assert set(registered_events()) == EVENTS_WITH_SAMPLES


@pytest.mark.parametrize("event", sorted(EVENTS_WITH_SAMPLES - {"join"}))
def test_each_role_gets_what_the_policy_says(
    event: str,
    meeting: LiveMeeting,
    enter: Callable[..., Sock],
    connect: Callable[..., Sock],
    course: Course,
) -> None:
    policy = registered_events()[event].policy
    target = meeting.participants[1].user.id
    payload = sample_payload(event, target)

    def code(sock: Sock) -> str | None:
        ack = sock.send(event, **payload)
        return None if ack["ok"] else ack["error"]["code"]

    # Removed from the meeting: out, whatever the event.
    extra = factories.gen_user(display_name="Rowan")
    factories.gen_membership(course.group, extra)
    course.group.capacity = 10
    db.session.commit()
    removed = enter(extra)
    assert meeting.facilitator.send("remove_from_meeting", user_id=extra.id)["ok"]
    assert code(removed) == "not_joined"

    # Not joined: an outsider, an admin who is not a member, anyone before joining.
    for person in (course.outsider, course.admin, course.other_facilitator):
        assert code(connect(person)) == "not_joined"

    # Waiting in the lobby.
    meeting.participants[2].send("leave")
    waiting = enter(course.participants[2])
    lobby_code = code(waiting)
    if policy == "joined":
        assert lobby_code not in REFUSALS
    else:
        assert lobby_code == "not_admitted"

    participant_code = code(meeting.participants[0])
    if policy == "facilitator":
        assert participant_code == "forbidden"
    else:
        assert participant_code not in REFUSALS

    assert code(meeting.co) not in REFUSALS
