"""Who may speak, microphones and cameras, and the WebRTC signalling between admitted people.

Audio and video go from browser to browser (DTLS-SRTP); the server only relays the signalling
that sets a connection up (offers, answers, ICE candidates) between two people admitted to the
same room, and forgets it. In floor mode (a facilitator's switch, and always during a round)
only the floor holder and the facilitators may speak: ``RoomState.may_speak`` lists them, every
browser silences audio from anyone else, and nobody may turn their microphone on outside it. A
facilitator can mute someone (their browser mutes itself) and can ask, never force, someone to
unmute."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from server.room.core.errors import RoomError
from server.room.core.outcome import Notice, Outcome, to_user
from server.room.core.payloads import Id, Payload, Strict, Target
from server.room.core.rule import rule, spend, target_in_room, who
from server.room.core.state import Person, RoomState

# An offer or answer of a browser with audio and video is a few kilobytes; Engine.IO refuses a
# packet past 64 KiB anyway.
SDP_LIMIT = 32 * 1024
CANDIDATE_LIMIT = 1024
# One SDP line: a lowercase type letter, "=", printable ASCII (RFC 8866 allows more; browsers
# write ASCII, and control characters or other scripts have no business here).
_SDP_LINE = re.compile(r"[a-z]=[\x20-\x7e\t]*")
_CANDIDATE = re.compile(r"candidate:[\x21-\x7e]+(?: [\x21-\x7e]+)*")


def well_formed_sdp(sdp: str) -> bool:
    """``v=0`` first, then one ``x=value`` per line (CRLF or LF), nothing else."""
    lines = sdp.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line.removesuffix("\r") for line in lines]
    return bool(lines) and lines[0] == "v=0" and all(_SDP_LINE.fullmatch(x) for x in lines)


class SessionDescription(Strict):
    """An offer or answer (RTCSessionDescriptionInit); a rollback has no SDP."""

    type: Literal["offer", "answer", "rollback"]
    sdp: Annotated[str, Field(max_length=SDP_LIMIT)] = ""

    @model_validator(mode="after")
    def _well_formed(self) -> Self:
        if self.type == "rollback":
            if self.sdp:
                raise ValueError("a rollback has no SDP")
        elif not well_formed_sdp(self.sdp):
            raise ValueError("not an SDP")
        return self


class IceCandidate(Strict):
    """An ICE candidate as the browser writes it (RTCIceCandidateInit); an empty ``candidate``
    means the end of the candidates."""

    candidate: Annotated[str, Field(max_length=CANDIDATE_LIMIT)]
    sdpMid: Annotated[str, Field(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`{|}~-]{1,32}$")] | None = None
    sdpMLineIndex: Annotated[int, Field(ge=0, le=63)] | None = None
    usernameFragment: Annotated[str, Field(pattern=r"^[A-Za-z0-9+/]{1,256}$")] | None = None

    @model_validator(mode="after")
    def _well_formed(self) -> Self:
        if self.candidate and not _CANDIDATE.fullmatch(self.candidate):
            raise ValueError("not an ICE candidate")
        if self.sdpMid is None and self.sdpMLineIndex is None:
            raise ValueError("an ICE candidate names its media section")
        return self


class RtcSignal(Payload):
    """WebRTC signalling for one other person in the room: a description or a candidate."""

    to_user_id: Id
    description: SessionDescription | None = None
    candidate: IceCandidate | None = Field(default=None, validate_default=True)

    @field_validator("candidate")
    @classmethod
    def _one_of_them(cls, value: IceCandidate | None, info: ValidationInfo) -> IceCandidate | None:
        if (value is None) == (info.data.get("description") is None):
            raise ValueError("either a description or a candidate")
        return value


class FloorMode(Payload):
    on: bool


class Media(Payload):
    audio: bool
    video: bool


@rule("set_floor_mode", "facilitator", FloorMode)
def set_floor_mode(state: RoomState, actor: Person, p: FloorMode, now: float) -> Outcome:
    """Switch floor mode. Whoever may no longer speak is silenced by every browser, and their own
    browser turns their microphone off; nobody is turned on."""
    if state.floor_mode == p.on:
        return Outcome(changed=False)
    state.floor_mode = p.on
    return Outcome()


@rule("set_media", "admitted", Media)
def set_media(state: RoomState, actor: Person, p: Media, now: float) -> Outcome:
    """A person reports their own microphone and camera. The microphone goes on only for
    someone who may speak now; turning it on ends a facilitator's mute."""
    person, audio, video = actor, p.audio, p.video
    if audio and actor.user_id not in state.may_speak():
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


@rule("mute", "facilitator", Target)
def mute(state: RoomState, actor: Person, p: Target, now: float) -> Outcome:
    """Mute one person: their browser turns their microphone off. Nobody can turn it back on
    for them (a facilitator can ask, with ``ask_to_unmute``)."""
    person = target_in_room(state, p.user_id)
    if person is actor:
        raise RoomError("invalid")
    notice = _mute(state, person, actor)
    return Outcome(notices=[notice], audit=[("room.mute", p.user_id)])


@rule("mute_all_but_floor", "facilitator")
def mute_all_but_floor(state: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
    """Mute every participant except the one who has the floor (facilitators keep their
    microphones: they may always speak)."""
    holder = state.floor.user_id if state.floor is not None else None
    outcome = Outcome(audit=[("room.mute_all", None)])
    for person in state.in_room():
        if not person.facilitates and person.user_id != holder:
            outcome.notices.append(_mute(state, person, actor))
    return outcome


@rule("ask_to_unmute", "facilitator", Target)
def ask_to_unmute(state: RoomState, actor: Person, p: Target, now: float) -> Outcome:
    """Ask someone to turn their microphone on: they see the question and decide."""
    person = target_in_room(state, p.user_id)
    if person is actor:
        raise RoomError("invalid")
    if p.user_id not in state.may_speak():
        raise RoomError("may_not_speak")
    if person.mic:
        return Outcome(changed=False)
    data = {"meeting_id": state.meeting_id, "by": who(actor)}
    return Outcome(notices=[Notice(to_user(p.user_id), "unmute_request", data)], changed=False)


def _take_signal_token(state: RoomState, person: Person, now: float) -> None:
    """A token bucket per person: ``signal_limit`` at once, refilled over ``signal_window``."""
    limit = state.settings.signal_limit
    used = 0.0 if person.signal_tokens is None else limit - person.signal_tokens
    used = spend(used, person.signal_tokens_at, limit, state.settings.signal_window, now)
    person.signal_tokens = limit - used
    person.signal_tokens_at = now


# Signalling has its own, larger bucket (a connection is set up with dozens of candidates).
@rule("rtc_signal", "admitted", RtcSignal, budgeted=False)
def relay_signal(state: RoomState, actor: Person, p: RtcSignal, now: float) -> Outcome:
    """Relay one signalling message (a description or a candidate) to another connected person
    admitted to the same room. Never kept."""
    if p.to_user_id == actor.user_id:
        raise RoomError("invalid")
    recipient = target_in_room(state, p.to_user_id)
    if not recipient.connected:
        raise RoomError("not_present")
    _take_signal_token(state, actor, now)
    message: dict[str, Any] = (
        {"description": p.description.model_dump()}
        if p.description is not None
        else {"candidate": p.candidate.model_dump() if p.candidate is not None else None}
    )
    data = {"meeting_id": state.meeting_id, "from_user_id": actor.user_id, **message}
    return Outcome(notices=[Notice(to_user(p.to_user_id), "rtc_signal", data)], changed=False)
