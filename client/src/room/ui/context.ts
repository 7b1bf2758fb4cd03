/**
 * What every part of the room's UI reaches through context: the model's store, a way to send
 * requests, and the page's links. Tests give their own (a fake `send`).
 */

import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import type { Ack } from "../../protocol/ack";
import type { ClientEvent, PayloadOf, ReplyOf } from "../../protocol/events";
import type { MediaView, RoomMedia } from "../media";
import type { RoomModel, RoomStore } from "../model";
import type { HelpLine } from "./HelpLines";

export type RequestEvent = Exclude<ClientEvent, "join">;
export type Send = <E extends RequestEvent>(
  event: E,
  payload: PayloadOf<E>,
) => Promise<Ack<ReplyOf<E>>>;

export interface RoomLinks {
  /** The person's meetings (after the meeting, or on leaving). */
  dashboard: string;
  /** The meeting's page (the agreement). */
  entry: string;
  /** Safety and help. */
  safety: string;
}

export interface RoomApi {
  store: RoomStore;
  send: Send;
  /** Leave on purpose (not the quick exit). */
  leave(): void;
  /** Try to join again after a refusal that may pass. */
  retry(): void;
  links: RoomLinks;
  /** The meeting's name for the heading. */
  title: string;
  /** Sound and picture (absent: the room shows none, as in most of the UI's tests). */
  media?: RoomMedia;
  /** Change the page's language in place, keeping the meeting, chat and media as they are. */
  switchLanguage?: (language: string) => Promise<void>;
  /** The organisation's help lines, for the lobby and the screens after the meeting. */
  helpLines?: readonly HelpLine[];
}

export const RoomContext = createContext<RoomApi | null>(null);

export function useRoom(): RoomApi {
  const api = useContext(RoomContext);
  if (!api) {
    throw new Error("The room's UI needs a RoomContext.");
  }
  return api;
}

/** The current model; the component renders again on every change. */
export function useModel(): RoomModel {
  const { store } = useRoom();
  const [model, setModel] = useState(store.get());
  useEffect(() => {
    setModel(store.get());
    return store.subscribe((next) => setModel(next));
  }, [store]);
  return model;
}

/** The time in milliseconds, renewed every `everyMs` while `active` (for countdowns). */
export function useNow(active: boolean, everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) {
      return undefined;
    }
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  return now;
}

/** What the room's sound and picture show now; renders again on every change. */
export function useMediaView(media: RoomMedia): MediaView {
  const [view, setView] = useState(media.get());
  useEffect(() => {
    setView(media.get());
    return media.subscribe((next) => setView(next));
  }, [media]);
  return view;
}
