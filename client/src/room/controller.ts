/**
 * Wires a meeting's connection to the room model and to what is announced: every server event
 * and join answer goes through the store; announcements come from the changes. DOM-free.
 */

import type { Ack } from "../protocol/ack";
import type { ConnectionState } from "../protocol/connection";
import {
  type JoinData,
  SERVER_EVENTS,
  type ServerEvent,
  type ServerEvents,
} from "../protocol/events";
import { type Announcement, announcementForNotice, announcementsFor } from "./changes";
import { type RoomStore, isFinal } from "./model";

/** The part of a RoomConnection the controller uses (tests pass a fake). */
export interface ConnectionLike {
  onState(listener: (state: ConnectionState) => void): () => void;
  onJoin(listener: (ack: Ack<{ data: JoinData }>) => void): () => void;
  on<E extends ServerEvent>(event: E, handler: (data: ServerEvents[E]) => void): () => void;
  close(): void;
}

export function connectRoom(
  connection: ConnectionLike,
  store: RoomStore,
  speak: (announcement: Announcement) => void,
  clock: () => number = Date.now,
): () => void {
  const stops: Array<() => void> = [
    connection.onState((state) => store.dispatch({ type: "connection", state })),
    connection.onJoin((ack) => store.dispatch({ type: "joined", ack, now: clock() })),
    store.subscribe((next, previous) => {
      for (const announcement of announcementsFor(previous, next)) {
        speak(announcement);
      }
      if (isFinal(next.screen) && !isFinal(previous.screen)) {
        // Declined, removed, ended or left: nothing more to hear from this meeting.
        connection.close();
      }
    }),
  ];
  for (const event of SERVER_EVENTS) {
    stops.push(
      connection.on(event, (data) => {
        const said =
          store.get().screen.kind === "room"
            ? announcementForNotice(event, data, store.get())
            : null;
        store.dispatch({ type: "server", event, data, now: clock() });
        if (said) {
          speak(said);
        }
      }),
    );
  }
  return () => stops.forEach((stop) => stop());
}
