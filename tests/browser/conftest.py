"""Fixtures for the real-browser tests: Debian's Chromium through Playwright (one per session),
a live Kreds server per module, and fresh browser contexts per person.

The whole suite is skipped, with the reason, when /usr/bin/chromium is missing or the client
bundle is not built (``make client``)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CLIENT_BUNDLE,
    NEUTRAL_URL,
    Person,
    person,
)
from tests.live_server import DEMO_PASSWORD, LiveServer, logged_in

NewPerson = Callable[..., Person]
SERVER_ENV = {"KREDS_QUICK_EXIT_URL": NEUTRAL_URL}
DATABASE = "kreds.db"  # in the instance folder (server/config.py)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"the browser tests need Debian's Chromium at {CHROMIUM} (apt install chromium)"
        )
    if not CLIENT_BUNDLE.exists():
        pytest.skip("the browser tests need the client bundle: run `make client` first")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def seeded(browser: Browser) -> Iterator[LiveServer]:
    """An instance folder migrated and seeded with the demo once per session (not served): each
    module's server starts from a copy of its database, which saves two ``flask`` runs each.
    (It asks for ``browser`` first so that a missing Chromium skips before anything starts.)"""
    template = LiveServer(env=SERVER_ENV)
    try:
        template.flask("db", "upgrade")
        template.seed_output = template.flask("seed-demo")
        yield template
    finally:
        template.close()


@pytest.fixture(scope="module")
def server(seeded: LiveServer) -> Iterator[LiveServer]:
    """A server of its own for each module (no module sees another's people in the demo room),
    with the demo seeded, whose quick exit goes to ``NEUTRAL_URL``."""
    live = LiveServer(env=SERVER_ENV, prepare=False)
    shutil.copyfile(seeded.instance_dir / DATABASE, live.instance_dir / DATABASE)
    live.seed_output = seeded.seed_output
    with live:
        yield live


@pytest.fixture
def new_person(browser: Browser, server: LiveServer) -> Iterator[NewPerson]:
    """``new_person(locale="en-GB", width=1280, timezone_id=None, storage_state=None)``: a
    person at their own fresh browser context, closed after the test. Fails the test if any page
    reported a Content Security Policy violation or a script error."""
    with ExitStack() as stack:
        people: list[Person] = []

        def make(**options: Any) -> Person:
            someone = stack.enter_context(person(browser, server, **options))
            people.append(someone)
            return someone

        yield make
        problems = [problem for someone in people for problem in someone.problems]
        assert not problems, "the pages reported:\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def signed_in(server: LiveServer) -> Callable[[str], Any]:
    """``signed_in(login)``: the cookies of a demo person just logged in through the real form,
    for ``new_person(storage_state=...)``. Each call is a log-in of its own: a quick exit or a
    log-out in one browser ends that log-in only."""

    def state(login: str) -> Any:
        session = logged_in(server.url, login, DEMO_PASSWORD)
        host = server.url.split("://", 1)[1].split(":", 1)[0]
        cookies = [
            {
                "name": cookie.name,
                "value": cookie.value or "",
                "domain": host,
                "path": cookie.path or "/",
                "expires": float(cookie.expires) if cookie.expires else -1,
                "httpOnly": True,
                "secure": False,
                "sameSite": "Lax",
            }
            for cookie in session.cookies
        ]
        return {"cookies": cookies, "origins": []}

    return state
