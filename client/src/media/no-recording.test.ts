// @vitest-environment node
/**
 * No recording of any kind exists in Kreds (not a setting that is off, but absent): no code in
 * the client records, captures the screen or re-routes media into something that could be kept.
 * (tests/room/socket/test_media_no_recording.py checks the server, the templates and the built bundle.)
 */

import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const srcDir = fileURLToPath(new URL("..", import.meta.url));
const thisFile = fileURLToPath(import.meta.url);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(path);
    }
    return /\.(tsx?|css|html)$/.test(entry.name) && path !== thisFile ? [path] : [];
  });
}

// Built from parts, so that this file does not match itself.
const recording = new RegExp(
  [["Media", "Recorder"], ["capture", "Stream"], ["getDisplay", "Media"], ["Image", "Capture"], ["createMediaStream", "Destination"]]
    .map((parts) => parts.join(""))
    .join("|"),
);

describe("the client", () => {
  it("has no recording code anywhere", () => {
    const files = sourceFiles(srcDir);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((path) => recording.test(readFileSync(path, "utf8"))).map((path) => relative(srcDir, path));
    expect(offenders).toEqual([]);
  });
});
