/**
 * The room's toolbar (./Toolbar.tsx): the hand, the panels of which one is open at a time, and
 * how many chat messages and private lines arrived while their panel was closed.
 */

import { afterEach, describe, expect, it } from "vitest";
import { act } from "preact/test-utils";
import type { ChatMessage, PrivateMessage, Sender } from "../../protocol/events";
import type { Panel } from "../model";
import { FACILITATOR, PARTICIPANT, facilitatorSnapshot, roomSnapshot } from "../samples";
import { type Rendered, TOOLBAR, button, openPanel, part, renderRoom } from "./testing";

let view: Rendered | undefined;

afterEach(() => {
  view?.unmount();
  view = undefined;
});

const HERON: Sender = { user_id: 4, name: "Heron" };
const MIRA: Sender = { user_id: 1, name: "Mira" };

let ids = 0;

function chat(from: Sender, text: string): ChatMessage {
  ids += 1;
  return { meeting_id: 7, id: `c${ids}`, from, text, at: 1_000_000 };
}

function privateLine(from: Sender, to: Sender | null, text: string): PrivateMessage {
  ids += 1;
  return { meeting_id: 7, id: `p${ids}`, from, to, text, at: 1_000_000 };
}

function hand(rendered: Rendered): HTMLButtonElement {
  return part(rendered.container, `${TOOLBAR} [data-testid="hand-button"]`) as HTMLButtonElement;
}

/** The accessible name: the aria-label, else the visible text. */
function nameOf(element: Element): string {
  return (element.getAttribute("aria-label") ?? element.textContent ?? "").trim();
}

function panelButton(rendered: Rendered, panel: Panel): HTMLButtonElement | null {
  return rendered.container.querySelector(`${TOOLBAR} [data-panel="${panel}"]`);
}

/** Each panel button's `aria-expanded`, by panel. */
function expanded(rendered: Rendered): Record<string, string | null> {
  const buttons = rendered.container.querySelectorAll(`${TOOLBAR} [data-panel]`);
  return Object.fromEntries(
    [...buttons].map((b) => [b.getAttribute("data-panel"), b.getAttribute("aria-expanded")]),
  );
}

/** The count on a panel's button: what is seen, and what a screen reader hears. */
function count(rendered: Rendered, panel: Panel): { shown: string; said: string } | null {
  const badge = panelButton(rendered, panel)?.querySelector(".toolbar-count");
  if (!badge) {
    return null;
  }
  return {
    shown: badge.querySelector('[aria-hidden="true"]')?.textContent ?? "",
    said: badge.querySelector(".visually-hidden")?.textContent ?? "",
  };
}

describe("the hand in the toolbar", () => {
  it("raises the hand, then lowers it once it is in the queue", async () => {
    view = await renderRoom(PARTICIPANT);
    expect(nameOf(hand(view))).toBe("Raise hand");
    expect(hand(view).textContent).toBe("Hand");
    expect(hand(view).classList.contains("is-on")).toBe(false);

    await view.click(hand(view));
    expect(view.sent).toEqual([["raise_hand", {}]]);

    await view.fire("room_state", roomSnapshot({ version: 2, queue: [4, 3] }));
    expect(nameOf(hand(view))).toBe("Lower my hand");
    expect(hand(view).classList.contains("is-on")).toBe(true);
    await view.click(hand(view));
    expect(view.sent).toEqual([
      ["raise_hand", {}],
      ["lower_hand", {}],
    ]);
  });

  it("says Pass on my turn in a round, and passes", async () => {
    view = await renderRoom(PARTICIPANT, {
      round: { kind: "check_in", order: [4, 3, 1], current: 3 },
      floor: { user_id: 3, via: "round", deadline: null, time_up: false, paused: false },
    });

    expect(hand(view).hasAttribute("aria-label")).toBe(false);
    expect(nameOf(hand(view))).toBe("Pass");
    await view.click(hand(view));
    expect(view.sent).toEqual([["round_pass", {}]]);
  });

  it("says Raise hand again when the round moves on from me", async () => {
    view = await renderRoom(PARTICIPANT, { round: { kind: "check_in", order: [4, 3, 1], current: 4 } });
    expect(nameOf(hand(view))).toBe("Raise hand");
  });

  it("shows a refusal beside the hand", async () => {
    view = await renderRoom(PARTICIPANT);
    view.answer(() => ({ ok: false, error: { code: "on_break", message: "The meeting is on a break." } }));

    await view.click(hand(view));
    const errorId = hand(view).getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(errorId)?.textContent).toBe("The meeting is on a break.");
  });

  it("is not in a facilitator's toolbar (their hand is with the speaking order)", async () => {
    view = await renderRoom(FACILITATOR);
    expect(view.container.querySelector(`${TOOLBAR} [data-testid="hand-button"]`)).toBeNull();
  });
});

