/**
 * The room as this page knows it: the latest snapshots, and what was relayed while the page was
 * here (chat, topic texts, the private line, signals, reactions), and on a facilitator's page
 * who called for their attention and was not yet seen (./attention.ts). Held in page memory
 * only, never in the browser's storage, and dropped on quick exit (`RoomStore.clear`).
 *
 * DOM-free: `reduce` is a pure function from a state and what happened to the next state.
 */

import type { Ack } from "../protocol/ack";
import type { ConnectionState } from "../protocol/connection";
import {
  type ChatMessage,
  type EndReason,
  type FacilitatorSnapshot,
  FINAL_JOIN_ERRORS,
  type JoinData,
  type LobbySnapshot,
  type PrivateMessage,
  type ReactionKind,
  type RemovalScope,
  type Role,
  type RoomSnapshot,
  type Sender,
  type ServerEvent,
  type ServerEvents,
  type ReceivedSignalKind,
} from "../protocol/events";
import {
  type Attention,
  type AttentionKind,
  acknowledge,
  addCall,
  lobbyCalls,
  signalCall,
} from "./attention";
import { facilitates } from "./derive";

/** Which screen the page shows. */
export type Screen =
  | { kind: "connecting" }
  | { kind: "lobby" }
  | { kind: "room" }
  | { kind: "declined"; message: string }
  | { kind: "removed"; scope: RemovalScope }
  | { kind: "ended"; reason: EndReason }
  /** Joining was refused (`final`: joining again will not help). */
  | { kind: "refused"; code: string; message: string; final: boolean }
  /** Left on purpose with "Leave the meeting". */
  | { kind: "left" };

export interface Me {
  userId: number;
  name: string;
  role: Role;
}

export interface SignalLine {
  key: string;
  from: Sender;
  kind: ReceivedSignalKind;
  at: number;
}

export interface ReactionLine {
  key: string;
  from: Sender;
  kind: ReactionKind;
  /** When it arrived, by this page's clock (milliseconds), to let it fade. */
  receivedAt: number;
}

export interface RoomModel {
  me: Me;
  screen: Screen;
  connection: ConnectionState;
  room: RoomSnapshot | null;
  facilitator: FacilitatorSnapshot | null;
  lobby: LobbySnapshot | null;
  /** Server clock minus this page's clock, in seconds (for countdowns). */
  clockOffset: number;
  chat: ChatMessage[];
  /** A facilitator paused my chat messages. */
  chatMuted: boolean;
  /** Topic texts by id: relayed once, so only those proposed while this page was here. */
  topicTexts: Readonly<Record<string, string>>;
  privateLines: PrivateMessage[];
  signals: SignalLine[];
  reactions: ReactionLine[];
  /** Counts relayed notices, for unique keys. */
  seq: number;
  /** The one panel (sheet) open now, if any: one at a time, on every screen size. */
  panel: Panel | null;
  /** Whom the private line writes to (null: nobody chosen yet; the facilitator chooses). */
  privateTo: number | null;
  /** "Reply" asked for the private line's message box to take focus (once, then cleared). */
  privateFocus: boolean;
  /**
   * For facilitators: who called for attention (a signal, a private message, the lobby,
   * "Leave quickly") and was not yet seen on this page (./attention.ts).
   */
  attention: Attention[];
  /** Counts calls for attention heard on this page (the newest call's `order`). */
  attentionTick: number;
  /** A soft sound for each new call: chosen by the facilitator, off by default. */
  attentionSound: boolean;
  /** The one person's menu open now (its key), if any: opening one closes the other. */
  menu: string | null;
}

/** The room's panels, opened from the toolbar (on a phone as sheets over the stage). */
export type Panel = "people" | "chat" | "private" | "facilitator" | "settings" | "more";

/** At most this many chat messages are kept (the oldest go first). */
export const CHAT_KEEP = 200;
export const PRIVATE_KEEP = 200;
export const SIGNALS_KEEP = 50;
export const REACTIONS_KEEP = 8;

export type RoomAction =
  | { type: "joined"; ack: Ack<{ data: JoinData }>; now: number }
  | { type: "server"; event: ServerEvent; data: ServerEvents[ServerEvent]; now: number }
  | { type: "connection"; state: ConnectionState }
  | { type: "sentPrivate"; message: PrivateMessage }
  | { type: "chatRefused"; code: string }
  | { type: "left" }
  | { type: "expire"; now: number }
  | { type: "panel"; panel: Panel | null }
  /**
   * Open the private line, addressed to this person. "Reply" (`focus` left out) also puts the
   * focus in the message box and counts as having seen their call; choosing a name in the
   * line's own list (`focus: false`) only addresses it.
   */
  | { type: "replyTo"; userId: number; focus?: boolean }
  /** The private line's message box took the focus "Reply" asked for. */
  | { type: "replyFocused" }
  /** A facilitator saw this person's call for attention ("Seen"). */
  | { type: "acknowledge"; userId: number }
  | { type: "attentionSound"; on: boolean }
  /** Open one person's menu (closing any other), or close it (null). */
  | { type: "menu"; menu: string | null };

