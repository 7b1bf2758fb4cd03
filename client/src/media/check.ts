/**
 * The check before entering: while the person waits in the lobby they can see their camera (with
 * the background they chose) and watch their microphone's level move. Nothing of it is sent to
 * anyone: the check has no connection. Each device opens only from the person's own click and
 * closes when they turn it off, when they enter (the camera is handed to the session, the
 * microphone is closed: in the room it starts off) and when they leave.
 */

import { CameraFeed } from "./camera";
import { captureTrack, isFailure, stopTrack } from "./devices";
import { AUDIO_ONLY, BACKGROUND_FAILED, CLOSED, OK } from "./results";
import type { BackgroundMode, LevelMeter, LocalMediaState, MediaEnvironment, MediaFailure, MediaResult } from "./types";

/** What the check shows. */
export interface CheckState {
  /** The camera's preview (with the chosen background), or null while it is off. */
  camera: MediaStream | null;
  micOn: boolean;
  /** How loud the microphone is, 0–1 on a meter's scale (updated ~10 times a second). */
  level: number;
}

export const NO_CHECK: CheckState = { camera: null, micOn: false, level: 0 };

/** A meter's reading (0–1) of a loudness (RMS, 0–1): decibels from −60 (nothing) to 0 (full). */
export function meterLevel(rms: number): number {
  if (!(rms > 0)) {
    return 0;
  }
  const db = 20 * Math.log10(rms);
  return Math.round(Math.min(1, Math.max(0, (db + 60) / 60)) * 100) / 100;
}

export interface MediaCheckOptions {
  env: MediaEnvironment;
  /** The person's choices as the session keeps them (devices, background, audio only). */
  choices: () => Pick<LocalMediaState, "micDeviceId" | "cameraDeviceId" | "background" | "audioOnly">;
  changed: (state: CheckState) => void;
  /** The preview's background broke while it ran (the preview went off). */
  failed?: (failure: MediaFailure) => void;
  levelIntervalMs?: number;
}

export class MediaCheck {
  private readonly options: MediaCheckOptions;
  private readonly env: MediaEnvironment;
  private camera: CameraFeed | null = null;
  private mic: MediaStreamTrack | null = null;
  private meter: LevelMeter | null = null;
  private stopLevels: (() => void) | null = null;
  private state: CheckState = NO_CHECK;
  private closed = false;
  // Each change of mind makes older requests to the browser moot.
  private cameraGeneration = 0;
  private micGeneration = 0;

  constructor(options: MediaCheckOptions) {
    this.options = options;
    this.env = options.env;
  }

  get current(): CheckState {
    return this.state;
  }

  /** Camera preview on (with the chosen camera and background), or the preview changed to them. */
  async cameraOn(): Promise<MediaResult> {
    if (this.closed) {
      return CLOSED;
    }
    const choices = this.options.choices();
    if (choices.audioOnly) {
      return AUDIO_ONLY;
    }
    const generation = ++this.cameraGeneration;
    const track = await captureTrack(this.env, "video", choices.cameraDeviceId);
    if (isFailure(track)) {
      return track;
    }
    if (generation !== this.cameraGeneration || this.closed) {
      stopTrack(track);
      return CLOSED;
    }
    const feed: CameraFeed = new CameraFeed(this.env, track, () => {
      if (this.camera === feed) {
        this.cameraOff();
        this.options.failed?.(BACKGROUND_FAILED);
      }
    });
    const made = await feed.setBackground(this.options.choices().background);
    if (generation !== this.cameraGeneration || this.closed) {
      feed.stop();
      return CLOSED;
    }
    if (!made.ok) {
      feed.stop();
      return made.code === "closed" ? BACKGROUND_FAILED : made;
    }
    const previous = this.camera;
    this.camera = feed;
    previous?.stop();
    track.onended = () => {
      if (this.camera === feed) {
        this.cameraOff(); // unplugged, or the permission was withdrawn
      }
    };
    this.set({ camera: this.env.createStream([feed.output]) });
    return OK;
  }

  cameraOff(): void {
    this.cameraGeneration += 1;
    const feed = this.camera;
    this.camera = null;
    feed?.stop();
    if (this.state.camera) {
      this.set({ camera: null });
    }
  }

  get cameraIsOn(): boolean {
    return this.camera !== null;
  }

  /** Show the preview with this background (it stays as it was when that fails). */
  async setBackground(mode: BackgroundMode): Promise<MediaResult> {
    const feed = this.camera;
    if (!feed || this.closed) {
      return OK;
    }
    const before = feed.output;
    const result = await feed.setBackground(mode);
    if (result.ok && this.camera === feed && feed.output !== before) {
      this.set({ camera: this.env.createStream([feed.output]) });
    }
    return result;
  }

  /** Microphone on for the level meter only (it goes nowhere), or on with the chosen one now. */
  async micOn(): Promise<MediaResult> {
    if (this.closed) {
      return CLOSED;
    }
    const generation = ++this.micGeneration;
    const track = await captureTrack(this.env, "audio", this.options.choices().micDeviceId);
    if (isFailure(track)) {
      return track;
    }
    if (generation !== this.micGeneration || this.closed) {
      stopTrack(track);
      return CLOSED;
    }
    this.closeMic();
    this.mic = track;
    track.onended = () => {
      if (this.mic === track) {
        this.micOff();
      }
    };
    this.meter = this.env.createLevelMeter(this.env.createStream([track]));
    this.stopLevels = this.env.every(this.options.levelIntervalMs ?? 100, () => this.readLevel());
    void this.env.resumeAudio().catch(() => undefined);
    this.set({ micOn: true, level: 0 });
    return OK;
  }

  micOff(): void {
    this.micGeneration += 1;
    const wasOn = this.mic !== null;
    this.closeMic();
    if (wasOn || this.state.micOn) {
      this.set({ micOn: false, level: 0 });
    }
  }

  get micIsOn(): boolean {
    return this.mic !== null;
  }

  /** Hand the camera's own track over (the person enters the room with it); null if off. */
  takeCamera(): MediaStreamTrack | null {
    const feed = this.camera;
    if (!feed) {
      return null;
    }
    this.camera = null;
    this.cameraGeneration += 1;
    const track = feed.release();
    track.onended = null;
    this.set({ camera: null });
    return track;
  }

  /** Stop everything, for good. */
  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.cameraGeneration += 1;
    this.micGeneration += 1;
    for (const step of [() => this.camera?.stop(), () => this.closeMic()]) {
      try {
        step();
      } catch {
        // Closing must finish whatever one step does.
      }
    }
    this.camera = null;
    this.state = NO_CHECK;
  }

  private closeMic(): void {
    this.stopLevels?.();
    this.stopLevels = null;
    this.meter?.close();
    this.meter = null;
    stopTrack(this.mic);
    this.mic = null;
  }

  private readLevel(): void {
    if (this.closed || !this.meter) {
      return;
    }
    this.set({ level: meterLevel(this.meter.level()) });
  }

  private set(patch: Partial<CheckState>): void {
    this.state = { ...this.state, ...patch };
    if (!this.closed) {
      this.options.changed(this.state);
    }
  }
}
