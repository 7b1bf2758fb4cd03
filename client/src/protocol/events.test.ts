// @vitest-environment node
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SERVER_ERROR_CODES } from "./events";

describe("the protocol's error codes", () => {
  it("are the server's, no more and no fewer", () => {
    const errors = readFileSync(new URL("../../../server/room/errors.py", import.meta.url), "utf8");
    const codesBlock = /CODES[^=]*=\s*\{([\s\S]*?)\n\}/.exec(errors)?.[1] ?? "";
    const serverCodes = [...codesBlock.matchAll(/^\s*"([a-z_]+)":/gm)].map((match) => match[1]);

    expect(serverCodes.length).toBeGreaterThan(0);
    expect([...SERVER_ERROR_CODES].sort()).toEqual(serverCodes.sort());
  });
});
