/**
 * What the room's UI shows of sound and picture (`MediaView`), as `RoomMedia`
 * (client/src/room/media.ts) keeps it: the person's own media, everyone's streams, the check
 * before entering, the connections' quality, and each control's refusal and busy state.
 */

import { NO_CHECK } from "./check";
import type { Sender } from "../protocol/events";
import type {
  ConnectionQuality,
  LocalMediaState,
  MediaDevices,
  MediaFailure,
  UnmutePrompt,
} from "./types";

/** The controls whose refusals are shown beside them. */
export type MediaControl =
  | "mic"
  | "camera"
  | "micDevice"
  | "cameraDevice"
  | "background"
  | "checkCamera"
  | "checkMic"
  | "testSound";

/** The controls that show "busy" while the browser answers. */
export type PendingControl = "mic" | "camera" | "background" | "checkCamera" | "checkMic" | "testSound";

/** The check before entering (in the lobby). */
export interface MediaCheckView {
  /** The camera's preview, with the chosen background (null: off). */
  camera: MediaStream | null;
  /** The microphone is on for the level meter (it goes nowhere). */
  micOn: boolean;
  /** The microphone's level, 0–1, updated about 10 times a second while `micOn`. */
  level: number;
}

export interface MediaView {
  /** `waiting`: not admitted yet; `open`; `unsupported`: no WebRTC here; `closed`: for good. */
  status: "waiting" | "open" | "unsupported" | "closed";
  local: LocalMediaState;
  /** This person's camera, for their own tile. */
  preview: MediaStream | null;
  /** Everyone else's incoming audio and video, by user id (audio plays in the session). */
  remote: ReadonlyMap<number, MediaStream>;
  /** Goes up whenever a stream gains or loses a track (the same object with new content). */
  streams: number;
  speaking: ReadonlySet<number>;
  /** The question "Turn on your microphone?", while it waits for an answer. */
  prompt: UnmutePrompt | null;
  /** A facilitator turned this person's microphone off (until they turn it on or hide it). */
  mutedBy: Sender | null;
  /** The browser waits for a click before it plays sound. */
  audioBlocked: boolean;
  problems: Readonly<Record<MediaControl, MediaFailure | null>>;
  pending: Readonly<Record<PendingControl, boolean>>;
  devices: MediaDevices;
  /** The speakers chosen here (null: the browser's choice). */
  speakerId: string | null;
  canChooseSpeakers: boolean;
  /**
   * Whether audio and video go only through a relay (TURN), hiding everyone's network address
   * (null: not known; only a facilitator's page asks, to tell them when it is not so).
   */
  relayed: boolean | null;
  /** Each other person's connection quality, by user id (missing: not measured yet). */
  quality: ReadonlyMap<number, ConnectionQuality>;
  /** This person's own connection (their uplink); null until measured. */
  ownQuality: ConnectionQuality | null;
  /** Whether this browser can blur or replace the background (`setBackground`). */
  backgroundSupported: boolean;
  /** The check before entering: camera preview, microphone level. */
  check: MediaCheckView;
}

export const QUIET: LocalMediaState = {
  mic: false,
  camera: false,
  audioOnly: false,
  unmuteOnFloor: false,
  maySpeak: false,
  micDeviceId: null,
  cameraDeviceId: null,
  background: "none",
};

const NO_PROBLEMS: Record<MediaControl, null> = {
  mic: null,
  camera: null,
  micDevice: null,
  cameraDevice: null,
  background: null,
  checkCamera: null,
  checkMic: null,
  testSound: null,
};
const NOT_PENDING: Record<PendingControl, false> = {
  mic: false,
  camera: false,
  background: false,
  checkCamera: false,
  checkMic: false,
  testSound: false,
};

export function initialMediaView(canChooseSpeakers = false): MediaView {
  return {
    status: "waiting",
    local: QUIET,
    preview: null,
    remote: new Map(),
    streams: 0,
    speaking: new Set(),
    prompt: null,
    mutedBy: null,
    audioBlocked: false,
    problems: NO_PROBLEMS,
    pending: NOT_PENDING,
    devices: { microphones: [], cameras: [], speakers: [] },
    speakerId: null,
    canChooseSpeakers,
    relayed: null,
    quality: new Map(),
    ownQuality: null,
    backgroundSupported: false,
    check: NO_CHECK,
  };
}

/** Whether this control shows "busy" while the browser answers. */
export function isPendingControl(control: MediaControl): control is PendingControl {
  return control in NOT_PENDING;
}
