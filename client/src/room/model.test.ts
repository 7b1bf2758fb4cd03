import { describe, expect, it } from "vitest";
import type { ServerEvent, ServerEvents } from "../protocol/events";
import {
  CHAT_KEEP,
  type RoomAction,
  type RoomModel,
  RoomStore,
  initialModel,
  reduce,
} from "./model";
import { FACILITATOR, PARTICIPANT, facilitatorSnapshot, roomSnapshot } from "./samples";

function server<E extends ServerEvent>(event: E, data: ServerEvents[E], now = 0): RoomAction {
  return { type: "server", event, data, now };
}

function inRoom(): RoomModel {
  return reduce(initialModel(PARTICIPANT), {
    type: "joined",
    ack: { ok: true, data: { where: "room", user_id: 1, room: roomSnapshot() } },
    now: 1_000_000_000,
  });
}

const from = { user_id: 4, name: "Heron" };

describe("joining", () => {
  it("enters the room with its snapshot and the clock's offset", () => {
    const model = reduce(initialModel(PARTICIPANT), {
      type: "joined",
      ack: { ok: true, data: { where: "room", user_id: 1, room: roomSnapshot({ server_time: 1005 }) } },
      now: 1_000_000,
    });

    expect(model.screen).toEqual({ kind: "room" });
    expect(model.room?.server_time).toBe(1005);
    expect(model.clockOffset).toBe(5);
  });

  it("waits in the lobby, then is admitted", () => {
    let model = reduce(initialModel(PARTICIPANT), {
      type: "joined",
      ack: {
        ok: true,
        data: {
          where: "lobby", user_id: 1,
          lobby: {
            meeting_id: 7,
            version: 1,
            status: "waiting",
            locked: false,
            facilitator_present: false,
          },
        },
      },
      now: 0,
    });
    expect(model.screen.kind).toBe("lobby");
    expect(model.lobby?.facilitator_present).toBe(false);

    model = reduce(model, server("admitted", { meeting_id: 7 }));
    expect(model.screen.kind).toBe("room");
  });

  it("shows a refusal, final when joining again cannot help", () => {
    const refused = (code: string) =>
      reduce(initialModel(PARTICIPANT), {
        type: "joined",
        ack: { ok: false, error: { code, message: "No." } },
        now: 0,
      }).screen;

    expect(refused("barred")).toEqual({
      kind: "refused",
      code: "barred",
      message: "No.",
      final: true,
    });
    expect(refused("timeout")).toMatchObject({ kind: "refused", final: false });
  });
});

describe("snapshots", () => {
  it("keeps a facilitator's own part of the room_state apart", () => {
    const facilitator = facilitatorSnapshot({ version: 3, chat_muted: [4] });
    const model = reduce(inRoom(), server("room_state", roomSnapshot({ version: 3, facilitator })));

    expect(model.facilitator).toEqual(facilitator);
    expect(model.room).not.toHaveProperty("facilitator");
    expect(reduce(model, server("room_state", roomSnapshot({ version: 4 }))).facilitator).toBe(
      facilitator,
    );
  });

  it("ignores a snapshot older than the one it has", () => {
    let model = reduce(inRoom(), server("room_state", roomSnapshot({ version: 5, locked: true })));
    model = reduce(model, server("room_state", roomSnapshot({ version: 4, locked: false })));

    expect(model.room?.locked).toBe(true);
  });
});

describe("chat", () => {
  it("keeps messages that arrive, drops deleted ones, and keeps only the latest", () => {
    let model = inRoom();
    for (let i = 1; i <= CHAT_KEEP + 5; i += 1) {
      model = reduce(
        model,
        server("chat", { meeting_id: 7, id: `m${i}`, from, text: `hello ${i}`, at: i }),
      );
    }
    model = reduce(model, server("chat_deleted", { meeting_id: 7, id: `m${CHAT_KEEP + 5}` }));

    expect(model.chat).toHaveLength(CHAT_KEEP - 1);
    expect(model.chat[0]?.id).toBe("m6");
    expect(model.chat.some((message) => message.id === `m${CHAT_KEEP + 5}`)).toBe(false);
  });

  it("knows when my chat is muted, also from a refusal", () => {
    let model = reduce(inRoom(), server("chat_muted", { meeting_id: 7, muted: true }));
    expect(model.chatMuted).toBe(true);
    model = reduce(model, server("chat_muted", { meeting_id: 7, muted: false }));
    expect(model.chatMuted).toBe(false);
    model = reduce(model, { type: "chatRefused", code: "chat_muted" });
    expect(model.chatMuted).toBe(true);
  });
});

