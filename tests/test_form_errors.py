"""Issue 24: a form sent with mistakes comes back with an error summary at the top of the page
that takes the focus and links to each field (the GOV.UK pattern), "Error:" before the page's
title, each field's message tied to its input, and what was typed kept, except passwords. Every
server-rendered form with validation is here, in English and in Danish."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from server.auth.service import make_reset_link_token
from server.extensions import db
from server.models import User
from tests.auth.two_step import password_step, set_up
from tests.conftest import Course
from tests.factories import gen_invitation

FIELDS = {"input", "select", "textarea"}
LoginAs = Callable[[User], FlaskClient]


class Page(HTMLParser):
    """What a page says about its errors: the title, every element with an id, and the error
    summary (its attributes, whether an alert is inside it, its links in order)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.title = ""
        self.ids: dict[str, tuple[str, dict[str, str]]] = {}
        self.summary: dict[str, str] | None = None
        self.summaries = 0
        self.alert_inside = False
        self.heading = ""
        self.links: list[tuple[str, str]] = []
        self._open_divs = 0  # inside the summary: how many divs are open, the summary's own too
        self._in: str | None = None
        self._href = ""
        self._text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if "id" in found:
            self.ids[found["id"]] = (tag, found)
        if tag == "title":
            self._in = "title"
        elif tag == "div" and self._open_divs:
            self._open_divs += 1
            self.alert_inside = self.alert_inside or found.get("role") == "alert"
        elif tag == "div" and "data-error-summary" in found:
            self.summary, self._open_divs = found, 1
            self.summaries += 1
        elif tag == "h2" and self._open_divs:
            self._in = "heading"
        elif tag == "a" and self._open_divs:
            self._in, self._href, self._text = "link", found.get("href", ""), ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._open_divs:
            self._open_divs -= 1
        elif tag == "a" and self._in == "link":
            self.links.append((self._href, " ".join(self._text.split())))
            self._in = None
        elif tag in ("title", "h2"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "heading":
            self.heading += data
        elif self._in == "link":
            self._text += data

    def field(self, field_id: str) -> dict[str, str]:
        tag, attrs = self.ids[field_id]
        assert tag in FIELDS, f"#{field_id} is a <{tag}>"
        return attrs


WORDS = {
    "en": {"error": "Error: ", "problem": "There is a problem"},
    "da": {"error": "Fejl: ", "problem": "Der er et problem"},
}


def assert_summarised(response: TestResponse, targets: list[str], language: str = "en") -> Page:
    """The page came back with its mistakes: "Error:" first in the title; one summary at the top
    of <main>, focused on load, with an alert inside; its links, in this order, go to fields on
    the page, each marked invalid and described by its own message."""
    page = Page(response.get_data(as_text=True))
    words = WORDS[language]
    assert page.title.startswith(words["error"]), page.title
    assert page.summaries == 1 and page.summary is not None, "no error summary"
    assert page.summary.get("tabindex") == "-1" and "autofocus" in page.summary
    assert page.alert_inside, "the summary has no role=alert inside"
    assert page.heading.strip() == words["problem"]
    main = page.html.index('<main id="main"')
    assert page.html.index("data-error-summary") > main
    assert page.html.index("data-error-summary") < page.html.index("<h1"), "not at the top"
    assert [href for href, _text in page.links] == [f"#{target}" for target in targets]
    for (_href, text), target in zip(page.links, targets, strict=True):
        attrs = page.field(target)
        assert attrs.get("type") != "hidden"
        assert attrs.get("aria-invalid") == "true", target
        error_id = f"{target}-error"
        assert error_id in attrs.get("aria-describedby", "").split(), target
        tag, _error = page.ids[error_id]
        assert tag == "p"
        assert text, f"the link to #{target} says nothing"
        message_at_field = page.html.split(f'id="{error_id}">', 1)[1].split("</p>", 1)[0]
        assert text in message_at_field, f"{text!r} is not said at #{target}"
    return page


def assert_no_summary(response: TestResponse) -> None:
    page = Page(response.get_data(as_text=True))
    assert page.summary is None
    assert not page.title.startswith(("Error", "Fejl")), page.title
    assert 'aria-invalid="true"' not in page.html


# --- the invitation and the agreement, in both languages ---------------------------------------

MISTAKES = {
    "login": "a b",
    "display_name": "Kestrel",
    "password": "short-pw",
    "confirm": "another-password",
    "language": "en",
    "timezone": "America/New_York",
}
JOIN_MESSAGES = {
    "en": [
        "Use letters, digits, dots, dashes or underscores, without spaces.",
        "Use at least 10 characters.",
        "The passwords differ.",
    ],
    "da": [
        "Brug bogstaver, tal, punktummer, bindestreger eller understreger, uden mellemrum.",
        "Brug mindst 10 tegn.",
        "Adgangskoderne er ikke ens.",
    ],
}


@pytest.mark.parametrize("language", ["en", "da"])
def test_an_invitation_sign_up_with_mistakes_says_each_and_keeps_all_but_the_passwords(
    client: FlaskClient, course: Course, language: str
) -> None:
    _, token = gen_invitation(course.group)
    response = client.post(f"/invite/{token}", data=MISTAKES, headers={"Accept-Language": language})
    assert response.status_code == 200
    page = assert_summarised(response, ["login", "password", "confirm"], language)
    assert [text for _href, text in page.links] == JOIN_MESSAGES[language]
    assert page.field("login")["value"] == "a b"
    assert page.field("display_name")["value"] == "Kestrel"
    assert "aria-invalid" not in page.field("display_name")
    assert 'value="en" selected' in page.html or 'selected value="en"' in page.html
    assert page.field("password")["value"] == "" and page.field("confirm")["value"] == ""
    for secret in ("short-pw", "another-password"):
        assert secret not in page.html
    # The hint stays with the field, before its error.
    assert page.field("login")["aria-describedby"] == "login-hint login-error"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Tick the box to accept the agreement."),
        ("da", "Sæt flueben for at acceptere aftalen."),
    ],
)
def test_going_on_without_ticking_the_agreement_links_to_the_box(
    participant_client: FlaskClient, course: Course, language: str, message: str
) -> None:
    response = participant_client.post(
        f"/meetings/{course.meeting.id}",
        data={"version": str(course.group.agreement_version)},
        headers={"Accept-Language": language},
    )
    page = assert_summarised(response, ["accept"], language)
    assert page.links == [("#accept", message)]
    box = page.field("accept")
    assert box["type"] == "checkbox" and "checked" not in box


