"""Issue 2, done when: in a real browser an administrator sets up a course (a group in
Copenhagen time, 6 weekly meetings of 2 hours, 6 personal invitations); six people in their own
time zones and languages accept, see the 6 meetings at their own local hour, log out and in
again. Invitation links that are used, expired or unknown say so plainly."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel import dates
from playwright.sync_api import Page, expect

from server.models.types import hash_token
from tests.browser.conftest import NewPerson
from tests.browser.helpers import Person, assert_accessible, log_in, log_out, screenshot
from tests.live_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(120)]

GROUP_ZONE = ZoneInfo("Europe/Copenhagen")
MEETING_TIME = time(18, 0)
MEETINGS = 6
PASSWORD = "seven quiet harbour lamps"


@dataclass(frozen=True)
class Invitee:
    login: str
    display_name: str
    locale: str
    timezone: str

    @property
    def babel_locale(self) -> str:
        return "da" if self.locale.startswith("da") else "en_GB"


INVITEES = [
    Invitee("ash", "Ash", "en-GB", "Europe/Copenhagen"),
    Invitee("rowan", "Rowan", "en-US", "America/New_York"),
    Invitee("hyld", "Hyld", "da-DK", "Europe/Copenhagen"),
    Invitee("maple", "Maple", "en-GB", "America/New_York"),
    Invitee("fern", "Fern", "en-GB", "Europe/London"),
    Invitee("sakura", "Sakura", "en-GB", "Asia/Tokyo"),
]


def first_meeting_day() -> date:
    return datetime.now(GROUP_ZONE).date() + timedelta(days=3)


def expected_starts() -> list[datetime]:
    """The six meetings: 18:00 in Copenhagen, week after week (the same local time across a
    change of daylight saving time)."""
    first = first_meeting_day()
    return [
        datetime.combine(first + timedelta(weeks=week), MEETING_TIME, GROUP_ZONE)
        for week in range(MEETINGS)
    ]


def iso_utc(moment: datetime) -> str:
    """How the pages write a meeting's moment in ``<time datetime>``."""
    return moment.astimezone(ZoneInfo("UTC")).isoformat()


def submit(page: Page) -> None:
    page.locator("main form button[type=submit]").first.click()


def create_group(admin: Person, name: str) -> int:
    page = admin.goto("/admin/groups/new")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Participants at most").fill("6")
    page.get_by_label("Time zone").select_option("Europe/Copenhagen")
    page.get_by_label("Language of the group").select_option("en")
    expect(page.get_by_label("Group agreement")).not_to_be_empty()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    match = re.search(r"/admin/groups/(\d+)$", page.url)
    assert match, page.url
    return int(match.group(1))


def schedule_six_weekly_meetings(admin: Person, group_id: int) -> None:
    page = admin.goto(f"/admin/groups/{group_id}/meetings")
    page.get_by_label("Date of the first meeting").fill(first_meeting_day().isoformat())
    page.get_by_label("Time (in the group's time zone)").fill("18:00")
    page.get_by_label("How often").select_option(label="Every week")
    page.get_by_label("How many meetings").fill(str(MEETINGS))
    page.get_by_label("Length in minutes").fill("120")
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator(".flash")).to_contain_text(f"{MEETINGS} meetings are scheduled.")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(MEETINGS)
    for start in expected_starts():
        expect(page.locator(f'time[datetime="{iso_utc(start)}"]')).to_contain_text("18:00")
    expect(rows.filter(has_text="120 min")).to_have_count(MEETINGS)


def make_invitation(admin: Person, group_id: int, joins_as: str = "Participant") -> str:
    """Make one invitation and read its link from the page, as an administrator copies it."""
    page = admin.goto(f"/admin/groups/{group_id}/invitations")
    page.get_by_label("Joins as").select_option(label=joins_as)
    page.get_by_role("button", name="Make the link").click()
    link_field = page.get_by_label("Invitation link")
    expect(link_field).to_have_value(re.compile(rf"^{re.escape(admin.server.url)}/invite/\S+$"))
    expect(page.get_by_role("button", name="Copy the link")).to_be_visible()
    return link_field.input_value()


def accept(invitee: Person, link: str, who: Invitee, group_name: str) -> None:
    page = invitee.page
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", who.locale[:2])
    expect(page.get_by_role("heading", level=1)).to_contain_text(group_name)
    # The browser fills in its own time zone; the person never types it.
    expect(page.locator("input[name=timezone]")).to_have_value(who.timezone)
    expect(page.locator("#language")).to_have_value(who.locale[:2])
    page.locator("#login").fill(who.login)
    page.locator("#display_name").fill(who.display_name)
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    submit(page)
    expect(page).to_have_url(f"{invitee.server.url}/")
    expect(page.locator(".flash")).to_contain_text(group_name)


