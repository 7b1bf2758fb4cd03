/**
 * Helpers for the room UI's tests: render the App with a store and a recording `send`; with
 * `media`, also the person's sound and picture: a real RoomMedia and MediaSession over a fake
 * room connection and the media layer's fakes of the browser (../../media/testing/fakes.ts).
 */

import { h, render } from "preact";
import { act } from "preact/test-utils";
import type { MediaConnection } from "../../media/room-link";
import { roomSignalling } from "../../media/room-link";
import { MediaSession } from "../../media/session";
import { FakeEnvironment, settle } from "../../media/testing/fakes";
import type { Ack } from "../../protocol/ack";
import type { ConnectionState, JoinAck } from "../../protocol/connection";
import type { RoomSnapshot, ServerEvent, ServerEvents } from "../../protocol/events";
import type { Announcement } from "../changes";
import { type ConnectionLike, connectRoom } from "../controller";
import { RoomMedia } from "../media";
import { type Me, type Panel, type RoomAction, RoomStore } from "../model";
import { roomSnapshot } from "../samples";
import { App } from "./App";
import { type RoomApi, RoomContext } from "./context";
import type { HelpLine } from "./HelpLines";
import { setLanguage } from "./text";

type Handler = (data: unknown) => void;
type Reply = Ack<{ data?: unknown }>;
type Answer = (event: string, payload: Record<string, unknown>) => Reply;

const ICE = { ice_servers: [], ice_transport_policy: "all", expires_at: null };

/**
 * The server's relay between fake room connections: `rtc_signal` goes to the one person it is
 * for (as the server does), `ice_servers` answers with no servers, the rest with `answer`.
 */
export class FakeRelay {
  private readonly connections = new Map<number, FakeRoomConnection>();
  answer: Answer = () => ({ ok: true, data: {} });
  /** What `ice_servers` answers (no servers: browsers connect directly). */
  ice: object = ICE;

  connect(userId: number, sent: Array<[string, unknown]> = []): FakeRoomConnection {
    const connection = new FakeRoomConnection(userId, this, sent);
    this.connections.set(userId, connection);
    return connection;
  }

  reply(from: number, event: string, payload: Record<string, unknown>): Reply {
    if (event === "ice_servers") {
      return { ok: true, data: this.ice };
    }
    if (event === "rtc_signal") {
      const { to_user_id: to, ...message } = payload;
      const target = this.connections.get(Number(to));
      setTimeout(() => target?.fire("rtc_signal", { meeting_id: 7, from_user_id: from, ...message }), 0);
      return target ? { ok: true, data: {} } : { ok: false, error: { code: "not_present", message: "Gone." } };
    }
    return this.answer(event, payload);
  }
}

/** A room connection without a socket: events are fired by the test, requests go to a relay. */
export class FakeRoomConnection implements ConnectionLike {
  closed = false;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly joins = new Set<(ack: JoinAck) => void>();
  private readonly states = new Set<(state: ConnectionState) => void>();

  constructor(
    readonly userId: number,
    private readonly relay: FakeRelay,
    readonly sent: Array<[string, unknown]>,
  ) {}

  send = async (event: string, payload: Record<string, unknown>): Promise<Reply> => {
    this.sent.push([event, payload]);
    await Promise.resolve();
    return this.relay.reply(this.userId, event, payload);
  };

  on = <E extends ServerEvent>(event: E, handler: (data: ServerEvents[E]) => void): (() => void) => {
    const set = this.handlers.get(event) ?? new Set<Handler>();
    set.add(handler as Handler);
    this.handlers.set(event, set);
    return () => set.delete(handler as Handler);
  };

  onJoin = (listener: (ack: JoinAck) => void): (() => void) => {
    this.joins.add(listener);
    return () => this.joins.delete(listener);
  };

  onState = (listener: (state: ConnectionState) => void): (() => void) => {
    this.states.add(listener);
    return () => this.states.delete(listener);
  };

  close = (): void => {
    this.closed = true;
    this.setState("disconnected");
  };

  fire(event: string, data: unknown): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      handler(data);
    }
  }

  join(ack: JoinAck): void {
    for (const listener of [...this.joins]) {
      listener(ack);
    }
  }

  setState(state: ConnectionState): void {
    for (const listener of [...this.states]) {
      listener(state);
    }
  }

  get asMedia(): MediaConnection {
    return this as unknown as MediaConnection;
  }
}

/** The person's sound and picture over fakes, wired like the page (mount.tsx). */
export interface MediaRig {
  media: RoomMedia;
  env: FakeEnvironment;
  connection: FakeRoomConnection;
  relay: FakeRelay;
  /** What was said in the polite live region (announcement keys). */
  said: Announcement[];
}

