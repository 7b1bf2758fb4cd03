import { describe, expect, it } from "vitest";
import { RoomConnection, type RoomSocket, createSocket } from "./connection";

type Handler = (...args: unknown[]) => void;

/** A socket that connects when told, records what is sent and answers by a script. */
class FakeSocket implements RoomSocket {
  connected = false;
  active = true;
  sent: Array<[string, unknown]> = [];
  connectCalls = 0;
  /** How the connection ended: the client's own disconnect, or the transport closed under it. */
  ended: "disconnect" | "transport" | null = null;
  reconnecting = true;
  readonly io = {
    reconnection: (on: boolean): void => {
      this.reconnecting = on;
    },
    engine: {
      close: (): void => {
        this.ended = "transport";
        this.drop("transport close");
      },
    },
  };
  private handlers = new Map<string, Set<Handler>>();

  constructor(
    private answer: (event: string, payload: unknown) => unknown = () => ({ ok: true, data: {} }),
  ) {}

  on(event: string, listener: Handler): this {
    const set = this.handlers.get(event) ?? new Set();
    set.add(listener);
    this.handlers.set(event, set);
    return this;
  }

  off(event: string, listener?: Handler): this {
    if (listener) {
      this.handlers.get(event)?.delete(listener);
    } else {
      this.handlers.delete(event);
    }
    return this;
  }

  fire(event: string, ...args: unknown[]): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      handler(...args);
    }
  }

  connect(): this {
    this.connectCalls += 1;
    return this;
  }

  /** The server accepted the connection. */
  open(): void {
    this.connected = true;
    this.fire("connect");
  }

  drop(reason = "transport close"): void {
    this.connected = false;
    this.fire("disconnect", reason);
  }

  disconnect(): this {
    const was = this.connected;
    this.connected = false;
    this.active = false;
    if (was) {
      this.ended = "disconnect";
      this.fire("disconnect", "io client disconnect");
    }
    return this;
  }

  timeout(_ms: number) {
    return {
      emitWithAck: async (event: string, ...args: unknown[]): Promise<unknown> => {
        this.sent.push([event, args[0]]);
        return this.answer(event, args[0]);
      },
    };
  }
}

