"""Where log-in and the language switch send a person afterwards: only to paths on this site.
Each ``next`` below is one an attacker would put in a link they send."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import Course
from tests.factories import PASSWORD

# Browsers drop tabs and newlines from URLs, so "/\t/evil.example" is "//evil.example".
REFUSED = ["/%09/evil.example", "/%0a/evil.example", "/%0d%0aSet-Cookie:x=1", "/%00", "/a%20b"]
ELSEWHERE = [
    "//evil.example/x",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "evil.example",
]


@pytest.mark.parametrize("target", REFUSED)
def test_a_next_with_control_characters_is_refused(
    client: FlaskClient, course: Course, target: str
) -> None:
    person = course.participants[0]
    answer = client.post(
        f"/login?next={target}", data={"login": person.login, "password": PASSWORD}
    )
    assert answer.status_code == 400
    assert client.get("/").status_code == 302  # and nobody was logged in


@pytest.mark.parametrize("target", ELSEWHERE)
def test_a_next_that_leaves_the_site_goes_home_instead(
    client: FlaskClient, course: Course, target: str
) -> None:
    person = course.participants[0]
    answer = client.post(
        "/login", query_string={"next": target}, data={"login": person.login, "password": PASSWORD}
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"


def test_a_next_on_the_site_is_followed(client: FlaskClient, course: Course) -> None:
    person = course.participants[0]
    answer = client.post("/login?next=/account", data={"login": person.login, "password": PASSWORD})
    assert answer.headers["Location"] == "/account"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example"])
def test_the_language_switch_refuses_control_characters(client: FlaskClient, target: str) -> None:
    answer = client.post("/language", data={"language": "da", "next": target})
    assert answer.status_code == 400


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_language_switch_stays_on_the_site(client: FlaskClient, target: str) -> None:
    answer = client.post("/language", data={"language": "da", "next": target})
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith("/") and not location.startswith("//"), location