describe("relayed things", () => {
  it("keeps topic texts, private lines once, signals and reactions", () => {
    let model = inRoom();
    model = reduce(
      model,
      server("topic_proposed", { meeting_id: 7, id: "t1", from, text: "Sleep" }),
    );
    const line = { meeting_id: 7, id: "p1", from, to: null, text: "Hi", at: 1 };
    model = reduce(model, server("private_message", line));
    model = reduce(model, { type: "sentPrivate", message: line });
    model = reduce(
      model,
      server("private_signal", { meeting_id: 7, from, kind: "need_break", at: 2 }),
    );
    model = reduce(model, server("reaction", { meeting_id: 7, from, kind: "me_too" }, 5000));

    expect(model.topicTexts).toEqual({ t1: "Sleep" });
    expect(model.privateLines).toHaveLength(1);
    expect(model.signals.map((s) => s.kind)).toEqual(["need_break"]);
    expect(model.reactions.map((r) => r.kind)).toEqual(["me_too"]);
    expect(reduce(model, { type: "expire", now: 14_000 }).reactions).toHaveLength(1);
    expect(reduce(model, { type: "expire", now: 16_000 }).reactions).toHaveLength(0);
  });
});

describe("the end", () => {
  it.each([
    [
      "removed",
      server("removed", { meeting_id: 7, scope: "group" }),
      { kind: "removed", scope: "group" },
    ],
    [
      "ended",
      server("meeting_ended", { meeting_id: 7, reason: "closed" }),
      { kind: "ended", reason: "closed" },
    ],
    [
      "declined",
      server("declined", { meeting_id: 7, message: "Not today" }),
      { kind: "declined", message: "Not today" },
    ],
    ["left", { type: "left" } as RoomAction, { kind: "left" }],
  ])("forgets what the meeting said when %s, and hears nothing after", (_label, action, screen) => {
    let model = reduce(
      inRoom(),
      server("chat", { meeting_id: 7, id: "m1", from, text: "hello", at: 1 }),
    );
    model = reduce(model, action);

    expect(model.screen).toEqual(screen);
    expect(model.chat).toEqual([]);
    expect(model.room).toBeNull();
    expect(
      reduce(model, server("chat", { meeting_id: 7, id: "m2", from, text: "later", at: 2 })),
    ).toBe(model);
    expect(reduce(model, server("admitted", { meeting_id: 7 })).screen).toEqual(screen);
  });
});

describe("RoomStore", () => {
  it("tells listeners of changes, not of non-changes", () => {
    const store = new RoomStore(PARTICIPANT);
    const seen: string[] = [];
    store.subscribe((next, previous) => seen.push(`${previous.connection}>${next.connection}`));

    store.dispatch({ type: "connection", state: "connected" });
    store.dispatch({ type: "connection", state: "connected" });

    expect(seen).toEqual(["connecting>connected"]);
  });

  it("forgets everything on clear (the quick exit)", () => {
    const store = new RoomStore(PARTICIPANT);
    let calls = 0;
    store.subscribe(() => (calls += 1));
    store.dispatch({
      type: "joined",
      ack: { ok: true, data: { where: "room", user_id: 1, room: roomSnapshot() } },
      now: 0,
    });
    store.dispatch(server("chat", { meeting_id: 7, id: "m1", from, text: "hello", at: 1 }));

    store.clear();
    store.dispatch({ type: "connection", state: "connected" });

    expect(store.get().chat).toEqual([]);
    expect(store.get().room).toBeNull();
    expect(calls).toBe(2);
  });
});

