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
   * `audio_only` (the camera is off in audio-only mode), `background_unsupported` (this browser
   * cannot replace the background), `background_failed` (it could not, this time: the camera
   * stays off rather than show the background), `unsupported` (no WebRTC here), `closed`.
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
  /** Whether this browser can replace the camera's background here (see background.ts). */
  backgroundSupported(): boolean;
  /**
   * Replace the background of this camera track, in the page. The first call loads the
   * segmentation model (lazily, from Kreds' own files); fails with `background_unsupported` or
   * `background_failed`. The camera's track is not stopped by the processor.
   */
  processBackground(
    camera: MediaStreamTrack,
    mode: Exclude<BackgroundMode, "none">,
    failed: () => void,
  ): Promise<BackgroundProcessor | MediaFailure>;
  /** A short calm tone (generated, no file) on these speakers where the browser can choose. */
  playTone(speakerId: string | null): Promise<void>;
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

/** What is behind the person in their camera's picture: as it is, blurred, or a calm plain colour. */
export type BackgroundMode = "none" | "blur" | "colour";

/** How well a connection carries sound and picture now (round trip, losses, what can be sent). */
export type ConnectionQuality = "good" | "fair" | "poor";

/**
 * The camera's picture with its background replaced, made in this page (nothing leaves it but
 * the track itself, sent to the others like the camera's).
 */
export interface BackgroundProcessor {
  /** The processed picture: previewed and sent instead of the camera's own track. */
  readonly track: MediaStreamTrack;
  /** Another way to replace the background, on the same track. */
  setMode(mode: Exclude<BackgroundMode, "none">): void;
  /** Stop processing (the camera's own track is left alone). */
  stop(): void;
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
  /** What is behind the person in the picture they send (their choice, kept for the visit). */
  background: BackgroundMode;
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
  /**
   * The connections' quality changed: each peer's (by user id; peers not measured yet are
   * missing) and this person's own uplink (null: nobody to measure against).
   */
  quality: (peers: ReadonlyMap<number, ConnectionQuality>, own: ConnectionQuality | null) => void;
}
