"""Issue 4 in a real browser: the facilitator and three participants of the demo group hold the
open demo meeting, each in their own browser. The agreement, the lobby and admission, raised
hands and the next speaker, a check-in round with a pass, chat with a deletion, a discreet signal,
and two quick exits (the button, and Shift pressed three times): the page is replaced, the socket
closes and the facilitator sees the person gone. Each control is used where the room puts it: the
hand and the mic in the toolbar, "It's your turn" and "I'm done speaking" at the top, the rest in
the panel it belongs to, opened from the toolbar (one at a time). axe checks each screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import NewPerson
from tests.browser.helpers import (
    QUICK_EXIT,
    Person,
    assert_accessible,
    assert_browser_keeps_nothing,
    assert_fits,
    assert_left_without_a_way_back,
    assert_nothing_stored,
    assert_only_the_log_in_page,
    assert_quick_exit_first,
    assert_quick_exit_uncovered,
    assert_replaced_by_the_neutral_site,
    log_in,
    open_panel,
    panel_button,
    path_of,
    press_shift_three_times,
)
from tests.live_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(150)]

GROUP = "Demo: Tuesday group"
FACILITATOR = "Mira"
# Demo logins, the names the room shows, and each browser's language (Juniper reads Danish).
PARTICIPANTS = {"p1": "Birch", "p2": "Heron", "p3": "Juniper"}
LOCALES = {"Birch": "en-GB", "Heron": "en-GB", "Juniper": "da-DK"}
WORDS = {
    "en": {
        "agreement": "Before the meeting",
        "lobby": "Waiting for the facilitator to let you in",
        "your turn": "It's your turn",
        "done": "I'm done",
        "pass": "Pass",
        "chat": "Message to everyone",
    },
    "da": {
        "agreement": "Før mødet",
        "lobby": "Venter på, at gruppelederen lukker dig ind",
        "your turn": "Det er din tur",
        "done": "Jeg er færdig",
        "pass": "Stå over",
        "chat": "Besked til alle",
    },
}


def words(page: Page) -> dict[str, str]:
    """The room's words in the page's language."""
    return WORDS[str(page.locator("html").get_attribute("lang"))]


def here_now(page: Page) -> Locator:
    """The list of people in the room (in the People panel: a participant's side column shows
    it when no other panel is open, a facilitator opens it)."""
    return page.get_by_role("region", name=re.compile(r"^Here now"))


def your_turn(page: Page) -> Locator:
    """ "It's your turn" at the top of the room, with its "I'm done" and "Pass" (the toolbar's
    hand says "Pass" too on that turn)."""
    return page.get_by_role("group", name=words(page)["your turn"], exact=True)


def floor_holder(page: Page) -> Locator:
    return page.get_by_test_id("floor-holder")


def enter_as_facilitator(facilitator: Person, meeting_id: int) -> None:
    page = facilitator.goto(f"/meetings/{meeting_id}")
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting_id}/room$"))
    expect(page.get_by_role("heading", level=1, name=GROUP)).to_be_visible()
    expect(page.get_by_role("region", name="Facilitator tools")).to_be_visible()


def accept_the_agreement(participant: Person, meeting_id: int, *, check: bool) -> None:
    """Read the agreement and its limits, accept it and wait in the lobby."""
    page = participant.goto(f"/meetings/{meeting_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(words(page)["agreement"])
    expect(page.locator("main h2")).to_have_count(2)  # the agreement, and its limits
    if check:
        assert_accessible(page, f"agreement ({page.locator('html').get_attribute('lang')})")
    # Going on without accepting is refused, with the reason beside the box.
    participant.submit()
    expect(page.locator(".form-errors")).to_be_visible()
    page.get_by_role("checkbox").check()
    participant.submit()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting_id}/room$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(words(page)["lobby"])


def test_a_facilitator_and_three_participants_hold_the_demo_meeting(
    new_person: NewPerson, server: LiveServer
) -> None:
    meeting_id = server.demo_meeting_id
    facilitator = new_person()
    log_in(facilitator, "facilitator")
    enter_as_facilitator(facilitator, meeting_id)
    fac = facilitator.page
    # No TURN server here: the facilitator's sound tools say so, calmly (docs/media.md).
    expect(fac.locator("#sound-tools").get_by_test_id("relay-notice")).to_contain_text(
        "Audio and video go directly between browsers: members can learn each other's network"
    )
    assert_accessible(fac, "room, facilitator, empty")

    # --- the agreement and the lobby ---------------------------------------------------------
    people: dict[str, Person] = {}
    for login, name in PARTICIPANTS.items():
        participant = new_person(locale=LOCALES[name])
        log_in(participant, login)
        accept_the_agreement(participant, meeting_id, check=name in ("Birch", "Juniper"))
        people[name] = participant
        expect(fac.get_by_role("button", name=f"Admit {name}")).to_be_visible()
    birch, heron, juniper = people["Birch"].page, people["Heron"].page, people["Juniper"].page
    expect(fac.get_by_role("region", name="Lobby (3 waiting)")).to_be_visible()
    assert_accessible(birch, "lobby")
    assert_accessible(fac, "room, facilitator, lobby of 3")

    fac.get_by_role("button", name="Admit Birch").click()
    expect(birch.get_by_role("heading", level=1)).to_have_text(GROUP)
    expect(heron.get_by_role("heading", level=1)).to_have_text(WORDS["en"]["lobby"])
    fac.get_by_role("button", name="Admit everyone").click()
    for page in (heron, juniper):
        expect(page.get_by_role("heading", level=1)).to_have_text(GROUP)
    expect(fac.get_by_role("region", name="Lobby (0 waiting)")).to_be_visible()
    open_panel(fac, "people")
    expect(here_now(fac)).to_have_accessible_name("Here now (4)")
    for name in PARTICIPANTS.values():
        expect(here_now(fac)).to_contain_text(name)
    expect(here_now(birch)).to_contain_text(FACILITATOR)
    assert_accessible(birch, "room, participant")
    expect(juniper.locator("html")).to_have_attribute("lang", "da")
    assert_accessible(juniper, "room, participant, Danish")

    # --- raised hands and the next speaker ----------------------------------------------------
    heron.get_by_role("button", name="Raise hand").click()
    expect(heron.locator(".queue-position")).to_have_text(
        "Your hand is raised. You are number 1 in line."
    )
    birch.get_by_role("button", name="Raise hand").click()
    expect(birch.locator(".queue-position")).to_contain_text("number 2 in line")
    queue = fac.locator(".queue-list > li")
    expect(queue).to_have_count(2)
    expect(queue.nth(0)).to_contain_text("Heron")
    expect(queue.nth(1)).to_contain_text("Birch")
    assert_accessible(fac, "room, facilitator, two hands raised")

    fac.get_by_role("button", name="Next speaker").click()
    expect(floor_holder(heron)).to_have_text("You have the floor")
    for page in (birch, fac):
        expect(floor_holder(page)).to_have_text("Heron has the floor")
    expect(floor_holder(juniper)).to_contain_text("Heron")
    expect(queue).to_have_count(1)
    heron.get_by_role("button", name="I'm done speaking").click()
    expect(floor_holder(juniper)).to_have_count(0)
    expect(juniper.locator(".floor-empty")).to_be_visible()
    fac.get_by_role("button", name="Next speaker").click()
    expect(floor_holder(birch)).to_have_text("You have the floor")
    birch.get_by_role("button", name="I'm done speaking").click()
    expect(fac.get_by_text("Nobody has the floor.")).to_be_visible()

    # --- a check-in round, with a pass -------------------------------------------------------
    open_panel(fac, "facilitator")
    fac.get_by_label("Kind of round").select_option(label="Check-in round")
    fac.get_by_label("Who starts").select_option(label="Birch")
    fac.get_by_role("button", name="Start the round").click()
    order = birch.get_by_role("list", name="Order of the round")
    expect(order.get_by_role("listitem")).to_have_count(4)
    expect(floor_holder(birch)).to_have_text("It's your turn")
    expect(floor_holder(heron)).to_have_text("It's Birch's turn")
    assert_accessible(birch, "room, participant, in a round")
    your_turn(birch).get_by_role("button", name="I'm done", exact=True).click()
    open_panel(fac, "people")  # the round's order
    steps_done = fac.locator(".round-order li.done")
    expect(steps_done).to_have_count(1)
    passed = ""
    for step in range(2, 5):
        current = fac.locator(".round-order li[aria-current=step]")
        name = re.sub(r"\s*\((you|now)\).*$", "", current.inner_text(), flags=re.S).strip()
        turn = fac if name == FACILITATOR else people[name].page
        said = words(turn)
        expect(floor_holder(turn)).to_have_text(said["your turn"])
        if not passed and name in people:
            passed = name
            your_turn(turn).get_by_role("button", name=said["pass"], exact=True).click()
        else:
            your_turn(turn).get_by_role("button", name=said["done"], exact=True).click()
        if step < 4:
            expect(steps_done).to_have_count(step)
    expect(fac.locator(".round")).to_have_count(0)
    assert passed, "a participant passed"
    # Passing is allowed and never counted as a turn: Heron spoke once, before the round.
    turns = {"Birch": 2, "Heron": 1, "Juniper": 1, passed: {"Heron": 1, "Juniper": 0}[passed]}
    open_panel(fac, "facilitator")
    balance = fac.get_by_role("table", name="Speaking balance")
    for name, count in turns.items():
        expect(balance.get_by_role("row", name=re.compile(rf"^{name} {count} "))).to_be_visible()

    # --- chat, and a deletion ----------------------------------------------------------------
    for page in (fac, birch, heron, juniper):
        open_panel(page, "chat")
    juniper.get_by_label("Besked til alle").fill("Hello, everyone.")
    juniper.get_by_label("Besked til alle").press("Enter")
    for page in (fac, birch, heron, juniper):
        expect(page.locator(".chat-log")).to_contain_text("Hello, everyone.")
    birch.get_by_label("Message to everyone").fill("Sorry, wrong window.")
    birch.get_by_role("region", name="Chat").get_by_role("button", name="Send to everyone").click()
    expect(heron.locator(".chat-log")).to_contain_text("Sorry, wrong window.")
    fac.locator(".chat-message", has_text="Sorry, wrong window.").get_by_role(
        "button", name="Delete message from Birch"
    ).click()
    for page in (fac, birch, heron, juniper):
        expect(page.locator(".chat-log")).not_to_contain_text("Sorry, wrong window.")
        expect(page.locator(".chat-log")).to_contain_text("Hello, everyone.")
        # What was said lives in page memory only: no browser storage, no Cache Storage.
        assert_nothing_stored(page, "the room after chat")
    assert_accessible(fac, "room, facilitator, chat")
    assert_accessible(juniper, "room, participant, chat, Danish")

    # The facilitator's line carries the role the server gives, a participant's none (issue 22).
    fac.get_by_label("Message to everyone").fill("Thank you both.")
    fac.get_by_label("Message to everyone").press("Enter")
    for page, role in ((birch, "Facilitator"), (juniper, "Gruppeleder")):
        line = page.locator(".chat-message", has_text="Thank you both.")
        expect(line.locator(".badge-role")).to_have_text(role)
        junipers = page.locator(".chat-message", has_text="Hello, everyone.")
        expect(junipers).to_be_visible()
        expect(junipers.locator(".badge-role")).to_have_count(0)

    # --- a discreet signal to the facilitators ------------------------------------------------
    open_panel(heron, "private")
    heron.get_by_role("button", name="I need a break").click()
    expect(heron.get_by_text("The facilitators got your signal.")).to_be_visible()
    open_panel(fac, "private")
    signals = fac.get_by_role("list", name="Signals from participants")
    expect(signals).to_contain_text("I need a break")
    expect(signals).to_contain_text("Heron")
    # A participant's own private line shows nobody's signals.
    open_panel(birch, "private")
    expect(birch.get_by_role("region", name="Private line to the facilitators")).to_be_visible()
    expect(birch.get_by_role("list", name="Signals from participants")).to_have_count(0)
    assert_accessible(fac, "room, facilitator, a signal")
    assert_accessible(heron, "room, participant, a signal")

    # --- the room on a phone ----------------------------------------------------------------
    assert_quick_exit_uncovered(birch, "room")
    birch.set_viewport_size({"width": 360, "height": 720})
    assert_quick_exit_uncovered(birch, "room at 360 px")
    assert_fits(birch, 360, "room")
    expect(birch.get_by_test_id("relay-notice")).to_have_count(0)
    # The people as a sheet over the stage, within the phone's width.
    open_panel(birch, "people")
    expect(here_now(birch)).to_be_visible()
    assert_fits(birch, 360, "room, the people's sheet")
    assert_quick_exit_uncovered(birch, "room at 360 px, a sheet open")
    # The facilitator's phone: the relay notice waits in the tools' sheet, not over the stage.
    fac.set_viewport_size({"width": 360, "height": 740})
    fac.locator("#room-panel").get_by_role("button", name="Close", exact=True).click()
    expect(panel_button(fac, "private")).to_have_attribute("aria-expanded", "false")
    assert_fits(fac, 360, "room, facilitator")
    expect(fac.get_by_test_id("relay-notice")).not_to_be_visible()
    expect(fac.locator("#stage")).to_be_visible()
    open_panel(fac, "facilitator")
    notice = fac.locator("#room-panel").get_by_test_id("relay-notice")
    expect(notice).to_be_visible()
    assert_fits(fac, 360, "room, facilitator, tools open")
    fac.set_viewport_size({"width": 1280, "height": 800})

    # --- quick exits: the page is replaced, the socket closes, the facilitator sees it --------
    # (Back is not pressed here: see test_back_after_a_quick_exit_shows_only_the_log_in_page.)
    open_panel(fac, "people")
    history = juniper.evaluate("history.length")
    juniper.locator(QUICK_EXIT).click()
    assert_replaced_by_the_neutral_site(juniper, history)
    expect(here_now(fac)).to_have_accessible_name("Here now (3)")
    expect(here_now(fac)).not_to_contain_text("Juniper")

    history = heron.evaluate("history.length")
    open_panel(heron, "chat")
    heron.get_by_label("Message to everyone").fill("typing")
    heron.get_by_label("Message to everyone").focus()
    press_shift_three_times(heron)
    assert_replaced_by_the_neutral_site(heron, history)
    expect(here_now(fac)).to_have_accessible_name("Here now (2)")
    expect(here_now(fac)).not_to_contain_text("Heron")
    expect(here_now(birch)).not_to_contain_text("Heron")
    for name in ("Juniper", "Heron"):
        assert_browser_keeps_nothing(people[name].context, f"{name} after leaving")
    assert_accessible(fac, "room, facilitator, after two quick exits")


def test_leave_quickly_is_the_first_tab_stop_in_the_room(
    new_person: NewPerson, server: LiveServer
) -> None:
    facilitator = new_person()
    log_in(facilitator, "facilitator")
    enter_as_facilitator(facilitator, server.demo_meeting_id)
    page = facilitator.page
    # The room is up (without a click: that would move the focus).
    expect(page.get_by_role("navigation", name="Meeting controls")).to_be_visible()
    assert_quick_exit_first(page, "room")


def test_back_after_a_quick_exit_shows_only_the_log_in_page(
    new_person: NewPerson, server: LiveServer
) -> None:
    """Someone with the person's device presses Back after they left quickly from the lobby (the
    page before it said "You have accepted the agreement… Go to the meeting"), then opens the site
    again: both show only the log-in page. The facilitator is told, privately, that Linden left
    quickly."""
    meeting_id = server.demo_meeting_id
    facilitator = new_person()
    log_in(facilitator, "facilitator")
    enter_as_facilitator(facilitator, meeting_id)
    fac = facilitator.page
    linden = new_person()
    log_in(linden, "p4")
    page = linden.goto("/")
    page.get_by_role("link", name="Join the meeting").click()
    page.get_by_role("checkbox").check()
    linden.submit()
    expect(page.get_by_role("heading", level=1)).to_have_text(WORDS["en"]["lobby"])
    expect(fac.get_by_role("button", name="Admit Linden")).to_be_visible()
    assert_accessible(page, "lobby")

    room_path = path_of(page)
    history = page.evaluate("history.length")
    press_shift_three_times(page)
    private = ["Linden", GROUP, "Go to the meeting", "accepted"]
    assert_left_without_a_way_back(page, room_path, history, logged_in=True, private=private)
    expect(fac.get_by_role("region", name="Lobby (0 waiting)")).to_be_visible()
    expect(fac.get_by_role("button", name="Admit Linden")).to_have_count(0)
    open_panel(fac, "private")
    signals = fac.get_by_role("list", name="Signals from participants")
    expect(signals).to_contain_text("Linden")
    expect(signals).to_contain_text("Left quickly")
    page.goto(f"{server.url}/")
    assert_only_the_log_in_page(page, private, "the site after a quick exit")
    page.goto(f"{server.url}/meetings/{meeting_id}/room")
    assert_only_the_log_in_page(page, private, "the room after a quick exit")