describe("calls for a facilitator's attention", () => {
  const birch = { user_id: 3, name: "Birch" };
  const mira = { user_id: 1, name: "Mira" };

  function facilitating(): RoomModel {
    return reduce(initialModel(FACILITATOR), {
      type: "joined",
      ack: {
        ok: true,
        data: {
          where: "room",
          user_id: 1,
          room: roomSnapshot({ facilitator: facilitatorSnapshot() }),
        },
      },
      now: 1_000_000_000,
    });
  }

  const signal = (kind: "not_ok" | "need_break" | "left_quickly", at = 100) =>
    server("private_signal", { meeting_id: 7, from: birch, kind, at });
  const message = (id: string, fromWho: typeof birch, to: typeof birch | null, at = 100) =>
    server("private_message", { meeting_id: 7, id, from: fromWho, to, text: "…", at });

  it("marks whoever sends a signal or writes to the facilitators, until seen", () => {
    let model = reduce(facilitating(), signal("not_ok", 100));
    model = reduce(model, message("p1", birch, null, 105));

    expect(model.attention).toEqual([
      { userId: 3, name: "Birch", kinds: ["not_ok", "message"], since: 100, at: 105, order: 2 },
    ]);
    model = reduce(model, { type: "acknowledge", userId: 3 });
    expect(model.attention).toEqual([]);
  });

  it("marks nothing on a participant's page, nor for my own messages", () => {
    const participant = reduce(inRoom(), signal("not_ok"));
    expect(participant.attention).toEqual([]);

    const mine = reduce(facilitating(), message("p1", mira, null));
    expect(mine.attention).toEqual([]);
  });

  it("counts a repeated message once", () => {
    let model = reduce(facilitating(), message("p1", birch, null));
    model = reduce({ ...model, attention: [] }, message("p1", birch, null));
    expect(model.attention).toEqual([]);
  });

  it("Reply addresses the private line to the person, asks for the focus and counts as seen", () => {
    let model = reduce(facilitating(), signal("not_ok"));
    model = reduce(model, { type: "replyTo", userId: 3 });

    expect([model.panel, model.privateTo, model.privateFocus, model.attention]).toEqual([
      "private",
      3,
      true,
      [],
    ]);
    expect(reduce(model, { type: "replyFocused" }).privateFocus).toBe(false);
  });

  it("choosing a name in the private line only addresses it", () => {
    const model = reduce(reduce(facilitating(), signal("need_break")), {
      type: "replyTo",
      userId: 3,
      focus: false,
    });

    expect([model.privateTo, model.privateFocus, model.attention.length]).toEqual([3, false, 1]);
  });

  it("my own reply to the person counts as seen; another facilitator's does not", () => {
    const called = reduce(facilitating(), signal("not_ok"));
    const jonas = { user_id: 2, name: "Jonas" };

    expect(reduce(called, message("p2", jonas, birch)).attention).toHaveLength(1);
    expect(reduce(called, message("p3", mira, birch)).attention).toEqual([]);
  });

  it("keeps a call when the person leaves quickly, and says so", () => {
    let model = reduce(facilitating(), signal("not_ok", 100));
    model = reduce(model, signal("left_quickly", 130));

    expect(model.attention[0]?.kinds).toEqual(["left_quickly", "not_ok"]);
  });

  it("marks arrivals in the lobby, and lets them go once admitted", () => {
    const lobby = [{ user_id: 8, name: "Sparrow", role: "participant" as const, since: 90, connected: true }];
    const snapshot = (version: number, waiting: typeof lobby) =>
      server("room_state", roomSnapshot({ version, facilitator: facilitatorSnapshot({ version, lobby: waiting }) }));
    let model = reduce(facilitating(), snapshot(2, lobby));
    expect(model.attention.map((entry) => [entry.userId, entry.kinds])).toEqual([[8, ["lobby"]]]);

    model = reduce(model, snapshot(3, lobby));
    expect(model.attention).toHaveLength(1);
    model = reduce(model, snapshot(4, []));
    expect(model.attention).toEqual([]);
  });

  it("counts every new call (for the sound), and keeps the sound off until chosen", () => {
    const model = reduce(reduce(facilitating(), signal("not_ok")), signal("need_break"));

    expect(model.attentionTick).toBe(2);
    expect(model.attentionSound).toBe(false);
    expect(reduce(model, { type: "attentionSound", on: true }).attentionSound).toBe(true);
  });

  it("opens one person's menu at a time, and a panel closes it", () => {
    let model = reduce(facilitating(), { type: "menu", menu: "people:3" });
    model = reduce(model, { type: "menu", menu: "people:4" });
    expect(model.menu).toBe("people:4");
    expect(reduce(model, { type: "panel", panel: "chat" }).menu).toBeNull();
  });

  it("forgets every call when the meeting is over for me, and on quick exit", () => {
    const called = reduce(facilitating(), signal("not_ok"));
    expect(reduce(called, { type: "left" }).attention).toEqual([]);

    const store = new RoomStore(FACILITATOR);
    store.dispatch({
      type: "joined",
      ack: { ok: true, data: { where: "room", user_id: 1, room: roomSnapshot() } },
      now: 0,
    });
    store.dispatch(signal("not_ok"));
    store.dispatch({ type: "attentionSound", on: true });
    expect(store.get().attention).toHaveLength(1);
    store.clear();
    expect([store.get().attention, store.get().attentionSound, store.get().privateTo]).toEqual([
      [],
      false,
      null,
    ]);
  });
});
