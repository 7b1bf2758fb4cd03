"""The media rules in plain Python: who may speak, microphones, mutes, and the signalling relay."""

from __future__ import annotations

import json

import pytest

from server.room import rules
from server.room.errors import RoomError
from server.room.state import RoomState
from server.room.views import facilitator_view, public_view
from tests.room.builders import CO_FACILITATOR, FACILITATOR, T0, arrive, running_room

OFFER = {"description": {"type": "offer", "sdp": "v=0\r\ns=-\r\n"}}


def code(error: pytest.ExceptionInfo[RoomError]) -> str:
    return error.value.code


def person_view(state: RoomState, user_id: int) -> dict[str, object]:
    people = public_view(state, T0)["people"]
    return next(p for p in people if p["user_id"] == user_id)


def shows(state: RoomState, user_id: int, **expected: bool) -> bool:
    """Whether everyone admitted sees these media flags for this person."""
    return person_view(state, user_id).items() >= expected.items()


# ---- who may speak ---------------------------------------------------------------------------


def test_in_open_mode_everyone_admitted_may_speak() -> None:
    state = running_room(co=True)
    assert rules.may_speak(state) == [FACILITATOR, CO_FACILITATOR, 10, 11, 12]
    view = public_view(state, T0)
    assert view["floor_mode"] is False and view["may_speak"] == rules.may_speak(state)


def test_people_in_the_lobby_may_not_speak() -> None:
    state = running_room()
    arrive(state, 20)
    assert 20 not in rules.may_speak(state)


def test_in_floor_mode_only_the_floor_holder_and_facilitators_may_speak() -> None:
    state = running_room(co=True)
    rules.set_floor_mode(state, FACILITATOR, True, T0)
    assert rules.may_speak(state) == [FACILITATOR, CO_FACILITATOR]
    rules.give_floor(state, FACILITATOR, 11, T0)
    assert rules.may_speak(state) == [FACILITATOR, CO_FACILITATOR, 11]
    rules.take_floor(state, FACILITATOR, T0)
    assert rules.may_speak(state) == [FACILITATOR, CO_FACILITATOR]


def test_a_round_is_always_in_floor_mode() -> None:
    state = running_room()
    rules.start_round(state, FACILITATOR, "check_in", 10, T0)
    assert rules.in_floor_mode(state) and public_view(state, T0)["floor_mode"] is True
    assert rules.may_speak(state) == [FACILITATOR, 10]
    rules.round_next(state, 10, T0)
    assert rules.may_speak(state) == [FACILITATOR, 11]
    rules.end_round(state, FACILITATOR, T0)
    assert not rules.in_floor_mode(state)
    assert facilitator_view(state, T0)["floor_mode_switch"] is False


def test_participant_cannot_switch_floor_mode() -> None:
    state = running_room()
    with pytest.raises(RoomError) as error:
        rules.set_floor_mode(state, 10, True, T0)
    assert code(error) == "forbidden"
    assert not state.floor_mode


def test_switching_floor_mode_twice_changes_nothing_the_second_time() -> None:
    state = running_room()
    assert rules.set_floor_mode(state, FACILITATOR, True, T0).changed
    assert not rules.set_floor_mode(state, FACILITATOR, True, T0).changed
    assert facilitator_view(state, T0)["floor_mode_switch"] is True


# ---- microphones and cameras -----------------------------------------------------------------


def test_a_person_reports_their_microphone_and_camera() -> None:
    state = running_room()
    assert rules.set_media(state, 10, True, True, T0).changed
    assert shows(state, 10, mic=True, camera=True, muted=False)
    assert not rules.set_media(state, 10, True, True, T0).changed


def test_the_camera_and_microphone_are_off_at_first() -> None:
    state = running_room()
    assert shows(state, 10, mic=False, camera=False, muted=False)


