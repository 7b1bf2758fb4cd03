import { h, render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import type { RoomSnapshot, ServerEvent, ServerEvents } from "../../protocol/events";
import { type Me, type RoomAction, RoomStore } from "../model";
import { FACILITATOR, PARTICIPANT, facilitatorSnapshot, roomSnapshot } from "../samples";
import { AttentionList, AttentionMark, titleWith } from "./Attention";
import { type RoomApi, RoomContext } from "./context";
import { FacilitatorPanel } from "./Facilitator";
import { People } from "./People";
import { PrivateLine } from "./PrivateLine";
import { Speaking } from "./Speaking";
import { button } from "./testing";
import { setLanguage } from "./text";

interface View {
  container: HTMLElement;
  store: RoomStore;
  sent: Array<[string, unknown]>;
  fire<E extends ServerEvent>(event: E, data: ServerEvents[E]): Promise<void>;
  dispatch(action: RoomAction): Promise<void>;
  click(element: Element | null): Promise<void>;
  key(element: Element | null, key: string): Promise<void>;
  unmount(): Promise<void>;
}

let view: View | undefined;

afterEach(async () => {
  await view?.unmount();
  view = undefined;
});

const birch = { user_id: 3, name: "Birch" };

/** The facilitator's parts this work owns, side by side (the room's layout places them). */
async function show(me: Me = FACILITATOR, room: Partial<RoomSnapshot> = {}): Promise<View> {
  setLanguage("en");
  const container = document.createElement("div");
  document.body.append(container);
  const store = new RoomStore(me);
  const sent: Array<[string, unknown]> = [];
  const api: RoomApi = {
    store,
    send: (async (event: string, payload: unknown) => {
      sent.push([event, payload]);
      return { ok: true, data: {} };
    }) as RoomApi["send"],
    leave: () => store.dispatch({ type: "left" }),
    retry: () => undefined,
    links: { dashboard: "/dashboard", entry: "/meetings/7", safety: "/safety" },
    title: "Tuesday group",
  };
  store.dispatch({
    type: "joined",
    ack: {
      ok: true,
      data: {
        where: "room",
        user_id: me.userId,
        room: roomSnapshot({
          ...room,
          ...(me.role === "participant" ? {} : { facilitator: facilitatorSnapshot() }),
        }),
      },
    },
    now: 1_000_000_000,
  });
  await act(() => {
    render(
      h(
        RoomContext.Provider,
        { value: api },
        h("div", {}, [
          h(AttentionList, {}),
          h("ul", { class: "tiles" }, [
            h("li", { class: "tile", "data-tile": "3" }, [h(AttentionMark, { userId: 3 })]),
          ]),
          h(People, {}),
          h(Speaking, {}),
          h(PrivateLine, {}),
          me.role === "participant" ? null : h(FacilitatorPanel, {}),
        ]),
      ),
      container,
    );
  });
  return {
    container,
    store,
    sent,
    fire: async (event, data) => {
      await act(() => store.dispatch({ type: "server", event, data, now: 1_000_000_000 }));
    },
    dispatch: async (action) => {
      await act(() => store.dispatch(action));
    },
    click: async (element) => {
      if (!(element instanceof HTMLElement)) {
        throw new Error("nothing to click");
      }
      await act(async () => {
        element.click();
        await Promise.resolve();
      });
    },
    key: async (element, key) => {
      if (!(element instanceof HTMLElement)) {
        throw new Error("nothing to press on");
      }
      await act(() => {
        element.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
      });
    },
    unmount: async () => {
      await act(() => render(null, container));
      container.remove();
    },
  };
}

const marks = (container: Element) =>
  [...container.querySelectorAll("[data-testid=attention-mark]")].map((mark) =>
    mark.querySelector(".attention-text")?.textContent?.replace(/\s+/g, " ").trim(),
  );

describe("a call for the facilitator's attention", () => {
  it("marks the person's name and tile, lists it, and puts the number in the tab's title", async () => {
    document.title = "Meeting · Kreds";
    view = await show();
    await view.fire("private_signal", { meeting_id: 7, from: birch, kind: "not_ok", at: 0 });

    const row = view.container.querySelector('.person[data-user-id="3"]');
    expect(row?.classList.contains("needs-attention")).toBe(true);
    expect(row?.textContent).toContain("Needs you: I'm not OK");
    expect(view.container.querySelector('[data-tile="3"] .attention-mark')).not.toBeNull();
    expect(view.container.querySelector("#attention-heading")?.textContent).toBe(
      "Needs your attention (1)",
    );
    expect(marks(view.container)[0]).toMatch(/^!Birch Needs you: I'm not OK at \d\d:\d\d$/);
    expect(document.title).toBe("(1) Meeting · Kreds");
    expect(document.title).not.toContain("Birch");
  });

  it("stays until Seen, then the title comes back", async () => {
    document.title = "Meeting · Kreds";
    view = await show();
    await view.fire("private_signal", { meeting_id: 7, from: birch, kind: "need_break", at: 0 });
    await view.fire("private_message", {
      meeting_id: 7,
      id: "p1",
      from: { user_id: 4, name: "Heron" },
      to: null,
      text: "Hard day",
      at: 0,
    });
    expect(document.title).toBe("(2) Meeting · Kreds");
    expect(view.container.querySelector('.person[data-user-id="4"]')?.textContent).toContain(
      "Needs you: Wrote privately",
    );

    const row = view.container.querySelector('.person[data-user-id="3"]')!;
    await view.click(button(row, "Seen: Birch"));
    expect(row.classList.contains("needs-attention")).toBe(false);
    expect(document.title).toBe("(1) Meeting · Kreds");
    await view.click(button(view.container.querySelector(".attention-list")!, "Seen: Heron"));
    expect(view.container.querySelector(".attention-list")).toBeNull();
    expect(document.title).toBe("Meeting · Kreds");
  });

  it("Reply opens the private line addressed to the person, the focus in the message box", async () => {
    view = await show();
    await view.fire("private_signal", { meeting_id: 7, from: birch, kind: "not_ok", at: 0 });
    // Written to Heron before: Reply must not leave the line addressed to someone else.
    await view.dispatch({ type: "replyTo", userId: 4, focus: false });

    await view.click(button(view.container.querySelector(".attention-list")!, "Reply to Birch"));
    await new Promise((resolve) => setTimeout(resolve, 0));

    const select = view.container.querySelector<HTMLSelectElement>("#private select")!;
    expect(select.value).toBe("3");
    expect(view.store.get().panel).toBe("private");
    const box = view.container.querySelector<HTMLTextAreaElement>("#private textarea")!;
    expect(document.activeElement).toBe(box);
    expect(box.labels?.[0]?.textContent).toBe("Private message to Birch");
    expect(view.container.querySelector(".attention-list")).toBeNull();

    await act(() => {
      box.value = "I'm here";
      box.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await act(async () => {
      box.form?.requestSubmit();
      await Promise.resolve();
    });
    expect(view.sent).toEqual([["private_reply", { user_id: 3, text: "I'm here" }]]);
  });

  it("never writes to a default: a name is chosen first, and choosing it says nothing was seen", async () => {
    view = await show();
    await view.fire("private_signal", { meeting_id: 7, from: birch, kind: "not_ok", at: 0 });
    const select = view.container.querySelector<HTMLSelectElement>("#private select")!;
    expect(select.value).toBe("");
    const box = view.container.querySelector<HTMLTextAreaElement>("#private textarea")!;
    await act(() => {
      box.value = "Hello";
      box.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await act(async () => {
      box.form?.requestSubmit();
      await Promise.resolve();
    });
    expect(view.sent).toEqual([]);
    expect(view.container.querySelector("#private")?.textContent).toContain(
      "Choose whom to write to first.",
    );

    await act(() => {
      select.value = "3";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    expect(view.store.get().privateTo).toBe(3);
    expect(view.store.get().attention).toHaveLength(1);
    expect(document.activeElement).not.toBe(box);
  });

  it("shows someone who left quickly, with no Reply (they are gone)", async () => {
    view = await show();
    await view.fire("private_signal", { meeting_id: 7, from: birch, kind: "not_ok", at: 0 });
    await view.fire("private_signal", { meeting_id: 7, from: birch, kind: "left_quickly", at: 5 });
    await view.fire(
      "room_state",
      roomSnapshot({
        version: 2,
        people: roomSnapshot().people.filter((p) => p.user_id !== 3),
        facilitator: facilitatorSnapshot({ version: 2 }),
      }),
    );

    const list = view.container.querySelector(".attention-list")!;
    expect(marks(list)[0]).toMatch(/Birch Needs you: Left quickly, I'm not OK at .* · Not in the meeting now/);
    expect(button(list, "Reply to Birch")).toBeNull();
    expect(button(list, "Seen: Birch")).not.toBeNull();
    expect(list.querySelector(".attention-mark.is-urgent")).not.toBeNull();
  });

  it("marks a lobby arrival, until admitted", async () => {
    view = await show();
    const sparrow = { user_id: 8, name: "Sparrow", role: "participant" as const, since: 0, connected: true };
    await view.fire("room_state", roomSnapshot({ version: 2, facilitator: facilitatorSnapshot({ version: 2, lobby: [sparrow] }) }));
    expect(marks(view.container)[0]).toContain("Sparrow Needs you: Waiting to come in");
    expect(document.title.startsWith("(1) ")).toBe(true);

    await view.fire("room_state", roomSnapshot({ version: 3, facilitator: facilitatorSnapshot({ version: 3 }) }));
    expect(marks(view.container)).toEqual([]);
  });

  it("shows participants nothing of it", async () => {
    document.title = "Meeting · Kreds";
    view = await show(PARTICIPANT);
    await view.fire("private_message", {
      meeting_id: 7,
      id: "p1",
      from: { user_id: 1, name: "Mira" },
      to: { user_id: 3, name: "Birch" },
      text: "Hi",
      at: 0,
    });
    expect(marks(view.container)).toEqual([]);
    expect(document.title).toBe("Meeting · Kreds");
  });

  it("puts the title back when the room goes (leaving, the quick exit), but never over a blank one", async () => {
    document.title = "Meeting · Kreds";
    view = await show();
    await view.fire("private_signal", { meeting_id: 7, from: birch, kind: "not_ok", at: 0 });
    expect(document.title).toBe("(1) Meeting · Kreds");
    await view.unmount();
    view = undefined;
    expect(document.title).toBe("Meeting · Kreds");

    view = await show();
    await view.fire("private_signal", { meeting_id: 7, from: birch, kind: "not_ok", at: 0 });
    document.title = ""; // the quick exit blanks the page first
    await view.unmount();
    view = undefined;
    expect(document.title).toBe("");
  });

  it("never names anyone in the title", () => {
    expect(titleWith(0, "Meeting · Kreds")).toBe("Meeting · Kreds");
    expect(titleWith(3, "Meeting · Kreds")).toBe("(3) Meeting · Kreds");
  });

  it("offers a soft tone, off until the facilitator turns it on", async () => {
    view = await show();
    const toggle = [...view.container.querySelectorAll<HTMLInputElement>("#attention-tools input")];
    expect(toggle).toHaveLength(1);
    expect(toggle[0]?.checked).toBe(false);
    expect(toggle[0]?.labels?.[0]?.textContent).toBe("Sound for calls for help and arrivals");
    await view.click(toggle[0]!);
    expect(view.store.get().attentionSound).toBe(true);
  });
});

describe("risky controls", () => {
  it("asks before clearing the queue; Cancel sends nothing and gives focus back", async () => {
    view = await show(FACILITATOR, { queue: [3, 4] });
    const clear = button(view.container, "Clear the queue")!;
    clear.focus();
    await view.click(clear);

    const dialog = view.container.querySelector("dialog.confirm-dialog")!;
    expect(dialog.hasAttribute("open")).toBe(true);
    expect(dialog.querySelector("h2")?.textContent).toBe("Clear the queue?");
    expect(dialog.textContent).toContain("Every raised hand is lowered (2 in the queue).");
    expect(document.activeElement?.textContent).toBe("Cancel");
    expect(dialog.querySelector("a.quick-exit")?.textContent).toBe("Leave quickly");
    await view.click(button(dialog, "Cancel"));
    expect(view.sent).toEqual([]);
    expect(dialog.hasAttribute("open")).toBe(false);
    expect(document.activeElement).toBe(clear);

    await view.click(clear);
    await view.key(document.activeElement, "Escape");
    expect(dialog.hasAttribute("open")).toBe(false);
    expect(view.sent).toEqual([]);

    await view.click(clear);
    await view.click(button(dialog, "Yes, clear the queue"));
    expect(view.sent).toEqual([["clear_queue", {}]]);
    expect(dialog.hasAttribute("open")).toBe(false);
  });

  it("keeps removal apart from everyday actions, and says what it does", async () => {
    view = await show(FACILITATOR, {
      people: roomSnapshot().people.map((p) => (p.user_id === 4 ? { ...p, mic: true } : p)),
    });
    await view.click(button(view.container, "Options for Heron"));
    const menu = view.container.querySelector(".person-menu:not([hidden])")!;
    const everyday = menu.querySelector(".person-menu-everyday")!;
    const serious = menu.querySelector(".person-menu-serious")!;
    expect(button(everyday, "Mute Heron's microphone")).not.toBeNull();
    expect(button(everyday, "Remove Heron from the group")).toBeNull();
    expect(serious.querySelector("p")?.textContent).toBe("Serious actions");
    expect(button(serious, "Remove Heron from the group")).not.toBeNull();

    await view.click(button(serious, "Remove Heron from the group"));
    const dialog = serious.querySelector("dialog[open]")!;
    expect(dialog.querySelector("h2")?.textContent).toBe("Remove Heron from the group?");
    expect(dialog.textContent).toContain(
      "Heron will leave this meeting now and can no longer join this group's meetings.",
    );
    // Escape closes the dialog only: the menu stays open behind it.
    await view.key(document.activeElement, "Escape");
    expect(serious.querySelector("dialog[open]")).toBeNull();
    expect(view.store.get().menu).toBe("people:4");
    expect(document.activeElement?.getAttribute("aria-label")).toBe("Remove Heron from the group");

    await view.click(button(serious, "Remove Heron from the meeting"));
    expect(serious.querySelector("dialog[open]")?.textContent).toContain(
      "Heron will leave this meeting now and cannot come back to it. They stay in the group.",
    );
    await view.click(button(serious, "Yes, remove from the meeting"));
    expect(view.sent).toEqual([["remove_from_meeting", { user_id: 4 }]]);
  });

  it("opens one person's menu at a time; Escape closes it and gives focus back", async () => {
    view = await show();
    await view.click(button(view.container, "Options for Heron"));
    await view.click(button(view.container, "Options for Birch"));
    const open = [...view.container.querySelectorAll(".person-menu:not([hidden])")];
    expect(open).toHaveLength(1);
    expect(open[0]?.getAttribute("aria-label")).toBe("Options for Birch");

    const first = open[0]!.querySelector("button")!;
    first.focus();
    await view.key(first, "Escape");
    expect(view.container.querySelectorAll(".person-menu:not([hidden])")).toHaveLength(0);
    expect(document.activeElement?.getAttribute("aria-label")).toBe("Options for Birch");
  });

  it("asks before ending the meeting, with what it means", async () => {
    view = await show();
    await view.click(button(view.container, "End the meeting for everyone"));
    expect(view.container.querySelector("dialog[open]")?.textContent).toContain(
      "Everyone leaves the room now, and the meeting cannot be opened again.",
    );
    expect(view.sent).toEqual([]);
    await view.click(button(view.container, "Yes, end the meeting"));
    expect(view.sent).toEqual([["end_meeting", {}]]);
  });
});

describe("the private line's recipient", () => {
  it("drops a draft when the line is addressed to someone else", async () => {
    view = await show();
    await view.dispatch({ type: "replyTo", userId: 3 });
    const box = () => view!.container.querySelector<HTMLTextAreaElement>("#private textarea")!;
    await act(() => {
      box().value = "For Birch only";
      box().dispatchEvent(new Event("input", { bubbles: true }));
    });
    await view.dispatch({ type: "replyTo", userId: 4 });
    expect(box().value).toBe("");
    expect(box().labels?.[0]?.textContent).toBe("Private message to Heron");
  });

  it("says so when the person written to is gone, and writes to nobody else", async () => {
    view = await show();
    await view.fire("private_message", {
      meeting_id: 7,
      id: "p1",
      from: birch,
      to: null,
      text: "Hard day",
      at: 0,
    });
    await view.dispatch({ type: "replyTo", userId: 3 });
    await view.fire(
      "room_state",
      roomSnapshot({
        version: 2,
        people: roomSnapshot().people.filter((p) => p.user_id !== 3),
        facilitator: facilitatorSnapshot({ version: 2 }),
      }),
    );
    const line = view.container.querySelector("#private")!;
    expect(line.querySelector<HTMLSelectElement>("select")?.value).toBe("");
    expect(line.textContent).toContain("Birch is not in the meeting now.");
  });

  it("offers those waiting in the lobby too", async () => {
    view = await show();
    const sparrow = { user_id: 8, name: "Sparrow", role: "participant" as const, since: 0, connected: true };
    await view.fire("room_state", roomSnapshot({ version: 2, facilitator: facilitatorSnapshot({ version: 2, lobby: [sparrow] }) }));
    const options = [...view.container.querySelectorAll("#private option")].map((o) => o.textContent);
    expect(options).toEqual([
      "Choose a person…",
      "Birch",
      "Heron",
      "Willow",
      "Sparrow (waiting in the lobby)",
    ]);
  });
});
