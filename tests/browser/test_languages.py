"""Issue 25 in a real browser: every language Kreds offers (one with a server catalogue: the list
is the app's own ``LANGUAGES``, so a language added later is tested too), chosen through the
header's language switch as a person would, on a 360 px phone: the log-in page, the dashboard, the
agreement, a participant in the lobby and a facilitator in the room fit the screen (German's long
words included) and axe finds nothing serious. Arabic is written right to left: the page says so,
"Leave quickly" stays first in keyboard order and at the top inline-end corner (the left), and the
layout mirrors."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from server.config import Config
from tests.browser.helpers import (
    QUICK_EXIT,
    Person,
    assert_accessible,
    assert_fits,
    assert_quick_exit_first,
    assert_quick_exit_uncovered,
    go_to_the_room,
    person,
)
from tests.live_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(120)]

LANGUAGES = Config.LANGUAGES
PHONE = 360
DESKTOP = 1280
NEEDS_ARABIC = pytest.mark.skipif(
    "ar" not in LANGUAGES,
    reason="Arabic is offered once server/translations/ar/LC_MESSAGES/messages.po exists",
)


@pytest.fixture(scope="module")
def people(
    browser: Browser, server: LiveServer, signed_in: Callable[[str], Any]
) -> Iterator[Callable[[str | None], Person]]:
    """One browser on a phone per person for the whole module: ``people(login)`` (None: nobody
    logged in). Each switches language as the tests go; closed at the end."""
    with ExitStack() as stack:
        cache: dict[str | None, Person] = {}

        def get(login: str | None) -> Person:
            if login not in cache:
                state = signed_in(login) if login else None
                cache[login] = stack.enter_context(
                    person(browser, server, width=PHONE, storage_state=state)
                )
            return cache[login]

        yield get


def choose_language(page: Page, language: str) -> None:
    """Pick the language in the header's list and press the button beside it, as a person
    would; the same page comes back in that language."""
    switch = page.locator("form.language-form")
    switch.locator("select").select_option(language)
    with page.expect_navigation():
        switch.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def check(page: Page, name: str, language: str) -> None:
    """The page speaks the language in the right direction, fits a phone and passes axe."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    assert_quick_exit_uncovered(page, name)
    assert_fits(page, PHONE, name)
    assert_accessible(page, name)


def in_the_room(page: Page, screen: str) -> None:
    """The room's script has drawn ``screen`` (the lobby's or the room's heading)."""
    expect(page.locator(f"#{screen}")).to_be_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_fits_a_phone_and_is_accessible(
    people: Callable[[str | None], Person], server: LiveServer, language: str
) -> None:
    meeting = server.demo_meeting_id

    # Nobody logged in: the log-in page, switched from whatever it spoke before.
    visitor = people(None)
    visitor.problems.clear()
    page = visitor.goto("/login")
    choose_language(page, language)
    check(page, f"log-in ({language})", language)
    expect(page.locator("form.language-form select")).to_have_value(language)

    # Willow: the dashboard, then the agreement (which she never accepts here).
    willow = people("p6")
    page = willow.goto("/")
    choose_language(page, language)
    check(page, f"dashboard ({language})", language)
    willow.goto(f"/meetings/{meeting}")
    expect(page.get_by_role("checkbox")).to_be_visible()
    check(page, f"agreement ({language})", language)

    # Sparrow: in the lobby (the agreement accepted the first time only).
    sparrow = people("p5")
    page = sparrow.goto("/")
    choose_language(page, language)
    page = enter_the_lobby(sparrow, meeting)
    in_the_room(page, "lobby-heading")
    expect(page.locator("#room")).to_have_attribute("data-language", language)
    check(page, f"lobby ({language})", language)

    # Mira: in the room itself.
    mira = people("facilitator")
    page = mira.goto("/")
    choose_language(page, language)
    page = go_to_the_room(mira, meeting, accept=False)
    in_the_room(page, "room-heading")
    check(page, f"room, facilitator ({language})", language)

    problems = [p for someone in (visitor, willow, sparrow, mira) for p in someone.problems]
    assert not problems, "\n".join(problems)


def enter_the_lobby(someone: Person, meeting: int) -> Page:
    """A participant goes to the room: through the agreement while it still asks to be accepted
    (the first time), straight to the room's page after that."""
    page = someone.goto(f"/meetings/{meeting}")
    if page.get_by_role("checkbox").count():
        return go_to_the_room(someone, meeting, accept=True)
    someone.goto(f"/meetings/{meeting}/room")
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting}/room$"))
    return page


