/**
 * What the room's screens show, derived from the model by pure functions (no DOM): my place
 * in the queue, whether I have the floor, whose turn it is in a round, countdowns.
 */

import type {
  LobbyPerson,
  PrivateMessage,
  Role,
  RoomPerson,
  RoomSnapshot,
  TopicView,
} from "../protocol/events";
import type { Me, ReactionLine } from "./model";

export function facilitates(role: Role): boolean {
  return role === "facilitator" || role === "co_facilitator";
}

export function person(room: RoomSnapshot | null, userId: number): RoomPerson | undefined {
  return room?.people.find((p) => p.user_id === userId);
}

/**
 * A facilitator's role, read from the server's roster by user id: never from a name, which
 * anyone can choose. Null for participants and for anyone no longer in the room.
 */
export function facilitatorRole(
  room: RoomSnapshot | null,
  userId: number,
): Exclude<Role, "participant"> | null {
  const role = person(room, userId)?.role;
  return role === "facilitator" || role === "co_facilitator" ? role : null;
}

/** A person's pseudonym, or `fallback` when they are no longer in the room. */
export function nameOf(room: RoomSnapshot | null, userId: number, fallback = "?"): string {
  return person(room, userId)?.name ?? fallback;
}

/** My place in the queue (1 = next), or null without a raised hand. */
export function queuePosition(room: RoomSnapshot | null, userId: number): number | null {
  const index = room?.queue.indexOf(userId) ?? -1;
  return index >= 0 ? index + 1 : null;
}

export function hasFloor(room: RoomSnapshot | null, userId: number): boolean {
  return room?.floor?.user_id === userId;
}

export interface RoundStep {
  userId: number;
  name: string;
  /** Their turn is over (spoken or passed: never shown differently). */
  done: boolean;
  current: boolean;
}

export interface RoundInfo {
  kind: NonNullable<RoomSnapshot["round"]>["kind"];
  steps: RoundStep[];
  currentId: number;
  /** 1-based position of the current turn, and how many turns there are. */
  position: number;
  total: number;
}

export function roundInfo(room: RoomSnapshot | null): RoundInfo | null {
  const round = room?.round;
  if (!room || !round) {
    return null;
  }
  const index = round.order.indexOf(round.current);
  const steps = round.order.map((userId, i) => ({
    userId,
    name: nameOf(room, userId),
    done: i < index,
    current: i === index,
  }));
  return {
    kind: round.kind,
    steps,
    currentId: round.current,
    position: index + 1,
    total: round.order.length,
  };
}

export function isMyTurn(room: RoomSnapshot | null, userId: number): boolean {
  return room?.round?.current === userId;
}

/** Whole seconds from now until `deadline` (server seconds), never below zero. */
export function secondsUntil(deadline: number, nowMs: number, clockOffset: number): number {
  const serverNow = nowMs / 1000 + clockOffset;
  return Math.max(0, Math.ceil(deadline - serverNow));
}

/** "4:05", "0:09", "1:02:03". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

export interface FloorClock {
  /** Seconds left on the turn limit; null without a limit (or while paused without one). */
  secondsLeft: number | null;
  timeUp: boolean;
  paused: boolean;
}

export function floorClock(
  room: RoomSnapshot | null,
  nowMs: number,
  clockOffset: number,
): FloorClock | null {
  const floor = room?.floor;
  if (!floor) {
    return null;
  }
  const secondsLeft =
    floor.deadline === null ? null : secondsUntil(floor.deadline, nowMs, clockOffset);
  return { secondsLeft, timeUp: floor.time_up, paused: floor.paused };
}

export function breakSecondsLeft(
  room: RoomSnapshot | null,
  nowMs: number,
  clockOffset: number,
): number | null {
  const pause = room?.break;
  return pause ? secondsUntil(pause.until, nowMs, clockOffset) : null;
}

export interface TopicItem {
  id: string;
  /** Null when it was proposed before this page came in (texts are relayed once). */
  text: string | null;
  votes: number;
  votedByMe: boolean;
  proposedByMe: boolean;
  picked: boolean;
}

/** Topics, the picked one first, then by votes (ties keep the order they came in). */
export function topicItems(
  room: RoomSnapshot | null,
  texts: Readonly<Record<string, string>>,
  userId: number,
): TopicItem[] {
  if (!room) {
    return [];
  }
  const item = (topic: TopicView): TopicItem => ({
    id: topic.id,
    text: texts[topic.id] ?? null,
    votes: topic.voters.length,
    votedByMe: topic.voters.includes(userId),
    proposedByMe: topic.proposer === userId,
    picked: room.picked_topic === topic.id,
  });
  return room.topics
    .map(item)
    .map((topic, index) => ({ topic, index }))
    .sort(
      (a, b) =>
        Number(b.topic.picked) - Number(a.topic.picked) ||
        b.topic.votes - a.topic.votes ||
        a.index - b.index,
    )
    .map(({ topic }) => topic);
}

export const REACTION_SHOWN_MS = 10_000;

export function visibleReactions(reactions: ReactionLine[], nowMs: number): ReactionLine[] {
  return reactions.filter((line) => nowMs - line.receivedAt < REACTION_SHOWN_MS);
}

export interface PrivateThread {
  /** The participant the thread is with. */
  userId: number;
  name: string;
  lines: PrivateMessage[];
}

/**
 * For facilitators: the private line by participant (messages to the facilitators, and
 * replies to that person), the most recently active first.
 */
export function privateThreads(lines: PrivateMessage[]): PrivateThread[] {
  const threads = new Map<number, PrivateThread & { lastIndex: number }>();
  lines.forEach((line, index) => {
    const other = line.to ?? line.from;
    const thread = threads.get(other.user_id) ?? {
      userId: other.user_id,
      name: other.name,
      lines: [],
      lastIndex: 0,
    };
    thread.lines.push(line);
    thread.lastIndex = index;
    threads.set(other.user_id, thread);
  });
  return [...threads.values()]
    .sort((a, b) => b.lastIndex - a.lastIndex)
    .map(({ userId, name, lines: threadLines }) => ({ userId, name, lines: threadLines }));
}

export interface PrivateRecipient {
  user_id: number;
  name: string;
  /** Waiting in the lobby (a private message reaches them there too). */
  waiting: boolean;
}

/**
 * Who a facilitator can write to privately: the participants present, in the room's order,
 * then those waiting in the lobby.
 */
export function privateRecipients(
  room: RoomSnapshot | null,
  me: Me,
  lobby: readonly LobbyPerson[] = [],
): PrivateRecipient[] {
  const inRoom = (room?.people ?? [])
    .filter((p) => p.user_id !== me.userId && !facilitates(p.role))
    .map((p) => ({ user_id: p.user_id, name: p.name, waiting: false }));
  const present = new Set(inRoom.map((p) => p.user_id));
  const waiting = lobby
    .filter((p) => p.user_id !== me.userId && !present.has(p.user_id) && !facilitates(p.role))
    .map((p) => ({ user_id: p.user_id, name: p.name, waiting: true }));
  return [...inRoom, ...waiting];
}
