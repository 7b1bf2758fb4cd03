import { describe, expect, it } from "vitest";
import { type CheckState, MediaCheck, meterLevel } from "./check";
import { FakeEnvironment, type FakeStream, FakeTrack, settle } from "./testing/fakes";
import type { BackgroundMode } from "./types";

function check(choices: { background?: BackgroundMode; audioOnly?: boolean; cameraDeviceId?: string | null } = {}) {
  const env = new FakeEnvironment();
  const states: CheckState[] = [];
  const failures: string[] = [];
  const prefs = {
    micDeviceId: null as string | null,
    cameraDeviceId: choices.cameraDeviceId ?? null,
    background: choices.background ?? ("none" as BackgroundMode),
    audioOnly: choices.audioOnly ?? false,
  };
  const media = new MediaCheck({
    env,
    choices: () => prefs,
    changed: (state) => states.push(state),
    failed: (failure) => failures.push(failure.code),
  });
  return { env, media, states, prefs, failures };
}

const videoOf = (stream: MediaStream | null): FakeTrack | undefined =>
  (stream as unknown as FakeStream | null)?.getVideoTracks()[0];

describe("the meter's scale", () => {
  it("reads a loudness in decibels, from silence to full", () => {
    expect(meterLevel(0)).toBe(0);
    expect(meterLevel(0.001)).toBe(0); // −60 dB
    expect(meterLevel(0.1)).toBeCloseTo(0.67, 2); // speech, −20 dB
    expect(meterLevel(1)).toBe(1);
    expect(meterLevel(Number.NaN)).toBe(0);
  });
});

describe("the check before entering", () => {
  it("shows the camera only when asked, with the chosen camera", async () => {
    const { env, media, states } = check({ cameraDeviceId: "cam-2" });
    expect(env.constraints).toEqual([]);
    expect(await media.cameraOn()).toEqual({ ok: true });
    expect(env.constraints).toEqual([{ video: expect.objectContaining({ deviceId: { exact: "cam-2" } }) }]);
    expect(videoOf(media.current.camera)?.label).toBe("Fake camera");
    media.cameraOff();
    expect(states.at(-1)?.camera).toBeNull();
    expect(env.liveTracks).toEqual([]);
  });

  it("previews the chosen background, and follows a new choice", async () => {
    const { env, media } = check({ background: "blur" });
    await media.cameraOn();
    const [processor] = env.processors;
    expect(videoOf(media.current.camera)).toBe(processor?.track);
    expect(await media.setBackground("none")).toEqual({ ok: true });
    expect(videoOf(media.current.camera)?.label).toBe("Fake camera");
    expect(processor?.stopped).toBe(true);
  });

  it("keeps the camera off when the chosen background cannot be made", async () => {
    const { env, media } = check({ background: "blur" });
    env.backgroundFailure = { ok: false, code: "background_failed", message: "No model." };
    expect(await media.cameraOn()).toMatchObject({ code: "background_failed" });
    expect(media.current.camera).toBeNull();
    expect(env.liveTracks).toEqual([]);
  });

  it("turns the preview off when its background breaks", async () => {
    const { env, media, failures } = check({ background: "colour" });
    await media.cameraOn();
    env.processors[0]?.fail();
    expect(media.current.camera).toBeNull();
    expect(failures).toEqual(["background_failed"]);
    expect(env.liveTracks).toEqual([]);
  });

  it("refuses the camera in audio-only mode", async () => {
    const { env, media } = check({ audioOnly: true });
    expect(await media.cameraOn()).toMatchObject({ code: "audio_only" });
    expect(env.constraints).toEqual([]);
  });

  it("moves the microphone's level about ten times a second, only while it is on", async () => {
    const { env, media, states } = check();
    expect(await media.micOn()).toEqual({ ok: true });
    expect(media.current).toMatchObject({ micOn: true, level: 0 });
    const [meter] = env.meters;
    meter!.value = 0.1;
    env.advance(100);
    expect(media.current.level).toBeCloseTo(0.67, 2);
    const updates = states.length;
    media.micOff();
    expect(media.current).toEqual({ camera: null, micOn: false, level: 0 });
    expect(meter?.closed).toBe(true);
    expect(env.ticks.size).toBe(0);
    env.advance(100);
    expect(states.length).toBe(updates + 1);
    expect(env.liveTracks).toEqual([]);
  });

  it("hands the camera's own track over, and closes the rest", async () => {
    const { env, media } = check({ background: "blur" });
    await media.cameraOn();
    await media.micOn();
    const camera = media.takeCamera() as unknown as FakeTrack;
    expect(camera.readyState).toBe("live");
    expect(camera.label).toBe("Fake camera");
    expect(env.processors[0]?.stopped).toBe(true);
    media.close();
    expect(env.liveTracks).toEqual([camera]);
    expect(media.current).toEqual({ camera: null, micOn: false, level: 0 });
  });

  it("leaves nothing open when closed while the browser is still asking", async () => {
    const { env, media } = check();
    const asked = media.cameraOn();
    const heard = media.micOn();
    media.close();
    expect(await asked).toMatchObject({ code: "closed" });
    expect(await heard).toMatchObject({ code: "closed" });
    await settle();
    expect(env.liveTracks).toEqual([]);
    expect(await media.cameraOn()).toMatchObject({ code: "closed" });
  });
});
