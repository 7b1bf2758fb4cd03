"""Issue 24 in a real browser: the room as people live in it.

Chromium with a fake camera and a fake microphone that speaks; the facilitator at a desktop
(1280x800, English), Birch on a phone (360x740, English) and Heron at a desktop in Danish, each in
their own browser context, through the agreement, the lobby's check and admission as people do.

What the issue asks, as a participant and a facilitator would meet it:

- the lobby's check: a live camera preview and a microphone level that moves;
- the microphone, the hand and "It's your turn" in the first screen, without scrolling, in
  English and Danish, on the phone and at the desktop (the sizes swapped half-way);
- the floor holder's picture at least 320 px wide in the speaker view at 1280x800;
- the language changed in the room without a reload: chat, private lines and the camera stay;
- the single-key shortcuts, off while typing and when turned off;
- a reload asks first;
- axe finds nothing serious in any of these states.

Screenshots for the docs are written with ``KREDS_SCREENSHOTS=1``.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FAKE_MEDIA,
    Person,
    assert_accessible,
    go_to_the_room,
    person,
    screenshot,
    write_voice,
)
from tests.live_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(240)]

PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def media_browser(browser: Browser) -> Iterator[Browser]:
    with tempfile.TemporaryDirectory(prefix="kreds-layout-") as folder:
        voice = Path(folder) / "voice.wav"
        write_voice(voice, seconds=6.0)
        chromium = browser.browser_type.launch(
            executable_path=str(CHROMIUM),
            args=[*CHROMIUM_ARGS, *FAKE_MEDIA, f"--use-file-for-fake-audio-capture={voice}"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def people(
    media_browser: Browser, server: LiveServer, signed_in: Callable[[str], Any]
) -> Iterator[dict[str, Person]]:
    found: dict[str, Person] = {}
    with ExitStack() as stack:
        for login, locale, size in (
            ("facilitator", "en-GB", DESKTOP),
            ("p1", "en-GB", PHONE),
            ("p2", "da-DK", DESKTOP),
        ):
            someone = stack.enter_context(
                person(
                    media_browser,
                    server,
                    locale=locale,
                    width=size["width"],
                    storage_state=signed_in(login),
                )
            )
            someone.page.set_viewport_size(size)
            someone.context.grant_permissions(["microphone", "camera"], origin=server.url)
            found[login] = someone
        yield found
        problems = [p for someone in found.values() for p in someone.problems]
        assert not problems, "the pages reported:\n" + "\n".join(problems)


def in_first_screen(page: Page, target: Locator, what: str) -> None:
    """``target`` is visible inside the window as it is, the page not scrolled."""
    expect(target).to_be_visible()
    box = target.bounding_box()
    size = page.viewport_size
    assert box and size, what
    scrolled = page.evaluate(
        "() => window.scrollY + (document.querySelector('main')?.scrollTop ?? 0)"
    )
    assert scrolled == 0, f"{what}: the page is scrolled by {scrolled} px"
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (
        f"{what}: at y={box['y']:.0f}..{box['y'] + box['height']:.0f}, "
        f"the window is {size['height']} px high"
    )
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], f"{what}: off to a side"


def button(page: Page, name: str) -> Locator:
    return page.get_by_role("button", name=name, exact=True)


def toolbar(page: Page) -> Locator:
    return page.locator(".room-toolbar")


def open_panel(page: Page, name: str) -> None:
    """Open a panel from the toolbar (unless it is open), by its button's words."""
    control = toolbar(page).get_by_role("button", name=re.compile(rf"^{name}\b"))
    if control.get_attribute("aria-expanded") != "true":
        control.click()
    expect(control).to_have_attribute("aria-expanded", "true")


def close_panel(page: Page) -> None:
    page.keyboard.press("Escape")


def meter_values(page: Page, samples: int = 12) -> list[float]:
    """The level meter's value, read every 150 ms."""
    values = []
    for _ in range(samples):
        page.wait_for_timeout(150)
        values.append(float(page.locator("[data-testid=level-meter]").evaluate("m => m.value")))
    return values


