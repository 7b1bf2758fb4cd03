import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EXITING_CLASS, FALLBACK_URL, QuickExit, neutralUrl, sessionEnd } from "./quick-exit";

const NEUTRAL = "https://www.dmi.dk/";

function renderPage(): void {
  document.documentElement.className = "";
  document.title = "Tuesday group · Kreds";
  document.body.className = "page";
  document.body.dataset.quickExitUrl = NEUTRAL;
  document.body.innerHTML = `
    <a class="quick-exit" id="quick-exit" href="${NEUTRAL}">Leave quickly</a>
    <main id="main"><p>Private meeting content</p><input id="chat"></main>`;
}

function press(key: string, init: KeyboardEventInit = {}, target: EventTarget = document.body): void {
  target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init }));
}

describe("QuickExit", () => {
  let navigate: ReturnType<typeof vi.fn<(url: string) => void>>;
  let quickExit: QuickExit;

  beforeEach(() => {
    vi.useFakeTimers();
    renderPage();
    navigate = vi.fn<(url: string) => void>();
    quickExit = new QuickExit({ navigate }).start();
  });

  afterEach(() => {
    quickExit.stop();
    vi.useRealTimers();
  });

  describe("Shift pressed three times", () => {
    it("leaves when each press comes within 5 seconds of the one before", () => {
      press("Shift");
      vi.advanceTimersByTime(4900);
      press("Shift");
      vi.advanceTimersByTime(4900);
      press("Shift");

      expect(navigate).toHaveBeenCalledExactlyOnceWith(NEUTRAL);
    });

    it("leaves on three quick presses, wherever the focus is", () => {
      const chat = document.getElementById("chat");
      expect(chat).not.toBeNull();
      press("Shift", {}, chat!);
      press("Shift", {}, chat!);
      press("Shift", {}, chat!);

      expect(navigate).toHaveBeenCalledOnce();
    });

    it("does not leave after a 6 second gap", () => {
      press("Shift");
      press("Shift");
      vi.advanceTimersByTime(6000);
      press("Shift");

      expect(navigate).not.toHaveBeenCalled();
    });

    it("counts afresh after a gap, so three new presses leave", () => {
      press("Shift");
      press("Shift");
      vi.advanceTimersByTime(6000);
      press("Shift");
      press("Shift");
      expect(navigate).not.toHaveBeenCalled();
      press("Shift");

      expect(navigate).toHaveBeenCalledOnce();
    });

    it("does not leave when another key comes in between", () => {
      press("Shift");
      press("Shift");
      press("A");
      press("Shift");

      expect(navigate).not.toHaveBeenCalled();
    });

    it("does not leave while typing capital letters", () => {
      for (const letter of "HEJ") {
        press("Shift");
        press(letter, { shiftKey: true });
      }

      expect(navigate).not.toHaveBeenCalled();
    });

    it("ignores auto-repeat from a held Shift key", () => {
      press("Shift");
      press("Shift", { repeat: true });
      press("Shift", { repeat: true });
      press("Shift", { repeat: true });

      expect(navigate).not.toHaveBeenCalled();
    });

    it("does not leave on Escape", () => {
      press("Escape");
      press("Escape");
      press("Escape");

      expect(navigate).not.toHaveBeenCalled();
    });

    it("is not stopped by a handler that swallows the key", () => {
      const input = document.getElementById("chat")!;
      input.addEventListener("keydown", (event) => event.stopPropagation());
      press("Shift", {}, input);
      press("Shift", {}, input);
      press("Shift", {}, input);

      expect(navigate).toHaveBeenCalledOnce();
    });
  });

  describe("the Leave quickly link", () => {
    it("calls location.replace with the neutral URL", () => {
      const replace = vi.fn();
      const page = document.implementation.createHTMLDocument("Meeting");
      page.body.dataset.quickExitUrl = NEUTRAL;
      page.body.innerHTML = `<a id="quick-exit" href="${NEUTRAL}">Leave quickly</a>`;
      // The page's window, reduced to what the quick exit uses.
      Object.defineProperty(page, "defaultView", { value: { location: { replace } } });
      const pageExit = new QuickExit({ document: page }).start();

      page.getElementById("quick-exit")!.click();

      expect(replace).toHaveBeenCalledExactlyOnceWith(NEUTRAL);
      pageExit.stop();
    });

    it("prevents the link's own navigation (which would leave a Back entry)", () => {
      const link = document.getElementById("quick-exit")!;
      const event = new MouseEvent("click", { bubbles: true, cancelable: true });
      link.dispatchEvent(event);

      expect(event.defaultPrevented).toBe(true);
      expect(navigate).toHaveBeenCalledOnce();
    });

    it("works for a click on something inside the link", () => {
      const link = document.getElementById("quick-exit")!;
      link.innerHTML = "<span>Leave quickly</span>";
      link.querySelector("span")!.click();

      expect(navigate).toHaveBeenCalledOnce();
    });

    it("ignores other clicks", () => {
      document.getElementById("main")!.click();

      expect(navigate).not.toHaveBeenCalled();
    });
  });

  describe("on exit", () => {
    it("runs every hook even if one throws, then navigates", () => {
      const calls: string[] = [];
      quickExit.onExit(() => calls.push("socket"));
      quickExit.onExit(() => {
        throw new Error("camera already gone");
      });
      quickExit.onExit(() => calls.push("peers"));

      document.getElementById("quick-exit")!.click();

      expect(calls).toEqual(["socket", "peers"]);
      expect(navigate).toHaveBeenCalledExactlyOnceWith(NEUTRAL);
    });

    it("runs hooks synchronously, before navigating", () => {
      const order: string[] = [];
      quickExit.onExit(() => order.push("hook"));
      navigate.mockImplementation(() => order.push("navigate"));

      quickExit.exit();

      expect(order).toEqual(["hook", "navigate"]);
    });

    it("blanks the page before the hooks run", () => {
      let seen = { blanked: false, text: "unset" };
      quickExit.onExit(() => {
        seen = {
          blanked: document.documentElement.classList.contains(EXITING_CLASS),
          text: document.body.textContent ?? "",
        };
      });

      quickExit.exit();

      expect(seen.blanked).toBe(true);
      expect(seen.text).not.toContain("Private meeting content");
    });

    it("drops registered stores and empties the DOM", () => {
      const store = new Map([["chat", "something said"]]);
      const seen = new Set(["someone"]);
      quickExit.forgetOnExit(store);
      quickExit.forgetOnExit(seen);

      quickExit.exit();

      expect(store.size).toBe(0);
      expect(seen.size).toBe(0);
      expect(document.body.childElementCount).toBe(0);
      expect(document.body.dataset.quickExitUrl).toBeUndefined();
      expect(document.title).toBe("");
    });

    it("navigates even when clearing a store throws", () => {
      quickExit.forgetOnExit({
        clear() {
          throw new Error("broken");
        },
      });

      quickExit.exit();

      expect(navigate).toHaveBeenCalledOnce();
    });

    it("happens once, however often it is triggered", () => {
      const hook = vi.fn();
      quickExit.onExit(hook);

      quickExit.exit();
      document.getElementById("quick-exit")?.click();
      quickExit.exit();

      expect(hook).toHaveBeenCalledOnce();
      expect(navigate).toHaveBeenCalledOnce();
      expect(quickExit.hasExited).toBe(true);
    });

    it("does not run a hook that was unregistered", () => {
      const hook = vi.fn();
      const unregister = quickExit.onExit(hook);
      unregister();

      quickExit.exit();

      expect(hook).not.toHaveBeenCalled();
    });
  });
});

