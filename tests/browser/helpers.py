"""What the browser tests share: a person (one browser context), logging in through the real
form, the quick exit, accessibility checks and screenshots."""

from __future__ import annotations

import math
import os
import re
import struct
import wave
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Route,
    expect,
)

from tests.live_server import DEMO_PASSWORD, LiveServer

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# Chromium's fake camera and microphone, both ends on this machine.
FAKE_MEDIA = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    # Both ends are on this machine: real host candidates, loopback allowed.
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]
CLIENT_BUNDLE = ROOT / "server" / "static" / "dist" / "pages.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
# Where "Leave quickly" goes in these tests. The browser never reaches the network for it: every
# context answers it with a small page of its own (see ``Person``).
NEUTRAL_URL = "https://weather.example/"
NEUTRAL_PAGE = "<!doctype html><html lang='en'><title>Weather</title><p>Sunny, 21 degrees.</p>"
SERIOUS = {"serious", "critical"}
_axe = Axe()


class Person:
    """One person at one browser: a fresh context (cookies, storage, time zone, language) and its
    page. Records every Content Security Policy violation and script error the page reports."""

    def __init__(self, context: BrowserContext, server: LiveServer) -> None:
        self.context = context
        self.server = server
        self.problems: list[str] = []
        # Pages answer in well under a second; a missing element should fail soon, not in 30 s.
        context.set_default_timeout(10_000)
        context.route(f"{NEUTRAL_URL}**", _neutral_site)
        self.page = self.new_tab()

    def new_tab(self) -> Page:
        """Another tab of the same browser (the same cookies), watched like the first."""
        page = self.context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        return page

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"CSP: {message.text}")

    def goto(self, path: str) -> Page:
        """Open a page of the live server (``path`` starts with /)."""
        self.page.goto(f"{self.server.url}{path}")
        return self.page

    def submit(self) -> None:
        """Press the submit button of the page's own form (not the header's language or log-out
        buttons)."""
        self.page.locator("main form button[type=submit]").first.click()

    @property
    def path(self) -> str:
        return path_of(self.page)


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def _neutral_site(route: Route) -> None:
    route.fulfill(status=200, content_type="text/html; charset=utf-8", body=NEUTRAL_PAGE)


@contextmanager
def person(
    browser: Browser,
    server: LiveServer,
    *,
    locale: str = "en-GB",
    width: int = 1280,
    timezone_id: str | None = None,
    storage_state: Any = None,
) -> Iterator[Person]:
    """A fresh browser context for one person, closed afterwards."""
    options: dict[str, Any] = {
        "locale": locale,
        "viewport": {"width": width, "height": 800},
        "storage_state": storage_state,
    }
    if timezone_id:
        options["timezone_id"] = timezone_id
    context = browser.new_context(**options)
    try:
        yield Person(context, server)
    finally:
        context.close()