@NEEDS_ARABIC
def test_arabic_turns_the_page_right_to_left(
    people: Callable[[str | None], Person], server: LiveServer
) -> None:
    visitor = people(None)
    page = visitor.goto("/login")
    choose_language(page, "ar")
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    try:
        page.reload()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert_quick_exit_first(page, "log-in (ar)")

        # "Leave quickly": the top inline-end corner, which is the left in Arabic.
        exit_box = page.locator(QUICK_EXIT).bounding_box()
        assert exit_box is not None
        assert exit_box["x"] < 24 and exit_box["y"] < 24, f"Leave quickly is at {exit_box}"
        assert_quick_exit_uncovered(page, "log-in (ar)")

        # The header mirrored: the name at the right, the language switch to its left.
        brand = page.locator(".brand").bounding_box()
        switch = page.locator("form.language-form").bounding_box()
        assert brand and switch and switch["x"] + switch["width"] <= brand["x"], (brand, switch)
        # The form's labels and fields start at the right.
        field = page.locator("#login").bounding_box()
        label = page.locator("label[for='login']").bounding_box()
        assert field and label
        assert abs((label["x"] + label["width"]) - (field["x"] + field["width"])) < 2, (
            label,
            field,
        )
    finally:
        page.set_viewport_size({"width": PHONE, "height": 800})

    # In the room (on the phone): the title's text starts at the right.
    mira = people("facilitator")
    page = mira.goto("/")
    choose_language(page, "ar")
    page = go_to_the_room(mira, server.demo_meeting_id, accept=False)
    in_the_room(page, "room-heading")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    text = page.evaluate(
        """() => {
          const heading = document.getElementById("room-heading");
          const range = document.createRange();
          range.selectNodeContents(heading);
          const box = range.getBoundingClientRect();
          const room = heading.closest(".room-header").getBoundingClientRect();
          return {start: room.right - box.right, end: box.left - room.left};
        }"""
    )
    assert text["start"] < 2 < text["end"], f"the room's title is not at the right: {text}"
    assert_quick_exit_first_on_load(page, "room (ar)")


def assert_quick_exit_first_on_load(page: Page, name: str) -> None:
    page.reload()
    expect(page.locator("#room-heading")).to_be_visible()
    assert_quick_exit_first(page, name)


@NEEDS_ARABIC
def test_the_room_switches_to_arabic_and_back_without_a_reload(
    people: Callable[[str | None], Person], server: LiveServer
) -> None:
    """At a desktop the room keeps the header's switch; choosing Arabic there turns the room
    right to left in place (the page is not loaded again), and back."""
    mira = people("facilitator")
    page = mira.goto("/")
    choose_language(page, "en")
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    try:
        page = go_to_the_room(mira, server.demo_meeting_id, accept=False)
        in_the_room(page, "room-heading")
        page.evaluate("() => { window.keptAcrossTheSwitch = true; }")
        switch = page.locator("form.language-form")
        switch.locator("select").select_option("ar")
        switch.get_by_role("button").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        expect(page.locator("#room")).to_have_attribute("data-language", "ar")
        assert page.evaluate("() => window.keptAcrossTheSwitch === true"), "the page reloaded"
        exit_box = page.locator(QUICK_EXIT).bounding_box()
        assert exit_box and exit_box["x"] < 24, f"Leave quickly is at {exit_box}"

        switch = page.locator("form.language-form")  # the header came back in Arabic
        expect(switch.locator("select")).to_have_value("ar")
        switch.locator("select").select_option("en")
        switch.get_by_role("button").click()
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        expect(page.get_by_role("button", name="Leave the meeting")).to_be_visible()
        assert page.evaluate("() => window.keptAcrossTheSwitch === true"), "the page reloaded"
        exit_box = page.locator(QUICK_EXIT).bounding_box()
        assert exit_box and exit_box["x"] + exit_box["width"] > DESKTOP - 24, exit_box
    finally:
        page.set_viewport_size({"width": PHONE, "height": 800})


def test_the_switch_works_by_keyboard(people: Callable[[str | None], Person]) -> None:
    """Tab to the list, choose with the arrow keys, Tab to the button and press Enter."""
    visitor = people(None)
    page = visitor.goto("/login")
    choose_language(page, "en")
    select = page.locator("form.language-form select")
    expect(page.get_by_label("Language", exact=True)).to_have_count(1)
    for _ in range(20):
        page.keyboard.press("Tab")
        if select.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the language list")
    # The arrow keys choose on a closed list; the page stays until the button is pressed.
    page.keyboard.press("ArrowUp")
    target = select.input_value()
    assert target != "en", "the arrow key chose nothing"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Change", f"after the list comes {focused!r}"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", target)
    assert re.search(r"/login$", page.url)