describe("the panel buttons", () => {
  it("are named for a screen reader and point at the one panel", async () => {
    view = await renderRoom(PARTICIPANT);
    const toolbar = part(view.container, TOOLBAR);

    expect(toolbar.getAttribute("aria-label")).toBe("Meeting controls");
    expect(expanded(view)).toEqual({ chat: "false", people: "false", private: "false", more: "false" });
    for (const panel of ["chat", "people", "private", "more"] as const) {
      expect(panelButton(view, panel)?.getAttribute("aria-controls")).toBe("room-panel");
    }
    expect(view.container.querySelector("#room-panel")).not.toBeNull();
    expect([...toolbar.querySelectorAll("[data-panel] .toolbar-label")].map((l) => l.textContent)).toEqual([
      "Chat",
      "People",
      "Private",
      "More",
    ]);
  });

  it("open one panel at a time, and close it again", async () => {
    view = await renderRoom(PARTICIPANT);
    // Nothing open: the side column shows the people.
    expect(view.container.querySelector("#people")).not.toBeNull();
    expect(view.container.querySelector("#chat")).toBeNull();

    await view.click(panelButton(view, "chat"));
    expect(view.store.get().panel).toBe("chat");
    expect(expanded(view)).toEqual({ chat: "true", people: "false", private: "false", more: "false" });
    expect(panelButton(view, "chat")?.classList.contains("is-open")).toBe(true);
    expect(view.container.querySelector("#chat")).not.toBeNull();
    expect(view.container.querySelector("#people")).toBeNull();

    await view.click(panelButton(view, "private"));
    expect(expanded(view)).toEqual({ chat: "false", people: "false", private: "true", more: "false" });
    expect(view.container.querySelector("#private")).not.toBeNull();
    expect(view.container.querySelector("#chat")).toBeNull();

    await view.click(panelButton(view, "more"));
    expect(expanded(view)).toEqual({ chat: "false", people: "false", private: "false", more: "true" });
    expect(view.container.querySelector("#more")).not.toBeNull();
    expect(view.container.querySelector("#private")).toBeNull();

    // Its own button again closes it.
    await view.click(panelButton(view, "more"));
    expect(view.store.get().panel).toBeNull();
    expect(expanded(view)).toEqual({ chat: "false", people: "false", private: "false", more: "false" });
    expect(view.container.querySelector("#more")).toBeNull();
    expect(view.container.querySelector("#people")).not.toBeNull();
  });

  it("give a facilitator Tools, shown when nothing else is open", async () => {
    view = await renderRoom(FACILITATOR);
    expect(expanded(view)).toEqual({
      chat: "false",
      people: "false",
      private: "false",
      facilitator: "false",
      more: "false",
    });
    expect(view.container.querySelector("#facilitator-tools")).not.toBeNull();

    await view.click(panelButton(view, "people"));
    expect(view.container.querySelector("#facilitator-tools")).toBeNull();
    expect(view.container.querySelector("#people")).not.toBeNull();

    await view.click(panelButton(view, "facilitator"));
    expect(expanded(view).facilitator).toBe("true");
    expect(expanded(view).people).toBe("false");
    expect(view.container.querySelector("#facilitator-tools")).not.toBeNull();
  });

  it("move focus to the open panel's heading; Escape closes it and focus goes back", async () => {
    view = await renderRoom(PARTICIPANT);
    await view.click(panelButton(view, "chat"));
    expect(document.activeElement?.id).toBe("chat-heading");

    await act(() => {
      document.activeElement?.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    });
    expect(view.store.get().panel).toBeNull();
    expect(document.activeElement).toBe(panelButton(view, "chat"));
  });

  it("close with the panel's Close button, focus back on the toolbar", async () => {
    view = await renderRoom(PARTICIPANT);
    // Nothing open, nothing to close.
    expect(button(part(view.container, "#room-panel"), "Close")).toBeNull();
    await view.click(panelButton(view, "people"));
    await view.click(button(part(view.container, "#room-panel"), "Close"));
    expect(view.store.get().panel).toBeNull();
    expect(document.activeElement).toBe(panelButton(view, "people"));
  });
});

