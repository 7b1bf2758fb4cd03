/**
 * What the media layer is made of and what it needs from outside: the signalling path (the
 * room's socket), and the browser's media functions (injected, so that tests use fakes).
 *
 * Audio and video go from browser to browser (WebRTC, DTLS-SRTP); the server only relays the
 * signalling between people admitted to the same room. See docs/media.md.
 */

import type { IceConfiguration, RtcCandidate, RtcDescription } from "../protocol/events";

export type { IceConfiguration, RtcCandidate, RtcDescription };

/** One signalling message for one peer: a description or a candidate. */
export interface SignalMessage {
  description?: RtcDescription;
  candidate?: RtcCandidate;
}

/** A refusal from the server (or from the media layer itself), with a stable code. */
export interface MediaFailure {
  ok: false;
  /**
   * A server code (`may_not_speak`, `rate_limited`, …; docs/protocol.md) or the media layer's
   * own: `denied` (no permission for the microphone or camera), `no_device`, `device_failed`,
   * `audio_only` (the camera is off in audio-only mode), `closed`.
   */
  code: string;
  /** Words to show (the server's are in the person's language; the media layer's are not). */
  message: string;
}
export type MediaResult = { ok: true } | MediaFailure;

/** The signalling path: the room's Socket.IO connection (see room-link.ts). */
export interface MediaSignalling {
  /** Send a message to one peer; resolves false when the server refused it. */
  send(to: number, message: SignalMessage): Promise<boolean>;
  /** Messages from peers; returns the way to stop listening. */
  onSignal(handler: (from: number, message: SignalMessage) => void): () => void;
  /** STUN/TURN servers for new peer connections (only admitted people get them). */
  iceConfig(): Promise<IceConfiguration | null>;
  /** Tell the room what this person's microphone and camera do. */
  report(media: { audio: boolean; video: boolean }): Promise<MediaResult>;
}

/** Where remote audio plays (a media element, not in the page). */
export interface AudioOutput {
  /** Start playing; rejects when the browser wants a click first (autoplay policy). */
  play(): Promise<void>;
  /** The speakers or headphones to use, where the browser can choose. */
  setSinkId?(deviceId: string): Promise<void>;
  close(): void;
}

/** The loudness of one stream, 0 (silence) to 1. */
export interface LevelMeter {
  level(): number;
  close(): void;
}

/** The browser's media functions (tests pass fakes). */
export interface MediaEnvironment {
  createPeerConnection(config: RTCConfiguration): RTCPeerConnection;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
  createStream(tracks?: MediaStreamTrack[]): MediaStream;
  createAudioOutput(stream: MediaStream): AudioOutput;
  /** Null where the browser has no Web Audio (no speaking indicator then). */
  createLevelMeter(stream: MediaStream): LevelMeter | null;
  /** Let suspended audio (Web Audio, autoplay) start: call from a click. */
  resumeAudio(): Promise<void>;
  /** A repeating timer; returns the way to stop it. */
  every(ms: number, tick: () => void): () => void;
  /** Milliseconds, monotonic enough for the speaking indicator. */
  now(): number;
  /** Release what the environment holds (its AudioContext). */
  close(): void;
}

export interface MediaDevice {
  deviceId: string;
  /** Empty until the person allowed the microphone or camera once. */
  label: string;
}

export interface MediaDevices {
  microphones: MediaDevice[];
  cameras: MediaDevice[];
  speakers: MediaDevice[];
}

/** What this person's own media does now. */
export interface LocalMediaState {
  mic: boolean;
  camera: boolean;
  /** No video is received or sent (for weak connections). */
  audioOnly: boolean;
  /** Unmute without asking when this person gets the floor (their own choice). */
  unmuteOnFloor: boolean;
  /** Whether this person may speak now (the room's `may_speak`). */
  maySpeak: boolean;
  micDeviceId: string | null;
  cameraDeviceId: string | null;
}

/** Why the person is asked to turn their microphone on (never turned on without them). */
export type UnmutePrompt = { reason: "floor" } | { reason: "asked"; by: { user_id: number; name: string } };

/** Events of a MediaSession, with what their callbacks get. */
export interface MediaEvents {
  /** A peer's incoming audio and video (null: the peer is gone). Play no audio from it: the
   * session plays audio itself, silenced for anyone who may not speak. */
  remoteStream: (userId: number, stream: MediaStream | null) => void;
  /** This person's camera, for a preview (null: camera off). Video only. */
  localStream: (stream: MediaStream | null) => void;
  /** Someone started or stopped speaking (this person included), by audio level. */
  speaking: (userId: number, speaking: boolean) => void;
  /** The person's own media changed (microphone, camera, audio-only, may speak…). */
  change: (state: LocalMediaState) => void;
  /** Ask the person whether to turn the microphone on (they got the floor, or were asked). */
  unmutePrompt: (prompt: UnmutePrompt) => void;
  /** A facilitator muted this person: the microphone is off now. */
  muted: (by: { user_id: number; name: string }) => void;
  /** The browser blocked sound until the person clicks: call `resumeAudio()` from a click. */
  audioBlocked: () => void;
  /** Something failed that the person should know about (e.g. the microphone is not allowed). */
  error: (failure: MediaFailure) => void;
}
