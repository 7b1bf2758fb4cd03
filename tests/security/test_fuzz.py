"""Fuzzing: hypothesis-made payloads for every socket event and every form. No unhandled
exception, the connection stays up, the room's invariants hold, no server error."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.room.core.errors import CODES
from server.room.core.state import RoomState
from server.room.live.runtime import RoomRuntime
from server.room.socket.dispatch import registered_events
from tests.conftest import Course
from tests.room.conftest import LiveMeeting
from tests.room.samples import sample_payload

pytestmark = pytest.mark.database_agnostic

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
odd_text = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=990, max_size=1010),
    st.sampled_from(
        ["", " ", "\u0000", "\u202e", "😀" * 300, "<script>alert(1)</script>", "x" * 70_000]
    ),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    odd_text,
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = {"x": [value]}
    return value


def payloads(event: str, meeting_id: int, target: int) -> st.SearchStrategy[Any]:
    good = {"meeting_id": meeting_id, **sample_payload(event, target)}
    mutated = st.builds(
        lambda name, value: {**good, name: value},
        st.sampled_from([*good, "extra"]),
        json_values,
    )
    missing = st.sampled_from(sorted(good)).map(
        lambda name: {k: v for k, v in good.items() if k != name}
    )
    return st.one_of(json_values, mutated, missing, st.just(deep(200)), st.just(good))


def check_invariants(state: RoomState | None) -> None:
    if state is None:
        return
    assert len(state.queue) == len(set(state.queue))
    for user_id in state.queue:
        assert state.people[user_id].admitted
    if state.floor is not None:
        assert state.people[state.floor.user_id].admitted
    if state.round is not None:
        assert len(state.round.order) == len(set(state.round.order))
        assert state.floor is not None and state.floor.user_id == state.round.current


def _acknowledged_properly(ack: Any) -> None:
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
    if not ack["ok"]:
        assert ack["error"]["code"] in CODES and ack["error"]["code"] != "internal", ack
        assert ack["error"]["message"]


@pytest.mark.parametrize("event", sorted(registered_events()))
def test_fuzzed_payloads_never_break_the_room(
    event: str, meeting: LiveMeeting, room: RoomRuntime, course: Course
) -> None:
    target = meeting.participants[1].user.id
    senders = [meeting.facilitator, meeting.participants[0]]

    @FUZZ
    @given(payload=payloads(event, course.meeting.id, target), who=st.sampled_from(senders))
    def fuzz(payload: Any, who: Any) -> None:
        _acknowledged_properly(who.raw(event, payload))
        assert who.connected
        check_invariants(room.store.get(course.meeting.id))

    fuzz()
    # The server still answers normally.
    assert meeting.participants[2].raw("no_such_event", {})["error"]["code"] == "unknown_event"


FORMS = [
    ("/login", ["login", "password", "remember"]),
    ("/account", ["profile-display_name", "profile-language", "profile-timezone"]),
    ("/account/password", ["pw-current", "pw-password", "pw-confirm"]),
    ("/account/delete", ["password", "confirm"]),
    ("/admin/people/new", ["login", "display_name", "role", "email", "language"]),
    ("/admin/groups/new", ["name", "kind", "capacity", "timezone", "language", "agreement_text"]),
]
form_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "0", "-1", "99999999999999999999", "x" * 5000, "\u0000"]),
)


@pytest.mark.parametrize(("path", "fields"), FORMS)
def test_fuzzed_forms_never_cause_a_server_error(
    app: Flask,
    course: Course,
    login_as,
    path: str,
    fields: list[str],  # type: ignore[no-untyped-def]
) -> None:
    client: FlaskClient = login_as(course.admin)

    @FUZZ
    @given(data=st.fixed_dictionaries({name: form_text for name in fields}))
    def fuzz(data: dict[str, str]) -> None:
        response = client.post(path, data=data)
        assert response.status_code < 500, (path, data)

    fuzz()


def test_meeting_forms_survive_fuzzing(
    app: Flask,
    course: Course,
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    client: FlaskClient = login_as(course.admin)
    path = f"/admin/groups/{course.group.id}/meetings"
    names = [
        "first_date",
        "local_time",
        "frequency",
        "count",
        "duration_minutes",
        "lobby_opens_minutes",
        "theme",
    ]

    @FUZZ
    @given(data=st.fixed_dictionaries({name: form_text for name in names}))
    def fuzz(data: dict[str, str]) -> None:
        assert client.post(path, data=data).status_code < 500

    fuzz()
