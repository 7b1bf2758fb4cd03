import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Announcer } from "./announcer";
import { setLanguage } from "./text";

describe("Announcer", () => {
  let polite: HTMLElement;
  let assertive: HTMLElement;
  let announcer: Announcer;

  beforeEach(() => {
    vi.useFakeTimers();
    setLanguage("en");
    polite = document.createElement("div");
    assertive = document.createElement("div");
    announcer = new Announcer(polite, assertive, 5000);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const lines = (region: HTMLElement) => [...region.children].map((line) => line.textContent);

  it("adds each message as its own line, and removes it later", () => {
    announcer.say("You have the floor.");
    announcer.say("Heron has the floor.");
    announcer.say("The meeting has ended", { assertive: true });

    expect(lines(polite)).toEqual(["You have the floor.", "Heron has the floor."]);
    expect(lines(assertive)).toEqual(["The meeting has ended"]);
    vi.advanceTimersByTime(20_000);
    expect(lines(polite)).toEqual([]);
  });

  it("reads chat at most once per gap and sums up what came meanwhile", () => {
    announcer.say("Heron wrote: one", { chat: true });
    announcer.say("Heron wrote: two", { chat: true });
    announcer.say("Birch wrote: three", { chat: true });
    expect(lines(polite)).toEqual(["Heron wrote: one"]);

    vi.advanceTimersByTime(5000);
    expect(lines(polite)).toEqual(["Heron wrote: one", "2 new messages in the chat."]);

    vi.advanceTimersByTime(5000);
    announcer.say("Heron wrote: four", { chat: true });
    expect(lines(polite).at(-1)).toBe("Heron wrote: four");
  });

  it("falls silent when stopped", () => {
    announcer.say("one");
    announcer.stop();
    announcer.say("two");

    expect(lines(polite)).toEqual([]);
  });
});
