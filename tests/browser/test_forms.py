"""Issue 24, on a phone (360 by 740 px): a form sent with mistakes comes back with its error summary
in the first screen, focused, so that a screen reader reads it and nobody has to look for what
went wrong below the fold. Each link in it moves the focus to its field with the field's label
in view, below the quick-exit bar; what was typed is still there, except passwords. Shown with
the invitation's sign-up and the meeting's agreement, in English and Danish, with and without
script."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import NewPerson
from tests.browser.helpers import QUICK_EXIT, Person, assert_accessible, assert_fits, path_of
from tests.live_server import DEMO_PASSWORD, LiveServer, logged_in, submit_form

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(120)]

PHONE = {"width": 360, "height": 740}
LOCALES = {"en": "en-GB", "da": "da-DK"}
WORDS = {
    "en": {
        "title": re.compile(r"^Error: "),
        "problem": "There is a problem",
        "too_short": "Use at least 10 characters.",
        "tick": "Tick the box to accept the agreement.",
        "name": "Kestrel",
    },
    "da": {
        "title": re.compile(r"^Fejl: "),
        "problem": "Der er et problem",
        "too_short": "Brug mindst 10 tegn.",
        "tick": "Sæt flueben for at acceptere aftalen.",
        "name": "Tårnfalk",
    },
}


def new_invitation(server: LiveServer) -> str:
    """The path of a fresh invitation to the demo group, made by its administrator."""
    with sqlite3.connect(server.instance_dir / "kreds.db") as database:
        group = database.execute("SELECT id FROM groups ORDER BY id LIMIT 1").fetchone()[0]
    admin = logged_in(server.url, "admin", DEMO_PASSWORD)
    made = submit_form(
        admin,
        f"{server.url}/admin/groups/{group}/invitations",
        # Facilitators take no participant place: the demo group is full of participants.
        {"role": "co_facilitator", "days": "14"},
    )
    link = re.search(r'id="one-time-link" value="[^"]*(/invite/[^"]+)"', made.text)
    assert link, made.text[:500]
    return link.group(1)


def on_a_phone(someone: Person) -> Page:
    someone.page.set_viewport_size(PHONE)
    return someone.page


def summary_of(page: Page) -> Locator:
    return page.locator("[data-error-summary]")


def assert_summary_first_and_focused(page: Page, language: str, links: int) -> Locator:
    """The summary is in the first screen, below the quick-exit bar, and has the focus; "Error:"
    leads the title."""
    summary = summary_of(page)
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.evaluate("window.scrollY") == 0, "the page scrolled away from its top"
    expect(summary.get_by_role("heading", name=WORDS[language]["problem"])).to_be_in_viewport(
        ratio=1
    )
    expect(summary.get_by_role("alert")).to_have_count(1)
    expect(summary.get_by_role("link")).to_have_count(links)
    expect(summary.get_by_role("link").first).to_be_in_viewport(ratio=1)
    assert_clear_of_the_quick_exit(page, summary, "the summary")
    expect(page).to_have_title(WORDS[language]["title"])
    return summary


def assert_clear_of_the_quick_exit(page: Page, element: Locator, name: str) -> None:
    bar = page.locator(QUICK_EXIT).bounding_box()
    box = element.bounding_box()
    assert bar and box, name
    assert box["y"] >= bar["y"] + bar["height"] - 1, f"{name} is under Leave quickly: {box}"
    assert box["y"] + box["height"] <= PHONE["height"], f"{name} is below the screen: {box}"


def assert_shows_its_field(page: Page, link: Locator, field: str, label: Locator) -> None:
    """Following the link focuses the field, with its label and error in view, no fragment."""
    url = page.url
    link.click()
    expect(page.locator(f"#{field}")).to_be_focused()
    assert_clear_of_the_quick_exit(page, label, f"the label of #{field}")
    expect(page.locator(f"#{field}-error")).to_be_in_viewport(ratio=1)
    assert page.url == url, "the link added a fragment (and a history entry)"


@pytest.mark.parametrize("language", LOCALES)
def test_a_sign_up_with_mistakes_shows_them_first_and_keeps_what_was_typed(
    new_person: NewPerson, server: LiveServer, language: str
) -> None:
    invitation = new_invitation(server)
    someone = new_person(locale=LOCALES[language], width=PHONE["width"])
    page = on_a_phone(someone)
    someone.goto(invitation)
    page.locator("#login").fill("ash tree")
    page.locator("#display_name").fill(WORDS[language]["name"])
    page.locator("#password").fill("too-short")
    page.locator("#confirm").fill("something-else-entirely")
    someone.submit()

    summary = assert_summary_first_and_focused(page, language, links=3)
    # What was typed is there, but not the passwords.
    expect(page.locator("#login")).to_have_value("ash tree")
    expect(page.locator("#display_name")).to_have_value(WORDS[language]["name"])
    expect(page.locator("#language")).to_have_value(language)
    expect(page.locator("#password")).to_have_value("")
    expect(page.locator("#confirm")).to_have_value("")
    assert "too-short" not in page.content()
    assert_accessible(page, f"sign-up with mistakes ({language})")
    assert_fits(page, PHONE["width"], f"sign-up with mistakes ({language})")

    # Each field says its own problem, above the input, tied to it.
    password = page.locator("#password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile(WORDS[language]["too_short"]))
    expect(page.locator("#display_name")).not_to_have_attribute("aria-invalid", "true")

    link = summary.get_by_role("link", name=WORDS[language]["too_short"])
    assert_shows_its_field(page, link, "password", page.locator("label[for=password]"))

    # Put right, it goes through.
    page.locator("#login").fill(f"ash-{language}")
    page.locator("#password").fill("seven quiet harbour lamps")
    page.locator("#confirm").fill("seven quiet harbour lamps")
    someone.submit()
    expect(page).to_have_url(f"{server.url}/")


@pytest.mark.parametrize(("language", "login"), [("en", "p5"), ("da", "p4")])
def test_the_agreement_without_a_tick_says_so_first_and_the_keyboard_reaches_the_box(
    new_person: NewPerson,
    server: LiveServer,
    signed_in: Any,
    language: str,
    login: str,
) -> None:
    someone = new_person(
        locale=LOCALES[language], width=PHONE["width"], storage_state=signed_in(login)
    )
    page = on_a_phone(someone)
    path = f"/meetings/{server.demo_meeting_id}"
    someone.goto(path)
    someone.submit()

    assert path_of(page) == path
    summary = assert_summary_first_and_focused(page, language, links=1)
    box = page.locator("#accept")
    expect(box).not_to_be_checked()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_have_accessible_description(re.compile(WORDS[language]["tick"]))
    assert_accessible(page, f"agreement without a tick ({language})")

    # By keyboard: Tab from the summary reaches its link; Enter takes the focus to the box, far
    # down the page, with its message and label in view.
    page.keyboard.press("Tab")
    link = summary.get_by_role("link", name=WORDS[language]["tick"])
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(box).to_be_focused()
    assert_clear_of_the_quick_exit(page, page.locator("#accept-error"), "the box's message")
    expect(page.locator("label.checkbox", has=box)).to_be_in_viewport(ratio=1)
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    someone.submit()
    expect(page).to_have_url(re.compile(rf"{path}/room$"))


def test_without_script_the_summary_still_takes_the_focus(
    browser: Browser, server: LiveServer
) -> None:
    """The server's markup does it alone (autofocus): nothing waits for the script."""
    context = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/login")
        page.locator("#login").fill("nobody-by-this-name")
        page.locator("#password").fill("not-the-password")
        page.locator("main form button[type=submit]").click()
        summary = assert_summary_first_and_focused(page, "en", links=1)
        expect(page.locator("#login")).to_have_value("nobody-by-this-name")
        expect(page.locator("#password")).to_have_value("")
        # A plain link to the field still works.
        summary.get_by_role("link").click()
        expect(page.locator("#password")).to_be_focused()
    finally:
        context.close()