describe("unread counts", () => {
  it("count chat messages that arrive while the chat is closed", async () => {
    view = await renderRoom(PARTICIPANT);
    expect(count(view, "chat")).toBeNull();

    await view.fire("chat", chat(HERON, "Hello"));
    expect(count(view, "chat")).toEqual({ shown: "1", said: "1 new" });
    await view.fire("chat", chat(MIRA, "Welcome"));
    expect(count(view, "chat")).toEqual({ shown: "2", said: "2 new" });

    // Opening the chat reads them.
    await view.click(panelButton(view, "chat"));
    expect(count(view, "chat")).toBeNull();
    await view.fire("chat", chat(HERON, "While it is open"));
    expect(count(view, "chat")).toBeNull();

    // Closed again: only what came after.
    await openPanel(view, null);
    expect(count(view, "chat")).toBeNull();
    await view.fire("chat", chat(HERON, "After"));
    expect(count(view, "chat")).toEqual({ shown: "1", said: "1 new" });
  });

  it("keep counting past the messages the page keeps, and through a deletion", async () => {
    view = await renderRoom(PARTICIPANT);
    const first = chat(HERON, "The oldest");
    const store = view.store;
    await act(() => {
      // At once (one render): the page's whole keep of chat.
      for (const message of [first, ...Array.from({ length: 199 }, (_, i) => chat(HERON, `Old ${i}`))]) {
        store.dispatch({ type: "server", event: "chat", data: message, now: 0 });
      }
    });
    await openPanel(view, "chat");
    await openPanel(view, null);
    expect(count(view, "chat")).toBeNull();
    // The page keeps 200: a new one pushes an old one out, and is still new.
    await view.fire("chat", chat(HERON, "New"));
    expect(count(view, "chat")).toEqual({ shown: "1", said: "1 new" });
    // A facilitator deletes a message that was read: the unread one stays unread.
    await view.fire("chat_deleted", { meeting_id: 7, id: `c${ids - 1}` });
    await view.fire("chat_deleted", { meeting_id: 7, id: "c-not-here" });
    expect(count(view, "chat")).toEqual({ shown: "1", said: "1 new" });
  });

  it("count private lines from the facilitators, not my own", async () => {
    view = await renderRoom(PARTICIPANT);
    await view.dispatch({
      type: "sentPrivate",
      message: privateLine({ user_id: 3, name: "Birch" }, null, "Mine"),
    });
    expect(count(view, "private")).toBeNull();

    await view.fire("private_message", privateLine(MIRA, { user_id: 3, name: "Birch" }, "I'm here."));
    expect(count(view, "private")).toEqual({ shown: "1", said: "1 new" });
    expect(count(view, "chat")).toBeNull();

    await view.click(panelButton(view, "private"));
    expect(count(view, "private")).toBeNull();
  });

  it("show on a facilitator's chat button too", async () => {
    view = await renderRoom(FACILITATOR);
    await view.fire("room_state", roomSnapshot({ version: 2, facilitator: facilitatorSnapshot({ version: 2 }) }));
    await view.fire("chat", chat(HERON, "Hello"));
    expect(count(view, "chat")).toEqual({ shown: "1", said: "1 new" });
  });
});
