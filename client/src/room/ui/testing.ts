/** Helpers for the room UI's tests: render the App with a store and a recording `send`. */

import { h, render } from "preact";
import { act } from "preact/test-utils";
import type { Ack } from "../../protocol/ack";
import type { RoomSnapshot } from "../../protocol/events";
import { type Me, type RoomAction, RoomStore } from "../model";
import { roomSnapshot } from "../samples";
import { App } from "./App";
import { type RoomApi, RoomContext } from "./context";
import { setLanguage } from "./text";

export interface Rendered {
  container: HTMLElement;
  store: RoomStore;
  sent: Array<[string, unknown]>;
  api: RoomApi;
  /** Answer the next requests with this (default: success with empty data). */
  answer(reply: (event: string) => Ack<object>): void;
  dispatch(action: RoomAction): Promise<void>;
  click(element: Element | null): Promise<void>;
  unmount(): void;
}

export async function renderRoom(
  me: Me,
  room: Partial<RoomSnapshot> | null = {},
): Promise<Rendered> {
  setLanguage("en");
  const container = document.createElement("div");
  document.body.append(container);
  const store = new RoomStore(me);
  const sent: Array<[string, unknown]> = [];
  let reply: (event: string) => Ack<object> = () => ({ ok: true, data: {} });
  const api: RoomApi = {
    store,
    send: (async (event: string, payload: unknown) => {
      sent.push([event, payload]);
      return reply(event);
    }) as RoomApi["send"],
    leave: () => store.dispatch({ type: "left" }),
    retry: () => undefined,
    links: { dashboard: "/dashboard", entry: "/meetings/7", safety: "/safety" },
    title: "Tuesday group",
  };
  if (room) {
    store.dispatch({
      type: "joined",
      ack: { ok: true, data: { where: "room", room: roomSnapshot(room) } },
      now: 1_000_000_000,
    });
  }
  await act(() => {
    render(h(RoomContext.Provider, { value: api }, h(App, {})), container);
  });
  return {
    container,
    store,
    sent,
    api,
    answer: (next) => {
      reply = next;
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
    unmount: () => {
      render(null, container);
      container.remove();
    },
  };
}

/** The button whose accessible name (aria-label, else text) is `name`. */
export function button(container: Element, name: string): HTMLButtonElement | null {
  return (
    [...container.querySelectorAll("button")].find(
      (b) => (b.getAttribute("aria-label") ?? b.textContent ?? "").trim() === name,
    ) ?? null
  );
}

export function headings(container: Element): string[] {
  return [...container.querySelectorAll("h1, h2, h3")].map((heading) =>
    (heading.textContent ?? "").trim(),
  );
}
