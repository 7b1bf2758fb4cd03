import { describe, expect, it } from "vitest";
import {
  breakSecondsLeft,
  facilitatorRole,
  floorClock,
  formatDuration,
  hasFloor,
  isMyTurn,
  nameOf,
  privateRecipients,
  privateThreads,
  queuePosition,
  roundInfo,
  secondsUntil,
  topicItems,
} from "./derive";
import { FACILITATOR, roomSnapshot } from "./samples";

describe("the queue and the floor", () => {
  const room = roomSnapshot({
    queue: [4, 3],
    floor: { user_id: 2, via: "queue", deadline: 1_000_090, time_up: false, paused: false },
  });

  it("gives my place in the queue, 1 being next", () => {
    expect(queuePosition(room, 4)).toBe(1);
    expect(queuePosition(room, 3)).toBe(2);
    expect(queuePosition(room, 5)).toBeNull();
    expect(queuePosition(null, 3)).toBeNull();
  });

  it("knows who has the floor", () => {
    expect(hasFloor(room, 2)).toBe(true);
    expect(hasFloor(room, 3)).toBe(false);
    expect(nameOf(room, 2)).toBe("Jonas");
    expect(nameOf(room, 99, "someone")).toBe("someone");
  });

  it("counts the turn down by the server's clock", () => {
    // The page's clock is 10 s behind the server's.
    const nowMs = (1_000_000 - 10) * 1000;
    expect(floorClock(room, nowMs, 10)).toEqual({ secondsLeft: 90, timeUp: false, paused: false });
    expect(floorClock(room, nowMs + 100_000, 10)?.secondsLeft).toBe(0);
    expect(floorClock(roomSnapshot(), nowMs, 0)).toBeNull();
  });
});

describe("roles", () => {
  it("reads a facilitator's role from the roster by user id, never by name", () => {
    const room = roomSnapshot();
    expect(facilitatorRole(room, 1)).toBe("facilitator");
    expect(facilitatorRole(room, 2)).toBe("co_facilitator");
    expect(facilitatorRole(room, 3)).toBeNull(); // a participant
    expect(facilitatorRole(room, 99)).toBeNull(); // not in the room (any more)
    expect(facilitatorRole(null, 1)).toBeNull();
  });
});

describe("rounds", () => {
  it("gives the order, whose turn it is and who is done", () => {
    const room = roomSnapshot({ round: { kind: "check_in", order: [3, 4, 1], current: 4 } });

    const info = roundInfo(room);

    expect(info?.position).toBe(2);
    expect(info?.total).toBe(3);
    expect(info?.steps.map((s) => [s.name, s.done, s.current])).toEqual([
      ["Birch", true, false],
      ["Heron", false, true],
      ["Mira", false, false],
    ]);
    expect(isMyTurn(room, 4)).toBe(true);
    expect(isMyTurn(room, 3)).toBe(false);
    expect(roundInfo(roomSnapshot())).toBeNull();
  });
});

describe("time", () => {
  it("never counts below zero", () => {
    expect(secondsUntil(100, 200_000, 0)).toBe(0);
    expect(secondsUntil(100, 99_500, 0)).toBe(1);
  });

  it("writes durations as m:ss or h:mm:ss", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(65)).toBe("1:05");
    expect(formatDuration(3723)).toBe("1:02:03");
  });

  it("counts the break down", () => {
    expect(breakSecondsLeft(roomSnapshot({ break: { until: 1_000_300 } }), 1_000_000_000, 0)).toBe(
      300,
    );
    expect(breakSecondsLeft(roomSnapshot(), 0, 0)).toBeNull();
  });
});

describe("topics", () => {
  it("puts the picked one first, then by votes, with texts where known", () => {
    const room = roomSnapshot({
      topics: [
        { id: "t1", proposer: 3, voters: [4] },
        { id: "t2", proposer: 4, voters: [3, 4] },
        { id: "t3", proposer: 1, voters: [] },
      ],
      picked_topic: "t3",
    });

    const items = topicItems(room, { t1: "Sleep", t3: "Boundaries" }, 3);

    expect(items.map((t) => [t.id, t.text, t.votes, t.votedByMe, t.picked])).toEqual([
      ["t3", "Boundaries", 0, false, true],
      ["t2", null, 2, true, false],
      ["t1", "Sleep", 1, false, false],
    ]);
    expect(items[2]?.proposedByMe).toBe(true);
  });
});

describe("the private line", () => {
  it("groups messages by participant, most recent first", () => {
    const birch = { user_id: 3, name: "Birch" };
    const heron = { user_id: 4, name: "Heron" };
    const mira = { user_id: 1, name: "Mira" };
    const line = (id: string, from: typeof birch, to: typeof birch | null) => ({
      meeting_id: 7,
      id,
      from,
      to,
      text: id,
      at: 0,
    });

    const threads = privateThreads([
      line("a", birch, null),
      line("b", heron, null),
      line("c", mira, birch),
    ]);

    expect(threads.map((t) => [t.name, t.lines.map((l) => l.id)])).toEqual([
      ["Birch", ["a", "c"]],
      ["Heron", ["b"]],
    ]);
  });

  it("lets facilitators write to participants only", () => {
    expect(privateRecipients(roomSnapshot(), FACILITATOR).map((p) => p.name)).toEqual([
      "Birch",
      "Heron",
      "Willow",
    ]);
  });

  it("lets facilitators write to those waiting in the lobby too, said as waiting", () => {
    const waiting = (user_id: number, name: string) => ({
      user_id,
      name,
      role: "participant" as const,
      since: 0,
      connected: true,
    });
    const lobby = [waiting(8, "Sparrow"), waiting(3, "Birch")];

    expect(
      privateRecipients(roomSnapshot(), FACILITATOR, lobby).map((p) => [p.name, p.waiting]),
    ).toEqual([
      ["Birch", false],
      ["Heron", false],
      ["Willow", false],
      ["Sparrow", true],
    ]);
  });
});
