/**
 * The visual "speaking" indicator: audio levels sampled a few times a second, with some
 * hysteresis so that the indicator does not flicker between words.
 *
 * `SpeakingTracker` is pure (levels and times in, changes out); `webAudioMeter` measures a
 * stream with the Web Audio API (an AnalyserNode; nothing is recorded or kept).
 */

import type { LevelMeter } from "./types";

export interface SpeakingOptions {
  /** Louder than this (RMS, 0–1) counts as sound. */
  threshold: number;
  /** Sound for this long starts "speaking". */
  attackMs: number;
  /** Quiet for this long ends it. */
  releaseMs: number;
}

export const SPEAKING_DEFAULTS: SpeakingOptions = { threshold: 0.02, attackMs: 150, releaseMs: 700 };

interface Track {
  speaking: boolean;
  loudSince: number | null;
  quietSince: number | null;
}

export class SpeakingTracker {
  private readonly options: SpeakingOptions;
  private readonly tracks = new Map<number, Track>();

  constructor(options: Partial<SpeakingOptions> = {}) {
    this.options = { ...SPEAKING_DEFAULTS, ...options };
  }

  /** A new level for someone at `now` (ms); returns their new state when it changed. */
  update(userId: number, level: number, now: number): boolean | null {
    const track = this.tracks.get(userId) ?? { speaking: false, loudSince: null, quietSince: null };
    this.tracks.set(userId, track);
    const loud = level >= this.options.threshold;
    if (loud) {
      track.quietSince = null;
      track.loudSince ??= now;
      if (!track.speaking && now - track.loudSince >= this.options.attackMs) {
        track.speaking = true;
        return true;
      }
    } else {
      track.loudSince = null;
      track.quietSince ??= now;
      if (track.speaking && now - track.quietSince >= this.options.releaseMs) {
        track.speaking = false;
        return false;
      }
    }
    return null;
  }

  isSpeaking(userId: number): boolean {
    return this.tracks.get(userId)?.speaking ?? false;
  }

  /** Forget someone; returns true when they were speaking (so that the UI is told). */
  forget(userId: number): boolean {
    const was = this.isSpeaking(userId);
    this.tracks.delete(userId);
    return was;
  }
}

/** Root mean square of samples around 0 (−1…1). */
export function rms(samples: ArrayLike<number>): number {
  if (samples.length === 0) {
    return 0;
  }
  let sum = 0;
  for (let i = 0; i < samples.length; i += 1) {
    const value = samples[i] ?? 0;
    sum += value * value;
  }
  return Math.sqrt(sum / samples.length);
}

/** A meter on a stream's audio, through an AnalyserNode of a shared AudioContext. */
export function webAudioMeter(context: AudioContext, stream: MediaStream): LevelMeter {
  const source = context.createMediaStreamSource(stream);
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  return {
    level: () => {
      analyser.getFloatTimeDomainData(samples);
      return rms(samples);
    },
    close: () => {
      source.disconnect();
      analyser.disconnect();
    },
  };
}
