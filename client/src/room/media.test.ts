import { describe, expect, it } from "vitest";
import { FakeTrack } from "../media/testing/fakes";
import type { RoomSnapshot } from "../protocol/events";
import { RoomStore } from "./model";
import { FACILITATOR, PARTICIPANT, PEOPLE, floorOf as floor, roomSnapshot } from "./samples";
import { type MediaRig, mediaRig, peerSession, settle } from "./ui/testing";

/** Birch (3) admitted to the room with a real session over the fakes. */
async function admitted(room: Partial<RoomSnapshot> = {}): Promise<MediaRig & { store: RoomStore }> {
  const store = new RoomStore(PARTICIPANT);
  const rig = mediaRig(PARTICIPANT, store);
  rig.connection.join({ ok: true, data: { where: "room", user_id: 1, room: roomSnapshot(room) } });
  await settle();
  return { ...rig, store };
}

function roomState(rig: MediaRig, version: number, room: Partial<RoomSnapshot>): void {
  rig.connection.fire("room_state", roomSnapshot({ version, ...room }));
}

const keys = (rig: MediaRig) => rig.said.map((announcement) => announcement.key);

describe("sound and picture in the room", () => {
  it("opens nothing in the lobby, and the session once admitted", async () => {
    const store = new RoomStore(PARTICIPANT);
    const rig = mediaRig(PARTICIPANT, store);
    rig.connection.join({ ok: true, data: { where: "lobby", user_id: 1 } });
    await settle();
    expect(rig.media.get().status).toBe("waiting");
    expect(rig.media.current).toBeNull();

    rig.connection.fire("admitted", { meeting_id: 7 });
    roomState(rig, 2, {});
    await settle();
    expect(rig.media.get().status).toBe("open");
    // Everyone connected but me: Mira, Jonas and Heron (Willow is away and disconnected).
    expect(rig.media.current?.peerIds.sort()).toEqual([1, 2, 4]);
    expect(rig.env.constraints).toEqual([]); // no microphone, no camera without a click
    expect(rig.media.get().local).toMatchObject({ mic: false, camera: false, maySpeak: true });
  });

  it("leaves the room working without WebRTC", async () => {
    const store = new RoomStore(PARTICIPANT);
    const rig = mediaRig(PARTICIPANT, store, { supported: false });
    rig.connection.join({ ok: true, data: { where: "room", user_id: 1, room: roomSnapshot() } });
    await settle();
    expect(rig.media.get().status).toBe("unsupported");
    expect(store.get().screen.kind).toBe("room");
    expect((await rig.media.setMic(true)).ok).toBe(false);
  });

  it("turns the microphone on and off at the person's click, and tells the room", async () => {
    const rig = await admitted();
    expect(await rig.media.setMic(true)).toEqual({ ok: true });
    expect(rig.media.get().local.mic).toBe(true);
    expect(rig.connection.sent).toContainEqual(["set_media", { audio: true, video: false }]);
    await rig.media.setMic(false);
    expect(rig.media.get().local.mic).toBe(false);
    expect(rig.env.liveTracks).toEqual([]);
  });

  it("shows why the microphone was refused: not allowed, or not the floor", async () => {
    const rig = await admitted();
    rig.env.captureError = Object.assign(new Error("no"), { name: "NotAllowedError" });
    await rig.media.setMic(true);
    expect(rig.media.get().problems.mic?.code).toBe("denied");
    expect(rig.media.get().pending.mic).toBe(false);

    rig.env.captureError = null;
    roomState(rig, 2, { floor_mode: true, may_speak: [1, 2] });
    await rig.media.setMic(true);
    expect(rig.media.get().problems.mic?.code).toBe("may_not_speak");
    expect(rig.env.liveTracks).toEqual([]);
  });

  it("turns the microphone off when the person may no longer speak, and says so", async () => {
    const rig = await admitted();
    await rig.media.setMic(true);
    roomState(rig, 2, { floor_mode: true, may_speak: [1, 2] });
    await settle();
    expect(rig.media.get().local).toMatchObject({ mic: false, maySpeak: false });
    expect(rig.env.liveTracks).toEqual([]);
    expect(keys(rig)).toContain("sayMicOffFloor");
  });

  it("asks before turning the microphone on for the floor; only yes turns it on", async () => {
    const rig = await admitted({ floor_mode: true, may_speak: [1, 2] });
    roomState(rig, 2, { floor_mode: true, may_speak: [1, 2, 3], floor: floor(3) });
    await settle();
    expect(rig.media.get().prompt).toEqual({ reason: "floor" });
    expect(rig.media.get().local.mic).toBe(false);
    expect(keys(rig)).toContain("sayUnmutePrompt");

    await rig.media.answerPrompt(false);
    expect(rig.media.get().prompt).toBeNull();
    expect(rig.media.get().local.mic).toBe(false);

    roomState(rig, 3, { floor_mode: true, may_speak: [1, 2] });
    roomState(rig, 4, { floor_mode: true, may_speak: [1, 2, 3], floor: floor(3) });
    await settle();
    await rig.media.answerPrompt(true);
    expect(rig.media.get().local.mic).toBe(true);
  });

  it("drops the question when the floor moves on before an answer", async () => {
    const rig = await admitted();
    roomState(rig, 2, { floor: floor(3) });
    await settle();
    expect(rig.media.get().prompt).toEqual({ reason: "floor" });
    roomState(rig, 3, { floor: floor(4) });
    await settle();
    expect(rig.media.get().prompt).toBeNull();
  });

  it("passes on a facilitator's request to unmute, as a question", async () => {
    const rig = await admitted();
    rig.connection.fire("unmute_request", { meeting_id: 7, by: { user_id: 1, name: "Mira" } });
    expect(rig.media.get().prompt).toEqual({ reason: "asked", by: { user_id: 1, name: "Mira" } });
    expect(rig.said.at(-1)).toEqual({ key: "sayUnmuteAsked", params: { name: "Mira" } });
    expect(rig.media.get().local.mic).toBe(false);
  });

  it("says a facilitator muted the microphone, only when it was on", async () => {
    const rig = await admitted();
    const by = { user_id: 1, name: "Mira" };
    rig.connection.fire("mute_request", { meeting_id: 7, by });
    expect(rig.media.get().mutedBy).toBeNull(); // it was off: nothing happened to the person

    await rig.media.setMic(true);
    rig.connection.fire("mute_request", { meeting_id: 7, by });
    await settle();
    expect(rig.media.get().local.mic).toBe(false);
    expect(rig.media.get().mutedBy).toEqual(by);
    expect(rig.said.at(-1)).toEqual({ key: "sayMutedBy", params: { name: "Mira" } });
    rig.media.hideMutedNotice();
    expect(rig.media.get().mutedBy).toBeNull();
  });

  it("unmutes by itself on the floor only when the person chose so", async () => {
    const rig = await admitted();
    rig.media.setUnmuteOnFloor(true);
    roomState(rig, 2, { floor: floor(3) });
    await settle();
    expect(rig.media.get().prompt).toBeNull();
    expect(rig.media.get().local.mic).toBe(true);
  });

  it("shows the others' streams and who is speaking", async () => {
    const rig = await admitted();
    const heron = peerSession(rig.relay, 4, roomSnapshot());
    await settle();
    const stream = rig.media.get().remote.get(4) as unknown as { getAudioTracks(): FakeTrack[] };
    expect(stream.getAudioTracks()).toHaveLength(1);

    const meter = rig.env.meters.find((m) => m.stream === (stream as unknown));
    meter!.value = 0.4;
    rig.env.advance(100);
    rig.env.advance(200);
    expect(rig.media.get().speaking.has(4)).toBe(true);
    heron.session.close();
    roomState(rig, 2, { people: PEOPLE.filter((p) => p.user_id !== 4) });
    expect(rig.media.get().remote.has(4)).toBe(false);
    expect(rig.media.get().speaking.has(4)).toBe(false);
  });

  it("shows the camera preview, and refuses the camera in audio-only mode", async () => {
    const rig = await admitted();
    expect(await rig.media.setCamera(true)).toEqual({ ok: true });
    const preview = rig.media.get().preview as unknown as { getVideoTracks(): FakeTrack[] };
    expect(preview.getVideoTracks()).toHaveLength(1);

    await rig.media.setAudioOnly(true);
    expect(rig.media.get().local).toMatchObject({ audioOnly: true, camera: false });
    expect(rig.media.get().preview).toBeNull();
    await rig.media.setCamera(true);
    expect(rig.media.get().problems.camera?.code).toBe("audio_only");
  });

  it("lists devices and switches the microphone", async () => {
    const rig = await admitted();
    rig.env.devices = [
      { kind: "audioinput", deviceId: "mic-a", label: "Headset" },
      { kind: "videoinput", deviceId: "cam-a", label: "" },
      { kind: "audiooutput", deviceId: "out-a", label: "Speakers" },
    ];
    await rig.media.refreshDevices();
    expect(rig.media.get().devices.microphones).toEqual([{ deviceId: "mic-a", label: "Headset" }]);
    await rig.media.setMic(true);
    expect(await rig.media.chooseMicrophone("mic-a")).toEqual({ ok: true });
    expect(rig.env.constraints.at(-1)).toEqual({
      audio: expect.objectContaining({ deviceId: { exact: "mic-a" } }),
    });
    await rig.media.chooseSpeakers("out-a");
    expect(rig.media.get().speakerId).toBe("out-a");
  });

  it("asks the person to click when the browser holds sound back", async () => {
    const rig = await admitted();
    rig.env.autoplayBlocked = true;
    peerSession(rig.relay, 4, roomSnapshot());
    await settle();
    expect(rig.media.get().audioBlocked).toBe(true);
    expect(keys(rig)).toContain("sayAudioBlocked");
    rig.media.resumeAudio();
    expect(rig.media.get().audioBlocked).toBe(false);
  });

  it.each([
    ["leaves", { type: "left" } as const],
    ["is removed", { type: "server", event: "removed", data: { meeting_id: 7, scope: "meeting" }, now: 0 } as const],
  ])("stops every track and closes every connection when the person %s", async (_, action) => {
    const rig = await admitted();
    await rig.media.setMic(true);
    await rig.media.setCamera(true);
    rig.store.dispatch(action);
    expect(rig.media.get().status).toBe("closed");
    expect(rig.env.liveTracks).toEqual([]);
    expect(rig.env.connections.length).toBeGreaterThan(0);
    expect(rig.env.connections.every((pc) => pc.closed)).toBe(true);
  });

  it("closes at once and for good (the quick exit)", async () => {
    const rig = await admitted();
    await rig.media.setMic(true);
    rig.media.close();
    expect(rig.env.liveTracks).toEqual([]);
    expect(rig.env.connections.every((pc) => pc.closed)).toBe(true);
    expect(rig.media.current).toBeNull();
    roomState(rig, 9, {});
    expect(rig.media.get().status).toBe("closed");
    expect((await rig.media.setMic(true)).ok).toBe(false);
  });

  it("gives a facilitator a session too", async () => {
    const store = new RoomStore(FACILITATOR);
    const rig = mediaRig(FACILITATOR, store);
    rig.connection.join({ ok: true, data: { where: "room", user_id: 1, room: roomSnapshot({ floor_mode: true, may_speak: [1, 2] }) } });
    await settle();
    expect(await rig.media.setMic(true)).toEqual({ ok: true });
  });
});