def assert_sees_meetings_at_local_hours(invitee: Person, who: Invitee, group_name: str) -> None:
    page = invitee.page
    expect(page.get_by_role("heading", level=1)).to_contain_text(who.display_name)
    expect(page.locator(".page-header")).to_contain_text(who.timezone)
    group = page.locator("section.card", has=page.get_by_role("heading", name=group_name))
    expect(group.locator("li.meeting")).to_have_count(MEETINGS)
    # The page is rendered by the server: once the list is there, read every time at once.
    shown = dict(
        group.locator("time").evaluate_all(
            "times => times.map(t => [t.getAttribute('datetime'), t.textContent.trim()])"
        )
    )
    zone = ZoneInfo(who.timezone)
    for start in expected_starts():
        local = start.astimezone(zone)
        end = local + timedelta(hours=2)
        text = shown[iso_utc(start)]
        # The hour in the person's own zone, on the day it is there (Tokyo is a day ahead).
        assert local.strftime("%H:%M") in text, (who.timezone, local, text)
        assert re.search(rf"\b{local.day}\b", text), (who.timezone, local, text)
        for part in ("EEEE", "MMMM"):
            assert dates.format_date(local, part, locale=who.babel_locale) in text, (part, text)
        assert shown[iso_utc(end)] == end.strftime("%H:%M"), (who.timezone, end, shown)


def test_admin_sets_up_a_course_and_six_people_join_it_in_their_own_time(
    new_person: NewPerson, server: LiveServer
) -> None:
    group_name = "Evening group"
    admin = new_person(timezone_id="Europe/Copenhagen")
    log_in(admin, "admin")
    group_id = create_group(admin, group_name)
    schedule_six_weekly_meetings(admin, group_id)
    screenshot(admin.page, "admin-meetings")
    links = [make_invitation(admin, group_id) for _ in INVITEES]
    assert len(set(links)) == len(INVITEES), "each invitation has its own link"
    screenshot(admin.page, "admin-invitation-link")

    for who, link in zip(INVITEES, links, strict=True):
        invitee = new_person(locale=who.locale, timezone_id=who.timezone)
        accept(invitee, link, who, group_name)
        assert_sees_meetings_at_local_hours(invitee, who, group_name)
        if who.login == "hyld":
            assert_accessible(invitee.page, "dashboard (Danish)")
            screenshot(invitee.page, "dashboard-da")
        log_out(invitee)
        log_in(invitee, who.login, PASSWORD)
        assert_sees_meetings_at_local_hours(invitee, who, group_name)

    page = admin.goto(f"/admin/groups/{group_id}")
    for who in INVITEES:
        expect(page.locator("main table")).to_contain_text(who.display_name)
    expect(page.locator(".page-header")).to_contain_text("6 of 6 participant places taken")


def expire(server: LiveServer, link: str) -> None:
    """Move an invitation's end into the past, straight in the server's database (the server
    cannot be made to wait 14 days)."""
    token = link.rsplit("/", 1)[1]
    with sqlite3.connect(server.instance_dir / "kreds.db") as database:
        changed = database.execute(
            "UPDATE invitations SET expires_at = '2001-01-01 00:00:00.000000' WHERE token_hash = ?",
            (hash_token(token),),
        ).rowcount
    assert changed == 1


def test_used_expired_and_unknown_invitation_links_say_so_plainly(
    new_person: NewPerson, server: LiveServer
) -> None:
    admin = new_person()
    log_in(admin, "admin")
    page = admin.goto("/admin/groups")
    page.get_by_role("link", name="Demo: Tuesday group").first.click()
    group_id = int(page.url.rsplit("/", 1)[1])
    # The demo group is full of participants; co-facilitators are not counted.
    used = make_invitation(admin, group_id, joins_as="Co-facilitator")
    expired = make_invitation(admin, group_id, joins_as="Co-facilitator")
    expire(server, expired)

    who = Invitee("alder", "Alder", "en-GB", "Europe/Copenhagen")
    accept(new_person(timezone_id=who.timezone), used, who, "Demo: Tuesday group")

    stranger = new_person()
    answer = stranger.page.goto(used)
    assert answer is not None and answer.status == 410
    expect(stranger.page.get_by_role("heading", level=1)).to_have_text(
        "This invitation has been used"
    )
    expect(stranger.page.locator("main form")).to_have_count(0)
    assert_accessible(stranger.page, "used invitation")

    answer = stranger.page.goto(expired)
    assert answer is not None and answer.status == 410
    expect(stranger.page.get_by_role("heading", level=1)).to_have_text(
        "This invitation has expired"
    )
    expect(stranger.page.locator("main")).to_contain_text("Ask the person who invited you")

    answer = stranger.page.goto(f"{server.url}/invite/not-a-real-invitation")
    assert answer is not None and answer.status == 404
    expect(stranger.page.get_by_role("heading", level=1)).to_have_text(
        "This invitation link does not work"
    )
