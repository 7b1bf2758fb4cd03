"""Where two-step log-in is required of facilitators (as in production), a facilitator who has
not set it up is led through it right after the password, in a real browser, and cannot go
round it: no page opens until it is done."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DATABASE, SERVER_ENV, NewPerson
from tests.browser.helpers import NEUTRAL_URL, QUICK_EXIT, assert_accessible, screenshot
from tests.browser.test_two_step import PHONE
from tests.live_server import DEMO_PASSWORD, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def server(seeded: LiveServer) -> Iterator[LiveServer]:
    """This module's own server, which requires two-step log-in of facilitators."""
    live = LiveServer(env={**SERVER_ENV, "KREDS_TWO_FACTOR_REQUIRED": "facilitator"}, prepare=False)
    shutil.copyfile(seeded.instance_dir / DATABASE, live.instance_dir / DATABASE)
    live.seed_output = seeded.seed_output
    with live:
        yield live


def test_a_facilitator_sets_it_up_before_anything_else(new_person: NewPerson) -> None:
    mira = new_person(width=PHONE["width"])
    page = mira.goto("/login?next=/account/security")
    page.locator("#login").fill("facilitator")
    page.locator("#password").fill(DEMO_PASSWORD)
    mira.submit()
    expect(page).to_have_url(re.compile(r"/login/setup$"))
    expect(page.get_by_text("Your account needs two-step log-in")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Not now"))).to_have_count(0)
    page.set_viewport_size(PHONE)
    assert_accessible(page, "the required set-up page")
    screenshot(page, "two-step-setup-required")
    key = page.locator("#totp-secret").text_content() or ""

    # Going elsewhere does not get round it.
    for path in ("/", "/account/security", f"/meetings/{mira.server.demo_meeting_id}"):
        mira.goto(path)
        expect(page).to_have_url(re.compile(r"/login(\?|$)"))
        expect(page.locator("form[action='/logout']")).to_have_count(0)

    # Back to the set-up page: the same key (it may be in the app already).
    mira.goto("/login/setup")
    expect(page.locator("#totp-secret")).to_have_text(key)
    page.get_by_label("Code from your app").fill(pyotp.TOTP(key.replace(" ", "")).now())
    page.get_by_role("button", name="Turn on two-step log-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have saved them: go on").click()
    expect(page).to_have_url(re.compile(r"/account/security$"))
    expect(page.locator("form[action='/logout'] button")).to_be_visible()


def test_leave_quickly_on_the_set_up_page_leaves_nothing_to_finish(
    new_person: NewPerson,
) -> None:
    """Whoever opens the browser next cannot set up an app of their own for the account."""
    jonas = new_person()
    page = jonas.goto("/login")
    page.locator("#login").fill("cofacilitator")
    page.locator("#password").fill(DEMO_PASSWORD)
    jonas.submit()
    expect(page).to_have_url(re.compile(r"/login/setup$"))
    with page.expect_request(re.compile(r"/leave-quickly$")):
        page.locator(QUICK_EXIT).click()
    expect(page).to_have_url(NEUTRAL_URL)
    later = jonas.new_tab()
    later.goto(f"{jonas.server.url}/login/setup")
    expect(later).to_have_url(re.compile(r"/login$"))
    expect(later.locator("#totp-secret")).to_have_count(0)
