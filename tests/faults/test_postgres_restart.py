"""PostgreSQL restarted while a meeting runs, on a cluster of the test's own: the room goes on
(chat, hands), log-in says "try again in a moment" (503, in the person's language) rather than
failing, and works again when PostgreSQL is back, without restarting Kreds.

The tests run in order and share one server and one meeting (module fixtures)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import pytest
import requests

from tests.faults.helpers import METRICS_TOKEN, TRY_AGAIN, FaultServer, enter, scrape
from tests.faults.services import PrivatePostgres
from tests.live_people import Person
from tests.live_server import DEMO_PASSWORD, LiveServer, form_fields, logged_in

pytestmark = [pytest.mark.live, pytest.mark.timeout(120)]
CANARY = f"CANARY-{uuid.uuid4().hex}"
PASSWORD_TYPED = f"typed-{uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def server(private_postgres: PrivatePostgres) -> Iterator[LiveServer]:
    env = {
        "DATABASE_URL": private_postgres.url,
        "REDIS_URL": "",  # rooms in the process: this is about the database alone
        "KREDS_METRICS_TOKEN": METRICS_TOKEN,
    }
    with FaultServer(env) as found:
        yield found


@pytest.fixture(scope="module")
def people(server: LiveServer) -> Iterator[dict[str, Person]]:
    meeting_id = server.demo_meeting_id
    found = {login: Person(server, login, meeting_id) for login in ("facilitator", "p1", "p2")}
    enter(found["facilitator"], [found["p1"], found["p2"]])
    yield found
    for person in found.values():
        with contextlib.suppress(Exception):
            person.close()


def chat_reaches_everyone(people: dict[str, Person], sender: str, text: str) -> None:
    message_id = people[sender].ok("chat", text=text)["id"]
    for person in people.values():
        person.wait_for("chat", lambda m: m["id"] == message_id)


def login_form(server: LiveServer, language: str) -> requests.Session:
    """A browser that has the log-in form open (its session cookie and CSRF token)."""
    browser = requests.Session()
    browser.headers["Accept-Language"] = language
    page = browser.get(f"{server.url}/login", timeout=10)
    assert page.status_code == 200
    browser.csrf_token = form_fields(page.text)["csrf_token"]  # type: ignore[attr-defined]
    return browser


def log_in(browser: requests.Session, server: LiveServer, password: str) -> requests.Response:
    data = {"csrf_token": browser.csrf_token, "login": "p3", "password": password}  # type: ignore[attr-defined]
    return browser.post(f"{server.url}/login", data=data, allow_redirects=False, timeout=15)


def assert_try_again(response: requests.Response, language: str) -> None:
    assert response.status_code == 503, response.text[:500]
    assert response.headers.get("Retry-After")
    assert f'<html lang="{language}"' in response.text
    assert TRY_AGAIN[language] in response.text
    assert "Traceback" not in response.text


@pytest.fixture(scope="module")
def waiting_browsers(server: LiveServer, people: dict[str, Person]) -> dict[str, requests.Session]:
    """Browsers that opened the log-in form before PostgreSQL went away."""
    return {language: login_form(server, language) for language in TRY_AGAIN}


def test_while_postgres_is_down_the_meeting_goes_on(
    people: dict[str, Person],
    private_postgres: PrivatePostgres,
    waiting_browsers: dict[str, requests.Session],
) -> None:
    chat_reaches_everyone(people, "p1", f"{CANARY} before")
    private_postgres.stop()
    assert not private_postgres.answers()
    chat_reaches_everyone(people, "p2", f"{CANARY} while it is down")
    chat_reaches_everyone(people, "facilitator", f"{CANARY} and again")
    people["p1"].ok("raise_hand")
    for person in people.values():
        person.latest_state(lambda s: s["queue"] == [people["p1"].user_id])


def test_while_postgres_is_down_logging_in_says_try_again_in_a_moment(
    server: LiveServer, people: dict[str, Person], waiting_browsers: dict[str, requests.Session]
) -> None:
    assert_try_again(log_in(waiting_browsers["en"], server, PASSWORD_TYPED), "en")
    # Someone logged in opens the log-in page (their session is read from the database); her
    # browser asks for no language, so the page is in Kreds' default, Danish.
    assert_try_again(people["p1"].http.get(f"{server.url}/login", timeout=15), "da")
    # The log-in form itself needs no database: a new visitor gets it, and then the 503.
    anonymous = requests.get(f"{server.url}/login", headers={"Accept-Language": "en"}, timeout=15)
    assert anonymous.status_code in (200, 503)
    assert requests.get(f"{server.url}/healthz", timeout=15).status_code == 503
    # In the person's language.
    assert_try_again(log_in(waiting_browsers["da"], server, PASSWORD_TYPED), "da")


def test_when_postgres_is_back_logging_in_works_without_restarting_kreds(
    server: LiveServer,
    people: dict[str, Person],
    private_postgres: PrivatePostgres,
    waiting_browsers: dict[str, requests.Session],
) -> None:
    private_postgres.start()
    assert server.process is not None and server.process.poll() is None  # the same process
    # The browser that saw the 503 sends its form again, and is in.
    response = log_in(waiting_browsers["en"], server, DEMO_PASSWORD)
    assert response.status_code == 302, response.text[:500]
    assert logged_in(server.url, "p4", DEMO_PASSWORD).get(f"{server.url}/", timeout=10).ok
    assert requests.get(f"{server.url}/healthz", timeout=10).json()["database"] == "ok"
    chat_reaches_everyone(people, "p2", f"{CANARY} after")
    # Someone arrives (their admission is recorded in the database again).
    juniper = Person(server, "p3", server.demo_meeting_id)
    try:
        juniper.connect()
        juniper.accept_agreement()
        assert juniper.ok("join")["where"] == "lobby"
        people["facilitator"].wait_for("room_state", lambda s: len(s["facilitator"]["lobby"]) == 1)
        people["facilitator"].ok("admit_all")
        juniper.wait_for("admitted")
    finally:
        juniper.close()


def test_the_outage_left_no_traceback_nor_anything_typed_or_said_in_the_log(
    server: LiveServer,
) -> None:
    samples = scrape(server)
    assert samples['kreds_http_errors_total{status="503"}'] >= 3
    assert 'kreds_http_errors_total{status="500"}' not in samples
    log = server.log()
    assert "the database did not answer: OperationalError" in log
    for private in ("Traceback", PASSWORD_TYPED, CANARY, "SELECT"):
        assert private not in log, log[-3000:]
