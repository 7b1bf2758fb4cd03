import { describe, expect, it } from "vitest";
import { type Ack, RoomError, parseAck, unwrap } from "./ack";

describe("parseAck", () => {
  it("passes a success through with its fields", () => {
    const ack = parseAck<{ position: number }>({ ok: true, position: 2 });

    expect(ack).toEqual({ ok: true, position: 2 });
    if (ack.ok) {
      expect(ack.position).toBe(2);
    }
  });

  it("keeps a failure's code and message", () => {
    const ack = parseAck({ ok: false, error: { code: "not_member", message: "You are not in this group." } });

    expect(ack).toEqual({ ok: false, error: { code: "not_member", message: "You are not in this group." } });
  });

  it("keeps the details a failure carries", () => {
    const ack = parseAck({ ok: false, error: { code: "rate_limited", message: "Slow down.", retry_after: 3 } });

    expect(!ack.ok && ack.error.retry_after).toBe(3);
    expect(() => unwrap(ack)).toThrow(expect.objectContaining({ code: "rate_limited", details: { retry_after: 3 } }));
  });

  it("uses the code as message when the server sends none", () => {
    expect(parseAck({ ok: false, error: { code: "room_locked" } })).toEqual({
      ok: false,
      error: { code: "room_locked", message: "room_locked" },
    });
  });

  it.each([
    ["nothing", undefined],
    ["null", null],
    ["a string", "ok"],
    ["an array", [true]],
    ["no ok", { position: 1 }],
    ["a non-boolean ok", { ok: "true" }],
  ])("turns %s into a bad_reply failure", (_label, raw) => {
    const ack = parseAck(raw);

    expect(ack.ok).toBe(false);
    expect(!ack.ok && ack.error.code).toBe("bad_reply");
  });

  it("turns a failure without a code into bad_reply", () => {
    for (const raw of [{ ok: false }, { ok: false, error: "nope" }, { ok: false, error: { code: "" } }]) {
      const ack = parseAck(raw);
      expect(!ack.ok && ack.error.code).toBe("bad_reply");
    }
  });

  it("checks a success's fields when asked to", () => {
    const hasPosition = (value: Record<string, unknown>): boolean => typeof value.position === "number";

    expect(parseAck({ ok: true, position: 1 }, hasPosition).ok).toBe(true);
    const ack = parseAck({ ok: true }, hasPosition);
    expect(!ack.ok && ack.error.code).toBe("bad_reply");
  });
});

describe("unwrap", () => {
  it("returns the reply of a success", () => {
    const ack: Ack<{ count: number }> = { ok: true, count: 3 };
    expect(unwrap(ack).count).toBe(3);
  });

  it("throws a RoomError carrying the failure's code", () => {
    const ack: Ack = { ok: false, error: { code: "not_your_turn", message: "Wait for your turn." } };

    expect(() => unwrap(ack)).toThrow(RoomError);
    try {
      unwrap(ack);
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect((error as RoomError).code).toBe("not_your_turn");
      expect((error as RoomError).message).toBe("Wait for your turn.");
      expect((error as RoomError).name).toBe("RoomError");
      expect((error as RoomError).toAckError()).toEqual({ code: "not_your_turn", message: "Wait for your turn." });
    }
  });
});
