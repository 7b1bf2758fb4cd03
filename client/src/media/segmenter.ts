/**
 * The background processor (loaded only when a person first asks for a background): MediaPipe's
 * selfie segmentation finds the person in the camera's frames, and each frame is drawn again with
 * the background blurred or painted a calm plain colour. The frames come from the camera's track
 * and go into a new track (`MediaStreamTrackProcessor` → canvas → `MediaStreamTrackGenerator`);
 * that track is previewed and sent. Nothing is stored and nothing is sent anywhere else.
 *
 * - The model's files (`@mediapipe/selfie_segmentation`: its script, WebAssembly, graph and the
 *   landscape model, 256×144, made for 16:9 cameras) are emitted by the build into
 *   /static/dist/assets/ and loaded from there; the page's Content Security Policy allows
 *   compiling WebAssembly on the room page only (`'wasm-unsafe-eval'`, server/web.py).
 * - The model runs on the CPU (WebAssembly with SIMD): steadier across machines than its WebGL
 *   path, which some browsers run in software.
 * - Segmentation takes a few to a few tens of milliseconds a frame, so it runs at most ~15 times
 *   a second (less when it is slow), while every camera frame is drawn with the latest mask: the
 *   frame rate of the sent picture stays the camera's.
 * - Privacy first: until the first mask exists, the whole frame is treated as background; when
 *   the processor breaks, its track ends (nothing is sent, and the camera goes off: camera.ts).
 */

import graphUrl from "@mediapipe/selfie_segmentation/selfie_segmentation.binarypb?url";
import solutionUrl from "@mediapipe/selfie_segmentation/selfie_segmentation.js?url";
import modelUrl from "@mediapipe/selfie_segmentation/selfie_segmentation_landscape.tflite?url";
import loaderUrl from "@mediapipe/selfie_segmentation/selfie_segmentation_solution_simd_wasm_bin.js?url";
import wasmUrl from "@mediapipe/selfie_segmentation/selfie_segmentation_solution_simd_wasm_bin.wasm?url";
import type { BackgroundMode, BackgroundProcessor } from "./types";

/** The calm colour behind the person in "colour" mode (a soft grey-green). */
export const BACKGROUND_COLOUR = "#9fb0a8";
/** Segmentation runs at most this often, and at most a third of the time (ms). */
const SEGMENT_EVERY_MS = 66;
const SEGMENT_AT_MOST_EVERY_MS = 400;
/** Frames waiting while the model runs (dropped beyond: never more than this late). */
const FRAMES_BUFFERED = 4;
/** The blur: the frame drawn this many times smaller, blurred there, and drawn back up. */
const BLUR_SCALE = 6;
const BLUR_PX = 3;
/** The person's outline is softened this much, at the mask's size (256×144). */
const MASK_FEATHER_PX = 1;

/** The files the solution asks for, by name: only these are shipped. */
const FILES: Readonly<Record<string, string>> = {
  "selfie_segmentation.binarypb": graphUrl,
  "selfie_segmentation_landscape.tflite": modelUrl,
  "selfie_segmentation_solution_simd_wasm_bin.js": loaderUrl,
  "selfie_segmentation_solution_simd_wasm_bin.wasm": wasmUrl,
};

// The streams of video frames (Chromium), not yet in TypeScript's DOM library.
declare class MediaStreamTrackProcessor {
  constructor(init: { track: MediaStreamTrack; maxBufferSize?: number });
  readonly readable: ReadableStream<VideoFrame>;
}
declare class MediaStreamTrackGenerator extends MediaStreamTrack {
  constructor(init: { kind: "video" });
  readonly writable: WritableStream<VideoFrame>;
}

/** The part of the legacy MediaPipe solution used here (its script defines it globally). */
type SegmentationImage = OffscreenCanvas;
interface Solution {
  setOptions(options: { modelSelection: number; selfieMode: boolean; useCpuInference: boolean }): void;
  onResults(listener: (results: { segmentationMask: CanvasImageSource }) => void): void;
  initialize(): Promise<void>;
  send(inputs: { image: SegmentationImage }): Promise<void>;
  close(): Promise<void>;
}
type SolutionClass = new (config: { locateFile: (file: string) => string }) => Solution;

