/**
 * Calls for a facilitator's attention: a discreet signal ("I'm not OK", "I need a break"), a
 * private message, someone arriving in the lobby, someone leaving with "Leave quickly". Each
 * person with a call is marked (by their name, on their tile, in the list at the top of the
 * facilitator's screen) until a facilitator on this page says "Seen" or replies.
 *
 * Part of the room model (`RoomModel.attention`): page memory only, never the browser's
 * storage, dropped with the rest on quick exit. DOM-free and pure.
 */

import type { LobbyPerson, ReceivedSignalKind } from "../protocol/events";
import type { RoomModel } from "./model";

export type AttentionKind = "left_quickly" | "not_ok" | "need_break" | "message" | "lobby";

/** Most pressing first: the order a mark names them in. */
export const ATTENTION_KINDS: readonly AttentionKind[] = [
  "left_quickly",
  "not_ok",
  "need_break",
  "message",
  "lobby",
];

export interface Attention {
  userId: number;
  /** The name they had when they called (they may have left since). */
  name: string;
  /** What asked for attention, each once, most pressing first. */
  kinds: AttentionKind[];
  /** When the first and the latest call came (server seconds). */
  since: number;
  at: number;
  /** Goes up with every call this page hears: the newest call has the highest. */
  order: number;
}

export interface Call {
  userId: number;
  name: string;
  kind: AttentionKind;
  at: number;
}

function byPressure(kinds: Iterable<AttentionKind>): AttentionKind[] {
  const set = new Set(kinds);
  return ATTENTION_KINDS.filter((kind) => set.has(kind));
}

/** A signal's kind as a call (a kind this client does not know yet counts as "not OK"). */
export function signalCall(kind: ReceivedSignalKind): AttentionKind {
  return (ATTENTION_KINDS as readonly string[]).includes(kind) ? (kind as AttentionKind) : "not_ok";
}

/** One more call: the person's entry gets the kind and becomes the newest (`order`). */
export function addCall(list: readonly Attention[], call: Call, order: number): Attention[] {
  const current = list.find((entry) => entry.userId === call.userId);
  const entry: Attention = current
    ? {
        ...current,
        name: call.name,
        kinds: byPressure([...current.kinds, call.kind]),
        at: Math.max(current.at, call.at),
        order,
      }
    : { userId: call.userId, name: call.name, kinds: [call.kind], since: call.at, at: call.at, order };
  return [...list.filter((other) => other.userId !== call.userId), entry];
}

/** A facilitator saw it (or replied): the person's mark goes. */
export function acknowledge(list: readonly Attention[], userId: number): Attention[] {
  return list.some((entry) => entry.userId === userId)
    ? list.filter((entry) => entry.userId !== userId)
    : (list as Attention[]);
}

/**
 * The lobby changed: whoever is new there calls ("waiting to come in"); whoever is no longer
 * there (admitted, declined, gone) no longer waits, so that part of their mark goes by itself.
 * `before` is null on the facilitator's first snapshot: everyone waiting then is new to them.
 */
export function lobbyCalls(
  list: readonly Attention[],
  before: readonly LobbyPerson[] | null,
  after: readonly LobbyPerson[],
  nextOrder: () => number,
): Attention[] {
  const waitedBefore = new Set((before ?? []).map((who) => who.user_id));
  const waitingNow = new Set(after.map((who) => who.user_id));
  let next = list.flatMap((entry) => {
    if (!entry.kinds.includes("lobby") || waitingNow.has(entry.userId)) {
      return [entry];
    }
    const kinds = entry.kinds.filter((kind) => kind !== "lobby");
    return kinds.length > 0 ? [{ ...entry, kinds }] : [];
  });
  for (const who of after) {
    if (!waitedBefore.has(who.user_id)) {
      next = addCall(next, { userId: who.user_id, name: who.name, kind: "lobby", at: who.since }, nextOrder());
    }
  }
  return next;
}

/** The person's call for attention on this page, or null. */
export function attentionOf(model: RoomModel, userId: number): Attention | null {
  return model.attention.find((entry) => entry.userId === userId) ?? null;
}

/** Every call not yet seen, the newest first. */
export function attentionList(model: RoomModel): Attention[] {
  return [...model.attention].sort((a, b) => b.order - a.order);
}

/** Whether the person can be answered on the private line now (in the room or the lobby). */
export function canReply(model: RoomModel, userId: number): boolean {
  return (
    (model.room?.people.some((who) => who.user_id === userId) ?? false) ||
    (model.facilitator?.lobby.some((who) => who.user_id === userId) ?? false)
  );
}