def test_a_ticked_box_stays_ticked_when_something_else_is_wrong(
    login_as: LoginAs, course: Course
) -> None:
    client = login_as(course.participants[0])
    response = client.post("/account/delete", data={"password": "", "confirm": "y"})
    assert response.status_code == 400
    page = assert_summarised(response, ["password"])
    assert "checked" in page.field("confirm")


def test_a_wrong_password_is_said_at_the_password_and_the_login_name_stays(
    client: FlaskClient, course: Course
) -> None:
    person = course.participants[0]
    response = client.post("/login", data={"login": person.login, "password": "not-it-at-all"})
    page = assert_summarised(response, ["password"])
    assert page.links == [("#password", "The login name or password is not right.")]
    assert page.field("login")["value"] == person.login
    assert "not-it-at-all" not in page.html
    assert "flash" not in page.html  # said once, in the summary and at the field


def test_pages_without_mistakes_have_no_summary(client: FlaskClient, course: Course) -> None:
    _, token = gen_invitation(course.group)
    assert_no_summary(client.get("/login"))
    assert_no_summary(client.get(f"/invite/{token}"))


# --- every form -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mistake:
    """A form sent with mistakes, and the fields its summary links to, in the page's order."""

    name: str
    send: Callable[[FlaskClient, LoginAs, Course], TestResponse]
    targets: list[str]
    status: int = 200


def _as(who: str, path: str, data: dict[str, str]) -> Callable[..., TestResponse]:
    def send(client: FlaskClient, login_as: LoginAs, course: Course) -> TestResponse:
        person = getattr(course, who) if who != "participant" else course.participants[0]
        return login_as(person).post(path.format(c=course), data=data)

    return send


def _reset(client: FlaskClient, login_as: LoginAs, course: Course) -> TestResponse:
    token = make_reset_link_token(course.participants[0], course.admin, 24)
    db.session.commit()
    return client.post(f"/reset/{token}", data={"password": "short", "confirm": "other"})


def _code(client: FlaskClient, login_as: LoginAs, course: Course) -> TestResponse:
    set_up(course.facilitator)
    password_step(client, course.facilitator)
    return client.post("/login/code", data={"code": ""})


def _set_up(client: FlaskClient, login_as: LoginAs, course: Course) -> TestResponse:
    mine = login_as(course.facilitator)
    mine.get("/account/security/two-step")
    return mine.post("/account/security/two-step", data={"code": "not-the-code"})


def _with_two_step(path: str, data: dict[str, str]) -> Callable[..., TestResponse]:
    def send(client: FlaskClient, login_as: LoginAs, course: Course) -> TestResponse:
        mine = login_as(course.facilitator)
        set_up(course.facilitator)
        return mine.post(path, data=data)

    return send


def _join(client: FlaskClient, login_as: LoginAs, course: Course) -> TestResponse:
    _, token = gen_invitation(course.group)
    return client.post(f"/invite/{token}", data={**MISTAKES, "login": "", "display_name": ""})