/** The model, loaded once per page; one frame at a time. */
export class Segmenter {
  private readonly solution: Solution;
  private deliver: ((mask: CanvasImageSource) => void) | null = null;
  busy = false;

  constructor(solution: Solution) {
    this.solution = solution;
    solution.onResults((results) => this.deliver?.(results.segmentationMask));
  }

  /** Find the person in this image; `into` gets the mask (alpha: how sure it is a person). */
  async segment(image: SegmentationImage, into: (mask: CanvasImageSource) => void): Promise<void> {
    this.busy = true;
    this.deliver = into;
    try {
      await this.solution.send({ image });
    } finally {
      this.deliver = null;
      this.busy = false;
    }
  }

  close(): void {
    void this.solution.close().catch(() => undefined);
  }
}

export async function loadSegmenter(): Promise<Segmenter> {
  const Solution = await solutionClass();
  const solution = new Solution({
    // A file that is not shipped is asked from our own server too (and fails there).
    locateFile: (file) => FILES[file] ?? new URL(file, new URL(modelUrl, location.href)).pathname,
  });
  solution.setOptions({ modelSelection: 1, selfieMode: false, useCpuInference: true });
  await solution.initialize();
  return new Segmenter(solution);
}

/** The solution's script, from our own files, once per page. */
function solutionClass(): Promise<SolutionClass> {
  const found = (): SolutionClass | undefined => (globalThis as { SelfieSegmentation?: SolutionClass }).SelfieSegmentation;
  const loaded = found();
  if (loaded) {
    return Promise.resolve(loaded);
  }
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = solutionUrl;
    script.addEventListener("load", () => {
      const now = found();
      if (now) {
        resolve(now);
      } else {
        reject(new Error("The segmentation script defined nothing."));
      }
    });
    script.addEventListener("error", () => reject(new Error("The segmentation script did not load.")));
    document.head.append(script);
  });
}

/** Draw each camera frame again, with the background as chosen, into a new track. */
export function startPipeline(
  segmenter: Segmenter,
  camera: MediaStreamTrack,
  mode: Exclude<BackgroundMode, "none">,
  failed: () => void,
): BackgroundProcessor {
  const processor = new MediaStreamTrackProcessor({ track: camera, maxBufferSize: FRAMES_BUFFERED });
  const generator = new MediaStreamTrackGenerator({ kind: "video" });
  const reader = processor.readable.getReader();
  const writer = generator.writable.getWriter();
  const picture = new Picture(mode);
  let running = true;

  const stop = (): void => {
    if (!running) {
      return;
    }
    running = false;
    void reader.cancel().catch(() => undefined);
    void writer.close().catch(() => undefined);
    generator.stop();
  };

  const pump = async (): Promise<void> => {
    for (;;) {
      const { value: frame, done } = await reader.read();
      if (done || !running) {
        frame?.close();
        return;
      }
      let drawn: VideoFrame;
      try {
        picture.segment(frame, segmenter);
        drawn = picture.draw(frame);
      } finally {
        frame.close();
      }
      await writer.write(drawn);
    }
  };

  void pump().then(
    () => stop(), // the camera ended
    () => {
      if (running) {
        stop();
        failed();
      }
    },
  );
  return {
    track: generator,
    setMode: (next) => {
      picture.mode = next;
    },
    stop,
  };
}

type Canvas2D = OffscreenCanvasRenderingContext2D;

function canvas(width: number, height: number): [OffscreenCanvas, Canvas2D] {
  const found = new OffscreenCanvas(width, height);
  const context = found.getContext("2d");
  if (!context) {
    throw new Error("No 2D canvas.");
  }
  return [found, context];
}

