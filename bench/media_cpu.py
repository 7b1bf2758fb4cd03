"""``python -m bench.media_cpu``: what sound and picture cost the browser.

Kreds on 127.0.0.1 (a temporary instance with the demo seeded), Debian's Chromium through
Playwright with fake media devices, the real room page and its own buttons:

(a) **one camera, background off and then blurred**: the facilitator and Birch, each in a
    Chromium of their own; Birch's camera sends to the facilitator. The CPU of Birch's browser
    (the browser process and every child: renderer, GPU, utility processes) and the frames a
    second leaving it (``getStats``: ``framesSent``), without and then with "Blur".
(b) **seven people, every camera on**: seven contexts (the facilitator, the co-facilitator and
    five participants) in one Chromium, a mesh of 21 connections: the CPU of that Chromium and
    the frames a second each camera sends to each other person.

CPU is % of one core (this machine has 2: at most 200 %), from /proc through psutil, sampled
every second. The machine is shared and noisy: these are figures to read, not limits to
assert. Everything stops by itself after the windows asked for (about 3 minutes by default).
docs/media.md, "What it costs", has the method and the figures.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import psutil
import requests
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from bench.servers import HOST, ServerProcess, Workspace, free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]
PASSWORD = "kreds-demo-2026"  # the demo's (server/cli.py)
SEVEN = ["facilitator", "cofacilitator", "p1", "p2", "p3", "p4", "p5"]
FACILITATING = {"facilitator", "cofacilitator"}

# The benchmark's own eyes in each page (as the browser tests do): the peer connections, and
# the video frames each one sends and decodes.
WATCH = """
(() => {
  const Native = window.RTCPeerConnection;
  if (!Native || window.kredsBench) return;
  const pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); pcs.push(this); }
  };
  window.kredsBench = {
    async frames() {
      const out = [];
      for (const pc of pcs.filter((p) => p.connectionState === "connected")) {
        let sent = 0, decoded = 0, width = 0;
        (await pc.getStats()).forEach((s) => {
          if (s.type === "outbound-rtp" && s.kind === "video") {
            sent += s.framesSent ?? 0;
            width = Math.max(width, s.frameWidth ?? 0);
          }
          if (s.type === "inbound-rtp" && s.kind === "video") decoded += s.framesDecoded ?? 0;
        });
        out.push({ sent, decoded, width });
      }
      return out;
    },
  };
})();
"""


class ChromiumCpu:
    """The CPU time of one Chromium: its browser process and every process under it, sampled
    every second (renderers come and go; the last reading of each counts)."""

    def __init__(self, root: psutil.Process) -> None:
        self.root = root
        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _processes(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return []

    def sample(self) -> float:
        for process in self._processes():
            try:
                times = process.cpu_times()
                self.seen[process.pid] = float(times.user + times.system)
            except psutil.Error:
                pass
        return sum(self.seen.values())

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.sample()

    def start(self) -> None:
        self.sample()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def chromium_processes() -> set[int]:
    """The Chromium processes this benchmark started (under Playwright's driver, under this
    process): other programs on a shared machine run browsers too."""
    found = set()
    for process in psutil.Process().children(recursive=True):
        try:
            if "chrom" in process.name():
                found.add(process.pid)
        except psutil.Error:
            pass
    return found


def is_browser_process(pid: int) -> bool:
    """Chromium's browser process: the one without a ``--type=`` (renderer, GPU, utility…)."""
    try:
        return not any(arg.startswith("--type=") for arg in psutil.Process(pid).cmdline())
    except psutil.Error:
        return False


def launch(playwright: Playwright) -> tuple[Browser, ChromiumCpu]:
    """A Chromium, and the meter of its CPU (the browser process this launch added)."""
    before = chromium_processes()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    added = chromium_processes() - before
    roots = [psutil.Process(pid) for pid in added if is_browser_process(pid)]
    if len(roots) != 1:
        raise RuntimeError(f"could not tell which Chromium was launched: {roots}")
    meter = ChromiumCpu(roots[0])
    meter.start()
    return browser, meter


@contextmanager
def kreds() -> Iterator[tuple[str, int]]:
    """A Kreds server on the loopback with the demo seeded: its URL and the open meeting."""
    workspace = Workspace()
    server: ServerProcess | None = None
    try:
        workspace.flask("db", "upgrade")
        seeded = workspace.flask("seed-demo")
        found = re.search(r"meeting (\d+) opens", seeded)
        if found is None:
            raise RuntimeError(f"no open meeting in the seed's output:\n{seeded}")
        port = free_port()
        url = f"http://{HOST}:{port}"
        command = [sys.executable, "-m", "server", "--host", HOST, "--port", str(port)]
        server = ServerProcess(command, workspace.env, workspace.path / "server.log")
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/login", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or server.popen.poll() is not None:
                raise RuntimeError(f"the server did not start:\n{server.log()[-3000:]}")
            time.sleep(0.2)
        yield url, int(found.group(1))
    finally:
        if server is not None:
            server.stop()
        workspace.close()


def enter(browser: Browser, url: str, meeting_id: int, login: str) -> Page:
    """Log in through the form and open the room (a participant accepts the agreement)."""
    context = browser.new_context(viewport={"width": 1000, "height": 700}, locale="en-GB")
    context.set_default_timeout(30_000)
    context.grant_permissions(["microphone", "camera"], origin=url)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.goto(f"{url}/login")
    page.locator("#login").fill(login)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{url}/")
    page.goto(f"{url}/meetings/{meeting_id}")
    if login not in FACILITATING:
        if page.get_by_role("checkbox").count():
            page.get_by_role("checkbox").check()  # the agreement, once per meeting
            page.locator("main form button[type=submit]").first.click()
        else:
            page.goto(f"{url}/meetings/{meeting_id}/room")  # accepted already, in (a)
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting_id}/room$"))
    return page


