import { describe, expect, it } from "vitest";
import { roomSnapshot } from "../samples";
import { bestGrid, featuredPerson, initialsOf, shownView } from "./layout";

describe("the gallery's grid", () => {
  it("puts one person across the whole stage", () => {
    expect(bestGrid(1, 1600, 900, 16 / 9, 0)).toEqual({ columns: 1, rows: 1, tileWidth: 1600 });
  });

  it("gives seven people on a wide stage three columns", () => {
    const grid = bestGrid(7, 1200, 700);
    expect(grid.columns).toBe(3);
    expect(grid.rows).toBe(3);
    expect(grid.tileWidth).toBeGreaterThan(300);
  });

  it("stacks them on a tall phone stage", () => {
    const grid = bestGrid(7, 340, 500);
    expect(grid.columns).toBeLessThanOrEqual(2);
    // Tiles never overflow the box.
    expect(grid.columns * grid.tileWidth).toBeLessThanOrEqual(340);
    expect(grid.rows * (grid.tileWidth * 9) / 16).toBeLessThanOrEqual(500 + 1);
  });

  it("has no tiles to size in an empty or unmeasured box", () => {
    expect(bestGrid(3, 0, 0).tileWidth).toBe(0);
  });
});

describe("who is shown large", () => {
  const room = roomSnapshot({
    floor: { user_id: 2, via: "given", deadline: null, paused: false, time_up: false },
  });

  it("is whoever has the floor", () => {
    expect(featuredPerson(room, null)).toBe(2);
  });

  it("is the pinned person instead, while they are here", () => {
    expect(featuredPerson(room, 1)).toBe(1);
    expect(featuredPerson(room, 999)).toBe(2);
  });

  it("is nobody without a floor, a round or a pin: then the gallery", () => {
    const quiet = roomSnapshot();
    expect(featuredPerson(quiet, null)).toBeNull();
    expect(shownView("auto", null)).toBe("gallery");
    expect(shownView("speaker", null)).toBe("gallery");
  });

  it("follows the person's own choice of view", () => {
    expect(shownView("auto", 2)).toBe("speaker");
    expect(shownView("gallery", 2)).toBe("gallery");
  });
});

describe("initials", () => {
  it("takes the first letters of the first and last word", () => {
    expect(initialsOf("birch")).toBe("B");
    expect(initialsOf("Anna Maria Holm")).toBe("AH");
    expect(initialsOf("  Øjvind  ")).toBe("Ø");
  });
});