/** The canvases of one processed track: the model's input, its mask, the person, the output. */
class Picture {
  mode: Exclude<BackgroundMode, "none">;
  private width = 0;
  private height = 0;
  private readonly input: [OffscreenCanvas, Canvas2D];
  private readonly mask: [OffscreenCanvas, Canvas2D];
  private small: [OffscreenCanvas, Canvas2D] = canvas(1, 1);
  private person: [OffscreenCanvas, Canvas2D] = canvas(1, 1);
  private out: [OffscreenCanvas, Canvas2D] = canvas(1, 1);
  private hasMask = false;
  private lastStart = -Infinity;
  private every = SEGMENT_EVERY_MS;

  constructor(mode: Exclude<BackgroundMode, "none">) {
    this.mode = mode;
    // The landscape model's own size: the frame is made small once, here, not in the model.
    this.input = canvas(256, 144);
    this.mask = canvas(256, 144);
  }

  /** Start finding the person in this frame, unless the model is busy or ran just now. */
  segment(frame: VideoFrame, segmenter: Segmenter): void {
    const started = performance.now();
    if (segmenter.busy || started - this.lastStart < this.every) {
      return;
    }
    this.lastStart = started;
    const [input, inputContext] = this.input;
    inputContext.drawImage(frame, 0, 0, input.width, input.height);
    void segmenter
      .segment(input, (found) => {
        const [mask, maskContext] = this.mask;
        maskContext.globalCompositeOperation = "copy";
        maskContext.filter = `blur(${MASK_FEATHER_PX}px)`; // soft edges, not the mask's steps
        maskContext.drawImage(found, 0, 0, mask.width, mask.height);
        this.hasMask = true;
      })
      .then(
        () => {
          // At most a third of the time in the model, so that the frames keep flowing.
          const took = performance.now() - started;
          this.every = Math.min(SEGMENT_AT_MOST_EVERY_MS, Math.max(SEGMENT_EVERY_MS, took * 3));
        },
        () => undefined, // the last mask stays (and without one, all is background)
      );
  }

  /** This frame with the background as chosen, as a new frame (same time stamp). */
  draw(frame: VideoFrame): VideoFrame {
    this.fit(frame.displayWidth, frame.displayHeight);
    const { width, height } = this;
    const [out, context] = this.out;
    context.globalCompositeOperation = "copy";
    if (this.mode === "blur") {
      const [small, smallContext] = this.small;
      // Drawn a little larger than the small canvas, so that the blur has no dark edge.
      const margin = BLUR_PX * 2;
      smallContext.filter = `blur(${BLUR_PX}px)`;
      smallContext.drawImage(frame, -margin, -margin, small.width + 2 * margin, small.height + 2 * margin);
      context.imageSmoothingEnabled = true;
      context.imageSmoothingQuality = "high";
      context.drawImage(small, 0, 0, width, height);
    } else {
      context.fillStyle = BACKGROUND_COLOUR;
      context.fillRect(0, 0, width, height);
    }
    if (this.hasMask) {
      const [person, personContext] = this.person;
      personContext.globalCompositeOperation = "copy";
      personContext.imageSmoothingEnabled = true;
      personContext.drawImage(this.mask[0], 0, 0, width, height);
      personContext.globalCompositeOperation = "source-in";
      personContext.drawImage(frame, 0, 0, width, height);
      context.globalCompositeOperation = "source-over";
      context.drawImage(person, 0, 0);
    }
    const init: VideoFrameInit = { timestamp: frame.timestamp };
    if (frame.duration !== null) {
      init.duration = frame.duration;
    }
    return new VideoFrame(out, init);
  }

  private fit(width: number, height: number): void {
    if (width === this.width && height === this.height) {
      return;
    }
    this.width = width;
    this.height = height;
    this.out = canvas(width, height);
    this.person = canvas(width, height);
    this.small = canvas(Math.max(1, Math.round(width / BLUR_SCALE)), Math.max(1, Math.round(height / BLUR_SCALE)));
  }
}
