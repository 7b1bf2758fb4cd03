/**
 * The protocol's typed event maps, mirroring docs/protocol.md.
 *
 * `ClientRequests`: what the browser sends, each with its payload and the fields of its
 * `{ok: true}` acknowledgement. `ServerEvents`: what the server pushes. `events.test.ts` checks
 * the names and payload fields against the document.
 */

/** One request: what is sent, and what a successful acknowledgement carries besides `ok`. */
export interface RequestSpec {
  payload: object;
  reply: object;
}

/**
 * The server's successes are `{ok: true, data: {...}}` (server/room/socket/dispatch.py), so a request's
 * reply is written `Data<{...}>`.
 */
export interface Data<T extends object> {
  data: T;
}

/** A map of requests by event name (`interface`s fit too: the bound refers to the map itself). */
export type RequestMap<M> = { [E in keyof M]: RequestSpec };

// ---------- what the snapshots and notices are made of ----------

export type Role = "facilitator" | "co_facilitator" | "participant";
/** `away`: stepping out for a moment. */
export type PresenceStatus = "here" | "away";
export type FloorVia = "queue" | "given" | "round";
export type RoundKind = "check_in" | "check_out" | "custom";
export type SignalKind = "need_break" | "not_ok";
/** What facilitators receive: a signal someone sent, or `left_quickly` (they used "Leave quickly"). */
export type ReceivedSignalKind = SignalKind | "left_quickly";
export type ReactionKind = "hear_you" | "me_too" | "thank_you";
export type RemovalScope = "meeting" | "group";
export type EndReason = "ended" | "closed";

export const ROUND_KINDS: readonly RoundKind[] = ["check_in", "check_out", "custom"];
export const SIGNAL_KINDS: readonly SignalKind[] = ["need_break", "not_ok"];
export const REACTION_KINDS: readonly ReactionKind[] = ["hear_you", "me_too", "thank_you"];

/** Limits the server checks (docs/protocol.md); the client checks them first to say so early. */
export const LIMITS = {
  chat: 1000,
  privateMessage: 1000,
  topic: 200,
  declineMessage: 200,
  turnLimitMin: 15,
  turnLimitMax: 3600,
  breakMinutesMin: 1,
  breakMinutesMax: 60,
} as const;

/** Someone by pseudonym. */
export interface Sender {
  user_id: number;
  name: string;
}

export interface RoomPerson {
  user_id: number;
  name: string;
  role: Role;
  status: PresenceStatus;
  connected: boolean;
  /** What their browser reports: microphone on (only while they may speak), camera on. */
  mic: boolean;
  camera: boolean;
  /** A facilitator muted them (until they turn their microphone on again). */
  muted: boolean;
}

export interface FloorView {
  user_id: number;
  via: FloorVia;
  /** Seconds since the epoch (server clock), or null without a turn limit. */
  deadline: number | null;
  time_up: boolean;
  /** On a break or while every facilitator is reconnecting. */
  paused: boolean;
}

export interface RoundView {
  kind: RoundKind;
  order: number[];
  /** The user id whose turn it is. */
  current: number;
}

export interface TopicView {
  id: string;
  proposer: number;
  voters: number[];
}

interface Versioned {
  meeting_id: number;
  /** Goes up with every change: a client ignores a snapshot older than the one it has. */
  version: number;
}

/**
 * `room_state`: what everyone admitted sees. A facilitator's also carries `facilitator`. The
 * socket whose request changed the room gets it in that request's acknowledgement (`room` in
 * its data) instead of a frame of its own; `RoomConnection` hands it to the `room_state`
 * handlers all the same.
 */
export interface RoomSnapshot extends Versioned {
  server_time: number;
  people: RoomPerson[];
  queue: number[];
  floor: FloorView | null;
  turn_limit: number | null;
  round: RoundView | null;
  locked: boolean;
  chat_enabled: boolean;
  /** Every facilitator dropped: no admissions, the floor is paused. */
  holding: boolean;
  break: { until: number } | null;
  content_warning: boolean;
  topics: TopicView[];
  picked_topic: string | null;
  /** Only the floor holder and the facilitators may speak (a facilitator's switch, or a round). */
  floor_mode: boolean;
  /** Whose audio every browser plays. */
  may_speak: number[];
  /** Facilitators only: what only they see, of the same version. */
  facilitator?: FacilitatorSnapshot;
}

export interface LobbyPerson extends Sender {
  role: Role;
  since: number;
  connected: boolean;
}

export interface BalanceLine extends Sender {
  turns: number;
  seconds: number;
}

/** `facilitator` in a facilitator's `room_state`: what only facilitators see. */
export interface FacilitatorSnapshot extends Versioned {
  lobby: LobbyPerson[];
  barred: Sender[];
  chat_muted: number[];
  auto_admit: boolean;
  capacity: number;
  /** The facilitators' floor-mode switch (`floor_mode` in room_state also counts rounds). */
  floor_mode_switch: boolean;
  balance: BalanceLine[];
}

