/**
 * The stage (./Stage.tsx): a gallery, or a speaker view with whoever has the floor (or whom the
 * person pinned) large; the choices under More (./Panels.tsx) and the pin on each tile. The pure
 * rules (who is featured, the grid) are in layout.test.ts.
 */

import { afterEach, describe, expect, it } from "vitest";
import { act } from "preact/test-utils";
import { PARTICIPANT, PEOPLE, floorOf, roomSnapshot } from "../samples";
import { type Rendered, STAGE, button, openPanel, part, renderRoom } from "./testing";

let view: Rendered | undefined;

afterEach(() => {
  view?.unmount();
  view = undefined;
});

const stage = (rendered: Rendered): HTMLElement => part(rendered.container, STAGE);

/** The user ids of the tiles in a part of the stage, in order. */
function ids(root: Element | null, selector = "li.tile"): number[] {
  return [...(root?.querySelectorAll(selector) ?? [])].map((tile) => Number(tile.getAttribute("data-user-id")));
}

/** Who is shown large: the tiles in the featured list, and those marked `.is-featured`. */
function featured(rendered: Rendered): { large: number[]; marked: number[] } {
  return {
    large: ids(stage(rendered).querySelector(".stage-featured")),
    marked: ids(stage(rendered), "li.tile.is-featured"),
  };
}

/** The tiles in the gallery, or in the strip beside the large one. */
function others(rendered: Rendered): number[] {
  return ids(stage(rendered).querySelector('ul[aria-label="Everyone\'s sound and picture"]'));
}