GROUP = {
    "name": "",
    "kind": "group",
    "capacity": "",
    "timezone": "Europe/Copenhagen",
    "language": "da",
    "agreement_text": "",
}
MISTAKES_EVERYWHERE = [
    Mistake(
        "log-in", lambda c, _l, _co: c.post("/login", data={"remember": "y"}), ["login", "password"]
    ),
    Mistake("reset link", _reset, ["password", "confirm"]),
    Mistake("two-step code", _code, ["code"]),
    Mistake("two-step set-up", _set_up, ["code"]),
    Mistake("invitation", _join, ["login", "display_name", "password", "confirm"]),
    Mistake(
        "agreement",
        _as("participant", "/meetings/{c.meeting.id}", {"version": "1"}),
        ["accept"],
    ),
    Mistake(
        "facilitator's agreement",
        _as("facilitator", "/groups/{c.group.id}/agreement", {"agreement_text": " "}),
        ["agreement_text"],
    ),
    Mistake(
        "account",
        _as(
            "participant",
            "/account",
            {
                "profile-display_name": "",
                "profile-language": "en",
                "profile-timezone": "Not/AZone",
            },
        ),
        ["profile-display_name", "profile-timezone"],
    ),
    Mistake(
        "password",
        _as(
            "participant",
            "/account/password",
            {"pw-current": "", "pw-password": "short", "pw-confirm": "other"},
        ),
        ["pw-current", "pw-password", "pw-confirm"],
    ),
    Mistake(
        "new recovery codes",
        _with_two_step("/account/security/two-step/recovery-codes", {"codes-code": ""}),
        ["codes-code"],
    ),
    Mistake(
        "two-step off",
        _with_two_step("/account/security/two-step/off", {"off-password": "", "off-code": ""}),
        ["off-password", "off-code"],
    ),
    Mistake(
        "delete my account",
        _as("participant", "/account/delete", {"password": ""}),
        ["password", "confirm"],
        400,
    ),
    Mistake(
        "new person",
        _as(
            "admin",
            "/admin/people/new",
            {"login": "", "display_name": "", "role": "participant", "language": ""},
        ),
        ["login", "display_name"],
    ),
    Mistake(
        "person",
        _as(
            "admin",
            "/admin/people/{c.participants[0].id}",
            {"display_name": "", "role": "participant", "email": "not-an-address", "language": ""},
        ),
        ["display_name", "email"],
    ),
    Mistake(
        "new group",
        _as("admin", "/admin/groups/new", GROUP),
        ["name", "capacity", "agreement_text"],
    ),
    Mistake(
        "group settings",
        _as("admin", "/admin/groups/{c.group.id}/edit", {**GROUP, "capacity": "7"}),
        ["name", "agreement_text"],
    ),
    Mistake(
        "meetings",
        _as("admin", "/admin/groups/{c.group.id}/meetings", {"theme": "Boundaries"}),
        ["first_date", "local_time", "count", "duration_minutes", "lobby_opens_minutes"],
    ),
    Mistake(
        "move a meeting",
        _as("admin", "/admin/meetings/{c.meeting.id}/move", {"day": "", "at": ""}),
        ["day", "at"],
    ),
    Mistake(
        "invitation link",
        _as(
            "admin", "/admin/groups/{c.group.id}/invitations", {"role": "participant", "days": "0"}
        ),
        ["days"],
    ),
]


@pytest.mark.parametrize("mistake", MISTAKES_EVERYWHERE, ids=[m.name for m in MISTAKES_EVERYWHERE])
def test_every_form_sent_with_mistakes_links_its_summary_to_its_fields(
    client: FlaskClient, login_as: LoginAs, course: Course, mistake: Mistake
) -> None:
    response = mistake.send(client, login_as, course)
    assert response.status_code == mistake.status, response.get_data(as_text=True)[:300]
    assert_summarised(response, mistake.targets)


def test_what_was_typed_stays_on_the_admin_forms(admin_client: FlaskClient, course: Course) -> None:
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/meetings", data={"theme": "Calm"}
    )
    page = assert_summarised(
        response, ["first_date", "local_time", "count", "duration_minutes", "lobby_opens_minutes"]
    )
    assert page.field("theme")["value"] == "Calm"
    response = admin_client.post(
        "/admin/people/new",
        data={
            "login": "",
            "display_name": "Wren",
            "role": "facilitator",
            "email": "x",
            "language": "",
        },
    )
    page = assert_summarised(response, ["login", "email"])
    assert page.field("display_name")["value"] == "Wren"
    assert page.field("email")["value"] == "x"
    assert '<option selected value="facilitator">' in page.html
