/**
 * What to tell screen-reader users when the room changes: pure functions from the model before
 * and after (and from relayed notices) to announcements. The UI translates and speaks them.
 */

import type { MessageKey } from "../i18n";
import type { ServerEvent, ServerEvents } from "../protocol/events";
import { facilitates, nameOf } from "./derive";
import type { RoomModel } from "./model";

export interface Announcement {
  key: MessageKey;
  /** Values put into the text: as they are, or (`{key}`) translated first. */
  params?: Record<string, string | { key: MessageKey }>;
  /** Only for "you were removed" and "the meeting ended". */
  assertive?: boolean;
  /** A chat message: spoken at most every few seconds (see Announcer). */
  chat?: boolean;
}

const ROUND_NAMES: Record<string, MessageKey> = {
  check_in: "roundCheckIn",
  check_out: "roundCheckOut",
  custom: "roundCustom",
};

export function roundKindKey(kind: string): MessageKey {
  return ROUND_NAMES[kind] ?? "roundCustom";
}

function screenChange(prev: RoomModel, next: RoomModel): Announcement[] {
  const was = prev.screen.kind;
  const is = next.screen.kind;
  if (was === is) {
    return [];
  }
  switch (is) {
    case "lobby":
      return [{ key: "lobbyHeading" }];
    case "room":
      return [{ key: "sayAdmitted" }];
    case "removed":
      return [
        {
          key:
            next.screen.kind === "removed" && next.screen.scope === "group"
              ? "removedGroupHeading"
              : "removedHeading",
          assertive: true,
        },
      ];
    case "ended":
      return [{ key: "endedHeading", assertive: true }];
    case "declined":
      return [{ key: "declinedHeading", assertive: true }];
    default:
      return [];
  }
}

function connectionChange(prev: RoomModel, next: RoomModel): Announcement[] {
  if (prev.connection === next.connection) {
    return [];
  }
  if (next.connection === "reconnecting") {
    return [{ key: "reconnecting" }];
  }
  if (next.connection === "connected" && prev.connection === "reconnecting") {
    return [{ key: "reconnected" }];
  }
  return [];
}

function roomChange(prev: RoomModel, next: RoomModel): Announcement[] {
  const before = prev.room;
  const after = next.room;
  // The first snapshot after admission is covered by "You are in the meeting".
  if (!before || !after || prev.screen.kind !== "room" || next.screen.kind !== "room") {
    return [];
  }
  const me = next.me.userId;
  const said: Announcement[] = [];
  const turn = (userId: number): Announcement =>
    userId === me
      ? { key: "sayYourTurn" }
      : { key: "sayRoundTurn", params: { name: nameOf(after, userId) } };

  if (!before.round && after.round) {
    said.push(
      { key: "sayRoundStarted", params: { kind: { key: roundKindKey(after.round.kind) } } },
      turn(after.round.current),
    );
  } else if (before.round && !after.round) {
    said.push({ key: "sayRoundEnded" });
  } else if (before.round && after.round && before.round.current !== after.round.current) {
    said.push(turn(after.round.current));
  }
  const floorBefore = before.floor?.user_id ?? null;
  const floorAfter = after.floor?.user_id ?? null;
  if (!after.round && floorAfter !== null && floorAfter !== floorBefore) {
    said.push(
      floorAfter === me
        ? { key: "sayYouHaveFloor" }
        : { key: "sayFloorTo", params: { name: nameOf(after, floorAfter) } },
    );
  }
  if (!before.break && after.break) {
    const minutes = Math.max(1, Math.round((after.break.until - after.server_time) / 60));
    said.push({ key: "sayBreakStarted", params: { minutes: String(minutes) } });
  } else if (before.break && !after.break) {
    said.push({ key: "sayBreakEnded" });
  }
  if (!before.holding && after.holding && !facilitates(next.me.role)) {
    said.push({ key: "holdingNotice" });
  } else if (before.holding && !after.holding && !facilitates(next.me.role)) {
    said.push({ key: "sayHoldingOver" });
  }
  if (!before.content_warning && after.content_warning) {
    said.push({ key: "sayContentWarning" });
  }
  if (before.chat_enabled !== after.chat_enabled) {
    said.push({ key: after.chat_enabled ? "sayChatOn" : "chatOffNotice" });
  }
  // Floor mode by the facilitators' switch (a round's own floor mode goes with the round).
  if (before.floor_mode !== after.floor_mode && !before.round === !after.round) {
    said.push({ key: after.floor_mode ? "sayFloorModeOn" : "sayFloorModeOff" });
  }
  return said;
}

/**
 * Who arrives in the lobby, for facilitators: also whoever is already waiting when the
 * facilitator comes in (each is a call for their attention: ./attention.ts).
 */
function lobbyChange(prev: RoomModel, next: RoomModel): Announcement[] {
  if (!next.facilitator || prev.facilitator === next.facilitator) {
    return [];
  }
  const waiting = new Set((prev.facilitator?.lobby ?? []).map((p) => p.user_id));
  return next.facilitator.lobby
    .filter((p) => !waiting.has(p.user_id))
    .map((p) => ({ key: "sayLobbyArrival" as const, params: { name: p.name } }));
}

/** What changed between two models, in the order it should be said. */
export function announcementsFor(prev: RoomModel, next: RoomModel): Announcement[] {
  return [
    ...screenChange(prev, next),
    ...connectionChange(prev, next),
    ...roomChange(prev, next),
    ...lobbyChange(prev, next),
  ];
}

/** What a relayed notice should say (snapshots say nothing here: see `announcementsFor`). */
export function announcementForNotice<E extends ServerEvent>(
  event: E,
  data: ServerEvents[E],
  model: RoomModel,
): Announcement | null {
  const me = model.me.userId;
  switch (event) {
    case "chat": {
      const message = data as ServerEvents["chat"];
      return message.from.user_id === me
        ? null
        : { key: "sayChat", params: { name: message.from.name, text: message.text }, chat: true };
    }
    case "time_up": {
      const { user_id } = data as ServerEvents["time_up"];
      return user_id === me
        ? { key: "sayTimeUpYou" }
        : { key: "sayTimeUp", params: { name: nameOf(model.room, user_id) } };
    }
    case "private_message": {
      const message = data as ServerEvents["private_message"];
      return message.from.user_id === me
        ? null
        : { key: "sayPrivate", params: { name: message.from.name } };
    }
    case "private_signal": {
      const signal = data as ServerEvents["private_signal"];
      if (signal.kind === "left_quickly") {
        return { key: "sayLeftQuickly", params: { name: signal.from.name } };
      }
      const kind: MessageKey = signal.kind === "not_ok" ? "signalNotOk" : "signalNeedBreak";
      return { key: "saySignal", params: { name: signal.from.name, kind: { key: kind } } };
    }
    case "chat_muted":
      return {
        key: (data as ServerEvents["chat_muted"]).muted ? "chatMutedNotice" : "sayChatUnmuted",
      };
    default:
      return null;
  }
}