const joinedRoom = { ok: true, data: { where: "room", user_id: 1, room: { meeting_id: 7, version: 1 } } };
const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe("RoomConnection", () => {
  it("connects, then joins the meeting", async () => {
    const socket = new FakeSocket(() => joinedRoom);
    const connection = new RoomConnection(7, { socket });
    const states: string[] = [];
    connection.onState((state) => states.push(state));

    const joining = connection.join();
    expect(socket.connectCalls).toBe(1);
    socket.open();
    const ack = await joining;

    expect(ack.ok).toBe(true);
    expect(ack.ok && ack.data.where).toBe("room");
    expect(socket.sent).toEqual([["join", { meeting_id: 7 }]]);
    expect(states).toEqual(["connected"]);
  });

  it("adds the meeting to every request and returns the typed answer", async () => {
    const socket = new FakeSocket((event) =>
      event === "raise_hand" ? { ok: true, data: { position: 2 } } : joinedRoom,
    );
    const connection = new RoomConnection(7, { socket });
    const joining = connection.join();
    socket.open();
    await joining;

    const ack = await connection.send("raise_hand", {});
    await connection.send("move_in_queue", { user_id: 4, direction: "down" });

    expect(ack.ok && ack.data.position).toBe(2);
    expect(socket.sent.slice(1)).toEqual([
      ["raise_hand", { meeting_id: 7 }],
      ["move_in_queue", { user_id: 4, direction: "down", meeting_id: 7 }],
    ]);
  });

  it("passes a refusal on as it came", async () => {
    const refusal = {
      ok: false,
      error: { code: "on_break", message: "The meeting is on a break." },
    };
    const socket = new FakeSocket((event) => (event === "join" ? joinedRoom : refusal));
    const connection = new RoomConnection(7, { socket });
    const joining = connection.join();
    socket.open();
    await joining;

    expect(await connection.send("raise_hand", {})).toEqual(refusal);
  });

  it("says so instead of sending while disconnected", async () => {
    const socket = new FakeSocket();
    const connection = new RoomConnection(7, { socket });

    const ack = await connection.send("raise_hand", {});

    expect(!ack.ok && ack.error.code).toBe("timeout");
    expect(socket.sent).toEqual([]);
  });

  it("treats a join reply without `where` as malformed", async () => {
    const socket = new FakeSocket(() => ({ ok: true, data: {} }));
    const connection = new RoomConnection(7, { socket });
    const joining = connection.join();
    socket.open();

    const ack = await joining;
    expect(!ack.ok && ack.error.code).toBe("bad_reply");
  });

  it("reports a broken connection and joins again after reconnecting", async () => {
    const socket = new FakeSocket(() => joinedRoom);
    const connection = new RoomConnection(7, { socket });
    const states: string[] = [];
    const joins: boolean[] = [];
    connection.onState((state) => states.push(state));
    connection.onJoin((ack) => joins.push(ack.ok));
    const joining = connection.join();
    socket.open();
    await joining;

    socket.drop("ping timeout");
    expect(connection.state).toBe("reconnecting");
    socket.fire("connect_error", new Error("xhr poll error"));
    expect(connection.state).toBe("reconnecting");
    socket.open();
    await flush();

    expect(states).toEqual(["connected", "reconnecting", "connected"]);
    expect(socket.sent.map(([event]) => event)).toEqual(["join", "join"]);
    expect(joins).toEqual([true, true]);
  });

  it("joins again a moment later while the meeting moves to another server", async () => {
    const moving = { ok: false, error: { code: "moving", message: "Reconnecting…" } };
    let answers = 0;
    const socket = new FakeSocket(() => (++answers <= 2 ? moving : joinedRoom));
    const connection = new RoomConnection(7, { socket, movingRetryMs: 1 });
    const states: string[] = [];
    const joins: boolean[] = [];
    connection.onState((state) => states.push(state));
    connection.onJoin((ack) => joins.push(ack.ok));
    const joining = connection.join();
    socket.open();

    const ack = await joining;
    expect(ack.ok).toBe(true);
    expect(socket.sent.map(([event]) => event)).toEqual(["join", "join", "join"]);
    // Like a dropped connection: "reconnecting" meanwhile, and the page hears only the answer
    // that counts, with its place.
    expect(states).toEqual(["connected", "reconnecting", "connected"]);
    expect(joins).toEqual([true]);
  });

  it("joins on the new connection when the socket drops while the meeting moves", async () => {
    const moving = { ok: false, error: { code: "moving", message: "Reconnecting…" } };
    let answers = 0;
    const socket = new FakeSocket(() => (++answers === 1 ? moving : joinedRoom));
    const connection = new RoomConnection(7, { socket, movingRetryMs: 5 });
    const joins: boolean[] = [];
    connection.onJoin((ack) => joins.push(ack.ok));
    const joining = connection.join();
    socket.open();
    await flush();
    socket.drop("transport close"); // the server process let the meeting go

    const ack = await joining;
    expect(!ack.ok && ack.error.code).toBe("moving");
    socket.open(); // connected again, to the meeting's new process
    await flush();

    expect(socket.sent.map(([event]) => event)).toEqual(["join", "join"]);
    expect(joins).toEqual([true]);
    expect(connection.state).toBe("connected");
  });

  it("does not join again after a refusal that joining cannot fix", async () => {
    const socket = new FakeSocket(() => ({
      ok: false,
      error: { code: "barred", message: "Removed." },
    }));
    const connection = new RoomConnection(7, { socket });
    const joining = connection.join();
    socket.open();
    await joining;

    socket.drop();
    socket.open();
    await flush();

    expect(socket.sent.map(([event]) => event)).toEqual(["join"]);
  });

  it("is disconnected for good when the server ends the connection", async () => {
    const socket = new FakeSocket(() => joinedRoom);
    const connection = new RoomConnection(7, { socket });
    const joining = connection.join();
    socket.open();
    await joining;

    socket.drop("io server disconnect");

    expect(connection.state).toBe("disconnected");
  });

  it("answers the join with the refusal when the server refuses the connection", async () => {
    const socket = new FakeSocket();
    const connection = new RoomConnection(7, { socket });
    const joining = connection.join();
    socket.active = false;
    socket.fire("connect_error", new Error("not_logged_in"));

    const ack = await joining;
    expect(!ack.ok && ack.error.code).toBe("not_logged_in");
    expect(connection.state).toBe("disconnected");
  });

  it("hands on server events of its own meeting only", () => {
    const socket = new FakeSocket();
    const connection = new RoomConnection(7, { socket });
    const seen: number[] = [];
    const stop = connection.on("time_up", (data) => seen.push(data.user_id));

    socket.fire("time_up", { meeting_id: 7, user_id: 3 });
    socket.fire("time_up", { meeting_id: 8, user_id: 4 });
    socket.fire("time_up", "nonsense");
    stop();
    socket.fire("time_up", { meeting_id: 7, user_id: 5 });

    expect(seen).toEqual([3]);
  });

  it("hands the room_state an answer carries to the room_state handlers first", async () => {
    const room = { meeting_id: 7, version: 4 };
    const socket = new FakeSocket((event) =>
      event === "raise_hand" ? { ok: true, data: { position: 1, room } } : joinedRoom,
    );
    const connection = new RoomConnection(7, { socket });
    const seen: string[] = [];
    connection.on("room_state", (data) => seen.push(`room v${data.version}`));
    const joining = connection.join();
    socket.open();
    await joining;

    const ack = await connection.send("raise_hand", {});
    seen.push("answer");
    socket.fire("room_state", { meeting_id: 7, version: 5 });

    expect(ack.ok && ack.data.position).toBe(1);
    expect(seen).toEqual(["room v1", "room v4", "answer", "room v5"]);
  });

  it("leaves on purpose, then closes without joining again", async () => {
    const socket = new FakeSocket(() => joinedRoom);
    const connection = new RoomConnection(7, { socket });
    const joining = connection.join();
    socket.open();
    await joining;

    await connection.leave();

    expect(socket.sent.map(([event]) => event)).toEqual(["join", "leave"]);
    expect(connection.state).toBe("disconnected");
    const again = await connection.join();
    expect(again.ok).toBe(false);
  });

  it("leaving quickly says so before the close, without waiting for the answer", async () => {
    const socket = new FakeSocket(() => joinedRoom);
    const connection = new RoomConnection(7, { socket });
    const joining = connection.join();
    socket.open();
    await joining;

    connection.leaveQuickly();

    expect(socket.sent.at(-1)).toEqual(["leave", { meeting_id: 7, quick: true }]);
    expect(connection.state).toBe("disconnected");
    expect(socket.connected).toBe(false);
    // Not the client's disconnect, which the server may take before the "leave" and drop the
    // person without telling the facilitators: the transport closes, and stays closed.
    expect(socket.ended).toBe("transport");
    expect(socket.reconnecting).toBe(false);
    const again = await connection.join();
    expect(again.ok).toBe(false);
  });

  it("closing settles a join still waiting for the connection", async () => {
    const socket = new FakeSocket();
    const connection = new RoomConnection(7, { socket });
    const joining = connection.join();

    connection.close();

    expect((await joining).ok).toBe(false);
  });
});

describe("createSocket", () => {
  it("makes a same-origin socket for one meeting that waits to be connected", () => {
    const socket = createSocket(7);
    expect(socket.connected).toBe(false);
    // The meeting is in the query of every request of the connection: the proxy routes on it.
    const manager = socket.io as unknown as { opts: { query?: Record<string, string> } };
    expect(manager.opts.query).toEqual({ meeting: "7" });
    socket.disconnect();
  });
});