/** `lobby_state`: what someone waiting sees (nothing about who else waits). */
export interface LobbySnapshot extends Versioned {
  status: "waiting";
  locked: boolean;
  facilitator_present: boolean;
}

// ---------- media (docs/media.md): WebRTC signalling, microphones and cameras ----------

/** RTCSessionDescriptionInit as the server accepts it (a rollback has an empty `sdp`). */
export interface RtcDescription {
  type: "offer" | "answer" | "rollback";
  sdp: string;
}

/** RTCIceCandidateInit, as `RTCIceCandidate.toJSON()` gives it. */
export interface RtcCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** Exactly one of `description` and `candidate`. */
export type RtcSignalBody =
  | { description: RtcDescription; candidate?: never }
  | { candidate: RtcCandidate; description?: never };

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface IceConfiguration {
  ice_servers: IceServer[];
  ice_transport_policy: "all" | "relay";
  /** When the TURN credentials expire (seconds since the epoch), or null without TURN. */
  expires_at: number | null;
}

// ---------- client → server ----------

export interface MeetingRef {
  meeting_id: number;
}
export interface TargetRef extends MeetingRef {
  user_id: number;
}
interface TextPayload extends MeetingRef {
  text: string;
}
interface Created {
  id: string;
}
type Nothing = Data<Record<never, never>>;

export interface JoinData {
  where: "lobby" | "room";
  /** The person this socket is. */
  user_id: number;
  lobby?: LobbySnapshot;
  room?: RoomSnapshot;
}

export interface ClientRequests {
  join: { payload: MeetingRef; reply: Data<JoinData> };
  leave: { payload: MeetingRef & { quick?: boolean }; reply: Nothing };
  set_status: { payload: MeetingRef & { status: PresenceStatus }; reply: Nothing };
  admit: { payload: TargetRef; reply: Nothing };
  admit_all: { payload: MeetingRef; reply: Data<{ full?: boolean }> };
  decline: { payload: TargetRef & { message?: string }; reply: Nothing };
  lock: { payload: MeetingRef & { locked: boolean }; reply: Nothing };
  raise_hand: { payload: MeetingRef; reply: Data<{ position: number }> };
  lower_hand: { payload: MeetingRef; reply: Nothing };
  yield_floor: { payload: MeetingRef; reply: Nothing };
  next_speaker: { payload: MeetingRef; reply: Nothing };
  give_floor: { payload: TargetRef; reply: Nothing };
  take_floor: { payload: MeetingRef; reply: Nothing };
  lower_hand_of: { payload: TargetRef; reply: Nothing };
  move_in_queue: { payload: TargetRef & { direction: "up" | "down" }; reply: Nothing };
  clear_queue: { payload: MeetingRef; reply: Nothing };
  set_turn_limit: { payload: MeetingRef & { seconds: number | null }; reply: Nothing };
  start_round: {
    payload: MeetingRef & { kind: RoundKind; first_user_id?: number | null };
    reply: Nothing;
  };
  round_next: { payload: MeetingRef; reply: Nothing };
  round_pass: { payload: MeetingRef; reply: Nothing };
  end_round: { payload: MeetingRef; reply: Nothing };
  chat: { payload: TextPayload; reply: Data<Created> };
  delete_chat: { payload: MeetingRef & { message_id: string }; reply: Nothing };
  set_chat: { payload: MeetingRef & { enabled: boolean }; reply: Nothing };
  mute_chat: { payload: TargetRef & { muted: boolean }; reply: Nothing };
  private_message: { payload: TextPayload; reply: Data<Created> };
  private_reply: { payload: TargetRef & { text: string }; reply: Data<Created> };
  signal: { payload: MeetingRef & { kind: SignalKind }; reply: Nothing };
  react: { payload: MeetingRef & { kind: ReactionKind }; reply: Nothing };
  propose_topic: { payload: TextPayload; reply: Data<Created> };
  vote_topic: { payload: MeetingRef & { topic_id: string; vote?: boolean }; reply: Nothing };
  pick_topic: { payload: MeetingRef & { topic_id: string | null }; reply: Nothing };
  withdraw_topic: { payload: MeetingRef & { topic_id: string }; reply: Nothing };
  rtc_signal: { payload: MeetingRef & { to_user_id: number } & RtcSignalBody; reply: Nothing };
  ice_servers: { payload: MeetingRef; reply: Data<IceConfiguration> };
  set_floor_mode: { payload: MeetingRef & { on: boolean }; reply: Nothing };
  set_media: { payload: MeetingRef & { audio: boolean; video: boolean }; reply: Nothing };
  mute: { payload: TargetRef; reply: Nothing };
  mute_all_but_floor: { payload: MeetingRef; reply: Nothing };
  ask_to_unmute: { payload: TargetRef; reply: Nothing };
  remove_from_meeting: { payload: TargetRef; reply: Nothing };
  remove_from_group: { payload: TargetRef; reply: Nothing };
  start_break: { payload: MeetingRef & { minutes: number }; reply: Nothing };
  end_break: { payload: MeetingRef; reply: Nothing };
  content_warning: { payload: MeetingRef & { on: boolean }; reply: Nothing };
  end_meeting: { payload: MeetingRef; reply: Nothing };
}

