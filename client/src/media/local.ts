/**
 * This person's own microphone and camera: opened only when they turn them on, closed for good
 * (the device released, the browser's indicator off) when they turn them off, and reported to
 * the room (`set_media`) so that others can show it.
 */

import { captureTrack, isFailure, stopTrack } from "./devices";
import type { Emitter } from "./emitter";
import type { Kind } from "./peer";
import type { LevelMeter, MediaEnvironment, MediaEvents, MediaFailure, MediaResult, MediaSignalling } from "./types";

export const OK: MediaResult = { ok: true };
export const CLOSED: MediaFailure = { ok: false, code: "closed", message: "Media is closed." };
const MAY_NOT_SPEAK: MediaFailure = {
  ok: false,
  code: "may_not_speak",
  message: "Only the person who has the floor, and the facilitators, can speak now.",
};
const AUDIO_ONLY: MediaFailure = { ok: false, code: "audio_only", message: "The camera is off in audio-only mode." };

export interface LocalMediaOptions {
  env: MediaEnvironment;
  signalling: Pick<MediaSignalling, "report">;
  events: Emitter<MediaEvents>;
  /** Send this track (or nothing) to everyone. */
  send: (kind: Kind, track: MediaStreamTrack | null) => void;
  /** Whether this person may speak now. */
  maySpeak: () => boolean;
  /** The microphone or camera changed. */
  changed: () => void;
  /** The microphone closed (its level is gone). */
  micClosed: () => void;
}

export class LocalMedia {
  private readonly options: LocalMediaOptions;
  mic: MediaStreamTrack | null = null;
  camera: MediaStreamTrack | null = null;
  micMeter: LevelMeter | null = null;
  micDeviceId: string | null = null;
  cameraDeviceId: string | null = null;
  audioOnly = false;
  private closed = false;
  // Each change of mind (on, off, another device) makes older requests to the browser moot.
  private micGeneration = 0;
  private cameraGeneration = 0;

  constructor(options: LocalMediaOptions) {
    this.options = options;
  }

  async micOn(): Promise<MediaResult> {
    if (this.closed) {
      return CLOSED;
    }
    if (this.mic) {
      return OK;
    }
    if (!this.options.maySpeak()) {
      return MAY_NOT_SPEAK;
    }
    const generation = ++this.micGeneration;
    const track = await this.capture("audio", () => generation === this.micGeneration);
    if (isFailure(track)) {
      return track;
    }
    const reported = await this.options.signalling.report({ audio: true, video: this.camera !== null });
    if (!reported.ok || generation !== this.micGeneration || this.closed) {
      stopTrack(track);
      return reported.ok ? CLOSED : reported;
    }
    this.useMic(track);
    void this.options.env.resumeAudio().catch(() => undefined);
    this.options.changed();
    return OK;
  }

  async micOff(): Promise<void> {
    this.micGeneration += 1;
    const track = this.mic;
    this.mic = null;
    stopTrack(track);
    this.micMeter?.close();
    this.micMeter = null;
    this.options.micClosed();
    this.options.send("audio", null);
    this.options.changed();
    if (track && !this.closed) {
      await this.options.signalling.report({ audio: false, video: this.camera !== null });
    }
  }

  async setMicDevice(deviceId: string | null): Promise<MediaResult> {
    this.micDeviceId = deviceId;
    if (this.closed || !this.mic) {
      this.options.changed();
      return this.closed ? CLOSED : OK;
    }
    const generation = ++this.micGeneration;
    const track = await this.capture("audio", () => generation === this.micGeneration);
    if (isFailure(track)) {
      return track;
    }
    if (generation !== this.micGeneration || this.closed) {
      stopTrack(track);
      return CLOSED;
    }
    this.useMic(track);
    this.options.changed();
    return OK;
  }

  async cameraOn(deviceId?: string): Promise<MediaResult> {
    if (this.closed) {
      return CLOSED;
    }
    if (deviceId !== undefined) {
      this.cameraDeviceId = deviceId;
    }
    if (this.audioOnly) {
      return AUDIO_ONLY;
    }
    if (this.camera && deviceId === undefined) {
      return OK;
    }
    const generation = ++this.cameraGeneration;
    const track = await this.capture("video", () => generation === this.cameraGeneration);
    if (isFailure(track)) {
      return track;
    }
    if (generation !== this.cameraGeneration || this.closed) {
      // Closed (the quick exit) or changed meanwhile, between the capture and here.
      stopTrack(track);
      return CLOSED;
    }
    const previous = this.camera;
    this.camera = track;
    track.onended = () => {
      if (this.camera === track) {
        void this.cameraOff();
      }
    };
    this.options.send("video", track);
    stopTrack(previous);
    this.options.events.emit("localStream", this.options.env.createStream([track]));
    if (!previous) {
      void this.options.signalling.report({ audio: this.mic !== null, video: true });
    }
    this.options.changed();
    return OK;
  }

  async cameraOff(): Promise<void> {
    this.cameraGeneration += 1;
    const track = this.camera;
    this.camera = null;
    stopTrack(track);
    this.options.send("video", null);
    if (track) {
      this.options.events.emit("localStream", null);
    }
    this.options.changed();
    if (track && !this.closed) {
      await this.options.signalling.report({ audio: this.mic !== null, video: false });
    }
  }

  /** Stop both at once, for good (nothing is reported: the room is being left). */
  close(): void {
    this.closed = true;
    this.micGeneration += 1;
    this.cameraGeneration += 1;
    for (const step of [() => stopTrack(this.mic), () => stopTrack(this.camera), () => this.micMeter?.close()]) {
      try {
        step();
      } catch {
        // Closing must finish whatever one step does.
      }
    }
    this.mic = null;
    this.camera = null;
    this.micMeter = null;
  }

  /** A track from the browser, unless the person changed their mind (or left) meanwhile. */
  private async capture(kind: Kind, current: () => boolean): Promise<MediaStreamTrack | MediaFailure> {
    const deviceId = kind === "audio" ? this.micDeviceId : this.cameraDeviceId;
    const track = await captureTrack(this.options.env, kind, deviceId);
    if (isFailure(track)) {
      this.options.events.emit("error", track);
      return track;
    }
    if (!current() || this.closed) {
      stopTrack(track);
      return CLOSED;
    }
    return track;
  }

  private useMic(track: MediaStreamTrack): void {
    const previous = this.mic;
    this.mic = track;
    track.onended = () => {
      if (this.mic === track) {
        void this.micOff(); // unplugged, or the permission was withdrawn
      }
    };
    this.options.send("audio", track);
    stopTrack(previous);
    this.micMeter?.close();
    const env = this.options.env;
    this.micMeter = env.createLevelMeter(env.createStream([track]));
  }
}
