/**
 * What needs the person now, at the top of the room (./Now.tsx): the room's notices, my turn in
 * a round, the floor given to me, and a private message waiting for a participant.
 */

import { afterEach, describe, expect, it } from "vitest";
import type { PrivateMessage, Sender } from "../../protocol/events";
import { FACILITATOR, PARTICIPANT, facilitatorSnapshot, floorOf, roomSnapshot } from "../samples";
import { NOW, type Rendered, button, part, renderRoom } from "./testing";

let view: Rendered | undefined;

afterEach(() => {
  view?.unmount();
  view = undefined;
});

const now = (rendered: Rendered): HTMLElement => part(rendered.container, NOW);

const BIRCH: Sender = { user_id: 3, name: "Birch" };
const MIRA: Sender = { user_id: 1, name: "Mira" };

function reply(id: string, text: string): PrivateMessage {
  return { meeting_id: 7, id, from: MIRA, to: BIRCH, text, at: 1_000_000 };
}

/** The group labelled "It's your turn" or "You have the floor", if shown. */
function turn(rendered: Rendered): HTMLElement | null {
  return now(rendered).querySelector('[role="group"].now-turn');
}

function labelOf(group: Element | null): string {
  const id = group?.getAttribute("aria-labelledby") ?? "";
  return id ? (document.getElementById(id)?.textContent ?? "") : "";
}

describe("my turn, at the top of the room", () => {
  const ROUND_ON_ME = {
    round: { kind: "check_in" as const, order: [4, 3, 1], current: 3 },
    floor: { user_id: 3, via: "round" as const, deadline: null, time_up: false, paused: false },
  };

  it("says it is my turn, with I'm done and Pass", async () => {
    view = await renderRoom(PARTICIPANT, ROUND_ON_ME);

    const group = turn(view);
    expect(labelOf(group)).toBe("It's your turn");
    expect(group?.querySelector('[data-testid="your-turn"]')?.textContent).toBe("It's your turn");
    await view.click(button(group!, "I'm done"));
    await view.click(button(group!, "Pass"));
    expect(view.sent).toEqual([
      ["round_next", {}],
      ["round_pass", {}],
    ]);
    // A turn in a round ends with I'm done, not by yielding the floor.
    expect(button(group!, "I'm done speaking")).toBeNull();
  });

  it("shows nothing while it is someone else's turn", async () => {
    view = await renderRoom(PARTICIPANT, {
      round: { kind: "check_in", order: [4, 3, 1], current: 4 },
      floor: { user_id: 4, via: "round", deadline: null, time_up: false, paused: false },
    });
    expect(turn(view)).toBeNull();
    expect(now(view).textContent).not.toContain("It's your turn");
  });

  it("gives the floor holder a way to yield it", async () => {
    view = await renderRoom(PARTICIPANT, { floor: floorOf(3) });

    const group = turn(view);
    expect(labelOf(group)).toBe("You have the floor");
    await view.click(button(group!, "I'm done speaking"));
    expect(view.sent).toEqual([["yield_floor", {}]]);

    await view.fire("room_state", roomSnapshot({ version: 2, floor: floorOf(4) }));
    expect(turn(view)).toBeNull();
  });

  it("says when my time is up", async () => {
    view = await renderRoom(PARTICIPANT, {
      floor: { user_id: 3, via: "queue", deadline: 1, time_up: true, paused: false },
    });
    expect(turn(view)?.querySelector('[data-testid="time-up"]')).not.toBeNull();
  });
});

describe("the room's notices, at the top", () => {
  it("show a content warning and a paused meeting", async () => {
    view = await renderRoom(PARTICIPANT, { content_warning: true, holding: true });
    expect(now(view).querySelector(".content-warning")).not.toBeNull();
    expect(now(view).querySelector('[role="status"].notice-warn')).not.toBeNull();

    await view.fire("room_state", roomSnapshot({ version: 2 }));
    expect(now(view).querySelector(".content-warning")).toBeNull();
    expect(now(view).querySelector(".notice")).toBeNull();
  });
});

describe("a private message waiting", () => {
  it("tells a participant a facilitator wrote, and Read opens the private line", async () => {
    view = await renderRoom(PARTICIPANT);
    expect(now(view).textContent).not.toContain("A facilitator wrote to you privately.");

    await view.fire("private_message", reply("p1", "How are you doing?"));

    const waiting = now(view).querySelector<HTMLElement>(".now-private");
    expect(labelOf(waiting)).toBe("A facilitator wrote to you privately.");
    // Nothing of what was written shows on the main screen, where others might see it.
    expect(now(view).textContent).not.toContain("How are you doing?");
    expect(view.container.querySelector("#private")).toBeNull();

    await view.click(button(waiting!, "Read"));
    expect(view.store.get().panel).toBe("private");
    expect(view.container.querySelector("#private .private-log")?.textContent).toContain(
      "How are you doing?",
    );
    expect(now(view).querySelector(".now-private")).toBeNull();
  });

  it("stays away once read, until another one comes", async () => {
    view = await renderRoom(PARTICIPANT);
    await view.fire("private_message", reply("p1", "First"));
    await view.click(button(now(view), "Read"));
    await view.dispatch({ type: "panel", panel: null });
    expect(now(view).querySelector(".now-private")).toBeNull();

    await view.fire("private_message", reply("p2", "Second"));
    expect(now(view).querySelector(".now-private")).not.toBeNull();
  });

  it("is not shown for what I wrote myself", async () => {
    view = await renderRoom(PARTICIPANT);
    await view.dispatch({
      type: "sentPrivate",
      message: { meeting_id: 7, id: "p1", from: BIRCH, to: null, text: "Mine", at: 1_000_000 },
    });
    expect(now(view).querySelector(".now-private")).toBeNull();
  });

  it("is not shown to a facilitator (their calls for attention say who wrote)", async () => {
    view = await renderRoom(FACILITATOR);
    await view.fire("room_state", roomSnapshot({ version: 2, facilitator: facilitatorSnapshot({ version: 2 }) }));
    await view.fire("private_message", {
      meeting_id: 7,
      id: "p1",
      from: BIRCH,
      to: null,
      text: "Hard day",
      at: 1_000_000,
    });
    expect(now(view).querySelector(".now-private")).toBeNull();
    expect(now(view).querySelector('[data-testid="attention-mark"]')).not.toBeNull();
  });
});
