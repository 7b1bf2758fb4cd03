"""Issue 5 in a real browser, through the real room: audio between the admitted members of a
meeting, peer to peer, and floor mode deciding who is heard.

Chromium with fake media devices; the facilitator and two participants of the demo group, each in
their own browser context, go through the agreement, the lobby and admission as people do, and use
the room's own buttons: microphones on, a camera, floor mode, the floor, the question "Turn on your
microphone?", leaving and the quick exit. Audio flows between all three (getStats: bytes received
grow); in floor mode a participant without the floor is refused the microphone by the room, and
even a browser that keeps sending (made to misbehave here) is silent at every receiver while the
floor holder is heard; leaving and the quick exit close every peer connection at once.

The page exposes nothing for tests. What the test reads, it reads through a small script of its
own added to each page before the page's scripts run (``WATCH``): it notes the peer connections
the page makes and the tracks it captures, and measures what a receiver hears with its own
analyser. It changes nothing the page does (the misbehaving browser excepted, on purpose).
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FAKE_MEDIA,
    QUICK_EXIT,
    Person,
    assert_accessible,
    assert_fits,
    go_to_the_room,
    open_panel,
    person,
    user_id_of,
    write_voice,
)
from tests.live_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.timeout(150)]

GROUP = "Demo: Tuesday group"
TIMEOUT = 20.0

# The test's own eyes in each page (an init script: it runs before the page's scripts). It
# notes every RTCPeerConnection and captured track, and measures the loudness of what a
# connection receives after the page's receive-side gate (a disabled track is silence).
WATCH = """
(() => {
  const Native = window.RTCPeerConnection;
  if (!Native || window.kredsMediaTest) return;
  const pcs = [];
  const tracks = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); pcs.push(this); }
  };
  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    tracks.push(...stream.getTracks());
    return stream;
  };
  const ufrag = (description) => /a=ice-ufrag:(\\S+)/.exec(description?.sdp ?? "")?.[1] ?? null;
  const audioReceiver = (pc) => pc.getReceivers().find((r) => r.track && r.track.kind === "audio");
  let context = null;
  const analysers = new Map();
  const analyser = (track) => {
    context ??= new AudioContext();
    if (!analysers.has(track)) {
      const node = context.createAnalyser();
      node.fftSize = 2048;
      context.createMediaStreamSource(new MediaStream([track])).connect(node);
      analysers.set(track, node);
    }
    return analysers.get(track);
  };
  const samples = new Float32Array(2048);
  const level = (node) => {
    node.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const value of samples) sum += value * value;
    return Math.sqrt(sum / samples.length);
  };
  window.kredsMediaTest = {
    connections: () => pcs.map((pc, index) => ({
      index,
      state: pc.connectionState,
      local: ufrag(pc.localDescription),
      remote: ufrag(pc.remoteDescription),
    })),
    trackStates: () => tracks.map((track) => `${track.kind}:${track.readyState}`),
    async bytesReceived(index) {
      const report = await pcs[index].getStats();
      let bytes = 0;
      report.forEach((stat) => {
        if (stat.type === "inbound-rtp" && stat.kind === "audio") bytes += stat.bytesReceived ?? 0;
      });
      return bytes;
    },
    receiving: (index) => audioReceiver(pcs[index])?.track.enabled ?? null,
    async loudest(index, ms) {
      const track = audioReceiver(pcs[index])?.track;
      if (!track) return -1;
      const node = analyser(track);
      await context.resume();
      let loudest = 0;
      const until = performance.now() + ms;
      while (performance.now() < until) {
        loudest = Math.max(loudest, level(node));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return loudest;
    },
    /** Play a browser that ignores the room: its microphone never stops sending. */
    misbehave() {
      RTCRtpSender.prototype.replaceTrack = async function keep() {};
      MediaStreamTrack.prototype.stop = function keep() {};
    },
    /** The quick exit by its button, and what is left the moment after (same task). */
    quickExit() {
      document.getElementById("quick-exit").click();
      return {
        connections: pcs.map((pc) => pc.connectionState),
        tracks: tracks.map((track) => `${track.kind}:${track.readyState}`),
      };
    },
  };
})();
"""


class Member:
    """One person at their own browser, in the room page."""

    def __init__(self, someone: Person, name: str) -> None:
        self.someone = someone
        self.page: Page = someone.page
        self.name = name
        self.user_id = 0

    def watch(self, method: str, *args: Any) -> Any:
        """Call ``window.kredsMediaTest.<method>(*args)`` in the page."""
        return self.page.evaluate(f"(args) => window.kredsMediaTest.{method}(...args)", list(args))

    def open_connections(self) -> list[dict[str, Any]]:
        return [c for c in self.watch("connections") if c["state"] != "closed"]

    def connection_to(self, other: Member) -> int:
        """The index of this page's open peer connection with ``other`` (each side's ICE
        username fragment is the other side's remote one)."""
        theirs = other.open_connections()
        for mine in self.open_connections():
            if any(
                t["local"] == mine["remote"] and t["remote"] == mine["local"] and mine["local"]
                for t in theirs
            ):
                return int(mine["index"])
        raise AssertionError(f"{self.name} has no connection with {other.name}")

    def bytes_from(self, other: Member) -> int:
        return int(self.watch("bytesReceived", self.connection_to(other)))

    def loudest_from(self, other: Member, ms: int = 2500) -> float:
        return float(self.watch("loudest", self.connection_to(other), ms))

    def button(self, name: str) -> Locator:
        return self.page.get_by_role("button", name=name, exact=True)

    def tile(self, other: Member) -> Locator:
        """``other``'s tile on this page's stage (the gallery, the strip or shown large)."""
        return self.page.locator(f'#stage li.tile[data-user-id="{other.user_id}"]')