export function initialModel(me: Me): RoomModel {
  return {
    me,
    screen: { kind: "connecting" },
    connection: "connecting",
    room: null,
    facilitator: null,
    lobby: null,
    clockOffset: 0,
    chat: [],
    chatMuted: false,
    topicTexts: {},
    privateLines: [],
    signals: [],
    reactions: [],
    seq: 0,
    panel: null,
    privateTo: null,
    privateFocus: false,
    attention: [],
    attentionTick: 0,
    attentionSound: false,
    menu: null,
  };
}

/** Screens after which nothing from the meeting changes what the page shows. */
export function isFinal(screen: Screen): boolean {
  return (
    ["declined", "removed", "ended", "left"].includes(screen.kind) ||
    (screen.kind === "refused" && screen.final)
  );
}

const REACTION_SHOWN_MS = 10_000;

function last<T>(items: T[], keep: number): T[] {
  return items.length > keep ? items.slice(items.length - keep) : items;
}

function newer<T extends { version: number }>(current: T | null, next: T): boolean {
  return current === null || next.version >= current.version;
}

/** A `room_state`; a facilitator's carries their own part, kept apart as `facilitator`. */
function withRoom(model: RoomModel, snapshot: RoomSnapshot, now: number): RoomModel {
  if (!newer(model.room, snapshot)) {
    return model;
  }
  const { facilitator, ...room } = snapshot;
  const screen =
    model.screen.kind === "connecting" || model.screen.kind === "lobby"
      ? { kind: "room" as const }
      : model.screen;
  const next = {
    ...model,
    room,
    facilitator: facilitator ?? model.facilitator,
    screen,
    clockOffset: room.server_time - now / 1000,
  };
  return facilitator ? withLobbyCalls(next, model.facilitator?.lobby ?? null) : next;
}

/** Whoever is new in the lobby calls for attention; whoever left it no longer waits. */
function withLobbyCalls(model: RoomModel, before: FacilitatorSnapshot["lobby"] | null): RoomModel {
  if (!model.facilitator || !facilitates(model.me.role)) {
    return model;
  }
  let tick = model.attentionTick;
  const attention = lobbyCalls(model.attention, before, model.facilitator.lobby, () => ++tick);
  return { ...model, attention, attentionTick: tick };
}

/** One more call for attention (facilitators' pages only; never one's own). */
function withCall(model: RoomModel, from: Sender, kind: AttentionKind, at: number): RoomModel {
  if (!facilitates(model.me.role) || from.user_id === model.me.userId) {
    return model;
  }
  const tick = model.attentionTick + 1;
  const call = { userId: from.user_id, name: from.name, kind, at };
  return { ...model, attention: addCall(model.attention, call, tick), attentionTick: tick };
}

function joined(model: RoomModel, action: Extract<RoomAction, { type: "joined" }>): RoomModel {
  const { ack, now } = action;
  if (!ack.ok) {
    const { code, message } = ack.error;
    return {
      ...model,
      screen: { kind: "refused", code, message, final: FINAL_JOIN_ERRORS.includes(code) },
    };
  }
  const data = ack.data;
  if (data.where === "lobby") {
    return { ...model, screen: { kind: "lobby" }, lobby: data.lobby ?? model.lobby };
  }
  const next: RoomModel = { ...model, screen: { kind: "room" } };
  // A fresh join: this snapshot is the truth, whatever version the page had.
  return data.room ? withRoom({ ...next, room: null }, data.room, now) : next;
}

function fromServer(model: RoomModel, action: Extract<RoomAction, { type: "server" }>): RoomModel {
  const seq = model.seq + 1;
  const key = `n${seq}`;
  switch (action.event) {
    case "room_state":
      return withRoom(model, action.data as ServerEvents["room_state"], action.now);
    case "lobby_state": {
      const data = action.data as ServerEvents["lobby_state"];
      return newer(model.lobby, data) ? { ...model, lobby: data } : model;
    }
    case "admitted":
      return { ...model, screen: { kind: "room" } };
    case "declined": {
      const { message } = action.data as ServerEvents["declined"];
      return { ...forgetMeeting(model), screen: { kind: "declined", message } };
    }
    case "removed": {
      const { scope } = action.data as ServerEvents["removed"];
      return { ...forgetMeeting(model), screen: { kind: "removed", scope } };
    }
    case "meeting_ended": {
      const { reason } = action.data as ServerEvents["meeting_ended"];
      return { ...forgetMeeting(model), screen: { kind: "ended", reason } };
    }
    case "chat":
      return { ...model, chat: last([...model.chat, action.data as ChatMessage], CHAT_KEEP) };
    case "chat_deleted": {
      const { id } = action.data as ServerEvents["chat_deleted"];
      return { ...model, chat: model.chat.filter((message) => message.id !== id) };
    }
    case "chat_muted":
      return { ...model, chatMuted: (action.data as ServerEvents["chat_muted"]).muted };
    case "private_message":
      return privateMessage(model, action.data as PrivateMessage);
    case "private_signal": {
      const { from, kind, at } = action.data as ServerEvents["private_signal"];
      const next = {
        ...model,
        seq,
        signals: last([...model.signals, { key, from, kind, at }], SIGNALS_KEEP),
      };
      return withCall(next, from, signalCall(kind), at);
    }
    case "reaction": {
      const { from, kind } = action.data as ServerEvents["reaction"];
      const line = { key, from, kind, receivedAt: action.now };
      return { ...model, seq, reactions: last([...model.reactions, line], REACTIONS_KEEP) };
    }
    case "topic_proposed": {
      const { id, text } = action.data as ServerEvents["topic_proposed"];
      return { ...model, topicTexts: { ...model.topicTexts, [id]: text } };
    }
    case "time_up":
      // Shown from the floor's `time_up` in room_state; the notice is only announced.
      return model;
    case "rtc_signal":
    case "mute_request":
    case "unmute_request":
      // Media: for the media layer (docs/media.md), nothing the room's model keeps.
      return model;
  }
}