async function chooseView(rendered: Rendered, value: "auto" | "gallery" | "speaker"): Promise<void> {
  await openPanel(rendered, "more");
  const radio = part(rendered.container, `#layout-settings input[name="stage-view"][value="${value}"]`) as HTMLInputElement;
  await act(() => {
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await openPanel(rendered, null);
}

async function hideMyPicture(rendered: Rendered, hide: boolean): Promise<void> {
  await openPanel(rendered, "more");
  const box = [...rendered.container.querySelectorAll<HTMLInputElement>("#layout-settings input[type=checkbox]")].find(
    (input) => input.closest("label")?.textContent === "Hide my own picture (others still see me)",
  );
  expect(box).toBeDefined();
  await act(() => {
    box!.checked = hide;
    box!.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await openPanel(rendered, null);
}

const pin = (rendered: Rendered, name: string) => button(stage(rendered), `Show ${name} large`);

describe("the stage's views", () => {
  it("shows everyone the same size while nobody has the floor, me first", async () => {
    view = await renderRoom(PARTICIPANT);

    expect(stage(view).getAttribute("data-view")).toBe("gallery");
    expect(stage(view).querySelector("h2")?.textContent).toBe("Everyone's picture");
    expect(featured(view)).toEqual({ large: [], marked: [] });
    expect(others(view)).toEqual([3, 1, 2, 4, 5]);
    expect(stage(view).querySelector(".stage-grid")).not.toBeNull();
    // Initials on a calm colour while the cameras are off.
    expect(stage(view).querySelector('[data-user-id="4"] .tile-initial')?.textContent).toBe("H");
  });

  it("shows whoever has the floor large, the others in a strip", async () => {
    view = await renderRoom(PARTICIPANT);
    await view.fire("room_state", roomSnapshot({ version: 2, floor: floorOf(4) }));

    expect(stage(view).getAttribute("data-view")).toBe("speaker");
    expect(featured(view)).toEqual({ large: [4], marked: [4] });
    const large = stage(view).querySelector(".stage-featured");
    expect(large?.getAttribute("aria-label")).toBe("Shown large");
    expect(large?.querySelector(".tile")?.classList.contains("has-floor")).toBe(true);
    expect(large?.querySelector(".tile-floor")?.textContent).toBe("Has the floor");
    expect(others(view)).toEqual([3, 1, 2, 5]);
    expect(stage(view).querySelector(".stage-strip")).not.toBeNull();

    // The floor given back: everyone the same size again.
    await view.fire("room_state", roomSnapshot({ version: 3 }));
    expect(stage(view).getAttribute("data-view")).toBe("gallery");
    expect(featured(view)).toEqual({ large: [], marked: [] });
  });

  it("shows whose turn it is in a round large", async () => {
    view = await renderRoom(PARTICIPANT, { round: { kind: "check_in", order: [4, 2, 3], current: 2 } });
    expect(featured(view)).toEqual({ large: [2], marked: [2] });
  });

  it("keeps everyone the same size when the person chooses so", async () => {
    view = await renderRoom(PARTICIPANT, { floor: floorOf(4) });
    expect(featured(view).large).toEqual([4]);

    await chooseView(view, "gallery");
    expect(stage(view).getAttribute("data-view")).toBe("gallery");
    expect(featured(view)).toEqual({ large: [], marked: [] });
    expect(others(view)).toEqual([3, 1, 2, 4, 5]);
    // Who has the floor is still marked on their tile.
    expect(stage(view).querySelector('[data-user-id="4"]')?.classList.contains("has-floor")).toBe(true);

    await chooseView(view, "speaker");
    expect(featured(view)).toEqual({ large: [4], marked: [4] });
  });

  it("shows the gallery in the speaker view while there is nobody to show large", async () => {
    view = await renderRoom(PARTICIPANT);
    await chooseView(view, "speaker");
    expect(stage(view).getAttribute("data-view")).toBe("gallery");
    expect(featured(view)).toEqual({ large: [], marked: [] });
  });
});

describe("pinning someone", () => {
  it("shows the pinned person large, whoever has the floor", async () => {
    view = await renderRoom(PARTICIPANT, { floor: floorOf(4) });
    const willow = pin(view, "Willow");
    expect(willow?.getAttribute("aria-pressed")).toBe("false");

    await view.click(willow);
    expect(pin(view, "Willow")?.getAttribute("aria-pressed")).toBe("true");
    expect(featured(view)).toEqual({ large: [5], marked: [5] });
    expect(others(view)).toEqual([3, 1, 2, 4]);
    expect(stage(view).querySelector('[data-user-id="4"]')?.classList.contains("has-floor")).toBe(true);

    // Pressed again: unpinned, the floor holder is large again.
    await view.click(pin(view, "Willow"));
    expect(pin(view, "Willow")?.getAttribute("aria-pressed")).toBe("false");
    expect(featured(view)).toEqual({ large: [4], marked: [4] });
  });

  it("shows the pinned person large with nobody on the floor", async () => {
    view = await renderRoom(PARTICIPANT);
    await view.click(pin(view, "Mira"));
    expect(stage(view).getAttribute("data-view")).toBe("speaker");
    expect(featured(view)).toEqual({ large: [1], marked: [1] });
  });

  it("lets go of someone who left the room", async () => {
    view = await renderRoom(PARTICIPANT, { floor: floorOf(4) });
    await view.click(pin(view, "Willow"));
    await view.fire(
      "room_state",
      roomSnapshot({ version: 2, floor: floorOf(4), people: PEOPLE.filter((p) => p.user_id !== 5) }),
    );
    expect(featured(view)).toEqual({ large: [4], marked: [4] });
  });
});

describe("hiding my own picture", () => {
  it("removes my tile for me only, and brings it back", async () => {
    view = await renderRoom(PARTICIPANT);
    expect(stage(view).querySelector('li.tile[data-user-id="3"]')).not.toBeNull();

    await hideMyPicture(view, true);
    expect(stage(view).querySelector('li.tile[data-user-id="3"]')).toBeNull();
    expect(others(view)).toEqual([1, 2, 4, 5]);
    expect(view.sent).toEqual([]); // a choice of this page, nothing told to the others

    await hideMyPicture(view, false);
    expect(others(view)).toEqual([3, 1, 2, 4, 5]);
  });

  it("keeps my tile hidden in the speaker view", async () => {
    view = await renderRoom(PARTICIPANT, { floor: floorOf(4) });
    await hideMyPicture(view, true);
    expect(featured(view).large).toEqual([4]);
    expect(others(view)).toEqual([1, 2, 5]);
  });

  it("shows nobody large while I have the floor with my picture hidden", async () => {
    view = await renderRoom(PARTICIPANT, { floor: floorOf(3) });
    expect(featured(view).large).toEqual([3]);

    await hideMyPicture(view, true);
    expect(stage(view).querySelector('li.tile[data-user-id="3"]')).toBeNull();
    expect(featured(view)).toEqual({ large: [], marked: [] });
    expect(others(view)).toEqual([1, 2, 4, 5]);
    // And says so: the gallery, not a speaker view with nobody in it.
    expect(stage(view).getAttribute("data-view")).toBe("gallery");
  });
});
