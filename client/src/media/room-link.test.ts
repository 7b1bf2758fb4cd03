import { describe, expect, it } from "vitest";
import type { Ack } from "../protocol/ack";
import type { ConnectionState, JoinAck } from "../protocol/connection";
import type { RoomSnapshot } from "../protocol/events";
import { type MediaConnection, bindRoom, roomSignalling } from "./room-link";
import { MediaSession } from "./session";
import { FakeEnvironment, settle } from "./testing/fakes";

type Handler = (data: unknown) => void;

/** The room's connection, reduced to what the media layer uses, answering by a script. */
class FakeConnection {
  sent: Array<[string, Record<string, unknown>]> = [];
  handlers = new Map<string, Set<Handler>>();
  joins = new Set<(ack: JoinAck) => void>();
  states = new Set<(state: ConnectionState) => void>();
  answer: (event: string, payload: Record<string, unknown>) => Ack<object> = (event) =>
    event === "ice_servers"
      ? { ok: true, data: { ice_servers: [], ice_transport_policy: "all", expires_at: null } }
      : { ok: true, data: {} };

  send = async (event: string, payload: Record<string, unknown>) => {
    this.sent.push([event, payload]);
    return this.answer(event, payload);
  };

  on = (event: string, handler: Handler) => {
    const set = this.handlers.get(event) ?? new Set();
    set.add(handler);
    this.handlers.set(event, set);
    return () => set.delete(handler);
  };

  onJoin = (listener: (ack: JoinAck) => void) => {
    this.joins.add(listener);
    return () => this.joins.delete(listener);
  };

  onState = (listener: (state: ConnectionState) => void) => {
    this.states.add(listener);
    return () => this.states.delete(listener);
  };

  fire(event: string, data: unknown): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      handler(data);
    }
  }

  get asConnection(): MediaConnection {
    return this as unknown as MediaConnection;
  }
}

function snapshot(version: number, ids: number[]): RoomSnapshot {
  return {
    meeting_id: 7,
    version,
    server_time: 0,
    people: ids.map((user_id) => ({
      user_id,
      name: `P${user_id}`,
      role: "participant" as const,
      status: "here" as const,
      connected: true,
      mic: false,
      camera: false,
      muted: false,
    })),
    queue: [],
    floor: null,
    turn_limit: null,
    round: null,
    locked: false,
    chat_enabled: true,
    holding: false,
    break: null,
    content_warning: false,
    topics: [],
    picked_topic: null,
    floor_mode: false,
    may_speak: ids,
  };
}