/** Birch (3) waiting in the lobby, with a session that connects to nobody yet. */
async function waiting(): Promise<MediaRig & { store: RoomStore }> {
  const store = new RoomStore(PARTICIPANT);
  const rig = mediaRig(PARTICIPANT, store);
  rig.connection.join({ ok: true, data: { where: "lobby", user_id: 1 } });
  await settle();
  return { ...rig, store };
}

async function admit(rig: MediaRig): Promise<void> {
  rig.connection.fire("admitted", { meeting_id: 7 });
  roomState(rig, 2, {});
  await settle();
}

const mediaRequests = (rig: MediaRig) =>
  rig.connection.sent.filter(([event]) => ["set_media", "rtc_signal", "ice_servers"].includes(event));
const videoOf = (stream: MediaStream | null) =>
  (stream as unknown as { getVideoTracks(): FakeTrack[] } | null)?.getVideoTracks()[0];

describe("the check before entering", () => {
  it("shows the camera, moves the microphone's level and plays a test sound, sending nothing", async () => {
    const rig = await waiting();
    expect(rig.media.get().check).toEqual({ camera: null, micOn: false, level: 0 });
    expect(rig.media.get().backgroundSupported).toBe(true);
    rig.env.devices = [{ kind: "audiooutput", deviceId: "out-a", label: "Speakers" }];
    await rig.media.refreshDevices();
    expect(rig.media.get().devices.speakers).toEqual([{ deviceId: "out-a", label: "Speakers" }]);

    expect(await rig.media.checkCamera(true)).toEqual({ ok: true });
    expect(videoOf(rig.media.get().check.camera)?.label).toBe("Fake camera");
    expect(await rig.media.checkMic(true)).toEqual({ ok: true });
    expect(rig.media.get().check.micOn).toBe(true);
    rig.env.meters.at(-1)!.value = 0.1;
    rig.env.advance(100);
    expect(rig.media.get().check.level).toBeCloseTo(0.67, 2);

    await rig.media.chooseSpeakers("out-a");
    expect(await rig.media.playTestSound()).toEqual({ ok: true });
    expect(rig.env.tones).toEqual(["out-a"]);

    expect(rig.media.get().status).toBe("waiting");
    expect(rig.media.current).toBeNull();
    expect(mediaRequests(rig)).toEqual([]);
    expect(rig.env.connections).toEqual([]);
  });

  it("updates the view about ten times a second only while the microphone is checked", async () => {
    const rig = await waiting();
    let renders = 0;
    rig.media.subscribe(() => (renders += 1));
    for (let i = 0; i < 10; i += 1) {
      rig.env.advance(100);
    }
    expect(renders).toBe(0);
    await rig.media.checkMic(true);
    renders = 0;
    for (let i = 0; i < 10; i += 1) {
      rig.env.advance(100);
    }
    expect(renders).toBe(10);
    await rig.media.checkMic(false);
    renders = 0;
    rig.env.advance(100);
    expect(renders).toBe(0);
  });

  it("carries the choices and the camera into the room, but not the microphone", async () => {
    const rig = await waiting();
    await rig.media.chooseMicrophone("mic-a");
    await rig.media.chooseCamera("cam-a");
    expect(await rig.media.setBackground("blur")).toEqual({ ok: true });
    await rig.media.setUnmuteOnFloor(true);
    expect(await rig.media.checkCamera(true)).toEqual({ ok: true });
    await rig.media.checkMic(true);
    const [checkMic, camera] = [rig.env.captured.find((t) => t.kind === "audio"), rig.env.captured.find((t) => t.kind === "video")];
    expect(rig.env.constraints).toContainEqual({ video: expect.objectContaining({ deviceId: { exact: "cam-a" } }) });
    expect(rig.media.get().local).toMatchObject({ background: "blur", micDeviceId: "mic-a", cameraDeviceId: "cam-a", camera: false });

    await admit(rig);
    const view = rig.media.get();
    expect(view.status).toBe("open");
    expect(view.check).toEqual({ camera: null, micOn: false, level: 0 });
    expect(view.local).toMatchObject({ camera: true, mic: false, background: "blur", micDeviceId: "mic-a", unmuteOnFloor: true });
    expect(checkMic?.readyState).toBe("ended"); // the check's microphone went nowhere, and is closed
    expect(camera?.readyState).toBe("live"); // the same camera: not opened again
    expect(rig.env.captured.filter((t) => t.kind === "video")).toEqual([camera]);
    const processor = rig.env.processors.at(-1);
    expect(processor?.camera).toBe(camera);
    expect(videoOf(view.preview)).toBe(processor?.track);
    expect(rig.connection.sent).toContainEqual(["set_media", { audio: false, video: true }]);

    await rig.media.setMic(true);
    expect(rig.env.constraints.at(-1)).toEqual({ audio: expect.objectContaining({ deviceId: { exact: "mic-a" } }) });
  });

  it("enters with the camera off when it was off in the check", async () => {
    const rig = await waiting();
    await rig.media.checkMic(true);
    await admit(rig);
    expect(rig.media.get().local).toMatchObject({ camera: false, mic: false });
    expect(rig.env.liveTracks).toEqual([]);
    expect(await rig.media.checkCamera(true)).toMatchObject({ ok: false, code: "closed" }); // harmless
    expect(rig.env.liveTracks).toEqual([]);
  });

  it("turns the preview off in audio-only mode, which the room keeps", async () => {
    const rig = await waiting();
    await rig.media.checkCamera(true);
    await rig.media.setAudioOnly(true);
    expect(rig.media.get().check.camera).toBeNull();
    expect(await rig.media.checkCamera(true)).toMatchObject({ code: "audio_only" });
    await admit(rig);
    expect(rig.media.get().local).toMatchObject({ audioOnly: true, camera: false });
    expect(rig.env.liveTracks).toEqual([]);
  });

  it("keeps the former background when the chosen one cannot be made, and says why", async () => {
    const rig = await waiting();
    await rig.media.checkCamera(true);
    rig.env.backgroundFailure = { ok: false, code: "background_failed", message: "No model." };
    expect(await rig.media.setBackground("blur")).toMatchObject({ code: "background_failed" });
    expect(rig.media.get().local.background).toBe("none");
    expect(rig.media.get().problems.background?.code).toBe("background_failed");
    expect(videoOf(rig.media.get().check.camera)?.label).toBe("Fake camera");
  });

  it.each([
    ["the quick exit", (rig: MediaRig & { store: RoomStore }) => rig.media.close()],
    ["leaving", (rig: MediaRig & { store: RoomStore }) => rig.store.dispatch({ type: "left" })],
  ])("leaves no device open on %s from the lobby", async (_, leave) => {
    const rig = await waiting();
    await rig.media.setBackground("colour");
    await rig.media.checkCamera(true);
    await rig.media.checkMic(true);
    expect(rig.env.liveTracks.length).toBeGreaterThan(1);
    leave(rig);
    expect(rig.media.get().status).toBe("closed");
    expect(rig.env.liveTracks).toEqual([]);
    expect(rig.env.ticks.size).toBe(0);
    expect(rig.env.closed).toBe(true);
  });
});

describe("the picture in the room", () => {
  it("switches the background while the camera is on", async () => {
    const rig = await admitted();
    await rig.media.setCamera(true);
    expect(await rig.media.setBackground("blur")).toEqual({ ok: true });
    expect(videoOf(rig.media.get().preview)).toBe(rig.env.processors[0]?.track);
    expect(rig.media.get().local.background).toBe("blur");
    expect(await rig.media.setBackground("none")).toEqual({ ok: true });
    expect(videoOf(rig.media.get().preview)?.label).toBe("Fake camera");
  });

  it("shows each connection's quality and this person's own", async () => {
    const rig = await admitted();
    await settle();
    for (const pc of rig.env.connections) {
      pc.statsReport = new Map([
        ["T", { id: "T", type: "transport", selectedCandidatePairId: "CP" }],
        ["CP", { id: "CP", type: "candidate-pair", currentRoundTripTime: 0.8 }],
      ]);
    }
    rig.env.advance(2500);
    await settle();
    expect(rig.media.get().ownQuality).toBe("poor");
    expect([...rig.media.get().quality.values()]).toEqual(rig.env.connections.map(() => "poor"));
  });
});
