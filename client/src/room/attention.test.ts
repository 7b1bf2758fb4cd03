import { describe, expect, it } from "vitest";
import type { LobbyPerson } from "../protocol/events";
import {
  acknowledge,
  addCall,
  attentionList,
  attentionOf,
  canReply,
  lobbyCalls,
  signalCall,
} from "./attention";
import { type RoomModel, initialModel } from "./model";
import { FACILITATOR, facilitatorSnapshot, roomSnapshot } from "./samples";

const waiting = (user_id: number, since = 50): LobbyPerson => ({
  user_id,
  name: `P${user_id}`,
  role: "participant",
  since,
  connected: true,
});

describe("calls for attention", () => {
  it("keeps one entry per person: every kind once, the most pressing first, the newest call last", () => {
    let list = addCall([], { userId: 4, name: "Heron", kind: "message", at: 10 }, 1);
    list = addCall(list, { userId: 3, name: "Birch", kind: "need_break", at: 11 }, 2);
    list = addCall(list, { userId: 4, name: "Heron", kind: "not_ok", at: 12 }, 3);
    list = addCall(list, { userId: 4, name: "Heron", kind: "message", at: 13 }, 4);

    expect(list.map((entry) => [entry.name, entry.kinds, entry.since, entry.at, entry.order])).toEqual([
      ["Birch", ["need_break"], 11, 11, 2],
      ["Heron", ["not_ok", "message"], 10, 13, 4],
    ]);
  });

  it("goes once seen, and only for that person", () => {
    const list = addCall(
      addCall([], { userId: 4, name: "Heron", kind: "not_ok", at: 1 }, 1),
      { userId: 3, name: "Birch", kind: "message", at: 2 },
      2,
    );

    expect(acknowledge(list, 4).map((entry) => entry.userId)).toEqual([3]);
    expect(acknowledge(list, 9)).toBe(list);
  });

  it("marks whoever is new in the lobby, and lets that part go when they no longer wait", () => {
    let order = 0;
    const next = () => ++order;
    const first = lobbyCalls([], null, [waiting(8)], next);
    const more = lobbyCalls(first, [waiting(8)], [waiting(8), waiting(9)], next);
    expect(more.map((entry) => [entry.userId, entry.kinds])).toEqual([
      [8, ["lobby"]],
      [9, ["lobby"]],
    ]);

    // 8 was admitted but had written meanwhile: the message stays, the waiting goes.
    const wrote = addCall(more, { userId: 8, name: "P8", kind: "message", at: 60 }, next());
    const admitted = lobbyCalls(wrote, [waiting(8), waiting(9)], [waiting(9)], next);
    expect(admitted.map((entry) => [entry.userId, entry.kinds])).toEqual([
      [9, ["lobby"]],
      [8, ["message"]],
    ]);
    expect(lobbyCalls(admitted, [waiting(9)], [], next).map((e) => e.userId)).toEqual([8]);
  });

  it("takes every signal as a call, an unknown kind as the most careful one", () => {
    expect(signalCall("not_ok")).toBe("not_ok");
    expect(signalCall("need_break")).toBe("need_break");
    expect(signalCall("left_quickly")).toBe("left_quickly");
    expect(signalCall("something_new" as never)).toBe("not_ok");
  });

  it("reads from the model: one person's call, all of them newest first, and who can be answered", () => {
    const model: RoomModel = {
      ...initialModel(FACILITATOR),
      room: roomSnapshot(),
      facilitator: facilitatorSnapshot({ lobby: [waiting(8)] }),
      attention: [
        { userId: 4, name: "Heron", kinds: ["not_ok"], since: 1, at: 1, order: 5 },
        { userId: 12, name: "Gone", kinds: ["left_quickly"], since: 2, at: 2, order: 7 },
      ],
    };

    expect(attentionOf(model, 4)?.kinds).toEqual(["not_ok"]);
    expect(attentionOf(model, 3)).toBeNull();
    expect(attentionList(model).map((entry) => entry.name)).toEqual(["Gone", "Heron"]);
    expect([canReply(model, 4), canReply(model, 8), canReply(model, 12)]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
