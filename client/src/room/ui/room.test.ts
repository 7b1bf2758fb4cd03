import { afterEach, describe, expect, it } from "vitest";
import { act } from "preact/test-utils";
import type { RoomSnapshot } from "../../protocol/events";
import { FACILITATOR, PARTICIPANT, facilitatorSnapshot, roomSnapshot } from "../samples";
import { type Rendered, TOOLBAR, button, headings, openPanel, renderRoom } from "./testing";

let view: Rendered | undefined;

afterEach(() => {
  view?.unmount();
  view = undefined;
});

async function typeInto(
  element: HTMLTextAreaElement | HTMLInputElement,
  value: string,
): Promise<void> {
  await act(() => {
    element.value = value;
    element.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

describe("the screens around the room", () => {
  it("shows the lobby with a Leave button while waiting", async () => {
    view = await renderRoom(PARTICIPANT, null);
    await view.dispatch({
      type: "joined",
      ack: {
        ok: true,
        data: {
          where: "lobby", user_id: 1,
          lobby: {
            meeting_id: 7,
            version: 1,
            status: "waiting",
            locked: true,
            facilitator_present: false,
          },
        },
      },
      now: 0,
    });

    expect(headings(view.container)).toContain("Waiting for the facilitator to let you in");
    expect(view.container.textContent).toContain("The room is locked right now");
    await view.click(button(view.container, "Leave the lobby"));
    expect(headings(view.container)).toContain("You left the meeting");
  });

  it("shows the facilitator's message when declined, with a way back to my meetings", async () => {
    view = await renderRoom(PARTICIPANT, null);
    await view.dispatch({
      type: "server",
      event: "declined",
      data: { meeting_id: 7, message: "Please join next week." },
      now: 0,
    });

    expect(headings(view.container)).toContain("You were not let in this time");
    expect(view.container.querySelector("blockquote")?.textContent).toBe("Please join next week.");
    expect(
      view.container.querySelector<HTMLAnchorElement>('a[href="/dashboard"]')?.textContent,
    ).toBe("Back to my meetings");
  });

  it("moves focus to the heading after admission and when the meeting ends", async () => {
    view = await renderRoom(PARTICIPANT, null);
    await view.dispatch({ type: "joined", ack: { ok: true, data: { where: "lobby", user_id: 1 } }, now: 0 });
    await view.dispatch({ type: "server", event: "admitted", data: { meeting_id: 7 }, now: 0 });
    await view.dispatch({
      type: "server",
      event: "room_state",
      data: roomSnapshot({ version: 2 }),
      now: 0,
    });

    expect(document.activeElement?.id).toBe("room-heading");
    await view.dispatch({
      type: "server",
      event: "meeting_ended",
      data: { meeting_id: 7, reason: "ended" },
      now: 0,
    });
    expect(document.activeElement?.textContent).toBe("The meeting has ended");
  });

  it("leaves focus alone when the room is the first screen after loading", async () => {
    view = await renderRoom(FACILITATOR, null);
    await view.dispatch({
      type: "joined",
      ack: { ok: true, data: { where: "room", user_id: 1, room: roomSnapshot() } },
      now: 0,
    });
    await view.dispatch({ type: "server", event: "room_state", data: roomSnapshot({ version: 2, queue: [3] }), now: 0 });
    await view.dispatch({ type: "server", event: "room_state", data: roomSnapshot({ version: 3 }), now: 0 });

    expect(headings(view.container)).toContain("Facilitator tools");
    expect(document.activeElement).toBe(document.body);
  });

  it("offers the agreement when it must be accepted first", async () => {
    view = await renderRoom(PARTICIPANT, null);
    await view.dispatch({
      type: "joined",
      ack: { ok: false, error: { code: "ack_required", message: "Please accept." } },
      now: 0,
    });

    expect(
      view.container.querySelector<HTMLAnchorElement>('a[href="/meetings/7"]')?.textContent,
    ).toBe("Read the agreement");
  });

  it("shows a banner while reconnecting", async () => {
    view = await renderRoom(PARTICIPANT);
    await view.dispatch({ type: "connection", state: "reconnecting" });

    expect(
      view.container.querySelector('[data-testid="connection-banner"]')?.textContent,
    ).toContain("Reconnecting");
    await view.dispatch({ type: "connection", state: "connected" });
    expect(view.container.querySelector('[data-testid="connection-banner"]')).toBeNull();
  });
});

describe("a participant in the room", () => {
  it("raises a hand and sees a refusal right beside the button", async () => {
    view = await renderRoom(PARTICIPANT);
    view.answer(() => ({
      ok: false,
      error: { code: "on_break", message: "The meeting is on a break." },
    }));

    const raise = button(view.container, "Raise hand");
    await view.click(raise);

    expect(view.sent).toEqual([["raise_hand", {}]]);
    const describedBy = raise?.getAttribute("aria-describedby") ?? "";
    const error = document.getElementById(describedBy);
    expect(error?.textContent).toBe("The meeting is on a break.");
    expect(error?.getAttribute("role")).toBe("status");
  });

  it("sees my place in the queue and can lower my hand", async () => {
    view = await renderRoom(PARTICIPANT, { queue: [4, 3] });

    expect(view.container.querySelector(".queue-position")?.textContent).toBe(
      "Your hand is raised. You are number 2 in line.",
    );
    await view.click(button(view.container, "Lower my hand"));
    expect(view.sent).toEqual([["lower_hand", {}]]);
  });

  it("has the floor, with the countdown and a button to yield it", async () => {
    view = await renderRoom(PARTICIPANT, {
      floor: {
        user_id: 3,
        via: "queue",
        deadline: 1_000_000 + 3600,
        time_up: false,
        paused: false,
      },
    });

    expect(view.container.querySelector('[data-testid="floor-holder"]')?.textContent).toBe(
      "You have the floor",
    );
    expect(view.container.querySelector('[role="timer"]')).not.toBeNull();
    await view.click(button(view.container, "I'm done speaking"));
    expect(view.sent).toEqual([["yield_floor", {}]]);
  });

  it("is told when time is up", async () => {
    view = await renderRoom(PARTICIPANT, {
      floor: { user_id: 4, via: "queue", deadline: 1, time_up: true, paused: false },
    });

    expect(view.container.querySelector('[data-testid="time-up"]')?.textContent).toBe(
      "Time is up.",
    );
    expect(view.container.querySelector(".has-floor")?.textContent).toContain("Heron");
  });

  it("on my turn in a round, passes or finishes", async () => {
    view = await renderRoom(PARTICIPANT, {
      round: { kind: "check_in", order: [4, 3, 1], current: 3 },
      floor: { user_id: 3, via: "round", deadline: null, time_up: false, paused: false },
    });

    expect(view.container.querySelector("[aria-current=step]")?.textContent).toContain("Birch");
    expect(button(view.container, "I'm done speaking")).toBeNull();
    await view.click(button(view.container, "Pass"));
    await view.click(button(view.container, "I'm done"));
    expect(view.sent.map(([event]) => event)).toEqual(["round_pass", "round_next"]);
    expect(button(view.container, "End the round")).toBeNull();
  });

  it("writes in the chat with a counter; Enter sends", async () => {
    view = await renderRoom(PARTICIPANT);
    await openPanel(view, "chat");
    const box = view.container.querySelector<HTMLTextAreaElement>("#chat textarea")!;
    expect(box.maxLength).toBe(1000);

    await typeInto(box, "Hello all");
    expect(view.container.textContent).toContain("991 characters left");
    await act(async () => {
      box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
      await Promise.resolve();
    });

    expect(view.sent).toEqual([["chat", { text: "Hello all" }]]);
    expect(box.value).toBe("");
  });

  it("cannot write when the chat is off, and says so", async () => {
    view = await renderRoom(PARTICIPANT, { chat_enabled: false });
    await openPanel(view, "chat");

    const box = view.container.querySelector<HTMLTextAreaElement>("#chat textarea")!;
    expect(box.disabled).toBe(true);
    expect(view.container.textContent).toContain("The facilitator has turned the chat off.");
  });

  it("sees chat messages come and go, with no delete buttons", async () => {
    view = await renderRoom(PARTICIPANT);
    await openPanel(view, "chat");
    const from = { user_id: 4, name: "Heron" };
    await view.dispatch({
      type: "server",
      event: "chat",
      data: { meeting_id: 7, id: "m1", from, text: "First", at: 0 },
      now: 0,
    });

    expect(view.container.querySelector(".chat-log")?.textContent).toContain("First");
    expect(button(view.container, "Delete message from Heron")).toBeNull();
    await view.dispatch({
      type: "server",
      event: "chat_deleted",
      data: { meeting_id: 7, id: "m1" },
      now: 0,
    });
    expect(view.container.querySelector(".chat-log")).toBeNull();
  });

  it("writes privately to the facilitators and sends a discreet signal", async () => {
    view = await renderRoom(PARTICIPANT);
    view.answer(() => ({ ok: true, data: { id: "p9" } }));
    await openPanel(view, "private");
    const box = view.container.querySelector<HTMLTextAreaElement>("#private textarea")!;
    await typeInto(box, "Can we go slower?");
    await act(async () => {
      box.form?.requestSubmit();
      await Promise.resolve();
    });
    await view.click(button(view.container, "I need a break"));

    expect(view.sent).toEqual([
      ["private_message", { text: "Can we go slower?" }],
      ["signal", { kind: "need_break" }],
    ]);
    expect(view.container.querySelector(".private-log")?.textContent).toContain(
      "Can we go slower?",
    );
    expect(view.container.textContent).toContain("The facilitators got your signal.");
  });

  it("supports a topic and sees the chosen one highlighted", async () => {
    view = await renderRoom(PARTICIPANT, {
      topics: [{ id: "t1", proposer: 4, voters: [3] }],
      picked_topic: "t1",
    });
    await view.dispatch({
      type: "server",
      event: "topic_proposed",
      data: { meeting_id: 7, id: "t1", from: { user_id: 4, name: "Heron" }, text: "Sleep" },
      now: 0,
    });

    const vote = button(view.container, "Support the topic: Sleep");
    expect(vote?.getAttribute("aria-pressed")).toBe("true");
    expect(view.container.querySelector(".topic.picked")?.textContent).toContain("Chosen");
    await view.click(vote);
    expect(view.sent).toEqual([["vote_topic", { topic_id: "t1", vote: false }]]);
  });

  it("takes back a topic they proposed, and only their own", async () => {
    view = await renderRoom(PARTICIPANT, {
      topics: [
        { id: "t1", proposer: PARTICIPANT.userId, voters: [] },
        { id: "t2", proposer: 4, voters: [] },
      ],
    });
    for (const [id, text] of [
      ["t1", "Sleep"],
      ["t2", "Family"],
    ]) {
      await view.dispatch({
        type: "server",
        event: "topic_proposed",
        data: { meeting_id: 7, id, from: { user_id: 4, name: "Heron" }, text },
        now: 0,
      });
    }

    expect(button(view.container, "Take back the topic: Family")).toBeNull();
    await view.click(button(view.container, "Take back the topic: Sleep"));
    expect(view.sent).toEqual([["withdraw_topic", { topic_id: "t1" }]]);
  });

  it("has no facilitator tools", async () => {
    view = await renderRoom(PARTICIPANT);

    expect(headings(view.container)).not.toContain("Facilitator tools");
    expect(view.container.querySelector(`${TOOLBAR} [data-panel="facilitator"]`)).toBeNull();
    // The people panel (shown by default) has no queue tools and no one's options.
    expect(view.container.querySelector("#people")).not.toBeNull();
    expect(button(view.container, "Next speaker")).toBeNull();
    expect(button(view.container, "Options for Heron")).toBeNull();
    // Nor does asking for the tools' panel show them.
    await openPanel(view, "facilitator");
    expect(headings(view.container)).not.toContain("Facilitator tools");
  });
});

describe("a facilitator in the room", () => {
  async function asFacilitator(room: Partial<RoomSnapshot> = {}) {
    const rendered = await renderRoom(FACILITATOR, room);
    await rendered.dispatch({
      type: "server",
      event: "room_state",
      data: roomSnapshot({
        ...room,
        facilitator: facilitatorSnapshot({
          lobby: [{ user_id: 8, name: "Sparrow", role: "participant", since: 0, connected: true }],
          balance: [{ user_id: 4, name: "Heron", turns: 2, seconds: 95 }],
        }),
      }),
      now: 0,
    });
    return rendered;
  }

  it("admits and declines from the lobby", async () => {
    view = await asFacilitator();

    await view.click(button(view.container, "Admit Sparrow"));
    await view.click(button(view.container, "Decline Sparrow"));
    const message = view.container.querySelector<HTMLInputElement>(".decline-form input")!;
    await typeInto(message, "Not today");
    await act(async () => {
      message.form?.requestSubmit();
      await Promise.resolve();
    });

    expect(view.sent).toEqual([
      ["admit", { user_id: 8 }],
      ["decline", { user_id: 8, message: "Not today" }],
    ]);
  });

  it("runs the queue: next speaker, move, give the floor", async () => {
    view = await asFacilitator({ queue: [3, 4] });
    await openPanel(view, "people");

    await view.click(button(view.container, "Next speaker"));
    await view.click(button(view.container, "Move Heron up"));
    await view.click(button(view.container, "Give the floor to Birch"));

    expect(view.sent).toEqual([
      ["next_speaker", {}],
      ["move_in_queue", { user_id: 4, direction: "up" }],
      ["give_floor", { user_id: 3 }],
    ]);
    expect(button(view.container, "Move Birch up")?.disabled).toBe(true);
  });

  it("asks before removing someone, and Cancel gives focus back", async () => {
    view = await asFacilitator();
    await view.dispatch({ type: "panel", panel: "people" });
    await view.click(button(view.container, "Options for Heron"));
    const remove = button(view.container, "Remove Heron from the meeting");
    await view.click(remove);

    // In a dialog (./ConfirmDialog.tsx), the safe button first; more in attention.test.ts.
    expect(view.container.querySelector("dialog[open]")?.textContent).toContain(
      "Heron will leave this meeting now and cannot come back to it.",
    );
    expect(document.activeElement?.textContent).toBe("Cancel");
    await view.click(button(view.container, "Cancel"));
    expect(view.sent).toEqual([]);
    expect(document.activeElement?.getAttribute("aria-label")).toBe(
      "Remove Heron from the meeting",
    );

    await view.click(button(view.container, "Remove Heron from the meeting"));
    await view.click(button(view.container, "Yes, remove from the meeting"));
    expect(view.sent).toEqual([["remove_from_meeting", { user_id: 4 }]]);
  });

  it("cannot remove or mute another facilitator", async () => {
    view = await asFacilitator();
    await openPanel(view, "people");
    await view.click(button(view.container, "Options for Jonas"));

    expect(button(view.container, "Remove Jonas from the meeting")).toBeNull();
    expect(button(view.container, "Pause Jonas's chat messages")).toBeNull();
    expect(button(view.container, "Give the floor to Jonas")).not.toBeNull();
  });

  it("starts a round from a chosen person", async () => {
    view = await asFacilitator();
    const [kind, first] = [
      ...view.container.querySelectorAll<HTMLSelectElement>("#round-tools select"),
    ];
    await act(() => {
      kind!.value = "check_out";
      kind!.dispatchEvent(new Event("change", { bubbles: true }));
      first!.value = "4";
      first!.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await view.click(button(view.container, "Start the round"));

    expect(view.sent).toEqual([["start_round", { kind: "check_out", first_user_id: 4 }]]);
  });

  it("switches chat, the content warning and the lock; starts a break", async () => {
    view = await asFacilitator();

    await view.click(button(view.container, "Turn chat off"));
    await view.click(button(view.container, "Show a content warning"));
    await view.click(button(view.container, "Lock the room"));
    await view.click(button(view.container, "Start a break"));

    expect(view.sent).toEqual([
      ["set_chat", { enabled: false }],
      ["content_warning", { on: true }],
      ["lock", { locked: true }],
      ["start_break", { minutes: 10 }],
    ]);
  });

  it("deletes a chat message and sees the speaking balance", async () => {
    view = await asFacilitator();
    const from = { user_id: 4, name: "Heron" };
    await view.dispatch({
      type: "server",
      event: "chat",
      data: { meeting_id: 7, id: "m3", from, text: "Oops", at: 0 },
      now: 0,
    });

    await openPanel(view, "chat");
    await view.click(button(view.container, "Delete message from Heron"));

    expect(view.sent).toEqual([["delete_chat", { message_id: "m3" }]]);
    await openPanel(view, "facilitator");
    const row = [...view.container.querySelectorAll(".balance tbody tr")].map(
      (tr) => tr.textContent,
    );
    expect(row).toEqual(["Heron21:35"]);
  });

  it("sees signals and replies privately", async () => {
    view = await asFacilitator();
    view.answer(() => ({ ok: true, data: { id: "p2" } }));
    const from = { user_id: 3, name: "Birch" };
    await view.dispatch({
      type: "server",
      event: "private_signal",
      data: { meeting_id: 7, from, kind: "not_ok", at: 0 },
      now: 0,
    });
    await view.dispatch({
      type: "server",
      event: "private_message",
      data: { meeting_id: 7, id: "p1", from, to: null, text: "Hard day", at: 0 },
      now: 0,
    });

    await view.dispatch({ type: "panel", panel: "private" });
    expect(view.container.querySelector(".signal-list")?.textContent).toContain("I'm not OK");
    // Nobody is written to by default: Reply chooses the person (attention.test.ts has more).
    await view.click(button(view.container, "Reply to Birch"));
    const box = view.container.querySelector<HTMLTextAreaElement>("#private textarea")!;
    await typeInto(box, "I'm here");
    await act(async () => {
      box.form?.requestSubmit();
      await Promise.resolve();
    });
    expect(view.sent).toEqual([["private_reply", { user_id: 3, text: "I'm here" }]]);
  });

  it("ends the meeting only after confirming", async () => {
    view = await asFacilitator();

    await view.click(button(view.container, "End the meeting for everyone"));
    expect(view.sent).toEqual([]);
    await view.click(button(view.container, "Yes, end the meeting"));
    expect(view.sent).toEqual([["end_meeting", {}]]);
  });
});