def test_participant_without_the_floor_cannot_turn_the_microphone_on_in_floor_mode() -> None:
    state = running_room()
    rules.set_floor_mode(state, FACILITATOR, True, T0)
    with pytest.raises(RoomError) as error:
        rules.set_media(state, 10, True, False, T0)
    assert code(error) == "may_not_speak"
    # The camera is still theirs to turn on, and a facilitator may always speak.
    rules.set_media(state, 10, False, True, T0)
    rules.set_media(state, FACILITATOR, True, False, T0)
    assert person_view(state, FACILITATOR)["mic"] is True


def test_getting_the_floor_never_turns_a_microphone_on() -> None:
    state = running_room()
    rules.set_floor_mode(state, FACILITATOR, True, T0)
    rules.give_floor(state, FACILITATOR, 10, T0)
    assert person_view(state, 10)["mic"] is False
    rules.set_media(state, 10, True, False, T0)
    assert person_view(state, 10)["mic"] is True


def test_losing_the_floor_shows_the_microphone_off() -> None:
    state = running_room()
    rules.set_floor_mode(state, FACILITATOR, True, T0)
    rules.give_floor(state, FACILITATOR, 10, T0)
    rules.set_media(state, 10, True, False, T0)
    rules.take_floor(state, FACILITATOR, T0)
    # Every browser silences them now; their own turns the microphone off and says so.
    assert person_view(state, 10)["mic"] is False
    assert 10 not in public_view(state, T0)["may_speak"]


# ---- mutes -----------------------------------------------------------------------------------


def test_facilitator_mutes_one_person_who_is_asked_by_their_browser() -> None:
    state = running_room()
    rules.set_media(state, 10, True, False, T0)
    outcome = rules.mute(state, FACILITATOR, 10, T0)
    (notice,) = outcome.notices
    assert notice.to == "user:10" and notice.event == "mute_request"
    assert notice.data == {"meeting_id": 7, "by": {"user_id": FACILITATOR, "name": "P1"}}
    assert shows(state, 10, mic=False, muted=True)
    assert outcome.audit == [("room.mute", 10)]


def test_unmuting_oneself_ends_the_mute() -> None:
    state = running_room()
    rules.set_media(state, 10, True, False, T0)
    rules.mute(state, FACILITATOR, 10, T0)
    rules.set_media(state, 10, True, False, T0)
    assert shows(state, 10, mic=True, muted=False)


def test_participant_cannot_mute_anyone() -> None:
    state = running_room()
    for event in (
        lambda: rules.mute(state, 10, 11, T0),
        lambda: rules.mute_all_but_floor(state, 10, T0),
        lambda: rules.ask_to_unmute(state, 10, 11, T0),
    ):
        with pytest.raises(RoomError) as error:
            event()
        assert code(error) == "forbidden"


def test_muting_someone_who_is_not_in_the_room_is_refused() -> None:
    state = running_room()
    arrive(state, 20)
    for target in (20, 99):
        with pytest.raises(RoomError) as error:
            rules.mute(state, FACILITATOR, target, T0)
        assert code(error) == "not_present"


def test_mute_all_but_floor_spares_the_floor_holder_and_the_facilitators() -> None:
    state = running_room(co=True)
    for user_id in (CO_FACILITATOR, 10, 11, 12):
        rules.set_media(state, user_id, True, False, T0)
    rules.give_floor(state, FACILITATOR, 11, T0)
    outcome = rules.mute_all_but_floor(state, FACILITATOR, T0)
    assert sorted(n.to for n in outcome.notices) == ["user:10", "user:12"]
    assert {n.event for n in outcome.notices} == {"mute_request"}
    mics = {p["user_id"]: p["mic"] for p in public_view(state, T0)["people"]}
    assert mics == {FACILITATOR: False, CO_FACILITATOR: True, 10: False, 11: True, 12: False}
    assert outcome.audit == [("room.mute_all", None)]


def test_nobody_can_unmute_someone_else_only_ask() -> None:
    state = running_room()
    outcome = rules.ask_to_unmute(state, FACILITATOR, 10, T0)
    (notice,) = outcome.notices
    assert (notice.to, notice.event) == ("user:10", "unmute_request")
    assert person_view(state, 10)["mic"] is False
    assert not outcome.changed