def test_the_room_as_people_live_in_it(people: dict[str, Person], server: LiveServer) -> None:
    meeting_id = server.demo_meeting_id
    fac = go_to_the_room(people["facilitator"], meeting_id, accept=False)
    birch = go_to_the_room(people["p1"], meeting_id, accept=True)
    heron = go_to_the_room(people["p2"], meeting_id, accept=True)

    # --- the lobby's check: a live preview and a moving level, before anyone is let in --------
    check = birch.get_by_role("region", name="Check your sound and picture while you wait")
    expect(check).to_be_visible()
    expect(check.locator("video")).to_have_count(0)  # the camera is off until asked
    button(birch, "Show my camera").click()
    preview = check.locator("video")
    expect(preview).to_have_count(1)
    birch.wait_for_function(
        "() => { const v = document.querySelector('.check-preview video');"
        " return v && v.videoWidth > 0 && !v.paused; }"
    )
    button(birch, "Test my microphone").click()
    values = meter_values(birch)
    assert max(values) > 0 and len(set(values)) > 2, f"the level does not move: {values}"
    assert_accessible(birch, "lobby with the check, camera and microphone on (phone)")
    screenshot(birch, "lobby-check-phone", full_page=False)

    danish_check = heron.get_by_role("region", name="Tjek lyd og billede, mens du venter")
    expect(danish_check).to_be_visible()
    assert_accessible(heron, "lobby with the check (Danish)")

    # --- admission: Birch's camera comes with her; the microphone starts off -----------------
    button(fac, "Admit everyone").click()
    expect(birch.get_by_role("heading", level=1)).to_have_text("Demo: Tuesday group")
    expect(button(birch, "Turn camera off")).to_be_visible()
    expect(button(birch, "Turn microphone on")).to_be_visible()
    expect(birch.locator(".check-preview")).to_have_count(0)

    # --- the first screen: microphone and hand, on a phone in English, at a desktop in Danish --
    in_first_screen(birch, button(birch, "Turn microphone on"), "Birch's microphone (phone)")
    in_first_screen(birch, button(birch, "Raise hand"), "Birch's hand (phone)")
    in_first_screen(heron, button(heron, "Tænd mikrofonen"), "Herons mikrofon (desktop)")
    in_first_screen(heron, button(heron, "Ræk hånden op"), "Herons hånd (desktop)")
    assert_accessible(birch, "room, participant, phone")
    assert_accessible(heron, "room, participant, desktop, Danish")

    # --- a round: "It's your turn" comes to the top of the first screen -----------------------
    fac.get_by_label("Kind of round").select_option(label="Check-in round")
    fac.get_by_label("Who starts").select_option(label="Birch")
    button(fac, "Start the round").click()
    turn = birch.get_by_role("group", name="It's your turn")
    in_first_screen(birch, turn, "Birch's turn (phone)")
    in_first_screen(birch, turn.get_by_role("button", name="Pass"), "Birch's Pass (phone)")
    assert_accessible(birch, "room, participant, phone, my turn")
    screenshot(birch, "room-phone-participant", full_page=False)
    turn.get_by_role("button", name="I'm done").click()
    # Whose turn follows is the round's order; the facilitator finishes theirs if it comes first.
    danish_turn = heron.get_by_role("group", name="Det er din tur")
    own_turn = fac.get_by_role("group", name="It's your turn")
    for _ in range(50):
        if danish_turn.count() or own_turn.count():
            break
        heron.wait_for_timeout(100)
    if own_turn.count():
        own_turn.get_by_role("button", name="I'm done").click()
    in_first_screen(heron, danish_turn, "Herons tur (desktop)")
    danish_turn.get_by_role("button", name="Stå over").click()
    expect(danish_turn).to_have_count(0)
    open_panel(fac, "People")
    end = fac.get_by_role("button", name="End the round")
    if end.count():
        end.click()
    expect(fac.locator(".round")).to_have_count(0)

    # --- the sizes swapped: the phone in Danish, the desktop in English (switched in the room) --
    birch.evaluate("() => { window.keptAcrossTheSwitch = true; }")
    heron.evaluate("() => { window.keptAcrossTheSwitch = true; }")
    open_panel(birch, "Chat")
    birch.get_by_label("Message to everyone").fill("Hello from Birch")
    birch.keyboard.press("Enter")
    expect(birch.locator(".chat-log")).to_contain_text("Hello from Birch")
    open_panel(birch, "More")
    birch.get_by_role("button", name="Dansk").click()
    expect(button(birch, "Sluk kameraet")).to_be_visible()  # the camera stayed on
    assert birch.evaluate("() => window.keptAcrossTheSwitch === true"), "the page reloaded"
    expect(birch.locator("html")).to_have_attribute("lang", "da")
    expect(birch.locator("#quick-exit")).to_have_text("Forlad hurtigt")
    open_panel(birch, "Chatten")
    expect(birch.locator(".chat-log")).to_contain_text("Hello from Birch")  # the chat stayed
    close_panel(birch)

    # At a desktop, the site's own language form (kept from reloading the room).
    heron.get_by_label("Sprog").select_option("en")
    heron.get_by_role("button", name="Skift").click()
    expect(button(heron, "Turn microphone on")).to_be_visible()
    assert heron.evaluate("() => window.keptAcrossTheSwitch === true"), "the page reloaded"

    birch.set_viewport_size(DESKTOP)
    heron.set_viewport_size(PHONE)
    in_first_screen(birch, button(birch, "Tænd mikrofonen"), "Birchs mikrofon (desktop)")
    in_first_screen(birch, button(birch, "Ræk hånden op"), "Birchs hånd (desktop)")
    in_first_screen(heron, button(heron, "Turn microphone on"), "Heron's microphone (phone)")
    in_first_screen(heron, button(heron, "Raise hand"), "Heron's hand (phone)")
    assert_accessible(birch, "room, participant, desktop, Danish after the switch")
    assert_accessible(heron, "room, participant, phone, English after the switch")
    birch.set_viewport_size(PHONE)
    heron.set_viewport_size(DESKTOP)

    # --- the speaker view: the floor holder large at the facilitator's desktop ----------------
    open_panel(fac, "People")
    button(fac, "Options for Birch").click()
    button(fac, "Give the floor to Birch").click()
    stage = fac.locator("#stage")
    expect(stage).to_have_attribute("data-view", "speaker")
    featured = stage.locator(".stage-featured li.tile")
    expect(featured).to_have_attribute(
        "data-user-id", birch.locator("#room").get_attribute("data-user-id") or ""
    )
    video = featured.locator("video")
    expect(video).to_have_count(1)
    fac.wait_for_function(
        "() => { const v = document.querySelector('.stage-featured video');"
        " return v && v.videoWidth > 0; }"
    )
    width = video.bounding_box()
    assert width and width["width"] >= 320, f"the floor holder's picture is {width} wide"
    assert_accessible(fac, "room, facilitator, speaker view")
    in_first_screen(
        birch, birch.get_by_role("group", name="Du har ordet", exact=True), "Birch har ordet"
    )

    # --- a call for help marks the sender's tile; Reply opens the private line to them --------
    fac.keyboard.press("Escape")  # the person's menu
    birch_id = birch.locator("#room").get_attribute("data-user-id") or ""
    open_panel(birch, "Privat")
    birch.get_by_role("button", name="Jeg har det ikke godt").click()
    expect(birch.get_by_text("Gruppelederne har fået dit signal.")).to_be_visible()
    tile = fac.locator(f'#stage li.tile[data-user-id="{birch_id}"]')
    mark = tile.locator(".attention-mark")
    expect(mark).to_contain_text("I'm not OK")
    expect(fac.get_by_test_id("attention-list")).to_be_visible()
    in_first_screen(fac, mark, "the mark on Birch's tile")
    assert_accessible(fac, "room, facilitator, a call for help on a tile")
    screenshot(fac, "room-desktop-facilitator", full_page=False)
    mark.get_by_role("button", name="Reply to Birch").click()
    expect(toolbar(fac).locator('[data-panel="private"]')).to_have_attribute(
        "aria-expanded", "true"
    )
    focused = fac.evaluate(
        "() => document.activeElement?.labels?.[0]?.textContent ?? document.activeElement?.tagName"
    )
    assert "Birch" in focused, f"the focus is in {focused!r}"
    close_panel(fac)
    close_panel(birch)

    # --- shortcuts: H raises the hand, never while typing, and they can be turned off ---------
    heron.locator("body").press("h")
    expect(button(heron, "Lower my hand")).to_be_visible()
    heron.locator("body").press("h")
    expect(button(heron, "Raise hand")).to_be_visible()
    open_panel(heron, "Chat")
    heron.get_by_label("Message to everyone").press("h")
    expect(button(heron, "Raise hand")).to_be_visible()
    heron.get_by_label("Message to everyone").fill("")
    close_panel(heron)
    heron.locator("body").press("?")
    dialog = heron.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    assert_accessible(heron, "the shortcuts' list")
    dialog.get_by_label("Keyboard shortcuts on").uncheck()
    dialog.get_by_role("button", name="Close").click()
    heron.locator("body").press("h")
    heron.wait_for_timeout(300)
    expect(button(heron, "Raise hand")).to_be_visible()

    # --- a reload asks first --------------------------------------------------------------------
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    heron.on("dialog", answer)
    heron.evaluate("() => { window.keptAcrossTheSwitch = 'still'; }")
    with contextlib.suppress(PlaywrightError):  # the dismissed question stops the reload
        heron.reload(timeout=3000)
    assert asked == ["beforeunload"], asked
    assert heron.evaluate("() => window.keptAcrossTheSwitch") == "still"
    heron.remove_listener("dialog", answer)

    # --- the facilitator's phone ------------------------------------------------------------------
    fac.keyboard.press("Escape")
    fac.set_viewport_size(PHONE)
    assert_accessible(fac, "room, facilitator, phone")
    screenshot(fac, "room-phone-facilitator", full_page=False)
    open_panel(fac, "Tools")
    assert_accessible(fac, "room, facilitator, phone, tools open")
    birch.set_viewport_size(DESKTOP)
    screenshot(birch, "room-desktop-participant", full_page=False)
