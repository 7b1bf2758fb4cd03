/**
 * The protocol's typed event maps, mirroring docs/protocol.md.
 *
 * `ClientRequests`: what the browser sends, each with its payload and the fields of its
 * `{ok: true}` acknowledgement. `ServerEvents`: what the server pushes.
 */

/** One request: what is sent, and what a successful acknowledgement carries besides `ok`. */
export interface RequestSpec {
  payload: object;
  reply: object;
}

/**
 * The server's successes are `{ok: true, data: {...}}` (server/room/dispatch.py), so a request's
 * reply is written `Data<{...}>`.
 */
export interface Data<T extends object> {
  data: T;
}

/** A map of requests by event name (`interface`s fit too: the bound refers to the map itself). */
export type RequestMap<M> = { [E in keyof M]: RequestSpec };

// Filled in from docs/protocol.md (being written alongside the server's room events).
export type ClientRequests = Record<never, RequestSpec>;

export type ServerEvents = Record<never, never>;

/** Every error code the server may send (server/room/errors.py, docs/protocol.md). */
export const SERVER_ERROR_CODES = [
  "not_logged_in",
  "not_member",
  "not_open",
  "ack_required",
  "locked",
  "full",
  "barred",
  "not_joined",
  "wrong_meeting",
  "not_admitted",
  "forbidden",
  "not_present",
  "not_in_queue",
  "queue_empty",
  "no_floor",
  "not_your_turn",
  "round_active",
  "no_round",
  "on_break",
  "on_hold",
  "no_facilitator",
  "chat_off",
  "chat_muted",
  "rate_limited",
  "unknown_topic",
  "too_many_topics",
  "invalid",
  "unknown_event",
  "internal",
] as const;
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];
