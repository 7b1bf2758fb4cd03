"""Issue 4 by keyboard alone: the facilitator (in Danish) and three participants (two in
English, one in Danish) hold the demo meeting without a mouse. Every step is Tab (or Shift+Tab)
to a control, then Enter, Space, arrow keys or typing — never a click — and every control reached
shows a visible focus indicator. Log-in, the dashboard's join link, the agreement, the lobby and
admission one by one and all at once, raised and lowered hands and the next speaker, a check-in
round with a pass, chat with a deletion, a discreet signal, and both quick exits (Leave quickly
reached by Shift+Tab, and Shift pressed three times). The room's panels (people, chat, the private
line, the facilitator's tools) are opened from the toolbar by keyboard too.

The mouse journey is ``test_meeting.py``; this one proves the same meeting works by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import NewPerson
from tests.browser.helpers import (
    QUICK_EXIT,
    Person,
    assert_accessible,
    assert_replaced_by_the_neutral_site,
    panel_button,
    press_shift_three_times,
)
from tests.live_server import DEMO_PASSWORD, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(150)]

GROUP = "Demo: Tuesday group"
FACILITATOR = "Mira"
# Enough Tab presses to cross the facilitator's whole room (it has the most controls) and wrap.
MOST_TAB_STOPS = 160
# True when the element has the focus and draws a focus indicator: an outline or a box shadow.
_FOCUS_SHOWN = """(el) => {
  if (el !== document.activeElement) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return el.matches(":focus-visible") && (outline || style.boxShadow !== "none");
}"""

WORDS = {
    "en": {
        "log in": "Log in",
        "join": "Join the meeting",
        "accept": "I accept the agreement for this meeting",
        "go": "Go to the meeting",
        "lobby": "Waiting for the facilitator to let you in",
        "raise": "Raise hand",
        "you have the floor": "You have the floor",
        "done speaking": "I'm done speaking",
        "your turn": "It's your turn",
        "done": "I'm done",
        "pass": "Pass",
        "chat": "Message to everyone",
        "need a break": "I need a break",
        "signal sent": "The facilitators got your signal.",
        "here now": "Here now",
    },
    "da": {
        "log in": "Log ind",
        "join": "Gå ind i mødet",
        "accept": "Jeg accepterer aftalen for dette møde",
        "go": "Gå til mødet",
        "lobby": "Venter på, at gruppelederen lukker dig ind",
        "raise": "Ræk hånden op",
        "you have the floor": "Du har ordet",
        "done speaking": "Jeg er færdig med at tale",
        "your turn": "Det er din tur",
        "done": "Jeg er færdig",
        "pass": "Stå over",
        "chat": "Besked til alle",
        "need a break": "Jeg har brug for en pause",
        "signal sent": "Gruppelederne har fået dit signal.",
        "here now": "Til stede",
    },
}


def words(page: Page) -> dict[str, str]:
    return WORDS[str(page.locator("html").get_attribute("lang"))]


def tab_to(page: Page, target: Locator, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``target`` has the focus, and check that it shows it."""
    target.wait_for(state="visible")
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MOST_TAB_STOPS):
        shown = target.evaluate(_FOCUS_SHOWN)
        if shown is not None:
            assert shown, f"no visible focus on {target.evaluate('el => el.outerHTML')[:120]}"
            return
        page.keyboard.press(key)
    raise AssertionError(f"{target} is not reachable with {key}")


def press(page: Page, target: Locator, key: str = "Enter") -> None:
    """Tab to a control and press a key on it."""
    tab_to(page, target)
    page.keyboard.press(key)


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def button(page: Page, name: str) -> Locator:
    return page.get_by_role("button", name=name, exact=True)


def open_panel_by_keyboard(page: Page, panel: str) -> None:
    """Tab to the toolbar's button for a panel (by its ``data-panel``) and press Enter, unless
    the panel is open already (one is open at a time)."""
    control = panel_button(page, panel)
    if control.get_attribute("aria-expanded") != "true":
        press(page, control)
    expect(control).to_have_attribute("aria-expanded", "true")


