"""Log-out on a shared device, in a real browser: after "Keep me logged in" and "Log out", the
next person who opens Kreds on that device, or anyone with a copy of its cookies, finds only the
log-in page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.helpers import assert_only_the_log_in_page, log_out, person
from tests.live_server import DEMO_PASSWORD, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(90)]


def test_after_keep_me_logged_in_and_log_out_the_next_person_finds_the_log_in_page(
    browser: Browser, server: LiveServer
) -> None:
    with person(browser, server, width=360) as survivor:
        page = survivor.goto("/login")
        page.locator("#login").fill("p5")
        page.locator("#password").fill(DEMO_PASSWORD)
        page.get_by_label("Keep me logged in on this device").check()
        survivor.submit()
        expect(page.locator("form[action='/logout'] button")).to_be_visible()
        names = {cookie["name"] for cookie in survivor.context.cookies()}
        assert "remember_token" in names, names

        page = survivor.goto("/account/security")
        sessions = page.locator("#login-sessions li")
        expect(sessions.filter(has_text="This browser")).to_contain_text("Kept logged in")
        copied = survivor.context.storage_state()  # what someone could copy off the device

        log_out(survivor)
        left = {cookie["name"] for cookie in survivor.context.cookies()}
        assert "remember_token" not in left, left
        after = survivor.context.storage_state()
        assert not survivor.problems, "\n".join(survivor.problems)

    # The next person on the same device (the browser as it was left), and someone with the copy.
    for name, state in (("the same device", after), ("a copy of its cookies", copied)):
        with person(browser, server, storage_state=state) as next_person:
            page = next_person.goto("/")
            assert_only_the_log_in_page(page, ["Sparrow", "Tuesday group"], name)
            page = next_person.goto("/account")
            assert_only_the_log_in_page(page, ["Sparrow", "Tuesday group"], name)