def wait_until(
    check: Callable[[], bool], what: str | Callable[[], str], timeout: float = TIMEOUT
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting until {what if isinstance(what, str) else what()}")


def assert_audio_flows(receiver: Member, sender: Member) -> None:
    before = receiver.bytes_from(sender)
    wait_until(
        lambda: receiver.bytes_from(sender) > before + 2000,
        f"audio from {sender.name} reaches {receiver.name}",
    )


@pytest.fixture(scope="module")
def media_browser(browser: Browser) -> Iterator[Browser]:
    """Chromium with a fake camera and a fake microphone that speaks (``write_voice``), from the
    suite's Playwright."""
    with tempfile.TemporaryDirectory(prefix="kreds-media-") as folder:
        voice = Path(folder) / "voice.wav"
        write_voice(voice)
        chromium = browser.browser_type.launch(
            executable_path=str(CHROMIUM),
            args=[*CHROMIUM_ARGS, *FAKE_MEDIA, f"--use-file-for-fake-audio-capture={voice}"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def members(
    media_browser: Browser, server: LiveServer, signed_in: Callable[[str], Any]
) -> Iterator[dict[str, Member]]:
    """The facilitator in the room, and two participants who accepted the agreement and wait in
    the lobby; each in their own browser, watched by ``WATCH``."""
    meeting_id = server.demo_meeting_id
    names = {"facilitator": "Mira", "p1": "Birch", "p2": "Heron"}
    with ExitStack() as stack:
        found: dict[str, Member] = {}
        for login, name in names.items():
            someone = stack.enter_context(
                person(media_browser, server, storage_state=signed_in(login))
            )
            someone.context.grant_permissions(["microphone", "camera"], origin=server.url)
            someone.context.add_init_script(WATCH)
            member = Member(someone, name)
            page = go_to_the_room(someone, meeting_id, accept=login != "facilitator")
            member.user_id = user_id_of(page)
            found[login] = member
        yield found
        problems = [p for m in found.values() for p in m.someone.problems]
        assert not problems, "the pages reported:\n" + "\n".join(problems)


def test_three_members_hear_each_other_and_floor_mode_decides_who_is_heard(
    members: dict[str, Member],
) -> None:
    facilitator, birch, heron = members["facilitator"], members["p1"], members["p2"]
    everyone = [facilitator, birch, heron]
    fac = facilitator.page

    # --- admission: sound and picture open in the room, everything off ----------------------
    expect(fac.get_by_role("button", name="Admit Heron")).to_be_visible()
    fac.get_by_role("button", name="Admit everyone").click()
    for member in everyone:
        page = member.page
        expect(page.get_by_role("heading", level=1)).to_have_text(GROUP)
        stage = page.get_by_role("region", name="Everyone's picture")
        tiles = stage.get_by_role("list", name="Everyone's sound and picture")
        expect(tiles.get_by_role("listitem")).to_have_count(3)
        expect(member.button("Turn camera on")).to_be_visible()
        assert member.watch("trackStates") == [], "nothing is captured before a click"

    # --- the mesh, and every microphone on with the room's own button --------------------
    for member in everyone:
        wait_until(
            lambda m=member: [c["state"] for c in m.open_connections()] == ["connected"] * 2,  # type: ignore[misc]
            lambda: (
                "every peer connection is connected: "
                + "; ".join(f"{m.name}: {m.watch('connections')}" for m in everyone)
            ),
        )
    for member in everyone:
        member.button("Turn microphone on").click()
        expect(member.button("Turn microphone off")).to_be_visible()
    for member in everyone:
        expect(facilitator.tile(member).get_by_test_id("tile-mic")).to_have_text("Microphone on")
    for receiver in everyone:
        for sender in everyone:
            if sender is not receiver:
                assert_audio_flows(receiver, sender)
    assert facilitator.loudest_from(birch) > 0.05
    assert birch.loudest_from(heron) > 0.05
    # The room shows who is speaking (by sound, in every tile).
    for member in everyone:
        expect(facilitator.tile(member)).to_have_class(re.compile(r"\bis-speaking\b"))
        expect(facilitator.tile(member).locator(".tile-speaking")).to_have_text("Speaking")

    # --- a camera: Birch's picture in Birch's tile at the others ----------------------------
    birch.button("Turn camera on").click()
    expect(birch.button("Turn camera off")).to_be_visible()
    video = facilitator.tile(birch).locator("video")
    expect(video).to_have_accessible_name("Birch's camera")
    wait_until(lambda: video.evaluate("v => v.videoWidth") > 0, "Birch's picture plays")
    assert video.evaluate("v => v.muted") is True  # the sound goes through the gate, not here
    assert_accessible(fac, "room with sound and picture, a camera on")

    # --- floor mode: only the floor and the facilitators are heard ------------------------------
    heron.watch("misbehave")  # from now on Heron's browser keeps sending whatever it is told
    fac.get_by_role("button", name="Turn floor mode on").click()
    expect(fac.get_by_test_id("floor-mode-status")).to_contain_text("Floor mode is on")
    for participant in (birch, heron):
        expect(participant.button("Turn microphone on")).to_be_visible()  # turned off
        open_panel(participant.page, "more")  # the hint is with the sound and picture settings
        expect(participant.page.locator(".floor-mode-hint")).to_be_visible()
        expect(facilitator.tile(participant).get_by_test_id("tile-mic")).to_have_text(
            "Microphone off"
        )
    birch.button("Turn microphone on").click()  # refused, and said so beside the button
    refusal = birch.button("Turn microphone on").get_attribute("aria-describedby") or ""
    expect(birch.page.locator(f"#{refusal}")).to_have_text(
        "Only the person who has the floor and the facilitators can speak now."
    )

    # The floor goes to Birch: the room asks, and only a click turns the microphone on.
    open_panel(fac, "people")
    fac.get_by_role("button", name="Options for Birch").click()
    fac.get_by_role("button", name="Give the floor to Birch").click()
    question = birch.page.get_by_role("group", name="You have the floor. Turn on your microphone?")
    expect(question).to_be_visible()
    expect(birch.button("Turn microphone on")).to_be_visible()
    open_panel(birch.page, "more")
    settings = birch.page.get_by_role("region", name="Sound and picture settings")
    expect(settings.get_by_label("Microphone", exact=True)).to_be_visible()
    assert_accessible(birch.page, "room with the question and the settings open")
    question.get_by_role("button", name="Yes, turn it on").click()
    expect(birch.button("Turn microphone off")).to_be_visible()
    expect(question).to_have_count(0)

    for receiver in (facilitator, birch):
        assert receiver.watch("receiving", receiver.connection_to(heron)) is False
        assert_audio_flows(receiver, heron)  # Heron's packets still come…
        assert receiver.loudest_from(heron) == 0  # …and nothing of them is heard
    assert_audio_flows(facilitator, birch)
    assert facilitator.loudest_from(birch) > 0.05  # the floor is heard
    assert birch.loudest_from(facilitator) > 0.05  # and so is the facilitator
    assert heron.loudest_from(birch) > 0.05
    expect(facilitator.tile(birch)).to_have_class(re.compile(r"\bis-speaking\b"))
    for receiver in (facilitator, birch):
        never_speaking = receiver.tile(heron).evaluate(
            """async (tile) => {
              for (let i = 0; i < 20; i += 1) {
                if (tile.classList.contains("is-speaking")) return false;
                await new Promise((resolve) => setTimeout(resolve, 100));
              }
              return true;
            }"""
        )
        assert never_speaking, f"{receiver.name} shows Heron speaking"

    # --- the room on a phone ------------------------------------------------------------------
    birch.page.set_viewport_size({"width": 360, "height": 720})
    assert_fits(birch.page, 360, "the room with sound and picture and its settings")

    # --- the quick exit stops the camera and the microphone and closes everything at once ------
    birch.page.locator(QUICK_EXIT).wait_for()
    left = birch.watch("quickExit")
    assert set(left["connections"]) == {"closed"}, left
    assert left["tracks"] and all(t.endswith(":ended") for t in left["tracks"]), left
    expect(facilitator.tile(birch)).to_have_count(0)
    wait_until(lambda: len(facilitator.open_connections()) == 1, "the connection to Birch closes")

    # --- leaving closes every peer connection ----------------------------------------------------
    heron.page.get_by_role("button", name="Leave the meeting").click()
    expect(heron.page.get_by_role("heading", level=1)).to_have_text("You left the meeting")
    assert set(c["state"] for c in heron.watch("connections")) == {"closed"}
    wait_until(lambda: facilitator.open_connections() == [], "the connection to Heron closes")
    expect(fac.get_by_role("button", name="Turn microphone off")).to_be_visible()
    assert re.search(r"audio:live", " ".join(facilitator.watch("trackStates")))
