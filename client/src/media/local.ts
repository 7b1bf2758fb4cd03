/**
 * This person's own microphone and camera: opened only when they turn them on, closed for good
 * (the device released, the browser's indicator off) when they turn them off, and reported to
 * the room (`set_media`) so that others can show it.
 *
 * The camera's picture is sent as the person chose it: as it is, or with the background blurred
 * or replaced (camera.ts). Switching between them replaces the sent track (`replaceTrack`, no
 * renegotiation); when the chosen background cannot be made, the camera stays off.
 */

import { CameraFeed } from "./camera";
import { captureTrack, isFailure, stopTrack } from "./devices";
import type { Emitter } from "./emitter";
import type { Kind } from "./peer";
import { AUDIO_ONLY, BACKGROUND_FAILED, BACKGROUND_UNSUPPORTED, CLOSED, OK } from "./results";
import type {
  BackgroundMode,
  LevelMeter,
  MediaEnvironment,
  MediaEvents,
  MediaFailure,
  MediaResult,
  MediaSignalling,
} from "./types";

export { CLOSED, OK };
const MAY_NOT_SPEAK: MediaFailure = {
  ok: false,
  code: "may_not_speak",
  message: "Only the person who has the floor, and the facilitators, can speak now.",
};

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
  camera: CameraFeed | null = null;
  /** The person's choice of background (applied whenever the camera is on). */
  background: BackgroundMode = "none";
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
    return this.useCamera(track, generation);
  }

  /**
   * Use a camera track opened before (the check before entering): the person turned it on
   * there, with their own click. Stopped at once if it cannot be used.
   */
  async adoptCamera(track: MediaStreamTrack): Promise<MediaResult> {
    if (this.closed || this.audioOnly) {
      stopTrack(track);
      return this.closed ? CLOSED : AUDIO_ONLY;
    }
    return this.useCamera(track, ++this.cameraGeneration);
  }

  async cameraOff(): Promise<void> {
    this.cameraGeneration += 1;
    const camera = this.camera;
    this.camera = null;
    camera?.stop();
    this.options.send("video", null);
    if (camera) {
      this.options.events.emit("localStream", null);
    }
    this.options.changed();
    if (camera && !this.closed) {
      await this.options.signalling.report({ audio: this.mic !== null, video: false });
    }
  }

  /**
   * Show the background this way. With the camera on, the sent picture changes now (the track is
   * replaced, without renegotiating); on failure it stays as it was.
   */
  async setBackground(mode: BackgroundMode): Promise<MediaResult> {
    if (this.closed) {
      return CLOSED;
    }
    if (mode !== "none" && !this.options.env.backgroundSupported()) {
      return BACKGROUND_UNSUPPORTED;
    }
    const camera = this.camera;
    if (!camera) {
      this.background = mode;
      this.options.changed();
      return OK;
    }
    const before = camera.output;
    const result = await camera.setBackground(mode);
    if (!result.ok) {
      return result;
    }
    this.background = mode;
    if (this.camera === camera && camera.output !== before) {
      this.options.send("video", camera.output);
      this.options.events.emit("localStream", this.options.env.createStream([camera.output]));
    }
    this.options.changed();
    return OK;
  }

  /** Stop both at once, for good (nothing is reported: the room is being left). */
  close(): void {
    this.closed = true;
    this.micGeneration += 1;
    this.cameraGeneration += 1;
    for (const step of [() => stopTrack(this.mic), () => this.camera?.stop(), () => this.micMeter?.close()]) {
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

  /** Send this camera's picture, with the chosen background (or keep the camera off). */
  private async useCamera(track: MediaStreamTrack, generation: number): Promise<MediaResult> {
    const camera: CameraFeed = new CameraFeed(this.options.env, track, () => {
      if (this.camera === camera) {
        this.options.events.emit("error", BACKGROUND_FAILED);
        void this.cameraOff(); // never the camera's own picture instead of the chosen background
      }
    });
    const made = await camera.setBackground(this.background);
    if (generation !== this.cameraGeneration || this.closed) {
      // Closed (the quick exit) or changed meanwhile, between the capture and here.
      camera.stop();
      return CLOSED;
    }
    if (!made.ok) {
      camera.stop();
      const failure = made.code === "closed" ? BACKGROUND_FAILED : made;
      this.options.events.emit("error", failure);
      return failure;
    }
    const previous = this.camera;
    this.camera = camera;
    track.onended = () => {
      if (this.camera === camera) {
        void this.cameraOff(); // unplugged, or the permission was withdrawn
      }
    };
    this.options.send("video", camera.output);
    previous?.stop();
    this.options.events.emit("localStream", this.options.env.createStream([camera.output]));
    if (!previous) {
      void this.options.signalling.report({ audio: this.mic !== null, video: true });
    }
    this.options.changed();
    return OK;
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