export function mediaRig(
  me: Me,
  store: RoomStore,
  options: { sent?: Array<[string, unknown]>; relay?: FakeRelay; supported?: boolean } = {},
): MediaRig {
  const relay = options.relay ?? new FakeRelay();
  const connection = relay.connect(me.userId, options.sent);
  const env = new FakeEnvironment();
  const said: Announcement[] = [];
  const speak = (announcement: Announcement): void => void said.push(announcement);
  const media = new RoomMedia({
    me,
    store,
    connection: connection.asMedia,
    speak,
    canChooseSpeakers: true,
    createSession: (signalling) =>
      options.supported === false ? null : new MediaSession({ signalling, environment: env }),
  });
  connectRoom(connection, store, speak);
  return { media, env, connection, relay, said };
}

/** Someone else in the room with their own session (no UI), connected through the relay. */
export function peerSession(relay: FakeRelay, userId: number, room: RoomSnapshot) {
  const connection = relay.connect(userId);
  const env = new FakeEnvironment();
  const session = new MediaSession({ signalling: roomSignalling(connection.asMedia), environment: env });
  session.start(userId);
  session.applyRoom(room);
  return { session, env, connection };
}

export { settle };

export interface Rendered {
  container: HTMLElement;
  store: RoomStore;
  sent: Array<[string, unknown]>;
  api: RoomApi;
  /** With `media`: the person's sound and picture. */
  rig: MediaRig | null;
  /** A server event through the connection (with `media`; else straight to the store). */
  fire<E extends ServerEvent>(event: E, data: ServerEvents[E]): Promise<void>;
  /** Let promises and timers run (the fake browser's answers), then render. */
  settle(): Promise<void>;
  /** Answer the next requests with this (default: success with empty data). */
  answer(reply: (event: string) => Ack<object>): void;
  dispatch(action: RoomAction): Promise<void>;
  click(element: Element | null): Promise<void>;
  unmount(): void;
}

export interface RenderOptions {
  /** Mount sound and picture (a RoomMedia over fakes); `"unsupported"`: a browser without. */
  media?: boolean | "unsupported";
  relay?: FakeRelay;
  /** The organisation's help lines, as the page gives them. */
  helpLines?: readonly HelpLine[];
}

export async function renderRoom(
  me: Me,
  room: Partial<RoomSnapshot> | null = {},
  options: RenderOptions = {},
): Promise<Rendered> {
  setLanguage("en");
  const container = document.createElement("div");
  document.body.append(container);
  const store = new RoomStore(me);
  const sent: Array<[string, unknown]> = [];
  let reply: (event: string) => Ack<object> = () => ({ ok: true, data: {} });
  const rig = options.media
    ? mediaRig(me, store, {
        sent,
        ...(options.relay ? { relay: options.relay } : {}),
        supported: options.media !== "unsupported",
      })
    : null;
  if (rig) {
    rig.relay.answer = (event) => reply(event);
  }
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
    ...(rig ? { media: rig.media } : {}),
    ...(options.helpLines ? { helpLines: options.helpLines } : {}),
  };
  if (room) {
    const ack: JoinAck = { ok: true, data: { where: "room", user_id: 1, room: roomSnapshot(room) } };
    if (rig) {
      rig.connection.join(ack);
    } else {
      store.dispatch({ type: "joined", ack, now: 1_000_000_000 });
    }
  }
  await act(() => {
    render(h(RoomContext.Provider, { value: api }, h(App, {})), container);
  });
  return {
    container,
    store,
    sent,
    api,
    rig,
    fire: async (event, data) => {
      await act(async () => {
        if (rig) {
          rig.connection.fire(event, data);
        } else {
          store.dispatch({ type: "server", event, data, now: 1_000_000_000 });
        }
        await settle();
      });
    },
    settle: async () => {
      await act(async () => {
        await settle();
      });
    },
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
      rig?.media.close();
      render(null, container);
      container.remove();
    },
  };
}

/**
 * Open one of the room's panels, as its toolbar button does. Only one panel is in the page at a
 * time (jsdom has no stylesheet to hide the others): a test that needs the chat, the private
 * line, the people, the facilitator's tools or "More" opens it first.
 */
export async function openPanel(view: Pick<Rendered, "store">, panel: Panel | null): Promise<void> {
  await act(() => view.store.dispatch({ type: "panel", panel }));
}

/** Where things are in the room: the toolbar, what needs the person now, the stage. */
export const TOOLBAR = ".room-toolbar";
export const NOW = '[data-testid="room-now"]';
export const STAGE = "#stage";

/** A part of the page that must be there: a clear failure instead of a null further on. */
export function part(container: Element, selector: string): HTMLElement {
  const found = container.querySelector<HTMLElement>(selector);
  if (!found) {
    throw new Error(`nothing matches ${selector}`);
  }
  return found;
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