def your_turn(page: Page) -> Locator:
    """ "It's your turn" at the top of the room, with its "I'm done" and "Pass" (the toolbar's
    hand says "Pass" too on that turn)."""
    return page.get_by_role("group", name=words(page)["your turn"], exact=True)


def floor_holder(page: Page) -> Locator:
    return page.get_by_test_id("floor-holder")


def here_now(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(rf"^{words(page)['here now']}"))


def log_in_by_keyboard(someone: Person, login: str) -> Page:
    """The log-in form by keyboard, then the dashboard's join link: on to the meeting."""
    page = someone.goto("/login")
    said = words(page)
    type_into(page, page.locator("#login"), login)
    type_into(page, page.locator("#password"), DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{someone.server.url}/")
    press(page, page.get_by_role("link", name=said["join"]).first)
    return page


def accept_by_keyboard(page: Page) -> None:
    said = words(page)
    press(page, page.get_by_role("checkbox", name=said["accept"]), "Space")
    expect(page.get_by_role("checkbox")).to_be_checked()
    press(page, button(page, said["go"]))
    expect(page.get_by_role("heading", level=1)).to_have_text(said["lobby"])


def test_the_demo_meeting_by_keyboard_alone(new_person: NewPerson, server: LiveServer) -> None:
    facilitator = new_person(locale="da-DK")
    fac = log_in_by_keyboard(facilitator, "facilitator")
    expect(fac).to_have_url(re.compile(r"/meetings/\d+/room$"))
    expect(fac.get_by_role("heading", level=1, name=GROUP)).to_be_visible()
    expect(fac.locator("html")).to_have_attribute("lang", "da")

    birch_person = new_person(locale="en-GB")
    birch = log_in_by_keyboard(birch_person, "p1")
    accept_by_keyboard(birch)
    juniper_person = new_person(locale="da-DK")
    juniper = log_in_by_keyboard(juniper_person, "p3")
    accept_by_keyboard(juniper)
    heron_person = new_person(locale="en-GB")
    heron = log_in_by_keyboard(heron_person, "p2")
    accept_by_keyboard(heron)

    # --- admission ---------------------------------------------------------------------------
    expect(fac.get_by_role("region", name="Venterum (3 venter)")).to_be_visible()
    press(fac, button(fac, "Luk Birch ind"))
    expect(birch.get_by_role("heading", level=1)).to_have_text(GROUP)
    # The button went with the person; the focus stays in the lobby's part, not back at the top.
    expect(fac.locator("#lobby-tools :focus")).to_have_count(1)
    press(fac, button(fac, "Luk alle ind"))
    for page in (juniper, heron):
        expect(page.get_by_role("heading", level=1)).to_have_text(GROUP)
    open_panel_by_keyboard(fac, "people")
    expect(here_now(fac)).to_have_accessible_name("Til stede (4)")
    expect(here_now(birch)).to_contain_text(FACILITATOR)

    # --- hands and the next speaker -------------------------------------------------------------
    press(juniper, button(juniper, "Ræk hånden op"))
    expect(juniper.locator(".queue-position")).to_contain_text("nummer 1")
    press(birch, button(birch, "Raise hand"))
    expect(birch.locator(".queue-position")).to_contain_text("number 2 in line")
    press(fac, button(fac, "Næste taler"))
    expect(floor_holder(juniper)).to_have_text("Du har ordet")
    expect(floor_holder(birch)).to_have_text("Juniper has the floor")
    press(juniper, button(juniper, "Jeg er færdig med at tale"))
    expect(fac.locator(".floor-empty")).to_be_visible()
    press(fac, button(fac, "Næste taler"))
    expect(floor_holder(birch)).to_have_text("You have the floor")
    press(birch, button(birch, "I'm done speaking"))
    expect(fac.locator(".floor-empty")).to_be_visible()
    # A hand raised and lowered again: Heron is not in the line any more.
    press(heron, button(heron, "Raise hand"))
    expect(fac.locator(".queue-list > li")).to_have_count(1)
    press(heron, button(heron, "Lower my hand"))
    expect(fac.locator(".queue-list > li")).to_have_count(0)

    # --- a check-in round with a pass: choices by arrow keys and type-ahead -------------------
    open_panel_by_keyboard(fac, "facilitator")
    kind = fac.get_by_label("Slags runde")
    tab_to(fac, kind)
    fac.keyboard.type("Åbning")
    expect(kind.locator("option:checked")).to_have_text("Åbningsrunde")
    first = fac.get_by_label("Hvem begynder")
    tab_to(fac, first)
    fac.keyboard.type("Birch")
    expect(first.locator("option:checked")).to_have_text("Birch")
    press(fac, button(fac, "Start runden"))
    expect(floor_holder(birch)).to_have_text("It's your turn")
    press(birch, your_turn(birch).get_by_role("button", name="I'm done", exact=True))
    open_panel_by_keyboard(fac, "people")  # the round's order
    # Whose turn it is is read from the facilitator's page once it shows the last turn done.
    steps_done = fac.locator(".round-order li.done")
    pages = {"Birch": birch, "Heron": heron, "Juniper": juniper, FACILITATOR: fac}
    passed = False
    for step in range(1, 4):
        expect(steps_done).to_have_count(step)
        current = fac.locator(".round-order li[aria-current=step]")
        name = re.sub(r"\s*\((dig|nu)\).*$", "", current.inner_text(), flags=re.S).strip()
        turn = pages[name]
        said = words(turn)
        expect(floor_holder(turn)).to_have_text(said["your turn"])
        if name == "Juniper":
            passed = True
            press(turn, your_turn(turn).get_by_role("button", name=said["pass"], exact=True))
        else:
            press(turn, your_turn(turn).get_by_role("button", name=said["done"], exact=True))
    expect(fac.locator(".round")).to_have_count(0)
    assert passed, "Juniper passed"

    # --- chat, and a deletion by keyboard -----------------------------------------------------
    for page in (juniper, birch, fac, heron):
        open_panel_by_keyboard(page, "chat")
    type_into(juniper, juniper.get_by_label("Besked til alle"), "Hej alle sammen.")
    juniper.keyboard.press("Enter")
    type_into(birch, birch.get_by_label("Message to everyone"), "Sorry, wrong window.")
    birch.keyboard.press("Enter")
    for page in (fac, birch, juniper, heron):
        expect(page.locator(".chat-log")).to_contain_text("Hej alle sammen.")
        expect(page.locator(".chat-log")).to_contain_text("Sorry, wrong window.")
    press(fac, button(fac, "Slet besked fra Birch"))
    for page in (fac, birch, juniper, heron):
        expect(page.locator(".chat-log")).not_to_contain_text("Sorry, wrong window.")
        expect(page.locator(".chat-log")).to_contain_text("Hej alle sammen.")

    # --- a discreet signal ----------------------------------------------------------------------
    open_panel_by_keyboard(juniper, "private")
    press(juniper, button(juniper, "Jeg har brug for en pause"))
    expect(juniper.get_by_text("Gruppelederne har fået dit signal.")).to_be_visible()
    open_panel_by_keyboard(fac, "private")
    expect(fac.get_by_role("list", name="Signaler fra deltagere")).to_contain_text("Juniper")
    assert_accessible(fac, "room, facilitator, Danish, after a keyboard meeting")

    # --- quick exits: three Shifts wherever the focus is, and Leave quickly by Shift+Tab ----
    open_panel_by_keyboard(fac, "people")
    history = birch.evaluate("history.length")
    tab_to(birch, birch.get_by_label("Message to everyone"))
    birch.keyboard.type("half a thought")
    press_shift_three_times(birch)
    assert_replaced_by_the_neutral_site(birch, history)
    expect(here_now(fac)).to_have_accessible_name("Til stede (3)")

    history = juniper.evaluate("history.length")
    tab_to(juniper, juniper.locator(QUICK_EXIT), backwards=True)
    juniper.keyboard.press("Enter")
    assert_replaced_by_the_neutral_site(juniper, history)
    expect(here_now(fac)).to_have_accessible_name("Til stede (2)")
    expect(here_now(fac)).not_to_contain_text("Juniper")
    open_panel_by_keyboard(heron, "people")
    expect(here_now(heron)).to_have_accessible_name("Here now (2)")
