"""Issue 25, done when: an administrator sets up a group of six with six labelled invitations and
copies the six messages to send in at most 12 clicks; the page that shows them fits a 360 px
phone and has no serious accessibility problem, in English and in Danish.

Every click goes through ``click()``, which counts it (typing is not counted: it is what the
administrator has to say anyway). Before issue 25 the same journey took 21 clicks:

- log in (1; the administrator lands on Administration), "Create a group" (1), "Create" (1),
  "Invitations" (1);
- six times "Make the link" and "Copy the link", five times "Back to the invitations" (17);

and the administrator still had to write each message by hand, with nothing on the list to say
whose link was whose."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, expect

from tests.browser.conftest import NewPerson
from tests.browser.helpers import Person, assert_accessible, assert_fits, screenshot
from tests.live_server import DEMO_PASSWORD, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(120)]

MOST_CLICKS = 12
PHONE = {"width": 360, "height": 800}
LABELS = [
    "Anna from the Tuesday shelter group",
    "Bo, referred by the counsellor",
    "Carla (phoned on Monday)",
    "Dina",
    "Eva, second try",
    "Fatima",
]


@dataclass
class Clicks:
    """Every click of the journey, counted."""

    count: int = 0

    def click(self, target: Locator) -> None:
        self.count += 1
        target.click()


def invitation_link(server: LiveServer) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(server.url)}/invite/[\w-]+")


def test_an_admin_makes_six_labelled_invitations_and_copies_six_messages_in_few_clicks(
    new_person: NewPerson, server: LiveServer
) -> None:
    admin = new_person(timezone_id="Europe/Copenhagen")
    admin.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = admin.page
    clicks = Clicks()
    click = clicks.click

    # Log in: the administrator's start page is Administration.
    admin.goto("/login")
    page.locator("#login").fill("admin")
    page.locator("#password").fill(DEMO_PASSWORD)
    click(page.locator("main form button[type=submit]").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")

    # A new group, named; the rest of the form starts on what a course of six needs.
    click(page.get_by_role("link", name="Create a group"))
    page.get_by_label("Name", exact=True).fill("Spring course")
    expect(page.get_by_label("Participants at most")).to_have_value("6")
    click(page.get_by_role("button", name="Create"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring course")
    # (Not part of the journey: the group page offers the demo's eight people to add, none
    # ticked, each box reached and ticked from the keyboard.)
    boxes = page.get_by_role("group", name="People to add").get_by_role("checkbox")
    expect(boxes).to_have_count(8)
    for n in range(8):
        expect(boxes.nth(n)).not_to_be_checked()
    boxes.first.focus()
    page.keyboard.press("Space")
    expect(boxes.first).to_be_checked()
    page.keyboard.press("Space")
    assert_accessible(page, "group page with people to add")

    # Six invitations, one line each, in one submit.
    click(page.get_by_role("navigation", name="This group").get_by_role("link", name="Invitations"))
    page.get_by_label("For whom (optional), one line per invitation").fill("\n".join(LABELS))
    click(page.get_by_role("button", name="Make the links"))
    expect(page.get_by_role("heading", level=1)).to_have_text("6 invitations to Spring course")

    # Each message, copied in one click each; each carries its own link and no group name.
    copies = page.get_by_role("button", name="Copy the message")
    expect(copies).to_have_count(6)
    sections = page.locator("section.invitation-made")
    copied: list[str] = []
    for n, label in enumerate(LABELS):
        section = sections.nth(n)
        expect(section.get_by_role("heading", level=2)).to_have_text(label)
        link = section.get_by_label("Invitation link").input_value()
        assert invitation_link(server).fullmatch(link), link
        # Found by what it copies: its name says "Copied" for a moment after the click.
        copy = section.locator("button[data-copy-target^='#invitation-message']")
        expect(copy).to_have_text("Copy the message")
        click(copy)
        expect(copy).to_have_text("Copied")
        expect(page.locator("#kreds-announcer")).to_have_text("Copied")
        text = page.evaluate("navigator.clipboard.readText()")
        assert link in text and "Spring course" not in text, text
        copied.append(text)
    assert len(set(copied)) == 6

    print(f"\nClicks from logging in to the sixth message copied: {clicks.count}")
    assert clicks.count <= MOST_CLICKS

    # The result page on a phone, and for assistive technology.
    assert_accessible(page, "invitations made")
    page.set_viewport_size(PHONE)
    assert_fits(page, PHONE["width"], "invitations made at 360 px")
    screenshot(page, "admin-invitations-made")

    # The list says for whom each open link is, and asks by name before revoking.
    # (The result page answered the form's POST at the list's own address.)
    assert page.url.endswith("/invitations")
    page.goto(page.url)
    listed = page
    rows = listed.locator("main table tbody tr")
    expect(rows).to_have_count(6)
    for label in LABELS:
        expect(rows.filter(has_text=label)).to_have_count(1)
    assert_fits(listed, PHONE["width"], "invitations list at 360 px")
    assert_accessible(listed, "invitations list with labels")


def test_the_forms_and_the_result_fit_a_phone_in_danish(
    new_person: NewPerson, server: LiveServer, signed_in
) -> None:  # type: ignore[no-untyped-def]
    admin: Person = new_person(
        locale="da-DK", width=PHONE["width"], storage_state=signed_in("admin")
    )
    page = admin.goto("/admin/groups")
    page.get_by_role("link", name="Demo: Tuesday group").first.click()
    group_path = re.sub(r"^https?://[^/]+", "", page.url)
    expect(page.locator("html")).to_have_attribute("lang", "da")
    # Adding people: a box each; nobody ticked (the demo's people are all members already).
    assert_fits(page, PHONE["width"], "group page at 360 px (da)")
    assert_accessible(page, "group page (da)")

    page = admin.goto(f"{group_path}/invitations")
    assert_fits(page, PHONE["width"], "invitations form at 360 px (da)")
    # The demo group is full of participants: co-facilitators take no place.
    page.locator("#labels").fill("Jonas' afløser\nEn gæst")
    page.locator("#role").select_option("co_facilitator")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("section.invitation-made")).to_have_count(2)
    expect(page.locator("#invitation-message-1")).to_contain_text(f"{server.url}/invite/")
    assert_fits(page, PHONE["width"], "invitations made at 360 px (da)")
    assert_accessible(page, "invitations made (da)")
