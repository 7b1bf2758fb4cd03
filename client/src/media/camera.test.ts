import { describe, expect, it } from "vitest";
import { CameraFeed } from "./camera";
import { FakeEnvironment, FakeTrack } from "./testing/fakes";

function feed(env = new FakeEnvironment()) {
  const raw = new FakeTrack("video", "Fake camera");
  const failures: number[] = [];
  const camera = new CameraFeed(env, raw as unknown as MediaStreamTrack, () => failures.push(1));
  return { env, raw, camera, failures };
}

describe("a camera's picture and its background", () => {
  it("is the camera's own track until a background is chosen", () => {
    const { camera, raw } = feed();
    expect(camera.output).toBe(raw);
    expect(camera.background).toBe("none");
  });

  it("blurs through one processor, changes mode on the same track, and goes back", async () => {
    const { camera, raw, env } = feed();
    expect(await camera.setBackground("blur")).toEqual({ ok: true });
    const [processor] = env.processors;
    expect(processor?.camera).toBe(raw);
    expect(camera.output).toBe(processor?.track);
    expect(await camera.setBackground("colour")).toEqual({ ok: true });
    expect(env.processors).toHaveLength(1);
    expect(processor?.mode).toBe("colour");
    expect(camera.output).toBe(processor?.track);
    expect(await camera.setBackground("none")).toEqual({ ok: true });
    expect(processor?.stopped).toBe(true);
    expect(camera.output).toBe(raw);
    expect(raw.readyState).toBe("live");
  });

  it("changes nothing when the background cannot be made", async () => {
    const { camera, raw, env } = feed();
    env.backgroundFailure = { ok: false, code: "background_failed", message: "No model." };
    expect(await camera.setBackground("blur")).toMatchObject({ code: "background_failed" });
    expect(camera.output).toBe(raw);
    expect(camera.background).toBe("none");
  });

  it("tells when the processor breaks while running", async () => {
    const { camera, env, failures, raw } = feed();
    await camera.setBackground("blur");
    env.processors[0]?.fail();
    expect(failures).toEqual([1]);
    expect(camera.output).toBe(raw);
  });

  it("stops everything, or hands the camera's own track over", async () => {
    const one = feed();
    await one.camera.setBackground("blur");
    one.camera.stop();
    expect(one.env.liveTracks).toEqual([]);
    expect(one.raw.readyState).toBe("ended");

    const two = feed();
    await two.camera.setBackground("colour");
    expect(two.camera.release()).toBe(two.raw);
    expect(two.raw.readyState).toBe("live");
    expect(two.env.processors[0]?.stopped).toBe(true);
    expect(await two.camera.setBackground("blur")).toMatchObject({ code: "closed" });
  });
});
