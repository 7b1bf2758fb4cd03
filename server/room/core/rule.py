"""How a room rule is declared and run, and the checks rules share.

A rule is a plain function ``rule(state, actor, payload, now) -> Outcome``: it reads and changes
one meeting's :class:`RoomState` in place and returns what else must happen as data
(:mod:`.outcome`). It declares itself where it is written::

    @rule("give_floor", "facilitator", Target)
    def give_floor(state: RoomState, actor: Person, p: Target, now: float) -> Outcome: ...

which registers the client event of that name, who may send it and its payload model.
:func:`parse` reads a payload with its model; :func:`perform` runs a registered rule the one way
every event runs: the policy is checked once (the rule is handed the acting :class:`Person`,
already checked), the event is paid for from the sender's budget, then the rule runs.

The contract of every rule: **it refuses before it changes anything.** A :class:`RoomError`
raised by a rule leaves the room exactly as it was, so the stores keep no copy to put back
(``tests/room/core/test_refuse_first.py`` holds every registered rule to it)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import ValidationError

from server.room.core.errors import RoomError
from server.room.core.outcome import Outcome
from server.room.core.payloads import Payload
from server.room.core.state import Budget, Person, RoomState

# Who may send an event: anyone with a socket (``connected``: joining), someone who joined the
# meeting (``joined``: in the lobby or the room), someone admitted, a facilitator.
Policy = Literal["connected", "joined", "admitted", "facilitator"]
POLICIES: tuple[Policy, ...] = ("connected", "joined", "admitted", "facilitator")
RuleFn = Callable[[RoomState, Person, Any, float], Outcome]
P = TypeVar("P", bound=Payload)


@dataclass(frozen=True)
class RuleSpec:
    """A client event carried out by a rule: its name, policy and payload model.

    ``budgeted=False``: never refused for the sender's budget and costs nothing from it (leaving;
    WebRTC signalling, which has a bucket of its own)."""

    name: str
    policy: Policy
    payload: type[Payload]
    fn: RuleFn
    budgeted: bool = True


RULES: dict[str, RuleSpec] = {}


def rule(
    name: str, policy: Policy, payload: type[Payload] = Payload, *, budgeted: bool = True
) -> Callable[[RuleFn], RuleFn]:
    """Register ``fn`` as the rule of the client event ``name``."""

    def register(fn: RuleFn) -> RuleFn:
        if name in RULES:
            raise ValueError(f"room event {name!r} is registered twice")
        if policy == "connected":
            raise ValueError("a rule acts on a meeting the sender joined")
        RULES[name] = RuleSpec(name, policy, payload, fn, budgeted)
        return fn

    return register


def parse(model: type[P], raw: Any) -> P:
    """The payload as ``model`` reads it, or ``invalid`` with the names of the fields at fault
    (only the model's own: nothing the client sent is echoed)."""
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        fields = set()
        for problem in error.errors():
            location = problem.get("loc") or ()
            name = str(location[0]) if location else ""
            fields.add(name if name in model.model_fields else "(extra)")
        raise RoomError("invalid", fields=sorted(fields)) from None


def perform(
    spec: RuleSpec, state: RoomState, user_id: int, payload: Payload, now: float
) -> Outcome:
    """Run a registered rule for ``user_id``: policy, then budget, then the rule."""
    actor = require_policy(state, user_id, spec.policy)
    if not spec.budgeted:
        return spec.fn(state, actor, payload, now)
    return within_budget(state, user_id, lambda: spec.fn(state, actor, payload, now), now)


def act(state: RoomState, event: str, actor: int, now: float, **fields: Any) -> Outcome:
    """Run the rule of ``event`` for the person ``actor`` as a client's event would run, its
    payload given as keywords (the meeting is the state's): for the runtime acting for someone
    (a quick exit), tests, benchmarks and a console."""
    spec = RULES[event]
    payload = parse(spec.payload, {"meeting_id": state.meeting_id, **fields})
    return perform(spec, state, actor, payload, now)


# ---- Budgets ---------------------------------------------------------------------------------
# Every change to the room is sent to everyone in it (a new ``room_state``), and every relay (a
# chat message, a reaction, a signal) to its audience: someone who raises and lowers a hand a
# hundred times a second would make the server send each member a hundred snapshots. So each
# person has a token bucket per room: ``budget`` changes at once (facilitators
# ``facilitator_budget``: they admit, give the floor and run rounds in bursts), refilled in
# ``budget_window`` seconds. An event that changes the room or relays something costs one; one
# that changes nothing, or is refused, costs nothing.


def within_budget(
    state: RoomState, user_id: int, run: Callable[[], Outcome], now: float
) -> Outcome:
    """``run``, paid for from the person's budget if it changes the room or relays something."""
    settings = state.settings
    person = state.people.get(user_id)
    size = settings.facilitator_budget if person and person.facilitates else settings.budget
    found = state.budgets.get(user_id) or Budget(0.0, now)
    used = spend(found.used, found.at, size, settings.budget_window, now)
    outcome = run()
    if outcome.changed or outcome.notices:
        state.budgets[user_id] = Budget(used, now)
    return outcome


def spend(used: float, since: float, size: float, window: float, now: float) -> float:
    """One token more from a bucket of ``size`` tokens that refills in ``window`` seconds, of which
    ``used`` were used as of ``since``: what is used after it (``rate_limited`` when none is
    left; the caller keeps the result only if it goes ahead)."""
    rate = size / window
    used = max(0.0, used - max(0.0, now - since) * rate)
    if used + 1 > size:
        raise RoomError("rate_limited", retry_after=max(1, math.ceil((used + 1 - size) / rate)))
    return used + 1


# ---- Checks ----------------------------------------------------------------------------------


def require_policy(state: RoomState, user_id: int, policy: Policy) -> Person:
    """The acting person, if the event's policy lets them act on this room."""
    person = state.people.get(user_id)
    if person is None:
        raise RoomError("not_joined")
    if policy in ("admitted", "facilitator") and not person.admitted:
        raise RoomError("not_admitted")
    if policy == "facilitator" and not person.facilitates:
        raise RoomError("forbidden")
    return person


def who(person: Person) -> dict[str, Any]:
    return {"user_id": person.user_id, "name": person.name}


def target_in_room(state: RoomState, user_id: int) -> Person:
    person = state.people.get(user_id)
    if person is None or not person.admitted:
        raise RoomError("not_present")
    return person


def target_anywhere(state: RoomState, user_id: int) -> Person:
    person = state.people.get(user_id)
    if person is None:
        raise RoomError("not_present")
    return person


def require_not_on_break(state: RoomState) -> None:
    if state.pause is not None:
        raise RoomError("on_break")


def require_not_holding(state: RoomState) -> None:
    if state.holding_since is not None:
        raise RoomError("on_hold")


def clean_text(text: str, *, required: bool = True) -> str:
    """Trimmed text (its length the payload model's limit); blank text is refused when it is
    required."""
    text = text.strip()
    if required and not text:
        raise RoomError("invalid")
    return text
