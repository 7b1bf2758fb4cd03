/** The session's picture: each copy's bit rate, the background, a camera from the check, and
 * each connection's quality. */

import { describe, expect, it } from "vitest";
import type { RoomSnapshot } from "../protocol/events";
import { videoBitrate } from "./bitrate";
import { MediaSession } from "./session";
import { FakeBus, FakeEnvironment, type FakePeerConnection, FakeTrack, settle } from "./testing/fakes";
import { floorOf, person, room } from "./testing/rooms";
import type { ConnectionQuality, MediaFailure } from "./types";

interface Member {
  id: number;
  session: MediaSession;
  env: FakeEnvironment;
  previews: Array<MediaStream | null>;
  errors: MediaFailure[];
  qualities: Array<[ReadonlyMap<number, ConnectionQuality>, ConnectionQuality | null]>;
}

function member(bus: FakeBus, id: number): Member {
  const env = new FakeEnvironment();
  const session = new MediaSession({ signalling: bus.signalling(id), environment: env });
  const found: Member = { id, session, env, previews: [], errors: [], qualities: [] };
  session.on("localStream", (stream) => found.previews.push(stream));
  session.on("error", (failure) => found.errors.push(failure));
  session.on("quality", (peers, own) => found.qualities.push([peers, own]));
  session.start(id);
  return found;
}

async function meeting(count: number, snapshot?: RoomSnapshot) {
  const bus = new FakeBus();
  const people = Array.from({ length: count }, (_, i) => person(i + 1));
  const members = people.map((p) => member(bus, p.user_id));
  for (const m of members) {
    m.session.applyRoom(snapshot ?? room(1, { people }));
  }
  await settle();
  return { bus, members, people };
}

const videoSender = (pc: FakePeerConnection) => pc.transceivers.find((t) => t.receiver.track.kind === "video")?.sender;
const openConnections = (m: Member) => m.env.connections.filter((pc) => !pc.closed);
const bitrates = (m: Member) => openConnections(m).map((pc) => videoSender(pc)?.parameters.encodings[0]?.maxBitrate);
const sentVideo = (m: Member) => openConnections(m).map((pc) => videoSender(pc)?.track ?? null);
const offers = (bus: FakeBus, from: number) =>
  bus.sent.filter((s) => s.from === from && s.message.description?.type === "offer").length;

describe("each copy of the camera", () => {
  it("gets its share of the upload by the size of the mesh, again when people come and go", async () => {
    const { members, people } = await meeting(4);
    for (const m of members) {
      expect(bitrates(m)).toEqual([600_000, 600_000, 600_000]); // three others
    }
    const [first] = members as [Member];
    first.session.applyRoom(room(2, { people: people.slice(0, 3) }));
    await settle();
    expect(bitrates(first)).toEqual([videoBitrate(2, false), videoBitrate(2, false)]);
  });

  it("gets a larger share for the person who has the floor, and back when it moves on", async () => {
    const { members, people } = await meeting(4);
    const [, holder, other] = members as [Member, Member, Member];
    for (const m of members) {
      m.session.applyRoom(room(2, { people, floor: floorOf(holder.id) }));
    }
    await settle();
    expect(bitrates(holder)).toEqual(Array(3).fill(videoBitrate(3, true)));
    expect(bitrates(other)).toEqual(Array(3).fill(videoBitrate(3, false)));
    holder.session.applyRoom(room(3, { people, floor: null }));
    await settle();
    expect(bitrates(holder)).toEqual(Array(3).fill(600_000));
  });
});

