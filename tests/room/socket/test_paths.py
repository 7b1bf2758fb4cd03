"""The paths of docs/architecture.md, "Two paths through the room": the server files a chat message
and a raised hand pass through, traced call by call through the test client."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import server
from tests.room.conftest import LiveMeeting, Sock

SERVER = str(Path(server.__file__).parent) + "/"
# Not counted: the data classes' own methods, and the packet encoder every packet passes.
DATA_AND_HOOKS = {"room/core/state.py", "room/core/outcome.py", "tuning.py"}


def files_on_the_path(sock: Sock, event: str, **fields: Any) -> list[str]:
    """The server files whose functions run while ``sock`` sends ``event``, in the order they are
    first reached."""
    reached: list[str] = []

    def note(frame: FrameType, kind: str, arg: Any) -> None:
        name = frame.f_code.co_filename
        if kind == "call" and name.startswith(SERVER):
            relative = name.removeprefix(SERVER)
            if relative not in reached and relative not in DATA_AND_HOOKS:
                reached.append(relative)

    previous: Callable[..., Any] | None = sys.getprofile()
    sys.setprofile(note)
    try:
        assert sock.send(event, **fields)["ok"]
    finally:
        sys.setprofile(previous)
    return reached


# Every event's way in: the wrapper, its counter, the runtime, the socket's person and meeting,
# the payload, policy and budget, the meeting's state.
WAY_IN = [
    "room/socket/dispatch.py",
    "metrics.py",
    "room/live/runtime.py",
    "room/live/connections.py",
    "room/core/rule.py",
    "room/live/store.py",
]


def test_a_chat_message_passes_seven_files(meeting: LiveMeeting) -> None:
    sender = meeting.participants[0]
    assert files_on_the_path(sender, "chat", text="hello") == [*WAY_IN, "room/core/rules/talk.py"]


def test_a_raised_hand_to_the_queue_s_broadcast_passes_eight_files(meeting: LiveMeeting) -> None:
    sender = meeting.participants[0]
    assert files_on_the_path(sender, "raise_hand") == [
        *WAY_IN,
        "room/core/rules/floor.py",
        "room/core/views.py",
    ]
