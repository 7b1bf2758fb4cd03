"""Every kind of page, in a real browser: "Leave quickly" comes first and is never covered; it
leaves by button and by Shift pressed three times, replacing the page (no Back to it); the page
has no serious accessibility problems in English or Danish, fits a 360 px phone, breaks no
Content Security Policy rule and leaves nothing in the browser's storage."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import NewPerson
from tests.browser.helpers import (
    NEUTRAL_URL,
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
    path_of,
    person,
    press_shift_three_times,
)
from tests.live_server import DEMO_PASSWORD, LiveServer, logged_in, submit_form

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(60)]

PHONE = 360


@dataclass(frozen=True)
class Kind:
    """A kind of page: who looks at it (None: nobody is logged in) and where it is."""

    name: str
    login: str | None
    path: str


PAGES = [
    Kind("login", None, "/login"),
    Kind("safety", None, "/safety"),
    Kind("invitation", None, "/invite/{invitation}"),
    Kind("reset-link-unknown", None, "/reset/not-a-real-link"),
    Kind("error-404", None, "/no-such-page"),
    Kind("dashboard", "p6", "/"),
    Kind("account", "p6", "/account"),
    Kind("account-data", "p6", "/account/data"),
    Kind("agreement", "p6", "/meetings/{meeting}"),
    Kind("facilitator-agreement", "facilitator", "/groups/{group}/agreement"),
    Kind("facilitator-attendance", "facilitator", "/groups/{group}/attendance"),
    Kind("admin", "admin", "/admin/"),
    Kind("admin-people", "admin", "/admin/people"),
    Kind("admin-person", "admin", "/admin/people/{participant}"),
    Kind("admin-groups", "admin", "/admin/groups"),
    Kind("admin-group-new", "admin", "/admin/groups/new"),
    Kind("admin-group", "admin", "/admin/groups/{group}"),
    Kind("admin-meetings", "admin", "/admin/groups/{group}/meetings"),
    Kind("admin-invitations", "admin", "/admin/groups/{group}/invitations"),
    Kind("admin-help-lines", "admin", "/admin/help-lines"),
    Kind("admin-audit", "admin", "/admin/audit"),
]
LANGUAGES = {"en": "en-GB", "da": "da-DK"}
# The demo's display names of the people who look at pages here.
NAMES = {"p6": "Willow", "facilitator": "Mira", "admin": "Ada"}
by_name = pytest.mark.parametrize("kind", PAGES, ids=[kind.name for kind in PAGES])


@pytest.fixture(scope="module")
def places(server: LiveServer) -> dict[str, Any]:
    """What the paths name: the demo group and meeting, a participant, an open invitation."""
    with sqlite3.connect(server.instance_dir / "kreds.db") as database:
        group = database.execute("SELECT id FROM groups ORDER BY id LIMIT 1").fetchone()[0]
        participant = database.execute("SELECT id FROM users WHERE login = 'p6'").fetchone()[0]
    admin = logged_in(server.url, "admin", DEMO_PASSWORD)
    made = submit_form(
        admin,
        f"{server.url}/admin/groups/{group}/invitations",
        {"role": "co_facilitator", "days": "14"},
    )
    link = re.search(r'id="one-time-link" value="[^"]*/invite/([^"]+)"', made.text)
    assert link, made.text[:500]
    return {
        "group": group,
        "meeting": server.demo_meeting_id,
        "participant": participant,
        "invitation": link.group(1),
    }


@pytest.fixture(scope="module")
def people(
    browser: Browser, server: LiveServer, signed_in: Callable[[str], Any]
) -> Iterator[Callable[[str | None, str], Person]]:
    """One browser per person and language for the whole module (logged in when a page needs
    it): ``people(login, locale)``. Closed at the end."""
    with ExitStack() as stack:
        cache: dict[tuple[str | None, str], Person] = {}

        def get(login: str | None, locale: str) -> Person:
            if (login, locale) not in cache:
                state = signed_in(login) if login else None
                cache[login, locale] = stack.enter_context(
                    person(browser, server, locale=locale, storage_state=state)
                )
            return cache[login, locale]

        yield get


@pytest.mark.parametrize("language", LANGUAGES)
@by_name
def test_leave_quickly_comes_first_and_the_page_is_accessible_on_a_phone(
    people: Callable[[str | None, str], Person],
    places: dict[str, Any],
    kind: Kind,
    language: str,
) -> None:
    someone = people(kind.login, LANGUAGES[language])
    someone.problems.clear()
    page = someone.page
    page.set_viewport_size({"width": 1280, "height": 800})
    someone.goto(kind.path.format(**places))
    assert someone.path == kind.path.format(**places), f"{kind.name} went to {someone.path}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    name = f"{kind.name} ({language})"
    assert_quick_exit_first(page, name)
    assert_quick_exit_uncovered(page, name)
    assert_accessible(page, name)
    assert_nothing_stored(page, name)

    page.set_viewport_size({"width": PHONE, "height": 720})
    assert_quick_exit_uncovered(page, f"{name} at {PHONE} px")
    assert_fits(page, PHONE, name)
    assert not someone.problems, "\n".join(someone.problems)


@by_name
def test_shift_three_times_or_the_button_leave_and_back_does_not_return(
    browser: Browser,
    server: LiveServer,
    signed_in: Callable[[str], Any],
    places: dict[str, Any],
    kind: Kind,
) -> None:
    """From each kind of page, in a browser of its own (a quick exit ends the log-in it was made
    in), by Shift pressed three times or by the button (every other kind of page each): Back and
    the site's root then show only the log-in page."""
    path = kind.path.format(**places)
    by_shift = PAGES.index(kind) % 2 == 0
    state = signed_in(kind.login) if kind.login else None
    with person(browser, server, storage_state=state) as someone:
        tab = someone.page
        tab.goto(f"{server.url}{path}")
        assert path_of(tab) == path, f"{kind.name} went to {path_of(tab)}"
        history = tab.evaluate("history.length")
        if by_shift:
            # In a field first: the presses count wherever the focus is.
            field = tab.locator("main input:not([type=hidden])").first
            if field.count():
                field.focus()
            press_shift_three_times(tab)
        else:
            tab.locator(QUICK_EXIT).click()
        assert_left_without_a_way_back(tab, path, history)
        if kind.login:
            private = [NAMES[kind.login], "Tuesday group"]
            tab.goto(f"{server.url}/")
            assert_only_the_log_in_page(tab, private, f"{kind.name}: the site after leaving")
        assert_browser_keeps_nothing(someone.context, kind.name)
        assert not someone.problems, "\n".join(someone.problems)


def test_capital_letters_escape_and_slow_presses_do_not_leave(
    new_person: NewPerson, server: LiveServer
) -> None:
    someone = new_person()
    # The page's timers run on a clock the test moves: no waiting for real seconds.
    someone.page.clock.install()
    page = someone.goto("/login")
    page.locator("#login").click()
    for letter in "ABC":  # typed with Shift held, as people type capitals
        page.keyboard.press(f"Shift+{letter}")
    expect(page.locator("#login")).to_have_value("ABC")
    for _ in range(3):
        page.keyboard.press("Escape")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.clock.run_for(6000)
    page.keyboard.press("Shift")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(QUICK_EXIT)).to_be_visible()

    # The slow third press started a new count: two more within 5 seconds leave.
    page.keyboard.press("Shift")
    page.clock.run_for(4900)
    page.keyboard.press("Shift")
    expect(page).to_have_url(NEUTRAL_URL)