/**
 * A private message: kept in the line; for a facilitator, one written to the facilitators (or
 * to them) calls for attention, and their own reply counts as having seen the person's call.
 */
function privateMessage(model: RoomModel, message: PrivateMessage): RoomModel {
  const next = addPrivate(model, message);
  if (next === model) {
    return model;
  }
  const me = model.me.userId;
  if (message.from.user_id === me) {
    return message.to
      ? { ...next, attention: acknowledge(next.attention, message.to.user_id) }
      : next;
  }
  if (message.to === null || message.to.user_id === me) {
    return withCall(next, message.from, "message", message.at);
  }
  return next;
}

function addPrivate(model: RoomModel, message: PrivateMessage): RoomModel {
  if (model.privateLines.some((line) => line.id === message.id)) {
    return model;
  }
  return { ...model, privateLines: last([...model.privateLines, message], PRIVATE_KEEP) };
}

/** What the meeting said is dropped once the person is out of it (ended, removed, left). */
function forgetMeeting(model: RoomModel): RoomModel {
  return {
    ...model,
    room: null,
    facilitator: null,
    lobby: null,
    chat: [],
    topicTexts: {},
    privateLines: [],
    signals: [],
    reactions: [],
    attention: [],
    privateTo: null,
    privateFocus: false,
    menu: null,
  };
}

export function reduce(model: RoomModel, action: RoomAction): RoomModel {
  if (isFinal(model.screen) && action.type !== "connection") {
    return model;
  }
  switch (action.type) {
    case "joined":
      return joined(model, action);
    case "server":
      return fromServer(model, action);
    case "connection":
      return model.connection === action.state ? model : { ...model, connection: action.state };
    case "sentPrivate":
      return addPrivate(model, action.message);
    case "chatRefused":
      return action.code === "chat_muted" ? { ...model, chatMuted: true } : model;
    case "left":
      return { ...forgetMeeting(model), screen: { kind: "left" } };
    case "expire": {
      const reactions = model.reactions.filter(
        (line) => action.now - line.receivedAt < REACTION_SHOWN_MS,
      );
      return reactions.length === model.reactions.length ? model : { ...model, reactions };
    }
    case "panel":
      return model.panel === action.panel && model.menu === null
        ? model
        : { ...model, panel: action.panel, menu: null };
    case "replyTo":
      return action.focus === false
        ? { ...model, panel: "private", privateTo: action.userId }
        : {
            ...model,
            panel: "private",
            privateTo: action.userId,
            privateFocus: true,
            menu: null,
            attention: acknowledge(model.attention, action.userId),
          };
    case "replyFocused":
      return model.privateFocus ? { ...model, privateFocus: false } : model;
    case "acknowledge": {
      const attention = acknowledge(model.attention, action.userId);
      return attention === model.attention ? model : { ...model, attention };
    }
    case "attentionSound":
      return model.attentionSound === action.on ? model : { ...model, attentionSound: action.on };
    case "menu":
      return model.menu === action.menu ? model : { ...model, menu: action.menu };
  }
}

/**
 * The one holder of the page's room model: listeners are told of every change. `clear()` (for
 * the quick exit) drops everything the meeting said and who was there.
 */
export class RoomStore {
  private model: RoomModel;
  private readonly listeners = new Set<(model: RoomModel, previous: RoomModel) => void>();

  constructor(private readonly me: Me) {
    this.model = initialModel(me);
  }

  get(): RoomModel {
    return this.model;
  }

  dispatch(action: RoomAction): void {
    const previous = this.model;
    const next = reduce(previous, action);
    if (next === previous) {
      return;
    }
    this.model = next;
    for (const listener of [...this.listeners]) {
      listener(next, previous);
    }
  }

  subscribe(listener: (model: RoomModel, previous: RoomModel) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.listeners.clear();
    this.model = initialModel(this.me);
  }
}
