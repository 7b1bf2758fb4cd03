/**
 * Blurring or replacing the background of the camera's picture, in this page: whether this
 * browser can, and the engine that loads the segmentation model the first time a person asks for
 * it (segmenter.ts, a separate chunk: people who never blur never download it).
 *
 * The model and its WebAssembly come from the npm package `@mediapipe/selfie_segmentation`,
 * emitted by the build into Kreds' own static files: nothing is fetched from anywhere else, and no
 * frame leaves the page except as the camera's track sent to the others. See docs/media.md.
 */

import { BACKGROUND_FAILED, BACKGROUND_UNSUPPORTED, CLOSED } from "./results";
import type { BackgroundMode, BackgroundProcessor, MediaFailure } from "./types";
import type { Segmenter } from "./segmenter";

/** The smallest module with a SIMD instruction: the segmentation's WebAssembly needs SIMD. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

let supported: boolean | null = null;

/**
 * Whether this browser can replace the background: WebAssembly with SIMD and WebGL (the model),
 * and the streams of video frames that make a new track from the processed frames
 * (`MediaStreamTrackProcessor`/`MediaStreamTrackGenerator`: Chromium-based browsers). Kreds does
 * not capture a canvas into a stream (no capture code exists: the no-recording rule), so
 * browsers without those frames (Firefox, Safari) are told it is not available.
 */
export function browserCanReplaceBackground(): boolean {
  supported ??= probe();
  return supported;
}

function probe(): boolean {
  try {
    const global = globalThis as Record<string, unknown>;
    const needed = ["MediaStreamTrackProcessor", "MediaStreamTrackGenerator", "VideoFrame", "OffscreenCanvas"];
    if (needed.some((name) => typeof global[name] !== "function") || typeof document === "undefined") {
      return false;
    }
    if (typeof WebAssembly !== "object" || !WebAssembly.validate(SIMD_PROBE)) {
      return false;
    }
    const canvas = document.createElement("canvas");
    const gl = canvas.getContext("webgl2") ?? canvas.getContext("webgl");
    if (!gl) {
      return false;
    }
    gl.getExtension("WEBGL_lose_context")?.loseContext();
    return true;
  } catch {
    return false;
  }
}

/** Loads the model once (on first use) and makes processors for camera tracks. */
export class BackgroundEngine {
  private segmenter: Promise<Segmenter> | null = null;
  private closed = false;

  async start(
    camera: MediaStreamTrack,
    mode: Exclude<BackgroundMode, "none">,
    failed: () => void,
  ): Promise<BackgroundProcessor | MediaFailure> {
    if (this.closed) {
      return CLOSED;
    }
    if (!browserCanReplaceBackground()) {
      return BACKGROUND_UNSUPPORTED;
    }
    try {
      const lazy = await import("./segmenter");
      this.segmenter ??= lazy.loadSegmenter();
      const segmenter = await this.segmenter;
      if (this.closed || camera.readyState === "ended") {
        return CLOSED;
      }
      return lazy.startPipeline(segmenter, camera, mode, failed);
    } catch {
      this.segmenter = null; // e.g. the files could not be loaded: try again next time
      return BACKGROUND_FAILED;
    }
  }

  /** Release the model (the page is leaving the room). */
  close(): void {
    this.closed = true;
    const segmenter = this.segmenter;
    this.segmenter = null;
    void segmenter?.then((found) => found.close()).catch(() => undefined);
  }
}
