"""Removing, breaks, the content warning and ending a meeting (rules only)."""

from __future__ import annotations

import pytest

from server.room import rules
from server.room.errors import RoomError
from tests.room.builders import CO_FACILITATOR, FACILITATOR, T0, arrive, running_room


def test_removing_someone_bars_them_and_frees_their_place() -> None:
    state = running_room(2)
    rules.raise_hand(state, 10, T0)
    rules.give_floor(state, FACILITATOR, 11, T0)
    outcome = rules.remove(state, FACILITATOR, 11, "meeting", T0)
    assert 11 not in state.people and 11 in state.barred and state.floor is None
    assert outcome.audit == [("room.remove", 11)]
    assert [(n.to, n.event, n.data["scope"]) for n in outcome.notices] == [
        ("user:11", "removed", "meeting")
    ]
    assert outcome.released[0].sids == ("s11",)


def test_removing_from_the_group_is_audited_as_such() -> None:
    state = running_room(1, co=True)
    outcome = rules.remove(state, CO_FACILITATOR, 10, "group", T0)
    assert outcome.audit == [("room.remove_from_group", 10)]


def test_someone_waiting_in_the_lobby_can_be_removed() -> None:
    state = running_room(0)
    arrive(state, 10)
    rules.remove(state, FACILITATOR, 10, "meeting", T0)
    assert 10 in state.barred


def test_facilitators_cannot_remove_each_other_or_someone_absent() -> None:
    state = running_room(1, co=True)
    for target, code in (
        (CO_FACILITATOR, "forbidden"),
        (FACILITATOR, "forbidden"),
        (99, "not_present"),
    ):
        with pytest.raises(RoomError) as error:
            rules.remove(state, FACILITATOR, target, "meeting", T0)
        assert error.value.code == code


def test_a_participant_cannot_remove_anyone() -> None:
    state = running_room(2)
    with pytest.raises(RoomError) as error:
        rules.remove(state, 10, 11, "meeting", T0)
    assert error.value.code == "forbidden"


def test_a_break_counts_down_and_ends_by_itself_or_early() -> None:
    state = running_room(1)
    outcome = rules.start_break(state, FACILITATOR, 10, T0)
    assert outcome.audit == [("room.break", None)]
    (timer,) = outcome.timers
    assert timer.at == T0 + 600
    rules.on_timer(state, "break_end", timer.token, timer.at)
    assert state.pause is None
    rules.start_break(state, FACILITATOR, 10, T0 + 700)
    rules.end_break(state, FACILITATOR, T0 + 760)
    assert state.pause is None


def test_a_stale_break_timer_does_not_end_a_newer_break() -> None:
    state = running_room(1)
    (first,) = rules.start_break(state, FACILITATOR, 1, T0).timers
    rules.end_break(state, FACILITATOR, T0 + 10)
    rules.start_break(state, FACILITATOR, 5, T0 + 20)
    rules.on_timer(state, "break_end", first.token, T0 + 60)
    assert state.pause is not None


def test_the_content_warning_is_a_flag_without_text() -> None:
    state = running_room(1)
    outcome = rules.set_content_warning(state, FACILITATOR, True, T0)
    assert state.content_warning and outcome.audit == [("room.content_warning", None)]
    rules.set_content_warning(state, FACILITATOR, False, T0)
    assert not state.content_warning


def test_ending_the_meeting_tells_everyone_and_releases_every_socket() -> None:
    state = running_room(2)
    arrive(state, 12)
    outcome = rules.end_meeting(state, FACILITATOR, T0)
    assert state.ended and outcome.ended
    assert ("room", "meeting_ended") in [(n.to, n.event) for n in outcome.notices]
    assert ("user:12", "meeting_ended") in [(n.to, n.event) for n in outcome.notices]
    assert {s.user_id for s in outcome.released} == {FACILITATOR, 10, 11, 12}
    assert outcome.audit == [("room.end", None)]


def test_the_room_closes_at_the_end_of_its_window() -> None:
    state = running_room(1)
    closes_at = state.settings.closes_at
    assert not rules.on_timer(state, "meeting_close", "close", closes_at - 60).changed
    outcome = rules.on_timer(state, "meeting_close", "close", closes_at)
    assert outcome.ended and outcome.audit == []