export type ClientEvent = keyof ClientRequests;
/** An event's payload without `meeting_id` (the connection adds it). */
export type PayloadOf<E extends ClientEvent> = OmitEach<ClientRequests[E]["payload"], "meeting_id">;
/** `Omit` over each member of a union (so `rtc_signal` keeps "a description or a candidate"). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type ReplyOf<E extends ClientEvent> = ClientRequests[E]["reply"];

type AllKeys<T> = T extends unknown ? keyof T : never;

/**
 * Every client event with its payload's fields (besides `meeting_id`), for the test that holds
 * them to docs/protocol.md. The type makes a field that is not in the payload an error.
 */
export const CLIENT_EVENT_FIELDS: {
  readonly [E in ClientEvent]: readonly AllKeys<PayloadOf<E>>[];
} = {
  join: [],
  leave: ["quick"],
  set_status: ["status"],
  admit: ["user_id"],
  admit_all: [],
  decline: ["user_id", "message"],
  lock: ["locked"],
  raise_hand: [],
  lower_hand: [],
  yield_floor: [],
  next_speaker: [],
  give_floor: ["user_id"],
  take_floor: [],
  lower_hand_of: ["user_id"],
  move_in_queue: ["user_id", "direction"],
  clear_queue: [],
  set_turn_limit: ["seconds"],
  start_round: ["kind", "first_user_id"],
  round_next: [],
  round_pass: [],
  end_round: [],
  chat: ["text"],
  delete_chat: ["message_id"],
  set_chat: ["enabled"],
  mute_chat: ["user_id", "muted"],
  private_message: ["text"],
  private_reply: ["user_id", "text"],
  signal: ["kind"],
  react: ["kind"],
  propose_topic: ["text"],
  vote_topic: ["topic_id", "vote"],
  pick_topic: ["topic_id"],
  withdraw_topic: ["topic_id"],
  rtc_signal: ["to_user_id", "description", "candidate"],
  ice_servers: [],
  set_floor_mode: ["on"],
  set_media: ["audio", "video"],
  mute: ["user_id"],
  mute_all_but_floor: [],
  ask_to_unmute: ["user_id"],
  remove_from_meeting: ["user_id"],
  remove_from_group: ["user_id"],
  start_break: ["minutes"],
  end_break: [],
  content_warning: ["on"],
  end_meeting: [],
};

export const CLIENT_EVENTS = Object.keys(CLIENT_EVENT_FIELDS) as ClientEvent[];

// ---------- server → client ----------

export interface ChatMessage extends MeetingRef {
  id: string;
  from: Sender;
  text: string;
  at: number;
}

export interface PrivateMessage extends MeetingRef {
  id: string;
  from: Sender;
  /** null: to the facilitators. */
  to: Sender | null;
  text: string;
  at: number;
}

export interface ServerEvents {
  room_state: RoomSnapshot;
  lobby_state: LobbySnapshot;
  admitted: MeetingRef;
  declined: MeetingRef & { message: string };
  removed: MeetingRef & { scope: RemovalScope };
  chat: ChatMessage;
  chat_deleted: MeetingRef & { id: string };
  chat_muted: MeetingRef & { muted: boolean };
  private_message: PrivateMessage;
  private_signal: MeetingRef & { from: Sender; kind: ReceivedSignalKind; at: number };
  reaction: MeetingRef & { from: Sender; kind: ReactionKind };
  topic_proposed: MeetingRef & { id: string; from: Sender; text: string };
  time_up: MeetingRef & { user_id: number };
  meeting_ended: MeetingRef & { reason: EndReason };
  rtc_signal: MeetingRef & { from_user_id: number } & RtcSignalBody;
  mute_request: MeetingRef & { by: Sender };
  unmute_request: MeetingRef & { by: Sender };
}

export type ServerEvent = keyof ServerEvents;

const SERVER_EVENT_SET: { readonly [E in ServerEvent]: true } = {
  room_state: true,
  lobby_state: true,
  admitted: true,
  declined: true,
  removed: true,
  chat: true,
  chat_deleted: true,
  chat_muted: true,
  private_message: true,
  private_signal: true,
  reaction: true,
  topic_proposed: true,
  time_up: true,
  meeting_ended: true,
  rtc_signal: true,
  mute_request: true,
  unmute_request: true,
};

export const SERVER_EVENTS = Object.keys(SERVER_EVENT_SET) as ServerEvent[];

/** Every error code the server may send (server/room/core/errors.py, docs/protocol.md). */
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
  "may_not_speak",
  "no_facilitator",
  "chat_off",
  "chat_muted",
  "rate_limited",
  "unknown_topic",
  "too_many_topics",
  "invalid",
  "unknown_event",
  "moving",
  "internal",
] as const;
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

/** Codes after which this socket is not (or no longer) in the meeting: joining will not help. */
export const FINAL_JOIN_ERRORS: readonly string[] = [
  "not_logged_in",
  "not_member",
  "not_open",
  "ack_required",
  "barred",
  "locked",
  "full",
];
