import { describe, expect, it } from "vitest";
import type { RoomSnapshot } from "../protocol/events";
import { rtcConfiguration } from "./ice";
import { MediaSession } from "./session";
import { FakeBus, FakeEnvironment, FakeTrack, settle } from "./testing/fakes";
import { floorOf, person, room } from "./testing/rooms";
import type { MediaEvents } from "./types";

interface Member {
  id: number;
  session: MediaSession;
  env: FakeEnvironment;
  events: Array<[keyof MediaEvents, unknown[]]>;
  streams: Map<number, MediaStream | null>;
}

function member(bus: FakeBus, id: number): Member {
  const env = new FakeEnvironment();
  const session = new MediaSession({ signalling: bus.signalling(id), environment: env });
  const found: Member = { id, session, env, events: [], streams: new Map() };
  for (const name of ["speaking", "change", "unmutePrompt", "muted", "audioBlocked", "error", "localStream"] as const) {
    session.on(name, (...args: unknown[]) => found.events.push([name, args]));
  }
  session.onRemoteStream((userId, stream) => found.streams.set(userId, stream));
  session.start(id);
  return found;
}

const events = (m: Member, name: keyof MediaEvents): unknown[][] =>
  m.events.filter(([event]) => event === name).map(([, args]) => args);

/** Three admitted people with their sessions, connected to each other. */
async function meeting(snapshot: RoomSnapshot = room(1)) {
  const bus = new FakeBus();
  const members = [member(bus, 1), member(bus, 2), member(bus, 3)];
  for (const m of members) {
    m.session.applyRoom(snapshot);
  }
  await settle();
  const [facilitator, a, b] = members as [Member, Member, Member];
  return { bus, members, facilitator, a, b };
}

const remoteAudio = (m: Member, from: number): FakeTrack | undefined =>
  (m.streams.get(from) as unknown as { getAudioTracks(): FakeTrack[] } | null)?.getAudioTracks()[0];

