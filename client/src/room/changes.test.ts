import { describe, expect, it } from "vitest";
import type { RoomSnapshot } from "../protocol/events";
import { announcementForNotice, announcementsFor } from "./changes";
import { type Me, type RoomModel, initialModel } from "./model";
import { FACILITATOR, PARTICIPANT, facilitatorSnapshot, roomSnapshot } from "./samples";

function model(me: Me, room: Partial<RoomSnapshot>, extra: Partial<RoomModel> = {}): RoomModel {
  return {
    ...initialModel(me),
    screen: { kind: "room" },
    connection: "connected",
    room: roomSnapshot(room),
    ...extra,
  };
}

const keys = (prev: RoomModel, next: RoomModel) =>
  announcementsFor(prev, next).map((a) => [a.key, a.params ?? {}]);

describe("announcements of changes", () => {
  it("tells me when I have the floor, and whoever else gets it", () => {
    const before = model(PARTICIPANT, {});
    const mine = model(PARTICIPANT, {
      floor: { user_id: 3, via: "queue", deadline: null, time_up: false, paused: false },
    });
    const theirs = model(PARTICIPANT, {
      floor: { user_id: 4, via: "given", deadline: null, time_up: false, paused: false },
    });

    expect(keys(before, mine)).toEqual([["sayYouHaveFloor", {}]]);
    expect(keys(mine, theirs)).toEqual([["sayFloorTo", { name: "Heron" }]]);
    expect(keys(theirs, theirs)).toEqual([]);
  });

  it("tells the round's start, each turn and its end (not the floor twice)", () => {
    const floor = (user_id: number) => ({
      user_id,
      via: "round" as const,
      deadline: null,
      time_up: false,
      paused: false,
    });
    const before = model(PARTICIPANT, {});
    const started = model(PARTICIPANT, {
      round: { kind: "check_in", order: [4, 3], current: 4 },
      floor: floor(4),
    });
    const mine = model(PARTICIPANT, {
      round: { kind: "check_in", order: [4, 3], current: 3 },
      floor: floor(3),
    });
    const over = model(PARTICIPANT, {});

    expect(keys(before, started)).toEqual([
      ["sayRoundStarted", { kind: { key: "roundCheckIn" } }],
      ["sayRoundTurn", { name: "Heron" }],
    ]);
    expect(keys(started, mine)).toEqual([["sayYourTurn", {}]]);
    expect(keys(mine, over)).toEqual([["sayRoundEnded", {}]]);
  });

  it("tells breaks, the facilitator's absence and a content warning", () => {
    const before = model(PARTICIPANT, {});
    const after = model(PARTICIPANT, {
      break: { until: 1_000_600 },
      holding: true,
      content_warning: true,
      chat_enabled: false,
    });

    expect(keys(before, after)).toEqual([
      ["sayBreakStarted", { minutes: "10" }],
      ["holdingNotice", {}],
      ["sayContentWarning", {}],
      ["chatOffNotice", {}],
    ]);
    expect(keys(after, before).map(([key]) => key)).toEqual([
      "sayBreakEnded",
      "sayHoldingOver",
      "sayChatOn",
    ]);
  });

  it("tells floor mode going on and off, but not a round's own floor mode twice", () => {
    const open = model(PARTICIPANT, {});
    const floorMode = model(PARTICIPANT, { floor_mode: true, may_speak: [1, 2] });
    const round = model(PARTICIPANT, {
      floor_mode: true,
      round: { kind: "check_in", order: [4, 3], current: 4 },
    });

    expect(keys(open, floorMode)).toEqual([["sayFloorModeOn", {}]]);
    expect(keys(floorMode, open)).toEqual([["sayFloorModeOff", {}]]);
    expect(keys(open, round).map(([key]) => key)).not.toContain("sayFloorModeOn");
  });

  it("says I am in after admission, and says nothing else about the first snapshot", () => {
    const lobby = { ...initialModel(PARTICIPANT), screen: { kind: "lobby" as const } };
    const admitted = model(PARTICIPANT, {
      floor: { user_id: 4, via: "queue", deadline: null, time_up: false, paused: false },
    });

    expect(keys(lobby, admitted)).toEqual([["sayAdmitted", {}]]);
  });

  it("says removal and the end assertively", () => {
    const room = model(PARTICIPANT, {});
    const removed = announcementsFor(room, {
      ...room,
      screen: { kind: "removed", scope: "meeting" },
    });
    const ended = announcementsFor(room, { ...room, screen: { kind: "ended", reason: "ended" } });

    expect(removed).toEqual([{ key: "removedHeading", assertive: true }]);
    expect(ended).toEqual([{ key: "endedHeading", assertive: true }]);
  });

  it("tells a lost and a regained connection", () => {
    const room = model(PARTICIPANT, {});
    const lost = { ...room, connection: "reconnecting" as const };

    expect(keys(room, lost)).toEqual([["reconnecting", {}]]);
    expect(keys(lost, room)).toEqual([["reconnected", {}]]);
  });

  it("tells facilitators who arrives in the lobby", () => {
    const waiting = (ids: number[]) =>
      facilitatorSnapshot({
        lobby: ids.map((id) => ({
          user_id: id,
          name: `P${id}`,
          role: "participant" as const,
          since: 0,
          connected: true,
        })),
      });
    const before = model(FACILITATOR, {}, { facilitator: waiting([8]) });
    const after = model(FACILITATOR, {}, { facilitator: waiting([8, 9]) });

    expect(keys(before, after)).toEqual([["sayLobbyArrival", { name: "P9" }]]);
    // Whoever already waits when the facilitator comes in is told too, once.
    const first = model(FACILITATOR, {});
    expect(keys(first, before)).toEqual([["sayLobbyArrival", { name: "P8" }]]);
    expect(keys(before, { ...before })).toEqual([]);
  });
});

describe("announcements of notices", () => {
  const room = model(PARTICIPANT, {});

  it("reads others' chat messages (throttled by the announcer), not my own", () => {
    const chat = (user_id: number) => ({
      meeting_id: 7,
      id: "m1",
      from: { user_id, name: "X" },
      text: "hello",
      at: 0,
    });

    expect(announcementForNotice("chat", chat(4), room)).toEqual({
      key: "sayChat",
      params: { name: "X", text: "hello" },
      chat: true,
    });
    expect(announcementForNotice("chat", chat(3), room)).toBeNull();
  });

  it("tells whose time is up", () => {
    expect(announcementForNotice("time_up", { meeting_id: 7, user_id: 3 }, room)?.key).toBe(
      "sayTimeUpYou",
    );
    expect(announcementForNotice("time_up", { meeting_id: 7, user_id: 4 }, room)).toEqual({
      key: "sayTimeUp",
      params: { name: "Heron" },
    });
  });

  it("tells facilitators of signals and private messages", () => {
    const from = { user_id: 4, name: "Heron" };
    const facilitator = model(FACILITATOR, {});

    expect(
      announcementForNotice(
        "private_signal",
        { meeting_id: 7, from, kind: "not_ok", at: 0 },
        facilitator,
      ),
    ).toEqual({
      key: "saySignal",
      params: { name: "Heron", kind: { key: "signalNotOk" } },
    });
    expect(
      announcementForNotice(
        "private_message",
        { meeting_id: 7, id: "p1", from, to: null, text: "x", at: 0 },
        facilitator,
      )?.key,
    ).toBe("sayPrivate");
    expect(announcementForNotice("room_state", roomSnapshot(), facilitator)).toBeNull();
  });
});
