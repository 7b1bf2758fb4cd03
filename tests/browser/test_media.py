"""Issue 5 in a real browser: audio between the admitted members of a meeting, peer to peer.

Chromium with fake media devices; the facilitator and two participants of the demo group, each in
their own browser context. The room UI does not mount media yet, so each person's page is a
small page of this test's own, served from the server's origin (so the socket carries their
session), which runs the real media layer (client/src/media, built by this test from
``client/src/media/testing/harness.ts`` — nothing of it goes into the page's bundle) over the
real room connection and the real server's signalling.

Three members connect and audio flows between them (getStats: bytes received grow); in floor
mode, audio from a participant who does not hold the floor stays silent at the receivers even
though their browser keeps sending; leaving closes every peer connection and stops every track.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, Person, person
from tests.live_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(240)]

CLIENT = ROOT / "client"
HARNESS = "src/media/testing/harness.ts"
FAKE_MEDIA = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    # Both ends are on this machine: real host candidates, loopback allowed.
    "--allow-loopback-in-peer-connection",
    # The test page is served by the test (Playwright), which Chromium takes for a public page
    # reaching into the local network: its local-network checks would refuse the WebSocket.
    "--disable-features=WebRtcHideLocalIpsWithMdns,LocalNetworkAccessChecks",
]
PAGE = "/__media_test__/index.html"
PAGE_HTML = (
    "<!doctype html><html lang='en'><title>Media test</title>"
    "<script type='module' src='/__media_test__/harness.js'></script></html>"
)
BUILD = """
import { build } from "vite";
await build({
  configFile: false, root: process.cwd(), logLevel: "warn", publicDir: false,
  build: {
    outDir: process.env.KREDS_HARNESS_OUT, emptyOutDir: true, minify: false, target: "es2022",
    reportCompressedSize: false,
    lib: { entry: process.env.KREDS_HARNESS, formats: ["es"], fileName: () => "harness.js" },
  },
});
"""
TIMEOUT = 20.0


@pytest.fixture(scope="module")
def harness_js() -> Iterator[bytes]:
    """The media layer and the harness, built into a temporary folder (not server/static)."""
    node = shutil.which("node")
    if node is None or not (CLIENT / "node_modules" / "vite").exists():
        pytest.skip("the media browser test builds its page with the client's Vite (npm ci)")
    with tempfile.TemporaryDirectory(prefix="kreds-media-") as out:
        env = {**os.environ, "KREDS_HARNESS_OUT": out, "KREDS_HARNESS": HARNESS}
        subprocess.run(
            [node, "--input-type=module", "-e", BUILD],
            cwd=CLIENT,
            env=env,
            check=True,
            timeout=120,
            capture_output=True,
        )
        yield (Path(out) / "harness.js").read_bytes()


@pytest.fixture(scope="module")
def media_browser(browser: Browser) -> Iterator[Browser]:
    """Chromium with fake camera and microphone (a tone), from the suite's Playwright."""
    chromium = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *FAKE_MEDIA]
    )
    yield chromium
    chromium.close()


class Member:
    """One person at their own browser, on the media test page."""

    def __init__(self, someone: Person, meeting_id: int) -> None:
        self.someone = someone
        self.page: Page = someone.page
        self.meeting_id = meeting_id
        self.user_id = 0

    def media(self, method: str, *args: Any) -> Any:
        """Call ``window.kredsMedia.<method>(*args)`` in the page and return what it gives."""
        return self.page.evaluate(f"(args) => window.kredsMedia.{method}(...args)", list(args))


def _serve_harness(harness: bytes) -> Callable[[Route], None]:
    def serve(route: Route) -> None:
        if route.request.url.endswith("/harness.js"):
            route.fulfill(status=200, content_type="text/javascript", body=harness)
        else:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=PAGE_HTML)

    return serve


