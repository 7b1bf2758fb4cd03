/**
 * Keyboard shortcuts (./Shortcuts.tsx): M, V and H press the toolbar's own buttons, "?" lists
 * them; never while the person types, and not at all once turned off (WCAG 2.1.4).
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { act } from "preact/test-utils";
import { PARTICIPANT } from "../samples";
import { type Rendered, TOOLBAR, button, openPanel, part, renderRoom } from "./testing";

let view: Rendered | undefined;

// jsdom has no modal dialogs: open and close by the attribute, as a browser would.
const dialogProto = HTMLDialogElement.prototype as Partial<HTMLDialogElement>;
const native = { showModal: dialogProto.showModal, close: dialogProto.close };

beforeEach(() => {
  dialogProto.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  dialogProto.close = function close(this: HTMLDialogElement) {
    this.removeAttribute("open");
    this.dispatchEvent(new Event("close"));
  };
});

afterEach(() => {
  view?.unmount();
  view = undefined;
  for (const name of ["showModal", "close"] as const) {
    if (native[name]) {
      dialogProto[name] = native[name] as never;
    } else {
      delete dialogProto[name];
    }
  }
});

/** A key pressed where focus is (the page itself unless `on` is given). */
async function press(key: string, on: Element = document.body, init: KeyboardEventInit = {}): Promise<KeyboardEvent> {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  await act(async () => {
    on.dispatchEvent(event);
    await Promise.resolve();
  });
  await view?.settle();
  return event;
}

const mic = (rendered: Rendered) => part(rendered.container, `${TOOLBAR} [data-media="mic"]`);
const camera = (rendered: Rendered) => part(rendered.container, `${TOOLBAR} [data-media="camera"]`);
const dialog = (rendered: Rendered) => part(rendered.container, "dialog.shortcuts-dialog") as HTMLDialogElement;

async function turnShortcuts(rendered: Rendered, on: boolean): Promise<void> {
  await openPanel(rendered, "more");
  const box = [...rendered.container.querySelectorAll<HTMLInputElement>("#more input[type=checkbox]")].find(
    (input) => input.closest("label")?.textContent === "Keyboard shortcuts on",
  );
  expect(box?.checked).toBe(!on);
  await act(() => {
    box!.checked = on;
    box!.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await openPanel(rendered, null);
}

describe("keyboard shortcuts", () => {
  it("M presses the microphone button, V the camera's", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: true });

    const event = await press("m");
    expect(event.defaultPrevented).toBe(true);
    expect(mic(view).getAttribute("aria-label")).toBe("Turn microphone off");
    expect(view.rig!.env.liveTracks).toHaveLength(1);

    await press("M");
    expect(mic(view).getAttribute("aria-label")).toBe("Turn microphone on");
    expect(view.rig!.env.liveTracks).toEqual([]);

    await press("v");
    expect(camera(view).getAttribute("aria-label")).toBe("Turn camera off");
  });

  it("H presses the hand, with the same refusals as a click", async () => {
    view = await renderRoom(PARTICIPANT);
    view.answer(() => ({ ok: false, error: { code: "on_break", message: "The meeting is on a break." } }));

    await press("h");
    expect(view.sent).toEqual([["raise_hand", {}]]);
    const hand = part(view.container, `${TOOLBAR} [data-testid="hand-button"]`);
    const errorId = hand.getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(errorId)?.textContent).toBe("The meeting is on a break.");
  });

  it("do nothing while the person types in a field", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: true });
    await openPanel(view, "chat");
    const box = part(view.container, "#chat textarea");

    const event = await press("m", box);
    expect(event.defaultPrevented).toBe(false);
    await press("h", box);
    expect(mic(view).getAttribute("aria-label")).toBe("Turn microphone on");
    expect(view.rig!.env.constraints).toEqual([]);
    expect(view.sent.filter(([name]) => name === "raise_hand")).toEqual([]);

    const input = document.createElement("input");
    view.container.append(input);
    await press("m", input);
    expect(view.rig!.env.constraints).toEqual([]);
  });

  it("leave keys with Ctrl, Alt or Cmd to the browser", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: true });
    await press("m", document.body, { ctrlKey: true });
    await press("m", document.body, { metaKey: true });
    await press("m", document.body, { altKey: true });
    expect(view.rig!.env.constraints).toEqual([]);
  });

  it("do nothing once turned off under More, and work again when turned on", async () => {
    view = await renderRoom(PARTICIPANT, {}, { media: true });
    await turnShortcuts(view, false);

    const event = await press("m");
    expect(event.defaultPrevented).toBe(false);
    await press("h");
    await press("?");
    expect(view.rig!.env.constraints).toEqual([]);
    expect(view.sent.filter(([name]) => name === "raise_hand")).toEqual([]);
    expect(dialog(view).open).toBe(false);

    await turnShortcuts(view, true);
    await press("m");
    expect(mic(view).getAttribute("aria-label")).toBe("Turn microphone off");
  });

  it("? opens the list of shortcuts; closing it gives focus back", async () => {
    view = await renderRoom(PARTICIPANT);
    const opener = part(view.container, `${TOOLBAR} [data-panel="chat"]`);
    opener.focus();
    expect(dialog(view).open).toBe(false);

    await press("?", opener);
    expect(dialog(view).open).toBe(true);
    expect(dialog(view).querySelector("h2")?.textContent).toBe("Keyboard shortcuts");
    expect([...dialog(view).querySelectorAll("dt")].map((dt) => dt.textContent)).toEqual(["M", "V", "H", "?"]);

    // While it is open, keys are for the dialog.
    await press("h", dialog(view));
    expect(view.sent).toEqual([]);

    await view.click(button(dialog(view), "Close"));
    expect(dialog(view).open).toBe(false);
    expect(document.activeElement).toBe(opener);
  });

  it("can be turned off from the list itself", async () => {
    view = await renderRoom(PARTICIPANT);
    await press("?");
    const box = dialog(view).querySelector<HTMLInputElement>("input[type=checkbox]")!;
    expect(box.checked).toBe(true);
    await act(() => {
      box.checked = false;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await view.click(button(dialog(view), "Close"));

    await press("h");
    expect(view.sent).toEqual([]);
  });

  it("More's Keyboard shortcuts button opens the list", async () => {
    view = await renderRoom(PARTICIPANT);
    await openPanel(view, "more");
    await view.click(button(part(view.container, "#more"), "Keyboard shortcuts"));
    expect(dialog(view).open).toBe(true);
  });
});