def admit_everyone(facilitator: Page, people: list[Page], timeout: float = 60) -> None:
    """The facilitator admits whoever waits, until everyone is in the room."""

    def inside(page: Page) -> bool:
        return page.get_by_role("button", name="Turn camera on", exact=True).is_visible()

    deadline = time.monotonic() + timeout
    while not all(inside(page) for page in people):
        if time.monotonic() > deadline:
            raise RuntimeError("not everyone was admitted")
        for name in ("Admit everyone", re.compile(r"^Admit ")):
            button = facilitator.get_by_role("button", name=name)
            if button.count() and button.first.is_visible():
                button.first.click()
                break
        time.sleep(0.5)


def camera_on(page: Page) -> None:
    page.get_by_role("button", name="Turn camera on", exact=True).click()
    expect(page.get_by_role("button", name="Turn camera off", exact=True)).to_be_visible()


def choose_background(page: Page, name: str) -> None:
    """The radio of the room's "Background" group (the settings opened first)."""
    group = page.get_by_role("group", name="Background", exact=True)
    for opener in ("Sound and picture settings", "More"):
        if group.is_visible():
            break
        button = page.get_by_role("button", name=opener, exact=True)
        if button.count() and button.first.is_visible():
            button.first.click()
    radio = group.get_by_role("radio", name=name, exact=True)
    radio.click()
    expect(radio).to_be_checked(timeout=30_000)


def frames(page: Page) -> list[dict[str, Any]]:
    return list(page.evaluate("window.kredsBench.frames()"))


def measure(
    meter: ChromiumCpu, senders: list[Page], seconds: float
) -> tuple[float, list[float], list[int]]:
    """CPU % over the window, each connection's frames sent a second, the widths sent."""
    before = [frames(page) for page in senders]
    cpu_before = meter.sample()
    started = time.monotonic()
    time.sleep(seconds)
    cpu_after = meter.sample()
    elapsed = time.monotonic() - started
    after = [frames(page) for page in senders]
    rates: list[float] = []
    widths: list[int] = []
    for was, now in zip(before, after, strict=True):
        for one, two in zip(was, now, strict=False):
            rates.append((two["sent"] - one["sent"]) / elapsed)
            widths.append(int(two["width"]))
    return 100 * (cpu_after - cpu_before) / elapsed, rates, widths


def wait_until(check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting until {what}")
        time.sleep(0.5)


def summary(cpu: float, rates: list[float], widths: list[int]) -> dict[str, Any]:
    return {
        "cpu_percent": round(cpu, 1),
        "fps_mean": round(statistics.fmean(rates), 1) if rates else None,
        "fps_min": round(min(rates), 1) if rates else None,
        "width": max(widths) if widths else None,
        "streams": len(rates),
    }


def one_camera(playwright: Playwright, url: str, meeting_id: int, seconds: float) -> dict[str, Any]:
    receiver_browser, receiver_meter = launch(playwright)
    sender_browser, sender_meter = launch(playwright)
    try:
        mira = enter(receiver_browser, url, meeting_id, "facilitator")
        birch = enter(sender_browser, url, meeting_id, "p1")
        admit_everyone(mira, [mira, birch])
        camera_on(birch)
        wait_until(lambda: bool(frames(birch)) and frames(birch)[0]["sent"] > 0, "video flows")
        time.sleep(5)  # the bit rate ramps up
        results: dict[str, Any] = {"off": summary(*measure(sender_meter, [birch], seconds))}
        choose_background(birch, "Blur")
        time.sleep(5)  # the model loads (once)
        results["blur"] = summary(*measure(sender_meter, [birch], seconds))
        choose_background(birch, "Plain colour")
        time.sleep(3)
        results["colour"] = summary(*measure(sender_meter, [birch], seconds))
        results["receiver_cpu_percent_last"] = round(
            measure(receiver_meter, [], min(seconds, 10))[0], 1
        )
        return results
    finally:
        for meter in (sender_meter, receiver_meter):
            meter.stop()
        sender_browser.close()
        receiver_browser.close()


def seven_way(
    playwright: Playwright, url: str, meeting_id: int, seconds: float, people: int
) -> dict[str, Any]:
    browser, meter = launch(playwright)
    try:
        pages = [enter(browser, url, meeting_id, login) for login in SEVEN[:people]]
        admit_everyone(pages[0], pages)
        for page in pages:
            camera_on(page)
        wait_until(
            lambda: all(len(frames(page)) == people - 1 for page in pages),
            f"every one of the {people} is connected to every other",
        )
        time.sleep(10)  # the bit rates settle
        return summary(*measure(meter, pages, seconds))
    finally:
        meter.stop()
        browser.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.media_cpu", description=__doc__)
    parser.add_argument("--seconds", type=float, default=30, help="each measured window")
    parser.add_argument("--people", type=int, default=7, help="people in the mesh of (b)")
    parser.add_argument("--only", choices=["blur", "mesh"], default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    options = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"needs Debian's Chromium at {CHROMIUM}")
    figures: dict[str, Any] = {"cores": psutil.cpu_count(), "seconds": options.seconds}
    with ExitStack() as stack:
        url, meeting_id = stack.enter_context(kreds())
        playwright = stack.enter_context(sync_playwright())
        if options.only in (None, "blur"):
            figures["one_camera"] = one_camera(playwright, url, meeting_id, options.seconds)
            print("(a) one camera:", json.dumps(figures["one_camera"]), flush=True)
        if options.only in (None, "mesh"):
            figures["mesh"] = seven_way(
                playwright, url, meeting_id, options.seconds, options.people
            )
            print(f"(b) {options.people} people:", json.dumps(figures["mesh"]), flush=True)
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
