import type { Socket } from "socket.io-client";
import { describe, expect, it, vi } from "vitest";
import { RoomError } from "./ack";
import { type AckingSocket, DEFAULT_TIMEOUT_MS, emitWithAck, request } from "./emit";
import type { Data } from "./events";

interface TestRequests {
  "hand:raise": { payload: { meeting_id: number }; reply: Data<{ position: number }> };
}

function fakeSocket(answer: (event: string, payload: unknown) => Promise<unknown>) {
  const timeouts: number[] = [];
  const sent: Array<[string, unknown]> = [];
  const socket: AckingSocket = {
    timeout(ms) {
      timeouts.push(ms);
      return {
        emitWithAck(event, ...args) {
          sent.push([event, args[0]]);
          return answer(event, args[0]);
        },
      };
    },
  };
  return { socket, timeouts, sent };
}

describe("emitWithAck", () => {
  it("sends the event with its payload and a time limit, and returns the reply", async () => {
    const { socket, timeouts, sent } = fakeSocket(async () => ({ ok: true, data: { position: 1 } }));

    const ack = await emitWithAck<TestRequests, "hand:raise">(socket, "hand:raise", { meeting_id: 7 }, 3000);

    expect(sent).toEqual([["hand:raise", { meeting_id: 7 }]]);
    expect(timeouts).toEqual([3000]);
    expect(ack).toEqual({ ok: true, data: { position: 1 } });
  });

  it("waits the default time when none is given", async () => {
    const { socket, timeouts } = fakeSocket(async () => ({ ok: true }));

    await emitWithAck<TestRequests, "hand:raise">(socket, "hand:raise", { meeting_id: 7 });

    expect(timeouts).toEqual([DEFAULT_TIMEOUT_MS]);
  });

  it("turns a timeout into a failure instead of rejecting", async () => {
    const { socket } = fakeSocket(() => Promise.reject(new Error("operation has timed out")));

    const ack = await emitWithAck<TestRequests, "hand:raise">(socket, "hand:raise", { meeting_id: 7 });

    expect(ack.ok).toBe(false);
    expect(!ack.ok && ack.error.code).toBe("timeout");
  });

  it("passes the server's refusal on", async () => {
    const refusal = { ok: false, error: { code: "not_member", message: "No." } };
    const { socket } = fakeSocket(async () => refusal);

    expect(await emitWithAck<TestRequests, "hand:raise">(socket, "hand:raise", { meeting_id: 7 })).toEqual(refusal);
  });

  it("checks the reply's fields when given a check", async () => {
    const { socket } = fakeSocket(async () => ({ ok: true }));

    const ack = await emitWithAck<TestRequests, "hand:raise">(
      socket,
      "hand:raise",
      { meeting_id: 7 },
      { isReply: (value) => typeof value.data === "object" && value.data !== null },
    );

    expect(!ack.ok && ack.error.code).toBe("bad_reply");
  });
});

describe("types", () => {
  it("accept only events and payloads of the map (checked by tsc)", async () => {
    const { socket } = fakeSocket(async () => ({ ok: true, data: { position: 1 } }));

    // @ts-expect-error: not an event of the map
    await emitWithAck<TestRequests>(socket, "hand:wave", { meeting_id: 1 });
    // @ts-expect-error: not this event's payload
    await emitWithAck<TestRequests, "hand:raise">(socket, "hand:raise", { meeting: 1 });
    const ack = await emitWithAck<TestRequests, "hand:raise">(socket, "hand:raise", { meeting_id: 1 });
    if (ack.ok) {
      const position: number = ack.data.position;
      expect(position).toBe(1);
    }
  });
});

describe("request", () => {
  it("resolves with the reply", async () => {
    const { socket } = fakeSocket(async () => ({ ok: true, data: { position: 4 } }));

    const reply = await request<TestRequests, "hand:raise">(socket, "hand:raise", { meeting_id: 1 });

    expect(reply.data.position).toBe(4);
  });

  it("rejects with a RoomError carrying the code", async () => {
    const { socket } = fakeSocket(async () => ({ ok: false, error: { code: "room_locked", message: "Locked." } }));

    await expect(request<TestRequests, "hand:raise">(socket, "hand:raise", { meeting_id: 1 })).rejects.toMatchObject({
      name: "RoomError",
      code: "room_locked",
      message: "Locked.",
    });
    await expect(request<TestRequests, "hand:raise">(socket, "hand:raise", { meeting_id: 1 })).rejects.toBeInstanceOf(
      RoomError,
    );
  });
});

describe("a real socket.io-client socket", () => {
  it("fits AckingSocket and is used through timeout().emitWithAck", async () => {
    const { io } = await import("socket.io-client");
    const socket: Socket = io("http://127.0.0.1:9", { autoConnect: false });
    const acking: AckingSocket = socket;
    const emit = vi.fn().mockResolvedValue({ ok: true, data: { position: 2 } });
    vi.spyOn(socket, "timeout").mockReturnValue({ emitWithAck: emit } as unknown as ReturnType<Socket["timeout"]>);

    const ack = await emitWithAck<TestRequests, "hand:raise">(acking, "hand:raise", { meeting_id: 3 }, 500);

    expect(socket.timeout).toHaveBeenCalledWith(500);
    expect(emit).toHaveBeenCalledWith("hand:raise", { meeting_id: 3 });
    expect(ack.ok).toBe(true);
    socket.close();
  });
});
