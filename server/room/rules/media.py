"""Who may speak, microphones and cameras, and the WebRTC signalling between admitted people.

Audio and video go from browser to browser (DTLS-SRTP); the server only relays the signalling
that sets a connection up (offers, answers, ICE candidates) between two people admitted to the
same room, and forgets it. In floor mode (a facilitator's switch, and always during a round)
only the floor holder and the facilitators may speak: ``may_speak`` lists them, every browser
silences audio from anyone else, and nobody may turn their microphone on outside it. A
facilitator can mute someone (their browser mutes itself) and can ask, never force, someone
to unmute."""

from __future__ import annotations

from typing import Any

from server.room.errors import RoomError
from server.room.rules.budget import spend
from server.room.rules.common import (
    require_admitted,
    require_facilitator,
    target_in_room,
    who,
)
from server.room.rules.outcome import Notice, Outcome, to_user
from server.room.state import Person, RoomState


def in_floor_mode(state: RoomState) -> bool:
    """Floor mode as it applies now: the facilitators' switch, or a round going on."""
    return state.floor_mode or state.round is not None


def may_speak(state: RoomState) -> list[int]:
    """Whose audio everyone hears now, in the room's order: in floor mode the floor holder and
    the facilitators; otherwise everyone admitted."""
    floor_holder = state.floor.user_id if state.floor is not None else None
    return [
        p.user_id
        for p in state.in_room()
        if not in_floor_mode(state) or p.facilitates or p.user_id == floor_holder
    ]


def set_floor_mode(state: RoomState, actor: int, on: bool, now: float) -> Outcome:
    """Switch floor mode. Whoever may no longer speak is silenced by every browser, and their own
    browser turns their microphone off; nobody is turned on."""
    require_facilitator(state, actor)
    if state.floor_mode == on:
        return Outcome(changed=False)
    state.floor_mode = on
    return Outcome()


def set_media(state: RoomState, actor: int, audio: bool, video: bool, now: float) -> Outcome:
    """A person reports their own microphone and camera. The microphone goes on only for
    someone who may speak now; turning it on ends a facilitator's mute."""
    person = require_admitted(state, actor)
    if audio and actor not in may_speak(state):
        raise RoomError("may_not_speak")
    muted = person.muted and not audio
    if (person.mic, person.camera, person.muted) == (audio, video, muted):
        return Outcome(changed=False)
    person.mic, person.camera, person.muted = audio, video, muted
    return Outcome()


def _mute(state: RoomState, person: Person, actor: Person) -> Notice:
    if person.mic:
        person.mic = False
        person.muted = True
    data = {"meeting_id": state.meeting_id, "by": who(actor)}
    return Notice(to_user(person.user_id), "mute_request", data)


def mute(state: RoomState, actor: int, target: int, now: float) -> Outcome:
    """Mute one person: their browser turns their microphone off. Nobody can turn it back on
    for them (a facilitator can ask, with ``ask_to_unmute``)."""
    facilitator = require_facilitator(state, actor)
    person = target_in_room(state, target)
    if target == actor:
        raise RoomError("invalid")
    notice = _mute(state, person, facilitator)
    return Outcome(notices=[notice], audit=[("room.mute", target)])


def mute_all_but_floor(state: RoomState, actor: int, now: float) -> Outcome:
    """Mute every participant except the one who has the floor (facilitators keep their
    microphones: they may always speak)."""
    facilitator = require_facilitator(state, actor)
    holder = state.floor.user_id if state.floor is not None else None
    outcome = Outcome(audit=[("room.mute_all", None)])
    for person in state.in_room():
        if not person.facilitates and person.user_id != holder:
            outcome.notices.append(_mute(state, person, facilitator))
    return outcome


def ask_to_unmute(state: RoomState, actor: int, target: int, now: float) -> Outcome:
    """Ask someone to turn their microphone on: they see the question and decide."""
    facilitator = require_facilitator(state, actor)
    person = target_in_room(state, target)
    if target == actor:
        raise RoomError("invalid")
    if target not in may_speak(state):
        raise RoomError("may_not_speak")
    if person.mic:
        return Outcome(changed=False)
    data = {"meeting_id": state.meeting_id, "by": who(facilitator)}
    return Outcome(notices=[Notice(to_user(target), "unmute_request", data)], changed=False)


def _take_signal_token(state: RoomState, person: Person, now: float) -> None:
    """A token bucket per person: ``signal_limit`` at once, refilled over ``signal_window``."""
    limit = state.settings.signal_limit
    used = 0.0 if person.signal_tokens is None else limit - person.signal_tokens
    used = spend(used, person.signal_tokens_at, limit, state.settings.signal_window, now)
    person.signal_tokens = limit - used
    person.signal_tokens_at = now


def relay_signal(
    state: RoomState, actor: int, target: int, message: dict[str, Any], now: float
) -> Outcome:
    """Relay one signalling message (``{"description": ...}`` or ``{"candidate": ...}``, already
    validated) to another connected person admitted to the same room. Never kept."""
    person = require_admitted(state, actor)
    if target == actor:
        raise RoomError("invalid")
    recipient = target_in_room(state, target)
    if not recipient.connected:
        raise RoomError("not_present")
    _take_signal_token(state, person, now)
    data = {"meeting_id": state.meeting_id, "from_user_id": actor, **message}
    return Outcome(notices=[Notice(to_user(target), "rtc_signal", data)], changed=False)
