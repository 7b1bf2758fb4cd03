"""The media rules in plain Python: who may speak, microphones, mutes, and the signalling relay."""

from __future__ import annotations

import json

import pytest

from server.room.core.errors import RoomError
from server.room.core.rule import act
from server.room.core.rules.presence import disconnect
from server.room.core.state import RoomState
from server.room.core.views import facilitator_view, public_view
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
    assert state.may_speak() == [FACILITATOR, CO_FACILITATOR, 10, 11, 12]
    view = public_view(state, T0)
    assert view["floor_mode"] is False and view["may_speak"] == state.may_speak()


def test_people_in_the_lobby_may_not_speak() -> None:
    state = running_room()
    arrive(state, 20)
    assert 20 not in state.may_speak()


def test_in_floor_mode_only_the_floor_holder_and_facilitators_may_speak() -> None:
    state = running_room(co=True)
    act(state, "set_floor_mode", FACILITATOR, T0, on=True)
    assert state.may_speak() == [FACILITATOR, CO_FACILITATOR]
    act(state, "give_floor", FACILITATOR, T0, user_id=11)
    assert state.may_speak() == [FACILITATOR, CO_FACILITATOR, 11]
    act(state, "take_floor", FACILITATOR, T0)
    assert state.may_speak() == [FACILITATOR, CO_FACILITATOR]


def test_a_round_is_always_in_floor_mode() -> None:
    state = running_room()
    act(state, "start_round", FACILITATOR, T0, kind="check_in", first_user_id=10)
    assert state.in_floor_mode() and public_view(state, T0)["floor_mode"] is True
    assert state.may_speak() == [FACILITATOR, 10]
    act(state, "round_next", 10, T0)
    assert state.may_speak() == [FACILITATOR, 11]
    act(state, "end_round", FACILITATOR, T0)
    assert not state.in_floor_mode()
    assert facilitator_view(state, T0)["floor_mode_switch"] is False


def test_participant_cannot_switch_floor_mode() -> None:
    state = running_room()
    with pytest.raises(RoomError) as error:
        act(state, "set_floor_mode", 10, T0, on=True)
    assert code(error) == "forbidden"
    assert not state.floor_mode


def test_switching_floor_mode_twice_changes_nothing_the_second_time() -> None:
    state = running_room()
    assert act(state, "set_floor_mode", FACILITATOR, T0, on=True).changed
    assert not act(state, "set_floor_mode", FACILITATOR, T0, on=True).changed
    assert facilitator_view(state, T0)["floor_mode_switch"] is True


# ---- microphones and cameras -----------------------------------------------------------------


def test_a_person_reports_their_microphone_and_camera() -> None:
    state = running_room()
    assert act(state, "set_media", 10, T0, audio=True, video=True).changed
    assert shows(state, 10, mic=True, camera=True, muted=False)
    assert not act(state, "set_media", 10, T0, audio=True, video=True).changed


def test_the_camera_and_microphone_are_off_at_first() -> None:
    state = running_room()
    assert shows(state, 10, mic=False, camera=False, muted=False)


def test_participant_without_the_floor_cannot_turn_the_microphone_on_in_floor_mode() -> None:
    state = running_room()
    act(state, "set_floor_mode", FACILITATOR, T0, on=True)
    with pytest.raises(RoomError) as error:
        act(state, "set_media", 10, T0, audio=True, video=False)
    assert code(error) == "may_not_speak"
    # The camera is still theirs to turn on, and a facilitator may always speak.
    act(state, "set_media", 10, T0, audio=False, video=True)
    act(state, "set_media", FACILITATOR, T0, audio=True, video=False)
    assert person_view(state, FACILITATOR)["mic"] is True


def test_getting_the_floor_never_turns_a_microphone_on() -> None:
    state = running_room()
    act(state, "set_floor_mode", FACILITATOR, T0, on=True)
    act(state, "give_floor", FACILITATOR, T0, user_id=10)
    assert person_view(state, 10)["mic"] is False
    act(state, "set_media", 10, T0, audio=True, video=False)
    assert person_view(state, 10)["mic"] is True


def test_losing_the_floor_shows_the_microphone_off() -> None:
    state = running_room()
    act(state, "set_floor_mode", FACILITATOR, T0, on=True)
    act(state, "give_floor", FACILITATOR, T0, user_id=10)
    act(state, "set_media", 10, T0, audio=True, video=False)
    act(state, "take_floor", FACILITATOR, T0)
    # Every browser silences them now; their own turns the microphone off and says so.
    assert person_view(state, 10)["mic"] is False
    assert 10 not in public_view(state, T0)["may_speak"]


# ---- mutes -----------------------------------------------------------------------------------


def test_facilitator_mutes_one_person_who_is_asked_by_their_browser() -> None:
    state = running_room()
    act(state, "set_media", 10, T0, audio=True, video=False)
    outcome = act(state, "mute", FACILITATOR, T0, user_id=10)
    (notice,) = outcome.notices
    assert notice.to == "user:10" and notice.event == "mute_request"
    assert notice.data == {"meeting_id": 7, "by": {"user_id": FACILITATOR, "name": "P1"}}
    assert shows(state, 10, mic=False, muted=True)
    assert outcome.audit == [("room.mute", 10)]


def test_unmuting_oneself_ends_the_mute() -> None:
    state = running_room()
    act(state, "set_media", 10, T0, audio=True, video=False)
    act(state, "mute", FACILITATOR, T0, user_id=10)
    act(state, "set_media", 10, T0, audio=True, video=False)
    assert shows(state, 10, mic=True, muted=False)


