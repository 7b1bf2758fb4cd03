/**
 * One camera track and what is made of it: the picture as it is, or with its background blurred
 * or replaced by a plain colour (the environment's processor, in this page). `output` is the
 * track to preview and to send.
 *
 * Privacy first: when the person asked for a background and it cannot be made, the camera's own
 * picture is not shown instead — the caller keeps the camera off (or as it was) and says why.
 */

import { stopTrack } from "./devices";
import { BACKGROUND_UNSUPPORTED, CLOSED, OK, isFailure } from "./results";
import type { BackgroundMode, BackgroundProcessor, MediaEnvironment, MediaResult } from "./types";

export class CameraFeed {
  readonly raw: MediaStreamTrack;
  private readonly env: MediaEnvironment;
  private readonly onFailed: () => void;
  private processor: BackgroundProcessor | null = null;
  private mode: BackgroundMode = "none";
  private stopped = false;
  // One change of background at a time, in the order asked.
  private queue: Promise<MediaResult> = Promise.resolve(OK);

  /** `failed`: the processor broke while running (its picture stopped). */
  constructor(env: MediaEnvironment, raw: MediaStreamTrack, failed: () => void) {
    this.env = env;
    this.raw = raw;
    this.onFailed = failed;
  }

  /** The track to preview and send. */
  get output(): MediaStreamTrack {
    return this.processor?.track ?? this.raw;
  }

  get background(): BackgroundMode {
    return this.mode;
  }

  /** Show the background this way; on failure nothing changes. */
  setBackground(mode: BackgroundMode): Promise<MediaResult> {
    this.queue = this.queue.then(() => this.apply(mode)).catch(() => BACKGROUND_UNSUPPORTED);
    return this.queue;
  }

  /** Stop the processor and hand the camera's own track over (not stopped). */
  release(): MediaStreamTrack {
    this.stopped = true;
    this.stopProcessor();
    return this.raw;
  }

  /** Stop everything: the processor and the camera (the device is released). */
  stop(): void {
    this.release();
    stopTrack(this.raw);
  }

  private async apply(mode: BackgroundMode): Promise<MediaResult> {
    if (this.stopped) {
      return CLOSED;
    }
    if (mode === this.mode) {
      return OK;
    }
    if (mode === "none") {
      this.stopProcessor();
      this.mode = mode;
      return OK;
    }
    if (this.processor) {
      this.processor.setMode(mode);
      this.mode = mode;
      return OK;
    }
    let made: BackgroundProcessor | null = null;
    const result = await this.env.processBackground(this.raw, mode, () => {
      if (made && this.processor === made) {
        this.stopProcessor();
        this.onFailed();
      }
    });
    if (isFailure(result)) {
      return result;
    }
    made = result;
    if (this.stopped) {
      result.stop();
      return CLOSED;
    }
    this.processor = result;
    this.mode = mode;
    return OK;
  }

  private stopProcessor(): void {
    const processor = this.processor;
    this.processor = null;
    this.mode = "none";
    try {
      processor?.stop();
    } catch {
      // Stopping must finish whatever the processor does.
    }
  }
}
