/** Room snapshots for the media layer's tests (people 1, 2 and 3; 1 facilitates). */

import type { RoomPerson, RoomSnapshot } from "../../protocol/events";

export const person = (user_id: number, connected = true): RoomPerson => ({
  user_id,
  name: `P${user_id}`,
  role: user_id === 1 ? "facilitator" : "participant",
  status: "here",
  connected,
  mic: false,
  camera: false,
  muted: false,
});

export function room(version: number, overrides: Partial<RoomSnapshot> = {}): RoomSnapshot {
  const people = overrides.people ?? [person(1), person(2), person(3)];
  return {
    meeting_id: 7,
    version,
    server_time: 0,
    people,
    queue: [],
    floor: null,
    turn_limit: null,
    round: null,
    locked: false,
    chat_enabled: true,
    holding: false,
    break: null,
    content_warning: false,
    topics: [],
    picked_topic: null,
    floor_mode: false,
    may_speak: people.map((p) => p.user_id),
    ...overrides,
  };
}

export const floorOf = (user_id: number): RoomSnapshot["floor"] => ({
  user_id,
  via: "given",
  deadline: null,
  time_up: false,
  paused: false,
});
