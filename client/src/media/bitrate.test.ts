import { describe, expect, it } from "vitest";
import { VIDEO_BUDGET, videoBitrate } from "./bitrate";

describe("each copy of the camera's bit rate", () => {
  it("shares the upload among the others, within a floor and a ceiling", () => {
    expect(videoBitrate(1, false)).toBe(VIDEO_BUDGET.maxBps); // two people: as sharp as it gets
    expect(videoBitrate(2, false)).toBe(900_000);
    expect(videoBitrate(3, false)).toBe(600_000);
    expect(videoBitrate(6, false)).toBe(300_000); // a group of seven: six copies
    expect(videoBitrate(50, false)).toBe(VIDEO_BUDGET.minBps);
  });

  it("gives the floor holder a larger share", () => {
    expect(videoBitrate(6, true)).toBe(450_000);
    expect(videoBitrate(6, true)).toBeGreaterThan(videoBitrate(6, false));
    expect(videoBitrate(1, true)).toBe(VIDEO_BUDGET.maxBps); // never above the ceiling
  });

  it("counts nobody else as one (the first person in the room)", () => {
    expect(videoBitrate(0, false)).toBe(videoBitrate(1, false));
  });

  it("keeps the whole upload within the budget, the floor holder's within half again", () => {
    for (let others = 1; others <= 7; others += 1) {
      expect(videoBitrate(others, false) * others).toBeLessThanOrEqual(Math.max(VIDEO_BUDGET.uplinkBps, others * VIDEO_BUDGET.minBps));
      expect(videoBitrate(others, true) * others).toBeLessThanOrEqual(VIDEO_BUDGET.uplinkBps * VIDEO_BUDGET.floorFactor);
    }
  });
});
