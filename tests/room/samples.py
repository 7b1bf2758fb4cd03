"""A well-formed payload (besides ``meeting_id``) for every client event, acting on a target."""

from __future__ import annotations

from typing import Any

TARGET = "<target>"  # replaced by the id of the person acted on
# The smallest well-formed session description (a browser's is a few kilobytes).
SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"

_SAMPLES: dict[str, dict[str, Any]] = {
    "join": {},
    "leave": {},
    "set_status": {"status": "away"},
    "admit": {"user_id": TARGET},
    "admit_all": {},
    "decline": {"user_id": TARGET, "message": "Not today"},
    "lock": {"locked": True},
    "raise_hand": {},
    "lower_hand": {},
    "yield_floor": {},
    "next_speaker": {},
    "give_floor": {"user_id": TARGET},
    "take_floor": {},
    "lower_hand_of": {"user_id": TARGET},
    "move_in_queue": {"user_id": TARGET, "direction": "up"},
    "clear_queue": {},
    "set_turn_limit": {"seconds": 60},
    "start_round": {"kind": "check_in"},
    "round_next": {},
    "round_pass": {},
    "end_round": {},
    "chat": {"text": "hello"},
    "delete_chat": {"message_id": "m1"},
    "set_chat": {"enabled": False},
    "mute_chat": {"user_id": TARGET, "muted": True},
    "private_message": {"text": "hello"},
    "private_reply": {"user_id": TARGET, "text": "hello"},
    "signal": {"kind": "not_ok"},
    "react": {"kind": "me_too"},
    "propose_topic": {"text": "Boundaries"},
    "vote_topic": {"topic_id": "t1"},
    "pick_topic": {"topic_id": None},
    "remove_from_meeting": {"user_id": TARGET},
    "remove_from_group": {"user_id": TARGET},
    "start_break": {"minutes": 5},
    "end_break": {},
    "content_warning": {"on": True},
    "end_meeting": {},
    "rtc_signal": {"to_user_id": TARGET, "description": {"type": "offer", "sdp": SDP}},
    "ice_servers": {},
    "set_floor_mode": {"on": True},
    "set_media": {"audio": True, "video": False},
    "mute": {"user_id": TARGET},
    "mute_all_but_floor": {},
    "ask_to_unmute": {"user_id": TARGET},
}
EVENTS_WITH_SAMPLES = set(_SAMPLES)


def sample_payload(event: str, target: int) -> dict[str, Any]:
    return {k: target if v == TARGET else v for k, v in _SAMPLES[event].items()}
