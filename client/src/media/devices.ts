/**
 * Microphones, cameras and speakers: what to ask the browser for, and the lists to choose from.
 *
 * A mesh sends each camera to every other person (up to six copies in a group of seven), so the
 * picture is kept modest: at most 640×360 at about 24 frames per second, and each copy's bit rate
 * is set by the size of the mesh (bitrate.ts).
 */

import type { MediaDevice, MediaDevices, MediaEnvironment, MediaFailure } from "./types";

export function audioConstraints(deviceId: string | null): MediaTrackConstraints {
  return {
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  };
}

export function videoConstraints(deviceId: string | null): MediaTrackConstraints {
  return {
    width: { ideal: 640 },
    height: { ideal: 360 },
    frameRate: { ideal: 24, max: 30 },
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  };
}

/** The devices by kind; labels stay empty until the person allowed a microphone or camera. */
export function sortDevices(devices: readonly MediaDeviceInfo[]): MediaDevices {
  const of = (kind: MediaDeviceKind): MediaDevice[] =>
    devices
      .filter((d) => d.kind === kind && d.deviceId !== "")
      .map((d) => ({ deviceId: d.deviceId, label: d.label }));
  return { microphones: of("audioinput"), cameras: of("videoinput"), speakers: of("audiooutput") };
}

/** What a failed getUserMedia means for the person. */
export function captureFailure(error: unknown, kind: "audio" | "video"): MediaFailure {
  const name = error instanceof Error || isNamed(error) ? error.name : "";
  const what = kind === "audio" ? "microphone" : "camera";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return { ok: false, code: "denied", message: `The browser did not allow the ${what}.` };
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return { ok: false, code: "no_device", message: `No ${what} was found.` };
  }
  return { ok: false, code: "device_failed", message: `The ${what} could not be started.` };
}

function isNamed(value: unknown): value is { name: string } {
  return typeof value === "object" && value !== null && typeof (value as { name?: unknown }).name === "string";
}

/** One track of this kind from the browser (other tracks it gave are stopped), or why not. */
export async function captureTrack(
  env: Pick<MediaEnvironment, "getUserMedia">,
  kind: "audio" | "video",
  deviceId: string | null,
): Promise<MediaStreamTrack | MediaFailure> {
  let stream: MediaStream;
  try {
    stream = await env.getUserMedia(
      kind === "audio" ? { audio: audioConstraints(deviceId) } : { video: videoConstraints(deviceId) },
    );
  } catch (error) {
    return captureFailure(error, kind);
  }
  const tracks = stream.getTracks();
  const track = tracks.find((t) => t.kind === kind);
  for (const other of tracks) {
    if (other !== track) {
      other.stop();
    }
  }
  return track ?? captureFailure({ name: "NotFoundError" }, kind);
}

/** Stop a track for good (the device is released, the browser's indicator goes off). */
export function stopTrack(track: MediaStreamTrack | null): void {
  if (track) {
    track.onended = null;
    track.stop();
  }
}

export function isFailure(value: MediaStreamTrack | MediaFailure): value is MediaFailure {
  return "ok" in value && value.ok === false;
}
