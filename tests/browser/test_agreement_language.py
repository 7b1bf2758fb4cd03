"""Issue 25 in a real browser: a new group's agreement is written in the group's language. The
admin's form shows the default of the language chosen, and it follows a change of language at
once while the admin has not edited it; a text they wrote stays theirs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from server.agreements import default_agreement
from tests.browser.conftest import NewPerson

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(120)]


def test_the_agreement_follows_the_groups_language_until_the_admin_edits_it(
    new_person: NewPerson, signed_in: Callable[[str], Any]
) -> None:
    admin = new_person(storage_state=signed_in("admin"))
    page = admin.goto("/admin/groups/new")
    agreement = page.get_by_label("Group agreement")
    language = page.get_by_label("Language of the group")
    expect(agreement).to_have_value(default_agreement("da"))
    expect(agreement).to_have_attribute("lang", "da")

    language.select_option("ar")
    expect(agreement).to_have_value(default_agreement("ar"))
    expect(agreement).to_have_attribute("dir", "rtl")
    language.select_option("cs")
    expect(agreement).to_have_value(default_agreement("cs"))
    expect(agreement).to_have_attribute("dir", "ltr")

    page.get_by_label("Name", exact=True).fill("Czech group")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Czech group")
    page = admin.goto(urlparse(page.url).path + "/edit")
    expect(page.get_by_label("Group agreement")).to_have_value(default_agreement("cs"))
    expect(page.get_by_label("Group agreement")).to_have_attribute("lang", "cs")

    # A text the admin wrote stays as written when the language changes.
    page = admin.goto("/admin/groups/new")
    agreement = page.get_by_label("Group agreement")
    agreement.fill("We listen.")
    page.get_by_label("Language of the group").select_option("de")
    expect(agreement).to_have_value("We listen.")
    expect(agreement).to_have_attribute("lang", "de")