function setUp() {
  const connection = new FakeConnection();
  const env = new FakeEnvironment();
  const session = new MediaSession({ signalling: roomSignalling(connection.asConnection), environment: env });
  session.start(2);
  const hooks = new Set<() => void>();
  const unbind = bindRoom(session, connection.asConnection, {
    onExit: (hook) => {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
  });
  return { connection, env, session, hooks, unbind };
}

describe("the media layer on the room's connection", () => {
  it("sends signalling as rtc_signal to one person", async () => {
    const { connection } = setUp();
    const signalling = roomSignalling(connection.asConnection);
    const description = { type: "offer" as const, sdp: "v=0\r\n" };
    expect(await signalling.send(5, { description })).toBe(true);
    expect(connection.sent).toEqual([["rtc_signal", { to_user_id: 5, description }]]);
    connection.answer = () => ({ ok: false, error: { code: "not_present", message: "Gone." } });
    expect(await signalling.send(5, { description })).toBe(false);
  });

  it("hands signalling from the room to the session by sender", () => {
    const { connection } = setUp();
    const got: Array<[number, unknown]> = [];
    roomSignalling(connection.asConnection).onSignal((from, message) => got.push([from, message]));
    const candidate = { candidate: "", sdpMid: "0" };
    connection.fire("rtc_signal", { meeting_id: 7, from_user_id: 3, candidate });
    expect(got).toEqual([[3, { candidate }]]);
  });

  it("asks the room for ICE servers and reports media with set_media", async () => {
    const { connection } = setUp();
    const ice = { ice_servers: [], ice_transport_policy: "all", expires_at: null };
    connection.answer = (event) => (event === "ice_servers" ? { ok: true, data: ice } : { ok: true, data: {} });
    const signalling = roomSignalling(connection.asConnection);
    expect(await signalling.iceConfig()).toEqual(ice);
    expect(await signalling.report({ audio: false, video: true })).toEqual({ ok: true });
    expect(connection.sent.at(-1)).toEqual(["set_media", { audio: false, video: true }]);
    connection.answer = () => ({ ok: false, error: { code: "may_not_speak", message: "Not now." } });
    expect(await signalling.report({ audio: true, video: false })).toEqual({
      ok: false,
      code: "may_not_speak",
      message: "Not now.",
    });
  });

  it("follows the room's snapshots: peers come and go", async () => {
    const { connection, session } = setUp();
    connection.fire("room_state", snapshot(1, [1, 2, 3]));
    await settle();
    expect(session.peerIds.sort()).toEqual([1, 3]);
    connection.fire("room_state", snapshot(2, [2, 3]));
    expect(session.peerIds).toEqual([3]);
  });

  it("takes the snapshot of the join answer, and drops peers while reconnecting", async () => {
    const { connection, session } = setUp();
    for (const listener of connection.joins) {
      listener({ ok: true, data: { where: "room", user_id: 1, room: snapshot(4, [1, 2]) } });
    }
    await settle();
    expect(session.peerIds).toEqual([1]);
    for (const listener of connection.states) {
      listener("reconnecting");
    }
    expect(session.peerIds).toEqual([]);
    for (const listener of connection.joins) {
      listener({ ok: true, data: { where: "room", user_id: 1, room: snapshot(4, [1, 2]) } });
    }
    expect(session.peerIds).toEqual([1]);
  });

  it("mutes on a mute request", async () => {
    const { connection, session } = setUp();
    connection.fire("room_state", snapshot(1, [1, 2]));
    await session.setMicEnabled(true);
    connection.fire("mute_request", { meeting_id: 7, by: { user_id: 1, name: "P1" } });
    await settle();
    expect(session.state.mic).toBe(false);
  });

  it.each([
    ["removed", { meeting_id: 7, scope: "meeting" }],
    ["meeting_ended", { meeting_id: 7, reason: "ended" }],
  ])("stops everything when %s arrives", async (event, data) => {
    const { connection, session, env } = setUp();
    connection.fire("room_state", snapshot(1, [1, 2]));
    await session.setMicEnabled(true);
    await settle();
    connection.fire(event, data);
    expect(session.isClosed).toBe(true);
    expect(env.liveTracks).toEqual([]);
    expect(env.connections.every((pc) => pc.closed)).toBe(true);
  });

  it("stops everything when the connection closes for good, or on quick exit", async () => {
    const first = setUp();
    for (const listener of first.connection.states) {
      listener("disconnected");
    }
    expect(first.session.isClosed).toBe(true);

    const second = setUp();
    second.connection.fire("room_state", snapshot(1, [1, 2]));
    await second.session.setMicEnabled(true);
    await second.session.setCamera(true);
    for (const hook of second.hooks) {
      hook(); // what QuickExit runs, synchronously
    }
    expect(second.session.isClosed).toBe(true);
    expect(second.env.liveTracks).toEqual([]);
    expect(second.env.connections.every((pc) => pc.closed)).toBe(true);
  });

  it("unbinds", () => {
    const { connection, session, unbind, hooks } = setUp();
    unbind();
    connection.fire("room_state", snapshot(1, [1, 2]));
    expect(session.peerIds).toEqual([]);
    expect(hooks.size).toBe(0);
  });
});