def test_participant_cannot_mute_anyone() -> None:
    state = running_room()
    for event in (
        lambda: act(state, "mute", 10, T0, user_id=11),
        lambda: act(state, "mute_all_but_floor", 10, T0),
        lambda: act(state, "ask_to_unmute", 10, T0, user_id=11),
    ):
        with pytest.raises(RoomError) as error:
            event()
        assert code(error) == "forbidden"


def test_muting_someone_who_is_not_in_the_room_is_refused() -> None:
    state = running_room()
    arrive(state, 20)
    for target in (20, 99):
        with pytest.raises(RoomError) as error:
            act(state, "mute", FACILITATOR, T0, user_id=target)
        assert code(error) == "not_present"


def test_mute_all_but_floor_spares_the_floor_holder_and_the_facilitators() -> None:
    state = running_room(co=True)
    for user_id in (CO_FACILITATOR, 10, 11, 12):
        act(state, "set_media", user_id, T0, audio=True, video=False)
    act(state, "give_floor", FACILITATOR, T0, user_id=11)
    outcome = act(state, "mute_all_but_floor", FACILITATOR, T0)
    assert sorted(n.to for n in outcome.notices) == ["user:10", "user:12"]
    assert {n.event for n in outcome.notices} == {"mute_request"}
    mics = {p["user_id"]: p["mic"] for p in public_view(state, T0)["people"]}
    assert mics == {FACILITATOR: False, CO_FACILITATOR: True, 10: False, 11: True, 12: False}
    assert outcome.audit == [("room.mute_all", None)]


def test_nobody_can_unmute_someone_else_only_ask() -> None:
    state = running_room()
    outcome = act(state, "ask_to_unmute", FACILITATOR, T0, user_id=10)
    (notice,) = outcome.notices
    assert (notice.to, notice.event) == ("user:10", "unmute_request")
    assert person_view(state, 10)["mic"] is False
    assert not outcome.changed


def test_asking_someone_who_may_not_speak_to_unmute_is_refused() -> None:
    state = running_room()
    act(state, "set_floor_mode", FACILITATOR, T0, on=True)
    with pytest.raises(RoomError) as error:
        act(state, "ask_to_unmute", FACILITATOR, T0, user_id=10)
    assert code(error) == "may_not_speak"


def test_asking_someone_whose_microphone_is_on_sends_nothing() -> None:
    state = running_room()
    act(state, "set_media", 10, T0, audio=True, video=False)
    assert act(state, "ask_to_unmute", FACILITATOR, T0, user_id=10).notices == []


def test_a_facilitator_cannot_mute_or_ask_themselves() -> None:
    state = running_room()
    for event in ("mute", "ask_to_unmute"):
        with pytest.raises(RoomError) as error:
            act(state, event, FACILITATOR, T0, user_id=FACILITATOR)
        assert code(error) == "invalid"


# ---- the signalling relay --------------------------------------------------------------------


def test_signalling_is_relayed_to_the_one_person_it_is_for() -> None:
    state = running_room()
    outcome = act(state, "rtc_signal", 10, T0, to_user_id=11, **OFFER)
    (notice,) = outcome.notices
    assert notice.to == "user:11" and notice.event == "rtc_signal"
    assert notice.data == {"meeting_id": 7, "from_user_id": 10, **OFFER}
    assert not outcome.changed


def test_signalling_is_never_kept() -> None:
    state = running_room()
    act(state, "rtc_signal", 10, T0, to_user_id=11, **OFFER)
    assert "v=0" not in json.dumps(state.to_dict())


def test_signalling_to_someone_outside_the_room_is_refused() -> None:
    state = running_room()
    arrive(state, 20)  # waiting in the lobby
    for target in (20, 99):
        with pytest.raises(RoomError) as error:
            act(state, "rtc_signal", 10, T0, to_user_id=target, **OFFER)
        assert code(error) == "not_present"


def test_someone_in_the_lobby_cannot_signal() -> None:
    state = running_room()
    arrive(state, 20)
    with pytest.raises(RoomError) as error:
        act(state, "rtc_signal", 20, T0, to_user_id=10, **OFFER)
    assert code(error) == "not_admitted"


def test_signalling_to_someone_whose_connection_dropped_is_refused() -> None:
    state = running_room()
    disconnect(state, 11, "s11", T0)
    with pytest.raises(RoomError) as error:
        act(state, "rtc_signal", 10, T0, to_user_id=11, **OFFER)
    assert code(error) == "not_present"


def test_signalling_to_oneself_is_refused() -> None:
    state = running_room()
    with pytest.raises(RoomError) as error:
        act(state, "rtc_signal", 10, T0, to_user_id=10, **OFFER)
    assert code(error) == "invalid"


def test_a_flood_of_candidates_is_refused_then_allowed_again() -> None:
    state = running_room(signal_limit=20, signal_window=10.0)
    candidate = {"candidate": {"candidate": "", "sdpMid": "0"}}
    for _ in range(20):
        act(state, "rtc_signal", 10, T0, to_user_id=11, **candidate)
    with pytest.raises(RoomError) as error:
        act(state, "rtc_signal", 10, T0, to_user_id=11, **candidate)
    assert code(error) == "rate_limited" and error.value.details["retry_after"] >= 1
    # Someone else still signals, and the sender gets tokens back over time (2 per second).
    act(state, "rtc_signal", 11, T0, to_user_id=10, **candidate)
    act(state, "rtc_signal", 10, T0 + 0.5, to_user_id=11, **candidate)
    with pytest.raises(RoomError):
        act(state, "rtc_signal", 10, T0 + 0.5, to_user_id=11, **candidate)


def test_the_state_with_media_survives_json() -> None:
    state = running_room()
    act(state, "set_floor_mode", FACILITATOR, T0, on=True)
    act(state, "set_media", FACILITATOR, T0, audio=True, video=True)
    act(state, "rtc_signal", 10, T0, to_user_id=11, **OFFER)
    again = RoomState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again == state