describe("the background", () => {
  it("is sent in place of the camera's own picture, switched without renegotiating", async () => {
    const { bus, members } = await meeting(3);
    const a = members[1] as Member;
    await a.session.setCamera(true);
    const [raw] = a.env.captured;
    expect(sentVideo(a)).toEqual([raw, raw]);
    const before = offers(bus, a.id);

    expect(await a.session.setBackground("blur")).toEqual({ ok: true });
    const [processor] = a.env.processors;
    expect(processor?.camera).toBe(raw);
    expect(sentVideo(a)).toEqual([processor?.track, processor?.track]);
    expect((a.previews.at(-1) as unknown as { getVideoTracks(): unknown[] }).getVideoTracks()).toEqual([processor?.track]);
    expect(a.session.state.background).toBe("blur");

    expect(await a.session.setBackground("colour")).toEqual({ ok: true });
    expect(a.env.processors).toHaveLength(1);
    expect(processor?.mode).toBe("colour");

    expect(await a.session.setBackground("none")).toEqual({ ok: true });
    expect(sentVideo(a)).toEqual([raw, raw]);
    expect(processor?.stopped).toBe(true);
    await settle();
    expect(offers(bus, a.id)).toBe(before); // replaceTrack only
  });

  it("chosen before the camera goes on, never sends the camera's own picture", async () => {
    const { members } = await meeting(2);
    const a = members[1] as Member;
    expect(await a.session.setBackground("blur")).toEqual({ ok: true });
    expect(a.env.captured).toEqual([]); // only a choice: nothing opens
    await a.session.setCamera(true);
    expect(sentVideo(a)).toEqual([a.env.processors[0]?.track]);
    await a.session.setCamera(false);
    expect(a.env.liveTracks).toEqual([]);
  });

  it("keeps the camera off when the chosen background cannot be made", async () => {
    const { bus, members } = await meeting(2);
    const a = members[1] as Member;
    await a.session.setBackground("blur");
    a.env.backgroundFailure = { ok: false, code: "background_failed", message: "No model." };
    expect(await a.session.setCamera(true)).toMatchObject({ code: "background_failed" });
    expect(a.session.state.camera).toBe(false);
    expect(sentVideo(a)).toEqual([null]);
    expect(a.env.liveTracks).toEqual([]);
    expect(a.errors.map((e) => e.code)).toEqual(["background_failed"]);
    expect(bus.reports.filter((r) => r.from === a.id && r.video)).toEqual([]);
  });

  it("turns the camera off when the background breaks while it is sent", async () => {
    const { members } = await meeting(2);
    const a = members[1] as Member;
    await a.session.setBackground("colour");
    await a.session.setCamera(true);
    a.env.processors[0]?.fail();
    await settle();
    expect(a.session.state.camera).toBe(false);
    expect(sentVideo(a)).toEqual([null]);
    expect(a.env.liveTracks).toEqual([]);
    expect(a.errors.at(-1)?.code).toBe("background_failed");
  });

  it("is refused where the browser cannot, and the picture stays as it was", async () => {
    const { members } = await meeting(2);
    const a = members[1] as Member;
    a.env.canReplaceBackground = false;
    await a.session.setCamera(true);
    expect(a.session.backgroundSupported).toBe(false);
    expect(await a.session.setBackground("blur")).toMatchObject({ code: "background_unsupported" });
    expect(a.session.state.background).toBe("none");
    expect(sentVideo(a)).toEqual([a.env.captured[0]]);
    expect(await a.session.setBackground("none")).toEqual({ ok: true });
  });
});

describe("a camera turned on before entering", () => {
  it("is sent like one turned on in the room, with the chosen background", async () => {
    const { bus, members } = await meeting(2);
    const a = members[1] as Member;
    await a.session.setBackground("blur");
    const track = new FakeTrack("video", "From the check");
    expect(await a.session.adoptCamera(track as unknown as MediaStreamTrack)).toEqual({ ok: true });
    expect(a.env.processors[0]?.camera).toBe(track);
    expect(sentVideo(a)).toEqual([a.env.processors[0]?.track]);
    expect(bus.reports.at(-1)).toEqual({ from: a.id, audio: false, video: true });
    a.session.close();
    expect(track.readyState).toBe("ended");
  });

  it("is stopped at once in audio-only mode", async () => {
    const { members } = await meeting(2);
    const a = members[1] as Member;
    await a.session.setAudioOnly(true);
    const track = new FakeTrack("video");
    expect(await a.session.adoptCamera(track as unknown as MediaStreamTrack)).toMatchObject({ code: "audio_only" });
    expect(track.readyState).toBe("ended");
  });
});

describe("each connection's quality", () => {
  const stats = (rtt: number) =>
    new Map<string, Record<string, unknown>>([
      ["T", { id: "T", type: "transport", selectedCandidatePairId: "CP" }],
      ["CP", { id: "CP", type: "candidate-pair", currentRoundTripTime: rtt, availableOutgoingBitrate: 2_000_000 }],
    ]);

  it("is read every few seconds and told when it changes, until closed", async () => {
    const { members } = await meeting(3);
    const a = members[0] as Member;
    const [toB, toC] = openConnections(a) as [FakePeerConnection, FakePeerConnection];
    toB.statsReport = stats(0.05);
    toC.statsReport = stats(0.9);
    a.env.advance(2500);
    await settle();
    expect(a.qualities).toEqual([[new Map([[2, "good"], [3, "poor"]]), "poor"]]);
    expect(a.session.connectionQuality.own).toBe("poor");
    a.session.close();
    toC.statsReport = stats(0.05);
    a.env.advance(2500);
    await settle();
    expect(a.qualities).toHaveLength(1);
  });
});