def test_asking_someone_who_may_not_speak_to_unmute_is_refused() -> None:
    state = running_room()
    rules.set_floor_mode(state, FACILITATOR, True, T0)
    with pytest.raises(RoomError) as error:
        rules.ask_to_unmute(state, FACILITATOR, 10, T0)
    assert code(error) == "may_not_speak"


def test_asking_someone_whose_microphone_is_on_sends_nothing() -> None:
    state = running_room()
    rules.set_media(state, 10, True, False, T0)
    assert rules.ask_to_unmute(state, FACILITATOR, 10, T0).notices == []


def test_a_facilitator_cannot_mute_or_ask_themselves() -> None:
    state = running_room()
    for event in (rules.mute, rules.ask_to_unmute):
        with pytest.raises(RoomError) as error:
            event(state, FACILITATOR, FACILITATOR, T0)
        assert code(error) == "invalid"


# ---- the signalling relay --------------------------------------------------------------------


def test_signalling_is_relayed_to_the_one_person_it_is_for() -> None:
    state = running_room()
    outcome = rules.relay_signal(state, 10, 11, OFFER, T0)
    (notice,) = outcome.notices
    assert notice.to == "user:11" and notice.event == "rtc_signal"
    assert notice.data == {"meeting_id": 7, "from_user_id": 10, **OFFER}
    assert not outcome.changed


def test_signalling_is_never_kept() -> None:
    state = running_room()
    rules.relay_signal(state, 10, 11, OFFER, T0)
    assert "v=0" not in json.dumps(state.to_dict())


def test_signalling_to_someone_outside_the_room_is_refused() -> None:
    state = running_room()
    arrive(state, 20)  # waiting in the lobby
    for target in (20, 99):
        with pytest.raises(RoomError) as error:
            rules.relay_signal(state, 10, target, OFFER, T0)
        assert code(error) == "not_present"


def test_someone_in_the_lobby_cannot_signal() -> None:
    state = running_room()
    arrive(state, 20)
    with pytest.raises(RoomError) as error:
        rules.relay_signal(state, 20, 10, OFFER, T0)
    assert code(error) == "not_admitted"


def test_signalling_to_someone_whose_connection_dropped_is_refused() -> None:
    state = running_room()
    rules.disconnect(state, 11, "s11", T0)
    with pytest.raises(RoomError) as error:
        rules.relay_signal(state, 10, 11, OFFER, T0)
    assert code(error) == "not_present"


def test_signalling_to_oneself_is_refused() -> None:
    state = running_room()
    with pytest.raises(RoomError) as error:
        rules.relay_signal(state, 10, 10, OFFER, T0)
    assert code(error) == "invalid"


def test_a_flood_of_candidates_is_refused_then_allowed_again() -> None:
    state = running_room(signal_limit=20, signal_window=10.0)
    candidate = {"candidate": {"candidate": "", "sdpMid": "0"}}
    for _ in range(20):
        rules.relay_signal(state, 10, 11, candidate, T0)
    with pytest.raises(RoomError) as error:
        rules.relay_signal(state, 10, 11, candidate, T0)
    assert code(error) == "rate_limited" and error.value.details["retry_after"] >= 1
    # Someone else still signals, and the sender gets tokens back over time (2 per second).
    rules.relay_signal(state, 11, 10, candidate, T0)
    rules.relay_signal(state, 10, 11, candidate, T0 + 0.5)
    with pytest.raises(RoomError):
        rules.relay_signal(state, 10, 11, candidate, T0 + 0.5)


def test_the_state_with_media_survives_json() -> None:
    state = running_room()
    rules.set_floor_mode(state, FACILITATOR, True, T0)
    rules.set_media(state, FACILITATOR, True, True, T0)
    rules.relay_signal(state, 10, 11, OFFER, T0)
    again = RoomState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again == state