def log_in(someone: Person, login: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real form, as a person would, and wait for the start page (the demo's
    administrator's is the administration area)."""
    page = someone.goto("/login")
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    someone.submit()
    start = "/admin/" if login == "admin" else "/"
    expect(page).to_have_url(f"{someone.server.url}{start}")
    expect(page.locator("form[action='/logout'] button")).to_be_visible()


def log_out(someone: Person) -> None:
    someone.page.locator("form[action='/logout'] button").click()
    expect(someone.page).to_have_url(re.compile(r"/login$"))


def assert_accessible(page: Page, name: str) -> None:
    """No serious or critical axe-core violations on the page as it is now."""
    results = _axe.run(page)
    found = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    lines = [
        f"  {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:5])
        for v in found
    ]
    assert not found, f"{name}: {len(found)} serious accessibility violation(s):\n" + "\n".join(
        lines
    )


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Save ``docs/screenshots/<name>.png``, only when KREDS_SCREENSHOTS=1 (so that ordinary runs
    leave the working tree alone)."""
    if os.environ.get("KREDS_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Fixed elements (Leave quickly, the hidden skip link) are drawn where the scroll puts them.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


# --- the quick exit --------------------------------------------------------------------------

QUICK_EXIT = "#quick-exit"

# The element at the centre of the quick-exit link is the link itself (or inside it).
_UNCOVERED = """(link) => {
  const box = link.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {hit: hit ? hit.outerHTML.slice(0, 120) : null, uncovered: !!hit && link.contains(hit),
          width: box.width, height: box.height};
}"""


def assert_quick_exit_first(page: Page, name: str) -> None:
    """ "Leave quickly" is the first Tab stop of a freshly loaded page."""
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "document.activeElement ? [document.activeElement.id, "
        "document.activeElement.outerHTML.slice(0, 100)] : ['', '']"
    )
    assert focused[0] == "quick-exit", f"{name}: the first Tab stop is {focused[1]}"


def assert_quick_exit_uncovered(page: Page, name: str) -> None:
    """ "Leave quickly" is visible on screen, at least 24 by 24 px, and nothing covers it."""
    link = page.locator(QUICK_EXIT)
    expect(link).to_be_visible()
    expect(link).to_be_in_viewport()
    geometry = link.evaluate(_UNCOVERED)
    assert geometry["uncovered"], f"{name}: Leave quickly is covered by {geometry['hit']}"
    assert geometry["width"] >= 24 and geometry["height"] >= 24, f"{name}: target {geometry}"


def assert_fits(page: Page, width: int, name: str) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name}: {scroll_width} px wide on a {width} px screen"


def press_shift_three_times(page: Page) -> None:
    for _ in range(3):
        page.keyboard.press("Shift")


def assert_replaced_by_the_neutral_site(page: Page, history_before: int) -> None:
    """The page went to the neutral site with ``location.replace``: no new history entry."""
    expect(page).to_have_url(NEUTRAL_URL)
    expect(page).to_have_title("Weather")
    assert page.evaluate("history.length") == history_before, "leaving added a history entry"


def assert_left_without_a_way_back(
    page: Page,
    left_path: str,
    history_before: int,
    *,
    logged_in: bool = False,
    private: Sequence[str] = (),
) -> None:
    """The page was replaced by the neutral site, and Back does not show the page that was left.
    Someone who was logged in finds only the log-in page there, with none of ``private`` (their
    name, their group) on it: the quick exit ended their session on the server, and no page is
    kept in a cache."""
    assert_replaced_by_the_neutral_site(page, history_before)
    page.go_back()
    assert path_of(page) != left_path, f"Back shows {left_path} again"
    if logged_in:
        assert_only_the_log_in_page(page, private, "Back after a quick exit")


def assert_only_the_log_in_page(page: Page, private: Sequence[str], name: str) -> None:
    """The page is the log-in page of someone logged out, naming none of ``private``."""
    expect(page).to_have_url(re.compile(r"/login(\?|$)"))
    expect(page.locator("#login")).to_be_visible()
    expect(page.locator("form[action='/logout']")).to_have_count(0)
    text = page.locator("body").inner_text()
    shown = [word for word in private if word in text]
    assert not shown, f"{name}: the page shows {shown}"


def assert_nothing_stored(page: Page, name: str) -> None:
    """Nothing in localStorage, sessionStorage, IndexedDB or Cache Storage for the page's origin."""
    stored = page.evaluate(
        """async () => ({
          local: localStorage.length,
          session: sessionStorage.length,
          indexed: indexedDB.databases ? (await indexedDB.databases()).length : 0,
          cached: typeof caches !== "undefined" ? (await caches.keys()).length : 0,
        })"""
    )
    assert stored == {"local": 0, "session": 0, "indexed": 0, "cached": 0}, f"{name}: {stored}"


def assert_browser_keeps_nothing(context: BrowserContext, name: str) -> None:
    """No origin has anything in localStorage or IndexedDB (works after leaving, too)."""
    state = context.storage_state(indexed_db=True)
    origins = [o for o in state["origins"] if o.get("localStorage") or o.get("indexedDB")]
    assert not origins, f"{name}: the browser keeps {origins}"


# --- the meeting room ------------------------------------------------------------------------


def go_to_the_room(someone: Person, meeting_id: int, *, accept: bool) -> Page:
    """Open the meeting's page and go on to its room page: a participant accepts the agreement
    first (and then waits in the lobby), a facilitator goes straight in."""
    page = someone.goto(f"/meetings/{meeting_id}")
    if accept:
        page.get_by_role("checkbox").check()
        someone.submit()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting_id}/room$"))
    return page


ROOM_PANELS = ("chat", "people", "private", "facilitator", "more")


def panel_button(page: Page, panel: str) -> Locator:
    """The room toolbar's button for one panel, by its ``data-panel``: chat, people, private,
    facilitator (a facilitator's tools) or more."""
    assert panel in ROOM_PANELS, f"no panel {panel!r} in the room"
    return page.locator(f'.room-toolbar [data-panel="{panel}"]')


def open_panel(page: Page, panel: str) -> Locator:
    """Open one of the room's panels from its toolbar button (one panel is open at a time),
    unless it is open already; returns the button."""
    control = panel_button(page, panel)
    if control.get_attribute("aria-expanded") != "true":
        control.click()
    expect(control).to_have_attribute("aria-expanded", "true")
    return control


def user_id_of(page: Page) -> int:
    """The person's user id, from the room page's ``<div id="room" data-user-id>``."""
    return int(page.locator("#room").get_attribute("data-user-id") or 0)


def write_voice(path: Path, seconds: float = 4.0, rate: int = 48_000) -> None:
    """Something like a voice for the fake microphone: a low tone with harmonics, its loudness
    rising and falling three times a second (Chromium's own fake microphone only beeps briefly,
    too short for the room's "speaking" mark; a steady tone could be taken for noise by the
    browser's noise suppression)."""
    frames = bytearray()
    for i in range(int(seconds * rate)):
        t = i / rate
        tone = sum(math.sin(2 * math.pi * 180 * k * t) / k for k in (1, 2, 3, 4))
        envelope = 0.35 + 0.25 * math.sin(2 * math.pi * 3 * t)
        frames += struct.pack("<h", int(max(-1.0, min(1.0, 0.45 * envelope * tone)) * 32_000))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
