"""Payloads of client events: strict pydantic models, extra fields forbidden, sizes limited.

Strict means no coercion: ``"5"`` is not a meeting id and ``1`` is not ``true``. Every payload
names the meeting it acts on."""

from __future__ import annotations

import re
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Text = Annotated[str, Field(min_length=1, max_length=1000)]


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    meeting_id: Id


class Target(Payload):
    user_id: Id


class Decline(Target):
    message: Annotated[str, Field(max_length=200)] = ""


class Leave(Payload):
    # Left with "Leave quickly": the facilitators are told, privately, so that they can follow up
    # as the group agreed.
    quick: bool = False


class Lock(Payload):
    locked: bool


class Status(Payload):
    status: Literal["here", "away"]


class Move(Target):
    direction: Literal["up", "down"]


class TurnLimit(Payload):
    seconds: Annotated[int, Field(ge=15, le=3600)] | None


class StartRound(Payload):
    kind: Literal["check_in", "check_out", "custom"]
    # None: start from someone at random.
    first_user_id: Id | None = None


class Chat(Payload):
    text: Text


class MessageRef(Payload):
    message_id: Annotated[str, Field(pattern=r"^m[0-9]{1,9}$")]


class ChatSwitch(Payload):
    enabled: bool


class Mute(Target):
    muted: bool


class Reply(Target):
    text: Text


class Signal(Payload):
    kind: Literal["need_break", "not_ok"]


class Reaction(Payload):
    kind: Literal["hear_you", "me_too", "thank_you"]


TopicId = Annotated[str, Field(pattern=r"^t[0-9]{1,9}$")]


class Topic(Payload):
    text: Annotated[str, Field(min_length=1, max_length=200)]


class Vote(Payload):
    topic_id: TopicId
    vote: bool = True


class Pick(Payload):
    topic_id: TopicId | None


class Break(Payload):
    minutes: Annotated[int, Field(ge=1, le=60)]


class ContentWarning(Payload):
    on: bool


# ---- Media: WebRTC signalling and what each person's microphone and camera do ----------------

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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SessionDescription(_Strict):
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


class IceCandidate(_Strict):
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
