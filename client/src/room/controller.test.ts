import { describe, expect, it } from "vitest";
import type { Ack } from "../protocol/ack";
import { type ConnectionState, RoomConnection, type RoomSocket } from "../protocol/connection";
import type { JoinData, ServerEvent, ServerEvents } from "../protocol/events";
import type { Announcement } from "./changes";
import { type ConnectionLike, connectRoom } from "./controller";
import { RoomStore } from "./model";
import { PARTICIPANT, roomSnapshot } from "./samples";

class FakeConnection implements ConnectionLike {
  closed = 0;
  private state?: (state: ConnectionState) => void;
  private join?: (ack: Ack<{ data: JoinData }>) => void;
  private handlers = new Map<string, (data: never) => void>();

  onState(listener: (state: ConnectionState) => void) {
    this.state = listener;
    return () => undefined;
  }

  onJoin(listener: (ack: Ack<{ data: JoinData }>) => void) {
    this.join = listener;
    return () => undefined;
  }

  on<E extends ServerEvent>(event: E, handler: (data: ServerEvents[E]) => void) {
    this.handlers.set(event, handler as (data: never) => void);
    return () => this.handlers.delete(event);
  }

  close() {
    this.closed += 1;
  }

  joined(ack: Ack<{ data: JoinData }>) {
    this.join?.(ack);
  }

  setState(state: ConnectionState) {
    this.state?.(state);
  }

  push<E extends ServerEvent>(event: E, data: ServerEvents[E]) {
    (this.handlers.get(event) as ((data: ServerEvents[E]) => void) | undefined)?.(data);
  }
}

function setUp() {
  const connection = new FakeConnection();
  const store = new RoomStore(PARTICIPANT);
  const said: Announcement[] = [];
  connectRoom(
    connection,
    store,
    (a) => said.push(a),
    () => 1_000_000_000,
  );
  return { connection, store, said };
}

describe("connectRoom", () => {
  it("puts join answers, events and the connection's state into the model", () => {
    const { connection, store } = setUp();

    connection.setState("connected");
    connection.joined({ ok: true, data: { where: "room", user_id: 1, room: roomSnapshot() } });
    connection.push("room_state", roomSnapshot({ version: 2, queue: [3] }));

    expect(store.get().connection).toBe("connected");
    expect(store.get().screen.kind).toBe("room");
    expect(store.get().room?.queue).toEqual([3]);
  });

  it("announces what changes and what is relayed", () => {
    const { connection, said } = setUp();
    connection.joined({ ok: true, data: { where: "room", user_id: 1, room: roomSnapshot() } });

    connection.push(
      "room_state",
      roomSnapshot({
        version: 2,
        floor: { user_id: 3, via: "queue", deadline: null, time_up: false, paused: false },
      }),
    );
    connection.push("chat", {
      meeting_id: 7,
      id: "m1",
      from: { user_id: 4, name: "Heron" },
      text: "hi",
      at: 0,
    });

    expect(said.map((a) => a.key)).toEqual(["sayAdmitted", "sayYouHaveFloor", "sayChat"]);
  });

  it("closes the connection once the person is out of the meeting", () => {
    const { connection, store, said } = setUp();
    connection.joined({ ok: true, data: { where: "room", user_id: 1, room: roomSnapshot() } });

    connection.push("removed", { meeting_id: 7, scope: "meeting" });
    connection.push("meeting_ended", { meeting_id: 7, reason: "ended" });

    expect(connection.closed).toBe(1);
    expect(store.get().screen).toEqual({ kind: "removed", scope: "meeting" });
    expect(said.at(-1)).toEqual({ key: "removedHeading", assertive: true });
  });

  it("keeps the room on screen while the meeting moves to another server", async () => {
    // A socket whose first join after a reconnection finds the meeting moving.
    const handlers = new Map<string, (...args: unknown[]) => void>();
    const answers: unknown[] = [
      { ok: true, data: { where: "room", user_id: 3, room: roomSnapshot() } },
      { ok: false, error: { code: "moving", message: "Reconnecting…" } },
      { ok: true, data: { where: "room", user_id: 3, room: roomSnapshot({ version: 5 }) } },
    ];
    const socket: RoomSocket = {
      connected: false,
      active: true,
      io: { reconnection: () => undefined },
      connect: () => undefined,
      disconnect: () => undefined,
      on: (event, listener) => handlers.set(event, listener),
      off: () => undefined,
      timeout: () => ({ emitWithAck: async () => answers.shift() }),
    };
    const fire = (event: string, ...args: unknown[]): void => handlers.get(event)?.(...args);
    const connection = new RoomConnection(7, { socket, movingRetryMs: 5 });
    const store = new RoomStore(PARTICIPANT);
    const states: string[] = [];
    connectRoom(connection, store, () => undefined, () => 1_000_000_000);
    store.subscribe((next, previous) => {
      if (next.connection !== previous.connection || next.screen.kind !== previous.screen.kind) {
        states.push(`${next.screen.kind} ${next.connection}`);
      }
    });
    const joining = connection.join();
    (socket as { connected: boolean }).connected = true;
    fire("connect");
    await joining;

    fire("disconnect", "transport close"); // its server process let the meeting go
    fire("connect"); // connected again, and the meeting is still on its way
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Shown as a dropped connection that comes back, twice; never as a refusal.
    expect(states.slice(-4)).toEqual([
      "room reconnecting",
      "room connected",
      "room reconnecting",
      "room connected",
    ]);
    expect(store.get().room?.version).toBe(5);
  });
});
