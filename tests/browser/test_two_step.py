"""Two-step log-in in a real browser, through the real pages of a live server: a facilitator
sets it up, logs out and in with a code from the app, then with a recovery code (which works
once); an administrator turns it off for someone who lost their phone, and that person logs in
with the password alone and is told. The codes are made the way an authenticator app makes
them, from the key the set-up page shows."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import NewPerson
from tests.browser.helpers import (
    Person,
    assert_accessible,
    assert_fits,
    assert_quick_exit_uncovered,
    log_in,
    log_out,
    screenshot,
)
from tests.live_server import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(120)]

PHONE = {"width": 360, "height": 740}
WRONG = "This code is not right, or it was already used."


def next_code(secret: str) -> str:
    """The app's next code (the one shown in at most 30 seconds): the code shown now may be the
    one just used, and a code works once. The server allows one step of clock drift."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def on_a_phone(page: Page, name: str) -> None:
    page.set_viewport_size(PHONE)
    assert_fits(page, PHONE["width"], name)
    assert_quick_exit_uncovered(page, f"{name} at 360 px")
    screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 800})


def set_up_two_step(someone: Person) -> tuple[str, list[str]]:
    """Turn two-step log-in on from the Log-in and security page; returns the key the page
    showed and the recovery codes."""
    page = someone.goto("/account/security")
    page.get_by_role("link", name="Set up two-step log-in").click()
    expect(page.get_by_role("heading", name="Set up two-step log-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for setting up two-step log-in")).to_be_visible()
    secret = (page.locator("#totp-secret").text_content() or "").replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step log-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = [text.strip() for text in page.locator("#recovery-codes code").all_text_contents()]
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved them: go on").click()
    expect(page).to_have_url(re.compile(r"/account/security$"))
    expect(page.locator("#two-step-heading + p .badge")).to_have_text("On")
    return secret, codes


def password_step(someone: Person, login: str) -> Page:
    page = someone.goto("/login")
    page.locator("#login").fill(login)
    page.locator("#password").fill(DEMO_PASSWORD)
    someone.submit()
    expect(page).to_have_url(re.compile(r"/login/code$"))
    return page


def test_set_up_then_log_in_with_a_code_and_with_a_recovery_code_once(
    new_person: NewPerson,
) -> None:
    mira = new_person()
    log_in(mira, "facilitator")
    page = mira.goto("/account/security/two-step")
    assert_accessible(page, "the set-up page")
    on_a_phone(page, "two-step-setup")
    secret, codes = set_up_two_step(mira)
    log_out(mira)

    # With a code from the app.
    page = password_step(mira, "facilitator")
    expect(page.locator("form[action='/logout']")).to_have_count(0)
    code_field = page.get_by_label("Code from your app")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    expect(code_field).to_have_attribute("inputmode", "numeric")
    assert_accessible(page, "the code page")
    on_a_phone(page, "two-step-code")
    code_field.fill(next_code(secret))
    mira.submit()
    expect(page).to_have_url(f"{mira.server.url}/")
    expect(page.locator("form[action='/logout'] button")).to_be_visible()
    log_out(mira)

    # With a recovery code, pasted as it was shown.
    page = password_step(mira, "facilitator")
    page.get_by_role("link", name="No phone at hand? Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[0])
    mira.submit()
    expect(page).to_have_url(f"{mira.server.url}/")
    expect(page.get_by_text("You used a recovery code: 9 are left.")).to_be_visible()
    log_out(mira)

    # The same recovery code a second time.
    page = password_step(mira, "facilitator")
    page.get_by_role("link", name="No phone at hand? Use a recovery code").click()
    field = page.get_by_label("Recovery code")
    field.fill(codes[0])
    mira.submit()
    expect(page).to_have_url(re.compile(r"/login/code\?with=recovery$"))
    expect(page.locator("#code-error")).to_contain_text(WRONG)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("form[action='/logout']")).to_have_count(0)
    assert_accessible(page, "the code page with an error")


def test_an_admin_turns_it_off_for_a_lost_phone_and_the_person_is_told(
    new_person: NewPerson,
) -> None:
    jonas = new_person()
    log_in(jonas, "cofacilitator")
    secret, _ = set_up_two_step(jonas)
    log_out(jonas)
    page = password_step(jonas, "cofacilitator")
    page.get_by_label("Code from your app").fill(next_code(secret))
    jonas.submit()
    expect(page).to_have_url(f"{jonas.server.url}/")

    admin = new_person()
    log_in(admin, "admin")
    people = admin.goto("/admin/people")
    people.get_by_role("link", name="cofacilitator", exact=True).click()
    expect(people.get_by_text("Two-step log-in is on.")).to_be_visible()
    people.once("dialog", lambda dialog: dialog.accept())
    people.get_by_role("button", name="Turn off two-step log-in").click()
    expect(people.get_by_text("they are logged out everywhere")).to_be_visible()
    expect(people.get_by_text("Two-step log-in is off.")).to_be_visible()

    # Jonas's browser is logged out; the password alone lets him in, and he is told.
    jonas.page.reload()
    expect(jonas.page).to_have_url(re.compile(r"/login(\?|$)"))
    expect(jonas.page.locator("form[action='/logout']")).to_have_count(0)
    log_in(jonas, "cofacilitator")
    expect(
        jonas.page.get_by_text("An administrator turned off two-step log-in for your account on")
    ).to_be_visible()
