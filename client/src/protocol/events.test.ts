// @vitest-environment node
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CLIENT_EVENT_FIELDS,
  CLIENT_EVENTS,
  type ClientRequests,
  type PayloadOf,
  REACTION_KINDS,
  ROUND_KINDS,
  SERVER_ERROR_CODES,
  SERVER_EVENTS,
  SIGNAL_KINDS,
} from "./events";

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), "utf8");
const protocolDoc = read("../../../docs/protocol.md");

/** The `### \`event\`` subsections of a `## title` section of docs/protocol.md, by name. */
function sections(title: string): Map<string, string> {
  const part = protocolDoc.split(`## ${title}\n`)[1]?.split("\n## ")[0] ?? "";
  const found = new Map<string, string>();
  for (const chunk of part.split("\n### ").slice(1)) {
    const [heading = "", ...body] = chunk.split("\n");
    found.set(heading.trim().replace(/`/g, ""), body.join("\n"));
  }
  return found;
}

describe("the protocol's error codes", () => {
  it("are the server's, no more and no fewer", () => {
    const errors = read("../../../server/room/core/errors.py");
    const codesBlock = /CODES[^=]*=\s*\{([\s\S]*?)\n\}/.exec(errors)?.[1] ?? "";
    const serverCodes = [...codesBlock.matchAll(/^\s*"([a-z_]+)":/gm)].map((match) => match[1]);

    expect(serverCodes.length).toBeGreaterThan(0);
    expect([...SERVER_ERROR_CODES].sort()).toEqual(serverCodes.sort());
  });
});

describe("the client events", () => {
  const documented = sections("Client → server events");

  it("are the documented ones, no more and no fewer", () => {
    expect(documented.size).toBeGreaterThan(30);
    expect([...CLIENT_EVENTS].sort()).toEqual([...documented.keys()].sort());
  });

  it("carry exactly the documented payload fields", () => {
    for (const [event, body] of documented) {
      const line = /\*\*Payload:\*\*(.*)/.exec(body)?.[1] ?? "";
      // Field names are the backticked words outside parentheses (which hold examples and notes).
      const fields = [...line.replace(/\([^)]*\)/g, "").matchAll(/`([a-z_]+)`/g)]
        .map((match) => match[1])
        .filter((f) => f !== "meeting_id" && f !== "null");
      const known: readonly string[] = CLIENT_EVENT_FIELDS[event as keyof ClientRequests];
      expect([...known].sort(), event).toEqual([...new Set(fields)].sort());
    }
  });

  it("use the documented kinds", () => {
    const kindsOf = (event: string): string[] => {
      const line = /\*\*Payload:\*\*(.*)/.exec(documented.get(event) ?? "")?.[1] ?? "";
      return [...line.matchAll(/"([a-z_]+)"/g)].map((match) => match[1] ?? "");
    };
    expect(kindsOf("start_round")).toEqual([...ROUND_KINDS]);
    expect(kindsOf("signal")).toEqual([...SIGNAL_KINDS]);
    expect(kindsOf("react")).toEqual([...REACTION_KINDS]);
  });

  it("are typed by name and payload (checked by tsc)", () => {
    const raise: PayloadOf<"raise_hand"> = {};
    const move: PayloadOf<"move_in_queue"> = { user_id: 3, direction: "up" };
    // @ts-expect-error: a direction the protocol does not have
    const sideways: PayloadOf<"move_in_queue"> = { user_id: 3, direction: "left" };
    // @ts-expect-error: not a field of this payload
    const extra: PayloadOf<"chat"> = { text: "hi", to: 4 };
    const offer: PayloadOf<"rtc_signal"> = { to_user_id: 2, description: { type: "offer", sdp: "v=0" } };
    // @ts-expect-error: a description or a candidate, not both
    const both: PayloadOf<"rtc_signal"> = { to_user_id: 2, description: { type: "rollback", sdp: "" }, candidate: { candidate: "" } };
    expect([raise, move, sideways, extra, offer, both]).toHaveLength(6);
  });
});

describe("the server events", () => {
  it("are the documented ones, no more and no fewer", () => {
    const documented = sections("Server → client events");
    expect([...SERVER_EVENTS].sort()).toEqual([...documented.keys()].sort());
  });
});
