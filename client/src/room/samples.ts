/** Sample snapshots for the room's tests (never used by the page). */

import type { FacilitatorSnapshot, RoomPerson, RoomSnapshot } from "../protocol/events";
import type { Me } from "./model";

export const FACILITATOR: Me = { userId: 1, name: "Mira", role: "facilitator" };
export const PARTICIPANT: Me = { userId: 3, name: "Birch", role: "participant" };

export const PEOPLE: RoomPerson[] = [
  { user_id: 1, name: "Mira", role: "facilitator", status: "here", connected: true, mic: false, camera: false, muted: false },
  { user_id: 2, name: "Jonas", role: "co_facilitator", status: "here", connected: true, mic: false, camera: false, muted: false },
  { user_id: 3, name: "Birch", role: "participant", status: "here", connected: true, mic: false, camera: false, muted: false },
  { user_id: 4, name: "Heron", role: "participant", status: "here", connected: true, mic: false, camera: false, muted: false },
  { user_id: 5, name: "Willow", role: "participant", status: "away", connected: false, mic: false, camera: false, muted: false },
];

/** The floor held by ``user_id``, given by a facilitator, with no time limit. */
export const floorOf = (user_id: number): RoomSnapshot["floor"] => ({
  user_id,
  via: "given",
  deadline: null,
  time_up: false,
  paused: false,
});

export function roomSnapshot(overrides: Partial<RoomSnapshot> = {}): RoomSnapshot {
  return {
    meeting_id: 7,
    version: 1,
    server_time: 1_000_000,
    people: PEOPLE,
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
    may_speak: PEOPLE.map((p) => p.user_id),
    ...overrides,
  };
}

export function facilitatorSnapshot(
  overrides: Partial<FacilitatorSnapshot> = {},
): FacilitatorSnapshot {
  return {
    meeting_id: 7,
    version: 1,
    lobby: [],
    barred: [],
    chat_muted: [],
    auto_admit: false,
    capacity: 6,
    floor_mode_switch: false,
    balance: [],
    ...overrides,
  };
}
