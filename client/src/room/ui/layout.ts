/**
 * How the room is laid out for this person: the stage's view (automatic, gallery or speaker),
 * who is pinned, whether their own picture is hidden, and whether single-key shortcuts are on.
 * Choices of this page only, kept in memory (never in the browser's storage), owned by the room
 * component (`useLayoutState`) and read through `useLayout`.
 *
 * The pure parts — which tile is large, how many columns the gallery has — are tested alone.
 */

import { createContext } from "preact";
import { useContext, useMemo, useState } from "preact/hooks";
import type { RoomSnapshot } from "../../protocol/events";

export type StageView = "auto" | "gallery" | "speaker";

export interface LayoutPrefs {
  view: StageView;
  /** Pinned: large in the speaker view, whoever has the floor. */
  pinned: number | null;
  hideSelf: boolean;
  /** Single-key shortcuts (M, V, H, ?); WCAG 2.1.4: they can be turned off. */
  shortcuts: boolean;
}

export interface Layout extends LayoutPrefs {
  set(change: Partial<LayoutPrefs>): void;
}

export const DEFAULT_LAYOUT: LayoutPrefs = {
  view: "auto",
  pinned: null,
  hideSelf: false,
  shortcuts: true,
};

export const LayoutContext = createContext<Layout>({ ...DEFAULT_LAYOUT, set: () => undefined });

export function useLayout(): Layout {
  return useContext(LayoutContext);
}

/** The layout's owner: the room component holds it for as long as the room is shown. */
export function useLayoutState(): Layout {
  const [prefs, setPrefs] = useState<LayoutPrefs>(DEFAULT_LAYOUT);
  return useMemo(
    () => ({ ...prefs, set: (change) => setPrefs((current) => ({ ...current, ...change })) }),
    [prefs],
  );
}

/**
 * Who is shown large in the speaker view: the pinned person (if still here), else whoever has
 * the floor, else whose turn it is in a round; null: nobody (then the gallery is shown).
 */
export function featuredPerson(room: RoomSnapshot | null, pinned: number | null): number | null {
  if (!room) {
    return null;
  }
  const present = (userId: number | null | undefined): userId is number =>
    userId != null && room.people.some((person) => person.user_id === userId);
  if (present(pinned)) {
    return pinned;
  }
  if (present(room.floor?.user_id)) {
    return room.floor?.user_id ?? null;
  }
  const current = room.round?.current;
  return present(current) ? current : null;
}

/** The view shown: "auto" is the speaker view while someone is featured, else the gallery. */
export function shownView(view: StageView, featured: number | null): "gallery" | "speaker" {
  if (featured === null) {
    return "gallery";
  }
  return view === "gallery" ? "gallery" : "speaker";
}

export interface Grid {
  columns: number;
  rows: number;
  /** Each tile's width in pixels (its height is width / aspect). */
  tileWidth: number;
}

/**
 * The gallery's grid for `count` tiles in a `width` × `height` box: the number of columns that
 * makes the tiles largest, tiles keeping `aspect` (width / height) with `gap` between them.
 */
export function bestGrid(count: number, width: number, height: number, aspect = 16 / 9, gap = 8): Grid {
  const tiles = Math.max(1, count);
  let best: Grid = { columns: 1, rows: tiles, tileWidth: 0 };
  for (let columns = 1; columns <= tiles; columns += 1) {
    const rows = Math.ceil(tiles / columns);
    const byWidth = (width - gap * (columns - 1)) / columns;
    const byHeight = ((height - gap * (rows - 1)) / rows) * aspect;
    const tileWidth = Math.max(0, Math.floor(Math.min(byWidth, byHeight)));
    if (tileWidth > best.tileWidth) {
      best = { columns, rows, tileWidth };
    }
  }
  return best;
}

/** Initials for a calm placeholder when the camera is off: up to two letters. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters
    .map((word) => Array.from(word ?? "")[0] ?? "")
    .join("")
    .toUpperCase();
}
