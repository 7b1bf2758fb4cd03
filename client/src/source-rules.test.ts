// @vitest-environment node
/**
 * Rules the whole client keeps, checked on its source files:
 * - nothing is kept in the browser's storage (only in memory, dropped on quick exit);
 * - the protocol layer has no DOM code;
 * - no eval-like code (the Content-Security-Policy forbids it anyway).
 */

import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const srcDir = fileURLToPath(new URL(".", import.meta.url));
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

/** The code of a file without its comments (roughly: enough to not flag prose). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

function offenders(files: string[], pattern: RegExp, read = (text: string) => text): string[] {
  return files
    .filter((path) => pattern.test(read(readFileSync(path, "utf8"))))
    .map((path) => relative(srcDir, path));
}

const files = sourceFiles(srcDir);

describe("the client's source", () => {
  it("has files to check", () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it("never uses the browser's storage", () => {
    // Built from parts so that this file does not match itself.
    const storage = new RegExp(["local", "session"].map((kind) => `${kind}Storage`).join("|") + "|indexedDB", "i");
    expect(offenders(files, storage)).toEqual([]);
  });

  it("has no DOM code in the protocol layer", () => {
    const protocol = files.filter((path) => relative(srcDir, path).startsWith("protocol"));
    const production = protocol.filter((path) => !path.endsWith(".test.ts"));
    expect(production.length).toBeGreaterThan(0);
    expect(offenders(production, /\b(document|window|navigator|HTMLElement)\b/, withoutComments)).toEqual([]);
  });

  it("has no eval, new Function or string timers", () => {
    expect(offenders(files, /\beval\s*\(|new\s+Function\s*\(|set(Timeout|Interval)\(\s*["'`]/)).toEqual([]);
  });

  it("sets no inline styles through markup", () => {
    expect(offenders(files, /\bstyle\s*=\s*["']|setAttribute\(\s*["']style["']/)).toEqual([]);
  });
});
