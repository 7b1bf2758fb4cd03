/** The media layer's own answers, shared by its parts (the server's come through the socket). */

import type { MediaFailure, MediaResult } from "./types";

export const OK: MediaResult = { ok: true };
export const CLOSED: MediaFailure = { ok: false, code: "closed", message: "Media is closed." };
export const UNSUPPORTED: MediaFailure = {
  ok: false,
  code: "unsupported",
  message: "This browser cannot carry sound and picture here.",
};
export const AUDIO_ONLY: MediaFailure = { ok: false, code: "audio_only", message: "The camera is off in audio-only mode." };
export const BACKGROUND_UNSUPPORTED: MediaFailure = {
  ok: false,
  code: "background_unsupported",
  message: "This browser cannot blur or replace the background.",
};
export const BACKGROUND_FAILED: MediaFailure = {
  ok: false,
  code: "background_failed",
  message: "The background could not be blurred or replaced, so the camera stays off.",
};

export function isFailure<T extends object>(value: T | MediaFailure): value is MediaFailure {
  return "ok" in value && value.ok === false;
}