def wait_until(
    check: Callable[[], bool], what: str | Callable[[], str], timeout: float = TIMEOUT
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting until {what if isinstance(what, str) else what()}")


@pytest.fixture
def members(
    media_browser: Browser,
    server: LiveServer,
    signed_in: Callable[[str], Any],
    harness_js: bytes,
) -> Iterator[dict[str, Member]]:
    """The facilitator and two participants on the test page, all joined; the participants have
    accepted the agreement and wait in the lobby."""
    meeting_id = server.demo_meeting_id
    with ExitStack() as stack:
        found: dict[str, Member] = {}
        for login in ("facilitator", "p1", "p2"):
            someone = stack.enter_context(
                person(media_browser, server, storage_state=signed_in(login))
            )
            someone.context.grant_permissions(["microphone", "camera"], origin=server.url)
            someone.context.route(f"{server.url}/__media_test__/**", _serve_harness(harness_js))
            member = Member(someone, meeting_id)
            page = someone.goto(f"/meetings/{meeting_id}")
            if login != "facilitator":
                page.get_by_role("checkbox").check()
                someone.submit()
            expect(page).to_have_url(re.compile(rf"/meetings/{meeting_id}/room$"))
            member.user_id = int(page.locator("#room").get_attribute("data-user-id") or 0)
            # Leave the room page (its socket leaves on purpose) for the media test page.
            someone.goto(PAGE)
            page.wait_for_function("() => window.kredsMedia !== undefined")
            ack = member.media("open", meeting_id, member.user_id)
            assert ack["ok"], (login, ack)
            found[login] = member
        yield found
        problems = [p for m in found.values() for p in m.someone.problems]
        assert not problems, "the pages reported:\n" + "\n".join(problems)


def bytes_from(receiver: Member, sender: Member) -> int:
    return int(receiver.media("bytesReceived", sender.user_id))


def assert_audio_flows(receiver: Member, sender: Member) -> None:
    before = bytes_from(receiver, sender)
    wait_until(
        lambda: bytes_from(receiver, sender) > before + 2000,
        f"audio from {sender.user_id} reaches {receiver.user_id}",
    )


def test_three_members_hear_each_other_and_floor_mode_silences_the_others(
    members: dict[str, Member],
) -> None:
    facilitator, birch, heron = members["facilitator"], members["p1"], members["p2"]
    everyone = [facilitator, birch, heron]
    assert facilitator.media("send", "admit_all", {})["ok"]

    # --- a mesh: everyone connected with the two others -------------------------------------
    for member in everyone:
        others = sorted(m.user_id for m in everyone if m is not member)
        wait_until(lambda m=member, o=others: m.media("peers") == o, "the mesh is complete")  # type: ignore[misc]
        wait_until(
            lambda m=member: m.media("connectionStates") == ["connected", "connected"],  # type: ignore[misc]
            lambda: (
                "every peer connection is connected: "
                + "; ".join(f"{m.user_id}: {m.media('describe')}" for m in everyone)
            ),
        )

    # --- audio flows between all three -------------------------------------------------------
    for member in everyone:
        assert member.media("mic", True) == {"ok": True}
    for receiver in everyone:
        for sender in everyone:
            if sender is not receiver:
                assert_audio_flows(receiver, sender)
    assert facilitator.media("loudest", birch.user_id, 2500) > 0.001
    assert birch.media("loudest", heron.user_id, 2500) > 0.001

    # --- floor mode: a participant without the floor is silent, even if their browser sends --
    # (Birch gets the floor first: switching floor mode on turns off the microphone of everyone
    # who may not speak, and getting the floor later would only ask Birch to unmute.)
    heron.media("misbehave")
    assert facilitator.media("send", "give_floor", {"user_id": birch.user_id})["ok"]
    assert facilitator.media("send", "set_floor_mode", {"on": True})["ok"]
    wait_until(lambda: heron.media("state")["mic"] is False, "Heron's session turns the mic off")
    assert birch.media("state")["mic"] is True
    for receiver in (facilitator, birch):
        assert_audio_flows(receiver, heron)  # the packets still come…
        assert receiver.media("loudest", heron.user_id, 2500) == 0  # …and nothing is heard
    assert facilitator.media("loudest", birch.user_id, 2500) > 0.001  # the floor is heard
    assert birch.media("loudest", facilitator.user_id, 2500) > 0.001  # and the facilitator

    # --- leaving closes every peer connection and stops every track at once ------------------
    birch.media("leave")
    assert birch.media("closed") is True
    assert set(birch.media("connectionStates")) == {"closed"}
    assert set(birch.media("trackStates")) == {"ended"}
    for member in (facilitator, heron):
        wait_until(
            lambda m=member: birch.user_id not in m.media("peers"),  # type: ignore[misc]
            "the others close their connection to someone who left",
        )
    assert facilitator.media("connectionStates").count("closed") == 1