describe("ending the session on the server", () => {
  afterEach(() => {
    delete document.body.dataset.quickExitEnd;
    delete document.body.dataset.quickExitToken;
  });

  it("sends the page's token to the page's end address, after the hooks, before leaving", () => {
    renderPage();
    document.body.dataset.quickExitEnd = "/leave-quickly";
    document.body.dataset.quickExitToken = "12.abc";
    const order: string[] = [];
    const beacon = vi.fn((url: string, body: URLSearchParams) => {
      order.push(`beacon ${url} ${body.get("token")}`);
      return true;
    });
    const quickExit = new QuickExit({ navigate: () => order.push("navigate"), beacon });
    quickExit.onExit(() => order.push("hook"));

    quickExit.exit();

    expect(order).toEqual(["hook", "beacon /leave-quickly 12.abc", "navigate"]);
    expect(document.body.dataset.quickExitToken).toBeUndefined();
  });

  it("sends nothing on a page of someone not logged in", () => {
    renderPage();
    const beacon = vi.fn(() => true);
    new QuickExit({ navigate: () => undefined, beacon }).exit();
    expect(beacon).not.toHaveBeenCalled();
  });

  it("leaves even when the beacon throws", () => {
    renderPage();
    document.body.dataset.quickExitEnd = "/leave-quickly";
    document.body.dataset.quickExitToken = "12.abc";
    const navigate = vi.fn();
    const beacon = vi.fn((): boolean => {
      throw new Error("offline");
    });
    new QuickExit({ navigate, beacon }).exit();
    expect(navigate).toHaveBeenCalledOnce();
  });

  it("only ever sends to this site", () => {
    renderPage();
    document.body.dataset.quickExitEnd = "//evil.example/x";
    document.body.dataset.quickExitToken = "12.abc";
    expect(sessionEnd(document)).toBeNull();
  });
});

describe("neutralUrl", () => {
  it("is the body's data-quick-exit-url", () => {
    renderPage();
    expect(neutralUrl(document)).toBe(NEUTRAL);
  });

  it("falls back to the link's target", () => {
    renderPage();
    delete document.body.dataset.quickExitUrl;
    expect(neutralUrl(document)).toBe(NEUTRAL);
  });

  it("never runs a javascript: URL", () => {
    document.body.innerHTML = "";
    document.body.dataset.quickExitUrl = "javascript:alert(1)";
    expect(neutralUrl(document)).toBe(FALLBACK_URL);
  });
});
