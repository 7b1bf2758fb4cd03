"""Removing, breaks, the content warning and ending a meeting (rules only)."""

from __future__ import annotations

import pytest

from server.room.core.errors import RoomError
from server.room.core.rule import act
from server.room.core.rules.moderation import on_timer
from tests.room.builders import CO_FACILITATOR, FACILITATOR, T0, arrive, running_room


def test_removing_someone_bars_them_and_frees_their_place() -> None:
    state = running_room(2)
    act(state, "raise_hand", 10, T0)
    act(state, "give_floor", FACILITATOR, T0, user_id=11)
    outcome = act(state, "remove_from_meeting", FACILITATOR, T0, user_id=11)
    assert 11 not in state.people and 11 in state.barred and state.floor is None
    assert outcome.audit == [("room.remove", 11)]
    assert [(n.to, n.event, n.data["scope"]) for n in outcome.notices] == [
        ("user:11", "removed", "meeting")
    ]
    assert outcome.released[0].sids == ("s11",)


def test_removing_from_the_group_is_audited_as_such() -> None:
    state = running_room(1, co=True)
    outcome = act(state, "remove_from_group", CO_FACILITATOR, T0, user_id=10)
    assert outcome.audit == [("room.remove_from_group", 10)]
    assert outcome.memberships_removed == [10]


def test_someone_waiting_in_the_lobby_can_be_removed() -> None:
    state = running_room(0)
    arrive(state, 10)
    act(state, "remove_from_meeting", FACILITATOR, T0, user_id=10)
    assert 10 in state.barred


def test_facilitators_cannot_remove_each_other_or_someone_absent() -> None:
    state = running_room(1, co=True)
    for target, code in (
        (CO_FACILITATOR, "forbidden"),
        (FACILITATOR, "forbidden"),
        (99, "not_present"),
    ):
        with pytest.raises(RoomError) as error:
            act(state, "remove_from_meeting", FACILITATOR, T0, user_id=target)
        assert error.value.code == code


def test_a_participant_cannot_remove_anyone() -> None:
    state = running_room(2)
    with pytest.raises(RoomError) as error:
        act(state, "remove_from_meeting", 10, T0, user_id=11)
    assert error.value.code == "forbidden"


def test_a_break_counts_down_and_ends_by_itself_or_early() -> None:
    state = running_room(1)
    outcome = act(state, "start_break", FACILITATOR, T0, minutes=10)
    assert outcome.audit == [("room.break", None)]
    (timer,) = outcome.timers
    assert timer.at == T0 + 600
    on_timer(state, "break_end", timer.token, timer.at)
    assert state.pause is None
    act(state, "start_break", FACILITATOR, T0 + 700, minutes=10)
    act(state, "end_break", FACILITATOR, T0 + 760)
    assert state.pause is None


def test_a_stale_break_timer_does_not_end_a_newer_break() -> None:
    state = running_room(1)
    (first,) = act(state, "start_break", FACILITATOR, T0, minutes=1).timers
    act(state, "end_break", FACILITATOR, T0 + 10)
    act(state, "start_break", FACILITATOR, T0 + 20, minutes=5)
    on_timer(state, "break_end", first.token, T0 + 60)
    assert state.pause is not None


def test_the_content_warning_is_a_flag_without_text() -> None:
    state = running_room(1)
    outcome = act(state, "content_warning", FACILITATOR, T0, on=True)
    assert state.content_warning and outcome.audit == [("room.content_warning", None)]
    act(state, "content_warning", FACILITATOR, T0, on=False)
    assert not state.content_warning


def test_ending_the_meeting_tells_everyone_and_releases_every_socket() -> None:
    state = running_room(2)
    arrive(state, 12)
    outcome = act(state, "end_meeting", FACILITATOR, T0)
    assert state.ended and outcome.ended
    assert ("room", "meeting_ended") in [(n.to, n.event) for n in outcome.notices]
    assert ("user:12", "meeting_ended") in [(n.to, n.event) for n in outcome.notices]
    assert {s.user_id for s in outcome.released} == {FACILITATOR, 10, 11, 12}
    assert outcome.audit == [("room.end", None)]


def test_the_room_closes_at_the_end_of_its_window() -> None:
    state = running_room(1)
    closes_at = state.settings.closes_at
    assert not on_timer(state, "meeting_close", "close", closes_at - 60).changed
    outcome = on_timer(state, "meeting_close", "close", closes_at)
    assert outcome.ended and outcome.audit == []