describe("a media session", () => {
  it("connects every admitted person with every other (a mesh)", async () => {
    const { members } = await meeting();
    for (const m of members) {
      expect(m.session.peerIds.sort()).toEqual(members.filter((o) => o !== m).map((o) => o.id));
      expect(m.env.connections).toHaveLength(2);
      for (const other of members.filter((o) => o !== m)) {
        expect(remoteAudio(m, other.id)?.kind).toBe("audio");
      }
      expect(m.env.connections.every((pc) => pc.signalingState === "stable")).toBe(true);
    }
  });

  it("opens neither the microphone nor the camera until asked", async () => {
    const { members } = await meeting();
    for (const m of members) {
      expect(m.env.constraints).toEqual([]);
      expect(m.session.state).toMatchObject({ mic: false, camera: false });
    }
  });

  it("turns the microphone on for everyone it is connected with, and off again", async () => {
    const { a, bus } = await meeting();
    expect(await a.session.setMicEnabled(true)).toEqual({ ok: true });
    expect(a.env.constraints).toEqual([{ audio: expect.objectContaining({ echoCancellation: true }) }]);
    const [mic] = a.env.captured;
    for (const pc of a.env.connections) {
      expect(pc.transceivers.find((t) => t.receiver.track.kind === "audio")?.sender.track).toBe(mic);
    }
    expect(bus.reports).toEqual([{ from: 2, audio: true, video: false }]);
    await a.session.setMicEnabled(false);
    expect(mic?.readyState).toBe("ended"); // the device is released, not only muted
    for (const pc of a.env.connections) {
      expect(pc.transceivers.find((t) => t.receiver.track.kind === "audio")?.sender.track).toBeNull();
    }
    expect(bus.reports.at(-1)).toEqual({ from: 2, audio: false, video: false });
  });

  it("silences everyone who may not speak, whatever their browser sends", async () => {
    const { facilitator, a, b } = await meeting(room(1, { floor_mode: true, may_speak: [1, 2] }));
    expect(remoteAudio(facilitator, a.id)?.enabled).toBe(true);
    expect(remoteAudio(facilitator, b.id)?.enabled).toBe(false);
    expect(remoteAudio(a, b.id)?.enabled).toBe(false);
    facilitator.session.applyRoom(room(2, { floor_mode: true, may_speak: [1, 3] }));
    expect(remoteAudio(facilitator, a.id)?.enabled).toBe(false);
    expect(remoteAudio(facilitator, b.id)?.enabled).toBe(true);
  });

  it("plays nothing from anyone before it knows who may speak", async () => {
    const bus = new FakeBus();
    const one = member(bus, 1);
    const two = member(bus, 2);
    one.session.setPeers([2]);
    two.session.setPeers([1]);
    await settle();
    expect(remoteAudio(one, 2)?.enabled).toBe(false);
  });

  it("refuses the microphone to someone who may not speak, without opening it", async () => {
    const { b } = await meeting(room(1, { floor_mode: true, may_speak: [1, 2] }));
    const result = await b.session.setMicEnabled(true);
    expect(result).toMatchObject({ ok: false, code: "may_not_speak" });
    expect(b.env.constraints).toEqual([]);
  });

  it("turns the microphone off when the person may no longer speak", async () => {
    const { a, bus } = await meeting();
    await a.session.setMicEnabled(true);
    a.session.applyRoom(room(2, { floor_mode: true, may_speak: [1] }));
    await settle();
    expect(a.session.state.mic).toBe(false);
    expect(a.env.liveTracks).toEqual([]);
    expect(bus.reports.at(-1)).toEqual({ from: 2, audio: false, video: false });
  });

  it("asks before unmuting someone who gets the floor", async () => {
    const { a } = await meeting(room(1, { floor_mode: true, may_speak: [1] }));
    a.session.applyRoom(room(2, { floor_mode: true, may_speak: [1, 2], floor: floorOf(2) }));
    await settle();
    expect(events(a, "unmutePrompt")).toEqual([[{ reason: "floor" }]]);
    expect(a.session.state.mic).toBe(false);
    expect(a.env.constraints).toEqual([]);
  });

  it("unmutes on the floor without asking only when the person chose so", async () => {
    const { a } = await meeting(room(1, { floor_mode: true, may_speak: [1] }));
    a.session.setUnmuteOnFloor(true);
    a.session.applyRoom(room(2, { floor_mode: true, may_speak: [1, 2], floor: floorOf(2) }));
    await settle();
    expect(events(a, "unmutePrompt")).toEqual([]);
    expect(a.session.state.mic).toBe(true);
  });

  it("mutes when a facilitator mutes, and only asks when a facilitator asks", async () => {
    const { a } = await meeting();
    await a.session.setMicEnabled(true);
    const by = { user_id: 1, name: "P1" };
    a.session.mutedBy(by);
    await settle();
    expect(a.session.state.mic).toBe(false);
    expect(events(a, "muted")).toEqual([[by]]);
    a.session.askedToUnmute(by);
    expect(events(a, "unmutePrompt")).toEqual([[{ reason: "asked", by }]]);
    expect(a.session.state.mic).toBe(false);
  });

  it("gives the microphone back when the room refuses it", async () => {
    const { a, bus } = await meeting();
    bus.reportAnswer = () => ({ ok: false, code: "may_not_speak", message: "Not now." });
    const result = await a.session.setMicEnabled(true);
    expect(result).toEqual({ ok: false, code: "may_not_speak", message: "Not now." });
    expect(a.env.liveTracks).toEqual([]);
    expect(a.session.state.mic).toBe(false);
  });

  it("says so when the browser does not allow the microphone", async () => {
    const { a, bus } = await meeting();
    a.env.captureError = Object.assign(new Error("denied"), { name: "NotAllowedError" });
    const result = await a.session.setMicEnabled(true);
    expect(result).toMatchObject({ ok: false, code: "denied" });
    expect(events(a, "error")).toHaveLength(1);
    expect(bus.reports).toEqual([]);
  });

  it("closes the connection to someone who left, at once", async () => {
    const { facilitator, b } = await meeting();
    facilitator.session.applyRoom(room(2, { people: [person(1), person(2), person(3, false)] }));
    expect(facilitator.session.peerIds).toEqual([2]);
    expect(facilitator.streams.get(b.id)).toBeNull();
    const closed = facilitator.env.connections.filter((pc) => pc.closed);
    expect(closed).toHaveLength(1);
  });

  it("drops signalling from someone it is not connected with", async () => {
    const bus = new FakeBus();
    const one = member(bus, 1);
    const stranger = bus.signalling(9);
    await stranger.send(1, { description: { type: "offer", sdp: "v=0\r\n" } });
    await settle();
    expect(one.env.connections).toEqual([]);
  });

  it("ignores an older snapshot", async () => {
    const { facilitator } = await meeting(room(5));
    facilitator.session.applyRoom(room(4, { people: [person(1)] }));
    expect(facilitator.session.peerIds.sort()).toEqual([2, 3]);
  });

  it("stops every track and closes every connection at once on close", async () => {
    const { a } = await meeting();
    await a.session.setMicEnabled(true);
    await a.session.setCamera(true);
    expect(a.env.liveTracks).toHaveLength(2);
    a.session.close();
    expect(a.env.liveTracks).toEqual([]);
    expect(a.env.connections.every((pc) => pc.closed)).toBe(true);
    expect(a.env.outputs.every((o) => o.closed)).toBe(true);
    expect(a.env.meters.every((m) => m.closed)).toBe(true);
    expect(a.env.closed).toBe(true);
    expect(a.env.ticks.size).toBe(0);
    a.session.close();
    expect(await a.session.setMicEnabled(true)).toMatchObject({ ok: false, code: "closed" });
    expect(a.env.liveTracks).toEqual([]);
  });

  it("closing while the browser is still asking for the microphone leaves it off", async () => {
    const { a } = await meeting();
    const pending = a.session.setMicEnabled(true);
    a.session.close();
    await pending;
    await settle();
    expect(a.env.liveTracks).toEqual([]);
  });

  it("shows who is speaking, and never someone who is silenced", async () => {
    const { facilitator, a, b } = await meeting(room(1, { may_speak: [1, 2] }));
    const meterOf = (from: number) => facilitator.env.meters.find((m) => m.stream === facilitator.streams.get(from) as unknown);
    meterOf(a.id)!.value = 0.3;
    meterOf(b.id)!.value = 0.3;
    for (let i = 0; i < 5; i += 1) {
      facilitator.env.advance(100);
    }
    expect(events(facilitator, "speaking")).toEqual([[a.id, true]]);
    expect(facilitator.session.audioLevel(a.id)).toBeCloseTo(0.3);
    expect(facilitator.session.audioLevel(b.id)).toBe(0);
    meterOf(a.id)!.value = 0;
    for (let i = 0; i < 10; i += 1) {
      facilitator.env.advance(100);
    }
    expect(events(facilitator, "speaking")).toEqual([
      [a.id, true],
      [a.id, false],
    ]);
  });

  it("tells when the browser blocks sound until a click, and plays after one", async () => {
    const bus = new FakeBus();
    const one = member(bus, 1);
    const two = member(bus, 2);
    one.env.autoplayBlocked = true;
    one.session.applyRoom(room(1, { people: [person(1), person(2)] }));
    two.session.applyRoom(room(1, { people: [person(1), person(2)] }));
    await settle();
    expect(events(one, "audioBlocked")).toHaveLength(1);
    await one.session.resumeAudio();
    expect(one.env.outputs[0]?.plays).toBe(2);
  });

  it("uses the room's ICE servers, and fetches them again before they expire", async () => {
    const bus = new FakeBus();
    bus.iceConfig = {
      ice_servers: [{ urls: ["turn:turn.example.org"], username: "9:abc", credential: "c" }],
      ice_transport_policy: "relay",
      expires_at: Math.floor(Date.now() / 1000) + 60, // inside the margin: fetched every time
    };
    const one = member(bus, 1);
    one.session.setPeers([2, 3]);
    await settle();
    expect(one.env.connections[0]?.config).toEqual({
      iceServers: [{ urls: ["turn:turn.example.org"], username: "9:abc", credential: "c" }],
      iceTransportPolicy: "relay",
    });
    one.session.setPeers([2, 3, 4]);
    await settle();
    expect(bus.iceRequests).toBeGreaterThanOrEqual(2);
    expect(rtcConfiguration(null)).toEqual({});
  });

  it("gathers no addresses while the room has not answered for ICE servers, then asks again", async () => {
    const bus = new FakeBus();
    bus.iceConfig = null; // the ice_servers request failed (a timeout, a dropped connection)
    const one = member(bus, 1);
    one.session.setPeers([2]);
    await settle();
    expect(one.env.connections[0]?.config).toEqual({ iceServers: [], iceTransportPolicy: "relay" });
    bus.iceConfig = { ice_servers: [], ice_transport_policy: "all", expires_at: null };
    one.session.setPeers([2, 3]);
    await settle();
    expect(bus.iceRequests).toBe(2);
    expect(one.env.connections.at(-1)?.config.iceTransportPolicy).toBe("all");
  });

  it("says whether audio and video go only through the relay, and connects the same way", async () => {
    const bus = new FakeBus();
    bus.iceConfig = { ice_servers: [], ice_transport_policy: "all", expires_at: null }; // no TURN
    const direct = member(bus, 1);
    expect(await direct.session.relayed()).toBe(false);
    bus.iceConfig = { ice_servers: [{ urls: ["turn:t"] }], ice_transport_policy: "relay", expires_at: null };
    const relayed = member(bus, 2);
    expect(await relayed.session.relayed()).toBe(true);
    relayed.session.setPeers([3]);
    await settle();
    expect(relayed.env.connections[0]?.config.iceTransportPolicy).toBe("relay");
    expect(bus.iceRequests).toBe(2); // one per session: the connection used what was fetched
  });

  it("keeps the camera off in audio-only mode and receives no video", async () => {
    const { a } = await meeting();
    await a.session.setCamera(true);
    await a.session.setAudioOnly(true);
    await settle();
    expect(a.session.state).toMatchObject({ camera: false, audioOnly: true });
    expect(await a.session.setCamera(true)).toMatchObject({ ok: false, code: "audio_only" });
    for (const pc of a.env.connections) {
      expect(pc.transceivers.find((t) => t.receiver.track.kind === "video")?.direction).toBe("sendonly");
    }
    const video = (a.streams.get(1) as unknown as { getVideoTracks(): FakeTrack[] }).getVideoTracks()[0];
    expect(video?.enabled).toBe(false);
  });

  it("shows the camera as a preview and switches cameras", async () => {
    const { a, bus } = await meeting();
    await a.session.setCamera(true);
    const [first] = a.env.captured;
    expect(events(a, "localStream")).toHaveLength(1);
    expect(bus.reports.at(-1)).toEqual({ from: 2, audio: false, video: true });
    await a.session.setCamera(true, "camera-2");
    expect(first?.readyState).toBe("ended");
    expect(a.env.constraints.at(-1)).toEqual({ video: expect.objectContaining({ deviceId: { exact: "camera-2" } }) });
    await a.session.setCamera(false);
    expect(events(a, "localStream").at(-1)).toEqual([null]);
  });

  it("lists devices by kind", async () => {
    const bus = new FakeBus();
    const one = member(bus, 1);
    one.env.devices = [
      { kind: "audioinput", deviceId: "m1", label: "Headset" },
      { kind: "videoinput", deviceId: "c1", label: "" },
      { kind: "audiooutput", deviceId: "s1", label: "Speakers" },
    ];
    expect(await one.session.listDevices()).toEqual({
      microphones: [{ deviceId: "m1", label: "Headset" }],
      cameras: [{ deviceId: "c1", label: "" }],
      speakers: [{ deviceId: "s1", label: "Speakers" }],
    });
  });
});
